"""docker-compose services and Kubernetes workload containers, from the flattened YAML entries."""

from __future__ import annotations

import re

from cfglint.extract import Ctx
from cfglint.loaders import Entry, PropsFile
from cfglint.model.construct import build
from cfglint.model.container import Container
from cfglint.model.values import Setting

JVM_ENV = ("JAVA_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "JVM_OPTS", "CATALINA_OPTS")
_JAVA_IMAGE = re.compile(r"(openjdk|temurin|corretto|zulu|jdk|jre|java|graalvm|liberica|semeru|dragonwell)", re.I)
_WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet", "ReplicationController"}
_POD_SPEC = {
    "Pod": "spec",
    "CronJob": "spec.jobTemplate.spec.template.spec",
}


def _setting(e: Entry, path: str) -> Setting:
    return build(Setting, name=e.key.rsplit(".", 1)[-1], value=e.value, raw=e.value, span=e.value_span,
                   source=f"{e.key} in {path}", key=e.key)


def _looks_jvm(text: str | None) -> bool:
    return bool(text) and bool(re.search(r"(^|\s|/)java(\s|$)|-Xm[xs]|-XX:|\.jar\b", text or ""))


def extract_compose(f: PropsFile, ctx: Ctx) -> None:
    services: dict[str, list[Entry]] = {}
    for e in f.entries:
        parts = e.key.split(".", 2)
        if len(parts) >= 3 and parts[0] == "services":
            services.setdefault(parts[1], []).append(e)
    for name, entries in services.items():
        prefix = f"services.{name}."
        limit = request = None
        jvm: list[Setting] = []
        runs_jvm = built = False
        for e in entries:
            rest = e.key[len(prefix):]
            if rest in ("mem_limit", "deploy.resources.limits.memory"):
                limit = _setting(e, f.path)
            elif rest in ("mem_reservation", "deploy.resources.reservations.memory"):
                request = _setting(e, f.path)
            elif rest.startswith("build"):
                built = True
            elif rest == "image" and e.value and _JAVA_IMAGE.search(e.value):
                runs_jvm = True
            elif rest.startswith("environment."):
                var = rest.split(".", 1)[1]
                if var in JVM_ENV:
                    jvm.append(_setting(e, f.path))
            elif rest.startswith("environment[") and e.value and "=" in e.value:
                var, _, _val = e.value.partition("=")
                if var.strip() in JVM_ENV:
                    jvm.append(_setting(e, f.path))
            elif rest.split("[", 1)[0] in ("command", "entrypoint") and _looks_jvm(e.value):
                jvm.append(_setting(e, f.path))
        anchor = f.parents.get(f"services.{name}") or min(entries, key=lambda e: e.key_span).key_span
        ctx.model.containers.append(build(Container,
            source="compose", name=name, anchor=anchor, key=f"{f.path}#services.{name}",
            memory_limit=limit, memory_request=request, jvm_options=tuple(jvm),
            runs_jvm=runs_jvm or bool(jvm), built_here=built))


def extract_k8s(f: PropsFile, ctx: Ctx) -> None:
    docs: dict[int, list[Entry]] = {}
    for e in f.entries:
        docs.setdefault(e.doc, []).append(e)
    for entries in docs.values():
        kind = next((e.value for e in entries if e.key == "kind"), None)
        if kind is None:
            continue
        if kind in _WORKLOADS:
            spec = "spec.template.spec"
        elif kind in _POD_SPEC:
            spec = _POD_SPEC[kind]
        else:
            continue
        wname = next((e.value for e in entries if e.key == "metadata.name"), None) or "?"
        containers: dict[str, list[Entry]] = {}
        pat = re.compile(re.escape(spec) + r"\.containers\[(\d+)\]\.(.*)$")
        for e in entries:
            m = pat.match(e.key)
            if m:
                containers.setdefault(m.group(1), []).append(e)
        for idx, centries in sorted(containers.items(), key=lambda kv: int(kv[0])):
            prefix = f"{spec}.containers[{idx}]."
            fields = {e.key[len(prefix):]: e for e in centries}
            name_e = fields.get("name")
            cname = name_e.value if name_e is not None and name_e.value else f"#{idx}"
            limit = fields.get("resources.limits.memory")
            request = fields.get("resources.requests.memory")
            jvm: list[Setting] = []
            env_names = {k.rsplit(".", 1)[0]: e.value for k, e in fields.items() if k.endswith(".name")
                         and k.startswith("env[")}
            for k, e in fields.items():
                if k.startswith("env[") and k.endswith(".value"):
                    if env_names.get(k.rsplit(".", 1)[0]) in JVM_ENV:
                        jvm.append(_setting(e, f.path))
                elif k.split("[", 1)[0] in ("command", "args") and _looks_jvm(e.value):
                    jvm.append(_setting(e, f.path))
            image = fields.get("image")
            runs_jvm = bool(jvm) or bool(image is not None and image.value and _JAVA_IMAGE.search(image.value))
            anchor = name_e.value_span if name_e is not None else centries[0].key_span
            ctx.model.containers.append(build(Container,
                source="k8s", name=f"{kind}/{wname} container {cname}", anchor=anchor,
                key=f"{f.path}#{kind}/{wname}/{cname}",
                memory_limit=_setting(limit, f.path) if limit is not None else None,
                memory_request=_setting(request, f.path) if request is not None else None,
                jvm_options=tuple(jvm), runs_jvm=runs_jvm))
