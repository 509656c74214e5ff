"""Spring XML: beans (property/value/props/p:), parent beans, the Dubbo namespace (both URIs) and
the task namespace."""

from __future__ import annotations

from dataclasses import dataclass, field

from cfglint.extract import Ctx, norm
from cfglint.loaders.xml import XElem, XmlDoc
from cfglint.model.construct import build
from cfglint.model.datasource import DataSource
from cfglint.model.dubbo import DubboProtocol, DubboTimeout
from cfglint.model.threads import ThreadPool
from cfglint.model.values import Setting
from cfglint.span import Span

DUBBO_NS = frozenset({"http://dubbo.apache.org/schema/dubbo", "http://code.alibabatech.com/schema/dubbo"})
TASK_NS = "http://www.springframework.org/schema/task"
POOL_KEYS = ("threadpool", "threads", "corethreads", "queues", "alive")

POOL_CLASSES = {
    "com.alibaba.druid.pool.DruidDataSource": "druid",
    "com.alibaba.druid.pool.xa.DruidXADataSource": "druid",
    "com.zaxxer.hikari.HikariDataSource": "hikari",
    "com.zaxxer.hikari.HikariConfig": "hikari",
    "org.apache.commons.dbcp.BasicDataSource": "dbcp",
    "org.apache.commons.dbcp2.BasicDataSource": "dbcp2",
    "com.mchange.v2.c3p0.ComboPooledDataSource": "c3p0",
    "org.apache.tomcat.jdbc.pool.DataSource": "tomcat",
    "org.springframework.jdbc.datasource.DriverManagerDataSource": "none",
    "org.springframework.jdbc.datasource.SimpleDriverDataSource": "none",
}
URL_PROPS = {"url", "jdbcurl", "driverurl"}
EXECUTOR_CLASSES = {
    "org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor",
    "org.springframework.scheduling.concurrent.ThreadPoolExecutorFactoryBean",
}


@dataclass
class Prop:
    name: str
    raw: str | None
    span: Span
    props: dict[str, tuple[str, Span]] = field(default_factory=dict)  # <props>/<map> entries


@dataclass
class Bean:
    elem: XElem
    doc: XmlDoc
    cls: str
    props: dict[str, Prop]


def pool_type(cls: str) -> str | None:
    if cls in POOL_CLASSES:
        return POOL_CLASSES[cls]
    if cls.endswith("DruidDataSource"):
        return "druid"
    return None


def bean_props(bean: XElem) -> dict[str, Prop]:
    props: dict[str, Prop] = {}
    for name, a in bean.attrs.items():
        if name.startswith("p:") and not name.endswith("-ref"):
            props[name[2:]] = Prop(name[2:], a.value, a.value_span)
    for child in bean.children:
        if child.local != "property":
            continue
        na = child.attr("name")
        if na is None:
            continue
        va = child.attr("value")
        if va is not None:
            props[na.value] = Prop(na.value, va.value, va.value_span)
            continue
        for sub in child.children:
            if sub.local == "value":
                props[na.value] = Prop(na.value, sub.text or "", sub.text_span or sub.span)
            elif sub.local in ("props", "map"):
                entries: dict[str, tuple[str, Span]] = {}
                for e in sub.children:
                    k = e.attr("key")
                    if k is None:
                        continue
                    if e.local == "prop":
                        entries[k.value] = (e.text or "", e.text_span or e.span)
                    elif e.local == "entry":
                        v = e.attr("value")
                        if v is not None:
                            entries[k.value] = (v.value, v.value_span)
                props[na.value] = Prop(na.value, None, sub.span, entries)
    return props


def collect_beans(docs: list[XmlDoc]) -> dict[str, Bean]:
    """Beans with an id or name across the module's XML files (for parent= inheritance)."""
    index: dict[str, Bean] = {}
    for doc in docs:
        for e in doc.elements:
            if e.local != "bean" or e.ns in DUBBO_NS:
                continue
            ident = e.attr("id") or e.attr("name")
            if ident is not None:
                cls = e.attr("class")
                index[ident.value] = Bean(e, doc, cls.value.strip() if cls else "", bean_props(e))
    return index


_NOTHING: tuple[str, dict[str, Prop]] = ("", {})


def _inherited(name: str, index: dict[str, Bean], memo: dict[str, tuple[str, dict[str, Prop]]]
               ) -> tuple[str, dict[str, Prop]] | None:
    """The class and properties bean ``name`` passes to a child (its own over its ancestors'), each ancestor
    resolved once per ``memo``: a chain of thousands of parent= beans was quadratic. None when the chain loops."""
    chain: list[tuple[str, Bean]] = []
    seen: set[str] = set()
    cur: str | None = name
    while cur is not None and cur not in memo:
        if cur in seen:
            return None
        seen.add(cur)
        pb = index.get(cur)
        if pb is None:
            break
        chain.append((cur, pb))
        parent = pb.elem.attr("parent")
        cur = parent.value if parent is not None else None
    cls, props = memo.get(cur, _NOTHING) if cur is not None else _NOTHING
    for ident, pb in reversed(chain):  # from the top ancestor down: each one's own properties win
        mine = dict(pb.props)
        for k, v in props.items():
            mine.setdefault(k, v)
        cls, props = pb.cls or cls, mine
        memo[ident] = (cls, props)
    return cls, props


def _effective_bean(e: XElem, index: dict[str, Bean], memo: dict[str, tuple[str, dict[str, Prop]]]
                    ) -> tuple[str, dict[str, Prop]]:
    """The class and properties of a bean with those it inherits through parent= (its own win)."""
    parent = e.attr("parent")
    got = _inherited(parent.value, index, memo) if parent is not None else _NOTHING
    if got is None:  # a parent= loop: walk it as written
        return walk_parents(e, index)
    cls_attr = e.attr("class")
    props = bean_props(e)
    for k, v in got[1].items():
        props.setdefault(k, v)
    return (cls_attr.value.strip() if cls_attr else "") or got[0], props


def walk_parents(e: XElem, index: dict[str, Bean]) -> tuple[str, dict[str, Prop]]:
    """The same by walking the parent= chain from the bean, nearest ancestor first, up to the first repeat: what
    Spring's merge gives, ancestor by ancestor (_inherited remembers the result per ancestor instead)."""
    cls_attr = e.attr("class")
    cls = cls_attr.value.strip() if cls_attr else ""
    props = bean_props(e)
    seen = set()
    parent = e.attr("parent")
    while parent is not None and parent.value not in seen:
        seen.add(parent.value)
        pb = index.get(parent.value)
        if pb is None:
            break
        cls = cls or pb.cls
        for k, v in pb.props.items():
            props.setdefault(k, v)
        parent = pb.elem.attr("parent")
    return cls, props


def extract_xml(doc: XmlDoc, ctx: Ctx, index: dict[str, Bean]) -> None:
    model = ctx.model
    path = doc.path
    inherited: dict[str, tuple[str, dict[str, Prop]]] = {}
    for e in doc.elements:
        if e.ns in DUBBO_NS:
            _dubbo(e, ctx, path)
        elif e.ns == TASK_NS and e.local == "executor":
            _task_executor(e, ctx, path)
        elif e.local == "bean" and (e.attr("class") is not None or e.attr("parent") is not None):
            cls, props = _effective_bean(e, index, inherited)
            ptype = pool_type(cls)
            if ptype is not None:
                model.datasources.append(_datasource(e, ptype, cls, props, ctx, path))
            elif cls in EXECUTOR_CLASSES:
                model.pools.append(_executor_bean(e, cls, props, ctx, path))
            elif cls.startswith("java.util.concurrent.") and cls.endswith("ThreadPoolExecutor"):  # issue 18
                from cfglint.extract.xml_executors import POOL_CLASSES, xml_executor

                if cls in POOL_CLASSES:
                    xml_executor(e, cls, ctx, path, _label(e), index)


def _label(e: XElem) -> str:
    ident = e.attr("id") or e.attr("name") or e.attr("interface")
    tag = f"{e.local}" if e.ns not in DUBBO_NS and e.ns != TASK_NS else (
        f"dubbo:{e.local}" if e.ns in DUBBO_NS else f"task:{e.local}")
    if ident is not None:
        return f'<{tag} {"id" if e.attr("id") is ident else ident.name}="{ident.value}">'
    return f"<{tag}>"


def _datasource(e: XElem, ptype: str, cls: str, props: dict[str, Prop], ctx: Ctx, path: str) -> DataSource:
    label = _label(e)
    key = e.path()
    settings: dict[str, Setting] = {}
    conn_props: dict[str, Setting] = {}
    url = None
    for name, p in props.items():
        n = norm(name)
        if p.props:
            if n in ("connectproperties", "datasourceproperties", "properties", "connectionproperties"):
                for k, (v, sp) in p.props.items():
                    conn_props[k] = ctx.setting(k, v, sp, f'<prop key="{k}"> of {label} in {path}', f"{key}/{k}")
            continue
        s = ctx.setting(name, p.raw, p.span, f'property "{name}" of {label} in {path}', f"{key}/{name}")
        settings[n] = s
        if n in URL_PROPS:
            url = s
        if n == "connectionproperties" and s.value:
            conn_props.update(split_connection_properties(s, label))
    return build(DataSource, pool=ptype, label=label, anchor=e.span, key=key, settings=settings, url=url,
                      connection_properties=conn_props)


def split_connection_properties(s: Setting, label: str) -> dict[str, Setting]:
    """Druid/DBCP ``k=v;k=v`` strings; each entry keeps a span inside the string when it is on one line."""
    out: dict[str, Setting] = {}
    value = s.value or ""
    sp = s.span
    exact = sp is not None and sp.line == sp.end_line and sp.end_col - sp.col == len(value)
    offset = 0
    for part in value.split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            if sp is not None and exact:
                vstart = offset + len(k) + 1
                psp = Span(sp.path, sp.line, sp.col + offset, sp.line, sp.col + vstart + len(v))  # key=value
            else:
                psp = sp
            out[k] = build(Setting, name=k, value=v, raw=v, span=psp, origin=s.origin,
                             source=f"{k} in connectionProperties of {label}", chain=s.chain,
                             chain_spans=s.chain_spans, key=f"{s.key}/{k}")
        offset += len(part) + 1
    return out


def _executor_bean(e: XElem, cls: str, props: dict[str, Prop], ctx: Ctx, path: str) -> ThreadPool:
    label = _label(e)
    key = e.path()
    settings = {}
    for name, p in props.items():
        if p.props:
            continue
        settings[norm(name)] = ctx.setting(name, p.raw, p.span, f'property "{name}" of {label} in {path}',
                                           f"{key}/{name}")
    return build(ThreadPool, kind="spring-executor", label=label, anchor=e.span, key=key, settings=settings,
                 bean_class=cls.rsplit(".", 1)[-1])


def _task_executor(e: XElem, ctx: Ctx, path: str) -> None:
    label = _label(e)
    key = e.path()
    settings = {}
    for name in ("pool-size", "queue-capacity", "keep-alive", "rejection-policy"):
        a = e.attr(name)
        if a is not None:
            settings[name] = ctx.setting(name, a.value, a.value_span, f'{name} on {label} in {path}',
                                         f"{key}/{name}")
    ctx.model.pools.append(build(ThreadPool, kind="task-executor", label=label, anchor=e.span, key=key,
                                                      settings=settings))


def _attr_settings(e: XElem, names: tuple[str, ...], ctx: Ctx, path: str, label: str) -> dict[str, Setting]:
    key = e.path()
    out: dict[str, Setting] = {}
    for name in names:
        a = e.attr(name)
        if a is not None:
            out[name] = ctx.setting(name, a.value, a.value_span, f'{name} on {label} in {path}', f"{key}/{name}")
    for child in e.children:  # <dubbo:parameter key="threads" value="..."/>
        if child.local == "parameter" and child.ns in DUBBO_NS:
            k, v = child.attr("key"), child.attr("value")
            if k is not None and v is not None and k.value in names:
                out[k.value] = ctx.setting(k.value, v.value, v.value_span,
                                           f'<dubbo:parameter key="{k.value}"> of {label} in {path}',
                                           f"{key}/{k.value}")
    return out


def _dubbo(e: XElem, ctx: Ctx, path: str) -> None:
    model = ctx.model
    label = _label(e)
    if e.local == "protocol":
        name = e.attr("name")
        pname = name.value if name is not None else "dubbo"
        label = f'<dubbo:protocol name="{pname}">' if name is not None else label
        model.protocols.append(build(DubboProtocol, name=pname, label=label, span=e.span))
        model.serves_dubbo = True
        model.pools.append(build(ThreadPool, kind="dubbo-protocol", label=label, anchor=e.span, key=e.path(),
                                      settings=_attr_settings(e, POOL_KEYS, ctx, path, label)))
    elif e.local in ("provider", "consumer"):
        kind = "dubbo-provider" if e.local == "provider" else "dubbo-consumer"
        settings = _attr_settings(e, POOL_KEYS, ctx, path, label)
        model.pools.append(build(ThreadPool, kind=kind, label=label, anchor=e.span, key=e.path(),
                                                      settings=settings))
        _timeout(e, e.local, ctx, path, label)
    elif e.local in ("service", "reference"):
        if e.local == "service":
            model.serves_dubbo = True
        _timeout(e, e.local, ctx, path, label)
    elif e.local == "method" and e.parent is not None and e.parent.local in ("service", "reference"):
        _timeout(e, "method", ctx, path, f"{label} of {_label(e.parent)}")


def _timeout(e: XElem, level: str, ctx: Ctx, path: str, label: str) -> None:
    a = e.attr("timeout")
    if a is None:
        return
    s = ctx.setting("timeout", a.value, a.value_span, f"timeout on {label} in {path}", f"{e.path()}/timeout")
    # Dubbo's XML parser drops timeout="0" (it is the XSD default), so it is not a setting at all.
    if s.int_value() == 0:
        return
    ctx.model.timeouts.append(build(DubboTimeout, level=level, label=label, setting=s))  # type: ignore[arg-type]
