"""``lint(paths, settings) -> Report``: the one entry point. Discovery, loading (once per file),
module models per profile, checks, then the engine."""

from __future__ import annotations

import os
import re
import stat
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cfglint import __version__
from cfglint.discover import Module, SourceFile, classify, group, walk
from cfglint.findings import Finding, Severity
from cfglint.loaders import LoadError, PropsFile
from cfglint.report import Report, root_relative
from cfglint.settings import Settings
from cfglint.span import Span

if TYPE_CHECKING:
    from cfglint.cache import Cache
    from cfglint.engine import Engine


@dataclass
class Loaded:
    file: SourceFile
    text: str = ""
    node: object = None  # XmlDoc | PropsFile | None
    error: Finding | None = None


@dataclass
class RunState:
    findings: list[Finding] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    linted: int = 0
    skipped: int = 0
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    skipped_files: list[tuple[str, str]] = field(default_factory=list)


def _cf001(path: str, message: str, line: int = 1, col: int = 1) -> Finding:
    """The parser's message is the headline; one too long for a headline goes whole into ``why``."""
    head = " ".join(message.split())
    full, help_ = head, ""
    if len(head) > 100:
        first, _, rest = head.partition("; ")
        if len(first) <= 100 and rest:
            head, help_ = first, rest  # 'YAML syntax error: tab used for indentation; replace the tabs with spaces'
        else:
            head = head[:99] + "…"
    why = (f"{full}. " if head != full and not help_ else "") + \
        "No rule judges anything in this file until it can be read."
    return Finding(rule="CF001", message=head, span=Span(path, line, col, line, col + 1),
                   severity=Severity.ERROR, key="parse", why=why, help=help_)


class _TooLarge(Exception):
    def __init__(self, size: int) -> None:
        self.size = size


class _NotRegular(Exception):
    pass


def _read_capped(path: Path, max_size: int) -> bytes:
    """The file's bytes, never more than ``max_size`` + 1 read. Opened non-blocking and checked to be a regular
    file, so a FIFO or device that appears under a config name cannot block or stream forever."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _NotRegular
        if st.st_size > max_size:
            raise _TooLarge(st.st_size)
        chunks: list[bytes] = []
        left = max_size + 1  # the file may have grown since fstat
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        if left <= 0:
            raise _TooLarge(max_size + 1)
        return b"".join(chunks)
    finally:
        os.close(fd)


def load_file(f: SourceFile, max_size: int, debug: bool = False) -> Loaded:
    """Read, classify and parse one file. Never raises."""
    data = read_source(f, max_size)
    return data if isinstance(data, Loaded) else parse_source(f, data, debug)


def read_source(f: SourceFile, max_size: int) -> bytes | Loaded:
    """The file's bytes, or the finished outcome when it cannot be read (too large, not a regular file)."""
    out = Loaded(f)
    try:
        return _read_capped(f.path, max_size)
    except _TooLarge as e:
        if f.path.suffix == ".java":  # generated sources are large; a Java file over the limit is skipped quietly
            f.kind, f.reason = "skip", f"Java source over the max-file-size limit ({e.size} bytes)"
            return out
        out.error = _cf001(f.display, f"file is {e.size / 1048576:.1f} MB, over the {max_size / 1048576:.1f} "
                           "MB limit (max-file-size); not linted")
    except _NotRegular:
        f.kind, f.reason, f.unreadable = "skip", "not a regular file", True
    except OSError as e:
        out.error = _cf001(f.display, f"cannot read file: {e.strerror or e}")
    return out


def parse_source(f: SourceFile, data: bytes, debug: bool = False) -> Loaded:
    """Classify and parse one file's bytes. Never raises."""
    out = Loaded(f)
    try:
        if not f.kind:
            f.kind, f.reason = classify(f.path, data[:8192])
        if f.kind in ("skip", "build"):
            return out
        if f.kind == "xml":
            from cfglint.loaders.xml import load_xml

            out.node = load_xml(f.display, data)
        elif f.kind == "java":  # Java front end (issue 18); tree-sitter is imported only past the prefilter
            from cfglint.loaders.java import load_java

            out.node = load_java(f.display, data)
        elif f.kind == "properties":
            from cfglint.loaders.properties import load_properties

            out.node = load_properties(f.display, data)
        else:
            from cfglint.loaders.yaml import load_yaml

            if f.kind in ("compose", "k8s") and b"{{" in data:
                f.kind, f.reason = "skip", "Helm/Go template, skipped"
                return out
            out.node = load_yaml(f.display, data)
            out.node.kind = f.kind  # yaml | compose | k8s
        out.text = out.node.text  # type: ignore[attr-defined]
    except LoadError as e:
        if e.skipped:
            f.kind, f.reason, f.unreadable = "skip", e.message, e.unreadable
        else:
            out.error = _cf001(f.display, e.message, e.line, e.col)
    except Exception as e:  # a loader bug must not stop the run: report it on the file
        detail = traceback.format_exc() if debug else f"{type(e).__name__}: {e}"
        out.error = _cf001(f.display, f"internal error while loading: {detail.strip().splitlines()[-1]}")
        if debug:
            out.error.why += "\n" + detail
    return out


# Build files read during one lint() run, with their digests: every module of a monorepo reads the same parent
# and aggregator poms, and the cache checks the same files' digests. Cleared when a run starts and ends, so a
# long-lived process sees edits between runs.
_BUILD_READS: dict[str, tuple[bytes | None, str | None]] = {}


def _build_file(path: str, data: bytes | None = None) -> tuple[bytes | None, str | None]:
    """A build file's bytes (None when unreadable) and digest, read at most once per run; ``data`` when the
    caller already holds the bytes."""
    hit = _BUILD_READS.get(path)
    if hit is None:
        if data is None:
            try:
                data = Path(path).read_bytes()
            except OSError:
                data = None
        from cfglint.cache import digest

        hit = _BUILD_READS[path] = (data, digest(data))
    return hit


def _pom_text(module: Module) -> str | None:
    """The module's pom as text (its resource filters name property sources), read once per run."""
    if module.build_file is None or module.build_file.name != "pom.xml":
        return None
    data = _build_file(str(module.build_file))[0]
    return data.decode("utf-8", errors="replace") if data is not None else None


def _build_versions(module: Module, settings: Settings, deps: dict[str, str | None] | None = None,
                    ) -> tuple[dict[str, tuple[int, ...]], set[str]]:
    """Library versions and presence from the module's build file (and its parents, BOMs); every file read is
    recorded in ``deps`` (path -> content digest) for the cache."""
    versions: dict[str, tuple[int, ...]] = {}
    present: set[str] = set()
    if module.build_file is not None:
        try:
            from cfglint.loaders.build import build_facts

            def read(p: str) -> bytes | None:
                data, dg = _build_file(p)
                if deps is not None:
                    deps[p] = dg
                return data

            facts = build_facts(str(module.build_file), read)
            versions = {k: v.parts for k, v in facts.versions.items() if v.parts}
            present = set(facts.present) | set(facts.versions)
        except ImportError:
            pass
        except Exception:  # a build file we cannot read only costs us version precision
            pass
    for lib, text in (("druid", settings.druid_version), ("dubbo", settings.dubbo_version),
                      ("spring-boot", settings.spring_boot_version)):
        if text:
            versions[lib] = tuple(int(x) for x in re.findall(r"\d+", text)[:4])
            present.add(lib)
    return versions, present


def lint(paths: list[Path], settings: Settings, cwd: Path | None = None, *, debug: bool = False) -> Report:
    from cfglint.engine import Engine

    cwd = (cwd or Path.cwd()).absolute()
    _BUILD_READS.clear()
    files = walk(paths or [Path(".")], cwd, exclude=tuple(settings.exclude), include_tests=settings.include_tests,
                 respect_gitignore=settings.respect_gitignore, expand_modules=settings.expand_modules)
    engine = Engine(settings)  # option errors surface here, before any worker starts
    modules = group(files)
    from cfglint.links import link

    link(modules)
    shared = _shared_items(files, settings, cwd, debug)
    cache = open_cache(settings, shared, debug)
    if cache is not None:
        cache.cache.maybe_prune()
    state = RunState()
    stored = _probe_cache(modules, settings, cache) if cache is not None else [None] * len(modules)
    todo = [m for m, hit in zip(modules, stored, strict=True) if hit is None]
    linted = _run_modules(todo, engine, settings, shared, debug, sum(len(m.files) for m in todo), cache)
    for hit in stored:  # module order, whichever way each result came
        res = hit if hit is not None else next(linted)
        state.findings.extend(res.findings)
        state.sources.update(res.sources)
        state.linted += res.linted
        state.skipped += res.skipped
        state.unreadable.extend(res.unreadable)
        state.skipped_files.extend(res.skipped_files)
    for _ in linted:  # nothing is left: finishing the generator shuts its worker pool down now, not when collected
        pass
    _BUILD_READS.clear()
    srcroot = project_root(paths, cwd, settings.config_path)
    findings = engine.finish(state.findings, state.sources, root_relative(str(cwd), str(srcroot)))
    return Report(findings=findings, rules=engine.enabled_rules(), files_linted=state.linted,
                  files_skipped=state.skipped, srcroot=str(srcroot), cwd=str(cwd), tool_version=__version__,
                  sources=state.sources, unreadable=sorted(state.unreadable), fail_on=settings.fail_on,
                  skipped=sorted(state.skipped_files), unjudged=engine.unjudged)


@dataclass
class ModuleResult:
    """What one module sends back: findings and source texts, never parse trees (pickling those back from a
    worker cost more than parsing them)."""

    findings: list[Finding] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    linted: int = 0
    skipped: int = 0
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (path, why) of files that could not be read
    skipped_files: list[tuple[str, str]] = field(default_factory=list)  # (path, why) of every file not linted


@dataclass
class RunCache:
    """The cache as one run sees it: the store and the digest of the shared-config files every module reads."""

    cache: Cache
    shared_key: str


def open_cache(settings: Settings, shared: list[Loaded], debug: bool) -> RunCache | None:
    if not settings.cache or debug:  # --debug wants tracebacks, which are never cached
        return None
    import hashlib

    from cfglint.cache import Cache, code_fingerprint, default_dir

    directory = Path(settings.cache_dir) if settings.cache_dir else default_dir()
    run_key = code_fingerprint() + _settings_key(settings)
    h = hashlib.blake2b(digest_size=16)
    for item in shared:
        h.update(f"{item.file.display}\0{item.text}\0".encode("utf-8", "surrogatepass"))
    return RunCache(Cache(directory, run_key), h.hexdigest())


def _settings_key(settings: Settings) -> str:
    """The settings that change findings, as canonical JSON. Not ``model_dump_json``: serialising would build the
    Settings schema (and load pydantic's plugin machinery), ~30 ms of a one-file run's start-up."""
    import json

    skip = {"jobs", "cache", "cache_dir", "config_path"}  # how the run goes, not what it finds
    values = {name: getattr(settings, name) for name in type(settings).model_fields if name not in skip}
    return json.dumps(values, sort_keys=True, default=str)


def lint_module(module: Module, engine: Engine, settings: Settings, shared: list[Loaded],
                debug: bool = False, cache: RunCache | None = None) -> ModuleResult:
    """Load, model and check one module: the unit of work, serial or in a worker process, answered from the
    cache when nothing it depends on has changed.

    The cyclic garbage collector is paused while a module is linted and its young generation collected once
    after: a module allocates hundreds of thousands of small objects, and the collections those allocations
    triggered (each also walking the survivors of earlier modules) took a sixth of a cold run. Everything a
    module builds is garbage when it returns, except its findings."""
    with _gc_paused(collect_after=True):
        return _lint_module(module, engine, settings, shared, debug, cache)


@contextmanager
def _gc_paused(*, collect_after: bool) -> Iterator[None]:
    """The cyclic garbage collector off for the block, then back as it was (a library caller may have turned it
    off); ``collect_after``: collect the young generation once when it comes back on."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            if collect_after:
                gc.collect(0)


def _lint_module(module: Module, engine: Engine, settings: Settings, shared: list[Loaded],
                 debug: bool, cache: RunCache | None) -> ModuleResult:
    sources = [(f, read_source(f, settings.max_file_size)) for f in module.files]
    key = None
    if cache is not None:
        key, hit = _cache_lookup(module, sources, cache)
        if hit is not None:
            return hit
    res = ModuleResult()
    items: list[Loaded] = []
    if module.build_file is not None:
        build = str(module.build_file)
        for f, data in sources:  # the module's own build file is among its files: do not read it twice
            if isinstance(data, bytes) and str(f.path) == build:
                _build_file(build, data)
    for f, data in sources:
        item = data if isinstance(data, Loaded) else parse_source(f, data, debug)
        if f.foreign:  # another module's file, loaded by an application here: reported and counted by its own
            if item.node is not None:
                res.sources[f.display] = item.text
                items.append(item)
            continue
        if item.error is not None:
            res.findings.append(item.error)
            res.linted += 1
        elif item.node is not None:
            res.linted += 1
            res.sources[f.display] = item.text
            items.append(item)
        elif f.kind != "build":  # a build file is read for library versions, not skipped
            res.skipped += 1
            res.skipped_files.append((f.display, f.reason))
            if f.unreadable:
                res.unreadable.append((f.display, f.reason))
    deps: dict[str, str | None] = {}
    if items:
        versions, present = _build_versions(module, settings, deps)
        pom = _pom_text(module)
        res.findings.extend(engine.run_module(module, items, versions, present, debug=debug, shared=shared,
                                              build_text=pom))
        if pom is not None:  # a value Maven filters in from the pom is reported there: excerpts need its text
            for f in res.findings:
                for sp in (f.span, *(r.span for r in f.related)):
                    p = sp.path
                    if p.endswith("pom.xml") and p.rsplit("/", 1)[-1] == "pom.xml" and p not in res.sources:
                        res.sources[p] = pom
    if key is not None and cache is not None:
        from cfglint.cache import dump_findings

        cache.cache.put(key, {"findings": dump_findings(res.findings), "sources": _stored_sources(res.sources, sources),
                              "linted": res.linted, "skipped": res.skipped, "unreadable": res.unreadable,
                              "skipped_files": res.skipped_files, "deps": deps})
    return res


def _cache_lookup(module: Module, sources: list[tuple[SourceFile, bytes | Loaded]], cache: RunCache
                  ) -> tuple[str, ModuleResult | None]:
    """The module's cache key (from the bytes just read) and its stored result, if any."""
    from cfglint.cache import digest, load_findings

    parts = [str(module.root), str(module.build_file), cache.shared_key, *module.claimed]
    for f, data in sources:
        outcome = digest(data) if isinstance(data, bytes) else f"!{data.error.message if data.error else f.reason}"
        parts.extend((str(f.path), f.display, f.kind, outcome or ""))
    key = cache.cache.key(parts)
    entry = cache.cache.get(key, lambda p: _build_file(p)[1])
    if entry is not None:
        try:
            return key, _from_entry(entry, load_findings, {f.display: d for f, d in sources if isinstance(d, bytes)})
        except Exception:
            pass
    return key, None


# A probe of the cache in the parent gives up after this many misses once misses are the majority: a first run
# (nothing stored) then pays for a few modules' reads twice, not the whole tree's.
PROBE_GIVE_UP = 8


def _probe_cache(modules: list[Module], settings: Settings, cache: RunCache) -> list[ModuleResult | None]:
    """Stored results, looked up in this process before any worker starts, so a run that is mostly answered by
    the cache forks no pool for it (and sizes the pool by what is left). A miss is linted later, which reads its
    files again and makes its own key: a file edited in between is never stored under the old bytes' key."""
    out: list[ModuleResult | None] = []
    misses = 0
    # Entries are parsed into many small objects that all survive: collections would only walk them.
    with _gc_paused(collect_after=False):
        for i, m in enumerate(modules):
            if misses >= PROBE_GIVE_UP and 2 * misses > i:
                out.extend([None] * (len(modules) - i))
                break
            hit = _cache_lookup(m, [(f, read_source(f, settings.max_file_size)) for f in m.files], cache)[1]
            misses += hit is None
            out.append(hit)
    return out


def _stored_sources(texts: dict[str, str], read: list[tuple[SourceFile, bytes | Loaded]]) -> dict[str, str | None]:
    """The texts to store in a cache entry: None for a file whose text is its bytes decoded as UTF-8 (nearly
    all), which a hit decodes again from the bytes it has just read for the key. Storing the texts made decoding
    the JSON of every entry a quarter of a warm run."""
    raw = {f.display: d for f, d in read if isinstance(d, bytes)}
    out: dict[str, str | None] = {}
    for path, text in texts.items():
        data = raw.get(path)
        try:
            same = data is not None and data.decode("utf-8") == text
        except UnicodeDecodeError:
            same = False
        out[path] = None if same else text
    return out


def _from_entry(entry: dict, load_findings: Callable[[list], list[Finding]], raw: dict[str, bytes]) -> ModuleResult:
    """A cached module result, checked field by field (the file may have been edited or damaged). ``raw``: the
    bytes of the module's files, for the texts stored as None."""
    stored, linted, skipped = entry["sources"], entry["linted"], entry["skipped"]
    if not (isinstance(stored, dict) and type(linted) is int and type(skipped) is int):
        raise ValueError("malformed cache entry")
    sources: dict[str, str] = {}
    for path, text in stored.items():
        if not isinstance(path, str) or not (text is None or isinstance(text, str)):
            raise ValueError("malformed cache entry")
        sources[path] = raw[path].decode("utf-8") if text is None else text  # KeyError/UnicodeError: a miss
    unreadable = [(str(p), str(r)) for p, r in entry.get("unreadable", [])]
    skipped_files = [(str(p), str(r)) for p, r in entry["skipped_files"]]  # absent (an older entry): a miss
    return ModuleResult(load_findings(entry["findings"]), sources, linted, skipped, unreadable, skipped_files)


# Below these sizes a pool's start-up and result transfer cost more than they save (bench/RESULTS.md).
PARALLEL_MIN_FILES = 200
PARALLEL_MIN_MODULES = 8


def effective_jobs(settings: Settings, n_files: int, n_modules: int) -> int:
    if settings.jobs:
        jobs = settings.jobs
    else:
        if n_files < PARALLEL_MIN_FILES or n_modules < PARALLEL_MIN_MODULES:
            return 1
        try:
            jobs = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            jobs = os.cpu_count() or 1
    return max(1, min(jobs, n_modules))


def _run_modules(modules: list[Module], engine: Engine, settings: Settings, shared: list[Loaded], debug: bool,
                 n_files: int, cache: RunCache | None) -> Iterator[ModuleResult]:
    jobs = effective_jobs(settings, n_files, len(modules))
    if jobs <= 1:
        for m in modules:
            yield lint_module(m, engine, settings, shared, debug, cache)
        return
    import multiprocessing
    import sys
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # fork is the cheap start on Linux (the parent has everything imported already); elsewhere the default.
    ctx = multiprocessing.get_context("fork") if sys.platform == "linux" else None
    if ctx is not None:  # imported once here, inherited by every worker (each would import them itself)
        from cfglint.checks import load_all
        from cfglint.extract import model_builder  # noqa: F401

        load_all()
    # Small chunks keep both workers busy when module sizes vary; results come back in module order.
    chunk = max(1, len(modules) // (jobs * 32))
    done = 0
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker,
                                 initargs=(settings, shared, debug, cache)) as pool:
            for res in pool.map(_work, modules, chunksize=chunk):
                done += 1
                yield res
        return
    except (BrokenProcessPool, NotImplementedError, PermissionError, OSError):
        # No process pool here (sandboxes without /dev/shm or sem_open), or a worker was killed (the OOM killer):
        # the modules not yet reported are linted in this process, so the run still ends with every finding.
        pass
    for m in modules[done:]:
        yield lint_module(m, engine, settings, shared, debug, cache)


_WORKER: dict[str, object] = {}


def _init_worker(settings: Settings, shared: list[Loaded], debug: bool, cache: RunCache | None) -> None:
    from cfglint.engine import Engine

    _WORKER.update(engine=Engine(settings), settings=settings, shared=shared, debug=debug, cache=cache)


def _work(module: Module) -> ModuleResult:
    w = _WORKER
    return lint_module(module, w["engine"], w["settings"], w["shared"], w["debug"], w["cache"])  # type: ignore[arg-type]


def _shared_items(files: list[SourceFile], settings: Settings, cwd: Path, debug: bool) -> list[Loaded]:
    """Files matching ``shared-config`` globs (relative to the config file's directory, else the current
    directory): their properties are visible to every module, below each module's own."""
    if not settings.shared_config:
        return []
    import fnmatch

    base = Path(settings.config_path).parent.absolute() if settings.config_path else cwd
    out = []
    for f in files:
        try:
            rel = f.path.absolute().relative_to(base).as_posix()
        except ValueError:
            rel = f.display
        if any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(f.display, g) for g in settings.shared_config):
            # A private copy: loading classifies the file, and the module that owns it loads it again.
            item = load_file(SourceFile(f.path, f.display, f.kind, f.module, f.test), settings.max_file_size, debug)
            if item.node is not None:
                out.append(item)
    return out


def project_root(paths: list[Path], cwd: Path, config_path: str | None = None) -> Path:
    """The directory that fingerprints, baseline entries and SARIF URIs are relative to, the same whichever
    directory cfglint runs from: the git top level of the first linted path, else the configuration file's
    directory, else the common root of the linted paths."""
    dirs = []
    for p in paths or [Path(".")]:
        ap = os.path.abspath(os.path.join(cwd, p))
        dirs.append(ap if os.path.isdir(ap) else os.path.dirname(ap))
    d = dirs[0]
    while True:
        if os.path.exists(os.path.join(d, ".git")):  # a directory, or a file in worktrees and submodules
            return Path(d)
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    if config_path:
        return Path(os.path.dirname(os.path.abspath(os.path.join(cwd, config_path))))
    try:
        return Path(os.path.commonpath(dirs))
    except ValueError:  # paths on different Windows drives
        return Path(dirs[0])


def applications(paths: list[Path], settings: Settings, cwd: Path | None = None) -> list[str]:
    """The applications cfglint derives in each module and their property sources in load order, as text lines
    (``--show-config``, ``--debug``)."""
    from cfglint.apps import plan
    from cfglint.extract.model_builder import module_display_root
    from cfglint.loaders.xml import XmlDoc

    cwd = (cwd or Path.cwd()).absolute()
    files = walk(paths or [Path(".")], cwd, exclude=tuple(settings.exclude), include_tests=settings.include_tests,
                 respect_gitignore=settings.respect_gitignore, expand_modules=settings.expand_modules)
    lines: list[str] = []
    from cfglint.links import link

    modules = group(files)
    link(modules)
    for module in modules:
        items = [it for f in module.files if (it := load_file(f, settings.max_file_size)).node is not None]
        props = [i.node for i in items if isinstance(i.node, PropsFile) and i.node.kind in ("yaml", "properties")]
        xml = [i.node for i in items if isinstance(i.node, XmlDoc)]
        if not (props or xml):
            continue
        root = module_display_root(module, items)
        lines.append(f"module {root}")
        prefix = root + "/" if root not in ("", ".") else ""
        for app in plan(props, xml, _pom_text(module), prefix, module.foreign, set(module.claimed)):
            lines.append(f"  {app.name}")
            lines.extend(f"    {src}" for src in app.sources(prefix))
    return lines


def props_of(items: list[Loaded]) -> list[PropsFile]:
    return [i.node for i in items if isinstance(i.node, PropsFile)]
