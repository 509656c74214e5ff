"""Assemble one ModuleModel per profile context from a module's loaded files."""

from __future__ import annotations

from dataclasses import dataclass

from cfglint.apps import Application, plan
from cfglint.discover import Module
from cfglint.extract import Ctx
from cfglint.extract.boot import extract_boot
from cfglint.extract.connections import extract_connections, xml_urls
from cfglint.extract.containers import extract_compose, extract_k8s
from cfglint.extract.keys import extract_keys
from cfglint.extract.spring_xml import collect_beans, extract_xml
from cfglint.loaders import PropsFile
from cfglint.loaders.xml import XmlDoc
from cfglint.model.datasource import DataSource
from cfglint.model.dubbo import DubboProtocol, DubboTimeout
from cfglint.model.module import ModuleModel, Unresolved
from cfglint.model.threads import ThreadPool
from cfglint.resolve import PropertySpace
from cfglint.span import Span


def build_models(module: Module, items: list, versions: dict[str, tuple[int, ...]],
                 present: set[str], shared: list | None = None, build_text: str | None = None) -> list[ModuleModel]:
    """One model per application of the module (see cfglint.apps) and per profile or build variant of each, and
    one for the module's deployment files."""
    xml_docs = [i.node for i in items if isinstance(i.node, XmlDoc)]
    props = [i.node for i in items if isinstance(i.node, PropsFile) and i.node.kind in ("yaml", "properties")]
    deploy = [i.node for i in items if isinstance(i.node, PropsFile) and i.node.kind in ("compose", "k8s")]
    own = {p.path for p in props}  # a shared file is also loaded by the module that holds it
    shared_props = [i.node for i in shared or () if isinstance(i.node, PropsFile) and i.node.path not in own
                    and i.node.kind in ("yaml", "properties")]
    java_docs = [i.node for i in items if i.file.kind == "java" and i.node is not None]  # Java front end (issue 18)
    root = module_display_root(module, items)
    models: list[ModuleModel] = []
    for app in plan(props, xml_docs, build_text, root + "/" if root not in ("", ".") else "", module.foreign,
                    set(module.claimed), [d.text for d in java_docs]):
        models.extend(app_models(app, shared_props, root, versions, present, java_docs if app.java else []))
    if deploy:  # deployment files depend on no application or profile
        model = ModuleModel(root=root, profile=None, versions=dict(versions), present=set(present))
        ctx = Ctx(PropertySpace(()), None, model)
        for f in deploy:
            (extract_compose if f.kind == "compose" else extract_k8s)(f, ctx)
        models.append(model)
    return models


def module_display_root(module: Module, items: list) -> str:
    """The module directory as output shows paths ('.' for the current directory)."""
    for i in items:
        f = i.file
        try:
            rel = f.path.relative_to(module.root).as_posix()
        except ValueError:
            continue
        if f.display.endswith(rel):
            return f.display[:-len(rel)].rstrip("/") or "."
    return items[0].file.display.rsplit("/", 1)[0] if items else "."


def app_models(app: Application, shared_props: list[PropsFile], root: str, versions: dict[str, tuple[int, ...]],
               present: set[str], java_docs: list | None = None) -> list[ModuleModel]:
    """The models of one application: its base configuration and each profile or build variant; ``java_docs``:
    the module's Java sources, when this application is a process that runs them."""
    space = PropertySpace(app.props, shared_props, {**app.profiles, **app.variants})
    index = collect_beans(app.xml)
    urls = xml_urls(app.xml)
    variant_names = set(app.variants.values()) | app.build_profiles
    models = []
    base_xml: _XmlPart | None = None
    for profile in space.contexts():
        context = "" if profile is None else (f"build variant '{profile}'" if profile in variant_names
                                              else f"profile '{profile}'")
        model = ModuleModel(root=root, profile=profile, versions=dict(versions), present=set(present),
                            app=app.name, context=context)
        ctx = Ctx(space, profile, model)
        if profile is not None and base_xml is not None and not (space.overlay_keys(profile) & base_xml.reads):
            base_xml.restore(ctx)  # no placeholder the XML reads is redefined by this profile: same objects
        else:
            space.reads = set() if profile is None else None
            try:
                for doc in app.xml:
                    extract_xml(doc, ctx, index)
            finally:
                reads, space.reads = space.reads, None
            if profile is None:
                base_xml = _XmlPart.take(ctx, reads or set())
        extract_boot(ctx)
        if java_docs:  # Java front end (issue 18): after Boot (bindings refine its datasources), before connections
            from cfglint.extract.java import extract_java

            extract_java(java_docs, ctx)
        extract_connections(ctx, urls)
        extract_keys(ctx, app.xml)
        models.append(model)
    return models


@dataclass
class _XmlPart:
    """What XML extraction added to the base model, and the property names its placeholders looked up. XML
    depends on the profile only through those placeholders, so a profile that redefines none of them gets
    the same objects (models are immutable) instead of a second extraction."""

    reads: set[str]
    datasources: list[DataSource]
    pools: list[ThreadPool]
    protocols: list[DubboProtocol]
    timeouts: list[DubboTimeout]
    unresolved: list[Unresolved]
    seen_unresolved: set[tuple[str, Span]]
    serves_dubbo: bool

    @classmethod
    def take(cls, ctx: Ctx, reads: set[str]) -> _XmlPart:
        m = ctx.model
        return cls(reads, list(m.datasources), list(m.pools), list(m.protocols), list(m.timeouts),
                   list(m.unresolved), set(ctx.seen_unresolved), m.serves_dubbo)

    def restore(self, ctx: Ctx) -> None:
        m = ctx.model
        m.datasources.extend(self.datasources)
        m.pools.extend(self.pools)
        m.protocols.extend(self.protocols)
        m.timeouts.extend(self.timeouts)
        m.unresolved.extend(self.unresolved)
        ctx.seen_unresolved |= self.seen_unresolved
        m.serves_dubbo = m.serves_dubbo or self.serves_dubbo
