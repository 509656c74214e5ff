"""``lint(paths, settings) -> Report``: the one entry point. Discovery, loading (once per file),
module models per profile, checks, then the engine."""

from __future__ import annotations

import os
import re
import stat
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from cfglint import __version__
from cfglint.discover import Module, SourceFile, classify, group, walk
from cfglint.findings import Finding, Severity
from cfglint.loaders import LoadError, PropsFile
from cfglint.report import Report
from cfglint.settings import Settings
from cfglint.span import Span


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


def _cf001(path: str, message: str, line: int = 1, col: int = 1) -> Finding:
    return Finding(rule="CF001", message=message, span=Span(path, line, col, line, col + 1),
                   severity=Severity.ERROR, key="parse")


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
    out = Loaded(f)
    try:
        try:
            data = _read_capped(f.path, max_size)
        except _TooLarge as e:
            out.error = _cf001(f.display, f"file is {e.size / 1048576:.1f} MB, over the {max_size / 1048576:.1f} "
                               "MB limit (max-file-size); not linted")
            return out
        except _NotRegular:
            f.kind, f.reason = "skip", "not a regular file"
            return out
        except OSError as e:
            out.error = _cf001(f.display, f"cannot read file: {e.strerror or e}")
            return out
        if not f.kind:
            f.kind, f.reason = classify(f.path, data[:8192])
        if f.kind in ("skip", "build"):
            return out
        if f.kind == "xml":
            from cfglint.loaders.xml import load_xml

            out.node = load_xml(f.display, data)
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
            f.kind, f.reason = "skip", e.message
        else:
            out.error = _cf001(f.display, e.message, e.line, e.col)
    except Exception as e:  # a loader bug must not stop the run: report it on the file
        detail = traceback.format_exc() if debug else f"{type(e).__name__}: {e}"
        out.error = _cf001(f.display, f"internal error while loading: {detail.strip().splitlines()[-1]}")
        if debug:
            out.error.message += "\n" + detail
    return out


def _build_versions(module: Module, settings: Settings) -> tuple[dict[str, tuple[int, ...]], set[str]]:
    versions: dict[str, tuple[int, ...]] = {}
    present: set[str] = set()
    if module.build_file is not None:
        try:
            from cfglint.loaders.build import build_facts

            def read(p: str) -> bytes | None:
                try:
                    return Path(p).read_bytes()
                except OSError:
                    return None

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
    files = walk(paths or [Path(".")], cwd, exclude=tuple(settings.exclude), include_tests=settings.include_tests,
                 respect_gitignore=settings.respect_gitignore, expand_modules=settings.expand_modules)
    loaded = _load_all(files, settings, debug)
    engine = Engine(settings)
    state = RunState()
    for item in loaded:
        if item.error is not None:
            state.findings.append(item.error)
            state.linted += 1
        elif item.node is not None:
            state.linted += 1
            state.sources[item.file.display] = item.text
        else:
            state.skipped += 1
    by_file = {id(item.file): item for item in loaded}
    shared = _shared_items(loaded, settings, cwd)
    for module in group([item.file for item in loaded]):
        items = [by_file[id(f)] for f in module.files if by_file[id(f)].node is not None]
        if not items:
            continue
        versions, present = _build_versions(module, settings)
        state.findings.extend(engine.run_module(module, items, versions, present, debug=debug, shared=shared))
    findings = engine.finish(state.findings, state.sources)
    srcroot = _srcroot(cwd)
    return Report(findings=findings, rules=engine.enabled_rules(), files_linted=state.linted,
                  files_skipped=state.skipped, srcroot=str(srcroot), cwd=str(cwd), tool_version=__version__,
                  sources=state.sources)


def _load_all(files: list[SourceFile], settings: Settings, debug: bool) -> list[Loaded]:
    # Only loading runs in the workers and pickling parsed trees back costs more than parsing (bench/RESULTS.md),
    # so parallel loading is opt-in (--jobs N) until extraction and checks move into the workers too.
    jobs = settings.jobs or 1
    if jobs > 1 and len(files) >= 400:
        from concurrent.futures import ProcessPoolExecutor

        chunk = max(1, len(files) // (jobs * 4))
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            return list(pool.map(_load_one, files, [settings.max_file_size] * len(files),
                                 [debug] * len(files), chunksize=chunk))
    return [load_file(f, settings.max_file_size, debug) for f in files]


def _load_one(f: SourceFile, max_size: int, debug: bool) -> Loaded:
    return load_file(f, max_size, debug)


def _shared_items(loaded: list[Loaded], settings: Settings, cwd: Path) -> list[Loaded]:
    """Files matching ``shared-config`` globs (relative to the config file's directory, else the current
    directory): their properties are visible to every module, below each module's own."""
    if not settings.shared_config:
        return []
    import fnmatch

    base = Path(settings.config_path).parent.absolute() if settings.config_path else cwd
    out = []
    for item in loaded:
        if item.node is None:
            continue
        try:
            rel = item.file.path.absolute().relative_to(base).as_posix()
        except ValueError:
            rel = item.file.display
        if any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(item.file.display, g) for g in settings.shared_config):
            out.append(item)
    return out


def _srcroot(cwd: Path) -> Path:
    d = cwd
    while True:
        if (d / ".git").exists():
            return d
        if d.parent == d:
            return cwd
        d = d.parent


def props_of(items: list[Loaded]) -> list[PropsFile]:
    return [i.node for i in items if isinstance(i.node, PropsFile)]
