"""Extractors: loader nodes + PropertySpace -> typed model objects (one ModuleModel per profile)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cfglint.model.construct import build
from cfglint.model.module import ModuleModel, Unresolved
from cfglint.model.values import Setting
from cfglint.resolve import PropertySpace
from cfglint.span import Span


@dataclass
class Ctx:
    space: PropertySpace
    profile: str | None
    model: ModuleModel
    seen_unresolved: set[tuple[str, Span]] = field(default_factory=set)

    def setting(self, name: str, raw: str | None, span: Span, source: str, key: str) -> Setting:
        if raw is None or "${" not in raw:  # most values are literal: no resolution, no provenance to record
            return build(Setting, name=name, value=raw.strip() if raw is not None else None, raw=raw, span=span,
                         origin="explicit", source=source, chain=(), key=key)
        r = self.space.resolve(raw, span, self.profile)
        for n, sp in r.unresolved:
            if (n, sp) not in self.seen_unresolved:
                self.seen_unresolved.add((n, sp))
                self.model.unresolved.append(Unresolved(n, sp, source))
        value = r.value.strip() if isinstance(r.value, str) else r.value
        return build(Setting,
            name=name,
            value=value,
            raw=raw,
            span=r.span,
            origin="placeholder-default" if r.used_default else "explicit",
            source=source,
            chain=tuple(r.chain),
            chain_spans=tuple(r.steps),
            written=span if r.span != span else None,
            key=key,
        )

    @staticmethod
    def default(name: str, value: str | None, source: str, key: str) -> Setting:
        return build(Setting, name=name, value=value, origin="default", source=source, key=key)


def norm(name: str) -> str:
    """Canonical form of one property name element (relaxed binding)."""
    return "".join(c for c in name.lower() if c.isalnum())
