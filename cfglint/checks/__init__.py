"""The rule pack. Checks are pure: model objects in, findings out. Positions come from the Settings'
spans; severity, suppression and ordering are the engine's business."""

from __future__ import annotations

from functools import cache

from cfglint.findings import Finding, Related, Severity
from cfglint.model.values import Setting
from cfglint.span import Span

INT_MAX = 2_147_483_647
# No JVM runs a million platform threads; a maximum this high is a missing bound, not a tuning choice.
UNBOUNDED_THREADS = 1_000_000


def finding(rule: str, where: Setting | Span, message: str, key: str,
            related: tuple[Related, ...] = (), severity: Severity = Severity.ERROR, unjudged: str = "") -> Finding:
    """``severity`` lowers this one finding below the rule's configured severity (a note for a minor case); by
    default the finding takes the rule's. ``unjudged``: not a finding but the record of something the rule's
    policy leaves alone, and why (the engine counts these for the summary and reports none of them)."""
    span = where.span if isinstance(where, Setting) else where
    assert span is not None
    return Finding(rule=rule, message=message, span=span, related=related, key=key, severity=severity,
                   unjudged=unjudged)


def show(s: Setting, unit: str = "") -> str:
    """'maxWait = 60000 ms', plus how a placeholder resolved, or '(default)' for library defaults."""
    value = s.value if s.value not in (None, "") else "(empty)"
    u = f" {unit}" if unit and s.value not in (None, "") else ""
    if s.origin == "default":
        return f"{s.name} = {value}{u} (library default)"
    if s.chain:
        return f"{s.name} = {value}{u} ({'; '.join(s.chain)})"
    return f"{s.name} = {value}{u}"


@cache
def load_all() -> None:
    """Import every check module in this package so their @check decorators register (once per process)."""
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
