"""Issue 19: which JDBC connections JD001/JD002 judge (loopback hosts and dev/local/test profile files are left
alone by default, counted in the summary), and the pools recognised behind datasources that frameworks build
from properties (dynamic-datasource on HikariCP, DataSourceBuilder jdbc-url blocks, ShardingSphere-JDBC and
-Proxy, the Nacos server)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cfglint.api import lint
from cfglint.formatters import json_out, text
from cfglint.jdbcurl import is_loopback, parse_jdbc_url
from cfglint.settings import Settings
from tests.conftest import write_tree

POM = "<project/>"


@pytest.mark.parametrize(("url", "hosts", "loopback"), [
    ("jdbc:mysql://localhost:3306/app?useSSL=false", ("localhost",), True),
    ("jdbc:mysql://127.0.0.1/test", ("127.0.0.1",), True),
    ("jdbc:mysql://[::1]:3306/app", ("::1",), True),
    ("jdbc:mysql:///app", ("",), True),  # no host: the driver's default, localhost
    ("jdbc:mysql://root:pw@localhost:3306/app", ("localhost",), True),
    ("jdbc:mysql://address=(host=127.0.0.1)(port=3306)/app", ("127.0.0.1",), True),
    ("jdbc:mysql://(host=localhost,port=3306)/app", ("localhost",), True),
    ("jdbc:mysql:loadbalance://127.0.0.1:3306,127.0.0.2:3306/app", ("127.0.0.1", "127.0.0.2"), True),
    ("jdbc:mysql://localhost:3306,db2:3306/app", ("localhost", "db2"), False),  # one remote host is enough
    ("jdbc:p6spy:mysql://127.0.0.1:3306/app", ("127.0.0.1",), True),
    ("jdbc:postgresql:app", ("",), True),
    ("jdbc:postgresql://db.internal:5432/app", ("db.internal",), False),
    ("jdbc:sqlserver://localhost\\SQLEXPRESS:1433;databaseName=app", ("localhost",), True),
    ("jdbc:oracle:thin:@localhost:1521:ORCL", ("localhost",), True),
    ("jdbc:oracle:thin:@//db.internal:1521/ORDERS", ("db.internal",), False),
    ("jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=localhost)(PORT=1521))"
     "(CONNECT_DATA=(SERVICE_NAME=x)))", ("localhost",), True),
    ("jdbc:oracle:thin:@dbname_alias", None, False),  # tnsnames alias: the host is elsewhere
    ("jdbc:mysql://${DB_HOST:localhost}:3306/app", None, False),  # as written: the host is a placeholder
    ("jdbc:mysql://10.211.55.5:3306/app", ("10.211.55.5",), False),
])
def test_hosts_and_loopback(url: str, hosts: tuple[str, ...] | None, loopback: bool) -> None:
    u = parse_jdbc_url(url)
    assert u is not None
    assert u.hosts == hosts
    assert is_loopback(u) is loopback


def _lint(root: Path, files: dict[str, str], **settings: object):  # type: ignore[no-untyped-def]
    write_tree(root, files)
    return lint([root], Settings.model_validate({"respect-gitignore": False, "cache": False, **settings}), cwd=root)


def _found(report) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(f"{f.rule} {f.span.path}:{f.span.line}" for f in report.findings)


LOCAL = {
    "pom.xml": POM,
    "src/main/resources/application.yml": "spring:\n  datasource:\n    url: jdbc:mysql://127.0.0.1:3306/app\n",
    "src/main/resources/application-dev.yml": "spring:\n  datasource:\n    url: jdbc:mysql://dev-db:3306/app\n",
    "src/main/resources/application-prod.yml": "spring:\n  datasource:\n    url: jdbc:mysql://prod-db:3306/app\n",
}


def test_loopback_and_dev_profile_not_judged_but_counted(tmp_path: Path) -> None:
    report = _lint(tmp_path, LOCAL)
    assert _found(report) == ["JD002 src/main/resources/application-prod.yml:3"]  # Hikari bounds the connect
    assert report.unjudged == {"on a loopback host": 1, "in a dev/local/test profile file": 1}
    out = text.render(report, color=False)
    doc = json_out.document(report)
    assert doc["summary"]["not_judged"] == {"in a dev/local/test profile file": 1, "on a loopback host": 1}
    line = report.unjudged_line()
    assert line.startswith("2 JDBC connections not judged for timeouts (1 in a dev/local/test profile file, "
                           "1 on a loopback host;"), line
    assert "include-local = true" in line
    assert out.rstrip("\n").endswith(line)


def test_include_local_judges_everything(tmp_path: Path) -> None:
    report = _lint(tmp_path, LOCAL, rules={"JD001": {"include-local": True}, "JD002": {"include-local": True}})
    assert _found(report) == [f"JD002 src/main/resources/application{p}.yml:3" for p in ("-dev", "-prod", "")]
    assert report.unjudged == {}


def test_nothing_counted_when_rules_are_off_or_suppressed(tmp_path: Path) -> None:
    assert _lint(tmp_path, LOCAL, ignore=["JD001", "JD002"]).unjudged == {}
    files = {"pom.xml": POM, "src/main/resources/application.properties":
             "# cfglint: disable=JD001,JD002 -- local database\nspring.datasource.url=jdbc:mysql://localhost/app\n"}
    report = _lint(tmp_path / "s", files)
    # The suppression covers what JD002 would say if asked: not unused (no CF003), and nothing left to count.
    assert _found(report) == [] and report.unjudged == {}


def test_placeholder_host_is_a_production_template(tmp_path: Path) -> None:
    files = {"pom.xml": POM, "src/main/resources/application.properties":
             "spring.datasource.url=jdbc:mysql://${DB_HOST:127.0.0.1}:3306/app\n"
             "whole.url=${DB_URL:jdbc:mysql://localhost/app}\n"}
    report = _lint(tmp_path, files)
    # The templated host is judged; a URL that is wholly a placeholder default is replaced in production.
    assert _found(report) == ["JD002 src/main/resources/application.properties:1"]
    assert report.unjudged == {"on a loopback host": 1}


def test_judged_in_one_profile_wins_over_not_judged_in_another(tmp_path: Path) -> None:
    files = {"pom.xml": POM,
             "src/main/resources/application.yml": "db:\n  host: localhost\nspring:\n  datasource:\n"
                                                   "    url: jdbc:mysql://${db.host}:3306/app\n",
             "src/main/resources/application-prod.yml": "db:\n  host: prod-db\n"}
    report = _lint(tmp_path, files)
    assert _found(report) == ["JD002 src/main/resources/application.yml:5"]
    assert report.unjudged == {}


def test_unit_mistakes_and_ignored_properties_are_judged_on_loopback(tmp_path: Path) -> None:
    files = {"pom.xml": POM, "src/main/resources/application-local.properties":
             "spring.datasource.url=jdbc:postgresql://localhost:5432/app?socketTimeout=60000\n"
             "other.url=jdbc:oracle:thin:@localhost:1521:ORCL?connectTimeout=3000\n"}
    rules = {f.rule for f in _lint(tmp_path, files).findings}
    assert "JD003" in rules and not rules & {"JD001", "JD002"}


def test_unjudged_counts_survive_the_cache(tmp_path: Path) -> None:
    write_tree(tmp_path / "repo", LOCAL)
    settings = Settings.model_validate({"respect-gitignore": False, "cache-dir": str(tmp_path / "cache")})
    cold = lint([tmp_path / "repo"], settings, cwd=tmp_path / "repo")
    warm = lint([tmp_path / "repo"], settings, cwd=tmp_path / "repo")
    assert cold.unjudged == warm.unjudged == {"on a loopback host": 1, "in a dev/local/test profile file": 1}
    assert [f.message for f in cold.findings] == [f.message for f in warm.findings]
    assert any((tmp_path / "cache").rglob("*")), "the second run must have been answered by the cache"


def test_druid_of_unknown_version_names_its_10s_defaults(tmp_path: Path) -> None:
    files = {"pom.xml": POM, "src/main/resources/application.properties":
             "spring.datasource.druid.url=jdbc:mysql://db.internal:3306/app\nspring.datasource.druid.max-wait=1000\n"}
    msgs = {f.rule: " ".join(f.notes) for f in _lint(tmp_path, files).findings}
    assert "Druid 1.2.12–1.2.21 applies its own 10 s connectTimeout" in msgs["JD001"]
    assert "Druid 1.2.12–1.2.21 applies its own 10 s socketTimeout" in msgs["JD002"]
    pinned = _lint(tmp_path / "v", {**files, "pom.xml": "<project><dependencies><dependency><groupId>com.alibaba"
                                    "</groupId><artifactId>druid</artifactId><version>1.2.23</version></dependency>"
                                    "</dependencies></project>"})
    assert all("1.2.12–1.2.21 applies" not in f.story() for f in pinned.findings)


# ---- pools behind datasources ----------------------------------------------------------------------


def _pools(tmp_path: Path, files: dict[str, str]) -> dict[str, tuple[str, str | None]]:
    """label -> (pool, url) of every datasource of the module's default profile."""
    from cfglint.api import load_file
    from cfglint.discover import group, walk
    from cfglint.extract.model_builder import build_models

    write_tree(tmp_path, files)
    loaded = [load_file(f, 5 << 20) for f in walk([tmp_path], tmp_path, respect_gitignore=False)]
    (module,) = group([i.file for i in loaded])
    items = [i for i in loaded if i.node is not None]
    model = build_models(module, items, {}, set())[0]
    return {ds.label: (ds.pool, ds.url.value if ds.url else None) for ds in model.datasources}


def test_pools_recognised(tmp_path: Path) -> None:
    got = _pools(tmp_path, {"pom.xml": POM, "src/main/resources/application.yml": """
spring:
  datasource:
    primary:
      jdbc-url: jdbc:mysql://a:3306/a
    dynamic:
      hikari:
        connection-timeout: 5000
      datasource:
        master:
          url: jdbc:mysql://m:3306/m
        slave:
          type: com.alibaba.druid.pool.DruidDataSource
          url: jdbc:mysql://s:3306/s
  shardingsphere:
    datasource:
      names: ds0,ds1
      ds0:
        type: org.apache.commons.dbcp2.BasicDataSource
        url: jdbc:mysql://d0:3306/d
      ds1:
        type: com.zaxxer.hikari.HikariDataSource
        jdbc-url: jdbc:mysql://d1:3306/d
db:
  num: 1
  url:
    "0": jdbc:mysql://n:3306/nacos
"""})
    assert got == {
        "spring.datasource.primary": ("hikari", "jdbc:mysql://a:3306/a"),
        "spring.datasource.dynamic.datasource.master": ("hikari", "jdbc:mysql://m:3306/m"),
        "spring.datasource.dynamic.datasource.slave": ("druid", "jdbc:mysql://s:3306/s"),
        "spring.shardingsphere.datasource.ds0": ("dbcp2", "jdbc:mysql://d0:3306/d"),
        "spring.shardingsphere.datasource.ds1": ("hikari", "jdbc:mysql://d1:3306/d"),
        "the Nacos server's db.url.0": ("hikari", "jdbc:mysql://n:3306/nacos"),
    }


def test_proxy_datasources_need_a_shardingsphere_file(tmp_path: Path) -> None:
    proxy = "databaseName: db\ndataSources:\n  ds_0:\n    url: jdbc:mysql://d:3306/d\n" \
            "    connectionTimeoutMilliseconds: 2000\n  ds_1:\n    dataSourceClassName: " \
            "com.alibaba.druid.pool.DruidDataSource\n    url: jdbc:mysql://e:3306/e\n"
    assert _pools(tmp_path / "p", {"conf/config-sharding.yaml": proxy}) == {
        "dataSources.ds_0": ("hikari", "jdbc:mysql://d:3306/d"), "dataSources.ds_1": ("druid", "jdbc:mysql://e:3306/e")}
    # An application's own `dataSources:` map is not ShardingSphere's: no pool is assumed for it.
    own = "dataSources:\n  ds_0:\n    url: jdbc:mysql://d:3306/d\n"
    assert _pools(tmp_path / "o", {"pom.xml": POM, "src/main/resources/application.yml": own}) == {}


def test_nacos_connection_timeout(tmp_path: Path) -> None:
    base = {"pom.xml": POM, "conf/application.properties":
            "db.num=1\ndb.url.0=jdbc:mysql://nacos-db:3306/nacos?socketTimeout=3000\n"}
    assert _found(_lint(tmp_path / "a", base)) == []  # 3 s login timeout from Nacos's Hikari default
    base["conf/application.properties"] += "db.pool.config.connectionTimeout=0\n"
    assert _found(_lint(tmp_path / "b", base)) == ["DS001 conf/application.properties:3",
                                                   "JD001 conf/application.properties:2"]


def test_report_json_and_text_mention_not_judged(tmp_path: Path) -> None:
    write_tree(tmp_path, LOCAL)
    from typer.testing import CliRunner

    from cfglint.cli import app

    res = CliRunner().invoke(app, ["check", str(tmp_path), "--no-cache", "--format", "json"])
    doc = json.loads(res.stdout)
    assert doc["summary"]["not_judged"]["on a loopback host"] == 1
    res = CliRunner().invoke(app, ["check", str(tmp_path), "--no-cache"])
    assert "2 JDBC connections not judged for timeouts" in res.stdout


def test_loopback_in_a_production_profile_file_is_judged(tmp_path: Path) -> None:
    files = {"pom.xml": POM, "src/main/resources/application-prod.yml":
             "spring:\n  datasource:\n    url: jdbc:mysql://localhost:3306/app\n"}
    report = _lint(tmp_path, files)
    assert _found(report) == ["JD002 src/main/resources/application-prod.yml:3"] and report.unjudged == {}


def test_corpus_multi_pool_service_counts_and_skips() -> None:
    repo = Path(__file__).resolve().parents[1] / "corpus/multi-pool-service"
    report = lint([repo], Settings.model_validate({"respect-gitignore": False, "cache": False}), cwd=repo)
    assert report.unjudged == {"on a loopback host": 1, "in a dev/local/test profile file": 1}
    assert not any("jeecg_database" in f.span.path for f in report.findings)
    assert "order-service/src/main/resources/jeecg/jeecg_database.properties" not in report.sources


def test_local_file_names() -> None:
    from cfglint.checks.jdbc import _local_file

    for path in ("src/main/resources/application-dev.yml", "conf/bootstrap-local.properties", "jdbc_test.properties",
                 "doc/nacos/blade-dev.yaml", "config/dev/jdbc.properties", "application.development.yml"):
        assert _local_file(path), path
    for path in ("src/main/resources/application.yml", "src/main/resources/application-prod.yml",
                 "/home/dev/shop/src/main/resources/application.yml", "test/shop/src/main/resources/app.yml",
                 "src/main/resources/application-sharding.yml", "src/main/resources/latest.properties"):
        assert not _local_file(path), path


def test_profile_documents_and_test_modules_follow_the_local_policy(tmp_path: Path) -> None:
    """A URL only a `test`/`dev` profile document uses is not judged; one the base document uses still is; a module
    named as a test module (jeecg-cloud-test/...) is not judged; a leading test_ directory says nothing."""
    yml = ("spring.datasource.url: jdbc:mysql://base-db:3306/app\n---\nspring.config.activate.on-profile: test\n"
           "spring.datasource.url: jdbc:mysql://test-db:3306/app\n")
    r = _lint(tmp_path / "a", {"pom.xml": POM, "src/main/resources/application.yml": yml})
    assert _found(r) == ["JD002 src/main/resources/application.yml:1"]  # Hikari bounds the connect (JD001)
    assert r.unjudged == {"in a dev/local/test profile": 1}
    url = "spring.datasource.url: jdbc:mysql://db.internal:3306/app\n"
    r = _lint(tmp_path / "b", {"shop-test/shop-test-sharding/pom.xml": POM,
                                "shop-test/shop-test-sharding/src/main/resources/application.yml": url,
                                "test_scratch/pom.xml": POM, "test_scratch/src/main/resources/application.yml": url})
    assert _found(r) == ["JD002 test_scratch/src/main/resources/application.yml:1"]
    assert r.unjudged == {"in a test module": 1}
