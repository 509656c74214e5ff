"""JUnit XML: one failing test case per finding (a passing one when clean)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from cfglint.formatters import one_line
from cfglint.report import Report


def render(report: Report, *, color: bool = False) -> str:
    suites = ET.Element("testsuites", name="cfglint")
    n = len(report.findings)
    suite = ET.SubElement(suites, "testsuite", name="cfglint", tests=str(max(n, 1)), failures=str(n), errors="0")
    for f in report.findings:
        case = ET.SubElement(suite, "testcase", classname=f.span.path, name=f"{f.rule} {f.span.line}:{f.span.col}")
        fail = ET.SubElement(case, "failure", message=one_line(f.message), type=f"{f.rule} {f.severity.label}")
        fail.text = f"{f.span.path}:{f.span.line}:{f.span.col}: {f.message}"
    if not n:
        ET.SubElement(suite, "testcase", classname="cfglint", name="no findings")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
