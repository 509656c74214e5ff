"""Connection pool rules: DS001 (unbounded wait), DS002 (wait longer than the RPC timeout),
DS003 (what Druid itself rejects or warns about at init). Semantics: facts/druid.md §1, §2, §6;
facts/jdbc.md §13; facts/dubbo.md §2."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cfglint.checks import finding, show
from cfglint.findings import Finding, Related
from cfglint.model.datasource import DataSource
from cfglint.model.module import ModuleModel
from cfglint.model.values import Setting
from cfglint.registry import check
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
            if wk.default_ms is not None and wk.default_ms > 0:
                continue
            yield finding("DS001", ds.anchor,
                          f"{pool} pool {ds.label} never stops waiting for a free connection: {wk.display} is not "
                          f"set{_profile_note(model)}, and {pool}'s default ({wk.default_ms}) waits forever. When the "
                          "pool is exhausted or the database stalls, every request thread parks until the service "
                          f"itself is exhausted. Set {wk.display} in milliseconds below the caller's timeout, e.g. "
                          f"{wk.display}=1500.",
                          f"{ds.key}/{wk.display}")
            continue
        ms = s.int_value()
        if ms is not None and _is_forever(wk, ms):
            zero = " (0 does not mean 'do not wait')" if ms == 0 else ""
            yield finding("DS001", s,
                          f"{pool} pool {ds.label} never stops waiting for a free connection: {show(s, 'ms')}"
                          f"{zero} waits forever. When the pool is exhausted or the database stalls, every request "
                          f"thread parks until the service itself is exhausted. Set {wk.display} to a positive "
                          "number of milliseconds below the caller's timeout, e.g. 1500.",
                          f"{ds.key}/{wk.display}")


def _profile_note(model: ModuleModel) -> str:
    return f" (profile '{model.profile}')" if model.profile else ""


def bounding_timeout(model: ModuleModel) -> tuple[int, str, Span] | None:
    """The Dubbo timeout that bounds a request this module serves: the longest provider-side timeout
    (method, service, provider level), else Dubbo's default when the module serves Dubbo."""
    best: tuple[int, str, Span] | None = None
    unknown = False  # a provider-side timeout is written but its value is not known (unresolved, a Java constant)
    for t in model.timeouts:
        if t.level not in ("method", "service", "provider") or t.setting.span is None:
            continue
        if t.level == "method" and not t.label.endswith(">") and "reference" in t.label:
            continue
        ms = t.setting.int_value()
        if ms is None:
            unknown = True
            continue
        if ms <= 0:
            continue
        if best is None or ms > best[0]:
            best = (ms, f"the Dubbo timeout {ms} ms ({t.setting.source})", t.setting.span)
    if best is not None or not model.serves_dubbo or unknown:
        return best  # an unknown timeout still replaces Dubbo's default: the bound is not known then
    for p in model.protocols:
        if p.name in ("dubbo", ""):
            return 1000, f"Dubbo's default timeout of 1000 ms (no timeout is set for {p.label})", p.span
    for p in model.protocols:
        if p.name in ("tri", "triple"):
            return 3000, f"Dubbo's default triple timeout of 3000 ms (no timeout is set for {p.label})", p.span
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
        times = f" × {attempts} attempts ({why}) = {worst} ms worst case" if attempts > 1 else ""
        yield finding("DS002", s,
                      f"Waiting for a pooled connection can outlast the request: {show(s, 'ms')}{times}, which is "
                      f"≥ {timeout_text}. The consumer gives up while this provider thread stays blocked on the "
                      "pool, the Dubbo pool fills with such threads and the provider reports 'Thread pool is "
                      f"EXHAUSTED'. Keep the worst-case wait well below the timeout, e.g. {wk.display}={safe}"
                      + (f" ({attempts} × {safe} = {attempts * safe} ms)" if attempts > 1 else "") + ".",
                      f"{ds.key}/{wk.display}",
                      (Related(timeout_span, timeout_text[0].upper() + timeout_text[1:]),))


# ---- DS003: what Druid itself rejects or warns about at init (druid.md §6) ---------------------------


def _int(ds: DataSource, name: str) -> tuple[Setting | None, int | None]:
    s = ds.get(name)
    return s, (s.int_value() if s is not None else None)


def _true(ds: DataSource, name: str) -> Setting | None:
    s = ds.get(name)
    return s if s is not None and (s.value or "").strip().lower() == "true" else None


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
                              f"Druid refuses to start {lbl}: maxEvictableIdleTimeMillis = {mx} ms is below "
                              f"minEvictableIdleTimeMillis = {mn} ms (\"maxEvictableIdleTimeMillis must be grater "
                              "than minEvictableIdleTimeMillis\" at init). Make the max at least the min (defaults: "
                              "min 1800000, max 25200000).",
                              f"{ds.key}/maxEvictableIdleTimeMillis")
        keep = _true(ds, "keepalive")
        if keep is not None and (v is None or v >= (1, 2, 6)):
            between_s, between = _int(ds, "keepalivebetweentimemillis")
            evict_s, evict = _int(ds, "timebetweenevictionrunsmillis")
            between = between if between is not None else 120_000
            evict = evict if evict is not None else 60_000
            if between <= evict:
                where = evict_s if evict_s is not None and evict_s.span is not None else (between_s or keep)
                yield finding("DS003", where,
                              f"Druid refuses to start {lbl}: keepAlive=true needs keepAliveBetweenTimeMillis "
                              f"({between} ms) > timeBetweenEvictionRunsMillis ({evict} ms) (\"keepAliveBetweenTime"
                              "Millis must be greater than timeBetweenEvictionRunsMillis\" at init, Druid ≥ 1.2.6). "
                              f"Set keepAliveBetweenTimeMillis above {evict}, e.g. {max(120_000, evict * 2)}.",
                              f"{ds.key}/keepAliveBetweenTimeMillis")
        active_s, active = _int(ds, "maxactive")
        active_v = active if active is not None else 8
        if active_s is not None and active == 0:
            yield finding("DS003", active_s,
                          f"Druid refuses {lbl}: {show(active_s)} (\"maxActive can't not set zero\"). Set the pool "
                          "size, e.g. maxActive=20.", f"{ds.key}/maxActive")
        for name, disp in (("initialsize", "initialSize"), ("minidle", "minIdle")):
            s, val = _int(ds, name)
            illegal = "initialSize" if name == "initialsize" else "maxActive"
            if s is not None and val is not None and active_v > 0 and val > active_v:
                yield finding("DS003", s,
                              f"Druid refuses to start {lbl}: {show(s)} is above maxActive = {active_v}"
                              f"{'' if active_s is not None else ' (the default)'} (\"illegal {illegal}\" at init). "
                              f"Raise maxActive or lower {disp}.", f"{ds.key}/{disp}")
        idle = ds.get("maxidle")
        if idle is not None and idle.span is not None:
            yield finding("DS003", idle,
                          f"{show(idle)} on Druid pool {lbl} does nothing: Druid logs ERROR \"maxIdle is deprecated\" "
                          "and sizes the pool with maxActive/minIdle. Remove it (use minIdle).",
                          f"{ds.key}/maxIdle")
        ra = _true(ds, "removeabandoned")
        if ra is not None:
            yield finding("DS003", ra,
                          f"removeAbandoned=true on {lbl} force-closes connections that are still in use (long "
                          "transactions, batch jobs) once the timeout passes; Druid warns \"removeAbandoned is true, "
                          "not use in production\". Use it only to debug leaks, and then with a timeout above 1 h.",
                          f"{ds.key}/removeAbandoned")
        bre = _true(ds, "breakafteracquirefailure")
        if bre is not None:
            yield finding("DS003", bre,
                          f"breakAfterAcquireFailure=true on {lbl}: after one burst of failed connection attempts "
                          "(a database restart, a network blip) the creator thread exits for good and the pool "
                          "never recovers until the service restarts. Remove it.",
                          f"{ds.key}/breakAfterAcquireFailure")
        vq = ds.get("validationquery")
        db = _db(ds)
        if vq is not None and vq.value and db in ("oracle", "db2"):
            q = vq.value.strip().rstrip(";").lower()
            if q.startswith("select") and " from " not in f" {q} ":
                fix = "SELECT 1 FROM DUAL" if db == "oracle" else "SELECT 1 FROM SYSIBM.SYSDUMMY1"
                yield finding("DS003", vq,
                              f"{show(vq)} is not valid SQL on {db.upper()} (a SELECT without FROM): Druid validates "
                              "every new physical connection with it, so every connection creation fails and the "
                              f"pool stays empty (ORA-00923 on Oracle). Write validationQuery={fix}.",
                              f"{ds.key}/validationQuery")
        tbe_s, tbe = _int(ds, "timebetweenevictionrunsmillis")
        if tbe_s is not None and tbe is not None and tbe <= 0 and (v is None or v >= (1, 2, 22)):
            yield finding("DS003", tbe_s,
                          f"{show(tbe_s, 'ms')} on {lbl}: Druid ≥ 1.2.22 throws \"timeBetweenEvictionRunsMillis "
                          "must > 0\" (older versions silently fall back). Leave it unset (60000) or set a positive "
                          "value.", f"{ds.key}/timeBetweenEvictionRunsMillis")
