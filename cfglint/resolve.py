"""PropertySpace: one module's .properties and YAML as a single Spring key space.

- Relaxed names (Boot 2 rules): per dot-separated element, lower-case and drop everything that is
  not a letter or digit, so ``max-wait`` = ``maxWait`` = ``max_wait``; ``[...]`` parts are exact.
- Profiles: ``application-<p>.*`` files and YAML documents with ``spring.config.activate.on-profile``
  (or the older ``spring.profiles``) are overlays; base definitions apply to every profile.
- Placeholders: ``${a}``, ``${a:default}``, nested ``${a:${b:c}}``, chains across files, with every
  definition consulted kept for messages and the span moved to where the value is really written.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from cfglint.loaders import PropsFile
from cfglint.span import Span

_NON_ALNUM = re.compile(r"[^a-z0-9]")
_TOKEN = re.compile(r"\[[^\]]*\]|[^.\[]+")
_PROFILE_FILE = re.compile(r"^(?:application|bootstrap)-([^./]+)\.(?:ya?ml|properties)$", re.I)
MAX_DEPTH = 32


@lru_cache(maxsize=65536)  # the same few hundred names recur in every module and profile
def canon(name: str) -> str:
    """Canonical relaxed form of a property name."""
    parts = []
    for m in _TOKEN.finditer(name):
        tok = m.group(0)
        if tok.startswith("["):
            parts.append(tok)
        else:
            elem = _NON_ALNUM.sub("", tok.lower())
            if elem:
                parts.append("." + elem)
    return "".join(parts).lstrip(".")


def profile_names(expr: tuple[str, ...]) -> list[str]:
    """Positive profile names of an on-profile value (``prod | staging``, ``dev,test``); ``!x`` is skipped."""
    names = []
    for item in expr:
        names.extend(n for n in re.split(r"[\s,|&()]+", item) if n and not n.startswith("!"))
    return names


@dataclass(slots=True)
class Def:
    key: str  # as written
    value: str | None
    key_span: Span
    value_span: Span
    profile: str | None  # None = applies to every profile
    rank: int  # higher wins among definitions of the same profile scope

    def where(self) -> str:
        return f"{self.value_span.path}:{self.value_span.line}"


@dataclass(slots=True)
class Resolved:
    value: str | None  # fully resolved text; unresolvable placeholders are left as ${name}
    span: Span  # where the decisive text is written
    chain: list[str] = field(default_factory=list)  # human provenance, outermost first
    steps: list[Span | None] = field(default_factory=list)  # where each chain entry is written (same order)
    defs: list[Def] = field(default_factory=list)  # definitions consulted
    used_default: bool = False  # the value is a ${name:default} default
    unresolved: list[tuple[str, Span]] = field(default_factory=list)  # ${name} with no default, no definition
    budget: int = 10_000  # placeholder expansions left: ${a}${a} chains must not grow exponentially


def profile_of_file(path: str) -> str | None:
    m = _PROFILE_FILE.match(path.rsplit("/", 1)[-1])
    return m.group(1) if m else None


class PropertySpace:
    def __init__(self, files: Iterable[PropsFile], shared: Iterable[PropsFile] = (),
                 variants: dict[str, str] | None = None) -> None:
        """``variants``: file path -> the build variant (Maven filter alternative) the file is the overlay of,
        evaluated like a profile."""
        self.defs: dict[str, list[Def]] = {}
        self.profiles: set[str] = set()
        self.files: list[PropsFile] = []
        # Boot precedence: .properties beats .yml in the same place; profile files beat base files. Shared
        # configuration (shared-config globs) comes first, so the module's own files override it.
        ordered = sorted(shared, key=lambda f: (f.kind == "properties", f.path))
        ordered += sorted(files, key=lambda f: (f.kind == "properties", f.path))
        for rank_base, f in enumerate(ordered):
            self.files.append(f)
            file_profile = (variants or {}).get(f.path) or profile_of_file(f.path)
            if file_profile:
                self.profiles.add(file_profile)
            doc_scopes: dict[int, list[str | None]] = {}  # per YAML document: the profiles it applies to
            for doc, expr in f.doc_profiles.items():
                names = profile_names(expr)
                self.profiles.update(names)
                if names:
                    doc_scopes[doc] = list(names)
            default_scopes: list[str | None] = [file_profile]
            for e in f.entries:
                scopes = doc_scopes.get(e.doc, default_scopes)
                rank = rank_base * 10_000 + e.doc
                bucket = self.defs.setdefault(canon(e.key), [])
                for scope in scopes:
                    bucket.append(Def(e.key, e.value, e.key_span, e.value_span, scope, rank))
        # Prefix queries run once per datasource / protocol block: a sorted index keeps them logarithmic
        # (thousands of blocks in one module made the scans quadratic), and effective values are memoised.
        self._sorted: list[str] = sorted(self.defs)
        self._effective: dict[str | None, dict[str, Def | None]] = {}
        self._items: dict[tuple[str | None, str], list[tuple[str, Def]]] = {}
        self._under: dict[str, list[str]] = {}
        self._children: dict[tuple[str | None, str], dict[str, tuple[str, Def]]] = {}
        self.reads: set[str] | None = None  # when a set: every name looked up through get() is added to it
        # Profiles a profile activates with it (spring.profiles.group.<p>, spring.profiles.include in its overlay),
        # in precedence order after the profile itself; empty for nearly every module.
        self.activates: dict[str, list[str]] = self._activations()

    def _activations(self) -> dict[str, list[str]]:
        direct: dict[str, list[str]] = {}
        for key in self.keys_under("spring.profiles"):  # a sorted run of keys, usually empty
            defs = self.defs[key]
            if key.startswith("spring.profiles.group."):
                owner = key[len("spring.profiles.group."):].split("[", 1)[0]
                targets = [d for d in defs if d.profile is None]
            elif key.startswith("spring.profiles.include"):
                owner, targets = "", [d for d in defs if d.profile is not None]
            else:
                continue
            for d in targets:
                who = owner or d.profile or ""
                names = [n for n in re.split(r"[\s,]+", d.value or "") if n and "${" not in n]
                direct.setdefault(who, []).extend(n for n in names if n != who)
        out: dict[str, list[str]] = {}
        for p in direct:
            seen: list[str] = []
            stack = list(reversed(direct[p]))
            while stack and len(seen) < 64:  # bounded: groups may form loops
                q = stack.pop()
                if q != p and q not in seen:
                    seen.append(q)
                    stack.extend(reversed(direct.get(q, [])))
            out[p] = seen
        return out

    def contexts(self) -> list[str | None]:
        """Profiles to evaluate: the base configuration and each profile overlay."""
        return [None, *sorted(self.profiles)]

    def get(self, name: str, profile: str | None = None) -> Def | None:
        key = canon(name)
        if self.reads is not None:
            self.reads.add(key)
        return self.get_canon(key, profile)

    def overlay_keys(self, profile: str) -> set[str]:
        """Canonical keys a profile defines itself or through the profiles it activates (its overlay over the base
        configuration)."""
        active = {profile, *self.activates.get(profile, ())}
        return {k for k, defs in self.defs.items() if any(d.profile in active for d in defs)}

    def get_canon(self, key: str, profile: str | None = None) -> Def | None:
        memo = self._effective.setdefault(profile, {})
        try:
            return memo[key]
        except KeyError:
            best = memo[key] = self._pick(key, profile)
            return best

    def _pick(self, key: str, profile: str | None) -> Def | None:
        best: Def | None = None
        also = self.activates.get(profile, ()) if profile is not None else ()
        if also:
            return self._pick_among(key, [profile, *also])  # type: ignore[list-item]
        for d in self.defs.get(key, ()):
            # A profile overlay beats the base; otherwise the higher rank wins.
            applies = d.profile is None or d.profile == profile
            if applies and (best is None or (d.profile is not None, d.rank) >= (best.profile is not None, best.rank)):
                best = d
        return best

    def _pick_among(self, key: str, active: list[str]) -> Def | None:
        """The effective definition when a profile activates others with it: its own overlay first, then the
        activated profiles' in order, then the base."""
        order = {p: len(active) - i for i, p in enumerate(active)}
        best: Def | None = None
        best_key: tuple[int, int] = (-1, -1)
        for d in self.defs.get(key, ()):
            level = 0 if d.profile is None else order.get(d.profile, -1)
            if level >= 0 and (level, d.rank) >= best_key:
                best, best_key = d, (level, d.rank)
        return best

    def keys_under(self, prefix: str = "") -> list[str]:
        """Sorted canonical keys equal to ``prefix`` or below it (``prefix.x``, ``prefix[0]``). The same for every
        profile, so memoised (not to be mutated)."""
        if not prefix:
            return self._sorted
        try:
            return self._under[prefix]
        except KeyError:
            pass
        keys = self._sorted
        out: list[str] = []
        i = bisect_left(keys, prefix)
        if i < len(keys) and keys[i] == prefix:
            out.append(prefix)
        # Keys starting with prefix + sep form one contiguous run of the sorted list.
        for sep in (".", "["):
            lo = prefix + sep
            i = bisect_left(keys, lo)
            while i < len(keys) and keys[i].startswith(lo):
                out.append(keys[i])
                i += 1
        out.sort()
        self._under[prefix] = out
        return out

    def items(self, profile: str | None = None, prefix: str = "") -> list[tuple[str, Def]]:
        """(canonical key, effective definition) for keys under a canonical prefix, in key order. Memoised: the
        extractors ask for the same prefixes several times per profile (not to be mutated)."""
        k = (profile, prefix)
        try:
            return self._items[k]
        except KeyError:
            pass
        get = self.get_canon
        out = self._items[k] = [(key, d) for key in self.keys_under(prefix) if (d := get(key, profile)) is not None]
        return out

    def children(self, profile: str | None, prefix: str) -> dict[str, tuple[str, Def]]:
        """Direct leaf children of a canonical prefix: canonical child -> (canonical full key, effective definition).
        Memoised like items (not to be mutated): every named Druid datasource reads the shared
        spring.datasource.druid.* children, and scanning them again for each made thousands of datasources
        quadratic."""
        k = (profile, prefix)
        try:
            return self._children[k]
        except KeyError:
            pass
        out: dict[str, tuple[str, Def]] = {}
        plen = len(prefix) + 1
        for key, d in self.items(profile, prefix):
            rest = key[plen:]
            if rest and "." not in rest and "[" not in rest:
                out[rest] = (key, d)
        self._children[k] = out
        return out

    def has_prefix(self, prefix: str) -> bool:
        p = canon(prefix)
        return p in self.defs or self.has_key_starting(p + ".") or self.has_key_starting(p + "[")

    def has_key_starting(self, text: str) -> bool:
        """Any canonical key that starts with ``text`` (no element boundary required)."""
        i = bisect_left(self._sorted, text)
        return i < len(self._sorted) and self._sorted[i].startswith(text)

    # ---- placeholders -------------------------------------------------------------------------

    def resolve(self, text: str | None, span: Span, profile: str | None = None) -> Resolved:
        res = Resolved(text, span)
        if text is None or "${" not in text:
            return res
        value, decisive = self._expand(text, span, profile, res, (), 0)
        res.value = value
        if decisive is not None:
            res.span = decisive
        return res

    def _expand(self, text: str, span: Span, profile: str | None, res: Resolved,
                stack: tuple[str, ...], depth: int) -> tuple[str, Span | None]:
        """Expand every placeholder in ``text``. The returned span is set when ``text`` is exactly
        one placeholder (so the value really comes from elsewhere)."""
        out: list[str] = []
        i = 0
        decisive: Span | None = None
        whole = False
        while True:
            start = text.find("${", i)
            if start < 0:
                out.append(text[i:])
                break
            end = _matching(text, start + 2)
            if end < 0:
                out.append(text[i:])
                break
            out.append(text[i:start])
            body = text[start + 2:end]
            whole = start == 0 and end == len(text) - 1 and text.strip() == text
            value, sub_span = self._one(body, span, profile, res, stack, depth, text, start)
            out.append(value)
            if whole:
                decisive = sub_span
            i = end + 1
        return "".join(out), decisive if whole else None

    def _one(self, body: str, span: Span, profile: str | None, res: Resolved, stack: tuple[str, ...],
             depth: int, outer: str, outer_start: int) -> tuple[str, Span | None]:
        name, default = _split_default(body)
        res.budget -= 1
        if res.budget < 0:
            if res.budget == -1:
                res.chain.append("placeholder expansion stopped: too many nested references")
                res.steps.append(None)
            return "${" + body + "}", None
        if depth >= MAX_DEPTH or name in stack:
            res.chain.append(f"${{{name}}} is circular")
            res.steps.append(None)
            return "${" + body + "}", None
        # Spring <6.2 first tries the whole "key:default" as a key; a real key with ':' is rare.
        d = self.get(name, profile) if name else None
        if d is not None and d.value is not None:
            res.defs.append(d)
            res.chain.append(f"${{{name}}} = {d.value!r} ({d.where()})")
            res.steps.append(d.value_span)
            if "${" in d.value:
                value, sub = self._expand(d.value, d.value_span, profile, res, (*stack, name), depth + 1)
                return value, sub or d.value_span
            return d.value, d.value_span
        if default is not None:
            res.used_default = True
            res.chain.append(f"${{{name}}} is not defined, default {default!r} used")
            dspan = _sub_span(span, outer, outer_start + 2 + len(name) + 1, len(default))
            res.steps.append(dspan)
            if "${" in default:
                value, sub = self._expand(default, dspan, profile, res, (*stack, name), depth + 1)
                return value, sub or dspan
            return default, dspan
        res.unresolved.append((name, _sub_span(span, outer, outer_start, len(body) + 3)))  # the ${...} itself
        res.chain.append(f"${{{name}}} is not defined in this module")
        res.steps.append(res.unresolved[-1][1])
        return "${" + body + "}", None


def _matching(text: str, i: int) -> int:
    depth = 1
    n = len(text)
    while i < n:
        if text.startswith("${", i):
            depth += 1
            i += 2
            continue
        c = text[i]
        if c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _split_default(body: str) -> tuple[str, str | None]:
    depth = 0
    i = 0
    while i < len(body):
        if body.startswith("${", i):
            depth += 1
            i += 2
            continue
        c = body[i]
        if c == "}":
            depth -= 1
        elif c == ":" and depth == 0:
            return body[:i].strip(), body[i + 1:]
        i += 1
    return body.strip(), None


def _sub_span(span: Span, text: str, offset: int, length: int) -> Span:
    """Span of text[offset:offset+length] when ``span`` covers ``text`` on one line, else ``span``."""
    if span.line == span.end_line and span.end_col - span.col == len(text):
        return Span(span.path, span.line, span.col + offset, span.line, span.col + offset + length)
    return span
