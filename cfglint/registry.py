"""Rule metadata (data in rules/*.toml) and the binding of check functions to rule IDs."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from cfglint.findings import Finding, Severity


@dataclass(frozen=True)
class Example:
    kind: str  # "bad" or "good"
    description: str
    files: dict[str, str]  # relative path -> content
    expect: tuple[str, ...] = ()  # "RULE path:line[:col]" findings the example must produce
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleMeta:
    id: str
    name: str
    severity: Severity
    summary: str
    docs: str
    tags: tuple[str, ...] = ()
    options: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> {default, description}
    fix: str = "none"  # "safe", "unsafe" or "none": what --fix offers for this rule's findings (cfglint.fixers)
    fix_doc: str = ""  # what the fix writes, when it is offered, and why it is safe or unsafe
    source: str = field(default="", compare=False)  # the rule's TOML file; examples are read from it on demand

    @property
    def examples(self) -> tuple[Example, ...]:
        """Bad and good examples (tests, ``explain``): parsed on first use, not on every lint's start-up."""
        return _examples(self.source) if self.source else ()

    @property
    def help_uri(self) -> str:
        return f"https://cfglint.readthedocs.io/rules/{self.id}/"

    def option_defaults(self) -> dict[str, Any]:
        return {k: v.get("default") for k, v in self.options.items()}


def rules_dir() -> Path:
    """rules/ lives inside the installed package (wheel) or beside it in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("cfglint rule metadata (rules/) not found next to the package")


# Every rule file keeps its [[examples]] last: the header above them is all a lint run needs.
_EXAMPLES = "\n[[examples]]"


def _parse_rule(path: Path, text: str | None = None) -> RuleMeta:
    text = path.read_text(encoding="utf-8") if text is None else text
    data = tomllib.loads(text.split(_EXAMPLES, 1)[0])
    return RuleMeta(
        id=data["id"],
        name=data["name"],
        severity=Severity.parse(data["severity"]),
        summary=data["summary"],
        docs=data.get("docs", "").strip(),
        tags=tuple(data.get("tags", ())),
        options=dict(data.get("options", {})),
        fix=data.get("fix", "none"),
        fix_doc=" ".join(data.get("fix-doc", "").split()),
        source=str(path),
    )


@cache
def _examples(source: str) -> tuple[Example, ...]:
    data = tomllib.loads(Path(source).read_text(encoding="utf-8"))
    return tuple(
        Example(
            kind=e["kind"],
            description=e.get("description", ""),
            files=dict(e["files"]),
            expect=tuple(e.get("expect", ())),
            options=dict(e.get("options", {})),
        )
        for e in data.get("examples", ())
    )


@cache
def all_rules() -> dict[str, RuleMeta]:
    rules = {}
    for path in sorted(rules_dir().glob("*.toml")):
        meta = _parse_rule(path)
        rules[meta.id] = meta
    return rules


def find_rule(token: str) -> RuleMeta | None:
    """Look a rule up by ID (``TP001``) or name (``unbounded-thread-pool``)."""
    rules = all_rules()
    token = token.strip()
    if token.upper() in rules:
        return rules[token.upper()]
    for meta in rules.values():
        if meta.name == token.lower():
            return meta
    return None


CheckFn = Callable[..., Iterable[Finding]]
CHECKS: dict[str, CheckFn] = {}


def check(rule_id: str) -> Callable[[CheckFn], CheckFn]:
    """Bind a pure check function ``fn(module, options) -> Iterable[Finding]`` to a rule ID."""

    def deco(fn: CheckFn) -> CheckFn:
        CHECKS[rule_id] = fn
        return fn

    return deco
