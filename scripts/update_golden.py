"""Rewrite corpus/*/expected.txt from the current linter output. Review `git diff corpus` by eye:
every changed line is a behaviour change that must be intended."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_corpus import REPOS, golden_lines, run

HEADER = "# Golden findings: path:line:col: severity: rule (regenerate with scripts/update_golden.py)\n"

for repo in REPOS:
    lines = golden_lines(run(repo))
    (repo / "expected.txt").write_text(HEADER + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    print(f"{repo.name}: {len(lines)} findings")
