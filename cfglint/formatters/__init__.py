"""Output formats. Each module renders a Report to a string; render() imports only the one asked for,
so `--format concise` in a pre-commit hook never pays for XML or SARIF code.

Every format reports the Span numbers unchanged (1-based line and column, end column exclusive), so a
finding has the same position in every output."""

from __future__ import annotations

import importlib
import os
import re
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cfglint.report import Report
    from cfglint.span import Span

FORMATS: tuple[str, ...] = ("text", "concise", "json", "sarif", "github", "gitlab", "junit")
_MODULES = {"json": "json_out"}  # a module named json.py would shadow the standard library inside the package

# C0/C1 controls other than tab and newline, and bidi overrides/isolates: printed raw they move the
# terminal cursor, start escape sequences or reorder what the reader sees ("trojan source").
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def render(fmt: str, report: Report, *, color: bool = False) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (expected one of: {', '.join(FORMATS)})")
    mod = importlib.import_module(f"cfglint.formatters.{_MODULES.get(fmt, fmt)}")
    out: str = mod.render(report, color=color)
    return out


def safe(text: str) -> str:
    """Replace characters that would act on a terminal instead of being shown (one for one)."""
    return _UNSAFE.sub("\ufffd", text)


def one_line(message: str) -> str:
    """Messages are single lines in every line-oriented format: any run of whitespace (newlines, CR,
    form feeds, U+2028) becomes one space, so a message can never start a new record."""
    return safe(" ".join(message.split()))


def rule_names(report: Report) -> dict[str, str]:
    """ID -> name from the report's enabled rules (formatters never read rules/*.toml themselves)."""
    return {r.id: r.name for r in report.rules}


def absolute(report: Report, path: str) -> str:
    """Absolute, normalised path of a Span.path (which is relative to report.cwd)."""
    return os.path.normpath(os.path.join(os.path.abspath(report.cwd), path))


def repo_relative(report: Report, path: str) -> str | None:
    """Span.path relative to report.srcroot in posix form, or None when the file lies outside it."""
    target = absolute(report, path)
    try:
        rel = os.path.relpath(target, os.path.abspath(report.srcroot))
    except ValueError:  # another drive on Windows
        return None
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return None
    return PurePath(rel).as_posix()


def repo_path(report: Report, path: str) -> str:
    """srcroot-relative posix path for CI systems that locate files from the repository root; an
    absolute posix path for a file outside it (better than a misleading ``../``)."""
    rel = repo_relative(report, path)
    return rel if rel is not None else Path(absolute(report, path)).as_posix()


def last_line(span: Span) -> int:
    """The last line a span covers: a span that ends at column 1 stops at the previous line's newline."""
    if span.end_line > span.line and span.end_col == 1:
        return span.end_line - 1
    return max(span.end_line, span.line)
