"""Container rules: CT001 (no memory limit), CT002 (JVM heap at or above the limit)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from cfglint.checks import finding, name, short
from cfglint.findings import Finding, Related, Severity
from cfglint.model.container import Container
from cfglint.model.module import ModuleModel
from cfglint.model.values import Setting
from cfglint.registry import check
from cfglint.span import Span

_K8S_QTY = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?(?:[eE][0-9]+)?)\s*(Ki|Mi|Gi|Ti|Pi|Ei|k|K|M|G|T|P|E|m)?\s*$")
_DOCKER = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([bkmgtBKMGT])?[bB]?\s*$")
# An option starts the value, follows whitespace or a quote, or follows the `=` of a list-form
# environment entry (`- JAVA_OPTS=-Xmx1g`).
_XMX = re.compile(r"(?:^|[\s\"'=])(-Xmx|-XX:MaxHeapSize=)([0-9]+)([kKmMgGtT]?)\b")
_PCT = re.compile(r"(?:^|[\s\"'=])-XX:MaxRAMPercentage=([0-9]+(?:\.[0-9]+)?)")
_BIN = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
_K8S = {None: 1, "Ki": 1024, "Mi": 1024**2, "Gi": 1024**3, "Ti": 1024**4, "Pi": 1024**5, "Ei": 1024**6,
        "k": 1000, "K": 1000, "M": 1000**2, "G": 1000**3, "T": 1000**4, "P": 1000**5, "E": 1000**6}


def memory_bytes(c: Container) -> int | None:
    return quantity_bytes(c.memory_limit, c.source == "k8s")


def quantity_bytes(s: Setting | None, k8s: bool) -> int | None:
    if s is None or not s.value:
        return None
    text = s.value.strip()
    if k8s:
        m = _K8S_QTY.match(text)
        if not m:
            return None
        if m.group(2) == "m":  # milli-bytes
            return int(float(m.group(1)) / 1000)
        return int(float(m.group(1)) * _K8S[m.group(2)])
    m = _DOCKER.match(text)
    if not m:
        return None
    return int(float(m.group(1)) * _BIN[(m.group(2) or "").lower()])


def mib(n: int) -> str:
    return f"{n / 1024**2:,.0f} MiB" if n < 10 * 1024**3 else f"{n / 1024**3:,.1f} GiB"


def _size(n: int, k8s: bool) -> str:
    """A memory quantity in the file's own syntax, rounded up to 256 MiB: 1536Mi / 2Gi, 1536m / 2g."""
    mib_ = -(-n // (256 * 1024**2)) * 256
    if mib_ % 1024 == 0:
        return f"{mib_ // 1024}{'Gi' if k8s else 'g'}"
    return f"{mib_}{'Mi' if k8s else 'm'}"


_RUNS = {"own": "the repository's own JVM service", "jvm": "a JVM", "middleware": "a JVM product"}


def _ct001_fix(c: Container) -> str:
    """A limit that respects what is written: at least the request, room above an -Xmx, and a JVM flag only
    for a JVM that does not size its heap already."""
    k8s = c.source == "k8s"
    want = 1024**3
    why = ""
    req = quantity_bytes(c.memory_request, k8s)
    if req is not None and req > want:
        want, why = req, f" (at least the {c.memory_request.value} it requests)" if c.memory_request else ""
    heap, pct, _, written, _ = _heap(c.jvm_options)
    if heap is not None and heap * 4 // 3 > want:
        want, why = heap * 4 // 3, f" (room above the {written} heap for metaspace, thread stacks and buffers)"
    key = "resources.limits.memory" if k8s else "deploy.resources.limits.memory (or mem_limit)"
    fix = f"set {key}: {_size(want, k8s)}{why}"
    if c.runs_jvm and heap is None and pct is None:
        fix += ", and size the heap from it with -XX:MaxRAMPercentage=75"
    return fix


def _who(c: Container, room: int = 64) -> str:
    """The container for a headline: `app` of Deployment/web (without the workload past ``room`` characters: the
    path names it anyway), or the compose service `web`."""
    if c.source == "k8s" and " container " in c.name:
        workload, cname = c.name.split(" container ", 1)
        who = f"Kubernetes container {name(cname, 40)}"
        return who if len(who) + len(workload) > room else f"{who} of {workload}"
    return f"compose service {name(c.name, 48)}" if c.source == "compose" else f"Kubernetes {short(repr(c.name), 60)}"


@check("CT001")
def container_memory_unlimited(model: ModuleModel, options: dict[str, Any]) -> Iterator[Finding]:
    for c in model.containers:
        if c.memory_limit is not None:
            continue
        if c.source == "compose" and c.runs not in ("own", "jvm", "middleware"):
            continue  # third-party non-JVM dependencies (a dev MySQL, Redis, nginx) and images we cannot place
        kind = "compose service" if c.source == "compose" else "Kubernetes"
        what = f" ({_RUNS[c.runs]})" if c.runs in _RUNS else ""
        runaway = ("A runaway JVM (a thread pool creating threads without bound, a growing heap)" if c.runs_jvm
                   else "A runaway process")
        dropped = c.dropped_limit
        if dropped is not None and dropped.span is not None and c.duplicate is not None:
            yield finding("CT001", c.duplicate,
                          f"{_who(c, 40)} loses its memory limit {short(dropped.value or '', 12)}: `resources:` "
                          "written twice",
                          f"{c.key}/memory", (Related(dropped.span, f"memory limit {dropped.value}, dropped"),),
                          why="YAML keeps one value per key (most parsers the last, strict ones reject the file), so "
                              f"the limit on line {dropped.span.line} does not apply.",
                          help="merge the two into one resources: block")
            continue
        where = ("mem_limit or deploy.resources.limits.memory" if c.source == "compose"
                 else "resources.limits.memory; a request is not a limit")
        req = f" It requests {c.memory_request.value} but a request does not cap usage." if c.memory_request else ""
        yield finding("CT001", c.anchor, f"{_who(c)} has no memory limit",
                      f"{c.key}/memory", severity=Severity.NOTE if c.runs == "other" else Severity.ERROR,
                      why=f"{kind} {c.name!r}{what} has no memory limit ({where}).{req} {runaway} takes memory from "
                          "everything else on the host until the kernel's OOM killer picks a victim, which can be "
                          "the Docker daemon and every container with it.",
                      help=_ct001_fix(c))


def _heap(options: tuple[Setting, ...]) -> tuple[int | None, float | None, Span | None, str, Setting | None]:
    """The heap the JVM will use: the last -Xmx (or MaxRAMPercentage) across all options in order."""
    xmx = pct = None
    for opt in options:
        text = opt.value or ""
        for m in _XMX.finditer(text):
            xmx = (int(m.group(2)) * _BIN[m.group(3).lower()], _sub(opt.span, text, m.start(1), m.end(3)),
                   f"{m.group(1)}{m.group(2)}{m.group(3)}", opt)
        for m in _PCT.finditer(text):
            start = m.start(0) + m.group(0).index("-")
            pct = (float(m.group(1)), _sub(opt.span, text, start, m.end(1)), text[start:m.end(1)], opt)
    if xmx is not None:
        return xmx[0], None, xmx[1], xmx[2], xmx[3]
    if pct is not None:
        return None, pct[0], pct[1], pct[2], pct[3]
    return None, None, None, "", None


def _sub(span: Span | None, text: str, start: int, end: int) -> Span | None:
    if span is None:
        return None
    if span.line == span.end_line and span.end_col - span.col == len(text):
        return Span(span.path, span.line, span.col + start, span.line, span.col + end)
    return span


@check("CT002")
def heap_exceeds_container_memory(model: ModuleModel, options: dict[str, Any]) -> Iterator[Finding]:
    for c in model.containers:
        limit = memory_bytes(c)
        if limit is None or c.memory_limit is None or c.memory_limit.span is None:
            continue
        heap, pct, span, written, opt = _heap(c.jvm_options)
        if span is None or opt is None:
            continue
        if heap is not None and heap >= limit:
            what = f"{written} ({mib(heap)})"
        elif pct is not None and pct >= 100:
            what = f"{written} (a heap of {pct:g}% of the limit)"
        else:
            continue
        yield finding("CT002", span,
                      f"JVM heap {short(written, 24)} of {_who(c, 40)} is at or above its memory limit "
                      f"{short(c.memory_limit.value or '', 12)}",
                      f"{c.key}/heap", (Related(c.memory_limit.span, f"memory limit {c.memory_limit.value}"),),
                      why=f"JVM heap {what} in {opt.name} of {c.name!r} is at or above the container memory limit "
                          f"{c.memory_limit.value} ({mib(limit)}): the heap alone fills the limit, with no room for "
                          "metaspace, thread stacks (about 1 MiB per thread), direct buffers and the JIT, so the "
                          "kernel OOM-kills the container under load.",
                      help=f"replace it with -XX:MaxRAMPercentage=75 (or -Xmx{max(64, int(limit * 0.75) // 1024**2)}m)",
                      via=opt)
