"""Configuration: ``[tool.cfglint]`` in pyproject.toml or ``.cfglint.toml``, found by walking up from
the first linted path to the repository root, then command-line overrides."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from cfglint.findings import Severity

DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024


class ConfigError(Exception):
    """Bad configuration or usage: exit code 2 with this one-line message."""


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)

    select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = Field(default_factory=dict, alias="per-file-ignores")
    severity: dict[str, str] = Field(default_factory=dict)
    rules: dict[str, dict[str, Any]] = Field(default_factory=dict)
    fail_on: str = Field("warning", alias="fail-on")
    shared_config: list[str] = Field(default_factory=list, alias="shared-config")
    druid_version: str | None = Field(None, alias="druid-version")
    dubbo_version: str | None = Field(None, alias="dubbo-version")
    spring_boot_version: str | None = Field(None, alias="spring-boot-version")
    include_tests: bool = Field(False, alias="include-tests")
    max_file_size: int = Field(DEFAULT_MAX_FILE_SIZE, alias="max-file-size")
    respect_gitignore: bool = Field(True, alias="respect-gitignore")
    inline_suppressions: bool = Field(True, alias="inline-suppressions")
    expand_modules: bool = Field(False, alias="expand-modules")
    jobs: int = 0  # 0 = number of CPUs (serial for small inputs: api.effective_jobs)
    cache: bool = True  # content-hash cache of module results (cfglint.cache); --no-cache turns it off
    cache_dir: str | None = Field(None, alias="cache-dir")  # default: CFGLINT_CACHE_DIR, else the user cache dir
    config_path: str | None = Field(None, exclude=True)
    # Compute each finding's fix (--fix, --diff, and the formats that carry fixes: JSON, SARIF). The CLI turns it
    # off for the others: the fixers cost about 6% of a cold run. Part of the cache key like every other field.
    compute_fixes: bool = Field(True, alias="compute-fixes", exclude=True)

    @field_validator("fail_on")
    @classmethod
    def _fail_on(cls, v: str) -> str:
        Severity.parse(v)
        return v.lower()

    @field_validator("severity")
    @classmethod
    def _severity(cls, v: dict[str, str]) -> dict[str, str]:
        for sev in v.values():
            Severity.parse(sev)
        return v


def find_config(start: Path) -> Path | None:
    d = start if start.is_dir() else start.parent
    d = d.absolute()
    while True:
        for name in (".cfglint.toml", "pyproject.toml"):
            p = d / name
            if p.is_file():
                if name == ".cfglint.toml":
                    return p
                try:
                    if "cfglint" in tomllib.loads(p.read_text(encoding="utf-8")).get("tool", {}):
                        return p
                except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
                    pass
        if (d / ".git").exists() or d.parent == d:
            return None
        d = d.parent


def load_settings(config: Path | None, start: Path, overrides: dict[str, Any] | None = None) -> Settings:
    path = config if config is not None else find_config(start)
    data: dict[str, Any] = {}
    if path is not None:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {path}") from None
        except (OSError, UnicodeDecodeError) as e:
            raise ConfigError(f"cannot read config file {path}: {e}") from None
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{path}: invalid TOML: {e}") from None
        data = raw.get("tool", {}).get("cfglint", {}) if path.name == "pyproject.toml" else raw
    data = {**data, **{k: v for k, v in (overrides or {}).items() if v is not None}}
    if not data:  # nothing to validate: skip building the validation schema (start-up time)
        s = Settings.model_construct()
        s.config_path = str(path) if path else None
        return s
    try:
        s = Settings.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        loc = ".".join(str(x) for x in err["loc"]) or "(root)"
        where = f"{path}: " if path else ""
        raise ConfigError(f"{where}invalid setting '{loc}': {err['msg']}") from None
    s.config_path = str(path) if path else None
    return s
