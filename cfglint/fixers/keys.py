"""CF004: a misspelled key renamed to its one close match (the key's last segment only; value, quoting, comments
and the rest of the line stay). Offered only when exactly one valid name is within the rule's edit distance of
what is written: with two candidates the intent is a guess. Unsafe: the key starts to take effect, with a value
nobody has run with (and a did-you-mean is a guess at intent, however close).

The name to write is the one the finding suggests (CF004 styles it as the file writes its keys: kebab-case,
Dubbo 3's spelling); the fixer re-runs the rule's judgement of the key to check that the suggestion is its one
close match before it offers a fix.
"""

from __future__ import annotations

import re
from typing import Any

from cfglint.findings import Finding, Fix
from cfglint.fixers import Source, memo

_MEAN = re.compile(r"did you mean `([^`\s]+)`\?")


def _uses(model: Any) -> Any:
    from cfglint.model.keys import KeyUse

    keys = model.keys
    yield from keys.uses
    for rec in keys.xml_attrs:
        for a in rec.attrs:
            yield KeyUse("xml-attr", a.name, a.name, a.value, a, "xml", element=rec.element, ns=rec.ns, owner=rec.owner)


def rename(f: Finding, model: Any, sources: dict[str, Source], options: dict[str, Any]) -> Fix | None:
    found = _MEAN.findall(f.help) or _MEAN.findall(f.message)  # the suggestion is the finding's help
    if len(found) != 1 or f.span.path not in sources.texts:  # type: ignore[attr-defined]
        return None
    use = memo(model, "key-uses", lambda: _by_span(model)).get(f.span)
    if use is None or f.key != f"{use.kind}/{use.owner + '/' if use.owner else ''}{use.canon}":
        return None
    if not _one_close_match(model, use, options) or _taken(model, use, _leaf(found[0])):
        return None
    src = sources[f.span.path]
    a, b = src.start(f.span), src.end(f.span)
    written = src.text[a:b]
    if "\n" in written or "\\" in written:
        return None
    leaf = _leaf(use.key)
    good = _leaf(found[0])
    if not written.endswith(leaf) or not good or good == leaf:
        return None
    if not re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+", good):
        return None
    start = b - len(leaf)
    if start > a and written[len(written) - len(leaf) - 1] not in ".[":
        return None  # the leaf must be a whole segment of the key as written
    return Fix(f"rename `{leaf}` to `{good}`", False, (src.replace(start, b, good),))


def _by_span(model: Any) -> dict:  # type: ignore[type-arg]
    out: dict = {}  # type: ignore[type-arg]
    for u in _uses(model):
        out.setdefault(u.span, u)
    return out


def _leaf(key: str) -> str:
    return key.rsplit(".", 1)[-1]


def _one_close_match(model: Any, use: Any, options: dict[str, Any]) -> bool:
    """Judge the key again, recording every close candidate the rule's suggestions consider: exactly one
    distinct name must be within the edit distance (the memo of verdicts is bypassed so every call is seen)."""
    from cfglint.checks import keys as k

    close: list[set[str]] = []
    plain_suggest = k.suggest

    def recording(written: str, candidates: list[str], norm=k.relaxed) -> str | None:  # type: ignore[no-untyped-def]
        w = norm(written)
        n = len(w)
        limit = 0 if n <= 3 else 1 if n <= 5 else 2 if n <= 12 else 3
        near = {norm(c) for c in candidates if not c.endswith(".*") and k.distance(w, norm(c), limit) <= limit}
        close.append(near)
        return plain_suggest(written, candidates, norm)

    class Rejudge(k.Judge):
        def verdict(self, ks, written, v, mode):  # type: ignore[no-untyped-def]
            return self._verdict(ks, written, v, mode)

    judge = memo(model, "judge", lambda: Rejudge(model, k.KnownKeys(list(options.get("known-keys") or []))))
    k.suggest = recording
    try:
        again = judge.judge(use)
    finally:
        k.suggest = plain_suggest
    return again is not None and bool(close) and all(len(c) == 1 for c in close if c) and any(close)


def _taken(model: Any, use: Any, good: str) -> bool:
    """Whether the corrected key is already written beside the misspelled one (same kind and owner): renaming would
    make a duplicate, and which value wins would change."""
    from cfglint.checks.keys import relaxed

    prefix = use.key.rsplit(".", 1)[0] + "." if "." in use.key else ""
    written = memo(model, "key-names", lambda: {(u.kind, u.owner, relaxed(u.key)) for u in _uses(model)})
    return (use.kind, use.owner, relaxed(prefix + good)) in written and relaxed(prefix + good) != relaxed(use.key)
