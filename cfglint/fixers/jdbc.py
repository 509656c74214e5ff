"""JD001/JD002: the driver's own connect/read timeout added to the URL where it is written (unsafe: a new
timeout changes behaviour). JD004: Oracle's real property names in place of connectTimeout/socketTimeout in the
connection properties (safe: the timeout the author wrote, now under the name the driver reads, in the same unit).
"""

from __future__ import annotations

from typing import Any

from cfglint.findings import Edit, Finding, Fix
from cfglint.fixers import Source, memo

# (parameter, value, unit) per driver: the driver's own names and units (facts/jdbc.md §0), the values the rules'
# messages recommend. Drivers whose timeouts live outside the URL (Oracle, Db2's properties) get no URL fix.
CONNECT = {"mysql": ("connectTimeout", "3000", "ms"), "mariadb": ("connectTimeout", "3000", "ms"),
           "postgresql": ("connectTimeout", "3", "s"), "sqlserver": ("loginTimeout", "5", "s"),
           "jtds": ("loginTimeout", "5", "s")}
READ = {"mysql": ("socketTimeout", "60000", "ms"), "mariadb": ("socketTimeout", "60000", "ms"),
        "postgresql": ("socketTimeout", "60", "s"), "sqlserver": ("socketTimeout", "60000", "ms"),
        "jtds": ("socketTimeout", "60", "s")}
SEMICOLON = frozenset({"sqlserver", "jtds"})  # ;key=value properties; the others take ?key=value&key=value


def _analysed(model: Any) -> list:  # type: ignore[type-arg]
    from cfglint.checks.jdbc import _analysed as analysed

    return analysed(model)


def _conn(f: Finding, model: Any, suffix: str) -> tuple | None:  # type: ignore[type-arg]
    def index() -> dict:  # type: ignore[type-arg]
        out: dict = {}  # type: ignore[type-arg]
        for conn, url, t in _analysed(model):
            out.setdefault((conn.url.span, conn.url.key), (conn, url, t))
        return out

    base = f.key[:-len(suffix) - 1] if f.key.endswith("/" + suffix) else None
    return memo(model, "jdbc", index).get((f.span, base)) if base is not None else None


def connect_timeout(f: Finding, model: Any, sources: dict[str, Source], options: dict[str, Any]) -> Fix | None:
    got = _conn(f, model, "connect")
    if got is None:
        return None
    conn, url, t = got
    if t.connect.ms is not None or t.connect.key is not None or url.vendor not in CONNECT:
        return None  # a timeout that is too long is the author's number to change, not ours
    from cfglint.checks.jdbc import _hikari_login_ms

    if _hikari_login_ms(conn, url.vendor) is not None:
        return None
    limit_ms = int(float(options.get("max-connect-timeout", 30)) * 1000)
    return _add_param(conn, url, CONNECT[url.vendor], sources, model,
                      lambda tt: tt.connect.ms is not None and tt.connect.ms <= limit_ms, "connect")


def read_timeout(f: Finding, model: Any, sources: dict[str, Source], options: dict[str, Any]) -> Fix | None:
    got = _conn(f, model, "read")
    if got is None:
        return None
    conn, url, t = got
    if t.read.ms is not None or t.read.key is not None or url.vendor not in READ:
        return None  # socketTimeout=0 written out is a decision; a second socketTimeout would be a guess
    return _add_param(conn, url, READ[url.vendor], sources, model,
                      lambda tt: tt.read.ms is not None and tt.read.ms > 0, "read")


def _unescape(kind: str, text: str) -> str | None:
    """The value as the application reads it, for the shapes fixers edit; None for shapes they leave alone."""
    if kind == "xml":
        if "<![CDATA[" in text:
            return None
        return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
                .replace("&amp;", "&")) if "&#" not in text else None
    if kind == "properties":
        out, i = [], 0
        while i < len(text):
            ch = text[i]
            if ch == "\\":
                if i + 1 >= len(text) or text[i + 1] in "\r\nu":
                    return None  # a continuation line or a \\u escape: not a shape we append to
                out.append({"t": "\t", "n": "\n", "r": "\r", "f": "\f"}.get(text[i + 1], text[i + 1]))
                i += 2
                continue
            out.append(ch)
            i += 1
        return "".join(out)
    if kind == "yaml":
        if "\n" in text or text[:1] in ("'", '"', "|", ">"):
            return None  # quoted or block scalars: the span is the value, its quoting is not ours to guess
        return text
    return None


def _add_param(conn: Any, url: Any, param: tuple[str, str, str], sources: dict[str, Source], model: Any,
               resolved: Any, what: str) -> Fix | None:
    span = conn.url.span
    if span is None or span.path not in sources.texts:  # type: ignore[attr-defined]
        return None
    src = sources[span.path]
    kind = src.kind
    a, b = src.start(span), src.end(span)
    slice_ = src.text[a:b]
    stripped = slice_.rstrip(" \t")
    b -= len(slice_) - len(stripped)
    if kind == "yaml" and len(stripped) >= 2 and stripped[0] in "'\"" and stripped[-1] == stripped[0]:
        if stripped[0] == '"' and "\\" in stripped:
            return None
        stripped = stripped[1:-1].replace("''", "'") if stripped[0] == "'" else stripped[1:-1]
        b -= 1  # inside the closing quote
    written = _unescape(kind, stripped)
    value = (conn.url.value or "").strip()
    if not written or written.strip() != written:
        return None
    if "${" not in written:
        if written != value:
            return None
    elif written.endswith("}") or not value.endswith(written.rsplit("}", 1)[1]):
        return None  # the URL ends in a placeholder: its parameters may come from wherever that is defined
    key, val, unit = param
    if url.vendor in SEMICOLON:
        sep = "" if written.endswith(";") else ";"
    elif "?" in written.split("}")[-1] or ("?" in written and "${" not in written.split("?", 1)[1]):
        sep = "" if written.endswith(("?", "&")) else "&"
    elif "?" in value:
        return None  # the query comes from a placeholder's value
    else:
        sep = "?"
    added = f"{sep}{key}={val}"
    # Check that the URL as the driver will see it now has the bound (and that JD001/JD002 would be satisfied).
    from cfglint.checks.jdbc import _timeouts
    from cfglint.jdbcurl import parse_jdbc_url

    new_url = parse_jdbc_url(value + added)
    if new_url is None:
        return None
    old_t, new_t = _timeouts(model, conn, url), _timeouts(model, conn, new_url)
    if not resolved(new_t) or {(i.kind, i.key) for i in new_t.issues} - {(i.kind, i.key) for i in old_t.issues}:
        return None  # e.g. Druid >= 1.2.22 reads a pgjdbc seconds value as ms (JD003): the fix would need a unit
    if kind == "xml" and src.text.rfind("<![CDATA[", 0, a) > src.text.rfind("]]>", 0, a):
        return None  # inside CDATA '&' is written as is; not a shape worth a special case
    text = added.replace("&", "&amp;") if kind == "xml" else added
    if kind == "yaml" and any(c in text for c in "#{}[],"):
        return None
    unit_text = "seconds" if unit == "s" else "ms"
    return Fix(f"add {key}={val} ({unit_text}) to the URL", False, (src.insert(b, text),))


_SEPS = ("&amp;", "?", "&", ";")


def merge_url_params(connect: Fix, read: Fix) -> Fix | None:
    """One insertion adding both timeouts, joined as the URL's own syntax joins parameters: ``;`` for SQL Server and
    jTDS, ``&`` otherwise (``&amp;`` in XML)."""
    a, b = connect.edits[0], read.edits[0]
    if a.span != b.span:
        return None
    semicolon = a.text.lstrip("?&;").startswith("loginTimeout")
    joiner = ";" if semicolon else "&amp;" if a.span.path.lower().endswith(".xml") else "&"
    tail = b.text
    for sep in _SEPS:
        if tail.startswith(sep):
            tail = tail[len(sep):]
            break
    if not tail or tail[0] in "?&;":
        return None
    what = " and ".join(d.removeprefix("add ").removesuffix(" to the URL") for d in (connect.description,
                                                                                     read.description))
    return Fix(f"add {what} to the URL", False, (Edit(a.span, a.text + joiner + tail),))


def ignored_keys(f: Finding, model: Any, sources: dict[str, Source], options: dict[str, Any]) -> Fix | None:
    """JD004: the driver's own name for a key it ignores, where the rename keeps the value's meaning exactly: Oracle's
    connectTimeout/socketTimeout in the connection properties (ms either way), a timeout key in the wrong case on a
    case-sensitive driver, pgjdbc's libpq spelling connect_timeout (seconds either way)."""
    from cfglint.checks.jdbc import _issue_span

    def index() -> dict:  # type: ignore[type-arg]
        out: dict = {}  # type: ignore[type-arg]
        for conn, url, t in _analysed(model):
            for issue in t.issues:
                if issue.kind == "ineffective":
                    span = _issue_span(conn, issue, value_only=False)
                    out.setdefault((span, f"{conn.url.key}/{issue.key}"), (conn, url, issue))
        return out

    got = memo(model, "ignored", index).get((f.span, f.key))
    if got is None or f.span.path not in sources.texts:  # type: ignore[attr-defined]
        return None
    conn, url, issue = got
    real = _real_name(url, issue)
    if real is None:
        return None
    written = {p.key for p in url.params} | set(conn.datasource.connection_properties if conn.datasource else ())
    if real in written:
        return None  # the right name is written too: which value wins would change
    src = sources[f.span.path]
    a = src.start(f.span)
    if src.text[a:a + len(issue.key)] != issue.key:
        return None
    rest = src.text[a + len(issue.key):a + len(issue.key) + 2]
    if not rest.startswith(("=", "\\=", ":")):
        return None
    edit = src.replace(a, a + len(issue.key), real)
    return Fix(f"rename {issue.key} to {real} (the name the driver reads; same value and unit)", True, (edit,))


def _real_name(url: Any, issue: Any) -> str | None:
    from cfglint.jdbcurl import _ORACLE_FOR, DRIVERS

    low = issue.key.lower()
    if url.vendor == "oracle":
        # Only the connection-properties spelling; Oracle reads no such URL parameter.
        return _ORACLE_FOR.get(low) if issue.param is None else None
    if url.vendor == "postgresql" and low == "connect_timeout":
        return "connectTimeout"
    facts = DRIVERS.get(url.vendor)
    if facts is None or not facts.check_case:
        return None
    keys = (*facts.connect, *facts.read, *facts.unit_only)
    return next((k.name for k in keys if k.name.lower() == low and k.name != issue.key), None)
