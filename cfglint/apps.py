"""Applications: which Spring processes a module holds, and the property sources each one really loads.

A module (a build unit) can hold several processes (three ``dubbo-*-service.xml`` root contexts, a provider and a
consumer), and folders of files that no process loads together (a Nacos data-id folder, one deploy file per
service). Rules judge an *application*: one process and the ordered sources Spring would load for it:

- Spring Boot: ``application[-profile]``/``bootstrap[-profile]`` files of one classpath root (a directory and its
  ``config/``), plus what they import (``spring.config.import``, Nacos ``shared-configs``/``extension-configs``
  data ids) when the file is in the module.
- Spring XML: each root context (an XML file no other file imports, ``<import resource>`` followed) that declares
  its own ``<dubbo:application>`` is one application when there are several of them; otherwise all root contexts
  are one. Property files named by ``<context:property-placeholder location>`` or a ``*PlaceholderConfigurer``
  ``location(s)`` join the context that names them.
- Maven resource filtering: filter files of the pom (``<filters>``); one chosen by a build property
  (``profiles/${env}.properties``) makes each alternative a *variant*, evaluated like a Spring profile. A pom
  that filters its resources is itself a source of the properties they read (a build profile's: a variant).
- ``dubbo.properties`` is read by Dubbo in every process of the module.
- Any other property file joins the applications whose placeholders it defines; one that no application loads is
  judged on its own (files of such a folder that reference each other's keys are judged together).

Only the module's own files are considered (modules are the unit of work and caching).
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from cfglint.discover import BOOT_FILE, IMPORT_KEYS
from cfglint.loaders import PropsFile
from cfglint.loaders.xml import XElem, XmlDoc
from cfglint.resolve import canon

_PLACEHOLDER = re.compile(r"\$\{([^}:${]+)")
_PLACEHOLDER_CONFIGURERS = ("PropertyPlaceholderConfigurer", "PropertySourcesPlaceholderConfigurer",
                            "PropertiesFactoryBean", "PropertiesConfigurationFactoryBean")
_FILTER = re.compile(r"<filter>\s*([^<]+?)\s*</filter>")
_FILTERING = re.compile(r"<filtering>\s*true\s*</filtering>")


@dataclass
class Application:
    """One Spring process: its XML contexts and property files in load order (lowest precedence first).
    ``variants`` maps a property file's path to the build variant it belongs to (a Maven filter alternative)."""

    name: str
    kind: str  # boot | xml | file | module
    props: list[PropsFile] = field(default_factory=list)
    xml: list[XmlDoc] = field(default_factory=list)
    variants: dict[str, str] = field(default_factory=dict)
    profiles: dict[str, str] = field(default_factory=dict)  # file -> the Spring profile it is for (a Nacos data id)
    java: bool = False  # a process that runs the module's Java code (Boot or XML), which is then judged with it
    build_profiles: set[str] = field(default_factory=set)  # Maven profiles whose pom properties fill its resources

    def sources(self, root: str = "") -> list[str]:
        """Display paths of the sources (relative to ``root`` when under it), XML contexts first."""
        out = [_rel(d.path, root) for d in self.xml]
        for p in self.props:
            v = self.variants.get(p.path)
            prof = self.profiles.get(p.path)
            out.append(f"{_rel(p.path, root)} (variant '{v}')" if v else
                       f"{_rel(p.path, root)} (profile '{prof}')" if prof else _rel(p.path, root))
        return out


def _rel(path: str, root: str) -> str:
    return path[len(root):] if root and path.startswith(root) else path


def _resources_root(path: str) -> str:
    """The classpath root a file sits in: the part up to ``src/main/resources/`` (or ``/resources/``), else its
    directory."""
    for marker in ("/src/main/resources/", "/resources/"):
        i = path.find(marker)
        if i >= 0:
            return path[:i + len(marker)]
    return path.rsplit("/", 1)[0] + "/" if "/" in path else ""


def _boot_dir(path: str) -> str:
    """The location a Boot file belongs to: its directory, with a trailing ``config`` folded into its parent."""
    d = path.rsplit("/", 1)[0] if "/" in path else ""
    if d == "config" or d.endswith("/config"):
        d = d[:-len("config")].rstrip("/")
    return d


def _location_names(value: str) -> list[str]:
    """File patterns named by a location value: comma lists, ``classpath*:``/``file:``/``optional:``/``nacos:``
    prefixes and ``?query`` suffixes removed, placeholders turned into wildcards."""
    out = []
    for part in re.split(r"[,;\s]+", value):
        part = part.strip()
        if not part:
            continue
        while True:
            low = part.lower()
            for prefix in ("optional:", "classpath*:", "classpath:", "file:", "nacos:", "apollo:"):
                if low.startswith(prefix):
                    part = part[len(prefix):]
                    break
            else:
                break
        if ":" in part.split("/", 1)[0] and not re.match(r"^[A-Za-z]:[\\/]", part):
            continue  # configserver:, consul:, zookeeper: ... nothing in the repository
        part = part.split("?", 1)[0].lstrip("./").lstrip("/")
        part = re.sub(r"\$\{[^}]*\}", "*", part)
        if part and part.strip("*"):
            out.append(part)
    return out


class _Files:
    """The module's property files, findable by location pattern."""

    def __init__(self, props: list[PropsFile]) -> None:
        self.props = props

    def match(self, pattern: str, base: str) -> list[PropsFile]:
        """Files a location pattern names: relative to ``base`` (the naming file's classpath root or directory)
        first, else any file of the module whose path ends with it."""
        want = pattern.replace("\\", "/")
        exact = [p for p in self.props if fnmatch.fnmatchcase(p.path, base + want)]
        if exact:
            return exact
        if "/" not in want:
            return [p for p in self.props if fnmatch.fnmatchcase(p.path.rsplit("/", 1)[-1], want)]
        return [p for p in self.props if fnmatch.fnmatchcase(p.path, "*/" + want)]


@dataclass
class _XmlFacts:
    """What planning reads from one XML file, gathered in one pass over its elements."""

    imports: list[str] = field(default_factory=list)  # <import resource>
    locations: list[str] = field(default_factory=list)  # property files named by placeholder configurers
    dubbo_app: bool = False  # declares a <dubbo:application>
    datasource: bool = False  # declares a pool bean


def _xml_facts(doc: XmlDoc) -> _XmlFacts:
    from cfglint.extract.spring_xml import DUBBO_NS, pool_type

    out = _XmlFacts()
    for e in doc.elements:
        local = e.local
        if local == "bean":
            cls = e.attr("class")
            if cls is None:
                continue
            name = cls.value.strip()
            if name.endswith(_PLACEHOLDER_CONFIGURERS):
                out.locations += _configurer_locations(e)
            elif not out.datasource and pool_type(name) is not None:
                out.datasource = True
        elif local == "import":
            a = e.attr("resource")
            if a is not None:
                out.imports.append(a.value)
        elif local in ("property-placeholder", "property-override", "properties"):
            a = e.attr("location")
            if a is not None and a.value:
                out.locations.append(a.value)
        elif local == "application" and e.ns in DUBBO_NS:
            out.dubbo_app = True
    return out


def _configurer_locations(bean: XElem) -> list[str]:
    """``location``/``locations`` of a placeholder configurer bean: a value attribute, <value>s, a <list>."""
    out: list[str] = []
    for child in bean.children:
        name = child.attr("name")
        if child.local != "property" or name is None or name.value not in ("location", "locations"):
            continue
        v = child.attr("value")
        if v is not None:
            out.append(v.value)
        out.extend(sub.text for sub in child.iter() if sub.local == "value" and sub.text)
    return out


def _placeholders(texts: list[str], groups: bool = True) -> set[str]:
    """Canonical names read by placeholders, and (``groups``) their parent groups (``jdbc.url`` -> ``jdbc``): a
    file that defines ``jdbc.user`` next to a context reading ``${jdbc.url}`` is that context's jdbc configuration."""
    names = {canon(n) for t in texts for n in _PLACEHOLDER.findall(t)}
    return names | {n.rsplit(".", 1)[0] for n in names if "." in n} if groups else names


def _keys(p: PropsFile, groups: bool = True) -> set[str]:
    keys = {canon(e.key) for e in p.entries}
    return keys | {k.rsplit(".", 1)[0] for k in keys if "." in k} if groups else keys


def plan(props: list[PropsFile], xml: list[XmlDoc], build_text: str | None = None,
         module_root: str = "", foreign: dict[str, str] | None = None, elsewhere: set[str] | None = None,
         java: list[str] | None = None) -> list[Application]:
    """The applications of one module. ``props``/``xml`` carry display paths; ``module_root`` is the display path
    of the module directory with a trailing slash ('' for the current directory); ``build_text`` the pom.
    ``foreign``: config-center files of other folders this module's Boot application loads, with the Spring
    profile each is for ('' for every profile; cfglint.links);
    ``elsewhere``: own files an application of another module loads (judged there, not here); ``java``: the texts
    of the module's Java sources (pools, datasources and timeouts in code), which every process of the module runs:
    with no Boot or XML application, the Java code is an application of its own."""
    if elsewhere:
        props = [p for p in props if p.path not in elsewhere]
    outside = [p for p in props if foreign and p.path in foreign]
    props = [p for p in props if p not in outside]
    files = _Files(props)
    claimed: set[str] = set()
    apps: list[Application] = []

    # Maven filter files: base sources of every application, or variants when a build property chooses one.
    filter_base: list[PropsFile] = []
    variants: dict[str, str] = {}
    for raw in _FILTER.findall(build_text or ""):
        pat = re.sub(r"\$\{(?:project\.)?basedir\}/?", "", raw.strip())
        chosen = "${" in pat
        glob = re.sub(r"\$\{[^}]*\}", "*", pat).lstrip("./")
        for p in props:
            if p.path in claimed or not fnmatch.fnmatchcase(_rel(p.path, module_root), glob):
                continue
            claimed.add(p.path)
            if chosen:
                variants[p.path] = PurePosixPath(p.path).stem
            else:
                filter_base.append(p)
    filter_variants = [p for p in props if p.path in variants]
    dubbo_props = [p for p in props if p.path.rsplit("/", 1)[-1] == "dubbo.properties" and p.path not in claimed]
    claimed.update(p.path for p in dubbo_props)

    # Spring Boot: Boot-named files grouped by location, plus what they import.
    boot_groups: dict[str, list[PropsFile]] = {}
    for p in props:
        if p.path not in claimed and BOOT_FILE.match(p.path.rsplit("/", 1)[-1]):
            boot_groups.setdefault(_boot_dir(p.path), []).append(p)
    for d, group in boot_groups.items():
        claimed.update(p.path for p in group)
        app = Application(f"Spring Boot application in {_rel(d + '/', module_root) or './'}", "boot")
        imported: list[PropsFile] = []
        for p in group:
            base = _resources_root(p.path)
            for e in p.entries:
                if e.value and IMPORT_KEYS.match(canon(e.key)):
                    for name in _location_names(e.value):
                        for hit in files.match(name, base):
                            if hit not in group and hit not in imported:
                                imported.append(hit)
        claimed.update(p.path for p in imported)
        app.props = [*imported, *group]  # imports first: the importing file's own keys win
        apps.append(app)

    # Spring XML: root contexts and their imports, then the property files they name.
    by_path = {d.path: d for d in xml}
    facts = {d.path: _xml_facts(d) for d in xml}
    imports: dict[str, list[XmlDoc]] = {}
    for d in xml:
        base = d.path.rsplit("/", 1)[0] + "/" if "/" in d.path else ""
        targets: list[XmlDoc] = []
        for value in facts[d.path].imports:
            for name in _location_names(value):
                rel = [by_path[k] for k in by_path if fnmatch.fnmatchcase(k, base + name)]
                rel = rel or [by_path[k] for k in by_path if fnmatch.fnmatchcase(k, _resources_root(d.path) + name)]
                rel = rel or [by_path[k] for k in by_path if fnmatch.fnmatchcase(k, "*/" + name.rsplit("/", 1)[-1])]
                targets.extend(t for t in rel if t is not d and t not in targets)
        imports[d.path] = targets
    imported_paths = {t.path for ts in imports.values() for t in ts}
    roots = [d for d in xml if d.path not in imported_paths] or list(xml)

    def closure(root: XmlDoc) -> list[XmlDoc]:
        out, stack = [], [root]
        while stack:
            d = stack.pop()
            if d in out:
                continue
            out.append(d)
            stack.extend(reversed(imports.get(d.path, [])))
        return out

    closures = {r.path: closure(r) for r in roots}
    with_app = [r for r in roots if any(facts[d.path].dubbo_app for d in closures[r.path])] if len(roots) > 1 else []
    xml_apps: list[Application] = []
    if len(with_app) >= 2:  # several Dubbo processes: each root context that names its own application is one
        shared_docs: list[XmlDoc] = []
        for r in roots:
            docs = closures[r.path]
            if r in with_app or any(facts[d.path].datasource for d in docs):
                xml_apps.append(Application(f"Spring XML context {_rel(r.path, module_root)}", "xml", xml=docs))
            else:
                shared_docs.extend(d for d in docs if d not in shared_docs)
        for a in xml_apps:
            a.xml += [d for d in shared_docs if d not in a.xml]
    elif xml:
        docs: list[XmlDoc] = []
        for r in roots:
            docs.extend(d for d in closures[r.path] if d not in docs)
        name = (f"Spring XML context {_rel(roots[0].path, module_root)}" if len(roots) == 1
                else f"Spring XML contexts ({len(roots)} roots)")
        xml_apps.append(Application(name, "xml", xml=docs))
    for a in xml_apps:
        for d in a.xml:
            for value in facts[d.path].locations:
                for name in _location_names(value):
                    for hit in files.match(name, _resources_root(d.path)):
                        if hit not in a.props:
                            a.props.append(hit)
                            claimed.add(hit.path)

    # Config-center data ids of other folders: loaded by the Boot application (Nacos: after the local files).
    boots = [a for a in apps if a.kind == "boot"]
    for a in boots:
        a.props += outside
        a.profiles = {p.path: foreign[p.path] for p in outside if foreign and foreign.get(p.path)}

    # XML contexts in a module with one Boot application are its @ImportResource: one process.
    if len(xml_apps) == 1 and len(boots) == 1:
        boot = apps[0]
        boot.xml = xml_apps[0].xml
        boot.props = [p for p in xml_apps[0].props if p not in boot.props] + boot.props
    else:
        apps.extend(xml_apps)

    if java and not apps:  # a process configured in code (@PropertySource files join it through placeholders)
        apps.append(Application("Java configuration of the module", "java"))
    # Every process of the module reads dubbo.properties and the build's filter files, and runs its Java code.
    pom = _pom_properties(build_text, module_root) if build_text and _FILTERING.search(build_text) else None
    for a in apps:
        a.java = bool(java)
        a.props = [*filter_base, *dubbo_props, *filter_variants, *a.props]
        a.variants = dict(variants)
        if pom is not None:  # Maven fills ${...} in filtered resources from the pom's properties
            wanted = _placeholders([p.text for p in a.props] + [d.text for d in a.xml])
            used = [e for e in pom.entries if canon(e.key) in wanted]
            if used:
                docs = {e.doc for e in used}
                a.props.insert(0, PropsFile(pom.path, "pom", used, pom.text,
                                            {d: v for d, v in pom.doc_profiles.items() if d in docs}))
                a.build_profiles = {v[0] for d, v in pom.doc_profiles.items() if d in docs}

    # The rest: files joining the applications whose placeholders they define, else judged on their own.
    rest = [p for p in props if p.path not in claimed] + ([] if boots else outside)
    if not apps:
        rest = [*filter_base, *dubbo_props, *filter_variants, *rest]
    joined: set[str] = set()
    if rest and apps:
        for a in apps:
            texts = [p.text for p in a.props] + [d.text for d in a.xml] + list(java or ())
            pending = list(rest)
            while pending:  # a joined file's own placeholders may bring the next (jdbc.url=${db.url} -> db.url)
                wanted = _placeholders(texts)
                new = [p for p in pending if _keys(p) & wanted]
                if not new:
                    break
                for p in new:
                    a.props.insert(0, p)
                    joined.add(p.path)
                    texts.append(p.text)
                    pending.remove(p)
    alone = [p for p in rest if p.path not in joined]
    apps.extend(_standalone(alone, variants if not apps else {}, module_root))
    return apps


def _pom_properties(build_text: str, module_root: str) -> PropsFile | None:
    """The pom's ``<properties>``, and each build profile's as a document for that profile (a variant), as one
    property file located in the pom, for a module whose resources Maven filters."""
    from cfglint.loaders import Entry, LoadError
    from cfglint.loaders.xml import load_xml

    path = module_root + "pom.xml"
    try:
        doc = load_xml(path, build_text.encode("utf-8"))
    except LoadError:
        return None
    entries: list[Entry] = []
    profiles: dict[int, tuple[str, ...]] = {}
    for e in doc.elements:
        if e.local != "properties" or e.parent is None or e.parent.local not in ("project", "profile"):
            continue
        n = 0
        if e.parent.local == "profile":
            ident = next((c for c in e.parent.children if c.local == "id"), None)
            if ident is None or not ident.text:
                continue
            n = len(profiles) + 1
            profiles[n] = (ident.text,)
        entries.extend(Entry(c.local, c.text or "", c.span, c.text_span or c.span, n) for c in e.children)
    return PropsFile(path, "pom", entries, doc.text, profiles) if entries else None


def _standalone(props: list[PropsFile], variants: dict[str, str], module_root: str) -> list[Application]:
    """Files no application loads: each judged on its own, except that files referring to each other's keys
    through placeholders are judged together."""
    parent = list(range(len(props)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if len(props) > 1:
        # Exact names only, and not what a file defines itself: sibling data ids all define
        # spring.application.name, and one that reads ${spring.application.name} reads its own.
        owner: dict[str, list[int]] = {}
        own = [_keys(p, groups=False) for p in props]
        for i, keys in enumerate(own):
            for k in keys:
                owner.setdefault(k, []).append(i)
        for i, p in enumerate(props):
            for name in _placeholders([p.text], groups=False) - own[i]:
                for j in owner.get(name, ()):
                    parent[find(j)] = find(i)
    groups: dict[int, list[PropsFile]] = {}
    for i, p in enumerate(props):
        groups.setdefault(find(i), []).append(p)
    out = []
    for members in groups.values():
        first = _rel(members[0].path, module_root)
        name = first if len(members) == 1 else f"{first} (+{len(members) - 1} referenced)"
        out.append(Application(f"file {name}", "file", props=members,
                               variants={p.path: variants[p.path] for p in members if p.path in variants}))
    return out
