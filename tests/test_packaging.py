"""The wheel carries the rule pack: `cfglint rules` and `cfglint explain` work from an installed
wheel, not only from a checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(out)], check=True, capture_output=True, text=True)
    wheels = list(out.glob("cfglint_jvm-*.whl"))  # the distribution name (PyPI's "cfglint" is another project)
    assert len(wheels) == 1, list(out.iterdir())
    unpacked = out / "site"
    with zipfile.ZipFile(wheels[0]) as z:
        names = z.namelist()
        meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
        assert "\nName: cfglint-jvm\n" in z.read(meta).decode()
        entry_points = z.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
        assert "cfglint = cfglint.__main__:main" in entry_points  # the command keeps its name
        assert any(n.startswith("cfglint/rules/") and n.endswith(".toml") for n in names)
        assert not any(n.startswith(("tests/", "corpus/", "bench/")) for n in names)
        z.extractall(unpacked)
    return unpacked


def _run(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run([sys.executable, "-c", "import sys, cfglint; print(cfglint.__file__, file=sys.stderr); "
                           "from cfglint.cli import main; sys.argv[0] = 'cfglint'; main()", *args],
                          cwd=site.parent, env=env, capture_output=True, text=True)


def test_rules_and_explain_work_from_the_wheel(wheel_dir: Path) -> None:
    res = _run(wheel_dir, "rules")
    assert res.returncode == 0, res.stderr
    assert str(wheel_dir) in res.stderr.splitlines()[0]  # the wheel's copy was imported, not the checkout
    assert "TP001" in res.stdout and "unbounded-thread-pool" in res.stdout
    res = _run(wheel_dir, "explain", "TP001")
    assert res.returncode == 0, res.stderr
    assert "Why it matters" in res.stdout and "Examples that are flagged" in res.stdout
    res = _run(wheel_dir, "explain", "NOPE1")
    assert res.returncode == 2 and "unknown rule" in res.stderr
