"""Assemble one ModuleModel per profile context from a module's loaded files."""

from __future__ import annotations

from cfglint.discover import Module
from cfglint.extract import Ctx
from cfglint.extract.boot import extract_boot
from cfglint.extract.connections import extract_connections
from cfglint.extract.containers import extract_compose, extract_k8s
from cfglint.extract.keys import extract_keys
from cfglint.extract.spring_xml import collect_beans, extract_xml
from cfglint.loaders import PropsFile
from cfglint.loaders.xml import XmlDoc
from cfglint.model.module import ModuleModel
from cfglint.resolve import PropertySpace


def build_models(module: Module, items: list, versions: dict[str, tuple[int, ...]],
                 present: set[str], shared: list | None = None) -> list[ModuleModel]:
    xml_docs = [i.node for i in items if isinstance(i.node, XmlDoc)]
    props = [i.node for i in items if isinstance(i.node, PropsFile) and i.node.kind in ("yaml", "properties")]
    deploy = [i.node for i in items if isinstance(i.node, PropsFile) and i.node.kind in ("compose", "k8s")]
    own = {p.path for p in props}  # a shared file is also loaded by the module that holds it
    shared_props = [i.node for i in shared or () if isinstance(i.node, PropsFile) and i.node.path not in own
                    and i.node.kind in ("yaml", "properties")]
    space = PropertySpace(props, shared_props)
    index = collect_beans(xml_docs)
    root = items[0].file.display.rsplit("/", 1)[0] if items else "."
    models = []
    for profile in space.contexts():
        model = ModuleModel(root=root, profile=profile, versions=dict(versions), present=set(present))
        ctx = Ctx(space, profile, model)
        for doc in xml_docs:
            extract_xml(doc, ctx, index)
        extract_boot(ctx)
        extract_connections(ctx, xml_docs)
        extract_keys(ctx, xml_docs)
        if profile is None:  # deployment files do not depend on Spring profiles
            for f in deploy:
                (extract_compose if f.kind == "compose" else extract_k8s)(f, ctx)
        models.append(model)
    return models
