"""Build facts: library versions from pom.xml (parent chain, properties, dependencyManagement, BOMs) and Gradle
(string/map notation, ext, gradle.properties, version catalogs). Hostile or broken files give empty facts."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cfglint.loaders.build import BuildFacts, Version, build_facts, parse_version

POM_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0">\n'


def pom(body: str) -> str:
    return POM_HEAD + "  <modelVersion>4.0.0</modelVersion>\n" + textwrap.dedent(body).strip("\n") + "\n</project>\n"


def dep(g: str, a: str, v: str | None = None, extra: str = "") -> str:
    version = f"<version>{v}</version>" if v is not None else ""
    return f"<dependency><groupId>{g}</groupId><artifactId>{a}</artifactId>{version}{extra}</dependency>"


class Tree:
    """Files under tmp_path, and a reader that records every path asked for."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.asked: list[str] = []

    def write(self, files: dict[str, str]) -> None:
        for rel, text in files.items():
            p = self.root / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, encoding="utf-8")

    def read(self, path: str) -> bytes | None:
        self.asked.append(path)
        try:
            return Path(path).read_bytes()
        except OSError:
            return None

    def facts(self, rel: str) -> BuildFacts:
        return build_facts(str(self.root / rel), self.read)

    def path(self, rel: str) -> str:
        return str(self.root / rel)


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    return Tree(tmp_path)


def line_of(text: str, needle: str) -> tuple[int, int]:
    for n, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return n, line.index(needle) + 1
    raise AssertionError(needle)


# ---- parse_version -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("1.2.8", (1, 2, 8)),
        ("3.2.0-beta.1", (3, 2, 0)),
        ("2.7.18.RELEASE", (2, 7, 18)),
        ("12.2.0.1", (12, 2, 0, 1)),
        ("1.2.+", (1, 2)),
        ("0.2.1", (0, 2, 1)),
        ("[1.2,1.3)", ()),
        ("${druid.version}", ()),
        ("latest.release", ()),
        ("", ()),
        ("9" * 5000, ()),  # no int() of a huge digit string
    ],
)
def test_parse_version(text: str, parts: tuple[int, ...]) -> None:
    assert parse_version(text) == parts


# ---- Maven -------------------------------------------------------------------------------------------------


def test_parent_chain_properties_and_dependency_management(tree: Tree) -> None:
    root = pom(f"""
      <groupId>com.acme</groupId>
      <artifactId>acme-parent</artifactId>
      <version>1.0.0</version>
      <packaging>pom</packaging>
      <properties>
        <druid.version>1.1.10</druid.version>
        <mysql.base>8.0</mysql.base>
        <mysql.version>${{mysql.base}}.33</mysql.version>
      </properties>
      <dependencyManagement>
        <dependencies>
          {dep("com.alibaba", "druid", "${druid.version}")}
          {dep("com.mysql", "mysql-connector-j", "${mysql.version}")}
        </dependencies>
      </dependencyManagement>
    """)
    child = pom(f"""
      <parent>
        <groupId>com.acme</groupId>
        <artifactId>acme-parent</artifactId>
        <version>1.0.0</version>
      </parent>
      <artifactId>order-service</artifactId>
      <properties>
        <druid.version>1.2.8</druid.version>
      </properties>
      <dependencies>
        {dep("com.alibaba", "druid")}
        {dep("com.mysql", "mysql-connector-j")}
        {dep("org.postgresql", "postgresql")}
      </dependencies>
    """)
    tree.write({"pom.xml": root, "order/pom.xml": child})
    facts = tree.facts("order/pom.xml")

    # the child's property overrides the parent's, even though the parent's dependencyManagement uses it
    druid = facts.versions["druid"]
    assert (druid.text, druid.parts) == ("1.2.8", (1, 2, 8))
    assert druid.path == tree.path("order/pom.xml")
    assert (druid.line, druid.col) == line_of(child, "1.2.8")  # where the literal is written
    # nested properties resolve; a composite value points at the property that composes it
    mysql = facts.versions["mysql"]
    assert mysql.parts == (8, 0, 33)
    assert mysql.path == tree.path("pom.xml")
    assert mysql.line == line_of(root, "<mysql.version>")[0]
    # no version anywhere we can see: present, version unknown
    assert facts.has("postgresql") and facts.get("postgresql") is None
    assert facts.get("druid") == (1, 2, 8)
    assert not facts.has("dubbo")


def test_project_version_and_parent_version(tree: Tree) -> None:
    parent = pom("""
      <groupId>com.alibaba</groupId>
      <artifactId>druid-parent</artifactId>
      <version>1.2.23</version>
      <packaging>pom</packaging>
    """)
    child = pom(f"""
      <parent>
        <groupId>com.alibaba</groupId>
        <artifactId>druid-parent</artifactId>
        <version>1.2.23</version>
        <relativePath>../pom.xml</relativePath>
      </parent>
      <artifactId>druid-demo</artifactId>
      <properties><dubbo.version>${{project.parent.version}}</dubbo.version></properties>
      <dependencies>
        {dep("com.alibaba", "druid", "${project.version}")}
        {dep("org.apache.dubbo", "dubbo", "${dubbo.version}")}
      </dependencies>
    """)
    tree.write({"pom.xml": parent, "demo/pom.xml": child})
    facts = tree.facts("demo/pom.xml")
    # ${project.version} is the inherited version, written in the child's <parent><version>
    assert facts.versions["druid"] == Version("1.2.23", (1, 2, 23), tree.path("demo/pom.xml"),
                                              *line_of(child, "1.2.23"))
    assert facts.get("dubbo") == (1, 2, 23)


def test_project_version_own_version(tree: Tree) -> None:
    text = pom(f"""
      <groupId>com.acme</groupId>
      <artifactId>svc</artifactId>
      <version>2.6.12</version>
      <dependencies>{dep("com.alibaba", "dubbo", "${project.version}")}</dependencies>
    """)
    tree.write({"pom.xml": text})
    v = tree.facts("pom.xml").versions["dubbo"]
    assert (v.text, v.line, v.col) == ("2.6.12", *line_of(text, "2.6.12"))


def test_spring_boot_starter_parent(tree: Tree) -> None:
    text = pom(f"""
      <parent>
        <groupId>org.springframework.boot</groupId>
        <artifactId>spring-boot-starter-parent</artifactId>
        <version>2.7.18</version>
        <relativePath/> <!-- lookup parent from repository -->
      </parent>
      <groupId>com.acme</groupId>
      <artifactId>svc</artifactId>
      <version>1.0</version>
      <dependencies>
        {dep("org.springframework.boot", "spring-boot-starter-web")}
        {dep("com.zaxxer", "HikariCP")}
        {dep("mysql", "mysql-connector-java")}
      </dependencies>
    """)
    tree.write({"svc/pom.xml": text, "pom.xml": pom("<groupId>x</groupId><artifactId>y</artifactId>")})
    facts = tree.facts("svc/pom.xml")
    boot = facts.versions["spring-boot"]
    assert (boot.text, boot.parts, boot.line, boot.col) == ("2.7.18", (2, 7, 18), *line_of(text, "2.7.18"))
    # managed by Boot's BOM, which we cannot see: present, version unknown (no guessing)
    for lib in ("hikari", "mysql"):
        assert facts.has(lib) and facts.get(lib) is None
    # <relativePath/> means "from the repository": the local ../pom.xml is not read
    assert tree.path("pom.xml") not in tree.asked


def test_spring_boot_dependencies_bom_import(tree: Tree) -> None:
    text = pom(f"""
      <groupId>com.acme</groupId><artifactId>svc</artifactId><version>1</version>
      <properties><spring-boot.version>3.2.5</spring-boot.version></properties>
      <dependencyManagement><dependencies>
        {dep("org.springframework.boot", "spring-boot-dependencies", "${spring-boot.version}",
             "<type>pom</type><scope>import</scope>")}
      </dependencies></dependencyManagement>
      <dependencies>{dep("org.postgresql", "postgresql")}</dependencies>
    """)
    tree.write({"pom.xml": text})
    facts = tree.facts("pom.xml")
    assert facts.get("spring-boot") == (3, 2, 5)
    assert facts.versions["spring-boot"].line == line_of(text, "<spring-boot.version>")[0]
    assert facts.has("postgresql") and facts.get("postgresql") is None


def test_dubbo_26_via_com_alibaba(tree: Tree) -> None:
    tree.write({"pom.xml": pom(f"""
      <groupId>com.acme</groupId><artifactId>svc</artifactId><version>1</version>
      <dependencies>{dep("com.alibaba", "dubbo", "2.6.12")}</dependencies>
    """)})
    facts = tree.facts("pom.xml")
    assert facts.get("dubbo") == (2, 6, 12)
    assert facts.versions["dubbo"].text == "2.6.12"


def test_dubbo_bom_import_versions_the_starter(tree: Tree) -> None:
    text = pom(f"""
      <groupId>com.acme</groupId><artifactId>svc</artifactId><version>1</version>
      <dependencyManagement><dependencies>
        {dep("org.apache.dubbo", "dubbo-bom", "3.2.16", "<type>pom</type><scope>import</scope>")}
      </dependencies></dependencyManagement>
      <dependencies>{dep("org.apache.dubbo", "dubbo-spring-boot-starter")}</dependencies>
    """)
    tree.write({"pom.xml": text})
    v = tree.facts("pom.xml").versions["dubbo"]
    assert (v.parts, v.line, v.col) == ((3, 2, 16), *line_of(text, "3.2.16"))


def test_dubbo_core_artifact_beats_starter(tree: Tree) -> None:
    tree.write({"pom.xml": pom(f"""
      <groupId>com.acme</groupId><artifactId>svc</artifactId><version>1</version>
      <dependencies>
        {dep("org.apache.dubbo", "dubbo-spring-boot-starter", "2.7.8")}
        {dep("org.apache.dubbo", "dubbo", "2.7.23")}
      </dependencies>
    """)})
    assert tree.facts("pom.xml").get("dubbo") == (2, 7, 23)


def test_alibaba_boot_starter_means_dubbo_26(tree: Tree) -> None:
    text = pom(f"""
      <groupId>com.acme</groupId><artifactId>svc</artifactId><version>1</version>
      <dependencies>{dep("com.alibaba.boot", "dubbo-spring-boot-starter", "0.2.1")}</dependencies>
    """)
    tree.write({"a/pom.xml": text})
    v = tree.facts("a/pom.xml").versions["dubbo"]
    assert (v.text, v.parts, v.line, v.col) == ("0.2.1", (2, 6), *line_of(text, "0.2.1"))

    # dubbo declared itself: its own version wins
    tree.write({"b/pom.xml": pom(f"""
      <groupId>com.acme</groupId><artifactId>svc</artifactId><version>1</version>
      <dependencies>
        {dep("com.alibaba.boot", "dubbo-spring-boot-starter", "0.2.0")}
        {dep("com.alibaba", "dubbo", "2.6.5")}
      </dependencies>
    """)})
    assert tree.facts("b/pom.xml").get("dubbo") == (2, 6, 5)

    # a starter line we have no fact for: present, version unknown
    tree.write({"c/pom.xml": pom(f"""
      <groupId>com.acme</groupId><artifactId>svc</artifactId><version>1</version>
      <dependencies>{dep("com.alibaba.boot", "dubbo-spring-boot-starter", "0.1.0")}</dependencies>
    """)})
    c = tree.facts("c/pom.xml")
    assert c.has("dubbo") and c.get("dubbo") is None


def test_druid_starter(tree: Tree) -> None:
    tree.write({"pom.xml": pom(f"""
      <groupId>com.acme</groupId><artifactId>svc</artifactId><version>1</version>
      <dependencies>{dep("com.alibaba", "druid-spring-boot-3-starter", "1.2.23")}</dependencies>
    """)})
    assert tree.facts("pom.xml").get("druid") == (1, 2, 23)


def test_managed_druid_pins_the_starters_transitive_druid(tree: Tree) -> None:
    # Maven's dependencyManagement also fixes transitive versions: the starter brings druid 1.1.10 here
    tree.write({"pom.xml": pom(f"""
      <groupId>com.acme</groupId><artifactId>svc</artifactId><version>1</version>
      <dependencyManagement><dependencies>{dep("com.alibaba", "druid", "1.1.10")}</dependencies></dependencyManagement>
      <dependencies>{dep("com.alibaba", "druid-spring-boot-starter", "1.2.20")}</dependencies>
    """)})
    assert tree.facts("pom.xml").get("druid") == (1, 1, 10)


def test_test_scope_is_a_last_resort(tree: Tree) -> None:
    tree.write({"pom.xml": pom(f"""
      <groupId>com.acme</groupId><artifactId>svc</artifactId><version>1</version>
      <dependencies>
        {dep("com.mysql", "mysql-connector-j", "8.4.0", "<scope>test</scope>")}
        {dep("mysql", "mysql-connector-java", "5.1.49")}
      </dependencies>
    """)})
    assert tree.facts("pom.xml").get("mysql") == (5, 1, 49)


@pytest.mark.parametrize(
    ("g", "a", "lib"),
    [
        ("org.mariadb.jdbc", "mariadb-java-client", "mariadb"),
        ("com.oracle.database.jdbc", "ojdbc8", "oracle"),
        ("com.oracle", "ojdbc6", "oracle"),
        ("com.microsoft.sqlserver", "mssql-jdbc", "mssql"),
        ("net.sourceforge.jtds", "jtds", "jtds"),
        ("com.ibm.db2", "jcc", "db2"),
        ("com.zaxxer", "HikariCP", "hikari"),
        ("org.apache.commons", "commons-dbcp2", "dbcp2"),
        ("com.mchange", "c3p0", "c3p0"),
        ("org.apache.tomcat", "tomcat-jdbc", "tomcat-jdbc"),
        ("com.baomidou", "dynamic-datasource-spring-boot-starter", "dynamic-datasource"),
        ("com.baomidou", "dynamic-datasource-spring-boot3-starter", "dynamic-datasource"),
        ("com.clickhouse", "clickhouse-jdbc", "clickhouse"),
    ],
)
def test_driver_and_pool_artifacts(tree: Tree, g: str, a: str, lib: str) -> None:
    tree.write({"pom.xml": pom(f"""
      <groupId>com.acme</groupId><artifactId>svc</artifactId><version>1</version>
      <dependencies>{dep(g, a, "4.3.1")}</dependencies>
    """)})
    assert tree.facts("pom.xml").get(lib) == (4, 3, 1)


def test_missing_parent(tree: Tree) -> None:
    tree.write({"svc/pom.xml": pom(f"""
      <parent><groupId>com.acme</groupId><artifactId>acme-parent</artifactId><version>1</version></parent>
      <artifactId>svc</artifactId>
      <dependencies>
        {dep("com.alibaba", "druid", "${druid.version}")}
        {dep("org.apache.dubbo", "dubbo", "3.3.1")}
      </dependencies>
    """)})
    facts = tree.facts("svc/pom.xml")
    assert facts.get("dubbo") == (3, 3, 1)
    assert facts.has("druid") and facts.get("druid") is None  # its property lives in the parent we cannot see


def test_parent_with_other_coordinates_is_not_used(tree: Tree) -> None:
    tree.write({
        "pom.xml": pom("""
          <groupId>com.other</groupId><artifactId>aggregator</artifactId><version>1</version>
          <properties><druid.version>1.0.0</druid.version></properties>
        """),
        "svc/pom.xml": pom(f"""
          <parent><groupId>com.acme</groupId><artifactId>acme-parent</artifactId><version>1</version></parent>
          <artifactId>svc</artifactId>
          <dependencies>{dep("com.alibaba", "druid", "${druid.version}")}</dependencies>
        """),
    })
    facts = tree.facts("svc/pom.xml")
    assert facts.has("druid") and facts.get("druid") is None


def test_relative_path_to_directory_and_grandparent(tree: Tree) -> None:
    tree.write({
        "build/parent/pom.xml": pom("""
          <groupId>com.acme</groupId><artifactId>root</artifactId><version>7</version>
          <properties><dubbo.version>3.2.16</dubbo.version></properties>
        """),
        "build/pom.xml": pom("""
          <parent><groupId>com.acme</groupId><artifactId>root</artifactId><version>7</version>
            <relativePath>parent</relativePath></parent>
          <artifactId>mid</artifactId>
        """),
        "svc/pom.xml": pom(f"""
          <parent><groupId>com.acme</groupId><artifactId>mid</artifactId><version>7</version>
            <relativePath>../build/pom.xml</relativePath></parent>
          <artifactId>svc</artifactId>
          <dependencies>{dep("org.apache.dubbo", "dubbo-spring-boot-starter", "${dubbo.version}")}</dependencies>
        """),
    })
    v = tree.facts("svc/pom.xml").versions["dubbo"]
    assert v.parts == (3, 2, 16)
    assert v.path == tree.path("build/parent/pom.xml")


def test_property_cycle_is_unknown_not_a_crash(tree: Tree) -> None:
    tree.write({"pom.xml": pom(f"""
      <groupId>com.acme</groupId><artifactId>svc</artifactId><version>1</version>
      <properties><a>${{b}}</a><b>${{a}}.1</b><c>${{c}}${{c}}</c></properties>
      <dependencies>{dep("com.alibaba", "druid", "${a}")}{dep("com.zaxxer", "HikariCP", "${c}")}</dependencies>
    """)})
    facts = tree.facts("pom.xml")
    assert facts.has("druid") and facts.get("druid") is None
    assert facts.has("hikari") and facts.get("hikari") is None


def test_malformed_xml_gives_empty_facts(tree: Tree) -> None:
    tree.write({"pom.xml": POM_HEAD + "<dependencies><dependency><groupId>com.alibaba</groupId>"})
    facts = tree.facts("pom.xml")
    assert facts == BuildFacts()


def test_xxe_is_not_followed(tree: Tree) -> None:
    secret = tree.root / "secret.txt"
    secret.write_text("1.2.3", encoding="utf-8")
    tree.write({"pom.xml": f"""<?xml version="1.0"?>
<!DOCTYPE project [<!ENTITY x SYSTEM "file://{secret}">]>
<project><groupId>com.acme</groupId><artifactId>svc</artifactId><version>1</version>
  <dependencies>{dep("com.alibaba", "druid", "&x;")}</dependencies>
</project>
"""})
    facts = tree.facts("pom.xml")
    assert facts == BuildFacts()
    assert str(secret) not in tree.asked


def test_billion_laughs_gives_empty_facts(tree: Tree) -> None:
    ents = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    tree.write({"pom.xml": f"""<?xml version="1.0"?>
<!DOCTYPE project [{ents}]>
<project><groupId>g</groupId><artifactId>a</artifactId><version>&a9;</version>
  <dependencies>{dep("com.alibaba", "druid", "${project.version}")}</dependencies></project>
"""})
    assert tree.facts("pom.xml") == BuildFacts()


def test_hostile_parent_is_a_missing_parent(tree: Tree) -> None:
    tree.write({
        "pom.xml": """<?xml version="1.0"?>
<!DOCTYPE project [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<project><groupId>com.acme</groupId><artifactId>p</artifactId><version>1</version>
<properties><druid.version>&x;</druid.version></properties></project>
""",
        "svc/pom.xml": pom(f"""
          <parent><groupId>com.acme</groupId><artifactId>p</artifactId><version>1</version></parent>
          <artifactId>svc</artifactId>
          <dependencies>
            {dep("com.alibaba", "druid", "${druid.version}")}
            {dep("com.alibaba", "dubbo", "2.6.9")}
          </dependencies>
        """),
    })
    facts = tree.facts("svc/pom.xml")
    assert facts.get("dubbo") == (2, 6, 9)
    assert facts.has("druid") and facts.get("druid") is None
    assert "/etc/passwd" not in tree.asked


def test_never_raises() -> None:
    def boom(path: str) -> bytes | None:
        raise OSError("disk on fire")

    assert build_facts("/nowhere/pom.xml", boom) == BuildFacts()
    assert build_facts("/nowhere/build.gradle", boom) == BuildFacts()
    assert build_facts("/nowhere/pom.xml", lambda p: b"\xff\xfe\x00garbage") == BuildFacts()
    assert build_facts("/nowhere/pom.xml", lambda p: None) == BuildFacts()
    assert build_facts("/nowhere/build.gradle.kts", lambda p: b"\x00\xff{{{\"'${") == BuildFacts()
    assert build_facts("/nowhere/Makefile", lambda p: b"all:") == BuildFacts()


# ---- Gradle ------------------------------------------------------------------------------------------------


def test_gradle_groovy(tree: Tree) -> None:
    text = textwrap.dedent("""\
        plugins {
            id 'java'
            id 'org.springframework.boot' version '2.7.5'
        }
        ext {
            druidVersion = '1.2.8'
        }
        ext.versions = [dubbo: '3.2.16']
        def pg = "42.7.3"
        dependencies {
            implementation "com.alibaba:druid-spring-boot-starter:$druidVersion"
            implementation "org.apache.dubbo:dubbo-spring-boot-starter:${versions.dubbo}"
            runtimeOnly group: 'org.postgresql', name: 'postgresql', version: pg
            api group: 'com.zaxxer', name: 'HikariCP', version: '4.0.3'
            implementation 'org.springframework.boot:spring-boot-starter-jdbc'
            // implementation 'mysql:mysql-connector-java:5.1.49'
            /* implementation 'com.alibaba:dubbo:2.6.0' */
            testImplementation 'org.mariadb.jdbc:mariadb-java-client:3.3.3'
            implementation "com.mysql:mysql-connector-j:8.0.33" // https://example.com/x
        }
        """)
    tree.write({"build.gradle": text})
    facts = tree.facts("build.gradle")
    assert facts.get("spring-boot") == (2, 7, 5)
    druid = facts.versions["druid"]
    assert (druid.text, druid.path, druid.line, druid.col) == ("1.2.8", tree.path("build.gradle"),
                                                               *line_of(text, "1.2.8"))
    assert facts.get("dubbo") == (3, 2, 16)
    assert facts.get("postgresql") == (42, 7, 3)
    assert facts.get("hikari") == (4, 0, 3)
    assert facts.versions["hikari"].line == line_of(text, "4.0.3")[0]
    assert facts.get("mysql") == (8, 0, 33)  # the commented-out 5.1.49 does not count
    assert facts.get("mariadb") == (3, 3, 3)  # test-only, but nothing else names it
    assert facts.versions["mysql"].col == line_of(text, "8.0.33")[1]


def test_gradle_kts_with_gradle_properties(tree: Tree) -> None:
    text = textwrap.dedent("""\
        plugins {
            id("org.springframework.boot") version "3.1.5"
            id("io.spring.dependency-management") version "1.1.3"
        }
        val dubboVersion: String by project
        extra["oracleVersion"] = "23.3.0.23.09"
        dependencies {
            implementation("com.alibaba:druid-spring-boot-3-starter:${property("druidVersion")}")
            implementation("org.apache.dubbo:dubbo:$dubboVersion")
            implementation(group = "com.oracle.database.jdbc", name = "ojdbc11", version = extra["oracleVersion"])
            implementation("com.oracle.database.jdbc:ojdbc11:${extra["oracleVersion"]}")
            implementation(platform("org.apache.dubbo:dubbo-bom:3.2.0"))
        }
        """)
    props = "# versions\ndruidVersion=1.2.20\ndubboVersion = 3.3.1\n"
    tree.write({"build.gradle.kts": text, "gradle.properties": props})
    facts = tree.facts("build.gradle.kts")
    assert facts.get("spring-boot") == (3, 1, 5)
    druid = facts.versions["druid"]
    assert (druid.path, druid.line, druid.col) == (tree.path("gradle.properties"), 2, 14)
    # Gradle's conflict resolution takes the highest requested version (dubbo 3.3.1 over the 3.2.0 BOM)
    assert facts.get("dubbo") == (3, 3, 1)
    assert facts.get("oracle") == (23, 3, 0, 23, 9)


def test_gradle_version_catalog_multi_project(tree: Tree) -> None:
    catalog = textwrap.dedent("""\
        [versions]
        druid = "1.2.18"
        boot = { strictly = "3.2.4" }

        [libraries]
        druid-starter = { module = "com.alibaba:druid-spring-boot-3-starter", version.ref = "druid" }
        mysql = { group = "com.mysql", name = "mysql-connector-j", version = "8.3.0" }
        mysql-old = "mysql:mysql-connector-java:9.9.9"
        pg = "org.postgresql:postgresql:42.6.0"
        hikari = "com.zaxxer:HikariCP:5.1.0"
        unused-dubbo = "org.apache.dubbo:dubbo:3.0.0"

        [bundles]
        db = ["pg"]

        [plugins]
        spring-boot = { id = "org.springframework.boot", version.ref = "boot" }
        """)
    root_build = textwrap.dedent("""\
        plugins { alias(libs.plugins.spring.boot) apply false }
        subprojects {
            dependencies {
                implementation libs.hikari
            }
        }
        """)
    module = textwrap.dedent("""\
        dependencies {
            implementation(libs.druid.starter)
            runtimeOnly(libs.mysql)
            testImplementation(libs.mysql.old)
            implementation(libs.bundles.db)
            implementation("com.alibaba:dubbo:${rootProject.ext["dubboVersion"]}")
        }
        """)
    tree.write({
        "settings.gradle": "rootProject.name = 'shop'\ninclude 'svc'\n",
        "gradle/libs.versions.toml": catalog,
        "gradle.properties": "dubboVersion=2.6.12\n",
        "build.gradle": root_build,
        "svc/build.gradle": module,
    })
    facts = tree.facts("svc/build.gradle")
    druid = facts.versions["druid"]
    assert (druid.text, druid.path) == ("1.2.18", tree.path("gradle/libs.versions.toml"))
    assert (druid.line, druid.col) == line_of(catalog, "1.2.18")
    assert facts.get("mysql") == (8, 3, 0)  # the higher test-only 9.9.9 is not what the service runs with
    assert facts.versions["mysql"].line == line_of(catalog, "8.3.0")[0]
    assert facts.get("postgresql") == (42, 6, 0)  # through the bundle
    assert facts.get("hikari") == (5, 1, 0)  # through the root's subprojects block
    assert facts.get("spring-boot") == (3, 2, 4)  # catalog plugin, strictly
    assert facts.get("dubbo") == (2, 6, 12)  # root gradle.properties; the unused catalog entry does not count
    assert facts.versions["dubbo"].path == tree.path("gradle.properties")


def test_gradle_single_project_does_not_read_above(tree: Tree) -> None:
    tree.write({
        "gradle.properties": "druidVersion=1.0.0\n",
        "svc/build.gradle": "dependencies { implementation \"com.alibaba:druid:$druidVersion\" }\n",
    })
    facts = tree.facts("svc/build.gradle")
    assert facts.has("druid") and facts.get("druid") is None


def test_gradle_malformed_catalog_is_ignored(tree: Tree) -> None:
    tree.write({
        "gradle/libs.versions.toml": "[versions\ndruid = ",
        "settings.gradle.kts": "",
        "build.gradle.kts": 'dependencies { implementation(libs.druid); implementation("com.alibaba:dubbo:2.6.5") }\n',
    })
    facts = tree.facts("build.gradle.kts")
    assert facts.get("dubbo") == (2, 6, 5)
    assert not facts.has("druid")


def test_gradle_boot_plugin_applied_without_version(tree: Tree) -> None:
    tree.write({"build.gradle": "apply plugin: 'org.springframework.boot'\n"})
    facts = tree.facts("build.gradle")
    assert facts.has("spring-boot") and facts.get("spring-boot") is None

    tree.write({
        "settings.gradle": "pluginManagement { plugins { id 'org.springframework.boot' version \"$bootVersion\" } }\n",
        "gradle.properties": "bootVersion=2.6.3\n",
        "svc/build.gradle": "plugins { id 'org.springframework.boot' }\n",
    })
    v = tree.facts("svc/build.gradle").versions["spring-boot"]
    assert (v.text, v.path, v.line, v.col) == ("2.6.3", tree.path("gradle.properties"), 1, 13)
