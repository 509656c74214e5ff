"""YAML loader: ruamel.yaml's C composer (libyaml) gives nodes with marks; we flatten them to Spring
property names (``a.b[0].c``) with exact key and value spans. Nothing is constructed, so unknown
tags (``!SHARDING``) are opaque values, and alias expansion is counted so anchor bombs stop early."""

from __future__ import annotations

import io
import re

from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from cfglint.loaders import Comment, Entry, LoadError, PropsFile, decode
from cfglint.span import LineIndex, Span

MAX_NODES = 50_000  # flattened nodes per file, aliases counted at every use
MAX_DEPTH = 100
_COMMENT = re.compile(r"(?:^|\s)#(.*)$")
# Maven resource filtering (spring-boot-starter-parent) replaces @token@ at build time; unquoted it is
# not valid YAML. Quote it in place (same length, so every position stays exact).
_MAVEN_TOKEN = re.compile(r"(?<=[:-] )@([\w.-]+)@(?=[ \t]*(?:#|$))", re.M)
# [ \t]*, not \s*: under re.M, \s* runs across blank lines and made this search quadratic (hang) on many newlines.
_TEMPLATE = re.compile(r"\{\{[-\s]|\{%|^[ \t]*#(?:set|if|foreach)\b", re.M)
# The C composer recurses on the C stack (one level per nested collection) and overflows it (segfault) somewhere
# past 20 000 levels. Texts that could nest deeper than this are first checked with the (iterative) event parser.
SAFE_COMPOSE_DEPTH = 1000


class _Budget:
    """Per-file state threaded through flattening: the node budget, the parsed text and its line index."""

    __slots__ = ("idx", "left", "shift", "text")

    def __init__(self, text: str = "") -> None:
        self.left = MAX_NODES
        self.text = text
        self.idx = LineIndex(text)
        self.shift = 1 if text.startswith("\ufeff") else 0  # libyaml does not count a leading BOM

    def pos(self, mark: object) -> tuple[int, int]:
        """(line, col) of a libyaml mark in the shared coordinates of ``span.LineIndex`` (lines end at LF only;
        libyaml's own line numbers also break at a lone CR, NEL, LS and PS, which editors and the rest of
        cfglint do not: a Latin-1 '…' (0x85) shifted every later position by a line)."""
        return self.idx.pos(min(mark.index + self.shift, len(self.text)))  # type: ignore[attr-defined]


_NULLS = frozenset(("~", "null", "Null", "NULL"))
_PROPS = re.compile(r"(?:[!&]\S*(?:[ \t]+#[^\r\n\x85\u2028\u2029]*)?[ \t\r\n\x85\u2028\u2029]*)+")


def _span(path: str, node: object, budget: _Budget) -> Span:
    text = budget.text
    n = len(text)
    start = node.start_mark.index + budget.shift  # type: ignore[attr-defined]
    end = node.end_mark.index + budget.shift  # type: ignore[attr-defined]
    if start > n:
        start = n
    if end > n:
        end = n
    if end < start:
        end = start
    if start < end:
        first = text[start]
        if first == "!" or first == "&":
            # A node's marks include its properties (``!SHARDING``, ``&anchor``): point at the value itself.
            m = _PROPS.match(text, start, end)
            start = m.end() if m else start
            first = text[start] if start < end else ""
        style = node.style  # type: ignore[attr-defined]
        if style and first == style and (style == "'" or style == '"') and end - start >= 2 \
                and text.find("\n", start, end) < 0:
            start, end = start + 1, end - 1  # point inside the quotes
    return budget.idx.span(path, start, end)


def _flatten(path: str, node: object, prefix: str, key_span: Span | None, doc: int,
             out: list[Entry], budget: _Budget, depth: int, parents: dict[str, Span]) -> None:
    budget.left -= 1
    if budget.left < 0:
        raise LoadError(f"YAML expands to more than {MAX_NODES} nodes (alias/anchor bomb?); file not linted",
                        *budget.pos(node.start_mark))  # type: ignore[attr-defined]
    if depth > MAX_DEPTH:
        raise LoadError(f"YAML nested deeper than {MAX_DEPTH} levels; file not linted",
                        *budget.pos(node.start_mark))  # type: ignore[attr-defined]
    cls = node.__class__
    if cls is ScalarNode:
        if prefix:
            value = node.value  # type: ignore[attr-defined]
            if not node.style and value in _NULLS:  # type: ignore[attr-defined]
                value = None
            vspan = _span(path, node, budget)
            out.append(Entry(prefix, value, key_span or vspan, vspan, doc))
        return
    if prefix and key_span is not None:
        parents.setdefault(prefix, key_span)
    if cls is SequenceNode:
        for i, item in enumerate(node.value):  # type: ignore[attr-defined]
            _flatten(path, item, f"{prefix}[{i}]", key_span, doc, out, budget, depth + 1, parents)
        return
    if cls is MappingNode:
        pairs = node.value  # type: ignore[attr-defined]
        # YAML merge keys (<<) first, so explicit keys of this mapping override them.
        merges = False
        for k, v in pairs:
            if k.__class__ is ScalarNode and k.value == "<<" and not k.style:
                merges = True
                merged = v.value if v.__class__ is SequenceNode else [v]
                for m in merged:
                    if m.__class__ is MappingNode:
                        _flatten(path, m, prefix, key_span, doc, out, budget, depth + 1, parents)
        for k, v in pairs:
            if k.__class__ is not ScalarNode:
                continue
            text = str(k.value)
            if merges and text == "<<" and not k.style:
                continue
            text = text.strip()
            if not text:
                continue
            if text[0] == "[":
                name = f"{prefix}{text}"
            else:
                name = f"{prefix}.{text}" if prefix else text
            _flatten(path, v, name, _span(path, k, budget), doc, out, budget, depth + 1, parents)


def load_yaml(path: str, data: bytes) -> PropsFile:
    from ruamel.yaml.cyaml import CBaseLoader
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    text, _ = decode(data)
    if "@" in text:
        text_for_parser = _MAVEN_TOKEN.sub(lambda m: f"'{m.group(1)}'", text)
    else:
        text_for_parser = text
    entries: list[Entry] = []
    budget = _Budget(text_for_parser)
    doc_profiles: dict[int, tuple[str, ...]] = {}
    parents: dict[str, Span] = {}
    loader = CBaseLoader(io.StringIO(text_for_parser))
    doc = -1
    try:
        if _may_nest_deeper(text_for_parser, SAFE_COMPOSE_DEPTH):
            _check_depth(text_for_parser, budget)
        while loader.check_node():
            node = loader.get_node()
            doc += 1
            start = len(entries)
            if node is not None:
                _flatten(path, node, "", None, doc, entries, budget, 0, parents)
            profiles = _doc_profiles(entries[start:])
            if profiles:
                doc_profiles[doc] = profiles
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = budget.pos(mark) if mark else (1, 1)
        problem = e.problem or e.context or "invalid YAML"
        if _TEMPLATE.search(text):
            raise LoadError(f"template, skipped (not valid YAML: {problem})", line, col, skipped=True) from None
        raise LoadError(f"YAML syntax error: {_tab(text_for_parser, line, col) or problem}", line, col) from None
    except ReaderError as e:  # a character YAML does not allow (control characters, ...): point at it
        line, col = budget.idx.pos(_char_offset(text_for_parser, e.position))
        char = f" (character #x{e.character:04x})" if isinstance(e.character, int) else ""
        raise LoadError(f"YAML error: {e.reason}{char}", line, col) from None
    except YAMLError as e:
        raise LoadError(f"YAML error: {e}") from None
    except RecursionError:
        raise LoadError("YAML nested too deeply; file not linted") from None
    finally:
        loader.dispose()
    return PropsFile(path, "yaml", entries, text, doc_profiles, _comments(path, text), parents)


def _may_nest_deeper(text: str, limit: int) -> bool:
    """Cheap upper bound on nesting: every flow level needs a '[' or '{'; block levels are indentation, whose
    column rises at least every second level, so they are bounded by twice the longest line."""
    flow = text.count("[") + text.count("{")
    return flow > limit or 2 * (max(map(len, text.split("\n"))) + 1) + flow > limit


def _check_depth(text: str, budget: _Budget) -> None:
    """Nesting depth from the event stream (libyaml's parser keeps explicit stacks, it never recurses)."""
    from ruamel.yaml.cyaml import CBaseLoader

    loader = CBaseLoader(io.StringIO(text))
    depth = 0
    try:
        while True:
            event = loader.get_event()
            if event is None:
                return
            name = type(event).__name__
            if name in ("SequenceStartEvent", "MappingStartEvent"):
                depth += 1
                if depth > MAX_DEPTH + 1:
                    raise LoadError(f"YAML nested deeper than {MAX_DEPTH} levels; file not linted",
                                    *budget.pos(event.start_mark))
            elif name in ("SequenceEndEvent", "MappingEndEvent"):
                depth -= 1
            elif name == "StreamEndEvent":
                return
    finally:
        loader.dispose()


def _tab(text: str, line: int, col: int) -> str:
    """A clearer problem when the parser stopped at a tab: YAML indents with spaces only."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return ""
    row = lines[line - 1]
    if col - 1 >= len(row) or row[col - 1] != "\t":
        return ""
    if not row[:col - 1].strip():
        return "tab used for indentation (YAML indents with spaces only); replace the tabs with spaces"
    return "a tab character where YAML expects a key or value; use spaces"


def _char_offset(text: str, offset: int | None) -> int:
    """A libyaml reader offset counts UTF-8 bytes; this is the character offset into ``text``."""
    if offset is None or offset < 0:
        return 0
    return len(text.encode("utf-8", errors="surrogatepass")[:offset].decode("utf-8", errors="ignore"))


_PROFILE_KEYS = {"spring.config.activate.on-profile", "spring.config.activate.onprofile", "spring.profiles"}


_PROFILE_KEYS_BARE = {p.replace("-", "") for p in _PROFILE_KEYS}
_INDEX_SUFFIX = re.compile(r"\[\d+\]$")


def _doc_profiles(entries: list[Entry]) -> tuple[str, ...]:
    for e in entries:
        if e.key[:6].lower() != "spring":  # every profile key starts so: skip the rest cheaply
            continue
        k = e.key.lower().replace("_", "-")
        base = _INDEX_SUFFIX.sub("", k)
        in_keys = base in _PROFILE_KEYS or base.replace("-", "") in _PROFILE_KEYS_BARE
        if in_keys and e.value:
            return tuple(p.strip() for p in e.value.split(",") if p.strip())
    return ()


def _comments(path: str, text: str) -> list[Comment]:
    """Comments that carry a cfglint directive (the C parser drops comments, so scan lines)."""
    out: list[Comment] = []
    if "cfglint" not in text:
        return out
    for lineno, line in enumerate(text.split("\n"), 1):  # LF only, like LineIndex (not str.splitlines)
        line = line.rstrip("\r")
        pos = line.find("#")
        if pos < 0 or "cfglint" not in line:
            continue
        m = _COMMENT.search(line, pos if pos == 0 else pos - 1)
        if not m:
            continue
        start = m.start(1) - 1
        own = line[:start].strip() == ""
        out.append(Comment(m.group(1).strip(), Span(path, lineno, start + 1, lineno, len(line) + 1), own))
    return out
