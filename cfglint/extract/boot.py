"""Spring Boot / Dubbo keys in .properties and YAML (after relaxed-name canonicalisation)."""

from __future__ import annotations

import re
import weakref

from cfglint.extract import Ctx
from cfglint.extract.spring_xml import split_connection_properties
from cfglint.model.construct import build
from cfglint.model.datasource import DataSource
from cfglint.model.dubbo import DubboProtocol, DubboTimeout
from cfglint.model.threads import ThreadPool
from cfglint.model.values import Setting
from cfglint.resolve import Def, PropertySpace, canon
from cfglint.span import Span

DUBBO_POOL_KEYS = ("threadpool", "threads", "corethreads", "queues", "alive")
DRUID_PREFIX = "spring.datasource.druid"
# DruidDataSource setters a starter-bound key may name (canonical); anything else under
# spring.datasource.druid.<x>.url is a named datasource, not a property.
DRUID_PROPS = frozenset(
    "url username password driverclassname name maxactive minidle initialsize maxwait maxidle "
    "timebetweenevictionrunsmillis minevictableidletimemillis maxevictableidletimemillis testwhileidle "
    "testonborrow testonreturn validationquery validationquerytimeout keepalive keepalivebetweentimemillis "
    "poolpreparedstatements maxpoolpreparedstatementperconnectionsize maxopenpreparedstatements filters "
    "connectionproperties connectproperties connectioninitsqls removeabandoned removeabandonedtimeout "
    "removeabandonedtimeoutmillis logabandoned notfulltimeoutretrycount breakafteracquirefailure "
    "connectionerrorretryattempts timebetweenconnecterrormillis failfast maxwaitthreadcount phytimeoutmillis "
    "phymaxusecount querytimeout transactionquerytimeout connecttimeout sockettimeout logintimeout "
    "usegloaldatasourcestat useglobaldatasourcestat asyncinit initexceptionthrow defaultautocommit "
    "defaultreadonly defaulttransactionisolation defaultcatalog killwhensocketreadtimeout useunfairlock "
    "timebetweenlogstatsmillis statsqlmaxsize clearfiltersenable resetstatenable dbtype "
    "webstatfilter statviewservlet filter aopPatterns aoppatterns".split()
)
POOL_SUBPREFIX = {"hikari": "hikari", "tomcat": "tomcat", "dbcp2": "dbcp2", "dbcp": "dbcp"}
TYPE_TO_POOL = {
    "com.alibaba.druid.pool.druiddatasource": "druid",
    "com.zaxxer.hikari.hikaridatasource": "hikari",
    "org.apache.tomcat.jdbc.pool.datasource": "tomcat",
    "org.apache.commons.dbcp2.basicdatasource": "dbcp2",
    "org.apache.commons.dbcp.basicdatasource": "dbcp",
    "com.mchange.v2.c3p0.combopooleddatasource": "c3p0",
}


def _setting(ctx: Ctx, name: str, key: str, d: Def) -> Setting:
    literal = d.value is None or "${" not in d.value
    if literal:  # the same Setting under every profile that sees this definition: built once per module
        memo = _LITERAL.get(ctx.space)
        if memo is None:
            memo = _LITERAL[ctx.space] = {}
        hit = memo.get((name, key, id(d)))  # the space keeps d alive, so its id is not reused meanwhile
        if hit is not None:
            return hit
    written = d.key.rsplit(".", 1)[-1] if "." in d.key else d.key  # as the user spelled it
    s = ctx.setting(written or name, d.value, d.value_span, f"{d.key} in {d.value_span.path}", key)
    if literal:
        memo[(name, key, id(d))] = s
    return s


def _groups(ctx: Ctx, prefix: str) -> list[str]:
    """Ids under a plural prefix: dubbo.protocols.<id>.x -> [id, ...]."""
    ids: dict[str, None] = {}  # ordered set: thousands of blocks must not make this quadratic
    plen = len(prefix) + 1
    for key, _ in ctx.space.items(ctx.profile, prefix):
        ident = key[plen:].split(".", 1)[0]
        if ident and "." in key[plen:]:
            ids[ident] = None
    return list(ids)


# Keys that make Spring read properties from a config server or an imported location (canonical prefixes).
CONFIG_CENTER = ("spring.config.import", "spring.cloud.nacos", "nacos.config", "spring.cloud.config",
                 "spring.cloud.consul.config", "spring.cloud.zookeeper.config", "spring.cloud.vault",
                 "spring.cloud.kubernetes.config", "spring.cloud.alicloud.acm", "apollo")
_CONFIG_CENTER_DOTTED = tuple(p + "." for p in CONFIG_CENTER)
_LITERAL: weakref.WeakKeyDictionary[PropertySpace, dict[tuple[str, str, int], Setting]] = weakref.WeakKeyDictionary()
_DEFINED: weakref.WeakKeyDictionary[PropertySpace, tuple[dict[str, Def], str]] = weakref.WeakKeyDictionary()


def extract_boot(ctx: Ctx) -> None:
    _module_keys(ctx)
    _dubbo(ctx)
    _datasources(ctx)
    _task_execution(ctx)


def _module_keys(ctx: Ctx) -> None:
    """Every key the module defines in any profile, and whether a config server supplies more (CF002).
    The same for every profile: computed once per property space."""
    done = _DEFINED.get(ctx.space)
    if done is None:
        defined = {key: defs[0] for key, defs in ctx.space.defs.items()}
        center = ""
        for key, d in defined.items():
            off = key.endswith(".enabled") and (d.value or "").strip().lower() == "false"
            if (key in CONFIG_CENTER or key.startswith(_CONFIG_CENTER_DOTTED)) and not off:
                center = f"{d.key} in {d.where()}"
                break
        done = _DEFINED[ctx.space] = (defined, center)
    ctx.model.defined = done[0]  # shared by the module's models, which never change it
    ctx.model.config_center = ctx.model.config_center or done[1]


def _dubbo(ctx: Ctx) -> None:
    model = ctx.model
    space = ctx.space
    singles = [("dubbo.protocol", "dubbo-protocol"), ("dubbo.provider", "dubbo-provider"),
               ("dubbo.consumer", "dubbo-consumer")]
    plurals = [("dubbo.protocols", "dubbo-protocol"), ("dubbo.providers", "dubbo-provider"),
               ("dubbo.consumers", "dubbo-consumer")]
    blocks: list[tuple[str, str]] = list(singles)
    for plural, kind in plurals:
        blocks.extend((f"{plural}.{ident}", kind) for ident in _groups(ctx, plural))
    for prefix, kind in blocks:
        kids = ctx.space.children(ctx.profile, prefix)
        if not kids:
            continue
        settings = {k: _setting(ctx, k, full, d) for k, (full, d) in kids.items() if k in DUBBO_POOL_KEYS}
        anchor = min(d.key_span for _, d in kids.values())
        if kind == "dubbo-protocol":
            model.serves_dubbo = True
            name_def = kids.get("name")
            pname = name_def[1].value if name_def else prefix.rsplit(".", 1)[-1] if "protocols" in prefix else "dubbo"
            where = name_def[1].key_span if name_def else _block_key(ctx, kids) or anchor
            model.protocols.append(build(DubboProtocol, name=pname or "dubbo", label=prefix, span=where))
        if kind == "dubbo-provider":
            model.serves_dubbo = True
        model.pools.append(build(ThreadPool, kind=kind, label=prefix, anchor=anchor, key=prefix,
                                                      settings=settings))
        if "timeout" in kids and kind != "dubbo-protocol":
            full, d = kids["timeout"]
            s = _setting(ctx, "timeout", full, d)
            level = "provider" if kind == "dubbo-provider" else "consumer"
            model.timeouts.append(build(DubboTimeout, level=level,
                                               label=prefix, setting=s))
    # dubbo.service.<iface>.timeout / dubbo.reference.<iface>.timeout / ...<iface>.<method>.timeout
    for level in ("service", "reference"):
        for key, d in space.items(ctx.profile, f"dubbo.{level}"):
            if key.endswith(".timeout"):
                model.timeouts.append(build(DubboTimeout, level=level, label=d.key,  # type: ignore[arg-type]
                                                   setting=_setting(ctx, "timeout", key, d)))
    if space.has_prefix("dubbo.scan"):  # @DubboService classes are scanned: the module is a provider
        model.serves_dubbo = True


def _block_key(ctx: Ctx, kids: dict[str, tuple[str, Def]]) -> Span | None:
    """Where a YAML block is declared (``protocol:``), from one of its keys: the declaration of the block, not
    whichever of its keys comes first (a protocol is not its ``port``)."""
    for _full, d in kids.values():
        parent = d.key.rsplit(".", 1)[0] if "." in d.key else ""
        for f in ctx.space.files:
            if f.path == d.key_span.path and parent in f.parents:
                return f.parents[parent]
        return None
    return None


def _datasource(ctx: Ctx, pool: str, label: str, settings_from: list[str], url_keys: list[str],
                anchor_prefixes: list[str], wait_default_ms: int | None = None) -> DataSource | None:
    settings: dict[str, Setting] = {}
    anchor = None
    for prefix in settings_from:  # later prefixes override earlier ones
        for k, (full, d) in ctx.space.children(ctx.profile, prefix).items():
            settings[k] = _setting(ctx, k, full, d)
            if prefix in anchor_prefixes and (anchor is None or d.key_span < anchor):
                anchor = d.key_span
    url = None
    for uk in url_keys:
        d = ctx.space.get_canon(uk, ctx.profile)
        if d is not None:
            url = _setting(ctx, "url", uk, d)
            anchor = anchor or d.key_span
            break
    if anchor is None:
        return None
    for synonym, name in SYNONYMS.get(pool, ()):
        if synonym in settings and name not in settings:
            settings[name] = settings[synonym]
    conn = {}
    cp = settings.get("connectionproperties")
    if cp is not None and cp.value:
        conn.update(split_connection_properties(cp, label))
    for prefix in settings_from:
        for key, d in ctx.space.items(ctx.profile, prefix + ".connectproperties"):
            pk = d.key.split("connect-properties", 1)[-1].split("connectProperties", 1)[-1].strip(".[]")
            if pk:
                conn[pk] = _setting(ctx, pk, key, d)
        for key, d in ctx.space.items(ctx.profile, prefix + ".datasourceproperties"):
            pk = d.key.split("properties", 1)[-1].strip(".[]")
            if pk:
                conn[pk] = _setting(ctx, pk, key, d)
    return build(DataSource, pool=pool, label=_as_written(ctx, label), anchor=anchor, key=label, settings=settings,
                 url=url, connection_properties=conn, wait_default_ms=wait_default_ms)  # type: ignore[arg-type]


def _as_written(ctx: Ctx, prefix: str) -> str:
    """A canonical prefix as the configuration spells it (``...datasource.ds_master``, not ``...dsmaster``), for
    messages; the canonical form stays the fingerprint key."""
    if " " in prefix or "[" in prefix:
        return prefix
    n = prefix.count(".") + 1
    for _key, d in ctx.space.items(ctx.profile, prefix):
        parts = d.key.split(".")
        if "[" not in d.key and len(parts) > n and canon(".".join(parts[:n])) == prefix:
            return ".".join(parts[:n])
        break
    return prefix


def _datasources(ctx: Ctx) -> None:
    model = ctx.model
    space = ctx.space
    type_def = space.get_canon("spring.datasource.type", ctx.profile)
    declared = TYPE_TO_POOL.get((type_def.value or "").strip().lower()) if type_def else None
    druid_kids = space.children(ctx.profile, DRUID_PREFIX)
    if druid_kids or space.has_prefix(DRUID_PREFIX):
        ds = _datasource(ctx, "druid", DRUID_PREFIX, [DRUID_PREFIX],
                         [f"{DRUID_PREFIX}.url", "spring.datasource.url"], [DRUID_PREFIX, "spring.datasource"])
        if ds is not None and (ds.url is not None or druid_kids):
            model.datasources.append(ds)
        # Named datasources (spring.datasource.druid.<name>.url), typically bound by the application's own
        # code from the shared spring.datasource.druid.* values, so those act as their defaults.
        for name in _groups(ctx, DRUID_PREFIX):
            if name in DRUID_PROPS or name in ("filter", "statviewservlet", "webstatfilter", "aop"):
                continue
            sub = f"{DRUID_PREFIX}.{name}"
            if space.get_canon(f"{sub}.url", ctx.profile) is None and not space.children(ctx.profile, sub):
                continue
            ds = _datasource(ctx, "druid", sub, [DRUID_PREFIX, sub], [f"{sub}.url"], [sub])
            if ds is not None:
                model.datasources.append(ds)
    elif space.get_canon("spring.datasource.url", ctx.profile) is not None or declared:
        pool = declared or next((p for sub, p in POOL_SUBPREFIX.items()
                                 if space.has_prefix(f"spring.datasource.{sub}")), "hikari")
        prefixes = [f"spring.datasource.{POOL_SUBPREFIX[pool]}"] if pool in POOL_SUBPREFIX else []
        url_keys = ["spring.datasource.url"]
        if pool == "hikari":
            url_keys.insert(0, "spring.datasource.hikari.jdbcurl")
        ds = _datasource(ctx, pool, "spring.datasource", prefixes, url_keys, ["spring.datasource", *prefixes])
        if ds is not None:
            model.datasources.append(ds)
    # baomidou dynamic-datasource: global pool defaults, then each datasource's own.
    dyn = "spring.datasource.dynamic"
    if space.has_prefix(f"{dyn}.datasource"):
        for name in _groups(ctx, f"{dyn}.datasource"):
            sub = f"{dyn}.datasource.{name}"
            tdef = space.get_canon(f"{sub}.type", ctx.profile)
            pool = TYPE_TO_POOL.get((tdef.value or "").strip().lower()) if tdef else None
            if pool is None:
                # No type: the first creator whose pool is on the classpath, Druid before Hikari
                # (DynamicDataSourceCreatorAutoConfiguration: DRUID_ORDER 2000, HIKARI_ORDER 3000).
                if space.has_prefix(f"{dyn}.druid") or space.has_prefix(f"{sub}.druid") or "druid" in model.present:
                    pool = "druid"
                elif (space.has_prefix(f"{dyn}.hikari") or space.has_prefix(f"{sub}.hikari")
                      or "hikari" in model.present):
                    pool = "hikari"
                else:
                    pool = "none"
            prefixes = [f"{dyn}.{pool}", f"{sub}.{pool}"] if pool != "none" else []
            ds = _datasource(ctx, pool, sub, prefixes, [f"{sub}.url"], [sub, *prefixes])
            if ds is not None:
                model.datasources.append(ds)
    _sharding(ctx)
    _jdbc_url_blocks(ctx)
    _nacos_server(ctx)


# ShardingSphere's names for pool properties (infra HikariDataSourcePoolMetaData.buildPropertySynonyms, 5.x): the
# Proxy's connectionTimeoutMilliseconds is Hikari's connectionTimeout, and so on (canonical names).
SYNONYMS: dict[str, tuple[tuple[str, str], ...]] = {
    "hikari": (("connectiontimeoutmilliseconds", "connectiontimeout"), ("idletimeoutmilliseconds", "idletimeout"),
               ("maxlifetimemilliseconds", "maxlifetime"), ("maxpoolsize", "maximumpoolsize"),
               ("minpoolsize", "minimumidle")),
}
# ShardingSphere-JDBC Spring Boot starters: spring.shardingsphere.datasource.<name>.* (4.x, 5.x) and
# sharding.jdbc.datasource.<name>.* (3.x); `type` names the pool class, every other key is set on it by reflection.
SHARDING_PREFIXES = ("spring.shardingsphere.datasource", "sharding.jdbc.datasource")
# Prefixes whose datasources are recognised elsewhere: a jdbc-url under them is not a DataSourceBuilder block.
_OWN_URL_PREFIXES = ("spring.datasource.hikari.", "spring.datasource.dynamic.", "spring.datasource.druid.",
                     "datasources.", *(p + "." for p in SHARDING_PREFIXES))
_JDBC_URL_BLOCKS: weakref.WeakKeyDictionary[PropertySpace, list[str]] = weakref.WeakKeyDictionary()


def _sharding(ctx: Ctx) -> None:
    """ShardingSphere's own datasources: the Spring Boot starter's spring.shardingsphere.datasource.<name>.*, and
    the `dataSources:` map of a ShardingSphere-Proxy config-*.yaml (or a ShardingSphere-JDBC driver YAML), where a
    missing dataSourceClassName means HikariCP (the Proxy's default pool)."""
    space = ctx.space
    for base in SHARDING_PREFIXES:
        if not space.has_prefix(base):
            continue
        for name in _groups(ctx, base):
            sub = f"{base}.{name}"
            tdef = space.get_canon(f"{sub}.type", ctx.profile)
            pool = TYPE_TO_POOL.get((tdef.value or "").strip().lower()) if tdef else None
            ds = _datasource(ctx, pool or "none", sub, [sub], [f"{sub}.url", f"{sub}.jdbcurl"], [sub])
            if ds is not None and ds.url is not None:
                ctx.model.datasources.append(ds)
    if space.has_prefix("datasources") and (space.has_prefix("databasename") or space.has_prefix("schemaname")
                                             or space.has_prefix("rules")):
        for name in _groups(ctx, "datasources"):
            sub = f"datasources.{name}"
            cdef = space.get_canon(f"{sub}.datasourceclassname", ctx.profile)
            pool = TYPE_TO_POOL.get((cdef.value or "").strip().lower(), "none") if cdef else "hikari"
            ds = _datasource(ctx, pool, sub, [sub], [f"{sub}.url", f"{sub}.jdbcurl"], [sub])
            if ds is not None and ds.url is not None:
                ctx.model.datasources.append(ds)


def _jdbc_url_blocks(ctx: Ctx) -> None:
    """`<prefix>.jdbc-url` blocks that the application binds with @ConfigurationProperties onto
    DataSourceBuilder.create().build() (Boot's multi-datasource recipe): HikariCP, the first pool DataSourceBuilder
    looks for, and the only one with a jdbcUrl property, unless `<prefix>.type` names another."""
    prefixes = _JDBC_URL_BLOCKS.get(ctx.space)
    if prefixes is None:
        prefixes = _JDBC_URL_BLOCKS[ctx.space] = sorted({
            key[:-len(".jdbcurl")] for key in ctx.space.defs
            if key.endswith(".jdbcurl") and key.count(".") >= 2 and not key.startswith(_OWN_URL_PREFIXES)})
    for prefix in prefixes:
        if ctx.space.get_canon(f"{prefix}.jdbcurl", ctx.profile) is None:
            continue
        tdef = ctx.space.get_canon(f"{prefix}.type", ctx.profile)
        pool = TYPE_TO_POOL.get((tdef.value or "").strip().lower(), "none") if tdef else "hikari"
        ds = _datasource(ctx, pool, prefix, [prefix], [f"{prefix}.jdbcurl"], [prefix])
        if ds is not None:
            ctx.model.datasources.append(ds)


# The Nacos server's own database (ExternalDataSourceProperties: db.url.N, db.user.N, db.pool.config.*): a HikariCP
# pool in jdbcUrl mode whose connectionTimeout defaults to 3 s (DataSourcePoolProperties.DEFAULT_CONNECTION_TIMEOUT).
NACOS_CONNECTION_TIMEOUT_MS = 3000
_NACOS_MARKERS = ("db.num", "db.pool.config", "spring.datasource.platform", "spring.sql.init.platform")


def _nacos_server(ctx: Ctx) -> None:
    space = ctx.space
    if not space.has_prefix("db.url") or not any(space.has_prefix(m) for m in _NACOS_MARKERS):
        return
    for key, _d in space.items(ctx.profile, "db.url"):
        index = key[len("db.url"):]
        if not re.fullmatch(r"\.\d+|\[\d+\]", index):
            continue
        ds = _datasource(ctx, "hikari", f"the Nacos server's {key}", ["db.pool.config"], [key], [],
                         wait_default_ms=NACOS_CONNECTION_TIMEOUT_MS)
        if ds is not None:
            ctx.model.datasources.append(ds)


def _task_execution(ctx: Ctx) -> None:
    prefix = "spring.task.execution.pool"
    kids = ctx.space.children(ctx.profile, prefix)
    if not kids:
        return
    settings = {k: _setting(ctx, k, full, d) for k, (full, d) in kids.items()}
    anchor = min(d.key_span for _, d in kids.values())
    ctx.model.pools.append(build(ThreadPool, kind="boot-task-execution", label="spring.task.execution.pool",
                                      anchor=anchor, key=prefix, settings=settings))
