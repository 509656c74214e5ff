"""What the README tells a new user holds: every install line installs this project (PyPI's `cfglint` is an
unrelated project), consistently with the pre-commit hook, and the Quick start says what its example does:
it exits 1 because it finds problems, and where results are cached."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tomllib
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def code_blocks(lang: str | None = None) -> list[str]:
    return [m.group(2) for m in re.finditer(r"```(\w*)\n(.*?)```", README, re.S) if lang in (None, m.group(1))]


def section(title: str) -> str:
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def requirements(line: str) -> list[str]:
    """The requirement arguments of the `pip install` commands in one line of shell."""
    out = []
    for cmd in re.split(r"&&|;|\|\|", line):
        words = shlex.split(cmd)
        if "pip" in words and words[words.index("pip") + 1:words.index("pip") + 2] == ["install"]:
            args = words[words.index("pip") + 2:]
            out += [a for a in args if not a.startswith("-")]
    return out


def test_the_distribution_name_is_not_the_unrelated_pypi_project() -> None:
    assert PROJECT["name"] == "cfglint-jvm"
    assert PROJECT["scripts"] == {"cfglint": "cfglint.__main__:main"}  # the command keeps its name


def test_every_install_line_installs_this_project() -> None:
    lines = [line for line in README.splitlines() if "pip install" in line]
    assert len(lines) >= 4  # the two Quick-start commands, GitHub Actions, GitLab CI
    rev = f"v{PROJECT['version']}"
    for line in lines:
        reqs = requirements(line.strip().removeprefix("- ").removeprefix("run: "))
        assert reqs, line
        for req in reqs:
            if req in (".", ".[test]"):  # the checkout itself
                continue
            name, _, url = req.partition(" @ ")
            assert name == PROJECT["name"], line
            assert url == f"git+https://github.com/cfglint/cfglint@{rev}", line


def test_pre_commit_snippet_matches_the_hook_and_the_ci_tag() -> None:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe")
    for block in code_blocks("yaml"):
        yaml.load(StringIO(block))  # every YAML snippet parses
    hooks = yaml.load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    config = next(yaml.load(StringIO(b)) for b in code_blocks("yaml") if "repos:" in b)
    [repo] = config["repos"]
    assert repo["repo"] == "https://github.com/cfglint/cfglint" and repo["rev"] == f"v{PROJECT['version']}"
    assert {h["id"] for h in repo["hooks"]} <= {h["id"] for h in hooks}
    assert hooks[0]["entry"].split()[0] in PROJECT["scripts"]


def test_quick_start_says_it_exits_1_and_where_results_are_cached(tmp_path: Path) -> None:
    quick = section("Quick start")
    assert re.search(r"exits with status 1", quick)
    assert "~/.cache/cfglint" in quick and "--no-cache" in quick
    command = next(b for b in code_blocks("sh") if "cfglint check" in b).split("&& ")[-1].split()
    assert command[:2] == ["cfglint", "check"]
    env = {k: v for k, v in os.environ.items() if k not in ("CFGLINT_CACHE_DIR", "XDG_CACHE_HOME")}
    env["HOME"] = str(tmp_path)
    res = subprocess.run([sys.executable, "-m", "cfglint", *command[1:]], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 1, res.stdout + res.stderr  # findings: exit 1, as the README says
    if sys.platform.startswith("linux"):
        assert any((tmp_path / ".cache" / "cfglint").rglob("*.json")), "results were not cached where it says"
