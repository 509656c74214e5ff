"""SARIF 2.1.0 for code scanning (ARCHITECTURE.md §4): every enabled rule with help, full regions,
related locations, our own stable fingerprint, SRCROOT-relative URIs, parse failures also as tool
execution notifications. No timestamps and no absolute paths except SRCROOT itself (and files outside
it): the same report gives the same bytes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cfglint.findings import Finding, Severity
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
PARSE_ERROR = "CF001"
_SEMVER = re.compile(r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?")


def _uri(relative: str) -> str:
    # RFC 3986: keep unreserved characters and the segment separator, percent-encode the rest as UTF-8
    # (spaces, '%', '#', '?', and ':' which in a first segment would read as a scheme).
    return quote(relative, safe="/-._~")


def _artifact(report: Report, path: str) -> dict[str, Any]:
    rel = repo_relative(report, path)
    if rel is None:  # outside the repository: an absolute file URI, no base to resolve against
        return {"uri": Path(absolute(report, path)).as_uri()}
    return {"uri": _uri(rel), "uriBaseId": SRCROOT}


def _region(s: Span) -> dict[str, int]:
    end_col = s.end_col
    if s.end_line <= s.line and end_col <= s.col:  # an empty span still marks one character
        end_col = s.col + 1
    return {"startLine": s.line, "startColumn": s.col, "endLine": max(s.end_line, s.line), "endColumn": end_col}


def _location(report: Report, s: Span, message: str | None = None, ident: int | None = None) -> dict[str, Any]:
    loc: dict[str, Any] = {}
    if ident is not None:
        loc["id"] = ident
    loc["physicalLocation"] = {"artifactLocation": _artifact(report, s.path), "region": _region(s)}
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


def _result(report: Report, f: Finding, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {"ruleId": f.rule}
    if f.rule in index:
        result["ruleIndex"] = index[f.rule]
    result["level"] = LEVEL[f.severity]  # the effective severity, after the user's overrides
    result["message"] = {"text": f.message}
    result["locations"] = [_location(report, f.span)]
    if f.related:
        result["relatedLocations"] = [_location(report, r.span, r.message, i) for i, r in enumerate(f.related)]
    result["partialFingerprints"] = {FINGERPRINT_KEY: f.fingerprint}
    return result


def _notification(report: Report, f: Finding, index: dict[str, int]) -> dict[str, Any]:
    # associatedRule (not descriptor): CF001 is a rule in driver.rules, not a driver.notifications entry.
    rule: dict[str, Any] = {"id": f.rule}
    if f.rule in index:
        rule["index"] = index[f.rule]
    return {"level": "error", "message": {"text": f.message}, "locations": [_location(report, f.span)],
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
    # Parse failures stay results (they gate like any finding) and are also reported as notifications,
    # where code scanning shows files the tool could not analyse.
    notifications = [_notification(report, f, index) for f in report.findings if f.rule == PARSE_ERROR]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
            "originalUriBaseIds": {SRCROOT: {"uri": _srcroot_uri(report)}},
            "columnKind": "unicodeCodePoints",
            "results": [_result(report, f, index) for f in report.findings],
        }],
    }


def render(report: Report, *, color: bool = False) -> str:
    return dumps(document(report)) + "\n"
