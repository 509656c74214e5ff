"""Baseline: fingerprints of accepted findings (rule + file relative to the project root + normalised key path,
never line numbers), so a legacy repository can adopt the gate and only new findings fail, and a baseline
written from the repository root matches when cfglint runs from a subdirectory."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from cfglint.findings import Finding

VERSION = 1


class BaselineError(Exception):
    pass


def write_baseline(path: Path, findings: list[Finding], root_path: Callable[[str], str] | None = None) -> int:
    """``root_path``: a Span.path relative to the project root (Report.root_path), the path the fingerprint was
    made from, so the file reads the same whichever directory wrote it."""
    rel = root_path or (lambda p: p)
    entries = {f.fingerprint: {"rule": f.rule, "path": rel(f.span.path), "key": f.key} for f in findings}
    data = {"version": VERSION, "tool": "cfglint", "findings": dict(sorted(entries.items()))}
    from cfglint.formatters.jsontext import dumps

    path.write_text(dumps(data) + "\n", encoding="utf-8")
    return len(entries)


def read_baseline(path: Path) -> dict[str, dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"baseline file not found: {path}") from None
    except (OSError, ValueError) as e:
        raise BaselineError(f"cannot read baseline {path}: {e}") from None
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("findings"), dict):
        raise BaselineError(f"{path} is not a cfglint baseline (version {VERSION})")
    return data["findings"]


def apply_baseline(findings: list[Finding], entries: dict[str, dict]) -> tuple[list[Finding], list[dict]]:
    """(new findings, baseline entries that no longer match anything)."""
    matched: set[str] = set()
    kept = []
    for f in findings:
        if f.fingerprint in entries:
            matched.add(f.fingerprint)
        else:
            kept.append(f)
    stale = [dict(v, fingerprint=k) for k, v in entries.items() if k not in matched]
    return kept, stale
