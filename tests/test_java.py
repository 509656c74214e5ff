"""The Java front end: discovery, the tree-sitter loader (positions in characters, bad bytes), the values it
evaluates, and what the rules make of pools, datasources and Dubbo annotations written in code."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cfglint.findings import Finding
from cfglint.loaders import LoadError
from cfglint.loaders.java import load_java
from tests.conftest import run_lint, write_tree

POM = "<project/>"
JAVA = "src/main/java/com/acme/Pools.java"


def java(body: str, imports: str = "import java.util.concurrent.*;\n") -> str:
    return f"package com.acme;\n\n{imports}\npublic class Pools {{\n{body}\n}}\n"


def found(tmp_path: Path, files: dict[str, str], rule: str | None = None, **settings: object) -> list[str]:
    write_tree(tmp_path, {"pom.xml": POM, **files})
    report = run_lint(tmp_path, **settings)
    return [f"{f.rule} {f.span.path}:{f.span.line}:{f.span.col}-{f.span.end_col}" for f in report.findings
            if rule is None or f.rule == rule]


def messages(tmp_path: Path, files: dict[str, str], rule: str) -> list[str]:
    write_tree(tmp_path, {"pom.xml": POM, **files})
    return [f.message for f in run_lint(tmp_path).findings if f.rule == rule]


def of(tmp_path: Path, files: dict[str, str], rule: str) -> list[Finding]:
    write_tree(tmp_path, {"pom.xml": POM, **files})
    return [f for f in run_lint(tmp_path).findings if f.rule == rule]


def chain(f: Finding) -> str:
    return "; ".join(st.text for st in f.chain)


# ---- loader --------------------------------------------------------------------------------------------

def test_columns_are_characters_not_bytes() -> None:
    src = ("class A {\n  void f() {\n    /* 线程池 */ Object e = new ThreadPoolExecutor(8, Integer.MAX_VALUE, 60,"
           " TimeUnit.SECONDS, new SynchronousQueue<>());\n  }\n}\n")
    doc = load_java("A.java", src.encode("utf-8"))
    (c,) = doc.creations
    mx = c.args[1]
    line = src.split("\n")[2]
    assert (mx.span.line, mx.span.col, mx.span.end_col) == (3, line.index("Integer") + 1,
                                                          line.index("Integer") + 1 + len("Integer.MAX_VALUE"))
    assert mx.value == "2147483647"


def test_gb18030_source_is_decoded_and_positioned() -> None:
    src = "class A {\n  // 线程池\n  Object e = Executors.newFixedThreadPool(4); // 注释\n}\n"
    doc = load_java("A.java", src.encode("gb18030"))
    (c,) = doc.creations
    assert c.type == "Executors.newFixedThreadPool"
    assert (c.args[0].span.line, c.args[0].span.col) == (3, src.split("\n")[2].index("4") + 1)


@pytest.mark.parametrize("data", [
    b"", b"\x00\x01\x02ThreadPoolExecutor\x00", b"\xff\xfe\xfd ThreadPoolExecutor(((((",
    b"class { new ThreadPoolExecutor(1, 2, 3, , , ) ;;; }} }",
    b"class A { int x = " + b"1 + " * 20000 + b"1; Object p = new ThreadPoolExecutor(x, x, 1, null, null); }",
    b"class A { Object o = new ThreadPoolExecutor(" + b"(" * 3000 + b"1" + b")" * 3000 + b"); }",
])
def test_bad_input_never_raises_anything_but_load_error(data: bytes) -> None:
    with contextlib.suppress(LoadError):
        load_java("A.java", data)


def test_files_without_constructs_of_interest_are_skipped() -> None:
    with pytest.raises(LoadError) as e:
        load_java("A.java", b"class A { void f() { System.out.println(1); } }")
    assert e.value.skipped


def test_values_constants_arithmetic_locals_and_unknowns() -> None:
    src = java("""
    private static final int CORE = 4;
    private static final int MAX = CORE * 2 + 1;
    private final int notFinalEnough;
    private int mutable = 5;
    void bump() { mutable++; }
    private int neverSet = 3;
    private int hasSetter = 3;
    public void setHasSetter(int v) { hasSetter = v; }
    void f(int param) {
        int local = 16;
        int changed = 1;
        changed = 2;
        int cpu = Runtime.getRuntime().availableProcessors();
        new ThreadPoolExecutor(CORE, MAX, local, TimeUnit.SECONDS, new LinkedBlockingQueue<>(MAX - 1));
        new ThreadPoolExecutor(mutable, changed, cpu * 2, TimeUnit.SECONDS, new ArrayBlockingQueue<>(param));
        new ThreadPoolExecutor(0x10, 1_000, 60L, SECONDS, queue);
        new ThreadPoolExecutor(neverSet, hasSetter, 1, SECONDS, queue);
    }""")
    doc = load_java("Pools.java", src.encode())
    a, b, c, d = doc.creations
    assert [v.value for v in a.args] == ["4", "9", "16", "SECONDS", "8"]
    assert "static final field MAX = 9" in a.args[1].via
    assert [v.value for v in b.args] == [None, None, None, "SECONDS", None]
    assert [v.value for v in c.args[:3]] == ["16", "1000", "60"]
    assert c.args[4].value is None and not c.args[4].queue
    assert [v.value for v in d.args[:2]] == ["3", None]
    assert "field (never reassigned) neverSet = 3" in d.args[0].via


def test_value_placeholders_on_fields_and_parameters() -> None:
    src = java("""
    @Value("${pool.core:8}")
    private int core;
    @Bean
    public Executor executor(@Value("${pool.max}") int max) {
        return new ThreadPoolExecutor(core, max, 60, TimeUnit.SECONDS, new SynchronousQueue<>());
    }""")
    (c,) = load_java("Pools.java", src.encode()).creations
    assert c.bean and c.method == "executor"
    assert (c.args[0].placeholder, c.args[1].placeholder) == ("${pool.core:8}", "${pool.max}")
    ph = c.args[0].ph_span
    assert ph is not None and src.split("\n")[ph.line - 1][ph.col - 1:ph.end_col - 1] == "${pool.core:8}"


# ---- discovery and laziness --------------------------------------------------------------------------------

def test_only_main_java_sources_are_linted(tmp_path: Path) -> None:
    body = java("static final Object P = Executors.newCachedThreadPool();")
    got = found(tmp_path, {JAVA: body, "src/test/java/com/acme/Pools.java": body, "tools/Gen.java": body,
                           "src/main/java/com/acme/Plain.java": "class Plain {}"}, **{"include-tests": True})
    assert got == [f"TP001 {JAVA}:6:25-54"]


def test_java_skipped_reasons_and_counts(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pom.xml": POM, "src/main/java/a/Plain.java": "class Plain {}",
                          JAVA: java("static final Object P = Executors.newCachedThreadPool();")})
    report = run_lint(tmp_path)
    assert report.files_linted == 1 and report.files_skipped == 1  # Plain.java (a build file is read, not skipped)


def test_a_run_without_java_never_imports_tree_sitter(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pom.xml": POM, "src/main/resources/application.properties": "dubbo.protocol.threads=2\n",
                          "src/main/java/a/Plain.java": "class Plain { }"})
    code = ("import sys; from pathlib import Path; from cfglint.api import lint; from cfglint.settings import Settings;"
            f"lint([Path({str(tmp_path)!r})], Settings.model_validate({{'cache': False}}));"
            "assert 'tree_sitter' not in sys.modules, 'tree_sitter imported';"
            "assert 'cfglint.extract.java' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path)


def test_a_java_file_over_the_size_limit_is_skipped_quietly(tmp_path: Path) -> None:
    big = java("static final Object P = Executors.newCachedThreadPool();\n" + "// filler\n" * 5000)
    assert found(tmp_path, {JAVA: big}, **{"max-file-size": 10_000}) == []


# ---- thread pools --------------------------------------------------------------------------------------

def test_the_outage_shape_is_tp001_at_the_argument(tmp_path: Path) -> None:
    body = java("    ExecutorService pool = new ThreadPoolExecutor(8, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,\n"
                "            new SynchronousQueue<>());")
    assert found(tmp_path, {JAVA: body}) == [f"TP001 {JAVA}:6:54-71"]


def test_max_value_behind_an_unbounded_queue_is_tp003_not_tp001(tmp_path: Path) -> None:
    body = java("    ExecutorService pool = new ThreadPoolExecutor(8, 64, 60, TimeUnit.SECONDS,"
                " new LinkedBlockingQueue<>());")
    assert found(tmp_path, {JAVA: body}) == [f"TP003 {JAVA}:6:80-107"]
    (f,) = of(tmp_path, {JAVA: body}, "TP003")
    assert "maximumPoolSize = 64 is never reached" in f.why


def test_executors_factories(tmp_path: Path) -> None:
    body = java("""    static final ExecutorService A = Executors.newFixedThreadPool(4);
    static final ExecutorService B = Executors.newCachedThreadPool();
    static final ExecutorService C = Executors.newSingleThreadExecutor();
    static final ScheduledExecutorService D = Executors.newScheduledThreadPool(2);
    static final ExecutorService E = Executors.newWorkStealingPool();
    void once() { Executors.newFixedThreadPool(1).submit(() -> {}); }""")
    assert found(tmp_path, {JAVA: body}) == [f"TP003 {JAVA}:6:38-66", f"TP001 {JAVA}:7:38-67",
                                             f"TP003 {JAVA}:8:38-71"]


def test_keepalive_units(tmp_path: Path) -> None:
    body = java("""    ExecutorService a = new ThreadPoolExecutor(2, 8, 60000, TimeUnit.MICROSECONDS, queue(9));
    ExecutorService b = new ThreadPoolExecutor(2, 8, 10, TimeUnit.MINUTES, new ArrayBlockingQueue<>(10));
    ExecutorService c = new ThreadPoolExecutor(2, 8, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10));
    ExecutorService d = new ThreadPoolExecutor(8, 8, 10, TimeUnit.MINUTES, new ArrayBlockingQueue<>(10));""")
    assert found(tmp_path, {JAVA: body}) == [f"TP004 {JAVA}:6:54-59", f"TP004 {JAVA}:7:54-56"]
    got = of(tmp_path, {JAVA: body}, "TP004")
    assert any("60 ms" in f.message and "MILLISECONDS" in f.why and "TimeUnit.MILLISECONDS" in f.help for f in got)
    assert any("600 s" in f.message for f in got)


def test_value_placeholders_resolve_through_the_modules_properties(tmp_path: Path) -> None:
    body = java("""    @Value("${pool.max:16}")
    private int max;
    ExecutorService a = new ThreadPoolExecutor(2, max, 60, TimeUnit.SECONDS, new SynchronousQueue<>());""")
    props = "src/main/resources/application.properties"
    assert found(tmp_path, {JAVA: body}) == []
    got = found(tmp_path, {JAVA: body, props: "pool.max=2147483647\n"})
    assert got == [f"TP001 {props}:1:10-20"]
    (f,) = of(tmp_path, {JAVA: body, props: "pool.max=2147483647\n"}, "TP001")
    assert "@Value(\"${pool.max:16}\") field max (Pools.java:6)" in chain(f)
    assert "used as max at Pools.java:8" in chain(f)
    assert f.chain[-1].span is not None and f.chain[-1].span.path.endswith("Pools.java")  # each step is located


def test_unknown_values_are_never_judged(tmp_path: Path) -> None:
    body = java("""    @Value("${pool.max}")
    private int max;
    ExecutorService a = new ThreadPoolExecutor(2, max, 60, TimeUnit.SECONDS, new SynchronousQueue<>());
    ExecutorService b = new ThreadPoolExecutor(2, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, queue());""")
    assert found(tmp_path, {JAVA: body}) == []


def test_thread_pool_task_executor_built_with_setters(tmp_path: Path) -> None:
    body = java("""    @Bean
    public ThreadPoolTaskExecutor taskExecutor() {
        ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
        executor.setCorePoolSize(8);
        executor.setMaxPoolSize(64);
        executor.setKeepAliveSeconds(300);
        executor.initialize();
        return executor;
    }
    @Bean
    public ThreadPoolTaskExecutor bare() {
        return new ThreadPoolTaskExecutor();
    }""", "import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;\n")
    got = found(tmp_path, {JAVA: body})
    assert got == [f"TP003 {JAVA}:8:43-71"]  # keep-alive is moot: the maximum is never reached
    (f,) = of(tmp_path, {JAVA: body}, "TP003")
    assert "ThreadPoolTaskExecutor 'taskExecutor' at Pools.java:8" in f.why
    assert "maxPoolSize = 64 is never reached" in f.why


# ---- connection pools and Dubbo ------------------------------------------------------------------------

DRUID = """    @Bean
    public DataSource dataSource() {
        DruidDataSource ds = new DruidDataSource();
        ds.setUrl("jdbc:mysql://db:3306/app?connectTimeout=2000&socketTimeout=3000");
        ds.setMaxWait(%s);
        return ds;
    }"""


def test_druid_built_in_code_is_judged_like_config(tmp_path: Path) -> None:
    body = java(DRUID % "-1", "import com.alibaba.druid.pool.DruidDataSource;\n")
    assert found(tmp_path, {JAVA: body}) == [f"DS001 {JAVA}:10:23-25"]


def test_druid_without_max_wait_and_without_a_url(tmp_path: Path) -> None:
    body = java("""    public DataSource dataSource(Props p) {
        DruidDataSource ds = new DruidDataSource();
        ds.setUrl(p.getUrl());
        return ds;
    }""")
    assert found(tmp_path, {JAVA: body}) == [f"DS001 {JAVA}:7:30-51"]


def test_a_configuration_properties_binding_is_not_a_datasource_with_defaults(tmp_path: Path) -> None:
    body = java("""    @Bean
    @ConfigurationProperties(prefix = "spring.datasource.druid")
    public DataSource dataSource() {
        return new DruidDataSource();
    }""")
    assert found(tmp_path, {JAVA: body}) == []


def test_a_datasource_configured_by_other_code_is_not_judged(tmp_path: Path) -> None:
    body = java("""    public DataSource dataSource(Properties p) {
        DruidDataSource ds = new DruidDataSource();
        ds.configFromPropety(p);
        return ds;
    }""")
    assert found(tmp_path, {JAVA: body}) == []


SERVICE = """package com.acme;

import %s;

@%s(timeout = %s)
public class OrderServiceImpl implements OrderService {
}
"""
IMPL = "src/main/java/com/acme/OrderServiceImpl.java"


@pytest.mark.parametrize(("imp", "ann"), [("org.apache.dubbo.config.annotation.DubboService", "DubboService"),
                                          ("org.apache.dubbo.config.annotation.Service", "Service"),
                                          ("com.alibaba.dubbo.config.annotation.Service", "Service")])
def test_dubbo_service_annotation_timeout_bounds_the_pool_wait(tmp_path: Path, imp: str, ann: str) -> None:
    druid = java(DRUID % "3000")
    # timeout = 5000 on the provider: a 3000 ms wait fits (Druid's attempts: 2 x 3000 = 6000 does not)
    got = found(tmp_path, {JAVA: druid, IMPL: SERVICE % (imp, ann, "8000")}, "DS002")
    assert got == []
    got = found(tmp_path, {JAVA: druid, IMPL: SERVICE % (imp, ann, "5000")}, "DS002")
    assert got == [f"DS002 {JAVA}:10:23-27"]
    msg = of(tmp_path, {JAVA: druid, IMPL: SERVICE % (imp, ann, "5000")}, "DS002")[0].why
    assert f"the Dubbo timeout 5000 ms (timeout of @{ann} on OrderServiceImpl" in msg


def test_dubbo_service_without_timeout_means_the_default(tmp_path: Path) -> None:
    impl = "package com.acme;\nimport org.apache.dubbo.config.annotation.DubboService;\n@DubboService\nclass S {}\n"
    props = {"src/main/resources/application.properties": "dubbo.protocol.name=dubbo\n"}
    druid = java(DRUID % "400")
    # 2 x 400 ms of pool wait stays under Dubbo's 1000 ms default, and under any annotation timeout
    assert found(tmp_path, {JAVA: druid, IMPL: impl, **props}, "DS002") == []
    druid = java(DRUID % "600")
    got = found(tmp_path, {JAVA: druid, IMPL: impl, **props}, "DS002")
    assert got == [f"DS002 {JAVA}:10:23-26"]  # 1000 ms default
    got = found(tmp_path, {JAVA: druid, IMPL: SERVICE % ("org.apache.dubbo.config.annotation.DubboService",
                                                         "DubboService", "5000"), **props}, "DS002")
    assert got == []  # the annotation's 5000 ms, not the default


def test_springs_service_annotation_is_not_dubbo(tmp_path: Path) -> None:
    impl = SERVICE % ("org.springframework.stereotype.Service", "Service", "5000")
    assert found(tmp_path, {JAVA: java(DRUID % "3000"), IMPL: impl}, "DS002") == []


# ---- suppressions --------------------------------------------------------------------------------------

def test_suppression_in_a_java_comment_covers_the_statement(tmp_path: Path) -> None:
    body = java("""    // cfglint: disable=TP001 -- batch host, the JVM's pids.max bounds it
    ExecutorService a = new ThreadPoolExecutor(8,
            Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>());
    ExecutorService b = Executors.newCachedThreadPool(); // cfglint: disable=TP001 -- same
    // cfglint: disable=TP003 -- nothing to suppress here
    ExecutorService c = new ThreadPoolExecutor(8, 8, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(9));""")
    assert found(tmp_path, {JAVA: body}) == [f"CF003 {JAVA}:10:8-30"]


def test_a_url_in_a_java_string_is_positioned_inside_the_quotes(tmp_path: Path) -> None:
    body = java("""    public DataSource dataSource() {
        DruidDataSource ds = new DruidDataSource();
        ds.setUrl("jdbc:mysql://db:3306/app?" + "socketTimeout=3000");
        ds.setMaxWait(1000);
        return ds;
    }
    public DataSource other() {
        DruidDataSource ds = new DruidDataSource();
        ds.setUrl("jdbc:mysql://db:3306/app?connectTimeout=2000");
        ds.setMaxWait(1000);
        return ds;
    }""")
    # the concatenation is one URL value (no socket timeout finding), positioned at the whole expression
    assert found(tmp_path, {JAVA: body}) == [f"JD001 {JAVA}:8:19-69", f"JD002 {JAVA}:14:20-64"]


BOUND = """package com.acme;

import com.alibaba.druid.spring.boot.autoconfigure.DruidDataSourceBuilder;
import com.alibaba.druid.pool.DruidDataSource;
import com.zaxxer.hikari.HikariDataSource;

public class Ds {
    @Bean @ConfigurationProperties("spring.datasource.master")
    public DataSource master() { return DruidDataSourceBuilder.create().build(); }
    @Bean @ConfigurationProperties(prefix = "spring.datasource.slave")
    public DataSource slave() { return new DruidDataSource(); }
    @Bean @ConfigurationProperties(prefix = "spring.datasource.hik")
    public DataSource hik() { return DataSourceBuilder.create().type(HikariDataSource.class).build(); }
    @Bean @ConfigurationProperties(prefix = "spring.datasource.elsewhere")
    public DataSource elsewhere() { return new DruidDataSource(); }
}
"""
BOUND_YML = """spring:
  datasource:
    master:
      url: jdbc:mysql://db:3306/a?connectTimeout=2000&socketTimeout=3000
      max-wait: -1
    slave:
      url: jdbc:mysql://db2:3306/a?connectTimeout=2000&socketTimeout=3000
      initial-size: 5
    hik:
      jdbc-url: jdbc:mysql://db2:3306/a?connectTimeout=2000&socketTimeout=3000
      connection-timeout: 0
"""


def test_configuration_properties_prefixes_bind_the_modules_keys_to_the_pool_type(tmp_path: Path) -> None:
    yml = "src/main/resources/application.yml"
    got = found(tmp_path, {"src/main/java/com/acme/Ds.java": BOUND, yml: BOUND_YML}, "DS001")
    assert got == [f"DS001 {yml}:5:17-19", f"DS001 {yml}:7:7-10", f"DS001 {yml}:11:27-28"]
    ds001 = of(tmp_path, {"src/main/java/com/acme/Ds.java": BOUND, yml: BOUND_YML}, "DS001")
    assert "Druid pool spring.datasource.slave (bound by @ConfigurationProperties on slave() in Ds.java:11)" in \
        ds001[1].why
    assert ds001[1].message.startswith("Druid pool `spring.datasource.slave` waits forever")
    assert ds001[2].message.startswith("HikariCP pool `spring.datasource.hik")


XML_POOLS = """<beans xmlns="http://www.springframework.org/schema/beans"
       xmlns:util="http://www.springframework.org/schema/util">
    <bean id="outage" class="java.util.concurrent.ThreadPoolExecutor">
        <constructor-arg index="0" value="8"/>
        <constructor-arg index="1" value="${pool.max:2147483647}"/>
        <constructor-arg index="2" value="60"/>
        <constructor-arg index="3" value="SECONDS"/>
        <constructor-arg index="4"><bean class="java.util.concurrent.SynchronousQueue"/></constructor-arg>
    </bean>
    <bean id="backlog" class="java.util.concurrent.ThreadPoolExecutor">
        <constructor-arg value="4"/>
        <constructor-arg value="16"/>
        <constructor-arg value="60"/>
        <constructor-arg><util:constant static-field="java.util.concurrent.TimeUnit.SECONDS"/></constructor-arg>
        <constructor-arg ref="queue"/>
    </bean>
    <bean id="queue" class="java.util.concurrent.LinkedBlockingQueue"/>
    <bean id="bounded-queue" class="java.util.concurrent.ThreadPoolExecutor">
        <constructor-arg name="corePoolSize" value="4"/>
        <constructor-arg name="maximumPoolSize" value="#{T(Integer).MAX_VALUE}"/>
        <constructor-arg name="keepAliveTime" value="60"/>
        <constructor-arg name="unit" value="SECONDS"/>
        <constructor-arg name="workQueue"><bean class="java.util.concurrent.ArrayBlockingQueue">
            <constructor-arg value="100"/></bean></constructor-arg>
    </bean>
    <bean id="typed" class="java.util.concurrent.ThreadPoolExecutor">
        <constructor-arg type="int" value="4"/>
    </bean>
</beans>
"""


def test_thread_pool_executor_beans_in_spring_xml(tmp_path: Path) -> None:
    xml = "src/main/resources/spring/pools.xml"
    got = found(tmp_path, {xml: XML_POOLS})
    assert got == [f"TP001 {xml}:5:54-64", f"TP003 {xml}:17:29-69", f"TP001 {xml}:20:56-79"]


def test_a_queue_capacity_from_a_method_call_is_unknown(tmp_path: Path) -> None:
    body = java("""    ExecutorService a = new ThreadPoolExecutor(2, 8, 60, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(config.queueSize()));
    ExecutorService b = new ThreadPoolExecutor(2, 8, 60, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(new ArrayList<>(pending)));""")
    assert found(tmp_path, {JAVA: body}) == [f"TP003 {JAVA}:9:13-64"]


def test_dubbo_config_objects_built_in_code(tmp_path: Path) -> None:
    body = java("""    @Bean
    public ProtocolConfig protocol() {
        ProtocolConfig protocol = new ProtocolConfig();
        protocol.setName("dubbo");
        protocol.setThreadpool("cached");
        return protocol;
    }
    @Bean
    public ProviderConfig provider() {
        ProviderConfig provider = new ProviderConfig();
        provider.setTimeout(5000);
        return provider;
    }""", "import org.apache.dubbo.config.*;\n")
    druid = java(DRUID % "2000").replace("class Pools", "class Db")
    got = found(tmp_path, {JAVA: body, "src/main/java/com/acme/Db.java": druid})
    # cached without threads: unbounded; the provider's 5000 ms bounds the 2 x 2000 ms pool wait
    assert got == [f"TP001 {JAVA}:10:33-39"]


def test_an_unknown_annotation_timeout_is_not_replaced_by_dubbos_default(tmp_path: Path) -> None:
    props = {"src/main/resources/application.properties": "dubbo.protocol.name=dubbo\n"}
    impl = SERVICE % ("org.apache.dubbo.config.annotation.DubboService", "DubboService", "Timeouts.ORDER")
    assert found(tmp_path, {JAVA: java(DRUID % "600"), IMPL: impl, **props}, "DS002") == []


def test_an_anonymous_executor_subclass_keeps_the_librarys_sizing(tmp_path: Path) -> None:
    body = java("""    ExecutorService a = new ThreadPoolExecutor(8, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>()) {
        @Override
        protected void afterExecute(Runnable r, Throwable t) { log(t); }
    };""")
    assert found(tmp_path, {JAVA: body}) == [f"TP001 {JAVA}:6:51-68"]


def test_a_placeholder_default_in_a_module_without_configuration_is_unknown(tmp_path: Path) -> None:
    body = java("""    @Value("${pool.max:2147483647}")
    private int max;
    ExecutorService a = new ThreadPoolExecutor(2, max, 60, TimeUnit.SECONDS, new SynchronousQueue<>());""")
    assert found(tmp_path, {JAVA: body}) == []  # library code: the application that uses it sets pool.max
    props = {"src/main/resources/application.properties": "spring.application.name=app\n"}
    assert found(tmp_path, {JAVA: body, **props}) == [f"TP001 {JAVA}:6:24-34"]


# ---- fuzz: mutated Java never raises, and every position lies inside the file -------------------------------


SEED_SOURCE = (Path(__file__).resolve().parents[1] / "corpus/java-service/src/main/java/com/example/order/config/"
               "ExecutorConfig.java").read_bytes()


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.tuples(st.integers(0, len(SEED_SOURCE)), st.integers(0, 40),
                          st.binary(max_size=8) | st.sampled_from([b"\xe7\xba\xbf", b"(", b")", b"\"", b"/*", b"\n",
                                                                   b"Integer.MAX_VALUE", b"${", b"\x00", b"\r"])),
                max_size=6))
def test_mutated_java_loads_with_positions_inside_the_file(edits: list[tuple[int, int, bytes]]) -> None:
    data = SEED_SOURCE
    for at, cut, ins in edits:
        data = data[:at] + ins + data[at + cut:]
    try:
        doc = load_java("E.java", data)
    except LoadError:
        return
    lines = doc.text.split("\n")
    values = [v for c in doc.creations for v in (*c.args, *c.setters.values(), *c.calls.values())]
    values += [v for a in doc.annotations for v in a.attrs.values()]
    for sp in [v.span for v in values] + [c.span for c in doc.creations]:
        assert 1 <= sp.line <= sp.end_line <= len(lines), sp
        assert sp.col >= 1 and (sp.end_line > sp.line or sp.end_col >= sp.col), sp
        assert sp.col <= len(lines[sp.line - 1]) + 1 and sp.end_col <= len(lines[sp.end_line - 1]) + 1, sp


def test_a_spring_datasource_binding_in_code_makes_flat_pool_keys_bind(tmp_path: Path) -> None:
    pom = ("<project><parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent"
           "</artifactId><version>2.7.18</version></parent></project>")
    props = ("spring.datasource.url=jdbc:mysql://db:3306/app?connectTimeout=2000&socketTimeout=3000\n"
             "spring.datasource.max-wait=%s\nspring.datasource.initial-size=5\n")
    config = java("""    @Bean
    @ConfigurationProperties(prefix = "spring.datasource")
    public DataSource dataSource() {
        return new DruidDataSource();
    }""", "import com.alibaba.druid.pool.DruidDataSource;\n")
    p = "src/main/resources/application.properties"
    write_tree(tmp_path, {"pom.xml": pom, p: props % "3000"})
    without = {f"{f.rule} {f.span.line}" for f in run_lint(tmp_path).findings}
    assert without == {"CF004 2", "CF004 3"}  # flat pool keys bind to nothing on Boot 2 ... unless code binds them
    write_tree(tmp_path, {JAVA: config})
    assert [f.rule for f in run_lint(tmp_path).findings] == []
    write_tree(tmp_path, {p: props % "-1"})
    assert [(f.rule, f.span.line) for f in run_lint(tmp_path).findings] == [("DS001", 2)]


def test_a_public_static_factory_method_is_an_api_not_a_pool(tmp_path: Path) -> None:
    body = java("""    public static ExecutorService newSingle() {
        return Executors.newFixedThreadPool(1);
    }
    public static ExecutorService newManaged(int n) {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        register(pool);
        return pool;
    }
    private static ExecutorService internal() {
        return Executors.newFixedThreadPool(2);
    }""")
    assert found(tmp_path, {JAVA: body}) == [f"TP003 {JAVA}:15:16-44"]


def test_dubbo_method_timeouts_on_the_service_annotation(tmp_path: Path) -> None:
    impl = ("package com.acme;\nimport org.apache.dubbo.config.annotation.DubboService;\nimport "
            "org.apache.dubbo.config.annotation.Method;\n@DubboService(timeout = 1000, methods = {@Method(name = "
            '"export", timeout = 30000)})\nclass S {}\n')
    props = {"src/main/resources/application.properties": "dubbo.protocol.name=dubbo\n"}
    # 2 x 3000 ms fits under the export method's 30 s: the longest provider-side timeout bounds the pool wait
    assert found(tmp_path, {JAVA: java(DRUID % "3000"), IMPL: impl, **props}, "DS002") == []
    single = impl.replace("methods = {@Method", "methods = @Method").replace(")})", "))")
    assert found(tmp_path, {JAVA: java(DRUID % "3000"), IMPL: single, **props}, "DS002") == []
    assert found(tmp_path, {JAVA: java(DRUID % "3000"), IMPL: impl.replace("30000", "3000"), **props},
                 "DS002") == [f"DS002 {JAVA}:10:23-27"]


def test_a_missing_parser_is_cf001_on_the_file_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cfglint.loaders.java as jl

    monkeypatch.setattr(jl, "_PARSER", None)
    monkeypatch.setitem(sys.modules, "tree_sitter", None)  # import tree_sitter now raises ImportError
    props = {"src/main/resources/application.properties": "dubbo.protocol.threadpool=cached\n"}
    write_tree(tmp_path, {"pom.xml": POM, JAVA: java("static final Object P = Executors.newCachedThreadPool();"),
                          **props})
    report = run_lint(tmp_path, cache=False)
    got = sorted((f.rule, f.span.path) for f in report.findings)
    assert got == [("CF001", JAVA), ("TP001", "src/main/resources/application.properties")]


def test_test_java_passed_explicitly_is_still_skipped(tmp_path: Path) -> None:
    body = java("static final Object P = Executors.newCachedThreadPool();")
    test_file = "src/test/java/com/acme/Pools.java"
    write_tree(tmp_path, {"pom.xml": POM, test_file: body, JAVA: body})
    from cfglint.api import lint
    from cfglint.settings import Settings

    report = lint([tmp_path / test_file, tmp_path / JAVA], Settings.model_validate({"respect-gitignore": False}),
                  cwd=tmp_path)
    assert [f.span.path for f in report.findings] == [JAVA]


PROPS_CLASS = """package com.acme;

import org.springframework.boot.context.properties.ConfigurationProperties;

@ConfigurationProperties(prefix = "app.pool")
public class PoolProperties {
    private int coreSize = 8;
    private int maxSize = 2147483647;
    private int queueCapacity;
    public int getCoreSize() { return coreSize; }
    public int getMaxSize() { return maxSize; }
    public int getQueueCapacity() { return queueCapacity; }
}
"""
POOL_FROM_PROPS = java("""    @Bean
    public ExecutorService appPool(PoolProperties props) {
        return new ThreadPoolExecutor(props.getCoreSize(), props.getMaxSize(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(props.getQueueCapacity()));
    }""")


def test_getters_of_a_configuration_properties_class_resolve_through_the_modules_keys(tmp_path: Path) -> None:
    files = {JAVA: POOL_FROM_PROPS, "src/main/java/com/acme/PoolProperties.java": PROPS_CLASS}
    yml = "src/main/resources/application.yml"
    assert found(tmp_path / "lib", files) == []  # no configuration in the module: library code, values unknown
    # the field default 2147483647 is used (app.pool.max-size not set), the queue capacity is bound: TP001
    got = found(tmp_path, {**files, yml: "app:\n  pool:\n    queue-capacity: 100\n"})
    assert got == ["TP001 src/main/java/com/acme/PoolProperties.java:8:27-37"]
    f = of(tmp_path, {**files, yml: "app:\n  pool:\n    queue-capacity: 100\n"}, "TP001")[0]
    assert "app.pool.maxSize is not set; the default of field maxSize" in chain(f) and "props.getMaxSize()" in chain(f)
    assert all(st.span is not None for st in f.chain)  # the field's initializer, then the getter call
    # set in the module's YAML: bounded
    assert found(tmp_path, {**files, yml: "app:\n  pool:\n    max-size: 64\n    queue-capacity: 100\n"}) == []
    # set to Integer.MAX_VALUE in YAML: reported where it is written
    got = found(tmp_path, {**files, yml: "app:\n  pool:\n    max-size: 2147483647\n    queue-capacity: 100\n"})
    assert got == [f"TP001 {yml}:3:15-25"]


def test_java_code_is_an_application_that_loads_the_files_its_placeholders_read(tmp_path: Path) -> None:
    """No Boot or XML context: the Java configuration is the process, and a property file that defines what its
    @Value reads (an @PropertySource file) joins it; an unrelated file is still judged on its own."""
    body = java("""    @Value("${pool.max:16}")
    private int max;
    ExecutorService a = new ThreadPoolExecutor(2, max, 60, TimeUnit.SECONDS, new SynchronousQueue<>());""")
    props = "src/main/resources/conf/pool.properties"
    other = "src/main/resources/conf/other.properties"
    got = found(tmp_path, {JAVA: body, props: "pool.max=2147483647\n", other: "dubbo.protocol.threads=5000\n"})
    assert got == [f"TP002 {other}:1:24-28", f"TP001 {props}:1:10-20"]  # sorted by path


def test_pools_of_a_static_main_are_a_tools_not_a_services(tmp_path: Path) -> None:
    """A benchmark client or a doc generator builds its pool in main(): run by hand, not part of the service."""
    body = java("""    public static void main(String[] args) {
        ExecutorService pool = Executors.newCachedThreadPool();
        DruidDataSource ds = new DruidDataSource();
        ds.setUrl("jdbc:mysql://db.internal:3306/app");
        pool.submit(() -> ds.getConnection());
    }
    void run() {
        ExecutorService pool = Executors.newCachedThreadPool();
        pool.submit(() -> {});
    }""", "import java.util.concurrent.*;\nimport com.alibaba.druid.pool.DruidDataSource;\n")
    body = body.replace("public class Pools", "@Component\npublic class Pools")  # a Spring bean with a main()
    assert found(tmp_path, {JAVA: body}) == [f"TP001 {JAVA}:15:32-61"]  # only the service method's pool


def test_break_after_acquire_failure_on_a_pool_for_a_runtime_url_is_deliberate(tmp_path: Path) -> None:
    """A pool built for a URL known only at run time (a report tool's connection to a database a user names) fails
    fast on a bad URL on purpose; the same setting on the service's own pool is reported (DS003)."""
    body = java("""    DataSource open(DbSource src) {
        DruidDataSource ds = new DruidDataSource();
        ds.setUrl(src.getDbUrl());
        ds.setMaxWait(1000);
        ds.setBreakAfterAcquireFailure(true);
        return ds;
    }
    @Bean
    DataSource main() {
        DruidDataSource ds = new DruidDataSource();
        ds.setUrl("jdbc:mysql://db.internal:3306/app?connectTimeout=1000&socketTimeout=5000");
        ds.setMaxWait(1000);
        ds.setBreakAfterAcquireFailure(true);
        return ds;
    }""", "import com.alibaba.druid.pool.DruidDataSource;\nimport javax.sql.DataSource;\n")
    assert [f.split(":")[1] for f in found(tmp_path, {JAVA: body}, "DS003")] == ["19"]  # the service's own pool


def test_pools_of_a_tool_class_are_not_a_services(tmp_path: Path) -> None:
    """A class with a static main() and no Spring stereotype is a tool (ScrewMain builds its HikariConfig in a
    helper its main calls); the Boot application class has a main() too, and its pools are the service's."""
    tool = java("""    public static void main(String[] args) { run(pool()); }
    static ExecutorService pool() { return Executors.newCachedThreadPool(); }""")
    boot = tool.replace("public class Pools", "@SpringBootApplication\\npublic class Pools")
    assert found(tmp_path / "tool", {JAVA: tool}) == []
    assert [f.split(" ")[0] for f in found(tmp_path / "boot", {JAVA: boot})] == ["TP001"]


def test_comments_between_arguments_and_repeated_setters(tmp_path: Path) -> None:
    """tree-sitter-java names comments line_comment/block_comment: they are not arguments. A setter called twice
    takes the later value, as the running code does."""
    body = java("""    ExecutorService a = new ThreadPoolExecutor(2, /* max */ Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>());
    @Bean
    public ThreadPoolTaskExecutor t() {
        ThreadPoolTaskExecutor e = new ThreadPoolTaskExecutor();
        e.setCorePoolSize(8);
        e.setMaxPoolSize(5000);
        e.setQueueCapacity(100);
        e.setMaxPoolSize(16);
        return e;
    }""")
    got = found(tmp_path, {JAVA: body})
    assert [g.split(" ")[0] for g in got] == ["TP001"], got  # no TP002 for the overridden 5000


def test_a_local_is_read_from_the_block_that_declares_it(tmp_path: Path) -> None:
    body = java("""    void start(boolean big) {
        if (big) {
            int max = 16;
            pools.add(new ThreadPoolExecutor(2, max, 60, TimeUnit.SECONDS, new SynchronousQueue<>()));
        } else {
            int max = Integer.MAX_VALUE;
            pools.add(new ThreadPoolExecutor(2, max, 60, TimeUnit.SECONDS, new SynchronousQueue<>()));
        }
    }""")
    got = found(tmp_path, {JAVA: body}, "TP001")
    assert [g.split(":")[1] for g in got] == ["12"], got  # only the else branch's pool is unbounded
