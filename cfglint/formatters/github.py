"""GitHub Actions workflow commands (`::error file=...::message`): annotations on the pull request.

Escaping follows @actions/core (command.ts): data escapes %, CR and LF; property values also ':' and ','.
File paths are relative to report.srcroot (the repository root), which is what the runner resolves them
against, whatever directory cfglint ran in."""

from __future__ import annotations

from cfglint.findings import Finding, Severity
from cfglint.formatters import last_line, repo_path, rule_names
from cfglint.report import Report

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def command(report: Report, f: Finding, names: dict[str, str]) -> str:
    s = f.span
    props = [("file", repo_path(report, s.path)), ("line", str(s.line))]
    end = last_line(s)
    if end == s.line and s.end_line == s.line:
        # The runner drops columns when line and endLine differ, so they are only sent for one line.
        props += [("col", str(s.col)), ("endLine", str(end)), ("endColumn", str(max(s.end_col, s.col + 1)))]
    else:
        props.append(("endLine", str(end)))
    props.append(("title", f"cfglint {f.rule} ({names.get(f.rule, f.rule)})"))
    # The headline only, as in the editor's problem list: an annotation is read at a glance; the rest of the story
    # is in the text, SARIF and JSON outputs (and `cfglint explain`).
    properties = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::{COMMAND[f.severity]} {properties}::{escape_data(f.message)}"


def render(report: Report, *, color: bool = False) -> str:
    names = rule_names(report)
    return "".join(command(report, f, names) + "\n" for f in report.findings)
