"""JDBC rules: JD001 (connect timeout), JD002 (read timeout), JD003 (timeout units), JD004
(driver properties the driver ignores). Driver semantics live in cfglint.jdbcurl (facts/jdbc.md);
this module only decides what to report and where."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from cfglint.checks import finding
from cfglint.findings import Finding, Related
from cfglint.jdbcurl import JdbcUrl, Timeouts, effective_timeouts, is_loopback, parse_jdbc_url
from cfglint.model.datasource import JdbcConnection
from cfglint.model.module import ModuleModel
from cfglint.model.values import Setting
from cfglint.registry import check
from cfglint.span import Span

VENDOR_NAMES = {"mysql": "MySQL", "mariadb": "MariaDB", "postgresql": "PostgreSQL", "oracle": "Oracle",
                "sqlserver": "SQL Server", "jtds": "jTDS", "db2": "Db2", "clickhouse": "ClickHouse", "dm": "DM",
                "kingbase": "KingbaseES", "oscar": "Oscar"}
# What to write instead, per driver (facts/jdbc.md §0).
CONNECT_FIX = {
    "mysql": "add connectTimeout=3000 (ms) to the URL",
    "mariadb": "add connectTimeout=3000 (ms) to the URL",
    "postgresql": "add connectTimeout=3 (seconds, pgjdbc's unit) to the URL",
    "oracle": "set oracle.net.CONNECT_TIMEOUT=3000 (ms) in the connection properties, or (CONNECT_TIMEOUT=3) "
              "in the TNS descriptor",
    "sqlserver": "add ;loginTimeout=5 (seconds) to the URL",
    "jtds": "add ;loginTimeout=5 (seconds) to the URL",
    "db2": "add loginTimeout=5; (seconds) to the URL properties",
    "clickhouse": "add connection_timeout=3000 (ms) to the URL",
    "dm": "add connectTimeout=3000 (ms) to the URL",
}
READ_FIX = {
    "mysql": "add socketTimeout=60000 (ms, above your longest query) to the URL",
    "mariadb": "add socketTimeout=60000 (ms, above your longest query) to the URL",
    "postgresql": "add socketTimeout=60 (seconds, above your longest query) to the URL",
    "oracle": "set oracle.jdbc.ReadTimeout=60000 (ms) in the connection properties",
    "sqlserver": "add ;socketTimeout=60000 (ms) to the URL",
    "jtds": "add ;socketTimeout=60 (seconds, not ms) to the URL",
    "db2": "add blockingReadConnectionTimeout=60; (seconds) to the URL properties",
    "clickhouse": "add socket_timeout=60000 (ms) to the URL",
    "dm": "add socketTimeout=60000 (ms) to the URL",
}
# The driver's own name for its read timeout, for headlines.
READ_KEY = {"mysql": "socketTimeout", "mariadb": "socketTimeout", "postgresql": "socketTimeout",
            "oracle": "oracle.jdbc.ReadTimeout", "sqlserver": "socketTimeout", "jtds": "socketTimeout",
            "db2": "blockingReadConnectionTimeout", "clickhouse": "socket_timeout", "dm": "socketTimeout"}
# Drivers that take their login/connect bound from DriverManager.getLoginTimeout(), which HikariCP
# sets from connectionTimeout in jdbcUrl mode (facts/jdbc.md §13; not pgjdbc >= 9.4).
HONOURS_DRIVERMANAGER = frozenset({"mysql", "mariadb", "sqlserver", "jtds", "oracle", "oscar"})


def _judged(conn: JdbcConnection) -> JdbcUrl | None:
    url = parse_jdbc_url(conn.url.value or "")
    if url is None or url.embedded or url.vendor not in VENDOR_NAMES:
        return None
    return url


def _analysed(model: ModuleModel) -> list[tuple[JdbcConnection, JdbcUrl, Timeouts]]:
    """Each judged connection with its URL and effective timeouts, computed once for JD001-JD004."""
    done = model.memo.get("jdbc")
    if done is None:
        done = []
        for conn in model.connections:
            url = _judged(conn)
            if url is not None:
                done.append((conn, url, _timeouts(model, conn, url)))
        model.memo["jdbc"] = done
    return done  # type: ignore[return-value]


# Profiles nobody runs in production: a URL written only in such a file (application-dev.yml, blade-local.yaml,
# config/test/jdbc.properties) is not judged by JD001/JD002 unless the rule's include-local option is set.
LOCAL_PROFILES = frozenset({"dev", "develop", "development", "local", "test", "testing"})
LOOPBACK = "on a loopback host"
LOCAL_FILE = "in a dev/local/test profile file"
LOCAL_PROFILE = "in a dev/local/test profile"
TEST_MODULE = "in a test module"
_TEST_DIR = re.compile(r"[^-_.][-_.]tests?(?:$|[-_.])", re.I)


# A production profile file is production's configuration, or its template: loopback hosts there are judged.
PROD_PROFILES = frozenset({"prod", "production", "prd"})


def _profile_suffix(path: str) -> str:
    stem = path.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()
    for sep in ("-", "_", "."):
        if sep in stem:
            return stem.rsplit(sep, 1)[1]
    return ""


def _local_file(path: str) -> bool:
    """application-dev.yml, jdbc_test.properties, or a file in a directory of that name (config/dev/jdbc.properties).
    Only the file's own directory counts: paths may be absolute, and /home/dev/ says nothing about the file."""
    if _profile_suffix(path) in LOCAL_PROFILES:
        return True
    parts = path.replace("\\", "/").split("/")
    return len(parts) > 1 and parts[-2].lower() in LOCAL_PROFILES


def _test_module(path: str) -> bool:
    """A directory of the path is a test module by name: jeecg-cloud-test, order-test-sharding, it_tests ('test' as
    a later token of a compound name; not 'latest' or 'contest', and not a leading 'test_...', which is how test
    runners name their scratch directories; src/test is never linted by default anyway)."""
    return any(_TEST_DIR.search(d) for d in path.replace("\\", "/").split("/")[:-1])


def not_judged(conn: JdbcConnection, url: JdbcUrl, profile: str | None = None) -> str:
    """Why JD001/JD002 leave this connection alone by default ("" when they judge it). A loopback connect fails
    at once when nothing listens, and the dead-peer read hang they guard against does not happen on loopback,
    except in a production profile file (application-prod.yml), which is production's template. A URL whose host
    is a placeholder (jdbc:mysql://${DB_HOST:localhost}/app?...) is a template every environment
    shares, parameters included: judged, whatever the host resolves to here."""
    span = conn.url.span
    if span is not None and _local_file(span.path):
        return LOCAL_FILE
    if profile is not None and profile.lower() in LOCAL_PROFILES:
        # Only this profile's model gets here with the URL: one the base configuration also uses is judged there.
        return LOCAL_PROFILE
    if span is not None and _test_module(span.path):
        return TEST_MODULE
    if is_loopback(url) and (span is None or _profile_suffix(span.path) not in PROD_PROFILES):
        raw = (conn.url.raw or "").strip()
        written = parse_jdbc_url(raw) if "${" in raw else None
        if written is None or written.hosts is not None:
            return LOOPBACK
    return ""


def _timeouts(model: ModuleModel, conn: JdbcConnection, url: JdbcUrl) -> Timeouts:
    ds = conn.datasource
    props: dict[str, tuple[str, object]] = {}
    druid_connect = druid_socket = None
    is_druid = False
    if ds is not None:
        props = {k: (s.value or "", s) for k, s in ds.connection_properties.items()}
        if ds.pool == "druid":
            is_druid = True
            for name, attr in (("connecttimeout", "c"), ("sockettimeout", "s")):
                s = ds.get(name)
                if s is not None and s.value:
                    if attr == "c":
                        druid_connect = (s.value, s)
                    else:
                        druid_socket = (s.value, s)
    return effective_timeouts(url, props, druid_connect=druid_connect, druid_socket=druid_socket,
                              druid_version=model.version("druid") if is_druid else None, is_druid=is_druid)


def _related(conn: JdbcConnection) -> tuple[Related, ...]:
    ds = conn.datasource
    if ds is None or ds.anchor == conn.url.span:
        return ()
    return (Related(ds.anchor, f"used by {ds.label}"),)


def _where(conn: JdbcConnection) -> str:
    ds = conn.datasource
    return f" used by {ds.label}" if ds is not None else ""


def _druid_unknown(model: ModuleModel, conn: JdbcConnection, what: str) -> str:
    """On a Druid pool of unknown version: the versions whose own defaults would bound it (druid.md §3a)."""
    ds = conn.datasource
    if ds is None or ds.pool != "druid" or model.version("druid") is not None:
        return ""
    return (f"the module's Druid version is unknown: Druid 1.2.12–1.2.21 applies its own 10 s {what} by default"
            f"{' (1.2.15–1.2.16 none)' if what == 'connectTimeout' else ''}, other versions none")


def _short(url: str) -> str:
    base = url.split("?", 1)[0].split(";", 1)[0]
    return base if len(base) <= 80 else base[:77] + "..."


def _hikari_login_ms(conn: JdbcConnection, vendor: str) -> int | None:
    ds = conn.datasource
    if ds is None or ds.pool != "hikari" or vendor not in HONOURS_DRIVERMANAGER:
        return None
    s = ds.get("connectiontimeout")
    ms = s.int_value() if s is not None else ds.wait_default_ms or 30000
    if ms is None or ms <= 0:
        return None
    return max(1, (ms + 500) // 1000) * 1000


@check("JD001")
def jd001(model: ModuleModel, options: dict[str, Any]) -> Iterator[Finding]:
    limit_ms = int(float(options.get("max-connect-timeout", 30)) * 1000)
    local = bool(options.get("include-local", False))
    for conn, url, t in _analysed(model):
        why = "" if local else not_judged(conn, url, model.profile)
        if why:
            yield finding("JD001", conn.url, f"not judged: {why}", f"{conn.url.key}/connect", unjudged=why)
            continue
        b = t.connect
        ms = b.ms
        hikari = _hikari_login_ms(conn, url.vendor)
        if hikari is not None and (ms is None or ms > hikari):
            ms = hikari
        if ms is not None and ms <= limit_ms:
            continue
        vendor = VENDOR_NAMES[url.vendor]
        what = ("has no connect timeout" if ms is None else
                f"has a connect timeout of {ms} ms, above the {limit_ms} ms limit (max-connect-timeout)")
        head = (f"{vendor} URL has no connect timeout" if ms is None else
                f"{vendor} URL connect timeout is {ms} ms, above the {limit_ms} ms limit")
        yield finding("JD001", conn.url, head, f"{conn.url.key}/connect", _related(conn),
                      why=f"{vendor} connection {_short(conn.url.value or '')}{_where(conn)} {what}: "
                          f"{b.explanation}. When the database host is down or unreachable, each new connection "
                          "blocks its thread until the OS gives up (about 2 minutes per address on Linux) and the "
                          "pool's waiters pile up behind it.",
                      help=CONNECT_FIX.get(url.vendor, "set the driver connect timeout"),
                      notes=(_druid_unknown(model, conn, "connectTimeout"),))


@check("JD002")
def jd002(model: ModuleModel, options: dict[str, Any]) -> Iterator[Finding]:
    local = bool(options.get("include-local", False))
    for conn, url, t in _analysed(model):
        if t.read.ms is not None and t.read.ms > 0:
            continue
        why = "" if local else not_judged(conn, url, model.profile)
        if why:
            yield finding("JD002", conn.url, f"not judged: {why}", f"{conn.url.key}/read", unjudged=why)
            continue
        vendor = VENDOR_NAMES[url.vendor]
        druid = (" or Druid's own socketTimeout property (ms, Druid ≥ 1.2.12)"
                 if conn.datasource is not None and conn.datasource.pool == "druid" else "")
        yield finding("JD002", conn.url, f"{vendor} URL has no read timeout ({READ_KEY.get(url.vendor, 'socket')})",
                      f"{conn.url.key}/read", _related(conn),
                      why=f"{vendor} connection {_short(conn.url.value or '')}{_where(conn)} has no read (socket) "
                          f"timeout: {t.read.explanation}. A query on a connection whose peer died, or behind a "
                          "firewall that dropped it, blocks the calling thread for hours (until TCP keepalive), "
                          "holding a pooled connection and a request thread.",
                      help=f"{READ_FIX.get(url.vendor, 'set the driver read timeout')}{druid}",
                      notes=(_druid_unknown(model, conn, "socketTimeout"),))


def _issues(model: ModuleModel, kind: str, rule: str) -> Iterator[Finding]:
    seen: set[tuple[Span | None, str]] = set()
    for conn, _url, t in _analysed(model):
        for issue in t.issues:
            if issue.kind != kind:
                continue
            span = _issue_span(conn, issue, value_only=kind == "unit")
            if span is None or (span, issue.key) in seen:
                continue
            seen.add((span, issue.key))
            via = issue.origin if isinstance(issue.origin, Setting) else conn.url
            yield finding(rule, span, issue.headline, f"{conn.url.key}/{issue.key}", _related(conn),
                          why=issue.message, help=issue.help, notes=issue.notes, via=via)


def _issue_span(conn: JdbcConnection, issue: Any, value_only: bool) -> Span | None:
    """The value (unit mistakes) or the key=value (ignored properties) inside the text as written."""
    origin = issue.origin
    span = getattr(origin, "span", None)
    if span is not None:
        return span
    p = issue.param
    us = conn.url.span
    raw = conn.url.value or ""
    if p is not None and us is not None and us.line == us.end_line and us.end_col - us.col == len(raw):
        start = p.value_start if value_only else p.start
        return Span(us.path, us.line, us.col + start, us.line, us.col + p.value_end)
    return us


@check("JD003")
def jd003(model: ModuleModel, options: dict[str, Any]) -> Iterator[Finding]:
    yield from _issues(model, "unit", "JD003")


@check("JD004")
def jd004(model: ModuleModel, options: dict[str, Any]) -> Iterator[Finding]:
    yield from _issues(model, "ineffective", "JD004")
