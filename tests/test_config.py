"""Configuration as a team adopting cfglint uses it: discovery of the config file, selection by ID,
name or family, per-file ignores, severity overrides, rule options, version overrides, shared config."""

from __future__ import annotations

from pathlib import Path

import pytest

from cfglint.api import lint
from cfglint.settings import ConfigError, find_config, load_settings
from tests.conftest import write_tree

DS = {"pom.xml": "<project/>",
      "svc/pom.xml": "<project/>",
      "svc/src/main/resources/application.properties":
          "spring.datasource.druid.url=jdbc:h2:mem:x\nspring.datasource.druid.max-wait=1500\n"
          "dubbo.protocol.name=dubbo\ndubbo.provider.timeout=3000\n"}


def _lint(root: Path, toml: str) -> list[tuple[str, str]]:
    (root / ".cfglint.toml").write_text(toml)
    settings = load_settings(None, root, {"respect-gitignore": False})
    return [(f.rule, f.severity.label) for f in lint([root], settings, cwd=root).findings]


def test_found_by_walking_up_and_unknown_keys_rejected(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.cfglint]\nignore = ["TP"]\n')
    (tmp_path / "a/b").mkdir(parents=True)
    assert find_config(tmp_path / "a/b") == tmp_path / "pyproject.toml"
    (tmp_path / ".cfglint.toml").write_text('selct = ["TP"]\n')
    with pytest.raises(ConfigError, match="selct"):
        load_settings(None, tmp_path / "a/b")
    (tmp_path / ".cfglint.toml").write_text('fail-on = "fatal"\n')
    with pytest.raises(ConfigError, match="fail"):
        load_settings(None, tmp_path)


def test_druid_version_override_and_rule_severity(tmp_path: Path) -> None:
    write_tree(tmp_path, DS)
    # Unknown Druid version: 2 attempts x 1500 ms >= 3000 ms.
    assert ("DS002", "error") in _lint(tmp_path, "")
    # Druid 1.2.23 makes one attempt: 1500 < 3000.
    assert "DS002" not in {r for r, _ in _lint(tmp_path, 'druid-version = "1.2.23"\n')}
    assert ("DS002", "warning") in _lint(tmp_path, '[severity]\n"pool-wait-exceeds-rpc-timeout" = "warning"\n')


def test_per_file_ignores_and_select_by_family(tmp_path: Path) -> None:
    write_tree(tmp_path, DS)
    assert _lint(tmp_path, '[per-file-ignores]\n"**/application.properties" = ["DS"]\n') == []
    assert _lint(tmp_path, 'select = ["JD"]\n') == []


def test_rule_option_and_unknown_option(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pom.xml": "<project/>", "src/main/resources/application.properties":
                          "spring.datasource.druid.url=jdbc:mysql://db/app?connectTimeout=20000&socketTimeout=9000\n"
                          "spring.datasource.druid.max-wait=100\n"})
    assert "JD001" not in {r for r, _ in _lint(tmp_path, "")}
    assert "JD001" in {r for r, _ in _lint(tmp_path, '[rules.JD001]\nmax-connect-timeout = 10\n')}
    (tmp_path / ".cfglint.toml").write_text('[rules.JD001]\nmax-timeout = 10\n')
    with pytest.raises(ConfigError, match="max-timeout"):
        lint([tmp_path], load_settings(None, tmp_path), cwd=tmp_path)


def test_shared_config_is_visible_to_every_module(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "pom.xml": "<project/>",
        "nacos/common.properties": "common.threads=2147483647\n",
        "a/pom.xml": "<project/>",
        "a/src/main/resources/application.properties": "dubbo.protocol.threads=${common.threads}\n",
    })
    assert "TP001" not in {r for r, _ in _lint(tmp_path, "")}  # unresolved without the shared file
    assert "TP001" in {r for r, _ in _lint(tmp_path, 'shared-config = ["nacos/*.properties"]\n')}
