"""The result cache: a warm run gives exactly the cold run's report, and anything the result depends on
(file bytes, file set, settings, parent poms outside the module, shared config) invalidates it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cfglint.api import lint
from cfglint.cache import FORMAT, MAX_AGE_S, Cache
from cfglint.engine import Engine
from cfglint.report import Report
from cfglint.settings import Settings
from tests.conftest import write_tree

POOL = "dubbo.protocol.threadpool=${pool.kind}\npool.kind=cached\n"  # a chain for the cache to carry
DS = "spring.datasource.druid.url=jdbc:mysql://db/app\n"


def _settings(cache_dir: Path, **extra: object) -> Settings:
    return Settings.model_validate({"respect-gitignore": False, "cache-dir": str(cache_dir), **extra})


def _out(r: Report) -> str:
    """Every field of every finding (the structured parts too: a cached result must carry them all)."""
    return json.dumps([[f.rule, f.message, str(f.span), f.span.end_line, f.span.end_col, int(f.severity),
                        [(str(x.span), x.message) for x in f.related], f.fingerprint, f.why, f.help, list(f.notes),
                        [(st.text, repr(st.span)) for st in f.chain]] for f in r.findings]
                      + [r.files_linted, r.files_skipped, r.sources], sort_keys=True)


def _tree(root: Path) -> None:
    write_tree(root, {
        "pom.xml": "<project><modules><module>svc</module></modules></project>",
        "svc/pom.xml": "<project><parent><artifactId>root</artifactId><relativePath>../pom.xml</relativePath>"
                       "</parent></project>",
        "svc/src/main/resources/application.properties": POOL + DS,
        "svc/src/main/resources/application-prod.properties": "spring.datasource.druid.max-wait=100\n",
        "svc/src/main/resources/broken.xml": '<beans xmlns="http://www.springframework.org/schema/beans"><bean',
    })


class Counter:
    """Counts modules really checked (Engine.run_module calls) from the moment it is armed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.mp = monkeypatch
        self.calls = 0

    def __call__(self) -> None:
        real = Engine.run_module

        def counting(engine: Engine, *a: object, **k: object) -> list:
            self.calls += 1
            return real(engine, *a, **k)  # type: ignore[arg-type]
        self.mp.setattr(Engine, "run_module", counting)


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> Counter:
    return Counter(monkeypatch)


def test_warm_run_is_the_cold_run(tmp_path: Path, checked: Counter) -> None:
    root, cache = tmp_path / "t", tmp_path / "c"
    _tree(root)
    cold = lint([root], _settings(cache), cwd=root)
    assert {"TP001", "CF001", "JD001"} <= {f.rule for f in cold.findings}
    assert any(st.span for f in cold.findings for st in f.chain) and all(f.why for f in cold.findings)
    assert list((cache / f"v{FORMAT}").rglob("*.json")), "nothing was written"
    checked()
    warm = lint([root], _settings(cache), cwd=root)
    assert checked.calls == 0
    assert _out(warm) == _out(cold)
    nocache = lint([root], _settings(cache, cache=False), cwd=root)  # --no-cache: checks again
    assert checked.calls == 1 and _out(nocache) == _out(cold)  # one module has config files


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    root, cache = tmp_path / "t", tmp_path / "c"
    _tree(root)
    lint([root], _settings(cache, cache=False), cwd=root)
    assert not cache.exists()


@pytest.mark.parametrize("change", ["edit", "new-file", "parent-pom", "settings", "shared"])
def test_what_invalidates(tmp_path: Path, checked: Counter, change: str) -> None:
    root, cache = tmp_path / "t", tmp_path / "c"
    _tree(root)
    write_tree(root, {"nacos/common.properties": "x=1\n"})
    extra: dict[str, object] = {"shared-config": ["nacos/*.properties"]}
    lint([root], _settings(cache, **extra), cwd=root)
    checked()
    assert lint([root], _settings(cache, **extra), cwd=root) and checked.calls == 0
    res = root / "svc/src/main/resources"
    if change == "edit":
        (res / "application.properties").write_text(POOL.replace("cached", "fixed") + DS)
    elif change == "new-file":
        (res / "application-dev.properties").write_text("a=b\n")
    elif change == "parent-pom":  # outside the module: recorded as a dependency of its entry
        (root / "pom.xml").write_text("<project><properties><druid.version>1.2.8</druid.version></properties>"
                                      "<modules><module>svc</module></modules></project>")
    elif change == "settings":
        extra["ignore"] = ["JD002"]
    else:
        (root / "nacos/common.properties").write_text("x=2\n")
    again = lint([root], _settings(cache, **extra), cwd=root)
    assert checked.calls >= 1
    fresh = lint([root], _settings(cache, cache=False, **extra), cwd=root)
    assert _out(again) == _out(fresh)


@pytest.mark.parametrize("bad", [
    b"", b"{not json", b"\xff\xfe", b"[]", b'{"format": 2}', b'{"format": 2, "findings": 3}',
    b'{"format": 2, "findings": [[1]], "sources": {}, "linted": 1, "skipped": 0}',
    b'{"format": 2, "findings": [], "sources": 5, "linted": "x", "skipped": 0, "deps": 7}',
    b'{"format": 2, "findings": [["TP001", "m", ["a", "1", 1, 1, 2], 3, [], "k"]], "sources": {}, "linted": 1, '
    b'"skipped": 0}',
    b'{"format": 2, "findings": [], "sources": {}, "linted": 1, "skipped": 0, "unreadable": 5}',
    # A well-formed entry of the shape before findings had why/help/notes/chain: a miss, not a crash.
    b'{"format": 2, "findings": [["TP001", "m", ["a", 1, 1, 1, 2], 3, [], "k"]], "sources": {}, "linted": 1, '
    b'"skipped": 0}',
])
def test_corrupt_entries_are_misses(tmp_path: Path, bad: bytes) -> None:
    root, cache = tmp_path / "t", tmp_path / "c"
    _tree(root)
    cold = _out(lint([root], _settings(cache), cwd=root))
    entries = list((cache / f"v{FORMAT}").rglob("*.json"))
    assert entries
    for e in entries:
        e.write_bytes(bad)
    assert _out(lint([root], _settings(cache), cwd=root)) == cold
    assert _out(lint([root], _settings(cache), cwd=root)) == cold  # rewritten entries are good again


def test_unwritable_cache_directory_is_ignored(tmp_path: Path) -> None:
    root = tmp_path / "t"
    _tree(root)
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert lint([root], _settings(blocker / "sub"), cwd=root).findings


def test_concurrent_runs_share_the_cache(tmp_path: Path) -> None:
    root, cache = tmp_path / "t", tmp_path / "c"
    for i in range(20):
        write_tree(root, {f"s{i}/pom.xml": "<project/>", f"s{i}/src/main/resources/application.properties": POOL + DS})
    env = {**os.environ, "CFGLINT_CACHE_DIR": str(cache)}
    cmd = [sys.executable, "-m", "cfglint", "check", ".", "--format", "json", "--exit-zero", "--jobs", "2"]
    procs = [subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [e.decode() for _, e in outs]
    assert len({o for o, _ in outs}) == 1
    warm = subprocess.run(cmd, cwd=root, env=env, capture_output=True, timeout=120)
    assert warm.stdout == outs[0][0]
    assert not list(cache.rglob("*.tmp")), "temporary files left behind"


def test_prune_removes_old_entries_only(tmp_path: Path) -> None:
    c = Cache(tmp_path, "run")
    c.put("aa11", {"findings": []})
    c.put("bb22", {"findings": []})
    old = time.time() - MAX_AGE_S - 10
    os.utime(c._path("aa11"), (old, old))
    assert c.prune() == 1
    assert not c._path("aa11").exists() and c._path("bb22").exists()


def test_cli_no_cache_flag_leaves_no_cache_directory(tmp_path: Path) -> None:
    root, cache = tmp_path / "t", tmp_path / "c"
    _tree(root)
    env = {**os.environ, "CFGLINT_CACHE_DIR": str(cache)}
    cmd = [sys.executable, "-m", "cfglint", "check", ".", "--format", "concise", "--exit-zero"]
    subprocess.run([*cmd, "--no-cache"], cwd=root, env=env, check=True, capture_output=True, timeout=120)
    assert not cache.exists()
    subprocess.run(cmd, cwd=root, env=env, check=True, capture_output=True, timeout=120)
    assert list(cache.rglob("*.json"))


def test_code_fingerprint_covers_the_rule_files() -> None:
    """Option defaults live in the rule files (beside the package in a checkout): editing one must invalidate."""
    import cfglint.cache as c
    from cfglint.registry import rules_dir

    rule = next(rules_dir().glob("*.toml"))
    st = rule.stat()
    before = c.code_fingerprint()
    try:
        os.utime(rule, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        c.code_fingerprint.cache_clear()
        assert c.code_fingerprint() != before
    finally:
        os.utime(rule, ns=(st.st_atime_ns, st.st_mtime_ns))
        c.code_fingerprint.cache_clear()
    assert c.code_fingerprint() == before


def test_settings_key_covers_every_setting_that_changes_findings() -> None:
    # The cache key must move with any setting that changes findings, including fields added later.
    from cfglint.api import _settings_key
    from cfglint.settings import Settings

    base = Settings.model_construct()
    key = _settings_key(base)
    for name in Settings.model_fields:
        if name in ("jobs", "cache", "cache_dir", "config_path"):
            continue
        assert f'"{name}"' in key
    assert _settings_key(Settings.model_construct(select=["TP"])) != key
    assert _settings_key(Settings.model_construct(jobs=7, cache=False, cache_dir="/x")) == key


def _many(root: Path, n: int) -> None:
    files: dict[str, str] = {}
    for i in range(n):
        files[f"s{i:02d}/pom.xml"] = "<project/>"
        files[f"s{i:02d}/src/main/resources/application.properties"] = POOL + DS + f"x.n={i}\n"
    write_tree(root, files)


def test_warm_run_starts_no_worker_pool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parent answers stored modules itself: a tree the cache fully covers forks nothing, even with --jobs 2."""
    import concurrent.futures

    root, cache = tmp_path / "t", tmp_path / "c"
    _many(root, 12)
    cold = lint([root], _settings(cache, jobs=2), cwd=root)

    def no_pool(*a: object, **k: object) -> None:
        raise AssertionError("a worker pool was started for a run the cache answers")
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_pool)
    warm = lint([root], _settings(cache, jobs=2), cwd=root)
    assert _out(warm) == _out(cold) and len(cold.findings) >= 12


def test_only_changed_modules_are_linted_and_order_is_kept(tmp_path: Path, checked: Counter) -> None:
    root, cache = tmp_path / "t", tmp_path / "c"
    _many(root, 12)
    lint([root], _settings(cache), cwd=root)
    for i in (3, 9):  # two modules edited; their findings must land between the stored modules' findings
        p = root / f"s{i:02d}/src/main/resources/application.properties"
        p.write_text(p.read_text() + "dubbo.protocol.threads=2147483647\n")
    checked()
    mixed = lint([root], _settings(cache), cwd=root)
    assert checked.calls == 2
    fresh = lint([root], _settings(cache, cache=False), cwd=root)
    assert _out(mixed) == _out(fresh)


def test_probe_gives_up_on_a_cold_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first run looks up only PROBE_GIVE_UP modules in the parent before handing the rest over unprobed."""
    import cfglint.api as api

    root, cache = tmp_path / "t", tmp_path / "c"
    _many(root, 30)
    looked: list[str] = []
    real = api._cache_lookup

    def spy(module: object, *a: object) -> object:
        looked.append(str(module))
        return real(module, *a)  # type: ignore[arg-type]
    monkeypatch.setattr(api, "_cache_lookup", spy)
    res = lint([root], _settings(cache, jobs=1), cwd=root)
    # PROBE_GIVE_UP lookups by the probe, then one per module by the linting itself.
    assert len(looked) == api.PROBE_GIVE_UP + 30
    assert res.files_linted == 30


def test_texts_not_utf8_as_read_come_back_from_the_entry(tmp_path: Path) -> None:
    """Entries store a file's text only when it is not its bytes decoded as UTF-8 (a BOM, GBK, Latin-1); a hit
    rebuilds the others from the bytes it read. Either way the warm report holds the cold report's texts."""
    root, cache = tmp_path / "t", tmp_path / "c"
    res = root / "svc/src/main/resources"
    res.mkdir(parents=True)
    (root / "svc/pom.xml").write_text("<project/>")
    (res / "application.yml").write_bytes("# 数据源\ndubbo:\n  protocol:\n    threadpool: cached\n".encode("gbk"))
    (res / "application-dev.properties").write_bytes(b"\xef\xbb\xbf" + DS.encode())
    (res / "application-prod.properties").write_bytes(("# café\n" + DS).encode("utf-8"))
    cold = lint([root], _settings(cache), cwd=root)
    stored = [json.loads(p.read_text(encoding="utf-8"))["sources"] for p in (cache / f"v{FORMAT}").rglob("*.json")]
    kept = {Path(k).name: v is not None for s in stored for k, v in s.items()}
    assert kept == {"application.yml": True, "application-dev.properties": True,
                    "application-prod.properties": False}
    warm = lint([root], _settings(cache), cwd=root)
    assert warm.sources == cold.sources
    assert "数据源" in cold.sources["svc/src/main/resources/application.yml"]  # decoded as GB18030
    assert _out(warm) == _out(cold)


def test_a_run_the_cache_answers_imports_no_parser_and_no_check(tmp_path: Path) -> None:
    """The warm path stays light: no lxml/ruamel parsing, no check modules, no extractors are imported."""
    root, cache = tmp_path / "t", tmp_path / "c"
    _tree(root)
    (root / "svc/src/main/resources/application.yml").write_text("dubbo:\n  protocol:\n    threads: 100\n")
    code = ("import sys\n"
            "from pathlib import Path\n"
            "from cfglint.api import lint\n"
            "from cfglint.settings import Settings\n"
            f"s = Settings.model_validate({{'respect-gitignore': False, 'cache-dir': {str(cache)!r}}})\n"
            f"r = lint([Path({str(root)!r})], s, cwd=Path({str(root)!r}))\n"
            "print(len(r.findings), sorted(m for m in sys.modules if m.startswith(('cfglint.checks.', "
            "'cfglint.extract', 'lxml.etree', 'ruamel.yaml.cyaml'))))")
    cold = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split(" ", 1)
    warm = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split(" ", 1)
    assert int(cold[0]) >= 3 and "cfglint.checks.threads" in cold[1]  # the cold run did import them
    assert warm == [cold[0], "[]\n"]
