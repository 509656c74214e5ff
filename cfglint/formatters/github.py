"""GitHub Actions workflow commands: annotations on the pull request's changed lines."""

from __future__ import annotations

from cfglint.findings import Severity
from cfglint.registry import all_rules
from cfglint.report import Report

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def _data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(s: str) -> str:
    return _data(s).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, *, color: bool = False) -> str:
    rules = all_rules()
    out = []
    for f in report.findings:
        s = f.span
        name = rules[f.rule].name if f.rule in rules else f.rule
        props = (f"file={_prop(s.path)},line={s.line},col={s.col},endLine={s.end_line},"
                 f"endColumn={s.end_col},title={_prop(f'cfglint {f.rule} ({name})')}")
        out.append(f"::{COMMAND[f.severity]} {props}::{_data(f.message)}")
    return "".join(line + "\n" for line in out)
