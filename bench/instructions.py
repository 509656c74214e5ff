"""Instruction counts: cfglint against the parse floor, measured by valgrind, not by the clock.

    python bench/instructions.py [--services N] [--seed S]

Wall and CPU times on a shared VM move by a third between runs (bench/RESULTS.md), more than most single
changes gain. Instructions executed do not: two runs of the same code differ by well under 0.1% (with a fixed
hash seed and bytecode compiled beforehand, both of which this script sees to). This runs
each measurement once under ``valgrind --tool=cachegrind --cache-sim=no`` on the seeded tree of N services
(default 100, ~20 s per measurement) and prints, as a markdown table:

* each file kind: cfglint's loader against the floor's parser on the same files, one pass after a warm-up
  pass (imports and first-use costs excluded);
* the whole run: ``api.lint`` (jobs 1, no cache) against the floor (walk + read + parse), each minus a run
  that only imports the same modules;
* ``api.lint`` given only the YAML files (what the yamllint comparison runs) against the floor's YAML parse.

Instructions are not time (cache misses and the C parsers' memory traffic are not counted), so these ratios
complement the timed ones in bench/RESULTS.md; they are what to compare between two commits. Needs valgrind;
prints why and exits 2 without it.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
KINDS = {"xml": "**/src/**/*.xml", "yaml": "**/*.yml", "properties": "**/*.properties"}


def _files(tree: Path, kind: str) -> list[tuple[str, bytes]]:
    paths = sorted(glob.glob(KINDS[kind], root_dir=tree, recursive=True))
    return [(p, (tree / p).read_bytes()) for p in paths if "/target/" not in p]


def _floor_parse(kind: str) -> object:
    sys.path.insert(0, str(HERE))
    import run  # bench/run.py: the same parsers as its floor

    parse = run.floor_parsers()[kind]
    return lambda p, d: parse(d)


def _cfglint_parse(kind: str) -> object:
    if kind == "xml":
        from cfglint.loaders.xml import load_xml

        return load_xml
    if kind == "yaml":
        from cfglint.loaders.yaml import load_yaml

        return load_yaml
    from cfglint.loaders.properties import load_properties

    return load_properties


def child(mode: str, tree: Path, arg: str) -> None:
    """What runs under valgrind. ``kind-floor``/``kind-cfglint``: a warm-up pass, then ``arg`` passes over one
    kind's files. ``floor``/``lint``: imports, then ``arg`` (0 or 1) runs over the whole tree; ``lint`` with
    ``yaml``: one run over the YAML files only."""
    import gc

    gc.disable()  # collections depend on allocation history; the counts should not
    os.chdir(tree)
    if mode.startswith("kind-"):
        who, kind = mode[5:].split(":")
        files = _files(Path("."), kind)
        parse = _floor_parse(kind) if who == "floor" else _cfglint_parse(kind)
        for _ in range(1 + int(arg)):
            for p, d in files:
                parse(p, d)  # type: ignore[operator]
    elif mode == "floor":
        sys.path.insert(0, str(HERE))
        import run  # bench/run.py

        run.floor_parsers()  # imports the parsers' libraries: part of the imports, not the run
        if arg == "1":
            run.floor_worker(Path("."))
    elif mode == "lint":
        from cfglint.api import lint
        from cfglint.checks import load_all
        from cfglint.engine import Engine
        from cfglint.extract import model_builder  # noqa: F401  # imported by a run: part of the imports
        from cfglint.loaders import build  # noqa: F401  # likewise
        from cfglint.settings import load_settings

        for kind in KINDS:
            _cfglint_parse(kind)
        # As `cfglint check` runs with the text format: no fixes computed (--fix, --diff, JSON and SARIF do).
        settings = load_settings(None, Path("."), {"jobs": 1, "cache": False, "compute-fixes": False})
        Engine(settings)
        load_all()  # every check module (the first linted module would import them)
        if arg == "1":
            lint([Path(".")], settings)
        elif arg == "yaml":  # the yamllint comparison: cfglint given the YAML files only
            lint([Path(p) for p, _ in _files(Path("."), "yaml")], settings)


def measure(mode: str, tree: Path, arg: str) -> int:
    cmd = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", sys.executable,
           __file__, "--child", mode, str(tree), arg]
    # A fixed hash seed: set and dict iteration order (and so the instruction count) otherwise varies by ~1%.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"PYTHONHASHSEED": "0"}
    p = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    m = re.search(r"I\s+refs:\s+([\d,]+)", p.stderr)
    if p.returncode != 0 or m is None:
        raise SystemExit(f"valgrind run failed ({' '.join(cmd)}):\n{p.stderr[-2000:]}")
    return int(m.group(1).replace(",", ""))


def measure_all(services: int, seed: int, log: Callable[[str], None] = lambda m: None) -> dict[str, Any]:
    """Every measurement of the table: {"services", "python", "rows": [(label, floor, cfglint), ...]}."""
    sys.path.insert(0, str(HERE))
    import compileall

    import generate  # bench/generate.py

    import cfglint

    tree = HERE / "work" / f"tree-{services}"
    generate.ensure_tree(tree, services, seed)
    # Bytecode written before measuring: a module compiled in one measured run and loaded in its pair would
    # count the compilation (20-80 M instructions) as the difference.
    compileall.compile_dir(Path(cfglint.__file__).parent, quiet=1)
    compileall.compile_dir(HERE, maxlevels=0, quiet=1)  # bench/run.py too: the floor imports it
    rows = []
    for kind in KINDS:
        n = len(_files(tree, kind))
        floor = measure(f"kind-floor:{kind}", tree, "1") - measure(f"kind-floor:{kind}", tree, "0")
        ours = measure(f"kind-cfglint:{kind}", tree, "1") - measure(f"kind-cfglint:{kind}", tree, "0")
        rows.append((f"{kind} ({n} files, one warm pass)", floor, ours))
        log(f"instructions: {kind}")
    floor = measure("floor", tree, "1") - measure("floor", tree, "0")
    imports = measure("lint", tree, "0")
    rows.append(("whole tree, cold: floor (walk, read, parse) vs `api.lint` jobs 1", floor,
                 measure("lint", tree, "1") - imports))
    yaml_floor = rows[list(KINDS).index("yaml")][1]
    rows.append(("the YAML files only (the yamllint comparison): their parse (as above) vs `api.lint` jobs 1 given "
                 "them, which also reads each module's pom.xml", yaml_floor, measure("lint", tree, "yaml") - imports))
    return {"services": services, "python": sys.version.split()[0], "rows": rows}


def table(data: dict[str, Any]) -> str:
    lines = [f"Instructions (millions), tree of {data['services']} services, valgrind cachegrind, Python "
             f"{data['python']}:\n", "| part | parse floor | cfglint | × floor |", "|---|--:|--:|--:|"]
    for label, f, o in data["rows"]:
        lines.append(f"| {label} | {f / 1e6:,.0f} | {o / 1e6:,.0f} | {o / f:.2f}× |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="instruction counts of cfglint against the parse floor (valgrind)")
    ap.add_argument("--services", type=int, default=100)
    ap.add_argument("--seed", type=int, default=20240617)
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child[0], Path(args.child[1]), args.child[2])
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind); nothing measured", file=sys.stderr)
        return 2
    print(table(measure_all(args.services, args.seed, lambda m: print(m, file=sys.stderr))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
