"""Deterministic synthetic monorepo of Spring / Dubbo / Druid services for the cfglint benchmark.

Layout (a Maven multi-module monorepo, one git repository)::

    <root>/pom.xml                                   aggregator, parent spring-boot-starter-parent
    <root>/<domain>/pom.xml                          domain aggregator (25 services each)
    <root>/<domain>/<service>/pom.xml                the service module
    <root>/<domain>/<service>/src/main/java/.../Application.java     (not config: walked, never read)
    <root>/<domain>/<service>/src/main/resources/spring/dubbo-provider.xml  dubbo:* + DruidDataSource bean
    <root>/<domain>/<service>/src/main/resources/{jdbc,application}.properties  30-80 keys
    <root>/<domain>/<service>/src/main/resources/application.yml     60-150 lines, a profile doc after ---

Every service is generated from its own RNG seeded with ``(seed, index)``, so the tree for 100
services is a prefix of the tree for 500: scaling runs compare like with like. Some services are
deliberately dangerous (cached/unbounded Dubbo pools, Druid without maxWait, JDBC URLs without
timeouts, task executors with a queue but no maximum); the manifest counts them.

With ``--java`` every service also gets Java sources under ``src/main/java``: a handful of ordinary classes
(DTOs, controllers, mappers: the byte prefilter skips them) plus a configuration class with a few executors and a
DruidDataSource built in code and a @DubboService with a timeout, some of them dangerous. The main benchmark series
stays config-only; the Java tree measures the Java front end's cost on its own (RESULTS.md).

Usable alone: ``python bench/generate.py --services 500 --out bench/work/tree-500 [--java]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

# The one small, clean file of the start-up measurement (`cfglint check application.yml` exits 0).
SMALL_YAML = """spring:
  application:
    name: tiny
  datasource:
    druid:
      url: jdbc:mysql://db:3306/app?connectTimeout=2000&socketTimeout=5000
      max-wait: 300
dubbo:
  protocol:
    threads: 200
  provider:
    timeout: 3000
"""
GENERATOR_VERSION = 3  # bump when the output changes, so cached trees are rebuilt
DEFAULT_SEED = 20240617
SERVICES_PER_DOMAIN = 25

DOMAINS = ("order", "payment", "catalog", "inventory", "user", "billing", "search", "shipping", "promo",
           "review", "risk", "report", "message", "auth", "cart", "settlement", "coupon", "member",
           "logistics", "content", "pricing", "invoice", "refund", "ledger", "channel", "merchant", "store",
           "points", "notify", "audit")
NOUNS = ("query", "command", "core", "admin", "job", "gateway", "sync", "api", "center", "engine", "facade",
         "worker", "portal", "adapter", "rule", "stat", "export", "import", "batch", "open")
VERBS = ("get", "list", "query", "create", "update", "delete", "batchGet", "count", "sync", "export",
         "submit", "cancel", "confirm", "check", "page", "find", "save", "lock", "unlock", "refresh")
ENTITIES = ("Order", "Item", "Sku", "Account", "Bill", "Record", "Task", "Rule", "Config", "Detail",
            "Summary", "Log", "Event", "Coupon", "Member", "Address", "Price", "Stock", "Channel", "Batch")


@dataclass
class Danger:
    """What a service was generated to contain (for the manifest, and to sanity-check findings)."""

    xml_cached_pool: bool = False  # threadpool="cached" without threads
    xml_max_threads: bool = False  # threads="2147483647"
    xml_no_max_wait: bool = False  # DruidDataSource bean without maxWait
    yaml_cached_pool: bool = False  # dubbo.protocol.threadpool: cached without threads
    yaml_no_max_wait: bool = False  # spring.datasource.druid without max-wait
    yaml_task_no_max: bool = False  # spring.task.execution.pool.queue-capacity without max-size
    props_url_no_timeouts: bool = False  # jdbc.url without connect/socket timeouts
    yaml_url_no_timeouts: bool = False
    java_unbounded_pool: bool = False  # new ThreadPoolExecutor(8, Integer.MAX_VALUE, ..., SynchronousQueue)
    java_fixed_pool: bool = False  # Executors.newFixedThreadPool(n): unbounded queue
    java_no_max_wait: bool = False  # new DruidDataSource() + setters, no setMaxWait


@dataclass
class Manifest:
    version: int
    seed: int
    services: int
    files: dict[str, int] = field(default_factory=dict)  # kind -> count (config files only)
    bytes: dict[str, int] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    dangers: dict[str, int] = field(default_factory=dict)
    digest: str = ""  # sha256 over every generated file (path + content)


# ---------------------------------------------------------------------------------------------- JDBC


def _jdbc(rng: random.Random, db: str, host: str, schema: str, timeouts: bool) -> tuple[str, str]:
    """(url, driver class). ``timeouts`` adds connect and socket timeouts in the driver's own syntax."""
    if db == "mysql":
        params = ["useUnicode=true", "characterEncoding=utf8"]
        params += rng.sample(["useSSL=false", "serverTimezone=Asia/Shanghai", "allowMultiQueries=true",
                              "rewriteBatchedStatements=true", "zeroDateTimeBehavior=convertToNull",
                              "autoReconnect=true", "allowPublicKeyRetrieval=true"], rng.randint(1, 4))
        if timeouts:
            params += [f"connectTimeout={rng.choice([1000, 2000, 3000, 5000])}",
                       f"socketTimeout={rng.choice([5000, 10000, 30000, 60000])}"]
        driver = rng.choice(["com.mysql.cj.jdbc.Driver", "com.mysql.jdbc.Driver"])
        return f"jdbc:mysql://{host}:3306/{schema}?{'&'.join(params)}", driver
    if db == "postgresql":
        params = [f"ApplicationName={schema}"]
        params += rng.sample(["currentSchema=public", "reWriteBatchedInserts=true", "stringtype=unspecified",
                              "sslmode=disable", "prepareThreshold=0"], rng.randint(0, 3))
        if timeouts:
            params += [f"connectTimeout={rng.choice([2, 3, 5, 10])}", f"socketTimeout={rng.choice([10, 30, 60])}"]
        return f"jdbc:postgresql://{host}:5432/{schema}?{'&'.join(params)}", "org.postgresql.Driver"
    svc = schema.upper().replace("_", "")
    if timeouts:
        url = (f"jdbc:oracle:thin:@(DESCRIPTION=(CONNECT_TIMEOUT={rng.choice([3, 5])})"
               f"(TRANSPORT_CONNECT_TIMEOUT=3)(RETRY_COUNT=2)(ADDRESS=(PROTOCOL=TCP)(HOST={host})(PORT=1521))"
               f"(CONNECT_DATA=(SERVICE_NAME={svc})))")
    else:
        url = f"jdbc:oracle:thin:@//{host}:1521/{svc}"
    return url, "oracle.jdbc.OracleDriver"


def _validation_query(db: str) -> str:
    return "SELECT 1 FROM DUAL" if db == "oracle" else "SELECT 1"


# ---------------------------------------------------------------------------------------------- XML

_XML_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<beans xmlns="http://www.springframework.org/schema/beans"
       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
       xmlns:context="http://www.springframework.org/schema/context"
       xmlns:tx="http://www.springframework.org/schema/tx"
       xmlns:dubbo="http://dubbo.apache.org/schema/dubbo"
       xsi:schemaLocation="http://www.springframework.org/schema/beans
           http://www.springframework.org/schema/beans/spring-beans.xsd
           http://www.springframework.org/schema/context
           http://www.springframework.org/schema/context/spring-context.xsd
           http://www.springframework.org/schema/tx
           http://www.springframework.org/schema/tx/spring-tx.xsd
           http://dubbo.apache.org/schema/dubbo
           http://dubbo.apache.org/schema/dubbo/dubbo.xsd">
"""


def _druid_props(rng: random.Random, db: str, max_wait: bool, prefix: str) -> list[tuple[str, str]]:
    """10-20 Druid bean properties (url, username, password and maxActive always first)."""
    required = [("url", f"${{{prefix}.url}}"), ("username", f"${{{prefix}.username}}"),
                ("password", f"${{{prefix}.password}}"),
                ("maxActive", f"${{druid.maxActive:{rng.choice([20, 50, 100])}}}")]
    optional = [
        ("driverClassName", f"${{{prefix}.driver}}"),
        ("initialSize", f"${{druid.initialSize:{rng.choice([1, 5, 10])}}}"),
        ("minIdle", f"${{druid.minIdle:{rng.choice([1, 5, 10])}}}"),
        ("timeBetweenEvictionRunsMillis", "60000"),
        ("minEvictableIdleTimeMillis", "300000"),
        ("maxEvictableIdleTimeMillis", "900000"),
        ("validationQuery", _validation_query(db)),
        ("validationQueryTimeout", "3"),
        ("testWhileIdle", "true"),
        ("testOnBorrow", "false"),
        ("testOnReturn", "false"),
        ("poolPreparedStatements", rng.choice(["true", "false"])),
        ("maxPoolPreparedStatementPerConnectionSize", "20"),
        ("filters", rng.choice(["stat,wall,slf4j", "stat,slf4j", "stat,wall,log4j2", "stat"])),
        ("connectionProperties", "druid.stat.mergeSql=true;druid.stat.slowSqlMillis=5000"),
        ("removeAbandoned", "true"),
        ("removeAbandonedTimeout", "1800"),
        ("logAbandoned", "true"),
        ("keepAlive", "true"),
        ("useGlobalDataSourceStat", "true"),
    ]
    n = rng.randint(10, 20) - len(required) - (1 if max_wait else 0)
    chosen = [p for p in optional if p in rng.sample(optional, n)]  # keep the conventional order
    props = required + chosen
    if max_wait:
        at = rng.randint(4, len(props))
        props.insert(at, ("maxWait", f"${{druid.maxWait:{rng.choice([800, 1000, 1500, 2000, 3000])}}}"))
    return props


def _spring_xml(rng: random.Random, svc: str, pkg: str, db: str, d: Danger) -> str:
    out = [_XML_HEAD]
    loc = rng.choice(["classpath:jdbc.properties", "classpath*:*.properties", "classpath:application.properties"])
    out.append(f'    <context:property-placeholder location="{loc}" ignore-unresolvable="true"/>\n')
    out.append(f'    <context:component-scan base-package="{pkg}"/>\n\n')
    out.append("    <!-- ============================== Dubbo ============================== -->\n")
    owner = svc.split("-")[0]
    out.append(f'    <dubbo:application name="{svc}" owner="team-{owner}" organization="example"/>\n')
    out.append('    <dubbo:registry protocol="zookeeper" address="${zk.address}" timeout="10000" '
               f'file="${{user.home}}/.dubbo/{svc}.cache"/>\n')
    port = 20880 + rng.randint(0, 200)
    if d.xml_cached_pool:
        out.append(f'    <dubbo:protocol name="dubbo" port="{port}" threadpool="cached" corethreads="8" '
                   f'alive="60000" dispatcher="message"/>\n')
    elif d.xml_max_threads:
        out.append("    <!-- core 8, max Integer.MAX_VALUE: grows until the host runs out of threads -->\n")
        out.append(f'    <dubbo:protocol name="dubbo" port="{port}" threadpool="fixed" corethreads="8"\n'
                   f'                    threads="2147483647" alive="60000"/>\n')
    else:
        pool = rng.choice(["fixed", "fixed", "limited", "eager"])
        threads = rng.choice([100, 200, 300, 500])
        out.append(f'    <dubbo:protocol name="dubbo" port="{port}" threadpool="{pool}" threads="{threads}" '
                   f'dispatcher="message" payload="{rng.choice([8388608, 16777216])}"/>\n')
    timeout = rng.choice([1000, 2000, 3000, 5000])
    lb = rng.choice(["random", "roundrobin"])
    out.append(f'    <dubbo:provider timeout="{timeout}" retries="0" loadbalance="{lb}"'
               ' filter="-exception,traceFilter" delay="-1"/>\n')
    out.append(f'    <dubbo:consumer check="false" timeout="{rng.choice([1000, 3000])}" retries="0"/>\n\n')
    api = pkg.rsplit(".", 1)[0] + ".api"
    for _ in range(rng.randint(3, 12)):
        ent = rng.choice(ENTITIES)
        iface = f"{api}.{ent}{rng.choice(['Service', 'Facade', 'QueryService', 'WriteService'])}"
        ref = iface.rsplit(".", 1)[1]
        ref = ref[0].lower() + ref[1:]
        out.append(f'    <dubbo:service interface="{iface}" ref="{ref}" version="1.0.0" '
                   f'group="{rng.choice(["default", "online", "batch"])}">\n')
        for verb in rng.sample(VERBS, rng.randint(1, 4)):
            out.append(f'        <dubbo:method name="{verb}{ent}" timeout="{rng.choice([500, 1000, 2000, 3000])}"'
                       ' retries="0"/>\n')
        out.append("    </dubbo:service>\n")
    for _ in range(rng.randint(2, 8)):
        other = rng.choice(DOMAINS)
        ent = rng.choice(ENTITIES)
        rid = f"{other}{ent}Service"
        out.append(f'    <dubbo:reference id="{rid}" interface="com.example.{other}.api.{ent}Service" '
                   f'version="1.0.0" check="false" timeout="{rng.choice([500, 1000, 2000])}"/>\n')
    out.append("\n    <!-- ============================== DataSource ============================== -->\n")
    bean = rng.choice(["dataSource", "dataSource", "masterDataSource", "reportDataSource"])
    out.append(f'    <bean id="{bean}" class="com.alibaba.druid.pool.DruidDataSource" init-method="init" '
               'destroy-method="close">\n')
    for name, value in _druid_props(rng, db, not d.xml_no_max_wait, "jdbc"):
        out.append(f'        <property name="{name}" value="{value}"/>\n')
    out.append("    </bean>\n\n")
    out.append('    <bean id="sqlSessionFactory" class="org.mybatis.spring.SqlSessionFactoryBean">\n'
               f'        <property name="dataSource" ref="{bean}"/>\n'
               '        <property name="mapperLocations" value="classpath*:mapper/**/*.xml"/>\n'
               '        <property name="configLocation" value="classpath:mybatis-config.xml"/>\n'
               "    </bean>\n"
               '    <bean class="org.mybatis.spring.mapper.MapperScannerConfigurer">\n'
               f'        <property name="basePackage" value="{pkg}.dao"/>\n'
               '        <property name="sqlSessionFactoryBeanName" value="sqlSessionFactory"/>\n'
               "    </bean>\n"
               '    <bean id="transactionManager" '
               'class="org.springframework.jdbc.datasource.DataSourceTransactionManager">\n'
               f'        <property name="dataSource" ref="{bean}"/>\n'
               "    </bean>\n"
               '    <tx:annotation-driven transaction-manager="transactionManager"/>\n'
               "</beans>\n")
    return "".join(out)


# ---------------------------------------------------------------------------------------------- properties


def _properties(rng: random.Random, svc: str, pkg: str, db: str, url: str, driver: str, d: Danger,
                boot: bool) -> str:
    target = rng.randint(30, 80)
    lines: list[str] = [f"# {svc} - generated for the cfglint benchmark", ""]
    keys = 0

    def put(k: str, v: object) -> None:
        nonlocal keys
        lines.append(f"{k}={v}")
        keys += 1

    if boot:
        put("spring.application.name", svc)
        put("server.port", rng.choice([8080, 8081, 8090, 9000]))
        put("server.servlet.context-path", "/" + svc.split("-")[0])
        put("server.tomcat.threads.max", rng.choice([200, 400]))
        put("spring.jackson.time-zone", "GMT+8")
        put("spring.jackson.date-format", "yyyy-MM-dd HH:mm:ss")
        lines.append("")
    lines.append("# ---- database ----")
    put("jdbc.driver", driver)
    put("jdbc.url", url)
    put("jdbc.username", svc.replace("-", "_")[:30])
    put("jdbc.password", "${DB_PASSWORD}")
    if rng.random() < 0.6:
        put("druid.initialSize", rng.choice([1, 5, 10]))
        put("druid.minIdle", rng.choice([1, 5, 10]))
        put("druid.maxActive", rng.choice([20, 50, 100]))
    lines.append("")
    lines.append("# ---- registry / middleware ----")
    put("zk.address", "zookeeper://" + ",".join(f"zk{i}.internal:2181" for i in range(1, rng.choice([2, 4]))))
    put("redis.host", f"redis-{svc.split('-')[0]}.internal")
    put("redis.port", 6379)
    put("redis.timeout", rng.choice([1000, 2000, 3000]))
    put("redis.pool.maxTotal", rng.choice([8, 16, 32]))
    put("redis.pool.maxIdle", 8)
    put("redis.pool.maxWaitMillis", rng.choice([500, 1000, 2000]))
    put("rocketmq.name-server", "mq1.internal:9876;mq2.internal:9876")
    put("rocketmq.producer.group", f"{svc}-producer")
    put("rocketmq.producer.send-message-timeout", 3000)
    lines.append("")
    lines.append("# ---- logging ----")
    put("logging.level.root", rng.choice(["INFO", "WARN"]))
    put(f"logging.level.{pkg}", rng.choice(["DEBUG", "INFO"]))
    put("logging.file.path", f"/data/logs/{svc}")
    lines.append("")
    lines.append("# ---- application ----")
    i = 0
    while keys < target:
        group = rng.choice(("feature", "limit", "cache", "job", "remote", "switch"))
        ent = rng.choice(ENTITIES).lower()
        if group == "feature":
            put(f"app.feature.{ent}-{i}.enabled", rng.choice(["true", "false"]))
        elif group == "limit":
            put(f"app.limit.{ent}.max-per-second-{i}", rng.choice([50, 100, 500, 1000]))
        elif group == "cache":
            put(f"app.cache.{ent}.ttl-seconds-{i}", rng.choice([60, 300, 3600]))
        elif group == "job":
            put(f"app.job.{ent}-sync-{i}.cron", rng.choice(["0 0/5 * * * ?", "0 0 2 * * ?", "0 */10 * * * ?"]))
        elif group == "remote":
            put(f"app.remote.{ent}-{i}.url", f"http://{ent}-api.internal:8080/v1/{ent}s")
        else:
            if rng.random() < 0.3:
                lines.append(f"# toggled on {rng.randint(2019, 2024)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}")
            put(f"app.switch.{ent}.mode-{i}", rng.choice(["ON", "OFF", "GRAY"]))
        i += 1
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------- YAML


def _yaml(rng: random.Random, svc: str, pkg: str, db: str, url: str, prod_url: str, driver: str,
          d: Danger) -> str:
    """60-150 lines: required blocks, optional blocks while they fit the target, then an ``app:``
    section of nested maps and lists up to the target, then a profile document after ``---``."""
    target = rng.randint(60, 150)
    dom = svc.split("-")[0]
    opt: dict[str, list[str]] = {
        "tomcat": ["  tomcat:", "    threads:", f"      max: {rng.choice([200, 400])}", "      min-spare: 10",
                   "    accept-count: 100"],
        "druid-extra": ["      time-between-eviction-runs-millis: 60000",
                        "      min-evictable-idle-time-millis: 300000",
                        f"      validation-query: {_validation_query(db)}", "      test-while-idle: true",
                        "      test-on-borrow: false"],
        "druid-web": ["      stat-view-servlet:", "        enabled: false", "      web-stat-filter:",
                      "        enabled: true", '        url-pattern: "/*"',
                      '        exclusions: "*.js,*.gif,*.jpg,*.png,*.css,*.ico,/druid/*"'],
        "scheduling": ["    scheduling:", "      pool:", f"        size: {rng.choice([2, 4])}"],
        "redis": ["  redis:", f"    host: redis-{dom}.internal", "    port: 6379",
                  f"    timeout: {rng.choice([1000, 2000])}ms", "    lettuce:", "      pool:", "        max-active: 16",
                  "        max-idle: 8", f"        max-wait: {rng.choice([500, 1000])}ms"],
        "jackson": ["  jackson:", "    date-format: yyyy-MM-dd HH:mm:ss", "    time-zone: GMT+8",
                    "    default-property-inclusion: non_null"],
        "consumer": ["  consumer:", "    check: false", f"    timeout: {rng.choice([1000, 3000])}"],
        "management": ["management:", "  endpoints:", "    web:", "      exposure:", "        include:",
                       "          - health", "          - info", "          - prometheus", "  endpoint:",
                       "    health:", "      show-details: always", "  metrics:", "    tags:",
                       "      application: ${spring.application.name}"],
        "mybatis": ["mybatis:", "  mapper-locations: classpath*:mapper/**/*.xml",
                    f"  type-aliases-package: {pkg}.entity", "  configuration:",
                    "    map-underscore-to-camel-case: true", "    default-statement-timeout: 30"],
    }
    if rng.random() < 0.7:
        profile = ["---", "spring:", "  config:", "    activate:", "      on-profile: prod"]
    else:
        profile = ["---", "spring:", "  profiles: prod"]
    profile += ["  datasource:", "    druid:", f"      url: {prod_url}", f"      max-active: {rng.choice([50, 100])}",
                "dubbo:", "  registry:", "    address: zookeeper://zk-prod1.internal:2181"]
    if rng.random() < 0.5:
        profile += ["logging:", "  level:", "    root: WARN"]
    required = 47 + len(profile) - int(d.yaml_no_max_wait) - int(d.yaml_task_no_max) + int(not d.yaml_cached_pool)
    use: set[str] = set()
    for name in rng.sample(sorted(opt), len(opt)):
        if required + sum(len(opt[n]) for n in use) + len(opt[name]) <= target:
            use.add(name)

    def block(name: str) -> list[str]:
        return opt[name] if name in use else []

    y: list[str] = ["server:", f"  port: {rng.choice([8080, 8081, 8090])}", *block("tomcat"),
                    "spring:", "  application:", f"    name: {svc}", "  profiles:",
                    f"    active: {rng.choice(['dev', 'test', '${SPRING_PROFILES_ACTIVE:dev}'])}",
                    "  datasource:", "    type: com.alibaba.druid.pool.DruidDataSource", "    druid:",
                    f"      url: {url}", f"      username: {svc.replace('-', '_')[:30]}",
                    "      password: ${DB_PASSWORD}", f"      driver-class-name: {driver}",
                    f"      initial-size: {rng.choice([1, 5, 10])}", f"      min-idle: {rng.choice([1, 5, 10])}",
                    f"      max-active: {rng.choice([20, 50, 100])}"]
    if not d.yaml_no_max_wait:
        y.append(f"      max-wait: {rng.choice([800, 1000, 1500, 2000])}")
    y += [*block("druid-extra"), f"      filters: {rng.choice(['stat,wall,slf4j', 'stat,slf4j'])}",
          *block("druid-web"), "  task:", "    execution:", f"      thread-name-prefix: {dom}-task-", "      pool:",
          f"        core-size: {rng.choice([4, 8, 16])}"]
    if not d.yaml_task_no_max:
        y.append(f"        max-size: {rng.choice([16, 32, 64])}")
    y += [f"        queue-capacity: {rng.choice([100, 500, 1000])}", "        keep-alive: 60s",
          *block("scheduling"), *block("redis"), *block("jackson"),
          "dubbo:", "  application:", f"    name: {svc}", "    qos-enable: false", "  registry:",
          "    address: zookeeper://${ZK_ADDR:zk1.internal:2181}", "    timeout: 10000", "  protocol:",
          "    name: dubbo", "    port: -1"]
    if d.yaml_cached_pool:
        y += ["    threadpool: cached"]
    else:
        y += [f"    threadpool: {rng.choice(['fixed', 'fixed', 'limited'])}",
              f"    threads: {rng.choice([100, 200, 400])}"]
    y += ["  provider:", f"    timeout: {rng.choice([1000, 2000, 3000])}", "    retries: 0",
          "    filter: -exception,traceFilter", *block("consumer"), "  scan:", f"    base-packages: {pkg}.provider",
          *block("management"), *block("mybatis"),
          "logging:", "  level:", f"    root: {rng.choice(['INFO', 'WARN'])}", f"    {pkg}: DEBUG",
          "    com.alibaba.druid: WARN", "    org.apache.dubbo: WARN"]
    # Application section: nested maps and lists of maps, until the target length is reached.
    room = target - len(y) - len(profile)
    if room > 2:
        y.append("app:")
        room -= 1
        i = 0
        while room > 0:
            kind = rng.choice(("flags", "limits", "remotes", "whitelist"))
            ent = rng.choice(ENTITIES).lower()
            if kind == "flags" and room >= 4:
                y += [f"  flags-{i}:", f"    - name: {ent}-v{i}", f"      enabled: {rng.choice(['true', 'false'])}",
                      f"      percent: {rng.choice([0, 10, 50, 100])}"]
                room -= 4
            elif kind == "limits" and room >= 3:
                y += [f"  limit-{ent}-{i}:", f"    qps: {rng.choice([50, 200, 1000])}",
                      f"    burst: {rng.choice([10, 100])}"]
                room -= 3
            elif kind == "remotes" and room >= 3:
                y += [f"  remote-{ent}-{i}:", f"    url: http://{ent}-api.internal:8080/v1",
                      f"    timeout: {rng.choice([500, 1000, 3000])}ms"]
                room -= 3
            else:
                y += [f"  note-{i}: \"{ent} settings reviewed\""]
                room -= 1
            i += 1
    return "\n".join(y + profile) + "\n"


# ---------------------------------------------------------------------------------------------- poms


def _root_pom(domains: list[str]) -> str:
    mods = "".join(f"    <module>{d}</module>\n" for d in domains)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-parent</artifactId>
    <version>2.7.18</version>
    <relativePath/>
  </parent>
  <groupId>com.example</groupId>
  <artifactId>platform</artifactId>
  <version>1.0.0-SNAPSHOT</version>
  <packaging>pom</packaging>
  <properties>
    <java.version>1.8</java.version>
    <dubbo.version>2.7.23</dubbo.version>
    <druid.version>1.2.8</druid.version>
    <mybatis.version>2.3.2</mybatis.version>
  </properties>
  <modules>
{mods}  </modules>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>org.apache.dubbo</groupId>
        <artifactId>dubbo-spring-boot-starter</artifactId>
        <version>${{dubbo.version}}</version>
      </dependency>
      <dependency>
        <groupId>com.alibaba</groupId>
        <artifactId>druid-spring-boot-starter</artifactId>
        <version>${{druid.version}}</version>
      </dependency>
      <dependency>
        <groupId>org.mybatis.spring.boot</groupId>
        <artifactId>mybatis-spring-boot-starter</artifactId>
        <version>${{mybatis.version}}</version>
      </dependency>
    </dependencies>
  </dependencyManagement>
</project>
"""


def _domain_pom(domain: str, modules: list[str]) -> str:
    mods = "".join(f"    <module>{m}</module>\n" for m in modules)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>com.example</groupId>
    <artifactId>platform</artifactId>
    <version>1.0.0-SNAPSHOT</version>
  </parent>
  <groupId>com.example.{domain}</groupId>
  <artifactId>{domain}-parent</artifactId>
  <packaging>pom</packaging>
  <modules>
{mods}  </modules>
</project>
"""


def _service_pom(rng: random.Random, domain: str, svc: str, db: str) -> str:
    deps = [("org.springframework.boot", "spring-boot-starter-web", None),
            ("org.apache.dubbo", "dubbo-spring-boot-starter", None),
            ("com.alibaba", "druid-spring-boot-starter", None),
            ("org.mybatis.spring.boot", "mybatis-spring-boot-starter", None)]
    deps.append({"mysql": ("com.mysql", "mysql-connector-j", "8.0.33"),
                 "postgresql": ("org.postgresql", "postgresql", "42.6.0"),
                 "oracle": ("com.oracle.database.jdbc", "ojdbc8", "19.3.0.0")}[db])
    extra = [("org.springframework.boot", "spring-boot-starter-data-redis", None),
             ("org.apache.rocketmq", "rocketmq-spring-boot-starter", "2.2.3"),
             ("org.projectlombok", "lombok", None), ("com.alibaba", "fastjson", "1.2.83"),
             ("org.apache.commons", "commons-lang3", None), ("com.google.guava", "guava", "32.1.3-jre"),
             ("org.springframework.boot", "spring-boot-starter-actuator", None),
             ("io.micrometer", "micrometer-registry-prometheus", None)]
    deps += rng.sample(extra, rng.randint(3, len(extra)))
    props = ""
    if rng.random() < 0.2:
        props = f"  <properties>\n    <druid.version>{rng.choice(['1.1.22', '1.2.16', '1.2.23'])}</druid.version>\n" \
                "  </properties>\n"
    body = "".join(
        "    <dependency>\n"
        f"      <groupId>{g}</groupId>\n      <artifactId>{a}</artifactId>\n"
        + (f"      <version>{v}</version>\n" if v else "")
        + "    </dependency>\n"
        for g, a, v in deps)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>com.example.{domain}</groupId>
    <artifactId>{domain}-parent</artifactId>
    <version>1.0.0-SNAPSHOT</version>
  </parent>
  <artifactId>{svc}</artifactId>
  <packaging>jar</packaging>
{props}  <dependencies>
{body}  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.springframework.boot</groupId>
        <artifactId>spring-boot-maven-plugin</artifactId>
      </plugin>
    </plugins>
  </build>
</project>
"""


# ---------------------------------------------------------------------------------------------- tree


def service_name(i: int) -> tuple[str, str]:
    domain = DOMAINS[(i // SERVICES_PER_DOMAIN) % len(DOMAINS)]
    group = i // (SERVICES_PER_DOMAIN * len(DOMAINS))
    dom_dir = domain if group == 0 else f"{domain}{group + 1}"
    return dom_dir, f"{domain}-{NOUNS[i % len(NOUNS)]}-{i:04d}"


_JAVA_PLAIN = """package {pkg}.{sub};

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** {name}: an ordinary class the Java prefilter skips without parsing. */
public class {name} implements Serializable {{
    private static final long serialVersionUID = {n}L;
    private Long id;
    private String code;
    private List<String> tags = new ArrayList<>();

    public Long getId() {{
        return id;
    }}

    public void setId(Long id) {{
        this.id = id;
    }}

    public String getCode() {{
        return code == null ? "" : code.trim();
    }}

    public List<String> getTags() {{
        return tags;
    }}
}}
"""


def _java_sources(rng: random.Random, base: str, pkg: str, cls: str, db: str, d: Danger) -> dict[str, str]:
    """Ordinary classes plus one configuration class with pools and a datasource, and a Dubbo provider."""
    root = f"{base}/src/main/java/{pkg.replace('.', '/')}"
    out = {}
    for j in range(rng.randint(6, 14)):
        sub = rng.choice(("dto", "web", "mapper", "domain", "util"))
        name = f"{rng.choice(ENTITIES)}{rng.choice(('Dto', 'Vo', 'Controller', 'Mapper', 'Helper'))}{j}"
        out[f"{root}/{sub}/{name}.java"] = _JAVA_PLAIN.format(pkg=pkg, sub=sub, name=name, n=rng.randint(1, 10**9))
    core = rng.choice((4, 8, 16))
    pool_max = "Integer.MAX_VALUE" if d.java_unbounded_pool else str(core * rng.choice((2, 4)))
    fixed = (f"        return Executors.newFixedThreadPool({core});" if d.java_fixed_pool else
             f"        return new ThreadPoolExecutor({core}, {core}, 0L, TimeUnit.MILLISECONDS,\n"
             f"                new ArrayBlockingQueue<>({rng.choice((100, 500, 1000))}));")
    url, _ = _jdbc(rng, db, f"{cls.lower()}-db.internal", "app", True)
    max_wait = "" if d.java_no_max_wait else f"        ds.setMaxWait({rng.choice((300, 500, 800))});\n"
    out[f"{root}/config/{cls}ExecutorConfig.java"] = f"""package {pkg}.config;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.alibaba.druid.pool.DruidDataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class {cls}ExecutorConfig {{

    private static final int CORE = {core};

    @Bean(destroyMethod = "shutdown")
    public ExecutorService workerExecutor() {{
        return new ThreadPoolExecutor(CORE, {pool_max}, 60, TimeUnit.SECONDS, new SynchronousQueue<>());
    }}

    @Bean(destroyMethod = "shutdown")
    public ExecutorService batchExecutor() {{
{fixed}
    }}

    @Bean
    public DataSource reportDataSource() {{
        DruidDataSource ds = new DruidDataSource();
        ds.setUrl("{url}");
        ds.setMaxActive({rng.choice((10, 20, 50))});
{max_wait}        return ds;
    }}
}}
"""
    out[f"{root}/service/{cls}FacadeImpl.java"] = f"""package {pkg}.service;

import org.apache.dubbo.config.annotation.DubboService;

@DubboService(version = "1.0.0", timeout = {rng.choice((1000, 3000, 5000))})
public class {cls}FacadeImpl {{
    public String ping(String who) {{
        return "pong " + who;
    }}
}}
"""
    return out


def _service(seed: int, i: int, java: bool = False) -> tuple[dict[str, str], Danger]:
    """Relative path -> content for one service, and what it was made to contain."""
    rng = random.Random(f"{seed}:{i}")
    dom_dir, svc = service_name(i)
    domain = svc.split("-")[0]
    pkg = f"com.example.{domain}.{svc.split('-')[1]}{i}"
    db = rng.choices(["mysql", "postgresql", "oracle"], weights=[60, 25, 15])[0]
    d = Danger()
    pool = rng.random()
    d.xml_cached_pool = pool < 0.08
    d.xml_max_threads = 0.08 <= pool < 0.12
    d.xml_no_max_wait = rng.random() < 0.2
    d.yaml_cached_pool = rng.random() < 0.1
    d.yaml_no_max_wait = rng.random() < 0.2
    d.yaml_task_no_max = rng.random() < 0.05
    d.props_url_no_timeouts = rng.random() < 0.4
    d.yaml_url_no_timeouts = rng.random() < 0.4
    host = f"{domain}-db-{rng.randint(1, 9)}.internal"
    schema = f"{domain}_{svc.split('-')[1]}"
    url, driver = _jdbc(rng, db, host, schema, not d.props_url_no_timeouts)
    yurl, _ = _jdbc(rng, db, host, schema, not d.yaml_url_no_timeouts)
    prod_url, _ = _jdbc(rng, db, host.replace(".internal", ".prod"), schema, not d.yaml_url_no_timeouts)
    boot_props = rng.random() < 0.5
    base = f"{dom_dir}/{svc}"
    res = f"{base}/src/main/resources"
    cls = "".join(p.capitalize() for p in svc.split("-")[:2])
    files = {
        f"{base}/pom.xml": _service_pom(rng, domain, svc, db),
        f"{base}/src/main/java/{pkg.replace('.', '/')}/{cls}Application.java":
            f"package {pkg};\n\n@org.springframework.boot.autoconfigure.SpringBootApplication\n"
            f'@org.springframework.context.annotation.ImportResource("classpath:spring/dubbo-provider.xml")\n'
            f"public class {cls}Application {{\n    public static void main(String[] args) {{\n"
            f"        org.springframework.boot.SpringApplication.run({cls}Application.class, args);\n    }}\n}}\n",
        f"{res}/spring/dubbo-provider.xml": _spring_xml(rng, svc, pkg, db, d),
        f"{res}/{'application' if boot_props else 'jdbc'}.properties":
            _properties(rng, svc, pkg, db, url, driver, d, boot_props),
        f"{res}/application.yml": _yaml(rng, svc, pkg, db, yurl, prod_url, driver, d),
    }
    if java:  # after every draw of the config files: the config part of the tree is the same with or without
        jr = random.Random(f"{seed}:{i}:java")
        d.java_unbounded_pool = jr.random() < 0.1
        d.java_fixed_pool = jr.random() < 0.3
        d.java_no_max_wait = jr.random() < 0.2
        files.update(_java_sources(jr, base, pkg, cls, db, d))
    return files, d


def kind_of(path: str) -> str | None:
    """Config kind of a generated file as the floor and the peers see it (None: not config)."""
    if path.endswith("pom.xml"):
        return "pom"
    if path.endswith(".xml"):
        return "xml"
    if path.endswith((".yml", ".yaml")):
        return "yaml"
    if path.endswith(".properties"):
        return "properties"
    return None


def generate(root: Path, services: int, seed: int = DEFAULT_SEED, java: bool = False) -> Manifest:
    """Write the tree under ``root`` (replacing it) and return its manifest. Idempotent: the same
    arguments give byte-identical files."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    man = Manifest(GENERATOR_VERSION, seed, services)
    digest = hashlib.sha256()
    by_domain: dict[str, list[str]] = {}
    all_files: dict[str, str] = {}
    danger_counts: dict[str, int] = {k: 0 for k in asdict(Danger())}
    for i in range(services):
        files, d = _service(seed, i, java)
        dom_dir, svc = service_name(i)
        by_domain.setdefault(dom_dir, []).append(svc)
        all_files.update(files)
        for k, v in asdict(d).items():
            danger_counts[k] += int(v)
    all_files["pom.xml"] = _root_pom(list(by_domain))
    for dom_dir, mods in by_domain.items():
        all_files[f"{dom_dir}/pom.xml"] = _domain_pom(dom_dir.rstrip("0123456789"), mods)
    all_files[".gitignore"] = "target/\n*.iml\n.idea/\n"
    for rel in sorted(all_files):
        text = all_files[rel]
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        p.write_bytes(data)
        digest.update(rel.encode() + b"\0" + data + b"\0")
        kind = kind_of(rel) or ("java" if java and rel.endswith(".java") else None)
        if kind is not None:
            man.files[kind] = man.files.get(kind, 0) + 1
            man.bytes[kind] = man.bytes.get(kind, 0) + len(data)
            man.lines[kind] = man.lines.get(kind, 0) + text.count("\n")
    man.dangers = danger_counts
    man.digest = digest.hexdigest()
    # A monorepo is a git repository: cfglint honours .gitignore through git, and the harness tree lives
    # inside the cfglint checkout's ignored bench/work/, so give it a repository of its own.
    subprocess.run(["git", "init", "-q", str(root)], check=False, capture_output=True)
    return man


def ensure_tree(root: Path, services: int, seed: int = DEFAULT_SEED) -> Manifest:
    """Generate the tree unless an identical one (same generator version, seed, size) is there."""
    mf = root.with_name(root.name + ".manifest.json")
    if mf.exists() and (root / "pom.xml").exists():
        try:
            data = json.loads(mf.read_text())
            if (data.get("version"), data.get("seed"), data.get("services")) == (GENERATOR_VERSION, seed, services):
                return Manifest(**data)
        except (ValueError, TypeError):
            pass
    man = generate(root, services, seed)
    mf.write_text(json.dumps(asdict(man), indent=2) + "\n")
    return man


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--services", type=int, default=500)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--java", action="store_true", help="add Java sources (pools, datasources, Dubbo annotations)")
    args = ap.parse_args()
    man = generate(args.out, args.services, args.seed, args.java)
    print(json.dumps(asdict(man), indent=2))


if __name__ == "__main__":
    main()
