"""JUnit XML for CI test-report views: one test case per finding (failing at or above --fail-on), one
passing case when clean.
Built with ElementTree so markup characters are escaped; characters XML 1.0 cannot carry at all are
replaced, so the document stays well-formed whatever a message quotes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from cfglint.findings import Finding, Severity
from cfglint.formatters import one_line
from cfglint.report import Report

# Outside XML 1.0's Char production (ElementTree would write them raw and break the document).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _x(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _body(f: Finding) -> str:
    s = f.span
    lines = [f"{s.path}:{s.line}:{s.col}: {f.severity.label}: {f.message} [{f.rule}]"]
    if f.why:
        lines.append(f"  = note: {f.why}")
    if f.chain:
        lines.append("  = note: the value resolves through:")
        lines += [f"          {st.text}" for st in f.chain]
    lines += [f"  = note: {r.span.path}:{r.span.line}:{r.span.col}: {r.message}" for r in f.related]
    lines += [f"  = note: {n}" for n in f.notes]
    if f.help:
        lines.append(f"  = help: {f.help}")
    return _x("\n".join(lines))


def render(report: Report, *, color: bool = False) -> str:
    """Findings at or above --fail-on are failing cases; those below it (notes, by default) are passing cases
    that carry the finding in system-out, so the report agrees with the exit code."""
    threshold = Severity.parse(report.fail_on)
    n = len(report.findings)
    failing = sum(f.severity >= threshold for f in report.findings)
    counts = {"tests": str(max(n, 1)), "failures": str(failing), "errors": "0", "skipped": "0"}
    suites = ET.Element("testsuites", {"name": "cfglint", **counts})
    suite = ET.SubElement(suites, "testsuite", {"name": "cfglint", **counts})
    for f in report.findings:
        case = ET.SubElement(suite, "testcase", classname=_x(f.span.path), name=f"{f.rule} {f.span.line}:{f.span.col}")
        if f.severity >= threshold:
            failure = ET.SubElement(case, "failure", message=_x(one_line(f.message)), type=f.severity.label)
            failure.text = _body(f)
        else:
            ET.SubElement(case, "system-out").text = _body(f)
    if not n:
        ET.SubElement(suite, "testcase", classname="cfglint", name="no findings")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
