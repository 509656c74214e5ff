"""docker-compose services and Kubernetes workload containers, from the flattened YAML entries."""

from __future__ import annotations

import re

from cfglint.extract import Ctx
from cfglint.loaders import Entry, PropsFile
from cfglint.model.construct import build
from cfglint.model.container import Container, Runs
from cfglint.model.values import Setting
from cfglint.span import Span

# Environment variables a JVM, its launcher or a product's start script reads JVM options from.
JVM_ENV = ("JAVA_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "JVM_OPTS", "CATALINA_OPTS",
           "ES_JAVA_OPTS", "LS_JAVA_OPTS", "KAFKA_HEAP_OPTS", "JAVA_OPT", "JAVA_OPT_EXT", "SERVER_JVMFLAGS",
           "JVMFLAGS")
# The order the JVM applies them in (the last -Xmx wins): JAVA_TOOL_OPTIONS before the command line,
# JDK_JAVA_OPTIONS prepended to the launcher's arguments, _JAVA_OPTIONS after everything else.
_ENV_RANK = {"JAVA_TOOL_OPTIONS": 0, "JDK_JAVA_OPTIONS": 1, "_JAVA_OPTIONS": 3}
_WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet", "ReplicationController"}
_POD_SPEC = {
    "Pod": "spec",
    "CronJob": "spec.jobTemplate.spec.template.spec",
}

# Image and service-name words, matched as whole tokens (split on anything not a letter or digit).
_OTHER = frozenset(  # products that are not JVMs: databases, caches, brokers, web servers, monitoring, front ends
    "mysql mariadb postgres postgresql postgis redis nginx openresty rabbitmq mongo mongodb memcached httpd kibana "
    "grafana prometheus pushgateway alertmanager loki promtail jaeger minio etcd consul apisix envoy traefik haproxy "
    "caddy mssql xe opengauss clickhouse influxdb alpine busybox livekit mailhog dashboards db database sql "
    "kingbase highgo dm8 oceanbase tidb".split())
_MIDDLEWARE = frozenset(  # JVM products
    "elasticsearch logstash kafka zookeeper rocketmq nacos seata sentinel skywalking cassandra activemq artemis "
    "tomcat jetty jenkins sonarqube keycloak solr flink hbase hadoop neo4j canal zipkin eureka apollo graylog "
    "opensearch xxl".split())
_FRONT = frozenset("ui vue react angular frontend h5 node nodejs".split())  # a front end, unless a JVM word says more
_JAVA = frozenset("openjdk temurin corretto zulu jdk jre java graalvm liberica semeru dragonwell maven gradle spring "
                  "dubbo".split())
_JAVA_IMAGE = re.compile(r"(openjdk|temurin|corretto|zulu|jdk|jre|java|graalvm|liberica|semeru|dragonwell)", re.I)


def _setting(e: Entry, path: str) -> Setting:
    return build(Setting, name=e.key.rsplit(".", 1)[-1], value=e.value, raw=e.value, span=e.value_span,
                   source=f"{e.key} in {path}", key=e.key)


def _looks_jvm(text: str | None) -> bool:
    return bool(text) and bool(re.search(r"(^|\s|/)(java|mvn|gradle)(\s|$)|-Xm[xs]|-XX:|\.jar\b", text or ""))


def _tokens(*texts: str | None) -> set[str]:
    out: set[str] = set()
    for t in texts:
        if t:
            out.update(x for x in re.split(r"[^a-z0-9]+", t.lower()) if x)
    return out


def classify_image(image: str | None) -> Runs:
    """What an image runs, from its name alone."""
    if not image:
        return "unknown"
    path, _, tag = image.rpartition(":") if ":" in image.rsplit("/", 1)[-1] else (image, "", "")
    toks = _tokens(path)
    if toks & _OTHER:
        return "other"
    if toks & _MIDDLEWARE:
        return "middleware"
    if toks & _FRONT:
        return "other"
    if toks & _JAVA or _JAVA_IMAGE.search(path):
        return "jvm"
    segs = path.split("/")
    first = re.split(r"[^a-z0-9]+", segs[-1].lower())[0]
    if ("${" in path or "snapshot" in tag.lower() or tag.lower() == "local"
            or (len(segs) >= 2 and len(first) >= 3 and segs[-2].lower() == first)):
        return "own"  # a registry variable, a Maven snapshot, a local build, or org/org-name: this repository's
    return "unknown"


def _local_name(image: str, service: str, container: str) -> bool:
    """`image: yudao-server` on service `yudao-server`: a project-style name (with a dash) in no registry or
    namespace and without a version tag is an image built on this machine from the repository, not a
    published product (those are known by name, or published under a namespace with versions)."""
    name, _, tag = image.partition(":")
    return ("/" not in name and "-" in name and tag in ("", "latest")
            and name.lower() in (service.lower(), container.lower()))


def _built(names: set[str]) -> Runs:
    """A compose service built from this repository: its own service unless its names say it is a database,
    a web server or a front end (a `db/` context holding the schema, `*-vue`, `*-ui`)."""
    if names & _OTHER:
        return "other"
    if names & _MIDDLEWARE:
        return "middleware"
    if names & _FRONT:
        return "other"
    return "own"


def _order(jvm: list[tuple[int, Setting]]) -> tuple[Setting, ...]:
    return tuple(s for _, s in sorted(jvm, key=lambda r: r[0]))


# dubbo-samples' integration-test case files: compose-shaped, but the test runner's, not a deployment
_TEST_HARNESS = ("case-configuration.yml", "case-configuration.yaml")


def extract_compose(f: PropsFile, ctx: Ctx) -> None:
    if f.path.replace("\\", "/").rsplit("/", 1)[-1] in _TEST_HARNESS:
        return
    services: dict[str, list[Entry]] = {}
    for e in f.entries:
        parts = e.key.split(".", 2)
        if len(parts) >= 3 and parts[0] == "services":
            services.setdefault(parts[1], []).append(e)
    for name, entries in services.items():
        prefix = f"services.{name}."
        limit = request = None
        jvm: list[tuple[int, Setting]] = []
        java_cmd = built = False
        image = cname = ""
        names: set[str] = _tokens(name)
        for e in entries:
            rest = e.key[len(prefix):]
            if rest in ("mem_limit", "deploy.resources.limits.memory"):
                limit = _setting(e, f.path)
            elif rest in ("mem_reservation", "deploy.resources.reservations.memory"):
                request = _setting(e, f.path)
            elif rest.startswith("build"):
                built = True
                if rest in ("build", "build.context", "build.dockerfile"):
                    names |= _tokens(e.value)
                elif rest.startswith("build.args") and "NODE_" in (e.key + (e.value or "")):
                    names.add("node")
            elif rest == "image":
                image = e.value or ""
            elif rest == "container_name":
                names |= _tokens(e.value)
                cname = e.value or ""
            elif rest.startswith("environment."):
                var = rest.split(".", 1)[1]
                if var in JVM_ENV:
                    jvm.append((_ENV_RANK.get(var, 2), _setting(e, f.path)))
            elif rest.startswith("environment[") and e.value and "=" in e.value:
                var = e.value.partition("=")[0].strip()
                if var in JVM_ENV:
                    jvm.append((_ENV_RANK.get(var, 2), _setting(e, f.path)))
            elif rest.split("[", 1)[0] in ("command", "entrypoint") and _looks_jvm(e.value):
                java_cmd = True
                jvm.append((2, _setting(e, f.path)))
        runs = classify_image(image)
        if runs == "unknown" and _local_name(image, name, cname):
            runs = "own"
        if built and runs in ("unknown", "own"):
            runs = _built(names | _tokens(image))
        if runs in ("unknown", "other") and (jvm or java_cmd):
            runs = "jvm"  # JVM options or a java command say more than a name
        anchor = f.parents.get(f"services.{name}") or min(entries, key=lambda e: e.key_span).key_span
        ctx.model.containers.append(build(Container,
            source="compose", name=name, anchor=anchor, key=f"{f.path}#services.{name}",
            memory_limit=limit, memory_request=request, jvm_options=_order(jvm),
            runs_jvm=runs in ("own", "jvm", "middleware"), built_here=built, runs=runs, image=image))


_RESOURCES = re.compile(r"^[ \t]*(?:-[ \t]+)?resources[ \t]*:")


def _duplicate_resources(f: PropsFile, first: Span | None, lines: tuple[int, int]) -> Span | None:
    """The last `resources:` key of a container when it is written more than once (the same column within
    the container's lines): YAML keeps one value per key, so what the earlier blocks say is lost."""
    if first is None:
        return None
    text = f.text.splitlines()
    last: Span | None = None
    for n in range(first.line + 1, min(lines[1], len(text)) + 1):
        m = _RESOURCES.match(text[n - 1])
        if m is not None:
            col = text[n - 1].index("resources") + 1
            if col == first.col:
                last = Span(f.path, n, col, n, col + len("resources"))
    return last


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
            jvm: list[tuple[int, Setting]] = []
            env_names = {k.rsplit(".", 1)[0]: e.value for k, e in fields.items() if k.endswith(".name")
                         and k.startswith("env[")}
            for k, e in fields.items():
                if k.startswith("env[") and k.endswith(".value"):
                    var = env_names.get(k.rsplit(".", 1)[0])
                    if var in JVM_ENV:
                        jvm.append((_ENV_RANK.get(var or "", 2), _setting(e, f.path)))
                elif k.split("[", 1)[0] in ("command", "args") and _looks_jvm(e.value):
                    jvm.append((2, _setting(e, f.path)))
            image = fields.get("image")
            runs = classify_image(image.value if image is not None else None)
            if runs in ("unknown", "other") and jvm:
                runs = "jvm"
            lines = (min(e.key_span.line for e in centries), max(e.value_span.end_line for e in centries))
            dup = _duplicate_resources(f, f.parents.get(prefix + "resources"), lines)
            dropped = None
            if dup is not None:
                if limit is not None and limit.key_span.line < dup.line:
                    dropped, limit = _setting(limit, f.path), None
                if request is not None and request.key_span.line < dup.line:
                    request = None
            anchor = name_e.value_span if name_e is not None else centries[0].key_span
            ctx.model.containers.append(build(Container,
                source="k8s", name=f"{kind}/{wname} container {cname}", anchor=anchor,
                key=f"{f.path}#{kind}/{wname}/{cname}",
                memory_limit=_setting(limit, f.path) if limit is not None else None,
                memory_request=_setting(request, f.path) if request is not None else None,
                jvm_options=_order(jvm), runs_jvm=runs in ("own", "jvm", "middleware"), runs=runs,
                image=image.value or "" if image is not None else "", dropped_limit=dropped,
                duplicate=dup if dropped is not None else None))
