"""Content-hash cache of module results under the user cache directory.

A module's entry is keyed by everything its result depends on: cfglint's own code, the settings, the
module's file set and the bytes of each file, and the shared-config files. Files read outside the module
(parent poms, BOMs found by path) are recorded with their digests and checked on every hit. Entries are JSON
written to a temporary file and renamed into place, so concurrent runs never see half an entry; an unreadable
or corrupt entry is a miss. ``--no-cache`` (or ``cache = false``) turns it off; ``CFGLINT_CACHE_DIR`` moves it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from cfglint import __version__
from cfglint.findings import Edit, Finding, Fix, Related, Severity, Step
from cfglint.span import Span

FORMAT = 2  # 2: findings carry why/help/notes/chain and their fix (an entry of format 1 is a miss)
MAX_AGE_S = 30 * 86_400  # entries older than this are removed now and then


def default_dir() -> Path:
    env = os.environ.get("CFGLINT_CACHE_DIR")
    if env:
        return Path(env)
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "cfglint"
    if os.name == "nt":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home()) / "cfglint" / "Cache"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cfglint"


@cache
def code_fingerprint() -> str:
    """cfglint's version and the size and mtime of every file of the package and of the rule files: a changed
    rule, catalogue or loader (even without a version bump, as in development) invalidates every entry."""
    from cfglint.registry import rules_dir

    h = hashlib.blake2b(f"{FORMAT}\0{__version__}\0{sys.version}".encode(), digest_size=16)
    # The package, and the rule files (option defaults live there), which sit beside it in a checkout.
    for root in dict.fromkeys((Path(__file__).resolve().parent, rules_dir().resolve())):
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                if name.endswith((".py", ".json", ".toml")):
                    full = os.path.join(dirpath, name)
                    st = os.stat(full)
                    h.update(f"{full}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    # The parsers' own installs: an upgraded lxml or libyaml binding may word or place a parse error differently.
    import importlib.util

    for mod in ("lxml", "lxml.etree", "ruamel.yaml", "_ruamel_yaml", "javaproperties", "tree_sitter",
                "tree_sitter_java"):
        with contextlib.suppress(ImportError, ValueError, OSError, TypeError):
            spec = importlib.util.find_spec(mod)
            if spec is not None and spec.origin:
                st = os.stat(spec.origin)
                h.update(f"{spec.origin}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return h.hexdigest()


def digest(data: bytes | None) -> str | None:
    return None if data is None else hashlib.blake2b(data, digest_size=16).hexdigest()


class Cache:
    """One run's view of the cache directory. Every failure to read or write it is silent: a cache is never a
    reason for a lint run to fail."""

    def __init__(self, directory: Path, run_key: str) -> None:
        self.dir = directory / f"v{FORMAT}"
        self.run_key = run_key
        self._made: set[Path] = set()  # shard directories known to exist

    def key(self, parts: list[str]) -> str:
        h = hashlib.blake2b(self.run_key.encode(), digest_size=20)
        for p in parts:
            h.update(b"\0")
            h.update(p.encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.json"

    def get(self, key: str, digest_of: Callable[[str], str | None]) -> dict[str, Any] | None:
        """The stored entry if it exists, parses, and every outside file it read still has the same digest
        (``digest_of(path)``: the run's own memo of those files, so a miss does not read them again)."""
        try:
            with open(self._path(key), "rb") as fh:
                entry = json.loads(fh.read().decode("utf-8", "surrogatepass"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("format") != FORMAT:
            return None
        deps = entry.get("deps", {})
        if not isinstance(deps, dict):
            return None
        for path, want in deps.items():
            if digest_of(path) != want:
                return None
        return entry

    def put(self, key: str, entry: dict[str, Any]) -> None:
        path = self._path(key)
        entry["format"] = FORMAT
        try:
            data = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
            if path.parent not in self._made:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._made.add(path.parent)
            import tempfile  # only runs that write pay for it (it imports random)

            fd, tmp = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, path)  # atomic: readers see the old entry or the new one, never half of one
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except (OSError, ValueError, TypeError):
            pass

    def maybe_prune(self) -> None:
        """Prune at most once a day (a marker file's mtime says when it last ran)."""
        marker = self.dir / ".last-prune"
        try:
            if time.time() - marker.stat().st_mtime < 86_400:
                return
        except FileNotFoundError:
            pass
        except OSError:
            return
        self.prune()
        with contextlib.suppress(OSError):
            self.dir.mkdir(parents=True, exist_ok=True)
            marker.touch()

    def prune(self, now: float | None = None) -> int:
        """Remove entries (and stray temporary files) older than MAX_AGE_S. Returns how many were removed."""
        now = time.time() if now is None else now
        removed = 0
        try:
            subdirs = list(self.dir.iterdir())
        except OSError:
            return 0
        for sub in subdirs:
            if not sub.is_dir():
                continue
            try:
                for f in sub.iterdir():
                    with contextlib.suppress(OSError):
                        if now - f.stat().st_mtime > MAX_AGE_S:
                            f.unlink()
                            removed += 1
            except OSError:
                continue
        return removed


# ---- findings <-> JSON ---------------------------------------------------------------------------------


def _span(s: Span) -> list[Any]:
    return [s.path, s.line, s.col, s.end_line, s.end_col]


def _opt_span(s: Span | None) -> list[Any] | None:
    return None if s is None else _span(s)


def dump_findings(findings: list[Finding]) -> list[Any]:
    return [[f.rule, f.message, _span(f.span), int(f.severity), [[_span(r.span), r.message] for r in f.related],
             f.key, f.unjudged, f.why, f.help, list(f.notes), [[st.text, _opt_span(st.span)] for st in f.chain],
             _dump_fix(f.fix) if f.fix is not None else None]
            for f in findings]


def _dump_fix(fix: Fix) -> list[Any]:
    return [fix.description, fix.safe, [[_span(e.span), e.text] for e in fix.edits]]


def load_findings(rows: list[Any]) -> list[Finding]:
    """Findings from an entry; raises (TypeError, ValueError, ...) on anything not written by dump_findings (an
    entry of the previous shape, without why/help/notes/chain, too: it is a miss)."""
    out = [Finding(rule=r, message=m, span=_load_span(sp), severity=Severity(sev),
                   related=tuple(Related(_load_span(rs), rm) for rs, rm in rel), key=k, unjudged=u,
                   why=why, help=hp, notes=tuple(notes),
                   chain=tuple(Step(t, None if ss is None else _load_span(ss)) for t, ss in chain),
                   fix=None if fx is None else _load_fix(fx))
           for r, m, sp, sev, rel, k, u, why, hp, notes, chain, fx in rows]
    if not all(isinstance(f.rule, str) and isinstance(f.message, str) and isinstance(f.key, str)
               and isinstance(f.unjudged, str) and isinstance(f.why, str) and isinstance(f.help, str)
               and all(isinstance(n, str) for n in f.notes) and all(isinstance(st.text, str) for st in f.chain)
               for f in out):
        raise ValueError("malformed finding")
    return out


def _load_fix(v: Any) -> Fix:
    description, safe, edits = v
    fix = Fix(description, safe, tuple(Edit(_load_span(sp), text) for sp, text in edits))
    if not (isinstance(description, str) and type(safe) is bool and all(isinstance(e.text, str) for e in fix.edits)):
        raise ValueError("malformed fix")
    return fix


def _load_span(v: Any) -> Span:
    path, line, col, end_line, end_col = v
    if not (isinstance(path, str) and all(type(x) is int for x in (line, col, end_line, end_col))):
        raise ValueError("malformed span")
    return Span(path, line, col, end_line, end_col)
