"""Dubbo RPC timeouts and protocol declarations."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from cfglint.model.values import Setting
from cfglint.span import Span

TimeoutLevel = Literal["method", "service", "reference", "provider", "consumer"]


class DubboTimeout(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True, defer_build=True)

    level: TimeoutLevel
    label: str
    setting: Setting


class DubboProtocol(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True, defer_build=True)

    name: str  # protocol extension name: dubbo, tri, rest, ...
    label: str
    span: Span
