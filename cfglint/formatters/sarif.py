"""SARIF 2.1.0 for code scanning (ARCHITECTURE.md §4): every enabled rule with help, full regions,
related locations, our own stable fingerprint, SRCROOT-relative URIs, parse failures also as tool
execution notifications. No timestamps, and no absolute path except SRCROOT's own base URI: a file outside
SRCROOT is relative to a second base id, OUTSIDE, itself declared relative to SRCROOT (``../``): the same
report gives the same bytes, and no artifact location carries this machine's paths."""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from cfglint.findings import Finding, Fix, Severity
from cfglint.formatters import absolute, repo_relative
from cfglint.formatters.jsontext import dumps
from cfglint.registry import RuleMeta
from cfglint.report import Report
from cfglint.span import Span

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/cfglint/cfglint"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}
FINGERPRINT_KEY = "cfglint/v1"  # our own key: GitHub computes its line-hash fingerprint separately
SRCROOT = "SRCROOT"
OUTSIDE = "OUTSIDE"  # the common root of SRCROOT and the files outside it, declared relative to SRCROOT
PARSE_ERROR = "CF001"
_SEMVER = re.compile(r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?")


def _uri(relative: str) -> str:
    # RFC 3986: keep unreserved characters and the segment separator, percent-encode the rest as UTF-8
    # (spaces, '%', '#', '?', and ':' which in a first segment would read as a scheme).
    return quote(relative, safe="/-._~")


class _Bases:
    """Where each Span.path goes: SRCROOT-relative, else OUTSIDE-relative, OUTSIDE being the deepest directory
    that holds SRCROOT and every file outside it."""

    def __init__(self, report: Report, paths: list[str]) -> None:
        self.report = report
        self.rel = {p: repo_relative(report, p) for p in dict.fromkeys(paths)}
        outside = [absolute(report, p) for p, r in self.rel.items() if r is None]
        self.outside: str | None = None
        if outside:
            top = os.path.abspath(report.srcroot)
            try:
                self.outside = os.path.commonpath([top, *(os.path.dirname(p) for p in outside)])
            except ValueError:  # another drive on Windows: no common root; the drive's root stands in
                self.outside = None

    def artifact(self, path: str) -> dict[str, Any]:
        rel = self.rel[path]
        if rel is not None:
            return {"uri": _uri(rel), "uriBaseId": SRCROOT}
        target = absolute(self.report, path)
        if self.outside is not None:
            return {"uri": _uri(PurePath(os.path.relpath(target, self.outside)).as_posix()), "uriBaseId": OUTSIDE}
        return {"uri": _uri(PurePath(os.path.splitdrive(target)[1]).as_posix().lstrip("/")), "uriBaseId": OUTSIDE}

    def declared(self) -> dict[str, Any]:
        """OUTSIDE as originalUriBaseIds declares it: ``../`` steps up from SRCROOT (no absolute path)."""
        if self.outside is None:
            return {"description": {"text": "the root of the file system that holds the files outside SRCROOT"}}
        up = os.path.relpath(os.path.abspath(self.report.srcroot), self.outside).count(os.sep) + 1
        return {"uri": "../" * up, "uriBaseId": SRCROOT,
                "description": {"text": "the common root of SRCROOT and the files outside it"}}


def _region(s: Span) -> dict[str, int]:
    end_col = s.end_col
    if s.end_line <= s.line and end_col <= s.col:  # an empty span still marks one character
        end_col = s.col + 1
    return {"startLine": s.line, "startColumn": s.col, "endLine": max(s.end_line, s.line), "endColumn": end_col}


def _location(bases: _Bases, s: Span, message: str | None = None, ident: int | None = None) -> dict[str, Any]:
    loc: dict[str, Any] = {}
    if ident is not None:
        loc["id"] = ident
    loc["physicalLocation"] = {"artifactLocation": bases.artifact(s.path), "region": _region(s)}
    if message:
        loc["message"] = {"text": message}
    return loc


_MD_INLINE = re.compile(r"\*\*|__|`")
_MD_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)


def _plain(markdown: str) -> str:
    """Markdown docs as readable plain text for the fields viewers show without rendering."""
    return _MD_INLINE.sub("", _MD_HEADING.sub("", markdown)).strip()


def _first_section(markdown: str) -> str:
    """The docs' first section body ("What it finds"): the comprehensive fullDescription."""
    body: list[str] = []
    for line in markdown.strip().splitlines():
        if line.startswith("#"):
            if body:
                break
            continue
        body.append(line)
    return "\n".join(body).strip()


def _rule(r: RuleMeta) -> dict[str, Any]:
    full = _first_section(r.docs) or r.summary
    return {
        "id": r.id,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": _plain(full), "markdown": full},
        "help": {"text": _plain(r.docs) or r.summary, "markdown": r.docs or r.summary},
        "helpUri": r.help_uri,
        "defaultConfiguration": {"level": LEVEL[r.severity]},
        "properties": {"tags": list(r.tags)},
    }


def _message(f: Finding) -> dict[str, str]:
    """The headline as text (what code scanning lists); the markdown adds why, the chain, notes and help."""
    md = [_escape_md(f.message)]
    if f.why:
        md.append(_escape_md(f.why))
    if f.chain:
        md.append("The value resolves through:\n\n" + "\n".join(f"- {_escape_md(st.text)}" for st in f.chain))
    if f.notes:
        md.append("\n".join(f"- note: {_escape_md(n)}" for n in f.notes))
    if f.help:
        md.append(f"**help:** {_escape_md(f.help)}")
    return {"text": f.message, "markdown": "\n\n".join(md)}


_MD_SPECIAL = re.compile(r"([\\*_\[\]<>#|])")


def _escape_md(text: str) -> str:
    """Plain text safe inside markdown: emphasis, links and HTML are escaped; `code` spans are kept as written."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: escape everything
        return _MD_SPECIAL.sub(r"\\\1", text).replace("`", "\\`")
    return "`".join(p if i % 2 else _MD_SPECIAL.sub(r"\\\1", p) for i, p in enumerate(parts))


def _result(bases: _Bases, f: Finding, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {"ruleId": f.rule}
    if f.rule in index:
        result["ruleIndex"] = index[f.rule]
    result["level"] = LEVEL[f.severity]  # the effective severity, after the user's overrides
    result["message"] = _message(f)
    result["locations"] = [_location(bases, f.span)]
    related = [(r.span, r.message) for r in f.related]
    related += [(st.span, st.text) for st in f.chain if st.span is not None]  # the provenance chain, in order
    if related:
        result["relatedLocations"] = [_location(bases, sp, text, i) for i, (sp, text) in enumerate(related)]
    result["partialFingerprints"] = {FINGERPRINT_KEY: f.fingerprint}
    if f.fix is not None:
        result["fixes"] = [_fix(bases, f.fix)]
    return result


def _fix(bases: _Bases, fix: Fix) -> dict[str, Any]:
    """A SARIF ``fix``: one artifactChange per file, its replacements in file order. An insertion is a deletedRegion
    whose end is its start (an empty region, unlike a result's, which always marks a character)."""
    by_path: dict[str, list[Any]] = {}
    for e in sorted(fix.edits, key=lambda e: (e.span.line, e.span.col)):
        s = e.span
        by_path.setdefault(s.path, []).append({
            "deletedRegion": {"startLine": s.line, "startColumn": s.col, "endLine": s.end_line, "endColumn": s.end_col},
            "insertedContent": {"text": e.text}})
    return {"description": {"text": fix.description},
            "artifactChanges": [{"artifactLocation": bases.artifact(path), "replacements": reps}
                                for path, reps in by_path.items()],
            "properties": {"safe": fix.safe}}


def _notification(bases: _Bases, f: Finding, index: dict[str, int]) -> dict[str, Any]:
    # associatedRule (not descriptor): CF001 is a rule in driver.rules, not a driver.notifications entry.
    rule: dict[str, Any] = {"id": f.rule}
    if f.rule in index:
        rule["index"] = index[f.rule]
    return {"level": "error", "message": {"text": f.message}, "locations": [_location(bases, f.span)],
            "associatedRule": rule}


def _srcroot_uri(report: Report) -> str:
    uri = Path(report.srcroot).absolute().as_uri()
    return uri if uri.endswith("/") else uri + "/"  # a base URI must end with '/' to resolve children


def document(report: Report) -> dict[str, Any]:
    index = {r.id: i for i, r in enumerate(report.rules)}
    driver: dict[str, Any] = {"name": "cfglint", "informationUri": INFORMATION_URI}
    if report.tool_version:
        driver["version"] = report.tool_version
        if _SEMVER.fullmatch(report.tool_version):  # PEP 440 dev/local versions are not SemVer 2.0
            driver["semanticVersion"] = report.tool_version
    driver["rules"] = [_rule(r) for r in report.rules]
    spans = [s for f in report.findings
             for s in (f.span, *(r.span for r in f.related), *(st.span for st in f.chain if st.span),
                       *(e.span for e in (f.fix.edits if f.fix else ())))]
    bases = _Bases(report, [s.path for s in spans])
    # Parse failures stay results (they gate like any finding) and are also reported as notifications,
    # where code scanning shows files the tool could not analyse.
    notifications = [_notification(bases, f, index) for f in report.findings if f.rule == PARSE_ERROR]
    base_ids: dict[str, Any] = {SRCROOT: {"uri": _srcroot_uri(report)}}
    if any(r is None for r in bases.rel.values()):
        base_ids[OUTSIDE] = bases.declared()
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
            "originalUriBaseIds": base_ids,
            "columnKind": "unicodeCodePoints",
            "results": [_result(bases, f, index) for f in report.findings],
        }],
    }


def render(report: Report, *, color: bool = False) -> str:
    return dumps(document(report)) + "\n"
