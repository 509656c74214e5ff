"""Ruff-like text: the concise header, the source line with the value underlined, related locations
as notes, then a summary."""

from __future__ import annotations

from cfglint.findings import Finding, Severity
from cfglint.formatters.concise import header
from cfglint.report import Report

_COLORS = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[1;33m", Severity.NOTE: "\x1b[1;36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def _excerpt(f: Finding, report: Report, color: bool) -> list[str]:
    text = report.sources.get(f.span.path)
    if text is None:
        return []
    lines = text.splitlines()
    s = f.span
    if not 1 <= s.line <= len(lines):
        return []
    src = lines[s.line - 1].replace("\t", " ")
    gutter = f"{s.line:>5} | "
    end = s.end_col if s.end_line == s.line and s.end_col > s.col else len(src) + 1
    width = max(1, min(end, len(src) + 1) - s.col)
    caret = " " * (len(gutter) - 2) + "| " + " " * (s.col - 1) + "^" * width
    if len(src) > 200:  # keep very long lines readable: show a window around the value
        start = max(0, s.col - 60)
        src = ("..." if start else "") + src[start:start + 160]
        caret = " " * (len(gutter) - 2) + "| " + " " * (s.col - 1 - start + (3 if start else 0)) + "^" * min(width, 100)
    if color:
        caret = _COLORS[f.severity] + caret + _RESET
    return [gutter + src, caret]


def render(report: Report, *, color: bool = False) -> str:
    out: list[str] = []
    for f in report.findings:
        head = header(f)
        if color:
            head = f"{_BOLD}{f.span.path}:{f.span.line}:{f.span.col}:{_RESET} " \
                   f"{_COLORS[f.severity]}{f.severity.label}{_RESET}: {head.split(': ', 2)[-1]}"
        out.append(head)
        out.extend(_excerpt(f, report, color))
        for r in f.related:
            note = f"  = note: {r.span.path}:{r.span.line}:{r.span.col}: {r.message}"
            out.append(f"{_DIM}{note}{_RESET}" if color else note)
        out.append("")
    c = report.count()
    n = len(report.findings)
    files = f"{report.files_linted} file{'s' if report.files_linted != 1 else ''}"
    if n:
        out.append(f"Found {n} problem{'s' if n != 1 else ''} ({c['error']} error{'s' if c['error'] != 1 else ''}, "
                   f"{c['warning']} warning{'s' if c['warning'] != 1 else ''}, {c['note']} note"
                   f"{'s' if c['note'] != 1 else ''}) in {files}.")
    else:
        out.append(f"All checks passed ({files}).")
    return "\n".join(out) + "\n"
