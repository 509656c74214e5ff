"""Find the files to lint, decide what each one is (cheaply, by name and a sniff of its head), and
group them into modules: the nearest ancestor with a build file, else the Maven-style project
directory (the parent of ``src/``), else the file's own directory."""

from __future__ import annotations

import fnmatch
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

SKIP_DIRS = frozenset({".git", ".hg", ".svn", "target", "build", "node_modules", ".idea", ".vscode",
                       ".gradle", ".mvn", "out", "dist", "__pycache__", ".venv", "venv", ".tox"})
BUILD_FILES = ("pom.xml", "build.gradle", "build.gradle.kts")
CONFIG_EXTS = {".xml": "xml", ".properties": "properties", ".yml": "yaml", ".yaml": "yaml"}
SNIFF_BYTES = 8192
JAVA_MAIN = os.sep + os.path.join("src", "main", "java") + os.sep

# XML worth linting: Spring bean files, Dubbo config, anything holding a JDBC URL.
_XML_CONFIG = re.compile(rb"springframework\.org/schema|schema/dubbo|<beans[\s>]|jdbc:", re.I)
# XML that is never runtime configuration even when it names a JDBC URL.
_XML_NOT_CONFIG = re.compile(rb"<(generatorConfiguration|mapper|configuration\s+debug|project\s|assembly|"
                             rb"settings\s|Configuration\s+status|log4j:configuration|databaseChangeLog)[\s>]")
# [ \t]+, not \s+: under re.M, \s+ ran across blank lines and made the sniff quadratic (seconds per file).
_YAML_SPRING_KEYS = re.compile(rb"^(spring|dubbo|server|druid|datasource|jdbc|seata|mybatis|management)\s*[:.]|"
                               rb"jdbc:|^[ \t]+(datasource|druid|dubbo|hikari|task)\s*:", re.M | re.I)
_K8S = re.compile(rb"^apiVersion\s*:", re.M)
_K8S_KIND = re.compile(rb"^kind\s*:\s*(Deployment|StatefulSet|DaemonSet|Job|CronJob|Pod|ReplicaSet)\b", re.M)
_COMPOSE = re.compile(rb"^services\s*:", re.M)
_HELM = re.compile(rb"\{\{[-\s]")
# Spring Boot's own config files: application[-profile] and bootstrap[-profile] (cfglint.apps, cfglint.links).
BOOT_FILE = re.compile(r"^(?:application|bootstrap)(?:-[^./]+)?\.(?:ya?ml|properties)$", re.I)
# Keys (canonical forms) whose values name more property sources of a Boot application: imports, Nacos data ids.
IMPORT_KEYS = re.compile(r"^spring\.(?:config\.import(?:\[\d+\])?|config\.additionallocation"
                         r"|cloud\.nacos\.config\.(?:shareddataids|extconfig\[\d+\]\.dataid"
                         r"|(?:sharedconfigs|extensionconfigs)(?:\[\d+\])?(?:\.dataid)?))$")


@dataclass(slots=True, eq=False)
class SourceFile:
    path: Path  # absolute
    display: str  # relative to the current directory, posix separators
    kind: str  # xml | properties | yaml | compose | k8s | build | java | skip
    module: Path  # module root (absolute)
    test: bool = False
    reason: str = ""  # why a file is skipped
    unreadable: bool = False  # skipped because it could not be read as a text file (binary, not a regular file)
    foreign: bool = False  # another module's file that this module's application loads (cfglint.links)


@dataclass
class Module:
    root: Path
    files: list[SourceFile] = field(default_factory=list)
    build_file: Path | None = None
    claimed: list[str] = field(default_factory=list)  # display paths of own files another module's application loads
    foreign: dict[str, str] = field(default_factory=dict)  # display path of a foreign file -> its profile ('' base)


def display_path(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        rel = os.path.relpath(path, cwd)
        return Path(rel).as_posix()


# Code generators' own database settings, read at build or design time, never by the running service: jeecg's
# codegen (org.jeecgframework.codegenerate) reads jeecg/jeecg_database.properties and jeecg_config.properties.
GENERATOR_FILES = frozenset({"jeecg_database.properties", "jeecg_config.properties"})


def classify(path: Path, head: bytes) -> tuple[str, str]:
    """(kind, reason) from the file name and the first bytes."""
    name = path.name
    if name in BUILD_FILES:
        return "build", ""
    ext = path.suffix.lower()
    if ext == ".java":  # the loader's byte prefilter decides whether it is parsed
        return "java", ""
    kind = CONFIG_EXTS.get(ext)
    if kind is None:
        return "skip", "not a configuration file type"
    low_name = name.lower()
    if ("generator" in low_name or "codegen" in low_name or low_name in GENERATOR_FILES
            or any(p.lower() in ("generator", "codegen") for p in path.parts[:-1])):
        return "skip", "code-generator configuration, not a runtime pool"
    if "templates" in path.parts[:-1] and kind in ("properties", "xml"):
        return "skip", "template directory"  # Freemarker/Velocity/code-generator inputs, not runtime config
    if kind == "xml":
        if _XML_NOT_CONFIG.search(head) and b"springframework.org/schema" not in head:
            return "skip", "XML that is not runtime configuration"
        if _XML_CONFIG.search(head):
            return "xml", ""
        return "skip", "XML without Spring, Dubbo or JDBC configuration"
    if kind == "properties":
        if name.startswith(("messages", "ValidationMessages")) or name in ("gradle.properties",):
            return "skip", "not Spring configuration"
        return "properties", ""
    # YAML
    low = name.lower()
    if _K8S.search(head) and _K8S_KIND.search(head):
        return "k8s", ""
    if (low.startswith(("docker-compose", "compose")) or _COMPOSE.search(head)) and _COMPOSE.search(head):
        return "compose", ""
    if low.startswith(("application", "bootstrap")) or _YAML_SPRING_KEYS.search(head):
        return "yaml", ""
    return "skip", "YAML that is not Spring configuration"


def _module_root(fs: str, top: str, build_dirs: dict[str, str | None], roots: dict[str, Path]) -> tuple[Path, bool]:
    """(module root, is test source) of the file ``fs``: the nearest directory up to ``top`` with a build file, else
    the directory above src/main or src/test, else the file's directory. Strings throughout: building a Path per
    file was a third of walking a large tree."""
    parts = fs.split(os.sep)
    test = False
    src = -1
    for i in range(len(parts) - 2, 0, -1):
        if parts[i] == "src" and parts[i + 1] in ("main", "test"):
            test = parts[i + 1] == "test"
            src = i
            break
    d = os.path.dirname(fs)
    while True:
        if d not in build_dirs:
            build_dirs[d] = next((os.path.join(d, b) for b in BUILD_FILES if os.path.isfile(os.path.join(d, b))), None)
        if build_dirs[d] is not None:
            break
        parent = os.path.dirname(d)
        if d == top or parent == d:
            d = os.sep.join(parts[:src]) if src > 0 else os.path.dirname(fs)
            break
        d = parent
    r = roots.get(d)
    if r is None:
        r = roots[d] = Path(d)
    return r, test


def _git_ignored(paths: list[str], root: Path) -> set[str]:
    if not paths:
        return set()
    try:
        data = "\0".join(paths) + "\0"
        # One git process: check-ignore exits 0 (some ignored), 1 (none), or 128 outside a repository.
        res = subprocess.run(["git", "check-ignore", "-z", "--stdin"], cwd=root, input=data,
                             capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return set()
    if res.returncode not in (0, 1):
        return set()
    return {p for p in res.stdout.split("\0") if p}


def _excluded(display: str, patterns: tuple[str, ...]) -> bool:
    for pat in patterns:
        if fnmatch.fnmatch(display, pat) or fnmatch.fnmatch(display, pat.rstrip("/") + "/*"):
            return True
        if "/" not in pat and any(fnmatch.fnmatch(part, pat) for part in display.split("/")):
            return True
    return False


def module_dir(path: Path) -> Path:
    """The module root of one file: nearest ancestor with a build file, else the parent of src/."""
    return _module_root(str(path), "", {}, {})[0]  # no walk root: search up to the filesystem root


def _scan_tree(top: str, found: dict[str, bool], build_dirs: dict[str, str | None]) -> None:
    """Candidate files under ``top`` (sorted directories, no symlinked directories), noting which directories hold
    a build file. ``DirEntry.is_file()`` needs no extra stat except for symlinks: a symlink counts if it ends at a
    regular file; FIFOs, devices, dangling links and symlink loops are left out (is_file() never raises).
    ``.java`` files count only under ``src/main/java`` (production code; tests never build production pools)."""
    stack = [top]
    while stack:
        d = stack.pop()
        java = JAVA_MAIN in d + os.sep
        try:
            with os.scandir(d) as it:
                entries = list(it)
        except OSError:
            continue
        subdirs = []
        names = set()
        for e in entries:
            name = e.name
            try:
                if e.is_dir(follow_symlinks=False):
                    if name not in SKIP_DIRS and not name.startswith("."):
                        subdirs.append(e.path)
                    continue
                ext = os.path.splitext(name)[1].lower()
                if (name in BUILD_FILES or ext in CONFIG_EXTS or (java and ext == ".java")) and e.is_file():
                    found.setdefault(e.path, False)
                    names.add(name)
            except OSError:
                continue
        build_dirs[d] = next((os.path.join(d, b) for b in BUILD_FILES if b in names), None)
        stack.extend(sorted(subdirs, reverse=True))


def walk(paths: list[Path], cwd: Path, *, exclude: tuple[str, ...] = (), include_tests: bool = False,
         respect_gitignore: bool = True, expand_modules: bool = False) -> list[SourceFile]:
    """All candidate files under ``paths`` (explicit files are always taken), sorted by path. With
    ``expand_modules`` an explicit file brings in the rest of its module, so cross-file rules see it all
    (what a pre-commit hook passing only the changed files needs)."""
    found: dict[str, bool] = {}  # absolute path -> given explicitly
    dirs: list[Path] = []
    for p in paths:
        ap = (cwd / p).absolute() if not p.is_absolute() else p
        if ap.is_file():
            found[str(ap)] = True
            if expand_modules:
                mod = module_dir(ap)
                if mod not in dirs:
                    dirs.append(mod)
            continue
        if ap.is_dir():
            dirs.append(ap)
    build_dirs: dict[str, str | None] = {}
    module_paths: dict[str, Path] = {}
    for ap in dirs:
        _scan_tree(str(ap), found, build_dirs)
    walked = [p for p, explicit in found.items() if not explicit]
    ignored = _git_ignored(walked, cwd) if respect_gitignore else set()
    out = []
    roots = [((cwd / p).absolute() if not p.is_absolute() else p) for p in paths] + dirs
    root_strs = [(str(r), str(r).rstrip(os.sep) + os.sep, r if r.is_dir() else None) for r in roots]
    cwd_prefix = str(cwd).rstrip(os.sep) + os.sep
    for fs in sorted(found, key=lambda f: f.split(os.sep)):  # the order of Path objects: by component
        explicit = found[fs]
        if fs in ignored:
            continue
        fp = Path(fs)
        disp = fs[len(cwd_prefix):].replace(os.sep, "/") if fs.startswith(cwd_prefix) else display_path(fp, cwd)
        if not explicit and exclude and _excluded(disp, exclude):
            continue
        root = next((r for rs, pre, r in root_strs if fs == rs or fs.startswith(pre)), None)
        module, test = _module_root(fs, str(root) if root is not None else os.path.dirname(fs), build_dirs,
                                    module_paths)
        if test and not include_tests and (not explicit or fs.endswith(".java")):
            continue  # test Java passed by a pre-commit hook is still test code
        out.append(SourceFile(fp, disp, "", module, test))
    return out


def group(files: list[SourceFile]) -> list[Module]:
    modules: dict[tuple[Path, bool], Module] = {}
    for f in files:
        key = (f.module, f.test)
        m = modules.get(key)
        if m is None:
            m = modules[key] = Module(f.module)
        m.files.append(f)
        if f.path.name in BUILD_FILES and f.path.parent == f.module and m.build_file is None:
            m.build_file = f.path
    for m in modules.values():
        if m.build_file is None:
            m.build_file = next((m.root / b for b in BUILD_FILES if (m.root / b).is_file()), None)
    return [modules[k] for k in sorted(modules, key=lambda k: (str(k[0]), k[1]))]
