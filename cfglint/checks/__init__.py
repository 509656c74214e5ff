"""The rule pack. Checks are pure: model objects in, findings out. Positions come from the Settings'
spans; severity, suppression and ordering are the engine's business."""

from __future__ import annotations

import re
from functools import cache

from cfglint.findings import Finding, Related, Severity, Step
from cfglint.model.values import Setting
from cfglint.span import Span

INT_MAX = 2_147_483_647
# No JVM runs a million platform threads; a maximum this high is a missing bound, not a tuning choice.
UNBOUNDED_THREADS = 1_000_000


def finding(rule: str, where: Setting | Span, headline: str, key: str,
            related: tuple[Related, ...] = (), severity: Severity = Severity.ERROR, unjudged: str = "", *,
            why: str = "", help: str = "", notes: tuple[str, ...] | list[str] = (),
            via: Setting | None = None) -> Finding:
    """``headline``: one sentence, at most ~100 characters: what, where, the value. ``why``: the danger; ``help``:
    what to write, in the file's own syntax; ``notes``: version caveats and policy remarks. The provenance chain
    comes from the Setting reported (or ``via``, when the span is a part of it). ``severity`` lowers this one
    finding below the rule's configured severity (a note for a minor case); by default the finding takes the
    rule's. ``unjudged``: not a finding but the record of something the rule's policy leaves alone, and why (the
    engine counts these for the summary and reports none of them)."""
    span = where.span if isinstance(where, Setting) else where
    assert span is not None
    source = where if isinstance(where, Setting) else via
    return Finding(rule=rule, message=headline, span=span, related=related, key=key, severity=severity,
                   unjudged=unjudged, why=why, help=help, notes=tuple(n for n in notes if n),
                   chain=steps(source) if source is not None else ())


def steps(s: Setting) -> tuple[Step, ...]:
    """A Setting's provenance as steps with locations: where the placeholder is written (when the value comes
    from elsewhere), then each placeholder it went through."""
    out: list[Step] = []
    if s.written is not None and s.raw:
        out.append(Step(f"{s.source or s.name} is written `{s.raw.strip()}`", s.written))
    spans = s.chain_spans
    for i, text in enumerate(s.chain):
        out.append(Step(text, spans[i] if i < len(spans) else None))
    return tuple(out)


def value(s: Setting, unit: str = "") -> str:
    """``name=value`` for a headline (no provenance: that is the chain); '(unset)' for an empty value."""
    v = s.value if s.value not in (None, "") else "(empty)"
    u = f" {unit}" if unit and s.value not in (None, "") else ""
    return f"{s.name}={short(v, 40)}{u}"


_BOUND_BY = re.compile(r" \((?:bound by|declared in|from) [^()]*(?:\([^()]*\)[^()]*)*\)$")
_NAMED_BY_KEY = re.compile(r"^[^()]* \(([\w-]+(?:\.[\w-]+)+)\)$")
_NEW = re.compile(r"^new ([\w.]+)\(\.\.\.\)")
_QUOTED_NAME = re.compile(r" '([^'\s]+)'$")
_AT_FILE = re.compile(r" at [^\s:]+\.(?:java|xml|ya?ml|properties):\d+$")


def name(label: str, n: int = 60) -> str:
    """A pool's or datasource's label for a headline: without the ' at File.java:12' the location already gives,
    cut to ``n`` characters, in backticks when it is one identifier or key (`dubbo`, `spring.datasource.druid`)."""
    label = _AT_FILE.sub("", _BOUND_BY.sub("", " ".join(label.split())))
    m = _NAMED_BY_KEY.match(label)  # "Spring Boot's task executor (spring.task.execution.pool)": the key says it
    if m:
        label = m.group(1)
    if len(label) > 2 and label[0] == label[-1] == "'":
        label = label[1:-1]  # 'dataSource' -> `dataSource`
    # Pools built in Java: "new ThreadPoolExecutor(...) 'orderExecutor'" -> "ThreadPoolExecutor `orderExecutor`".
    label = _QUOTED_NAME.sub(r" `\1`", _NEW.sub(r"\1", label))
    cut = _middle(label, n) if len(label) > n and " " not in label and "." in label else short(label, n)
    return f"`{cut}`" if " " not in cut and "`" not in cut and "<" not in cut else cut


def _middle(key: str, n: int) -> str:
    """A long key without middle segments: its first and as many last segments as fit, which is what tells
    datasources apart (spring.….datasource.ds_master_0_slave_1)."""
    parts = key.split(".")
    tail: list[str] = []
    for p in reversed(parts[1:]):
        if len(parts[0]) + 3 + len(".".join([p, *tail])) > n and tail:
            break
        tail.insert(0, p)
    return f"{parts[0]}.….{'.'.join(tail)}" if len(tail) < len(parts) - 1 else key


def short(text: str, n: int = 56) -> str:
    """``text`` cut to ``n`` characters with an ellipsis, for labels in a headline (bean names, long keys)."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def show(s: Setting, unit: str = "", chain: bool = True) -> str:
    """'maxWait = 60000 ms', plus how a placeholder resolved (unless ``chain`` is false: the setting a finding
    reports carries its chain in Finding.chain), or '(default)' for library defaults."""
    value = s.value if s.value not in (None, "") else "(empty)"
    u = f" {unit}" if unit and s.value not in (None, "") else ""
    if s.origin == "default":
        return f"{s.name} = {value}{u} (library default)"
    if s.chain and chain:
        return f"{s.name} = {value}{u} ({'; '.join(s.chain)})"
    return f"{s.name} = {value}{u}"


@cache
def load_all() -> None:
    """Import every check module in this package so their @check decorators register (once per process)."""
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
