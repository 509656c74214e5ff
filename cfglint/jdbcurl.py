"""JDBC URLs and driver timeout semantics (facts/jdbc.md, facts/druid.md §3–§4). Pure: no I/O.

``parse_jdbc_url`` never raises. ``effective_timeouts`` decides, per driver, which connect and read
timeout a connection really gets from its URL, its connection properties, Druid's own properties and
the driver defaults, and collects unit mistakes and ignored properties on the way."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Param:
    key: str
    value: str
    start: int  # offset of the key in the URL string
    end: int  # one past the end of the value
    value_start: int
    value_end: int


@dataclass(frozen=True)
class JdbcUrl:
    raw: str
    vendor: str
    subprotocol: str
    embedded: bool
    params: tuple[Param, ...] = ()
    oracle_form: str | None = None
    tns: tuple[Param, ...] = ()

    def find(self, key: str, *, case_sensitive: bool = True) -> Param | None:
        hit = None
        for p in self.params:
            if p.key == key or (not case_sensitive and p.key.lower() == key.lower()):
                hit = p
        return hit


# ---- parsing ----------------------------------------------------------------------------------------

_WRAPPERS = ("p6spy:", "log4jdbc:", "wrap-jdbc:", "otel:", "tracing:")
_VENDORS = (  # (prefix after "jdbc:", vendor), longest first where it matters
    ("mysql", "mysql"), ("mariadb", "mariadb"), ("postgresql", "postgresql"), ("pgsql", "postgresql"),
    ("oracle", "oracle"), ("sqlserver", "sqlserver"), ("microsoft:sqlserver", "sqlserver"),
    ("jtds", "jtds"), ("db2", "db2"), ("h2", "h2"), ("derby", "derby"), ("hsqldb", "hsqldb"),
    ("sqlite", "sqlite"), ("clickhouse", "clickhouse"), ("ch:", "clickhouse"), ("dm:", "dm"),
    ("kingbase8", "kingbase"), ("oscar", "oscar"),
)


def _mask_placeholders(s: str) -> str:
    """Replace ${...} regions with same-length filler so separators inside them are never split on."""
    out = list(s)
    i = 0
    while True:
        start = s.find("${", i)
        if start < 0:
            break
        depth, j = 0, start
        while j < len(s):
            if s.startswith("${", j):
                depth += 1
                j += 2
                continue
            if s[j] == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        for k in range(start, min(j + 1, len(s))):
            out[k] = "_"
        i = j + 1
    return "".join(out)


def _pairs(raw: str, masked: str, start: int, end: int, seps: str) -> list[Param]:
    out = []
    i = start
    while i < end:
        j = i
        while j < end and masked[j] not in seps:
            j += 1
        seg_m = masked[i:j]
        if "=" in seg_m:
            eq = i + seg_m.index("=")
            k0 = i
            while k0 < eq and raw[k0] in " \t\r\n":
                k0 += 1
            key = raw[k0:eq].strip()
            if key.startswith("amp;"):  # '&amp;' written in XML text that was not unescaped
                key = key[4:]
                k0 += 4
            v_end = j
            while v_end > eq + 1 and raw[v_end - 1] in " \t\r\n":
                v_end -= 1
            if key:
                out.append(Param(key, raw[eq + 1:v_end], k0, v_end, eq + 1, v_end))
        i = j + 1
    return out


def _tns(raw: str, masked: str, at: int) -> tuple[Param, ...]:
    out = []
    for m in re.finditer(r"\(\s*([A-Za-z_]+)\s*=\s*([^()]*?)\s*\)", masked[at:]):
        ks = at + m.start(1)
        vs, ve = at + m.start(2), at + m.end(2)
        out.append(Param(raw[ks:at + m.end(1)].upper(), raw[vs:ve], ks, ve, vs, ve))
    return tuple(out)


def parse_jdbc_url(url: str) -> JdbcUrl | None:
    try:
        return _parse(url)
    except Exception:  # a URL we cannot make sense of is simply not judged
        return None


def _parse(url: str) -> JdbcUrl | None:
    if not isinstance(url, str):
        return None
    lead = len(url) - len(url.lstrip())
    raw = url
    if raw[lead:lead + 5].lower() != "jdbc:":
        return None
    masked = _mask_placeholders(raw)
    pos = lead + 5
    low = raw.lower()
    changed = True
    while changed:  # jdbc:p6spy:mysql://... -> judge the wrapped URL
        changed = False
        for w in _WRAPPERS:
            if low.startswith(w, pos):
                pos += len(w)
                if low.startswith("jdbc:", pos):
                    pos += 5
                changed = True
    vendor = "other"
    for prefix, v in _VENDORS:
        if low.startswith(prefix, pos):
            vendor = v
            break
    sub_end = masked.find("//", pos)
    sub_end = len(raw) if sub_end < 0 else sub_end
    subprotocol = low[pos:sub_end].rstrip(":@")[:40]
    params: list[Param] = []
    oracle_form = None
    tns: tuple[Param, ...] = ()
    embedded = False
    if vendor in ("mysql", "mariadb", "postgresql", "clickhouse", "dm", "kingbase", "oscar", "other"):
        q = masked.find("?", pos)
        if q >= 0:
            params = _pairs(raw, masked, q + 1, len(raw), "&")
        if vendor == "mysql":  # host-scoped (key=value) blocks: jdbc:mysql://(host=h,port=p,connectTimeout=1)/db
            for m in re.finditer(r"\(([^()]*)\)", masked[pos:q if q >= 0 else len(raw)]):
                base = pos + m.start(1)
                params.extend(_pairs(raw, masked, base, pos + m.end(1), ","))
        if vendor == "oscar":
            semi = masked.find(";", pos)
            if semi >= 0 and q < 0:
                params = _pairs(raw, masked, semi + 1, len(raw), ";&")
    elif vendor in ("sqlserver", "jtds"):
        semi = masked.find(";", pos)
        if semi >= 0:
            params = _pairs(raw, masked, semi + 1, len(raw), ";")
    elif vendor == "db2":
        m = re.match(r"db2://[^/]*/[^:;?]*:", low[pos:])
        if m:
            params = _pairs(raw, masked, pos + m.end(), len(raw), ";")
        else:
            embedded = not low.startswith("db2://", pos)  # type 2 (local client), not a network URL we judge
    elif vendor == "oracle":
        at = masked.find("@", pos)
        rest = masked[at + 1:].lstrip() if at >= 0 else ""
        if rest.startswith("("):
            oracle_form = "tns"
            tns = _tns(raw, masked, at + 1)
        elif rest.startswith("//") or re.match(r"[^:/]+:\d+/", rest) or re.match(r"(tcps?)://", rest, re.I):
            oracle_form = "ezconnect"
            q = masked.find("?", at)
            if q >= 0:
                params = _pairs(raw, masked, q + 1, len(raw), "&")
        elif re.match(r"[^:/]+:\d+:", rest):
            oracle_form = "sid"
        elif rest:
            oracle_form = "alias"
    elif vendor == "h2":
        embedded = not (low.startswith("h2:tcp:", pos) or low.startswith("h2:ssl:", pos))
        semi = masked.find(";", pos)
        if semi >= 0:
            params = _pairs(raw, masked, semi + 1, len(raw), ";")
    elif vendor == "derby":
        embedded = "//" not in low[pos:pos + 10]
    elif vendor in ("hsqldb",):
        embedded = low.startswith(("hsqldb:mem:", "hsqldb:file:", "hsqldb:res:"), pos)
    elif vendor == "sqlite":
        embedded = True
    return JdbcUrl(raw, vendor, subprotocol, embedded, tuple(params), oracle_form, tns)


# ---- driver knowledge (facts/jdbc.md §0) --------------------------------------------------------------


@dataclass(frozen=True)
class Driver:
    name: str
    connect: tuple[tuple[str, str], ...]  # (key, unit "ms"|"s") the driver reads for connect
    read: tuple[tuple[str, str], ...]
    connect_default_ms: int | None  # None = unbounded
    read_default_ms: int | None
    case_sensitive: bool
    props_win: bool  # Properties beat URL parameters (MySQL 8+, mssql-jdbc)
    zero_is_default: bool = False  # mssql loginTimeout=0 means "use the default"


DRIVERS: dict[str, Driver] = {
    "mysql": Driver("MySQL Connector/J", (("connectTimeout", "ms"),), (("socketTimeout", "ms"),), None, None,
                    True, True),
    "mariadb": Driver("MariaDB Connector/J", (("connectTimeout", "ms"),), (("socketTimeout", "ms"),), 30_000, None,
                      True, False),
    "postgresql": Driver("pgjdbc", (("connectTimeout", "s"),), (("socketTimeout", "s"),), 10_000, None, True, False),
    "oracle": Driver("Oracle JDBC thin", (("oracle.net.CONNECT_TIMEOUT", "ms"),),
                     (("oracle.jdbc.ReadTimeout", "ms"), ("oracle.net.READ_TIMEOUT", "ms")), None, None, True, True),
    "sqlserver": Driver("mssql-jdbc", (("loginTimeout", "s"),), (("socketTimeout", "ms"),), 30_000, None,
                        False, True, zero_is_default=True),
    "jtds": Driver("jTDS", (("loginTimeout", "s"),), (("socketTimeout", "s"),), None, None, False, False),
    "db2": Driver("IBM Db2 JCC", (("loginTimeout", "s"),), (("blockingReadConnectionTimeout", "s"),), None, None,
                  True, False),
    "clickhouse": Driver("ClickHouse JDBC", (("connection_timeout", "ms"),), (("socket_timeout", "ms"),), None, None,
                         True, False),
    "dm": Driver("DM JDBC", (("connectTimeout", "ms"),), (("socketTimeout", "ms"),), None, None, True, False),
    "kingbase": Driver("KingbaseES JDBC", (("connectTimeout", "s"),), (("socketTimeout", "s"),), None, None,
                       True, False),
    "oscar": Driver("Oscar JDBC", (("LOGINTIMEOUT", "ms"),), (), None, None, False, False),
}
# Unit mistakes are reported only where the unit is certain (kingbase and oscar are UNVERIFIED in jdbc.md).
UNIT_CERTAIN = frozenset({"mysql", "mariadb", "postgresql", "oracle", "sqlserver", "jtds", "db2", "clickhouse"})


@dataclass(frozen=True)
class Bound:
    ms: int | None
    source: str  # url | property | tns | druid | driver-default | none
    key: str | None
    origin: object | None
    param: Param | None
    explanation: str


@dataclass(frozen=True)
class Issue:
    kind: str  # "unit" | "ineffective"
    key: str
    value: str
    param: Param | None
    origin: object | None
    message: str


@dataclass(frozen=True)
class Timeouts:
    connect: Bound
    read: Bound
    issues: tuple[Issue, ...] = field(default_factory=tuple)


def _num(text: str) -> float | None:
    t = text.strip()
    try:
        return float(t) if t else None
    except ValueError:
        return None


def _tns_seconds(text: str) -> float | None:
    """TNS timeouts are seconds unless a unit is given (ms, sec, min; 19c+)."""
    m = re.match(r"^\s*([0-9.]+)\s*(ms|sec|s|min)?\s*$", text, re.I)
    if not m:
        return None
    v = float(m.group(1))
    unit = (m.group(2) or "sec").lower()
    return v / 1000 if unit == "ms" else v * 60 if unit == "min" else v


def _lookup(url: JdbcUrl, props: Mapping[str, tuple[str, object]], key: str, drv: Driver
            ) -> tuple[str, str, Param | None, object | None] | None:
    """(value, where, param, origin) for one driver key, honouring case rules and URL/props precedence."""
    p = url.find(key, case_sensitive=drv.case_sensitive)
    prop = None
    for k, (v, origin) in props.items():
        if k == key or (not drv.case_sensitive and k.lower() == key.lower()):
            prop = (v, origin)
    if p is not None and prop is not None:
        if drv.props_win:
            return prop[0], "property", None, prop[1]
        return p.value, "url", p, None
    if p is not None:
        return p.value, "url", p, None
    if prop is not None:
        return prop[0], "property", None, prop[1]
    return None


def _fmt(ms: int | None) -> str:
    if ms is None:
        return "unbounded"
    return f"{ms} ms" if ms < 10_000 or ms % 1000 else f"{ms // 1000} s"


def _v(version: tuple[int, ...] | None) -> str:
    return ".".join(map(str, version)) if version else "unknown version"


def effective_timeouts(url: JdbcUrl, props: Mapping[str, tuple[str, object]] | None = None, *,
                       druid_connect: tuple[str, object] | None = None,
                       druid_socket: tuple[str, object] | None = None,
                       druid_version: tuple[int, ...] | None = None,
                       is_druid: bool = False) -> Timeouts:
    props = props or {}
    drv = DRIVERS.get(url.vendor)
    issues: list[Issue] = []
    if drv is None:
        none = Bound(None, "none", None, None, None, f"no known timeout keys for {url.vendor} URLs")
        return Timeouts(none, none, ())
    v = druid_version
    translates = is_druid and v is not None and v >= (1, 2, 22)  # Druid reads connectTimeout/socketTimeout itself
    druid_has_own = is_druid and (v is None or v >= (1, 2, 12))

    def driver_bound(keys: tuple[tuple[str, str], ...], default_ms: int | None, what: str) -> Bound:
        for key, unit in keys:
            hit = _lookup(url, props, key, drv)
            if hit is None:
                continue
            value, where, param, origin = hit
            n = _num(value)
            if n is None:
                continue
            ms = int(n * 1000) if unit == "s" else int(n)
            if drv.zero_is_default and ms == 0:
                return Bound(default_ms, "driver-default", key, origin, param,
                             f"{key}=0 means the {drv.name} default ({_fmt(default_ms)}), not unbounded")
            if ms <= 0:
                return Bound(None, where, key, origin, param, f"{key}={value} ({where}) means no {what} timeout")
            return Bound(ms, where, key, origin, param, f"{key}={value} {unit} ({where})")
        if url.vendor == "oracle" and what == "connect":
            for p in url.tns:
                if p.key in ("CONNECT_TIMEOUT", "TRANSPORT_CONNECT_TIMEOUT"):
                    secs = _tns_seconds(p.value)
                    if secs is not None and secs > 0:
                        return Bound(int(secs * 1000), "tns", p.key, None, p, f"TNS {p.key}={p.value} (seconds)")
        if default_ms is not None:
            return Bound(default_ms, "driver-default", None, None, None,
                         f"{drv.name} defaults to {_fmt(default_ms)}")
        keys_txt = " / ".join(k for k, _ in keys) or "(none)"
        return Bound(None, "none", None, None, None,
                     f"{keys_txt} is not set in the URL or connection properties and {drv.name} defaults to no timeout")

    connect = driver_bound(drv.connect, drv.connect_default_ms, "connect")
    read = driver_bound(drv.read, drv.read_default_ms, "read")

    # Druid's own connectTimeout/socketTimeout (ms): set on the pool, or (>= 1.2.22) read from URL/properties.
    def druid_value(own: tuple[str, object] | None, key: str) -> tuple[int, str, object | None, Param | None] | None:
        if own is not None and druid_has_own:
            n = _num(own[0])
            if n is not None:
                return int(n), f"Druid {key}={own[0]} ms", own[1], None
        if translates:
            p = url.find(key)
            if p is not None and _num(p.value) is not None:
                return int(_num(p.value) or 0), f"{key}={p.value} in the URL, applied by Druid {_v(v)}", None, p
            if key in props and _num(props[key][0]) is not None:
                return (int(_num(props[key][0]) or 0), f"{key}={props[key][0]} in connectionProperties, applied by "
                        f"Druid {_v(v)}", props[key][1], None)
        return None

    dc = druid_value(druid_connect, "connectTimeout")
    ds = druid_value(druid_socket, "socketTimeout")
    if is_druid and v is not None and (1, 2, 12) <= v < (1, 2, 22):
        # 1.2.12-1.2.21: unset means 10 s (1.2.15-1.2.16: connect 0, socket 10 s)
        if dc is None and not ((1, 2, 15) <= v <= (1, 2, 16)):
            dc = (10_000, f"Druid {_v(v)} default connectTimeout 10000 ms", None, None)
        if ds is None:
            ds = (10_000, f"Druid {_v(v)} default socketTimeout 10000 ms (it kills queries longer than 10 s)",
                  None, None)
    if dc is not None:
        ms, text, origin, param = dc
        connect = Bound(ms if ms > 0 else connect.ms, "druid", "connectTimeout", origin, param, text) if ms > 0 \
            else connect
    if ds is not None:
        ms, text, origin, param = ds
        if ms > 0:  # setNetworkTimeout overrides any driver read timeout
            read = Bound(ms, "druid", "socketTimeout", origin, param, text)

    issues.extend(_unit_issues(url, props, drv, translates))
    issues.extend(_ineffective(url, props, drv, is_druid, v, translates))
    return Timeouts(connect, read, tuple(issues))


def _unit_issues(url: JdbcUrl, props: Mapping[str, tuple[str, object]], drv: Driver, translates: bool) -> list[Issue]:
    out: list[Issue] = []
    if url.vendor not in UNIT_CERTAIN:
        return out
    for key, unit in (*drv.connect, *drv.read):
        hit = _lookup(url, props, key, drv)
        if hit is None:
            continue
        value, _where, param, origin = hit
        n = _num(value)
        if n is None or n <= 0:
            continue
        if unit == "s" and n >= 1000:
            out.append(Issue("unit", key, value, param, origin,
                             f"{key}={value} is in seconds for {drv.name}, so this is {n / 3600:.1f} hours; it looks "
                             f"like milliseconds. Write {key}={max(1, int(n // 1000))} (seconds)."))
        elif unit == "ms" and n < 100:
            out.append(Issue("unit", key, value, param, origin,
                             f"{key}={value} is in milliseconds for {drv.name}, so this is {n:g} ms; it looks like "
                             f"seconds. Write {key}={int(n * 1000)} (ms)."))
        if url.vendor == "postgresql" and translates and key == "socketTimeout" and n < 1000:
            out.append(Issue("unit", key, value, param, origin,
                             f"{key}={value} is seconds for pgjdbc, but Druid ≥ 1.2.22 reads it as milliseconds "
                             f"({n:g} ms) and applies it with setNetworkTimeout, so every query over {n:g} ms fails. "
                             f"Set Druid's own socketTimeout={int(n * 1000)} (ms) instead."))
    for p in url.tns:
        if p.key in ("CONNECT_TIMEOUT", "TRANSPORT_CONNECT_TIMEOUT"):
            n = _num(p.value)  # a bare number; suffixed values are explicit
            if n is not None and n >= 1000:
                out.append(Issue("unit", p.key, p.value, p, None,
                                 f"TNS {p.key}={p.value} is in seconds ({n / 60:.0f} minutes); it looks like "
                                 f"milliseconds. Write ({p.key}={max(1, int(n // 1000))}) or, on 19c+ drivers, "
                                 f"({p.key}={int(n)}ms)."))
    return out


_ORACLE_ONLY = re.compile(r"^oracle\.(net|jdbc)\.", re.I)


def _ineffective(url: JdbcUrl, props: Mapping[str, tuple[str, object]], drv: Driver, is_druid: bool,
                 v: tuple[int, ...] | None, translates: bool) -> list[Issue]:
    out: list[Issue] = []
    entries: list[tuple[str, str, Param | None, object | None, str]] = [
        (p.key, p.value, p, None, "URL") for p in url.params]
    entries += [(k, val, None, origin, "connection properties") for k, (val, origin) in props.items()]
    for key, value, param, origin, where in entries:
        if url.vendor == "oracle" and key in ("connectTimeout", "socketTimeout"):
            if translates:
                continue
            oracle_key = "oracle.net.CONNECT_TIMEOUT" if key == "connectTimeout" else "oracle.jdbc.ReadTimeout"
            druid_note = (f" (Druid {_v(v)} does not translate them; Druid ≥ 1.2.22 would)" if is_druid and v
                          else " (unless Druid ≥ 1.2.22 translates them; the Druid version is unknown)" if is_druid
                          else "")
            druid_alt = (", or Druid's own connectTimeout/socketTimeout properties (ms, Druid ≥ 1.2.12)"
                         if is_druid else "")
            kind = "connect" if key == "connectTimeout" else "read"
            out.append(Issue("ineffective", key, value, param, origin,
                             f"{key}={value} in the {where} is silently ignored by the Oracle driver{druid_note}: "
                             f"Oracle has no property of that name, so the connection keeps no {kind} "
                             f"timeout. Use {oracle_key}={value} (ms){druid_alt}."))
            continue
        if _ORACLE_ONLY.match(key) and url.vendor != "oracle":
            out.append(Issue("ineffective", key, value, param, origin,
                             f"{key}={value} is an Oracle driver property; {drv.name} ignores it. Use "
                             f"{' / '.join(k for k, _ in (*drv.connect, *drv.read))} instead."))
            continue
        if url.vendor == "sqlserver" and key.lower() == "connecttimeout":
            out.append(Issue("ineffective", key, value, param, origin,
                             f"{key}={value} is not an mssql-jdbc property in any released version and is ignored. "
                             "Use loginTimeout (seconds), e.g. ;loginTimeout=5."))
            continue
        if url.vendor == "postgresql" and key == "connect_timeout":
            out.append(Issue("ineffective", key, value, param, origin,
                             f"{key}={value} is libpq's spelling; pgjdbc ignores it. Use connectTimeout={value} "
                             "(seconds)."))
            continue
        if drv.case_sensitive:
            for real, _unit in (*drv.connect, *drv.read):
                if key != real and key.lower() == real.lower():
                    out.append(Issue("ineffective", key, value, param, origin,
                                     f"{key}={value}: {drv.name} property names are case-sensitive, so this is "
                                     f"ignored and the timeout stays unset. Write {real}={value}."))
    return out
