"""JDBC connections: every jdbc: URL written in the module, joined to the datasource that uses it."""

from __future__ import annotations

from cfglint.extract import Ctx
from cfglint.loaders.xml import XmlDoc
from cfglint.model.construct import build
from cfglint.model.datasource import JdbcConnection
from cfglint.model.values import Setting
from cfglint.span import Span


def _is_url(value: str | None) -> bool:
    return bool(value) and value.lstrip()[:5].lower() == "jdbc:"  # type: ignore[union-attr]


def extract_connections(ctx: Ctx, xml_docs: list[XmlDoc]) -> None:
    model = ctx.model
    found: dict[Span, Setting] = {}
    order: list[Span] = []

    def add(s: Setting) -> None:
        if s.span is None or not _is_url(s.value) or s.span in found:
            return
        found[s.span] = s
        order.append(s.span)

    for ds in model.datasources:
        if ds.url is not None:
            add(ds.url)
    for key, d in ctx.space.items(ctx.profile):
        if d.value and "jdbc:" in d.value.lower():
            add(ctx.setting("url", d.value, d.value_span, f"{d.key} in {d.value_span.path}", key))
    for doc in xml_docs:
        for e in doc.elements:
            for a in e.attrs.values():
                if "jdbc:" in a.value.lower():
                    add(ctx.setting("url", a.value, a.value_span, f"{a.name} on <{e.local}> in {doc.path}",
                                    f"{e.path()}/@{a.name}"))
            if e.text and "jdbc:" in e.text.lower() and e.text_span is not None:
                add(ctx.setting("url", e.text, e.text_span, f"<{e.local}> text in {doc.path}", f"{e.path()}/text()"))
    by_span = {}
    for ds in model.datasources:
        if ds.url is not None and ds.url.span is not None:
            by_span.setdefault(ds.url.span, ds)
    for sp in order:
        model.connections.append(build(JdbcConnection, url=found[sp], datasource=by_span.get(sp)))
