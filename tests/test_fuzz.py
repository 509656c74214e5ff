"""Property-based and fuzz tests: hypothesis generates Spring XML, .properties and YAML that look like the real
thing, then mutates the bytes (truncation, random bytes, hostile tokens, deletions, duplications, re-encoding).
Whatever comes out, loading and linting must not raise, must not report an internal error, and every position
must lie inside the file (1 <= line <= lines + 1, col >= 1, end >= start). Well-formed inputs must also get
exact positions: the text under a span is the key or value it names.

Derandomized and modest (``CFGLINT_FUZZ_EXAMPLES``, default 120) so CI is fast and deterministic; set the
variable higher and ``CFGLINT_FUZZ_RANDOM=1`` to explore. Anything that ever crashed goes to tests/regressions/.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cfglint.api import lint
from cfglint.loaders import PropsFile
from cfglint.loaders.xml import XmlDoc
from cfglint.settings import Settings
from cfglint.span import LineIndex, Span
from tests.regressions.harness import check_loaded, check_report, load_as

EXAMPLES = int(os.environ.get("CFGLINT_FUZZ_EXAMPLES", "120"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("CFGLINT_FUZZ_RANDOM"),
                database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

# ---- building blocks ------------------------------------------------------------------------------------------

VALUES = st.one_of(
    st.sampled_from([
        "", "0", "-1", "1000", "2147483647", "cached", "eager", "fixed", "dubbo", "true", "8-2147483647",
        "${db.url}", "${a:${b:1000}}", "${missing}", "#{systemProperties['x']}", "@project.version@", "{{ .Values.x }}",
        "jdbc:mysql://db:3306/app?connectTimeout=1000&socketTimeout=3000",
        "jdbc:oracle:thin:@(DESCRIPTION=(CONNECT_TIMEOUT=5)(ADDRESS=(HOST=h)(PORT=1521)))",
        "jdbc:postgresql://h/db?loginTimeout=30000", "jdbc:h2:mem:x", "com.alibaba.druid.pool.DruidDataSource",
        "中文配置", "café", "a\\b", "a=b:c", "  padded  ", "x # not a comment", "-Xmx2g", "30s", "PT1M",
    ]),
    # NUL makes a file binary (skipped); lone surrogates cannot be encoded
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12),
)
KEYS = st.one_of(
    st.sampled_from([
        "spring.datasource.url", "spring.datasource.druid.max-wait", "spring.datasource.druid.url",
        "spring.datasource.hikari.connection-timeout", "spring.datasource.druid.connection-properties",
        "dubbo.protocol.threads", "dubbo.protocol.threadpool", "dubbo.provider.timeout", "dubbo.consumer.timeout",
        "spring.task.execution.pool.max-size", "spring.task.execution.pool.queue-capacity",
        "spring.config.activate.on-profile", "spring.profiles.active", "server.tomcat.threads.max",
        "spring.datasource.dynamic.datasource.master.url", "jdbc.url", "druid.maxWait",
    ]),
    st.from_regex(r"[a-z][a-z0-9.\-\[\]]{0,15}", fullmatch=True),
)
TOKENS = [
    b"<", b">", b"&", b'"', b"'", b"]]>", b"<!--", b"-->", b"<![CDATA[", b"<?", b"?>", b"</", b"/>", b"=", b"\n",
    b"\r", b"\r\n", b"\t", b"\x00", b"\\", b"\\u12", b"${", b"}", b"{{ ", b"#", b"!", b":", b"- ", b"[", b"{", b"]",
    b"*a", b"&a ", b"!SHARDING ", b"<<: *a\n", b"? ", b"|\n", b">-\n", b"---\n", b"...\n", b"%YAML 1.1\n",
    b"\xef\xbb\xbf", b"\xff\xfe", b"\xe2\x80\xa8", b"\xc2\x85", b"\x85", b"\xa0", b"@x@", b"#if($x)\n",
    b'<!ENTITY x "y">', b"<!DOCTYPE beans>", b"&#0;", b"&#x110000;", b"&amp;", b"&lt;", b"xmlns:p='x'",
    b"# cfglint: disable=TP001\n", b"<!-- cfglint: disable-file=JD002 -->", b"\xd6\xd0\xce\xc4", b"\xe9",
]


@st.composite
def mutated(draw: st.DrawFn, base: bytes) -> bytes:
    """Apply 0-4 random mutations to ``base``."""
    data = bytearray(base)
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["truncate", "insert", "token", "delete", "duplicate", "flip"]))
        n = len(data)
        i = draw(st.integers(0, n))
        if op == "truncate":
            del data[i:]
        elif op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=8))
        elif op == "token":
            data[i:i] = draw(st.sampled_from(TOKENS))
        elif op == "delete":
            del data[i:i + draw(st.integers(1, 16))]
        elif op == "duplicate":
            j = draw(st.integers(i, min(n, i + 64)))
            data[j:j] = data[i:j]
        elif op == "flip" and n:
            k = min(i, n - 1)
            data[k] ^= 1 << draw(st.integers(0, 7))
    return bytes(data)


ENCODINGS = ["utf-8", "utf-8", "utf-8-sig", "utf-16", "gbk", "latin-1"]
NEWLINES = ["\n", "\n", "\r\n"]


# ---- .properties ----------------------------------------------------------------------------------------------


def _prop_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")


@st.composite
def properties_doc(draw: st.DrawFn) -> tuple[str, list[tuple[int, str, str]]]:
    """(text, [(line, key, value)] of the plainly written lines whose positions are checked exactly)."""
    nl = draw(st.sampled_from(NEWLINES))
    lines: list[str] = []
    plain: list[tuple[int, str, str]] = []
    for _ in range(draw(st.integers(0, 12))):
        shape = draw(st.sampled_from(["plain", "plain", "spaced", "colon", "continued", "comment", "blank",
                                      "unicode", "doc"]))
        key, value = draw(KEYS), _prop_escape(draw(VALUES))
        if shape == "plain":
            if value == value.strip() and "\\" not in value and not any(c in key for c in "=: \\#!"):
                plain.append((len(lines) + 1, key, value))
            lines.append(f"{key}={value}")
        elif shape == "spaced":
            lines.append(f"{draw(st.sampled_from(['', ' ', chr(9)]))}{key} = {value}")
        elif shape == "colon":
            lines.append(f"{key}:{value}")
        elif shape == "continued":
            lines.append(f"{key}={value[: len(value) // 2]}\\")
            lines.append(f"    {value[len(value) // 2:]}")
        elif shape == "comment":
            lines.append(draw(st.sampled_from(["# ", "! ", "#"])) + draw(st.sampled_from(
                ["cfglint: disable=TP001,JD002 -- reason", "cfglint: disable-file=JD001", "note", ""])))
        elif shape == "unicode":
            lines.append(f"{key}=\\u4e2d\\u6587{value}")
        elif shape == "doc":
            lines.append("#---")
        else:
            lines.append("")
    return nl.join(lines) + (nl if draw(st.booleans()) else ""), plain


# ---- YAML -----------------------------------------------------------------------------------------------------

_YKEYS = st.one_of(
    st.sampled_from(["spring", "datasource", "druid", "url", "max-wait", "maxWait", "dubbo", "protocol", "threads",
                     "threadpool", "provider", "timeout", "hikari", "connection-timeout", "task", "execution",
                     "pool", "max-size", "queue-capacity", "keep-alive", "config", "activate", "on-profile",
                     "server", "services", "app", "environment", "JAVA_OPTS", "deploy", "resources"]),
    st.from_regex(r"[a-zA-Z][a-zA-Z0-9_\-]{0,10}", fullmatch=True),
)
_YTREE = st.recursive(
    VALUES | st.integers(-3, 2**31) | st.booleans() | st.none(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_YKEYS, inner, max_size=5),
    max_leaves=12,
)
_PLAIN_OK = re.compile(r"[A-Za-z][A-Za-z0-9_.\-/]*")


def _yscalar(v: object) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    s = str(v)
    return s if _PLAIN_OK.fullmatch(s) and s.lower() not in ("null", "true", "false", "yes", "no", "on", "off",
                                                              "y", "n", "~") else _yquote(s)


def _yquote(s: str) -> str:
    """A YAML double-quoted scalar (JSON's surrogate-pair escapes are not YAML)."""
    out = []
    for c in s:
        o = ord(c)
        if c in '"\\':
            out.append("\\" + c)
        elif o < 0x20 or 0x7F <= o <= 0x9F or 0xD800 <= o <= 0xDFFF or o in (0xFFFE, 0xFFFF):
            out.append(f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}")
        elif o > 0xFFFF:
            out.append(f"\\U{o:08x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def _yblock(v: object, indent: int, step: int, out: list[str], extras: st.DrawFn) -> None:
    pad = " " * indent
    if isinstance(v, dict) and v:
        for k, sub in v.items():
            key = _yscalar(k)
            comment = "  # cfglint: disable=TP001" if extras(st.integers(0, 9)) == 0 else ""
            if isinstance(sub, dict | list) and sub:
                out.append(f"{pad}{key}:{comment}")
                _yblock(sub, indent + step, step, out, extras)
            else:
                tag = extras(st.sampled_from(["", "", "", "", "!SHARDING ", "!Ref ", "!!str "]))
                out.append(f"{pad}{key}: {tag}{_yflow(sub)}{comment}")
    elif isinstance(v, list) and v:
        for sub in v:
            if isinstance(sub, dict | list) and sub:
                out.append(f"{pad}-")
                _yblock(sub, indent + step, step, out, extras)
            else:
                out.append(f"{pad}- {_yflow(sub)}")
    else:
        out.append(f"{pad}{_yflow(v)}")


def _yflow(v: object) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_yscalar(k)}: {_yflow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_yflow(x) for x in v) + "]"
    return _yscalar(v)


@st.composite
def yaml_doc(draw: st.DrawFn) -> str:
    nl = draw(st.sampled_from(NEWLINES))
    docs = []
    for i in range(draw(st.integers(1, 3))):
        tree = draw(st.dictionaries(_YKEYS, _YTREE, min_size=1, max_size=5))
        out: list[str] = []
        if i and draw(st.booleans()):
            out.append(f"spring.config.activate.on-profile: {draw(st.sampled_from(['prod', 'dev,test']))}")
        if draw(st.booleans()):
            out += ["base: &base", "  max-wait: -1", "  threads: 200", "merged:", "  <<: *base", "  url: x",
                    "again: *base"]
        _yblock(tree, 0, draw(st.sampled_from([2, 4])), out, draw)
        docs.append(nl.join(out))
    return (nl + "---" + nl).join(docs) + nl


# ---- Spring XML -----------------------------------------------------------------------------------------------

_NS = {
    "": "http://www.springframework.org/schema/beans",
    "dubbo": "http://dubbo.apache.org/schema/dubbo",
    "p": "http://www.springframework.org/schema/p",
    "context": "http://www.springframework.org/schema/context",
    "task": "http://www.springframework.org/schema/task",
    "util": "http://www.springframework.org/schema/util",
}
_TAGS = ["bean", "property", "value", "dubbo:protocol", "dubbo:provider", "dubbo:service", "dubbo:reference",
         "dubbo:method", "context:property-placeholder", "task:executor", "constructor-arg", "map", "entry",
         "props", "prop", "list", "util:properties"]
_ATTRS = ["id", "class", "name", "value", "ref", "threads", "threadpool", "timeout", "url", "p:maxWait", "p:url",
          "maxWait", "pool-size", "queue-capacity", "keep-alive", "location", "key", "interface", "retries",
          "queues", "alive", "xml:lang"]


def _xesc(s: str, quote: str) -> str:
    s = "".join(c for c in s if c in "\t\n\r" or (" " <= c <= "\ud7ff") or ("\ue000" <= c <= "\ufffd"))
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s.replace(quote, "&quot;" if quote == '"' else "&apos;")


_XNODE = st.recursive(
    st.tuples(st.sampled_from(_TAGS), st.dictionaries(st.sampled_from(_ATTRS), VALUES, max_size=4),
              st.one_of(st.none(), VALUES), st.just(())),
    lambda inner: st.tuples(st.sampled_from(_TAGS), st.dictionaries(st.sampled_from(_ATTRS), VALUES, max_size=4),
                            st.one_of(st.none(), VALUES), st.lists(inner, max_size=4).map(tuple)),
    max_leaves=12,
)


@st.composite
def xml_doc(draw: st.DrawFn) -> tuple[str, str]:
    """(text, encoding name for the declaration)."""
    nl = draw(st.sampled_from(NEWLINES))
    enc = draw(st.sampled_from(ENCODINGS))
    sep = draw(st.sampled_from([" ", " ", nl + "      ", "\t"]))
    parts: list[str] = []
    decl = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16", "gbk": "GBK", "latin-1": "ISO-8859-1"}[enc]
    if enc in ("utf-16", "gbk", "latin-1") or draw(st.booleans()):  # without a declaration XML is UTF-8
        parts.append(f'<?xml version="1.0" encoding="{decl}"?>{nl}')
    parts.append(draw(st.sampled_from([
        "", "",
        f'<!DOCTYPE beans PUBLIC "-//SPRING//DTD BEAN//EN" "http://www.springframework.org/dtd/spring-beans.dtd">{nl}',
        f'<!DOCTYPE beans SYSTEM "file:///etc/passwd">{nl}',
        f"<!-- header comment -->{nl}",
    ])))

    def emit(node: tuple, depth: int) -> None:
        tag, attrs, text, children = node
        quote = draw(st.sampled_from(['"', "'"]))
        pad = "  " * depth
        attr_text = "".join(f"{sep}{k}={quote}{_xesc(str(v), quote)}{quote}" for k, v in attrs.items())
        if draw(st.integers(0, 7)) == 0:
            parts.append(f"{pad}<!-- cfglint: disable=TP001 - reason -->{nl}")
        if not children and text is None:
            parts.append(f"{pad}<{tag}{attr_text}/>{nl}")
            return
        parts.append(f"{pad}<{tag}{attr_text}>")
        if text is not None:
            cdata = _xesc(str(text), '"').replace("&", "").replace("]]>", "")  # only legal characters
            parts.append(draw(st.sampled_from([_xesc(str(text), '"'), f"<![CDATA[{cdata}]]>"])))
        if children:
            parts.append(nl)
            for c in children:
                emit(c, depth + 1)
            parts.append(pad)
        parts.append(f"</{tag}>{nl}")

    ns = "".join(f'{sep}xmlns{":" + p if p else ""}="{u}"' for p, u in _NS.items())
    parts.append(f"<beans{ns}>{nl}")
    for node in draw(st.lists(_XNODE, max_size=4)):
        emit(node, 1)
    parts.append(f"</beans>{nl}")
    return "".join(parts), enc


def _encode_xml(text: str, enc: str) -> bytes:
    if enc == "gbk":  # Python's GBK writes the euro sign as 0x80, which libxml2's (iconv) GBK rejects
        text = text.replace("\u20ac", "&#8364;")
    return text.encode(enc, errors="xmlcharrefreplace")


# ---- the properties -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _load(work: Path, name: str, data: bytes, kind: str):  # type: ignore[no-untyped-def]
    p = work / name
    p.write_bytes(data)
    item = load_as(p, kind)
    check_loaded(item, data)
    return item


def _under(text: str, span: Span) -> str:
    idx = LineIndex(text)
    return text[idx.offset(span.line, span.col):idx.offset(span.end_line, span.end_col)]


@FUZZ
@given(doc=properties_doc(), enc=st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]))
def test_properties_well_formed_exact_positions(work: Path, doc: tuple[str, list[tuple[int, str, str]]],
                                               enc: str) -> None:
    text, plain = doc
    item = _load(work, "application.properties", text.encode(enc, errors="replace"), "properties")
    assert item.error is None and isinstance(item.node, PropsFile)
    if enc in ("latin-1",) and any(ord(c) > 255 for c in text):
        return  # characters replaced while encoding: the written keys are not what was generated
    by_line = {e.key_span.line: e for e in item.node.entries}
    for line, key, value in plain:
        e = by_line[line]
        assert (e.key, e.value) == (key, value)
        assert _under(item.node.text, e.key_span) == key
        assert _under(item.node.text, e.value_span) == value


@FUZZ
@given(data=st.data())
def test_properties_mutated_never_crash(work: Path, data: st.DataObject) -> None:
    text, _ = data.draw(properties_doc())
    raw = data.draw(mutated(text.encode(data.draw(st.sampled_from(ENCODINGS)), errors="replace")))
    _load(work, "application.properties", raw, "properties")


@FUZZ
@given(text=yaml_doc())
def test_yaml_well_formed_loads_with_exact_key_positions(work: Path, text: str) -> None:
    item = _load(work, "application.yml", text.encode("utf-8"), "yaml")
    assert item.error is None, item.error.message
    assert isinstance(item.node, PropsFile)
    for e in item.node.entries:
        under = _under(item.node.text, e.key_span)
        # The key span is the last key as written (a list item points at its list's key).
        assert under and re.sub(r"(\[\d+\])+$", "", e.key).endswith(under.strip('"')), (e.key, e.key_span, under)
        if e.value is not None and e.value_span.line == e.value_span.end_line and _PLAIN_OK.fullmatch(e.value):
            assert _under(item.node.text, e.value_span) == e.value, (e.key, e.value_span)


@FUZZ
@given(data=st.data())
def test_yaml_mutated_never_crash(work: Path, data: st.DataObject) -> None:
    text = data.draw(yaml_doc())
    raw = data.draw(mutated(text.encode(data.draw(st.sampled_from(ENCODINGS)), errors="replace")))
    _load(work, "application.yml", raw, "yaml")


@FUZZ
@given(doc=xml_doc())
def test_xml_well_formed_exact_attribute_positions(work: Path, doc: tuple[str, str]) -> None:
    text, enc = doc
    item = _load(work, "spring.xml", _encode_xml(text, enc), "xml")
    assert item.error is None, item.error.message
    assert isinstance(item.node, XmlDoc)
    src = item.node.text
    for el in item.node.root.iter():
        assert _under(src, el.span).rpartition(":")[2] == el.local
        for a in el.attrs.values():
            assert _under(src, a.name_span) == a.name
            raw = _under(src, a.value_span)
            if not any(c in raw for c in "&\t\r\n"):
                assert raw == a.value, (a.name, a.value_span)


@FUZZ
@given(data=st.data())
def test_xml_mutated_never_crash(work: Path, data: st.DataObject) -> None:
    text, enc = data.draw(xml_doc())
    _load(work, "spring.xml", data.draw(mutated(_encode_xml(text, enc))), "xml")


@FUZZ
@given(raw=st.binary(max_size=512), kind=st.sampled_from(["xml", "properties", "yaml"]))
def test_random_bytes_never_crash(work: Path, raw: bytes, kind: str) -> None:
    _load(work, {"xml": "x.xml", "properties": "x.properties", "yaml": "x.yml"}[kind], raw, kind)


@settings(FUZZ, max_examples=max(20, EXAMPLES // 2))
@given(data=st.data())
def test_whole_pipeline_on_mutated_modules(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    """Several files of one module through discovery, loading, resolution, extraction, checks and the engine:
    no internal error, positions inside their files, and a second run gives the same findings."""
    root = tmp_path_factory.mktemp("module")
    res = root / "src/main/resources"
    res.mkdir(parents=True)
    props, _ = data.draw(properties_doc())
    xml, enc = data.draw(xml_doc())
    files = {
        "application.properties": props.encode("utf-8"),
        "application.yml": data.draw(yaml_doc()).encode("utf-8"),
        "spring/dubbo-provider.xml": _encode_xml(xml, enc),
    }
    for name, raw in files.items():
        if data.draw(st.booleans()):
            raw = data.draw(mutated(raw))
        (res / name).parent.mkdir(parents=True, exist_ok=True)
        (res / name).write_bytes(raw)
    s = Settings.model_validate({"respect-gitignore": False})
    first = lint([root], s, cwd=root)
    check_report(first, root)
    again = lint([root], s, cwd=root)
    assert [(f.rule, f.span, f.message, f.fingerprint) for f in first.findings] == \
        [(f.rule, f.span, f.message, f.fingerprint) for f in again.findings]
