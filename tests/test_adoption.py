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

from tests.test_cli import BAD_YAML, cfglint

BAD_PROPS = "spring.datasource.url=jdbc:mysql://db:3306/app\n"


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
    sarif = json.loads((tmp_path / "out.sarif").read_text())
    schema = Path(__file__).resolve().parents[2] / "shared/schemas/sarif-schema-2.1.0.json"
    if schema.is_file():  # ../shared is not part of the project: validate when it is there
        jsonschema = pytest.importorskip("jsonschema")
        jsonschema.validate(sarif, json.loads(schema.read_text(encoding="utf-8")))
    run = sarif["runs"][0]
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


SKIPPED_TREE = {
    "pom.xml": "<project/>",
    "src/main/resources/application.yml": BAD_YAML,
    "src/main/resources/logback.xml": "<configuration>\n  <root level=\"INFO\"/>\n</configuration>\n",
    "src/main/resources/messages.properties": "greeting=hello\n",
    "src/main/resources/templates/mail.properties": "subject=${subject}\n",
    "deploy/templates/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
                                        "  name: {{ .Values.name }}\n",
}
SKIPPED = [
    {"path": "deploy/templates/deployment.yaml", "reason": "Helm/Go template, skipped"},
    {"path": "src/main/resources/application-bin.properties", "reason": "binary file (contains NUL bytes)"},
    {"path": "src/main/resources/logback.xml", "reason": "XML without Spring, Dubbo or JDBC configuration"},
    {"path": "src/main/resources/messages.properties", "reason": "not Spring configuration"},
    {"path": "src/main/resources/templates/mail.properties", "reason": "template directory"},
]


def skipped_tree(root: Path) -> Path:
    for rel, text in SKIPPED_TREE.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / "src/main/resources/application-bin.properties").write_bytes(b"a=1\n\x00\x01")
    return root


def test_skipped_files_are_visible_in_every_run_cached_or_not(tmp_path: Path) -> None:
    repo = skipped_tree(tmp_path / "svc")
    env_cache = tmp_path / "cache"
    runs = []
    for _ in range(2):  # cold, then answered by the result cache: the same output
        env = {**os.environ, "CFGLINT_CACHE_DIR": str(env_cache)}
        env.pop("NO_COLOR", None)
        text = subprocess.run([sys.executable, "-m", "cfglint", "check", "--show-skipped"], cwd=repo, env=env,
                              capture_output=True, text=True, timeout=120)
        doc = subprocess.run([sys.executable, "-m", "cfglint", "check", "--format", "json"], cwd=repo, env=env,
                             capture_output=True, text=True, timeout=120)
        runs.append((text.returncode, text.stdout, text.stderr, doc.stdout))
        assert any(env_cache.rglob("*.json")), "the result cache was not written"
    assert runs[0] == runs[1]
    code, stdout, stderr, doc = runs[0]
    assert code == 1
    assert stdout.endswith("in 1 file.\n5 files skipped (2 templates, 2 not config, 1 unreadable; "
                           "--show-skipped lists them).\n")
    assert stderr.splitlines() == [f"cfglint: skipped {s['path']}: {s['reason']}" for s in SKIPPED]
    data = json.loads(doc)
    assert data["version"] == 2 and data["skipped"] == SKIPPED and data["summary"]["skipped"] == 5


def test_the_result_cache_carries_the_skipped_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cfglint import api
    from cfglint.settings import Settings

    repo = skipped_tree(tmp_path / "svc")
    settings = Settings.model_validate({"respect-gitignore": False, "cache-dir": str(tmp_path / "cache")})
    cold = api.lint([repo], settings, cwd=repo)

    def no_parsing(*a: object, **k: object) -> None:
        raise AssertionError("a file was parsed: the run was not answered by the cache")

    monkeypatch.setattr(api, "parse_source", no_parsing)
    warm = api.lint([repo], settings, cwd=repo)
    assert warm.skipped == cold.skipped == [(s["path"], s["reason"]) for s in SKIPPED]
    assert warm.files_skipped == cold.files_skipped == 5


def test_a_clean_run_says_what_it_skipped(tmp_path: Path) -> None:
    repo = skipped_tree(tmp_path / "svc")
    (repo / "src/main/resources/application.yml").write_text("server:\n  port: 8080\n")
    res = cfglint("check", cwd=repo)
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout == ("All checks passed (1 file).\n5 files skipped (2 templates, 2 not config, 1 unreadable; "
                          "--show-skipped lists them).\n")
    assert res.stderr == ""


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__]))
