"""Library versions a module is built with, read from its build files.

Maven: the module's ``pom.xml`` and its parent chain inside the same repository (``<relativePath>``,
default ``../pom.xml``), with ``<properties>``, ``<dependencyManagement>``, BOM imports and ``${...}``
interpolation done the way Maven does it (inherit first, then interpolate in the child's context).
Gradle: ``build.gradle`` / ``build.gradle.kts`` plus the ``subprojects``/``allprojects`` blocks and plugin
declarations of the build files above it, ``gradle.properties``, ``ext``/``extra`` variables and the
``gradle/libs.versions.toml`` version catalog.

What we cannot see we leave unknown: versions managed by a BOM or parent outside the repository (Spring Boot's
own BOM included), ``-D`` properties, ``buildSrc`` constants, profiles. Such a library is still in
``BuildFacts.present``. Nothing here raises: an unreadable, malformed or hostile build file gives empty facts
(the caller reports parse errors separately).
"""

from __future__ import annotations

import os.path
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Reader = Callable[[str], "bytes | None"]

LIBS: tuple[str, ...] = (
    "druid", "dubbo", "spring-boot", "mysql", "mariadb", "postgresql", "oracle", "mssql", "jtds", "db2", "hikari",
    "dbcp2", "c3p0", "tomcat-jdbc", "dynamic-datasource", "clickhouse",
)

# A build file this large is not a hand-written build file; refusing it bounds time and memory.
_MAX_BYTES = 4 * 1024 * 1024
_MAX_PARENTS = 32
_MAX_VALUE = 256  # longest interpolated version we accept; stops ${a}${a} doubling attacks

# Roles decide which declaration wins when several name the same library:
#   core    the library's own artifact (its version *is* the library's version)
#   bom     a BOM / parent / build plugin that fixes the version of the whole family
#   family  a starter that brings the library in transitively, normally at the same version number
#   derived com.alibaba.boot:dubbo-spring-boot-starter, whose 0.2.x line is built on Dubbo 2.6.x
#   hint    proves the library is used, says nothing reliable about its version
_CORE, _BOM, _FAMILY, _DERIVED, _HINT = "core", "bom", "family", "derived", "hint"

# (groupId, artifactId pattern, library, role); patterns compile lazily through re's cache
_ARTIFACTS: tuple[tuple[str, str, str, str], ...] = (
    ("com.alibaba", r"druid", "druid", _CORE),
    # From 1.2.18 the starters are druid-parent modules with the druid version; older ones "normally" match.
    ("com.alibaba", r"druid-spring-boot-(?:3-|4-)?starter", "druid", _FAMILY),
    ("org.apache.dubbo", r"dubbo", "dubbo", _CORE),
    ("com.alibaba", r"dubbo", "dubbo", _CORE),
    ("org.apache.dubbo", r"dubbo-bom|dubbo-dependencies-bom", "dubbo", _BOM),
    ("org.apache.dubbo", r"dubbo-spring-boot-starter", "dubbo", _FAMILY),
    ("com.alibaba.boot", r"dubbo-spring-boot-starter", "dubbo", _DERIVED),
    ("com.alibaba.spring.boot", r"dubbo-spring-boot-starter", "dubbo", _HINT),
    ("org.springframework.boot", r"spring-boot-starter-parent|spring-boot-dependencies|spring-boot-gradle-plugin",
     "spring-boot", _BOM),
    ("org.springframework.boot", r"spring-boot", "spring-boot", _CORE),
    ("org.springframework.boot", r"spring-boot-[\w.\-]+", "spring-boot", _FAMILY),
    ("mysql", r"mysql-connector-java", "mysql", _CORE),
    ("com.mysql", r"mysql-connector-j", "mysql", _CORE),
    ("org.mariadb.jdbc", r"mariadb-java-client", "mariadb", _CORE),
    ("org.postgresql", r"postgresql", "postgresql", _CORE),
    ("com.oracle.database.jdbc", r"ojdbc-bom", "oracle", _BOM),
    ("com.oracle.database.jdbc", r"ojdbc\d*(?:-production)?", "oracle", _CORE),
    ("com.oracle", r"ojdbc\d*", "oracle", _CORE),
    ("com.microsoft.sqlserver", r"mssql-jdbc", "mssql", _CORE),
    ("net.sourceforge.jtds", r"jtds", "jtds", _CORE),
    ("com.ibm.db2", r"jcc", "db2", _CORE),
    ("com.zaxxer", r"HikariCP(?:-java[67])?", "hikari", _CORE),
    ("org.apache.commons", r"commons-dbcp2", "dbcp2", _CORE),
    ("com.mchange", r"c3p0", "c3p0", _CORE),
    ("c3p0", r"c3p0", "c3p0", _CORE),  # the pre-0.9.2 coordinates of the same library
    ("org.apache.tomcat", r"tomcat-jdbc", "tomcat-jdbc", _CORE),
    ("com.baomidou", r"dynamic-datasource-spring-boot[34]?-starter", "dynamic-datasource", _CORE),
    ("com.clickhouse", r"clickhouse-jdbc", "clickhouse", _CORE),
)


@dataclass(frozen=True, slots=True)
class Version:
    text: str  # as resolved, e.g. "1.2.8"
    parts: tuple[int, ...]  # leading numeric components; () if unparsable
    path: str  # file where the version was written
    line: int  # 1-based
    col: int  # 1-based


@dataclass
class BuildFacts:
    versions: dict[str, Version] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)  # every library seen, version known or not

    def get(self, lib: str) -> tuple[int, ...] | None:
        v = self.versions.get(lib)
        return v.parts if v is not None and v.parts else None

    def has(self, lib: str) -> bool:
        return lib in self.present or lib in self.versions


_VERSION = re.compile(r"\s*v?(\d{1,18}(?:\.\d{1,18})*)(?!\d)")


def parse_version(text: str) -> tuple[int, ...]:
    """Leading numeric components: "3.2.0-beta.1" -> (3, 2, 0), "1.2.8.RELEASE" -> (1, 2, 8), "[1,2)" -> ()."""
    m = _VERSION.match(text or "")
    return tuple(int(x) for x in m.group(1).split(".")) if m else ()


def build_facts(build_file: str, read: Callable[[str], bytes | None]) -> BuildFacts:
    try:
        name = os.path.basename(build_file)
        if name.endswith(".xml") or name.endswith(".pom"):
            return _maven(build_file, read)
        if name.startswith("build.gradle"):
            return _gradle(build_file, read)
    except Exception:  # a build file we cannot read (even a pathological one) only costs version precision
        pass
    return BuildFacts()


# ---- shared ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Text:
    """A string and where it was written."""

    value: str
    path: str
    line: int
    col: int


@dataclass(slots=True)
class _Decl:
    lib: str
    role: str
    version: _Text | None  # resolved; None when unknown
    rank: int  # lower wins (Maven); tier for Gradle
    order: int  # declaration order, for stable ties


def _library(group: str, artifact: str) -> tuple[str, str] | None:
    for g, pattern, lib, role in _ARTIFACTS:
        if group == g and re.fullmatch(pattern, artifact):
            return lib, role
    return None


def _read(path: str, read: Reader) -> bytes | None:
    try:
        data = read(path)
    except Exception:  # the reader is the caller's; a failing read is a missing file
        return None
    if data is None or len(data) > _MAX_BYTES:
        return None
    return bytes(data)


def _decode(data: bytes, encoding: str | None = None) -> str:
    for enc in (encoding, "utf-8"):
        if enc:
            try:
                return data.decode(enc)
            except (LookupError, UnicodeDecodeError):
                continue
    return data.decode("utf-8", errors="replace")


def _col(line_text: str, needle: str, start: int = 0) -> int:
    """1-based column of ``needle`` on a line, searching from ``start`` first; 1 when absent."""
    if not needle:
        return 1
    i = line_text.find(needle, start)
    if i < 0:
        i = line_text.find(needle)
    return i + 1 if i >= 0 else 1


def _to_version(decl: _Decl) -> Version:
    t = decl.version
    assert t is not None
    parts = parse_version(t.value)
    if decl.role == _DERIVED:
        parts = (2, 6)  # 0.2.x of com.alibaba.boot:dubbo-spring-boot-starter is built against Dubbo 2.6.x
    return Version(t.value, parts, t.path, t.line, t.col)


def _usable(decl: _Decl) -> bool:
    if decl.version is None or decl.role == _HINT:
        return False
    if decl.role == _DERIVED:
        # only the 0.2.x line is known to mean Dubbo 2.6.x; other lines stay "present, version unknown"
        return parse_version(decl.version.value)[:2] == (0, 2)
    return True


# ---- Maven -----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Dep:
    group: _Text
    artifact: _Text
    version: _Text | None
    scope: str


@dataclass(slots=True)
class _Pom:
    path: str
    group: str  # own or inherited from <parent>
    artifact: str
    version: _Text | None  # own <version>, else <parent><version>
    props: dict[str, _Text]
    deps: list[_Dep]
    managed: list[_Dep]
    parent: _Dep | None  # <parent> coordinates
    parent_relpath: str | None  # None = element absent (Maven's default ../pom.xml); "" = don't look locally


# Parsed poms by path, reused while the bytes are the same: in a monorepo every module reads the same parent and
# aggregator poms again. Bounded, so a long-lived process does not keep every pom it ever saw.
_POMS: dict[str, tuple[bytes, _Pom | None]] = {}
_POMS_MAX = 4096


def _pom(path: str, read: Reader) -> _Pom | None:
    """Parse one pom.xml, or None when it is missing, malformed or hostile."""
    data = _read(path, read)
    if data is None:
        return None
    hit = _POMS.get(path)
    if hit is not None and hit[0] == data:
        return hit[1]
    pom = _parse_pom(path, data)
    if len(_POMS) >= _POMS_MAX:
        _POMS.clear()
    _POMS[path] = (data, pom)
    return pom


def _parse_pom(path: str, data: bytes) -> _Pom | None:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root is None:
        return None
    tree = root.getroottree()
    dtd = tree.docinfo.internalDTD
    # A pom has no business declaring entities; one that does is hostile (XXE, billion laughs) even though the
    # parser above would not expand them.
    if dtd is not None and any(True for _ in dtd.iterentities()):
        return None
    lines = _decode(data, tree.docinfo.encoding).splitlines()

    def local(el: Any) -> str:
        tag = el.tag
        return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""

    def child(el: Any, name: str) -> Any:
        for c in el:
            if local(c) == name:
                return c
        return None

    def text_of(el: Any) -> _Text | None:
        """Element text with the position of the text itself (not of the tag)."""
        if el is None:
            return None
        if any(isinstance(c, etree._Entity) for c in el):
            return None  # an unexpanded entity reference: the value is not what it looks like
        raw = el.text or ""
        value = raw.strip()
        if not value:
            return None
        lead = raw[: len(raw) - len(raw.lstrip())]
        line = (el.sourceline or 1) + lead.count("\n")
        line_text = lines[line - 1] if 0 < line <= len(lines) else ""
        start = 0
        if "\n" not in lead:  # text follows the start tag on the same line
            start = line_text.find(local(el))
            start = line_text.find(">", max(start, 0)) + 1
        return _Text(value, path, line, _col(line_text, value, start))

    def value_of(el: Any, name: str) -> str:
        c = child(el, name)
        return (c.text or "").strip() if c is not None else ""

    def dep(el: Any) -> _Dep:
        line = el.sourceline or 1
        g, a, v, scope = None, None, None, ""
        for c in el:  # one pass; only the version needs its position worked out
            name = local(c)
            if name == "groupId":
                g = (c.text or "").strip()
            elif name == "artifactId":
                a = (c.text or "").strip()
            elif name == "version":
                v = text_of(c)
            elif name == "scope":
                scope = (c.text or "").strip()
        return _Dep(_Text(g or "", path, line, 1), _Text(a or "", path, line, 1), v, scope)

    def deps(section: Any) -> list[_Dep]:
        if section is None:
            return []
        return [dep(d) for d in section if local(d) == "dependency"]

    props: dict[str, _Text] = {}
    pe = child(root, "properties")
    if pe is not None:
        for p in pe:
            name = local(p)
            if name:
                t = text_of(p)
                props[name] = t if t is not None else _Text("", path, p.sourceline or 1, 1)
    parent = None
    relpath = None
    pa = child(root, "parent")
    if pa is not None:
        parent = dep(pa)
        rp = child(pa, "relativePath")
        if rp is not None:
            relpath = (rp.text or "").strip()
    dm = child(root, "dependencyManagement")
    managed = deps(child(dm, "dependencies")) if dm is not None else []
    group = value_of(root, "groupId") or (parent.group.value if parent else "")
    version = text_of(child(root, "version")) or (parent.version if parent else None)
    return _Pom(path, group, value_of(root, "artifactId"), version, props, deps(child(root, "dependencies")),
                managed, parent, relpath)


def _parent_path(pom: _Pom) -> str | None:
    rel = pom.parent_relpath
    if rel is None:
        rel = "../pom.xml"
    if not rel:  # <relativePath/>: Maven resolves the parent from the repository only
        return None
    target = os.path.normpath(os.path.join(os.path.dirname(pom.path), rel.replace("\\", "/")))
    return target if target.endswith((".xml", ".pom")) else os.path.join(target, "pom.xml")


def _is_parent(candidate: _Pom, want: _Dep) -> bool:
    """Maven uses the local file only when its coordinates are the ones <parent> names."""
    if candidate.group != want.group.value or candidate.artifact != want.artifact.value:
        return False
    have = candidate.version.value if candidate.version else ""
    need = want.version.value if want.version else ""
    # a literal version skew sends Maven to the repository; ${revision}-style versions are compared unresolved
    return not (have and need and "$" not in have + need and have != need)


class _MavenProps:
    """${...} interpolation over the merged properties, remembering where the final literal was written."""

    _REF = re.compile(r"\$\{([^}]*)\}")

    def __init__(self, props: dict[str, _Text]) -> None:
        self.props = props
        self.cache: dict[str, _Text | None] = {}
        self.active: set[str] = set()

    def name(self, name: str) -> _Text | None:
        name = name.strip()
        if name in self.cache:
            return self.cache[name]
        if name in self.active or len(self.active) > 64:
            return None  # a cycle (Maven rejects those) or absurd nesting
        self.active.add(name)
        try:
            result = self.resolve(self.props.get(name))
        finally:
            self.active.discard(name)
        self.cache[name] = result
        return result

    def resolve(self, t: _Text | None) -> _Text | None:
        if t is None or not t.value:
            return None
        if "${" not in t.value:
            return t
        whole = self._REF.fullmatch(t.value)
        if whole:  # a bare ${x}: the version was written where x is defined
            return self.name(whole.group(1))
        out: list[str] = []
        pos = 0
        for m in self._REF.finditer(t.value):
            r = self.name(m.group(1))
            if r is None:
                return None
            out += [t.value[pos : m.start()], r.value]
            pos = m.end()
            if sum(map(len, out)) > _MAX_VALUE:
                return None
        out.append(t.value[pos:])
        value = "".join(out)
        return _Text(value, t.path, t.line, t.col) if "${" not in value else None


def _maven(build_file: str, read: Reader) -> BuildFacts:
    me = _pom(build_file, read)
    if me is None:
        return BuildFacts()
    chain = [me]
    seen = {os.path.normpath(build_file)}
    while len(chain) < _MAX_PARENTS:
        cur = chain[-1]
        if cur.parent is None:
            break
        path = _parent_path(cur)
        if path is None or path in seen:
            break
        seen.add(path)
        pom = _pom(path, read)
        if pom is None or not _is_parent(pom, cur.parent):
            break
        chain.append(pom)

    # Maven inherits first and interpolates afterwards in the child's context: child properties override the
    # parents', and ${project.version} in a parent's <dependencyManagement> means the child's version.
    props: dict[str, _Text] = {}
    for pom in reversed(chain):
        props.update(pom.props)
    model: dict[str, _Text | None] = {
        "version": me.version,
        "groupId": _Text(me.group, me.path, 1, 1) if me.group else None,
        "artifactId": _Text(me.artifact, me.path, 1, 1) if me.artifact else None,
        "parent.version": me.parent.version if me.parent else None,
        "parent.groupId": me.parent.group if me.parent else None,
        "parent.artifactId": me.parent.artifact if me.parent else None,
    }
    for key, t in model.items():  # model values take precedence over same-named <properties>
        if t is not None:
            props[f"project.{key}"] = t
            props[f"pom.{key}"] = t  # deprecated spelling, still accepted by Maven 3
    interp = _MavenProps(props)

    def coords(d: _Dep) -> tuple[str, str]:
        g, a = interp.resolve(d.group), interp.resolve(d.artifact)
        return (g.value if g else d.group.value), (a.value if a else d.artifact.value)

    managed: dict[tuple[str, str], _Dep] = {}
    for pom in reversed(chain):  # the child's entry for the same artifact overrides its parents'
        for d in pom.managed:
            managed[coords(d)] = d
    direct: dict[tuple[str, str], _Dep] = {}
    for pom in reversed(chain):  # <dependencies> are inherited too; the child's declaration wins
        for d in pom.deps:
            direct[coords(d)] = d

    decls: list[_Decl] = []

    def add(key: tuple[str, str], version: _Text | None, rank: int, scope: str = "") -> None:
        hit = _library(*key)
        if hit is None:
            return
        lib, role = hit
        rank += {_CORE: 0, _BOM: 0, _FAMILY: 3, _DERIVED: 50, _HINT: 50}[role]
        if scope == "test":
            rank += 10  # test-only libraries are not what the service runs with
        decls.append(_Decl(lib, role, interp.resolve(version), rank, len(decls)))

    # Ranks follow Maven's rules: an explicit <version> on a direct dependency wins; otherwise
    # <dependencyManagement> (which also pins transitive versions, e.g. druid under a starter), then BOM imports
    # and the Boot parent; starters only tell us the version they bring in when nothing manages it.
    for key, d in direct.items():
        m = managed.get(key)
        if d.version is not None:
            add(key, d.version, 0, d.scope)
        else:
            add(key, m.version if m else None, 1, d.scope or (m.scope if m else ""))
    for key, d in managed.items():
        if key not in direct:
            add(key, d.version, 2 if d.scope == "import" else 1)
    for pom in chain:
        if pom.parent is not None:
            add(coords(pom.parent), pom.parent.version, 2)
    return _select(decls, highest=False)


def _select(decls: list[_Decl], *, highest: bool) -> BuildFacts:
    """Maven: the lowest rank wins. Gradle: within the best tier the highest version wins (its conflict rule)."""
    facts = BuildFacts()
    by_lib: dict[str, list[_Decl]] = {}
    for d in decls:
        facts.present.add(d.lib)
        if _usable(d):
            by_lib.setdefault(d.lib, []).append(d)
    for lib, found in by_lib.items():
        if highest:
            tier = min(d.rank for d in found)
            best = max((d for d in found if d.rank == tier),
                       key=lambda d: (parse_version(d.version.value) if d.version else (), -d.order))
        else:
            best = min(found, key=lambda d: (d.rank, d.order))
        facts.versions[lib] = _to_version(best)
    return facts


# ---- Gradle ----------------------------------------------------------------------------------------------

# Pattern sources, compiled on first use through re's own cache: a Maven-only run never pays for them.
# Strings are matched so that comment markers inside them ("https://...") are left alone.
_G_TOKENS = (r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|'
             r"//[^\n]*|/\*[\s\S]*?\*/")
# 'g:a', 'g:a:v', 'g:a:v:classifier', 'g:a:v@ext'; the version may hold ${...} with quotes inside (Kotlin)
_G_NOTATION = (r"""(?P<q>['"])(?P<g>[\w.\-]+):(?P<a>[\w.\-]+)"""
               r"""(?::(?P<v>(?:\$\{[^}\n]*\}|[^'"@:\s{}])*))?(?::[\w.\-]+)?(?:@\w+)?(?P=q)""")
# a quoted version, or a bare variable name (Groovy "version: druidVersion", Kotlin "version = druidVersion")
_G_QUOTED_OR_NAME = r"""(?:(?P<vq>['"])(?P<v>[^'"\n]*)(?P=vq)|(?P<vref>[A-Za-z_][\w.]*))"""
_G_MAP = (r"""\bgroup\s*[:=]\s*(['"])(?P<g>[\w.\-]+)\1\s*,\s*name\s*[:=]\s*(['"])(?P<a>[\w.\-]+)\3"""
          r"""(?:\s*,\s*version\s*[:=]\s*""" + _G_QUOTED_OR_NAME + ")?")
_G_BOOT_PLUGIN = (r"""\bid\s*\(?\s*(['"])org\.springframework\.boot\1\s*\)?\s*version\s*\(?\s*"""
                  + _G_QUOTED_OR_NAME)
_G_BOOT_APPLIED = r"""(?:\bid\s*\(?\s*|\bplugin\s*[:=]\s*)(['"])org\.springframework\.boot\1"""
_G_CONF = r"([A-Za-z_]\w*)\s*\(?\s*(?:(?:enforced)?[pP]latform\s*\(\s*)?$"
_G_BLOCK = r"\b(?:subprojects|allprojects)\s*(?:\(\s*\))?\s*\{"
_G_ASSIGN = (r"""(?m)(?<![\w.$])(?:(?:val|var|def|final|String|const\s+val)\s+)?(?:(?:rootProject|project)\.)?"""
             r"""(?:(?:ext|extra)\.)?([A-Za-z_]\w*)[ \t]*(?::[ \t]*String[ \t]*)?=[ \t]*(['"])(?P<v>[^'"\n]*)\2"""
             r"""(?=[ \t]*(?:[;}\n]|$))""")
_G_SET = r"""\bset\s*\(\s*(['"])([\w.\-]+)\1\s*,\s*(['"])(?P<v>[^'"\n]*)\3\s*\)"""
_G_INDEX = r"""\b(?:ext|extra)\s*\[\s*(['"])([\w.\-]+)\1\s*\]\s*=\s*(['"])(?P<v>[^'"\n]*)\3"""
_G_BY_EXTRA = r"""\bva[lr]\s+([A-Za-z_]\w*)\s*(?::\s*String\s*)?by\s+extra\s*\(\s*(['"])(?P<v>[^'"\n]*)\2"""
_G_MAP_START = r"(?<![\w.$])(?:(?:rootProject|project)\.)?(?:(?:ext|extra)\.)?([A-Za-z_]\w*)\s*=\s*\["
_G_MAP_ENTRY = r"""(?:(['"])([\w.\-]+)\1|([A-Za-z_][\w\-]*))\s*:\s*(['"])(?P<v>[^'"\n]*)\4"""
_G_REF = r"\$\{([^}\n]*)\}|\$([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)"
_G_LIBS = r"(?<![\w.])libs\.([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)"


class _GradleFile:
    __slots__ = ("index", "path", "text")

    def __init__(self, path: str, text: str) -> None:
        from cfglint.span import LineIndex

        self.path = path
        self.text = text  # comments blanked out, offsets unchanged
        self.index = LineIndex(text)

    def at(self, value: str, offset: int) -> _Text:
        line, col = self.index.pos(offset)
        return _Text(value, self.path, line, col)


def _strip_comments(text: str) -> str:
    def blank(m: re.Match[str]) -> str:
        s = m.group(0)
        return re.sub(r"[^\n]", " ", s) if s.startswith("/") else s

    return re.compile(_G_TOKENS).sub(blank, text)


def _blocks(text: str) -> list[tuple[int, int]]:
    """Spans of subprojects { ... } / allprojects { ... } blocks: what a root build file gives its modules."""
    spans = []
    for m in re.compile(_G_BLOCK).finditer(text):
        depth, i = 0, m.end() - 1
        while i < len(text):
            c = text[i]
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        spans.append((m.end(), i))
    return spans


def _ref_name(expr: str) -> str | None:
    """The variable an expression in ${...} reads: x, ext.x, project.x, rootProject.ext.x, property("x"),
    findProperty("x"), extra["x"], versions.x, versions['x'], libs.versions.x.get()."""
    e = expr.strip()
    e = re.sub(r"""\s+as\s+String$|\.toString\(\)$|!!$|\.get\(\)$""", "", e)
    m = re.fullmatch(r"""(?:(?:rootProject|project|providers)\.)?(?:find)?(?:[pP]roperty|gradleProperty)\s*\(\s*"""
                     r"""(['"])([\w.\-]+)\1\s*\)(?:\.get\(\))?""", e)
    if m:
        return m.group(2)
    e = re.sub(r"""\[\s*(['"])([\w.\-]+)\1\s*\]""", r".\2", e)
    e = re.sub(r"^(?:rootProject|project)\.", "", e)
    e = re.sub(r"^(?:ext|extra|properties)\.", "", e)
    return e if re.fullmatch(r"[\w.\-]+", e) else None


class _GradleVars:
    def __init__(self) -> None:
        self.values: dict[str, _Text] = {}
        self.cache: dict[str, _Text | None] = {}
        self.active: set[str] = set()

    def name(self, name: str) -> _Text | None:
        # Groovy "$a.b" reads property b of a; we only know flat names, so try the longest defined prefix.
        parts = name.split(".")
        for n in range(len(parts), 0, -1):
            key = ".".join(parts[:n])
            if key in self.values:
                found = self._lookup(key)
                if found is None or n == len(parts):
                    return found
                rest = "." + ".".join(parts[n:])  # Kotlin "$v.RELEASE" is v + ".RELEASE"
                return _Text(found.value + rest, found.path, found.line, found.col)
        return None

    def _lookup(self, key: str) -> _Text | None:
        if key in self.cache:
            return self.cache[key]
        if key in self.active or len(self.active) > 64:
            return None
        self.active.add(key)
        try:
            result = self.resolve(self.values[key])
        finally:
            self.active.discard(key)
        self.cache[key] = result
        return result

    def resolve(self, t: _Text | None) -> _Text | None:
        if t is None or not t.value.strip():
            return None
        if "$" not in t.value:
            return t
        refs = list(re.compile(_G_REF).finditer(t.value))
        if len(refs) == 1 and refs[0].span() == (0, len(t.value)):  # only a reference: point at its definition
            expr = refs[0].group(1)
            name = _ref_name(expr) if expr is not None else refs[0].group(2)
            return self.name(name) if name else None
        out: list[str] = []
        pos = 0
        for m in refs:
            name = _ref_name(m.group(1)) if m.group(1) is not None else m.group(2)
            r = self.name(name) if name else None
            if r is None:
                return None
            out += [t.value[pos : m.start()], r.value]
            pos = m.end()
            if sum(map(len, out)) > _MAX_VALUE:
                return None
        out.append(t.value[pos:])
        value = "".join(out)
        return _Text(value, t.path, t.line, t.col) if "$" not in value else None


def _properties(path: str, read: Reader) -> dict[str, _Text]:
    """gradle.properties (Java properties; continuation lines are not used for versions and are skipped)."""
    data = _read(path, read)
    out: dict[str, _Text] = {}
    if data is None:
        return out
    for n, line in enumerate(_decode(data).splitlines(), 1):
        s = line.strip()
        if not s or s[0] in "#!":
            continue
        m = re.match(r"\s*([^=:\s]+)\s*[=:\s]\s*(.*?)\s*$", line)
        if m and m.group(2):
            out[m.group(1)] = _Text(m.group(2), path, n, m.start(2) + 1)
    return out


def _variables(f: _GradleFile, into: dict[str, _Text]) -> None:
    for pattern in (_G_ASSIGN, _G_SET, _G_INDEX, _G_BY_EXTRA):
        for m in re.finditer(pattern, f.text):
            name = m.group(2) if pattern in (_G_SET, _G_INDEX) else m.group(1)
            into[name] = f.at(m.group("v"), m.start("v"))
    for m in re.compile(_G_MAP_START).finditer(f.text):  # ext.versions = [druid: '1.2.8'] -> versions.druid
        end = f.text.find("]", m.end())
        body_end = end if end >= 0 else len(f.text)
        for e in re.compile(_G_MAP_ENTRY).finditer(f.text, m.end(), body_end):
            key = e.group(2) or e.group(3)
            into[f"{m.group(1)}.{key}"] = f.at(e.group("v"), e.start("v"))


@dataclass(slots=True)
class _Catalog:
    versions: dict[str, _Text] = field(default_factory=dict)
    libraries: dict[str, tuple[str, str, _Text | None]] = field(default_factory=dict)  # alias -> g, a, version
    plugins: dict[str, tuple[str, _Text | None]] = field(default_factory=dict)  # alias -> id, version
    bundles: dict[str, list[str]] = field(default_factory=dict)


def _accessor(alias: str) -> str:
    return re.sub(r"[-_.]", ".", alias)  # libs.versions.toml alias "druid-starter" is libs.druid.starter


def _catalog(path: str, read: Reader) -> _Catalog | None:
    data = _read(path, read)
    if data is None:
        return None
    import tomllib

    try:
        text = data.decode("utf-8")
        doc = tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    lines = text.splitlines()

    def where(table: str, key: str, value: str) -> tuple[int, int]:
        """Line and column of ``key = ...`` in [table] (tomllib keeps no positions)."""
        current = ""
        key_re = re.compile(r"""\s*(?:"{0}"|'{0}'|{0})\s*[=.]""".format(re.escape(key)))
        for n, line in enumerate(lines, 1):
            head = re.match(r"\s*\[\s*([^\]]+?)\s*\]", line)
            if head:
                current = head.group(1)
                if current == f"{table}.{key}":
                    return n, 1
                continue
            if current == table and key_re.match(line):
                eq = line.find("=")
                return n, _col(line, value, eq + 1) if value else 1
        return 1, 1

    def version_value(v: object) -> str | None:
        if isinstance(v, str):
            return v
        if isinstance(v, dict):  # rich version: strictly wins over require, then prefer
            for k in ("strictly", "require", "prefer"):
                if isinstance(v.get(k), str):
                    return v[k]
        return None

    cat = _Catalog()
    versions = doc.get("versions")
    if isinstance(versions, dict):
        for k, v in versions.items():
            s = version_value(v)
            if s:
                cat.versions[k] = _Text(s, path, *where("versions", k, s))

    def spec_version(table: str, alias: str, spec: dict[str, Any]) -> _Text | None:
        v = spec.get("version")
        if isinstance(v, dict) and isinstance(v.get("ref"), str):
            return cat.versions.get(v["ref"])
        s = version_value(v)
        return _Text(s, path, *where(table, alias, s)) if s else None

    libraries = doc.get("libraries")
    if isinstance(libraries, dict):
        for alias, spec in libraries.items():
            if isinstance(spec, str):  # "group:artifact[:version]"
                g, _, rest = spec.partition(":")
                a, _, v = rest.partition(":")
                cat.libraries[alias] = (g, a, _Text(v, path, *where("libraries", alias, v)) if v else None)
            elif isinstance(spec, dict):
                module = spec.get("module")
                if isinstance(module, str) and ":" in module:
                    g, a = module.split(":", 1)
                else:
                    g, a = str(spec.get("group", "")), str(spec.get("name", ""))
                cat.libraries[alias] = (g, a, spec_version("libraries", alias, spec))
    plugins = doc.get("plugins")
    if isinstance(plugins, dict):
        for alias, spec in plugins.items():
            if isinstance(spec, str):
                pid, _, v = spec.partition(":")
                cat.plugins[alias] = (pid, _Text(v, path, *where("plugins", alias, v)) if v else None)
            elif isinstance(spec, dict) and isinstance(spec.get("id"), str):
                cat.plugins[alias] = (spec["id"], spec_version("plugins", alias, spec))
    bundles = doc.get("bundles")
    if isinstance(bundles, dict):
        for name, members in bundles.items():
            if isinstance(members, list):
                cat.bundles[name] = [m for m in members if isinstance(m, str)]
    return cat


def _gradle_root(module_dir: str, read: Reader) -> list[str]:
    """Directories from the build's root (the one holding settings.gradle[.kts]) down to the module.

    Pure path arithmetic: the file system is only ever touched through ``read``."""
    dirs = [module_dir]
    d = module_dir
    for _ in range(12):
        if any(_read(os.path.join(d, n), read) is not None for n in ("settings.gradle", "settings.gradle.kts")):
            return list(reversed(dirs))
        up = os.path.normpath(os.path.join(d, ".."))
        if up == d:  # reached the file system root
            break
        d = up
        dirs.append(d)
    return [module_dir]  # no settings file: a single-project build


def _gradle_file(path: str, read: Reader) -> _GradleFile | None:
    data = _read(path, read)
    return _GradleFile(path, _strip_comments(_decode(data))) if data is not None else None


def _gradle(build_file: str, read: Reader) -> BuildFacts:
    me = _gradle_file(build_file, read)
    if me is None:
        return BuildFacts()
    module_dir = os.path.dirname(build_file)
    dirs = _gradle_root(module_dir, read)
    root = dirs[0]

    # Build files above the module contribute their ext variables, their subprojects/allprojects blocks and
    # plugin versions (a root "id 'org.springframework.boot' version 'x' apply false" fixes the modules' Boot).
    ancestors: list[_GradleFile] = []
    for d in dirs[:-1]:
        for name in ("build.gradle", "build.gradle.kts"):
            f = _gradle_file(os.path.join(d, name), read)
            if f is not None:
                ancestors.append(f)
                break
    settings = [f for n in ("settings.gradle", "settings.gradle.kts")
                if (f := _gradle_file(os.path.join(root, n), read)) is not None]

    # Later definitions shadow earlier ones: root before module, gradle.properties before the script's ext.
    gv = _GradleVars()
    by_dir = {os.path.dirname(f.path): f for f in ancestors}
    for d in dirs:
        gv.values.update(_properties(os.path.join(d, "gradle.properties"), read))
        f = me if d == module_dir else by_dir.get(d)
        if f is not None:
            _variables(f, gv.values)

    catalog = _catalog(os.path.join(root, "gradle", "libs.versions.toml"), read)
    if catalog is not None:
        for k, t in catalog.versions.items():
            gv.values[f"libs.versions.{_accessor(k)}"] = t

    decls: list[_Decl] = []

    def add(group: str, artifact: str, version: _Text | None, test: bool) -> None:
        hit = _library(group, artifact)
        if hit is None:
            return
        lib, role = hit
        # tier: what the service runs with first; test-only declarations and the Dubbo-2.6 inference last
        tier = 2 if role in (_DERIVED, _HINT) else 1 if test else 0
        decls.append(_Decl(lib, role, gv.resolve(version), tier, len(decls)))

    def is_test(f: _GradleFile, start: int) -> bool:
        m = re.compile(_G_CONF).search(f.text, f.text.rfind("\n", 0, start) + 1, start)
        return bool(m) and "test" in m.group(1).lower()

    def scan(f: _GradleFile, spans: list[tuple[int, int]] | None) -> None:
        """Dependency notations in f; with spans, only those inside them plus Boot BOM/plugin coordinates."""
        def inside(offset: int) -> bool:
            return spans is None or any(a <= offset < b for a, b in spans)

        for m in re.compile(_G_NOTATION).finditer(f.text):
            g, a = m.group("g"), m.group("a")
            if not inside(m.start()) and _library(g, a) != ("spring-boot", _BOM):
                continue
            v = m.group("v")
            add(g, a, f.at(v, m.start("v")) if v else None, is_test(f, m.start()))
        for m in re.compile(_G_MAP).finditer(f.text):
            if not inside(m.start()):
                continue
            if m.group("v") is not None:
                version: _Text | None = f.at(m.group("v"), m.start("v"))
            elif m.group("vref"):
                version = f.at("${" + m.group("vref") + "}", m.start("vref"))
            else:
                version = None
            add(m.group("g"), m.group("a"), version, is_test(f, m.start()))
        if spans is None and re.search(_G_BOOT_APPLIED, f.text):  # Boot applied here, its version maybe above
            add("org.springframework.boot", "spring-boot-gradle-plugin", None, False)
        for m in re.compile(_G_BOOT_PLUGIN).finditer(f.text):
            if m.group("v") is not None:
                add("org.springframework.boot", "spring-boot-gradle-plugin", f.at(m.group("v"), m.start("v")), False)
            else:
                add("org.springframework.boot", "spring-boot-gradle-plugin",
                    f.at("${" + m.group("vref") + "}", m.start("vref")), False)

    scan(me, None)
    for f in reversed(ancestors):  # nearest first, so ties go to the closer declaration
        scan(f, _blocks(f.text))
    for f in settings:  # pluginManagement { plugins { id 'org.springframework.boot' version ... } }
        scan(f, [])

    if catalog is not None:
        def references(sources: list[tuple[_GradleFile, list[tuple[int, int]] | None]]) -> dict[str, bool]:
            """libs.<accessor> uses -> whether every use is from a test configuration."""
            out: dict[str, bool] = {}
            for f, spans in sources:
                for m in re.finditer(_G_LIBS, f.text):
                    if spans is None or any(a <= m.start() < b for a, b in spans):
                        key = re.sub(r"\.(?:get|asProvider)$", "", m.group(1))
                        out[key] = out.get(key, True) and is_test(f, m.start())
            return out

        # libraries count where they reach the module; plugin versions count wherever the build declares them
        used = references([(me, None)] + [(f, _blocks(f.text)) for f in ancestors])
        used_plugins = references([(f, None) for f in [me, *ancestors, *settings]])
        bundle_members: dict[str, bool] = {}
        for name, members in catalog.bundles.items():
            if f"bundles.{_accessor(name)}" in used:
                for alias in members:
                    bundle_members[alias] = bundle_members.get(alias, True) and used[f"bundles.{_accessor(name)}"]
        for alias, (g, a, version) in catalog.libraries.items():
            uses = [u for u in (used.get(_accessor(alias)), bundle_members.get(alias)) if u is not None]
            if uses:
                add(g, a, version, all(uses))
        for alias, (pid, version) in catalog.plugins.items():
            if pid == "org.springframework.boot" and f"plugins.{_accessor(alias)}" in used_plugins:
                add("org.springframework.boot", "spring-boot-gradle-plugin", version, False)
    return _select(decls, highest=True)
