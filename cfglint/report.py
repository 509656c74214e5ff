"""Report: the result of one lint run, consumed by every formatter."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from cfglint.findings import Finding
from cfglint.registry import RuleMeta


@dataclass
class Report:
    findings: list[Finding]  # sorted, suppressed ones removed; CF001 parse errors included
    rules: list[RuleMeta]  # every enabled rule, sorted by ID
    files_linted: int = 0
    files_skipped: int = 0
    srcroot: str = "."  # absolute path that SARIF/GitLab URIs and fingerprints are relative to (api.project_root)
    cwd: str = "."  # absolute path that Span.path values are relative to
    tool_version: str = ""
    sources: dict[str, str] = field(default_factory=dict)  # Span.path -> decoded text, for excerpts
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (path, why): skipped, not readable as text
    fail_on: str = "warning"  # the --fail-on threshold: formats that pass or fail per finding (JUnit) follow it
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why) of every file found and not linted
    unjudged: dict[str, int] = field(default_factory=dict)  # why -> JDBC connections JD001/JD002 left alone

    def unjudged_line(self) -> str:
        """'12 JDBC connections not judged (9 on a loopback host, 3 in a dev/local/test profile file; ...)'."""
        n = sum(self.unjudged.values())
        if not n:
            return ""
        parts = ", ".join(f"{c} {why}" for why, c in sorted(self.unjudged.items(), key=lambda kv: (-kv[1], kv[0])))
        return (f"{n} JDBC connection{'s' if n != 1 else ''} not judged for timeouts ({parts}; "
                "the JD001/JD002 option include-local = true judges them too).")

    def count(self) -> dict[str, int]:
        out = {"error": 0, "warning": 0, "note": 0}
        for f in self.findings:
            out[f.severity.label] += 1
        return out

    def skipped_groups(self) -> dict[str, int]:
        """Skipped files counted by why: templates, files that are not runtime configuration, unreadable files."""
        out = {"template": 0, "not config": 0, "unreadable": 0}
        for _, why in self.skipped:
            out[skip_group(why)] += 1
        return out

    def root_path(self, path: str) -> str:
        """A Span.path relative to srcroot (posix; ``../`` for a file outside it): the path baselines record."""
        return root_relative(self.cwd, self.srcroot)(path)


def root_relative(cwd: str, root: str) -> Callable[[str], str]:
    """Span.path (relative to ``cwd``) -> the same file relative to ``root`` in posix form, memoised per path."""
    memo: dict[str, str] = {}
    base = os.path.abspath(cwd)
    top = os.path.abspath(root)
    # Nearly every path is a plain relative one under the current directory, itself under the root: a prefix.
    inside = base == top or base.startswith(top.rstrip(os.sep) + os.sep)
    prefix = "" if base == top else os.path.relpath(base, top).replace(os.sep, "/") + "/"

    def rel(path: str) -> str:
        out = memo.get(path)
        if out is None and inside and not path.startswith(("/", "./", "../")) and "/./" not in path \
                and "/../" not in path and not os.path.isabs(path):
            out = memo[path] = prefix + path
        if out is None:
            target = os.path.normpath(os.path.join(base, path))
            try:
                out = os.path.relpath(target, top).replace(os.sep, "/")
            except ValueError:  # another drive on Windows
                out = target.replace(os.sep, "/")
            memo[path] = out
        return out

    return rel


def skip_group(reason: str) -> str:
    """The group a skip reason belongs to, for the text summary."""
    low = reason.lower()
    if "template" in low:  # Helm/Go templates, templates/ directories, files that do not parse as templates do not
        return "template"
    if low.startswith(("binary", "not a regular file")):
        return "unreadable"
    return "not config"
