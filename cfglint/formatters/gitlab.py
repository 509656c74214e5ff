"""GitLab Code Quality report (a JSON array)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from cfglint.findings import Severity
from cfglint.registry import all_rules
from cfglint.report import Report

SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.NOTE: "info"}


def render(report: Report, *, color: bool = False) -> str:
    rules = all_rules()
    items = []
    for f in report.findings:
        path = Path(os.path.relpath(os.path.normpath(os.path.join(report.cwd, f.span.path)), report.srcroot))
        items.append({
            "type": "issue",
            "check_name": f"{f.rule} {rules[f.rule].name}" if f.rule in rules else f.rule,
            "description": f.message,
            "categories": ["Bug Risk"],
            "fingerprint": f.fingerprint,
            "severity": SEVERITY[f.severity],
            "location": {"path": path.as_posix(), "lines": {"begin": f.span.line, "end": f.span.end_line}},
        })
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"
