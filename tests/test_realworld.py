"""Real-world sweep: every configuration file copied from public repositories (../shared/realworld, see its
README and MANIFEST.tsv) is discovered, and is either linted, reported as CF001 at a position inside the file,
or skipped with a reason; no internal error anywhere; the whole run stays within a generous time bound.
Skips when the shared folder is absent (e.g. a checkout without it)."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from cfglint.api import lint, load_file
from cfglint.discover import walk
from cfglint.settings import Settings
from tests.regressions.harness import check_loaded, check_report, is_internal

REALWORLD = Path(__file__).resolve().parents[2] / "shared/realworld"
BOUND_SECONDS = 120  # generous: a few seconds on a laptop; this catches hangs, not regressions in speed

pytestmark = pytest.mark.skipif(not (REALWORLD / "MANIFEST.tsv").is_file(), reason="../shared/realworld absent")


def _manifest() -> set[Path]:
    rows = (REALWORLD / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    out = set()
    for row in rows:
        repo, _commit, path, _kind = row.split("\t")[:4]
        out.add(REALWORLD / repo.replace("/", "__", 1) / path)
    return out


def test_every_file_is_linted_or_reported() -> None:
    files = walk([REALWORLD], REALWORLD, include_tests=True, respect_gitignore=False)
    assert {f.path for f in files} == _manifest(), "discovery missed (or invented) files"
    outcome: Counter[str] = Counter()
    for f in files:
        item = load_file(f, 5 * 1024 * 1024)
        check_loaded(item, f.path.read_bytes())  # no internal error, positions inside the file
        if item.error is not None:
            outcome["CF001"] += 1
        elif item.node is not None:
            outcome[f"linted {f.kind}"] += 1
        else:
            assert f.kind in ("skip", "build") and (f.reason or f.kind == "build"), f.display
            outcome["skipped"] += 1
    assert sum(outcome.values()) == len(files)
    assert outcome["linted xml"] and outcome["linted yaml"] and outcome["linted properties"], outcome


def _state() -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_mtime_ns, p.stat().st_size) for p in REALWORLD.rglob("*")}


def _findings(report) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [(f.rule, f.severity, f.message, f.span, f.related, f.fingerprint) for f in report.findings]


def test_whole_sweep_has_no_internal_error_and_finishes() -> None:
    """Default jobs (workers per CPU on this many files) and serial (--jobs 1): same findings; nothing
    written to the tree."""
    before = _state()
    settings = Settings.model_validate({"respect-gitignore": False, "include-tests": True})
    start = time.perf_counter()
    report = lint([REALWORLD], settings, cwd=REALWORLD)
    elapsed = time.perf_counter() - start
    assert elapsed < BOUND_SECONDS, f"{elapsed:.1f} s"
    internal = [f"{f.span}: {f.message}" for f in report.findings if is_internal(f)]
    assert internal == []
    check_report(report, REALWORLD)
    assert report.files_linted + report.files_skipped == len(_manifest())
    assert report.findings, "a sweep of real repositories with no finding at all means nothing was linted"
    serial = lint([REALWORLD], settings.model_copy(update={"jobs": 1}), cwd=REALWORLD)
    assert _findings(serial) == _findings(report)
    assert _state() == before, "the sweep modified the real-world tree"


GOLDEN = Path(__file__).resolve().parent / "realworld_expected.txt"


def realworld_golden_lines() -> list[str]:
    """Every finding on ../shared/realworld as `RULE severity path:line:col` (paths relative to it), as a user runs
    cfglint there (tests skipped, no git). Read by hand when it changes: scripts/update_golden.py rewrites it."""
    report = lint([REALWORLD], Settings.model_validate({"respect-gitignore": False, "cache": False}), cwd=REALWORLD)
    return [f"{f.rule} {f.severity.label} {f.span.path}:{f.span.line}:{f.span.col}" for f in report.findings]


def test_realworld_golden_findings() -> None:
    """The real-world findings are a reviewed list: a finding that appears or vanishes must be read by a person as
    that repository's maintainer would (see the closing notes of the issues that changed them)."""
    expected = [line for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    got = realworld_golden_lines()
    assert got == expected, "\n".join(["new:", *sorted(set(got) - set(expected)), "gone:",
                                       *sorted(set(expected) - set(got))])
