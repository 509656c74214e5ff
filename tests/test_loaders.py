"""Loaders on messy real-world bytes: encodings (GBK, Latin-1, UTF-8 with and without BOM, UTF-16), CRLF,
tabs, Maven ``@token@``, Helm and Velocity templates, empty and binary files, and the exact positions the
loaders give in each case (the same key must be found at the same line and column whatever the encoding)."""

from __future__ import annotations

import codecs
import time
from pathlib import Path

import pytest

from cfglint.api import Loaded
from cfglint.loaders import LoadError, PropsFile, decode
from cfglint.loaders.properties import load_properties
from cfglint.loaders.xml import MAX_ATTRS, XmlDoc, load_xml
from cfglint.loaders.yaml import load_yaml
from cfglint.span import LineIndex, Span
from tests.regressions.harness import check_loaded, load_as

SPRING_NS = "http://www.springframework.org/schema/beans"


def _load(tmp_path: Path, name: str, data: bytes, kind: str = "") -> Loaded:
    p = tmp_path / name
    p.write_bytes(data)
    item = load_as(p, kind)
    check_loaded(item, data)
    return item


def _pos(span: Span) -> tuple[int, int, int, int]:
    return span.line, span.col, span.end_line, span.end_col


def _under(text: str, span: Span) -> str:
    idx = LineIndex(text)
    return text[idx.offset(span.line, span.col):idx.offset(span.end_line, span.end_col)]


def _entries(node: object) -> dict[str, tuple[str | None, tuple, tuple]]:
    assert isinstance(node, PropsFile)
    return {e.key: (e.value, _pos(e.key_span), _pos(e.value_span)) for e in node.entries}


ENCODED = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-bom": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    "utf-16-le-bom": lambda t: t.encode("utf-16"),  # Python writes a BOM, little-endian here
    "utf-16-be-bom": lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    "utf-16-le": lambda t: t.encode("utf-16-le"),
    "utf-16-be": lambda t: t.encode("utf-16-be"),
    "crlf": lambda t: t.replace("\n", "\r\n").encode("utf-8"),
}

# ---- decoding -------------------------------------------------------------------------------------------------


def test_decode_order_and_fallbacks() -> None:
    assert decode("é".encode()) == ("é", "utf-8")
    assert decode(codecs.BOM_UTF8 + b"a") == ("a", "utf-8-sig")
    assert decode("中文".encode("gbk"))[0] == "中文"
    assert decode(b"caf\xe9 \xff") == ("caf\xe9 \xff", "latin-1")
    assert decode("a: 1".encode("utf-16-le")) == ("a: 1", "utf-16-le")
    assert decode(codecs.BOM_UTF32_LE + "a".encode("utf-32-le"))[0] == "a"
    with pytest.raises(LoadError) as e:
        decode(b"\x00\x01\x02garbage\x00\x00\xff" * 10)
    assert e.value.skipped


# ---- the same content in every encoding gives the same positions --------------------------------------------

PROPS = ("# c\nspring.datasource.url = jdbc:mysql://db/应用?connectTimeout=1000\n\tdubbo.protocol.threads:200\n"
         "k\\\n  ey=v\\\n  alue\n")
YAML = ("spring:\n  datasource:\n    url: jdbc:mysql://db/应用\n    druid: {max-wait: -1}\n"
        "dubbo:\n  protocol:\n    threads: 200\n")
XML = (f'<?xml version="1.0" encoding="UTF-8"?>\n<beans xmlns="{SPRING_NS}">\n  <!-- 中文 -->\n'
       '  <bean id="ds" class="com.alibaba.druid.pool.DruidDataSource">\n'
       '    <property name="url"\n              value="jdbc:mysql://db/应用"/>\n  </bean>\n</beans>\n')


@pytest.mark.parametrize("enc", ENCODED)
def test_properties_positions_are_independent_of_encoding(tmp_path: Path, enc: str) -> None:
    want = _entries(load_properties("a", PROPS.encode()))
    assert want["spring.datasource.url"] == ("jdbc:mysql://db/应用?connectTimeout=1000", (2, 1, 2, 22), (2, 25, 2, 63))
    assert want["dubbo.protocol.threads"] == ("200", (3, 2, 3, 24), (3, 25, 3, 28))
    assert want["key"] == ("value", (4, 1, 5, 5), (5, 6, 6, 7))
    item = _load(tmp_path, "application.properties", ENCODED[enc](PROPS), "properties")
    assert _entries(item.node) == want


@pytest.mark.parametrize("enc", ENCODED)
def test_yaml_positions_are_independent_of_encoding(tmp_path: Path, enc: str) -> None:
    want = _entries(load_yaml("a", YAML.encode()))
    assert want["spring.datasource.url"] == ("jdbc:mysql://db/应用", (3, 5, 3, 8), (3, 10, 3, 28))
    assert want["spring.datasource.druid.max-wait"] == ("-1", (4, 13, 4, 21), (4, 23, 4, 25))
    item = _load(tmp_path, "application.yml", ENCODED[enc](YAML), "yaml")
    assert _entries(item.node) == want


def _xml_positions(doc: XmlDoc) -> list[tuple]:
    return [(el.local, _pos(el.span), sorted((a.name, a.value, _pos(a.value_span)) for a in el.attrs.values()))
            for el in doc.root.iter()] + [(c.text, _pos(c.span), c.own_line) for c in doc.comments]


@pytest.mark.parametrize("enc", ["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "crlf", "gbk", "gb2312",
                                 "latin-1"])
def test_xml_positions_are_independent_of_encoding(tmp_path: Path, enc: str) -> None:
    want = _xml_positions(load_xml("a", XML.encode()))
    url = next(a for el in load_xml("a", XML.encode()).root.iter() for a in el.attrs.values() if a.name == "value")
    assert (url.value, _pos(url.value_span)) == ("jdbc:mysql://db/应用", (6, 22, 6, 40))
    if enc in ("gbk", "gb2312"):
        data = XML.replace("UTF-8", enc.upper()).encode(enc)
    elif enc == "latin-1":
        data = XML.replace("UTF-8", "ISO-8859-1").encode("latin-1", errors="xmlcharrefreplace")
    elif enc.startswith("utf-16"):
        data = ENCODED[enc](XML.replace("UTF-8", "UTF-16"))
    else:
        data = ENCODED[enc](XML)
    item = _load(tmp_path, "ctx.xml", data, "xml")
    assert isinstance(item.node, XmlDoc), item.error and item.error.message
    if enc == "latin-1":  # 中文 was written as character references: only the columns after them differ
        return
    assert _xml_positions(item.node) == want


def test_latin1_properties_follow_java_semantics(tmp_path: Path) -> None:
    """``Properties.load(InputStream)`` is ISO-8859-1: a non-UTF-8 file decodes byte for byte, and ``\\u``
    escapes give the real characters."""
    item = _load(tmp_path, "a.properties", b"name=caf\xe9\nzh=\\u4e2d\\u6587\n", "properties")
    assert _entries(item.node)["name"][0] == "café"
    assert _entries(item.node)["zh"] == ("中文", (2, 1, 2, 3), (2, 4, 2, 16))


def test_gbk_properties_without_declaration_still_load(tmp_path: Path) -> None:
    item = _load(tmp_path, "a.properties", "spring.datasource.url=jdbc:mysql://db/应用\n".encode("gbk"), "properties")
    assert item.error is None and item.node.entries[0].value.startswith("jdbc:mysql://db/")


def test_gbk_xml_without_declaration_is_a_positioned_cf001(tmp_path: Path) -> None:
    """XML without a declaration is UTF-8 by definition; Spring's parser rejects this file too."""
    data = f'<beans xmlns="{SPRING_NS}">\n  <!-- 中文 -->\n</beans>\n'.encode("gbk")
    item = _load(tmp_path, "a.xml", data, "xml")
    assert item.error is not None and item.error.span.line == 2 and "encoding" in item.error.message


def test_crlf_values_carry_no_carriage_return(tmp_path: Path) -> None:
    props = _load(tmp_path, "a.properties", b"a=1\r\nb=2 \r\n", "properties").node
    assert [(e.value, _pos(e.value_span)) for e in props.entries] == [("1", (1, 3, 1, 4)), ("2 ", (2, 3, 2, 4))]
    yml = _load(tmp_path, "a.yml", b"a:\r\n  b: 1\r\n  c: \"x\"\r\n", "yaml").node
    assert [(e.value, _pos(e.value_span)) for e in yml.entries] == [("1", (2, 6, 2, 7)), ("x", (3, 7, 3, 8))]


# ---- YAML specifics ---------------------------------------------------------------------------------------------


def test_tabs_in_yaml_indentation_are_cf001_at_the_tab(tmp_path: Path) -> None:
    item = _load(tmp_path, "application.yml", b"spring:\n  datasource:\n\turl: x\n", "yaml")
    assert item.error is not None and _pos(item.error.span)[:2] == (3, 1)
    ok = _load(tmp_path, "application.yml", b"spring:\n  name: a\tb  # tab inside a value is fine\n", "yaml")
    assert ok.error is None and ok.node.entries[0].value == "a\tb"


def test_maven_resource_tokens_parse_in_place(tmp_path: Path) -> None:
    text = b"spring:\n  application:\n    name: @project.artifactId@\n  version: @project.version@ # c\n  v: 1\n"
    item = _load(tmp_path, "application.yml", text, "yaml")
    entries = _entries(item.node)
    assert entries["spring.application.name"][2] == (3, 12, 3, 30)  # inside the @...@, exactly where written
    assert entries["spring.v"] == ("1", (5, 3, 5, 4), (5, 6, 5, 7))


@pytest.mark.parametrize("text", [
    b"spring:\n  datasource:\n    url: {{ .Values.db.url }}\n",
    b"spring:\n{{- if .Values.x }}\n  a: 1\n{{- end }}\n",
    b"spring:\n  a: {% raw %}\n",
])
def test_helm_templates_in_spring_yaml_are_skipped_or_cf001(tmp_path: Path, text: bytes) -> None:
    item = _load(tmp_path, "application.yml", text, "yaml")
    assert item.node is not None or item.error is not None or "template" in item.file.reason


def test_helm_templates_in_kubernetes_yaml_are_skipped(tmp_path: Path) -> None:
    text = b"apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: {{ .Values.replicas }}\n"
    item = _load(tmp_path, "deployment.yaml", text)
    assert item.file.kind == "skip" and "template" in item.file.reason.lower()


def test_yaml_value_spans_skip_tags_and_anchors(tmp_path: Path) -> None:
    text = ("spring:\n  datasource:\n    url: !Ref DbUrl\n    username: &u \"sa\"\n    password: !secret\n"
            "      hunter2\n    max-wait: &w !!int 5000 # c\n  other: *u\n")
    node = _load(tmp_path, "application.yml", text.encode(), "yaml").node
    got = {e.key: (e.value, _under(node.text, e.value_span)) for e in node.entries}
    assert got == {
        "spring.datasource.url": ("DbUrl", "DbUrl"),
        "spring.datasource.username": ("sa", "sa"),
        "spring.datasource.password": ("hunter2", "hunter2"),
        "spring.datasource.max-wait": ("5000", "5000"),
        "spring.other": ("sa", "sa"),  # an alias points where the value is written
    }


def test_yaml_reader_errors_point_at_the_character(tmp_path: Path) -> None:
    item = _load(tmp_path, "application.yml", "spring:\n  name: 中文中文\x01\n".encode(), "yaml")
    assert item.error is not None and _pos(item.error.span)[:2] == (2, 13)
    assert "\n" not in item.error.message and "#x0001" in item.error.message


def test_yaml_node_budget_counts_alias_uses() -> None:
    from cfglint.loaders.yaml import MAX_NODES

    assert MAX_NODES <= 100_000
    text = "a: &a [" + ", ".join(["x"] * 100) + "]\n" + "".join(f"k{i}: *a\n" for i in range(MAX_NODES // 100 + 5))
    with pytest.raises(LoadError) as e:
        load_yaml("a.yml", text.encode())
    assert "alias" in e.value.message


# ---- XML specifics ----------------------------------------------------------------------------------------------


def test_velocity_template_named_xml_is_skipped_once(tmp_path: Path) -> None:
    text = (f'<?xml version="1.0"?>\n<beans xmlns="{SPRING_NS}">\n#foreach($ds in $dataSources)\n'
            '  <bean id="${ds.name}">\n#end\n</beans>\n')
    item = _load(tmp_path, "applicationContext.xml", text.encode(), "xml")
    assert item.error is None and item.node is None and item.file.reason.startswith("template, skipped")


def test_namespaced_attributes_keep_their_written_prefix(tmp_path: Path) -> None:
    text = (f'<beans xmlns="{SPRING_NS}" xmlns:p="http://www.springframework.org/schema/p">\n'
            '  <bean id="ds" p:maxWait="-1" xml:lang="en"/>\n'
            '  <bean id="b" xmlns:q="http://www.springframework.org/schema/p" q:url="u"/>\n'
            '  <x:bean xmlns:x="urn:x" x:a="1"><x:y x:b="2"/></x:bean>\n'
            '</beans>\n')
    node = _load(tmp_path, "ctx.xml", text.encode(), "xml").node
    attrs = {(el.local, a.name): (a.value, _under(node.text, a.value_span)) for el in node.root.iter()
             for a in el.attrs.values()}
    assert attrs[("bean", "p:maxWait")] == ("-1", "-1")
    assert attrs[("bean", "xml:lang")] == ("en", "en")
    assert attrs[("bean", "q:url")] == ("u", "u")
    assert attrs[("bean", "x:a")] == ("1", "1") and attrs[("y", "x:b")] == ("2", "2")


def test_root_namespaced_attributes_and_markup_the_tag_scanner_skips(tmp_path: Path) -> None:
    # Root attributes take their prefix from the root's declarations (two prefixes for one namespace: the
    # innermost-declared wins, as deeper down). The start-tag scanner must step over a DOCTYPE internal subset,
    # CDATA, PIs and comments that look like tags, and a '>' inside an attribute value.
    xsi = "http://www.w3.org/2001/XMLSchema-instance"
    text = ('<?xml version="1.0"?>\n<!DOCTYPE beans [ <!ELEMENT beans ANY> <!ATTLIST bean id CDATA "x>y"> ]>\n'
            f'<beans xmlns="{SPRING_NS}" xmlns:xsi="{xsi}" xmlns:s="{xsi}"\n'
            '       xsi:schemaLocation="a b" s:type="t">\n'
            '  <!-- <bean id="commented"/> --><?pi <bean id="pi"?>\n'
            '  <bean id="a" class="x>y"><![CDATA[ <bean id="cdata"/> ]]></bean>\n'
            '  <bean\n    id="b"\n    p="2"/>\n'
            '</beans>\n')
    node = _load(tmp_path, "ctx.xml", text.encode(), "xml").node
    root = node.root
    assert set(root.attrs) == {"s:schemaLocation", "s:type"}  # s is declared last: it is the one in scope
    assert _under(node.text, root.attrs["s:type"].value_span) == "t"
    assert (root.span.line, root.span.col) == (3, 2)
    beans = [el for el in root.iter() if el.local == "bean"]
    assert [el.attrs["id"].value for el in beans] == ["a", "b"]
    assert _under(node.text, beans[0].attrs["class"].value_span) == "x>y"
    assert (beans[0].span.line, beans[0].span.col) == (6, 4)
    assert (beans[1].attrs["p"].name_span.line, beans[1].attrs["p"].name_span.col) == (9, 5)
    assert beans[1].line_end == 9


def test_xml_comments_own_line_or_trailing(tmp_path: Path) -> None:
    text = (f'<beans xmlns="{SPRING_NS}">\n  <!-- own -->\n  <bean id="a"/> <!-- trailing -->\n'
            '\t<!-- tab own --><!-- second on the line -->\n</beans>\n')
    node = _load(tmp_path, "ctx.xml", text.encode(), "xml").node
    assert [(c.text, c.own_line) for c in node.comments] == [
        ("own", True), ("trailing", False), ("tab own", True), ("second on the line", False)]


def test_element_with_too_many_attributes_is_cf001(tmp_path: Path) -> None:
    attrs = " ".join(f'a{i}="1"' for i in range(MAX_ATTRS + 1))
    text = f'<beans xmlns="{SPRING_NS}">\n<bean {attrs}/>\n</beans>'
    start = time.perf_counter()
    item = _load(tmp_path, "ctx.xml", text.encode(), "xml")
    assert time.perf_counter() - start < 1
    assert item.error is not None and item.error.span.line == 2 and "attributes" in item.error.message
    ok = f'<beans xmlns="{SPRING_NS}">\n<bean {" ".join(f"a{i}=" + chr(34) + "1" + chr(34) for i in range(60))}/>'
    assert _load(tmp_path, "ctx.xml", (ok + "</beans>").encode(), "xml").error is None


def test_xml_depth_limit_is_cf001(tmp_path: Path) -> None:
    text = f'<beans xmlns="{SPRING_NS}">' + "<bean>" * 300 + "</bean>" * 300 + "</beans>"
    item = _load(tmp_path, "ctx.xml", text.encode(), "xml")
    assert item.error is not None and "depth" in item.error.message.lower()


@pytest.mark.parametrize("kind, name", [("xml", "ctx.xml"), ("yaml", "application.yml")])
def test_broken_file_with_many_blank_lines_is_fast(tmp_path: Path, kind: str, name: str) -> None:
    """The template sniff on a broken file was quadratic in the number of lines (minutes for 300 000)."""
    head = f'<beans xmlns="{SPRING_NS}">' if kind == "xml" else "spring:\n"
    start = time.perf_counter()
    item = _load(tmp_path, name, (head + "\n" * 300_000 + "\tx").encode(), kind)
    assert time.perf_counter() - start < 2
    assert item.error is not None and item.error.span.line >= 300_000


# ---- empty and binary -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, kind", [("ctx.xml", "xml"), ("application.yml", "yaml"),
                                        ("application.properties", "properties")])
def test_empty_and_whitespace_files(tmp_path: Path, name: str, kind: str) -> None:
    for data in (b"", b"\n\n", codecs.BOM_UTF8, b"   \r\n"):
        item = _load(tmp_path, name, data, kind)
        assert item.error is None
        assert item.node is None or not item.node.entries  # nothing to lint (XML: skipped as empty)


@pytest.mark.parametrize("name, kind", [("ctx.xml", "xml"), ("application.yml", "yaml"),
                                        ("application.properties", "properties")])
def test_binary_files_with_a_config_extension_are_skipped(tmp_path: Path, name: str, kind: str) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    item = _load(tmp_path, name, png, kind)
    assert item.error is None and item.node is None and "binary" in item.file.reason
    item = _load(tmp_path, name, png, "")  # through the classifier as well
    assert item.error is None and item.node is None


def test_discovery_sniff_of_blank_lines_is_fast() -> None:
    """The YAML sniff ran ``^\\s+...`` under re.M over the 8 KB head: ~3 s per file of blank lines."""
    from cfglint.discover import SNIFF_BYTES, classify

    start = time.perf_counter()
    for head in (b"\n" * SNIFF_BYTES, b"x: 1\n" + b"\n" * SNIFF_BYTES, b"\n " * (SNIFF_BYTES // 2)):
        assert classify(Path("ci.yml"), head[:SNIFF_BYTES]) == ("skip", "YAML that is not Spring configuration")
    assert time.perf_counter() - start < 0.5
    assert classify(Path("x.yml"), b"app:\n\n  datasource:\n    url: x\n")[0] == "yaml"


def test_yaml_lines_are_counted_like_every_other_loader(tmp_path: Path) -> None:
    """libyaml also breaks lines at NEL (0x85, the cp1252 '…' decoded as Latin-1), LS, PS and a lone CR;
    cfglint's positions (LineIndex, excerpts, suppressions, editors) count LF only."""
    data = b"# Loading\x85\nspring:\n  datasource:\n    url: jdbc:mysql://db/app?x=caf\xe9 # cfglint: note\n"
    node = _load(tmp_path, "application.yml", data, "yaml").node
    (e,) = node.entries
    assert _pos(e.key_span) == (4, 5, 4, 8) and _under(node.text, e.value_span) == "jdbc:mysql://db/app?x=café"
    assert [c.span.line for c in node.comments] == [4]
    for text in ("a: 1\u2028\nb: 2\n", "a: 1\u2029\nb: 2\n", "a: 1\x85\nb: 2\n"):
        node = _load(tmp_path, "application.yml", text.encode(), "yaml").node
        assert [(e.key, e.key_span.line) for e in node.entries][-1] == ("b", 2), repr(text)
    err = _load(tmp_path, "application.yml", "a: 1\x85\nb: [\n".encode("latin-1"), "yaml").error
    assert err is not None and err.span.line == 3


def test_line_index_span_matches_pos_on_every_offset_pair() -> None:
    from cfglint.span import LineIndex, Span

    text = "ab\n\ncde\r\nf\n"
    idx = LineIndex(text)
    for start in range(len(text) + 1):
        for end in range(len(text) + 2):
            line, col = idx.pos(start)
            end_line, end_col = idx.pos(max(end, start))
            assert idx.span("p", start, end) == Span("p", line, col, end_line, end_col), (start, end)
