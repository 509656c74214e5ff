"""Thread pool rules: TP001 (unbounded maximum)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cfglint.checks import INT_MAX, UNBOUNDED_THREADS, finding, show
from cfglint.findings import Finding
from cfglint.model.module import ModuleModel
from cfglint.model.threads import ThreadPool
from cfglint.model.values import Setting
from cfglint.registry import check

UNBOUNDED_DUBBO_POOLS = ("cached", "eager")


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


def _dubbo(pool: ThreadPool, s: dict[str, Setting]) -> Iterator[Finding]:
    threads = s.get("threads")
    tp = s.get("threadpool")
    kind = (tp.value or "").strip().lower() if tp is not None else ""
    if pool.kind == "dubbo-consumer" and not s:
        return  # an unconfigured consumer pool is Dubbo's business; judge only what the user wrote
    if _huge(threads):
        assert threads is not None
        yield finding("TP001", threads,
                      f"Dubbo thread pool of {pool.label} is effectively unbounded: {show(threads)} threads at most. "
                      "Under sustained load it creates threads until the host runs out of memory "
                      "(\"unable to create new native thread\"). Set threads to what the host can run, "
                      "e.g. threads=\"200\" (Dubbo's fixed default).",
                      f"{pool.key}/threads")
        return
    if kind in UNBOUNDED_DUBBO_POOLS and (threads is None or threads.value in (None, "")):
        assert tp is not None
        yield finding("TP001", tp,
                      f"Dubbo thread pool of {pool.label} is unbounded: threadpool=\"{kind}\" with no threads "
                      f"means a maximum of {INT_MAX} threads (Integer.MAX_VALUE). "
                      "A burst creates threads until the host runs out of memory, and 'Thread pool is "
                      "EXHAUSTED' never fires. Add threads=\"200\" (or a measured maximum) next to it, "
                      "or use threadpool=\"fixed\".",
                      f"{pool.key}/threadpool")


def _spring(pool: ThreadPool, max_key: str, queue_key: str, max_name: str, queue_name: str) -> Iterator[Finding]:
    mx = pool.get(max_key)
    queue = pool.get(queue_key)
    if _huge(mx):
        assert mx is not None
        yield finding("TP001", mx,
                      f"{pool.label} allows an effectively unbounded number of threads: {show(mx)}. Once "
                      "the queue is full every new task starts a thread, until the host runs out of memory. "
                      f"Set {max_name} to a measured maximum (e.g. 50) and a bounded {queue_name}.",
                      f"{pool.key}/{max_name}")
        return
    qv = queue.int_value() if queue is not None else None
    if mx is None and queue is not None and qv is not None and qv < UNBOUNDED_THREADS:
        what = "0 (a SynchronousQueue: every task needs a thread)" if qv <= 0 else f"{qv}"
        yield finding("TP001", queue,
                      f"{pool.label} has a bounded queue ({queue_name} = {what}) but no "
                      f"{max_name}, which defaults to {INT_MAX} (Integer.MAX_VALUE): when the queue is full, "
                      f"threads are created without limit until the host runs out of memory. Set {max_name} "
                      "(e.g. 50).",
                      f"{pool.key}/{max_name}")


def _task(pool: ThreadPool) -> Iterator[Finding]:
    size = pool.get("pool-size")
    queue = pool.get("queue-capacity")
    if size is not None and size.value:
        upper = size.value.split("-", 1)[-1].strip()
        if upper.isdigit() and int(upper) >= UNBOUNDED_THREADS:
            yield finding("TP001", size,
                          f"<task:executor> {pool.label} allows an effectively unbounded number of threads: "
                          f"{show(size)}. Once the queue is full every task starts a thread until the host runs "
                          "out of memory. Write pool-size=\"8-50\" (core-max) with a bounded queue-capacity.",
                          f"{pool.key}/pool-size")
        return
    if queue is not None and (queue.int_value() or 0) < UNBOUNDED_THREADS:
        yield finding("TP001", queue,
                      f"<task:executor> {pool.label} sets {show(queue)} but no pool-size, so the maximum is "
                      f"{INT_MAX} threads (Integer.MAX_VALUE): when the queue is full, threads are created "
                      "without limit. Add pool-size=\"8-50\".",
                      f"{pool.key}/pool-size")
