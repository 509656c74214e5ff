"""Thread pool rules: TP001 (unbounded maximum), TP002 (oversized maximum), TP003 (unbounded work queue),
TP004 (long keep-alive). Semantics: facts/dubbo.md §1, facts/spring.md §1-§2 and §8."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cfglint.checks import INT_MAX, UNBOUNDED_THREADS, finding, name, short, show, value
from cfglint.findings import Finding, Severity
from cfglint.model.module import ModuleModel
from cfglint.model.threads import ThreadPool
from cfglint.model.values import Setting
from cfglint.registry import check

UNBOUNDED_DUBBO_POOLS = ("cached", "eager")


def spell(at: Setting | None, pool: ThreadPool, key: str, value: str) -> str:
    """``key = value`` in the syntax of the file the pool is written in: an XML attribute, a .properties line,
    or a YAML key under the pool's prefix."""
    span = at.span if at is not None and at.span is not None else pool.anchor
    path = span.path.lower()
    if path.endswith(".xml"):
        return f'{key}="{value}"'
    prefix = pool.label
    if at is not None and at.span is not None and "." in at.key and not at.key.startswith(("/", "<")):
        prefix = at.key.rsplit(".", 1)[0]
    if path.endswith((".yml", ".yaml")):
        return f"`{key}: {value}` under {prefix}"
    return f"{prefix}.{key}={value}"


def _leaf(key: str) -> str:
    """The last segment of a key, for a headline that already names its prefix."""
    return key.rsplit(".", 1)[-1]


def _huge(s: Setting | None) -> bool:
    v = s.int_value() if s is not None else None
    return v is not None and v >= UNBOUNDED_THREADS


def dubbo_effective(model: ModuleModel) -> Iterator[tuple[ThreadPool, dict[str, Setting]]]:
    """Each Dubbo server pool with the provider's values filled in under the protocol's (the protocol
    wins on the same key); consumer pools on their own."""
    provider: dict[str, Setting] = {}
    for p in model.pools:
        if p.kind == "dubbo-provider":
            for k, v in p.settings.items():
                provider.setdefault(k, v)
    protocols = [p for p in model.pools if p.kind == "dubbo-protocol"]
    for p in protocols:
        yield p, {**provider, **p.settings}
    if not protocols:
        for p in model.pools:
            if p.kind == "dubbo-provider":
                yield p, {**provider, **p.settings}
    for p in model.pools:
        if p.kind == "dubbo-consumer":
            yield p, dict(p.settings)


@check("TP001")
def unbounded_thread_pool(model: ModuleModel, options: dict[str, Any]) -> Iterator[Finding]:
    for pool, s in dubbo_effective(model):
        yield from _dubbo(pool, s)
    for pool in model.pools:
        if pool.kind == "spring-executor":
            yield from _spring(pool, "maxpoolsize", "queuecapacity", "maxPoolSize", "queueCapacity")
        elif pool.kind == "boot-task-execution":
            yield from _spring(pool, "maxsize", "queuecapacity", "spring.task.execution.pool.max-size",
                               "spring.task.execution.pool.queue-capacity")
        elif pool.kind == "task-executor":
            yield from _task(pool)
        elif pool.kind == "java-executor":
            yield from _java(pool)


def _dubbo(pool: ThreadPool, s: dict[str, Setting]) -> Iterator[Finding]:
    threads = s.get("threads")
    tp = s.get("threadpool")
    kind = (tp.value or "").strip().lower() if tp is not None else ""
    if pool.kind == "dubbo-consumer" and not s:
        return  # an unconfigured consumer pool is Dubbo's business; judge only what the user wrote
    if _huge(threads):
        assert threads is not None
        yield finding("TP001", threads,
                      f"Dubbo pool {name(pool.label)} is effectively unbounded: "
                      f"threads={short(threads.value or '', 20)}",
                      f"{pool.key}/threads",
                      why=f"{show(threads, chain=False)} threads at most: under sustained load the pool creates "
                          "threads until the host runs out of memory (\"unable to create new native thread\").",
                      help=f"set threads to what the host can run, e.g. {spell(threads, pool, 'threads', '200')} "
                           "(Dubbo's fixed default)")
        return
    if kind in UNBOUNDED_DUBBO_POOLS and (threads is None or threads.value in (None, "")):
        assert tp is not None
        yield finding("TP001", tp,
                      f"Dubbo pool {name(pool.label)} is unbounded: threadpool={kind} with no threads",
                      f"{pool.key}/threadpool",
                      why=f"threadpool {kind} with no threads means a maximum of {INT_MAX} threads "
                          "(Integer.MAX_VALUE): a burst creates threads until the host runs out of memory, and "
                          "'Thread pool is EXHAUSTED' never fires.",
                      help=f"add {spell(tp, pool, 'threads', '200')} (or a measured maximum) next to it, or use "
                           f"{spell(tp, pool, 'threadpool', 'fixed')}")


def _spring(pool: ThreadPool, max_key: str, queue_key: str, max_name: str, queue_name: str) -> Iterator[Finding]:
    mx = pool.get(max_key)
    queue = pool.get(queue_key)
    if _huge(mx):
        assert mx is not None
        yield finding("TP001", mx,
                      f"{name(pool.label)} is effectively unbounded: {value(mx)}",
                      f"{pool.key}/{max_name}",
                      why=f"{pool.label} allows {show(mx, chain=False)} threads: once the queue is full every new "
                          "task starts a thread, until the host runs out of memory.",
                      help=f"set {max_name} to a measured maximum (e.g. 50) and a bounded {queue_name}")
        return
    qv = queue.int_value() if queue is not None else None
    if mx is None and queue is not None and qv is not None and qv < UNBOUNDED_THREADS:
        what = "0 (a SynchronousQueue: every task needs a thread)" if qv <= 0 else f"{qv}"
        yield finding("TP001", queue,
                      f"{name(pool.label)} has no maximum pool size: {_leaf(max_name)} is not set",
                      f"{pool.key}/{max_name}",
                      why=f"{pool.label} has a bounded queue ({queue_name} = {what}) but no {max_name}, which "
                          f"defaults to {INT_MAX} (Integer.MAX_VALUE): when the queue is full, threads are created "
                          "without limit until the host runs out of memory.",
                      help=f"set {max_name} (e.g. 50)")


def _task(pool: ThreadPool) -> Iterator[Finding]:
    size = pool.get("pool-size")
    queue = pool.get("queue-capacity")
    if size is not None and size.value:
        upper = size.value.split("-", 1)[-1].strip()
        if upper.isdigit() and int(upper) >= UNBOUNDED_THREADS:
            yield finding("TP001", size,
                          f"{name(pool.label)} is effectively unbounded: {value(size)}",
                          f"{pool.key}/pool-size",
                          why=f"{show(size, chain=False)}: once the queue is full every task starts a thread until "
                              "the host runs out of memory.",
                          help="write pool-size=\"8-50\" (core-max) with a bounded queue-capacity")
        return
    if queue is not None and (queue.int_value() or 0) < UNBOUNDED_THREADS:
        yield finding("TP001", queue,
                      f"{name(pool.label)} has no maximum pool size: pool-size is not set",
                      f"{pool.key}/pool-size",
                      why=f"{pool.label} sets {show(queue, chain=False)} but no pool-size, so the maximum is "
                          f"{INT_MAX} threads (Integer.MAX_VALUE): when the queue is full, threads are created "
                          "without limit.",
                      help="add pool-size=\"8-50\"")


def _java(pool: ThreadPool) -> Iterator[Finding]:
    """A java.util.concurrent pool built in code: the maximum is reached only once the queue refuses a task."""
    mx = pool.get("maxpoolsize")
    if not _huge(mx):
        return
    assert mx is not None
    queue = pool.get("queuecapacity")
    qv = queue.int_value() if queue is not None else None
    if qv is None or qv >= UNBOUNDED_THREADS:
        return  # behind an unbounded queue the maximum is never reached (TP003); an unknown queue is not judged
    assert queue is not None
    if (mx.raw or "").startswith("newCachedThreadPool"):
        head = "Executors.newCachedThreadPool() has no thread limit"
        what = ("maximumPoolSize = Integer.MAX_VALUE with a SynchronousQueue, so every task that finds the other "
                "threads busy starts a new thread")
    else:
        head = f"{name(pool.label)} is effectively unbounded: {value(mx)}"
        qtext = "a SynchronousQueue, so every task that finds the threads busy starts one" if qv <= 0 else \
            f"a queue of {qv}, so once it is full every new task starts one"
        what = f"{pool.label} allows {show(mx, chain=False)} threads with {qtext}"
    yield finding("TP001", mx, head, f"{pool.key}/maximumPoolSize",
                  why=f"{what}. Under sustained load or a slow downstream it creates threads until the host runs out "
                      "of memory (\"unable to create new native thread\") and never rejects work.",
                  help="build it with a measured maximum and a bounded queue, e.g. new ThreadPoolExecutor(8, 50, 60, "
                       "TimeUnit.SECONDS, new ArrayBlockingQueue<>(100), new ThreadPoolExecutor.CallerRunsPolicy())")


# ---- shared helpers for TP002-TP004 ----------------------------------------------------------------------

DUBBO_SHRINKING = ("cached", "eager")  # the only Dubbo pools that honour `alive` (dubbo.md §1.1)
DUBBO_LBQ_POOLS = ("fixed", "cached", "limited")  # queues<0 -> LinkedBlockingQueue (eager: TaskQueue(1))
MEMORY_SAFE_QUEUE = (3, 0, 9)  # first Dubbo with MemorySafeLinkedBlockingQueue for queues<0 (dubbo.md §1.2)
ALIVE_KEY = (2, 7, 9)  # first Dubbo whose protocol/provider config has an `alive` attribute (dubbo.md §1.4)


def _ver(v: tuple[int, ...]) -> str:
    return ".".join(map(str, v))


def dubbo_kind(s: dict[str, Setting]) -> str:
    tp = s.get("threadpool")
    kind = (tp.value or "").strip().lower() if tp is not None else ""
    return kind or "fixed"  # the SPI default in every version


def _inherited(pool: ThreadPool, s: Setting) -> str:
    if pool.kind == "dubbo-protocol" and all(v is not s for v in pool.settings.values()):
        return f" ({s.source}, inherited by {pool.label}, which does not set its own)"
    return ""


_SIMPLE_DURATION = re.compile(r"^([+-]?\d+)([a-zA-Z]{0,2})$")
_ISO_DURATION = re.compile(
    r"^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+)(?:[.,](\d{0,9}))?S)?)?$", re.I)
_NANOS = {"ns": 1, "us": 10**3, "ms": 10**6, "s": 10**9, "m": 60 * 10**9, "h": 3600 * 10**9, "d": 86400 * 10**9}


def parse_boot_duration(text: str | None, default_unit: str = "ms") -> int | None:
    """Nanoseconds of a Spring Boot ``Duration`` property value (DurationStyle, spring.md §8): ``30s``, ``2m``,
    ``PT1M``, ``P1DT2H``; a bare number is in ``default_unit`` (milliseconds unless @DurationUnit). None when Boot
    would reject the text."""
    if text is None:
        return None
    t = text.strip()
    m = _SIMPLE_DURATION.match(t)
    if m:
        unit = m.group(2).lower() or default_unit
        if unit not in _NANOS:
            return None
        return int(m.group(1)) * _NANOS[unit]
    m = _ISO_DURATION.match(t)
    if not m or t.upper().endswith("T") or t.upper() in ("P", "-P", "+P"):
        return None
    sign, days, hours, minutes, secs, frac = m.groups()
    total = (int(days or 0) * 86400 + int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(secs or 0)) * 10**9
    if frac:
        nanos = int(frac.ljust(9, "0"))
        total += -nanos if (secs or "").startswith("-") else nanos
    return -total if sign == "-" else total


@dataclass(frozen=True)
class SpringPool:
    """A Spring executor with the library defaults filled in (spring.md §1.1, §1.2, §2.1). Integers are None
    when the value is written but not a number (an unresolved placeholder)."""

    pool: ThreadPool
    what: str  # how the message names it
    configured: bool  # the user wrote sizing settings
    core: int | None
    core_s: Setting | None
    max: int | None
    max_s: Setting | None
    queue: int | None
    queue_s: Setting | None
    allow_timeout: bool | None
    keep_s: Setting | None
    keep_seconds: int | None  # what the executor gets (Boot truncates a Duration to whole seconds)
    keep_text: str  # 'keepAliveSeconds = 300 s (...)'
    names: dict[str, str]  # core/max/queue/keep -> the key as users write it
    startup_error: bool = False  # the context refuses this pool (pool-size "a-b", a>0, no queue-capacity)

    @property
    def queue_unbounded(self) -> bool | None:
        if self.queue_s is None:
            return True  # Integer.MAX_VALUE by default
        if self.queue is None:
            return None
        return self.queue >= UNBOUNDED_THREADS

    def surplus_threads(self) -> bool:
        """Can threads beyond the core size ever start (so the keep-alive decides how long the pool keeps its
        peak)? Only when max > core and the queue refuses tasks (bounded, or 0: a SynchronousQueue). With
        allowCoreThreadTimeOut the core threads time out too, but without it they would stay for good, so a
        long keep-alive costs nothing there. Unknown counts as yes."""
        if self.queue_unbounded:
            return False  # a ThreadPoolExecutor starts threads beyond its core size only when the queue is full
        return not (self.core is not None and self.max is not None and self.max <= self.core)

    def surplus_text(self) -> str:
        """How the surplus threads come to exist, for the message."""
        q = self.names["queue"]
        when = (f"at once when the core threads are busy ({q} = 0, a SynchronousQueue)" if self.queue == 0
                else f"once the queue is full ({q} = {self.queue})" if self.queue is not None
                else f"once the queue is full ({q} = {self.queue_s.value if self.queue_s else '?'})")
        core = "?" if self.core is None else str(self.core)
        mx = "?" if self.max is None else str(self.max)
        return f"threads beyond the core size ({core}, up to {mx}) start {when}"


def _int(s: Setting | None, default: int) -> int | None:
    return default if s is None else s.int_value()


def _bool(s: Setting | None, default: bool) -> bool | None:
    if s is None:
        return default
    v = (s.value or "").strip().lower()
    return True if v == "true" else False if v == "false" else None


SIZING = ("corepoolsize", "maxpoolsize", "queuecapacity", "keepaliveseconds", "allowcorethreadtimeout")


def spring_pools(model: ModuleModel) -> Iterator[SpringPool]:
    # Boot creates its executor only when the context has no Executor bean of its own (spring.md §2.1):
    # next to a ThreadPoolTaskExecutor bean or a <task:executor>, spring.task.execution.pool.* is unused.
    own_executor = any(p.kind in ("spring-executor", "task-executor") for p in model.pools)
    for pool in model.pools:
        if pool.kind == "boot-task-execution" and own_executor:
            continue
        if pool.kind == "spring-executor":
            keep = pool.get("keepaliveseconds")
            yield SpringPool(
                pool, f"{pool.bean_class or 'ThreadPoolTaskExecutor'} {pool.label}",
                any(k in pool.settings for k in SIZING),
                _int(pool.get("corepoolsize"), 1), pool.get("corepoolsize"),
                _int(pool.get("maxpoolsize"), INT_MAX), pool.get("maxpoolsize"),
                _int(pool.get("queuecapacity"), INT_MAX), pool.get("queuecapacity"),
                _bool(pool.get("allowcorethreadtimeout"), False), keep, _int(keep, 60),
                show(keep, "s", chain=False) if keep is not None else "",
                {"core": "corePoolSize", "max": "maxPoolSize", "queue": "queueCapacity", "keep": "keepAliveSeconds"})
        elif pool.kind == "boot-task-execution":
            keep = pool.get("keepalive")
            keep_text = ""
            secs: int | None = 60
            if keep is not None:
                ns = parse_boot_duration(keep.value)
                secs = None if ns is None else ns // 10**9  # Duration.getSeconds(): floor to whole seconds
                bare = bool(re.fullmatch(r"\s*[+-]?\d+\s*", keep.value or ""))
                unit = f"a bare number is milliseconds: {secs} s" if bare else f"{secs} s"
                keep_text = f"{keep.name} = {keep.value} ({unit})"
            p = "spring.task.execution.pool."
            yield SpringPool(
                pool, "Spring Boot's task executor (spring.task.execution.pool)", bool(pool.settings),
                _int(pool.get("coresize"), 8), pool.get("coresize"),
                _int(pool.get("maxsize"), INT_MAX), pool.get("maxsize"),
                _int(pool.get("queuecapacity"), INT_MAX), pool.get("queuecapacity"),
                _bool(pool.get("allowcorethreadtimeout"), True), keep, secs, keep_text,
                {"core": p + "core-size", "max": p + "max-size", "queue": p + "queue-capacity",
                 "keep": p + "keep-alive"})
        elif pool.kind == "task-executor":
            yield _task_pool(pool)
        elif pool.kind == "java-executor":
            yield _java_pool(pool)


UNIT_SECONDS = {"NANOSECONDS": 1e-9, "MICROSECONDS": 1e-6, "MILLISECONDS": 1e-3, "SECONDS": 1, "MINUTES": 60,
                "HOURS": 3600, "DAYS": 86400}


def java_keepalive(pool: ThreadPool) -> tuple[int | None, str, float | None]:
    """(value, TimeUnit name, seconds) of a Java pool's keep-alive; None where unknown."""
    keep, unit = pool.get("keepalive"), pool.get("keepaliveunit")
    kv = keep.int_value() if keep is not None else None
    uv = (unit.value or "").strip() if unit is not None else ""
    secs = kv * UNIT_SECONDS[uv] if kv is not None and uv in UNIT_SECONDS else None
    return kv, uv, secs


def _java_pool(pool: ThreadPool) -> SpringPool:
    """A ThreadPoolExecutor built in code: every size is an argument (no library default to fill in)."""
    kv, unit, secs = java_keepalive(pool)
    keep = pool.get("keepalive")
    keep_text = ""
    if keep is not None and kv is not None and secs is not None:
        keep_text = f"keepAliveTime = {kv} {unit} ({secs:g} s)"
    core, mx, queue = pool.get("corepoolsize"), pool.get("maxpoolsize"), pool.get("queuecapacity")
    scheduled = pool.get("scheduled") is not None  # a delay queue by design: only its core size is judged
    return SpringPool(
        pool, pool.label, not scheduled, _int(core, 1), core, _int(mx, INT_MAX), mx, _int(queue, INT_MAX), queue,
        _bool(pool.get("allowcorethreadtimeout"), False), keep if secs is not None else None,
        int(secs) if secs is not None else None, keep_text,
        {"core": "corePoolSize", "max": "maximumPoolSize", "queue": "workQueue", "keep": "keepAliveTime"})


def _task_pool(pool: ThreadPool) -> SpringPool:
    """<task:executor>: TaskExecutorFactoryBean.determinePoolSizeRange (spring.md §1.2)."""
    size = pool.get("pool-size")
    queue = pool.get("queue-capacity")
    keep = pool.get("keep-alive")
    core: int | None = 1
    mx: int | None = INT_MAX
    allow: bool | None = False
    error = False
    if size is not None:
        text = (size.value or "").strip()
        lo, sep, hi = text.partition("-")
        if not sep and lo.isdigit():
            core = mx = int(lo)
        elif sep and lo.strip().isdigit() and hi.strip().isdigit():
            a, b = int(lo), int(hi)
            if queue is None and a == 0:
                core, mx, allow = b, b, True  # "0-n" without a queue: core = n, core threads time out
            else:
                core, mx = a, b
                error = queue is None or a > b
        else:
            core = mx = None
    return SpringPool(
        pool, pool.label, bool(pool.settings), core, size, mx, size,
        _int(queue, INT_MAX), queue, allow, keep, _int(keep, 60),
        show(keep, "s", chain=False) if keep is not None else "",
        {"core": "pool-size", "max": "pool-size", "queue": "queue-capacity", "keep": "keep-alive"}, error)


# ---- TP002 -----------------------------------------------------------------------------------------------

SLIGHTLY = 2  # up to this multiple of max-threads a pool is "a little above the line": a note, not a warning


def _slightly(n: int, limit: int) -> bool:
    return n <= limit * SLIGHTLY


def _fixed_note(kind: str) -> str:
    return (" (a fixed pool: its threads, once started, never exit)" if kind == "fixed" else "")


@check("TP002")
def oversized_thread_pool(model: ModuleModel, options: dict[str, Any]) -> Iterator[Finding]:
    limit = int(options.get("max-threads", 1000))
    seen: set[object] = set()

    def over(v: int | None) -> bool:
        return v is not None and limit < v < UNBOUNDED_THREADS  # from UNBOUNDED_THREADS on it is TP001's

    for pool, s in dubbo_effective(model):
        threads = s.get("threads")
        kind = dubbo_kind(s)
        if threads is None or kind == "virtual" or not over(threads.int_value()) or threads.span in seen:
            continue
        seen.add(threads.span)
        side = "consumer" if pool.kind == "dubbo-consumer" else "server"
        n = threads.int_value() or 0
        head = f"Dubbo {side} pool {name(pool.label)} allows {n} threads (max-threads is {limit})"
        policy = f"if {n} is deliberate, raise max-threads for TP002"
        if _slightly(n, limit):
            yield finding("TP002", threads, head, f"{pool.key}/threads", severity=Severity.NOTE,
                          why=f"{show(threads, chain=False)}{_inherited(pool, threads)} is a little above "
                              f"max-threads = {limit}{_fixed_note(kind)}.",
                          help="check it against measured concurrency (Dubbo's default is 200)", notes=(policy,))
            continue
        yield finding("TP002", threads, head, f"{pool.key}/threads",
                      why=f"{show(threads, chain=False)}{_inherited(pool, threads)} is {n / limit:.0f}× max-threads = "
                          f"{limit}. Each platform thread reserves a stack (-Xss, 1 MB by default) and native memory; "
                          "when a dependency slows down, that many requests pile up in one JVM instead of being "
                          "rejected ('Thread pool is EXHAUSTED') and retried on another provider.",
                      help="size threads from measured concurrency (Dubbo's default is 200) and scale out",
                      notes=("the first outage cfglint was written for was a Dubbo pool that grew until the host ran "
                             "out of memory", f"if {threads.value} is deliberate, raise max-threads for TP002"))
    for sp in spring_pools(model):
        if sp.max_s is not None and over(sp.max):
            s, n = sp.max_s, sp.max
        elif sp.max_s is None and sp.core_s is not None and over(sp.core):
            s, n = sp.core_s, sp.core  # no maximum written: with the default unbounded queue, core is the size
        else:
            continue
        if s.span in seen:
            continue
        seen.add(s.span)
        head = f"{name(sp.what)} allows {n} threads (max-threads is {limit})"
        policy = f"if {n} is deliberate, raise max-threads for TP002"
        if _slightly(n, limit):
            yield finding("TP002", s, head, f"{sp.pool.key}/{s.name}", severity=Severity.NOTE,
                          why=f"{show(s, chain=False)} is a little above max-threads = {limit}.",
                          help=f"check {sp.names['max']} against measured concurrency", notes=(policy,))
            continue
        reach = ""
        if sp.queue_unbounded and s is sp.max_s and sp.core != sp.max and sp.pool.kind != "task-executor":
            reach = (f"with no bounded {sp.names['queue']} the pool stays at its core size today, so this "
                     "maximum takes effect as soon as someone adds a queue bound (see TP003)")
        yield finding("TP002", s, head, f"{sp.pool.key}/{s.name}",
                      why=f"{show(s, chain=False)} is {n / limit:.0f}× max-threads = {limit}. Each platform thread "
                          "reserves a stack (-Xss, 1 MB by default) and native memory; when the work behind the pool "
                          "slows down they all fill up at once, which is how a pool takes a host's memory (the first "
                          "outage cfglint was written for).",
                      help=f"size {sp.names['max']} from measured concurrency, with a bounded {sp.names['queue']} and "
                           "a rejection policy",
                      notes=(reach, policy))


# ---- TP003 -----------------------------------------------------------------------------------------------

@check("TP003")
def unbounded_task_queue(model: ModuleModel, options: dict[str, Any]) -> Iterator[Finding]:
    seen: set[object] = set()
    version = model.version("dubbo")
    for pool, s in dubbo_effective(model):
        queues = s.get("queues")
        qv = queues.int_value() if queues is not None else None
        kind = dubbo_kind(s)
        if queues is None or qv is None or queues.span in seen or kind == "virtual":
            continue
        if qv < 0 and kind in DUBBO_LBQ_POOLS:
            if version is not None and version >= MEMORY_SAFE_QUEUE:
                continue  # MemorySafeLinkedBlockingQueue: rejects before the heap is gone (dubbo.md §1.2)
            if version is not None:
                what = f"on Dubbo {_ver(version)} a negative queues is an unbounded LinkedBlockingQueue"
            else:
                what = ("a negative queues is an unbounded LinkedBlockingQueue on Dubbo 2.6.x, 2.7.x and "
                        "3.0.0-3.0.8 (the module's Dubbo version is unknown; 3.0.9+ uses a "
                        "MemorySafeLinkedBlockingQueue that rejects once free heap falls below 256 MB)")
        elif qv >= UNBOUNDED_THREADS:
            what = f"a queue of {qv} entries never fills"
        else:
            continue
        seen.add(queues.span)
        core = s.get("corethreads")
        single = ""
        if kind in ("cached", "limited") and (core is None or core.int_value() == 0):
            single = ("With corethreads unset (0) the pool also never grows past one thread: a ThreadPoolExecutor "
                      "adds threads beyond its core size only when the queue refuses a task, so this server runs "
                      "requests one at a time. ")
        yield finding("TP003", queues,
                      f"Dubbo pool {name(pool.label)} has an unbounded work queue: queues={qv}",
                      f"{pool.key}/queues",
                      why=f"{show(queues, chain=False)}{_inherited(pool, queues)} with threadpool={kind}; {what}. "
                          "Requests then wait in the queue instead of being rejected: 'Thread pool is EXHAUSTED' never "
                          "fires, consumers time out and fail over while this provider still executes their stale "
                          f"requests, and the backlog grows until the heap is gone (OutOfMemoryError). {single}",
                      help="remove queues (Dubbo's default 0 rejects when every thread is busy, so the consumer "
                           "retries another provider, as the Dubbo docs advise) or bound it, e.g. "
                           f"{spell(queues, pool, 'queues', '100')}")
    for sp in spring_pools(model):
        if not sp.configured or sp.startup_error or not sp.queue_unbounded:
            continue
        where = sp.queue_s if sp.queue_s is not None else sp.pool.anchor
        fix = (f"set {sp.names['queue']} to the backlog callers can afford to wait for (e.g. 100), with a "
               f"bounded {sp.names['max']} and a rejection policy such as CallerRuns")
        if sp.pool.kind == "java-executor" and sp.queue_s is not None:
            raw = " ".join((sp.queue_s.raw or "").split())
            head = f"{name(sp.what)} has an unbounded work queue" + (f": {raw}" if len(raw) <= 32 else "")
            qtext = f"the work queue ({sp.queue_s.raw}) has no bound"
            fix = ("give it a bounded queue sized to the backlog callers can afford to wait for, e.g. "
                   "new ThreadPoolExecutor(core, max, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(100), "
                   "new ThreadPoolExecutor.CallerRunsPolicy())")
        elif sp.queue_s is not None:
            head = f"{name(sp.what)} has an unbounded work queue: {value(sp.queue_s)}"
            qtext = f"{show(sp.queue_s, chain=False)} is effectively unbounded"
        else:
            head = f"{name(sp.what)} has an unbounded work queue: {_leaf(sp.names['queue'])} is not set"
            qtext = (f"{sp.names['queue']} is not set, so the work queue is an unbounded LinkedBlockingQueue "
                     f"(the default capacity is {INT_MAX}, Integer.MAX_VALUE)")
        size = ""
        if sp.core is not None:
            size = f" The pool runs {sp.core} thread{'s' if sp.core != 1 else ''} ({sp.names['core']}"
            size += f" = {sp.core}" + (", the default)" if sp.core_s is None else ")")
            if sp.max_s is not None and sp.max is not None and sp.max > sp.core and sp.pool.kind != "task-executor":
                size += (f" and {show(sp.max_s)} is never reached: a ThreadPoolExecutor adds threads beyond its "
                         "core size only when the queue refuses a task")
            size += "."
        yield finding("TP003", where, head, f"{sp.pool.key}/{sp.names['queue']}",
                      why=f"{sp.what}: {qtext}.{size} Every task that finds the threads busy waits in memory instead "
                          "of being rejected, so a slow downstream turns into a backlog that grows until the heap is "
                          "gone (OutOfMemoryError), and the rejection policy never runs.",
                      help=fix)


# ---- TP004 -----------------------------------------------------------------------------------------------

KEEPALIVE_DANGER = ("After a burst the pool keeps its peak size that long: idle threads keep their stacks and "
                    "thread-local caches, so the process holds its peak native memory. With a large or unbounded "
                    "maximum and no container memory limit (the first outage cfglint was written for) that memory "
                    "is unavailable to everything else on the host.")


@check("TP004")
def long_keepalive(model: ModuleModel, options: dict[str, Any]) -> Iterator[Finding]:
    limit = int(options.get("max-keepalive", 60))
    seen: set[object] = set()
    version = model.version("dubbo")
    for pool, s in dubbo_effective(model):
        alive = s.get("alive")
        ms = alive.int_value() if alive is not None else None
        if alive is None or ms is None or ms <= limit * 1000 or alive.span in seen:
            continue
        if pool.kind == "dubbo-consumer" or dubbo_kind(s) not in DUBBO_SHRINKING:
            continue  # fixed ignores alive, limited never shrinks, the consumer has no alive (dubbo.md §1.1, §1.4)
        if version is not None and version < ALIVE_KEY and "dubbo:parameter" not in alive.source:
            continue  # no such attribute/property before 2.7.9: binds to nothing (CF004's business)
        core, threads, queues = s.get("corethreads"), s.get("threads"), s.get("queues")
        cv = core.int_value() if core is not None else 0
        tv = threads.int_value() if threads is not None else INT_MAX
        qv = queues.int_value() if queues is not None else 0
        kind = dubbo_kind(s)
        if cv is not None and tv is not None and cv >= tv:
            continue  # core == max: no surplus thread ever times out
        if kind == "cached" and qv is not None and (qv < 0 or qv >= UNBOUNDED_THREADS):
            continue  # an unbounded queue never refuses a task, so the pool never grows past its core size
        seen.add(alive.span)
        secs = ms / 1000
        mx = "Integer.MAX_VALUE" if tv == INT_MAX else str(tv)
        if kind == "eager":
            when = "start whenever every thread is busy (eager creates threads before it queues)"
        elif not qv:
            when = "start whenever every thread is busy (queues = 0, a SynchronousQueue)"
        else:
            when = f"start once the queue is full (queues = {qv})"
        yield finding("TP004", alive,
                      f"Dubbo pool {name(pool.label)} keeps idle threads {secs:g} s (max-keepalive is {limit} s)",
                      f"{pool.key}/alive",
                      why=f"{show(alive, 'ms', chain=False)}{_inherited(pool, alive)} with threadpool={kind}, above "
                          f"max-keepalive = {limit} s. Threads beyond corethreads ({cv}, up to {mx}) {when}. "
                          f"{KEEPALIVE_DANGER}",
                      help=f"write {spell(alive, pool, 'alive', str(limit * 1000))} or less (milliseconds; Dubbo's "
                           "default is 60000) and bound threads")
    for sp in spring_pools(model):
        if sp.pool.kind == "java-executor":
            yield from _java_unit_slip(sp, seen)
        keep = sp.keep_s
        if keep is None or sp.keep_seconds is None or sp.keep_seconds <= limit or keep.span in seen:
            continue
        if not sp.surplus_threads():
            continue  # core == max, or an unbounded queue: no thread beyond the core size ever starts
        seen.add(keep.span)
        fix = f"{limit}s" if sp.pool.kind == "boot-task-execution" else f"{limit}"
        unit = "a Duration such as 30s" if sp.pool.kind == "boot-task-execution" else "seconds"
        advice = f"write {sp.names['keep']} = {fix} or less ({unit}; Spring's default is 60 s)"
        if sp.pool.kind == "java-executor":
            advice = (f"pass a keepAliveTime of {limit}, TimeUnit.SECONDS or less (what Executors.newCachedThreadPool "
                      "uses)")
        yield finding("TP004", keep,
                      f"{name(sp.what)} keeps idle threads {sp.keep_seconds} s (max-keepalive is {limit} s)",
                      f"{sp.pool.key}/{sp.names['keep']}",
                      why=f"{sp.keep_text}, above max-keepalive = {limit} s. Its {sp.surplus_text()}. "
                          f"{KEEPALIVE_DANGER}",
                      help=advice)


def _java_unit_slip(sp: SpringPool, seen: set[object]) -> Iterator[Finding]:
    """A keep-alive of thousands of MICROSECONDS or NANOSECONDS: a number sized for milliseconds (or seconds)
    written with a finer unit. Surplus threads then exit within milliseconds of going idle and every burst
    creates them again."""
    kv, unit, secs = java_keepalive(sp.pool)
    keep = sp.pool.get("keepalive")
    if keep is None or kv is None or secs is None or unit not in ("MICROSECONDS", "NANOSECONDS") or kv < 1000:
        return
    if keep.span in seen or not sp.surplus_threads():
        return
    seen.add(keep.span)
    meant = "MILLISECONDS" if unit == "MICROSECONDS" else "MICROSECONDS or MILLISECONDS"
    yield finding("TP004", keep,
                  f"{name(sp.what)} keeps idle threads only {secs * 1000:g} ms: keepAliveTime={kv} {unit}",
                  f"{sp.pool.key}/keepAliveTime",
                  why=f"The number reads like {meant} written with the wrong TimeUnit; with it, the threads above the "
                      "core size exit almost as soon as they go idle, so every burst pays for creating them again.",
                  help=f"write the unit you mean, e.g. {kv}, TimeUnit.MILLISECONDS",
                  notes=(f"if {kv} {unit} is deliberate, suppress this",))
