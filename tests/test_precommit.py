"""The shipped pre-commit hook, run by the real pre-commit against this checkout (`try-repo`): it
fails on a bad file, passes once fixed, and sees the module's other (unchanged) files."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("pre-commit") is None or shutil.which("git") is None,
                    reason="pre-commit or git not installed")
def test_pre_commit_try_repo(tmp_path: Path) -> None:
    repo = tmp_path / "svc"
    res_dir = repo / "src/main/resources"
    res_dir.mkdir(parents=True)
    (repo / "pom.xml").write_text("<project/>")
    # The timeout lives in a file the commit does not touch; the datasource in the one it does.
    (res_dir / "dubbo.properties").write_text("dubbo.protocol.name=dubbo\ndubbo.provider.timeout=1000\n")
    (res_dir / "application.properties").write_text("spring.datasource.druid.url=jdbc:h2:mem:x\n"
                                                   "spring.datasource.druid.max-wait=5000\n")
    _git(repo, "init", "-q")
    _git(repo, "-c", "user.email=t@example.invalid", "-c", "user.name=t", "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pc-home"), "NO_COLOR": "1"}

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(["pre-commit", "try-repo", str(ROOT), "cfglint", "--files",
                               "src/main/resources/application.properties"],
                              cwd=repo, env=env, capture_output=True, text=True, timeout=900)

    bad = run()
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "application.properties:2:34: error:" in bad.stdout and "[DS002]" in bad.stdout
    (res_dir / "application.properties").write_text("spring.datasource.druid.url=jdbc:h2:mem:x\n"
                                                   "spring.datasource.druid.max-wait=200\n")
    _git(repo, "add", ".")
    good = run()
    assert good.returncode == 0, good.stdout + good.stderr
