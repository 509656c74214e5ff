"""Golden findings for the mini repositories in corpus/: each has an expected.txt listing every finding
as `path:line:col: severity: ID` (paths relative to that repository). Regenerate with
`python scripts/update_golden.py` and review the diff by eye."""

from __future__ import annotations

from pathlib import Path

import pytest

from cfglint.api import lint
from cfglint.report import Report
from cfglint.settings import Settings

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
REPOS = sorted(p for p in CORPUS.iterdir() if p.is_dir())


def golden_lines(report: Report) -> list[str]:
    return [f"{f.span.path}:{f.span.line}:{f.span.col}: {f.severity.label}: {f.rule}" for f in report.findings]


def run(repo: Path) -> Report:
    return lint([repo], Settings.model_validate({"respect-gitignore": False}), cwd=repo)


@pytest.mark.parametrize("repo", REPOS, ids=[p.name for p in REPOS])
def test_corpus_golden(repo: Path) -> None:
    expected = (repo / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert golden_lines(run(repo)) == [line for line in expected if line and not line.startswith("#")]


def test_clean_service_is_clean() -> None:
    assert run(CORPUS / "clean-service").findings == []


def test_corpus_covers_both_outages() -> None:
    rules = {f.rule for repo in REPOS for f in run(repo).findings}
    assert {"TP001", "DS002", "JD004"} <= rules
