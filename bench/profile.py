"""Profile cfglint on the benchmark tree: ``api.lint`` (jobs 1, all in this process) under cProfile.

    python bench/profile.py [--services N] [--sort cumulative|tottime] [--limit 30] [--warm] [--startup]

Generates (or reuses) bench/work/tree-N exactly as bench/run.py does, prints the top entries and saves
the raw stats to bench/out/profile-N.prof (``python -m pstats`` or snakeviz can open it). Runs are cold
(no result cache) unless ``--warm``, which profiles a run answered from bench/work/cache.
``--startup`` instead profiles the whole command ``cfglint check application.yml`` on a 10-line file,
imports included, to see where the start-up goes. Run it with the project's virtualenv.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import os
import sys
import time
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def _stdlib(name: str) -> ModuleType:
    """Import a standard-library module although this script is called profile.py: ``cProfile`` imports
    ``profile``, which would otherwise resolve to this file through sys.path[0]."""
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
    return importlib.import_module(name)


def _generate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", HERE / "generate.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = mod
    spec.loader.exec_module(mod)
    return mod


def main() -> int:
    ap = argparse.ArgumentParser(description="Profile cfglint's api.lint on the benchmark tree")
    ap.add_argument("--services", type=int, default=500)
    ap.add_argument("--seed", type=int, default=20240617)
    ap.add_argument("--sort", default="cumulative", choices=("cumulative", "tottime", "ncalls"))
    ap.add_argument("--limit", type=int, default=30)
    ap.add_argument("--startup", action="store_true", help="profile `cfglint check application.yml` instead")
    ap.add_argument("--warm", action="store_true", help="use the result cache (primed by the first, unprofiled run)")
    args = ap.parse_args()
    cprofile = _stdlib("cProfile")
    pstats = _stdlib("pstats")
    out_dir = HERE / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    prof = cprofile.Profile()
    if args.startup:
        d = HERE / "work" / "startup"
        d.mkdir(parents=True, exist_ok=True)
        (d / "application.yml").write_text(_generate().SMALL_YAML, encoding="utf-8")
        os.chdir(d)
        sys.argv = ["cfglint", "check", "application.yml"]
        t0 = time.perf_counter()
        prof.enable()
        try:
            from cfglint.cli import main as cli_main

            cli_main()
        except SystemExit:
            pass
        finally:
            prof.disable()
        label = "startup"
        print(f"\n`cfglint check application.yml` in-process (imports included): "
              f"{time.perf_counter() - t0:.3f} s under cProfile", file=sys.stderr)
    else:
        gen = _generate()
        tree = HERE / "work" / f"tree-{args.services}"
        man = gen.ensure_tree(tree, args.services, args.seed)
        os.environ.setdefault("CFGLINT_CACHE_DIR", str(HERE / "work" / "cache"))
        from cfglint.api import lint
        from cfglint.settings import load_settings

        os.chdir(tree)
        settings = load_settings(None, Path("."), {"jobs": 1, "cache": args.warm})
        t0 = time.perf_counter()
        report = lint([Path(".")], settings)
        plain = time.perf_counter() - t0
        t0 = time.perf_counter()
        prof.enable()
        report = lint([Path(".")], settings)
        prof.disable()
        profiled = time.perf_counter() - t0
        label = str(args.services)
        print(f"\napi.lint on {tree.relative_to(REPO)} ({sum(man.files.values())} config files, "
              f"{report.files_linted} linted, {len(report.findings)} findings): {plain:.3f} s plain, "
              f"{profiled:.3f} s under cProfile", file=sys.stderr)
    path = out_dir / f"profile-{label}.prof"
    prof.dump_stats(str(path))
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    stats.strip_dirs().sort_stats(args.sort).print_stats(args.limit)
    print(buf.getvalue())
    print(f"raw stats: {path.relative_to(REPO)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
