"""DS001: ``maxWait`` on a Druid pool that does not set it, as a sibling of the pool's own settings in the file's
syntax: a ``<property>`` child before ``</bean>``, a key line beside the pool's first key (same indentation, same
key style). The value is the rule's 1500 ms, or, when a Dubbo timeout bounds the module's requests, what DS002
recommends (the worst-case wait half the timeout), so the fix never trades DS001 for DS002. Unsafe: a pool that
waited forever now fails a getConnection after the wait.
"""

from __future__ import annotations

import re
from typing import Any

from cfglint.findings import Finding, Fix
from cfglint.fixers import Source, memo
from cfglint.fixers.threads import _eol

DEFAULT_WAIT_MS = 1500  # the value DS001's message recommends


def wait_ms(model: Any, ds: Any) -> int | None:
    from cfglint.checks.pools import bounding_timeout, druid_attempts

    bound = bounding_timeout(model)
    if bound is None:
        return DEFAULT_WAIT_MS
    timeout_ms = bound[0]
    attempts = druid_attempts(model, ds)[0]
    ms = min(DEFAULT_WAIT_MS, max(100, timeout_ms // (2 * attempts) // 100 * 100 or timeout_ms // (2 * attempts)))
    return ms if ms > 0 and ms * attempts < timeout_ms else None


def druid_max_wait(f: Finding, model: Any, sources: dict[str, Source], options: dict[str, Any]) -> Fix | None:
    by_anchor = memo(model, "datasources", lambda: _by_anchor(model))
    for ds in by_anchor.get(f.span, ()):
        if ds.pool != "druid" or f.key != f"{ds.key}/maxWait" or ds.get("maxwait") is not None:
            continue
        if f.span.path not in sources.texts:  # type: ignore[attr-defined]
            return None
        ms = wait_ms(model, ds)
        if ms is None or memo(model, "wait-elsewhere", lambda: [_wait_written_elsewhere(model)])[0]:
            return None
        src = sources[f.span.path]
        if src.kind == "xml":
            return _xml(src, f, ms)
        if src.kind in ("properties", "yaml"):
            # The anchor must be a key of the pool's own settings (its value read as one of them), so a sibling
            # binds the same way; a pool anchored at a URL key of another prefix gets no fix.
            if not any(s.span is not None and s.span.path == f.span.path and s.span.line == f.span.line
                       for s in ds.settings.values()):
                return None
            return _keyed(src, f, ms, ds)
    return None


def _by_anchor(model: Any) -> dict:  # type: ignore[type-arg]
    out: dict = {}  # type: ignore[type-arg]
    for ds in model.datasources:
        out.setdefault(ds.anchor, []).append(ds)
    return out


_TAG_END = re.compile(r"""(?:[^>"']|"[^"]*"|'[^']*')*?(/?)>""")


def _xml(src: Source, f: Finding, ms: int) -> Fix | None:
    text = src.text
    a = src.start(f.span)
    m = re.compile(r"[\w:.-]+").match(text, a)
    if m is None or text[a - 1:a] != "<":
        return None
    name = m.group(0)
    end = _TAG_END.match(text, m.end())
    if end is None or end.group(1) == "/":
        return None  # <bean .../>: no children to stand beside
    # The matching close tag: nested beans of the same name are counted, comments skipped.
    depth, i = 1, end.end()
    tag = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<(/?)" + re.escape(name) + r"(?=[\s/>])", re.S)
    close = -1
    while depth:
        t = tag.search(text, i)
        if t is None:
            return None
        i = t.end()
        if t.group(0).startswith(("<!--", "<![")):
            continue
        if t.group(1):
            depth -= 1
            close = t.start()
        else:
            e2 = _TAG_END.match(text, i)
            if e2 is None:
                return None
            if e2.group(1) != "/":
                depth += 1
            i = e2.end()
    ls, _ = src.line_bounds(close)
    if text[ls:close].strip():
        return None  # </bean> shares its line with content: no indentation to follow
    # The last child's line gives the indentation and the quote style.
    prev_end = ls - 1
    if prev_end <= end.end():
        return None
    ps, pe = src.line_bounds(prev_end - 1 if text[prev_end - 1:prev_end] == "\r" else prev_end)
    prev = text[ps:pe]
    indent = prev[:len(prev) - len(prev.lstrip(" \t"))]
    if not prev.strip().startswith("<"):
        return None
    q = "'" if "='" in prev and '="' not in prev else '"'
    line = f'{indent}<property name={q}maxWait{q} value={q}{ms}{q}/>{_eol(src, pe)}'
    return Fix(f"add maxWait={ms} (ms) to the Druid pool", False, (src.insert(ls, line),))


_PROP_LINE = re.compile(r"^([ \t\f]*)([^\s=:#!]+)[ \t\f]*([=:]|[ \t\f])")
_YAML_LINE = re.compile(r"^([ \t]*)([^\s:#'\"\-][^\s:#'\"]*)([ \t]*:)([ \t]+|$)")


def _keyed(src: Source, f: Finding, ms: int, ds: Any) -> Fix | None:
    text = src.text
    a = src.start(f.span)
    ls, le = src.line_bounds(a)
    line = text[ls:le]
    pat = _PROP_LINE if src.kind == "properties" else _YAML_LINE
    m = pat.match(line)
    if m is None or len(m.group(1)) != a - ls:
        return None
    if src.kind == "properties" and text[ls - 2:ls - 1] == "\\":
        return None
    if src.kind == "yaml" and (not m.group(4) or "\t" in m.group(1)):
        return None  # a key whose value is a nested block: the pool's settings are its siblings' business
    indent, key = m.group(1), m.group(2)
    prefix, _, leaf = key.rpartition(".")
    leaf_name = _style(leaf, _sibling_leaves(ds))
    full = f"{prefix}.{leaf_name}" if prefix else leaf_name
    if src.kind == "properties":
        sep = m.group(3) if m.group(3) in "=:" else " "
        new = f"{indent}{full}{sep}{ms}"
    else:
        new = f"{indent}{full}: {ms}"
    return Fix(f"add {leaf_name}={ms} (ms) to the Druid pool", False, (src.insert(ls, new + _eol(src, le)),))


def _sibling_leaves(ds: Any) -> list[str]:
    return [s.source.split(" in ", 1)[0].rsplit(".", 1)[-1] for s in ds.settings.values() if s.source]


def _style(leaf: str, siblings: list[str]) -> str:
    """maxWait in the key style the pool's keys are written in (kebab-case when they use dashes)."""
    words = [leaf, *siblings]
    if any("-" in w for w in words):
        return "max-wait"
    return "maxWait"


def _wait_written_elsewhere(model: Any) -> bool:
    """A maxWait the author wrote where it binds to nothing (misspelt, under the wrong prefix): CF004's business, and
    the value they meant is theirs, not ours to add beside it."""
    from cfglint.checks.keys import distance, relaxed

    for u in model.keys.uses:
        leaf = relaxed(u.key.rsplit(".", 1)[-1])
        if distance(leaf, "maxwait", 2) <= 2:
            return True
    return False
