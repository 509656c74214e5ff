"""TP001: ``threads`` beside a cached/eager Dubbo pool that has none, in the file's own syntax and indentation, next
to where ``threadpool`` is written (a provider's threadpool inherited by a protocol gets its threads there too, and
they are inherited the same way). Unsafe: the pool now rejects work beyond 200 threads instead of growing.
"""

from __future__ import annotations

import re
from typing import Any

from cfglint.findings import Finding, Fix
from cfglint.fixers import Source, memo

THREADS = 200  # Dubbo's own default maximum for fixed and limited pools, which the rule's message recommends
_XML_ATTR = re.compile(r"threadpool\s*=\s*$")
_PROP_KEY = re.compile(r"^([ \t\f]*)([^\s=:]*?)(threadpool|threadPool|thread-pool)([ \t\f]*[=:][ \t\f]*|[ \t\f]+)$")
_YAML_KEY = re.compile(r"^([ \t]*)((?:-[ \t]+)?)([^\s:#'\"]*?)(threadpool|threadPool|thread-pool)([ \t]*:[ \t]+)$")
_YAML_FLOW = re.compile(r"(^|[{,][ \t]*)([^\s:#'\",{}]*?)(threadpool|threadPool|thread-pool)([ \t]*:[ \t]*)$")


def dubbo_threads(f: Finding, model: Any, sources: dict[str, Source], options: dict[str, Any]) -> Fix | None:
    from cfglint.checks.threads import UNBOUNDED_DUBBO_POOLS, dubbo_effective

    def index() -> dict:  # type: ignore[type-arg]
        out: dict = {}  # type: ignore[type-arg]
        for pool, s in dubbo_effective(model):
            tp = s.get("threadpool")
            if tp is not None:
                out.setdefault((f"{pool.key}/threadpool", tp.span), s)
        return out

    s = memo(model, "dubbo", index).get((f.key, f.span))
    if s is None:
        return None
    tp = s["threadpool"]
    if s.get("threads") is not None or tp.chain:
        return None
    kind = (tp.value or "").strip().lower()
    if kind not in UNBOUNDED_DUBBO_POOLS:
        return None
    core = s.get("corethreads")
    if core is not None and (core.int_value() is None or (core.int_value() or 0) > THREADS):
        return None  # a core above the new maximum would not start: the maximum is the author's to choose
    if f.span.path not in sources.texts:  # type: ignore[attr-defined]
        return None
    return _beside(sources[f.span.path], f, kind)


def _beside(src: Source, f: Finding, kind: str) -> Fix | None:
    text = src.text
    a, b = src.start(f.span), src.end(f.span)
    if text[a:b].strip().lower() != kind or "\n" in text[a:b]:
        return None
    desc = f"add threads={THREADS} beside threadpool={kind}"
    ls, le = src.line_bounds(a)
    before, after = text[ls:a], text[b:le]
    if src.kind == "xml":
        q = text[a - 1:a]
        if q not in ("'", '"') or text[b:b + 1] != q or not _XML_ATTR.search(text[ls:a - 1]):
            return None
        return Fix(desc, False, (src.insert(b + 1, f" threads={q}{THREADS}{q}"),))
    if src.kind == "properties":
        m = _PROP_KEY.match(before)
        if m is None or after.strip() or text[ls - 2:ls - 1] == "\\":
            return None  # a continuation line is not a key of its own
        indent, prefix, _, sep = m.groups()
        line = f"{indent}{prefix}threads{sep}{THREADS}"
        return Fix(desc, False, (src.insert(le, (_eol(src, le)) + line),))
    if src.kind == "yaml":
        value_end = b
        if text[a:a + 1] in ("'", '"'):  # a quoted value whose span excludes the quotes is not expected
            return None
        if text[a - 1:a] in ("'", '"') and text[b:b + 1] == text[a - 1]:
            before, value_end = before[:-1], b + 1
        tail = text[value_end:le]
        m = _YAML_KEY.match(before)
        if m is not None and (not tail.strip() or re.match(r"[ \t]+#", tail)):
            indent, dash, prefix, _, sep = m.groups()
            col = " " * (len(indent) + len(dash)) if "\t" not in indent else None
            if col is None:
                return None
            return Fix(desc, False, (src.insert(le, _eol(src, le) + f"{col}{prefix}threads{sep}{THREADS}"),))
        fm = _YAML_FLOW.search(before)
        if fm is not None and "{" in before and re.match(r"[ \t]*[,}]", tail):
            prefix, sep = fm.group(2), fm.group(4)
            return Fix(desc, False, (src.insert(value_end, f", {prefix}threads{sep or ': '}{THREADS}"),))
    return None


def _eol(src: Source, line_end: int) -> str:
    """The line ending of the line ending at ``line_end`` (the file's own when it is the last line)."""
    rest = src.text[line_end:line_end + 2]
    if rest.startswith("\r\n"):
        return "\r\n"
    if rest.startswith("\n"):
        return "\n"
    return src.eol()
