"""`path:line:col: severity: message [ID]`, one line per finding and nothing else: the shape editors,
errorformat, VS Code and the shipped GitHub problem matcher (cfglint/data/problem-matcher.json) parse."""

from __future__ import annotations

from cfglint.findings import Finding
from cfglint.formatters import one_line
from cfglint.report import Report


def header(f: Finding) -> str:
    s = f.span
    return f"{s.path}:{s.line}:{s.col}: {f.severity.label}: {one_line(f.message)} [{f.rule}]"


def render(report: Report, *, color: bool = False) -> str:
    return "".join(header(f) + "\n" for f in report.findings)
