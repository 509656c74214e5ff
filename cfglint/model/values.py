"""Setting: a value plus its provenance."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict

from cfglint.span import Span

Origin = Literal["explicit", "placeholder-default", "default"]
_INT = re.compile(r"^\s*[+-]?\d+\s*[lL]?\s*$")


class Setting(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True, defer_build=True)

    name: str  # the library's own name for it, e.g. "maxWait", "threads"
    value: str | None  # resolved text
    raw: str | None = None  # as written, before placeholder resolution
    span: Span | None = None  # where the decisive text is written; None for library defaults
    origin: Origin = "explicit"
    source: str = ""  # how it was written, e.g. "dubbo.protocol.threads in application.yml"
    chain: tuple[str, ...] = ()  # placeholder provenance, outermost first
    chain_spans: tuple[Span | None, ...] = ()  # where each chain entry is written, when known (same order)
    written: Span | None = None  # where the text with the placeholder is written, when the value comes from elsewhere
    key: str = ""  # normalised key path for fingerprints

    def int_value(self) -> int | None:
        v = self.value
        if v is None or not _INT.match(v):
            return None
        digits = v.strip().rstrip("lL")
        if len(digits) > 20:  # beyond any Java long (and Python's int() digit limit): effectively unbounded
            return -(2**63) if digits.startswith("-") else 2**63
        return int(digits)

    @property
    def explicit(self) -> bool:
        return self.origin != "default"

    def provenance(self) -> str:
        """'dubbo.protocol.threads in application.yml:3, via ${t:2147483647} default'."""
        if self.origin == "default":
            return self.source or "library default"
        where = self.source
        if self.span is not None and where and f":{self.span.line}" not in where:
            where = f"{where}:{self.span.line}" if " in " in where else where
        if self.chain:
            where = f"{where}; {'; '.join(self.chain)}" if where else "; ".join(self.chain)
        return where
