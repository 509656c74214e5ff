"""--fix / --diff: every fix applied to its rule's bad examples re-lints to zero findings it claims to fix, and
leaves every other byte of the file as it was (encodings, line endings, comments, quoting); the fix travels
through the cache, pickling and the output formats; writing never leaves the linted paths or follows links."""

from __future__ import annotations

import json
import os
import pickle
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cfglint import fixes
from cfglint.cache import dump_findings, load_findings
from cfglint.findings import Finding
from cfglint.registry import all_rules
from tests.conftest import SHARED, run_lint, write_tree

FIXABLE = [meta for meta in all_rules().values() if meta.fix != "none"]
CASES = [pytest.param(meta, ex, id=f"{meta.id}-bad-{i}")
         for meta in FIXABLE for i, ex in enumerate(meta.examples) if ex.kind == "bad"]


def _lint(root: Path, **settings: object):  # type: ignore[no-untyped-def]
    return run_lint(root, cache=False, **settings)


def _assert_only_edited(old: bytes, new: bytes, text: str, f: Finding, enc: fixes.Encoded) -> None:
    """Every byte before the fix's first edit and after its last is the file's own."""
    assert f.fix is not None
    idx = fixes.LineIndex(text)
    starts = [idx.offset(e.span.line, e.span.col) for e in f.fix.edits]
    ends = [idx.offset(e.span.end_line, e.span.end_col) for e in f.fix.edits]
    head = len(enc.encode(text[:min(starts)]))
    tail = len(old) - len(enc.encode(text[:max(ends)]))
    assert new[:head] == old[:head]
    assert new[len(new) - tail:] == old[len(old) - tail:]
    if len(f.fix.edits) == 1:  # and between them, exactly the edit's text in the file's encoding
        assert new[head:len(new) - tail] == f.fix.edits[0].text.encode(enc.encoding)


def _apply_each(root: Path, report, rule: str) -> int:  # type: ignore[no-untyped-def]
    """Apply each fix of ``rule`` alone to its file's bytes (in memory) and check the bytes around it."""
    n = 0
    for f in report.findings:
        if f.rule != rule or f.fix is None:
            continue
        path = f.fix.edits[0].span.path
        text = report.sources[path]
        old = (root / path).read_bytes()
        enc = fixes.encoding_of(old, text)
        res = fixes.apply_to_text(path, text, [f])
        assert res.applied == [f]
        _assert_only_edited(old, enc.encode(res.new), text, f, enc)
        n += 1
    return n


@pytest.mark.parametrize(("meta", "example"), CASES)
def test_fix_applied_to_bad_example(meta, example, tmp_path: Path) -> None:
    write_tree(tmp_path, example.files)
    settings = {"rules": {meta.id: example.options}} if example.options else {}
    report = _lint(tmp_path, **settings)
    mine = [f for f in report.findings if f.rule == meta.id]
    assert mine, example.description
    with_fix = [f for f in mine if f.fix is not None]
    for f in with_fix:
        assert f.fix is not None and f.fix.safe == (meta.fix == "safe"), f.fix
    assert _apply_each(tmp_path, report, meta.id) == len(with_fix)
    before = {f.key for f in report.findings}
    out, after = fixes.fix_files(lambda: _lint(tmp_path, **settings), report, [tmp_path], unsafe=True)
    assert not out.refused
    left = {(f.rule, f.key) for f in after.findings}
    for f in out.fixed:
        assert (f.rule, f.key) not in left, f"{f.rule} {f.key} still reported after its fix"
    assert {f.key for f in after.findings} <= before, "a fix introduced a finding"
    # Findings of the rule that had a fix are gone; the rule's findings left are those it offered none for.
    if len(with_fix) == len(mine):
        assert not [f for f in after.findings if f.rule == meta.id], example.description


def test_every_fixable_rule_fixes_at_least_one_bad_example(tmp_path: Path) -> None:
    for meta in FIXABLE:
        fixed = 0
        for i, ex in enumerate(e for e in meta.examples if e.kind == "bad"):
            root = tmp_path / f"{meta.id}-{i}"
            write_tree(root, ex.files)
            settings = {"rules": {meta.id: ex.options}} if ex.options else {}
            fixed += sum(1 for f in _lint(root, **settings).findings if f.rule == meta.id and f.fix is not None)
        assert fixed, f"{meta.id} says it has a fix but fixes none of its bad examples"


def test_rules_without_a_fix_say_so() -> None:
    rules = all_rules()
    assert {r.id for r in FIXABLE} == {"JD001", "JD002", "JD004", "TP001", "DS001", "CF004"}
    assert rules["JD004"].fix == "safe" and rules["TP001"].fix == "unsafe"
    for meta in rules.values():
        assert meta.fix in ("none", "safe", "unsafe")
        assert (meta.fix == "none") == (not meta.fix_doc), meta.id


# ---- the file's own bytes ------------------------------------------------------------------------------------


def _fix_tree(root: Path, files: dict[str, bytes], unsafe: bool = True):  # type: ignore[no-untyped-def]
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    report = _lint(root)
    return report, *fixes.fix_files(lambda: _lint(root), report, [root], unsafe=unsafe)


POM = {"pom.xml": b"<project/>"}
RES = "src/main/resources/"


def test_crlf_multibyte_and_bom_kept(tmp_path: Path) -> None:
    text = ("# 数据源 配置 ✓\r\n"
            "spring.datasource.url=jdbc:mysql://数据库:3306/app?useSSL=false\r\n"
            "spring.datasource.hikari.connection-timeout=3000\r\n")
    old = b"\xef\xbb\xbf" + text.encode("utf-8")
    _, out, after = _fix_tree(tmp_path, {**POM, RES + "application.properties": old})
    assert {f.rule for f in out.fixed} == {"JD002"}
    new = (tmp_path / RES / "application.properties").read_bytes()
    assert new == old.replace(b"useSSL=false\r\n", b"useSSL=false&socketTimeout=60000\r\n")
    assert not [f for f in after.findings if f.rule == "JD002"]


@pytest.mark.parametrize("encoding", ["gb18030", "latin-1"])
def test_legacy_encodings_kept(tmp_path: Path, encoding: str) -> None:
    note = "数据库" if encoding == "gb18030" else "Datenbank für Bestellungen"
    text = f"# {note}\nspring.datasource.url=jdbc:postgresql://db:5432/app\n"
    old = text.encode(encoding)
    if encoding == "gb18030":
        with pytest.raises(UnicodeDecodeError):
            old.decode("utf-8")
    _, out, _ = _fix_tree(tmp_path, {**POM, RES + "application.properties": old})
    assert {f.rule for f in out.fixed} == {"JD002"}
    assert (tmp_path / RES / "application.properties").read_bytes() == old.replace(
        b"/app\n", b"/app?socketTimeout=60\n")


def test_both_url_timeouts_are_one_fix(tmp_path: Path) -> None:
    """JD001 and JD002 both insert at the URL's end (each alone with its own '?'): they carry one combined fix."""
    old = b"spring:\n  datasource:\n    druid:\n      max-wait: 1000\n      url: jdbc:mysql://db:3306/app   # orders\n"
    report, out, after = _fix_tree(tmp_path, {**POM, RES + "application.yml": old})
    jd = [f for f in report.findings if f.rule in ("JD001", "JD002")]
    assert len(jd) == 2 and jd[0].fix is jd[1].fix
    assert sorted(f.rule for f in out.fixed) == ["JD001", "JD002"]
    assert (tmp_path / RES / "application.yml").read_bytes() == (
        b"spring:\n  datasource:\n    druid:\n      max-wait: 1000\n"
        b"      url: jdbc:mysql://db:3306/app?connectTimeout=3000&socketTimeout=60000   # orders\n")
    assert not [f for f in after.findings if f.rule in ("JD001", "JD002")]


@pytest.mark.parametrize(("name", "content", "want"), [
    ("jdbc.properties", b"jdbc.url=jdbc:jtds:sqlserver://db:1433/app;appName=orders\n",
     b"/app;appName=orders;loginTimeout=5;socketTimeout=60\n"),
    ("ds.xml", b'<beans xmlns="http://www.springframework.org/schema/beans">\n  <bean id="ds" '
     b'class="com.alibaba.druid.pool.DruidDataSource">\n    <property name="url" value="jdbc:mysql://db/app?"/>\n'
     b'    <property name="maxWait" value="1000"/>\n  </bean>\n</beans>\n',
     b'value="jdbc:mysql://db/app?connectTimeout=3000&amp;socketTimeout=60000"/>'),
])
def test_combined_url_fix_in_the_urls_syntax(tmp_path: Path, name: str, content: bytes, want: bytes) -> None:
    _, out, after = _fix_tree(tmp_path, {**POM, RES + name: content})
    assert sorted(f.rule for f in out.fixed) == ["JD001", "JD002"]
    assert want in (tmp_path / RES / name).read_bytes()
    assert not [f for f in after.findings if f.rule in ("JD001", "JD002")]


def test_xml_url_is_escaped_and_placeholder_definition_edited(tmp_path: Path) -> None:
    xml = (b'<beans xmlns="http://www.springframework.org/schema/beans">\n'
           b'  <bean id="ds" class="com.alibaba.druid.pool.DruidDataSource">\n'
           b'    <property name="url" value="${jdbc.url}"/>\n    <property name="maxWait" value="1000"/>\n'
           b'    <property name="socketTimeout" value="60000"/>\n  </bean>\n'
           b'  <bean class="org.springframework.beans.factory.config.PropertyPlaceholderConfigurer">\n'
           b'    <property name="location" value="classpath:jdbc.properties"/>\n  </bean>\n</beans>\n')
    props = b"jdbc.url=jdbc\\:mysql\\://db\\:3306/app?useSSL=false\n"
    _, out, _ = _fix_tree(tmp_path, {**POM, RES + "ds.xml": xml, RES + "jdbc.properties": props})
    assert [f.rule for f in out.fixed] == ["JD001"]
    assert (tmp_path / RES / "ds.xml").read_bytes() == xml
    assert (tmp_path / RES / "jdbc.properties").read_bytes() == props.replace(b"false\n",
                                                                            b"false&connectTimeout=3000\n")
    xml2 = xml.replace(b"${jdbc.url}", b"jdbc:mysql://db:3306/app?useSSL=false").replace(
        b"PropertyPlaceholderConfigurer", b"X")
    root2 = tmp_path / "two"
    _, out, _ = _fix_tree(root2, {**POM, RES + "ds.xml": xml2})
    assert b"useSSL=false&amp;connectTimeout=3000" in (root2 / RES / "ds.xml").read_bytes()


def test_url_ending_in_a_placeholder_gets_no_fix(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pom.xml": "<project/>", RES + "application.properties":
                          "spring.datasource.url=jdbc:mysql://db:3306/${DB_NAME:app}\n"})
    report = _lint(tmp_path)
    jd = [f for f in report.findings if f.rule in ("JD001", "JD002")]
    assert jd and all(f.fix is None for f in jd)


@pytest.mark.parametrize(("name", "before", "after"), [
    ("dubbo.xml",
     b'<beans xmlns:dubbo="http://dubbo.apache.org/schema/dubbo">\r\n  <dubbo:application name="a"/>\r\n'
     b"  <dubbo:protocol name='dubbo' threadpool='cached' port='20880'/>\r\n</beans>\r\n",
     b"threadpool='cached' threads='200' port='20880'"),
    ("application.yml",
     "dubbo:\n  protocol:\n    name: dubbo  # 协议\n    threadpool: cached   # grows\n    port: 20880\n".encode(),
     b"    threadpool: cached   # grows\n    threads: 200\n    port"),
    ("application.yml",
     b"dubbo:\n  protocol: {name: dubbo, threadpool: eager, port: 20880}\n",
     b"{name: dubbo, threadpool: eager, threads: 200, port: 20880}"),
    ("application.yml",
     b"dubbo.provider.threadpool: cached\n", b"dubbo.provider.threadpool: cached\ndubbo.provider.threads: 200\n"),
    ("application.properties",
     b"dubbo.protocol.name = dubbo\r\ndubbo.protocol.threadpool = cached", b"threadpool = cached\r\n"
     b"dubbo.protocol.threads = 200"),
])
def test_tp001_threads_in_the_files_own_syntax(tmp_path: Path, name: str, before: bytes, after: bytes) -> None:
    _, out, again = _fix_tree(tmp_path, {**POM, RES + name: before})
    assert [f.rule for f in out.fixed] == ["TP001"]
    new = (tmp_path / RES / name).read_bytes()
    assert after in new
    assert not [f for f in again.findings if f.rule == "TP001"]
    _, _, left = _fix_tree(tmp_path / "safe-only", {**POM, RES + name: before}, unsafe=False)
    assert (tmp_path / "safe-only" / RES / name).read_bytes() == before  # unsafe: not applied by --fix alone
    assert [f.rule for f in left.findings if f.rule == "TP001"] == ["TP001"]


def test_tp001_no_fix_when_core_threads_exceed_the_maximum(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pom.xml": "<project/>", RES + "application.properties":
                          "dubbo.protocol.threadpool=eager\ndubbo.protocol.corethreads=300\n"})
    tp = [f for f in _lint(tmp_path).findings if f.rule == "TP001"]
    assert tp and tp[0].fix is None


def test_ds001_value_stays_below_the_dubbo_timeout(tmp_path: Path) -> None:
    files = {**POM, RES + "application.properties":
             b"dubbo.protocol.name=dubbo\ndubbo.provider.timeout=1000\n"
             b"spring.datasource.druid.url=jdbc:mysql://db/app?connectTimeout=3000&socketTimeout=60000\n"
             b"spring.datasource.druid.max-active=20\n"}
    _, out, after = _fix_tree(tmp_path, files)
    assert [f.rule for f in out.fixed] == ["DS001"]
    text = (tmp_path / RES / "application.properties").read_text()
    assert "spring.datasource.druid.max-wait=" in text
    assert not [f for f in after.findings if f.rule in ("DS001", "DS002")]


# ---- travelling with the finding ----------------------------------------------------------------------------


def _tp001_report(tmp_path: Path):  # type: ignore[no-untyped-def]
    write_tree(tmp_path, {"pom.xml": "<project/>", RES + "application.properties":
                          "dubbo.protocol.threadpool=cached\n"})
    return _lint(tmp_path)


def test_fix_survives_cache_and_pickle(tmp_path: Path) -> None:
    report = _tp001_report(tmp_path)
    f = next(f for f in report.findings if f.rule == "TP001")
    assert f.fix is not None
    rows = json.loads(json.dumps(dump_findings(report.findings)))
    again = next(g for g in load_findings(rows) if g.rule == "TP001")
    assert again.fix == f.fix
    assert pickle.loads(pickle.dumps(f)).fix == f.fix
    with pytest.raises((TypeError, ValueError)):
        load_findings([[*rows[0][:6], "", ["d", "yes", []]]])


def test_fix_from_a_warm_cache(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pom.xml": "<project/>", RES + "application.properties":
                          "dubbo.protocol.threadpool=cached\n"})
    cache = {"cache-dir": str(tmp_path / ".cache")}
    cold = run_lint(tmp_path, **cache)
    warm = run_lint(tmp_path, **cache)
    assert [f.fix for f in warm.findings] == [f.fix for f in cold.findings] != [None]


def test_json_and_sarif_carry_the_fix(tmp_path: Path) -> None:
    from cfglint.formatters import render

    report = _tp001_report(tmp_path)
    doc = json.loads(render("json", report))
    fx = next(f["fix"] for f in doc["findings"] if f["rule"] == "TP001")
    assert fx["safe"] is False and fx["edits"][0]["text"] == "\ndubbo.protocol.threads=200"
    sarif = json.loads(render("sarif", report))
    res = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "TP001")
    change = res["fixes"][0]["artifactChanges"][0]
    assert change["artifactLocation"]["uri"].endswith("application.properties")
    rep = change["replacements"][0]
    assert rep["deletedRegion"] == {"startLine": 1, "startColumn": 33, "endLine": 1, "endColumn": 33}
    assert rep["insertedContent"]["text"] == "\ndubbo.protocol.threads=200"
    schema = SHARED / "schemas/sarif-schema-2.1.0.json"
    if not schema.exists():
        pytest.skip(f"{schema} not present")
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(sarif, json.loads(schema.read_text(encoding="utf-8")))


# ---- where fixes may be written ------------------------------------------------------------------------------


def test_symlinked_file_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "application.properties"
    target.write_bytes(b"dubbo.protocol.threadpool=cached\n")
    root = tmp_path / "repo"
    write_tree(root, {"pom.xml": "<project/>"})
    (root / RES).mkdir(parents=True)
    os.symlink(target, root / RES / "application.properties")
    report = _lint(root)
    if not any(f.rule == "TP001" for f in report.findings):
        pytest.skip("symlinked files are not linted here")
    out, _ = fixes.fix_files(lambda: _lint(root), report, [root], unsafe=True)
    assert not out.fixed and out.refused and "symlink" in out.refused[0][1]
    assert target.read_bytes() == b"dubbo.protocol.threadpool=cached\n"


def test_outside_the_linted_paths_is_refused(tmp_path: Path) -> None:
    with pytest.raises(fixes.Refused):
        fixes.allowed("../elsewhere/app.properties", str(tmp_path / "repo"), [Path("sub")])
    (tmp_path / "repo" / "sub").mkdir(parents=True)
    (tmp_path / "repo" / "sub" / "a.properties").write_text("x=1\n")
    assert fixes.allowed("sub/a.properties", str(tmp_path / "repo"), [Path("sub")]).name == "a.properties"


def test_changed_file_is_refused(tmp_path: Path) -> None:
    report = _tp001_report(tmp_path)
    (tmp_path / RES / "application.properties").write_text("dubbo.protocol.threadpool=eager\n")
    out, _ = fixes.fix_files(lambda: _lint(tmp_path), report, [tmp_path], unsafe=True)
    assert not out.fixed and "changed" in out.refused[0][1]


def test_overlapping_edits_leave_the_later_one() -> None:
    from cfglint.findings import Edit, Fix
    from cfglint.span import Span

    def f(rule: str, col: int, end: int, text: str) -> Finding:
        return Finding(rule, "m", Span("a", 1, col, 1, end), fix=Fix("d", True, (Edit(Span("a", 1, col, 1, end),
                                                                                         text),)))

    a, b, c = f("X1", 1, 4, "ABC"), f("X2", 3, 6, "zz"), f("X3", 7, 7, "!")
    res = fixes.apply_to_text("a", "abcdefgh\n", [c, b, a])
    assert res.applied == [a, c] and res.overlapping == [b]
    assert res.new == "ABCdef!gh\n"
    # An insertion strictly inside a replaced range overlaps it (it would land in text that is gone).
    r, i = f("X1", 2, 6, "XY"), f("X2", 4, 4, "++")
    res = fixes.apply_to_text("a", "abcdefgh\n", [r, i])
    assert res.applied == [r] and res.overlapping == [i] and res.new == "aXYfgh\n"


# ---- command line --------------------------------------------------------------------------------------------


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cfglint", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_cli_diff_changes_nothing_and_fix_writes(tmp_path: Path) -> None:
    path = tmp_path / RES / "application.properties"
    write_tree(tmp_path, {"pom.xml": "<project/>", RES + "application.properties":
                          "dubbo.protocol.threadpool=cached\n"})
    os.chmod(path, 0o640)
    res = _cli("check", ".", "--diff", "--unsafe-fixes", "--no-cache", cwd=tmp_path)
    assert res.returncode == 1, res.stderr
    assert "+dubbo.protocol.threads=200" in res.stdout and res.stdout.startswith("--- a/")
    assert "would fix 1 finding" in res.stderr
    assert path.read_text() == "dubbo.protocol.threadpool=cached\n"
    res = _cli("check", ".", "--diff", "--no-cache", cwd=tmp_path)  # unsafe fixes are not shown without the flag
    assert res.stdout == "" and "--unsafe-fixes" in res.stderr
    res = _cli("check", ".", "--fix", "--no-cache", "--format", "concise", cwd=tmp_path)
    assert path.read_text() == "dubbo.protocol.threadpool=cached\n" and res.returncode == 1
    res = _cli("check", ".", "--fix", "--unsafe-fixes", "--no-cache", "--format", "concise", cwd=tmp_path)
    assert path.read_text() == "dubbo.protocol.threadpool=cached\ndubbo.protocol.threads=200\n"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert "fixed: src/main/resources/application.properties:1:27: TP001" in res.stderr
    assert "1 finding fixed in 1 file" in res.stderr
    assert "TP001" not in res.stdout
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".cfglint-fix")]


def test_cli_fix_and_diff_exclude_each_other(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pom.xml": "<project/>"})
    res = _cli("check", ".", "--fix", "--diff", cwd=tmp_path)
    assert res.returncode == 2 and "exclude" in res.stderr


@pytest.mark.parametrize(("druid", "fixed"), [("1.2.8", True), ("1.2.23", False)])
def test_no_url_fix_that_would_trade_the_finding_for_a_unit_mistake(tmp_path: Path, druid: str, fixed: bool) -> None:
    """Druid >= 1.2.22 reads a pgjdbc socketTimeout from the URL as milliseconds: socketTimeout=60 there would be a
    JD003 error, so that URL gets no fix; on 1.2.8 the driver reads it, in seconds."""
    pom = ("<project><dependencies><dependency><groupId>com.alibaba</groupId><artifactId>druid</artifactId>"
           f"<version>{druid}</version></dependency></dependencies></project>")
    write_tree(tmp_path, {"pom.xml": pom, RES + "application.properties":
                          "spring.datasource.druid.url=jdbc:postgresql://db:5432/app\n"
                          "spring.datasource.druid.max-wait=1000\n"})
    jd = [f for f in _lint(tmp_path).findings if f.rule == "JD002"]
    assert len(jd) == 1 and (jd[0].fix is not None) == fixed


def test_suppressed_and_baselined_findings_are_not_fixed(tmp_path: Path) -> None:
    """A fix travels with its finding: what a suppression or the baseline hides is not fixed; what they keep is."""
    props = tmp_path / RES / "application.properties"
    write_tree(tmp_path, {"pom.xml": "<project/>", RES + "application.properties":
                          "# cfglint: disable=JD002 -- reads are bounded by the proxy\n"
                          "spring.datasource.url=jdbc:postgresql://db:5432/app\n"
                          "dubbo.protocol.threadpool=cached\n"})
    before = props.read_bytes()
    res = _cli("check", ".", "--write-baseline", "bl.json", "--no-cache", "--exit-zero", cwd=tmp_path)
    res = _cli("check", ".", "--baseline", "bl.json", "--fix", "--unsafe-fixes", "--no-cache", cwd=tmp_path)
    assert res.returncode == 0 and props.read_bytes() == before, res.stderr
    (tmp_path / "bl.json").unlink()
    res = _cli("check", ".", "--fix", "--unsafe-fixes", "--no-cache", "--format", "json", cwd=tmp_path)
    assert props.read_bytes() == before + b"dubbo.protocol.threads=200\n"
    assert json.loads(res.stdout)["findings"] == []


@pytest.mark.parametrize(("yaml", "want"), [
    (b"spring:\n  datasource: {url: 'jdbc:postgresql://db:5432/app', username: app}\n",
     b"{url: 'jdbc:postgresql://db:5432/app?socketTimeout=60', username: app}"),
    (b"spring:\n  datasource:\n    url: \"jdbc:postgresql://db:5432/app\"  # \xe4\xb8\xbb\xe5\xba\x93\n",
     b"url: \"jdbc:postgresql://db:5432/app?socketTimeout=60\"  # \xe4\xb8\xbb\xe5\xba\x93\n"),
    (b"spring:\n  datasource:\n    url: 'jdbc:postgresql://db:5432/app?ssl=true'\n",
     b"url: 'jdbc:postgresql://db:5432/app?ssl=true&socketTimeout=60'\n"),
])
def test_yaml_url_in_flow_mapping_or_quotes(tmp_path: Path, yaml: bytes, want: bytes) -> None:
    _, out, after = _fix_tree(tmp_path, {**POM, RES + "application.yml": yaml})
    assert [f.rule for f in out.fixed] == ["JD002"]
    assert want in (tmp_path / RES / "application.yml").read_bytes()
    assert not [f for f in after.findings if f.rule == "JD002"]


@pytest.mark.parametrize(("url", "fixed"), [
    ("jdbc:postgresql://db:5432/app?connect_timeout=5&socketTimeout=60", "connectTimeout=5&socketTimeout=60"),
    ("jdbc:mysql://db:3306/app?sockettimeout=60000&connectTimeout=3000", "socketTimeout=60000&connectTimeout=3000"),
    ("jdbc:mysql://db:3306/app?sockettimeout=60000&socketTimeout=5000&connectTimeout=3000", None),
])
def test_jd004_renames_keep_value_and_unit(tmp_path: Path, url: str, fixed: str | None) -> None:
    write_tree(tmp_path, {"pom.xml": "<project/>", RES + "application.properties": f"spring.datasource.url={url}\n"})
    jd = [f for f in _lint(tmp_path).findings if f.rule == "JD004"]
    assert len(jd) == 1
    if fixed is None:
        assert jd[0].fix is None  # the right name is written too
        return
    assert jd[0].fix is not None and jd[0].fix.safe
    report = _lint(tmp_path)
    _, after = fixes.fix_files(lambda: _lint(tmp_path), report, [tmp_path], unsafe=False)
    assert (tmp_path / RES / "application.properties").read_text().endswith(fixed + "\n")
    assert not [f for f in after.findings if f.rule == "JD004"]


@pytest.mark.parametrize(("name", "data"), [
    ("dubbo.xml", '<?xml version="1.0" encoding="GBK"?>\n<!-- 服务提供者 -->\n<beans xmlns:dubbo="http://dubbo.apache.org/'
                  'schema/dubbo">\n  <dubbo:protocol name="dubbo" threadpool="cached"/>\n</beans>\n'.encode("gbk")),
    ("application.properties", "# 线程池\ndubbo.protocol.threadpool=cached\n".encode("utf-16")),
    ("application.properties", "# 线程池\r\ndubbo.protocol.threadpool=cached\r\n".encode("utf-16-be")),
])
def test_declared_and_wide_encodings_kept(tmp_path: Path, name: str, data: bytes) -> None:
    _, out, _ = _fix_tree(tmp_path, {**POM, RES + name: data})
    new = (tmp_path / RES / name).read_bytes()
    if not out.fixed:
        pytest.skip("this encoding is not linted here")
    assert [f.rule for f in out.fixed] == ["TP001"]
    if name.endswith(".xml"):
        assert new == data.replace(b'threadpool="cached"', b'threadpool="cached" threads="200"')
    elif data.startswith(b"\xff\xfe"):
        assert new == data + "dubbo.protocol.threads=200\n".encode("utf-16-le")
    else:
        assert new == data + "dubbo.protocol.threads=200\r\n".encode("utf-16-be")


def test_fixes_are_computed_only_when_something_shows_them(tmp_path: Path) -> None:
    """The text and concise formats show no fix, so the CLI does not pay for computing them; JSON/SARIF, --fix and
    --diff do. The setting is part of the cache key: a cached text run never answers a JSON run without fixes."""
    write_tree(tmp_path, {"pom.xml": "<project/>",
                          "src/main/resources/application.properties": "spring.datasource.url=jdbc:mysql://db:3306/a\n"})
    assert all(f.fix is None for f in run_lint(tmp_path, **{"compute-fixes": False}).findings)
    assert any(f.fix is not None for f in run_lint(tmp_path).findings)
    run = [sys.executable, "-m", "cfglint", "check", str(tmp_path)]
    subprocess.run([*run, "--format", "concise"], capture_output=True, text=True, timeout=120)  # fills the cache
    doc = json.loads(subprocess.run([*run, "--format", "json"], capture_output=True, text=True, timeout=120).stdout)
    assert any(f["fix"] for f in doc["findings"])
