"""Print the findings each rule example produces, with the text under each span, so that the
`expect` lines in rules/*.toml are checked by eye instead of hand-counted.

    python scripts/example_positions.py [RULE ...]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cfglint.registry import all_rules
from tests.conftest import run_lint, write_tree


def main(wanted: list[str]) -> None:
    for meta in all_rules().values():
        if wanted and meta.id not in wanted:
            continue
        for i, ex in enumerate(meta.examples):
            with tempfile.TemporaryDirectory() as d:
                write_tree(Path(d), ex.files)
                settings = {"rules": {meta.id: ex.options}} if ex.options else {}
                report = run_lint(Path(d), **settings)
            got = [f for f in report.findings if f.rule == meta.id]
            print(f"{meta.id} #{i} {ex.kind}: {ex.description}  expect={list(ex.expect)}")
            for f in got:
                lines = report.sources.get(f.span.path, "").splitlines()
                text = lines[f.span.line - 1] if 0 < f.span.line <= len(lines) else ""
                one_line = f.span.line == f.span.end_line
                under = text[f.span.col - 1:f.span.end_col - 1] if one_line else text[f.span.col - 1:]
                print(f"    {f.rule} {f.span.path}:{f.span.line}:{f.span.col}  -> {under!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
