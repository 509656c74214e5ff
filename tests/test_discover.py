"""Discovery: file kinds, skipped directories, test sources, module grouping."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from cfglint.discover import classify, group, walk


def _touch(root: Path, rel: str, text: str = "") -> None:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")


def test_classify_by_name_and_sniff() -> None:
    spring = b'<beans xmlns="http://www.springframework.org/schema/beans"/>'
    assert classify(Path("a.xml"), spring)[0] == "xml"
    assert classify(Path("logback.xml"), b"<configuration debug=\"false\"><appender/></configuration>")[0] == "skip"
    assert classify(Path("generatorConfig.xml"), b"<generatorConfiguration><jdbcConnection "
                    b"connectionURL=\"jdbc:mysql://x\"/></generatorConfiguration>")[0] == "skip"
    assert classify(Path("pom.xml"), b"<project/>")[0] == "build"
    assert classify(Path("application-dev.yml"), b"server:\n  port: 1\n")[0] == "yaml"
    assert classify(Path("ci.yml"), b"on: push\njobs:\n  a: {}\n")[0] == "skip"
    assert classify(Path("deploy.yaml"), b"apiVersion: apps/v1\nkind: Deployment\n")[0] == "k8s"
    assert classify(Path("docker-compose.yml"), b"services:\n  app: {}\n")[0] == "compose"
    assert classify(Path("jdbc.properties"), b"a=b")[0] == "properties"
    assert classify(Path("mbg/generator.properties"), b"jdbc.connectionURL=jdbc:mysql://x")[0] == "skip"
    # jeecg's code generator reads its own database settings; the running service never does (issue 19)
    assert classify(Path("src/main/resources/jeecg/jeecg_database.properties"),
                    b"diver_name=com.mysql.jdbc.Driver\nurl=jdbc:mysql://db:3306/jeecg")[0] == "skip"
    assert classify(Path("codegen/src/main/resources/db.properties"), b"url=jdbc:mysql://db:3306/x")[0] == "skip"
    assert classify(Path("src/main/resources/jeecg/application.properties"), b"url=jdbc:mysql://db/x")[0] == \
        "properties"
    assert classify(Path("res/templates/code.properties"), b"spring.datasource.url=jdbc:mysql://x")[0] == "skip"


def test_walk_skips_build_output_tests_and_hidden_dirs(tmp_path: Path) -> None:
    _touch(tmp_path, "svc/pom.xml", "<project/>")
    _touch(tmp_path, "svc/src/main/resources/application.yml", "a: 1\n")
    _touch(tmp_path, "svc/src/test/resources/application.yml", "a: 1\n")
    _touch(tmp_path, "svc/target/classes/application.yml", "a: 1\n")
    _touch(tmp_path, "node_modules/x/application.yml", "a: 1\n")
    _touch(tmp_path, ".idea/app.xml", "<beans/>")
    files = walk([tmp_path], tmp_path, respect_gitignore=False)
    assert sorted(f.display for f in files) == ["svc/pom.xml", "svc/src/main/resources/application.yml"]
    with_tests = walk([tmp_path], tmp_path, include_tests=True, respect_gitignore=False)
    assert "svc/src/test/resources/application.yml" in {f.display for f in with_tests}


def test_modules_group_by_build_file_then_src_layout(tmp_path: Path) -> None:
    _touch(tmp_path, "a/pom.xml", "<project/>")
    _touch(tmp_path, "a/src/main/resources/application.yml", "x: 1\n")
    _touch(tmp_path, "a/src/main/resources/jdbc.properties", "x=1\n")
    _touch(tmp_path, "b/src/main/resources/application.yml", "x: 1\n")  # no build file: Maven layout
    _touch(tmp_path, "conf/app.properties", "x=1\n")  # neither: its own directory
    mods = group(walk([tmp_path], tmp_path, respect_gitignore=False))
    roots = {m.root.relative_to(tmp_path).as_posix(): len(m.files) for m in mods}
    assert roots == {"a": 3, "b": 1, "conf": 1}


def test_explicit_files_are_always_taken(tmp_path: Path) -> None:
    _touch(tmp_path, "svc/src/test/resources/app.yml", "a: 1\n")
    files = walk([Path("svc/src/test/resources/app.yml")], tmp_path, respect_gitignore=False)
    assert [f.display for f in files] == ["svc/src/test/resources/app.yml"]


def test_exclude_patterns(tmp_path: Path) -> None:
    _touch(tmp_path, "legacy/application.yml", "a: 1\n")
    _touch(tmp_path, "app/application.yml", "a: 1\n")
    files = walk([tmp_path], tmp_path, exclude=("legacy",), respect_gitignore=False)
    assert [f.display for f in files] == ["app/application.yml"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_walk_respects_gitignore_inside_a_repository_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _touch(tmp_path, "svc/src/main/resources/application.yml", "a: 1\n")
    _touch(tmp_path, "gen/src/main/resources/application.yml", "a: 1\n")
    _touch(tmp_path, ".gitignore", "gen/\n")

    def names() -> list[str]:
        return sorted(f.display for f in walk([tmp_path], tmp_path) if f.display.endswith(".yml"))

    both = ["gen/src/main/resources/application.yml", "svc/src/main/resources/application.yml"]
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))  # not a repository around tmp
    assert names() == both  # not a repository: .gitignore means nothing to git
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, capture_output=True)
    assert names() == ["svc/src/main/resources/application.yml"]
