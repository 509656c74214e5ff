"""The extractors build model objects without validation (start-up time); this proves every object
they build from the corpus is valid against its pydantic schema."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from cfglint.api import load_file
from cfglint.discover import group, walk
from cfglint.extract.model_builder import build_models

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _objects(model) -> list[BaseModel]:
    out: list[BaseModel] = []
    for name in ("pools", "datasources", "connections", "timeouts", "protocols", "containers"):
        out.extend(getattr(model, name))
    return out


def test_every_extracted_object_validates() -> None:
    files = walk([CORPUS], CORPUS, respect_gitignore=False)
    loaded = [load_file(f, 5 << 20) for f in files]
    checked = 0
    for module in group([i.file for i in loaded]):
        items = [i for i in loaded if any(i.file is f for f in module.files) and i.node is not None]
        if not items:
            continue
        for model in build_models(module, items, {}, set()):
            for obj in _objects(model):
                again = type(obj).model_validate(obj.model_dump())
                assert again == obj
                checked += 1
    assert checked > 20


def test_build_is_model_construct() -> None:
    """model.construct.build is a faster model_construct: same fields, same fields_set, same dump."""
    from cfglint.model.construct import build
    from cfglint.model.datasource import DataSource, JdbcConnection
    from cfglint.model.dubbo import DubboProtocol
    from cfglint.model.threads import ThreadPool
    from cfglint.model.values import Setting
    from cfglint.span import Span

    sp = Span("a.xml", 1, 2, 1, 5)
    s = build(Setting, name="maxWait", value="60000", span=sp, source="maxWait in a.xml", key="k")
    cases = [
        (Setting, {"name": "maxWait", "value": "60000", "span": sp, "source": "maxWait in a.xml", "key": "k"}),
        (Setting, {"name": "threads", "value": None, "origin": "default"}),
        (ThreadPool, {"kind": "dubbo-protocol", "label": "p", "anchor": sp, "key": "k", "settings": {"threads": s}}),
        (ThreadPool, {"kind": "spring-executor", "label": "p", "anchor": sp, "key": "k", "settings": {}}),
        (DubboProtocol, {"name": "dubbo", "label": "p", "span": sp}),
        (DataSource, {"pool": "druid", "label": "ds", "anchor": sp, "key": "ds", "settings": {"maxWait": s}}),
        (JdbcConnection, {"url": s}),
    ]
    for cls, values in cases:
        fast, slow = build(cls, **values), cls.model_construct(**values)
        assert type(fast) is cls
        assert fast.__dict__ == slow.__dict__
        assert fast.model_fields_set == slow.model_fields_set
        assert fast == slow
        assert fast.model_dump() == slow.model_dump()
    a = build(DataSource, pool="druid", label="a", anchor=sp, key="a", settings={})
    b = build(DataSource, pool="druid", label="b", anchor=sp, key="b", settings={})
    assert a.connection_properties == {} and a.connection_properties is not b.connection_properties


def test_xml_extraction_is_reused_only_when_the_profile_redefines_nothing_it_reads(tmp_path: Path) -> None:
    """The base context's XML objects are reused for a profile unless the profile redefines a placeholder the
    XML reads: here prod redefines ${threads} (TP001 only under prod), dev redefines an unrelated key."""
    from tests.conftest import run_lint, write_tree

    write_tree(tmp_path, {
        "pom.xml": "<project/>",
        "src/main/resources/spring/dubbo.xml": """
<beans xmlns="http://www.springframework.org/schema/beans" xmlns:dubbo="http://dubbo.apache.org/schema/dubbo">
  <dubbo:protocol name="dubbo" threadpool="cached" threads="${threads}"/>
</beans>""",
        "src/main/resources/application.properties": "threads=200\nother=1\n",
        "src/main/resources/application-prod.properties": "threads=2147483647\n",
        "src/main/resources/application-dev.properties": "other=2\n",
    })
    found = [(f.rule, f.span.path.rsplit("/", 1)[-1], f.span.line) for f in run_lint(tmp_path, cache=False).findings
             if f.rule == "TP001"]
    assert found == [("TP001", "application-prod.properties", 1)]


def test_property_space_work_is_linear_in_named_druid_datasources(tmp_path: Path,
                                                                    monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Each named Druid datasource (spring.datasource.druid.<name>.*) also reads the shared
    spring.datasource.druid.* values. Reading them again for every datasource made a module with thousands of
    them quadratic (8,000 took 35 s). Counted, not timed: the property-space entries the extractors iterate."""
    from cfglint.resolve import PropertySpace
    from tests.conftest import run_lint, write_tree

    visited = [0]
    real_items = PropertySpace.items

    class Counting(list):  # type: ignore[type-arg]
        def __iter__(self):  # type: ignore[no-untyped-def]
            for x in super().__iter__():
                visited[0] += 1
                yield x

    monkeypatch.setattr(PropertySpace, "items", lambda self, *a: Counting(real_items(self, *a)))

    def work(n: int) -> int:
        root = tmp_path / str(n)
        props = "".join(f"spring.datasource.druid.ds{i}.url=jdbc:mysql://db{i}/x?connectTimeout=1&socketTimeout=1\n"
                        f"spring.datasource.druid.ds{i}.max-wait=1000\n" for i in range(n))
        write_tree(root, {"pom.xml": "<project/>", "src/main/resources/application.properties": props})
        visited[0] = 0
        report = run_lint(root, cache=False, jobs=1)
        assert not [f for f in report.findings if f.rule == "CF001"]
        return visited[0]

    small, large = work(100), work(400)
    assert large < 6 * small, (small, large)  # 4x the datasources: ~4x the work, not ~16x
