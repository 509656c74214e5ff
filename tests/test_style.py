"""The code base stays ruff-clean (the same check CI and pre-commit run)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_clean() -> None:
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff not installed")
    targets = [d for d in ("cfglint", "tests", "bench", "scripts") if (ROOT / d).is_dir()]
    res = subprocess.run([ruff, "check", *targets], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
