"""Key catalogues: which configuration keys each library version accepts.

The data (``<library>.json`` beside this module) is derived from the libraries' own sources by
``scripts/build_catalogs.py``; each file records its source repository, the tags read and, per set,
the source paths. Keys map to version ranges over the scanned versions (``""`` every version,
``"1.2.12-"`` from 1.2.12, ``"-2.5"`` before 2.5, several joined with ``,``).

Files are read lazily, only by the checks that need them (CF004), and cached.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

Version = tuple[int, ...]
_HERE = Path(__file__).resolve().parent
_NON_ALNUM = re.compile(r"[^a-z0-9]")


def relaxed(name: str) -> str:
    """Spring Boot's relaxed form of one name element: lower case, letters and digits only."""
    return _NON_ALNUM.sub("", name.lower())


def vtuple(text: str) -> Version:
    return tuple(int(x) for x in re.findall(r"\d+", text))


def vstr(v: Version) -> str:
    return ".".join(map(str, v))


@dataclass
class KeySet:
    """One set of keys (e.g. DruidDataSource bean properties) over a library's scanned versions."""

    library: str
    name: str
    title: str
    sources: tuple[str, ...]
    versions: tuple[Version, ...]
    labels: tuple[str, ...]  # the versions as written in the file
    ranges: dict[str, tuple[tuple[int, int], ...]]  # key -> [(first index, end index)) over versions
    notes: dict[str, dict[str, str]] = field(default_factory=dict)  # key -> {version: replacement}
    _relaxed: dict[str, list[str]] | None = None
    _lower: dict[str, list[str]] | None = None

    @property
    def names(self) -> list[str]:
        return list(self.ranges)

    def by_relaxed(self, name: str) -> list[str]:
        if self._relaxed is None:
            idx: dict[str, list[str]] = {}
            for k in self.ranges:
                idx.setdefault(".".join(relaxed(p) if p != "*" else p for p in k.split(".")), []).append(k)
            self._relaxed = idx
        return self._relaxed.get(name, [])

    def by_lower(self, name: str) -> list[str]:
        if self._lower is None:
            idx: dict[str, list[str]] = {}
            for k in self.ranges:
                idx.setdefault(k.lower(), []).append(k)
            self._lower = idx
        return self._lower.get(name.lower(), [])

    # ---- versions ------------------------------------------------------------------------------

    def _locate(self, v: Version) -> tuple[int | None, int | None]:
        """(i, i) when scanned version i covers v (a scanned 2.5 covers every 2.5.x); otherwise the
        scanned neighbours (below, above), None beyond either end. Memoised: status() asks per key."""
        cache = self.__dict__.setdefault("_locate_cache", {})
        hit = cache.get(v)
        if hit is None:
            hit = cache[v] = self._locate_scan(v)
        return hit

    def _locate_scan(self, v: Version) -> tuple[int | None, int | None]:
        below = None
        for i, s in enumerate(self.versions):
            if _pad(v, s)[:len(s)] == s:
                return i, i
            if _pad(s, v) < _pad(v, s):
                below = i
            else:
                return below, i
        return below, None

    def _present(self, key: str, i: int) -> bool:
        return any(a <= i < b for a, b in self.ranges.get(key, ()))

    def status(self, key: str, v: Version | None) -> bool | None:
        """True: the key exists in version v; False: it does not; None: cannot tell (v unknown, older
        than every scanned version, between two scanned versions that disagree, on a release line never
        scanned, or newer than the last scanned version while absent there)."""
        if v is None:
            return None
        below, above = self._locate(v)
        if below is None:  # older than everything scanned
            return None
        if below != above and v[:2] not in {s[:2] for s in self.versions}:
            return None  # a release line the catalogue never saw (a fork such as Dubbox 2.8.x)
        if above is None:  # newer than everything scanned
            return True if self._present(key, below) else None
        a, b = self._present(key, below), self._present(key, above)
        return a if a == b else None

    def exists_anywhere(self, key: str) -> bool:
        return key in self.ranges

    def valid_names(self, v: Version | None) -> list[str]:
        """Names valid for v (every name when v is unknown; names that may be valid when unsure)."""
        if v is None:
            return self.names
        return [k for k in self.ranges if self.status(k, v) is not False]

    def change(self, key: str, v: Version) -> tuple[str, str] | None:
        """('added', '1.2.24') when the key appears only after v, ('removed', '2.5') when it was
        dropped at or before v."""
        spans = self.ranges.get(key, ())
        below, above = self._locate(v)
        if not spans or below is None:
            return None
        pos = below if above is not None and above == below else below + 0.5
        earlier = [b for _, b in spans if b <= pos]
        later = [a for a, _ in spans if a > pos]
        if later:
            return "added", self.labels[min(later)]
        if earlier:
            return "removed", self.labels[max(earlier)]
        return None

    def replacement(self, key: str) -> str | None:
        notes = self.notes.get(key)
        if not notes:
            return None
        return list(notes.values())[-1] or None


def _pad(a: Version, b: Version) -> Version:
    return a + (0,) * max(0, len(b) - len(a))


def _parse_ranges(text: str, n: int, index: dict[str, int]) -> tuple[tuple[int, int], ...]:
    if text == "":
        return ((0, n),)
    out = []
    for seg in text.split(","):
        lo, _, hi = seg.partition("-")
        out.append((index[lo] if lo else 0, index[hi] if hi else n))
    return tuple(out)


@dataclass
class Catalogue:
    library: str
    source: str
    sets: dict[str, KeySet]

    def get(self, name: str) -> KeySet:
        return self.sets[name]


@cache
def load(library: str) -> Catalogue:
    """The catalogue of one library (``druid``, ``dubbo``, ``spring-boot``, ``hikari``, ``dbcp``,
    ``tomcat-jdbc``, ``spring-framework``, ``dynamic-datasource``)."""
    data = json.loads((_HERE / f"{library}.json").read_text(encoding="utf-8"))
    labels = tuple(data["versions"])
    versions = tuple(vtuple(v) for v in labels)
    index = {v: i for i, v in enumerate(labels)}
    sets = {}
    for name, s in data["sets"].items():
        ranges = {k: _parse_ranges(r, len(labels), index) for k, r in s["keys"].items()}
        sets[name] = KeySet(library, name, s.get("title", ""), tuple(s.get("sources", ())), versions, labels, ranges,
                            dict(s.get("notes", {})))
    return Catalogue(data["library"], data["source"], sets)


def keyset(library: str, name: str) -> KeySet:
    return load(library).get(name)


def libraries() -> list[str]:
    return sorted(p.stem for p in _HERE.glob("*.json"))
