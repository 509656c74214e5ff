"""Connection pool rules: DS001 (unbounded wait), DS002 (wait longer than the RPC timeout),
DS003 (what Druid itself rejects or warns about at init). Semantics: facts/druid.md §1, §2, §6;
facts/jdbc.md §13; facts/dubbo.md §2."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cfglint.checks import finding, name, show
from cfglint.findings import Finding, Related, Severity
from cfglint.model.datasource import DataSource
from cfglint.model.dubbo import DubboTimeout
from cfglint.model.module import ModuleModel
from cfglint.model.values import Setting
from cfglint.registry import check
from cfglint.resolve import Def
from cfglint.span import Span


@dataclass(frozen=True)
class WaitKey:
    names: tuple[str, ...]  # canonical property names, first match wins
    display: str  # how users write it
    default_ms: int | None  # library default; None/<=0 means forever
    forever_if: str  # "le0" (<=0 waits forever) or "eq0"


WAIT_KEYS: dict[str, WaitKey] = {
    "druid": WaitKey(("maxwait",), "maxWait", -1, "le0"),
    "dbcp": WaitKey(("maxwait",), "maxWait", -1, "le0"),
    "dbcp2": WaitKey(("maxwaitmillis", "maxwait"), "maxWaitMillis", -1, "le0"),
    "c3p0": WaitKey(("checkouttimeout",), "checkoutTimeout", 0, "le0"),
    "hikari": WaitKey(("connectiontimeout",), "connectionTimeout", 30000, "eq0"),
    "tomcat": WaitKey(("maxwait",), "maxWait", 30000, "le0"),
}
POOL_NAMES = {"druid": "Druid", "dbcp": "DBCP", "dbcp2": "DBCP2", "c3p0": "c3p0", "hikari": "HikariCP",
              "tomcat": "Tomcat JDBC pool"}


def _wait(ds: DataSource) -> tuple[WaitKey, Setting | None] | None:
    wk = WAIT_KEYS.get(ds.pool)
    if wk is None:
        return None
    for n in wk.names:
        s = ds.get(n)
        if s is not None:
            return wk, s
    return wk, None


def _as_written(s: Setting, value: int) -> str:
    """``name = value`` the way the setting is written: an XML property, a .properties line, a YAML key."""
    path = s.span.path.lower() if s.span is not None else ""
    written = s.source.split(" in ", 1)[0] if " in " in s.source else s.name
    if path.endswith(".xml"):
        return f'<property name="{s.name}" value="{value}"/>'
    if path.endswith((".yml", ".yaml")):
        return f"`{s.name}: {value}`"
    return f"{written}={value}" if "." in written and " " not in written else f"{s.name}={value}"


def _as_key(ds: DataSource, name: str, value: int) -> str:
    """``name=value`` for a setting the pool does not write yet, in the syntax of the file that declares it."""
    path = ds.anchor.path.lower()
    if path.endswith(".xml"):
        return f'<property name="{name}" value="{value}"/>'
    keyish = ds.label.replace(".", "").replace("-", "").replace("_", "").isalnum()
    if path.endswith((".yml", ".yaml")) and keyish:
        return f"`{_dashed(name)}: {value}` under {ds.label}"
    if path.endswith(".properties") and keyish:
        return f"{ds.label}.{_dashed(name)}={value}"
    return f"{name}={value}"


def _is_forever(wk: WaitKey, ms: int) -> bool:
    return ms <= 0 if wk.forever_if == "le0" else ms == 0


def druid_attempts(model: ModuleModel, ds: DataSource) -> tuple[int, str]:
    """How many full maxWait periods getConnection can wait while the pool is not full (druid.md §2)."""
    retry = ds.get("notfulltimeoutretrycount")
    n = retry.int_value() if retry is not None else None
    n = 0 if n is None else n
    v = model.version("druid")
    ver = ".".join(map(str, v)) if v else ""
    if v is not None and v < (1, 0, 8):
        return 1, f"Druid {ver} does not retry"
    if v is not None and v >= (1, 2, 21):
        attempts = max(1, n + 1)
        return attempts, f"Druid {ver} makes notFullTimeoutRetryCount+1 attempts"
    attempts = 1 if n < 0 else n + 2
    if v is not None:
        return attempts, f"Druid {ver} makes notFullTimeoutRetryCount+2 attempts while the pool is not full"
    return attempts, ("Druid before 1.2.21 makes notFullTimeoutRetryCount+2 attempts while the pool is not full; "
                      "the module's Druid version is unknown, 1.2.21+ makes one fewer")


@check("DS001")
def unbounded_pool_wait(model: ModuleModel, options: dict[str, Any]) -> Iterator[Finding]:
    for ds in model.datasources:
        got = _wait(ds)
        if got is None:
            continue
        wk, s = got
        pool = POOL_NAMES[ds.pool]
        if s is None:
            default = ds.wait_default_ms if ds.wait_default_ms is not None else wk.default_ms
            if default is not None and default > 0:
                continue
            flat = _flat_wait(model, ds, wk)
            unset = f"{wk.display} is not set{_profile_note(model)}"
            fix = f"set {wk.display} in milliseconds below the caller's timeout, e.g. {_as_key(ds, wk.display, 1500)}"
            related: tuple[Related, ...] = ()
            notes: tuple[str, ...] = ()
            if flat is not None:
                d, binds = flat
                written = f"`{d.key}` ({d.key_span.path}:{d.key_span.line})"
                unset = f"{wk.display} is not set where the pool reads it{_profile_note(model)}"
                notes = (f"{written} " + ("binds to nothing (CF004)" if binds == "never" else
                                           "binds only on Spring Boot 1.3 and earlier (the module's Boot version is "
                                           "unknown)"),)
                fix = (f"move it to {ds.label}.{_dashed(wk.display)}, in milliseconds below the caller's timeout "
                       "(e.g. 1500)")
                related = (Related(d.key_span, f"{d.key}: not read by {ds.label}"),)
            yield finding("DS001", ds.anchor,
                          _forever(pool, ds.label, f"{wk.display} is not set"),
                          f"{ds.key}/{wk.display}", related,
                          why=f"{pool} pool {ds.label} never stops waiting for a free connection: {unset}, and "
                              f"{pool}'s default ({wk.default_ms}) waits forever. When the pool is "
                              "exhausted or the database stalls, every request thread parks until the service itself "
                              "is exhausted.",
                          help=fix, notes=notes)
            continue
        ms = s.int_value()
        if ms is not None and _is_forever(wk, ms):
            zero = " (0 does not mean 'do not wait')" if ms == 0 else ""
            yield finding("DS001", s,
                          _forever(pool, ds.label, f"{wk.display}={ms}"),
                          f"{ds.key}/{wk.display}",
                          why=f"{pool} pool {ds.label} never stops waiting for a free connection: "
                              f"{show(s, 'ms', chain=False)}{zero} waits forever. When the pool is exhausted or the "
                              "database stalls, every request thread parks until the service itself is exhausted.",
                          help=f"set {wk.display} to a positive number of milliseconds below the caller's timeout, "
                               f"e.g. {_as_written(s, 1500)}")


_CONSTRUCTED = re.compile(r"^new \w+\(\.\.\.\) ")


def _forever(pool: str, label: str, what: str) -> str:
    label = _CONSTRUCTED.sub("", label)  # "Druid pool 'dataSource'": the pool type is said already
    rest = f"{pool} pool `` waits forever for a connection: {what}"
    return f"{pool} pool {name(label, max(24, 100 - len(rest)))} waits forever for a connection: {what}"


def _dashed(name: str) -> str:
    return "".join(f"-{c.lower()}" if c.isupper() else c for c in name)


def _flat_wait(model: ModuleModel, ds: DataSource, wk: WaitKey) -> tuple[Def, str] | None:
    """A flat `spring.datasource.maxWait`-style key in effect next to a Boot pool that reads its settings under
    its own prefix (spring.datasource.druid, .hikari, ...), and whether it can reach that pool: "never" for the
    Druid starter (it binds spring.datasource.druid only) and on Boot 1.4+ (pool settings only under the pool's
    prefix), "old-boot" when the Boot version is unknown (1.3 and earlier bound spring.datasource.* onto the
    pool; spring.md, DataSource binding table)."""
    if not ds.label.startswith("spring.datasource") or ds.label.startswith("spring.datasource.dynamic"):
        return None
    for n in wk.names:
        c = f"spring.datasource.{n}"
        if c in model.keys.prop_canons and (d := model.defined.get(c)) is not None:
            boot = model.version("spring-boot")
            starter = ds.label.startswith("spring.datasource.druid")
            return d, "never" if starter or (boot is not None and boot >= (1, 4)) else "old-boot"
    return None


def _profile_note(model: ModuleModel) -> str:
    return f" ({model.context})" if model.context else ""


def _consumer_side(t: DubboTimeout) -> bool:
    return t.level in ("consumer", "reference") or (t.level == "method" and "dubbo:reference" in t.label)


def bounding_timeout(model: ModuleModel) -> tuple[int, str, Span] | None:
    """The Dubbo timeout after which a caller of this module gives up: the longest timeout the module writes.
    Provider side (method, service, provider) travels to consumers as their default; a consumer-side timeout
    (`dubbo.consumer.timeout`, `<dubbo:consumer>`, `<dubbo:reference>` and its methods) overrides it from
    Dubbo 2.7.2 (dubbo.md §2.3), so in a module that serves Dubbo and also writes one, that one may be what gives
    up. Taking the longest keeps DS002 to waits that outlast every timeout in sight. Without any, Dubbo's
    default when the module serves Dubbo."""
    best: tuple[int, str, Span] | None = None
    unknown = False  # a provider-side timeout is written but its value is not known (unresolved, a Java constant)
    for t in model.timeouts:
        if t.setting.span is None:
            continue
        consumer = _consumer_side(t)
        if consumer and not model.serves_dubbo:
            continue  # a pure consumer's own calls are not the requests its pools serve
        ms = t.setting.int_value()
        if ms is None:
            unknown = True
            continue
        if ms <= 0:
            continue
        if best is None or ms > best[0]:
            side = ("consumer-side timeout, which overrides the provider's from Dubbo 2.7.2" if consumer
                    else "provider-side timeout, the consumers' default")
            best = (ms, f"the Dubbo timeout {ms} ms ({t.setting.source}; the {side})", t.setting.span)
    if best is not None or not model.serves_dubbo or unknown:
        return best  # an unknown timeout still replaces Dubbo's default: the bound is not known then
    none = "no Dubbo timeout is set: not on the provider, its services or methods, nor on the consumer side"
    for p in model.protocols:
        if p.name in ("dubbo", ""):
            return 1000, f"Dubbo's default timeout of 1000 ms for calls served over {p.label} ({none})", p.span
    for p in model.protocols:
        if p.name in ("tri", "triple"):
            return 3000, (f"Dubbo's default triple timeout of 3000 ms for calls served over {p.label} ({none})"), p.span
    return None


@check("DS002")
def pool_wait_exceeds_rpc_timeout(model: ModuleModel, options: dict[str, Any]) -> Iterator[Finding]:
    bound = bounding_timeout(model)
    if bound is None:
        return
    timeout_ms, timeout_text, timeout_span = bound
    for ds in model.datasources:
        got = _wait(ds)
        if got is None:
            continue
        wk, s = got
        if s is None:
            continue  # unset: either a finite library default we do not second-guess, or DS001
        ms = s.int_value()
        if ms is None or _is_forever(wk, ms):
            continue
        attempts, why = (druid_attempts(model, ds) if ds.pool == "druid" else (1, ""))
        worst = ms * attempts
        if worst < timeout_ms:
            continue
        safe = max(100, timeout_ms // (2 * attempts) // 100 * 100 or timeout_ms // (2 * attempts))
        times = f" × {attempts} attempts = {worst} ms worst case" if attempts > 1 else ""
        yield finding("DS002", s,
                      f"Pool wait can outlast the Dubbo timeout: {wk.display}={ms} ms"
                      + (f" (×{attempts})" if attempts > 1 else "") + f" ≥ {timeout_ms} ms",
                      f"{ds.key}/{wk.display}",
                      (Related(timeout_span, timeout_text[0].upper() + timeout_text[1:]),),
                      why=f"{show(s, 'ms', chain=False)}{times} on {ds.label} is ≥ {timeout_text}. The caller gives "
                          "up while this provider thread stays blocked on the pool, the Dubbo pool fills with such "
                          "threads and the provider reports 'Thread pool is EXHAUSTED'.",
                      help=f"keep the worst-case wait well below the timeout, e.g. {_as_written(s, safe)}"
                           + (f" ({attempts} × {safe} = {attempts * safe} ms)" if attempts > 1 else ""),
                      notes=(why,) if attempts > 1 else ())


# ---- DS003: what Druid itself rejects or warns about at init (druid.md §6) ---------------------------


def _int(ds: DataSource, name: str) -> tuple[Setting | None, int | None]:
    s = ds.get(name)
    return s, (s.int_value() if s is not None else None)


def _true(ds: DataSource, name: str) -> Setting | None:
    s = ds.get(name)
    return s if s is not None and (s.value or "").strip().lower() == "true" else None


def _abandoned_timeout(ds: DataSource) -> tuple[int | None, str]:
    """Seconds after which Druid treats a borrowed connection as abandoned, and how to show it: the
    removeAbandonedTimeoutMillis (ms) or removeAbandonedTimeout (s) setter, else 300 s (druid.md §1)."""
    ms_s, ms = _int(ds, "removeabandonedtimeoutmillis")
    if ms_s is not None:
        return (None if ms is None else ms // 1000), show(ms_s, "ms")
    s_s, secs = _int(ds, "removeabandonedtimeout")
    if s_s is not None:
        return secs, show(s_s, "s")
    return 300, "removeAbandonedTimeout = 300 s (Druid's default)"


def _db(ds: DataSource) -> str:
    url = (ds.url.value or "").lower() if ds.url is not None else ""
    for prefix, db in (("jdbc:oracle:", "oracle"), ("jdbc:db2:", "db2"), ("jdbc:mysql:", "mysql"),
                       ("jdbc:postgresql:", "postgresql"), ("jdbc:sqlserver:", "sqlserver")):
        if url.startswith(prefix):
            return db
    return ""


@check("DS003")
def pool_startup_misconfig(model: ModuleModel, options: dict[str, Any]) -> Iterator[Finding]:
    v = model.version("druid")
    for ds in model.datasources:
        if ds.pool != "druid":
            continue
        lbl = ds.label
        max_s, max_evict = _int(ds, "maxevictableidletimemillis")
        min_s, min_evict = _int(ds, "minevictableidletimemillis")
        if max_s is not None or min_s is not None:
            mx = max_evict if max_evict is not None else 25_200_000
            mn = min_evict if min_evict is not None else 1_800_000
            if mx < mn:
                where = max_s if max_s is not None and max_s.span is not None else min_s
                assert where is not None
                yield finding("DS003", where,
                              f"Druid refuses to start {name(lbl, 40)}: maxEvictableIdleTimeMillis={mx} is below "
                              "the min",
                              f"{ds.key}/maxEvictableIdleTimeMillis",
                              why=f"maxEvictableIdleTimeMillis = {mx} ms is below minEvictableIdleTimeMillis = {mn} "
                                  "ms: "
                                  "Druid fails at init with \"maxEvictableIdleTimeMillis must be grater than "
                                  "minEvictableIdleTimeMillis\".",
                              help="make the max at least the min (defaults: min 1800000, max 25200000)")
        keep = _true(ds, "keepalive")
        if keep is not None and (v is None or v >= (1, 2, 6)):
            between_s, between = _int(ds, "keepalivebetweentimemillis")
            evict_s, evict = _int(ds, "timebetweenevictionrunsmillis")
            between = between if between is not None else 120_000
            evict = evict if evict is not None else 60_000
            if between <= evict:
                where = evict_s if evict_s is not None and evict_s.span is not None else (between_s or keep)
                yield finding("DS003", where,
                              f"Druid refuses to start {name(lbl, 32)}: keepAliveBetweenTimeMillis={between}, not "
                              f"above {evict}",
                              f"{ds.key}/keepAliveBetweenTimeMillis",
                              why=f"keepAlive=true needs keepAliveBetweenTimeMillis ({between} ms) > "
                                  f"timeBetweenEvictionRunsMillis ({evict} ms): Druid fails at init with "
                                  "\"keepAliveBetweenTimeMillis must be greater than timeBetweenEvictionRunsMillis\".",
                              help=f"set keepAliveBetweenTimeMillis above {evict}, e.g. {max(120_000, evict * 2)}",
                              notes=("Druid checks this from 1.2.6",))
        active_s, active = _int(ds, "maxactive")
        active_v = active if active is not None else 8
        if active_s is not None and active == 0:
            yield finding("DS003", active_s, f"Druid refuses to start {name(lbl, 48)}: maxActive=0",
                          f"{ds.key}/maxActive",
                          why=f"{show(active_s, chain=False)}: Druid fails at init with \"maxActive can't not set "
                              "zero\".",
                          help="set the pool size, e.g. maxActive=20")
        for prop, disp in (("initialsize", "initialSize"), ("minidle", "minIdle")):
            s, val = _int(ds, prop)
            illegal = "initialSize" if prop == "initialsize" else "maxActive"
            if s is not None and val is not None and active_v > 0 and val > active_v:
                yield finding("DS003", s,
                              f"Druid refuses to start {name(lbl, 40)}: {disp}={val} is above maxActive={active_v}",
                              f"{ds.key}/{disp}",
                              why=f"{show(s, chain=False)} is above maxActive = {active_v}"
                                  f"{'' if active_s is not None else ' (the default)'}: Druid fails at init with "
                                  f"\"illegal {illegal}\".",
                              help=f"raise maxActive or lower {disp}")
        idle = ds.get("maxidle")
        if idle is not None and idle.span is not None:
            yield finding("DS003", idle, f"maxIdle does nothing on Druid pool {name(lbl, 56)}",
                          f"{ds.key}/maxIdle",
                          why=f"{show(idle, chain=False)}: Druid logs ERROR \"maxIdle is deprecated\" and sizes the "
                              "pool with maxActive/minIdle.",
                          help="remove it (use minIdle)")
        ra = _true(ds, "removeabandoned")
        if ra is not None:
            secs, judged = _abandoned_timeout(ds)
            if secs is not None and secs >= 3600:
                yield finding("DS003", ra, f"removeAbandoned=true on {name(lbl, 48)} force-closes busy connections",
                              f"{ds.key}/removeAbandoned", severity=Severity.NOTE,
                              why=f"With {judged}, connections held longer than that are force-closed even while "
                                  "still in use, and Druid warns \"removeAbandoned is true, not use in production\".",
                              help="turn it off once the leak is found",
                              notes=("the timeout is already an hour or more, as Druid's maintainers advise for leak "
                                     "hunting",))
            else:
                yield finding("DS003", ra, f"removeAbandoned=true on {name(lbl, 48)} force-closes busy connections",
                              f"{ds.key}/removeAbandoned",
                              why=f"With {judged}, connections held longer than that are force-closed even while "
                                  "still in use (long transactions, batch jobs); Druid warns \"removeAbandoned is "
                                  "true, not use in production\".",
                              help="use it only to debug leaks, and then with removeAbandonedTimeout of at least 3600 "
                                   "(seconds)")
        bre = _true(ds, "breakafteracquirefailure")
        if bre is not None and not ds.runtime_url:  # a pool for a user-named database fails fast on purpose
            yield finding("DS003", bre, f"breakAfterAcquireFailure=true: pool {name(lbl, 48)} never recovers",
                          f"{ds.key}/breakAfterAcquireFailure",
                          why="After one burst of failed connection attempts (a database restart, a network blip) the "
                              "creator thread exits for good and the pool never recovers until the service restarts.",
                          help="remove it")
        vq = ds.get("validationquery")
        db = _db(ds)
        if vq is not None and vq.value and db in ("oracle", "db2"):
            q = vq.value.strip().rstrip(";").lower()
            if q.startswith("select") and " from " not in f" {q} ":
                fix = "SELECT 1 FROM DUAL" if db == "oracle" else "SELECT 1 FROM SYSIBM.SYSDUMMY1"
                yield finding("DS003", vq, f"validationQuery is not valid SQL on {db.upper()}: SELECT without FROM",
                              f"{ds.key}/validationQuery",
                              why=f"{show(vq, chain=False)}: Druid validates every new physical connection with it, "
                                  "so every connection creation fails and the pool stays empty (ORA-00923 on Oracle).",
                              help=f"write validationQuery={fix}")
        tbe_s, tbe = _int(ds, "timebetweenevictionrunsmillis")
        if tbe_s is not None and tbe is not None and tbe <= 0 and (v is None or v >= (1, 2, 22)):
            yield finding("DS003", tbe_s,
                          f"Druid refuses to start {name(lbl, 40)}: timeBetweenEvictionRunsMillis={tbe}",
                          f"{ds.key}/timeBetweenEvictionRunsMillis",
                          why=f"{show(tbe_s, 'ms', chain=False)}: Druid ≥ 1.2.22 throws "
                              "\"timeBetweenEvictionRunsMillis must > 0\".",
                          help="leave it unset (60000) or set a positive value",
                          notes=("older versions silently fall back",))
