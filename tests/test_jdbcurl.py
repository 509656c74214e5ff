"""cfglint.jdbcurl: URL parsing per vendor (offsets, embedded detection, TNS, placeholders), never-raise, and the
effective connect/read timeouts with their unit mistakes and ignored keys (facts/jdbc.md, facts/druid.md §3-§4)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cfglint.jdbcurl import DRIVERS, Bound, JdbcUrl, Timeouts, effective_timeouts, parse_jdbc_url

ORACLE = "jdbc:oracle:thin:@//db.internal:1521/ORDERS"
OUTAGE = {"connectTimeout": ("3000", "origin-connect"), "socketTimeout": ("4000", "origin-socket")}


def parse(url: str) -> JdbcUrl:
    u = parse_jdbc_url(url)
    assert u is not None, url
    return u


def timeouts(url: str, props: dict[str, str] | None = None, **kw: object) -> Timeouts:
    return effective_timeouts(parse(url), {k: (v, f"origin:{k}") for k, v in (props or {}).items()}, **kw)


def kinds(t: Timeouts) -> list[tuple[str, str]]:
    return [(i.kind, i.key) for i in t.issues]


def assert_offsets(u: JdbcUrl) -> None:
    for p in (*u.params, *u.tns):
        assert u.raw[p.value_start:p.value_end] == p.value
        assert u.raw[p.start:p.start + len(p.key)] == p.key
        assert p.start < p.value_start <= p.value_end == p.end


# ---- parsing: one row per vendor / form ------------------------------------------------------------------------

PARSE_CASES = [
    # url, vendor, subprotocol, embedded, [(key, value), ...]
    ("jdbc:mysql://db:3306/app?connectTimeout=3000&socketTimeout=60000", "mysql", "mysql", False,
     [("connectTimeout", "3000"), ("socketTimeout", "60000")]),
    ("JDBC:MySQL://db/app?socketTimeout=1", "mysql", "mysql", False, [("socketTimeout", "1")]),
    ("jdbc:mysql:loadbalance://h1,h2/db?socketTimeout=1", "mysql", "mysql:loadbalance", False,
     [("socketTimeout", "1")]),
    ("jdbc:mysql:replication://h1,h2/db?connectTimeout=2", "mysql", "mysql:replication", False,
     [("connectTimeout", "2")]),
    ("jdbc:mysql+srv://_mysql._tcp.example.com/db?socketTimeout=5", "mysql", "mysql+srv", False,
     [("socketTimeout", "5")]),
    ("jdbc:mysql+srv:loadbalance://srv.example.com/db", "mysql", "mysql+srv:loadbalance", False, []),
    ("jdbc:mysql://(host=h1,port=3306,connectTimeout=1000),(host=h2)/db?socketTimeout=60000", "mysql", "mysql",
     False, [("host", "h1"), ("port", "3306"), ("connectTimeout", "1000"), ("host", "h2"),
             ("socketTimeout", "60000")]),
    ("jdbc:mysql://address=(host=h)(port=3306)(socketTimeout=5000)/db", "mysql", "mysql", False,
     [("host", "h"), ("port", "3306"), ("socketTimeout", "5000")]),
    ("jdbc:p6spy:mysql://h/db?socketTimeout=1", "mysql", "mysql", False, [("socketTimeout", "1")]),
    ("jdbc:log4jdbc:mysql://h/db?connectTimeout=1", "mysql", "mysql", False, [("connectTimeout", "1")]),
    ("jdbc:wrap-jdbc:filters=default:name=ds:jdbc:mysql://h/db?connectTimeout=1", "mysql", "mysql", False,
     [("connectTimeout", "1")]),
    ("jdbc:mariadb://h/db?connectTimeout=1", "mariadb", "mariadb", False, [("connectTimeout", "1")]),
    ("jdbc:mariadb:aurora://h/db", "mariadb", "mariadb:aurora", False, []),
    ("jdbc:postgresql://h:5432/db?socketTimeout=60&connectTimeout=3", "postgresql", "postgresql", False,
     [("socketTimeout", "60"), ("connectTimeout", "3")]),
    ("jdbc:postgresql:dbname", "postgresql", "postgresql", False, []),
    ("jdbc:postgresql://[::1]:5432/db?ApplicationName=a:b", "postgresql", "postgresql", False,
     [("ApplicationName", "a:b")]),
    ("jdbc:oracle:thin:@//h:1521/svc", "oracle", "oracle:thin", False, []),
    ("jdbc:oracle:oci:@h:1521:ORCL", "other", "oracle:oci", False, []),
    ("jdbc:sqlserver://h:1433;databaseName=x;loginTimeout=5", "sqlserver", "sqlserver", False,
     [("databaseName", "x"), ("loginTimeout", "5")]),
    ("jdbc:sqlserver://h\\inst;password={a;b=c}}d};socketTimeout=60000", "sqlserver", "sqlserver", False,
     [("password", "{a;b=c}}d}"), ("socketTimeout", "60000")]),
    ("jdbc:jtds:sqlserver://h/db;socketTimeout=60", "jtds", "jtds:sqlserver", False, [("socketTimeout", "60")]),
    ("jdbc:jtds:sybase://h:7100/db;loginTimeout=5;", "jtds", "jtds:sybase", False, [("loginTimeout", "5")]),
    ("jdbc:db2://h:50000/DB:loginTimeout=5;blockingReadConnectionTimeout=60;", "db2", "db2", False,
     [("loginTimeout", "5"), ("blockingReadConnectionTimeout", "60")]),
    ("jdbc:db2://[2001:db8::1]:50000/DB:loginTimeout=5;", "db2", "db2", False, [("loginTimeout", "5")]),
    ("jdbc:db2:SAMPLE", "other", "db2", False, []),
    ("jdbc:h2:mem:test;DB_CLOSE_DELAY=-1", "h2", "h2:mem", True, [("DB_CLOSE_DELAY", "-1")]),
    ("jdbc:h2:file:/data/db;AUTO_SERVER=TRUE", "h2", "h2:file", True, [("AUTO_SERVER", "TRUE")]),
    ("jdbc:h2:~/test", "h2", "h2", True, []),
    ("jdbc:h2:./data/db", "h2", "h2", True, []),
    ("jdbc:h2:tcp://localhost/~/test;IFEXISTS=TRUE", "h2", "h2:tcp", False, [("IFEXISTS", "TRUE")]),
    ("jdbc:h2:ssl://h/db", "h2", "h2:ssl", False, []),
    ("jdbc:derby:memory:db;create=true", "derby", "derby:memory", True, [("create", "true")]),
    ("jdbc:derby:/tmp/db", "derby", "derby", True, []),
    ("jdbc:derby://localhost:1527/db;create=true", "derby", "derby", False, [("create", "true")]),
    ("jdbc:hsqldb:mem:test", "hsqldb", "hsqldb:mem", True, []),
    ("jdbc:hsqldb:file:/x/db;shutdown=true", "hsqldb", "hsqldb:file", True, [("shutdown", "true")]),
    ("jdbc:hsqldb:res:/db", "hsqldb", "hsqldb:res", True, []),
    ("jdbc:hsqldb:hsql://localhost/xdb", "hsqldb", "hsqldb:hsql", False, []),
    ("jdbc:sqlite:/tmp/x.db", "sqlite", "sqlite", True, []),
    ("jdbc:sqlite::memory:", "sqlite", "sqlite", True, []),
    ("jdbc:clickhouse://h:8123/db?socket_timeout=30000&connection_timeout=5000", "clickhouse", "clickhouse", False,
     [("socket_timeout", "30000"), ("connection_timeout", "5000")]),
    ("jdbc:ch:https://h:8443?socket_timeout=1", "clickhouse", "ch:https", False, [("socket_timeout", "1")]),
    ("jdbc:dm://h:5236?connectTimeout=3000&socketTimeout=60000", "dm", "dm", False,
     [("connectTimeout", "3000"), ("socketTimeout", "60000")]),
    ("jdbc:dm://SVC?SVC=(h1:5236,h2:5236)&socketTimeout=1", "dm", "dm", False,
     [("SVC", "(h1:5236,h2:5236)"), ("socketTimeout", "1")]),
    ("jdbc:kingbase8://h:54321/db?socketTimeout=60", "kingbase", "kingbase8", False, [("socketTimeout", "60")]),
    ("jdbc:oscar://h:2003/db?LOGINTIMEOUT=5000", "oscar", "oscar", False, [("LOGINTIMEOUT", "5000")]),
    ("jdbc:oscar://h:2003/db;LOGINTIMEOUT=5000&X=1", "oscar", "oscar", False,
     [("LOGINTIMEOUT", "5000"), ("X", "1")]),
    ("jdbc:microsoft:sqlserver://h:1433", "other", "microsoft", False, []),
    ("jdbc:pgsql://h/db?x=1", "other", "pgsql", False, [("x", "1")]),
    ("  jdbc:mysql://h/db?a=1 \n", "mysql", "mysql", False, [("a", "1")]),
    # Spring placeholders are opaque: never split on & ; ? :
    ("jdbc:mysql://${DB_HOST:localhost}:3306/db?useSSL=false", "mysql", "mysql", False, [("useSSL", "false")]),
    ("jdbc:mysql://h/db?x=${A:1&b=2;c?d}&socketTimeout=5", "mysql", "mysql", False,
     [("x", "${A:1&b=2;c?d}"), ("socketTimeout", "5")]),
    ("jdbc:mysql://h/db?socketTimeout=${SOCK:${DEF:60000}}", "mysql", "mysql", False,
     [("socketTimeout", "${SOCK:${DEF:60000}}")]),
    ("jdbc:sqlserver://${HOST:h;x};loginTimeout=5", "sqlserver", "sqlserver", False, [("loginTimeout", "5")]),
    # '&amp;' left in the text by XML written as &amp;amp;
    ("jdbc:mysql://h/db?useSSL=false&amp;socketTimeout=60000", "mysql", "mysql", False,
     [("useSSL", "false"), ("socketTimeout", "60000")]),
    ("jdbc:mysql://h/db?useSSL=false&amp;amp;socketTimeout=60000", "mysql", "mysql", False,
     [("useSSL", "false"), ("socketTimeout", "60000")]),
]


@pytest.mark.parametrize(("url", "vendor", "sub", "embedded", "params"), PARSE_CASES)
def test_parse(url: str, vendor: str, sub: str, embedded: bool, params: list[tuple[str, str]]) -> None:
    u = parse(url)
    assert (u.vendor, u.subprotocol, u.embedded) == (vendor, sub, embedded)
    assert [(p.key, p.value) for p in u.params] == params
    assert u.raw == url
    assert_offsets(u)


@pytest.mark.parametrize("text", ["", "mysql://h/db", "http://x", "jdbcx:mysql://h", " jdbc", "jdb:mysql:"])
def test_not_a_jdbc_url(text: str) -> None:
    assert parse_jdbc_url(text) is None


@pytest.mark.parametrize(("url", "form"), [
    ("jdbc:oracle:thin:@//h:1521/svc", "service"),
    ("jdbc:oracle:thin:@h:1521/svc", "service"),
    ("jdbc:oracle:thin:scott/tiger@//h:1521/svc", "service"),
    ("jdbc:oracle:thin:@h:1521:ORCL", "sid"),
    ("jdbc:oracle:thin:@[::1]:1521:ORCL", "sid"),
    ("jdbc:oracle:thin:@tcps://h:1522/svc", "ezconnect"),
    ("jdbc:oracle:thin:@//h:1521/svc?oracle.net.CONNECT_TIMEOUT=3000", "ezconnect"),
    ("jdbc:oracle:thin:@h1,h2:1521/svc", "ezconnect"),
    ("jdbc:oracle:thin:@orcl_alias", "alias"),
    ("jdbc:oracle:thin:@ldap://ldap.example.com:389/orcl,cn=OracleContext", "alias"),
    ("jdbc:oracle:thin:@${TNS_NAME}", "alias"),
    ("jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(PROTOCOL=tcp)(HOST=h)(PORT=1521)))", "tns"),
    ("jdbc:oracle:thin:", None),
])
def test_oracle_forms(url: str, form: str | None) -> None:
    u = parse(url)
    assert u.oracle_form == form
    assert u.vendor == "oracle"


def test_oracle_ezconnect_plus_options() -> None:
    url = "jdbc:oracle:thin:@tcps://h:1522/svc?wallet_location=/w&oracle.net.CONNECT_TIMEOUT=3000&connect_timeout=5"
    u = parse(url)
    assert [(p.key, p.value) for p in u.params] == [
        ("wallet_location", "/w"), ("oracle.net.CONNECT_TIMEOUT", "3000"), ("connect_timeout", "5")]
    assert_offsets(u)


def test_tns_descriptor_nesting_case_and_whitespace() -> None:
    url = ("jdbc:oracle:thin:@(DESCRIPTION =\n   (connect_timeout = 5)(TRANSPORT_CONNECT_TIMEOUT=3)(RETRY_COUNT=2)\n"
           "   (ADDRESS_LIST=(ADDRESS=(PROTOCOL=tcp)(HOST=db1)(PORT=1521)))\n"
           "   (CONNECT_DATA=(SERVICE_NAME=${SVC:ORDERS})))")
    u = parse(url)
    assert u.oracle_form == "tns"
    assert [(p.key, p.value) for p in u.tns] == [
        ("connect_timeout", "5"), ("TRANSPORT_CONNECT_TIMEOUT", "3"), ("RETRY_COUNT", "2"), ("PROTOCOL", "tcp"),
        ("HOST", "db1"), ("PORT", "1521"), ("SERVICE_NAME", "${SVC:ORDERS}")]
    assert_offsets(u)
    t = effective_timeouts(u)
    assert (t.connect.ms, t.connect.source, t.connect.key) == (5000, "tns", "connect_timeout")


def test_find_last_occurrence_and_case() -> None:
    u = parse("jdbc:mysql://h/db?socketTimeout=1&SOCKETTIMEOUT=2&socketTimeout=3")
    hit = u.find("socketTimeout")
    assert hit is not None and hit.value == "3"
    ci = u.find("sockettimeout", case_sensitive=False)
    assert ci is not None and ci.value == "3"
    assert u.find("sockettimeout") is None


# ---- never raise ---------------------------------------------------------------------------------------------

PREFIXES = ["jdbc:", "jdbc:mysql://", "jdbc:oracle:thin:@", "jdbc:oracle:thin:@(", "jdbc:sqlserver://",
            "jdbc:db2://h/", "jdbc:p6spy:", "jdbc:wrap-jdbc:", "jdbc:h2:", "jdbc:mysql://${", "JDBC:"]
ALPHABET = st.sampled_from([*"()=;&?:/@${}[],. \n\tİßaZ0", "&amp;", "${", "jdbc:", "connectTimeout=",
                            "(CONNECT_TIMEOUT=", "socketTimeout="])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_parse_never_raises_on_any_text(text: str) -> None:
    parse_jdbc_url(text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PREFIXES), st.one_of(st.text(), st.lists(ALPHABET, max_size=40).map("".join)),
       st.dictionaries(st.sampled_from(["connectTimeout", "socketTimeout", "loginTimeout", "oracle.jdbc.ReadTimeout",
                                        "connecttimeout", "x"]), st.sampled_from(["0", "30", "3000", "x", ""]),
                       max_size=3),
       st.sampled_from([None, (1, 2, 8), (1, 2, 12), (1, 2, 15), (1, 2, 17), (1, 2, 20), (1, 2, 22), (1, 2)]))
def test_jdbc_prefixed_garbage_parses_with_consistent_offsets(prefix: str, tail: str, props: dict[str, str],
                                                               version: tuple[int, ...] | None) -> None:
    u = parse_jdbc_url(prefix + tail)
    assert u is not None
    assert_offsets(u)
    own_connect = ("5", 1) if "x" in props else None
    t = effective_timeouts(u, {k: (v, None) for k, v in props.items()}, druid_connect=own_connect,
                           druid_socket=("30", 2), druid_version=version, is_druid=version is not None)
    assert isinstance(t.connect, Bound) and isinstance(t.read, Bound)


def test_parse_rejects_non_strings_quietly() -> None:
    assert parse_jdbc_url(None) is None  # type: ignore[arg-type]


# ---- effective timeouts: drivers ------------------------------------------------------------------------------

# url, props, (connect ms, source), (read ms, source), [(issue kind, key)]
DRIVER_CASES = [
    # MySQL: ms, 0 = infinite, case-sensitive; Properties win (8.x/9.x)
    ("jdbc:mysql://h/db?connectTimeout=3000&socketTimeout=60000", {}, (3000, "url"), (60000, "url"), []),
    ("jdbc:mysql://h/db", {}, (None, "none"), (None, "none"), []),
    ("jdbc:mysql://h/db?connectTimeout=0&socketTimeout=0", {}, (None, "url"), (None, "url"), []),
    ("jdbc:mysql://h/db?connecttimeout=3000&SocketTimeout=60000", {}, (None, "none"), (None, "none"),
     [("ineffective", "connecttimeout"), ("ineffective", "SocketTimeout")]),
    ("jdbc:mysql://h/db?connectTimeout=3&socketTimeout=30", {}, (3, "url"), (30, "url"),
     [("unit", "connectTimeout"), ("unit", "socketTimeout")]),
    ("jdbc:mysql://h/db?socketTimeout=1000", {"socketTimeout": "60000"}, (None, "none"), (60000, "property"), []),
    ("jdbc:mysql://(host=h,connectTimeout=2000)/db", {}, (2000, "url"), (None, "none"), []),
    ("jdbc:mysql://h/db?socketTimeout=${SOCK:60000}", {}, (None, "none"), (60000, "url"), []),
    ("jdbc:mysql://h/db", {"oracle.jdbc.ReadTimeout": "60000"}, (None, "none"), (None, "none"),
     [("ineffective", "oracle.jdbc.ReadTimeout")]),
    # MariaDB: connect default 30 s; aurora read default 10 s; case-insensitive from 3.0.10
    ("jdbc:mariadb://h/db", {}, (30000, "driver-default"), (None, "none"), []),
    ("jdbc:mariadb:aurora://h/db", {}, (30000, "driver-default"), (10000, "driver-default"), []),
    ("jdbc:mariadb://h/db?ConnectTimeout=5000", {}, (5000, "url"), (None, "none"), []),
    # pgjdbc: seconds, connect default 10 s, URL wins, libpq spelling ignored
    ("jdbc:postgresql://h/db", {}, (10000, "driver-default"), (None, "none"), []),
    ("jdbc:postgresql://h/db?socketTimeout=60&connectTimeout=3", {}, (3000, "url"), (60000, "url"), []),
    ("jdbc:postgresql://h/db?socketTimeout=60000&connectTimeout=3000&loginTimeout=5000", {},
     (3000000, "url"), (60000000, "url"),
     [("unit", "socketTimeout"), ("unit", "connectTimeout"), ("unit", "loginTimeout")]),
    ("jdbc:postgresql://h/db?connect_timeout=5&SocketTimeout=60", {}, (10000, "driver-default"), (None, "none"),
     [("ineffective", "connect_timeout"), ("ineffective", "SocketTimeout")]),
    ("jdbc:postgresql://h/db?socketTimeout=60", {"socketTimeout": "30"}, (10000, "driver-default"),
     (60000, "url"), []),
    # Oracle thin: only oracle.* names; TNS seconds
    (ORACLE, {"oracle.net.CONNECT_TIMEOUT": "3000", "oracle.jdbc.ReadTimeout": "60000"}, (3000, "property"),
     (60000, "property"), []),
    (ORACLE, {"oracle.net.READ_TIMEOUT": "60000"}, (None, "none"), (60000, "property"), []),
    (ORACLE, {"oracle.net.CONNECT_TIMEOUT": "3", "oracle.jdbc.readTimeout": "60000"}, (3, "property"),
     (None, "none"), [("unit", "oracle.net.CONNECT_TIMEOUT"), ("ineffective", "oracle.jdbc.readTimeout")]),
    (ORACLE, {"connectTimeout": "3000", "socketTimeout": "4000"}, (None, "none"), (None, "none"),
     [("ineffective", "connectTimeout"), ("ineffective", "socketTimeout")]),
    ("jdbc:oracle:thin:@(DESCRIPTION=(CONNECT_TIMEOUT=3)(ADDRESS=(HOST=h)))", {"oracle.net.CONNECT_TIMEOUT": "9000"},
     (3000, "tns"), (None, "none"), []),
    ("jdbc:oracle:thin:@(DESCRIPTION=(CONNECT_TIMEOUT=3000)(ADDRESS=(HOST=h)))", {}, (3000000, "tns"),
     (None, "none"), [("unit", "CONNECT_TIMEOUT")]),
    ("jdbc:oracle:thin:@(DESCRIPTION=(TRANSPORT_CONNECT_TIMEOUT=500ms)(ADDRESS=(HOST=h)))", {}, (500, "tns"),
     (None, "none"), []),
    ("jdbc:oracle:thin:@(DESCRIPTION=(CONNECT_TIMEOUT=2min)(ADDRESS=(HOST=h)))", {}, (120000, "tns"),
     (None, "none"), []),
    ("jdbc:oracle:thin:@tcp://h:1521/svc?connect_timeout=10", {}, (10000, "tns"), (None, "none"), []),
    ("jdbc:oracle:thin:@//h:1521/svc?oracle.jdbc.ReadTimeout=60000", {}, (None, "none"), (60000, "url"), []),
    # SQL Server: loginTimeout s (0 = default 30 s), socketTimeout ms, case-insensitive, Properties win
    ("jdbc:sqlserver://h;loginTimeout=5;socketTimeout=60000", {}, (5000, "url"), (60000, "url"), []),
    ("jdbc:sqlserver://h;databaseName=x", {}, (30000, "driver-default"), (None, "none"), []),
    ("jdbc:sqlserver://h;loginTimeout=0", {}, (30000, "url"), (None, "none"), []),
    ("jdbc:sqlserver://h;LOGINTIMEOUT=5;sockettimeout=60000", {}, (5000, "url"), (60000, "url"), []),
    ("jdbc:sqlserver://h;loginTimeout=5000;socketTimeout=60", {}, (5000000, "url"), (60, "url"),
     [("unit", "loginTimeout"), ("unit", "socketTimeout")]),
    ("jdbc:sqlserver://h;connectTimeout=5", {}, (30000, "driver-default"), (None, "none"),
     [("ineffective", "connectTimeout")]),
    ("jdbc:sqlserver://h;loginTimeout=5", {"loginTimeout": "10"}, (10000, "property"), (None, "none"), []),
    # jTDS: both in seconds, case-insensitive, URL wins
    ("jdbc:jtds:sqlserver://h/db;loginTimeout=5;socketTimeout=60", {}, (5000, "url"), (60000, "url"), []),
    ("jdbc:jtds:sqlserver://h/db;SOCKETTIMEOUT=60000", {}, (None, "none"), (60000000, "url"),
     [("unit", "SOCKETTIMEOUT")]),
    ("jdbc:jtds:sqlserver://h/db", {}, (None, "none"), (None, "none"), []),
    # Db2: seconds, case-sensitive
    ("jdbc:db2://h:50000/DB:loginTimeout=5;blockingReadConnectionTimeout=60;", {}, (5000, "url"), (60000, "url"),
     []),
    ("jdbc:db2://h:50000/DB:blockingReadConnectionTimeout=60000;LoginTimeout=5;", {}, (None, "none"),
     (60000000, "url"), [("unit", "blockingReadConnectionTimeout"), ("ineffective", "LoginTimeout")]),
    # ClickHouse v2 (default) vs v1
    ("jdbc:clickhouse://h:8123/db", {}, (None, "none"), (None, "none"), []),
    ("jdbc:clickhouse://h:8123/db?connect_timeout=5000&socket_timeout=30000", {}, (None, "none"), (30000, "url"),
     [("ineffective", "connect_timeout")]),
    ("jdbc:clickhouse://h:8123/db?clickhouse.jdbc.v1=true", {}, (5000, "driver-default"),
     (30000, "driver-default"), []),
    # DM (ms), Oscar (LOGINTIMEOUT ms, no read key), KingbaseES (units unverified: credited, never reported)
    ("jdbc:dm://h:5236?connectTimeout=3000&socketTimeout=30", {}, (3000, "url"), (30, "url"),
     [("unit", "socketTimeout")]),
    ("jdbc:oscar://h:2003/db?logintimeout=5000", {}, (5000, "url"), (None, "none"), []),
    ("jdbc:kingbase8://h:54321/db?socketTimeout=60000", {}, (None, "none"), (60000000, "url"), []),
    # no known keys / embedded
    ("jdbc:h2:tcp://localhost/~/test", {}, (None, "none"), (None, "none"), []),
    ("jdbc:h2:mem:test", {"socketTimeout": "1"}, (None, "none"), (None, "none"), []),
    ("jdbc:oracle:oci:@h:1521:ORCL", {"connectTimeout": "3000"}, (None, "none"), (None, "none"), []),
]


@pytest.mark.parametrize(("url", "props", "connect", "read", "issues"), DRIVER_CASES)
def test_driver_timeouts(url: str, props: dict[str, str], connect: tuple[int | None, str],
                         read: tuple[int | None, str], issues: list[tuple[str, str]]) -> None:
    t = timeouts(url, props)
    assert (t.connect.ms, t.connect.source) == connect, t.connect.explanation
    assert (t.read.ms, t.read.source) == read, t.read.explanation
    assert sorted(kinds(t)) == sorted(issues), [i.message for i in t.issues]
    for i in t.issues:  # every message names the key and the value
        assert i.key in i.message and i.value in i.message


def test_explanations_name_defaults_and_zero() -> None:
    assert "defaults to 0" in timeouts("jdbc:mysql://h/db").read.explanation
    pg = timeouts("jdbc:postgresql://h/db").connect
    assert "10 s" in pg.explanation and pg.key is None
    zero = timeouts("jdbc:sqlserver://h;loginTimeout=0").connect
    assert "not unbounded" in zero.explanation and zero.key == "loginTimeout"
    assert "no read timeout" in timeouts("jdbc:mysql://h/db?socketTimeout=0").read.explanation


def test_url_param_and_origin_are_returned_untouched() -> None:
    origin = object()
    u = parse("jdbc:mysql://h/db?connectTimeout=3000&socketTimeout=30")
    t = effective_timeouts(u, {"socketTimeout": ("60000", origin)})
    assert t.read.origin is origin and t.read.param is None and t.read.key == "socketTimeout"
    assert t.connect.param is not None and u.raw[t.connect.param.value_start:t.connect.param.value_end] == "3000"
    unit = next(i for i in t.issues if i.kind == "unit")  # the URL's socketTimeout=30 loses, but is still wrong
    assert unit.param is not None and unit.origin is None and unit.value == "30"


def test_unit_messages_teach_the_fix() -> None:
    pg = timeouts("jdbc:postgresql://h/db?socketTimeout=60000")
    assert "16.7 hours" in pg.issues[0].message and "socketTimeout=60 (seconds)" in pg.issues[0].help
    my = timeouts("jdbc:mysql://h/db?socketTimeout=30")
    assert "30 ms" in my.issues[0].message and "socketTimeout=30000 (ms)" in my.issues[0].help
    assert my.issues[0].headline == "socketTimeout=30 is in milliseconds, not seconds: a read timeout of 30 ms"
    tns = timeouts("jdbc:oracle:thin:@(DESCRIPTION=(CONNECT_TIMEOUT=3000)(ADDRESS=(HOST=h)))")
    assert "CONNECT_TIMEOUT=3 (seconds)" in tns.issues[0].help and "3000ms" in tns.issues[0].help


def test_drivers_table_covers_every_judged_vendor() -> None:
    for vendor in ("mysql", "mariadb", "postgresql", "oracle", "sqlserver", "jtds", "db2", "clickhouse", "dm",
                   "kingbase", "oscar"):
        assert vendor in DRIVERS
    for facts in DRIVERS.values():
        for key in (*facts.connect, *facts.read, *facts.unit_only):
            assert key.unit in ("ms", "s")


# ---- Druid ----------------------------------------------------------------------------------------------------

def test_oracle_outage_without_druid() -> None:
    t = timeouts(ORACLE, {"connectTimeout": "3000", "socketTimeout": "4000"})
    assert t.connect.ms is None and t.read.ms is None
    msg = t.issues[0].message
    assert "oracle.net.CONNECT_TIMEOUT=3000;oracle.jdbc.ReadTimeout=4000" in t.issues[0].help
    assert "Druid" not in msg and "Druid" not in t.issues[0].help


def test_oracle_outage_on_unknown_druid_is_not_credited() -> None:
    t = effective_timeouts(parse(ORACLE), OUTAGE, is_druid=True)
    assert (t.connect.ms, t.read.ms) == (None, None)
    assert kinds(t) == [("ineffective", "connectTimeout"), ("ineffective", "socketTimeout")]
    for i in t.issues:
        assert "ineffective unless Druid ≥ 1.2.22" in i.message
        assert "oracle.net.CONNECT_TIMEOUT=3000;oracle.jdbc.ReadTimeout=4000" in i.help
        assert "Druid's own connectTimeout/socketTimeout properties (ms, Druid ≥ 1.2.12)" in i.help
    assert [i.origin for i in t.issues] == ["origin-connect", "origin-socket"]


def test_oracle_outage_on_druid_1_2_8() -> None:
    t = effective_timeouts(parse(ORACLE), OUTAGE, is_druid=True, druid_version=(1, 2, 8))
    assert (t.connect.ms, t.read.ms) == (None, None)
    assert kinds(t) == [("ineffective", "connectTimeout"), ("ineffective", "socketTimeout")]
    assert all("Druid 1.2.8 does not translate" in i.message for i in t.issues)


def test_oracle_outage_on_druid_1_2_22_takes_effect() -> None:
    t = effective_timeouts(parse(ORACLE), OUTAGE, is_druid=True, druid_version=(1, 2, 22))
    assert t.issues == ()
    assert (t.connect.ms, t.connect.source, t.connect.key, t.connect.origin) == (
        3000, "property", "connectTimeout", "origin-connect")
    assert (t.read.ms, t.read.source, t.read.origin) == (4000, "property", "origin-socket")
    assert "oracle.net.CONNECT_TIMEOUT" in t.connect.explanation
    assert "setNetworkTimeout" in t.read.explanation


def test_oracle_on_druid_1_2_17_gets_druid_defaults_and_issues() -> None:
    t = effective_timeouts(parse(ORACLE), OUTAGE, is_druid=True, druid_version=(1, 2, 17))
    assert (t.connect.ms, t.connect.source, t.connect.key) == (10000, "druid", None)
    assert (t.read.ms, t.read.source) == (10000, "druid")
    assert len(t.issues) == 2 and all(i.kind == "ineffective" for i in t.issues)


def test_druid_socket_overrides_oracle_read_timeout() -> None:  # druid#5039
    t = effective_timeouts(parse(ORACLE), {"oracle.jdbc.ReadTimeout": ("600000", None)},
                           druid_socket=("5000", "bean"), is_druid=True, druid_version=(1, 2, 23))
    assert (t.read.ms, t.read.source, t.read.origin) == (5000, "druid", "bean")


def test_druid_connect_reaches_oracle_and_mysql_from_1_2_13() -> None:
    for url, key in ((ORACLE, "oracle.net.CONNECT_TIMEOUT"), ("jdbc:mysql://h/db", "connectTimeout")):
        t = effective_timeouts(parse(url), druid_connect=("3000", "bean"), is_druid=True, druid_version=(1, 2, 13))
        assert (t.connect.ms, t.connect.source, t.connect.key, t.connect.origin) == (3000, "druid", "connectTimeout",
                                                                                     "bean")
        assert key in t.connect.explanation
    old = effective_timeouts(parse("jdbc:mysql://h/db"), druid_connect=("3000", "bean"), is_druid=True,
                             druid_version=(1, 2, 12))  # Integer objects: the driver does not see them
    assert old.connect.ms is None and "1.2.12" in old.connect.explanation
    assert (old.read.ms, old.read.source) == (10000, "druid")


def test_mysql_8_prefers_druid_property_over_url() -> None:
    # 1.2.13-1.2.14 do not read the URL; the 10 s Druid default goes into the Properties, which win in C/J 8.
    t = timeouts("jdbc:mysql://h/db?connectTimeout=3000", is_druid=True, druid_version=(1, 2, 14))
    assert (t.connect.ms, t.connect.source) == (10000, "druid")


@pytest.mark.parametrize(("version", "connect", "read"), [
    ((1, 2, 8), (None, "none"), (None, "none")),
    ((1, 2, 12), (None, "none"), (10000, "druid")),
    ((1, 2, 14), (10000, "druid"), (10000, "druid")),
    ((1, 2, 15), (None, "none"), (10000, "druid")),
    ((1, 2, 16), (None, "none"), (10000, "druid")),
    ((1, 2, 17), (10000, "druid"), (10000, "druid")),
    ((1, 2, 21), (10000, "druid"), (10000, "druid")),
    ((1, 2, 22), (None, "none"), (None, "none")),
    ((1, 2, 28), (None, "none"), (None, "none")),
    (None, (None, "none"), (None, "none")),
])
def test_druid_defaults_by_version(version: tuple[int, ...] | None, connect: tuple[int | None, str],
                                   read: tuple[int | None, str]) -> None:
    t = timeouts("jdbc:mysql://h/db", is_druid=True, druid_version=version)
    assert (t.connect.ms, t.connect.source) == connect, t.connect.explanation
    assert (t.read.ms, t.read.source) == read, t.read.explanation
    if read[1] == "druid":
        assert t.read.key is None and "10000" in t.read.explanation


def test_druid_1_2_15_forces_socket_10s_when_connect_unset() -> None:
    # DruidDataSource.init 1.2.15-1.2.16: "if (connectTimeout == 0) socketTimeout = 10000" (typo)
    t = timeouts("jdbc:mysql://h/db", druid_socket=("60000", "bean"), is_druid=True, druid_version=(1, 2, 15))
    assert (t.read.ms, t.read.source) == (10000, "druid") and "1.2.15-1.2.16" in t.read.explanation
    ok = timeouts("jdbc:mysql://h/db", druid_connect=("3000", "c"), druid_socket=("60000", "s"), is_druid=True,
                  druid_version=(1, 2, 16))
    assert (ok.connect.ms, ok.read.ms, ok.read.origin) == (3000, 60000, "s")


def test_druid_mysql_url_read_order_1_2_19_vs_1_2_20() -> None:
    url = "jdbc:mysql://h/db?connectTimeout=3000&socketTimeout=0"
    before = timeouts(url, is_druid=True, druid_version=(1, 2, 19))  # URL read, then 0 -> 10000
    assert (before.read.ms, before.read.source) == (10000, "druid")
    after = timeouts(url, is_druid=True, druid_version=(1, 2, 20))  # defaults, then the URL's 0 disables it
    assert (after.read.ms, after.read.source) == (None, "url")
    assert (after.connect.ms, after.connect.source, after.connect.key) == (3000, "url", "connectTimeout")


def test_druid_1_2_22_reads_url_and_properties_over_its_own_value() -> None:
    t = timeouts("jdbc:mysql://h/db?socketTimeout=30000", {"socketTimeout": "45000"},
                 druid_socket=("60000", "bean"), is_druid=True, druid_version=(1, 2, 22))
    assert (t.read.ms, t.read.source, t.read.origin) == (45000, "property", "origin:socketTimeout")


def test_druid_own_values_are_ms() -> None:
    t = timeouts("jdbc:mysql://h/db", druid_socket=("30", "bean"), is_druid=True, druid_version=(1, 2, 22))
    assert kinds(t) == [("unit", "socketTimeout")] and t.issues[0].origin == "bean"
    assert (t.read.ms, t.read.source) == (30, "druid")


def test_druid_connect_does_not_reach_db2() -> None:
    t = timeouts("jdbc:db2://h:50000/DB", druid_connect=("3000", "bean"), is_druid=True, druid_version=(1, 2, 22))
    assert t.connect.ms is None
    assert kinds(t) == [("ineffective", "connectTimeout")] and "loginTimeout" in t.issues[0].help


def test_druid_socket_bounds_reads_of_unknown_drivers() -> None:
    t = timeouts("jdbc:h2:tcp://h/db", druid_socket=("5000", "bean"), is_druid=True)
    assert (t.read.ms, t.read.source) == (5000, "druid") and t.connect.ms is None


def test_pg_on_druid_1_2_22_socket_timeout_in_seconds_is_read_as_ms() -> None:
    t = timeouts("jdbc:postgresql://h/db?socketTimeout=60", is_druid=True, druid_version=(1, 2, 22))
    assert (t.read.ms, t.read.source) == (60, "url")
    assert kinds(t) == [("unit", "socketTimeout")]
    msg = t.issues[0].message
    assert "60 ms" in msg and "socketTimeout=60000" in t.issues[0].help and "Druid 1.2.22" in msg
    fine = timeouts("jdbc:postgresql://h/db?socketTimeout=60000", is_druid=True, druid_version=(1, 2, 22))
    assert fine.issues == () and fine.read.ms == 60000


def test_pg_on_druid_1_2_22_property_connect_timeout_becomes_zero() -> None:
    t = timeouts("jdbc:postgresql://h/db", {"connectTimeout": "5"}, is_druid=True, druid_version=(1, 2, 22))
    assert t.connect.ms is None and "0" in t.connect.explanation
    assert kinds(t) == [("unit", "connectTimeout")] and "connectTimeout=0" in t.issues[0].message
    url = timeouts("jdbc:postgresql://h/db?connectTimeout=5", is_druid=True, druid_version=(1, 2, 22))
    assert (url.connect.ms, url.connect.source) == (5000, "url") and url.issues == ()


def test_pg_druid_trap_on_unknown_and_old_druid() -> None:
    unknown = timeouts("jdbc:postgresql://h/db?socketTimeout=60", is_druid=True)
    assert kinds(unknown) == [("unit", "socketTimeout")] and "version is unknown" in unknown.issues[0].message
    assert unknown.read.ms == 60000  # Druid's reading is not credited without a version
    old = timeouts("jdbc:postgresql://h/db?socketTimeout=60", is_druid=True, druid_version=(1, 2, 8))
    assert old.issues == () and old.read.ms == 60000


def test_pg_druid_1_2_17_connect_in_seconds() -> None:
    t = timeouts("jdbc:postgresql://h/db", druid_connect=("3000", "bean"), is_druid=True, druid_version=(1, 2, 17))
    assert (t.connect.ms, t.connect.source) == (3000, "druid")
    short = timeouts("jdbc:postgresql://h/db", druid_connect=("500", "bean"), is_druid=True, druid_version=(1, 2, 22))
    assert short.connect.ms is None  # 500 ms -> connectTimeout=0 s -> none


def test_sqlserver_connect_timeout_property_translated_by_druid_1_2_22() -> None:
    t = timeouts("jdbc:sqlserver://h", {"connectTimeout": "5000"}, is_druid=True, druid_version=(1, 2, 22))
    assert (t.connect.ms, t.connect.source) == (5000, "property") and t.issues == ()
    old = timeouts("jdbc:sqlserver://h", {"connectTimeout": "5000"}, is_druid=True, druid_version=(1, 2, 8))
    assert old.connect.ms == 30000 and kinds(old) == [("ineffective", "connectTimeout")]
    assert "ineffective unless Druid ≥ 1.2.22" in old.issues[0].message


def test_embedded_urls_have_no_bounds_and_no_issues() -> None:
    t = timeouts("jdbc:h2:mem:x", {"connectTimeout": "1"}, druid_socket=("5", "bean"), is_druid=True)
    assert t.connect.ms is None and t.read.ms is None and t.issues == ()
    assert "embedded" in t.connect.explanation
