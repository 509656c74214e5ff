"""Java sources -> the typed model: executors built in code, connection pools built with setters, Dubbo
annotations and Dubbo config objects. Values the file decides are literal settings at the argument; ``@Value``
placeholders and getters of the module's @ConfigurationProperties classes resolve through the module's
PropertySpace under the profile. A value none of these gives is unknown (``value=None``), which no check judges."""

from __future__ import annotations

import re

from cfglint.extract import Ctx, norm
from cfglint.extract.spring_xml import split_connection_properties
from cfglint.loaders.java import JAnnotation, JavaDoc, JCreation, JPropsClass, JValue
from cfglint.model.construct import build
from cfglint.model.datasource import DataSource
from cfglint.model.dubbo import DubboProtocol, DubboTimeout
from cfglint.model.threads import ThreadPool
from cfglint.model.values import Setting
from cfglint.span import Span

INT_MAX = "2147483647"
_NAME = re.compile(r"(this\.)?[A-Za-z_$][\w$]*")
DS_POOLS = {"DruidDataSource": "druid", "DruidXADataSource": "druid", "HikariDataSource": "hikari",
            "HikariConfig": "hikari", "ComboPooledDataSource": "c3p0"}
URL_PROPS = ("url", "jdbcurl")
CONN_PROPS = ("connectproperties", "datasourceproperties", "properties")  # Properties objects: unknown content
# Dubbo's CommonConstants names for protocols; another expression leaves the protocol unknown ('?').
_PROTOCOL_CONSTANTS = {"DUBBO": "dubbo", "DUBBO_PROTOCOL": "dubbo", "TRIPLE": "tri", "TRI_PROTOCOL": "tri"}
DUBBO_POOL_PROPS = {"threads": "threads", "threadpool": "threadpool", "queues": "queues",
                    "corethreads": "corethreads", "alive": "alive"}


# @ConfigurationProperties classes of the module being extracted, by simple name (set by extract_java for the
# duration of one call: extraction is single-threaded within a process).
_PROPS: dict[str, JPropsClass] = {}


def extract_java(docs: list[JavaDoc], ctx: Ctx) -> None:
    """Every Java file of the module under the context's profile."""
    _PROPS.clear()
    for doc in docs:
        for pc in doc.props_classes:
            _PROPS.setdefault(pc.name, pc)
    try:
        for doc in docs:
            _extract(doc, ctx)
    finally:
        _PROPS.clear()


def _extract(doc: JavaDoc, ctx: Ctx) -> None:
    for c in doc.creations:
        if c.type in ("ThreadPoolExecutor", "ScheduledThreadPoolExecutor") or c.type.startswith("Executors."):
            _executor(doc, c, ctx)
        elif c.type in ("ThreadPoolTaskExecutor", "ThreadPoolExecutorFactoryBean"):
            _task_executor(doc, c, ctx)
        elif c.type in DS_POOLS or c.type == "BasicDataSource":
            _datasource(doc, c, ctx)
        elif c.type in ("ProtocolConfig", "ProviderConfig", "ConsumerConfig"):
            _dubbo_config(doc, c, ctx)
    for a in doc.annotations:
        _dubbo_annotation(doc, a, ctx)


def java_setting(ctx: Ctx, name: str, v: JValue, source: str, key: str) -> Setting:
    """A Setting from a Java value. Literal: at the expression, with how the file gives it (a constant, a final
    local) in the chain. Placeholder: resolved like config, pointing where the decisive text is written. An
    unresolved placeholder is unknown, not CF002: its value may come from another module or a config center."""
    chain: tuple[str, ...] = ()
    if v.via:  # 'CORE * 4, with static final field CORE = 8 (...)' when the expression is more than the name
        chain = (v.via if _NAME.fullmatch(v.text) else f"{v.text}, with {v.via}",)
    if v.value is None and v.placeholder is None and v.getter is not None and v.getter[0] in _PROPS:
        got = _bound_value(ctx, v, _PROPS[v.getter[0]], v.getter[1], name, source, key)
        if got is not None:
            return got
    if v.placeholder is None:
        return build(Setting, name=name, value=v.value, raw=v.text, span=v.span, origin="explicit", source=source,
                     chain=chain, key=key)
    r = ctx.space.resolve(v.placeholder, v.ph_span or v.span, ctx.profile)
    value = r.value.strip() if isinstance(r.value, str) else None
    if value is not None and "${" in value:
        value = None
    if r.used_default and not ctx.space.files:
        # A module with no configuration of its own is library code: the application that uses it supplies the
        # value, so the placeholder's default says nothing about what runs (issue 18: resolve per application).
        value = None
    span = r.span if r.defs or r.used_default else v.span
    return build(Setting, name=name, value=value, raw=v.placeholder, span=span,
                 origin="placeholder-default" if r.used_default else "explicit", source=source,
                 chain=(*chain, *r.chain, f"used as {v.text} at {v.span.path.rsplit('/', 1)[-1]}:{v.span.line}"),
                 chain_spans=(*(None for _ in chain), *r.steps, v.span), key=key)


def _bound_value(ctx: Ctx, v: JValue, pc: JPropsClass, prop: str, name: str, source: str, key: str
                 ) -> Setting | None:
    """``props.getMaxSize()`` on a @ConfigurationProperties(prefix = "pool") class: pool.max-size from the
    module's properties (relaxed names), else the field's initializer; unknown when neither or when the module
    has no configuration of its own (library code: the application binds it)."""
    from cfglint.resolve import canon

    if prop not in pc.fields:
        return None
    used = f"{v.text} at {v.span.path.rsplit('/', 1)[-1]}:{v.span.line}"
    file = pc.path.rsplit("/", 1)[-1]
    where = f'@ConfigurationProperties(prefix = "{pc.prefix}") class {pc.name} ({file}:{pc.line})'
    full = canon(f"{pc.prefix}.{prop}")
    d = ctx.space.get_canon(full, ctx.profile)
    if d is not None:
        r = ctx.space.resolve(d.value, d.value_span, ctx.profile)
        value = r.value.strip() if isinstance(r.value, str) and "${" not in r.value else None
        return build(Setting, name=name, value=value, raw=d.value, span=r.span, origin="explicit", source=source,
                     chain=(f"{d.key} = {d.value!r} ({d.where()}), bound by {where}", *r.chain, f"used as {used}"),
                     chain_spans=(d.value_span, *r.steps, v.span), key=key)
    init = pc.fields[prop]
    if init is None or init.value is None or not ctx.space.files:
        return build(Setting, name=name, value=None, raw=v.text, span=v.span, origin="explicit", source=source,
                     chain=(), key=key)
    return build(Setting, name=name, value=init.value, raw=init.text, span=init.span, origin="placeholder-default",
                 source=source, chain=(f"{pc.prefix}.{prop} is not set; the default of field {prop} in {where}",
                                       f"used as {used}"), chain_spans=(init.span, v.span), key=key)


def _file(doc: JavaDoc) -> str:
    return doc.path.rsplit("/", 1)[-1]


def _key(doc: JavaDoc, c: JCreation) -> str:
    where = ".".join(x for x in (c.cls, c.method) if x)
    return f"{doc.path}#{where}/{c.type}[{c.ordinal}]"


def _label(doc: JavaDoc, c: JCreation, kind: bool = True) -> str:
    """'new ThreadPoolExecutor(...) 'pool' at Pools.java:12'; without ``kind`` when the message names the type."""
    if not kind:
        return f"'{c.name}' at {_file(doc)}:{c.span.line}" if c.name else f"at {_file(doc)}:{c.span.line}"
    what = c.how or (c.type + "(...)" if c.type.startswith("Executors.") else f"new {c.type}(...)")
    name = f" '{c.name}'" if c.name else ""
    return f"{what}{name} at {_file(doc)}:{c.span.line}"


def _fixed(name: str, value: str, span: Span, source: str, key: str, raw: str) -> Setting:
    """A value the factory method or class implies (newCachedThreadPool's Integer.MAX_VALUE): at the call."""
    return build(Setting, name=name, value=value, raw=raw, span=span, origin="explicit", source=source, chain=(),
                 key=key)


# ---- executors -------------------------------------------------------------------------------------------

def _executor(doc: JavaDoc, c: JCreation, ctx: Ctx) -> None:
    if c.oneshot or c.factory or c.tool:
        # Executors.newFixedThreadPool(1).submit(task): one task, nothing ever waits or piles up. A public static
        # factory (ExecutorFactory.newSingleExecutorService()) is an API: what its callers do with it decides. A
        # pool built in static main() belongs to a tool or benchmark run by hand, not to a service.
        return
    label = _label(doc, c)
    key = _key(doc, c)
    src = f"{{}} of {label.split(' at ')[0]} in {doc.path}"
    s: dict[str, Setting] = {}

    def arg(i: int, canon: str, name: str) -> None:
        if i < len(c.args):
            s[canon] = java_setting(ctx, name, c.args[i], src.format(name), f"{key}/{name}")

    def implied(canon: str, name: str, value: str, why: str) -> None:
        s[canon] = _fixed(name, value, c.span, f"{why} ({c.type}() in {doc.path})", f"{key}/{name}", why)

    t = c.type
    if t == "ThreadPoolExecutor":
        if len(c.args) < 5:
            return
        arg(0, "corepoolsize", "corePoolSize")
        arg(1, "maxpoolsize", "maximumPoolSize")
        arg(2, "keepalive", "keepAliveTime")
        arg(3, "keepaliveunit", "unit")
        q = c.args[4]
        qs = java_setting(ctx, "workQueue", q, src.format("workQueue"), f"{key}/workQueue")
        if not q.queue and q.placeholder is None:
            qs = qs.model_copy(update={"value": None})  # a queue built elsewhere: its capacity is unknown
        s["queuecapacity"] = qs
        if q.queue:
            s["queuetype"] = _fixed("queueType", q.queue, q.span, src.format("workQueue"), f"{key}/queueType", q.queue)
    elif t == "ScheduledThreadPoolExecutor":
        arg(0, "corepoolsize", "corePoolSize")
        implied("scheduled", "scheduled", "true", "a ScheduledThreadPoolExecutor")
    elif t in ("Executors.newFixedThreadPool",):
        arg(0, "corepoolsize", "nThreads")
        arg(0, "maxpoolsize", "nThreads")
        implied("queuecapacity", "workQueue", INT_MAX, "newFixedThreadPool's LinkedBlockingQueue with no capacity")
        implied("queuetype", "queueType", "LinkedBlockingQueue", "newFixedThreadPool")
    elif t == "Executors.newSingleThreadExecutor":
        implied("corepoolsize", "corePoolSize", "1", "newSingleThreadExecutor")
        implied("maxpoolsize", "maximumPoolSize", "1", "newSingleThreadExecutor")
        implied("queuecapacity", "workQueue", INT_MAX,
                "newSingleThreadExecutor's LinkedBlockingQueue with no capacity")
        implied("queuetype", "queueType", "LinkedBlockingQueue", "newSingleThreadExecutor")
    elif t == "Executors.newCachedThreadPool":
        implied("corepoolsize", "corePoolSize", "0", "newCachedThreadPool")
        implied("maxpoolsize", "maximumPoolSize", INT_MAX, "newCachedThreadPool: Integer.MAX_VALUE")
        implied("queuecapacity", "workQueue", "0", "newCachedThreadPool's SynchronousQueue")
        implied("queuetype", "queueType", "SynchronousQueue", "newCachedThreadPool")
        implied("keepalive", "keepAliveTime", "60", "newCachedThreadPool")
        implied("keepaliveunit", "unit", "SECONDS", "newCachedThreadPool")
    elif t in ("Executors.newScheduledThreadPool", "Executors.newSingleThreadScheduledExecutor"):
        if c.args:
            arg(0, "corepoolsize", "corePoolSize")
        else:
            implied("corepoolsize", "corePoolSize", "1", t)
        implied("scheduled", "scheduled", "true", "a ScheduledThreadPoolExecutor")
    else:
        return  # newWorkStealingPool: a ForkJoinPool, sized by parallelism, not a ThreadPoolExecutor
    for prop, v in c.setters.items():  # executor.setMaximumPoolSize(...) after construction
        canon = {"corePoolSize": "corepoolsize", "maximumPoolSize": "maxpoolsize"}.get(prop)
        if canon is not None:
            s[canon] = java_setting(ctx, prop, v, f"set{prop[0].upper()}{prop[1:]}(...) on {label} in {doc.path}",
                                    f"{key}/{prop}")
    allow = c.calls.get("allowCoreThreadTimeOut")
    if allow is not None:
        s["allowcorethreadtimeout"] = java_setting(ctx, "allowCoreThreadTimeOut", allow,
                                                   f"allowCoreThreadTimeOut(...) on {label} in {doc.path}",
                                                   f"{key}/allowCoreThreadTimeOut")
    ctx.model.pools.append(build(ThreadPool, kind="java-executor", label=label, anchor=c.span, key=key, settings=s))


def _task_executor(doc: JavaDoc, c: JCreation, ctx: Ctx) -> None:
    if c.opaque or c.bound_prefix is not None:
        return  # configured by code we do not follow, or bound from properties
    label = _label(doc, c, kind=False)
    key = _key(doc, c)
    s = {norm(prop): java_setting(ctx, prop, v, f"set{prop[0].upper()}{prop[1:]}(...) on {label} in {doc.path}",
                                  f"{key}/{prop}")
         for prop, v in c.setters.items()}
    ctx.model.pools.append(build(ThreadPool, kind="spring-executor", label=label, anchor=c.span, key=key,
                                 settings=s))


# ---- connection pools ------------------------------------------------------------------------------------

def _datasource(doc: JavaDoc, c: JCreation, ctx: Ctx) -> None:
    if c.type == "BasicDataSource":
        pool = "dbcp2" if "dbcp2" in c.imports or not c.imports else "dbcp"
    else:
        pool = DS_POOLS[c.type]
    if c.bound_prefix is not None:
        if c.bound_prefix:
            from cfglint.resolve import canon

            ctx.model.bindings.setdefault(canon(c.bound_prefix), pool)
        if not c.setters and not c.opaque:
            _bound_datasource(doc, c, ctx, pool)
        return  # @ConfigurationProperties binds it from property files: the values live there, not here
    if c.opaque or c.tool:  # handed to code not followed, or a tool's connection (built in static main())
        return
    if c.type == "HikariDataSource" and c.args:
        return  # new HikariDataSource(config): the HikariConfig carries the settings
    label = _label(doc, c)
    key = _key(doc, c)
    settings: dict[str, Setting] = {}
    conn: dict[str, Setting] = {}
    url = None
    for prop, v in c.setters.items():
        n = norm(prop)
        if n in CONN_PROPS:
            return  # driver properties from a Properties object: the connection's timeouts are not all here
        s = java_setting(ctx, prop, v, f"set{prop[0].upper()}{prop[1:]}(...) on {label} in {doc.path}",
                         f"{key}/{prop}")
        settings[n] = s
        if n in URL_PROPS:
            url = s
        if n == "connectionproperties":
            if s.value is None:
                return
            conn.update(split_connection_properties(s, label))
    for call, v in c.calls.items():
        if call.startswith(("addDataSourceProperty:", "addConnectionProperty:")):
            k = call.split(":", 1)[1]
            conn[k] = java_setting(ctx, k, v, f"{call.split(':')[0]}(\"{k}\", ...) on {label} in {doc.path}",
                                   f"{key}/{k}")
    runtime = url is not None and url.value is None
    if runtime:
        url = None  # a URL computed at run time: no connection to judge
    ctx.model.datasources.append(build(DataSource, pool=pool, label=label, anchor=c.span, key=key,
                                       settings=settings, url=url, connection_properties=conn, runtime_url=runtime))


def _bound_datasource(doc: JavaDoc, c: JCreation, ctx: Ctx, pool: str) -> None:
    """``@Bean @ConfigurationProperties("p") DataSource ds() { return new DruidDataSource(); }``: the pool's
    settings are the keys under ``p``. It replaces what the Boot extractor guessed for the same prefix (a
    'spring.datasource' it took for Boot's default Hikari pool). With no key under ``p`` in the module the values
    live elsewhere (a config center, another module): nothing to judge."""
    from cfglint.extract.boot import _datasource as boot_datasource
    from cfglint.resolve import canon

    prefix = canon(c.bound_prefix or "")
    model = ctx.model
    if not prefix or not ctx.space.children(ctx.profile, prefix):
        return
    same = [ds for ds in model.datasources if ds.key == prefix]
    if any(ds.pool == pool for ds in same):
        return  # already modelled from the same keys
    if any(ds.key.startswith(prefix + ".") for ds in model.datasources):
        # e.g. prefix spring.datasource next to a spring.datasource.druid block: those keys do not bind to this
        # bean, but which of the two the application really runs with is not for this extractor to guess
        return
    url_keys = [f"{prefix}.jdbcurl"] if pool == "hikari" else [f"{prefix}.url"]
    where = f"@ConfigurationProperties on {c.method or c.name}() in {_file(doc)}:{c.span.line}"
    ds = boot_datasource(ctx, pool, f"{prefix} (bound by {where})", [prefix], url_keys, [prefix])
    if ds is None:
        return
    ds = ds.model_copy(update={"key": prefix})
    model.datasources[:] = [d for d in model.datasources if d.key != prefix]
    model.datasources.append(ds)


# ---- Dubbo -----------------------------------------------------------------------------------------------

def _dubbo_config(doc: JavaDoc, c: JCreation, ctx: Ctx) -> None:
    model = ctx.model
    label = _label(doc, c)
    key = _key(doc, c)
    s = {DUBBO_POOL_PROPS[prop.lower()]: java_setting(ctx, prop.lower(), v, f"set{prop[0].upper()}{prop[1:]}(...) "
                                                      f"on {label} in {doc.path}", f"{key}/{prop}")
         for prop, v in c.setters.items() if prop.lower() in DUBBO_POOL_PROPS}
    if c.type == "ProtocolConfig":
        name_v = c.setters.get("name") or (c.args[0] if c.args else None)
        pname = "dubbo" if name_v is None else name_v.value or _PROTOCOL_CONSTANTS.get(name_v.text.rsplit(".", 1)[-1],
                                                                                      "?")
        model.protocols.append(build(DubboProtocol, name=pname, label=label, span=c.span))
        model.serves_dubbo = True
        model.pools.append(build(ThreadPool, kind="dubbo-protocol", label=label, anchor=c.span, key=key,
                                 settings=s))
        return
    provider = c.type == "ProviderConfig"
    if provider:
        model.serves_dubbo = True
    if s:
        model.pools.append(build(ThreadPool, kind="dubbo-provider" if provider else "dubbo-consumer", label=label,
                                 anchor=c.span, key=key, settings=s))
    t = c.setters.get("timeout")
    if t is not None:
        st = java_setting(ctx, "timeout", t, f"setTimeout(...) on {label} in {doc.path}", f"{key}/timeout")
        if (st.int_value() or 0) > 0:
            model.timeouts.append(build(DubboTimeout, level="provider" if provider else "consumer", label=label,
                                        setting=st))


def _dubbo_annotation(doc: JavaDoc, a: JAnnotation, ctx: Ctx) -> None:
    service = a.name in ("DubboService", "Service")
    if service:
        ctx.model.serves_dubbo = True
    if service:  # method-level timeouts bound the requests of those methods (a reference's are the consumer's)
        for mname, mv in a.methods.items():
            label = f'@Method(name = "{mname}") of @{a.name} on {a.target}'
            mt = java_setting(ctx, "timeout", mv, f"timeout of {label} in {doc.path}",
                               f"{doc.path}#{a.target}/@{a.name}/{mname}/timeout")
            if mt.int_value() is None or (mt.int_value() or 0) > 0:
                ctx.model.timeouts.append(build(DubboTimeout, level="method", label=label, setting=mt))
    t = a.attrs.get("timeout")
    if t is None:
        return
    label = f"@{a.name} on {a.target}"
    s = java_setting(ctx, "timeout", t, f"timeout of {label} in {doc.path}", f"{doc.path}#{a.target}/@{a.name}/timeout")
    # Annotation defaults (0 before 3.0, -1 since) are dropped by Dubbo: only a positive timeout is a setting. One
    # cfglint cannot evaluate (a constant of another class) is kept as unknown: it still overrides Dubbo's default.
    ms = s.int_value()
    if ms is None or ms > 0:
        ctx.model.timeouts.append(build(DubboTimeout, level="service" if service else "reference", label=label,
                                        setting=s))
