"""Issue 19, items 3-5: context the rules used to ignore (reachability, scale, intent, the timeout that gives
up, the values judged), containers (what runs in them, how their options are written) and wording slips.
Each test fails on the behaviour the issue reported."""

from __future__ import annotations

import pytest

from cfglint.findings import Severity

RES = "src/main/resources"
DUBBO_XML = ('<beans xmlns="http://www.springframework.org/schema/beans" '
             'xmlns:dubbo="http://dubbo.apache.org/schema/dubbo">\n{body}\n</beans>\n')
SPRING_XML = ('<beans xmlns="http://www.springframework.org/schema/beans" '
              'xmlns:task="http://www.springframework.org/schema/task">\n{body}\n</beans>\n')


def of(report, rule: str) -> list:
    return [f for f in report.findings if f.rule == rule]


# ---- TP004: only where surplus threads can exist -------------------------------------------------------

@pytest.mark.parametrize(("attrs", "fires"), [
    ('threadpool="fixed" threads="200" alive="600000"', False),  # fixed: core == max, alive ignored
    ('threadpool="cached" threads="400" queues="-1" alive="600000"', False),  # unbounded queue: never grows
    ('threadpool="cached" threads="400" corethreads="400" alive="600000"', False),  # core == max
    ('threadpool="cached" threads="400" alive="600000"', True),  # queues=0: a SynchronousQueue
    ('threadpool="cached" threads="400" queues="50" alive="600000"', True),  # bounded: grows when full
    ('threadpool="eager" threads="400" queues="-1" alive="600000"', True),  # eager threads before it queues
])
def test_tp004_dubbo_reachability(lint_tree, attrs: str, fires: bool) -> None:
    body = f'<dubbo:protocol name="dubbo" {attrs}/>'
    r = lint_tree({"pom.xml": "<project/>", f"{RES}/d.xml": DUBBO_XML.format(body=body)})
    found = of(r, "TP004")
    assert bool(found) is fires
    if fires:
        assert "Threads beyond corethreads (0, up to 400) start" in found[0].why
        assert 'alive="60000"' in found[0].help  # the fix in the file's own syntax


def test_tp004_spring_unbounded_queue_is_quiet_and_bounded_says_how(lint_tree) -> None:
    bean = ('<bean id="w" class="org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor">'
            '<property name="corePoolSize" value="4"/><property name="maxPoolSize" value="40"/>{q}'
            '<property name="keepAliveSeconds" value="600"/></bean>')
    r = lint_tree({"pom.xml": "<project/>", f"{RES}/e.xml": SPRING_XML.format(body=bean.format(q=""))})
    assert of(r, "TP004") == []  # the default unbounded queue: the pool never passes 4 threads
    q = '<property name="queueCapacity" value="0"/>'
    r = lint_tree({"pom.xml": "<project/>", f"{RES}/e.xml": SPRING_XML.format(body=bean.format(q=q))})
    assert "threads beyond the core size (4, up to 40) start at once when the core threads are busy" in \
        of(r, "TP004")[0].why


# ---- TP002: scale the severity ----------------------------------------------------------------------------

def test_tp002_just_above_the_line_is_a_note_far_above_a_warning(lint_tree) -> None:
    near = DUBBO_XML.format(body='<dubbo:protocol name="dubbo" threads="1024"/>')
    r = lint_tree({"pom.xml": "<project/>", f"{RES}/d.xml": near})
    (f,) = of(r, "TP002")
    assert f.severity is Severity.NOTE and "a little above max-threads = 1000" in f.why
    far = DUBBO_XML.format(body='<dubbo:protocol name="dubbo" threads="5000"/>')
    r = lint_tree({"pom.xml": "<project/>", f"{RES}/d.xml": far})
    (f,) = of(r, "TP002")
    assert f.severity is Severity.WARNING and "5× max-threads = 1000" in f.why


def test_a_note_stays_a_note_when_the_rule_is_raised(lint_tree) -> None:
    near = DUBBO_XML.format(body='<dubbo:protocol name="dubbo" threads="1024"/>')
    r = lint_tree({"pom.xml": "<project/>", f"{RES}/d.xml": near}, severity={"TP002": "error"})
    assert [f.severity for f in of(r, "TP002")] == [Severity.NOTE]


# ---- CF004 / DS001 -----------------------------------------------------------------------------------------

def test_druid_type_under_the_starter_is_a_note(lint_tree) -> None:
    yml = ("spring:\n  datasource:\n    druid:\n      type: com.alibaba.druid.pool.DruidDataSource\n"
           "      max-wait: 1500\n      url: jdbc:mysql://db/app\n")
    r = lint_tree({"pom.xml": "<project/>", f"{RES}/application.yml": yml})
    (f,) = of(r, "CF004")
    assert f.severity is Severity.NOTE and "does no harm" in f.why
    r = lint_tree({"pom.xml": "<project/>", f"{RES}/application.yml": yml.replace(
        "com.alibaba.druid.pool.DruidDataSource", "com.zaxxer.hikari.HikariDataSource")})
    assert [f.severity for f in of(r, "CF004")] == [Severity.WARNING]  # the intent is not met


def test_ds001_and_cf004_agree_on_a_flat_max_wait(lint_tree) -> None:
    yml = "spring:\n  datasource:\n    maxWait: 60000\n    druid:\n      url: jdbc:mysql://db/app\n"
    r = lint_tree({"pom.xml": "<project/>", f"{RES}/application.yml": yml})
    (ds,) = of(r, "DS001")
    (cf,) = of(r, "CF004")
    assert "`spring.datasource.maxWait` (src/main/resources/application.yml:3) binds to nothing (CF004)" in \
        " ".join(ds.notes)
    assert [(x.span.line, x.span.col) for x in ds.related] == [(3, 5)]
    assert "waits forever for a free connection (DS001)" in cf.why
    assert "spring.datasource.druid.max-wait" in ds.help and "spring.datasource.druid.max-wait" in cf.help


# ---- DS002: the timeout that gives up ---------------------------------------------------------------------

HIKARI = "spring:\n  datasource:\n    url: jdbc:mysql://db/app\n    hikari:\n      connection-timeout: 5000\n"


def test_ds002_a_longer_consumer_timeout_is_the_one_that_gives_up(lint_tree) -> None:
    yml = HIKARI + "dubbo:\n  protocol:\n    name: dubbo\n  consumer:\n    timeout: 10000\n"
    assert of(lint_tree({"pom.xml": "<project/>", f"{RES}/application.yml": yml}), "DS002") == []


def test_ds002_never_calls_a_timeout_a_protocol_attribute(lint_tree) -> None:
    yml = HIKARI + "dubbo:\n  protocol:\n    name: dubbo\n"
    (f,) = of(lint_tree({"pom.xml": "<project/>", f"{RES}/application.yml": yml}), "DS002")
    assert "timeout is set for dubbo.protocol" not in f.story()
    assert "Dubbo's default timeout of 1000 ms for calls served over dubbo.protocol" in f.why
    assert "nor on the consumer side" in f.why
    assert "e.g. `connection-timeout: 500`" in f.help  # the fix in the file's own syntax


def test_ds002_names_the_consumer_side_timeout_it_compared_with(lint_tree) -> None:
    yml = HIKARI + ("dubbo:\n  protocol:\n    name: dubbo\n  provider:\n    timeout: 1000\n"
                    "  consumer:\n    timeout: 3000\n")
    (f,) = of(lint_tree({"pom.xml": "<project/>", f"{RES}/application.yml": yml}), "DS002")
    assert "the Dubbo timeout 3000 ms (dubbo.consumer.timeout" in f.why and "consumer-side" in f.why


# ---- DS003: show the values judged ------------------------------------------------------------------------

def test_ds003_remove_abandoned_shows_its_timeout_and_does_not_advise_what_is_there(lint_tree) -> None:
    base = "spring:\n  datasource:\n    druid:\n      max-wait: 1500\n      remove-abandoned: true\n"
    r = lint_tree({"pom.xml": "<project/>", f"{RES}/application.yml": base + "      remove-abandoned-timeout: 3600\n"})
    (f,) = of(r, "DS003")
    assert f.severity is Severity.NOTE
    assert "removeAbandonedTimeout = 3600 s" in f.why.replace("remove-abandoned-timeout", "removeAbandonedTimeout")
    assert "at least 3600" not in f.story()
    r = lint_tree({"pom.xml": "<project/>", f"{RES}/application.yml": base})
    (f,) = of(r, "DS003")
    assert f.severity is Severity.WARNING and "300 s (Druid's default)" in f.why and "at least 3600" in f.help


# ---- CT001 / CT002 ----------------------------------------------------------------------------------------

def _compose(lint_tree, text: str):  # type: ignore[no-untyped-def]
    return lint_tree({"docker-compose.yml": text})


@pytest.mark.parametrize(("service", "fires"), [
    ('    image: "${REGISTER}/blade-auth:${TAG}"\n', True),
    ("    image: ruoyi/ruoyi-system:2.2.1\n", True),
    ("    image: mall/mall-admin:1.0-SNAPSHOT\n", True),
    ("    image: docker.elastic.co/elasticsearch/elasticsearch:7.17.3\n", True),
    ("    image: confluentinc/cp-kafka:7.4.0\n", True),
    ("    image: zookeeper:3.8\n", True),
    ("    image: nacos/nacos-server:v2.2.0\n", True),
    ("    image: seataio/seata-server:1.6.1\n", True),
    ("    image: bladex/sentinel-dashboard:1.8.0\n", True),
    ("    image: logstash:7.17.3\n", True),
    ("    image: apache/rocketmq:5.1.0\n", True),
    ("    image: mysql:8.0\n    build: ./db\n", False),
    ("    image: rabbitmq:3.9-management\n    build: ./mq\n", False),
    ("    image: nginx:1.22\n    build: ./nginx\n", False),
    ("    image: bitnami/redis-sentinel:7.0\n", False),
    ("    image: some/tool:1.0\n", False),
    ("    build: ./order-service\n", True),
    ("    image: svc-server\n    container_name: svc-server\n", True),  # a local build named after the service
    ("    image: svc-server:2.1\n    container_name: svc-server\n", False),  # a published, versioned image
    ("    image: container-registry.oracle.com/graalvm/jdk:21\n", True),
    ("    image: gvenzl/oracle-xe:18-slim\n", False),
])
def test_ct001_compose_what_runs(lint_tree, service: str, fires: bool) -> None:
    r = _compose(lint_tree, "services:\n  svc:\n" + service)
    assert bool(of(r, "CT001")) is fires


def test_ct001_compose_java_options_in_underscore_java_options(lint_tree) -> None:
    r = _compose(lint_tree, "services:\n  svc:\n    image: some/tool:1.0\n    environment:\n"
                            "      - _JAVA_OPTIONS=-Xmx2g\n")
    (f,) = of(r, "CT001")
    assert "2816m" in f.help and "MaxRAMPercentage" not in f.story()  # room above the heap, no second flag


def test_ct001_k8s_fix_respects_the_request_and_non_jvm_processes(lint_tree) -> None:
    dep = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {n}\nspec:\n  template:\n    spec:\n"
           "      containers:\n        - name: {n}\n          image: {image}\n          resources:\n"
           "            requests:\n              memory: 2Gi\n")
    r = lint_tree({"k8s/db.yaml": dep.format(n="db", image="mysql:8.0")})
    (f,) = of(r, "CT001")
    assert f.severity is Severity.NOTE
    assert "resources.limits.memory: 2Gi (at least the 2Gi it requests)" in f.help
    assert "-XX:" not in f.story() and "JVM" not in f.story()
    r = lint_tree({"k8s/db.yaml": dep.format(n="app", image="eclipse-temurin:17-jre")})
    (f,) = of(r, "CT001")
    assert f.severity is Severity.WARNING and "-XX:MaxRAMPercentage=75" in f.help and "1Gi" not in f.story()


def test_ct001_duplicate_resources_key_is_reported_and_a_last_limit_counts(lint_tree) -> None:
    dep = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n"
           "      image: registry.example.com/app:1\n"
           "      resources:\n        limits:\n          memory: 1Gi\n"
           "      resources:\n        {second}\n")
    r = lint_tree({"k8s/pod.yaml": dep.format(second="requests:\n          memory: 512Mi")})
    (f,) = of(r, "CT001")
    assert (f.span.line, f.span.col) == (12, 7) and "loses its memory limit 1Gi" in f.message
    r = lint_tree({"k8s/pod.yaml": dep.format(second="limits:\n          memory: 2Gi")})
    assert of(r, "CT001") == []


def test_ct002_list_form_environment(lint_tree) -> None:
    r = _compose(lint_tree, "services:\n  svc:\n    build: .\n    mem_limit: 1g\n    environment:\n"
                            "      - JAVA_OPTS=-Xms512m -Xmx1g\n")
    (f,) = of(r, "CT002")
    assert (f.span.line, f.span.col, f.span.end_col) == (6, 28, 34)


# ---- wording slips ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "text", "want"), [
    ("application.yml", "dubbo:\n  protocol:\n    threadpool: cached\n", "add `threads: 200` under dubbo.protocol"),
    ("application.properties", "dubbo.protocol.threadpool=cached\n", "add dubbo.protocol.threads=200"),
    ("d.xml", DUBBO_XML.format(body='<dubbo:protocol name="dubbo" threadpool="cached"/>'), 'add threads="200"'),
])
def test_tp001_fix_in_the_files_own_syntax(lint_tree, name: str, text: str, want: str) -> None:
    (f,) = of(lint_tree({"pom.xml": "<project/>", f"{RES}/{name}": text}), "TP001")
    assert want in f.help
    if not name.endswith(".xml"):
        assert '="' not in f.help


def test_executor_names(lint_tree) -> None:
    body = ('<task:executor id="w" queue-capacity="10"/>\n'
            '<bean id="b" class="org.springframework.scheduling.concurrent.ThreadPoolExecutorFactoryBean">'
            '<property name="maxPoolSize" value="5000"/><property name="queueCapacity" value="10"/></bean>')
    r = lint_tree({"pom.xml": "<project/>", f"{RES}/t.xml": SPRING_XML.format(body=body)})
    messages = " ".join(f"{f.message} {f.why}" for f in r.findings)
    assert "<task:executor> <task:executor" not in messages
    assert '<task:executor id="w"> sets queue-capacity' in messages
    assert 'ThreadPoolExecutorFactoryBean <bean id="b">' in messages and "ThreadPoolTaskExecutor" not in messages


def test_cf001_tab_in_yaml_indentation(lint_tree) -> None:
    r = lint_tree({f"{RES}/application.yml": "spring:\n\tdatasource:\n\t\turl: x\n"})
    (f,) = of(r, "CF001")
    assert "tab used for indentation" in f.message and (f.span.line, f.span.col) == (2, 1)
