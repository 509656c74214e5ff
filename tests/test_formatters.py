"""Every output format, parsed back: concise matches the shipped problem matcher, JSON round-trips,
SARIF validates against the OASIS 2.1.0 schema, GitHub commands, GitLab and JUnit parse."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from importlib.resources import files
from pathlib import Path

import pytest

from cfglint.findings import Finding, Related, Severity
from cfglint.formatters import FORMATS, render
from cfglint.registry import all_rules
from cfglint.report import Report
from cfglint.span import Span

SCHEMA = Path(__file__).resolve().parents[2] / "shared/schemas/sarif-schema-2.1.0.json"
NASTY = 'maxWait = "60000" <ms> & 100% of: a, b\nsecond line'


@pytest.fixture
def report(tmp_path: Path) -> Report:
    rules = all_rules()
    a = "svc/src/main/resources/app config.yml"
    b = "svc/src/main/resources/dubbo.xml"
    findings = [
        Finding("TP001", "threads unbounded", Span(b, 3, 30, 3, 40), Severity.ERROR, key="k1"),
        Finding("DS002", NASTY, Span(a, 5, 15, 5, 20), Severity.ERROR,
                (Related(Span(b, 9, 50, 9, 54), "Dubbo timeout 3000 ms"),), key="k2"),
        Finding("CF001", "YAML syntax error: found a tab", Span(a, 7, 1, 7, 2), Severity.ERROR, key="parse"),
        Finding("CF003", "unused suppression", Span(b, 2, 5, 2, 20), Severity.NOTE, key="k3"),
    ]
    for f in findings:
        f.fingerprint = f.compute_fingerprint(f.span.path)
    src_a = "\n".join(["x: 1"] * 4 + ["    max-wait: 60000", "y: 2", "\tz: 3"]) + "\n"
    src_b = "\n".join(["<beans>", "  <!-- cfglint: disable=TP001 -->", "  <dubbo:protocol threads=\"2147483647\"/>"])
    return Report(findings=findings, rules=[rules[r] for r in sorted(rules)], files_linted=2,
                  srcroot=str(tmp_path), cwd=str(tmp_path), tool_version="0.1.0",
                  sources={a: src_a, b: src_b})


def test_concise_lines_match_the_problem_matcher(report: Report) -> None:
    matcher = json.loads(files("cfglint.data").joinpath("problem-matcher.json").read_text())
    pattern = matcher["problemMatcher"][0]["pattern"][0]
    rx = re.compile(pattern["regexp"])
    lines = render("concise", report).splitlines()
    assert len(lines) == 4
    m = rx.match(lines[1])
    assert m is not None
    assert m.group(pattern["file"]) == "svc/src/main/resources/app config.yml"
    assert (m.group(pattern["line"]), m.group(pattern["column"])) == ("5", "15")
    assert m.group(pattern["severity"]) == "error" and m.group(pattern["code"]) == "DS002"
    assert "\n" not in m.group(pattern["message"])


def test_text_underlines_the_value_without_colour(report: Report) -> None:
    out = render("text", report)
    lines = out.splitlines()
    i = lines.index(next(x for x in lines if "[DS002]" in x))
    assert lines[i + 1].endswith("    max-wait: 60000")
    caret = lines[i + 2]
    assert caret.index("^") - caret.index("|") - 2 == 14 and caret.count("^") == 5
    assert "= note: svc/src/main/resources/dubbo.xml:9:50: Dubbo timeout 3000 ms" in out
    assert "\x1b[" not in out
    assert out.rstrip().endswith("Found 4 problems (3 errors, 0 warnings, 1 note) in 2 files.")
    assert "\x1b[" in render("text", report, color=True)


def test_json_round_trips(report: Report) -> None:
    doc = json.loads(render("json", report))
    assert doc["version"] == 1 and doc["summary"]["errors"] == 3
    f = doc["findings"][1]
    assert (f["rule"], f["name"], f["line"], f["col"], f["end_col"]) == ("DS002", "pool-wait-exceeds-rpc-timeout",
                                                                        5, 15, 20)
    assert f["message"] == NASTY and f["related"][0]["line"] == 9


def test_sarif_is_schema_valid_and_complete(report: Report) -> None:
    doc = json.loads(render("sarif", report))
    if SCHEMA.is_file():
        jsonschema = pytest.importorskip("jsonschema")
        jsonschema.validate(doc, json.loads(SCHEMA.read_text()))
    run = doc["runs"][0]
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} == set(all_rules())
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "TP001")
    assert rule["help"]["markdown"] and rule["helpUri"] and rule["defaultConfiguration"]["level"] == "error"
    res = run["results"][1]
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "svc/src/main/resources/app%20config.yml", "uriBaseId": "SRCROOT"}
    assert loc["region"] == {"startLine": 5, "startColumn": 15, "endLine": 5, "endColumn": 20}
    assert res["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 9
    assert res["partialFingerprints"]["cfglint/v1"] == report.findings[1].fingerprint
    assert run["tool"]["driver"]["rules"][res["ruleIndex"]]["id"] == "DS002"
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"].startswith("file://")
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == ["YAML syntax error: found a tab"]


def test_github_commands(report: Report) -> None:
    lines = render("github", report).splitlines()
    assert len(lines) == 4
    m = re.match(r"^::(error|warning|notice) file=([^,]+),line=(\d+),col=(\d+),endLine=(\d+),endColumn=(\d+),"
                 r"title=([^:]+)::(.*)$", lines[1])
    assert m is not None
    assert m.group(2) == "svc/src/main/resources/app config.yml" and m.group(3) == "5"
    assert "%0A" in m.group(8) and "%25" in m.group(8)
    assert lines[3].startswith("::notice ")


def test_gitlab_code_quality(report: Report) -> None:
    items = json.loads(render("gitlab", report))
    assert len(items) == 4
    assert items[1]["location"] == {"path": "svc/src/main/resources/app config.yml", "lines": {"begin": 5, "end": 5}}
    assert {i["severity"] for i in items} <= {"info", "minor", "major", "critical", "blocker"}
    assert len({i["fingerprint"] for i in items}) == 4


def test_junit_parses(report: Report) -> None:
    root = ET.fromstring(render("junit", report))
    suite = root.find("testsuite")
    assert suite is not None and suite.get("failures") == "4"
    assert len(suite.findall("testcase/failure")) == 4


@pytest.mark.parametrize("fmt", FORMATS)
def test_deterministic(fmt: str, report: Report) -> None:
    assert render(fmt, report) == render(fmt, report)


def test_empty_report(report: Report) -> None:
    report.findings = []
    assert render("concise", report) == ""
    assert "All checks passed (2 files)." in render("text", report)
    assert ET.fromstring(render("junit", report)).find("testsuite").get("failures") == "0"
