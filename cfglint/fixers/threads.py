"""TP001: threads beside a cached/eager Dubbo pool."""

from __future__ import annotations

from typing import Any

from cfglint.findings import Finding, Fix


def dubbo_threads(f: Finding, model: Any, sources: Any, options: dict[str, Any]) -> Fix | None:
    return None
