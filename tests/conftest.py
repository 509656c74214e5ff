from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from cfglint.api import lint
from cfglint.report import Report
from cfglint.settings import Settings

SHARED = Path(__file__).resolve().parents[2] / "shared"

# The result cache is on by default: keep the tests' entries out of the user's cache directory (child processes
# such as CLI and pre-commit runs inherit this). Every test still runs cold or warm against a correct cache.
_OWN_CACHE: str | None = None
if "CFGLINT_CACHE_DIR" not in os.environ:
    _OWN_CACHE = os.environ["CFGLINT_CACHE_DIR"] = tempfile.mkdtemp(prefix="cfglint-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the session's cache directory: every test run used to leave one behind in the temp dir."""
    if _OWN_CACHE is not None:
        import shutil

        shutil.rmtree(_OWN_CACHE, ignore_errors=True)


def write_tree(root: Path, files: dict[str, str]) -> None:
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content.lstrip("\n") if rel.endswith(".xml") else content, encoding="utf-8")


def run_lint(root: Path, **settings: object) -> Report:
    return lint([root], Settings.model_validate({"respect-gitignore": False, **settings}), cwd=root)


@pytest.fixture
def lint_tree(tmp_path: Path):
    def _run(files: dict[str, str], **settings: object) -> Report:
        write_tree(tmp_path, files)
        return run_lint(tmp_path, **settings)

    return _run
