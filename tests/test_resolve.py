"""PropertySpace: relaxed names, profiles, placeholder chains with exact spans."""

from __future__ import annotations

from cfglint.loaders.properties import load_properties
from cfglint.loaders.yaml import load_yaml
from cfglint.resolve import PropertySpace, canon


def test_relaxed_names_are_one_key() -> None:
    forms = ["spring.datasource.druid.max-wait", "spring.datasource.druid.maxWait",
             "spring.datasource.druid.max_wait", "SPRING.DATASOURCE.DRUID.MAXWAIT"]
    assert len({canon(f) for f in forms}) == 1
    assert canon("a.b[0].c") == "a.b[0].c"
    assert canon("map[Key.With.Dots]") == "map[Key.With.Dots]"  # bracketed map keys stay exact
    assert canon("max.wait") != canon("maxwait")  # the dot is never ignored


def _space():
    base = load_yaml("application.yml", b"""
db:
  wait: ${base.wait:${other:5000}}
x: ${db.wait}
---
spring.config.activate.on-profile: prod
db.wait: 100
""")
    dev = load_properties("application-dev.properties", b"other=7000\nbase.wait=${missing}\n")
    return PropertySpace([base, dev])


def test_profiles_from_file_names_and_documents() -> None:
    assert _space().contexts() == [None, "dev", "prod"]


def test_nested_default_resolves_to_its_exact_position() -> None:
    s = _space()
    d = s.get("x")
    r = s.resolve(d.value, d.value_span)
    assert r.value == "5000" and r.used_default
    # the decisive text is the innermost default, inside application.yml line 3
    assert (r.span.path, r.span.line, r.span.col, r.span.end_col) == ("application.yml", 3, 29, 33)
    assert any("not defined, default" in c for c in r.chain)


def test_profile_overlay_wins_and_span_follows_it() -> None:
    s = _space()
    d = s.get("x", "prod")
    r = s.resolve(d.value, d.value_span, "prod")
    assert r.value == "100"
    assert (r.span.path, r.span.line) == ("application.yml", 7)


def test_unresolved_placeholder_is_reported_with_its_chain() -> None:
    s = _space()
    d = s.get("x", "dev")
    r = s.resolve(d.value, d.value_span, "dev")
    assert r.value == "${missing}"
    assert [n for n, _ in r.unresolved] == ["missing"]


def test_circular_placeholders_terminate() -> None:
    p = load_properties("a.properties", b"a=${b}\nb=${a}\n")
    s = PropertySpace([p])
    d = s.get("a")
    r = s.resolve(d.value, d.value_span)
    assert "${" in r.value
    assert any("circular" in c for c in r.chain)


def test_properties_beat_yaml_in_the_same_scope() -> None:
    y = load_yaml("application.yml", b"k: from-yaml\n")
    p = load_properties("application.properties", b"k=from-properties\n")
    assert PropertySpace([y, p]).get("k").value == "from-properties"


def test_prefix_queries_respect_element_boundaries() -> None:
    f = load_properties("application.properties", b"""\
dubbo.protocol.threads=10
dubbo.protocols.p1.threads=20
dubbo.protocols.p1x.threads=30
dubbo.protocol=plain
list[0]=a
list.b=c
listing=d
""")
    s = PropertySpace([f])
    assert s.keys_under("dubbo.protocol") == ["dubbo.protocol", "dubbo.protocol.threads"]
    assert s.keys_under("dubbo.protocols.p1") == ["dubbo.protocols.p1.threads"]
    assert s.keys_under("list") == ["list.b", "list[0]"]
    assert [k for k, _ in s.items(None, "list")] == ["list.b", "list[0]"]
    assert s.has_prefix("dubbo.protocols") and s.has_prefix("list") and not s.has_prefix("lis")
    assert s.has_key_starting("lis") and not s.has_key_starting("zzz")


def test_profile_overlay_wins_and_is_memoised_per_profile() -> None:
    s = _space()
    assert s.get("db.wait", "prod").value == "100"
    assert s.get("db.wait").value.startswith("${base.wait")
    assert s.get("db.wait", "prod").value == "100"  # memo per profile, not shared with the base
