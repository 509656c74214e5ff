"""cfglint benchmark harness.

    python bench/run.py [--services N] [--runs K] [--quick] [--no-peers] [--no-install] [--no-scaling]

Generates a seeded synthetic monorepo (bench/generate.py) under bench/work/, then measures on the same
files in the same run:

* the parse floor: walk + read + parse every config file with the libraries cfglint uses and no rules
  (lxml with a secure parser, ruamel.yaml's C composer, javaproperties), in one process, one thread;
* ``cfglint check <tree> --format json --output F --exit-zero`` end to end as a subprocess, with the
  default jobs, ``--jobs 1`` and ``--jobs 2`` (outputs must be byte-identical), plus ``api.lint``
  in-process (no start-up, no rendering) to split the cost;
* peers when installable: yamllint on the YAML files and semgrep with bench/semgrep-rules.yml;
* start-up (``cfglint check one-small-file.yml``, median of 10) and, in the full run, scaling at 100,
  500 and 2000 services, and instruction counts against the floor (bench/instructions.py, when valgrind
  is installed).

Medians of K runs (default 5; ``--quick``: 1 run, 100 services, no scaling). Peak RSS comes from
``wait4`` (largest process of the tree); for parallel runs a separate sampled run adds up the RSS of
every process of the tree. Writes bench/RESULTS.md (overwritten) and raw data to bench/out/. Failures
of any tool are recorded in RESULTS.md, never fatal.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "work"
OUT = HERE / "out"
RESULTS = HERE / "RESULTS.md"
SEMGREP_RULES = HERE / "semgrep-rules.yml"
PEERS_VENV = WORK / "peers-venv"
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "target", "build", "node_modules", ".idea", ".vscode", ".gradle",
                       ".mvn", "out", "dist", "__pycache__", ".venv", "venv", ".tox"})
CONFIG_EXTS = (".xml", ".yml", ".yaml", ".properties")
SCALING_SIZES = (100, 500, 2000)
TIMEOUT = 3600.0
# Children write and use bytecode caches like a normal install even when this shell disables them
# (PYTHONDONTWRITEBYTECODE would make every cfglint start recompile its own modules).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
# cfglint's result cache lives here for every measured child (never the user's cache directory). Cold series
# pass --no-cache; the warm series reuses what the warm-up run stored.
CACHE_DIR = WORK / "cache"
CHILD_ENV["CFGLINT_CACHE_DIR"] = str(CACHE_DIR)


def _venv_python() -> str:
    p = REPO / ".venv" / "bin" / "python"
    return str(p) if p.exists() else sys.executable


def _cfglint_cmd() -> list[str]:
    p = REPO / ".venv" / "bin" / "cfglint"
    if p.exists():
        return [str(p)]
    found = shutil.which("cfglint")
    return [found] if found else [_venv_python(), "-m", "cfglint"]


# ============================================================================================ processes


@dataclass
class Proc:
    cmd: list[str]
    wall: float = 0.0
    user: float = 0.0
    sys: float = 0.0
    maxrss_kb: int = 0  # largest single process of the tree (wait4)
    tree_rss_kb: int = 0  # sampled peak of the summed RSS of every process of the tree (0: not sampled)
    rc: int = 0
    stdout: str = ""
    stderr: str = ""
    timed_out: bool = False
    other_cpu: float = 0.0  # CPU seconds used on the machine by processes other than this one's tree

    @property
    def ok(self) -> bool:
        return self.rc == 0 and not self.timed_out

    def error(self) -> str:
        tail = (self.stderr or self.stdout).strip().splitlines()[-3:]
        what = "timed out" if self.timed_out else f"exit code {self.rc}"
        return f"`{_short(self.cmd)}` {what}: {' / '.join(tail)[:400]}"


def _short(cmd: Sequence[str]) -> str:
    s = " ".join(shlex.quote(c.replace(str(REPO) + "/", "")) for c in cmd)
    return s if len(s) < 220 else s[:200] + " ..."


def _descendants(pid: int) -> list[int]:
    out, stack = [], [pid]
    while stack:
        p = stack.pop()
        out.append(p)
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except OSError:
            continue
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _busy_s() -> float:
    """Machine-wide busy CPU seconds since boot (all cores), from /proc/stat."""
    try:
        with open("/proc/stat") as fh:
            f = [int(x) for x in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return 0.0
    idle = f[3] + (f[4] if len(f) > 4 else 0)
    return (sum(f[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class Quiet:
    """Before each measurement, wait a little (at most ``EACH`` seconds, within a total budget) for the
    machine to go nearly idle, so other people's builds and tests on a shared machine disturb the numbers
    less. A machine that stays busy costs at most the budget; the *others* column shows what remained."""

    EACH = 15.0
    budget = 0.0  # seconds left to spend waiting in this run
    waited = 0.0

    @classmethod
    def wait(cls, threshold: float = 0.25) -> None:
        spent = 0.0
        while cls.budget > 0 and spent < cls.EACH:
            b0, t0 = _busy_s(), time.perf_counter()
            time.sleep(0.5)
            dt = time.perf_counter() - t0
            cls.budget -= dt
            cls.waited += dt
            spent += dt
            if (_busy_s() - b0) / dt < threshold:  # less than a quarter of one core busy
                return


def run_proc(cmd: list[str], cwd: Path, *, sample_tree: bool = False, timeout: float = TIMEOUT,
             env: dict[str, str] | None = None, quiet: bool = True) -> Proc:
    """Run ``cmd``; wall time, CPU time and peak RSS from wait4. Never raises for a failing command.
    ``quiet``: a measurement, so first give the machine a chance to go idle (see Quiet)."""
    res = Proc(list(cmd))
    if quiet:
        Quiet.wait()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        busy0 = _busy_s()
        t0 = time.perf_counter()
        try:
            p = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                 start_new_session=True, env=CHILD_ENV if env is None else env)
        except OSError as e:
            res.rc, res.stderr = 127, f"cannot start: {e}"
            return res
        stop = threading.Event()
        peak = [0]

        def sample() -> None:
            while not stop.wait(0.02):
                total = sum(_rss_kb(q) for q in _descendants(p.pid))
                peak[0] = max(peak[0], total)

        def kill() -> None:
            res.timed_out = True
            with contextlib.suppress(OSError):
                os.killpg(p.pid, signal.SIGKILL)

        sampler = threading.Thread(target=sample, daemon=True) if sample_tree else None
        if sampler:
            sampler.start()
        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, ru = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
            stop.set()
        res.wall = time.perf_counter() - t0
        # What else ran meanwhile: machine busy time minus this tree's CPU (and the sampler's, if any).
        res.other_cpu = max(0.0, _busy_s() - busy0 - ru.ru_utime - ru.ru_stime)
        p.returncode = os.waitstatus_to_exitcode(status)
        res.rc = p.returncode
        res.user, res.sys, res.maxrss_kb = ru.ru_utime, ru.ru_stime, ru.ru_maxrss
        res.tree_rss_kb = peak[0]
        for fh, attr in ((out, "stdout"), (err, "stderr")):
            fh.seek(0)
            setattr(res, attr, fh.read().decode("utf-8", "replace"))
    return res


# ============================================================================================ workers
# Run in a child process with the project's virtualenv (same libraries as cfglint), so their memory and
# imports are their own. Each prints one JSON object on stdout.


def floor_parsers() -> dict[str, Callable[[bytes], object]]:
    """The floor's parser per kind ("xml" also parses poms): the libraries cfglint uses, no positions, no rules.
    Shared with bench/instructions.py, so both measure the same floor."""
    import io

    import javaproperties
    from lxml import etree
    from ruamel.yaml.cyaml import CBaseLoader

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_blank_text=False, recover=False)

    def compose(data: bytes) -> None:
        loader = CBaseLoader(io.StringIO(data.decode("utf-8")))
        try:
            while loader.check_node():
                loader.get_node()
        finally:
            loader.dispose()

    return {"xml": lambda data: etree.fromstring(data, parser), "yaml": compose,
            "properties": lambda data: javaproperties.loads(data.decode("utf-8"))}


def floor_worker(tree: Path) -> dict[str, Any]:
    """Walk, read and parse every config file, no rules, one thread. Parsed trees are dropped at once."""
    parse = floor_parsers()
    times: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    nbytes = 0
    errors: list[str] = []
    pc = time.perf_counter
    cpu0 = time.process_time()
    t_start = pc()
    files: list[str] = []
    for dirpath, dirnames, filenames in os.walk(tree):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        files.extend(os.path.join(dirpath, f) for f in sorted(filenames) if f.endswith(CONFIG_EXTS))
    t_walk = pc()
    times["walk"] = t_walk - t_start
    for path in files:
        t0 = pc()
        with open(path, "rb") as fh:
            data = fh.read()
        t1 = pc()
        times["read"] += t1 - t0
        nbytes += len(data)
        try:
            if path.endswith(".xml"):
                kind = "pom" if path.endswith("pom.xml") else "xml"
                parse["xml"](data)
            elif path.endswith((".yml", ".yaml")):
                kind = "yaml"
                parse["yaml"](data)
            else:
                kind = "properties"
                parse["properties"](data)
        except Exception as e:  # a generator bug: report it, keep going
            errors.append(f"{path}: {type(e).__name__}: {e}")
            continue
        times[kind] += pc() - t1
        counts[kind] += 1
    total = pc() - t_start
    cpu = time.process_time() - cpu0
    import resource

    return {"total_s": total, "cpu_s": cpu, "times": dict(times), "counts": dict(counts), "files": len(files),
            "bytes": nbytes, "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "errors": errors[:5]}


def lint_worker(tree: Path) -> dict[str, Any]:
    """``api.lint`` in-process with jobs=1 (no interpreter start-up, no output), then the JSON render."""
    import resource

    t_imp = time.perf_counter()
    from cfglint.api import lint
    from cfglint.settings import load_settings

    t0 = time.perf_counter()
    os.chdir(tree)
    settings = load_settings(None, Path("."), {"jobs": 1, "cache": False})
    t1 = time.perf_counter()
    cpu0 = time.process_time()
    report = lint([Path(".")], settings)
    t2 = time.perf_counter()
    cpu = time.process_time() - cpu0
    render_s: float | None = None
    try:
        from cfglint.formatters import render

        render("json", report)
        render_s = time.perf_counter() - t2
    except Exception:  # formatters not there yet
        render_s = None
    return {"import_s": t0 - t_imp, "settings_s": t1 - t0, "lint_s": t2 - t1, "cpu_s": cpu, "render_s": render_s,
            "findings": len(report.findings), "files": report.files_linted,
            "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


def _worker(kind: str, tree: Path) -> tuple[dict[str, Any] | None, Proc]:
    p = run_proc([_venv_python(), str(Path(__file__).resolve()), f"--{kind}-worker", str(tree)], REPO)
    if not p.ok:
        return None, p
    try:
        return json.loads(p.stdout.strip().splitlines()[-1]), p
    except (ValueError, IndexError):
        p.rc = p.rc or 1
        return None, p


# ============================================================================================ measurement


@dataclass
class Series:
    """Repeated measurements of one configuration."""

    label: str
    walls: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    tree_rss_kb: int = 0
    extra: dict[str, list[float]] = field(default_factory=dict)
    error: str = ""
    digests: list[str] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)

    def med(self) -> float | None:
        return statistics.median(self.walls) if self.walls else None

    def med_extra(self, key: str) -> float | None:
        v = self.extra.get(key)
        return statistics.median(v) if v else None

    def add(self, p: Proc) -> None:
        self.walls.append(p.wall)
        self.cpu.append(p.user + p.sys)
        self.rss_kb.append(p.maxrss_kb)
        self.contention(p)

    def contention(self, p: Proc) -> None:
        """Share of the machine's cores that other processes used during the measurement."""
        cores = os.cpu_count() or 1
        self.extra.setdefault("other_share", []).append(p.other_cpu / max(p.wall * cores, 1e-9))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "missing"


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.notes: list[str] = []
        self.errors: list[str] = []
        self.cfglint = shlex.split(args.cfglint) if args.cfglint else _cfglint_cmd()
        self.data: dict[str, Any] = {}

    def log(self, msg: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    # ------------------------------------------------------------------ trees

    def tree(self, services: int) -> tuple[Path, dict[str, Any]]:
        sys.path.insert(0, str(HERE))
        import generate  # bench/generate.py

        root = WORK / f"tree-{services}"
        t0 = time.perf_counter()
        man = generate.ensure_tree(root, services, self.args.seed)
        self.log(f"tree {root.relative_to(REPO)}: {sum(man.files.values())} config files "
                 f"({time.perf_counter() - t0:.1f} s)")
        return root, asdict(man)

    # ------------------------------------------------------------------ single measurements

    def floor(self, tree: Path, s: Series) -> None:
        data, p = _worker("floor", tree)
        if data is None:
            s.error = p.error()
            return
        s.walls.append(data["total_s"])
        s.cpu.append(data["cpu_s"])
        s.rss_kb.append(data["maxrss_kb"])
        s.contention(p)
        s.extra.setdefault("process_wall", []).append(p.wall)
        for k, v in data["times"].items():
            s.extra.setdefault(k, []).append(v)
        s.info = {k: data[k] for k in ("counts", "files", "bytes", "errors")}
        if data["errors"]:
            s.error = "parse errors in generated files: " + "; ".join(data["errors"])

    def lint_inproc(self, tree: Path, s: Series) -> None:
        data, p = _worker("lint", tree)
        if data is None:
            s.error = p.error()
            return
        s.walls.append(data["lint_s"])
        s.cpu.append(data["cpu_s"])
        s.rss_kb.append(data["maxrss_kb"])
        s.contention(p)
        for k in ("import_s", "settings_s", "render_s"):
            if data.get(k) is not None:
                s.extra.setdefault(k, []).append(data[k])
        s.info = {"findings": data["findings"], "files": data["files"]}

    def cfglint_check(self, tree: Path, s: Series, jobs: int | None, tag: str, *, sample_tree: bool = False,
                      targets: Sequence[str] = (".",), cache: bool = False) -> Proc:
        OUT.mkdir(parents=True, exist_ok=True)
        out = OUT / f"{tag}.json"
        with contextlib.suppress(OSError):
            out.unlink()
        cmd = [*self.cfglint, "check", *targets, "--format", "json", "--output", str(out), "--exit-zero"]
        if jobs is not None:
            cmd += ["--jobs", str(jobs)]
        if not cache:
            cmd.append("--no-cache")
        p = run_proc(cmd, tree, sample_tree=sample_tree)
        if sample_tree:
            s.tree_rss_kb = max(s.tree_rss_kb, p.tree_rss_kb)
            return p
        if not p.ok:
            s.error = p.error()
            return p
        if not out.exists():
            s.error = f"`{_short(cmd)}` wrote no output file"
            return p
        s.add(p)
        s.digests.append(_sha(out))
        if not s.info:
            try:
                doc = json.loads(out.read_text(encoding="utf-8"))
                s.info = {"summary": doc.get("summary"),
                          "by_rule": dict(sorted(Counter(f["rule"] for f in doc.get("findings", [])).items()))}
            except (ValueError, KeyError, TypeError) as e:
                s.info = {"summary": None, "parse_error": str(e)}
        return p

    # ------------------------------------------------------------------ suites

    def edited_check(self, tree: Path, s: Series, i: int) -> None:
        """The pre-commit case: the result cache is warm and one file changed since (a comment appended to the
        i-th service's application.yml, a different file each run, so every run misses on one module). The file
        is restored afterwards; the comment changes no finding, so the output must equal the cold runs'."""
        ymls = sorted(tree.glob("*/*/src/main/resources/application.yml"))
        target = ymls[(i * 7919) % len(ymls)]  # spread over the tree
        original = target.read_bytes()
        try:
            target.write_bytes(original + f"# edited by the benchmark, run {i}\n".encode())
            self.cfglint_check(tree, s, None, f"cfglint_edit-run{i}", cache=True)
        finally:
            target.write_bytes(original)

    def main_suite(self, tree: Path, man: dict[str, Any]) -> dict[str, Series]:
        runs = self.args.runs
        series = {k: Series(k) for k in ("floor", "lint_inproc", "cfglint_default", "cfglint_j1", "cfglint_j2",
                                         "cfglint_warm", "cfglint_edit")}
        jobs_of: dict[str, int | None] = {"cfglint_default": None, "cfglint_j1": 1, "cfglint_j2": 2}
        self.log("warm-up (page cache, .pyc, and the result cache for the warm series)")
        shutil.rmtree(CACHE_DIR, ignore_errors=True)
        self.floor(tree, Series("warm"))
        self.cfglint_check(tree, Series("warm"), 1, "warmup")
        self.cfglint_check(tree, Series("warm"), None, "warmup-cache", cache=True)
        steps: list[tuple[str, Callable[[int], None]]] = [
            ("floor", lambda i: self.floor(tree, series["floor"])),
            ("lint_inproc", lambda i: self.lint_inproc(tree, series["lint_inproc"])),
            *[(k, (lambda i, k=k: self.cfglint_check(tree, series[k], jobs_of[k], f"{k}-run{i}")))
              for k in jobs_of],
            ("cfglint_warm", lambda i: self.cfglint_check(tree, series["cfglint_warm"], None, f"cfglint_warm-run{i}",
                                                          cache=True)),
            ("cfglint_edit", lambda i: self.edited_check(tree, series["cfglint_edit"], i)),
        ]
        for i in range(runs):
            order = steps[i % len(steps):] + steps[:i % len(steps)]  # rotate to spread drift evenly
            for name, fn in order:
                if series[name].error:
                    continue
                self.log(f"run {i + 1}/{runs}: {name}")
                fn(i)
        for k, jobs in jobs_of.items():
            if not series[k].error and jobs != 1:
                self.log(f"memory: {k} (sampled process tree)")
                self.cfglint_check(tree, series[k], jobs, f"{k}-mem", sample_tree=True)
        return series

    def startup(self) -> dict[str, Any]:
        d = WORK / "startup"
        d.mkdir(parents=True, exist_ok=True)
        small = d / "application.yml"
        sys.path.insert(0, str(HERE))
        import generate  # bench/generate.py

        small.write_text(generate.SMALL_YAML, encoding="utf-8")
        if not (d / ".git").exists():
            subprocess.run(["git", "init", "-q", str(d)], capture_output=True, check=False)
        py = _venv_python()
        cases = {
            "cfglint check application.yml": [*self.cfglint, "check", "application.yml"],
            "cfglint --version": [*self.cfglint, "--version"],
            "python -c 'import cfglint.cli'": [py, "-c", "import cfglint.cli"],
            "python -c pass": [py, "-c", "pass"],
        }
        out: dict[str, Any] = {}
        n = 10
        for label, cmd in cases.items():
            run_proc(cmd, d, quiet=False)  # warm
            walls, rss, err = [], [], ""
            for _ in range(n):
                p = run_proc(cmd, d)
                if not p.ok:
                    err = p.error()
                    break
                walls.append(p.wall)
                rss.append(p.maxrss_kb)
            out[label] = {"median": statistics.median(walls) if walls else None, "min": min(walls, default=None),
                          "max": max(walls, default=None), "rss_kb": max(rss, default=0), "error": err}
        # Where the start-up goes: -X importtime of the real command, biggest cumulative imports.
        p = run_proc([py, "-X", "importtime", "-m", "cfglint", "check", "application.yml"], d, quiet=False)
        out["importtime"] = _importtime(p.stderr)
        return out

    def peers(self, tree: Path) -> dict[str, Any]:
        res: dict[str, Any] = {}
        ok, msg = self.ensure_peers()
        res["install"] = msg
        if not ok and not (PEERS_VENV / "bin").exists():
            return res
        bin_ = PEERS_VENV / "bin"
        env = {**CHILD_ENV, "SEMGREP_SEND_METRICS": "off", "SEMGREP_ENABLE_VERSION_CHECK": "0", "NO_COLOR": "1"}
        yml = sorted(str(p.relative_to(tree)) for p in tree.rglob("*.yml") if ".git" not in p.parts)
        tools: dict[str, tuple[list[str], Callable[[Proc], dict[str, Any]], Callable[[Proc], bool]]] = {}
        if (bin_ / "yamllint").exists():
            tools["yamllint"] = ([str(bin_ / "yamllint"), "-f", "parsable", "."], _yamllint_summary,
                                 lambda p: p.rc in (0, 1, 2) and not p.timed_out and "Traceback" not in p.stderr)
        else:
            res["yamllint_error"] = "yamllint not installed"
        if (bin_ / "semgrep").exists():
            tools["semgrep"] = ([str(bin_ / "semgrep"), "--config", str(SEMGREP_RULES), "--metrics=off",
                                 "--disable-version-check", "-q", "--json", "."], _semgrep_summary,
                                lambda p: p.rc in (0, 1) and not p.timed_out and p.stdout.lstrip().startswith("{"))
        else:
            res["semgrep_error"] = "semgrep not installed"
        series = {k: Series(k) for k in tools}
        yaml_only = Series("cfglint_yaml_only")
        for name, (cmd, summary, good) in tools.items():
            p = run_proc(cmd, tree, env=env)  # warm-up, and the findings summary
            if not good(p):
                series[name].error = p.error()
                continue
            series[name].info = summary(p)
        paired = "yamllint" in tools and not series["yamllint"].error and bool(yml)
        if paired:  # the like-for-like comparison for yamllint: cfglint given only the YAML files
            self.cfglint_check(tree, Series("warm"), None, "yaml-only-warm", targets=yml)
        # Round by round, so that a slower spell of the VM (run-to-run times here move by a third) lands on a
        # peer's runs and on the cfglint runs it is compared with alike, not on one side of the ratio.
        for i in range(self.args.runs):
            for name, (cmd, _, good) in tools.items():
                if series[name].error:
                    continue
                self.log(f"run {i + 1}/{self.args.runs}: {name}")
                p = run_proc(cmd, tree, env=env)
                if not good(p):
                    series[name].error = p.error()
                    continue
                series[name].add(p)
                if name == "yamllint" and paired:
                    self.log(f"run {i + 1}/{self.args.runs}: cfglint on the YAML files only")
                    self.cfglint_check(tree, yaml_only, None, f"yaml-only-run{i}", targets=yml)
        res["series"] = {k: asdict(v) for k, v in series.items()}
        res["yaml_only"] = asdict(yaml_only)
        res["yaml_files"] = len(yml)
        res["versions"] = {}
        for name in tools:
            p = run_proc([str(bin_ / name), "--version"], tree, env=env, quiet=False)
            res["versions"][name] = (p.stdout or p.stderr).strip().splitlines()[0] if p.ok else "?"
        return res

    def ensure_peers(self) -> tuple[bool, str]:
        pip = PEERS_VENV / "bin" / "pip"
        have = [t for t in ("yamllint", "semgrep") if (PEERS_VENV / "bin" / t).exists()]
        if len(have) == 2:
            return True, "already installed in bench/work/peers-venv"
        if self.args.no_install:
            return False, f"--no-install; present: {', '.join(have) or 'none'}"
        self.log("installing peers into bench/work/peers-venv (pip install yamllint semgrep)")
        if not pip.exists():
            p = run_proc([sys.executable, "-m", "venv", str(PEERS_VENV)], REPO, timeout=600, quiet=False)
            if not p.ok:
                return False, "cannot create venv: " + p.error()
        msgs = []
        for pkg in ("yamllint", "semgrep"):
            if pkg in have:
                continue
            p = run_proc([str(pip), "install", "-q", pkg], REPO, timeout=1800, quiet=False)
            msgs.append(f"{pkg}: {'installed' if p.ok else 'FAILED ' + p.error()}")
        return all("FAILED" not in m for m in msgs), "; ".join(msgs)

    def scaling(self, main_services: int, main: dict[str, Series], main_man: dict[str, Any]) -> dict[str, Any]:
        runs = min(self.args.runs, 3)
        out: dict[str, Any] = {}
        for n in SCALING_SIZES:
            if n == main_services:
                s = {k: main[k] for k in ("floor", "cfglint_j1", "cfglint_default")}
                man = main_man
            else:
                tree, man = self.tree(n)
                s = {k: Series(k) for k in ("floor", "cfglint_j1", "cfglint_default")}
                self.floor(tree, Series("warm"))
                self.cfglint_check(tree, Series("warm"), 1, f"scale{n}-warm")
                for i in range(runs):
                    self.log(f"scaling {n}: run {i + 1}/{runs}")
                    self.floor(tree, s["floor"])
                    self.cfglint_check(tree, s["cfglint_j1"], 1, f"scale{n}-j1-run{i}")
                    self.cfglint_check(tree, s["cfglint_default"], None, f"scale{n}-default-run{i}")
                self.cfglint_check(tree, s["cfglint_default"], None, f"scale{n}-default-mem", sample_tree=True)
            out[str(n)] = {"files": sum(man["files"].values()), "bytes": sum(man["bytes"].values()),
                           "series": {k: asdict(v) for k, v in s.items()}}
        return out

    def instructions(self) -> dict[str, Any]:
        """bench/instructions.py's table (valgrind), or why it is missing."""
        if shutil.which("valgrind") is None:
            return {"error": "valgrind is not installed"}
        sys.path.insert(0, str(HERE))
        import instructions  # bench/instructions.py

        self.log("instruction counts (valgrind)")
        try:
            return instructions.measure_all(100, self.args.seed, self.log)
        except SystemExit as e:  # a failed valgrind run: recorded, never fatal
            return {"error": str(e)[:500]}

    def machine(self) -> dict[str, Any]:
        info: dict[str, Any] = {"python": platform.python_version(), "platform": platform.platform(),
                                "cores": os.cpu_count(),
                                "pythondontwritebytecode": "PYTHONDONTWRITEBYTECODE" in os.environ}
        try:
            cpu = Path("/proc/cpuinfo").read_text()
            for line in cpu.splitlines():
                key, _, val = line.partition(":")
                key = key.strip()
                if key in ("model name", "cpu MHz", "cache size") and key not in info:
                    info[key] = val.strip()
        except OSError:
            pass
        try:
            for line in Path("/proc/meminfo").read_text().splitlines():
                if line.startswith("MemTotal:"):
                    info["ram_gib"] = round(int(line.split()[1]) / 1048576, 1)
        except OSError:
            pass
        code = ("import importlib.metadata as m, json, platform\n"
                "out = {'python': platform.python_version()}\n"
                "for d in ('cfglint-jvm', 'lxml', 'ruamel.yaml', 'ruamel.yaml.clib', 'javaproperties', 'pydantic',\n"
                "          'typer'):\n"
                "    try: out[d] = m.version(d)\n"
                "    except Exception: out[d] = 'not installed'\n"
                "try:\n"
                "    from lxml import etree; out['libxml2'] = '.'.join(map(str, etree.LIBXML_VERSION))\n"
                "except Exception: pass\n"
                "print(json.dumps(out))")
        p = run_proc([_venv_python(), "-c", code], REPO, quiet=False)
        info["libraries"] = json.loads(p.stdout) if p.ok else {"error": p.error()}
        g = run_proc(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], REPO, quiet=False)
        dirty = run_proc(["git", "-C", str(REPO), "status", "--porcelain", "--", "cfglint", "rules"], REPO,
                         quiet=False)
        info["commit"] = g.stdout.strip() + (" (+ uncommitted changes in cfglint/ or rules/)"
                                             if dirty.stdout.strip() else "")
        return info


def _importtime(stderr: str) -> list[tuple[str, float]]:
    """Top-level packages by cumulative import time (ms), from ``-X importtime`` output."""
    cum: Counter[str] = Counter()
    for line in stderr.splitlines():
        parts = line.split("|")
        if not line.startswith("import time:") or len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        raw = parts[2]
        if len(raw) - len(raw.lstrip()) == 1:  # a top-level import (nested ones are indented further)
            cum[raw.strip().split(".")[0]] += int(parts[1]) / 1000
    return [(k, round(v, 1)) for k, v in cum.most_common(10) if v >= 1]


def _yamllint_summary(p: Proc) -> dict[str, Any]:
    rules: Counter[str] = Counter()
    for line in p.stdout.splitlines():
        if line.endswith(")") and "(" in line:
            rules[line.rsplit("(", 1)[1].rstrip(")")] += 1
    return {"problems": sum(rules.values()), "by_rule": dict(rules.most_common())}


def _semgrep_summary(p: Proc) -> dict[str, Any]:
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        return {"error": "unparsable JSON"}
    by_rule = Counter(r["check_id"].rsplit(".", 1)[-1] for r in doc.get("results", []))
    return {"results": sum(by_rule.values()), "by_rule": dict(sorted(by_rule.items())),
            "errors": len(doc.get("errors", [])), "scanned": len(doc.get("paths", {}).get("scanned", []))}


# ============================================================================================ report


def _fmt_s(v: float | None) -> str:
    return "–" if v is None else (f"{v * 1000:.0f} ms" if v < 1 else f"{v:.2f} s")


def _fmt_mb(kb: float | None) -> str:
    return "–" if not kb else f"{kb / 1024:.0f} MB"


def _ratio(a: float | None, b: float | None) -> str:
    return "–" if not a or not b else f"{a / b:.2f}×"


def _rng(s: dict[str, Any]) -> str:
    w = s["walls"]
    if not w:
        return "–"
    return f"{_fmt_s(statistics.median(w))} ({_fmt_s(min(w))}–{_fmt_s(max(w))})"


def _med(s: dict[str, Any], key: str = "walls") -> float | None:
    v = s[key] if key in ("walls", "cpu") else s["extra"].get(key)
    return statistics.median(v) if v else None


def _best(s: dict[str, Any], key: str = "walls") -> float | None:
    """The fastest run: on a shared machine noise only ever adds time, so the minimum is the steadier estimate
    of what the work itself costs (timeit's reasoning). Reported beside the medians, never instead of them."""
    v = s[key] if key in ("walls", "cpu") else s["extra"].get(key)
    return min(v) if v else None


def _other(s: dict[str, Any]) -> str:
    v = _med(s, "other_share")
    return "–" if v is None else f"{v * 100:.0f}%"


def _max_other(data: dict[str, Any]) -> float:
    """Highest median share of the machine other processes used during any measured series."""
    found: list[float] = []

    def walk(o: Any) -> None:
        if isinstance(o, dict):
            if "extra" in o and isinstance(o["extra"], dict) and o["extra"].get("other_share"):
                found.append(statistics.median(o["extra"]["other_share"]))
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    walk({k: v for k, v in data.items() if k != "targets"})
    return max(found, default=0.0)


def render(data: dict[str, Any]) -> str:
    m = data["machine"]
    libs = m.get("libraries", {})
    man = data["manifest"]
    n_files = sum(man["files"].values())
    S = data["main"]
    L: list[str] = []
    add = L.append
    add("# cfglint benchmark results\n")
    add(f"Generated by `bench/run.py` on {data['date']} — overwritten on every run. Command:\n")
    add(f"```\n{data['command']}\n```\n")
    add("## Machine\n")
    add("| | |\n|---|---|")
    add(f"| CPU | {m.get('model name', '?')} ({m.get('cpu MHz', '?')} MHz, cache {m.get('cache size', '?')}) |")
    add(f"| cores | {m.get('cores')} |")
    add(f"| RAM | {m.get('ram_gib', '?')} GiB |")
    add(f"| OS | {m.get('platform')} |")
    add(f"| Python | {libs.get('python', m.get('python'))} (project venv) |")
    add(f"| cfglint | {libs.get('cfglint', '?')}, commit {m.get('commit', '?')} |")
    if m.get("pythondontwritebytecode"):
        add("| note | `PYTHONDONTWRITEBYTECODE` was set in the shell; unset for every measured child so bytecode "
            "caches are used as on a normal install |")
    add("| libraries | " + ", ".join(f"{k} {libs[k]}" for k in ("lxml", "libxml2", "ruamel.yaml", "ruamel.yaml.clib",
                                                                   "javaproperties", "pydantic", "typer") if k in libs)
        + " |")
    pv = (data.get("peers") or {}).get("versions", {})
    if pv:
        add("| peers | " + ", ".join(f"{v}" if k in v.lower() else f"{k} {v}" for k, v in pv.items()) + " |")
    add("")
    add("## Corpus\n")
    add(f"Synthetic monorepo, seed {man['seed']}, **{man['services']} services**: one Maven module each "
        "(`pom.xml`, a Spring XML with `dubbo:*` elements and a `DruidDataSource` bean fed by `${jdbc.url}`, "
        "`jdbc.properties` or `application.properties`, a Boot `application.yml` with a profile document), "
        "domain aggregator poms, a root pom; a git repository of its own. Generated by `bench/generate.py`.\n")
    add("| kind | files | bytes | lines | mean size |\n|---|--:|--:|--:|--:|")
    for k in ("xml", "properties", "yaml", "pom"):
        f, b = man["files"].get(k, 0), man["bytes"].get(k, 0)
        add(f"| {k} | {f} | {b:,} | {man['lines'].get(k, 0):,} | {b / max(f, 1) / 1024:.1f} KiB |")
    add(f"| **all** | **{n_files}** | **{sum(man['bytes'].values()):,}** | {sum(man['lines'].values()):,} | |")
    add("\nSeeded dangers (services): " + ", ".join(f"{k} {v}" for k, v in man["dangers"].items()) + ".\n")

    iw = data.get("idle_wait") or {}
    if iw.get("budget"):
        add(f"Before each measurement the harness waited for an idle machine (under a quarter of a core busy): "
            f"{iw.get('waited', 0):.0f} s of its {iw['budget']:.0f} s budget spent (at most {Quiet.EACH:.0f} s per "
            "measurement).\n")
    other = _max_other(data)
    if other > 0.1:
        add(f"> **Warning: the machine was not idle.** Other processes used up to {other * 100:.0f}% of its "
            f"{m.get('cores')} cores during some measurements (column *others*: median share of the machine used by "
            "processes outside the measured tree). Wall times are inflated by that much or more; CPU times "
            "(user+sys) and the CPU ratios are much less affected. Re-run on an idle machine for clean wall "
            "times.\n")
    add("## Parse floor vs cfglint\n")
    fl = S["floor"]
    floor = _med(fl)
    add("**Parse floor**: walk + read + parse every config file (all four kinds, including poms) with "
        "`lxml.etree.fromstring` (secure `XMLParser`), `ruamel.yaml.cyaml.CBaseLoader` composing every node, "
        "and `javaproperties.loads`; in-process, one thread, timed inside the process (no interpreter start-up, "
        "libraries already imported).\n")
    if fl["error"]:
        add(f"> floor error: {fl['error']}\n")
    if fl["walls"]:
        add("| part | median |\n|---|--:|")
        for k in ("walk", "read", "xml", "pom", "yaml", "properties"):
            add(f"| {k} | {_fmt_s(_med(fl, k))} |")
        add(f"| **total** | **{_fmt_s(floor)}** |")
        add(f"| CPU time (user+sys) of the above | {_fmt_s(_med(fl, 'cpu'))} |")
        add(f"| others (share of the machine used by other processes) | {_other(fl)} |")
        add(f"| floor as a process (interpreter + imports + the above) | {_fmt_s(_med(fl, 'process_wall'))} |")
        add(f"| peak RSS | {_fmt_mb(max(fl['rss_kb']))} |\n")
    st = data.get("startup", {}).get("cfglint check application.yml", {}).get("median")
    add(f"**cfglint** (`cfglint check . --format json --output F --exit-zero`, cwd = tree), median of "
        f"{data['runs']} run(s) (min–max). Ratio to floor: end to end; and with the start-up "
        f"({_fmt_s(st)}, below) subtracted. Every run is cold (`--no-cache`) except the last two rows, which answer "
        "from the result cache a previous run left: for the whole tree (the editor case), or for all modules but "
        "the one holding a file edited since (the pre-commit case).\n")
    floor_cpu = _med(fl, "cpu")
    add("| run | wall | CPU (user+sys) | files/s | × floor | × floor − start-up | CPU × floor CPU "
        "| peak RSS (largest proc) | peak RSS (sum of tree) | others |")
    add("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    rows = [("default jobs (CPUs)", "cfglint_default"), ("`--jobs 1`", "cfglint_j1"), ("`--jobs 2`", "cfglint_j2"),
            ("default jobs, result cache warm (tree unchanged since the last run)", "cfglint_warm"),
            ("default jobs, result cache warm, one file edited since (the pre-commit case)", "cfglint_edit")]
    for label, k in rows:
        s = S[k]
        if s["error"]:
            add(f"| {label} | error | | | | | | | | |")
            continue
        w = _med(s)
        cpu = _med(s, "cpu")
        add(f"| {label} | {_rng(s)} | {_fmt_s(cpu)} | {n_files / w:,.0f} | {_ratio(w, floor)} | "
            f"{_ratio(w - st if st else None, floor)} | {_ratio(cpu, floor_cpu)} | {_fmt_mb(max(s['rss_kb']))} | "
            f"{_fmt_mb(s['tree_rss_kb'] or max(s['rss_kb']))} | {_other(s)} |")
    li = S["lint_inproc"]
    if li["walls"]:
        add(f"| `api.lint` in-process, jobs 1 (no start-up, no render) | {_rng(li)} | {_fmt_s(_med(li, 'cpu'))} | "
            f"{n_files / _med(li):,.0f} | {_ratio(_med(li), floor)} | | {_ratio(_med(li, 'cpu'), floor_cpu)} | "
            f"{_fmt_mb(max(li['rss_kb']))} | | {_other(li)} |")
        add(f"\nIn-process split: import cfglint {_fmt_s(_med(li, 'import_s'))}, settings "
            f"{_fmt_s(_med(li, 'settings_s'))}, `lint()` {_fmt_s(_med(li))}, JSON render "
            f"{_fmt_s(_med(li, 'render_s'))}.")
    elif li["error"]:
        add(f"\n> in-process lint error: {li['error']}")
    errs = [(label, S[k]["error"]) for label, k in rows if S[k]["error"]]
    for label, e in errs:
        add(f"\n> **cfglint {label} failed**: {e}")
    digests = {k: set(S[k]["digests"]) for _, k in rows if S[k]["digests"]}
    if digests:
        all_d = set().union(*digests.values())
        same = len(all_d) == 1
        add(f"\n**Output identity**: {'byte-identical' if same else 'DIFFERENT'} across default jobs, `--jobs 1`, "
            f"`--jobs 2`, the warm cache and all runs ({sum(len(S[k]['digests']) for k in digests)} outputs, "
            f"{len(all_d)} distinct SHA-256).")
        j1, j2 = _med(S["cfglint_j1"]), _med(S["cfglint_j2"])
        add(f"Speed-up `--jobs 2` over `--jobs 1`: {_ratio(j1, j2)}.")
    info = S["cfglint_j1"]["info"] or S["cfglint_default"]["info"]
    if info.get("summary"):
        sm = info["summary"]
        add(f"\nFindings: {sm.get('errors')} errors, {sm.get('warnings')} warnings, {sm.get('notes')} notes "
            f"in {sm.get('files')} linted files ({sm.get('skipped')} skipped: build files). By rule: "
            + ", ".join(f"{k} {v}" for k, v in info.get("by_rule", {}).items()) + ".")
    add("")

    add("## Start-up\n")
    add("Median of 10 (after one warm-up), a 10-line `application.yml` in its own git repository.\n")
    add("| command | median | min–max | peak RSS |\n|---|--:|--:|--:|")
    for label, v in data.get("startup", {}).items():
        if label == "importtime":
            continue
        if v.get("error"):
            add(f"| `{label}` | error: {v['error']} | | |")
        else:
            add(f"| `{label}` | {_fmt_s(v['median'])} | {_fmt_s(v['min'])}–{_fmt_s(v['max'])} | "
                f"{_fmt_mb(v['rss_kb'])} |")
    imp = data.get("startup", {}).get("importtime")
    if imp:
        add("\nBiggest imports of `cfglint check application.yml` (`-X importtime`, cumulative, top-level "
            "packages, one run): " + ", ".join(f"{n} {ms:.0f} ms" for n, ms in imp) + ".")
    add("")

    add("## Peers\n")
    pe = data.get("peers")
    if pe is None:
        add("Not measured (`--no-peers`).\n")
    else:
        add(f"Installed with pip into `bench/work/peers-venv`: {pe.get('install')}.\n")
        ser = pe.get("series", {})
        base = _med(S["cfglint_default"]) if S["cfglint_default"]["walls"] else None
        yo = pe.get("yaml_only")
        add("| tool | scope | wall | CPU | peak RSS | files/s | × cfglint (same scope) | findings | others |")
        add("|---|---|--:|--:|--:|--:|--:|---|--:|")
        if base:
            add(f"| cfglint (default jobs) | all {n_files} files | {_rng(S['cfglint_default'])} | "
                f"{_fmt_s(statistics.median(S['cfglint_default']['cpu']))} | "
                f"{_fmt_mb(max(S['cfglint_default']['rss_kb']))} | {n_files / base:,.0f} | 1× | "
                f"{sum(info.get('by_rule', {}).values())} | {_other(S['cfglint_default'])} |")
        for label, k in (("result cache warm", "cfglint_warm"), ("result cache warm, one file edited", "cfglint_edit")):
            c = S.get(k)
            if base and c and c["walls"]:
                add(f"| cfglint (default jobs, {label}) | all {n_files} files | {_rng(c)} | "
                    f"{_fmt_s(statistics.median(c['cpu']))} | {_fmt_mb(max(c['rss_kb']))} | "
                    f"{n_files / _med(c):,.0f} | {_ratio(_med(c), base)} | same | {_other(c)} |")
        ny = pe.get("yaml_files", 0)
        if yo and yo["walls"]:
            add(f"| cfglint (default jobs) | {ny} YAML files as arguments | {_rng(yo)} | "
                f"{_fmt_s(statistics.median(yo['cpu']))} | {_fmt_mb(max(yo['rss_kb']))} | "
                f"{ny / _med(yo):,.0f} | 1× | {sum(yo['info'].get('by_rule', {}).values())} | {_other(yo)} |")
        for name, s in ser.items():
            scope = f"{ny} YAML files" if name == "yamllint" else f"all files ({s['info'].get('scanned', '?')} scanned)"
            ref = _med(yo) if name == "yamllint" and yo and yo["walls"] else base
            if s["error"]:
                add(f"| {name} | {scope} | error | | | | | {s['error']} | |")
                continue
            w = _med(s)
            nf = ny if name == "yamllint" else s["info"].get("scanned") or n_files
            found = s["info"].get("problems", s["info"].get("results"))
            add(f"| {name} | {scope} | {_rng(s)} | {_fmt_s(statistics.median(s['cpu']))} | "
                f"{_fmt_mb(max(s['rss_kb']))} | {nf / w:,.0f} | {_ratio(w, ref)} | {found} | {_other(s)} |")
        for name, s in ser.items():
            if s["info"].get("by_rule"):
                add(f"\n{name} findings by rule: " + ", ".join(f"{k} {v}" for k, v in s["info"]["by_rule"].items())
                    + ".")
        if "yamllint" in ser and base and ser["yamllint"]["walls"]:
            add(f"\nyamllint (YAML only) vs cfglint on the whole tree: {_ratio(_med(ser['yamllint']), base)} "
                "(cfglint also parses the XML, properties and poms and resolves across files).")
        for k in ("yamllint_error", "semgrep_error"):
            if pe.get(k):
                add(f"\n> {pe[k]}")
        add("\nsemgrep runs with its default parallelism, `--metrics=off --disable-version-check`, offline, with "
            "`bench/semgrep-rules.yml` (textual approximations of TP001, DS001, JD001, JD002). yamllint runs its "
            "default configuration (`-f parsable .`), single process. The peers run round by round, and each yamllint "
            "run is followed at once by the cfglint run on the same YAML files it is compared with, so that the "
            "VM's slower spells fall on both sides of that ratio alike.\n")

    sc = data.get("scaling")
    add("## Scaling\n")
    if not sc:
        add("Not measured in this run (`--quick` or `--no-scaling`).\n")
    else:
        add(f"Median of {min(data['runs'], 3)} runs per size (the main size reuses the main runs). "
            "µs/file excludes the start-up measured above.\n")
        add("| services | files | MB | floor | µs/file | cfglint `--jobs 1` | µs/file | peak RSS | "
            "cfglint default jobs | µs/file | peak RSS (tree) | others |")
        add("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
        per_file: dict[str, list[float]] = {"floor": [], "j1": [], "def": []}
        for n, v in sc.items():
            f = v["files"]
            ss = v["series"]
            fl_, j1, de = _med(ss["floor"]), _med(ss["cfglint_j1"]), _med(ss["cfglint_default"])
            st0 = st or 0.0

            def us(t: float | None, sub: float, f: int = f) -> str:
                return "–" if t is None else f"{(t - sub) / f * 1e6:,.0f}"

            for key, t, sub in (("floor", fl_, 0.0), ("j1", j1, st0), ("def", de, st0)):
                if t is not None:
                    per_file[key].append((t - sub) / f)
            add(f"| {n} | {f} | {v['bytes'] / 1e6:.1f} | {_fmt_s(fl_)} | {us(fl_, 0.0)} | {_fmt_s(j1)} | "
                f"{us(j1, st0)} | {_fmt_mb(max(ss['cfglint_j1']['rss_kb'], default=0))} | {_fmt_s(de)} | "
                f"{us(de, st0)} | {_fmt_mb(ss['cfglint_default']['tree_rss_kb'])} | {_other(ss['cfglint_j1'])} |")
        for key, label in (("floor", "floor"), ("j1", "cfglint --jobs 1"), ("def", "cfglint default jobs")):
            v = per_file[key]
            if len(v) >= 2:
                add(f"\n{label}: time per file at the largest size is {v[-1] / v[0]:.2f}× that at the smallest.")
        add("")

    ins = data.get("instructions")
    if ins:
        add("## Instructions\n")
        add("Instructions executed, counted by valgrind (`python bench/instructions.py`): deterministic to well under "
            "0.1% where the times above move by a third between runs on this VM, so this is the table to compare "
            "two commits by. Each file kind: one warm pass of cfglint's loader against the floor's parser on the "
            "same files. Whole tree: `api.lint` (jobs 1, no cache) against the floor, both minus their imports. The "
            "YAML files only: `api.lint` given the YAML files, as in the yamllint comparison, against the floor's "
            "parse of the same files. "
            "Instructions are not time (memory traffic is not counted).\n")
        if "error" in ins:
            add(f"Not measured: {ins['error']}.\n")
        else:
            sys.path.insert(0, str(HERE))
            import instructions  # bench/instructions.py

            add(instructions.table(ins) + "\n")

    add("## Targets\n")
    add("Reported, not asserted. Verdicts use the medians; \"best runs\" compares the fastest run of each series, "
        "the steadier estimate on a shared machine, where noise only ever adds time.\n")
    add("| target | measured | met |\n|---|---|---|")
    for t in data.get("targets", []):
        add(f"| {t['target']} | {t['measured']} | {t['met']} |")
    if data.get("errors"):
        add("\n## Errors\n")
        for e in data["errors"]:
            add(f"- {e}")
    add("")
    return "\n".join(L)


def _cached_verdict(times: list[float | None], limit: float) -> str:
    """' cold; yes with the result cache' when every cached series is within ``limit`` (the targets are judged
    cold first: the cache answers only what it has seen, and CI runs often start without one)."""
    got = [t for t in times if t]
    if not got:
        return ""
    return " cold; " + ("yes" if max(got) <= limit else "**no**") + " with the result cache"


def targets(data: dict[str, Any]) -> list[dict[str, str]]:
    S = data["main"]
    out: list[dict[str, str]] = []

    def met(ok: bool | None) -> str:
        return "n/a" if ok is None else ("yes" if ok else "**no**")

    floor = _med(S["floor"])
    j1 = _med(S["cfglint_j1"])
    st = data.get("startup", {}).get("cfglint check application.yml", {}).get("median")
    wa = _med(S["cfglint_warm"]) if "cfglint_warm" in S else None  # the result cache: tree unchanged
    ed = _med(S["cfglint_edit"]) if "cfglint_edit" in S else None  # and one file edited since
    if floor and j1:
        r = j1 / floor
        r2 = (j1 - st) / floor if st else None
        fc, jc = _med(S["floor"], "cpu"), _med(S["cfglint_j1"], "cpu")
        de = _med(S["cfglint_default"])
        bf, bj = _best(S["floor"]), _best(S["cfglint_j1"])
        best = f" (best runs: {bj / bf:.2f}×)" if bf and bj else ""
        out.append({"target": "single process full lint ≤ 1.5× parse floor",
                    "measured": f"cold `--jobs 1` {r:.2f}× end to end{best}"
                    + (f", {r2:.2f}× without start-up" if r2 else "")
                    + (f", {jc / fc:.2f}× in CPU time" if fc and jc else "")
                    + (f"; cold default jobs {de / floor:.2f}×" if de else "")
                    + (f"; warm result cache {wa / floor:.2f}×" if wa else "")
                    + (f", one file edited since {ed / floor:.2f}×" if ed else ""),
                    "met": met(r <= 1.5) + _cached_verdict([wa, ed], floor * 1.5)})
    else:
        out.append({"target": "single process full lint ≤ 1.5× parse floor", "measured": "not measured", "met": "n/a"})
    sc = data.get("scaling")
    j2 = _med(S["cfglint_j2"])
    if sc and "2000" in sc:
        ss = sc["2000"]["series"]
        a, b = _med(ss["cfglint_j1"]), _med(ss["cfglint_default"])
        ba, bb = _best(ss["cfglint_j1"]), _best(ss["cfglint_default"])
        sp = (f"2000 services: {a / b:.2f}× with 2 workers" + (f" (best runs: {ba / bb:.2f}×)" if ba and bb else "")
              if a and b else "–")
        ok = (a / b >= 1.7) if a and b else None
    elif j1 and j2:
        sp = f"{data['manifest']['services']} services: {j1 / j2:.2f}× with `--jobs 2`"
        ok = j1 / j2 >= 1.7
    else:
        sp, ok = "not measured", None
    digests = set().union(*[set(S[k]["digests"]) for k in ("cfglint_default", "cfglint_j1", "cfglint_j2",
                                                           "cfglint_warm", "cfglint_edit") if k in S])
    ident = "byte-identical" if len(digests) == 1 else (f"{len(digests)} different outputs" if digests else "–")
    out.append({"target": "`--jobs N` near-linear speed-up on large trees (≥ 1.7× on 2 cores), identical output",
                "measured": f"{sp}; output {ident}", "met": met(None if ok is None else ok and len(digests) == 1)})
    st_min = data.get("startup", {}).get("cfglint check application.yml", {}).get("min")
    out.append({"target": "start-up of `cfglint check one-file.yml` ≤ 0.25 s",
                "measured": _fmt_s(st) + (f" (fastest run: {_fmt_s(st_min)})" if st_min else ""),
                "met": met(None if st is None else st <= 0.25)})
    pe = data.get("peers") or {}
    ser = pe.get("series", {})
    base = _med(S["cfglint_default"]) if S["cfglint_default"]["walls"] else None
    sg = ser.get("semgrep")
    if sg and sg["walls"] and base:
        r = _med(sg) / base
        bs, bc = _best(sg), _best(S["cfglint_default"])
        best = f" (best runs: {bs / bc:.1f}×)" if bs and bc else ""
        out.append({"target": "≥ 10× faster than semgrep",
                    "measured": f"cold: semgrep / cfglint = {r:.1f}×{best}"
                    + (f"; with the result cache: {_med(sg) / wa:.1f}× warm" if wa else "")
                    + (f", {_med(sg) / ed:.1f}× one file edited" if ed else ""),
                    "met": met(r >= 10) + _cached_verdict([wa, ed], _med(sg) / 10)})
    else:
        out.append({"target": "≥ 10× faster than semgrep",
                    "measured": (sg or {}).get("error") or pe.get("semgrep_error") or "not measured", "met": "n/a"})
    yl = ser.get("yamllint")
    yo = pe.get("yaml_only")
    if yl and yl["walls"] and base:
        r_all = _med(yl) / base
        r_yo = _med(yl) / _med(yo) if yo and yo["walls"] else None
        b_yo = _best(yl) / _best(yo) if yo and yo["walls"] else None  # type: ignore[operator]
        out.append({"target": "≥ 5× faster than yamllint",
                    "measured": (f"yamllint / cfglint on the same YAML files = {r_yo:.1f}× (best runs: {b_yo:.1f}×); "
                                 if r_yo and b_yo else "")
                    + f"yamllint (YAML only) / cfglint (whole tree) = {r_all:.1f}×",
                    "met": met((r_yo or r_all) >= 5)})
    else:
        out.append({"target": "≥ 5× faster than yamllint",
                    "measured": (yl or {}).get("error") or pe.get("yamllint_error") or "not measured", "met": "n/a"})
    if sc and len(sc) >= 2:
        sizes = sorted(sc, key=int)
        lo, hi = sc[sizes[0]], sc[sizes[-1]]
        a, b = _med(lo["series"]["cfglint_j1"]), _med(hi["series"]["cfglint_j1"])
        if a and b:
            sub = st or 0.0
            r = ((b - sub) / hi["files"]) / ((a - sub) / lo["files"])
            out.append({"target": "linear growth in files",
                        "measured": f"`--jobs 1` time per file at {sizes[-1]} services = {r:.2f}× that at "
                                    f"{sizes[0]} (start-up excluded)",
                        "met": met(r <= 1.25)})
    else:
        out.append({"target": "linear growth in files", "measured": "not measured (full run only)", "met": "n/a"})
    return out


# ============================================================================================ main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="cfglint benchmark harness (writes bench/RESULTS.md)")
    ap.add_argument("--services", type=int, default=None, help="services in the main tree (default 500; quick 100)")
    ap.add_argument("--runs", type=int, default=None, help="runs per measurement, median reported (default 5)")
    ap.add_argument("--quick", action="store_true", help="1 run, 100 services, no scaling")
    ap.add_argument("--seed", type=int, default=20240617)
    ap.add_argument("--no-peers", action="store_true", help="skip yamllint and semgrep")
    ap.add_argument("--no-install", action="store_true", help="do not pip install missing peers")
    ap.add_argument("--no-scaling", action="store_true", help="skip the 100/500/2000 services scaling runs")
    ap.add_argument("--no-instructions", action="store_true",
                    help="skip the instruction counts (bench/instructions.py; needs valgrind, ~3 min)")
    ap.add_argument("--idle-wait", type=float, default=600.0, metavar="SECONDS",
                    help="total time to spend waiting for an idle machine before measurements (default 600; 0: off)")
    ap.add_argument("--cfglint", help="command to run instead of the project's cfglint (e.g. another build)")
    ap.add_argument("--floor-worker", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--lint-worker", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.floor_worker:
        print(json.dumps(floor_worker(args.floor_worker)))
        return 0
    if args.lint_worker:
        print(json.dumps(lint_worker(args.lint_worker)))
        return 0
    args.services = args.services or (100 if args.quick else 500)
    args.runs = args.runs or (1 if args.quick else 5)
    argv_used = sys.argv[1:] if argv is None else argv
    b = Bench(args)
    Quiet.budget = args.idle_wait
    WORK.mkdir(parents=True, exist_ok=True)
    OUT.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M %Z"), "runs": args.runs,
                            "command": "python bench/run.py " + " ".join(argv_used)}
    data["machine"] = b.machine()
    tree, man = b.tree(args.services)
    data["manifest"] = man
    main_series = b.main_suite(tree, man)
    data["main"] = {k: asdict(v) for k, v in main_series.items()}
    b.log("start-up")
    data["startup"] = b.startup()
    data["peers"] = None if args.no_peers else b.peers(tree)
    if not args.quick and not args.no_scaling:
        data["scaling"] = b.scaling(args.services, main_series, man)
    if not args.quick and not args.no_instructions:
        data["instructions"] = b.instructions()
    data["targets"] = targets(data)
    errors = [f"{k}: {v['error']}" for k, v in data["main"].items() if v["error"]]
    data["errors"] = errors + b.errors
    data["idle_wait"] = {"budget": args.idle_wait, "waited": round(Quiet.waited, 1)}
    (OUT / "results.json").write_text(json.dumps(data, indent=2, default=str) + "\n")
    RESULTS.write_text(render(data), encoding="utf-8")
    b.log(f"wrote {RESULTS.relative_to(REPO)} and {(OUT / 'results.json').relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
