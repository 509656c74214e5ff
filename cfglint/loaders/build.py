"""Library versions a module is built with, from pom.xml (parent chain in the same repository,
<properties>, <dependencyManagement>, BOM imports) and Gradle files (string and map notation,
`ext`/gradle.properties variables, version catalogs). Never raises: unreadable or hostile build files
give empty facts (the caller reports parse errors separately)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

Reader = Callable[[str], "bytes | None"]

# (groupId, artifactId pattern) -> library key
ARTIFACTS: tuple[tuple[str, str, str], ...] = (
    ("com.alibaba", r"druid(-spring-boot-(3-|4-)?starter)?", "druid"),
    ("org.apache.dubbo", r"dubbo(-spring-boot-starter|-bom|-dependencies-bom)?", "dubbo"),
    ("com.alibaba", r"dubbo", "dubbo"),
    ("org.springframework.boot", r"spring-boot(-starter-parent|-dependencies|-starter.*)?", "spring-boot"),
    ("mysql", r"mysql-connector-java", "mysql"),
    ("com.mysql", r"mysql-connector-j", "mysql"),
    ("org.mariadb.jdbc", r"mariadb-java-client", "mariadb"),
    ("org.postgresql", r"postgresql", "postgresql"),
    ("com.oracle.database.jdbc", r"ojdbc\d*", "oracle"),
    ("com.oracle", r"ojdbc\d*", "oracle"),
    ("com.microsoft.sqlserver", r"mssql-jdbc", "mssql"),
    ("net.sourceforge.jtds", r"jtds", "jtds"),
    ("com.ibm.db2", r"jcc", "db2"),
    ("com.zaxxer", r"HikariCP", "hikari"),
    ("org.apache.commons", r"commons-dbcp2", "dbcp2"),
    ("com.mchange", r"c3p0", "c3p0"),
    ("org.apache.tomcat", r"tomcat-jdbc", "tomcat-jdbc"),
    ("com.baomidou", r"dynamic-datasource-spring-boot3?-starter", "dynamic-datasource"),
    ("com.clickhouse", r"clickhouse-jdbc", "clickhouse"),
)
_PROP = re.compile(r"\$\{([^}]+)\}")


@dataclass(frozen=True, slots=True)
class Version:
    text: str
    parts: tuple[int, ...]
    path: str
    line: int
    col: int


@dataclass
class BuildFacts:
    versions: dict[str, Version] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)

    def get(self, lib: str) -> tuple[int, ...] | None:
        v = self.versions.get(lib)
        return v.parts if v is not None and v.parts else None

    def has(self, lib: str) -> bool:
        return lib in self.present or lib in self.versions


def parse_version(text: str) -> tuple[int, ...]:
    m = re.match(r"^\s*v?(\d+(?:\.\d+)*)", text or "")
    return tuple(int(x) for x in m.group(1).split(".")) if m else ()


def library(group: str, artifact: str) -> str | None:
    for g, pattern, lib in ARTIFACTS:
        if group == g and re.fullmatch(pattern, artifact):
            return lib
    return None


def build_facts(build_file: str, read: Reader) -> BuildFacts:
    try:
        name = PurePath(build_file).name
        if name == "pom.xml":
            return _maven(build_file, read)
        if name.startswith("build.gradle"):
            return _gradle(build_file, read)
    except Exception:  # a build file we cannot read only costs version precision
        pass
    return BuildFacts()


# ---- Maven ------------------------------------------------------------------------------------------


@dataclass
class _Pom:
    path: str
    group: str
    artifact: str
    version: str
    props: dict[str, str]
    deps: list[tuple[str, str, str, int]]  # group, artifact, version, line
    managed: list[tuple[str, str, str, int]]
    parent: tuple[str, str, str, str, int] | None  # group, artifact, version, relativePath, line


def _pom(path: str, read: Reader) -> _Pom | None:
    data = read(path)
    if not data or b"<!ENTITY" in data:
        return None
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None

    def local(el: object) -> str:
        tag = getattr(el, "tag", "")
        return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""

    def child(el: object, name: str) -> object | None:
        for c in el:  # type: ignore[attr-defined]
            if local(c) == name:
                return c
        return None

    def text(el: object, name: str) -> str:
        c = child(el, name)
        return (c.text or "").strip() if c is not None else ""  # type: ignore[attr-defined]

    def deps(section: object | None) -> list[tuple[str, str, str, int]]:
        out = []
        if section is None:
            return out
        for d in section:  # type: ignore[attr-defined]
            if local(d) == "dependency":
                out.append((text(d, "groupId"), text(d, "artifactId"), text(d, "version"), d.sourceline or 1))
        return out

    props = {}
    pe = child(root, "properties")
    if pe is not None:
        for p in pe:  # type: ignore[attr-defined]
            if local(p):
                props[local(p)] = (p.text or "").strip()
    parent = None
    pa = child(root, "parent")
    if pa is not None:
        parent = (text(pa, "groupId"), text(pa, "artifactId"), text(pa, "version"),
                  text(pa, "relativePath") or "../pom.xml", pa.sourceline or 1)  # type: ignore[attr-defined]
    dm = child(root, "dependencyManagement")
    managed = deps(child(dm, "dependencies")) if dm is not None else []
    group = text(root, "groupId") or (parent[0] if parent else "")
    version = text(root, "version") or (parent[2] if parent else "")
    return _Pom(path, group, text(root, "artifactId"), version, props, deps(child(root, "dependencies")), managed,
                parent)


def _maven(build_file: str, read: Reader) -> BuildFacts:
    chain: list[_Pom] = []
    path: str | None = build_file
    seen: set[str] = set()
    while path and path not in seen and len(chain) < 20:
        seen.add(path)
        pom = _pom(path, read)
        if pom is None:
            break
        if chain:
            want = chain[-1].parent
            if want is None or (want[1] and pom.artifact != want[1]):
                break
        chain.append(pom)
        if pom.parent is None:
            break
        rel = pom.parent[3]
        base = PurePath(path).parent
        target = base / rel
        path = str(target / "pom.xml") if not rel.endswith(".xml") else str(target)
    if not chain:
        return BuildFacts()
    props: dict[str, str] = {}
    for pom in reversed(chain):  # the child's properties override its parents'
        props.update(pom.props)
    me = chain[0]
    props.setdefault("project.version", me.version)
    props.setdefault("project.groupId", me.group)
    if me.parent:
        props.setdefault("project.parent.version", me.parent[2])

    def resolve(v: str) -> str:
        for _ in range(10):
            if "${" not in v:
                break
            v = _PROP.sub(lambda m: props.get(m.group(1), m.group(0)), v)
        return v

    facts = BuildFacts()

    def record(lib: str, version: str, path: str, line: int, *, prefer: bool = True) -> None:
        facts.present.add(lib)
        v = resolve(version)
        if not v or "${" in v:
            return
        if lib in facts.versions and not prefer:
            return
        facts.versions[lib] = Version(v, parse_version(v), path, line, 1)

    managed: dict[tuple[str, str], tuple[str, str, int]] = {}
    for pom in reversed(chain):
        for g, a, v, line in pom.managed:
            managed[(g, a)] = (v, pom.path, line)
            lib = library(g, a)
            if lib is not None and (a.endswith("-bom") or a.endswith("-dependencies")) and v:
                record(lib, v, pom.path, line, prefer=False)  # a BOM import fixes the family's version
    for pom in reversed(chain):
        if pom.parent:
            lib = library(pom.parent[0], pom.parent[1])
            if lib is not None:
                record(lib, pom.parent[2], pom.path, pom.parent[4], prefer=False)
    for pom in chain:
        for g, a, v, line in pom.deps:
            lib = library(g, a)
            if lib is None:
                continue
            if not v and (g, a) in managed:
                v, path, line = managed[(g, a)]
            else:
                path = pom.path
            if lib == "dubbo" and g == "com.alibaba.boot":
                continue
            record(lib, v, path, line)
    for pom in chain:  # com.alibaba.boot:dubbo-spring-boot-starter 0.2.x is built on Dubbo 2.6
        for g, a, _v, line in pom.deps:
            if g == "com.alibaba.boot" and a == "dubbo-spring-boot-starter" and "dubbo" not in facts.versions:
                facts.present.add("dubbo")
                facts.versions["dubbo"] = Version("2.6", (2, 6), pom.path, line, 1)
    return facts


# ---- Gradle -----------------------------------------------------------------------------------------

_G_STRING = re.compile(r"""["']([\w.\-]+):([\w.\-]+):([^"'@]+?)(?:@\w+)?["']""")
_G_MAP = re.compile(r"""group\s*[:=]\s*["']([\w.\-]+)["']\s*,\s*name\s*[:=]\s*["']([\w.\-]+)["']\s*,\s*"""
                    r"""version\s*[:=]\s*["']([^"']+)["']""")
_G_BOOT_PLUGIN = re.compile(r"""id\s*\(?\s*["']org\.springframework\.boot["']\s*\)?\s*version\s*["']([^"']+)["']""")
_G_VAR = re.compile(r"""^\s*(?:ext\.|set\(\s*["']|val\s+|def\s+)?([A-Za-z_][\w.]*)["']?\s*[=,]\s*["']([^"']+)["']""",
                    re.M)
_G_REF = re.compile(r"\$\{?([A-Za-z_][\w.]*)\}?")


def _gradle(build_file: str, read: Reader) -> BuildFacts:
    data = read(build_file)
    if not data:
        return BuildFacts()
    text = data.decode("utf-8", errors="replace")
    base = PurePath(build_file).parent
    variables: dict[str, str] = {}
    for d in (base, base.parent):
        props = read(str(d / "gradle.properties"))
        if props:
            for line in props.decode("utf-8", errors="replace").splitlines():
                if "=" in line and not line.lstrip().startswith("#"):
                    k, v = line.split("=", 1)
                    variables.setdefault(k.strip(), v.strip())
    for m in _G_VAR.finditer(text):
        variables.setdefault(m.group(1).split(".")[-1], m.group(2))
    facts = BuildFacts()

    def record(lib: str, version: str, line: int, path: str = build_file) -> None:
        facts.present.add(lib)
        v = _G_REF.sub(lambda m: variables.get(m.group(1), m.group(0)), version)
        if v and "$" not in v:
            facts.versions[lib] = Version(v, parse_version(v), path, line, 1)

    def line_of(pos: int) -> int:
        return text.count("\n", 0, pos) + 1

    for m in _G_STRING.finditer(text):
        lib = library(m.group(1), m.group(2))
        if lib is not None:
            record(lib, m.group(3), line_of(m.start()))
    for m in _G_MAP.finditer(text):
        lib = library(m.group(1), m.group(2))
        if lib is not None:
            record(lib, m.group(3), line_of(m.start()))
    m = _G_BOOT_PLUGIN.search(text)
    if m:
        record("spring-boot", m.group(1), line_of(m.start()))
    for d in (base, base.parent):
        catalog_path = str(d / "gradle" / "libs.versions.toml")
        catalog = read(catalog_path)
        if not catalog:
            continue
        try:
            toml = tomllib.loads(catalog.decode("utf-8", errors="replace"))
        except tomllib.TOMLDecodeError:
            continue
        versions = {k: v for k, v in toml.get("versions", {}).items() if isinstance(v, str)}
        for spec in toml.get("libraries", {}).values():
            if isinstance(spec, str):
                parts = spec.split(":")
                g, a, v = [*parts, "", "", ""][:3]
            elif isinstance(spec, dict):
                module = spec.get("module", "")
                g, a = module.split(":", 1) if ":" in module else (spec.get("group", ""), spec.get("name", ""))
                ver = spec.get("version", "")
                v = versions.get(ver.get("ref", ""), "") if isinstance(ver, dict) else ver
            else:
                continue
            lib = library(g, a)
            if lib is not None:
                record(lib, v, 1, catalog_path)
        break
    return facts
