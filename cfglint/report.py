"""Report: the result of one lint run, consumed by every formatter."""

from __future__ import annotations

from dataclasses import dataclass, field

from cfglint.findings import Finding
from cfglint.registry import RuleMeta


@dataclass
class Report:
    findings: list[Finding]  # sorted, suppressed ones removed; CF001 parse errors included
    rules: list[RuleMeta]  # every enabled rule, sorted by ID
    files_linted: int = 0
    files_skipped: int = 0
    srcroot: str = "."  # absolute path that SARIF/GitLab URIs are relative to (repository root)
    cwd: str = "."  # absolute path that Span.path values are relative to
    tool_version: str = ""
    sources: dict[str, str] = field(default_factory=dict)  # Span.path -> decoded text, for excerpts
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (path, why): skipped, not readable as text
    fail_on: str = "warning"  # the --fail-on threshold: formats that pass or fail per finding (JUnit) follow it
    unjudged: dict[str, int] = field(default_factory=dict)  # why -> JDBC connections JD001/JD002 left alone

    def unjudged_line(self) -> str:
        """'12 JDBC connections not judged (9 on a loopback host, 3 in a dev/local/test profile file; ...)'."""
        n = sum(self.unjudged.values())
        if not n:
            return ""
        parts = ", ".join(f"{c} {why}" for why, c in sorted(self.unjudged.items(), key=lambda kv: (-kv[1], kv[0])))
        return (f"{n} JDBC connection{'s' if n != 1 else ''} not judged for timeouts ({parts}; "
                "the JD001/JD002 option include-local = true judges them too).")

    def count(self) -> dict[str, int]:
        out = {"error": 0, "warning": 0, "note": 0}
        for f in self.findings:
            out[f.severity.label] += 1
        return out
