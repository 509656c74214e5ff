"""Structured diagnostics (issue 21): every finding has a one-line headline of at most HEADLINE characters and
says why it matters and what to write instead (help; CF001 and CF003 may have none), on the corpus, on every
rule's bad examples and on ../shared/realworld (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cfglint.api import lint
from cfglint.findings import Finding
from cfglint.registry import all_rules
from cfglint.settings import Settings
from tests.conftest import run_lint, write_tree

HEADLINE = 110
ROOT = Path(__file__).resolve().parents[1]
CORPUS = sorted(p for p in (ROOT / "corpus").iterdir() if p.is_dir())
REALWORLD = ROOT.parent / "shared/realworld"
HELP_OPTIONAL = {"CF001", "CF003"}


def problems(findings: list[Finding]) -> list[str]:
    out = []
    for f in findings:
        where = f"{f.rule} {f.span}: {f.message!r}"
        if not f.message or "\n" in f.message or len(f.message) > HEADLINE:
            out.append(f"headline: {where} ({len(f.message)} characters)")
        if not f.why.strip():
            out.append(f"no why: {where}")
        if f.rule not in HELP_OPTIONAL and not f.help.strip():
            out.append(f"no help: {where}")
        if f.message.rstrip(".") in f.why:
            out.append(f"why repeats the headline: {where}")
        for st in f.chain:
            if not st.text.strip():
                out.append(f"empty chain step: {where}")
    return out


def _lint(root: Path) -> list[Finding]:
    return lint([root], Settings.model_validate({"respect-gitignore": False, "cache": False}), cwd=root).findings


@pytest.mark.parametrize("repo", CORPUS, ids=[p.name for p in CORPUS])
def test_corpus_findings_have_a_headline_why_and_help(repo: Path) -> None:
    assert problems(_lint(repo)) == []


@pytest.mark.parametrize("rid", sorted(all_rules()))
def test_every_rules_bad_examples_have_a_headline_why_and_help(rid: str, tmp_path: Path) -> None:
    meta = all_rules()[rid]
    seen = 0
    for i, ex in enumerate(e for e in meta.examples if e.kind == "bad"):
        root = tmp_path / str(i)
        write_tree(root, ex.files)
        report = run_lint(root, **({"rules": {rid: ex.options}} if ex.options else {}))
        found = [f for f in report.findings if f.rule == rid]
        seen += len(found)
        assert problems(found) == [], ex.description
    assert seen or rid == "CF001"


@pytest.mark.skipif(not (REALWORLD / "MANIFEST.tsv").is_file(), reason="../shared/realworld absent")
def test_realworld_findings_have_a_headline_why_and_help() -> None:
    found = _lint(REALWORLD)
    assert found
    assert problems(found) == []


def test_placeholder_chain_has_locations(tmp_path: Path) -> None:
    """Each placeholder step carries where it is written: the key that writes ${...}, then the definition."""
    files = {"pom.xml": "<project/>",
             "src/main/resources/application.properties":
                 "dubbo.protocol.threadpool=${pool.kind}\npool.kind=${pool.base}\npool.base=cached\n"}
    write_tree(tmp_path, files)
    (f,) = [f for f in run_lint(tmp_path).findings if f.rule == "TP001"]
    assert (f.span.line, f.span.col) == (3, 11)  # where the value is really written
    assert [st.text for st in f.chain] == [
        "dubbo.protocol.threadpool in src/main/resources/application.properties is written `${pool.kind}`",
        "${pool.kind} = '${pool.base}' (src/main/resources/application.properties:2)",
        "${pool.base} = 'cached' (src/main/resources/application.properties:3)"]
    assert [(st.span.line, st.span.col) for st in f.chain if st.span] == [(1, 27), (2, 11), (3, 11)]
    assert f.message == "Dubbo pool `dubbo.protocol` is unbounded: threadpool=cached with no threads"
    assert f.help.startswith("add dubbo.protocol.threads=200")


def test_readme_concise_regex_parses_every_headline() -> None:
    """The editor task in README matches every concise line, the headline as its message."""
    import json
    import re

    from cfglint.formatters import render
    from cfglint.report import Report

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    pattern = re.compile(json.loads(re.search(r'"regexp": ("[^\n]*"),\n', readme).group(1)))  # type: ignore[union-attr]
    for repo in CORPUS:
        report = lint([repo], Settings.model_validate({"respect-gitignore": False, "cache": False}), cwd=repo)
        lines = render("concise", report).splitlines()
        assert len(lines) == len(report.findings)
        for line, f in zip(lines, report.findings, strict=True):
            m = pattern.match(line)
            assert m is not None, line
            assert (m.group(5), m.group(6)) == (f.message, f.rule)
    assert isinstance(report, Report)
