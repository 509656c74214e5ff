"""Versioned JSON document (schema version 2): the machine-readable form of a Report. Field order is
fixed (insertion order, no sort_keys) so diffs of two runs stay readable and bytes are reproducible.

Version 2: ``message`` is the one-line headline; ``why``, ``help``, ``notes`` and ``chain`` (the provenance steps,
each with its location or without one) carry what version 1 packed into the message."""

from __future__ import annotations

from typing import Any

from cfglint.formatters import rule_names
from cfglint.formatters.jsontext import dumps
from cfglint.report import Report
from cfglint.span import Span

SCHEMA_VERSION = 2  # bump on any incompatible change; adding fields (such as "skipped", "fix") is compatible


def _region(s: Span) -> dict[str, Any]:
    return {"path": s.path, "line": s.line, "col": s.col, "end_line": s.end_line, "end_col": s.end_col}


def document(report: Report) -> dict[str, Any]:
    names = rule_names(report)
    c = report.count()
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "cfglint", "version": report.tool_version},
        "summary": {"files": report.files_linted, "skipped": report.files_skipped, "errors": c["error"],
                    "warnings": c["warning"], "notes": c["note"],
                    **({"not_judged": dict(sorted(report.unjudged.items()))} if report.unjudged else {})},
        "findings": [
            {
                "rule": f.rule,
                "name": names.get(f.rule, f.rule),
                "severity": f.severity.label,
                "message": f.message,
                **_region(f.span),
                "why": f.why,
                "help": f.help,
                "notes": list(f.notes),
                "chain": [{"message": st.text, **(_region(st.span) if st.span is not None else {})}
                          for st in f.chain],
                "related": [{**_region(r.span), "message": r.message} for r in f.related],
                "key": f.key,
                "fingerprint": f.fingerprint,
                "fix": None if f.fix is None else {
                    "description": f.fix.description, "safe": f.fix.safe,
                    "edits": [{**_region(e.span), "text": e.text} for e in f.fix.edits]},
            }
            for f in report.findings
        ],
        "skipped": [{"path": path, "reason": reason} for path, reason in report.skipped],
    }


def render(report: Report, *, color: bool = False) -> str:
    return dumps(document(report)) + "\n"
