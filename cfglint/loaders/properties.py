""".properties loader following java.util.Properties.load line rules, keeping exact positions.

javaproperties supplies the escape semantics (``\\uXXXX``, ``\\:``, ``\\=``); the line scanner here is
ours because positions (including multi-line values) are what findings point at."""

from __future__ import annotations

import re

from cfglint.loaders import Comment, Entry, PropsFile, decode
from cfglint.span import LineIndex

_WS = " \t\f"
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def _unescape(s: str) -> str:
    if "\\" not in s:
        return s
    import javaproperties

    try:
        return javaproperties.unescape(s)
    except Exception:  # javaproperties rejects malformed \u escapes; Java would too, keep the text
        return s.replace("\\", "")


def _ends_with_odd_backslashes(s: str) -> bool:
    n = len(s) - len(s.rstrip("\\"))
    return n % 2 == 1


def load_properties(path: str, data: bytes) -> PropsFile:
    text, _ = decode(data, ("utf-8", "latin-1"))
    idx = LineIndex(text)
    entries: list[Entry] = []
    comments: list[Comment] = []
    doc = 0
    lines = [(m.start(), m.group(0).rstrip("\r\n")) for m in _LINE.finditer(text) if m.group(0)]
    i = 0
    nlines = len(lines)
    while i < nlines:
        start, raw = lines[i]
        body = raw.lstrip(_WS)
        if not body:
            i += 1
            continue
        lead = len(raw) - len(body)
        if body[0] in "#!":
            if body.rstrip() in ("#---", "!---") and lead == 0:
                doc += 1
            comments.append(Comment(body[1:].strip(), idx.span(path, start + lead, start + len(raw)), True))
            i += 1
            continue
        # Join continuation lines, remembering where each piece came from in the raw text.
        pieces: list[tuple[int, str]] = [(start + lead, body)]
        while _ends_with_odd_backslashes(pieces[-1][1]) and i + 1 < nlines:
            last_off, last = pieces[-1]
            pieces[-1] = (last_off, last[:-1])
            i += 1
            nstart, nraw = lines[i]
            nbody = nraw.lstrip(_WS)
            pieces.append((nstart + len(nraw) - len(nbody), nbody))
        if _ends_with_odd_backslashes(pieces[-1][1]):
            off, last = pieces[-1]
            pieces[-1] = (off, last[:-1])
        i += 1
        logical = "".join(p for _, p in pieces)

        def raw_offset(li: int, end: bool = False, pieces: list[tuple[int, str]] = pieces) -> int:
            for off, p in pieces:
                if li < len(p) or (end and li == len(p)):
                    return off + li
                li -= len(p)
            return pieces[-1][0] + len(pieces[-1][1])

        k = 0
        n = len(logical)
        while k < n:
            c = logical[k]
            if c == "\\":
                k += 2
                continue
            if c in "=:" or c in _WS:
                break
            k += 1
        key_end = min(k, n)
        v = key_end
        while v < n and logical[v] in _WS:
            v += 1
        if v < n and logical[v] in "=:":
            v += 1
            while v < n and logical[v] in _WS:
                v += 1
        key = _unescape(logical[:key_end])
        value = _unescape(logical[v:])
        key_span = idx.span(path, raw_offset(0), raw_offset(key_end, True))
        v_end = len(logical.rstrip(_WS))
        if v >= v_end:
            vs = raw_offset(v)
            value_span = idx.span(path, vs, vs)
        else:
            value_span = idx.span(path, raw_offset(v), raw_offset(v_end, True))
        entries.append(Entry(key, value, key_span, value_span, doc))
    return PropsFile(path, "properties", entries, text, {}, comments)
