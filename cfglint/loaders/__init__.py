"""Loaders turn one file's bytes into position-carrying nodes. They never raise on bad input:
they raise ``LoadError`` with a location, which the engine reports as CF001."""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

from cfglint.span import Span


class LoadError(Exception):
    """A file that cannot be read or parsed; ``line``/``col`` are 1-based (1 when unknown)."""

    def __init__(self, message: str, line: int = 1, col: int = 1, *, skipped: bool = False,
                 unreadable: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.line = max(1, line)
        self.col = max(1, col)
        self.skipped = skipped  # a template or other non-config file: reported once, not an error
        self.unreadable = unreadable  # skipped because it cannot be read as text at all (binary)


@dataclass(slots=True)
class Comment:
    text: str  # comment body without the comment markers
    span: Span
    own_line: bool  # nothing but whitespace before it on its line


@dataclass(slots=True)
class Entry:
    """One Spring property from a .properties or YAML file, flattened (``a.b[0].c``)."""

    key: str
    value: str | None
    key_span: Span
    value_span: Span
    doc: int = 0


@dataclass(slots=True)
class PropsFile:
    path: str
    kind: str  # "properties" | "yaml"
    entries: list[Entry]
    text: str
    doc_profiles: dict[int, tuple[str, ...]] = field(default_factory=dict)  # doc index -> on-profile names
    comments: list[Comment] = field(default_factory=list)
    parents: dict[str, Span] = field(default_factory=dict)  # YAML: key span of each mapping/list-valued key


BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, fallbacks: tuple[str, ...] = ("utf-8", "gb18030", "latin-1")) -> tuple[str, str]:
    """Decode config bytes: BOM first, then UTF-8, then the fallbacks. Returns (text, encoding)."""
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # UTF-16 without BOM is the only text encoding with NUL bytes we accept.
        for enc in ("utf-16-le", "utf-16-be"):
            if _looks_utf16(data, enc):
                return data.decode(enc, errors="replace"), enc
        raise LoadError("binary file (contains NUL bytes)", skipped=True, unreadable=True)
    for bom, enc in BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    for enc in fallbacks:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def _looks_utf16(data: bytes, enc: str) -> bool:
    sample = data[:4096]
    zeros_odd = sample[1::2].count(0)
    zeros_even = sample[0::2].count(0)
    half = max(1, len(sample) // 2)
    if enc == "utf-16-le":
        return zeros_odd > 0.4 * half and zeros_even < 0.05 * half
    return zeros_even > 0.4 * half and zeros_odd < 0.05 * half
