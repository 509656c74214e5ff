"""Inline suppressions, in each format's own comment syntax:

    # cfglint: disable=JD001,JD002 -- reason        (.properties own line; YAML same line or own line)
    <!-- cfglint: disable=TP001 - reason -->        (XML; '--' is not allowed inside XML comments)
    // cfglint: disable=TP001 -- reason             (Java; also in a one-line /* ... */)
    # cfglint: disable-file=CF002

A directive on its own line applies to the next non-blank line (for XML, to the whole start tag that
begins there; for Java, to the whole statement that begins there); a trailing one applies to its own
line. Rule names work as well as IDs. Directives that suppress nothing are reported as CF003."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cfglint.findings import Finding, Severity
from cfglint.registry import find_rule
from cfglint.span import Span

if TYPE_CHECKING:
    from cfglint.engine import Engine

_DIRECTIVE = re.compile(r"cfglint:\s*(disable-file|disable)\s*=\s*([\w-]+(?:\s*,\s*[\w-]+)*)")
_XML_COMMENT = re.compile(r"<!--(.*?)-->")


@dataclass
class Directive:
    path: str
    line: int
    col: int
    end_col: int
    ids: set[str]
    file_wide: bool
    lines: tuple[int, int]  # first and last line it covers
    used: set[str] = field(default_factory=set)
    unknown: list[str] = field(default_factory=list)


def _comment_bodies(path: str, line: str) -> list[tuple[int, str, bool]]:
    """(column offset, body, own_line) of comments on one line for the file's syntax."""
    low = path.lower()
    stripped = line.lstrip()
    if low.endswith(".xml"):
        return [(m.start(1), m.group(1), line[:m.start()].strip() == "") for m in _XML_COMMENT.finditer(line)]
    if low.endswith(".java"):
        return _java_comments(line)
    if low.endswith(".properties"):
        return [(len(line) - len(stripped) + 1, stripped[1:], True)] if stripped[:1] in ("#", "!") else []
    # YAML: '#' at line start or after whitespace
    m = re.search(r"(^|\s)#", line)
    if not m:
        return []
    pos = m.end()
    return [(pos, line[pos:], line[:pos - 1].strip() == "")]


def _java_comments(line: str) -> list[tuple[int, str, bool]]:
    """``//`` and one-line ``/* */`` comments outside string and char literals."""
    out: list[tuple[int, str, bool]] = []
    i, n, quote = 0, len(line), ""
    while i < n:
        c = line[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif line.startswith("//", i):
            out.append((i + 2, line[i + 2:], line[:i].strip() == ""))
            break
        elif line.startswith("/*", i):
            end = line.find("*/", i + 2)
            body = line[i + 2:end] if end >= 0 else line[i + 2:]
            out.append((i + 2, body, line[:i].strip() == "" and (end < 0 or not line[end + 2:].strip())))
            if end < 0:
                break
            i = end + 2
            continue
        i += 1
    return out


_JAVA_STATEMENT_END = re.compile(r"[;{}]\s*(//.*|/\*.*)?$")


def parse_directives(path: str, text: str) -> list[Directive]:
    if "cfglint:" not in text:
        return []
    lines = text.split("\n")  # the loaders' line numbering; splitlines() also breaks at \f, NEL, ...
    out: list[Directive] = []
    for i, line in enumerate(lines):
        if "cfglint:" not in line:
            continue
        for off, body, own in _comment_bodies(path, line):
            m = _DIRECTIVE.search(body)
            if not m:
                continue
            ids: set[str] = set()
            unknown = []
            for tok in re.split(r"\s*,\s*", m.group(2)):
                meta = find_rule(tok)
                if meta is None:
                    unknown.append(tok)
                else:
                    ids.add(meta.id)
            lineno = i + 1
            if m.group(1) == "disable-file":
                cover = (1, len(lines) + 1)
            elif own:
                nxt = lineno + 1
                while nxt <= len(lines) and not lines[nxt - 1].strip():
                    nxt += 1
                last = nxt
                if path.lower().endswith(".xml"):  # the whole start tag that begins there
                    while last <= len(lines) and ">" not in lines[last - 1]:
                        last += 1
                elif path.lower().endswith(".java"):  # the whole statement that begins there (arguments wrap)
                    while last < len(lines) and last - nxt < 40 and not _JAVA_STATEMENT_END.search(
                            lines[last - 1].rstrip()):
                        last += 1
                cover = (nxt, last)
            else:
                cover = (lineno, lineno)
            col = off + m.start() + 1
            out.append(Directive(path, lineno, col, off + m.end() + 1, ids, m.group(1) == "disable-file",
                                 cover, unknown=unknown))
    return out


def apply_suppressions(findings: list[Finding], sources: dict[str, str], engine: Engine) -> list[Finding]:
    directives: dict[str, list[Directive]] = {}
    for path, text in sources.items():
        ds = parse_directives(path, text)
        if ds:
            directives[path] = ds
    if not directives:
        return findings
    # Per file: the directives (by document position) covering each line, and the file-wide ones. Trying every
    # directive of the file for every finding was quadratic (16,000 suppressed lines in one file: 16 s).
    index: dict[str, tuple[dict[int, list[int]], dict[str, list[int]]]] = {}
    for path, ds in directives.items():
        by_line: dict[int, list[int]] = {}
        wide: dict[str, list[int]] = {}  # rule -> the file-wide directives naming it
        for i, d in enumerate(ds):
            if d.file_wide:
                for rid in d.ids:
                    wide.setdefault(rid, []).append(i)
            else:
                for ln in range(d.lines[0], d.lines[1] + 1):
                    by_line.setdefault(ln, []).append(i)
        index[path] = (by_line, wide)
    kept: list[Finding] = []
    for f in findings:
        hit = None
        ds = directives.get(f.span.path)
        if ds is not None:
            by_line, wide = index[f.span.path]
            line = f.span.line
            # The first directive in the file that covers the finding wins, as if each were tried in turn.
            best = next((i for i in wide.get(f.rule, ()) if ds[i].lines[0] <= line <= ds[i].lines[1]), None)
            for i in by_line.get(line, ()):  # each of these covers the line already
                if best is not None and i > best:
                    break
                if f.rule in ds[i].ids:
                    best = i
                    break
            hit = ds[best] if best is not None else None
        if hit is None:
            kept.append(f)
        else:
            hit.used.add(f.rule)
    if "CF003" in engine.enabled:
        for ds in directives.values():
            for d in ds:
                span = Span(d.path, d.line, d.col, d.line, d.end_col)
                for tok in d.unknown:
                    kept.append(Finding(rule="CF003", severity=engine.severity.get("CF003", Severity.NOTE),
                                        span=span, key=f"suppress/{tok}",
                                        message=f"suppression names '{tok}', which is not a cfglint rule",
                                        why="It suppresses nothing (see 'cfglint rules' for the IDs and names).",
                                        help=f"remove '{tok}' from the comment, or write the rule ID you meant"))
                for rid in sorted(d.ids - d.used):
                    if rid not in engine.enabled:
                        continue
                    kept.append(Finding(rule="CF003", severity=engine.severity.get("CF003", Severity.NOTE),
                                        span=span, key=f"suppress/{rid}",
                                        message=f"suppression of {rid} suppresses nothing here",
                                        why="A future problem on this line would be hidden by it.",
                                        help=f"remove {rid} from the comment"))
    return kept
