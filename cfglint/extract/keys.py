"""Keys as written, for CF004: property keys under the prefixes cfglint judges, attributes of Dubbo XML
elements, ``<property name>`` of beans of known classes, the entries of Druid ``connectionProperties``,
and the keys of ``DruidDataSourceFactory``-style ``druid.properties`` files."""

from __future__ import annotations

import re
import weakref

from cfglint.extract import Ctx
from cfglint.extract.spring_xml import DUBBO_NS
from cfglint.loaders import PropsFile
from cfglint.loaders.xml import XElem, XmlDoc
from cfglint.model.keys import KeyUse, KeyUses, XmlAttrs
from cfglint.resolve import Def, PropertySpace, canon
from cfglint.span import LineIndex, Span

# Canonical prefixes whose keys CF004 judges; nothing else is recorded.
JUDGED = ("spring.datasource", "spring.task", "server.tomcat", "dubbo")
_JUDGED_DOTTED = tuple(p + "." for p in JUDGED)
DUBBO_ELEMENTS = frozenset({"application", "registry", "protocol", "provider", "consumer", "service", "reference",
                            "method", "argument", "parameter", "module", "monitor", "config-center",
                            "metadata-report"})
# Bean classes whose properties are catalogued (cfglint.checks.keys.BEANS maps each to its key set).
BEAN_CLASSES = frozenset({
    "com.alibaba.druid.pool.DruidDataSource",
    "com.zaxxer.hikari.HikariDataSource",
    "com.zaxxer.hikari.HikariConfig",
    "org.apache.commons.dbcp.BasicDataSource",
    "org.apache.commons.dbcp2.BasicDataSource",
    "org.apache.tomcat.jdbc.pool.DataSource",
    "org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor",
    "org.springframework.scheduling.concurrent.ThreadPoolExecutorFactoryBean",
})
# A file with keys under these prefixes configures another product (the Nacos server), not the module.
FOREIGN = ("nacos.",)
# Keys under judged prefixes that well-known applications read themselves, by a key that marks their
# configuration: the Nacos server reads spring.datasource.platform (not Boot's DataSourceProperties).
APP_KEYS = {"nacos.": ("spring.datasource.platform",)}
DDSF_CORE = frozenset({"url", "driverClassName", "username", "password"})
_PLACEHOLDER = re.compile(r"\$\{([^}:${]+)")
_SHARED: weakref.WeakKeyDictionary[PropertySpace, tuple[set[str], set[str], set[str]]] = \
    weakref.WeakKeyDictionary()


def extract_keys(ctx: Ctx, xml_docs: list[XmlDoc]) -> None:
    uses = ctx.model.keys
    shared = _SHARED.get(ctx.space)
    if shared is None:
        shared = (_referenced(ctx.space, xml_docs), {e.local for d in xml_docs for e in d.elements
                                                     if e.ns in DUBBO_NS},
                  {f.path for f in ctx.space.files if any(canon(e.key).startswith(FOREIGN) for e in f.entries)})
        _SHARED[ctx.space] = shared
    uses.referenced, uses.xml_dubbo, uses.foreign = shared
    texts = {f.path: f.text for f in ctx.space.files}
    _props(ctx, uses, texts)
    if ctx.profile is None:  # XML and druid.properties do not depend on the Spring profile
        for doc in xml_docs:
            _xml(doc, uses)
        for f in ctx.space.files:
            if f.kind == "properties" and _is_factory_file(f, uses.referenced):
                _factory_file(f, uses)


def _referenced(space: PropertySpace, xml_docs: list[XmlDoc]) -> set[str]:
    """Canonical names the module reads itself: ${placeholders} anywhere, and APP_KEYS."""
    out: set[str] = set()
    for text in [*(f.text for f in space.files), *(d.text for d in xml_docs)]:
        if "${" in text:
            out.update(canon(m.strip()) for m in _PLACEHOLDER.findall(text))
    for marker, keys in APP_KEYS.items():
        if space.has_key_starting(marker):
            out.update(canon(k) for k in keys)
    return out


def _file_kind(path: str) -> str:
    return "properties" if path.endswith(".properties") else "yaml"


# ---- properties and YAML -------------------------------------------------------------------------------


def _props(ctx: Ctx, uses: KeyUses, texts: dict[str, str]) -> None:
    base_done = ctx.profile is not None  # base definitions were recorded in the base context already
    indexes: dict[int, LineIndex] = {}
    for key, d in ctx.space.items(ctx.profile):
        if not key.startswith(_JUDGED_DOTTED):
            if key.startswith(_SHARDING_DOTTED) and not (base_done and d.profile is None):
                use = _sharding_prop(ctx, key, d)
                if use is not None:
                    uses.uses.append(use)
            continue
        uses.prop_canons.add(key)
        if base_done and d.profile is None:
            continue
        kind = _file_kind(d.key_span.path)
        uses.uses.append(KeyUse("prop", d.key, key, d.value, d.key_span, kind))
        parts = key.split(".")
        if "druid" not in parts:
            continue
        # Druid connectionProperties: a "k=v;k=v" string, or a map (connect-properties.<k> / [<k>]).
        if parts[-1] == "connectionproperties" and d.value and "=" in d.value:
            owner = d.key.rsplit(".", 1)[0] if "." in d.key else d.key
            if parts[:3] == ["spring", "datasource", "dynamic"]:
                # dynamic-datasource's DruidConfig.connectionProperties is a java.util.Properties: Boot converts
                # a scalar with StringToPropertiesConverter (Properties.load), so the string is one line.
                uses.uses.append(_properties_line(d.value, d.value_span, kind, d.key))
            else:
                uses.uses.extend(_entries(d.value, d.value_span, texts.get(d.value_span.path), kind, owner, indexes))
        else:
            m = re.search(r"(?:connect-?properties|connection-?properties|connectProperties|connectionProperties)"
                          r"(?:\.|\[)(.+?)\]?$", d.key, re.I)
            if m and m.group(1).lower().startswith(("druid.", "config.")):
                owner = d.key[:m.start()].rstrip(".")
                uses.uses.append(KeyUse("conn-prop", m.group(1), m.group(1), d.value, d.key_span, kind, owner=owner))


# ShardingSphere-JDBC's datasource blocks (spring.shardingsphere.datasource.<name>.<property>, 3.x
# sharding.jdbc.datasource): `type` is the pool class and every other key is set on it through its setter, or
# skipped without a word when it has none (DataSourcePoolReflection.setField; 4.x DataSourceUtil).
_SHARDING_DOTTED = ("spring.shardingsphere.datasource.", "sharding.jdbc.datasource.")
# Set by ShardingSphere itself or named differently per version (5.x maps url to Hikari's jdbcUrl, and the
# Proxy-style connectionTimeoutMilliseconds ... to Hikari's names: HikariDataSourcePoolMetaData): not judged.
_SHARDING_CORE = frozenset({"type", "url", "jdbcurl", "username", "password", "driverclassname",
                            "connectiontimeoutmilliseconds", "idletimeoutmilliseconds", "maxlifetimemilliseconds",
                            "maxpoolsize", "minpoolsize"})


def _sharding_prop(ctx: Ctx, key: str, d: Def) -> KeyUse | None:
    base = next(p for p in _SHARDING_DOTTED if key.startswith(p))
    rest = key[len(base):].split(".")
    if len(rest) != 2 or rest[1] in _SHARDING_CORE:
        return None
    tdef = ctx.space.get_canon(f"{base}{rest[0]}.type", ctx.profile)
    cls = (tdef.value or "").strip() if tdef is not None else ""
    if cls not in BEAN_CLASSES or "." not in d.key:
        return None
    written = d.key.rsplit(".", 1)[1]
    name = re.sub(r"[-_]([a-zA-Z0-9])", lambda m: m.group(1).upper(), written)  # LOWER_HYPHEN -> lowerCamel
    return KeyUse("bean-prop", name, name, d.value, d.key_span, _file_kind(d.key_span.path), element=cls,
                  owner=d.key.rsplit(".", 1)[0])


def _entries(value: str, span: Span, text: str | None, kind: str, owner: str, indexes: dict[int, LineIndex],
             element: str = "") -> list[KeyUse]:
    """Druid's connectionProperties parsing: split on ';', then at the first '='; nothing trimmed."""
    out = []
    exact = text is not None and _starts_at(text, span, value, indexes)
    idx = _line_index(text, indexes) if exact and text is not None else None
    offset = 0
    for part in value.split(";"):
        key = part.split("=", 1)[0] if "=" in part else part
        name = key.strip()
        if name:
            lead = len(key) - len(key.lstrip())
            if idx is not None:
                start = idx.offset(span.line, span.col) + offset + lead
                ksp = idx.span(span.path, start, start + len(name))
            else:
                ksp = span
            escaped = kind != "properties" and name.endswith("\\") and "=" in part
            out.append(KeyUse("conn-prop", name, name, part.split("=", 1)[1] if "=" in part else "", ksp, kind,
                              element=element, owner=owner, escaped=escaped))
        offset += len(part) + 1
    return out


def _properties_line(value: str, span: Span, kind: str, owner: str) -> KeyUse:
    """The one property java.util.Properties.load reads from a single line: the key ends at the first
    unescaped '=', ':' or whitespace; backslash escapes are processed."""
    text = value.lstrip()
    i = 0
    key = []
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            key.append(text[i + 1])
            i += 2
            continue
        if c in "=: \t\f":
            break
        key.append(c)
        i += 1
    rest = text[i:].lstrip(" \t\f")
    if rest[:1] in ("=", ":"):
        rest = rest[1:].lstrip(" \t\f")
    name = "".join(key)
    return KeyUse("conn-prop", name, name, rest, span, kind, owner=owner, parse="properties")


def _line_index(text: str, indexes: dict[int, LineIndex]) -> LineIndex:
    """One index per file text (``indexes``, by the text's identity, lives for one extraction), however many
    connectionProperties values the file holds: indexing the whole file for each of thousands was quadratic."""
    idx = indexes.get(id(text))
    if idx is None:
        idx = indexes[id(text)] = LineIndex(text)
    return idx


def _starts_at(text: str, span: Span, value: str, indexes: dict[int, LineIndex]) -> bool:
    """The value is written verbatim (no escapes or folding) where its span starts."""
    try:
        idx = _line_index(text, indexes)
        start = idx.offset(span.line, span.col)
    except IndexError:
        return False
    return text.startswith(value, start)


# ---- XML ---------------------------------------------------------------------------------------------


def _xml(doc: XmlDoc, uses: KeyUses) -> None:
    beans: dict[str, tuple[str, str | None]] = {}  # id/name -> (class, parent)
    classes: dict[str, str] = {}  # id/name -> the class it passes to a child (_bean_class)
    indexes: dict[int, LineIndex] = {}  # the document's line index, built if a connectionProperties needs it
    for e in doc.elements:
        if e.local == "bean" and e.ns not in DUBBO_NS:
            ident = e.attr("id") or e.attr("name")
            if ident is not None:
                cls = e.attr("class")
                parent = e.attr("parent")
                beans[ident.value] = (cls.value.strip() if cls else "", parent.value if parent else None)
    for e in doc.elements:
        if e.ns in DUBBO_NS:
            if e.local in DUBBO_ELEMENTS:
                attrs = [a for name, a in e.attrs.items() if ":" not in name and not name.startswith("xmlns")]
                if attrs:
                    uses.xml_attrs.append(XmlAttrs(e.local, e.ns, _label(e), doc.path, attrs))
        elif e.local == "bean" and e.attr("factory-method") is None and e.attr("factory-bean") is None:
            cls = _bean_class(e, beans, classes)
            if cls in BEAN_CLASSES:
                _bean(doc, e, cls, uses, indexes)


def _bean_class(e: XElem, beans: dict[str, tuple[str, str | None]], memo: dict[str, str]) -> str:
    """The class a bean is made of: its own, else the first an ancestor names (parent=). ``memo``: the class each
    bean passes on, so a chain of thousands of parent= beans is walked once, not once per bean."""
    cls = e.attr("class")
    if cls is not None:
        return cls.value.strip()
    parent = e.attr("parent")
    chain: list[str] = []
    seen: set[str] = set()
    name = parent.value if parent is not None else None
    found = ""
    while name is not None and name not in seen:
        if name in memo:
            found = memo[name]
            break
        seen.add(name)
        chain.append(name)
        c, name = beans.get(name, ("", None))
        if c:
            found = c
            break
    for n in chain:  # each passes on what was found above it (a loop ends with "", as walking it would)
        memo[n] = found
    return found


def _label(e: XElem) -> str:
    ident = e.attr("id") or e.attr("name") or e.attr("interface")
    tag = f"dubbo:{e.local}" if e.ns in DUBBO_NS else e.local
    return f'<{tag} {ident.name}="{ident.value}">' if ident is not None else f"<{tag}>"


def _bean(doc: XmlDoc, e: XElem, cls: str, uses: KeyUses, indexes: dict[int, LineIndex]) -> None:
    owner = _label(e)
    for name, a in e.attrs.items():
        if name.startswith("p:"):
            prop = name[2:]
            prop = prop[:-4] if prop.endswith("-ref") else prop
            uses.uses.append(KeyUse("bean-prop", prop, prop, a.value, a, "xml", element=cls, owner=owner))
            if prop in ("connectionProperties",) and cls.endswith("DruidDataSource"):
                uses.uses.extend(_entries(a.value, a.value_span, doc.text, "xml", owner, indexes, cls))
    for child in e.children:
        if child.local != "property":
            continue
        na = child.attr("name")
        if na is None or not na.value or "." in na.value or "[" in na.value:
            continue
        uses.uses.append(KeyUse("bean-prop", na.value, na.value, None, na.value_span, "xml", element=cls, owner=owner))
        if not cls.endswith("DruidDataSource"):
            continue
        if na.value == "connectionProperties":
            va = child.attr("value")
            if va is not None:
                uses.uses.extend(_entries(va.value, va.value_span, doc.text, "xml", owner, indexes, cls))
            for sub in child.children:
                if sub.local == "value" and sub.text and sub.text_span is not None:
                    uses.uses.extend(_entries(sub.text, sub.text_span, doc.text, "xml", owner, indexes, cls))
        elif na.value == "connectProperties":
            for sub in child.iter():
                k = sub.attr("key")
                if sub.local in ("prop", "entry") and k is not None:
                    uses.uses.append(KeyUse("conn-prop", k.value, k.value, sub.text, k.value_span, "xml",
                                            element=cls, owner=owner))


# ---- DruidDataSourceFactory files --------------------------------------------------------------------


def _is_factory_file(f: PropsFile, referenced: set[str]) -> bool:
    """A druid*.properties file read by DruidDataSourceFactory: plain (dot-less) pool keys including
    the connection basics, and no key of it used as a ${placeholder} (then it feeds XML instead)."""
    name = f.path.rsplit("/", 1)[-1].lower()
    if "druid" not in name or name.startswith(("application", "bootstrap")):
        return False
    plain = {e.key for e in f.entries if "." not in e.key}
    if not (plain & DDSF_CORE) or len(plain) < 3:
        return False
    return not any(canon(e.key) in referenced for e in f.entries)


def _factory_file(f: PropsFile, uses: KeyUses) -> None:
    indexes: dict[int, LineIndex] = {}
    for e in f.entries:
        if "." not in e.key or e.key.startswith("druid."):
            uses.uses.append(KeyUse("factory", e.key, e.key, e.value, e.key_span, "properties", owner=f.path))
        if e.key in ("connectionProperties", "druid.connectProperties") and e.value:
            uses.uses.extend(_entries(e.value, e.value_span, f.text, "properties", f"{e.key} in {f.path}", indexes))
