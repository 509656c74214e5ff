"""Every output format, parsed back and checked against the report it came from: concise lines match the
shipped problem matcher (in Python and, when node is installed, in JavaScript), JSON round-trips to the
same findings, SARIF validates against the OASIS 2.1.0 schema, GitHub commands, GitLab and JUnit parse,
text carets sit under the reported columns, and every format gives the same bytes twice."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from cfglint.findings import Finding, Related, Severity, Step
from cfglint.formatters import FORMATS, one_line, render
from cfglint.registry import RuleMeta
from cfglint.report import Report
from cfglint.span import LineIndex, Span

SCHEMA = Path(__file__).resolve().parents[2] / "shared/schemas/sarif-schema-2.1.0.json"
NASTY = 'maxWait = "60000" <ms> & 100% of: a, b\nsecond line'
ANSI = re.compile(r"\x1b\[[0-9;]*m")

A = "svc/src/main/resources/app config.yml"
B = "svc/src/main/resources/dubbo.xml"
SRC_A = "x: 1\n" * 4 + "    max-wait: 60000\n数据源: 60000\n\tz: 3\n"
SRC_B = ('<beans>\n  <!-- cfglint: disable=TP001 -->\n  <dubbo:protocol threads="2147483647"\n'
         '      threadpool="cached"/>\n  <dubbo:provider timeout="3000"/>\n</beans>\n')


def rule(rid: str, name: str, severity: Severity) -> RuleMeta:
    return RuleMeta(id=rid, name=name, severity=severity, summary=f"Summary of {name}",
                    docs=f"## What it finds\n\nA `{name}` problem, **bold**.\n\n## Why it matters\n\nBecause.",
                    tags=("test", rid[:2].lower()))


RULES = [
    rule("CF001", "parse-error", Severity.ERROR),
    rule("CF003", "unused-suppression", Severity.NOTE),
    rule("DS002", "pool-wait-exceeds-rpc-timeout", Severity.ERROR),
    rule("JD001", "missing-connect-timeout", Severity.WARNING),  # enabled, no findings
    rule("JD003", "timeout-unit-mismatch", Severity.ERROR),
    rule("TP001", "unbounded-thread-pool", Severity.ERROR),
]


def span_of(path: str, text: str, needle: str, nth: int = 0) -> Span:
    """The span a loader would give the nth occurrence of needle (through the real LineIndex)."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return LineIndex(text).span(path, start, start + len(needle))


def make_report(srcroot: Path, cwd: Path) -> Report:
    """Findings across two files, sorted as the engine sorts them; span paths relative to cwd."""
    a, b = A, B
    findings = [
        Finding("DS002", NASTY, span_of(a, SRC_A, "60000"), Severity.ERROR,
                (Related(span_of(b, SRC_B, '"3000"'), "Dubbo timeout 3000 ms <provider>"),), key="ds.maxWait",
                why="The caller gives up *first*.", help="write `max-wait: 1000`", notes=("Druid makes 2 attempts",),
                chain=(Step("max-wait is written `${w:60000}`", span_of(a, SRC_A, "x: 1", 2)),
                       Step("${w} is not defined, default '60000' used"))),
        # JD003 is an error by default; the user's severity override made it a warning.
        Finding("JD003", "60000 looks like milliseconds & the key takes seconds", span_of(a, SRC_A, "60000", 1),
                Severity.WARNING, key="ds.loginTimeout"),
        Finding("CF001", "YAML syntax error: found a tab character", Span(a, 7, 1, 7, 2), Severity.ERROR,
                key="parse"),
        Finding("CF003", "unused suppression of TP001", span_of(b, SRC_B, "<!-- cfglint: disable=TP001 -->"),
                Severity.NOTE, key="suppress.TP001"),
        Finding("TP001", "threads=2147483647 is unbounded", span_of(b, SRC_B, 'threads="2147483647"\n      threadpool'),
                Severity.ERROR, key="dubbo.protocol.threads"),
    ]
    for f in findings:
        f.fingerprint = f.compute_fingerprint(f.span.path)
    assert findings == sorted(findings, key=Finding.sort_key)
    return Report(findings=findings, rules=list(RULES), files_linted=2, srcroot=str(srcroot), cwd=str(cwd),
                  tool_version="0.1.0", sources={a: SRC_A, b: SRC_B})


@pytest.fixture
def report(tmp_path: Path) -> Report:
    return make_report(tmp_path, tmp_path)


def by_rule(report: Report, rid: str) -> Finding:
    return next(f for f in report.findings if f.rule == rid)


# --- concise + problem matcher ------------------------------------------------------------------------


def matcher() -> dict[str, Any]:
    doc = json.loads(files("cfglint.data").joinpath("problem-matcher.json").read_text(encoding="utf-8"))
    return doc["problemMatcher"][0]


def test_problem_matcher_is_valid_for_the_runner() -> None:
    m = matcher()
    assert m["owner"] == "cfglint"
    # The Actions runner accepts only these severities; a captured "note" would drop the line entirely.
    assert m["severity"] in ("error", "warning", "notice")
    pattern = m["pattern"][0]
    groups = re.compile(pattern["regexp"]).groups
    assert {pattern[k] for k in ("file", "line", "column", "severity", "message", "code")} == set(range(1, groups + 1))


def test_concise_lines_match_the_problem_matcher(report: Report) -> None:
    m = matcher()
    pattern = m["pattern"][0]
    rx = re.compile(pattern["regexp"])
    lines = render("concise", report).splitlines()
    assert len(lines) == len(report.findings)  # nothing but findings: no summary to mis-parse
    for line, f in zip(lines, report.findings, strict=True):
        g = rx.match(line)
        assert g is not None, line
        assert g.group(pattern["file"]) == f.span.path
        assert (int(g.group(pattern["line"])), int(g.group(pattern["column"]))) == (f.span.line, f.span.col)
        severity = g.group(pattern["severity"]) or m["severity"]  # notes fall back to the matcher default
        assert severity == {"error": "error", "warning": "warning", "note": "notice"}[f.severity.label]
        assert g.group(pattern["message"]) == one_line(f.message)
        assert g.group(pattern["code"]) == f.rule
    assert lines[0] == (f"{A}:5:15: error: maxWait = \"60000\" <ms> & 100% of: a, b second line [DS002]")


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_problem_matcher_regexp_is_valid_javascript(report: Report) -> None:
    pattern = matcher()["pattern"][0]
    script = ("const [re, text] = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "const rx = new RegExp(re);"
              "console.log(JSON.stringify(text.split('\\n').filter(Boolean).map(l => Array.from(rx.exec(l)))));")
    out = subprocess.run(["node", "-e", script], input=json.dumps([pattern["regexp"], render("concise", report)]),
                         capture_output=True, text=True, check=True).stdout
    js = json.loads(out)
    rx = re.compile(pattern["regexp"])
    py = [list(rx.match(line).group(0, *range(1, 7)))  # type: ignore[union-attr]
          for line in render("concise", report).splitlines()]
    assert js == py


# --- text -----------------------------------------------------------------------------------------------


def caret_cells(caret_line: str) -> tuple[int, int]:
    """(cells between the gutter bar and the first caret, number of carets)."""
    after_bar = caret_line[caret_line.index("|") + 2:]
    return len(after_bar) - len(after_bar.lstrip(" ")), after_bar.count("^")


def test_text_underlines_the_reported_columns(report: Report) -> None:
    out = render("text", report)
    lines = out.splitlines()
    i = lines.index(f"{A}:5:15: error: maxWait = \"60000\" <ms> & 100% of: a, b second line [DS002]")
    # rustc's shape: a placeholder step in the same file labelled with '-', the value underlined with '^',
    # then why, the chain, related locations elsewhere and notes as '= note:', and '= help:'.
    assert lines[i + 1:i + 4] == ["3 | x: 1", "  | ---- max-wait is written `${w:60000}`", "  ..."]
    assert lines[i + 4] == "5 |     max-wait: 60000"
    assert caret_cells(lines[i + 5]) == (14, 5)
    assert lines[i + 6:i + 14] == [
        "  = note: The caller gives up *first*.",
        "  = note: the value resolves through:",
        "          max-wait is written `${w:60000}`",
        "          ${w} is not defined, default '60000' used",
        f"  = note: {B}:5:27: Dubbo timeout 3000 ms <provider>",
        "  = note: Druid makes 2 attempts",
        "  = help: write `max-wait: 1000`",
        ""]
    # CJK characters take two terminal cells: the carets still land under "60000".
    j = next(k for k, x in enumerate(lines) if x.endswith("[JD003]"))
    assert lines[j + 1] == "6 | 数据源: 60000"
    assert caret_cells(lines[j + 2]) == (8, 5)
    # A tab is shown as one space so column 1 stays one cell wide.
    k = next(k for k, x in enumerate(lines) if x.endswith("[CF001]"))
    assert lines[k + 1:k + 3] == ["7 |  z: 3", "  | ^"]


def test_text_multiline_span_underlines_each_line(report: Report) -> None:
    lines = render("text", report).splitlines()
    i = next(k for k, x in enumerate(lines) if x.endswith("[TP001]"))
    assert lines[i + 1] == '3 |   <dubbo:protocol threads="2147483647"'
    assert caret_cells(lines[i + 2]) == (18, len('threads="2147483647"'))
    assert lines[i + 3] == '4 |       threadpool="cached"/>'
    assert caret_cells(lines[i + 4]) == (0, len("      threadpool"))


def test_text_splits_each_file_once_however_many_findings_it_has(tmp_path: Path) -> None:
    """Thousands of findings in one file made the text output quadratic: every excerpt split the whole file.
    Counted (calls of str.split), not timed."""
    text = "".join(f"app.db{i}.url=jdbc:mysql://h{i}/x\n" for i in range(300))
    findings = [Finding("JD001", f"finding {i}", span_of("a.properties", text, f"jdbc:mysql://h{i}/x"),
                        Severity.WARNING, key=f"k{i}") for i in range(300)]
    rep = Report(findings=findings, rules=list(RULES), files_linted=1, srcroot=str(tmp_path), cwd=str(tmp_path),
                 tool_version="0.1.0", sources={"a.properties": text})
    splits = [0]

    def count(frame, event, arg):  # type: ignore[no-untyped-def]
        if event == "c_call" and getattr(arg, "__name__", "") == "split" and getattr(arg, "__self__", None) is text:
            splits[0] += 1

    sys.setprofile(count)
    try:
        out = render("text", rep)
    finally:
        sys.setprofile(None)
    assert splits[0] == 1, splits  # once for the file, not once per finding
    assert out.count("jdbc:mysql://h299/x") == 1 and "2 | app.db1.url" in out


def test_text_colour_only_when_asked(report: Report) -> None:
    plain = render("text", report)
    assert "\x1b" not in plain
    coloured = render("text", report, color=True)
    assert "\x1b[" in coloured
    assert ANSI.sub("", coloured) == plain  # colour adds escapes and nothing else
    assert plain.endswith("\nFound 5 problems (3 errors, 1 warning, 1 note) in 2 files.\n")


def test_text_never_passes_terminal_controls_through(report: Report) -> None:
    report.sources[A] = SRC_A.replace("    max-wait", "\x1b[2J\u202emax-wait")
    report.findings[0].message = "evil \x1b]0;title\x07 message"
    out = render("text", report)
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "\x1b" not in render("concise", report)


def test_text_clean_run(report: Report) -> None:
    report.findings = []
    assert render("text", report) == "All checks passed (2 files).\n"
    report.files_linted = 1
    assert render("text", report) == "All checks passed (1 file).\n"


# --- json -----------------------------------------------------------------------------------------------


def test_json_round_trips(report: Report) -> None:
    doc = json.loads(render("json", report))
    assert list(doc) == ["version", "tool", "summary", "findings", "skipped"]
    assert doc["version"] == 2 and doc["tool"] == {"name": "cfglint", "version": "0.1.0"}
    assert doc["summary"] == {"files": 2, "skipped": 0, "errors": 3, "warnings": 1, "notes": 1}
    first = doc["findings"][0]
    assert list(first) == ["rule", "name", "severity", "message", "path", "line", "col", "end_line", "end_col",
                           "why", "help", "notes", "chain", "related", "key", "fingerprint", "fix"]
    assert first["name"] == "pool-wait-exceeds-rpc-timeout" and first["message"] == NASTY
    assert first["chain"][1] == {"message": "${w} is not defined, default '60000' used"}  # written nowhere

    def span(d: dict[str, Any]) -> Span:
        return Span(d["path"], d["line"], d["col"], d["end_line"], d["end_col"])

    back = [Finding(d["rule"], d["message"], span(d), Severity.parse(d["severity"]),
                    tuple(Related(span(r), r["message"]) for r in d["related"]), d["key"], d["fingerprint"],
                    why=d["why"], help=d["help"], notes=tuple(d["notes"]),
                    chain=tuple(Step(c["message"], span(c) if "path" in c else None) for c in d["chain"]))
            for d in doc["findings"]]
    assert back == report.findings
    assert doc["skipped"] == []


def test_json_and_text_show_skipped_files(report: Report) -> None:
    report.skipped = [("chart/templates/d.yaml", "Helm/Go template, skipped"), ("logback.xml", "XML without Spring"),
                      ("x.properties", "binary file (contains NUL bytes)")]
    report.files_skipped = 3
    doc = json.loads(render("json", report))
    assert doc["version"] == 2 and doc["summary"]["skipped"] == 3
    assert doc["skipped"] == [{"path": "chart/templates/d.yaml", "reason": "Helm/Go template, skipped"},
                              {"path": "logback.xml", "reason": "XML without Spring"},
                              {"path": "x.properties", "reason": "binary file (contains NUL bytes)"}]
    assert render("text", report).endswith(
        "in 2 files.\n3 files skipped (1 template, 1 not config, 1 unreadable; --show-skipped lists them).\n")
    report.skipped = report.skipped[1:2]
    assert render("text", report).endswith("\n1 file skipped (0 templates, 1 not config; --show-skipped lists them).\n")


# --- sarif ----------------------------------------------------------------------------------------------


def sarif(report: Report) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(render("sarif", report))
    if SCHEMA.is_file():
        jsonschema = pytest.importorskip("jsonschema")
        jsonschema.validate(doc, json.loads(SCHEMA.read_text(encoding="utf-8")))
    return doc


def region(s: Span) -> dict[str, int]:
    return {"startLine": s.line, "startColumn": s.col, "endLine": s.end_line, "endColumn": s.end_col}


def test_sarif_validates_against_the_schema(report: Report) -> None:
    if not SCHEMA.is_file():
        pytest.skip(f"{SCHEMA} not present")
    sarif(report)


def test_sarif_driver_lists_every_enabled_rule(report: Report) -> None:
    doc = sarif(report)
    assert doc["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json" and doc["version"] == "2.1.0"
    assert len(doc["runs"]) == 1
    driver = doc["runs"][0]["tool"]["driver"]
    assert driver["name"] == "cfglint" and driver["semanticVersion"] == "0.1.0" and driver["informationUri"]
    assert [r["id"] for r in driver["rules"]] == [r.id for r in RULES]
    tp = driver["rules"][[r.id for r in RULES].index("TP001")]
    assert tp["name"] == "unbounded-thread-pool"
    assert tp["shortDescription"] == {"text": "Summary of unbounded-thread-pool"}
    assert tp["fullDescription"]["text"] == "A unbounded-thread-pool problem, bold."
    assert tp["help"]["markdown"].startswith("## What it finds") and "`" not in tp["help"]["text"]
    assert tp["helpUri"] == "https://cfglint.readthedocs.io/rules/TP001/"
    assert tp["defaultConfiguration"] == {"level": "error"}
    assert tp["properties"] == {"tags": ["test", "tp"]}


def test_sarif_results(report: Report, tmp_path: Path) -> None:
    run = sarif(report)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"] == {"SRCROOT": {"uri": tmp_path.as_uri() + "/"}}
    assert len(run["results"]) == len(report.findings)
    for res, f in zip(run["results"], report.findings, strict=True):
        assert res["ruleId"] == f.rule and rules[res["ruleIndex"]]["id"] == f.rule
        assert res["level"] == f.severity.label  # the effective severity, not the rule default
        assert res["message"]["text"] == f.message  # the headline; the markdown adds the rest
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "SRCROOT"
        assert unquote(loc["artifactLocation"]["uri"]) == f.span.path
        assert loc["region"] == region(f.span)
        assert res["partialFingerprints"] == {"cfglint/v1": f.fingerprint}
    ds = run["results"][0]
    assert ds["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "svc/src/main/resources/app%20config.yml"
    assert ds["level"] == "error" and run["results"][1]["level"] == "warning"
    assert ds["message"]["markdown"] == (
        'maxWait = "60000" \\<ms\\> & 100% of: a, b\nsecond line\n\nThe caller gives up \\*first\\*.\n\n'
        "The value resolves through:\n\n- max-wait is written `${w:60000}`\n- ${w} is not defined, default '60000' "
        "used\n\n- note: Druid makes 2 attempts\n\n**help:** write `max-wait: 1000`")
    rel, step = ds["relatedLocations"]  # the related location, then the chain's located step
    assert rel["id"] == 0 and rel["message"] == {"text": "Dubbo timeout 3000 ms <provider>"}
    assert rel["physicalLocation"]["region"] == region(by_rule(report, "DS002").related[0].span)
    assert rel["physicalLocation"]["artifactLocation"]["uri"] == B
    assert step["id"] == 1 and step["message"] == {"text": "max-wait is written `${w:60000}`"}
    assert step["physicalLocation"]["region"] == region(by_rule(report, "DS002").chain[0].span)
    assert "relatedLocations" not in run["results"][1]


def test_sarif_parse_errors_are_also_notifications(report: Report) -> None:
    run = sarif(report)["runs"][0]
    [invocation] = run["invocations"]
    assert invocation["executionSuccessful"] is True
    [note] = invocation["toolExecutionNotifications"]
    cf = by_rule(report, "CF001")
    assert note["level"] == "error" and note["message"] == {"text": cf.message}
    assert note["locations"][0]["physicalLocation"]["region"] == region(cf.span)
    assert note["associatedRule"] == {"id": "CF001", "index": 0}
    assert any(r["ruleId"] == "CF001" for r in run["results"])  # still a result: it gates like any finding


def test_sarif_has_no_timestamps(report: Report) -> None:
    def keys(node: Any) -> list[str]:
        if isinstance(node, dict):
            return list(node) + [k for v in node.values() for k in keys(v)]
        return [k for v in node for k in keys(v)] if isinstance(node, list) else []

    assert not [k for k in keys(sarif(report)) if "time" in k.lower()]


def resolve(bases: dict[str, Any], loc: dict[str, Any]) -> str:
    """An artifact location resolved the way a SARIF consumer does (SARIF 2.1.0 §3.14.14, RFC 3986)."""
    from urllib.parse import urljoin

    if "uriBaseId" not in loc:
        return str(loc["uri"])
    return urljoin(resolve(bases, bases[loc["uriBaseId"]]), loc["uri"])


def artifact_uris(node: Any) -> list[str]:
    """Every artifactLocation uri anywhere in a SARIF document."""
    if isinstance(node, dict):
        own = [node["artifactLocation"]["uri"]] if "artifactLocation" in node else []
        return own + [u for v in node.values() for u in artifact_uris(v)]
    return [u for v in node for u in artifact_uris(v)] if isinstance(node, list) else []


def test_sarif_outside_srcroot_two_levels_up(tmp_path: Path) -> None:
    """Files on two sides of the repository: the second base is the deepest directory holding them all."""
    repo = tmp_path / "work" / "repo"
    report = make_report(repo, repo)
    report.findings = [
        Finding("CF001", "cannot read", Span("../../shared/a.yml", 1, 1, 1, 2), Severity.ERROR),
        Finding("CF001", "cannot read", Span("../other/b.yml", 1, 1, 1, 2), Severity.ERROR),
        Finding("CF001", "cannot read", Span("c.yml", 1, 1, 1, 2), Severity.ERROR),
    ]
    run = sarif(report)["runs"][0]
    bases = run["originalUriBaseIds"]
    assert bases["OUTSIDE"]["uri"] == "../../" and bases["OUTSIDE"]["uriBaseId"] == "SRCROOT"
    locs = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert locs == [{"uri": "shared/a.yml", "uriBaseId": "OUTSIDE"},
                    {"uri": "work/other/b.yml", "uriBaseId": "OUTSIDE"}, {"uri": "c.yml", "uriBaseId": "SRCROOT"}]
    assert [resolve(bases, loc) for loc in locs] == [(tmp_path / "shared/a.yml").as_uri(),
                                                     (tmp_path / "work/other/b.yml").as_uri(),
                                                     (repo / "c.yml").as_uri()]
    assert all(resolve(bases, loc).startswith("file:///") for r in run["invocations"][0]["toolExecutionNotifications"]
               for loc in [r["locations"][0]["physicalLocation"]["artifactLocation"]])
    report.findings = report.findings[2:]  # nothing outside: no second base declared
    assert set(sarif(report)["runs"][0]["originalUriBaseIds"]) == {"SRCROOT"}


def test_uris_are_relative_to_srcroot_not_cwd(tmp_path: Path) -> None:
    """cfglint run from a sub-directory: spans are relative to cwd, CI paths to the repository root."""
    report = make_report(tmp_path, tmp_path / "svc")
    for f in report.findings:
        f.span = Span(f.span.path.removeprefix("svc/"), f.span.line, f.span.col, f.span.end_line, f.span.end_col)
    outside = Finding("CF001", "cannot read", Span("../../elsewhere/x y.yml", 1, 1, 1, 2), Severity.ERROR)
    report.findings.append(outside)
    run = sarif(report)["runs"][0]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert uris[0] == {"uri": "svc/src/main/resources/app%20config.yml", "uriBaseId": "SRCROOT"}
    # Outside SRCROOT: relative to a second base id declared relative to SRCROOT, never this machine's path.
    assert uris[-1] == {"uri": "elsewhere/x%20y.yml", "uriBaseId": "OUTSIDE"}
    bases = run["originalUriBaseIds"]
    assert bases["OUTSIDE"]["uri"] == "../" and bases["OUTSIDE"]["uriBaseId"] == "SRCROOT"
    assert resolve(bases, uris[-1]) == (tmp_path.parent / "elsewhere" / "x y.yml").as_uri()
    assert resolve(bases, uris[0]) == (tmp_path / A).as_uri()
    assert not [u for u in artifact_uris(run) if "file:" in u or str(tmp_path) in unquote(u)]
    gitlab = json.loads(render("gitlab", report))
    assert gitlab[0]["location"]["path"] == A
    assert render("github", report).splitlines()[0].startswith(f"::error file={A},line=5,")


# --- github ---------------------------------------------------------------------------------------------


def unescape(s: str) -> str:
    return (s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",")
            .replace("%25", "%"))


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """What the Actions runner does with a `::cmd k=v,...::data` line."""
    m = re.fullmatch(r"::(\w+) ([^:]*)::(.*)", line)
    assert m is not None, line
    props = dict(p.split("=", 1) for p in m.group(2).split(","))
    return m.group(1), {k: unescape(v) for k, v in props.items()}, unescape(m.group(3))


def test_github_commands(report: Report) -> None:
    lines = render("github", report).splitlines()
    assert len(lines) == len(report.findings)
    cmds = [parse_command(x) for x in lines]
    cmd, props, message = cmds[0]
    assert cmd == "error"
    assert props == {"file": A, "line": "5", "col": "15", "endLine": "5", "endColumn": "20",
                     "title": "cfglint DS002 (pool-wait-exceeds-rpc-timeout)"}
    assert message == NASTY  # the headline only: an annotation is read at a glance
    assert [c[0] for c in cmds] == ["error", "warning", "error", "notice", "error"]
    # Multi-line span: the runner drops columns when line != endLine, so none are sent.
    tp = cmds[4][1]
    assert (tp["line"], tp["endLine"]) == ("3", "4") and "col" not in tp and "endColumn" not in tp


def test_github_escapes_properties() -> None:
    from cfglint.formatters.github import escape_data, escape_property

    assert escape_data("100%\r\n: ,") == "100%25%0D%0A: ,"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


# --- gitlab ---------------------------------------------------------------------------------------------


def test_gitlab_code_quality(report: Report) -> None:
    items = json.loads(render("gitlab", report))
    assert len(items) == len(report.findings)
    for item, f in zip(items, report.findings, strict=True):
        assert item["description"] == f.message and item["fingerprint"] == f.fingerprint
        assert item["content"]["body"] == "\n\n".join(
            [*([f.why] if f.why else []), *(["The value resolves through: " + "; ".join(s.text for s in f.chain)
                                             + "."] if f.chain else []), *f.notes,
             *([f"Help: {f.help}"] if f.help else [])])
        assert item["check_name"].startswith(f.rule + " ")
        assert item["severity"] == {"error": "major", "warning": "minor", "note": "info"}[f.severity.label]
        assert item["location"] == {"path": f.span.path, "lines": {"begin": f.span.line, "end": f.span.end_line}}
    assert len({i["fingerprint"] for i in items}) == len(items)


# --- junit ----------------------------------------------------------------------------------------------


def test_junit_parses_and_counts_match(report: Report) -> None:
    root = ET.fromstring(render("junit", report).encode("utf-8"))
    # The CF003 note is below the default --fail-on (warning): a passing case, like the exit code says.
    assert root.tag == "testsuites" and root.get("tests") == "5" and root.get("failures") == "4"
    suite = root.find("testsuite")
    assert suite is not None and suite.get("name") == "cfglint"
    assert (suite.get("tests"), suite.get("failures")) == ("5", "4")
    cases = suite.findall("testcase")
    assert len(cases) == 5 and len(suite.findall("testcase/failure")) == 4
    ds = cases[0]
    assert ds.get("classname") == A and ds.get("name") == "DS002 5:15"
    failure = ds.find("failure")
    assert failure is not None
    assert failure.get("message") == one_line(NASTY) and failure.get("type") == "error"
    assert NASTY in (failure.text or "") and "Dubbo timeout 3000 ms <provider>" in (failure.text or "")
    assert "  = help: write `max-wait: 1000`" in (failure.text or "") and "default '60000' used" in (failure.text or "")


def test_junit_survives_characters_xml_cannot_carry(report: Report) -> None:
    report.findings[0].message = "nul \x00 and bell \x07 and <&\"'>"
    root = ET.fromstring(render("junit", report))
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None and "<&\"'>" in (failure.text or "")


def test_junit_clean_run_has_one_passing_case(report: Report) -> None:
    report.findings = []
    suite = ET.fromstring(render("junit", report)).find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("failures")) == ("1", "0")
    assert len(suite.findall("testcase")) == 1 and suite.find("testcase/failure") is None


# --- all formats ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_deterministic(fmt: str, tmp_path: Path) -> None:
    # Two independently built, equal reports: no ids, dict-ordering or time leaks into the bytes.
    one = render(fmt, make_report(tmp_path, tmp_path))
    assert one == render(fmt, make_report(tmp_path, tmp_path))
    assert one.endswith("\n")


def test_empty_report(report: Report) -> None:
    report.findings = []
    assert render("concise", report) == ""
    assert render("github", report) == ""
    assert json.loads(render("gitlab", report)) == []
    assert json.loads(render("json", report))["findings"] == []
    run = sarif(report)["runs"][0]
    assert run["results"] == [] and run["invocations"][0]["toolExecutionNotifications"] == []


def test_unknown_format_is_an_error(report: Report) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        render("xml", report)


def test_render_imports_only_the_format_it_needs() -> None:
    code = ("import sys\n"
            "from cfglint.formatters import render\n"
            "from cfglint.report import Report\n"
            "render('concise', Report(findings=[], rules=[]))\n"
            "print(sorted(m for m in sys.modules if m.startswith('cfglint.formatters.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['cfglint.formatters.concise']"


def test_junit_follows_fail_on(report: Report) -> None:
    """Below --fail-on a finding is a passing case that still shows it (system-out): the report agrees with
    the exit code."""
    report.fail_on = "error"
    errors = sum(f.severity.label == "error" for f in report.findings)
    assert 0 < errors < len(report.findings)
    suite = ET.fromstring(render("junit", report)).find("testsuite")
    assert suite is not None and suite.get("failures") == str(errors)
    passing = [c for c in suite.findall("testcase") if c.find("failure") is None]
    assert len(passing) == len(report.findings) - errors
    assert all(c.find("system-out") is not None and c.findtext("system-out") for c in passing)


# --- the indented JSON writer ---------------------------------------------------------------------------


TRICKY: list[Any] = [
    {}, [], (), "", 0, -7, 2**70, None, True, False,
    {"a": [], "b": {}, "c": [[]], "d": [{}], "e": ({"x": None},)},
    ["quote \" backslash \\ slash /", "ctl \x00\x01\x1f\x7f tab\t nl\n cr\r", "bidi \u202e\u2066 ls \u2028 ps \u2029",
     "cjk 数据源 emoji \U0001f600", "lone surrogate \ud800"],
    {"nested": {"deeper": {"deepest": [1, "two", None, {"k": [True, False]}]}}},
    1.5, {"float": 0.1}, [float("nan"), float("inf")],  # the stdlib's own float formatting, by fallback
    {1: "int key"}, {"enum": Severity.ERROR}, {"set": {1}},  # not handled natively: falls back, same text or error
]


@pytest.mark.parametrize("value", TRICKY, ids=range(len(TRICKY)))
def test_jsontext_matches_the_standard_library(value: Any) -> None:
    from cfglint.formatters.jsontext import dumps

    try:
        want = json.dumps(value, indent=2, ensure_ascii=False)
    except TypeError:
        with pytest.raises(TypeError):
            dumps(value)
        return
    assert dumps(value) == want


@pytest.mark.parametrize("fmt", ["json", "sarif", "gitlab"])
def test_json_formats_match_the_standard_library_text(report: Report, fmt: str) -> None:
    """The JSON formats are written by jsontext.dumps; their text is what json.dumps(indent=2) gives."""
    text = render(fmt, report)
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


def test_text_labels_related_locations_in_the_same_file(tmp_path: Path) -> None:
    """rustc's secondary labels: a related location in the same file is underlined with '-' and labelled beside
    the source, in line order; without the file's text it is a '= note:' like one in another file."""
    f = Finding("TP001", "pool is unbounded", span_of(A, SRC_A, "60000"), Severity.ERROR,
                (Related(span_of(A, SRC_A, "x: 1"), "queue bound here"),), key="k", why="Why.", help="do this")
    report = Report(findings=[f], rules=list(RULES), files_linted=1, srcroot=str(tmp_path), cwd=str(tmp_path),
                    sources={A: SRC_A})
    lines = render("text", report).splitlines()
    assert lines[1:7] == ["1 | x: 1", "  | ---- queue bound here", "  ...", "5 |     max-wait: 60000",
                          "  |               ^^^^^", "  = note: Why."]
    assert lines[7] == "  = help: do this"
    report.sources = {}
    lines = render("text", report).splitlines()
    assert lines[1:4] == ["  = note: Why.", f"  = note: {A}:1:1: queue bound here", "  = help: do this"]
