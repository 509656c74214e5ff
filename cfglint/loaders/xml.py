"""Spring XML loader: lxml for well-formedness (secure parser), a small start-tag scanner for exact
attribute and text positions (lxml only knows the line of each element)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field

from cfglint.loaders import Comment, LoadError, decode
from cfglint.span import LineIndex, Span

_ATTR = re.compile(r"""\s*([^\s=/>"']+)\s*=\s*("[^"]*"|'[^']*')""")
_NAME = re.compile(r"[^\s/>]+")
_LEADING_WS = re.compile(r"[ \t\r\f\v]*")
_XML_NS = "http://www.w3.org/XML/1998/namespace"
MAX_ATTRS = 1000  # per element; lxml reads attribute values in quadratic time, Spring elements have a few dozen
_DECL_ENC = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
# [ \t]*, not \s*: under re.M, \s* runs across blank lines and made this search quadratic (hang) on many newlines.
_TEMPLATE = re.compile(
    r"^[ \t]*#(?:set|if|foreach|macro|parse|include)\b|\{\{[-\s]|<%[=@ ]|\$\{[a-z]+\.[a-zA-Z]+\(", re.M)


class Attr:
    """One attribute as written. Its spans are computed on first use, by scanning its element's start tag: a
    Spring file has thousands of attributes and the checks look at a few of them."""

    __slots__ = ("_name_span", "_pos", "_value_span", "_where", "name", "value")

    def __init__(self, name: str, value: str, name_span: Span | None = None, value_span: Span | None = None,
                 where: tuple[LineIndex, str, int, int, dict[str, Attr]] | None = None) -> None:
        self.name = name  # as written, e.g. "maxWait", "p:maxWait", "pool-size"
        self.value = value  # value after XML unescaping (from lxml)
        self._name_span = name_span
        self._value_span = value_span  # inside the quotes
        self._where = where  # (index, path, tag name start, start tag end, the element's attributes)
        self._pos: tuple[int, int, int, int] | None = None  # name start, name end, value start, value end

    def _locate(self) -> None:
        """Scan the start tag once and note every attribute's offsets (the checks that ask for one attribute's
        position usually ask for its siblings' too); Spans are made only for the attributes asked for."""
        idx, path, start, end, siblings = self._where  # type: ignore[misc]
        for a, pos in _place_attrs(idx.text, start, end, siblings):
            a._pos = pos
        if self._pos is None:  # cannot happen for well-formed XML; point at the tag name rather than fail
            tag = _NAME.match(idx.text, start)
            self._name_span = self._value_span = idx.span(path, start, tag.end() if tag else start)

    def _span(self, which: int) -> Span:
        """The name (0) or value (2) span from the offsets _locate noted."""
        if self._pos is None:
            self._locate()
            if self._pos is None:
                return self._name_span  # type: ignore[return-value]
        idx, path = self._where[0], self._where[1]  # type: ignore[index]
        return idx.span(path, self._pos[which], self._pos[which + 1])

    @property
    def path(self) -> str:
        return self._where[1] if self._where is not None else self._name_span.path  # type: ignore[union-attr]

    @property
    def name_span(self) -> Span:
        if self._name_span is None:
            self._name_span = self._span(0)
        return self._name_span

    @property
    def value_span(self) -> Span:
        if self._value_span is None:
            self._value_span = self._span(2)
        return self._value_span

    def __repr__(self) -> str:
        return f"Attr({self.name!r}, {self.value!r}, {self.name_span!r}, {self.value_span!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Attr):
            return NotImplemented
        return (self.name, self.value, self.name_span, self.value_span) == (other.name, other.value, other.name_span,
                                                                             other.value_span)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it replaces


def _place_attrs(text: str, start: int, end: int, attrs: dict[str, Attr]
                 ) -> list[tuple[Attr, tuple[int, int, int, int]]]:
    """Each attribute of ``attrs`` with (name start, name end, value start, value end) in the start tag whose name
    begins at ``start`` and which ends before ``end``. A prefixed name written with another prefix than the one in
    scope (one namespace bound to two prefixes) is matched by its local part."""
    tag = _NAME.match(text, start)
    j = tag.end() if tag else start
    out = []
    unmatched: list[tuple[str, tuple[int, int, int, int]]] = []
    placed: set[str] = set()
    while True:
        am = _ATTR.match(text, j, end)
        if not am:
            break
        written = am.group(1)
        where = (am.start(1), am.end(1), am.start(2) + 1, am.end(2) - 1)
        a = attrs.get(written)
        if a is not None:
            out.append((a, where))
            placed.add(written)
        elif not written.startswith("xmlns"):
            unmatched.append((written.rpartition(":")[2], where))
        j = am.end()
    for name, a in attrs.items():
        if name not in placed:
            local = name.rpartition(":")[2]
            hit = next((w for loc, w in unmatched if loc == local), None)
            if hit is not None:
                out.append((a, hit))
    return out


@dataclass(slots=True, eq=False)
class XElem:
    ns: str  # namespace URI ("" when none)
    local: str
    span: Span  # the tag name in the start tag
    attrs: dict[str, Attr]  # keyed by name as written
    text: str | None = None  # stripped direct text, None if empty
    text_span: Span | None = None
    children: list[XElem] = field(default_factory=list)
    parent: XElem | None = None
    line_end: int = 0  # line of the start tag's closing '>'
    _path: str = ""  # memo of path(): every profile context asks for the same elements' keys

    def attr(self, name: str) -> Attr | None:
        return self.attrs.get(name)

    def iter(self) -> Iterator[XElem]:
        stack = [self]
        while stack:
            e = stack.pop()
            yield e
            stack.extend(reversed(e.children))

    def path(self) -> str:
        """A line-free key path for fingerprints: beans/bean[dataSource]/property[maxWait]."""
        if self._path:
            return self._path
        parts = []
        e: XElem | None = self
        while e is not None:
            ident = ""
            for k in ("id", "name", "key", "interface"):
                a = e.attrs.get(k)
                if a is not None:
                    ident = f"[{a.value}]"
                    break
            parts.append(e.local + ident)
            e = e.parent
        self._path = "/".join(reversed(parts))
        return self._path


@dataclass(slots=True)
class XmlDoc:
    path: str
    root: XElem
    text: str
    comments: list[Comment]
    namespaces: set[str]
    elements: list[XElem] = field(default_factory=list)  # every element in document order (root.iter(), kept)


# Every piece of markup that starts with '<', in one pass of the regex engine. Group 1 is a start tag's name; the
# others are skipped. A DOCTYPE may carry an internal subset in brackets, whose declarations contain '>'.
_MARKUP = re.compile(
    r"""<!--(.*?)(?:-->|\Z)"""
    r"""|<!\[CDATA\[.*?(?:\]\]>|\Z)"""
    r"""|<\?.*?(?:\?>|\Z)"""
    r"""|<!(?:[^\[>"']|"[^"]*"|'[^']*'|\[(?:[^\]"']|"[^"]*"|'[^']*')*\])*>?"""
    r"""|</[^>]*>?"""
    r"""|<([^\s/>]+)(?:[^>"']+|"[^"]*"|'[^']*')*>?""",
    re.S,
)


def _scan(text: str) -> tuple[list[tuple[str, int, int]], list[tuple[int, int]]]:
    """Start tags as (name, offset of the name, offset just after '>') and comment bodies as (start, end), in
    document order, skipping CDATA, PIs and DOCTYPE."""
    tags: list[tuple[str, int, int]] = []
    comments: list[tuple[int, int]] = []
    append = tags.append
    for m in _MARKUP.finditer(text):
        name = m.group(2)
        if name is not None:
            append((name, m.start(2), m.end()))
        elif m.start(1) >= 0:
            comments.append((m.start(1), m.end(1)))
    return tags, comments


def _parser():  # type: ignore[no-untyped-def]
    from lxml import etree

    # No entity expansion, no DTD loading, no network, bounded tree: hostile input stays inert.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        recover=False,
    )


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


def load_xml(path: str, data: bytes) -> XmlDoc:
    from lxml import etree

    m = _DECL_ENC.match(data[:200])
    declared = m.group(1).decode("ascii").lower() if m else None
    fallbacks = ("utf-8", "gb18030", "latin-1")
    if declared and declared not in ("utf-8", "utf8"):
        fallbacks = (_py_encoding(declared), *fallbacks)
    text, _enc = decode(data, fallbacks)
    if not text.strip():
        raise LoadError("empty XML file", skipped=True)
    if "<!ENTITY" in text:
        # Entity declarations have no place in Spring config and are how XXE / billion-laughs attacks start.
        off = text.find("<!ENTITY")
        line, col = LineIndex(text).pos(off)
        raise LoadError("XML entity declarations are not allowed (possible XXE or entity expansion); "
                        "file not linted", line, col)
    try:
        root_el = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as e:
        line, col = (e.position if e.position else (1, 1))
        msg = str(e.msg if hasattr(e, "msg") else e).split(", line ")[0]
        if _TEMPLATE.search(text):
            raise LoadError(f"template, skipped (not well-formed XML: {msg})", line, col, skipped=True) from None
        raise LoadError(f"XML syntax error: {msg}", line, col) from None
    except (ValueError, LookupError) as e:
        raise LoadError(f"cannot parse XML: {e}") from None
    idx = LineIndex(text)
    tags, comment_ranges = _scan(text)
    elements = list(root_el.iter(etree.Element))  # elements only (no comments or PIs), in document order
    split: dict[str, tuple[str, str]] = {}  # a file repeats a handful of tag names thousands of times
    names = []
    counts = []
    for el in elements:
        tag = el.tag
        name = split.get(tag)
        if name is None:
            name = split[tag] = _split(tag)
        names.append(name)
        n_attrs = len(el.attrib)
        if n_attrs > MAX_ATTRS:
            raise LoadError(f"element <{name[1]}> has {n_attrs} attributes (more than {MAX_ATTRS}); "
                            "file not linted", el.sourceline or 1)
        counts.append(n_attrs)
    prefixes = _Prefixes(root_el)
    aligned = len(tags) == len(elements) and all(
        local == t[0].rpartition(":")[2] for (_, local), t in zip(names, tags, strict=True)
    )
    converted: dict[int, XElem] = {}
    namespaces: set[str] = set()
    order: list[XElem] = []
    n_text = len(text)
    starts = idx.starts
    n_lines = len(starts)
    for i, el in enumerate(elements):
        ns, local = names[i]
        namespaces.add(ns)
        raw_text = el.text
        stripped = raw_text.strip() if raw_text else ""
        if aligned:
            tname, t_start, t_end = tags[i]
            line = bisect_right(starts, t_start)
            col = t_start - starts[line - 1] + 1
            span = Span(path, line, col, line, col + len(tname))
            attrs = {}
            if counts[i]:
                where = (idx, path, t_start, t_end, attrs)
                for qn, v in el.items():
                    aname = _unqualify(qn, el, prefixes) if qn[0] == "{" else qn
                    attrs[aname] = Attr(aname, v, None, None, where)
            text_span = None
            if stripped:
                raw_end = text.find("<", t_end)
                raw_end = n_text if raw_end < 0 else raw_end
                seg = text[t_end:raw_end]
                lead = len(seg) - len(seg.lstrip())
                s_end = t_end + len(seg.rstrip())
                text_span = idx.span(path, t_end + lead, max(t_end + lead, s_end))
            last = t_end - 1 if t_end else 0
            line_end = line if line == n_lines or last < starts[line] else bisect_right(starts, last)
        else:
            line = el.sourceline or 1
            span = Span(path, line, 1, line, 1)
            attrs = {}
            for qn, v in el.items():
                aname = _unqualify(qn, el, prefixes)
                attrs[aname] = Attr(aname, v, span, span)
            text_span = span if stripped else None
            line_end = line
        x = XElem(ns, local, span, attrs, stripped or None, text_span, line_end=line_end)
        parent = el.getparent()  # always an element (or None at the root): comments and PIs have no children
        if parent is not None:
            p = converted.get(id(parent))
            if p is not None:
                x.parent = p
                p.children.append(x)
        converted[id(el)] = x
        order.append(x)
    root = converted[id(root_el)]
    comments = []
    first_text: dict[int, int] = {}  # line start -> offset of its first non-blank character (linear, not per comment)
    for s, e in comment_ranges:
        cspan = idx.span(path, s, e)
        line_start = idx.starts[cspan.line - 1]
        if line_start not in first_text:
            first_text[line_start] = _LEADING_WS.match(text, line_start).end()
        own = first_text[line_start] >= s - 4
        comments.append(Comment(text[s:e].strip(), cspan, own))
    return XmlDoc(path, root, text, comments, namespaces, order)


class _Prefixes:
    """The prefix in scope for a namespaced attribute, per (element, namespace URI). The root answers from its
    own declarations (nearly every Spring file has xsi:schemaLocation there); any other element triggers one
    linear walk over namespace events, on first use: most files never need it, and asking ``el.nsmap`` per
    attribute was quadratic in the namespace declarations."""

    __slots__ = ("_root", "_walked")

    def __init__(self, root: object) -> None:
        self._root = root
        self._walked: dict[tuple[int, str], str] | None = None

    def get(self, el: object, uri: str) -> str | None:
        if el is self._root:
            declared = [p for p, u in el.nsmap.items() if u == uri and p]  # type: ignore[attr-defined]
            return declared[-1] if declared else None  # the last declaration of the namespace wins, as below
        if self._walked is None:
            self._walked = _walk_prefixes(self._root)
        return self._walked.get((id(el), uri))


def _walk_prefixes(root: object) -> dict[tuple[int, str], str]:
    """(id(element), namespace URI) -> the prefix in scope there, for every namespaced attribute."""
    from lxml import etree

    out: dict[tuple[int, str], str] = {}
    declared: list[tuple[str, str]] = []  # (prefix, uri) in scope, innermost last
    bound: dict[str, list[str]] = {}  # prefix -> uris, innermost last
    by_uri: dict[str, list[str]] = {}  # uri -> prefixes, innermost last
    pending: list[int] = []  # namespaces declared since the last start event
    marks: list[int] = []  # per open element: how many declarations it added
    for event, item in etree.iterwalk(root, events=("start", "end", "start-ns")):
        if event == "start-ns":
            prefix, uri = item
            declared.append((prefix or "", uri))
            bound.setdefault(prefix or "", []).append(uri)
            by_uri.setdefault(uri, []).append(prefix or "")
            pending.append(1)
        elif event == "start":
            marks.append(len(pending))
            pending.clear()
            for qn in item.keys():  # noqa: SIM118 - an lxml element, not a dict
                if qn.startswith("{"):
                    uri = qn[1:].partition("}")[0]
                    for p in reversed(by_uri.get(uri, ())):
                        if p and bound[p][-1] == uri:
                            out[(id(item), uri)] = p
                            break
        else:  # end: drop the declarations this element made
            for _ in range(marks.pop()):
                prefix, uri = declared.pop()
                bound[prefix].pop()
                by_uri[uri].pop()
    return out


def _unqualify(qname: str, el: object, prefixes: _Prefixes) -> str:
    if not qname.startswith("{"):
        return qname
    ns, local = _split(qname)
    if ns == _XML_NS:  # xml:lang, xml:space: the one prefix that is never declared
        return f"xml:{local}"
    prefix = prefixes.get(el, ns)
    return f"{prefix}:{local}" if prefix else local


_PY_ENC = {"gbk": "gbk", "gb2312": "gbk", "gb18030": "gb18030", "iso-8859-1": "latin-1", "utf-16": "utf-16"}


def _py_encoding(name: str) -> str:
    import codecs

    name = _PY_ENC.get(name, name)
    try:
        codecs.lookup(name)
    except LookupError:
        return "utf-8"
    return name
