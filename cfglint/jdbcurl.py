"""JDBC URLs and driver timeout semantics (facts/jdbc.md; facts/druid.md §3–§4). Pure and stdlib-only: no I/O.

``parse_jdbc_url`` splits a JDBC URL into vendor, sub-protocol and parameters with exact offsets, and never raises.
``effective_timeouts`` decides, per driver, which connect and read timeout a connection really gets from its URL,
its connection properties, Druid's own properties and the driver defaults, and collects unit mistakes (JD003) and
properties the driver ignores (JD004) on the way.

Everything a driver does is data in ``DRIVERS`` (and Druid's behaviour in ``DRUID_CONNECT_MAP``); the code only
walks the tables. URLs whose driver mode we have no facts for get vendor ``"other"`` and are not judged:
``jdbc:oracle:oci:``/``kprb:`` (OCI reads sqlnet.ora, the ``oracle.net.*`` thin properties do not apply),
Db2 type 2 ``jdbc:db2:DB`` (local client), legacy ``jdbc:microsoft:sqlserver:`` and ``jdbc:pgsql:`` (not pgjdbc).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from types import MappingProxyType

# ---- public data types ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Param:
    key: str  # as written
    value: str  # as written (not percent-decoded)
    start: int  # offset of the key in the URL string (0-based)
    end: int  # one past the end of the value
    value_start: int
    value_end: int


@dataclass(frozen=True)
class JdbcUrl:
    raw: str
    vendor: str  # mysql mariadb postgresql oracle sqlserver jtds db2 h2 derby hsqldb sqlite clickhouse dm kingbase
    #              oscar other
    subprotocol: str  # "mysql", "mysql:loadbalance", "oracle:thin", "h2:mem", "jtds:sqlserver", ...
    embedded: bool  # in-process database: no socket, network timeouts do not apply
    params: tuple[Param, ...] = ()
    oracle_form: str | None = None  # sid | service | tns | ezconnect | alias (any jdbc:oracle: URL)
    tns: tuple[Param, ...] = ()  # (KEY=value) leaves of an Oracle TNS descriptor
    # Host names as written (lower-case, IPv6 without brackets); "" for a host left to the driver's default
    # (localhost), None when the hosts cannot be told from the URL (Oracle aliases, placeholders, unknown forms).
    hosts: tuple[str, ...] | None = None

    def find(self, key: str, *, case_sensitive: bool = True) -> Param | None:
        """The parameter named ``key``; the last occurrence wins, as in every driver's property map."""
        low = key.lower()
        hit = None
        for p in self.params:
            if p.key == key or (not case_sensitive and p.key.lower() == low):
                hit = p
        return hit


# ---- parsing --------------------------------------------------------------------------------------------------

# Instrumenting wrappers in front of the real sub-protocol: jdbc:p6spy:mysql://, jdbc:log4jdbc:mysql://, and
# Druid's jdbc:wrap-jdbc:filters=...:name=...:jdbc:mysql://... (the wrapped URL follows its own "jdbc:").
_WRAPPERS = ("p6spy:", "log4jdbc:", "otel:", "tracing:")
_WRAP_JDBC = "wrap-jdbc:"

# First sub-protocol token -> vendor (facts/jdbc.md §0 "URL prefix(es)").
_VENDOR_BY_TOKEN: Mapping[str, str] = MappingProxyType({
    "mysql": "mysql", "mysql+srv": "mysql", "mariadb": "mariadb", "postgresql": "postgresql",
    "oracle": "oracle", "sqlserver": "sqlserver", "jtds": "jtds",
    "db2": "db2", "db2j": "db2", "ids": "db2", "ibmdb": "db2",
    "h2": "h2", "derby": "derby", "hsqldb": "hsqldb", "sqlite": "sqlite",
    "clickhouse": "clickhouse", "ch": "clickhouse", "dm": "dm", "kingbase8": "kingbase", "oscar": "oscar",
})

# Mode words that belong to the sub-protocol ("jdbc:mysql:loadbalance://", "jdbc:h2:mem:db", "jdbc:oracle:thin:@").
_MODES: Mapping[str, frozenset[str]] = MappingProxyType({
    "mysql": frozenset({"loadbalance", "replication", "mxj", "failover", "sequential", "aurora"}),
    "mysql+srv": frozenset({"loadbalance", "replication"}),
    "mariadb": frozenset({"replication", "failover", "sequential", "loadbalance", "load-balance-read", "aurora"}),
    "oracle": frozenset({"thin", "oci", "oci8", "kprb"}),
    "jtds": frozenset({"sqlserver", "sybase"}),
    "db2j": frozenset({"net"}),
    "h2": frozenset({"mem", "file", "tcp", "ssl", "zip", "split", "nio", "niomapped", "async", "memfs", "memlzf",
                     "retry"}),
    "hsqldb": frozenset({"mem", "file", "res", "hsql", "hsqls", "http", "https"}),
    "derby": frozenset({"memory", "classpath", "jar", "directory"}),
    "clickhouse": frozenset({"http", "https", "grpc", "tcp"}),
    "ch": frozenset({"http", "https", "grpc", "tcp"}),
})

_H2_NETWORK = frozenset({"tcp", "ssl"})
_HSQLDB_NETWORK = frozenset({"hsql", "hsqls", "http", "https"})
_PAREN_GROUP = re.compile(r"\(([^()]*)\)")
_URL_ITEM = re.compile(r"[^?&]+")
_FILL = "\x00"  # stands in for masked characters: never a separator, "=", "(" or ")"


def _mask(raw: str, braces: bool = False) -> str:
    """Copy of ``raw`` with ``${...}`` regions (nesting like Spring's resolver) and, for SQL Server, ``{...}``
    value escapes replaced by filler, so separators inside them are never split on. Offsets stay the same."""
    if "${" not in raw and not (braces and "{" in raw):
        return raw
    out = list(raw)
    n = len(raw)
    i = 0
    while i < n:
        if raw.startswith("${", i):
            depth, j = 0, i + 1
            while j < n:
                if raw[j] == "{":
                    depth += 1
                elif raw[j] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            end = min(j, n - 1)
        elif braces and raw[i] == "{":
            j = i + 1
            while j < n:  # mssql: "}}" is an escaped "}" inside {...}
                if raw[j] == "}":
                    if j + 1 < n and raw[j + 1] == "}":
                        j += 2
                        continue
                    break
                j += 1
            end = min(j, n - 1)
        else:
            i += 1
            continue
        for k in range(i, end + 1):
            out[k] = _FILL
        i = end + 1
    return "".join(out)


_WS = " \t\r\n"


def _pairs(raw: str, masked: str, start: int, end: int, seps: str) -> list[Param]:
    """``k=v`` pairs between ``start`` and ``end`` separated by any of ``seps``; segments without "=" are skipped."""
    out: list[Param] = []
    i = start
    while i < end:
        j = i
        while j < end and masked[j] not in seps:
            j += 1
        eq = masked.find("=", i, j)
        if eq >= 0:
            k0, k1 = i, eq
            while k0 < k1 and raw[k0] in _WS:
                k0 += 1
            while raw.startswith("amp;", k0) and k0 + 4 <= k1:  # "&amp;" left escaped (XML written as &amp;amp;)
                k0 += 4
            while k1 > k0 and raw[k1 - 1] in _WS:
                k1 -= 1
            v0, v1 = eq + 1, j
            while v0 < v1 and raw[v0] in _WS:
                v0 += 1
            while v1 > v0 and raw[v1 - 1] in _WS:
                v1 -= 1
            if k1 > k0:
                out.append(Param(raw[k0:k1], raw[v0:v1], k0, v1, v0, v1))
        i = j + 1
    return out


def _find_outside_parens(masked: str, chars: str, start: int, end: int) -> int:
    depth = 0
    for i in range(start, end):
        c = masked[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and c in chars:
            return i
    return -1


_TNS_LEAF = re.compile(r"\(\s*([^()=\s]+)\s*=([^()]*)\)")  # greedy and linear; whitespace trimmed below
_TOKEN = re.compile(r"[^:/@?;]*")


def _tns_params(raw: str, masked: str, start: int) -> tuple[Param, ...]:
    """Every ``(KEY=value)`` leaf of a TNS descriptor (keys are matched case-insensitively by Oracle Net)."""
    out = []
    for m in _TNS_LEAF.finditer(masked, start):
        ks, ke = m.span(1)
        vs, ve = m.span(2)
        while vs < ve and raw[vs] in _WS:
            vs += 1
        while ve > vs and raw[ve - 1] in _WS:
            ve -= 1
        out.append(Param(raw[ks:ke], raw[vs:ve], ks, ve, vs, ve))
    return tuple(out)


def _oracle(raw: str, masked: str, addr: int) -> tuple[str | None, list[Param], tuple[Param, ...]]:
    """(form, EZConnect Plus parameters, TNS parameters) for the part after ``jdbc:oracle:<type>:``."""
    at = masked.find("@", addr)
    if at < 0:
        return None, [], ()
    r = at + 1
    while r < len(raw) and raw[r] in _WS:
        r += 1
    rest = masked[r:].lower()
    if not rest:
        return None, [], ()
    if rest.startswith("("):
        return "tns", [], _tns_params(raw, masked, r)
    if rest.startswith(("ldap://", "ldaps://")):
        return "alias", [], ()  # directory naming: the descriptor lives elsewhere
    q = masked.find("?", r)
    params = _pairs(raw, masked, q + 1, len(raw), "&") if q >= 0 else []
    body = rest if q < 0 else masked[r:q].lower()
    if body.startswith(("tcp://", "tcps://")) or q >= 0:
        return "ezconnect", params, ()  # EZConnect Plus (19c+): protocol prefix or ?k=v options
    hosts = body[2:] if body.startswith("//") else body
    hosts = re.sub(r"\[[^\]]*\]", "h", hosts)  # IPv6 literals contain ":"
    if "/" in hosts:
        return ("ezconnect" if "," in hosts.split("/", 1)[0] else "service"), [], ()
    if hosts.count(":") >= 2:
        return "sid", [], ()
    return "alias", [], ()


def _mysql_host_blocks(raw: str, masked: str, addr: int, query: int) -> list[Param]:
    """Host-scoped properties: ``(host=h,port=p,key=v)`` and ``address=(host=h)(port=p)(key=v)``."""
    if not masked.startswith("//", addr):
        return []
    h0 = addr + 2
    h1 = _find_outside_parens(masked, "/?", h0, query if query >= 0 else len(raw))
    h1 = (query if query >= 0 else len(raw)) if h1 < 0 else h1
    out: list[Param] = []
    for m in _PAREN_GROUP.finditer(masked[h0:h1]):
        out.extend(_pairs(raw, masked, h0 + m.start(1), h0 + m.end(1), ","))
    return out


def parse_jdbc_url(url: str) -> JdbcUrl | None:
    """Parse a JDBC URL; ``None`` when it is not one. Never raises, whatever the input."""
    return _parse_cached(url) if isinstance(url, str) else None


@lru_cache(maxsize=4096)  # JdbcUrl is frozen; every rule and profile asks about the same URLs
def _parse_cached(url: str) -> JdbcUrl | None:
    try:
        return _parse(url)
    except Exception:  # a URL we cannot make sense of is simply not judged
        return None


def _parse(url: str) -> JdbcUrl | None:
    if not isinstance(url, str):
        return None
    raw = url
    pos = len(raw) - len(raw.lstrip())

    def at(prefix: str, i: int) -> bool:  # case-insensitive startswith; never index a lower-cased copy (length
        return raw[i:i + len(prefix)].lower() == prefix  # can change under str.lower())

    if not at("jdbc:", pos):
        return None
    pos += 5
    plain = _mask(raw)
    while True:  # unwrap instrumenting drivers; the wrapped URL decides the vendor
        w = next((w for w in _WRAPPERS if at(w, pos)), None)
        if w is not None:
            pos += len(w)
            if at("jdbc:", pos):
                pos += 5
            continue
        if at(_WRAP_JDBC, pos):
            inner = next((i for i in range(pos + len(_WRAP_JDBC), len(raw)) if at("jdbc:", i)), -1)
            if inner < 0:
                return JdbcUrl(raw, "other", "wrap-jdbc", False)
            pos = inner + 5
            continue
        break
    m = _TOKEN.match(plain, pos)
    token = raw[pos:m.end()].lower() if m else ""
    vendor = _VENDOR_BY_TOKEN.get(token, "other")
    sub = [token] if token else []
    addr = pos + len(token)
    modes = _MODES.get(token, frozenset())
    while addr < len(raw) and plain[addr] == ":":
        mm = _TOKEN.match(plain, addr + 1)
        word = raw[addr + 1:mm.end()].lower() if mm else ""
        if word in modes and mm is not None and mm.end() < len(raw) and plain[mm.end()] == ":":
            sub.append(word)
            addr = mm.end()
            continue
        addr += 1  # the ":" that ends the sub-protocol
        break
    mode = sub[1] if len(sub) > 1 else ""
    subprotocol = ":".join(sub)
    masked = _mask(raw, braces=vendor == "sqlserver")
    params: list[Param] = []
    oracle_form: str | None = None
    tns: tuple[Param, ...] = ()
    embedded = False

    def query(seps: str = "&") -> list[Param]:
        q = masked.find("?", addr)
        return _pairs(raw, masked, q + 1, len(raw), seps) if q >= 0 else []

    def after(first: str, seps: str) -> list[Param]:
        cands = [i for i in (masked.find(c, addr) for c in first) if i >= 0]
        return _pairs(raw, masked, min(cands) + 1, len(raw), seps) if cands else []

    if vendor in ("mysql", "mariadb"):
        q = masked.find("?", addr)
        params = _mysql_host_blocks(raw, masked, addr, q) + query()
    elif vendor in ("postgresql", "clickhouse", "dm", "kingbase", "sqlite"):
        params = query()
        embedded = vendor == "sqlite"
    elif vendor in ("sqlserver", "jtds"):
        params = after(";", ";")
    elif vendor == "oscar":
        params = after("?;", "&")  # the query starts at "?" or ";", pairs split on "&"
    elif vendor == "db2":
        if masked.startswith("//", addr):
            slash = masked.find("/", addr + 2)
            colon = masked.find(":", slash + 1) if slash >= 0 else -1
            if colon >= 0:
                params = _pairs(raw, masked, colon + 1, len(raw), ";")
        else:
            vendor = "other"  # type 2 (local client, catalogued database): JCC type-4 facts do not apply
    elif vendor == "oracle":
        oracle_form, params, tns = _oracle(raw, masked, addr)
        if mode != "thin":
            vendor = "other"  # OCI/KPRB: the thin-driver properties below do not apply
    elif vendor in ("h2", "derby", "hsqldb"):
        params = after(";", ";")
        if vendor == "h2":
            embedded = mode not in _H2_NETWORK
        elif vendor == "derby":
            embedded = not masked.startswith("//", addr)
        else:
            embedded = mode not in _HSQLDB_NETWORK
    else:
        params = query() or after(";", ";")
    params.sort(key=lambda p: p.start)
    hosts = None if embedded else _hosts(raw, addr, vendor, oracle_form, tns)
    return JdbcUrl(raw, vendor, subprotocol, embedded, tuple(params), oracle_form, tns, hosts)


_HOST_KEY = re.compile(r"(?:^|[(,\s])host\s*=\s*([^(),\s]*)", re.I)


def _hosts(raw: str, addr: int, vendor: str, oracle_form: str | None,
           tns: tuple[Param, ...]) -> tuple[str, ...] | None:
    """The hosts a network URL names (see JdbcUrl.hosts); only what is written, never resolved."""
    if vendor == "oracle":
        if oracle_form == "tns":
            found = tuple(p.value.strip().lower() for p in tns if p.key.upper() == "HOST")
            return found if found and not any("${" in h for h in found) else None
        if oracle_form not in ("sid", "service", "ezconnect"):
            return None
        at = raw.find("@", addr)
        start = at + 1
        body = raw[start:].strip()
        for prefix in ("tcps://", "tcp://", "//"):
            if body.lower().startswith(prefix):
                body = body[len(prefix):]
                break
        section = re.split(r"[/?]", body, maxsplit=1)[0]
        if oracle_form == "sid":
            section = section.rsplit(":", 1)[0]  # host:port:SID
    elif vendor == "postgresql" and not raw.startswith("//", addr):
        return ("",)  # jdbc:postgresql:db connects to localhost
    elif raw.startswith("//", addr):
        end = len(raw)
        depth = 0
        for i in range(addr + 2, len(raw)):
            c = raw[i]
            if c in "([":
                depth += 1
            elif c in ")]":
                depth = max(0, depth - 1)
            elif depth == 0 and c in "/?;":
                end = i
                break
        section = raw[addr + 2:end]
    else:
        return None
    if "${" in section:
        return None  # an unresolved placeholder: the host may be anything
    out: list[str] = []
    depth, piece = 0, ""
    pieces: list[str] = []
    for c in section:  # split on commas outside (...) and [...]
        if c in "([":
            depth += 1
        elif c in ")]":
            depth = max(0, depth - 1)
        if c == "," and depth == 0:
            pieces.append(piece)
            piece = ""
        else:
            piece += c
    pieces.append(piece)
    for piece in pieces:
        piece = piece.strip()
        if "(" in piece:  # MySQL (host=h,port=p) and address=(host=h)(port=p)
            m = _HOST_KEY.search(piece.replace("(", "(,"))
            out.append(m.group(1).lower() if m else "")
            continue
        piece = piece.rsplit("@", 1)[-1]  # user:password@host
        if piece.startswith("["):
            out.append(piece[1:].split("]", 1)[0].lower())
            continue
        host = piece.split("\\", 1)[0]  # SQL Server host\instance
        out.append((host.rsplit(":", 1)[0] if host.count(":") == 1 else host).strip().lower())
    return tuple(out)


_LOOPBACK_NAMES = frozenset({"", "localhost", "localhost.localdomain", "::1", "0:0:0:0:0:0:0:1", "0.0.0.0"})


def is_loopback(url: JdbcUrl) -> bool:
    """Every host the URL names is this machine (localhost, 127.0.0.0/8, ::1, or the driver's default host)."""
    if not url.hosts:
        return False
    return all(h in _LOOPBACK_NAMES or h.endswith(".localhost") or re.fullmatch(r"127(\.\d{1,3}){3}", h) is not None
               for h in url.hosts)


# ---- driver knowledge (facts/jdbc.md §0–§12, §14) -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TimeoutKey:
    name: str
    unit: str  # "ms" | "s"
    zero_is_default: bool = False  # mssql loginTimeout: 0 means "use the default", not "no timeout"


@dataclass(frozen=True)
class DriverFacts:
    label: str
    connect: tuple[TimeoutKey, ...]  # keys bounding the connect, preferred first
    read: tuple[TimeoutKey, ...]  # keys bounding socket reads, preferred first
    connect_default_ms: int | None  # None = unbounded (or not documented)
    read_default_ms: int | None
    connect_default: str  # what happens when no connect key is set
    read_default: str
    case_sensitive: bool  # how the driver matches property names
    props_win: bool  # a key in the Properties beats the same key in the URL
    check_units: bool  # units are verified in jdbc.md: JD003 may fire
    check_case: bool  # the case rule is verified: wrong-case keys are JD004
    unit_only: tuple[TimeoutKey, ...] = ()  # timeout keys checked for units that are not connect/read bounds


_MS, _S = "ms", "s"
K = TimeoutKey

DRIVERS: Mapping[str, DriverFacts] = MappingProxyType({
    # §1-§2. Properties win in 8.x/9.x (URL wins in 5.1); 8.x is assumed.
    "mysql": DriverFacts(
        "MySQL Connector/J", (K("connectTimeout", _MS),), (K("socketTimeout", _MS),), None, None,
        "MySQL Connector/J defaults to 0, i.e. no connect timeout",
        "MySQL Connector/J defaults to 0, i.e. no read timeout",
        case_sensitive=True, props_win=True, check_units=True, check_case=True),
    # §3-§4. Case-insensitive from 3.0.10 (sensitive in 2.x): matched leniently, never reported.
    "mariadb": DriverFacts(
        "MariaDB Connector/J", (K("connectTimeout", _MS),), (K("socketTimeout", _MS),), 30_000, None,
        "MariaDB Connector/J defaults to 30000 ms (since 2.2.0; the DriverManager login timeout if set)",
        "MariaDB Connector/J defaults to 0, i.e. no read timeout",
        case_sensitive=False, props_win=False, check_units=True, check_case=False),
    # §5. loginTimeout abandons the login thread: not a socket bound, but its unit is checked.
    "postgresql": DriverFacts(
        "pgjdbc", (K("connectTimeout", _S),), (K("socketTimeout", _S),), 10_000, None,
        "pgjdbc defaults to 10 s (since 9.4.1209)",
        "pgjdbc defaults to 0, i.e. no read timeout",
        case_sensitive=True, props_win=False, check_units=True, check_case=True,
        unit_only=(K("loginTimeout", _S),)),
    # §6. TNS CONNECT_TIMEOUT/TRANSPORT_CONNECT_TIMEOUT are handled beside the table (they replace the property).
    # URL properties exist only in EZConnect Plus (19c+); which side wins there is not documented.
    "oracle": DriverFacts(
        "Oracle JDBC thin", (K("oracle.net.CONNECT_TIMEOUT", _MS),),
        (K("oracle.jdbc.ReadTimeout", _MS), K("oracle.net.READ_TIMEOUT", _MS)), None, None,
        "no connect bound is documented for current Oracle drivers (11.2 used 60 s)",
        "the Oracle driver defaults to no read timeout",
        case_sensitive=True, props_win=True, check_units=True, check_case=True),
    # §7.
    "sqlserver": DriverFacts(
        "mssql-jdbc", (K("loginTimeout", _S, zero_is_default=True),), (K("socketTimeout", _MS),), 30_000, None,
        "mssql-jdbc defaults to 30 s (since 11.2; 15 s before)",
        "mssql-jdbc defaults to 0, i.e. no read timeout",
        case_sensitive=False, props_win=True, check_units=True, check_case=False),
    # §8. socketTimeout is in seconds here.
    "jtds": DriverFacts(
        "jTDS", (K("loginTimeout", _S),), (K("socketTimeout", _S),), None, None,
        "jTDS defaults to 0, i.e. no connect timeout (unless DriverManager has a login timeout)",
        "jTDS defaults to 0, i.e. no read timeout",
        case_sensitive=False, props_win=False, check_units=True, check_case=False),
    # §9. URL-vs-Properties precedence is not in jdbc.md; the URL is assumed to win.
    "db2": DriverFacts(
        "IBM Db2 JCC", (K("loginTimeout", _S),), (K("blockingReadConnectionTimeout", _S),), None, None,
        "Db2 JCC defaults to 0, i.e. no connect timeout",
        "Db2 JCC defaults to 0, i.e. no read timeout",
        case_sensitive=True, props_win=False, check_units=True, check_case=True),
    # §10, v2 (default since 0.8.0). The unset connect timeout falls to the HTTP client (UNVERIFIED).
    "clickhouse": DriverFacts(
        "ClickHouse JDBC v2", (K("connection_timeout", _MS),), (K("socket_timeout", _MS),), None, None,
        "ClickHouse JDBC v2 sets none (the HTTP client's own default applies, believed to be 3 minutes)",
        "ClickHouse JDBC v2 defaults to 0, i.e. no read timeout",
        case_sensitive=True, props_win=False, check_units=True, check_case=True),
    # §10, v1 (0.3.2-0.7.x, or clickhouse.jdbc.v1=true): finite defaults.
    "clickhouse-v1": DriverFacts(
        "ClickHouse JDBC v1", (K("connect_timeout", _MS),), (K("socket_timeout", _MS),), 5_000, 30_000,
        "ClickHouse JDBC v1 defaults to 5000 ms", "ClickHouse JDBC v1 defaults to 30000 ms",
        case_sensitive=True, props_win=False, check_units=True, check_case=False),
    # §11. Case rule UNVERIFIED: matched leniently, never reported.
    "dm": DriverFacts(
        "DM JDBC", (K("connectTimeout", _MS),), (K("socketTimeout", _MS),), None, None,
        "DM JDBC defaults to 0, i.e. no connect timeout", "DM JDBC defaults to 0, i.e. no read timeout",
        case_sensitive=False, props_win=False, check_units=True, check_case=False),
    # §11. Names and units UNVERIFIED (pgjdbc-derived): credited leniently, never reported.
    "kingbase": DriverFacts(
        "KingbaseES JDBC", (K("connectTimeout", _S),), (K("socketTimeout", _S),), None, None,
        "KingbaseES JDBC's default is not documented", "KingbaseES JDBC's default is not documented",
        case_sensitive=False, props_win=False, check_units=False, check_case=False),
    # §11. Keys upper-cased by the driver; no read timeout key is known.
    "oscar": DriverFacts(
        "Oscar JDBC", (K("LOGINTIMEOUT", _MS),), (), None, None,
        "Oscar JDBC uses the DriverManager login timeout, normally 0 (none)",
        "the Oscar driver has no known read timeout property (REQUESTTIMEOUT's unit is not documented)",
        case_sensitive=False, props_win=False, check_units=True, check_case=False),
})

# TNS descriptor timeouts: seconds unless a unit suffix is given (19c+). Also EZConnect Plus lower-case options.
TNS_CONNECT_KEYS = ("CONNECT_TIMEOUT", "TRANSPORT_CONNECT_TIMEOUT")

# facts/druid.md §3b: what Druid passes to the driver for its own connectTimeout (ms) when > 0, and from which
# version the driver can read it (1.2.12 put Integer objects into the Properties, which drivers do not see;
# PostgreSQL is converted to seconds from 1.2.17, SQL Server is mapped from 1.2.17).
DRUID_CONNECT_MAP: Mapping[str, tuple[tuple[int, ...], tuple[tuple[str, str], ...]]] = MappingProxyType({
    "mysql": ((1, 2, 13), (("connectTimeout", _MS),)),
    "oracle": ((1, 2, 13), (("oracle.net.CONNECT_TIMEOUT", _MS),)),
    "postgresql": ((1, 2, 17), (("connectTimeout", _S), ("loginTimeout", _S))),
    "sqlserver": ((1, 2, 17), (("loginTimeout", _S),)),
})
# MySQL-family URL prefixes whose connectTimeout=/socketTimeout= (and connectProperties) Druid 1.2.15-1.2.21 reads.
_DRUID_MYSQL_URLS: tuple[tuple[tuple[int, ...], tuple[str, ...]], ...] = (
    ((1, 2, 15), ("jdbc:mysql://",)),
    ((1, 2, 20), ("jdbc:mysql:loadbalance://",)),
    ((1, 2, 21), ("jdbc:mysql:replication://", "jdbc:mariadb://", "jdbc:mariadb:loadbalance://",
                  "jdbc:mariadb:replication://")),
)
_DRUID_DEFAULT_MS = 10_000


# ---- effective timeouts -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bound:
    ms: int | None  # effective bound in ms; None = unbounded (waits for the OS)
    source: str  # url | property | tns | druid | driver-default | none
    key: str | None  # the key as written that decided it (None for defaults)
    origin: object | None  # the origin passed in for that value, or None
    param: Param | None  # the URL parameter that decided it, if any
    explanation: str


@dataclass(frozen=True)
class Issue:
    kind: str  # "unit" (JD003) | "ineffective" (JD004)
    key: str
    value: str
    param: Param | None
    origin: object | None
    message: str  # why: what the driver does with it
    headline: str = ""  # one short sentence: the key, the value, what is wrong
    help: str = ""  # what to write instead
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Timeouts:
    connect: Bound
    read: Bound
    issues: tuple[Issue, ...] = ()


@dataclass(frozen=True, slots=True)
class _Entry:
    """One written (or Druid-injected) key=value and where it came from."""

    key: str
    value: str
    where: str  # url | property | druid
    param: Param | None = None
    origin: object | None = None
    note: str = ""  # for Druid-injected values: how Druid produced it


_EMPTY: Mapping[str, tuple[str, object]] = MappingProxyType({})
_NUM = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_INT = re.compile(r"^[+-]?\d+$")
_PLACEHOLDER_DEFAULT = re.compile(r"^\$\{[^:{}]+:([^{}]*)\}$")


def _num(text: str) -> float | None:
    """A number as written; ``${name:default}`` counts as its default. Anything else is not a number."""
    t = text.strip()
    m = _PLACEHOLDER_DEFAULT.match(t)
    if m:
        t = m.group(1).strip()
    return float(t) if _NUM.match(t) else None


def _java_int(text: str) -> int | None:
    """Integer.parseInt as Druid uses it: no whitespace, no decimals."""
    return int(text) if _INT.match(text) and abs(int(text)) < 2**31 else None


def _tns_ms(text: str) -> float | None:
    """TNS timeouts: seconds unless suffixed ms/sec/min (19c+)."""
    m = re.match(r"^\s*(\d+(?:\.\d+)?)\s*(ms|sec|min)?\s*$", text, re.I)
    if not m:
        return None
    v = float(m.group(1))
    unit = (m.group(2) or "sec").lower()
    return v if unit == "ms" else v * 60_000 if unit == "min" else v * 1000


def _human_s(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} hours"
    if seconds >= 120:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds:g} s"


def _fmt_ms(ms: int) -> str:
    return f"{ms} ms" if ms < 1000 or ms % 1000 else f"{ms // 1000} s"


def _v(version: tuple[int, ...] | None) -> str:
    return ".".join(map(str, version)) if version else "of unknown version"


def _where(e: _Entry) -> str:
    if e.note and e.where != "druid":
        return e.note
    return {"url": "in the URL", "property": "in the connection properties"}.get(e.where, "(Druid's own property)")


def _norm_version(v: tuple[int, ...] | None) -> tuple[int, ...] | None:
    return None if v is None else tuple(v[:3]) + (0,) * (3 - len(v[:3]))


@dataclass(frozen=True, slots=True)
class _DruidValue:
    ms: int  # 0 = off
    entry: _Entry | None  # the written value that set it; None for a Druid default
    text: str  # how Druid got there


def _druid_url_items(raw: str, name: str) -> list[tuple[str, int]]:
    """Druid's own URL scan: ``url.split("(\\?|&)")`` then ``item.startsWith(name + "=")``; (value, offset)."""
    out = []
    for m in _URL_ITEM.finditer(raw):
        if m.group().startswith(name + "="):
            out.append((m.group()[len(name) + 1:], m.start() + len(name) + 1))
    return out


def _druid_reads_url_props(url: JdbcUrl, v: tuple[int, ...] | None) -> bool:
    """Does this Druid version copy connectTimeout=/socketTimeout= from the URL and connectProperties into its own
    fields? >= 1.2.22: for every URL; 1.2.15-1.2.21: MySQL-family URLs only. Unknown version: not credited."""
    if v is None or v < (1, 2, 15):
        return False
    if v >= (1, 2, 22):
        return True
    prefixes = [p for since, ps in _DRUID_MYSQL_URLS if v >= since for p in ps]
    return url.raw.strip().startswith(tuple(prefixes))


def _druid_fields(url: JdbcUrl, props: Mapping[str, tuple[str, object]], own_connect: tuple[str, object] | None,
                  own_socket: tuple[str, object] | None, v: tuple[int, ...] | None
                  ) -> tuple[_DruidValue | None, _DruidValue | None]:
    """Druid's effective connectTimeout/socketTimeout fields after init (ms; 0 = off), per version (druid.md §3a,
    checked against DruidDataSource.init in tags 1.2.12-1.2.22)."""
    if v is not None and v < (1, 2, 12):
        return None, None  # no such properties before 1.2.12
    fields: dict[str, _DruidValue | None] = {}
    for name, own in (("connectTimeout", own_connect), ("socketTimeout", own_socket)):
        n = _java_int(own[0].strip()) if own is not None else None
        fields[name] = (_DruidValue(n, _Entry(name, own[0], "druid", None, own[1]), f"Druid {name}={own[0]} ms")
                        if own is not None and n is not None else None)
    ver = _v(v)

    def default(name: str, why: str = "") -> None:
        cur = fields[name]
        if cur is None or cur.ms == 0:
            fields[name] = _DruidValue(_DRUID_DEFAULT_MS, None, f"Druid {ver} sets {name}=10000 ms when it is "
                                       f"{'0' if cur is not None else 'not configured'}{why}")

    def read_url_props() -> None:
        for name in ("connectTimeout", "socketTimeout"):
            by_start = {p.value_start: p for p in url.params}
            for value, off in _druid_url_items(url.raw, name):
                n = _java_int(value)
                if n is not None:
                    p = by_start.get(off) or \
                        Param(name, value, off - len(name) - 1, off + len(value), off, off + len(value))
                    fields[name] = _DruidValue(n, _Entry(name, value, "url", p), f"{name}={value} in the URL, "
                                               f"which Druid {ver} reads as milliseconds")
            if name in props:
                value, origin = props[name]
                n = _java_int(value)
                if n is not None:
                    fields[name] = _DruidValue(n, _Entry(name, value, "property", None, origin),
                                               f"{name}={value} in the connection properties, which Druid {ver} "
                                               "reads as milliseconds")

    reads = _druid_reads_url_props(url, v)
    if v is not None and v < (1, 2, 15):  # 1.2.12-1.2.14: field initialisers of 10000 (an explicit 0 stays 0)
        for name in ("connectTimeout", "socketTimeout"):
            if fields[name] is None:
                default(name)
    elif v is not None and v < (1, 2, 20):  # 1.2.15-1.2.19: URL first, then defaults
        if reads:
            read_url_props()
        if v < (1, 2, 17):  # the typo "if (connectTimeout == 0) socketTimeout = 10000"
            c = fields["connectTimeout"]
            if c is None or c.ms == 0:
                fields["socketTimeout"] = _DruidValue(
                    _DRUID_DEFAULT_MS, None, f"Druid {ver} forces socketTimeout=10000 ms whenever connectTimeout is "
                    "unset or 0 (a bug in 1.2.15-1.2.16)")
        else:
            default("connectTimeout")
        default("socketTimeout")
    elif v is not None and v < (1, 2, 22):  # 1.2.20-1.2.21: defaults first, then the MySQL URL may override
        default("connectTimeout")
        default("socketTimeout")
        if reads:
            read_url_props()
    elif reads:  # >= 1.2.22: unset means 0 (off); URL, then connectProperties, override the bean values
        read_url_props()
    return fields["connectTimeout"], fields["socketTimeout"]


def _matches(written: str, key: str, case_sensitive: bool) -> bool:
    return written == key or (not case_sensitive and written.lower() == key.lower())


def _lookup(url_entries: list[_Entry], prop_entries: list[_Entry], key: str, facts: DriverFacts
            ) -> tuple[_Entry | None, _Entry | None]:
    """(winner, loser) for one driver key, with the driver's case rule and URL-vs-Properties precedence."""
    u = next((e for e in reversed(url_entries) if _matches(e.key, key, facts.case_sensitive)), None)
    p = next((e for e in reversed(prop_entries) if _matches(e.key, key, facts.case_sensitive)), None)
    if u is not None and p is not None:
        return (p, u) if facts.props_win else (u, p)
    return (u or p), None


def _bound_from(e: _Entry, key: TimeoutKey, facts: DriverFacts, loser: _Entry | None, default_ms: int | None,
                what: str) -> Bound | None:
    n = _num(e.value)
    if n is None:
        return None
    src = {"url": "url", "property": "property"}.get(e.where, "druid")
    written_key = e.key
    where = _where(e)
    prec = ""
    if loser is not None:
        prec = (f" ({facts.label} prefers the connection properties over the URL)" if facts.props_win
                else f" ({facts.label} prefers the URL over the connection properties)")
    if e.where == "druid":
        text = f"{e.note}, passed to {facts.label} as {key.name}={e.value} {key.unit}"
    else:
        text = f"{e.key}={e.value} {key.unit} {where}"
    if n <= 0:
        if key.zero_is_default:
            return Bound(default_ms, src, written_key, e.origin, e.param,
                         f"{text}{prec}; 0 means {facts.label}'s default ({_fmt_ms(default_ms or 0)}), "
                         "not unbounded")
        why = f"and 0 means no {what} timeout" if n == 0 else f"which is not a valid {what} timeout (taken as none)"
        return Bound(None, src, written_key, e.origin, e.param, f"{text}{prec}, {why}")
    ms = int(n * 1000) if key.unit == _S else int(n)
    return Bound(ms, src, written_key, e.origin, e.param, text + prec)


def _driver_bound(facts: DriverFacts, keys: tuple[TimeoutKey, ...], url_entries: list[_Entry],
                  prop_entries: list[_Entry], default_ms: int | None, default_text: str, what: str) -> Bound:
    for key in keys:
        win, lose = _lookup(url_entries, prop_entries, key.name, facts)
        if win is not None:
            b = _bound_from(win, key, facts, lose, default_ms, what)
            if b is not None:
                return b
    names = " / ".join(k.name for k in keys) or "a read timeout"
    if default_ms is not None:
        return Bound(default_ms, "driver-default", None, None, None,
                     f"{names} is not set in the URL or connection properties, so {default_text}")
    return Bound(None, "none", None, None, None,
                 f"{names} is not set in the URL or connection properties and {default_text}")


def _tns_bound(url: JdbcUrl) -> Bound | None:
    """Oracle: a descriptor CONNECT_TIMEOUT replaces oracle.net.CONNECT_TIMEOUT (11.2 ConnStrategy); EZConnect Plus
    accepts the same Net names as options."""
    cands: list[tuple[Param, str]] = [(p, "in the TNS descriptor") for p in url.tns]
    if url.oracle_form == "ezconnect":
        cands += [(p, "in the EZConnect Plus options (19c+ drivers)") for p in url.params]
    for name in TNS_CONNECT_KEYS:
        hit = None
        for p, where in cands:
            if p.key.upper() == name:
                hit = (p, where)
        if hit is not None:
            p, where = hit
            ms = _tns_ms(p.value)
            if ms is not None and ms > 0:
                unit = "" if re.search(r"[a-z]\s*$", p.value, re.I) else " s"
                return Bound(int(ms), "tns", p.key, None, p, f"{p.key}={p.value}{unit} {where}")
    return None


def _cut(text: str, n: int = 16) -> str:
    """A value or label short enough for a headline."""
    return text if len(text) <= n else text[: n - 1] + "…"


def _unit_issue(e: _Entry, unit: str, label: str, what: str) -> Issue | None:
    """The jdbc.md §14 heuristic: a seconds key >= 1000 was meant as ms; an ms key below 100 was meant as s."""
    n = _num(e.value)
    if n is None or n <= 0:
        return None
    where = _where(e)
    if unit == _S and n >= 1000:
        return Issue("unit", e.key, e.value, e.param, e.origin,
                     f"{e.key}={e.value} {where} is in seconds for {label}, so this {what} timeout is "
                     f"{_human_s(n)}, effectively none; the value looks like milliseconds.",
                     f"{e.key}={_cut(e.value)} is in seconds, not ms: a {what} timeout of {_human_s(n)}",
                     f"write {e.key}={max(1, round(n / 1000))} (seconds)")
    if unit == _MS and n < 100:
        return Issue("unit", e.key, e.value, e.param, e.origin,
                     f"{e.key}={e.value} {where} is in milliseconds for {label}, so this {what} timeout is "
                     f"{n:g} ms and {'every query' if what == 'read' else 'every connection attempt'} slower "
                     "than that fails; the value looks like seconds.",
                     f"{e.key}={_cut(e.value)} is in milliseconds, not seconds: a {what} timeout of {n:g} ms",
                     f"write {e.key}={int(n * 1000)} (ms)")
    return None


_ORACLE_ONLY = re.compile(r"^oracle\.(net|jdbc)\.", re.I)
_ORACLE_FOR = {"connecttimeout": "oracle.net.CONNECT_TIMEOUT", "sockettimeout": "oracle.jdbc.ReadTimeout"}


def effective_timeouts(url: JdbcUrl, props: Mapping[str, tuple[str, object]] = _EMPTY, *,
                       druid_connect: tuple[str, object] | None = None,
                       druid_socket: tuple[str, object] | None = None,
                       druid_version: tuple[int, ...] | None = None,
                       is_druid: bool = False) -> Timeouts:
    """The connect and read bound a connection really gets, and the unit mistakes / ignored keys on the way.

    ``props`` are the connection properties as written: key -> (raw value, origin); origins come back untouched.
    ``druid_connect``/``druid_socket`` are Druid's own connectTimeout/socketTimeout (ms) if set. An unknown Druid
    version is treated as a modern one whose defaults are 0, without crediting Druid's reading of
    connectTimeout/socketTimeout from the URL or connection properties (that needs Druid >= 1.2.22)."""
    props = props or _EMPTY
    if url.embedded:
        none = Bound(None, "none", None, None, None, f"{url.subprotocol} is an embedded database: no network")
        return Timeouts(none, none, ())
    v = _norm_version(druid_version) if is_druid else None
    facts = DRIVERS.get(url.vendor)
    if facts is not None and url.vendor == "clickhouse":
        flag = url.find("clickhouse.jdbc.v1")
        if flag is not None and flag.value.strip().lower() == "true":
            facts = DRIVERS["clickhouse-v1"]
    if facts is not None and url.vendor == "mariadb" and "aurora" in url.subprotocol.split(":"):
        facts = replace(facts, read_default_ms=10_000,
                        read_default="MariaDB Connector/J 2.x defaults to 10000 ms in aurora mode")

    dc, ds = _druid_fields(url, props, druid_connect, druid_socket, v) if is_druid else (None, None)
    url_note = "in the URL (an EZConnect Plus option: 19c+ drivers only)" if url.vendor == "oracle" else ""
    url_entries = [_Entry(p.key, p.value, "url", p, note=url_note) for p in url.params]
    prop_entries = [_Entry(k, val, "property", None, origin) for k, (val, origin) in props.items()]

    # Druid copies connectProperties, then puts its own keys on top (druid.md §3b).
    druid_entries: list[_Entry] = []
    connect_note = ""
    if dc is not None and dc.ms > 0 and url.vendor in DRUID_CONNECT_MAP and facts is not None:
        since, keys = DRUID_CONNECT_MAP[url.vendor]
        if v is None or v >= since:
            for name, unit in keys:
                val = str(dc.ms // 1000 if unit == _S else dc.ms)
                druid_entries.append(_Entry(name, val, "druid", note=dc.text))
        else:
            connect_note = f"; {dc.text}, but Druid {_v(v)} does not pass it to {facts.label} in a usable form"
    driver_props = [e for e in prop_entries if not any(e.key == d.key for d in druid_entries)] + druid_entries

    if facts is None:
        what = "an unknown driver" if url.vendor == "other" else f"{url.subprotocol} URLs"
        connect = Bound(None, "none", None, None, None, f"no connect timeout keys are known for {what}")
        read = Bound(None, "none", None, None, None, f"no read timeout keys are known for {what}")
    else:
        connect = (_tns_bound(url) if url.vendor == "oracle" else None) or _driver_bound(
            facts, facts.connect, url_entries, driver_props, facts.connect_default_ms, facts.connect_default,
            "connect")
        read = _driver_bound(facts, facts.read, url_entries, driver_props, facts.read_default_ms,
                             facts.read_default, "read")
    if connect.source == "druid" and dc is not None:
        # Point at what the user wrote: Druid's own property, or the URL/property Druid took the value from.
        e = dc.entry
        connect = Bound(connect.ms, e.where if e is not None and e.where != "druid" else "druid",
                        e.key if e is not None else None, e.origin if e is not None else None,
                        e.param if e is not None else None, connect.explanation)
    elif connect_note:
        connect = Bound(connect.ms, connect.source, connect.key, connect.origin, connect.param,
                        connect.explanation + connect_note)
    if ds is not None and ds.ms > 0:
        # setNetworkTimeout(socketTimeout) on every new connection overrides any driver read timeout (all DBs).
        e = ds.entry
        read = Bound(ds.ms, "druid" if e is None or e.where == "druid" else e.where, e.key if e else None,
                     e.origin if e else None, e.param if e else None,
                     f"{ds.text}, applied with setNetworkTimeout to every new connection")

    issues = _issues(url, facts, url_entries, prop_entries, druid_connect, druid_socket, v, is_druid)
    return Timeouts(connect, read, tuple(issues))




def _issues(url: JdbcUrl, facts: DriverFacts | None, url_entries: list[_Entry], prop_entries: list[_Entry],
            druid_connect: tuple[str, object] | None, druid_socket: tuple[str, object] | None,
            v: tuple[int, ...] | None, is_druid: bool) -> list[Issue]:
    """JD003/JD004 material, judged on what was written and on who reads it (the driver, or Druid)."""
    out: list[Issue] = []
    seen: set[tuple[str, str, int]] = set()

    def add(issue: Issue | None) -> None:
        if issue is None:
            return
        ident = (issue.kind, issue.key, issue.param.start if issue.param else id(issue.origin))
        if ident not in seen:
            seen.add(ident)
            out.append(issue)

    written = url_entries + prop_entries
    druid_reads = is_druid and (v is None or v >= (1, 2, 22) or _druid_reads_url_props(url, v))
    modern = is_druid and (v is None or v >= (1, 2, 22))
    known_modern = modern and v is not None

    oracle_fix: dict[str, dict[str, str]] = {}
    druid_offsets = {name: {off for _, off in _druid_url_items(url.raw, name)}
                     for name in ("connectTimeout", "socketTimeout")}

    def druid_visible(e: _Entry) -> bool:
        """Would Druid's own scan (``?``/``&`` items, exact case; exact connectProperties key) pick this up?"""
        if e.key not in ("connectTimeout", "socketTimeout"):
            return False
        if e.where == "property":
            return True
        return e.param is not None and e.param.value_start in druid_offsets[e.key]

    # Druid's own values are milliseconds.
    for name, own in (("connectTimeout", druid_connect), ("socketTimeout", druid_socket)):
        if own is not None and is_druid and (v is None or v >= (1, 2, 12)):
            add(_unit_issue(_Entry(name, own[0], "druid", None, own[1]), _MS, "Druid",
                            "connect" if name == "connectTimeout" else "read"))
    if (facts is not None and druid_connect is not None and is_druid and url.vendor not in DRUID_CONNECT_MAP
            and (v is None or v >= (1, 2, 12)) and (_num(druid_connect[0]) or 0) > 0):
        alt = facts.connect[0] if facts.connect else None
        add(Issue("ineffective", "connectTimeout", druid_connect[0], None, druid_connect[1],
                  f"Druid's connectTimeout={druid_connect[0]} ms does not bound connecting to {url.subprotocol}: "
                  "Druid passes its connectTimeout only to the MySQL, Oracle, PostgreSQL and SQL Server drivers.",
                  f"Druid's connectTimeout does not reach the {_cut(url.subprotocol, 24)} driver",
                  f"set the driver's own {alt.name} ({alt.unit}) in the URL instead" if alt else
                  "set the driver's own connect timeout in the URL instead"))
    if facts is None:
        return out
    for e in written:
        low = e.key.lower()
        # ---- Druid reads this key itself, as milliseconds ----
        if druid_reads and druid_visible(e):
            if url.vendor == "postgresql" and (e.key == "socketTimeout" or e.where == "property"):
                # Druid's value decides (setNetworkTimeout / the connectTimeout it passes): milliseconds.
                n = _num(e.value)
                if n is not None and 0 < n < 1000:
                    add(_pg_druid_trap(e, n, v))
                continue
            if url.vendor in ("oracle", "sqlserver") and known_modern:
                add(_unit_issue(e, _MS, f"Druid {_v(v)}", "connect" if low == "connecttimeout" else "read"))
                continue
        # ---- keys the driver ignores ----
        if url.vendor == "oracle" and low in _ORACLE_FOR:
            if not oracle_fix:  # the replacement covers both keys written in the same place (last value wins)
                for w in written:
                    if w.key.lower() in _ORACLE_FOR:
                        oracle_fix.setdefault(w.where, {})[_ORACLE_FOR[w.key.lower()]] = w.value
            fix = ";".join(f"{k}={oracle_fix[e.where][k]}" for k in _ORACLE_FOR.values() if k in oracle_fix[e.where])
            add(_oracle_ignored(e, fix, v, is_druid))
            continue
        if url.vendor == "sqlserver" and low == "connecttimeout":
            druid_hint = ""
            if is_druid and e.where == "property" and e.key == "connectTimeout":
                druid_hint = (" It is ineffective unless Druid ≥ 1.2.22 reads it (as milliseconds) and passes "
                              f"loginTimeout to the driver; this module's Druid is {_v(v)}.")
            add(Issue("ineffective", e.key, e.value, e.param, e.origin,
                      f"{e.key}={e.value} {_where(e)} is not an mssql-jdbc property in any released version, so "
                      f"the driver ignores it and the connect stays at loginTimeout's default (30 s).{druid_hint}",
                      f"SQL Server ignores {e.key}: it is not an mssql-jdbc property",
                      "use loginTimeout (seconds), e.g. loginTimeout=5"))
            continue
        if url.vendor == "postgresql" and low == "connect_timeout":
            add(Issue("ineffective", e.key, e.value, e.param, e.origin,
                      f"{e.key}={e.value} {_where(e)} is libpq's spelling; pgjdbc ignores it and keeps its own "
                      "connectTimeout.",
                      f"PostgreSQL JDBC ignores {e.key} (libpq's spelling)",
                      f"write connectTimeout={e.value} (seconds)"))
            continue
        if url.vendor == "clickhouse" and facts.label.endswith("v2") and low == "connect_timeout":
            add(Issue("ineffective", e.key, e.value, e.param, e.origin,
                      f"{e.key}={e.value} {_where(e)} is the ClickHouse JDBC v1 name; the v2 driver (the default "
                      "since 0.8.0) ignores it and leaves the connect timeout to the HTTP client.",
                      f"ClickHouse JDBC v2 ignores {e.key} (the v1 name)",
                      f"write connection_timeout={e.value} (ms)"))
            continue
        if url.vendor != "oracle" and _ORACLE_ONLY.match(e.key):
            add(_oracle_only(e, facts))
            continue
        # ---- wrong case on case-sensitive drivers ----
        timeout_keys = (*facts.connect, *facts.read, *facts.unit_only)
        if facts.check_case:
            real = next((k for k in timeout_keys if k.name.lower() == low and k.name != e.key), None)
            if real is not None:
                add(Issue("ineffective", e.key, e.value, e.param, e.origin,
                          f"{e.key}={e.value} {_where(e)} is ignored: {facts.label} matches property names "
                          "case-sensitively, so this key is unknown to it and the timeout stays unset.",
                          f"{_cut(facts.label, 30)} ignores {e.key}: the property is {real.name} (case matters)",
                          f"write {real.name}={e.value} ({real.unit})"))
                continue
        # ---- units ----
        if facts.check_units:
            for k in timeout_keys:
                if _matches(e.key, k.name, facts.case_sensitive):
                    what = "read" if k in facts.read else "connect" if k in facts.connect else "login"
                    add(_unit_issue(e, k.unit, facts.label, what))
    # TNS / EZConnect Plus connect timeouts: seconds without a unit suffix.
    if url.vendor == "oracle":
        cands = list(url.tns) + (list(url.params) if url.oracle_form == "ezconnect" else [])
        for p in cands:
            if p.key.upper() in TNS_CONNECT_KEYS:
                n = _num(p.value)
                if n is not None and n >= 1000:
                    add(Issue("unit", p.key, p.value, p, None,
                              f"{p.key}={p.value} is in seconds in Oracle Net, so this connect timeout is "
                              f"{_human_s(n)}; the value looks like milliseconds.",
                              f"{p.key}={_cut(p.value)} is in seconds, not ms: a connect timeout of {_human_s(n)}",
                              f"write {p.key}={max(1, round(n / 1000))} (seconds) or, with a 19c+ driver, "
                              f"{p.key}={p.value}ms"))
    return out


def _pg_druid_trap(e: _Entry, n: float, v: tuple[int, ...] | None) -> Issue:
    ver = f"Druid {_v(v)}" if v is not None else "Druid ≥ 1.2.22 (this module's Druid version is unknown)"
    if e.key == "socketTimeout":
        effect = (f"reads it as {n:g} ms and applies setNetworkTimeout({n:g}) to every connection, so every query "
                  f"longer than {n:g} ms fails")
        fix = (f"set Druid's own socketTimeout={int(n * 1000)} (ms) and drop this one, or write it in milliseconds "
               f"here, socketTimeout={int(n * 1000)} (Druid passes it to pgjdbc converted to seconds)")
    else:
        effect = (f"reads it as {n:g} ms and passes connectTimeout=0 and loginTimeout=0 (whole seconds, truncated) to "
                  "pgjdbc, which means no connect timeout")
        fix = f"set Druid's own connectTimeout={int(n * 1000)} (ms), or put connectTimeout={e.value} in the URL"
    return Issue("unit", e.key, e.value, e.param, e.origin,
                 f"{e.key}={e.value} {_where(e)} is meant in pgjdbc's unit (seconds), but {ver} {effect}.",
                 f"Druid reads {e.key}={_cut(e.value)} as milliseconds, not pgjdbc's seconds", fix)


def _oracle_ignored(e: _Entry, fix: str, v: tuple[int, ...] | None, is_druid: bool) -> Issue:
    kind = "connect" if e.key.lower() == "connecttimeout" else "read"
    if not is_druid:
        druid = ""
    elif v is None:
        druid = " It is ineffective unless Druid ≥ 1.2.22 (this module's Druid version is unknown) picks it up."
    elif v >= (1, 2, 22):
        druid = (f" Druid {_v(v)} reads only the exact spelling connectTimeout/socketTimeout from connectProperties "
                 "or the URL's ?/& options, so this one is not translated either.")
    elif v >= (1, 2, 12):
        druid = (f" Druid {_v(v)} does not translate it (only Druid ≥ 1.2.22 does); only Druid's own "
                 "connectTimeout/socketTimeout (10 s unless set) reach the driver.")
    else:
        druid = f" Druid {_v(v)} does not translate it (only Druid ≥ 1.2.22 does)."
    alt = ", or Druid's own connectTimeout/socketTimeout properties (ms, Druid ≥ 1.2.12)" if is_druid else ""
    return Issue("ineffective", e.key, e.value, e.param, e.origin,
                 f"{e.key}={e.value} {_where(e)} is silently ignored by the Oracle JDBC driver: Oracle has no "
                 f"property of that name, so this sets no {kind} timeout.{druid}",
                 f"Oracle JDBC ignores {e.key}: no {kind} timeout is set",
                 f"use {fix} (ms) in the connection properties{alt}")


def _oracle_only(e: _Entry, facts: DriverFacts) -> Issue:
    up = e.key.upper()
    keys = facts.connect if "CONNECT" in up else facts.read if "READ" in up else (*facts.connect, *facts.read)
    alt = " / ".join(f"{k.name} ({k.unit})" for k in keys)
    return Issue("ineffective", e.key, e.value, e.param, e.origin,
                 f"{e.key}={e.value} {_where(e)} is an Oracle driver property; {facts.label} ignores it, so it "
                 "sets no timeout here.",
                 f"{_cut(facts.label, 30)} ignores {_cut(e.key, 40)}, an Oracle driver property",
                 f"use {alt} instead" if alt else f"remove {e.key}: this driver has no timeout property to set here")
