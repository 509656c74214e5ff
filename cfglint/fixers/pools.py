"""DS001: maxWait on a Druid pool."""

from __future__ import annotations

from typing import Any

from cfglint.findings import Finding, Fix


def druid_max_wait(f: Finding, model: Any, sources: Any, options: dict[str, Any]) -> Fix | None:
    return None
