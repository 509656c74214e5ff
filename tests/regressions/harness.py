"""Shared checks for the robustness tests: load one file the way the linter does, lint a tree, and assert
that every position points inside its file and that nothing was reported as an internal error."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from cfglint.api import Loaded, load_file
from cfglint.discover import SourceFile
from cfglint.findings import Finding
from cfglint.loaders import PropsFile, decode
from cfglint.loaders.xml import XmlDoc
from cfglint.report import Report
from cfglint.span import Span

MAX_SIZE = 5 * 1024 * 1024
KIND_BY_EXT = {".xml": "xml", ".properties": "properties", ".yml": "yaml", ".yaml": "yaml"}
# The most generous line-break definition any of our parsers uses (YAML 1.1 also breaks on NEL, LS, PS and a
# lone CR; the position helpers break on LF): no position may lie below the last of these lines + 1.
_BREAKS = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")


@functools.lru_cache(maxsize=16)
def line_bound(text: str) -> int:
    """Largest line number a position in ``text`` may carry (number of lines + 1)."""
    return len(_BREAKS.findall(text)) + 2


def text_of(data: bytes) -> str:
    try:
        return decode(data)[0]
    except Exception:
        return data.decode("latin-1")


def check_span(span: Span, text: str, what: str = "") -> None:
    bound = line_bound(text)
    where = f"{what} {span}"
    assert 1 <= span.line <= bound, f"line out of file: {where} (bound {bound})"
    assert 1 <= span.end_line <= bound, f"end line out of file: {where} (bound {bound})"
    assert span.col >= 1 and span.end_col >= 1, f"column < 1: {where}"
    assert (span.end_line, span.end_col) >= (span.line, span.col), f"end before start: {where}"


def load_as(path: Path, kind: str = "", display: str | None = None) -> Loaded:
    """``api.load_file`` on one file, optionally forcing its kind (bypassing the cheap classifier)."""
    f = SourceFile(path, display or path.name, kind, path.parent)
    return load_file(f, MAX_SIZE)


def check_loaded(item: Loaded, data: bytes) -> None:
    """Every node position of a loaded file, and its CF001 if it failed, lies inside the file."""
    text = item.text or text_of(data)
    if item.error is not None:
        assert item.error.rule == "CF001"
        assert not item.error.message.startswith("internal error"), item.error.message
        check_span(item.error.span, text, "CF001")
    node = item.node
    if isinstance(node, PropsFile):
        assert node.text == text
        for e in node.entries:
            check_span(e.key_span, text, f"key {e.key!r}")
            check_span(e.value_span, text, f"value of {e.key!r}")
        for c in node.comments:
            check_span(c.span, text, "comment")
        for key, span in node.parents.items():
            check_span(span, text, f"parent {key!r}")
    elif isinstance(node, XmlDoc):
        for el in node.root.iter():
            check_span(el.span, text, f"<{el.local}>")
            for a in el.attrs.values():
                check_span(a.name_span, text, f"@{a.name}")
                check_span(a.value_span, text, f"@{a.name} value")
            if el.text_span is not None:
                check_span(el.text_span, text, f"<{el.local}> text")
        for c in node.comments:
            check_span(c.span, text, "comment")


def check_report(report: Report, root: Path) -> None:
    """No internal error, and every finding (and related location) inside its file."""
    for f in report.findings:
        assert not is_internal(f), f"{f.span}: {f.message}"
        for span in (f.span, *(r.span for r in f.related)):
            text = report.sources.get(span.path)
            if text is None:  # not loaded (CF001): read it, unless it is one refused for its size
                path = root / span.path
                text = text_of(path.read_bytes()) if path.stat().st_size <= 2 * MAX_SIZE else ""
            check_span(span, text, f.rule)


def is_internal(f: Finding) -> bool:
    return f.rule == "CF001" and f.message.startswith("internal error")
