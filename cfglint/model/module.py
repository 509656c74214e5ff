"""ModuleModel: everything the checks see for one module under one profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cfglint.model.container import Container
from cfglint.model.datasource import DataSource, JdbcConnection
from cfglint.model.dubbo import DubboProtocol, DubboTimeout
from cfglint.model.keys import KeyUses
from cfglint.model.threads import ThreadPool
from cfglint.span import Span

if TYPE_CHECKING:
    from cfglint.resolve import Def


@dataclass
class Unresolved:
    name: str
    span: Span
    where: str  # the key or attribute whose value holds the placeholder


@dataclass
class ModuleModel:
    root: str  # display path of the module root
    profile: str | None
    app: str = ""  # the application (cfglint.apps) this model is of
    context: str = ""  # "" for the base configuration, else "profile 'dev'" or "build variant 'prod'"
    versions: dict[str, tuple[int, ...]] = field(default_factory=dict)  # druid, dubbo, spring-boot, ...
    present: set[str] = field(default_factory=set)  # libraries seen in the build file
    pools: list[ThreadPool] = field(default_factory=list)
    datasources: list[DataSource] = field(default_factory=list)
    connections: list[JdbcConnection] = field(default_factory=list)
    timeouts: list[DubboTimeout] = field(default_factory=list)
    protocols: list[DubboProtocol] = field(default_factory=list)
    serves_dubbo: bool = False  # the module exports Dubbo services (provider side)
    bindings: dict[str, str] = field(default_factory=dict)  # @ConfigurationProperties prefix -> pool type (Java)
    unresolved: list[Unresolved] = field(default_factory=list)
    # Canonical property names defined anywhere in the module (any file, any profile) -> its first definition,
    # and why values may come from a config server ('spring.cloud.nacos.config.server-addr in ...'); for CF002.
    defined: dict[str, Def] = field(default_factory=dict)
    config_center: str = ""
    containers: list[Container] = field(default_factory=list)
    keys: KeyUses = field(default_factory=KeyUses)  # keys as written, for CF004
    # Results of pure computations several checks share (parsed URLs with their timeouts), keyed by purpose.
    memo: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    def version(self, lib: str) -> tuple[int, ...] | None:
        v = self.versions.get(lib)
        return v or None
