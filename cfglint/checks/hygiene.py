"""Configuration hygiene: CF002 (unresolved placeholder). Semantics: facts/spring.md §7."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import Any

from cfglint.checks import finding, short
from cfglint.findings import Finding
from cfglint.model.module import ModuleModel, Unresolved
from cfglint.registry import check
from cfglint.resolve import canon
from cfglint.span import Span

# ${DB_PASSWORD}, ${JAVA_HOME}, Maven's ${env.JAVA_HOME}: environment variables, supplied by the deployment.
_ENV_NAME = re.compile(r"^(?:env\.)?[A-Z][A-Z0-9_]*$")
# Supplied by the JVM, the servlet container, Spring Boot / Spring Cloud at run time, or by Maven resource
# filtering at build time; never expected in the module's own files.
RUNTIME_PREFIXES = ("java", "sun", "jdk", "catalina", "jetty", "jboss", "random", "spring.cloud.client", "vcap",
                    "project", "pom")
RUNTIME_NAMES = frozenset(canon(n) for n in (
    "user.home", "user.dir", "user.name", "user.timezone", "user.language", "user.country", "os.name", "os.arch",
    "os.version", "file.separator", "file.encoding", "line.separator", "path.separator", "spring.application.name",
    "spring.profiles.active", "spring.profiles.include", "server.port", "local.server.port",
    "local.management.port", "management.server.port", "pid", "basedir", "hostname", "spring.application.index",
    "spring.application.instance-id"))


def _runtime(name: str) -> bool:
    c = canon(name)
    return c in RUNTIME_NAMES or any(c == p or c.startswith(p + ".") for p in RUNTIME_PREFIXES)


# "Did you mean" compares a placeholder with each sibling key (difflib, a few microseconds each). Thousands of
# unresolved placeholders among thousands of siblings made that quadratic (2,000 of each: 8 s), so each model
# gets this many comparisons; findings past it go without the hint.
HINT_BUDGET = 100_000


def _under_parent(name: str, model: ModuleModel) -> tuple[str, list[str]]:
    """The placeholder's canonical name, and the keys the module defines under its parent prefix at any depth
    (``jdbc.url`` for ``${jdbc.pasword}``), in definition order; the name itself may be among them (shared list,
    not to be mutated)."""
    c = canon(name)
    parent = c.rsplit(".", 1)[0] if "." in c else ""
    if not parent:
        return c, []
    under = model.memo.get("keys-under")
    if under is None:  # every ancestor prefix -> the keys below it: one pass, not one per placeholder
        index: dict[str, list[str]] = {}
        for k in model.defined:
            i = k.find(".")
            while i > 0:
                index.setdefault(k[:i], []).append(k)
                i = k.find(".", i + 1)
        under = model.memo["keys-under"] = index
    return c, under.get(parent, [])  # type: ignore[attr-defined]


def reportable(u: Unresolved, model: ModuleModel) -> bool:
    name = u.name
    if not name or "${" in name or _ENV_NAME.match(name) or _runtime(name):
        return False
    if model.config_center:
        return False  # the module reads a config server or imports other locations: values come from there
    if u.span.line != u.span.end_line:
        return False  # inside a multi-line block (a file embedded in a Helm value or ConfigMap)
    if canon(name) in model.defined:
        return False  # defined, only in another profile's file
    c, keys = _under_parent(name, model)
    return any(k != c for k in keys)  # the module keeps that group of keys itself


@check("CF002")
def unresolved_placeholder(model: ModuleModel, options: dict[str, Any]) -> Iterator[Finding]:
    by_span: dict[Span, list[Unresolved]] = {}
    for u in model.unresolved:
        if reportable(u, model):
            same = by_span.setdefault(u.span, [])
            if all(n.name != u.name for n in same):
                same.append(u)
    budget = HINT_BUDGET
    for span, group in by_span.items():  # one finding per occurrence; several only when the span is shared
        u = group[0]
        names = ", ".join(f"${{{g.name}}}" for g in group)
        hints = []
        for g in group:
            c, keys = _under_parent(g.name, model)
            if len(keys) > budget:
                continue
            budget -= len(keys)
            close = difflib.get_close_matches(c, [k for k in keys if k != c], n=1, cutoff=0.8)
            if close:
                d = model.defined[close[0]]
                hints.append(f"did you mean {d.key} in {d.where()}?")
        parent = canon(u.name).rsplit(".", 1)[0]
        head = (f"{short(names, 64)} is not defined in this module and has no default" if len(group) == 1 else
                f"{short(names, 64)} are not defined in this module and have no default")
        yield finding("CF002", span, head, f"placeholder/{u.where}/{'+'.join(g.name for g in group)}",
                      why=f"Nothing in this module defines {' or '.join(g.name for g in group)} (used by {u.where}), "
                          f"although the module defines other {parent}.* keys. Spring fails at startup with "
                          f"\"Could not resolve placeholder '{u.name}'\" (Boot's @ConfigurationProperties binder "
                          "instead keeps the literal text), and cfglint cannot judge the value.",
                      help=" ".join([*hints, f"{'Otherwise d' if hints else 'd'}efine {u.name} in the module, "
                                              f"or give a default: ${{{u.name}:...}}"]),
                      notes=("if the deployment supplies it (-D, environment, an external file), write a default or "
                             "suppress this note",))
