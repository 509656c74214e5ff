"""What adopting cfglint in a repository relies on: fingerprints and baselines that do not depend on the
directory cfglint runs from, SARIF without this machine's paths, and files that were not linted shown as such."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BAD_YAML = "dubbo:\n  protocol:\n    threadpool: cached\n"
BAD_PROPS = "spring.datasource.url=jdbc:mysql://db:3306/app\n"


def cfglint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    return subprocess.run([sys.executable, "-m", "cfglint", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=120)


def make_repo(root: Path) -> Path:
    """A git repository with two services, each with findings."""
    for svc, name, text in (("svc-a", "application.yml", BAD_YAML), ("svc-b", "application.properties", BAD_PROPS)):
        res = root / svc / "src/main/resources"
        res.mkdir(parents=True)
        (root / svc / "pom.xml").write_text("<project/>")
        (res / name).write_text(text)
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q"], cwd=root, check=True, capture_output=True)
    else:
        (root / ".git").mkdir()
    return root


def fingerprints(stdout: str) -> dict[str, str]:
    """fingerprint -> path as shown, from --format json."""
    return {f["fingerprint"]: f["path"] for f in json.loads(stdout)["findings"]}


def test_fingerprints_and_baseline_do_not_depend_on_the_working_directory(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    top = cfglint("check", "--format", "json", "--write-baseline", "bl.json", cwd=repo)
    assert top.returncode == 1, top.stderr
    at_root = fingerprints(top.stdout)
    assert sorted(at_root.values()) == ["svc-a/src/main/resources/application.yml",
                                        "svc-b/src/main/resources/application.properties"]
    baseline = json.loads((repo / "bl.json").read_text())["findings"]
    assert set(baseline) == set(at_root)
    assert {e["path"] for e in baseline.values()} == {"svc-a/src/main/resources/application.yml",
                                                       "svc-b/src/main/resources/application.properties"}

    # From a subdirectory, linting it: paths are shown relative to it, fingerprints are the root's.
    sub = cfglint("check", ".", "--format", "json", cwd=repo / "svc-b")
    assert sub.returncode == 1, sub.stderr
    in_sub = fingerprints(sub.stdout)
    assert set(in_sub.values()) == {"src/main/resources/application.properties"}
    assert set(in_sub) <= set(at_root) and len(in_sub) == 1
    res = cfglint("check", ".", "--baseline", "../bl.json", cwd=repo / "svc-b")
    assert res.returncode == 0, res.stdout + res.stderr  # every finding is in the baseline
    sub_write = cfglint("check", "--write-baseline", "sub.json", "--exit-zero", cwd=repo / "svc-b")
    assert sub_write.returncode == 0
    written = json.loads((repo / "svc-b/sub.json").read_text())["findings"]
    assert {e["path"] for e in written.values()} == {"svc-b/src/main/resources/application.properties"}

    # From outside the repository with an absolute path: the same fingerprints, paths as given.
    out = cfglint("check", str(repo), "--format", "sarif", "--output", "out.sarif", "--format", "json", cwd=tmp_path)
    assert out.returncode == 1, out.stderr
    outside = fingerprints(out.stdout)
    assert set(outside) == set(at_root)
    assert {p.startswith("repo/svc-") for p in outside.values()} == {True}
    res = cfglint("check", str(repo), "--baseline", str(repo / "bl.json"), cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    run = json.loads((tmp_path / "out.sarif").read_text())["runs"][0]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == repo.as_uri() + "/"
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert uris == {"svc-a/src/main/resources/application.yml", "svc-b/src/main/resources/application.properties"}
    assert {r["partialFingerprints"]["cfglint/v1"] for r in run["results"]} == set(at_root)


def test_without_git_the_config_directory_then_the_common_root_is_the_root(tmp_path: Path) -> None:
    from cfglint.api import project_root

    (tmp_path / "a/b").mkdir(parents=True)
    (tmp_path / "a/c").mkdir(parents=True)
    assert project_root([Path("a/b"), Path("a/c")], tmp_path) == tmp_path / "a"
    assert project_root([Path("b")], tmp_path / "a", str(tmp_path / ".cfglint.toml")) == tmp_path
    (tmp_path / ".git").mkdir()
    assert project_root([Path("b")], tmp_path / "a", str(tmp_path / "a/.cfglint.toml")) == tmp_path


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__]))
