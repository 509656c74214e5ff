"""CF004: a misspelled key renamed."""

from __future__ import annotations

from typing import Any

from cfglint.findings import Finding, Fix


def rename(f: Finding, model: Any, sources: Any, options: dict[str, Any]) -> Fix | None:
    return None
