"""Hostile and messy input (issue: never crash, never hang, never leak, never lose a finding).

Each test proves a claim instead of trusting it: XXE targets are a FIFO (opening it for reading would be seen
by a watcher thread) and a local listening socket (a connection attempt would be pending on it), with
``socket.socket`` made to raise as well; bombs are timed and their memory is measured in a child process;
unreadable, special and oversized files are linted next to a normal file whose findings must not change."""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cfglint.api import _read_capped, lint, load_file
from cfglint.discover import SourceFile, walk
from cfglint.report import Report
from cfglint.settings import Settings
from tests.regressions.harness import check_report, is_internal

SPRING = '<beans xmlns="http://www.springframework.org/schema/beans">'
DRUID_BEAN = ('<bean id="ds" class="com.alibaba.druid.pool.DruidDataSource">'
              '<property name="url" value="jdbc:mysql://db:3306/app"/></bean>')
GOOD_PROPS = "spring.datasource.url=jdbc:mysql://db:3306/app\ndubbo.protocol.threadpool=cached\n"


def _settings(**extra: object) -> Settings:
    return Settings.model_validate({"respect-gitignore": False, "cache": False, **extra})


def _lint(root: Path, **extra: object) -> Report:
    report = lint([root], _settings(**extra), cwd=root)
    check_report(report, root)
    return report


def _summary(report: Report) -> list[tuple[str, str, int, int, str]]:
    return [(f.rule, f.span.path, f.span.line, f.span.col, f.message) for f in report.findings]


def _cf001(report: Report, path: str) -> list[str]:
    return [f.message for f in report.findings if f.rule == "CF001" and f.span.path == path]


def _run_with_timeout(fn, timeout: float = 20.0):  # type: ignore[no-untyped-def]
    """Run ``fn`` in a daemon thread so a regression that blocks fails the test instead of hanging the suite."""
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as e:  # re-raised below
            box["error"] = e

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(timeout)
    assert not t.is_alive(), f"still running after {timeout} s (hang)"
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box.get("value")


# ---- XML: entities, DTDs, XInclude, network --------------------------------------------------------------------


class Tripwires:
    """A FIFO whose opening for reading is detected, and a listening socket whose connections are detected."""

    def __init__(self, tmp: Path) -> None:
        self.fifo = tmp / "secret-fifo"
        os.mkfifo(self.fifo)
        self.opened = 0
        self._stop = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self._watch = threading.Thread(target=self._watch_fifo, daemon=True)
        self._watch.start()

    def _watch_fifo(self) -> None:
        while not self._stop.is_set():
            try:
                fd = os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK)  # succeeds only while someone reads it
            except OSError:
                time.sleep(0.001)
                continue
            self.opened += 1
            try:
                os.write(fd, b"<!ENTITY leak 'SECRET-FROM-FIFO'>SECRET-FROM-FIFO")
            finally:
                os.close(fd)

    def connections(self) -> bool:
        return bool(select.select([self.listener], [], [], 0.05)[0])

    def close(self) -> None:
        self._stop.set()
        self._watch.join(2)
        self.listener.close()


@pytest.fixture
def trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Tripwires]:
    t = Tripwires(tmp_path)

    def no_network(*a: object, **k: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    try:
        yield t
    finally:
        monkeypatch.undo()
        t.close()


def _entity_payloads(t: Tripwires) -> dict[str, str]:
    f, u = f"file://{t.fifo}", t.url
    return {
        "external-entity-file": f'<!DOCTYPE beans [<!ENTITY e SYSTEM "{f}">]>{SPRING}<bean id="&e;"/></beans>',
        "external-entity-http": f'<!DOCTYPE beans [<!ENTITY e SYSTEM "{u}/e">]>{SPRING}<bean id="&e;"/></beans>',
        "parameter-entity-file": f'<!DOCTYPE beans [<!ENTITY % p SYSTEM "{f}"> %p;]>{SPRING}&leak;</beans>',
        "parameter-entity-http": f'<!DOCTYPE beans [<!ENTITY % p SYSTEM "{u}/p.dtd"> %p;]>{SPRING}&leak;</beans>',
        "public-entity-http": f'<!DOCTYPE beans [<!ENTITY e PUBLIC "-//X//EN" "{u}/e">]>{SPRING}&e;</beans>',
        "billion-laughs": _billion_laughs(),
    }


def _dtd_payloads(t: Tripwires) -> dict[str, str]:
    """Documents that must lint normally, with nothing fetched."""
    f, u = f"file://{t.fifo}", t.url
    return {
        "doctype-system-http": f'<!DOCTYPE beans SYSTEM "{u}/beans.dtd">\n{SPRING}{DRUID_BEAN}</beans>',
        "doctype-system-file": f'<!DOCTYPE beans SYSTEM "{f}">\n{SPRING}{DRUID_BEAN}</beans>',
        "doctype-public-http": f'<!DOCTYPE beans PUBLIC "-//SPRING//DTD BEAN//EN" "{u}/spring-beans.dtd">\n'
                               f'{SPRING}{DRUID_BEAN}</beans>',
        "doctype-system-http-undeclared-ref": f'<!DOCTYPE beans SYSTEM "{u}/beans.dtd">\n{SPRING}{DRUID_BEAN}'
                                              f'<bean id="x">&leak;</bean></beans>',
        "xinclude": f'<beans xmlns="http://www.springframework.org/schema/beans" '
                    f'xmlns:xi="http://www.w3.org/2001/XInclude">\n<xi:include href="{f}" parse="text"/>'
                    f'<xi:include href="{u}/inc.xml"/>{DRUID_BEAN}</beans>',
        "schema-location": f'<beans xmlns="http://www.springframework.org/schema/beans" '
                           f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                           f'xsi:schemaLocation="http://www.springframework.org/schema/beans {u}/beans.xsd">\n'
                           f'{DRUID_BEAN}</beans>',
        "stylesheet-pi": f'<?xml-stylesheet type="text/xsl" href="{u}/x.xsl"?>\n{SPRING}{DRUID_BEAN}</beans>',
    }


def _billion_laughs(levels: int = 10) -> str:
    ents = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels))
    return f'<?xml version="1.0"?>\n<!DOCTYPE beans [{ents}]>\n{SPRING}<bean id="&lol{levels - 1};"/></beans>'


def _assert_nothing_leaked(t: Tripwires, report: Report | None = None) -> None:
    assert t.opened == 0, "the FIFO named by the document was opened for reading"
    assert not t.connections(), "a connection was made to the URL named by the document"
    if report is not None:
        dump = json.dumps([f.message for f in report.findings])
        assert "SECRET-FROM-FIFO" not in dump


def test_entity_declarations_are_refused_and_never_resolved(tmp_path: Path, trip: Tripwires) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    payloads = _entity_payloads(trip)
    for name, doc in payloads.items():
        (root / f"{name}.xml").write_text(doc)
    (root / "application.properties").write_text(GOOD_PROPS)
    start = time.perf_counter()
    report = _lint(root)
    assert time.perf_counter() - start < 5
    _assert_nothing_leaked(trip, report)
    for name in payloads:
        msgs = _cf001(report, f"{name}.xml")
        assert len(msgs) == 1 and "entity declarations are not allowed" in msgs[0], (name, msgs)
    assert {f.rule for f in report.findings if f.span.path == "application.properties"} >= {"TP001", "JD002"}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-16-declared-ascii",
                                      "utf-7-declared", "ebcdic-declared"])
def test_encoding_tricks_do_not_smuggle_entities(tmp_path: Path, trip: Tripwires, encoding: str) -> None:
    """The refusal reads decoded text and the parser reads bytes: re-encoded payloads, and payloads whose
    declaration lies about the encoding, must still be refused (or fail to parse) and leak nothing."""
    root = tmp_path / "tree"
    root.mkdir()
    for name, doc in _entity_payloads(trip).items():
        if encoding == "utf-16-declared-ascii":  # even length, so Python's UTF-16 decode does not fail
            data = ('<?xml version="1.0" encoding="UTF-16"?>' + doc.split("?>", 1)[-1]).encode()
            data += b" " * (len(data) % 2)
        elif encoding == "utf-7-declared":
            data = ('<?xml version="1.0" encoding="UTF-7"?>' + doc.split("?>", 1)[-1]).encode()
        elif encoding == "ebcdic-declared":
            data = ('<?xml version="1.0" encoding="IBM037"?>' + doc.split("?>", 1)[-1]).encode("cp037")
        else:
            data = doc.encode(encoding)
        (root / f"{name}.xml").write_bytes(data)
    files = walk([root], root, respect_gitignore=False)
    for f in files:
        item = load_file(f, 1 << 20)
        assert item.node is None, f"{f.display} ({encoding}) was parsed"
        assert item.error is None or not is_internal(item.error)
    _assert_nothing_leaked(trip)


def test_the_parser_itself_never_resolves_entities(trip: Tripwires) -> None:
    """Defence in depth: even past the ``<!ENTITY`` refusal, the lxml parser expands nothing and opens nothing."""
    from lxml import etree

    from cfglint.loaders.xml import _parser

    for name, doc in _entity_payloads(trip).items():
        try:
            root = etree.fromstring(doc.encode(), _parser())
        except etree.XMLSyntaxError:
            continue  # refusing is fine too (libxml2's amplification limit)
        text = etree.tostring(root)
        assert b"SECRET" not in text and b"lollollol" not in text, name
    _assert_nothing_leaked(trip)


def test_external_dtds_are_not_fetched_and_the_file_still_lints(tmp_path: Path, trip: Tripwires) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    for name, doc in _dtd_payloads(trip).items():
        (root / f"{name}.xml").write_text(doc)
    report = _lint(root)
    _assert_nothing_leaked(trip, report)
    for name in _dtd_payloads(trip):
        path = f"{name}.xml"
        assert not _cf001(report, path), (name, _cf001(report, path))
        assert "JD002" in {f.rule for f in report.findings if f.span.path == path}, name  # linted normally


def test_old_spring_dtd_file_lints_like_its_schema_twin(tmp_path: Path, trip: Tripwires) -> None:
    """``<!DOCTYPE beans PUBLIC "-//SPRING//DTD BEAN//EN" ...spring-beans.dtd>`` (Spring 1.x/2.x files)."""
    doctype = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE beans PUBLIC "-//SPRING//DTD BEAN//EN" '
               '"http://www.springframework.org/dtd/spring-beans.dtd">\n')
    body = ('<beans>\n  <bean id="ds" class="com.alibaba.druid.pool.DruidDataSource">\n'
            '    <property name="url" value="jdbc:mysql://db:3306/app"/>\n  </bean>\n</beans>\n')
    (tmp_path / "dtd").mkdir()
    (tmp_path / "plain").mkdir()
    (tmp_path / "dtd/applicationContext.xml").write_text(doctype + body)
    (tmp_path / "plain/applicationContext.xml").write_text('<?xml version="1.0" encoding="UTF-8"?>\n\n' + body)
    with_dtd = _lint(tmp_path / "dtd")
    plain = _lint(tmp_path / "plain")
    _assert_nothing_leaked(trip, with_dtd)
    assert with_dtd.findings, "the DTD file was not linted"
    assert _summary(with_dtd) == _summary(plain)


def test_billion_laughs_is_fast_and_bounded(tmp_path: Path) -> None:
    """Timed and measured in a child process: through the linter, and straight into the parser (which must
    not expand it either)."""
    doc = tmp_path / "laughs.xml"
    doc.write_text(_billion_laughs())
    code = textwrap.dedent(f"""
        import json, resource, time
        from pathlib import Path
        from lxml import etree
        from cfglint.api import lint
        from cfglint.loaders.xml import _parser
        from cfglint.settings import Settings
        data = Path({str(doc)!r}).read_bytes()
        s = Settings.model_validate({{"respect-gitignore": False}})
        lint([Path({str(tmp_path)!r})], s, cwd=Path({str(tmp_path)!r}))  # warm up imports
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t = time.perf_counter()
        r = lint([Path({str(tmp_path)!r})], s, cwd=Path({str(tmp_path)!r}))
        lint_s = time.perf_counter() - t
        t = time.perf_counter()
        try:
            size = len(etree.tostring(etree.fromstring(data, _parser())))
        except etree.XMLSyntaxError:
            size = 0
        parse_s = time.perf_counter() - t
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        print(json.dumps({{"lint_s": lint_s, "parse_s": parse_s, "size": size, "grown_kb": grown,
                          "findings": [[f.rule, f.message] for f in r.findings]}}))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)
    assert res["lint_s"] < 0.5 and res["parse_s"] < 0.5, res
    assert res["size"] < 10_000, "the parser expanded the entities"
    assert res["grown_kb"] < 50_000, res
    assert [r for r, m in res["findings"] if r == "CF001" and "entity" in m], res["findings"]


# ---- YAML: bombs, nesting, tags, merge and duplicate keys ------------------------------------------------------

ALIAS_BOMB = "spring:\n  a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"  {c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))


def test_alias_bomb_is_cf001_fast_and_bounded(tmp_path: Path) -> None:
    (tmp_path / "application.yml").write_text(ALIAS_BOMB)
    code = textwrap.dedent(f"""
        import json, resource, time
        from pathlib import Path
        from cfglint.api import lint
        from cfglint.settings import Settings
        root = Path({str(tmp_path)!r})
        s = Settings.model_validate({{"respect-gitignore": False}})
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t = time.perf_counter()
        r = lint([root], s, cwd=root)
        print(json.dumps({{"s": time.perf_counter() - t,
                          "grown_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before,
                          "findings": [[f.rule, f.span.line, f.message] for f in r.findings]}}))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)
    assert res["s"] < 2, res  # includes first-use imports; the bomb itself stops after 50 000 nodes
    assert res["grown_kb"] < 100_000, res
    assert [m for r, _, m in res["findings"] if r == "CF001" and "alias" in m], res["findings"]


@pytest.mark.parametrize("doc, where", [
    ("a: " + "[" * 10_000, "unterminated flow sequences"),
    ("a: " + "[" * 100_000 + "]" * 100_000, "balanced flow sequences (overflowed the C stack)"),
    ("a: " + "{b: " * 30_000 + "}" * 30_000, "flow mappings"),
    ("- " * 50_000 + "x", "compact block sequences"),
    ("spring:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(1500)) + " " * 1501 + "v: 1\n", "block maps"),
])
def test_deep_yaml_nesting_is_cf001_not_a_crash(tmp_path: Path, doc: str, where: str) -> None:
    """In a child process: nesting deep enough to overflow libyaml's recursive composer killed the whole
    linter with SIGSEGV (no exception to catch)."""
    p = tmp_path / "application.yml"
    p.write_text(doc)
    code = textwrap.dedent(f"""
        import json, time
        from pathlib import Path
        from cfglint.api import load_file
        from cfglint.discover import SourceFile
        p = Path({str(p)!r})
        t = time.perf_counter()
        r = load_file(SourceFile(p, p.name, "yaml", p.parent), 5 << 20)
        print(json.dumps({{"s": time.perf_counter() - t, "error": r.error and r.error.message,
                          "line": r.error and r.error.span.line}}))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, f"{where}: exit {out.returncode} {out.stderr[-500:]}"
    res = json.loads(out.stdout)
    assert res["error"] and "intern" not in res["error"], (where, res)
    assert res["s"] < 5, (where, res)


def test_unknown_tags_are_opaque_values_and_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "constructed"
    (tmp_path / "application.yml").write_text(textwrap.dedent(f"""\
        spring:
          shardingsphere:
            rules:
              - !SHARDING
                tables:
                  t_order: {{actualDataNodes: "ds.t_order_${{0..1}}"}}
          datasource:
            url: !Ref DbUrl
            password: !!binary aGVsbG8=
            driver: !!python/object/apply:os.system ["touch {marker}"]
            other: !!python/name:os.system
            max-wait: !<tag:example.com,2024:ms> 5000
        """))
    report = _lint(tmp_path)
    assert not marker.exists()
    assert not _cf001(report, "application.yml")
    from cfglint.loaders.yaml import load_yaml

    entries = {e.key: e for e in load_yaml("a.yml", (tmp_path / "application.yml").read_bytes()).entries}
    url = entries["spring.datasource.url"]
    assert url.value == "DbUrl" and (url.value_span.line, url.value_span.col) == (8, 15)  # the value, not the tag
    assert entries["spring.datasource.max-wait"].value == "5000"
    assert entries["spring.shardingsphere.rules[0].tables.t_order.actualDataNodes"].value == "ds.t_order_${0..1}"


def test_merge_keys_and_duplicate_keys(tmp_path: Path) -> None:
    from cfglint.loaders.yaml import load_yaml

    text = textwrap.dedent("""\
        base: &base
          max-wait: -1
          url: jdbc:mysql://db/app
        spring:
          datasource:
            druid:
              <<: *base
              url: jdbc:mysql://db/other
        dup:
          a: 1
          a: 2
        """)
    entries = load_yaml("a.yml", text.encode()).entries
    by_key: dict[str, list] = {}
    for e in entries:
        by_key.setdefault(e.key, []).append(e)
    wait = by_key["spring.datasource.druid.max-wait"][-1]
    assert wait.value == "-1" and (wait.value_span.line, wait.value_span.col) == (2, 13)  # where it is written
    assert by_key["spring.datasource.druid.url"][-1].value == "jdbc:mysql://db/other"  # explicit key wins
    assert [(e.value, e.key_span.line) for e in by_key["dup.a"]] == [("1", 10), ("2", 11)]
    (tmp_path / "application.yml").write_text(text)
    _lint(tmp_path)


# ---- files: size, special files, links, permissions ------------------------------------------------------------


def test_file_over_the_size_cap_is_refused_fast(tmp_path: Path) -> None:
    big = tmp_path / "application.yml"
    with big.open("wb") as fh:
        line = b"spring.datasource.url: jdbc:mysql://db/app\n" * 1000
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    assert big.stat().st_size > 50 * 1024 * 1024
    (tmp_path / "app.properties").write_text(GOOD_PROPS)
    lint([tmp_path / "app.properties"], _settings(), cwd=tmp_path)  # first-use imports, outside the timing
    start = time.perf_counter()
    report = lint([tmp_path], _settings(), cwd=tmp_path)
    elapsed = time.perf_counter() - start
    assert elapsed < 1, elapsed
    check_report(report, tmp_path)
    msgs = _cf001(report, "application.yml")
    assert len(msgs) == 1 and "max-file-size" in msgs[0]
    assert {"TP001", "JD002"} <= {f.rule for f in report.findings if f.span.path == "app.properties"}


def test_size_cap_is_configurable_and_exact(tmp_path: Path) -> None:
    (tmp_path / "a.properties").write_text("a=" + "x" * 2000 + "\n")
    (tmp_path / "b.properties").write_text("b=1\n")
    report = _lint(tmp_path, **{"max-file-size": 1024})
    assert len(_cf001(report, "a.properties")) == 1 and not _cf001(report, "b.properties")
    with pytest.raises(Exception):  # noqa: B017 - whichever the private helper raises
        _read_capped(tmp_path / "a.properties", 2002)
    assert len(_read_capped(tmp_path / "a.properties", 2003)) == 2003


def test_a_file_that_reports_size_zero_but_streams_is_still_capped() -> None:
    """/proc files claim st_size 0; the read itself must stop at the cap (a file growing after stat)."""
    status = Path("/proc/self/status")
    if not status.exists():
        pytest.skip("no /proc")
    f = SourceFile(status, "status.properties", "properties", status.parent)
    item = load_file(f, 16)
    assert item.error is not None and "max-file-size" in item.error.message


def test_one_megabyte_single_line_in_each_format(tmp_path: Path) -> None:
    mb = "x" * (1 << 20)
    (tmp_path / "application.properties").write_text(f"spring.datasource.url=jdbc:mysql://db/app?{mb}\n")
    (tmp_path / "application.yml").write_text(f"spring:\n  application:\n    name: {mb}\n")
    (tmp_path / "ctx.xml").write_text(f'{SPRING}<bean id="a" class="{mb}"/>{DRUID_BEAN}</beans>')
    start = time.perf_counter()
    report = _lint(tmp_path)
    assert time.perf_counter() - start < 5
    assert not [f for f in report.findings if f.rule == "CF001"]
    jd = [f for f in report.findings if f.rule == "JD002"]
    assert {f.span.path for f in jd} == {"application.properties", "ctx.xml"}
    xml = next(f for f in jd if f.span.path == "ctx.xml")
    assert xml.span.line == 1 and xml.span.col > 1 << 20  # the real column, past the long attribute


def test_special_files_links_and_directories(tmp_path: Path) -> None:
    (tmp_path / "app.properties").write_text(GOOD_PROPS)
    os.mkfifo(tmp_path / "fifo.yml")
    (tmp_path / "dir.yml").mkdir()
    (tmp_path / "dir.yml" / "application.properties").write_text("dubbo.protocol.threadpool=cached\n")
    os.symlink("missing.yml", tmp_path / "dangling.yml")
    os.symlink("loop-b.yml", tmp_path / "loop-a.yml")
    os.symlink("loop-a.yml", tmp_path / "loop-b.yml")
    os.symlink("self.properties", tmp_path / "self.properties")
    (tmp_path / "links").mkdir()
    os.symlink("../app.properties", tmp_path / "links/linked.properties")  # a good link is linted (own module)
    (tmp_path / "sub").mkdir()
    os.symlink("..", tmp_path / "sub" / "up")  # a directory loop (not followed)
    os.symlink("/dev/zero", tmp_path / "zero.yml")
    report = _run_with_timeout(lambda: _lint(tmp_path))
    paths = {f.span.path for f in report.findings}
    assert paths == {"app.properties", "links/linked.properties", "dir.yml/application.properties"}
    assert not [f for f in report.findings if f.rule == "CF001"]


def test_load_file_on_a_fifo_does_not_block(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "x.yml")
    f = SourceFile(tmp_path / "x.yml", "x.yml", "", tmp_path)
    item = _run_with_timeout(lambda: load_file(f, 1 << 20), timeout=10)
    assert item.error is None and item.node is None and f.kind == "skip" and "regular" in f.reason


def test_explicit_special_paths(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.yml")
    os.symlink("loop.yml", tmp_path / "loop.yml")
    os.symlink("missing.yml", tmp_path / "dangling.yml")
    (tmp_path / "dir.yml").mkdir()
    names = [Path(n) for n in ("fifo.yml", "loop.yml", "dangling.yml", "dir.yml")]
    files = _run_with_timeout(lambda: walk(names, tmp_path, respect_gitignore=False))
    assert files == []


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads mode-000 files")
def test_permission_denied_file_is_cf001(tmp_path: Path) -> None:
    p = tmp_path / "application.properties"
    p.write_text(GOOD_PROPS)
    (tmp_path / "other.properties").write_text(GOOD_PROPS)
    p.chmod(0)
    try:
        report = _lint(tmp_path)
    finally:
        p.chmod(0o644)
    msgs = _cf001(report, "application.properties")
    assert len(msgs) == 1 and "cannot read file" in msgs[0]
    assert {"TP001", "JD002"} <= {f.rule for f in report.findings if f.span.path == "other.properties"}


def test_unreadable_file_is_cf001_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same as the mode-000 test, runnable as root: opening that one file fails with EACCES."""
    p = tmp_path / "application.properties"
    p.write_text(GOOD_PROPS)
    (tmp_path / "other.properties").write_text(GOOD_PROPS)
    real_open = os.open

    def deny(path: object, *a: object, **k: object) -> int:
        if Path(os.fsdecode(path)).name == "application.properties":  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", deny)
    report = _lint(tmp_path)
    msgs = _cf001(report, "application.properties")
    assert msgs == ["cannot read file: Permission denied"]
    assert {"TP001", "JD002"} <= {f.rule for f in report.findings if f.span.path == "other.properties"}


# ---- failure isolation ----------------------------------------------------------------------------------------


def _isolation_tree(root: Path) -> None:
    (root / "src/main/resources/spring").mkdir(parents=True)
    (root / "src/main/resources/application.properties").write_text(GOOD_PROPS)
    (root / "src/main/resources/application.yml").write_text(
        "dubbo:\n  provider:\n    threadpool: cached\n")
    (root / "src/main/resources/spring/ctx.xml").write_text(
        f'{SPRING}\n<bean id="ds" class="com.alibaba.druid.pool.DruidDataSource">\n'
        f'<property name="url" value="jdbc:oracle:thin:@db:1521/app"/></bean></beans>\n')


def test_a_raising_check_is_an_internal_error_and_nothing_else_changes(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from cfglint.checks import load_all
    from cfglint.registry import CHECKS

    _isolation_tree(tmp_path)
    baseline = _summary(lint([tmp_path], _settings(), cwd=tmp_path))
    assert any(r == "TP001" for r, *_ in baseline)
    load_all()

    def boom(*a: object, **k: object) -> list:
        raise RuntimeError("check exploded")

    monkeypatch.setitem(CHECKS, "TP001", boom)
    report = lint([tmp_path], _settings(), cwd=tmp_path)
    internal = [f for f in report.findings if is_internal(f)]
    assert internal and all("TP001" in f.message and "check exploded" in f.message for f in internal)
    rest = [s for s, f in zip(_summary(report), report.findings, strict=True) if not is_internal(f)]
    assert rest == [s for s in baseline if s[0] != "TP001"]


def test_a_raising_loader_is_an_internal_error_for_that_file_only(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import cfglint.loaders.yaml as yaml_loader

    _isolation_tree(tmp_path)
    baseline = _summary(lint([tmp_path], _settings(), cwd=tmp_path))

    def boom(path: str, data: bytes) -> None:
        raise RuntimeError("loader exploded")

    monkeypatch.setattr(yaml_loader, "load_yaml", boom)
    report = lint([tmp_path], _settings(), cwd=tmp_path)
    yml = "src/main/resources/application.yml"
    internal = [f for f in report.findings if is_internal(f)]
    assert [(f.span.path, "loader exploded" in f.message) for f in internal] == [(yml, True)]
    rest = [s for s, f in zip(_summary(report), report.findings, strict=True) if not is_internal(f)]
    assert rest == [s for s in baseline if s[1] != yml]


def test_a_raising_extractor_is_an_internal_error_and_the_run_continues(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import cfglint.extract.model_builder as mb

    _isolation_tree(tmp_path / "a")
    _isolation_tree(tmp_path / "b")
    real = mb.build_models

    def flaky(module, *a, **k):  # type: ignore[no-untyped-def]
        if module.root.name == "a":
            raise RuntimeError("extractor exploded")
        return real(module, *a, **k)

    monkeypatch.setattr(mb, "build_models", flaky)
    report = lint([tmp_path], _settings(), cwd=tmp_path)
    internal = [f for f in report.findings if is_internal(f)]
    assert len(internal) == 1 and internal[0].span.path.startswith("a/")
    assert {f.rule for f in report.findings if f.span.path.startswith("b/")} >= {"TP001", "JD002"}


def test_no_file_descriptor_leaks(tmp_path: Path) -> None:
    fd_dir = Path("/proc/self/fd")
    if not fd_dir.is_dir():
        pytest.skip("no /proc/self/fd")
    for i in range(30):
        (tmp_path / f"broken{i}.xml").write_text(SPRING + "<bean")
        (tmp_path / f"deep{i}.yml").write_text("spring: " + "[" * 200 + "]" * 200)
        (tmp_path / f"bin{i}.properties").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
        (tmp_path / f"big{i}.properties").write_text("a=" + "x" * 3000)
        (tmp_path / f"ok{i}.properties").write_text(GOOD_PROPS)
    (tmp_path / "bomb.yml").write_text(ALIAS_BOMB)
    os.mkfifo(tmp_path / "fifo.yml")
    settings = _settings(**{"max-file-size": 2048})
    lint([tmp_path], settings, cwd=tmp_path)
    before = len(os.listdir(fd_dir))
    for _ in range(3):
        report = lint([tmp_path], settings, cwd=tmp_path)
    assert len(os.listdir(fd_dir)) <= before
    assert report.files_linted == 121


# ---- read-only and deterministic -------------------------------------------------------------------------------


def _snapshot(root: Path) -> dict[str, tuple[int, int, bytes | str]]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath, name)
            st = p.lstat()
            content: bytes | str = os.readlink(p) if p.is_symlink() else (p.read_bytes() if p.is_file() else "")
            out[str(p.relative_to(root))] = (st.st_mtime_ns, st.st_mode, content)
    return out


def _serialise(report: Report) -> bytes:
    return json.dumps([
        [f.rule, f.severity.label, f.message, list(f.span.__getstate__() if hasattr(f.span, "__getstate__")
                                                   else (f.span.path, f.span.line, f.span.col, f.span.end_line,
                                                         f.span.end_col)),
         [[r.message, str(r.span), r.span.end_line, r.span.end_col] for r in f.related], f.fingerprint]
        for f in report.findings
    ] + [report.files_linted, report.files_skipped], sort_keys=True).encode()


def test_linting_is_read_only_and_deterministic(tmp_path: Path) -> None:
    import shutil

    corpus = Path(__file__).resolve().parents[1] / "corpus"
    root = tmp_path / "tree"
    shutil.copytree(corpus, root, symlinks=True)
    (root / "messy").mkdir()
    (root / "messy/application.yml").write_text(ALIAS_BOMB)
    (root / "messy/broken.xml").write_text(SPRING + "<bean")
    (root / "messy/gbk.properties").write_bytes("spring.datasource.url=jdbc:mysql://db/应用\n".encode("gbk"))
    os.symlink("application.yml", root / "messy/link.yml")
    old = time.time() - 86_400
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            os.utime(Path(dirpath, name), (old, old), follow_symlinks=False)
    before = _snapshot(root)
    first = _serialise(lint([root], _settings(), cwd=root))
    second = _serialise(lint([root], _settings(), cwd=root))
    parallel = _serialise(lint([root], _settings(jobs=2), cwd=root))
    assert _snapshot(root) == before, "the linted tree changed (content, mode, mtime or new files)"
    assert first == second == parallel
    assert b"CF001" in first and b"TP001" in first
