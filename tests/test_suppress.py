"""Inline suppressions: the per-line index gives what trying every directive of the file gives."""

from __future__ import annotations

import random

from cfglint.engine import Engine
from cfglint.findings import Finding, Severity
from cfglint.settings import Settings
from cfglint.span import Span
from cfglint.suppress import apply_suppressions, parse_directives

RULES = ["JD001", "JD002", "TP001", "CF002"]


def _naive(findings: list[Finding], sources: dict[str, str], engine: Engine) -> list[Finding]:
    """Every directive of the file tried for every finding, the first that covers it wins: the oracle."""
    directives = {p: ds for p, t in sources.items() if (ds := parse_directives(p, t))}
    kept = []
    for f in findings:
        hit = next((d for d in directives.get(f.span.path, ())
                    if f.rule in d.ids and d.lines[0] <= f.span.line <= d.lines[1]), None)
        if hit is None:
            kept.append(f)
        else:
            hit.used.add(f.rule)
    unused = [(d.path, d.line, rid) for ds in directives.values() for d in ds for rid in sorted(d.ids - d.used)]
    return kept + unused  # type: ignore[operator]


def _source(rng: random.Random, path: str) -> str:
    lines = []
    for i in range(rng.randint(1, 30)):
        r = rng.random()
        ids = ",".join(rng.sample(RULES, rng.randint(1, 2)))
        if r < 0.2:
            lines.append(f"# cfglint: disable={ids} -- why")
        elif r < 0.25:
            lines.append(f"# cfglint: disable-file={ids}")
        elif r < 0.3:
            lines.append("")
        elif r < 0.4 and path.endswith(".yml"):
            lines.append(f"k{i}: v  # cfglint: disable={ids}")
        else:
            lines.append(f"k{i}=v" if path.endswith(".properties") else f"k{i}: v")
    return "\n".join(lines) + "\n"


def test_indexed_suppressions_match_trying_every_directive() -> None:
    engine = Engine(Settings())
    rng = random.Random(11)
    for _ in range(200):
        sources = {p: _source(rng, p) for p in ("a.properties", "b.yml")}
        findings = []
        for _ in range(rng.randint(0, 25)):
            path = rng.choice(list(sources))
            line = rng.randint(1, sources[path].count("\n") + 1)
            findings.append(Finding(rng.choice(RULES), "m", Span(path, line, 1, line, 2), Severity.WARNING))
        got = apply_suppressions(list(findings), sources, engine)
        want = _naive(list(findings), sources, engine)
        kept = [f for f in got if f.rule != "CF003"]
        unused = sorted((f.span.path, f.span.line, f.key.split("/", 1)[1]) for f in got
                        if f.rule == "CF003" and "not a cfglint rule" not in f.message)
        n_kept = len([w for w in want if isinstance(w, Finding)])
        assert kept == want[:n_kept], sources
        assert unused == sorted(want[n_kept:]), sources  # type: ignore[type-var]
