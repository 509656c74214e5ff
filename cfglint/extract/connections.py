"""JDBC connections: every jdbc: URL written in the module, joined to the datasource that uses it."""

from __future__ import annotations

from cfglint.extract import Ctx
from cfglint.loaders.xml import Attr, XElem, XmlDoc
from cfglint.model.construct import build
from cfglint.model.datasource import JdbcConnection
from cfglint.model.values import Setting
from cfglint.span import Span


def _is_url(value: str | None) -> bool:
    return bool(value) and value.lstrip()[:5].lower() == "jdbc:"  # type: ignore[union-attr]


def xml_urls(xml_docs: list[XmlDoc]) -> list[tuple[XmlDoc, XElem, Attr | None]]:
    """Attributes and element texts of the module's XML that contain a JDBC URL (None: the element's text).
    The same in every profile context: found once per module."""
    out: list[tuple[XmlDoc, XElem, Attr | None]] = []
    for doc in xml_docs:
        for e in doc.elements:
            for a in e.attrs.values():
                if "jdbc:" in a.value.lower():
                    out.append((doc, e, a))
            if e.text and "jdbc:" in e.text.lower() and e.text_span is not None:
                out.append((doc, e, None))
    return out


def extract_connections(ctx: Ctx, urls: list[tuple[XmlDoc, XElem, Attr | None]]) -> None:
    """Every JDBC URL in effect under the context's profile: datasources' URLs first, then any property or
    XML text holding one (``urls``, from xml_urls)."""
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
    for doc, e, a in urls:
        if a is not None:
            add(ctx.setting("url", a.value, a.value_span, f"{a.name} on <{e.local}> in {doc.path}",
                            f"{e.path()}/@{a.name}"))
        else:
            add(ctx.setting("url", e.text, e.text_span, f"<{e.local}> text in {doc.path}",  # type: ignore[arg-type]
                            f"{e.path()}/text()"))
    by_span = {}
    for ds in model.datasources:
        if ds.url is not None and ds.url.span is not None:
            by_span.setdefault(ds.url.span, ds)
    for sp in order:
        model.connections.append(build(JdbcConnection, url=found[sp], datasource=by_span.get(sp)))
