"""CF004 ineffective-key: the catalogues (data and loader), the key extraction, every reason the rule
reports, and what it must never report (application keys, unknown versions, known-keys)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from cfglint import catalog
from cfglint.checks.keys import KnownKeys, distance, kebab3, suggest

ROOT = Path(__file__).resolve().parents[1]
BOOT27 = """<project><parent><groupId>org.springframework.boot</groupId>
<artifactId>spring-boot-starter-parent</artifactId><version>{v}</version></parent>{deps}</project>"""


def pom(boot: str | None = None, **libs: str) -> str:
    coords = {"druid": ("com.alibaba", "druid"), "dubbo": ("org.apache.dubbo", "dubbo"),
              "dynamic": ("com.baomidou", "dynamic-datasource-spring-boot-starter"),
              "hikari": ("com.zaxxer", "HikariCP")}
    deps = "".join(f"<dependency><groupId>{coords[k][0]}</groupId><artifactId>{coords[k][1]}</artifactId>"
                   f"<version>{v}</version></dependency>" for k, v in libs.items())
    deps = f"<dependencies>{deps}</dependencies>" if deps else ""
    if boot:
        return BOOT27.format(v=boot, deps=deps)
    return f"<project>{deps}</project>"


def cf004(report) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(location, the whole story: headline, why, notes and help). CF004's parts are split from one sentence
    mechanically; test_cf004_parts checks the split itself."""
    return [(f"{f.span.path}:{f.span.line}:{f.span.col}", f.story()) for f in report.findings if f.rule == "CF004"]


def test_cf004_parts(lint_tree) -> None:
    """A did-you-mean is the help, the reason is why, the headline names the key and says it binds to nothing."""
    r = lint_tree({"pom.xml": "<project/>",
                   "src/main/resources/application.properties": "spring.datasource.druid.max-wiat=100\n"})
    (f,) = [f for f in r.findings if f.rule == "CF004"]
    assert f.message == "`spring.datasource.druid.max-wiat` binds to nothing"
    assert f.help == "did you mean `spring.datasource.druid.max-wait`?"
    assert f.why.startswith("DruidDataSource has no property `max-wiat`") and "did you mean" not in f.why


RES = "src/main/resources"


# ---- catalogues ---------------------------------------------------------------------------------------


def test_every_catalogue_records_its_source_and_loads() -> None:
    libs = catalog.libraries()
    assert set(libs) >= {"druid", "dubbo", "spring-boot", "hikari", "dbcp", "tomcat-jdbc", "spring-framework",
                         "dynamic-datasource"}
    for lib in libs:
        data = json.loads((ROOT / "cfglint" / "catalog" / f"{lib}.json").read_text(encoding="utf-8"))
        assert data["source"].startswith("https://github.com/")
        assert data["versions"] and data["sets"]
        for name, s in data["sets"].items():
            assert s["sources"] and s["keys"], (lib, name)
        cat = catalog.load(lib)
        assert all(ks.names for ks in cat.sets.values())


def test_catalogues_agree_with_the_facts() -> None:
    """Spot checks against facts/*.md (and through them, the libraries' sources)."""
    xsd = catalog.keyset("dubbo", "xsd:protocol")
    assert xsd.status("corethreads", (2, 6, 12)) is False and xsd.status("corethreads", (2, 7, 0)) is True
    assert xsd.status("alive", (2, 7, 8)) is False and xsd.status("alive", (2, 7, 9)) is True
    assert not catalog.keyset("dubbo", "xsd:provider").exists_anywhere("corethreads")
    assert catalog.keyset("dubbo", "xsd:consumer").status("corethreads", (2, 6, 3)) is True
    assert catalog.keyset("dubbo", "props:protocol").status("threadname", (3, 3, 0)) is False
    druid = catalog.keyset("druid", "druid-keys")
    for key in ("druid.connectTimeout", "druid.queryTimeout", "druid.breakAfterAcquireFailure"):
        assert druid.change(key, (1, 2, 23)) == ("added", "1.2.24")
    assert druid.status("druid.keepAlive", (1, 2, 8)) is True
    factory = catalog.keyset("druid", "factory")
    assert not factory.exists_anywhere("keepAlive") and factory.status("socketTimeout", (1, 2, 22)) is True
    assert catalog.keyset("druid", "bean").change("socketTimeout", (1, 2, 8)) == ("added", "1.2.12")
    boot = catalog.keyset("spring-boot", "keys")
    assert boot.change("server.tomcat.max-threads", (2, 5, 0)) == ("removed", "2.5")
    assert boot.status("server.tomcat.max-threads", (2, 4, 13)) is True
    assert boot.replacement("server.tomcat.max-threads") == "server.tomcat.threads.max"
    pools = catalog.keyset("spring-boot", "pool-prefixes")
    assert pools.status("hikari", (1, 3, 8)) is False and pools.status("hikari", (1, 4, 0)) is True
    assert catalog.keyset("dynamic-datasource", "druid").status("socketTimeout", (3, 5, 2)) is False


def test_version_status_is_conservative() -> None:
    ks = catalog.keyset("druid", "bean")
    assert ks.status("socketTimeout", None) is None  # unknown version
    assert ks.status("socketTimeout", (0, 2, 9)) is None  # older than anything scanned
    assert ks.status("socketTimeout", (1, 2, 9)) is False  # 1.2.9 is not in the mirror; both neighbours agree
    assert ks.status("socketTimeout", (1, 2, 40)) is True  # newer than the last scan and present there
    assert ks.status("nonexistent", (1, 2, 40)) is None  # newer and absent: cannot tell
    dubbo = catalog.keyset("dubbo", "xsd:protocol")
    assert dubbo.status("nonexistent", (2, 8, 4)) is None  # Dubbox 2.8.x: a release line never scanned
    boot = catalog.keyset("spring-boot", "keys")
    assert boot.status("server.tomcat.threads.max", (2, 3, 0)) is True  # minors cover every patch


def test_catalogues_are_loaded_only_when_cf004_runs(lint_tree) -> None:  # type: ignore[no-untyped-def]
    catalog.load.cache_clear()
    lint_tree({"pom.xml": "<project/>", f"{RES}/application.yml": "spring:\n  datasource:\n    druid:\n"
                                                                   "      maxWiat: 1\n"}, select=["TP001"])
    assert catalog.load.cache_info().currsize == 0


# ---- helpers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "kebab"), [
    ("threadpool", "threadpool"), ("threadPool", "thread-pool"), ("thread-pool", "thread-pool"),
    ("thread_pool", "thread-pool"), ("THREADPOOL", "threadpool"), ("coreThreads", "core-threads"),
    ("qosEnable", "qos-enable"), ("qos-enable", "qos-enable"), ("QOS_ENABLE", "qos-enable"),
    ("Qos-Enable", "qos-enable"), ("metadataServicePort", "metadata-service-port"),
])
def test_dubbo3_kebab_conversion(written: str, kebab: str) -> None:
    assert kebab3(written) == kebab


def test_distance_and_suggestion() -> None:
    assert distance("maxwiat", "maxwait", 2) == 1  # a transposition is one edit
    assert suggest("maxWiat", ["maxWait", "maxActive"]) == "maxWait"
    assert suggest("simplifed", ["simplified", "address"]) == "simplified"
    assert suggest("foo", ["for"]) is None  # too short to guess
    assert suggest("address", ["data", "url"]) is None


def test_known_keys_patterns() -> None:
    k = KnownKeys(["spring.datasource.druid.master.*", "app.*", "spring.datasource.max-wait"])
    assert k.matches("spring.datasource.druid.master.maxWait")
    assert k.matches("app.pool.size")
    assert k.matches("spring.datasource.maxWait")
    assert not k.matches("spring.datasource.druid.maxWait")


# ---- what CF004 reports ------------------------------------------------------------------------------


def test_misspelled_keys_without_a_version(lint_tree) -> None:  # type: ignore[no-untyped-def]
    report = lint_tree({
        "pom.xml": "<project/>",
        f"{RES}/application.yml": ("spring:\n  datasource:\n    druid:\n      max-wiat: 1000\n"
                                   "    hikari:\n      maximum-pool-sise: 10\n"
                                   "server:\n  tomcat:\n    threads:\n      mx: 100\n"
                                   "dubbo:\n  registry:\n    simplifed: true\n"),
    })
    got = cf004(report)
    assert [g[0] for g in got] == [f"{RES}/application.yml:4:7", f"{RES}/application.yml:6:7",
                                   f"{RES}/application.yml:10:7", f"{RES}/application.yml:13:5"]
    assert "did you mean `spring.datasource.druid.max-wait`" in got[0][1]
    assert "did you mean `spring.datasource.hikari.maximum-pool-size`" in got[1][1]
    assert "server.tomcat.threads.max" in got[2][1]
    assert "did you mean `dubbo.registry.simplified`" in got[3][1]


def test_removed_key_follows_replacement_chain(lint_tree) -> None:  # type: ignore[no-untyped-def]
    report = lint_tree({"pom.xml": pom("3.1.5"),
                        f"{RES}/application.properties": "spring.datasource.initialize=false\n"
                                                         "spring.datasource.schema=classpath:s.sql\n"})
    got = cf004(report)
    assert len(got) == 2
    assert "Removed in 2.0." in got[0][1] and "Help: use `spring.sql.init.mode`" in got[0][1]
    assert "use `spring.sql.init.schema-locations`" in got[1][1]


def test_flat_pool_keys_need_a_known_boot_version(lint_tree, tmp_path) -> None:  # type: ignore[no-untyped-def]
    props = "spring.datasource.url=jdbc:h2:mem:x\nspring.datasource.max-active=20\n"
    assert cf004(lint_tree({"pom.xml": "<project/>", f"{RES}/application.properties": props})) == []
    assert cf004(lint_tree({"pom.xml": pom("1.3.8.RELEASE"), f"{RES}/application.properties": props})) == []
    got = cf004(lint_tree({"pom.xml": pom("1.4.3.RELEASE"), f"{RES}/application.properties": props}))
    assert len(got) == 1 and "spring.datasource.tomcat.max-active" in got[0][1]  # Boot 1.x default pool


def test_flat_keys_are_not_judged_when_the_application_binds_spring_datasource(lint_tree) -> None:  # type: ignore[no-untyped-def]
    # jdbc-url only binds through @ConfigurationProperties("spring.datasource") + DataSourceBuilder.
    props = ("spring.datasource.jdbc-url=jdbc:h2:mem:x\nspring.datasource.maximum-pool-size=20\n"
             "spring.datasource.initialization-mode=always\n")
    assert cf004(lint_tree({"pom.xml": pom("2.1.0.RELEASE"), f"{RES}/application.properties": props})) == []


def test_dubbo3_spelling_and_shadowing(lint_tree) -> None:  # type: ignore[no-untyped-def]
    files = {f"{RES}/application.properties": ("dubbo.protocol.coreThreads=10\ndubbo.protocol.threadpool=fixed\n"
                                               "dubbo.application.qosEnable=false\n"
                                               "dubbo.registries.r1.address=zookeeper://zk:2181\n"
                                               "dubbo.registry.address=zookeeper://other:2181\n")}
    got = cf004(lint_tree({"pom.xml": pom(dubbo="3.2.0"), **files}))
    assert [g[0] for g in got] == [f"{RES}/application.properties:1:1", f"{RES}/application.properties:5:1"]
    assert "becomes `core-threads`, not `corethreads`" in got[0][1]
    assert "dubbo.registries.r1" in got[1][1] and "never loads the single dubbo.registry" in got[1][1]
    # Dubbo 2.7 binds through Spring's relaxed names and loads both blocks: nothing to report.
    assert cf004(lint_tree({"pom.xml": pom(dubbo="2.7.8"), **files})) == []
    # Unknown version: both spellings may work.
    assert cf004(lint_tree({"pom.xml": "<project/>", **files})) == []


def test_shadowing_is_not_reported_when_xml_declares_the_protocol(lint_tree) -> None:  # type: ignore[no-untyped-def]
    files = {"pom.xml": pom(dubbo="3.2.0"),
             f"{RES}/application.properties": "dubbo.protocols.tri.port=50051\ndubbo.protocol.threads=100\n",
             f"{RES}/dubbo.xml": ('<beans xmlns="http://www.springframework.org/schema/beans" '
                                  'xmlns:dubbo="http://dubbo.apache.org/schema/dubbo">\n'
                                  '  <dubbo:protocol id="p2" name="dubbo" port="20880"/>\n</beans>\n')}
    assert cf004(lint_tree(files)) == []


def test_modules_writing_the_same_key_are_judged_each_in_its_own_module(lint_tree) -> None:  # type: ignore[no-untyped-def]
    # A key judged fine in one module is remembered for the rest of the run (a monorepo writes the same keys
    # everywhere). Whatever else the judgement reads must keep modules apart: here the module linted first
    # makes each key bind, and the ones after it differ only in what surrounds the same line.
    threads = "dubbo.protocol.threads=100\n"
    flat = "spring.datasource.url=jdbc:h2:mem:x\nspring.datasource.maximum-pool-size=20\n"
    xml = ('<beans xmlns="http://www.springframework.org/schema/beans" '
           'xmlns:dubbo="http://dubbo.apache.org/schema/dubbo">\n'
           '  <dubbo:protocol id="p2" name="dubbo" port="20880"/>\n</beans>\n')
    files = {  # modules are linted in path order
        "m1-plain/pom.xml": pom(dubbo="3.2.0"),
        f"m1-plain/{RES}/application.properties": threads,
        "m2-xml/pom.xml": pom(dubbo="3.2.0"),
        f"m2-xml/{RES}/application.properties": threads + "dubbo.protocols.tri.port=50051\n",
        f"m2-xml/{RES}/dubbo.xml": xml,
        "m3-shadowed/pom.xml": pom(dubbo="3.2.0"),
        f"m3-shadowed/{RES}/application.properties": threads + "dubbo.protocols.tri.port=50051\n",
        "m4-jdbcurl/pom.xml": pom("2.1.0.RELEASE"),
        f"m4-jdbcurl/{RES}/application.properties": flat + "spring.datasource.jdbc-url=jdbc:h2:mem:y\n",
        "m5-flat/pom.xml": pom("2.1.0.RELEASE"),
        f"m5-flat/{RES}/application.properties": flat,
        "m6-dubbo27/pom.xml": pom(dubbo="2.7.8"),
        f"m6-dubbo27/{RES}/application.properties": threads + "dubbo.protocols.tri.port=50051\n",
    }
    for jobs in (1, 2):
        got = cf004(lint_tree(files, jobs=jobs))
        assert [g[0] for g in got] == [f"m3-shadowed/{RES}/application.properties:1:1",
                                       f"m5-flat/{RES}/application.properties:2:1"], jobs
        assert "never loads the single dubbo.protocol" in got[0][1]
        assert "spring.datasource.hikari.maximum-pool-size" in got[1][1]


def test_legacy_dubbo26_alias(lint_tree) -> None:  # type: ignore[no-untyped-def]
    files = {f"{RES}/dubbo.properties": "dubbo.service.max.thread.pool.size=500\n"}
    got = cf004(lint_tree({"pom.xml": pom(dubbo="2.7.3"), **files}))
    assert len(got) == 1 and "dubbo.protocol.threads" in got[0][1]
    assert cf004(lint_tree({"pom.xml": "<project/>", **files})) == []


PER_SERVICE_GOOD = """dubbo.service.com.foo.DemoService.timeout=3000
dubbo.service.com.foo.DemoService.executes=200
dubbo.service.com.foo.DemoService.sayHello.timeout=500
dubbo.reference.com.foo.DemoService.check=false
dubbo.reference.com.foo.DemoService.loadbalance=roundrobin
dubbo.reference.com.foo.DemoService.sayHello.onreturn=notify.onReturn
dubbo.reference.com.foo.DemoService.sayHello.0.callback=true
dubbo.reference.com.foo.DemoService.parameters.my-key=1
dubbo.reference.timeout=3000
dubbo.service.loadbalance=random
dubbo.service.shutdown.wait=10000
dubbo.service.shutdown.wait.seconds=10
dubbo.service.server.port=20880
"""


@pytest.mark.parametrize("dubbo", ["2.6.12", "2.7.8", "3.2.16", None])
def test_dubbo_per_service_keys(lint_tree, dubbo: str | None) -> None:  # type: ignore[no-untyped-def]
    """dubbo.service.<interface>.<property> / dubbo.reference.<interface>.<property>: the last segment is judged
    (interface names hold dots), against ServiceConfig/ReferenceConfig, MethodConfig and ArgumentConfig."""
    bad = ("dubbo.service.min.thread.pool.size=50\n"
           "dubbo.reference.com.foo.DemoService.timout=3000\n"
           "dubbo.service.com.foo.DemoService.sayHello.onthrw=x.y\n"
           "dubbo.reference.com.foo.DemoService.sayHello.1.calback=true\n")
    proj = pom(dubbo=dubbo) if dubbo else "<project/>"
    got = cf004(lint_tree({"pom.xml": proj, f"{RES}/application.properties": bad + PER_SERVICE_GOOD}))
    where = [g[0] for g in got]
    assert where == [f"{RES}/application.properties:{n}:1" for n in (1, 2, 3, 4)], got
    assert "ServiceConfig has no property `size` in any Dubbo version" in got[0][1]
    assert "ReferenceConfig has no property `timout`." in got[1][1] and \
        "Help: did you mean `dubbo.reference.com.foo.DemoService.timeout`?" in got[1][1]
    assert "MethodConfig has no property `onthrw`." in got[2][1] and \
        "Help: did you mean `dubbo.service.com.foo.DemoService.sayHello.onthrow`" in got[2][1]
    assert "ArgumentConfig has no property `calback`." in got[3][1] and \
        "Help: did you mean `dubbo.reference.com.foo.DemoService.sayHello.1.callback`" in got[3][1]


def test_dubbo_per_service_keys_follow_the_version(lint_tree) -> None:  # type: ignore[no-untyped-def]
    files = {f"{RES}/application.properties": "dubbo.service.com.foo.DemoService.executor=bizExecutor\n"
                                              "dubbo.reference.com.foo.DemoService.providedBy=demo\n"
                                              "dubbo.reference.com.foo.DemoService.providedby=demo\n"}
    got = cf004(lint_tree({"pom.xml": pom(dubbo="2.7.3"), **files}))
    assert [g[0] for g in got] == [f"{RES}/application.properties:1:1", f"{RES}/application.properties:3:1"]
    assert "ServiceConfig has no property `executor` in that version (added in 3.2.0)" in got[0][1]
    assert "ReferenceConfig has no property `providedBy` in that version (added in 2.7.5)" in got[1][1]
    got = cf004(lint_tree({"pom.xml": pom(dubbo="3.2.16"), **files}))
    assert [g[0] for g in got] == [f"{RES}/application.properties:3:1"]  # Dubbo 3: provided-by, not providedby
    assert "`providedby` becomes `providedby`, not `provided-by`" in got[0][1]


def test_xml_dubbo_attributes_per_version(lint_tree) -> None:  # type: ignore[no-untyped-def]
    xml = ('<beans xmlns="http://www.springframework.org/schema/beans" '
           'xmlns:dubbo="http://code.alibabatech.com/schema/dubbo">\n'
           '  <dubbo:protocol name="dubbo" threads="200" corethreads="20" alive="60000" threadPool="fixed"/>\n'
           '</beans>\n')
    got = cf004(lint_tree({"pom.xml": pom(dubbo="2.6.5"), f"{RES}/dubbo.xml": xml}))
    assert [g[0] for g in got] == [f"{RES}/dubbo.xml:2:46", f"{RES}/dubbo.xml:2:63", f"{RES}/dubbo.xml:2:77"]
    assert "added in 2.7.0" in got[0][1] and "added in 2.7.9" in got[1][1]
    assert "did you mean `threadpool`" in got[2][1]
    # Unknown version: only what no XSD declares.
    got = cf004(lint_tree({"pom.xml": "<project/>", f"{RES}/dubbo.xml": xml}))
    assert [g[0] for g in got] == [f"{RES}/dubbo.xml:2:77"]


def test_bean_properties_with_parent_and_p_namespace(lint_tree) -> None:  # type: ignore[no-untyped-def]
    xml = ('<beans xmlns="http://www.springframework.org/schema/beans" '
           'xmlns:p="http://www.springframework.org/schema/p">\n'
           '  <bean id="base" class="com.alibaba.druid.pool.DruidDataSource" abstract="true" p:maxWiat="1000"/>\n'
           '  <bean id="ds" parent="base">\n'
           '    <property name="MaxActive" value="20"/>\n'
           '    <property name="keepAliveBetweenTimeMilis" value="60000"/>\n'
           '  </bean>\n'
           '  <bean id="exec" class="org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor">\n'
           '    <property name="queueCapacity" value="100"/>\n'
           '    <property name="maxPoolsize" value="100"/>\n'
           '  </bean>\n'
           '  <bean id="other" class="com.example.MyDruidDataSource"><property name="anything" value="1"/></bean>\n'
           '</beans>\n')
    got = cf004(lint_tree({"pom.xml": "<project/>", f"{RES}/ds.xml": xml}))
    assert [g[0] for g in got] == [f"{RES}/ds.xml:2:82", f"{RES}/ds.xml:5:21", f"{RES}/ds.xml:9:21"]
    assert "did you mean `maxWait`" in got[0][1]
    assert "did you mean `keepAliveBetweenTimeMillis`" in got[1][1]
    assert "did you mean `maxPoolSize`" in got[2][1]


def test_druid_factory_file(lint_tree) -> None:  # type: ignore[no-untyped-def]
    props = ("driverClassName=com.mysql.cj.jdbc.Driver\nurl=jdbc:mysql://db/app\nusername=u\n"
             "keepAlive=true\nqueryTimeout=30\nmaxWiat=1000\ndruid.socketTimeout=60000\n"
             "connectionProperties=druid.stat.mergeSql=true;druid.stat.slowSqlMilis=5000\n")
    got = cf004(lint_tree({"pom.xml": pom(druid="1.2.20"), f"{RES}/druid.properties": props}))
    assert [g[0] for g in got] == [f"{RES}/druid.properties:4:1", f"{RES}/druid.properties:5:1",
                                   f"{RES}/druid.properties:6:1", f"{RES}/druid.properties:7:1",
                                   f"{RES}/druid.properties:8:47"]
    assert "write `druid.keepAlive`" in got[0][1]
    assert "`druid.queryTimeout` is read only from Druid 1.2.24" in got[1][1]
    assert "did you mean `maxWait`" in got[2][1]
    assert "added in 1.2.24" in got[3][1]
    assert "did you mean `druid.stat.slowSqlMillis`" in got[4][1]


def test_druid_properties_used_as_placeholder_source_is_not_a_factory_file(lint_tree) -> None:  # type: ignore[no-untyped-def]
    files = {"pom.xml": "<project/>",
             f"{RES}/druid.properties": "url=jdbc:mysql://db/app\nusername=u\nkeepAlive=true\n",
             f"{RES}/ds.xml": ('<beans xmlns="http://www.springframework.org/schema/beans">\n'
                               '  <bean id="ds" class="com.alibaba.druid.pool.DruidDataSource">\n'
                               '    <property name="url" value="${url}"/>\n'
                               '    <property name="keepAlive" value="${keepAlive}"/>\n  </bean>\n</beans>\n')}
    assert cf004(lint_tree(files)) == []


def test_connection_properties_in_xml_value_element_keep_exact_positions(lint_tree) -> None:  # type: ignore[no-untyped-def]
    xml = ('<beans xmlns="http://www.springframework.org/schema/beans">\n'
           '  <bean id="ds" class="com.alibaba.druid.pool.DruidDataSource">\n'
           '    <property name="connectionProperties">\n'
           '      <value>druid.stat.mergeSql=true;\n'
           '        druid.stat.merggSql=true;config.decrypt=true</value>\n'
           '    </property>\n  </bean>\n</beans>\n')
    got = cf004(lint_tree({"pom.xml": "<project/>", f"{RES}/ds.xml": xml}))
    assert got == [(f"{RES}/ds.xml:5:9", got[0][1])] and "did you mean `druid.stat.mergeSql`" in got[0][1]


def test_connect_properties_map_form_and_dynamic_datasource(lint_tree) -> None:  # type: ignore[no-untyped-def]
    yml = ("spring:\n  datasource:\n    druid:\n      connect-properties:\n        druid.stat.merggSql: true\n"
           "    dynamic:\n      primary: master\n      druid:\n        socket-timeout: 60000\n"
           "      datasource:\n        master:\n          url: jdbc:mysql://db/app\n"
           "          druid:\n            max-wiat: 100\n")
    got = cf004(lint_tree({"pom.xml": pom(dynamic="3.5.2"), f"{RES}/application.yml": yml}))
    assert [g[0] for g in got] == [f"{RES}/application.yml:5:9", f"{RES}/application.yml:9:9",
                                   f"{RES}/application.yml:14:13"]
    assert "(added in 3.6.0)" in got[1][1]
    assert "did you mean `spring.datasource.dynamic.datasource.master.druid.max-wait`" in got[2][1]


def test_application_keys_placeholders_and_known_keys_are_never_reported(lint_tree) -> None:  # type: ignore[no-untyped-def]
    files = {
        "pom.xml": pom("2.7.18"),
        f"{RES}/application.yml": ("spring:\n  datasource:\n    druid:\n      master:\n        maxWiat: 1\n"
                                   "    maxWait: 3000\n    adress: db\n"
                                   "app:\n  maxWiat: 1\n"),
        f"{RES}/ds.xml": ('<beans xmlns="http://www.springframework.org/schema/beans">\n'
                          '  <bean id="ds" class="com.example.Pool"><property name="address" '
                          'value="${spring.datasource.adress}"/></bean>\n</beans>\n'),
    }
    got = cf004(lint_tree(files))
    assert [g[0] for g in got] == [f"{RES}/application.yml:6:5"]  # the flat maxWait only
    assert cf004(lint_tree(files, rules={"CF004": {"known-keys": ["spring.datasource.max-wait"]}})) == []


def test_unknown_option_is_rejected(lint_tree) -> None:  # type: ignore[no-untyped-def]
    from cfglint.settings import ConfigError

    with pytest.raises(ConfigError):
        lint_tree({"pom.xml": "<project/>"}, rules={"CF004": {"known-key": []}})


# ---- the build script's readers ----------------------------------------------------------------------


def _build_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_catalogs", ROOT / "scripts" / "build_catalogs.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["build_catalogs"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_java_reader_finds_bean_properties() -> None:
    b = _build_module()
    src = '''
    package x;
    /** a "{" in a comment */
    @Data
    public class Pool extends Base {
        private int maxWait; // lombok
        private static final String S = "}";
        public void setURL(String u) { if (u == null) { throw new IllegalArgumentException("{"); } }
        public synchronized void setMaxActive(int n) {}
        public static void setGlobal(int n) {}
        public void setPair(Map<String, Object> m) {}
        public Pool setChained(long v) { return this; }
        class Inner { public void setHidden(int h) {} }
        public Runnable r = new Runnable() { public void setAnon(int a) {} public void run() {} };
    }
    '''
    classes = b.parse_java(src)
    props = b.class_props(classes["Pool"])
    assert set(props) == {"URL", "maxActive", "pair", "chained", "maxWait", "r"}  # r: a Lombok field
    assert classes["Pool"].extends == "Base" and "Inner" in classes["Pool"].nested
    assert b.bean_names({"pair": props["pair"]}) == ["pair", "pair.*"]


def test_xsd_reader_resolves_extensions() -> None:
    b = _build_module()
    xsd = '''<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
      <xsd:complexType name="abstractType"><xsd:attribute name="timeout"/></xsd:complexType>
      <xsd:attributeGroup name="g"><xsd:attribute name="grouped"/></xsd:attributeGroup>
      <xsd:complexType name="protocolType"><xsd:complexContent><xsd:extension base="abstractType">
        <xsd:attribute name="threads"/><xsd:attributeGroup ref="g"/>
      </xsd:extension></xsd:complexContent></xsd:complexType>
      <xsd:element name="protocol" type="protocolType"/>
    </xsd:schema>'''
    assert b.xsd_attributes(xsd) == {"protocol": {"timeout", "threads", "grouped"}}


def test_range_encoding_round_trips() -> None:
    b = _build_module()
    t = b.Table("t")
    versions = ["1.0", "1.1", "1.2", "1.3"]
    t.add("1.0", ["a", "b"])
    t.add("1.1", ["a", "c"])
    t.add("1.2", ["a"])
    t.add("1.3", ["a", "c"])
    keys = t.dump(versions)["keys"]
    assert keys == {"a": "", "b": "-1.1", "c": "1.1-1.2,1.3-"}


def test_nacos_server_config_is_not_judged_with_the_module_versions(lint_tree) -> None:  # type: ignore[no-untyped-def]
    files = {"pom.xml": pom("3.1.5"),
             "deploy/nacos/conf/application.properties": ("nacos.core.auth.enabled=false\n"
                                                          "server.tomcat.accesslog.max-days=30\n"
                                                          "spring.datasource.platform=mysql\n"
                                                          "server.tomcat.accesslog.max-dayz=30\n")}
    got = cf004(lint_tree(files))
    assert [g[0] for g in got] == ["deploy/nacos/conf/application.properties:4:1"]  # only the typo


def test_extractor_and_check_agree_on_bean_classes() -> None:
    from cfglint.checks.keys import BEANS
    from cfglint.extract.keys import BEAN_CLASSES

    assert set(BEANS) == set(BEAN_CLASSES)
    for lib, name, _ in BEANS.values():
        assert catalog.keyset(lib, name).names


def test_versions_newer_than_the_catalogue_only_get_typos(lint_tree) -> None:  # type: ignore[no-untyped-def]
    yml = "server:\n  tomcat:\n    brand-new-setting: 1\n    threads:\n      mx: 10\n"
    got = cf004(lint_tree({"pom.xml": pom("9.0.0"), f"{RES}/application.yml": yml}))
    assert [g[0] for g in got] == [f"{RES}/application.yml:5:7"]
    got = cf004(lint_tree({"pom.xml": pom("3.3.0"), f"{RES}/application.yml": yml}))
    assert [g[0] for g in got] == [f"{RES}/application.yml:3:5", f"{RES}/application.yml:5:7"]


def test_dynamic_datasource_connection_properties_are_a_properties_object(lint_tree) -> None:  # type: ignore[no-untyped-def]
    # DruidConfig.connectionProperties is java.util.Properties: Boot parses a scalar with Properties.load.
    yml = ("spring:\n  datasource:\n    dynamic:\n      druid:\n"
           "        connectionProperties: druid.stat.mergeSql\\=true;druid.stat.slowSqlMillis\\=5000\n"
           "      datasource:\n        master:\n          druid:\n"
           "            connection-properties: druid.stat.mergeSql=true\n"
           "        slave:\n          druid:\n"
           "            connection-properties: druid.stat.merggSql=true\n")
    got = cf004(lint_tree({"pom.xml": "<project/>", f"{RES}/application.yml": yml}))
    assert [g[0] for g in got] == [f"{RES}/application.yml:5:31", f"{RES}/application.yml:12:36"]
    assert "one property `druid.stat.mergeSql=true;druid.stat.slowSqlMillis=5000` with an empty value" in got[0][1]
    assert "did you mean `druid.stat.mergeSql`" in got[1][1]
    yml2 = ("spring:\n  datasource:\n    dynamic:\n      druid:\n"
            "        connection-properties: druid.stat.mergeSql=true;druid.stat.slowSqlMillis=5000\n")
    got = cf004(lint_tree({"pom.xml": "<project/>", f"{RES}/application.yml": yml2}))
    assert len(got) == 1 and "`druid.stat.mergeSql` = `true;druid.stat.slowSqlMillis=5000`" in got[0][1]
