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

from tests.test_realworld import GOLDEN, REALWORLD, realworld_golden_lines  # noqa: E402

if (REALWORLD / "MANIFEST.tsv").is_file():
    lines = realworld_golden_lines()
    GOLDEN.write_text("# Findings on ../shared/realworld: RULE severity path:line:col (scripts/update_golden.py; read "
                      "every change by hand)\n" + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    print(f"realworld: {len(lines)} findings")
