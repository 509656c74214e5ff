"""Module-level parallelism: workers load, model and check whole modules; output identical to serial."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cfglint.api import PARALLEL_MIN_FILES, PARALLEL_MIN_MODULES, effective_jobs, lint
from cfglint.report import Report
from cfglint.settings import Settings


def _settings(**extra: object) -> Settings:
    return Settings.model_validate({"respect-gitignore": False, **extra})


def _tree(root: Path, modules: int) -> None:
    (root / "pom.xml").write_text("<project/>")
    (root / "shared").mkdir()
    (root / "shared/common.properties").write_text("common.threads=2147483647\n")
    for i in range(modules):
        res = root / f"svc{i:03d}/src/main/resources"
        res.mkdir(parents=True)
        (root / f"svc{i:03d}/pom.xml").write_text("<project/>")
        (res / "application.properties").write_text(
            f"dubbo.protocol.threads=${{common.threads}}\n"
            f"spring.datasource.druid.url=jdbc:mysql://db/app{i}\n"
            + ("spring.datasource.druid.max-wait=60000\n" if i % 2 else ""))
        (res / "application-prod.properties").write_text("spring.datasource.druid.max-wait=100\n")
        (res / "broken.xml").write_text('<beans xmlns="http://www.springframework.org/schema/beans"><bean')


def _out(r: Report) -> str:
    return json.dumps([[f.rule, f.message, str(f.span), f.span.end_col, f.fingerprint] for f in r.findings]
                      + [r.files_linted, r.files_skipped, sorted(r.sources)])


def test_parallel_output_is_identical_to_serial_with_shared_config(tmp_path: Path) -> None:
    _tree(tmp_path, 12)
    extra = {"shared-config": ["shared/*.properties"]}
    serial = lint([tmp_path], _settings(jobs=1, **extra), cwd=tmp_path)
    parallel = lint([tmp_path], _settings(jobs=2, **extra), cwd=tmp_path)
    assert _out(serial) == _out(parallel)
    rules = {f.rule for f in serial.findings}
    assert {"TP001", "CF001", "JD001", "JD002"} <= rules  # the shared value reached every worker
    # Every module resolves the same shared value: one finding on the line that writes it.
    assert [f.span.path for f in serial.findings if f.rule == "TP001"] == ["shared/common.properties"]


def test_default_jobs_are_serial_for_small_inputs_and_cpus_for_large() -> None:
    auto = _settings()
    assert effective_jobs(auto, PARALLEL_MIN_FILES - 1, 100) == 1
    assert effective_jobs(auto, 10_000, PARALLEL_MIN_MODULES - 1) == 1
    assert effective_jobs(auto, 10_000, 1_000) >= 1
    assert effective_jobs(_settings(jobs=4), 3, 2) == 2  # explicit, capped at the number of modules
    assert effective_jobs(_settings(jobs=1), 10_000, 1_000) == 1


def test_no_process_pool_or_a_killed_worker_falls_back_to_serial(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import concurrent.futures

    import cfglint.api as api

    _tree(tmp_path, 12)
    serial = _out(lint([tmp_path], _settings(jobs=1), cwd=tmp_path))

    class NoPool:
        def __init__(self, *a: object, **k: object) -> None:
            raise OSError(38, "Function not implemented")  # what sem_open gives where /dev/shm is missing

    with monkeypatch.context() as m:
        m.setattr(concurrent.futures, "ProcessPoolExecutor", NoPool)
        assert _out(lint([tmp_path], _settings(jobs=2), cwd=tmp_path)) == serial

    real = api.lint_module
    parent = os.getpid()

    def dies(module, *a, **k):  # type: ignore[no-untyped-def]
        if module.root.name == "svc005" and os.getpid() != parent:
            os._exit(9)  # a worker killed mid-run (forked workers see this patched function)
        return real(module, *a, **k)

    monkeypatch.setattr(api, "lint_module", dies)
    assert _out(lint([tmp_path], _settings(jobs=2), cwd=tmp_path)) == serial


@pytest.mark.parametrize("enabled", [True, False])
def test_lint_leaves_the_garbage_collector_as_it_found_it(tmp_path: Path, enabled: bool) -> None:
    # lint_module pauses the cyclic GC per module; a library caller's setting must survive it.
    import gc

    _tree(tmp_path, 3)
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        lint([tmp_path], _settings(jobs=1, cache=False), cwd=tmp_path)
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
