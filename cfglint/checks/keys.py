"""CF004 ineffective-key: a key under a prefix cfglint understands that binds to nothing for the
library versions in the module's build file. Key sets come from cfglint/catalog (derived from the
libraries' sources); facts/druid.md §5, facts/dubbo.md §1.4, §3, facts/spring.md §2.3, §3, §4.

Conservative by construction: a key is reported only when it is invalid for the detected version,
or invalid in every catalogued version when the version is unknown; keys under prefixes the
application defines itself (deeper than the library's own level) are never judged."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from cfglint.checks import finding
from cfglint.findings import Finding, Related, Severity
from cfglint.model.keys import KeyUse
from cfglint.model.module import ModuleModel
from cfglint.registry import check
from cfglint.span import Span

Version = tuple[int, ...]
_TOKEN = re.compile(r"\[[^\]]*\]|[^.\[]+")

# Bean class -> (catalogue library, set, build-file library that gives its version)
BEANS: dict[str, tuple[str, str, str | None]] = {
    "com.alibaba.druid.pool.DruidDataSource": ("druid", "bean", "druid"),
    "com.zaxxer.hikari.HikariDataSource": ("hikari", "HikariDataSource", "hikari"),
    "com.zaxxer.hikari.HikariConfig": ("hikari", "HikariConfig", "hikari"),
    "org.apache.commons.dbcp.BasicDataSource": ("dbcp", "dbcp", None),
    "org.apache.commons.dbcp2.BasicDataSource": ("dbcp", "dbcp2", "dbcp2"),
    "org.apache.tomcat.jdbc.pool.DataSource": ("tomcat-jdbc", "DataSource", "tomcat-jdbc"),
    "org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor":
        ("spring-framework", "ThreadPoolTaskExecutor", None),
    "org.springframework.scheduling.concurrent.ThreadPoolExecutorFactoryBean":
        ("spring-framework", "ThreadPoolExecutorFactoryBean", None),
}
LIB_NAMES = {"druid": "Druid", "dubbo": "Dubbo", "spring-boot": "Spring Boot", "hikari": "HikariCP",
             "dbcp2": "DBCP2", "tomcat-jdbc": "Tomcat JDBC", "dynamic-datasource": "dynamic-datasource"}
# spring.datasource.<pool>.* -> (catalogue, set, version library, what binds it)
POOL_PREFIXES: dict[str, tuple[str, str, str | None, str]] = {
    "hikari": ("hikari", "HikariDataSource", "hikari", "HikariCP's HikariDataSource"),
    "tomcat": ("tomcat-jdbc", "DataSource", "tomcat-jdbc", "the Tomcat JDBC pool's DataSource"),
    "dbcp2": ("dbcp", "dbcp2", "dbcp2", "DBCP2's BasicDataSource"),
    "dbcp": ("dbcp", "dbcp", None, "DBCP's BasicDataSource"),
}
DUBBO_TAGS = {"application": "application", "registry": "registry", "protocol": "protocol",
              "provider": "provider", "consumer": "consumer", "registries": "registry", "protocols": "protocol",
              "providers": "provider", "consumers": "consumer"}
SHADOWING = {"protocol": "protocols", "registry": "registries", "provider": "providers", "consumer": "consumers"}
DUBBO_LEGACY = {  # 2.6 AbstractConfig.LEGACY_PROPERTIES; declared but never read in 2.7, gone in 3.x
    "dubbo.service.max.thread.pool.size": "dubbo.protocol.threads",
    "dubbo.service.invoke.timeout": "dubbo.consumer.timeout",
    "dubbo.service.max.retry.providers": "dubbo.consumer.retries (note: value - 1)",
    "dubbo.service.allow.no.provider": "dubbo.consumer.check (inverted)",
}
# Keys under dubbo.service.* that Dubbo reads as themselves, not as dubbo.service.<interface>.<property>: the
# shutdown wait (SHUTDOWN_WAIT_KEY / SHUTDOWN_WAIT_SECONDS_KEY, 3.3.1 CommonConstants L308-310, also in 2.6 and 2.7)
# and the other 2.6 legacy aliases (2.6.12 AbstractConfig.legacyProperties L66-73).
DUBBO_SERVICE_OWN = ("dubbo.service.shutdown.wait", "dubbo.service.shutdown.wait.seconds", "dubbo.service.protocol",
                     "dubbo.service.server.host", "dubbo.service.server.port", "dubbo.service.address")
# ArgumentConfig setters (3.3.1 ArgumentConfig L61-74), read as <method>.<index>.<property> (MethodConfig
# refreshArgument).
ARGUMENT_PROPS = frozenset({"index", "type", "callback"})


@dataclass(frozen=True)  # shared through the memo below
class Verdict:
    kind: str  # "version" | "typo" | "unknown"
    name: str = ""  # the catalogue name concerned (version) or the suggestion (typo)
    change: tuple[str, str] | None = None


_VERDICTS: dict[tuple[str, str, str, Version | None, str], Verdict | None] = {}
# (Dubbo element, attribute, Dubbo version) judged to bind: a monorepo repeats the same few dozen attributes on
# thousands of elements, and most of them are fine. Pure, like _VERDICTS: shared across modules.
_XML_FINE: set[tuple[str, str, Version | None]] = set()
# (key as written, canonical key, foreign file, Judge.module_facts) of property keys judged to bind. Every module of
# a monorepo writes the same keys; the facts are everything else a judgement of a property key reads.
_PROP_FINE: set[tuple[str, str, bool, tuple]] = set()  # type: ignore[type-arg]
_PROP_FINE_MAX = 100_000  # distinct entries before the memo starts over (a bound on memory, never reached in practice)


# ---- helpers -----------------------------------------------------------------------------------------


_NON_ALNUM = re.compile(r"[^a-z0-9]")


@lru_cache(maxsize=65536)
def relaxed(s: str) -> str:
    return _NON_ALNUM.sub("", s.lower())


def distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (adjacent transpositions count 1), stopping past limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def suggest(written: str, candidates: list[str], norm=relaxed) -> str | None:  # type: ignore[no-untyped-def]
    """The closest candidate within a length-dependent edit distance of the written name."""
    w = norm(written)
    n = len(w)
    limit = 0 if n <= 3 else 1 if n <= 5 else 2 if n <= 12 else 3
    best: tuple[int, str] | None = None
    for c in candidates:
        if c.endswith(".*"):
            continue
        d = distance(w, norm(c), limit)
        if d <= limit and (best is None or (d, c) < best):
            best = (d, c)
    return best[1] if best else None


def dashed(name: str) -> str:
    out = []
    for ch in name:
        if ch.isupper() and out and out[-1] != "-":
            out.append("-")
        out.append(ch.lower())
    return "".join(out)


def styled(name: str, like: str) -> str:
    """A catalogue name in the style the user wrote (kebab-case if they used dashes)."""
    return dashed(name) if "-" in like and "-" not in name else name


def kebab3(name: str) -> str:
    """Dubbo 3's StringUtils.convertToSplitName(name, "-") (3.3.1)."""
    if "_" in name or name == name.lower() or name == name.upper():
        return name.lower().replace("_", "-")
    if not re.fullmatch(r"[A-Za-z0-9]+", name):
        return name.lower() if re.fullmatch(r"[A-Za-z0-9-]+", name) else name
    out = []
    for i, ch in enumerate(name):
        if "A" <= ch <= "Z":
            if i > 0:
                out.append("-")
            out.append(ch.lower())
        else:
            out.append(ch)
    return "".join(out).lower()


def vtext(v: Version) -> str:
    return ".".join(map(str, v))


def tokens(key: str) -> list[str]:
    return _TOKEN.findall(key)


class KnownKeys:
    """The known-keys option: glob patterns over keys (relaxed per element for property keys)."""

    def __init__(self, patterns: list[str]) -> None:
        self.raw = [p for p in patterns if isinstance(p, str) and p.strip()]
        self.relaxed = [".".join(p if ("*" in p or "?" in p) and not re.sub(r"[*?]", "", p)
                                 else re.sub(r"[^a-z0-9*?\[\]]", "", p.lower()) for p in pat.split("."))
                        for pat in self.raw]

    def matches(self, *names: str) -> bool:
        for name in names:
            if not name:
                continue
            rel = ".".join(re.sub(r"[^a-z0-9\[\]]", "", t.lower()) if not t.startswith("[") else t
                           for t in tokens(name))
            for raw, rp in zip(self.raw, self.relaxed, strict=True):
                if fnmatch.fnmatchcase(name, raw) or fnmatch.fnmatchcase(rel, rp):
                    return True
        return False


# ---- the check ---------------------------------------------------------------------------------------


@check("CF004")
def ineffective_key(model: ModuleModel, options: dict[str, Any]) -> Iterator[Finding]:
    keys = model.keys
    if not keys.uses and not keys.xml_attrs:
        return
    judge = Judge(model, KnownKeys(list(options.get("known-keys") or [])))
    seen: set[Span] = set()

    def report(use: KeyUse) -> Finding | None:
        """The finding for ``use``: None when it binds, is a known key, or its position was reported already
        (one key can be recorded twice: a shared file, two profiles)."""
        if judge.known_key(use):
            return None
        f = judge.judge(use)
        if f is None:
            if use.kind == "xml-attr":
                _XML_FINE.add((use.element, use.key, judge.version("dubbo")))  # judge() set judge.foreign
            return None
        if f.span in seen:
            return None
        seen.add(f.span)
        return f

    for use in keys.uses:
        if (f := report(use)) is not None:
            yield f
    dubbo = model.version("dubbo")
    for rec in keys.xml_attrs:
        v = None if rec.path in keys.foreign else dubbo
        for a in rec.attrs:
            if (rec.element, a.name, v) in _XML_FINE:
                continue
            use = KeyUse("xml-attr", a.name, a.name, a.value, a, "xml", element=rec.element, ns=rec.ns,
                         owner=rec.owner)
            if (f := report(use)) is not None:
                yield f


class Judge:
    def __init__(self, model: ModuleModel, known: KnownKeys) -> None:
        from cfglint import catalog

        self.catalog = catalog
        self.model = model
        self.known = known
        self.prop_canons = model.keys.prop_canons
        self.foreign = False
        self._facts: tuple | None = None  # type: ignore[type-arg]
        self._starter: bool | None = None

    def module_facts(self) -> tuple:  # type: ignore[type-arg]
        """What a property key's judgement reads from its module besides the key and whether its file is foreign:
        the library versions, whether spring.datasource.jdbc-url is set (_flat_datasource), and for Dubbo 3's
        shadowing the singular blocks the XML declares and the plural blocks the properties define."""
        if self._facts is None:
            keys = self.model.keys
            plurals = frozenset(p for p in SHADOWING.values() if any(
                u.kind == "prop" and u.canon.startswith(f"dubbo.{p}.") and len(tokens(u.canon)) >= 4
                for u in keys.uses))
            self._facts = (tuple(sorted(self.model.versions.items())), "spring.datasource.jdbcurl" in self.prop_canons,
                           frozenset(t for t in keys.xml_dubbo if t in SHADOWING), plurals, self.druid_starter())
        return self._facts

    def druid_starter(self) -> bool:
        """The Druid starter's pool is configured (spring.datasource.druid.*): computed once, and apart from the
        other module facts, which a flat datasource key does not need."""
        if self._starter is None:
            self._starter = any(c.startswith("spring.datasource.druid.") for c in self.prop_canons)
        return self._starter

    def ks(self, lib: str, name: str):  # type: ignore[no-untyped-def]
        return self.catalog.keyset(lib, name)

    def version(self, lib: str | None) -> Version | None:
        if not lib or self.foreign:
            return None
        return self.model.version(lib)

    def known_key(self, use: KeyUse) -> bool:
        if not self.known.raw:
            return False
        if use.kind == "prop":
            return self.known.matches(use.key)
        if use.kind == "xml-attr":
            return self.known.matches(f"dubbo:{use.element}.{use.key}")
        if use.kind == "bean-prop":
            return self.known.matches(f"{use.element}.{use.key}")
        return self.known.matches(use.key)

    def judge(self, use: KeyUse) -> Finding | None:
        self.foreign = use.path in self.model.keys.foreign
        if use.kind == "prop":
            if use.canon in self.model.keys.referenced:
                return None  # read through a ${placeholder}: an application key
            k = (use.key, use.canon, self.foreign, self.module_facts())
            if k in _PROP_FINE:
                return None
            f = self._prop(use)
            if f is None:
                if len(_PROP_FINE) >= _PROP_FINE_MAX:
                    _PROP_FINE.clear()
                _PROP_FINE.add(k)
            return f
        if use.kind == "xml-attr":
            return self._xml_attr(use)
        if use.kind == "bean-prop":
            return self._bean_prop(use)
        if use.kind == "conn-prop":
            return self._conn_prop(use)
        if use.kind == "factory":
            return self._factory(use)
        return None

    # ---- generic name judgement ------------------------------------------------------------------

    def verdict(self, ks, written: str, v: Version | None, mode: str) -> Verdict | None:  # type: ignore[no-untyped-def]
        """None when the name is (or may be) valid; otherwise why not. Pure: memoised across modules."""
        k = (ks.library, ks.name, written, v, mode)
        try:
            return _VERDICTS[k]
        except KeyError:
            vd = _VERDICTS[k] = self._verdict(ks, written, v, mode)
            return vd

    @staticmethod
    def _verdict(ks, written: str, v: Version | None, mode: str) -> Verdict | None:  # type: ignore[no-untyped-def]
        if mode == "relaxed":
            names = ks.by_relaxed(relaxed(written))
        elif mode == "bean":  # Spring BeanWrapper: exact, or with the first letter's case changed
            names = [n for n in (written, written[:1].lower() + written[1:], written[:1].upper() + written[1:])
                     if ks.exists_anywhere(n)]
        else:
            names = [written] if ks.exists_anywhere(written) else []
        if names:
            if v is None:
                return None
            statuses = [ks.status(n, v) for n in names]
            if any(s is not False for s in statuses):
                return None
            return Verdict("version", names[0], ks.change(names[0], v))
        norm = relaxed if mode == "relaxed" else str.lower
        cand = ks.valid_names(v)
        s = suggest(written, cand, norm)
        if s:
            return Verdict("typo", s)
        if v is not None and ks.status("\0", v) is None:
            return None  # a version the catalogue cannot speak for (newer than every scanned release): may exist
        return Verdict("unknown")

    def _version_text(self, lib: str, v: Version | None) -> str:
        return f"{LIB_NAMES.get(lib, lib)} {vtext(v)}" if v else LIB_NAMES.get(lib, lib)

    @staticmethod
    def _change(change: tuple[str, str] | None) -> str:
        if change is None:
            return "not in that version"
        return f"{change[0]} in {change[1]}"

    def _finding(self, use: KeyUse, message: str, related: tuple[Related, ...] = (),
                 severity: Severity = Severity.ERROR) -> Finding:
        key = f"{use.kind}/{use.owner + '/' if use.owner else ''}{use.canon}"
        head, why, help_, notes = split_message(message, use.key)
        return finding("CF004", use.span, head, key, related, severity, why=why, help=help_, notes=notes)

    # ---- properties and YAML -------------------------------------------------------------------------

    def _prop(self, use: KeyUse) -> Finding | None:
        e = tokens(use.canon)
        w = tokens(use.key)
        if len(w) != len(e):
            w = e
        if any(t.startswith("[") for t in e[:-1]) or e[-1].startswith("["):
            return None
        if e[0] == "dubbo":
            return self._dubbo_prop(use, e, w)
        if e[:2] == ["spring", "datasource"]:
            return self._datasource_prop(use, e, w)
        if e[:2] == ["server", "tomcat"]:
            return self._boot_full(use, e, w, closed=True)
        if e[:2] == ["spring", "task"]:
            return self._boot_full(use, e, w, closed=len(e) > 3 and e[2] in ("execution", "scheduling"))
        return None

    def _leaf(self, use: KeyUse, w: list[str], ks, lib: str, v_lib: str | None, what: str,  # type: ignore[no-untyped-def]
              closed: bool) -> Finding | None:
        leaf = w[-1]
        v = self.version(v_lib)
        vd = self.verdict(ks, leaf, v, "relaxed")
        if vd is None:
            return None
        prefix = ".".join(w[:-1])
        if vd.kind == "version":
            return self._finding(use, f"`{use.key}` binds to nothing on {self._version_text(v_lib or lib, v)}: "
                                      f"{what} has no property `{styled(vd.name, leaf)}` in that version "
                                      f"({self._change(vd.change)}), and unknown keys are silently ignored, so the "
                                      "default stays in force")
        if vd.kind == "typo":
            return self._finding(use, f"`{use.key}` binds to nothing: {what} has no property `{leaf}`; did you "
                                      f"mean `{prefix}.{styled(vd.name, leaf)}`? Unknown keys are silently ignored, "
                                      "so the default stays in force")
        if closed:
            return self._finding(use, f"`{use.key}` binds to nothing: {what} has no property `{leaf}` in any "
                                      f"{LIB_NAMES.get(lib, lib)} version, and unknown keys are silently ignored")
        return None

    def _datasource_prop(self, use: KeyUse, e: list[str], w: list[str]) -> Finding | None:
        n = len(e)
        if n == 3:
            return self._flat_datasource(use, e, w)
        sub = e[2]
        if sub == "druid":
            if n == 4:
                return self._druid_starter(use, w)
            if n == 5 and e[3] in ("statviewservlet", "webstatfilter"):
                return self._druid_starter(use, w, nested=e[3])
            return None
        if sub in POOL_PREFIXES and n == 4:
            lib, name, vlib, what = POOL_PREFIXES[sub]
            if sub == "dbcp":
                boot = self.version("spring-boot")
                pools = self.ks("spring-boot", "pool-prefixes")
                if boot is not None and pools.status("dbcp", boot) is False:
                    return self._finding(use, f"`{use.key}` binds to nothing on Spring Boot {vtext(boot)}: the "
                                              "spring.datasource.dbcp.* (Commons DBCP 1) binding was removed in "
                                              "2.0; use DBCP2 and spring.datasource.dbcp2.*")
            return self._leaf(use, w, self.ks(lib, name), lib, vlib, what, closed=True)
        if sub == "dynamic":
            return self._dynamic(use, e, w)
        if sub == "xa":
            return self._boot_full(use, e, w, closed=False)
        return None

    def _flat_datasource(self, use: KeyUse, e: list[str], w: list[str]) -> Finding | None:
        """spring.datasource.<leaf>: DataSourceProperties, or a pool setting written flat."""
        boot_ks = self.ks("spring-boot", "keys")
        leaf = e[2]
        v = self.version("spring-boot")
        if boot_ks.by_relaxed(f"spring.datasource.{leaf}") or leaf in ("hikari", "tomcat", "dbcp", "dbcp2",
                                                                         "oracleucp", "druid", "dynamic", "xa"):
            return self._boot_full(use, e, w, closed=False)
        pool = self._flat_pool_name(leaf)
        if pool is not None:
            if "spring.datasource" in self.model.bindings:
                return None  # Java code binds spring.datasource onto its own pool bean (@ConfigurationProperties)
            if leaf == "jdbcurl" or "spring.datasource.jdbcurl" in self.prop_canons:
                # jdbc-url only binds when the application builds the pool itself from spring.datasource
                # (@ConfigurationProperties("spring.datasource") + DataSourceBuilder): flat keys may be bound.
                return None
            pools = self.ks("spring-boot", "pool-prefixes")
            boot14 = v is not None and pools.status("hikari", v) is True
            # The Druid starter binds spring.datasource.druid only, whatever the Boot version (druid.md §5).
            starter = self.druid_starter() and bool(self.ks("druid", "bean").by_relaxed(leaf))
            if not boot14 and not starter:
                return None  # Boot <= 1.3 binds spring.datasource.* onto the pool; unknown version: cannot tell
            target = self._pool_target(leaf)
            fix = f"write `{target}`" if target else "write it under the pool's own prefix"
            # Say what DS001 says about the same pool: the wait it meant to bound is unbounded.
            keeps = "so the pool keeps its default"
            if leaf in ("maxwait", "maxwaitmillis") and target and target.startswith(
                    ("spring.datasource.druid.", "spring.datasource.dbcp2.")):
                keeps = "so the pool keeps its default wait of -1 and waits forever for a free connection (DS001)"
            if not boot14:
                return self._finding(use, f"`{use.key}` binds to nothing: the Druid starter binds pool settings only "
                                          f"under spring.datasource.druid, {keeps}; {fix}")
            return self._finding(use, f"`{use.key}` binds to nothing on Spring Boot {vtext(v)}: since 1.4 Boot binds "
                                      "pool settings only under spring.datasource.hikari/tomcat/dbcp2 (and the "
                                      f"Druid starter under spring.datasource.druid), {keeps}; {fix} (if your own "
                                      "code binds spring.datasource onto a pool bean, list the key in known-keys)")
        return self._boot_full(use, e, w, closed=False)

    def _flat_pool_name(self, leaf: str) -> str | None:
        for lib, name in (("druid", "bean"), ("hikari", "HikariDataSource"), ("tomcat-jdbc", "DataSource"),
                          ("dbcp", "dbcp2")):
            found = self.ks(lib, name).by_relaxed(leaf)
            if found:
                return found[0]
        return None

    def _pool_target(self, leaf: str) -> str | None:
        """Where the flat key should go, given the pool the module uses."""
        m = self.model
        pools: list[str] = []
        if self.druid_starter() or "druid" in m.present:
            pools.append("druid")
        for p in ("hikari", "tomcat", "dbcp2"):
            if any(c.startswith(f"spring.datasource.{p}.") for c in self.prop_canons):
                pools.append(p)
        boot = self.version("spring-boot")
        pools.append("tomcat" if boot is not None and boot < (2,) else "hikari")  # Boot's default pool
        for p in pools:
            lib, name = {"druid": ("druid", "bean"), "hikari": ("hikari", "HikariDataSource"),
                         "tomcat": ("tomcat-jdbc", "DataSource"), "dbcp2": ("dbcp", "dbcp2")}[p]
            found = self.ks(lib, name).by_relaxed(leaf)
            if found:
                return f"spring.datasource.{p}.{dashed(found[0])}"
        return None

    def _druid_starter(self, use: KeyUse, w: list[str], nested: str | None = None) -> Finding | None:
        v = self.version("druid")
        starter = self.ks("druid", "starter")
        leaf = w[-1]
        if nested is None:
            if starter.by_relaxed(relaxed(leaf)):
                return None
            ks = self.ks("druid", "bean")
            vd = self.verdict(ks, leaf, v, "relaxed")
            if vd is not None and vd.kind == "typo" and starter.by_relaxed(relaxed(vd.name)):
                vd = None
        else:
            ks = starter
            parent = next((n for n in starter.names if relaxed(n) == nested), nested)
            names = [n.split(".", 1)[1] for n in starter.names if n.startswith(parent + ".")]
            if any(relaxed(n) == relaxed(leaf) for n in names):
                return None
            s = suggest(leaf, names)
            vd = Verdict("typo", s) if s else Verdict("unknown")
        if vd is None:
            return None
        prefix = ".".join(w[:-1])
        if nested is None and relaxed(leaf) == "type" and "druid" in (use.value or "druid").lower():
            # The intent (a Druid pool) is met anyway: the starter creates a DruidDataSource itself.
            return self._finding(use, f"`{use.key}` binds to nothing: DruidDataSource has no property `type`. It "
                                      "does no harm, since the Druid starter already creates a DruidDataSource; "
                                      "remove it (spring.datasource.type is where Boot reads a pool type)",
                                 severity=Severity.NOTE)
        what = "DruidDataSource" if nested is None else f"the Druid starter's {dashed(w[-2])}"
        if vd.kind == "version":
            return self._finding(use, f"`{use.key}` binds to nothing on Druid {vtext(v or ())}: DruidDataSource has no "
                                      f"property `{styled(vd.name, leaf)}` in that version "
                                      f"({self._change(vd.change)}); the starter ignores unknown keys, so the pool "
                                      "keeps its default")
        if vd.kind == "typo":
            return self._finding(use, f"`{use.key}` binds to nothing: {what} has no property `{leaf}`; did you mean "
                                      f"`{prefix}.{styled(vd.name, leaf)}`? The Druid starter ignores unknown keys, "
                                      "so the default stays in force")
        return self._finding(use, f"`{use.key}` binds to nothing: {what} has no property `{leaf}` in any Druid "
                                  "version, and the Druid starter ignores unknown keys")

    def _dynamic(self, use: KeyUse, e: list[str], w: list[str]) -> Finding | None:
        n = len(e)
        sets = {"druid": ("druid", "dynamic-datasource's DruidConfig"),
                "hikari": ("hikari", "dynamic-datasource's HikariCpConfig")}
        if n == 4:
            return self._leaf(use, w, self.ks("dynamic-datasource", "properties"), "dynamic-datasource",
                              "dynamic-datasource", "dynamic-datasource's DynamicDataSourceProperties", closed=False)
        if e[3] == "datasource":
            if n == 6:
                return self._leaf(use, w, self.ks("dynamic-datasource", "datasource"), "dynamic-datasource",
                                  "dynamic-datasource", "dynamic-datasource's DataSourceProperty", closed=False)
            if n == 7 and e[5] in sets:
                name, what = sets[e[5]]
                return self._leaf(use, w, self.ks("dynamic-datasource", name), "dynamic-datasource",
                                  "dynamic-datasource", what, closed=False)
            return None
        if n == 5 and e[3] in sets:
            name, what = sets[e[3]]
            return self._leaf(use, w, self.ks("dynamic-datasource", name), "dynamic-datasource",
                              "dynamic-datasource", what, closed=False)
        return None

    def _boot_full(self, use: KeyUse, e: list[str], w: list[str], closed: bool) -> Finding | None:
        """A whole key judged against Spring Boot's own properties (server.tomcat.*, spring.task.*, ...)."""
        ks = self.ks("spring-boot", "keys")
        v = self.version("spring-boot")
        canon = ".".join(e)
        names = ks.by_relaxed(canon)
        if not names:  # inside a map-typed property (e.g. spring.datasource.xa.properties.*)?
            for i in range(len(e) - 1, 1, -1):
                wild = ks.by_relaxed(".".join(e[:i]) + ".*")
                if wild:
                    names = wild
                    break
        if names:
            if v is None:
                return None
            statuses = [ks.status(n, v) for n in names]
            if any(s is not False for s in statuses):
                return None
            change = ks.change(names[0], v)
            rep = self._replacement(ks, names[0], v)
            fix = f"; use `{rep}`" if rep else ""
            return self._finding(use, f"`{use.key}` binds to nothing on Spring Boot {vtext(v)}: "
                                      f"{self._change(change)}{fix}. Boot ignores unknown keys, so the default "
                                      "stays in force")
        # Unknown in every version: a typo? Compare with keys of the same depth.
        depth = len(e)
        head = ".".join(e[:2])
        cands = [k for k in ks.valid_names(v) if len(k.split(".")) == depth and not k.endswith(".*")
                 and relaxed_key(".".join(k.split(".")[:2])) == head]
        s = suggest(canon, cands, lambda x: ".".join(relaxed(t) for t in x.split(".")))
        if s is None and (not closed or (v is not None and ks.status("\0", v) is None)):
            return None  # an application key, or a Boot newer than the catalogue: it may exist there
        if s is not None:
            return self._finding(use, f"`{use.key}` binds to nothing: Spring Boot has no such property; did you mean "
                                      f"`{s}`? Boot ignores unknown keys, so the default stays in force")
        return self._finding(use, f"`{use.key}` binds to nothing: no Spring Boot version has this property, and Boot "
                                  "ignores unknown keys")

    @staticmethod
    def _replacement(ks, name: str, v: Version) -> str | None:  # type: ignore[no-untyped-def]
        """The replacement Boot names for a removed key, following chains (initialize ->
        initialization-mode -> spring.sql.init.mode) while the replacement is itself gone in v."""
        rep = ks.replacement(name)
        seen = {name}
        while rep and rep not in seen:
            seen.add(rep)
            found = ks.by_relaxed(relaxed_key(rep))
            if not found:
                # Outside the catalogued prefixes (spring.sql.init.*) is fine; inside, an unknown name is a
                # typo in Boot's own metadata (server.tomcat.remote.port-header): say nothing.
                return rep if not rep.startswith(("spring.datasource.", "server.tomcat.", "spring.task.")) else None
            nxt = ks.replacement(found[0])
            if ks.status(found[0], v) is False and nxt:
                rep = nxt
                continue
            return rep
        return rep

    def _dubbo_prop(self, use: KeyUse, e: list[str], w: list[str]) -> Finding | None:
        v = self.version("dubbo")
        canon = ".".join(e)
        legacy = _dubbo_legacy()
        if canon in legacy:
            if v is not None and v >= (2, 7):
                return self._finding(use, f"`{use.key}` binds to nothing on Dubbo {vtext(v)}: it is a Dubbo 2.6 "
                                          f"legacy alias that 2.7+ never reads; write `{legacy[canon]}`")
            return None
        n = len(e)
        if n == 3 and e[1] in DUBBO_TAGS and not e[1].endswith("s"):
            tag = e[1]
        elif n == 4 and e[1] in DUBBO_TAGS and e[1].endswith("s"):
            tag = DUBBO_TAGS[e[1]]
        elif e[1] in ("service", "reference"):
            return self._dubbo_interface_prop(use, e, w, v)
        else:
            return None
        ks = self.ks("dubbo", f"props:{tag}")
        leaf = w[-1]
        cls = {"application": "ApplicationConfig", "registry": "RegistryConfig", "protocol": "ProtocolConfig",
               "provider": "ProviderConfig", "consumer": "ConsumerConfig"}[tag]
        # Shadowed: Dubbo 3 never loads dubbo.<tag>.* once any dubbo.<tags>.<id>.* exists.
        if n == 3 and v is not None and v >= (3,) and tag in SHADOWING and tag not in self.model.keys.xml_dubbo:
            plural = SHADOWING[tag]
            first = next((u for u in self.model.keys.uses if u.kind == "prop"
                          and u.canon.startswith(f"dubbo.{plural}.") and len(tokens(u.canon)) >= 4), None)
            if first is not None:
                ident = tokens(first.key)[2] if len(tokens(first.key)) >= 4 else "<id>"
                return self._finding(use, f"`{use.key}` is ignored by Dubbo {vtext(v)}: `{first.key}` defines "
                                          f"dubbo.{plural}.{ident}, and once any dubbo.{plural}.* exists Dubbo 3 "
                                          f"never loads the single dubbo.{tag}.* block; write "
                                          f"`dubbo.{plural}.{ident}.{leaf}`",
                                     (Related(first.span, f"dubbo.{plural}.{ident} is defined here"),))
        vd = self.verdict(ks, leaf, v, "relaxed")
        if vd is None:
            if v is not None and v >= (3,):
                names = ks.by_relaxed(relaxed(leaf))
                if names and not any(kebab3(leaf) == kebab3(nm) for nm in names):
                    good = kebab3(names[0])
                    return self._finding(use, f"`{use.key}` is ignored by Dubbo {vtext(v)}: Dubbo 3 matches "
                                              f"dubbo.* keys in the kebab-case of the property name, and `{leaf}` "
                                              f"becomes `{kebab3(leaf)}`, not `{good}`; write "
                                              f"`{'.'.join(w[:-1])}.{good}`")
            return None
        prefix = ".".join(w[:-1])
        if vd.kind == "version":
            return self._finding(use, f"`{use.key}` binds to nothing on Dubbo {vtext(v or ())}: {cls} has no "
                                      f"property `{vd.name}` in that version ({self._change(vd.change)}); Dubbo "
                                      "ignores unknown keys")
        if vd.kind == "typo":
            good = kebab3(vd.name) if v is not None and v >= (3,) else styled(vd.name, leaf)
            return self._finding(use, f"`{use.key}` binds to nothing: {cls} has no property `{leaf}`; did you mean "
                                      f"`{prefix}.{good}`? Dubbo ignores unknown keys")
        return None

    def _dubbo_interface_prop(self, use: KeyUse, e: list[str], w: list[str], v: Version | None) -> Finding | None:
        """dubbo.service.<interface>.<property> and dubbo.reference.<interface>.<property> (2.7+: ServiceConfigBase
        and ReferenceConfigBase getPrefix, 3.x getPrefixes), dubbo.<tag>.<property> and dubbo.<tag>.<id>.<property>
        in 2.6 (AbstractConfig.appendProperties). Interface names hold dots, so only the last segment is judged: it
        must be a property of ServiceConfig / ReferenceConfig (their setters and their superclasses'), or of
        MethodConfig for <interface>.<method>.<property>, or of ArgumentConfig after a method's argument index."""
        if relaxed_key(".".join(e)) in _dubbo_service_own() or "parameters" in e[2:-1]:
            return None  # a key Dubbo reads as itself, or an entry of the parameters map (parameters.<key>)
        n = len(e)
        if n >= 5 and e[-2].isdigit() and e[-1] in ARGUMENT_PROPS:
            return None
        tag = e[1]
        ks = self.ks("dubbo", f"props:{tag}")
        method = self.ks("dubbo", "props:method")
        # 2.6 split a property name on its capitals with dots (camelToSplitName): the last two to four segments may
        # be one name.
        for k in range(2, min(4, n - 2) + 1):
            joined = "".join(e[-k:])
            if ks.by_relaxed(joined) or method.by_relaxed(joined):
                return None
        leaf = w[-1]
        cls = "ServiceConfig" if tag == "service" else "ReferenceConfig"
        vd = self.verdict(ks, leaf, v, "relaxed")
        mvd = self.verdict(method, leaf, v, "relaxed") if vd is not None else None
        if vd is None or mvd is None:  # a property of the interface, or of its methods
            names = (ks if vd is None else method).by_relaxed(relaxed(leaf))
            if v is not None and v >= (3,) and names and not any(kebab3(leaf) == kebab3(nm) for nm in names):
                good = kebab3(names[0])
                return self._finding(use, f"`{use.key}` is ignored by Dubbo {vtext(v)}: Dubbo 3 matches dubbo.* keys "
                                          f"in the kebab-case of the property name, and `{leaf}` becomes "
                                          f"`{kebab3(leaf)}`, not `{good}`; write `{'.'.join(w[:-1])}.{good}`")
            return None
        prefix = ".".join(w[:-1])
        shape = f"dubbo.{tag}.<interface>.<property>"
        if vd.kind == "version":
            return self._finding(use, f"`{use.key}` binds to nothing on Dubbo {vtext(v or ())}: {cls} has no "
                                      f"property `{vd.name}` in that version ({self._change(vd.change)}); Dubbo "
                                      "ignores unknown keys")
        if vd.kind != "typo" and mvd.kind == "typo" and n >= 5:  # <interface>.<method>.<property> misspelled
            vd, cls = mvd, "MethodConfig"
        if n >= 5 and e[-2].isdigit():  # <method>.<index>.<property>: an argument's
            arg = suggest(leaf, sorted(ARGUMENT_PROPS))
            vd, cls = (Verdict("typo", arg), "ArgumentConfig") if arg else (vd, cls)
        if vd.kind == "typo":
            good = kebab3(vd.name) if v is not None and v >= (3,) else styled(vd.name, leaf)
            return self._finding(use, f"`{use.key}` binds to nothing: {cls} has no property `{leaf}`; did you mean "
                                      f"`{prefix}.{good}`? Dubbo ignores unknown keys")
        return self._finding(use, f"`{use.key}` binds to nothing: {cls} has no property `{leaf}` in any Dubbo "
                                  f"version (Dubbo reads {shape}, and the property is the last segment); Dubbo "
                                  "ignores unknown keys")

    # ---- XML -------------------------------------------------------------------------------------

    def _xml_attr(self, use: KeyUse) -> Finding | None:
        try:
            ks = self.ks("dubbo", f"xsd:{use.element}")
        except KeyError:
            return None
        v = self.version("dubbo")
        vd = self.verdict(ks, use.key, v, "exact")
        if vd is None:
            return None
        elsewhere = []
        for other in ("protocol", "provider", "consumer", "service", "reference", "method"):
            if other == use.element:
                continue
            oks = self.ks("dubbo", f"xsd:{other}")
            if oks.exists_anywhere(use.key) and oks.status(use.key, v) is not False:
                elsewhere.append(f"<dubbo:{other}>")
        where = f" (it is an attribute of {', '.join(elsewhere)})" if elsewhere and vd.kind != "typo" else ""
        consequence = "Spring validates Dubbo XML against dubbo.xsd, so the context fails to start"
        if vd.kind == "version":
            return self._finding(use, f"`{use.key}` is not declared for <dubbo:{use.element}> by the dubbo.xsd of "
                                      f"Dubbo {vtext(v or ())} ({self._change(vd.change)}){where}: {consequence}")
        if vd.kind == "typo":
            return self._finding(use, f"<dubbo:{use.element}> has no attribute `{use.key}` in any Dubbo XSD; did you "
                                      f"mean `{vd.name}`? {consequence}")
        return self._finding(use, f"<dubbo:{use.element}> has no attribute `{use.key}` in any Dubbo XSD{where}: "
                                  f"{consequence}")

    def _bean_prop(self, use: KeyUse) -> Finding | None:
        spec = BEANS.get(use.element)
        if spec is None:
            return None
        lib, name, vlib = spec
        ks = self.ks(lib, name)
        v = self.version(vlib)
        vd = self.verdict(ks, use.key, v, "bean")
        if vd is None:
            return None
        cls = use.element.rsplit(".", 1)[-1]
        consequence = "Spring cannot set it and fails to create the bean (NotWritablePropertyException)"
        if use.owner.startswith(("spring.shardingsphere.", "sharding.jdbc.")):
            consequence = (f"ShardingSphere sets only properties {cls} has a setter for and skips this one without "
                           "a word, so it does nothing")
        if vd.kind == "version":
            return self._finding(use, f"`{use.key}` is not a property of {cls} in {self._version_text(vlib or lib, v)} "
                                      f"({self._change(vd.change)}): {consequence}")
        if vd.kind == "typo":
            return self._finding(use, f"{cls} has no property `{use.key}`; did you mean `{vd.name}`? {consequence}")
        return self._finding(use, f"{cls} has no property `{use.key}` in any {LIB_NAMES.get(lib, lib)} version: "
                                  f"{consequence}")

    # ---- Druid connectionProperties and druid.properties ---------------------------------------------

    def _druid_known(self, key: str, v: Version | None) -> Verdict | None:
        """druid.* / config.* names Druid reads (pool keys and the filters' keys)."""
        pool = self.ks("druid", "druid-keys")
        known = self.ks("druid", "known-keys")
        for ks in (pool, known):
            if ks.exists_anywhere(key):
                st = ks.status(key, v)
                if st is not False:
                    return None
        for ks in (pool, known):
            if ks.exists_anywhere(key):
                return Verdict("version", key, ks.change(key, v or ()))
        s = suggest(key, sorted(set(pool.valid_names(v)) | set(known.valid_names(v))), str.lower)
        return Verdict("typo", s) if s else None

    def _conn_prop(self, use: KeyUse) -> Finding | None:
        if use.parse == "properties" and ("=" in use.key or (";" in (use.value or "") and "=" in (use.value or ""))):
            raw = f"{use.key}={use.value}" if use.value else use.key
            entries = [p.split("=", 1) for p in raw.split(";") if "=" in p]
            as_map = ", ".join(f"{k.strip()}: {v.strip()}" for k, v in entries)
            got = f"one property `{use.key}`" + (f" = `{use.value}`" if use.value else " with an empty value")
            return self._finding(use, f"`{use.owner}` is not read as Druid's `k=v;k=v` list: dynamic-datasource "
                                      "binds it as a java.util.Properties, which reads the string as one .properties "
                                      f"line; Druid receives {got}, so none of these entries applies; write them as "
                                      "keys under connection-properties "
                                      f"(`connection-properties: {{{as_map}}}`)")
        if use.escaped:
            fixed = use.key[:-1]
            return self._finding(use, f"`{use.key}={use.value}` in {use.owner or 'connectionProperties'} keeps its "
                                      "backslash: `\\=` is a "
                                      f".properties escape, but this value is not read as .properties, so the "
                                      f"backslash stays and the entry's key is `{use.key}`, which nothing reads; write "
                                      f"`{fixed}={use.value}`")
        if not use.key.startswith(("druid.", "config.")):
            return None
        v = self.version("druid")
        vd = self._druid_known(use.key, v)
        if vd is None:
            return None
        where = f" (connectionProperties of {use.owner})" if use.owner else ""
        if vd.kind == "version":
            return self._finding(use, f"`{use.key}`{where} is not read by Druid {vtext(v or ())} "
                                      f"({self._change(vd.change)}), so it does nothing")
        return self._finding(use, f"`{use.key}`{where} is read by nothing in Druid; did you mean `{vd.name}`?")

    def _factory(self, use: KeyUse) -> Finding | None:
        v = self.version("druid")
        key = use.key
        if key.startswith("druid."):
            vd = self._druid_known(key, v)
            if vd is None:
                return None
            if vd.kind == "version":
                return self._finding(use, f"`{key}` is ignored by Druid {vtext(v or ())}: configFromPropeties reads it "
                                          f"only from another version ({self._change(vd.change)})")
            return self._finding(use, f"`{key}` is read by nothing in Druid; did you mean `{vd.name}`?")
        factory = self.ks("druid", "factory")
        if factory.exists_anywhere(key):
            st = factory.status(key, v)
            if st is not False:
                return None
            return self._finding(use, f"DruidDataSourceFactory in Druid {vtext(v or ())} ignores the plain key "
                                      f"`{key}` ({self._change(factory.change(key, v or ()))}); "
                                      + self._prefixed_fix(key, v))
        bean = self.ks("druid", "bean")
        names = [n for n in (key, key[:1].lower() + key[1:]) if bean.exists_anywhere(n)]
        if names:
            return self._finding(use, f"DruidDataSourceFactory ignores the plain key `{key}`: it reads only its own "
                                      "list of plain keys, every other pool setting needs the `druid.` prefix; "
                                      + self._prefixed_fix(names[0], v))
        s = suggest(key, factory.valid_names(v), str.lower)
        if s is not None:
            return self._finding(use, f"DruidDataSourceFactory ignores the plain key `{key}`; did you mean `{s}`?")
        return None

    def _prefixed_fix(self, name: str, v: Version | None) -> str:
        pool = self.ks("druid", "druid-keys")
        pk = f"druid.{name}"
        if not pool.exists_anywhere(pk):
            return f"the factory cannot set `{name}` at all (no `{pk}` either); configure the bean directly"
        st = pool.status(pk, v)
        if st is False:
            ch = pool.change(pk, v or ())
            return f"`{pk}` is read only from Druid {ch[1] if ch else 'a later version'}; upgrade, or configure " \
                   "the bean directly"
        return f"write `{pk}`"


# CF004's messages all read "<what binds to nothing, where>: <why>[; did you mean `x`?][; write `y`]": the first
# part is the headline, a did-you-mean or a trailing instruction is the help, the rest is why.
_MEAN = re.compile(r"[;:,.]?\s*did you mean (`[^`]+`)\?\s*")
_FIX_START = ("write ", "use ", "remove it", "upgrade", "move it", "merge ", "configure ")
HEADLINE_MAX = 100
_NO_EFFECT = "Nothing reads it, so the setting it was meant to make is not made."


def _top_level(text: str, seps: tuple[str, ...]) -> tuple[int, str]:
    """The first of ``seps`` outside backticks and brackets: (index, separator), or (-1, "")."""
    depth = 0
    tick = False
    for i, ch in enumerate(text):
        if ch == "`":
            tick = not tick
        elif not tick and ch in "([{":
            depth += 1
        elif not tick and ch in ")]}":
            depth = max(0, depth - 1)
        elif not tick and depth == 0:
            for sep in seps:
                if text.startswith(sep, i):
                    return i, sep
    return -1, ""


def _clauses(text: str) -> list[str]:
    out: list[str] = []
    while text:
        i, sep = _top_level(text, ("; ", ". "))
        if i < 0:
            out.append(text)
            break
        out.append(text[:i])
        text = text[i + len(sep):]
    return [c.strip() for c in out if c.strip()]


def _sentence(text: str) -> str:
    text = text.strip().rstrip(";,")
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def split_message(message: str, key: str) -> tuple[str, str, str, tuple[str, ...]]:
    """(headline, why, help, notes) of a CF004 message."""
    helps: list[str] = []
    m = _MEAN.search(message)
    if m is not None:
        helps.append(f"did you mean {m.group(1)}?")
        message = message[:m.start()] + ". " + message[m.end():]
    i, sep = _top_level(message, (": ", "; ", ". "))
    head, rest = (message, "") if i < 0 else (message[:i], message[i + len(sep):])
    notes: tuple[str, ...] = ()
    if len(head) > HEADLINE_MAX:
        j, _ = _top_level(head, (" (",))
        if j > 0:  # the parenthetical (and any right after it) becomes a note, the sentence stays whole
            k = j
            groups: list[str] = []
            while head.startswith(" (", k) and (end := head.find(")", k)) > 0:
                groups.append(head[k + 2:end])
                k = end + 1
            notes = tuple(groups)
            head = head[:j] + head[k:]
    if len(head) > HEADLINE_MAX:
        j, _ = _top_level(head, (", ",))
        if j > 0:
            rest = head[j + 2:] + (": " + rest if rest else "")
            head = head[:j]
    if len(head) > HEADLINE_MAX and len(key) > 40:
        head = head.replace(key, "…" + key[-39:], 1)
    why: list[str] = []
    for c in _clauses(rest):
        if c.lower().startswith(_FIX_START) or c.lower().startswith("upgrade"):
            helps.append(c.rstrip("."))
        else:
            why.append(_sentence(c))
    return head.strip(), " ".join(why) or _NO_EFFECT, "; ".join(helps) or "remove it, or correct the key so it binds", \
        notes


def relaxed_key(key: str) -> str:
    return ".".join(relaxed(t) for t in key.split("."))


@cache
def _dubbo_service_own() -> frozenset[str]:
    return frozenset(relaxed_key(k) for k in DUBBO_SERVICE_OWN)


@cache
def _dubbo_legacy() -> dict[str, str]:
    """DUBBO_LEGACY keyed by relaxed name (built once, not per key judged)."""
    return {relaxed_key(k): r for k, r in DUBBO_LEGACY.items()}
