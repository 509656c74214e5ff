"""Every rule's bad and good examples (rules/*.toml) run as tests: bad examples must produce exactly
the expected findings of that rule; good examples must produce none."""

from __future__ import annotations

from pathlib import Path

import pytest

from cfglint.registry import all_rules
from tests.conftest import run_lint, write_tree

CASES = [
    pytest.param(meta, ex, id=f"{meta.id}-{ex.kind}-{i}")
    for meta in all_rules().values()
    for i, ex in enumerate(meta.examples)
]


def test_every_rule_has_three_bad_and_three_good_examples() -> None:
    for meta in all_rules().values():
        kinds = [e.kind for e in meta.examples]
        assert kinds.count("bad") >= 3, meta.id
        assert kinds.count("good") >= 3, meta.id
        assert meta.docs and meta.summary, meta.id


@pytest.mark.parametrize(("meta", "example"), CASES)
def test_rule_example(meta, example, tmp_path: Path) -> None:
    write_tree(tmp_path, example.files)
    settings = {"rules": {meta.id: example.options}} if example.options else {}
    report = run_lint(tmp_path, **settings)
    got = {f"{f.rule} {f.span.path}:{f.span.line}:{f.span.col}" for f in report.findings if f.rule == meta.id}
    if example.kind == "good":
        assert got == set(), example.description
        return
    want = set()
    for exp in example.expect:
        want.add(exp)
    # An expectation without a column matches any column on that line.
    loose = {w for w in want if w.count(":") == 1}
    got_loose = {g.rsplit(":", 1)[0] for g in got} if loose else set()
    assert (got - {g for g in got if g.rsplit(":", 1)[0] in loose}) == (want - loose), example.description
    assert loose <= got_loose, example.description


def test_header_only_parse_matches_the_whole_file() -> None:
    """all_rules() parses each rule file up to its first [[examples]] (start-up); that must lose nothing."""
    import tomllib

    from cfglint.registry import all_rules

    for rid, meta in all_rules().items():
        full = tomllib.loads(Path(meta.source).read_text(encoding="utf-8"))
        assert (meta.id, meta.name, meta.summary, meta.docs, meta.tags, meta.options) == (
            full["id"], full["name"], full["summary"], full.get("docs", "").strip(), tuple(full.get("tags", ())),
            dict(full.get("options", {}))), rid
        assert len(meta.examples) == len(full.get("examples", ())) >= 6, rid
