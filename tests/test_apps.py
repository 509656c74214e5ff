"""The application model (cfglint.apps): which property sources each Spring process of a module loads, and that
cross-file rules correlate only inside one application."""

from __future__ import annotations

from pathlib import Path

from cfglint.apps import plan
from cfglint.loaders.properties import load_properties
from cfglint.loaders.xml import load_xml
from cfglint.loaders.yaml import load_yaml
from tests.test_threads import RES, found, pom

BEANS = '<beans xmlns="http://www.springframework.org/schema/beans" xmlns:dubbo="http://dubbo.apache.org/schema/dubbo"'
BEANS += ' xmlns:context="http://www.springframework.org/schema/context">\n{}\n</beans>\n'


def _load(files: dict[str, str]):  # type: ignore[no-untyped-def]
    props, xml = [], []
    for path, text in files.items():
        data = text.encode()
        if path.endswith(".xml"):
            xml.append(load_xml(path, data))
        elif path.endswith(".properties"):
            props.append(load_properties(path, data))
        else:
            props.append(load_yaml(path, data))
    return props, xml


def _plan(files: dict[str, str], pom_text: str | None = None) -> dict[str, list[str]]:
    props, xml = _load(files)
    return {a.name: a.sources() for a in plan(props, xml, pom_text)}


def test_boot_files_of_one_location_are_one_application() -> None:
    apps = _plan({f"{RES}/application.yml": "a: 1\n", f"{RES}/application-prod.yml": "a: 2\n",
                  f"{RES}/config/bootstrap.yml": "b: 1\n"})
    assert apps == {f"Spring Boot application in {RES}/": [f"{RES}/application.yml", f"{RES}/application-prod.yml",
                                                           f"{RES}/config/bootstrap.yml"]}


def test_config_import_and_nacos_shared_configs_join_the_boot_application() -> None:
    apps = _plan({f"{RES}/application.yml": "spring.config.import: optional:classpath:db.yml,nacos:common.yaml?g=x\n",
                  f"{RES}/bootstrap.yml": "spring.cloud.nacos.config.shared-configs[0].data-id: redis.yml\n",
                  f"{RES}/db.yml": "x: 1\n", f"{RES}/common.yaml": "y: 1\n", f"{RES}/redis.yml": "z: 1\n",
                  f"{RES}/other.yml": "spring.datasource.url: jdbc:mysql://h/x\n"})
    boot = apps.pop(f"Spring Boot application in {RES}/")
    assert set(boot) == {f"{RES}/{n}" for n in ("application.yml", "bootstrap.yml", "db.yml", "common.yaml",
                                               "redis.yml")}
    assert apps == {f"file {RES}/other.yml": [f"{RES}/other.yml"]}  # loaded by nothing: judged on its own


def test_root_contexts_with_their_own_dubbo_application_are_separate_processes() -> None:
    files = {f"{RES}/spring/{n}.xml": BEANS.format(f'<dubbo:application name="{n}"/>') for n in ("a", "b")}
    files[f"{RES}/spring/common.xml"] = BEANS.format('<bean id="x" class="java.lang.Object"/>')
    files[f"{RES}/spring/main-b.xml"] = BEANS.format('<import resource="b.xml"/>')  # b's root is main-b
    apps = _plan(files)
    assert apps == {
        f"Spring XML context {RES}/spring/a.xml": [f"{RES}/spring/a.xml", f"{RES}/spring/common.xml"],
        f"Spring XML context {RES}/spring/main-b.xml": [f"{RES}/spring/main-b.xml", f"{RES}/spring/b.xml",
                                                        f"{RES}/spring/common.xml"],
    }


def test_one_dubbo_application_keeps_every_context_together_with_its_locations() -> None:
    files = {f"{RES}/spring/dubbo.xml": BEANS.format('<dubbo:application name="a"/>'),
             f"{RES}/spring/ds.xml": BEANS.format('<context:property-placeholder '
                                                  'location="classpath:conf/*.properties"/>'),
             f"{RES}/conf/jdbc.properties": "jdbc.url=jdbc:mysql://h/x\n",
             f"{RES}/dubbo.properties": "dubbo.registry.address=zk://z:2181\n"}
    apps = _plan(files)
    assert list(apps) == ["Spring XML contexts (2 roots)"]
    assert set(apps["Spring XML contexts (2 roots)"]) == set(files)


def test_maven_filter_files_are_variants_or_base_sources() -> None:
    pom_text = ("<project><build><filters><filter>src/main/filters/common.properties</filter>"
                "<filter>${basedir}/src/main/filters/${env}.properties</filter></filters></build></project>")
    apps = _plan({f"{RES}/application.properties": "a=${x}\n", "src/main/filters/common.properties": "c=1\n",
                  "src/main/filters/dev.properties": "x=1\n", "src/main/filters/prod.properties": "x=2\n"}, pom_text)
    assert apps == {f"Spring Boot application in {RES}/": [
        "src/main/filters/common.properties", "src/main/filters/dev.properties (variant 'dev')",
        "src/main/filters/prod.properties (variant 'prod')", f"{RES}/application.properties"]}


def test_orphans_referring_to_each_other_are_judged_together() -> None:
    apps = _plan({"conf/a.yml": "db.url: jdbc:mysql://h/x\n", "conf/b.yml": "spring.datasource.url: ${db.url}\n",
                  "conf/c.yml": "other: 1\n"})
    assert apps == {"file conf/a.yml (+1 referenced)": ["conf/a.yml", "conf/b.yml"], "file conf/c.yml": ["conf/c.yml"]}


# ---- end to end: evidence comes from the same application -------------------------------------------------------

def _ds_xml(app: str, timeout: str, wait: int) -> str:
    provider = f'<dubbo:provider timeout="{timeout}"/>' if timeout else ""
    return BEANS.format(
        f'<dubbo:application name="{app}"/>\n<dubbo:protocol name="dubbo"/>\n{provider}\n'
        f'<bean id="ds" class="com.alibaba.druid.pool.DruidDataSource">\n'
        f'<property name="url" value="jdbc:mysql://db.internal/x?connectTimeout=1000&amp;socketTimeout=5000"/>\n'
        f'<property name="maxWait" value="{wait}"/>\n</bean>')


def test_each_process_is_judged_against_its_own_timeout(lint_tree) -> None:
    r = lint_tree({"pom.xml": pom("com.alibaba", "druid", "1.2.8"),
                   f"{RES}/spring/fast.xml": _ds_xml("fast", "1000", 2000),
                   f"{RES}/spring/slow.xml": _ds_xml("slow", "60000", 2000)})
    assert found(r, "DS002") == [f"{RES}/spring/fast.xml:7:33"]
    (f,) = [f for f in r.findings if f.rule == "DS002"]
    assert {rel.span.path for rel in f.related} == {f"{RES}/spring/fast.xml"}


def test_sibling_files_of_a_config_folder_are_each_judged(lint_tree) -> None:
    url = "jdbc:mysql://{}.internal/x?connectTimeout=1000"
    r = lint_tree({"nacos/a.yml": f"spring.datasource.url: {url.format('a')}\n",
                   "nacos/b.yml": f"spring.datasource.url: {url.format('b')}\n",
                   "nacos/c.yml": "dubbo.provider.timeout: 100\nspring.datasource.druid.max-wait: 30\n"})
    assert found(r, "JD002") == ["nacos/a.yml:1:24", "nacos/b.yml:1:24"]
    assert found(r, "DS002") == []  # c's wait is 30 ms × 2 against its own 100 ms: fine; a and b serve no Dubbo


def test_a_file_no_application_loads_borrows_no_timeout(lint_tree) -> None:
    r = lint_tree({"pom.xml": pom(), f"{RES}/application.yml": "dubbo.provider.timeout: 1000\n"
                   "dubbo.protocol.name: dubbo\n",
                   f"{RES}/batch/job.yml": "spring.datasource.druid.url: jdbc:mysql://db.internal/x?connectTimeout=1"
                   "&socketTimeout=1\nspring.datasource.druid.max-wait: 60000\n"})
    assert found(r, "DS002") == []


def test_a_finding_of_several_profiles_is_reported_once_naming_them(lint_tree) -> None:
    dubbo = "dubbo.provider.timeout: 100\ndubbo.protocol.name: dubbo\n"
    r = lint_tree({"pom.xml": pom(), f"{RES}/application.yml": "spring.datasource.druid.max-wait: 3000\n",
                   f"{RES}/application-prod.yml": dubbo, f"{RES}/application-staging.yml": dubbo,
                   f"{RES}/application-dev.yml": "x: 1\n"})
    assert found(r, "DS002") == [f"{RES}/application.yml:1:35"]
    (f,) = [f for f in r.findings if f.rule == "DS002"]
    assert f.notes[-1] == "in profile 'prod', profile 'staging'" and "profile" not in f.message


def test_show_config_lists_the_applications(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "nacos").mkdir()
    (tmp_path / "nacos" / "a.yml").write_text("spring.datasource.url: jdbc:mysql://h/x\n")
    (tmp_path / "nacos" / "b.yml").write_text("spring.datasource.url: jdbc:mysql://h/y\n")
    out = subprocess.run([sys.executable, "-m", "cfglint", "check", "--show-config", "."], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60).stdout
    apps = out.split("applications", 1)[1]
    assert "file a.yml" in apps and "file b.yml" in apps


# ---- config-center folders linked to the services that load them (cfglint.links) --------------------------------

NACOS_TREE = {
    "svc/pom.xml": "<project/>",
    "svc/src/main/resources/bootstrap.yml": "spring.application.name: svc\n"
                                            "spring.cloud.nacos.config.shared-configs[0].data-id: db-common.yml\n",
    "nacos/svc.yml": "spring.datasource.druid.max-wait: 5000\ndubbo.protocol.name: dubbo\n"
                     "dubbo.provider.timeout: 3000\n",
    "nacos/db-common.yml": "spring.datasource.druid.url: jdbc:mysql://db.internal/x?connectTimeout=1&socketTimeout=1\n",
    "nacos/svc-prod.yml": "spring.datasource.druid.url: jdbc:mysql://db.internal/x?connectTimeout=1\n",
    "nacos/other.yml": "spring.datasource.druid.max-wait: 5000\n",
}


def test_a_service_loads_its_data_ids_from_a_config_folder(lint_tree) -> None:
    r = lint_tree(NACOS_TREE)
    assert found(r, "DS002") == ["nacos/svc.yml:1:35"]
    (ds002,) = [f for f in r.findings if f.rule == "DS002"]
    assert [rel.span.path for rel in ds002.related] == ["nacos/svc.yml"]
    assert found(r, "JD002") == ["nacos/svc-prod.yml:1:30"]  # the prod profile's URL, judged in the service
    assert r.files_linted == 5  # each config file counted once, by its own module (the pom is not config)


def test_a_config_folder_alone_is_judged_file_by_file(lint_tree, tmp_path: Path) -> None:
    from tests.conftest import run_lint

    lint_tree(NACOS_TREE)
    r = run_lint(tmp_path / "nacos")  # a pre-commit run that touched only the folder: no service to link to
    assert found(r, "JD002") == ["svc-prod.yml:1:30"]
    assert found(r, "DS002") == ["svc.yml:1:35"]  # the file holds both sides itself


def test_a_claim_that_goes_away_relints_the_folder(lint_tree, tmp_path: Path) -> None:
    first = lint_tree(NACOS_TREE)  # the result cache is on: the folder's module is stored while claimed
    assert "nacos/other.yml" not in {f.span.path for f in first.findings}
    tree = {k: v for k, v in NACOS_TREE.items() if not k.startswith("svc/")}
    (tmp_path / "svc/src/main/resources/bootstrap.yml").unlink()
    (tmp_path / "svc/pom.xml").unlink()
    again = lint_tree(tree)
    # Judged alone now: svc.yml's own pool wait against its own timeout is still a finding, and the prod URL
    # is still reported, now from the folder's module.
    assert found(again, "DS002") == ["nacos/svc.yml:1:35"] and found(again, "JD002") == ["nacos/svc-prod.yml:1:30"]


def test_profile_groups_and_includes_bring_their_overlays(lint_tree) -> None:
    """`prod` activates `proddb` (a group) whose file holds the URL: judged in prod; `dev` includes nothing."""
    r = lint_tree({"pom.xml": pom(),
                   f"{RES}/application.yml": "spring.profiles.group.prod: proddb\n"
                                             "spring.datasource.url: jdbc:mysql://db.internal/x?connectTimeout=1000"
                                             "&socketTimeout=5000\n",
                   f"{RES}/application-proddb.yml": "spring.datasource.url: jdbc:mysql://prod.internal/x\n",
                   f"{RES}/application-prod.yml": "x: 1\n",
                   f"{RES}/application-staging.yml": "spring.profiles.include: proddb\n"})
    assert found(r, "JD002") == [f"{RES}/application-proddb.yml:1:24"]
    (f,) = [f for f in r.findings if f.rule == "JD002"]
    assert f.notes[-1] == "in profile 'prod', profile 'proddb', profile 'staging'"


FILTERED_POM = """<project>
  <properties><dubbo.version>3.2.0</dubbo.version><db.wait>2000</db.wait></properties>
  <profiles>
    <profile><id>dev</id><properties><jdbc.url>jdbc:mysql://dev.internal/a?connectTimeout=1&amp;socketTimeout=1</jdbc.url></properties></profile>
    <profile><id>prod</id><properties><jdbc.url>jdbc:mysql://prod.internal/a</jdbc.url></properties></profile>
  </profiles>
  <build><resources><resource><directory>src/main/resources</directory><filtering>true</filtering></resource></resources></build>
</project>
"""


def test_filtered_resources_take_pom_properties_with_profiles_as_variants(lint_tree) -> None:
    r = lint_tree({"pom.xml": FILTERED_POM, f"{RES}/application.properties":
                   "spring.datasource.druid.url=${jdbc.url}\nspring.datasource.druid.max-wait=${db.wait}\n"
                   "dubbo.protocol.name=dubbo\ndubbo.provider.timeout=1000\n"})
    assert found(r, "JD002") == ["pom.xml:5:49"]  # the prod profile's URL, where it is written
    assert found(r, "DS002") == ["pom.xml:2:60"]  # max-wait 2000 ms, written in the pom: × 2 ≥ 1000 ms
    assert found(r, "CF002") == [] and found(r, "CF004") == []  # pom properties are definitions, never judged keys
    assert "pom.xml" in r.sources  # excerpts of findings located in the pom


def test_unfiltered_pom_properties_are_not_property_sources(lint_tree) -> None:
    r = lint_tree({"pom.xml": FILTERED_POM.replace("<filtering>true</filtering>", ""), f"{RES}/application.properties":
                   "spring.datasource.druid.url=${jdbc.url}\n"})
    assert found(r, "JD002") == [] and "pom.xml" not in r.sources  # Maven copies ${jdbc.url} as it is


def test_a_data_id_goes_to_the_service_with_the_longest_matching_name(tmp_path: Path) -> None:
    """`svc` must not take `svc-admin`'s data id (as a profile 'admin'), whatever the hash seed."""
    import subprocess
    import sys

    from tests.conftest import write_tree

    tree = {**NACOS_TREE, "svc-admin/pom.xml": "<project/>", "svc-admin/src/main/resources/application.yml": "a: 1\n",
            "nacos/svc-admin.yml": "spring.datasource.druid.max-wait: 0\n"}
    write_tree(tmp_path, tree)
    outs = {subprocess.run([sys.executable, "-m", "cfglint", "check", "--show-config", "."], cwd=tmp_path,
                           capture_output=True, text=True, timeout=60, env={**__import__("os").environ,
                                                                             "PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "4")}
    assert len(outs) == 1
    apps = outs.pop().split("applications", 1)[1]
    admin = apps.split("module svc-admin", 1)[1].split("module", 1)[0]
    svc = apps.split("module svc\n", 1)[1].split("module", 1)[0]
    assert "nacos/svc-admin.yml" in admin and "svc-admin.yml" not in svc  # not svc's profile 'admin'
    assert "nacos/svc-prod.yml (profile 'prod')" in svc


def test_the_same_data_id_in_two_folders_is_linked_nowhere(lint_tree) -> None:
    tree = {k.replace("nacos/", "nacos/prod/"): v for k, v in NACOS_TREE.items()}
    tree["nacos/staging/svc.yml"] = "spring.datasource.druid.max-wait: 0\n"
    tree["nacos/staging/svc-prod.yml"] = "x: 1\n"
    r = lint_tree(tree)
    # svc.yml exists in both folders: each judged alone (prod's own wait vs its own timeout; staging's DS001)
    assert found(r, "DS002") == ["nacos/prod/svc.yml:1:35"]
    assert "nacos/staging/svc.yml:1:35" in found(r, "DS001")


def test_a_service_never_claims_its_own_file(lint_tree) -> None:
    r = lint_tree({"svc/src/main/resources/bootstrap.yml": "spring.application.name: svc\n"
                   "spring.cloud.nacos.config.shared-configs[0].data-id: common.yml\n",
                   "svc/common.yml": "spring.datasource.druid.url: jdbc:mysql://db.internal/x\n"
                                     "spring.datasource.druid.max-wait: 0\n"})
    assert found(r, "DS001") and found(r, "JD002")  # linted, not lost between two modules


def test_standalone_files_are_not_merged_through_their_own_keys(lint_tree) -> None:
    """Sibling data ids all define spring.application.name; one reading ${spring.application.name} reads its own."""
    r = lint_tree({"nacos/account.yml": "spring.application.name: account\ndubbo.application.name: "
                   "${spring.application.name}\nspring.datasource.druid.max-wait: 0\n",
                   "nacos/payment.yml": "spring.application.name: payment\nspring.datasource.druid.max-wait: 1000\n"})
    assert found(r, "DS001") == ["nacos/account.yml:3:35"]


def test_files_join_an_application_through_a_chain_of_placeholders(lint_tree) -> None:
    r = lint_tree({"pom.xml": pom(), f"{RES}/application.properties": "spring.datasource.druid.max-wait=${pool.wait}\n",
                   f"{RES}/conf/jdbc.properties": "pool.wait=${db.wait}\n", f"{RES}/conf/db.properties": "db.wait=0\n"})
    assert found(r, "DS001") == [f"{RES}/conf/db.properties:1:9"]
