"""SARIF 2.1.0 for code scanning: every enabled rule with help, full regions, related locations,
our own stable fingerprint, repository-relative URIs, parse failures as notifications. No
timestamps: the same report gives the same bytes."""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from cfglint.findings import Severity
from cfglint.report import Report
from cfglint.span import Span

LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}
FINGERPRINT_KEY = "cfglint/v1"


def _uri(report: Report, path: str) -> str:
    absolute = os.path.normpath(os.path.join(report.cwd, path))
    rel = os.path.relpath(absolute, report.srcroot)
    return quote(PurePosixPath(Path(rel).as_posix()).as_posix(), safe="/-._~")


def _location(report: Report, s: Span, message: str | None = None, ident: int | None = None) -> dict[str, object]:
    loc: dict[str, object] = {
        "physicalLocation": {
            "artifactLocation": {"uri": _uri(report, s.path), "uriBaseId": "SRCROOT"},
            "region": {"startLine": s.line, "startColumn": s.col, "endLine": s.end_line,
                       "endColumn": max(s.end_col, s.col + 1) if s.end_line == s.line else s.end_col},
        }
    }
    if ident is not None:
        loc["id"] = ident
    if message:
        loc["message"] = {"text": message}
    return loc


def document(report: Report) -> dict[str, object]:
    rules = report.rules
    index = {r.id: i for i, r in enumerate(rules)}
    driver_rules = [
        {
            "id": r.id,
            "name": r.name,
            "shortDescription": {"text": r.summary},
            "fullDescription": {"text": r.summary},
            "help": {"text": r.docs or r.summary, "markdown": r.docs or r.summary},
            "helpUri": r.help_uri,
            "defaultConfiguration": {"level": LEVEL[r.severity]},
            "properties": {"tags": list(r.tags)},
        }
        for r in rules
    ]
    results = []
    notifications = []
    for f in report.findings:
        result: dict[str, object] = {
            "ruleId": f.rule,
            "level": LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [_location(report, f.span)],
            "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        }
        if f.rule in index:
            result["ruleIndex"] = index[f.rule]
        if f.related:
            result["relatedLocations"] = [_location(report, r.span, r.message, i) for i, r in enumerate(f.related)]
        results.append(result)
        if f.rule == "CF001":
            notifications.append({"level": "error", "message": {"text": f.message},
                                  "locations": [_location(report, f.span)],
                                  "descriptor": {"id": "CF001"}})
    root_uri = Path(report.srcroot).absolute().as_uri().rstrip("/") + "/"
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "cfglint", "informationUri": "https://github.com/cfglint/cfglint",
                                "semanticVersion": report.tool_version, "version": report.tool_version,
                                "rules": driver_rules}},
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
            "originalUriBaseIds": {"SRCROOT": {"uri": root_uri}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def render(report: Report, *, color: bool = False) -> str:
    return json.dumps(document(report), indent=2, ensure_ascii=False) + "\n"
