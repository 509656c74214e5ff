"""Thread pool rules TP001-TP004 and CF002: precedence, versions, units and the exclusions that keep
maintainers from rejecting findings."""

from __future__ import annotations

import pytest

from cfglint.checks.threads import parse_boot_duration

S = 10**9
RES = "src/main/resources"


def pom(group: str = "", artifact: str = "dubbo", version: str = "") -> str:
    if not version:
        return "<project/>"
    return (f"<project><dependencies><dependency><groupId>{group}</groupId><artifactId>{artifact}</artifactId>"
            f"<version>{version}</version></dependency></dependencies></project>")


def found(report, rule: str) -> list[str]:
    return [f"{f.span.path}:{f.span.line}:{f.span.col}" for f in report.findings if f.rule == rule]


def messages(report, rule: str) -> list[str]:
    return [f.message for f in report.findings if f.rule == rule]


def whys(report, rule: str) -> list[str]:
    return [f.why for f in report.findings if f.rule == rule]


def helps(report, rule: str) -> list[str]:
    return [f.help for f in report.findings if f.rule == rule]


def notes(report, rule: str) -> list[str]:
    return [" ".join(f.notes) for f in report.findings if f.rule == rule]


def dubbo_xml(attrs: str, provider: str = "", extra: str = "") -> str:
    prov = f"<dubbo:provider {provider}/>" if provider else ""
    return ('<beans xmlns="http://www.springframework.org/schema/beans" '
            'xmlns:dubbo="http://dubbo.apache.org/schema/dubbo">\n'
            f'{prov}\n<dubbo:protocol name="dubbo" port="20880" {attrs}/>\n{extra}</beans>\n')


# ---- Boot Duration parsing (spring.md §8) -----------------------------------------------------------------

@pytest.mark.parametrize(("text", "nanos"), [
    ("60s", 60 * S), ("PT2M", 120 * S), ("pt2m", 120 * S), ("90000", 90 * S), ("2m", 120 * S), ("1h", 3600 * S),
    ("1d", 86400 * S), ("500ms", S // 2), ("60", S * 60 // 1000), ("10S", 10 * S), ("PT1.5S", 3 * S // 2),
    ("P1DT2H", 26 * 3600 * S), ("-PT1M", -60 * S), ("+30s", 30 * S), ("PT-1M", -60 * S),
])
def test_boot_duration(text: str, nanos: int) -> None:
    assert parse_boot_duration(text) == nanos


@pytest.mark.parametrize("text", ["1.5s", "5x", "P", "PT", "ten", "", "1 m", "P1Y", None])
def test_boot_duration_rejected(text: str | None) -> None:
    assert parse_boot_duration(text) is None


# ---- TP002: precedence and the boundary with TP001 --------------------------------------------------------

def test_protocol_threads_beat_provider_threads(lint_tree) -> None:
    r = lint_tree({"pom.xml": pom(), f"{RES}/d.xml": dubbo_xml('threads="400"', provider='threads="1500"')})
    assert found(r, "TP002") == []


def test_provider_threads_inherited_by_every_protocol_reported_once(lint_tree) -> None:
    extra = '<dubbo:protocol name="tri" port="50051"/>\n'
    r = lint_tree({"pom.xml": pom(), f"{RES}/d.xml": dubbo_xml("", provider='threads="1500"', extra=extra)})
    assert found(r, "TP002") == [f"{RES}/d.xml:2:26"]
    assert "inherited by" in whys(r, "TP002")[0]


def test_dubbo_parameter_threads(lint_tree) -> None:
    xml = ('<beans xmlns="http://www.springframework.org/schema/beans" '
           'xmlns:dubbo="http://dubbo.apache.org/schema/dubbo">\n'
           '<dubbo:protocol name="dubbo"><dubbo:parameter key="threads" value="4000"/></dubbo:protocol>\n</beans>\n')
    r = lint_tree({"pom.xml": pom(), f"{RES}/d.xml": xml})
    assert len(found(r, "TP002")) == 1


@pytest.mark.parametrize(("threads", "tp001", "tp002"), [
    ("1000", 0, 0), ("1001", 0, 1), ("999999", 0, 1), ("1000000", 1, 0), ("2147483647", 1, 0)])
def test_tp001_and_tp002_never_share_a_value(lint_tree, threads: str, tp001: int, tp002: int) -> None:
    r = lint_tree({"pom.xml": pom(), f"{RES}/application.properties": f"dubbo.protocol.threads={threads}\n"})
    assert (len(found(r, "TP001")), len(found(r, "TP002"))) == (tp001, tp002)


def test_spring_core_size_judged_when_no_maximum(lint_tree) -> None:
    xml = ('<beans xmlns="http://www.springframework.org/schema/beans">\n'
           '<bean id="w" class="org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor">\n'
           '<property name="corePoolSize" value="2000"/>\n</bean>\n</beans>\n')
    r = lint_tree({"pom.xml": pom(), f"{RES}/e.xml": xml})
    assert found(r, "TP002") == [f"{RES}/e.xml:3:38"]


def test_spring_max_without_queue_says_it_is_not_reached_yet(lint_tree) -> None:
    yml = "spring.task.execution.pool.max-size: 5000\n"
    r = lint_tree({"pom.xml": pom(), f"{RES}/application.yml": yml})
    assert len(found(r, "TP002")) == 1
    assert "takes effect as soon as someone adds a queue bound" in notes(r, "TP002")[0]


# ---- TP003: Dubbo queues by version ------------------------------------------------------------------------

@pytest.mark.parametrize(("group", "version", "fires", "says"), [
    ("", "", True, "version is unknown"),
    ("com.alibaba", "2.6.12", True, "on Dubbo 2.6.12"),
    ("org.apache.dubbo", "2.7.23", True, "on Dubbo 2.7.23"),
    ("org.apache.dubbo", "3.0.8", True, "on Dubbo 3.0.8"),
    ("org.apache.dubbo", "3.0.9", False, ""),
    ("org.apache.dubbo", "3.3.1", False, ""),
])
def test_dubbo_negative_queues_by_version(lint_tree, group: str, version: str, fires: bool, says: str) -> None:
    r = lint_tree({"pom.xml": pom(group, "dubbo", version), f"{RES}/d.xml": dubbo_xml('queues="-1"')})
    assert bool(found(r, "TP003")) is fires
    if fires:
        assert says in whys(r, "TP003")[0]


def test_dubbo_huge_positive_queue_fires_on_every_version(lint_tree) -> None:
    r = lint_tree({"pom.xml": pom("org.apache.dubbo", "dubbo", "3.3.1"),
                   f"{RES}/d.xml": dubbo_xml('queues="2147483647"')})
    assert len(found(r, "TP003")) == 1


def test_eager_and_bounded_queues_are_fine(lint_tree) -> None:
    r = lint_tree({"pom.xml": pom(), f"{RES}/d.xml": dubbo_xml('threadpool="eager" threads="200" queues="-1"')})
    assert found(r, "TP003") == []
    r = lint_tree({"pom.xml": pom(), f"{RES}/d.xml": dubbo_xml('queues="100"')})
    assert found(r, "TP003") == []


def test_cached_with_negative_queues_explains_the_single_thread(lint_tree) -> None:
    r = lint_tree({"pom.xml": pom(), f"{RES}/d.xml": dubbo_xml('threadpool="cached" threads="300" queues="-1"')})
    assert "never grows past one thread" in whys(r, "TP003")[0]


@pytest.mark.parametrize(("attrs", "fires"), [
    ("", False),  # nobody configured it
    ('pool-size="10"', True),
    ('pool-size="0-10"', True),  # core = 10, core threads time out, unbounded queue
    ('pool-size="5-10"', False),  # Spring refuses to start: the user finds out at once
    ('pool-size="5-10" queue-capacity="100"', False),
    ('keep-alive="30"', True),
])
def test_task_executor_queue(lint_tree, attrs: str, fires: bool) -> None:
    xml = ('<beans xmlns="http://www.springframework.org/schema/beans" '
           'xmlns:task="http://www.springframework.org/schema/task">\n'
           f'<task:executor id="w" {attrs}/>\n</beans>\n')
    r = lint_tree({"pom.xml": pom(), f"{RES}/t.xml": xml})
    assert bool(found(r, "TP003")) is fires


def test_executor_with_only_a_thread_name_is_not_explicitly_configured(lint_tree) -> None:
    xml = ('<beans xmlns="http://www.springframework.org/schema/beans">\n'
           '<bean id="w" class="org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor">\n'
           '<property name="threadNamePrefix" value="w-"/>\n</bean>\n</beans>\n')
    r = lint_tree({"pom.xml": pom(), f"{RES}/e.xml": xml})
    assert found(r, "TP003") == []


# ---- TP004: units and which pools honour a keep-alive ------------------------------------------------------

@pytest.mark.parametrize(("alive", "fires"), [("60000", False), ("60001", True), ("600000", True)])
def test_dubbo_alive_is_milliseconds_and_strictly_greater(lint_tree, alive: str, fires: bool) -> None:
    r = lint_tree({"pom.xml": pom(), f"{RES}/d.xml": dubbo_xml(f'threadpool="cached" threads="300" alive="{alive}"')})
    assert bool(found(r, "TP004")) is fires


@pytest.mark.parametrize("pool", ["fixed", "limited", ""])
def test_dubbo_alive_ignored_by_fixed_and_limited(lint_tree, pool: str) -> None:
    tp = f'threadpool="{pool}" ' if pool else ""
    r = lint_tree({"pom.xml": pom(), f"{RES}/d.xml": dubbo_xml(f'{tp}threads="300" alive="600000"')})
    assert found(r, "TP004") == []


def test_dubbo_alive_before_2_7_9_only_through_parameter(lint_tree) -> None:
    old = pom("org.apache.dubbo", "dubbo", "2.7.8")
    r = lint_tree({"pom.xml": old, f"{RES}/d.xml": dubbo_xml('threadpool="cached" threads="300" alive="600000"')})
    assert found(r, "TP004") == []
    xml = ('<beans xmlns="http://www.springframework.org/schema/beans" '
           'xmlns:dubbo="http://dubbo.apache.org/schema/dubbo">\n'
           '<dubbo:protocol name="dubbo" threadpool="cached" threads="300">'
           '<dubbo:parameter key="alive" value="600000"/></dubbo:protocol>\n</beans>\n')
    r = lint_tree({"pom.xml": old, f"{RES}/d.xml": xml})
    assert len(found(r, "TP004")) == 1


def test_dubbo_consumer_alive_is_never_read(lint_tree) -> None:
    props = "dubbo.consumer.threadpool=cached\ndubbo.consumer.threads=100\ndubbo.consumer.alive=600000\n"
    r = lint_tree({"pom.xml": pom(), f"{RES}/application.properties": props})
    assert found(r, "TP004") == []


@pytest.mark.parametrize(("value", "fires"), [
    ("60s", False), ("61s", True), ("PT2M", True), ("90000", True), ("60", False), ("61500ms", True),
    ("60999ms", False), ("1h", True), ("soon", False)])
def test_boot_keep_alive_duration(lint_tree, value: str, fires: bool) -> None:
    yml = ("spring:\n  task:\n    execution:\n      pool:\n        max-size: 16\n        queue-capacity: 100\n"
           f"        keep-alive: {value}\n")
    r = lint_tree({"pom.xml": pom(), f"{RES}/application.yml": yml})
    assert bool(found(r, "TP004")) is fires


def test_boot_bare_number_message_names_the_unit(lint_tree) -> None:
    props = ("spring.task.execution.pool.keep-alive=90000\nspring.task.execution.pool.max-size=16\n"
             "spring.task.execution.pool.queue-capacity=0\n")
    r = lint_tree({"pom.xml": pom(), f"{RES}/application.properties": props})
    assert "a bare number is milliseconds: 90 s" in whys(r, "TP004")[0]
    assert "start at once when the core threads are busy" in whys(r, "TP004")[0]


def test_boot_keep_alive_with_the_default_unbounded_queue_never_matters(lint_tree) -> None:
    """Issue 19: core threads stay anyway; no thread beyond the core size starts while the queue takes every task."""
    props = "spring.task.execution.pool.keep-alive=10m\nspring.task.execution.pool.max-size=64\n"
    r = lint_tree({"pom.xml": pom(), f"{RES}/application.properties": props})
    assert found(r, "TP004") == []


def test_boot_keep_alive_without_core_timeout_and_no_queue_never_applies(lint_tree) -> None:
    props = ("spring.task.execution.pool.allow-core-thread-timeout=false\n"
             "spring.task.execution.pool.keep-alive=10m\n")
    r = lint_tree({"pom.xml": pom(), f"{RES}/application.properties": props})
    assert found(r, "TP004") == []


def test_keepalive_option(lint_tree) -> None:
    files = {"pom.xml": pom(), f"{RES}/d.xml": dubbo_xml('threadpool="eager" threads="300" alive="100000"')}
    assert found(lint_tree(files, rules={"TP004": {"max-keepalive": 120}}), "TP004") == []
    assert len(found(lint_tree(files, rules={"TP004": {"max-keepalive": 90}}), "TP004")) == 1


def test_spring_keepalive_with_core_timeout_and_no_surplus_is_quiet(lint_tree) -> None:
    """Issue 19: allowCoreThreadTimeOut lets core threads go, which they otherwise never do; with the default
    unbounded queue no thread beyond the core size ever starts, so a long keep-alive holds nothing extra."""
    xml = ('<beans xmlns="http://www.springframework.org/schema/beans">\n'
           '<bean id="w" class="org.springframework.scheduling.concurrent.ThreadPoolExecutorFactoryBean">\n'
           '<property name="corePoolSize" value="10"/>\n'
           '<property name="allowCoreThreadTimeOut" value="true"/>\n'
           '<property name="keepAliveSeconds" value="300"/>\n</bean>\n</beans>\n')
    r = lint_tree({"pom.xml": pom(), f"{RES}/e.xml": xml})
    assert found(r, "TP004") == []
    bounded = xml.replace('<property name="keepAliveSeconds"', '<property name="maxPoolSize" value="50"/>\n'
                          '<property name="queueCapacity" value="100"/>\n<property name="keepAliveSeconds"')
    r = lint_tree({"pom.xml": pom(), f"{RES}/e.xml": bounded})
    assert found(r, "TP004") == [f"{RES}/e.xml:7:42"]
    msg = messages(r, "TP004")[0]
    assert msg.startswith('ThreadPoolExecutorFactoryBean <bean id="w">'), msg
    assert "threads beyond the core size (10, up to 50) start once the queue is full (queueCapacity = 100)" in \
        whys(r, "TP004")[0]


# ---- CF002 -------------------------------------------------------------------------------------------------

DS_XML = ('<beans xmlns="http://www.springframework.org/schema/beans">\n'
          '<bean id="ds" class="com.alibaba.druid.pool.DruidDataSource">\n'
          '<property name="url" value="{url}"/>\n</bean>\n</beans>\n')


def test_placeholder_defined_only_in_a_profile_is_not_reported(lint_tree) -> None:
    r = lint_tree({"pom.xml": pom(), f"{RES}/application.properties": "db.user=a\nspring.datasource.url=${db.url}\n",
                   f"{RES}/application-prod.properties": "db.url=jdbc:mysql://db/x\n"})
    assert found(r, "CF002") == []


def test_one_finding_per_occurrence_across_profiles(lint_tree) -> None:
    r = lint_tree({"pom.xml": pom(),
                   f"{RES}/application.properties": "db.host=h\nspring.datasource.url=jdbc:mysql://${db.hots}/x\n",
                   f"{RES}/application-prod.properties": "other=1\n", f"{RES}/application-dev.properties": "x=1\n"})
    assert found(r, "CF002") == [f"{RES}/application.properties:2:36"]
    assert "did you mean db.host" in helps(r, "CF002")[0]


def test_many_unresolved_placeholders_cost_linear_work(lint_tree, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Each unresolved placeholder is compared with its sibling keys for a "Did you mean" hint; thousands of each
    in one module were quadratic (2,000: 8 s). The sibling keys are indexed once per model and the comparisons
    capped per model. Counted (every Python and C function call), not timed."""
    import sys

    from cfglint.checks import hygiene
    from cfglint.registry import CHECKS

    monkeypatch.setattr(hygiene, "HINT_BUDGET", 2_000)

    def run(n: int):  # type: ignore[no-untyped-def]
        refs = "".join(f'<dubbo:reference id="r{i}" interface="com.x.R{i}" timeout="${{t.p{i}x}}"/>\n'
                       for i in range(n))
        files = {"pom.xml": pom(),
                 f"{RES}/dubbo.xml": ('<beans xmlns="http://www.springframework.org/schema/beans" '
                                      f'xmlns:dubbo="http://dubbo.apache.org/schema/dubbo">\n{refs}</beans>\n'),
                 f"{RES}/application.properties": "".join(f"t.p{i}=1\n" for i in range(n))}
        calls = [0]

        def count(frame, event, arg):  # type: ignore[no-untyped-def]
            if event in ("call", "c_call"):
                calls[0] += 1

        hygiene_check = hygiene.unresolved_placeholder

        def counted(model, options):  # type: ignore[no-untyped-def]
            sys.setprofile(count)
            try:
                return list(hygiene_check(model, options))
            finally:
                sys.setprofile(None)

        monkeypatch.setitem(CHECKS, "CF002", counted)
        r = lint_tree(files, jobs=1)
        return calls[0], helps(r, "CF002")

    (small, few), (large, many) = run(100), run(400)
    assert len(few) == 100 and len(many) == 400
    assert "did you mean t.p0 in" in few[0]  # within the cap: hints as before
    assert large < 6 * small, (small, large)  # 4x the placeholders: ~4x the work, not ~16x


@pytest.mark.parametrize("name", ["DB_URL", "JAVA_HOME", "env.DB_URL", "user.home", "java.io.tmpdir", "random.value",
                                  "spring.application.name", "server.port", "project.version"])
def test_environment_and_runtime_names_are_skipped(lint_tree, name: str) -> None:
    group = name.rsplit(".", 1)[0] if "." in name else "x"
    r = lint_tree({"pom.xml": pom(), f"{RES}/app.properties": f"{group}.other=1\n",
                   f"{RES}/ds.xml": DS_XML.format(url=f"jdbc:mysql://${{{name}}}/x")})
    assert found(r, "CF002") == []


@pytest.mark.parametrize(("key", "skipped"), [
    ("spring.config.import=optional:nacos:orders.yaml", True),
    ("spring.cloud.nacos.config.server-addr=nacos:8848", True),
    ("apollo.meta=http://apollo:8080", True),
    ("spring.cloud.config.uri=http://config:8888", True),
    ("spring.cloud.config.enabled=false", False),
])
def test_config_center_modules_are_skipped(lint_tree, key: str, skipped: bool) -> None:
    r = lint_tree({"pom.xml": pom(), f"{RES}/bootstrap.properties": key + "\n",
                   f"{RES}/app.properties": "jdbc.user=a\n",
                   f"{RES}/ds.xml": DS_XML.format(url="${jdbc.url}")})
    assert (found(r, "CF002") == []) is skipped


def test_group_without_local_keys_is_skipped(lint_tree) -> None:
    r = lint_tree({"pom.xml": pom(), f"{RES}/app.properties": "other.key=1\n",
                   f"{RES}/ds.xml": DS_XML.format(url="${vault.mysql.url}")})
    assert found(r, "CF002") == []
    r = lint_tree({"pom.xml": pom(), f"{RES}/app.properties": "vault.mysql.user=a\n",
                   f"{RES}/ds.xml": DS_XML.format(url="${vault.mysql.url}")})
    assert found(r, "CF002") == [f"{RES}/ds.xml:3:29"]


def test_boot_pool_unused_next_to_an_executor_bean(lint_tree) -> None:
    xml = ('<beans xmlns="http://www.springframework.org/schema/beans" '
           'xmlns:task="http://www.springframework.org/schema/task">\n'
           '<task:executor id="w" pool-size="8-16" queue-capacity="100"/>\n</beans>\n')
    yml = "spring.task.execution.pool.core-size: 8\nspring.task.execution.pool.keep-alive: 10m\n"
    r = lint_tree({"pom.xml": pom(), f"{RES}/t.xml": xml, f"{RES}/application.yml": yml})
    assert found(r, "TP003") == [] and found(r, "TP004") == []


def test_placeholder_inside_an_embedded_file_is_skipped(lint_tree) -> None:
    yml = ("admin:\n  config: |\n    spring.datasource.url=jdbc:mysql://${admin.db.host}/x\n"
           "    admin.db.host=db\nadmin.db.user: a\n")
    r = lint_tree({"pom.xml": pom(), f"{RES}/values.yaml": yml})
    assert found(r, "CF002") == []
