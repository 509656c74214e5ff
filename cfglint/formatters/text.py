"""rustc-like text: the concise header line (the headline), the source line(s) with the reported columns
underlined and related locations in the same file labelled beside it, then ``= note:`` (why, the provenance
chain, related locations elsewhere, notes) and ``= help:`` lines, a blank line, and a summary at the end."""

from __future__ import annotations

import re
import unicodedata

from cfglint.findings import Finding, Severity
from cfglint.formatters import one_line, safe
from cfglint.report import Report
from cfglint.span import Span

_SEVERITY = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[1;33m", Severity.NOTE: "\x1b[1;36m"}
_BOLD, _DIM, _BLUE, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[1;34m", "\x1b[0m"

_WHERE = re.compile(r" \([^()]*:\d+\)$")
MAX_LINES = 3  # a longer span shows its first and last line around an elision
LONG_LINE = 200  # wider lines (minified XML, one-line JSON) show a window around the span
WINDOW_BEFORE, WINDOW = 60, 160


def _width(text: str) -> int:
    """Terminal cells: CJK (common in comments of Dubbo/Druid configs) takes two, combining marks none.
    Columns are code points, so carets must be placed by display width to land under the value."""
    w = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


class _Paint:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if self.color and text else text


def _row(src: str, start_col: int, end_col: int) -> tuple[str, str]:
    """(visible source, caret line) for 1-based columns [start_col, end_col) of one source line."""
    # One cell per code point for tabs and control characters, so columns keep mapping 1:1.
    src = safe(src.replace("\t", " "))
    start = max(start_col - 1, 0)
    end = max(min(end_col - 1, len(src)), start + 1)  # at least one caret, even at the end of a line
    prefix = ""
    if _width(src) > LONG_LINE:
        lo = max(0, start - WINDOW_BEFORE)
        hi = lo + WINDOW
        prefix = "..." if lo else ""
        visible = prefix + src[lo:hi] + ("..." if hi < len(src) else "")
        before = src[lo:start]
        under = src[start:min(end, hi)]
    else:
        visible, before, under = src, src[:start], src[start:end]
    caret = " " * (_width(prefix) + _width(before)) + "^" * max(1, _width(under))
    return visible, caret


def _rows(s: Span, lines: list[str], width: int, mark: str, label: str, code: str, paint: _Paint) -> list[str]:
    """Source rows of one span with ``mark`` under its columns (and ``label`` after the last mark). ``lines``: the
    file's text split at LF only, the same line breaks as span.LineIndex (not str.splitlines: U+2028, \\f, ...)."""
    if not 1 <= s.line <= len(lines):
        return []
    first = s.line
    last = min(max(s.end_line, first), len(lines))
    end_col = s.end_col
    if last > first and s.end_line <= len(lines) and end_col == 1:  # ends at the previous line's newline
        last -= 1
        end_col = len(lines[last - 1].rstrip("\r")) + 1
    shown = list(range(first, last + 1))
    if len(shown) > MAX_LINES:
        shown = [first, 0, last]  # 0 marks the elision
    gutter = " " * width + " | "
    out: list[str] = []
    for ln in shown:
        if ln == 0:
            out.append(paint(_BLUE, " " * width + " ...") if paint.color else " " * width + " ...")
            continue
        src = lines[ln - 1].rstrip("\r")
        start = s.col if ln == first else 1
        stop = end_col if ln == s.end_line else len(src) + 1
        visible, caret = _row(src, start, stop)
        caret = caret.replace("^", mark)
        if label and ln == shown[-1]:
            caret += " " + one_line(label)
        out.append(paint(_BLUE, f"{ln:>{width}} | ") + visible if paint.color else f"{ln:>{width}} | {visible}")
        out.append(paint(_BLUE, gutter) + paint(code, caret) if paint.color else gutter + caret)
    return out


def _step_label(text: str, path: str) -> str:
    """A chain step as a label beside the source: without the file and '(path:line)' the excerpt already shows."""
    return _WHERE.sub("", text.replace(f" in {path} ", " "))


def _excerpt(f: Finding, lines: list[str], paint: _Paint, shown: set[Span]) -> list[str]:
    """The reported span underlined with ^, then the related locations and placeholder steps written in the same
    file underlined with - and labelled (rustc's secondary labels), in line order; marks on the same line share
    one copy of it. Adds the spans it could show to ``shown``."""
    marks: list[tuple[Span, str, str, str]] = [(f.span, "^", "", _SEVERITY[f.severity])]
    seen = {f.span}
    for r in f.related:
        if r.span.path == f.span.path and r.span not in seen:
            seen.add(r.span)
            marks.append((r.span, "-", r.message, _BLUE))
    for st in f.chain:
        if st.span is not None and st.span.path == f.span.path and st.span not in seen:
            seen.add(st.span)
            marks.append((st.span, "-", _step_label(st.text, f.span.path), _BLUE))
    marks.sort(key=lambda m: (m[0].line, m[0].col))
    width = len(str(min(max(max(m[0].end_line, m[0].line) for m in marks), len(lines))))
    out: list[str] = []
    prev = 0
    for span, mark, label, code in marks:
        rows = _rows(span, lines, width, mark, label, code, paint)
        if not rows:
            continue
        shown.add(span)
        if prev == span.line and span.end_line <= span.line and len(rows) == 2:
            out.append(rows[1])  # the source line is already shown: only the marks
            continue
        if prev and span.line > prev + 1:
            out.append(paint(_BLUE, " " * width + " ...") if paint.color else " " * width + " ...")
        out.extend(rows)
        prev = max(span.end_line, span.line)
    return out


def _notes(f: Finding, paint: _Paint, shown: set[Span]) -> list[str]:
    """rustc's trailer: why and the notes as ``= note:``, the chain, related locations not labelled in the excerpt
    (in other files), ``= help:``."""
    out: list[str] = []
    if f.why:
        out.append(f"  = note: {one_line(f.why)}")
    if f.chain:
        out.append("  = note: the value resolves through:")
        out.extend(f"          {one_line(st.text)}" for st in f.chain)
    for r in f.related:
        if r.span not in shown:
            out.append(f"  = note: {safe(r.span.path)}:{r.span.line}:{r.span.col}: {one_line(r.message)}")
    out.extend(f"  = note: {one_line(n)}" for n in f.notes)
    if f.help:
        out.append(f"  = help: {one_line(f.help)}")
    return [paint(_DIM, line) for line in out]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render(report: Report, *, color: bool = False) -> str:
    paint = _Paint(color)
    out: list[str] = []
    split: dict[str, list[str]] = {}
    for f in report.findings:
        s = f.span
        path = safe(s.path)
        out.append(f"{paint(_BOLD, f'{path}:{s.line}:{s.col}:')} {paint(_SEVERITY[f.severity], f.severity.label)}: "
                   f"{one_line(f.message)} {paint(_DIM, f'[{f.rule}]')}")
        lines = split.get(s.path)
        if lines is None:
            text = report.sources.get(s.path)
            if text is not None:  # split once per file, not once per finding (thousands in one file)
                lines = split[s.path] = text.split("\n")
        shown: set[Span] = set()
        if lines is not None:
            out.extend(_excerpt(f, lines, paint, shown))
        out.extend(_notes(f, paint, shown))
        out.append("")
    c = report.count()
    files = _plural(report.files_linted, "file")
    if report.findings:
        out.append(f"Found {_plural(len(report.findings), 'problem')} ({_plural(c['error'], 'error')}, "
                   f"{_plural(c['warning'], 'warning')}, {_plural(c['note'], 'note')}) in {files}.")
    else:
        out.append(f"All checks passed ({files}).")
    if report.skipped:
        groups = report.skipped_groups()
        parts = [_plural(groups["template"], "template"), f"{groups['not config']} not config"]
        if groups["unreadable"]:
            parts.append(f"{groups['unreadable']} unreadable")
        out.append(f"{_plural(len(report.skipped), 'file')} skipped ({', '.join(parts)}; --show-skipped lists them).")
    if report.unjudged:
        out.append(report.unjudged_line())
    return "\n".join(out) + "\n"
