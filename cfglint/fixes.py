"""Applying fixes: ``--fix`` writes them, ``--diff`` shows them.

An edit is a Span of the decoded text the loaders produced (1-based line/column in characters, end exclusive)
and the text to put there. To keep every other byte of the file, the file is read again, decoded the way its
loader decoded it (the result must equal the text that was linted, else the file changed since and is left
alone), edited as text, and encoded back with the same encoding and byte-order mark; a file whose bytes do not
survive that round trip unchanged (bytes a decoder replaced) is never written. Line endings are whatever the
fixers inserted, and they insert the file's own.

Safety: only files inside the linted paths are written, never through a symlink (the file itself or a directory
on the way that leads elsewhere), and always atomically (a temporary file in the same directory, the original's
mode bits, ``os.replace``).
"""

from __future__ import annotations

import codecs
import contextlib
import difflib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from cfglint.findings import Finding, Fix
from cfglint.span import LineIndex

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_XML_DECL = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


class Refused(Exception):
    """A file cfglint will not edit, and why (one line for the report)."""


@dataclass
class Encoded:
    """How a file's text maps back onto its bytes."""

    bom: bytes
    encoding: str

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.encoding)


def encoding_of(data: bytes, text: str) -> Encoded:
    """The encoding that decodes ``data`` to exactly ``text`` (the linted text) and encodes it back to the same
    bytes. Raises Refused when there is none (the file changed since it was linted, or a decoder replaced bytes)."""
    from cfglint.loaders import decode

    for bom, enc in _BOMS:
        if data.startswith(bom):
            candidates: list[Encoded] = [Encoded(bom, enc)]
            break
    else:
        names: list[str] = []
        m = _XML_DECL.match(data)
        if m:  # the XML loader tries the declared encoding first
            from cfglint.loaders.xml import _py_encoding

            names.append(_py_encoding(m.group(1).decode("ascii").lower()))
        if b"\x00" in data[:4096]:
            with contextlib.suppress(Exception):
                names.append(decode(data)[1])
        names += ["utf-8", "gb18030", "latin-1"]
        candidates = [Encoded(b"", n) for n in dict.fromkeys(names)]
    for c in candidates:
        try:
            if data[len(c.bom):].decode(c.encoding) != text:
                continue
            if c.encode(text) == data:
                return c
        except (UnicodeError, LookupError):
            continue
    raise Refused("the file changed since it was linted, or its bytes do not decode and encode back unchanged")


@dataclass
class FileFixes:
    """The fixes applied to one file's text, and those left for a later pass (they overlap an applied one)."""

    path: str
    old: str
    new: str
    applied: list[Finding] = field(default_factory=list)
    overlapping: list[Finding] = field(default_factory=list)


def apply_to_text(path: str, text: str, findings: list[Finding]) -> FileFixes:
    """Apply the fixes of ``findings`` (all with a fix) whose edits in this file overlap no fix applied before
    them, in file order. Two edits at the same place overlap too (which goes first would be a guess)."""
    idx = LineIndex(text)
    taken: list[tuple[int, int]] = []
    edits: list[tuple[int, int, str]] = []
    out = FileFixes(path, text, text)

    def offsets(fix: Fix) -> list[tuple[int, int, str]] | None:
        got = []
        for e in fix.edits:
            s = e.span
            if s.path != path:
                return None
            if not (1 <= s.line <= len(idx.starts) and 1 <= s.end_line <= len(idx.starts)):
                return None
            a, b = idx.offset(s.line, s.col), idx.offset(s.end_line, s.end_col)
            if not (0 <= a <= b <= len(text)):
                return None
            got.append((a, b, e.text))
        return got

    def first(f: Finding) -> tuple[int, int, str]:
        e = min(f.fix.edits, key=lambda e: (e.span.line, e.span.col))  # type: ignore[union-attr]
        return e.span.line, e.span.col, f.rule

    done: list[Fix] = []
    for f in sorted(findings, key=first):
        assert f.fix is not None
        if f.fix in done:  # one fix several findings carry (cfglint.fixers.combine): applied once
            out.applied.append(f)
            continue
        got = offsets(f.fix)
        if got is None:
            out.overlapping.append(f)
            continue
        if any(a == c or (a < d and c < b) for a, b, _ in got for c, d in taken):  # an insertion inside counts
            out.overlapping.append(f)
            continue
        taken.extend((a, b) for a, b, _ in got)
        edits.extend(got)
        out.applied.append(f)
        done.append(f.fix)
    new = text
    for a, b, t in sorted(edits, reverse=True):
        new = new[:a] + t + new[b:]
    out.new = new
    return out


def chosen(findings: list[Finding], unsafe: bool) -> list[Finding]:
    return [f for f in findings if f.fix is not None and (f.fix.safe or unsafe)]


def by_file(findings: list[Finding]) -> dict[str, list[Finding]]:
    """Fixes grouped by the one file they edit (every fix cfglint makes edits one file)."""
    out: dict[str, list[Finding]] = {}
    for f in findings:
        assert f.fix is not None
        paths = {e.span.path for e in f.fix.edits}
        if len(paths) == 1:
            out.setdefault(paths.pop(), []).append(f)
    return out


def plan(findings: list[Finding], sources: dict[str, str], unsafe: bool) -> list[FileFixes]:
    """Every file's fixed text, computed in memory (``--diff``, and the first step of ``--fix``)."""
    out = []
    for path, fs in sorted(by_file(chosen(findings, unsafe)).items()):
        text = sources.get(path)
        if text is None:
            continue
        res = apply_to_text(path, text, fs)
        if res.applied:
            out.append(res)
    return out


def unified_diff(results: list[FileFixes]) -> str:
    chunks = []
    for r in results:
        old = r.old.splitlines(keepends=True)
        new = r.new.splitlines(keepends=True)
        lines = list(difflib.unified_diff(old, new, f"a/{r.path}", f"b/{r.path}"))
        # A last line without a newline, as git shows it.
        fixed = []
        for line in lines:
            if not line.endswith("\n"):
                line += "\n\\ No newline at end of file\n"
            fixed.append(line)
        chunks.append("".join(fixed))
    return "".join(chunks)


def allowed(path: str, cwd: str, roots: list[Path]) -> Path:
    """The file to write for a Span.path, checked against the linted paths. Raises Refused."""
    full = Path(os.path.normpath(os.path.join(cwd, path)))
    for r in roots:
        ra = Path(os.path.normpath(os.path.join(cwd, r)))
        if full == ra or ra in full.parents:
            # Every directory below the linted path, and the file, must be what it says: no link on the way.
            expect = os.path.normpath(os.path.join(os.path.realpath(ra), os.path.relpath(full, ra)))
            if os.path.realpath(full) != expect:
                raise Refused("it is reached through a symlink; cfglint does not edit files through links")
            break
    else:
        raise Refused("it is outside the linted paths")
    try:
        st = os.lstat(full)
    except OSError as e:
        raise Refused(f"cannot read it: {e.strerror or e}") from None
    if stat.S_ISLNK(st.st_mode):
        raise Refused("it is a symlink; cfglint does not edit files through links")
    if not stat.S_ISREG(st.st_mode):
        raise Refused("not a regular file")
    return full


def write_fixed(full: Path, text: str, new_text: str) -> None:
    """Replace the file's bytes with ``new_text`` encoded as the file is, atomically. Raises Refused."""
    import tempfile

    try:
        data = full.read_bytes()
        st = os.stat(full)
    except OSError as e:
        raise Refused(f"cannot read it: {e.strerror or e}") from None
    enc = encoding_of(data, text)
    try:
        out = enc.encode(new_text)
    except UnicodeError:
        raise Refused(f"the fix cannot be written in the file's encoding ({enc.encoding})") from None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{full.name}.", suffix=".cfglint-fix", dir=full.parent)
    except OSError as e:
        raise Refused(f"cannot write beside it: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(out)
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        os.replace(tmp, full)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise Refused(f"cannot write it: {e.strerror or e}") from None


def describe(f: Finding) -> str:
    s = f.span
    assert f.fix is not None
    where = [e.span for e in f.fix.edits if (e.span.path, e.span.line) != (s.path, s.line)]
    at = "".join(f" [edit at {e.path}:{e.line}:{e.col}]" for e in where)
    return f"{s.path}:{s.line}:{s.col}: {f.rule} {f.fix.description}{'' if f.fix.safe else ' (unsafe)'}{at}"


@dataclass
class Outcome:
    """What ``--fix`` did: the fixes written, the ones left (and why), and the report of the last re-lint."""

    fixed: list[Finding] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (path, why)
    files: set[str] = field(default_factory=set)


MAX_PASSES = 5  # a fix can make another one possible (both URL timeouts added at one place): apply, re-lint, again


def fix_files(lint, report, roots: list[Path], unsafe: bool):  # type: ignore[no-untyped-def]
    """Apply the chosen fixes of ``report`` in place, re-lint (``lint()`` -> Report), and repeat while a pass
    wrote something and fixes are left. Returns (Outcome, the last report)."""
    out = Outcome()
    refused_paths: set[str] = set()
    for _ in range(MAX_PASSES):
        wrote = False
        for res in plan(report.findings, report.sources, unsafe):
            if res.path in refused_paths:
                continue
            try:
                full = allowed(res.path, report.cwd, roots)
                write_fixed(full, res.old, res.new)
            except Refused as e:
                refused_paths.add(res.path)
                out.refused.append((res.path, str(e)))
                continue
            wrote = True
            out.files.add(res.path)
            out.fixed.extend(res.applied)
        if not wrote:
            break
        report = lint()
        if not any(f.fix is not None and (f.fix.safe or unsafe) and _paths(f) - refused_paths
                   for f in report.findings):
            break
    return out, report


def _paths(f: Finding) -> set[str]:
    return {e.span.path for e in f.fix.edits} if f.fix is not None else set()


def summary(out: Outcome, report, unsafe: bool) -> list[str]:  # type: ignore[no-untyped-def]
    """The lines ``--fix`` prints on stderr: each fix written, files left alone and why, what is left."""
    lines = [f"fixed: {describe(f)}" for f in out.fixed]
    lines += [f"not fixed: {p}: {why}" for p, why in out.refused]
    left = len(report.findings)
    more_unsafe = sum(1 for f in report.findings if f.fix is not None and not f.fix.safe and not unsafe)
    fixable = sum(1 for f in report.findings if f.fix is not None and (f.fix.safe or unsafe))
    n = len(out.fixed)
    tail = f"{n} finding{'s' if n != 1 else ''} fixed in {len(out.files)} file{'s' if len(out.files) != 1 else ''}, "
    tail += f"{left} left"
    extra = []
    if more_unsafe:
        extra.append(f"{more_unsafe} with an unsafe fix (--unsafe-fixes)")
    if fixable:
        extra.append(f"{fixable} whose fix could not be applied")
    lines.append(tail + (f" ({'; '.join(extra)})" if extra else "") + ".")
    return lines

