"""The command line as users meet it: exit codes, formats, flags, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

BAD_YAML = "dubbo:\n  protocol:\n    threadpool: cached\n"
GOOD_YAML = "dubbo:\n  protocol:\n    threadpool: fixed\n    threads: 200\n"


def cfglint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    return subprocess.run([sys.executable, "-m", "cfglint", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=120)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "pom.xml").write_text("<project/>")
    res = tmp_path / "src/main/resources"
    res.mkdir(parents=True)
    (res / "application.yml").write_text(BAD_YAML)
    return tmp_path


def test_version() -> None:
    res = cfglint("--version", cwd=ROOT)
    assert res.returncode == 0 and res.stdout.startswith("cfglint ")


def test_readme_opening_example_is_what_cfglint_prints() -> None:
    """The README's first example: the command it shows prints a line starting as shown (up to its "...")."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```", 2)[1].strip().splitlines()
    command, shown = block[0].removeprefix("$ ").split(), block[1:]
    assert command[0] == "cfglint" and shown
    res = cfglint(*command[1:], cwd=ROOT)  # exactly the command shown
    printed = res.stdout.splitlines()
    for line in shown:
        head, _, tail = line.partition(" ... ")
        assert any(p.startswith(head) and p.endswith(tail) for p in printed), (line, printed)


def test_findings_exit_1_and_concise_shape(repo: Path) -> None:
    res = cfglint("check", ".", "--format", "concise", cwd=repo)
    assert res.returncode == 1, res.stderr
    assert res.stdout.splitlines() == [
        line for line in res.stdout.splitlines()
        if line.startswith("src/main/resources/application.yml:3:17: error: ") and line.endswith("[TP001]")
    ]
    assert res.stdout.strip()


def test_clean_tree_exits_0(repo: Path) -> None:
    (repo / "src/main/resources/application.yml").write_text(GOOD_YAML)
    res = cfglint("check", "--format", "concise", cwd=repo)
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout == ""


def test_fail_on_and_exit_zero(repo: Path) -> None:
    assert cfglint("check", "--fail-on", "error", cwd=repo).returncode == 1
    assert cfglint("check", "--exit-zero", cwd=repo).returncode == 0
    assert cfglint("check", "--ignore", "TP001", cwd=repo).returncode == 0
    assert cfglint("check", "--select", "DS", cwd=repo).returncode == 0


def test_usage_errors_are_one_line_exit_2(repo: Path) -> None:
    for args in (["check", "--format", "xml"], ["check", "missing-dir"], ["check", "--select", "ZZ9"],
                 ["check", "--fail-on", "fatal"], ["explain", "XX001"]):
        res = cfglint(*args, cwd=repo)
        assert res.returncode == 2, (args, res.stdout, res.stderr)
        assert "Traceback" not in res.stderr
        assert len(res.stderr.strip().splitlines()) == 1, res.stderr


def test_bad_config_is_exit_2_naming_the_key(repo: Path) -> None:
    (repo / ".cfglint.toml").write_text('fail-on = "warning"\nselct = ["TP"]\n')
    res = cfglint("check", cwd=repo)
    assert res.returncode == 2 and "selct" in res.stderr


def test_config_file_is_found_and_applied(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.cfglint]\nignore = ["unbounded-thread-pool"]\n')
    assert cfglint("check", cwd=repo).returncode == 0


def test_json_and_sarif_outputs_in_one_run(repo: Path) -> None:
    res = cfglint("check", "--format", "sarif", "--output", "out.sarif", "--format", "json", cwd=repo)
    assert res.returncode == 1, res.stderr
    doc = json.loads(res.stdout)
    assert doc["version"] == 2 and doc["findings"][0]["rule"] == "TP001"
    sarif = json.loads((repo / "out.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"][0]["results"][0]["ruleId"] == "TP001"


def test_text_output_shows_the_source_line(repo: Path) -> None:
    res = cfglint("check", cwd=repo)
    assert "threadpool: cached" in res.stdout
    assert "^" in res.stdout
    assert "\x1b[" not in res.stdout  # not a terminal: no colour


def test_baseline_hides_known_findings_and_reports_stale_entries(repo: Path) -> None:
    assert cfglint("check", "--write-baseline", "bl.json", "--exit-zero", cwd=repo).returncode == 0
    # an edit above the finding must not break the baseline (fingerprints carry no line numbers)
    yml = repo / "src/main/resources/application.yml"
    yml.write_text("# added comment\nserver:\n  port: 8080\n" + BAD_YAML)
    assert cfglint("check", "--baseline", "bl.json", cwd=repo).returncode == 0
    yml.write_text(GOOD_YAML)
    res = cfglint("check", "--baseline", "bl.json", cwd=repo)
    assert res.returncode == 0 and "no longer match" in res.stderr


def test_parse_error_is_a_finding_and_other_files_are_linted(repo: Path) -> None:
    (repo / "src/main/resources/broken.xml").write_text(
        '<beans xmlns="http://www.springframework.org/schema/beans">\n  <bean id="x"\n')
    res = cfglint("check", "--format", "concise", cwd=repo)
    assert res.returncode == 1
    rules = {line.rsplit("[", 1)[-1].rstrip("]") for line in res.stdout.splitlines()}
    assert rules == {"CF001", "TP001"}


def test_rules_lists_every_rule_as_json() -> None:
    res = cfglint("rules", "--format", "json", cwd=ROOT)
    ids = [r["id"] for r in json.loads(res.stdout)]
    assert "TP001" in ids and ids == sorted(ids)


def test_nothing_could_be_linted_exits_2(tmp_path: Path) -> None:
    """Every candidate file is binary: exit 2 naming the files (twice: the cached run says the same), even with
    --exit-zero; one readable file among them is a normal run; a tree with no configuration at all exits 0."""
    (tmp_path / "application.properties").write_bytes(b"dubbo.protocol.threads=1\n\x00\x01\x02")
    for _ in range(2):
        res = cfglint("check", ".", "--exit-zero", cwd=tmp_path)
        assert res.returncode == 2, res.stdout + res.stderr
        assert res.stderr.strip() == ("cfglint: error: nothing could be linted: application.properties: binary file "
                                      "(contains NUL bytes)")
        assert res.stdout == ""
    (tmp_path / "application.yml").write_text(GOOD_YAML)
    res = cfglint("check", ".", cwd=tmp_path)
    assert res.returncode == 0 and res.stderr == ""
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "README.md").write_text("no configuration here\n")
    res = cfglint("check", ".", cwd=empty)
    assert res.returncode == 0 and "0 files" in res.stdout
