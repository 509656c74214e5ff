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


def test_parent_bean_resolution_matches_the_plain_walk_on_random_graphs(tmp_path: Path) -> None:
    """parent= chains are resolved once per ancestor (a chain of thousands was quadratic). On random graphs with
    loops, missing parents, classes and properties at any level, every bean gets what walking its chain gives,
    in the same property order; and CF004's class lookup agrees with it."""
    import random

    from cfglint.extract.keys import _bean_class
    from cfglint.extract.spring_xml import _effective_bean, collect_beans, walk_parents
    from cfglint.loaders.xml import load_xml

    rng = random.Random(7)
    for _ in range(40):
        n = rng.randint(1, 12)
        beans = []
        for i in range(n):
            attrs = f'id="b{i}"'
            if rng.random() < 0.3:
                attrs += f' class="C{rng.randint(0, 3)}"'
            if rng.random() < 0.8:
                attrs += f' parent="b{rng.randint(0, n)}"'  # b{n} does not exist
            props = "".join(f'<property name="p{rng.randint(0, 4)}" value="v{i}"/>' for _ in range(rng.randint(0, 3)))
            beans.append(f"<bean {attrs}>{props}</bean>")
        text = f'<beans xmlns="http://www.springframework.org/schema/beans">{"".join(beans)}</beans>'
        doc = load_xml("b.xml", text.encode())
        index = collect_beans([doc])
        memo: dict = {}  # type: ignore[type-arg]
        parents = {b: (index[b].cls, (index[b].elem.attr("parent").value if index[b].elem.attr("parent") else None))
                   for b in index}
        classes: dict[str, str] = {}
        for e in [x for x in doc.elements if x.local == "bean"]:
            want = walk_parents(e, index)
            got = _effective_bean(e, index, memo)
            assert got == want and list(got[1]) == list(want[1]), text
            assert _bean_class(e, parents, classes) == want[0], text


def _count_calls(monkeypatch, names: tuple[str, ...]) -> list[int]:  # type: ignore[no-untyped-def]
    """Count every Python and C function call made inside the named extraction steps (a deterministic measure
    of work: the tests below compare it at two sizes instead of timing anything)."""
    import sys

    from cfglint.extract import model_builder

    calls = [0]

    def count(frame, event, arg):  # type: ignore[no-untyped-def]
        if event in ("call", "c_call"):
            calls[0] += 1

    for name in names:
        real = getattr(model_builder, name)

        def counted(*a, __real=real):  # type: ignore[no-untyped-def]
            sys.setprofile(count)
            try:
                return __real(*a)
            finally:
                sys.setprofile(None)

        monkeypatch.setattr(model_builder, name, counted)
    return calls


def test_parent_bean_chain_costs_linear_work(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A chain of parent= beans (each inherits the one before): 4,000 took 4.9 s when every bean walked the
    whole chain above it."""
    from tests.conftest import run_lint, write_tree

    calls = _count_calls(monkeypatch, ("extract_xml", "extract_keys"))

    def work(n: int) -> int:
        beans = ['<bean id="b0" class="com.alibaba.druid.pool.DruidDataSource">'
                 '<property name="maxWait" value="1000"/></bean>']
        beans += [f'<bean id="b{i}" parent="b{i - 1}"><property name="url" value="jdbc:mysql://h{i}/x"/></bean>'
                  for i in range(1, n)]
        root = tmp_path / str(n)
        write_tree(root, {"pom.xml": "<project/>", "src/main/resources/beans.xml":
                          f'<beans xmlns="http://www.springframework.org/schema/beans">{"".join(beans)}</beans>'})
        calls[0] = 0
        report = run_lint(root, cache=False, jobs=1)
        assert len([f for f in report.findings if f.rule == "JD001"]) == n - 1  # every bean is a Druid pool
        return calls[0]

    small, large = work(100), work(400)
    assert large < 6 * small, (small, large)  # 4x the beans: ~4x the work, not ~16x


def test_many_connection_properties_cost_linear_work(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Each Druid connectionProperties value indexed the lines of its whole file again to place its entries:
    4,000 datasources with one each took 10-13 s (properties, YAML), 4.8 s (XML)."""
    from tests.conftest import run_lint, write_tree

    calls = _count_calls(monkeypatch, ("extract_keys",))

    def work(n: int) -> int:
        props = "".join(f"spring.datasource.druid.ds{i}.url=jdbc:mysql://h{i}/x\n"
                        f"spring.datasource.druid.ds{i}.connection-properties=connectTimeout=1;socketTimeout=2\n"
                        for i in range(n))
        root = tmp_path / str(n)
        write_tree(root, {"pom.xml": "<project/>", "src/main/resources/application.properties": props})
        calls[0] = 0
        run_lint(root, cache=False, jobs=1)
        return calls[0]

    small, large = work(100), work(400)
    assert large < 6 * small, (small, large)
