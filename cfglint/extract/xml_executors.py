"""``<bean class="java.util.concurrent.ThreadPoolExecutor">`` with ``<constructor-arg>``s: the same pool as
``new ThreadPoolExecutor(...)`` in Java, judged the same way (kind ``java-executor``). Arguments by ``index``,
``name`` or document order; values from ``value=``, ``<value>``, ``<util:constant static-field>`` or
``#{T(Integer).MAX_VALUE}``; the work queue as a nested (or referenced) queue bean. A ``type``-only or
otherwise unplaceable argument leaves the pool unknown."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from cfglint.extract import Ctx
from cfglint.model.construct import build
from cfglint.model.threads import ThreadPool
from cfglint.model.values import Setting

if TYPE_CHECKING:
    from cfglint.extract.spring_xml import Bean
    from cfglint.loaders.xml import XElem

POOL_CLASSES = {"java.util.concurrent.ThreadPoolExecutor": "ThreadPoolExecutor",
                "java.util.concurrent.ScheduledThreadPoolExecutor": "ScheduledThreadPoolExecutor"}
PARAMS = ("corePoolSize", "maximumPoolSize", "keepAliveTime", "unit", "workQueue")
CANON = {"corePoolSize": "corepoolsize", "maximumPoolSize": "maxpoolsize", "keepAliveTime": "keepalive",
         "unit": "keepaliveunit", "workQueue": "queuecapacity"}
INT_MAX = "2147483647"
_CONSTANTS = {"java.lang.Integer.MAX_VALUE": INT_MAX, "Integer.MAX_VALUE": INT_MAX,
              "java.lang.Long.MAX_VALUE": "9223372036854775807"}
_SPEL_MAX = re.compile(r"^#\{\s*T\(\s*(java\.lang\.)?Integer\s*\)\s*\.\s*MAX_VALUE\s*\}$")
_QUEUES = {"java.util.concurrent.SynchronousQueue": "SynchronousQueue",
           "java.util.concurrent.ArrayBlockingQueue": "ArrayBlockingQueue",
           "java.util.concurrent.LinkedBlockingQueue": "LinkedBlockingQueue",
           "java.util.concurrent.LinkedBlockingDeque": "LinkedBlockingDeque",
           "java.util.concurrent.PriorityBlockingQueue": "PriorityBlockingQueue",
           "java.util.concurrent.LinkedTransferQueue": "LinkedTransferQueue"}


def _args(e: XElem) -> dict[int, XElem] | None:
    """Constructor arguments by position; None when one cannot be placed."""
    out: dict[int, XElem] = {}
    order = 0
    for child in e.children:
        if child.local != "constructor-arg":
            continue
        idx, name = child.attr("index"), child.attr("name")
        if idx is not None and idx.value.strip().isdigit():
            out[int(idx.value.strip())] = child
        elif name is not None and name.value.strip() in PARAMS:
            out[PARAMS.index(name.value.strip())] = child
        elif idx is None and name is None and child.attr("type") is None:
            while order in out:
                order += 1
            out[order] = child
            order += 1
        else:
            return None
    return out


def xml_executor(e: XElem, cls: str, ctx: Ctx, path: str, label: str, index: dict[str, Bean]) -> None:
    args = _args(e)
    if args is None:
        return
    typ = POOL_CLASSES[cls]
    label = f"{typ} {label}"
    key = e.path()
    settings: dict[str, Setting] = {}
    last = 4 if typ == "ThreadPoolExecutor" else 0
    if typ == "ThreadPoolExecutor" and len(args) < 5:
        return
    for i in range(last + 1):
        arg = args.get(i)
        if arg is None:
            return
        name = PARAMS[i]
        src = f"constructor-arg {name} of {label} in {path}"
        s = _queue(arg, ctx, src, f"{key}/{name}", index) if name == "workQueue" else \
            _value(arg, name, ctx, src, f"{key}/{name}")
        settings[CANON[name]] = s
    if typ == "ScheduledThreadPoolExecutor":
        settings["scheduled"] = build(Setting, name="scheduled", value="true", span=e.span, source=label, key=key)
    ctx.model.pools.append(build(ThreadPool, kind="java-executor", label=label, anchor=e.span, key=key,
                                 settings=settings))


def _value(arg: XElem, name: str, ctx: Ctx, source: str, key: str) -> Setting:
    v = arg.attr("value")
    if v is not None:
        raw, span = v.value, v.value_span
    else:
        sub = next((c for c in arg.children), None)
        if sub is not None and sub.local == "value":
            raw, span = sub.text or "", sub.text_span or sub.span
        elif sub is not None and sub.local == "constant" and sub.attr("static-field") is not None:
            sf = sub.attr("static-field")
            assert sf is not None
            text = sf.value.strip()
            value = _CONSTANTS.get(text) or (text.rsplit(".", 1)[1] if ".TimeUnit." in text else None)
            return build(Setting, name=name, value=value, raw=text, span=sf.value_span, source=source, key=key)
        else:
            return build(Setting, name=name, value=None, raw=None, span=arg.span, source=source, key=key)
    s = ctx.setting(name, raw, span, source, key)
    text = (s.value or "").strip()
    if _SPEL_MAX.match(text) or text in _CONSTANTS:
        return s.model_copy(update={"value": _CONSTANTS.get(text, INT_MAX)})
    if name == "unit" and text.upper() in ("NANOSECONDS", "MICROSECONDS", "MILLISECONDS", "SECONDS", "MINUTES",
                                           "HOURS", "DAYS"):
        return s.model_copy(update={"value": text.upper()})
    return s


def _queue(arg: XElem, ctx: Ctx, source: str, key: str, index: dict[str, Bean]) -> Setting:
    """A queue's capacity: INT_MAX for an unbounded queue class, None when the queue is not known."""
    bean: XElem | None = next((c for c in arg.children if c.local == "bean"), None)
    ref = arg.attr("ref")
    ref_child = next((c for c in arg.children if c.local == "ref"), None)
    if bean is None:
        target = ref.value if ref is not None else None
        if target is None and ref_child is not None:
            a = ref_child.attr("bean") or ref_child.attr("local")
            target = a.value if a is not None else None
        found = index.get(target.strip()) if target else None
        bean = found.elem if found is not None else None
    unknown = build(Setting, name="workQueue", value=None, raw=None, span=arg.span, source=source, key=key)
    if bean is None:
        return unknown
    cls_attr = bean.attr("class")
    qtype = _QUEUES.get(cls_attr.value.strip()) if cls_attr is not None else None
    if qtype is None:
        return unknown
    raw = f"<bean class=\"{cls_attr.value.strip()}\">" if cls_attr is not None else ""
    inner = [c for c in bean.children if c.local == "constructor-arg"]
    if qtype == "SynchronousQueue":
        value: str | None = "0"
    elif qtype in ("PriorityBlockingQueue", "LinkedTransferQueue") or (
            qtype in ("LinkedBlockingQueue", "LinkedBlockingDeque") and not inner):
        value = INT_MAX
    elif inner:
        s = _value(inner[0], "workQueue", ctx, source, key)
        return s.model_copy(update={"raw": f"{raw} of capacity {s.value}"})
    else:
        return unknown
    return build(Setting, name="workQueue", value=value, raw=raw, span=cls_attr.value_span if cls_attr else bean.span,
                 source=source, key=key)
