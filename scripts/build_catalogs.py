"""Rebuild the key catalogues in cfglint/catalog/*.json from the libraries' own source.

The catalogues are derived data: key names, the versions that accept them and where they were read.
Each comes from a local git mirror of the library (bare or not); this script never touches the
network. Fetch the mirrors first, e.g.::

    git clone --bare https://github.com/alibaba/druid                  /tmp/src/druid
    git clone --bare https://github.com/apache/dubbo                   /tmp/src/dubbo
    git clone --bare https://github.com/spring-projects/spring-boot    /tmp/src/spring-boot
    git clone --bare https://github.com/spring-projects/spring-framework /tmp/src/spring-framework
    git clone --bare https://github.com/brettwooldridge/HikariCP       /tmp/src/hikaricp
    git clone --bare https://github.com/apache/commons-dbcp            /tmp/src/commons-dbcp
    git clone --bare https://github.com/apache/tomcat                  /tmp/src/tomcat
    git clone --bare https://github.com/baomidou/dynamic-datasource    /tmp/src/dynamic-datasource

then::

    python scripts/build_catalogs.py druid /tmp/src/druid
    python scripts/build_catalogs.py dubbo /tmp/src/dubbo
    python scripts/build_catalogs.py spring-boot /tmp/src/spring-boot
    python scripts/build_catalogs.py spring-framework /tmp/src/spring-framework
    python scripts/build_catalogs.py hikari /tmp/src/hikaricp
    python scripts/build_catalogs.py dbcp /tmp/src/commons-dbcp
    python scripts/build_catalogs.py tomcat-jdbc /tmp/src/tomcat
    python scripts/build_catalogs.py dynamic-datasource /tmp/src/dynamic-datasource

(``--out DIR`` writes somewhere else; ``--check`` compares with the committed files instead.)

Every release tag in a range is read (Spring Boot: the last patch of each minor, since keys only
change at minors). A key's versions are written as ranges of those tags: ``""`` = every scanned
version, ``"1.2.12-"`` = from 1.2.12 on, ``"-2.5"`` = before 2.5, ``"2.3-2.5"``; several ranges are
joined with ``,``. Versions between two scanned tags that disagree are "unknown" to the linter.

Java is read with a small brace-aware scanner (comments and string literals skipped): a class's
JavaBean properties are its public non-static one-argument ``setX`` methods (plus ``getX``/``isX``
getters where a binder can bind through a getter), inherited from superclasses found in the same
source tree; Lombok ``@Data``/``@Setter`` classes contribute their fields.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "cfglint" / "catalog"


# ---- git -------------------------------------------------------------------------------------------


class Repo:
    def __init__(self, gitdir: str) -> None:
        self.gitdir = gitdir
        self._ls: dict[str, list[str]] = {}
        self._show: dict[tuple[str, str], str | None] = {}

    def git(self, *args: str) -> str:
        r = subprocess.run(["git", "-C", self.gitdir, *args], capture_output=True, text=True, errors="replace")
        if r.returncode != 0:
            raise RuntimeError(f"git {' '.join(args)}: {r.stderr.strip()}")
        return r.stdout

    def tags(self) -> list[str]:
        return self.git("tag").split()

    def ls(self, tag: str) -> list[str]:
        if tag not in self._ls:
            self._ls[tag] = self.git("ls-tree", "-r", "--name-only", tag).splitlines()
        return self._ls[tag]

    def show(self, tag: str, path: str) -> str | None:
        k = (tag, path)
        if k not in self._show:
            r = subprocess.run(["git", "-C", self.gitdir, "show", f"{tag}:{path}"], capture_output=True)
            self._show[k] = r.stdout.decode("utf-8", "replace") if r.returncode == 0 else None
        return self._show[k]

    def find(self, tag: str, suffix: str) -> list[str]:
        return [p for p in self.ls(tag) if p.endswith(suffix) and "/test/" not in p]


def vtuple(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text))


def vstr(v: tuple[int, ...]) -> str:
    return ".".join(map(str, v))


# ---- Java ------------------------------------------------------------------------------------------


def strip_comments(src: str) -> str:
    """Blank out comments (keeping offsets and newlines); string and char literals are kept."""
    out = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "/" and i + 1 < n and src[i + 1] == "/":
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c == "/" and i + 1 < n and src[i + 1] == "*":
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", src[i:j]))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            out.append(src[i:j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _skip_literal(src: str, i: int) -> int:
    c = src[i]
    j = i + 1
    while j < len(src) and src[j] != c:
        j += 2 if src[j] == "\\" else 1
    return j + 1


def _block_end(src: str, open_brace: int) -> int:
    """Offset just after the brace matching src[open_brace] == '{'."""
    depth = 0
    i = open_brace
    n = len(src)
    while i < n:
        c = src[i]
        if c in "\"'":
            i = _skip_literal(src, i)
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return n


_CLASS_DECL = re.compile(
    r"((?:@[\w.]+(?:\([^)]*\))?\s*)*)((?:(?:public|protected|private|static|final|abstract)\s+)*)"
    r"(class|interface|enum|record|@interface)\s+(\w+)([^{;]*)\{")


@dataclass
class JClass:
    name: str
    kind: str
    header: str  # text between the name and '{' (extends/implements)
    annotations: str
    modifiers: str
    flat: str  # the body with every nested block replaced by {}
    nested: dict[str, JClass] = field(default_factory=dict)
    imports: dict[str, str] = field(default_factory=dict)  # simple name -> FQN
    package: str = ""

    @property
    def extends(self) -> str | None:
        m = re.search(r"\bextends\s+([\w.]+)", self.header)
        return m.group(1).rsplit(".", 1)[-1] if m and self.kind == "class" else None


def _parse_body(src: str, start: int, end: int) -> tuple[str, dict[str, JClass]]:
    """Flatten src[start:end] (a class body without its braces) and collect its nested classes."""
    flat: list[str] = []
    nested: dict[str, JClass] = {}
    i = start
    seg = start
    while i < end:
        c = src[i]
        if c in "\"'":
            i = _skip_literal(src, i)
            continue
        if c == "{":
            close = _block_end(src, i)
            # Is this block a nested class declaration?
            head_start = max(seg, src.rfind(";", seg, i) + 1, src.rfind("}", seg, i) + 1)
            m = _CLASS_DECL.search(src, head_start, i + 1)
            if m and m.end() == i + 1:
                body_flat, sub = _parse_body(src, i + 1, close - 1)
                nested[m.group(4)] = JClass(m.group(4), m.group(3), m.group(5), m.group(1), m.group(2), body_flat, sub)
            flat.append(src[seg:i])
            flat.append("{}")
            i = close
            seg = close
            continue
        i += 1
    flat.append(src[seg:end])
    return "".join(flat), nested


def parse_java(src: str) -> dict[str, JClass]:
    """Top-level classes of a Java file (with nested classes inside)."""
    code = strip_comments(src)
    pkg = re.search(r"^\s*package\s+([\w.]+)\s*;", code, re.M)
    imports = {m.group(1).rsplit(".", 1)[-1]: m.group(1)
               for m in re.finditer(r"^\s*import\s+([\w.]+)\s*;", code, re.M)}
    out: dict[str, JClass] = {}
    i = 0
    while True:
        m = _CLASS_DECL.search(code, i)
        if not m:
            break
        open_brace = m.end() - 1
        close = _block_end(code, open_brace)
        flat, nested = _parse_body(code, open_brace + 1, close - 1)
        out[m.group(4)] = JClass(m.group(4), m.group(3), m.group(5), m.group(1), m.group(2), flat, nested,
                                 imports, pkg.group(1) if pkg else "")
        i = close
    return out


_TYPE = r"[\w.]+(?:\s*<[^()]*?>)?(?:\s*\[\s*\])*"
_SETTER = re.compile(
    r"\bpublic\s+((?:(?:static|final|synchronized|native)\s+)*)(?:<[^>]+>\s+)?" + _TYPE
    + r"\s+set([A-Z0-9_$]\w*)\s*\(\s*(?:final\s+)?(?:@[\w.]+(?:\([^)]*\))?\s+)*(" + _TYPE
    + r"(?:\.\.\.)?)\s+\w+\s*\)")
_GETTER = re.compile(
    r"\bpublic\s+((?:(?:static|final|synchronized|native)\s+)*)(?:<[^>]+>\s+)?(" + _TYPE
    + r")\s+(get|is)([A-Z0-9_$]\w*)\s*\(\s*\)")
_FIELD = re.compile(r"\s*((?:@[\w.]+(?:\([^)]*\))?\s*)*)((?:(?:private|protected|public|static|final|"
                    r"transient|volatile)\s+)*)(" + _TYPE + r")\s+(\w+)\s*(?:=.*)?", re.S)


JAVA_WORDS = frozenset({"return", "new", "throw", "class", "interface", "enum", "record", "package", "import",
                        "else", "case", "assert", "yield"})


def decapitalize(name: str) -> str:
    """java.beans.Introspector.decapitalize."""
    if len(name) > 1 and name[0].isupper() and name[1].isupper():
        return name
    return name[:1].lower() + name[1:]


@dataclass
class Prop:
    name: str
    type: str
    setter: bool
    deprecated_replacement: str | None = None


def class_props(cls: JClass, *, getters: bool = False, lombok: bool = True) -> dict[str, Prop]:
    """JavaBean properties declared by one class (not inherited)."""
    props: dict[str, Prop] = {}
    for m in _SETTER.finditer(cls.flat):
        if "static" in m.group(1):
            continue
        name = decapitalize(m.group(2))
        props.setdefault(name, Prop(name, re.sub(r"\s+", "", m.group(3)), True))
    if lombok and re.search(r"@(?:lombok\.)?(?:Data|Setter)\b", cls.annotations):
        for stmt in re.split(r"[;{}]", cls.flat):
            m = _FIELD.fullmatch(stmt)
            if m is None or "(" in stmt.split("=", 1)[0] or m.group(3) in JAVA_WORDS:
                continue
            if "static" in m.group(2) or "final" in m.group(2):
                continue
            props.setdefault(m.group(4), Prop(m.group(4), re.sub(r"\s+", "", m.group(3)), True))
    if getters:
        for m in _GETTER.finditer(cls.flat):
            if "static" in m.group(1):
                continue
            name = decapitalize(m.group(4))
            if name == "class":
                continue
            typ = re.sub(r"\s+", "", m.group(2))
            if name not in props:
                props[name] = Prop(name, typ, False)
            else:
                props[name].type = props[name].type or typ
    # @DeprecatedConfigurationProperty(replacement = "...") on a getter
    for m in re.finditer(r"@DeprecatedConfigurationProperty\s*\(([^)]*)\)\s*(?:@\w+\s*)*public\s+" + _TYPE
                         + r"\s+(?:get|is)([A-Z]\w*)\s*\(", cls.flat):
        rep = re.search(r'replacement\s*=\s*"([^"]*)"', m.group(1))
        name = decapitalize(m.group(2))
        if name in props:
            props[name].deprecated_replacement = rep.group(1) if rep else ""
    return props


class SourceTree:
    """Java classes of one tag, found by simple name under a set of source roots."""

    def __init__(self, repo: Repo, tag: str, roots: Iterable[str]) -> None:
        self.repo = repo
        self.tag = tag
        self.roots = tuple(roots)
        self.by_name: dict[str, list[str]] = {}
        for p in repo.ls(tag):
            if p.endswith(".java") and p.startswith(self.roots) and "/test/" not in p:
                self.by_name.setdefault(p.rsplit("/", 1)[-1][:-5], []).append(p)

    @cache  # noqa: B019 - one tree per tag, short-lived
    def classes(self, path: str) -> dict[str, JClass]:
        src = self.repo.show(self.tag, path)
        return parse_java(src) if src else {}

    def find(self, name: str, near: JClass | None = None) -> tuple[str, JClass] | None:
        paths = self.by_name.get(name, [])
        if near is not None and len(paths) > 1:
            fqn = near.imports.get(name) or f"{near.package}.{name}"
            want = fqn.replace(".", "/") + ".java"
            paths = [p for p in paths if p.endswith(want)] or paths
        for p in paths:
            c = self.classes(p).get(name)
            if c is not None:
                return p, c
        return None

    def hierarchy(self, name: str) -> list[tuple[str, JClass]]:
        """The class and its superclasses found in this tree, most derived first."""
        out: list[tuple[str, JClass]] = []
        found = self.find(name)
        seen = set()
        while found is not None and found[1].name not in seen:
            seen.add(found[1].name)
            out.append(found)
            sup = found[1].extends
            found = self.find(sup, found[1]) if sup else None
        return out

    def bean_props(self, name: str, *, getters: bool = False) -> tuple[dict[str, Prop], list[str]]:
        props: dict[str, Prop] = {}
        paths = []
        for path, cls in self.hierarchy(name):
            paths.append(path)
            for k, v in class_props(cls, getters=getters).items():
                props.setdefault(k, v)
        return props, paths


# ---- ranges ----------------------------------------------------------------------------------------


class Table:
    """key -> set of scanned versions in which it exists."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.present: dict[str, set[str]] = {}
        self.paths: dict[str, list[str]] = {}  # path -> versions it was read at
        self.extra: dict[str, dict[str, str]] = {}  # key -> {version: note}, e.g. deprecation replacements

    def add(self, version: str, keys: Iterable[str], paths: Iterable[str] = ()) -> None:
        for k in keys:
            self.present.setdefault(k, set()).add(version)
        for p in paths:
            self.paths.setdefault(p, []).append(version)

    def note(self, key: str, version: str, note: str) -> None:
        self.extra.setdefault(key, {})[version] = note

    def dump(self, versions: list[str]) -> dict:
        def ranges(have: set[str]) -> str:
            segs = []
            start = None
            for i, v in enumerate(versions):
                if v in have and start is None:
                    start = i
                if v not in have and start is not None:
                    segs.append((start, i))
                    start = None
            if start is not None:
                segs.append((start, len(versions)))
            out = []
            for a, b in segs:
                lo = "" if a == 0 else versions[a]
                hi = "" if b == len(versions) else versions[b]
                out.append(f"{lo}-{hi}" if (lo or hi) else "")
            return ",".join(out)

        sources = []
        for p, vs in self.paths.items():
            idx = sorted(versions.index(v) for v in set(vs))
            sources.append(f"{p} @ {versions[idx[0]]}..{versions[idx[-1]]}")
        out = {"title": self.title, "sources": sorted(sources),
               "keys": {k: ranges(v) for k, v in sorted(self.present.items(), key=lambda kv: kv[0].lower())}}
        if self.extra:
            out["notes"] = {k: self._compress(v, versions) for k, v in sorted(self.extra.items())}
        return out

    @staticmethod
    def _compress(notes: dict[str, str], versions: list[str]) -> dict[str, str]:
        """{version: note} -> {first version of each run of equal notes: note}."""
        out: dict[str, str] = {}
        last = None
        for v in versions:
            if v in notes and notes[v] != last:
                out[v] = notes[v]
            last = notes.get(v)
        return out


def write(lib: str, source: str, tags: list[tuple[str, str]], tables: dict[str, Table], out_dir: Path,
          check: bool, note: str = "") -> int:
    versions = [v for v, _ in tags]
    doc = {
        "library": lib,
        "source": source,
        "generated-by": f"scripts/build_catalogs.py {lib} <mirror of {source}>",
        "note": note,
        "versions": versions,
        "tags": {v: t for v, t in tags if v != t},
        "sets": {name: t.dump(versions) for name, t in tables.items()},
    }
    if not doc["note"]:
        del doc["note"]
    text = json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=False) + "\n"
    path = out_dir / f"{lib}.json"
    if check:
        same = path.is_file() and path.read_text(encoding="utf-8") == text
        print(f"{path}: {'up to date' if same else 'DIFFERS'}")
        return 0 if same else 1
    path.write_text(text, encoding="utf-8")
    counts = ", ".join(f"{k}={len(t.present)}" for k, t in tables.items())
    print(f"wrote {path} ({len(versions)} versions {versions[0]}..{versions[-1]}; {counts})")
    return 0


def release_tags(repo: Repo, pattern: str, lo: tuple[int, ...] = (), hi: tuple[int, ...] | None = None,
                 per_minor: bool = False) -> list[tuple[str, str]]:
    """(version, tag) for tags matching a regex whose group 1 is a plain release version, oldest first."""
    found: dict[tuple[int, ...], str] = {}
    for t in repo.tags():
        m = re.fullmatch(pattern, t)
        if not m:
            continue
        v = vtuple(m.group(1))
        if v < lo or (hi is not None and v >= hi):
            continue
        found[v] = t
    items = sorted(found.items())
    if per_minor:
        last: dict[tuple[int, ...], tuple[tuple[int, ...], str]] = {}
        for v, t in items:
            last[v[:2]] = (v, t)
        return [(vstr(k), t) for k, (_, t) in sorted(last.items())]
    return [(vstr(v), t) for v, t in items]


# ---- Druid -----------------------------------------------------------------------------------------

DRUID_PKG = "com/alibaba/druid/"


def _druid_root(repo: Repo, tag: str) -> str:
    return "core/src/main/java/" if any(p.startswith("core/src/main/java/") for p in repo.ls(tag)) \
        else "src/main/java/"


def _method_bodies(src: str, names: tuple[str, ...]) -> list[str]:
    code = strip_comments(src)
    out = []
    for m in re.finditer(r"\b(?:public|protected|private|static|\s)+[\w<>\[\]]+\s+(" + "|".join(names)
                         + r")\s*\([^)]*\)[^{;]*\{", code):
        out.append(code[m.end() - 1:_block_end(code, m.end() - 1)])
    return out


def _constants(src: str | None) -> dict[str, str]:
    if not src:
        return {}
    return dict(re.findall(r'\b(\w+)\s*=\s*"([^"]*)"\s*;', strip_comments(src)))


def build_druid(repo: Repo, out: Path, check: bool) -> int:
    tags = release_tags(repo, r"(1\.\d+\.\d+)", lo=(1, 0, 0))
    bean = Table("DruidDataSource bean properties: public one-argument setters of DruidDataSource and its "
                 "superclasses (Spring XML <property name>, Druid starter spring.datasource.druid.*)")
    factory = Table("DruidDataSourceFactory.config(): plain keys read from the Properties "
                    "(druid.properties / JNDI); every other plain key is ignored")
    druid_keys = Table("druid.* keys DruidDataSource.configFromPropeties applies (druid.properties through the "
                       "factory, connectionProperties, -D system properties)")
    known = Table("every druid.*/config.* property name Druid's main sources read (filters, checkers, "
                  "ConfigFilter, the pool): keys inside connectionProperties")
    starter = Table("druid-spring-boot-starter: spring.datasource.druid.* names bound besides the "
                    "DruidDataSource properties (DruidStatProperties and the filter prefixes)")
    for version, tag in tags:
        root = _druid_root(repo, tag)
        tree = SourceTree(repo, tag, [root + DRUID_PKG])
        props, paths = tree.bean_props("DruidDataSource")
        bean.add(version, props, paths)
        # Factory plain keys: PROP_* constants passed to properties.get/getProperty in config().
        fpath = root + DRUID_PKG + "pool/DruidDataSourceFactory.java"
        fsrc = repo.show(tag, fpath)
        if fsrc:
            consts = {k: v for k, v in _constants(fsrc).items() if k.startswith("PROP_")}
            used = set()
            for body in _method_bodies(fsrc, ("config",)):
                used |= {consts[c] for c in re.findall(r"\.get(?:Property)?\(\s*(PROP_\w+)\s*\)", body) if c in consts}
                used |= set(re.findall(r'\.get(?:Property)?\(\s*"(\w[\w-]*)"\s*\)', body))
            factory.add(version, sorted(used), [fpath])
        # druid.* keys applied by configFromPropeties: DruidDataSource.configFromPropety/-ies before 1.2.24,
        # DruidDataSourceUtils.configFromProperties after.
        cpath = root + DRUID_PKG + "Constants.java"
        consts = _constants(repo.show(tag, cpath))
        dkeys: set[str] = set()
        dpaths = []
        for p in (root + DRUID_PKG + "pool/DruidDataSource.java", root + DRUID_PKG + "util/DruidDataSourceUtils.java"):
            src = repo.show(tag, p)
            if not src:
                continue
            for body in _method_bodies(src, ("configFromPropety", "configFromPropeties", "configFromProperties")):
                body = re.sub(r"System\.getProperty\(\s*\"[^\"]*\"\s*\)", "", body)
                found = set(re.findall(r'"(druid\.[\w.]+)"', body))
                found |= {consts[c] for c in re.findall(r"Constants\.(\w+)", body)
                          if consts.get(c, "").startswith("druid.")}
                if found:
                    dpaths.append(p)
                dkeys |= found
        druid_keys.add(version, sorted(dkeys), dpaths)
        # Every druid.* / config.* literal in the main sources.
        lits: set[str] = set()
        text = repo.git("grep", "-h", "-o", "-E", r'"(druid|config)\.[A-Za-z0-9_.]+"', tag, "--",
                        root + "com/alibaba/druid/")
        for m in re.findall(r'"((?:druid|config)\.[A-Za-z0-9_.]+)"', text):
            if not m.endswith(".") and ".." not in m:
                lits.add(m)
        known.add(version, sorted(lits), [root + DRUID_PKG + "**/*.java"])
        # Starter extras
        for sroot in ("druid-spring-boot-starter/src/main/java/", "druid-spring-boot-3-starter/src/main/java/",
                      "druid-spring-boot-4-starter/src/main/java/"):
            st = SourceTree(repo, tag, [sroot])
            found = st.find("DruidStatProperties")
            if found is None:
                continue
            spath, scls = found
            names: set[str] = set()
            for name, p in class_props(scls, getters=True).items():
                names.add(name)
                sub = scls.nested.get(p.type)
                if sub is not None:
                    names |= {f"{name}.{k}" for k in class_props(sub, getters=True)}
            names.add("filter")  # spring.datasource.druid.filter.<stat|wall|...>.* (DruidFilterConfiguration)
            starter.add(version, sorted(names), [spath])
    return write("druid", "https://github.com/alibaba/druid", tags,
                 {"bean": bean, "factory": factory, "druid-keys": druid_keys, "known-keys": known,
                  "starter": starter}, out, check)


# ---- Dubbo -----------------------------------------------------------------------------------------

XS = "{http://www.w3.org/2001/XMLSchema}"
DUBBO_ELEMENTS = ("application", "registry", "protocol", "provider", "consumer", "service", "reference",
                  "method", "argument", "parameter", "module", "monitor", "config-center", "metadata-report")
DUBBO_CONFIGS = {"application": "ApplicationConfig", "registry": "RegistryConfig", "protocol": "ProtocolConfig",
                 "provider": "ProviderConfig", "consumer": "ConsumerConfig", "service": "ServiceConfig",
                 "reference": "ReferenceConfig", "method": "MethodConfig"}
DUBBO_CONFIG_ROOTS = (
    "dubbo-common/src/main/java/org/apache/dubbo/config/",
    "dubbo-config/dubbo-config-api/src/main/java/org/apache/dubbo/config/",
    "dubbo-config/dubbo-config-api/src/main/java/com/alibaba/dubbo/config/",
    "dubbo-config/src/main/java/com/alibaba/dubbo/config/",
)


def xsd_attributes(text: str) -> dict[str, set[str]]:
    """Effective attribute names of each top-level element (extension chains and groups resolved)."""
    from lxml import etree

    root = etree.fromstring(text.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    types = {t.get("name"): t for t in root.findall(f"{XS}complexType")}
    groups = {g.get("name"): g for g in root.findall(f"{XS}attributeGroup")}

    def local(qname: str | None) -> str:
        return (qname or "").rsplit(":", 1)[-1]

    def attrs_of(node, seen: frozenset = frozenset()) -> set[str]:  # type: ignore[no-untyped-def]
        out: set[str] = set()
        for el in node.iter():
            if el.tag == f"{XS}attribute" and el.get("name"):
                out.add(el.get("name"))
            elif el.tag == f"{XS}attributeGroup" and el.get("ref"):
                g = groups.get(local(el.get("ref")))
                if g is not None and g.get("name") not in seen:
                    out |= attrs_of(g, seen | {g.get("name")})
            elif el.tag == f"{XS}extension" and el.get("base"):
                base = types.get(local(el.get("base")))
                if base is not None and base.get("name") not in seen:
                    out |= attrs_of(base, seen | {base.get("name")})
        return out

    result: dict[str, set[str]] = {}
    for el in root.findall(f"{XS}element"):
        name = el.get("name")
        if name not in DUBBO_ELEMENTS:
            continue
        t = types.get(local(el.get("type"))) if el.get("type") else el.find(f"{XS}complexType")
        if t is not None:
            result[name] = attrs_of(t, frozenset({t.get("name") or ""}))
    return result


def build_dubbo(repo: Repo, out: Path, check: bool) -> int:
    tags = release_tags(repo, r"dubbo-(\d+\.\d+\.\d+(?:\.\d+)?)", lo=(2, 0, 0))
    xsd = {e: Table(f"<dubbo:{e}> attributes allowed by dubbo.xsd (union with compat/dubbo.xsd for the "
                    f"code.alibabatech.com namespace), extension chains resolved") for e in DUBBO_ELEMENTS}
    props = {t: Table(f"dubbo.{t}.* properties: setters of {c} and its superclasses") for t, c in DUBBO_CONFIGS.items()}
    for version, tag in tags:
        for path in repo.find(tag, "/dubbo.xsd"):
            text = repo.show(tag, path)
            if not text or "dubbo-config" not in path:
                continue
            for elem, names in xsd_attributes(text).items():
                xsd[elem].add(version, names, [path])
        tree = SourceTree(repo, tag, DUBBO_CONFIG_ROOTS)
        # Prefer the config classes of the main config package over compat copies.
        for paths in tree.by_name.values():
            paths.sort(key=lambda p: next(i for i, r in enumerate(DUBBO_CONFIG_ROOTS) if p.startswith(r)))
        for tagname, cls in DUBBO_CONFIGS.items():
            found, paths = tree.bean_props(cls)
            props[tagname].add(version, found, paths)
    tables = {f"xsd:{e}": t for e, t in xsd.items()}
    tables.update({f"props:{t}": v for t, v in props.items()})
    return write("dubbo", "https://github.com/apache/dubbo", tags, tables, out, check,
                 note="XSD: dubbo-config/dubbo-config-spring/src/main/resources/META-INF/dubbo.xsd and "
                      "META-INF/compat/dubbo.xsd (2.6.2+); before 2.4 dubbo-config/src/main/resources/.../dubbo.xsd")


# ---- Spring Boot -----------------------------------------------------------------------------------

BOOT_CLASSES = {  # file name -> (prefix the class binds, subtree of it we catalogue)
    "DataSourceProperties.java": ("spring.datasource", ""),
    "TaskExecutionProperties.java": ("spring.task.execution", ""),
    "TaskSchedulingProperties.java": ("spring.task.scheduling", ""),
    "ServerProperties.java": ("server", "tomcat"),
    "TomcatServerProperties.java": ("server.tomcat", ""),
}
BOOT_PREFIXES = ("spring.datasource", "spring.task", "server.tomcat")


def dashed(name: str) -> str:
    """Spring Boot's DataObjectPropertyName.toDashedForm."""
    out = []
    for ch in name:
        if ch.isupper() and out and out[-1] != "-":
            out.append("-")
        out.append(ch.lower())
    return "".join(out).replace("_", "-")


def boot_keys(cls: JClass, prefix: str, scopes: list[JClass], out: dict[str, str | None], depth: int = 0) -> None:
    """Flatten a @ConfigurationProperties class into keys (``a.b``, ``a.map.*``) -> deprecation replacement."""
    if depth > 6:
        return
    chain = [cls, *scopes]

    def nested(typ: str) -> JClass | None:
        simple = re.sub(r"<.*", "", typ).rsplit(".", 1)[-1]
        for c in chain:
            if simple in c.nested:
                return c.nested[simple]
        return None

    for name, p in class_props(cls, getters=True, lombok=False).items():
        key = f"{prefix}.{dashed(name)}" if prefix else dashed(name)
        sub = nested(p.type)
        base = re.sub(r"<.*", "", p.type).rsplit(".", 1)[-1]
        if sub is not None and sub.kind == "class":
            boot_keys(sub, key, chain, out, depth + 1)
            out.setdefault(key, None)  # the group itself (a scalar here binds nothing, but is not a typo)
        elif base in ("Map", "HashMap", "LinkedHashMap", "Properties", "TreeMap"):
            out[f"{key}.*"] = None
            out.setdefault(key, p.deprecated_replacement)
        elif p.setter or base in ("List", "Set", "Collection"):
            out[key] = p.deprecated_replacement


def build_spring_boot(repo: Repo, out: Path, check: bool) -> int:
    tags = release_tags(repo, r"v(\d+\.\d+\.\d+)(?:\.RELEASE)?", lo=(1, 2, 0), per_minor=True)
    keys = Table("Spring Boot properties under spring.datasource, spring.task, server.tomcat: the "
                 "@ConfigurationProperties classes (setters, nested groups, maps as .*) plus "
                 "additional-spring-configuration-metadata.json entries that are still bound")
    pools = Table("spring.datasource.<pool> prefixes Boot binds onto the pool it auto-configures "
                  "(DataSourceConfiguration); none means flat spring.datasource.* keys bind to the pool")
    for version, tag in tags:
        found: dict[str, str | None] = {}
        paths = []
        for fname, (prefix, subtree) in BOOT_CLASSES.items():
            for path in repo.find(tag, "/" + fname):
                if "/src/main/java/" not in path or "/org/springframework/boot/" not in path:
                    continue
                src = repo.show(tag, path) or ""
                if "@ConfigurationProperties" not in src:
                    continue
                classes = parse_java(src)
                top = classes.get(fname[:-5])
                if top is None:
                    continue
                if subtree:
                    sub = top.nested.get(subtree.capitalize())
                    if sub is None:
                        continue
                    boot_keys(sub, f"{prefix}.{subtree}", [top], found)
                else:
                    boot_keys(top, prefix, [], found)
                paths.append(path)
        # Keys only declared in the additional metadata (level "error" = no longer bound).
        for path in repo.find(tag, "META-INF/additional-spring-configuration-metadata.json"):
            if "spring-boot-autoconfigure" not in path and "/module/" not in path:
                continue
            try:
                meta = json.loads(repo.show(tag, path) or "{}")
            except json.JSONDecodeError:
                continue
            used = False
            for p in meta.get("properties", []):
                name = p.get("name", "")
                if not name.startswith(BOOT_PREFIXES):
                    continue
                used = True
                dep = p.get("deprecation") or {}
                if dep.get("replacement"):
                    keys.note(name, version, dep["replacement"])
                if dep.get("level") == "error":
                    found.pop(name, None)
                    continue
                found.setdefault(name, dep.get("replacement"))
            if used:
                paths.append(path)
        for k, rep in found.items():
            if rep:
                keys.note(k, version, rep)
        keys.add(version, found, paths)
        # Pool prefixes bound by DataSourceConfiguration.
        for path in repo.find(tag, "/DataSourceConfiguration.java"):
            if "/src/main/java/" not in path:
                continue
            src = repo.show(tag, path) or ""
            names = set(re.findall(r'"spring\.datasource\.(\w+)"', src)) - {"type"}
            if names:
                pools.add(version, sorted(names), [path])
    return write("spring-boot", "https://github.com/spring-projects/spring-boot", tags,
                 {"keys": keys, "pool-prefixes": pools}, out, check,
                 note="versions are minors (the last patch of each minor is read)")


# ---- JavaBean catalogues (pools, executors) ----------------------------------------------------------

MAP_TYPES = ("Map", "HashMap", "LinkedHashMap", "Properties", "TreeMap", "ConcurrentHashMap")


def bean_names(props: dict[str, Prop]) -> list[str]:
    """Property names, plus ``name.*`` for map-typed ones (a binder fills them key by key)."""
    out = []
    for name, p in props.items():
        out.append(name)
        if re.sub(r"<.*", "", p.type).rsplit(".", 1)[-1] in MAP_TYPES:
            out.append(f"{name}.*")
    return out


def build_beans(lib: str, source: str, repo: Repo, out: Path, check: bool, tags: list[tuple[str, str]],
                sets: dict[str, tuple[str, str, tuple[str, ...]]], note: str = "") -> int:
    """sets: name -> (title, class simple name, source roots)."""
    tables = {name: Table(title) for name, (title, _, _) in sets.items()}
    for version, tag in tags:
        for name, (_, cls, roots) in sets.items():
            tree = SourceTree(repo, tag, roots)
            props, paths = tree.bean_props(cls)
            if props:
                tables[name].add(version, bean_names(props), paths)
    tables = {k: t for k, t in tables.items() if t.present}
    return write(lib, source, tags, tables, out, check, note=note)


def build_hikari(repo: Repo, out: Path, check: bool) -> int:
    tags = release_tags(repo, r"HikariCP-(\d+\.\d+\.\d+)", lo=(1, 2, 0))
    root = ("src/main/java/com/zaxxer/hikari/",)
    return build_beans("hikari", "https://github.com/brettwooldridge/HikariCP", repo, out, check, tags, {
        "HikariDataSource": ("HikariDataSource/HikariConfig bean properties (spring.datasource.hikari.*, "
                             "<bean class=\"com.zaxxer.hikari.HikariDataSource\">)", "HikariDataSource", root),
        "HikariConfig": ("HikariConfig bean properties (<bean class=\"com.zaxxer.hikari.HikariConfig\">)",
                         "HikariConfig", root)})


def build_dbcp(repo: Repo, out: Path, check: bool) -> int:
    tags = release_tags(repo, r"(?:DBCP_|commons-dbcp-|rel/commons-dbcp-)(\d+[._]\d+(?:[._]\d+)?)", lo=(1, 2))
    return build_beans("dbcp", "https://github.com/apache/commons-dbcp", repo, out, check, tags, {
        "dbcp": ("org.apache.commons.dbcp.BasicDataSource bean properties (DBCP 1.x; spring.datasource.dbcp.* "
                 "in Boot 1.4-1.5)", "BasicDataSource", ("src/java/org/apache/commons/dbcp/",
                                                         "src/main/java/org/apache/commons/dbcp/")),
        "dbcp2": ("org.apache.commons.dbcp2.BasicDataSource bean properties (spring.datasource.dbcp2.*)",
                  "BasicDataSource", ("src/main/java/org/apache/commons/dbcp2/",))},
        note="DBCP_1_x tags are commons-dbcp 1.x (package org.apache.commons.dbcp), the rest 2.x (dbcp2)")


def build_tomcat_jdbc(repo: Repo, out: Path, check: bool) -> int:
    tags = [(v, t) for v, t in release_tags(repo, r"(\d+\.\d+\.\d+)", lo=(7, 0, 0), per_minor=True)]
    root = ("modules/jdbc-pool/src/main/java/org/apache/tomcat/jdbc/pool/",)
    return build_beans("tomcat-jdbc", "https://github.com/apache/tomcat", repo, out, check, tags, {
        "DataSource": ("org.apache.tomcat.jdbc.pool.DataSource bean properties (spring.datasource.tomcat.*)",
                       "DataSource", root)},
        note="tomcat-jdbc is released with Tomcat; versions are Tomcat minors (the last patch of each is read)")


def build_spring_framework(repo: Repo, out: Path, check: bool) -> int:
    tags = release_tags(repo, r"v(\d+\.\d+\.\d+)(?:\.RELEASE)?", lo=(3, 0, 0), per_minor=True)
    roots = tuple(f"{m}/src/main/java/org/springframework/{d}/"
                  for m, d in (("spring-context", "scheduling/concurrent"), ("spring-core", "util"),
                               ("org.springframework.context", "scheduling/concurrent"),
                               ("org.springframework.core", "util")))
    return build_beans("spring-framework", "https://github.com/spring-projects/spring-framework", repo, out, check,
                       tags, {
        "ThreadPoolTaskExecutor": ("ThreadPoolTaskExecutor bean properties (setters of the class and its "
                                   "superclasses)", "ThreadPoolTaskExecutor", roots),
        "ThreadPoolExecutorFactoryBean": ("ThreadPoolExecutorFactoryBean bean properties",
                                          "ThreadPoolExecutorFactoryBean", roots)},
        note="versions are minors (the last patch of each minor is read)")


def build_dynamic_datasource(repo: Repo, out: Path, check: bool) -> int:
    tags = release_tags(repo, r"[vV](\d+\.\d+(?:\.\d+)?)", lo=(2, 0))
    roots = ("src/main/java/com/baomidou/", "dynamic-datasource-creator/src/main/java/com/baomidou/",
             "dynamic-datasource-spring-boot-common/src/main/java/com/baomidou/",
             "dynamic-datasource-spring/src/main/java/com/baomidou/")
    return build_beans("dynamic-datasource", "https://github.com/baomidou/dynamic-datasource", repo, out, check,
                       tags, {
        "properties": ("spring.datasource.dynamic.*: DynamicDataSourceProperties fields (Lombok)",
                       "DynamicDataSourceProperties", roots),
        "datasource": ("spring.datasource.dynamic.datasource.<name>.*: DataSourceProperty fields",
                       "DataSourceProperty", roots),
        "druid": ("spring.datasource.dynamic[.datasource.<name>].druid.*: DruidConfig fields", "DruidConfig", roots),
        "hikari": ("spring.datasource.dynamic[.datasource.<name>].hikari.*: HikariCpConfig fields",
                   "HikariCpConfig", roots)})


# ---- main ------------------------------------------------------------------------------------------

BUILDERS: dict[str, Callable[[Repo, Path, bool], int]] = {
    "druid": build_druid,
    "dubbo": build_dubbo,
    "spring-boot": build_spring_boot,
    "spring-framework": build_spring_framework,
    "hikari": build_hikari,
    "dbcp": build_dbcp,
    "tomcat-jdbc": build_tomcat_jdbc,
    "dynamic-datasource": build_dynamic_datasource,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("library", choices=sorted(BUILDERS))
    ap.add_argument("gitdir", help="local git mirror (bare or not) of the library's repository")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="only compare with the files in --out")
    args = ap.parse_args(argv)
    return BUILDERS[args.library](Repo(args.gitdir), args.out, args.check)


if __name__ == "__main__":
    sys.exit(main())
