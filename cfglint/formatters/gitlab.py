"""GitLab Code Quality report: a JSON array of issues (the Code Climate subset GitLab reads).
Paths are relative to report.srcroot, the repository root GitLab resolves them against."""

from __future__ import annotations

from typing import Any

from cfglint.findings import Finding, Severity
from cfglint.formatters import last_line, repo_path, rule_names
from cfglint.formatters.jsontext import dumps
from cfglint.report import Report

SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.NOTE: "info"}


def _body(f: Finding) -> str:
    parts = [f.why] if f.why else []
    if f.chain:
        parts.append("The value resolves through: " + "; ".join(st.text for st in f.chain) + ".")
    parts += f.notes
    if f.help:
        parts.append(f"Help: {f.help}")
    return "\n\n".join(parts)


def document(report: Report) -> list[dict[str, Any]]:
    names = rule_names(report)
    return [
        {
            "type": "issue",
            "check_name": f"{f.rule} {names[f.rule]}" if f.rule in names else f.rule,
            "description": f.message,  # the headline: what the merge request widget lists
            "content": {"body": _body(f)},  # Code Climate's long form: why, the chain, notes, help
            "categories": ["Bug Risk"],
            "fingerprint": f.fingerprint,
            "severity": SEVERITY[f.severity],
            "location": {"path": repo_path(report, f.span.path),
                         "lines": {"begin": f.span.line, "end": last_line(f.span)}},
        }
        for f in report.findings
    ]


def render(report: Report, *, color: bool = False) -> str:
    return dumps(document(report)) + "\n"
