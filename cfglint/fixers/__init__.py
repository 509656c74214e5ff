"""Fixers: for a finding whose repair is unambiguous, the edits that make it (``Finding.fix``).

They run in the engine right after the checks, with the module's model and source texts, so a fix travels with
its finding through workers, the cache, suppressions and baselines. A fixer finds the model object of its
finding by the finding's key and span, re-derives why it fired, reads the text as written at the finding's place
(through placeholders the span is where the decisive text is written) and offers a fix only when that text is
exactly what it expects; anything else (a placeholder in the way, a syntax it does not know) gets no fix.

Safe or unsafe, as in ruff: safe keeps the behaviour the configuration was written to have (JD004 writes the
timeout the author wrote, under the name the driver reads); unsafe changes behaviour beyond what is written (a
new timeout, a thread maximum, a pool wait, a renamed key that starts to take effect with an untested value).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cfglint.findings import Edit, Finding, Fix
from cfglint.span import LineIndex, Span


class Source:
    """One file's decoded text with the helpers fixers need (offsets, lines, the file's line ending)."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.idx = LineIndex(text)

    @property
    def kind(self) -> str:
        low = self.path.lower()
        if low.endswith((".yml", ".yaml")):
            return "yaml"
        if low.endswith(".properties"):
            return "properties"
        if low.endswith(".xml"):
            return "xml"
        return ""

    def off(self, line: int, col: int) -> int:
        return self.idx.offset(line, col)

    def start(self, span: Span) -> int:
        return self.off(span.line, span.col)

    def end(self, span: Span) -> int:
        return self.off(span.end_line, span.end_col)

    def span(self, a: int, b: int) -> Span:
        return self.idx.span(self.path, a, b)

    def line_bounds(self, offset: int) -> tuple[int, int]:
        """(start, end) of the line holding ``offset``; end is before its line ending."""
        a = self.text.rfind("\n", 0, offset) + 1
        b = self.text.find("\n", offset)
        if b == -1:
            b = len(self.text)
        if b > a and self.text[b - 1] == "\r":
            b -= 1
        return a, b

    def eol(self) -> str:
        """The file's line ending: that of its first line (\\n for a one-line file)."""
        i = self.text.find("\n")
        return "\r\n" if i > 0 and self.text[i - 1] == "\r" else "\n"

    def insert(self, offset: int, text: str) -> Edit:
        return Edit(self.span(offset, offset), text)

    def replace(self, a: int, b: int, text: str) -> Edit:
        return Edit(self.span(a, b), text)


def memo(model: Any, name: str, make: Callable[[], Any]) -> Any:
    """A per-model index the fixers build once (a module can have thousands of findings: no fixer may scan the
    whole model for each one)."""
    key = f"fix:{name}"
    got = model.memo.get(key)
    if got is None:
        got = model.memo[key] = make()
    return got


FixerFn = Callable[[Finding, Any, dict[str, Source], dict[str, Any]], Fix | None]


def _fixers() -> dict[str, FixerFn]:
    from cfglint.fixers import jdbc, keys, pools, threads

    return {"JD001": jdbc.connect_timeout, "JD002": jdbc.read_timeout, "JD004": jdbc.ignored_keys,
            "TP001": threads.dubbo_threads, "DS001": pools.druid_max_wait, "CF004": keys.rename}


FIXERS = frozenset({"JD001", "JD002", "JD004", "TP001", "DS001", "CF004"})
_CACHE: dict[str, FixerFn] = {}
_LAST: tuple[dict[str, str], _Sources] | None = None


def fix_for(f: Finding, model: Any, texts: dict[str, str], options: dict[str, Any]) -> Fix | None:
    """The fix of one finding, or None. Never raises: a fixer that fails offers no fix, the finding stands."""
    if not _CACHE:
        _CACHE.update(_fixers())
    fn = _CACHE.get(f.rule)
    if fn is None:
        return None
    global _LAST
    if _LAST is None or _LAST[0] is not texts:  # one module's findings share its parsed sources
        _LAST = (texts, _Sources(texts))
    sources = _LAST[1]
    try:
        fix = fn(f, model, sources, options)
    except Exception:
        return None
    if fix is None or not fix.edits:
        return None
    return fix


class _Sources(dict):  # type: ignore[type-arg]
    """Source objects made on first use from the module's texts."""

    def __init__(self, texts: dict[str, str]) -> None:
        super().__init__()
        self.texts = texts

    def __missing__(self, path: str) -> Source:
        text = self.texts[path]
        src = self[path] = Source(path, text)
        return src


def combine(findings: list[Finding]) -> None:
    """Fixes that insert at the same place and belong together become one fix that both findings carry: the connect
    and the read timeout of one URL (each alone would add its own ``?``). Applying it once fixes both."""
    from cfglint.fixers.jdbc import merge_url_params

    places: dict[tuple[str, int, int], list[Finding]] = {}
    for f in findings:
        fx = f.fix
        if f.rule in ("JD001", "JD002") and fx is not None and len(fx.edits) == 1:
            e = fx.edits[0].span
            if (e.line, e.col) == (e.end_line, e.end_col):
                places.setdefault((e.path, e.line, e.col), []).append(f)
    for group in places.values():
        rules = sorted(f.rule for f in group)
        if rules == ["JD001", "JD002"]:
            a, b = sorted(group, key=lambda f: f.rule)
            merged = merge_url_params(a.fix, b.fix)  # type: ignore[arg-type]
            if merged is not None:
                a.fix = b.fix = merged
