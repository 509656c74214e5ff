"""Lint every input in this folder (see README.md) in one child process: a segfault or hang shows up as the
cases that did not report, instead of taking the test session down."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CASES = sorted(p for p in HERE.iterdir() if p.is_file() and p.suffix not in (".py", ".md") and p.name[0] != ".")
PENDING = sorted(p for p in (HERE / "pending").iterdir() if p.is_file() and p.suffix != ".md")
SLOW_PENDING = ("exponential", "quadratic")  # hang or take tens of seconds until fixed: opt-in
SECONDS_PER_CASE = 10.0  # a hang detector, not a benchmark (the fixed inputs take well under a second)

_CHILD = r"""
import json, sys, time, traceback
from pathlib import Path
from cfglint.api import lint
from cfglint.settings import Settings
from tests.regressions.harness import KIND_BY_EXT, check_loaded, check_report, load_as

settings = Settings.model_validate({"respect-gitignore": False})
for d in sys.argv[1:]:
    case = Path(d)
    f = next(case.iterdir())
    t = time.perf_counter()
    try:
        check_loaded(load_as(f, KIND_BY_EXT[f.suffix]), f.read_bytes())
        check_report(lint([case], settings, cwd=case), case)
        res = {"ok": True}
    except BaseException as e:
        res = {"ok": False, "error": "".join(traceback.format_exception_only(e)).strip()}
    res.update(case=case.name, seconds=time.perf_counter() - t)
    print(json.dumps(res), flush=True)
"""


def _materialise(cases: list[Path], work: Path) -> list[str]:
    dirs = []
    for p in cases:
        name = p.name[:-3] if p.suffix == ".gz" else p.name
        d = work / p.name
        d.mkdir()
        (d / name).write_bytes(gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes())
        dirs.append(str(d))
    return dirs


def _run(cases: list[Path], work: Path, timeout: float) -> dict[str, dict]:
    dirs = _materialise(cases, work)
    try:
        out = subprocess.run([sys.executable, "-c", _CHILD, *dirs], cwd=ROOT, capture_output=True, text=True,
                             timeout=timeout)
        stdout, stderr = out.stdout, f"exit {out.returncode}: {out.stderr[-2000:]}"
    except subprocess.TimeoutExpired as e:
        stdout = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        stderr = "timed out (hang)"
    found = {r["case"]: r for r in map(json.loads, stdout.splitlines())}
    return {p.name: found.get(p.name, {"ok": False, "error": f"did not report: {stderr}"}) for p in cases}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    return _run(CASES, tmp_path_factory.mktemp("regressions"), SECONDS_PER_CASE * len(CASES) + 30)


def test_the_folder_is_not_empty() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_regression_input_lints_cleanly(case: Path, results: dict[str, dict]) -> None:
    r = results[case.name]
    assert r["ok"], r["error"]
    assert r["seconds"] < SECONDS_PER_CASE, f"{r['seconds']:.1f} s"


def _pending_param(p: Path):  # type: ignore[no-untyped-def]
    slow = any(word in p.name for word in SLOW_PENDING)
    marks = [pytest.mark.xfail(strict=True, reason="known bug outside the loaders; see pending/README.md")]
    if slow and not os.environ.get("CFGLINT_PENDING_SLOW"):
        marks.append(pytest.mark.skip(reason="hangs or takes tens of seconds until fixed; CFGLINT_PENDING_SLOW=1"))
    return pytest.param(p, marks=marks, id=p.name)


@pytest.mark.parametrize("case", [_pending_param(p) for p in PENDING])
def test_pending_input_still_fails(case: Path, tmp_path: Path) -> None:
    """Inputs that break code outside the loaders, reported to its owners. Strict xfail: once fixed, this
    passes, the xfail turns into a failure, and the file moves up into tests/regressions/."""
    r = _run([case], tmp_path, SECONDS_PER_CASE + 20)[case.name]
    assert r["ok"], r["error"]
    assert r["seconds"] < SECONDS_PER_CASE, f"{r['seconds']:.1f} s"
