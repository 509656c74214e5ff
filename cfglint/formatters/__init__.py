"""Output formats. Each module renders a Report to text; only the one asked for is imported."""

from __future__ import annotations

import importlib

from cfglint.report import Report

FORMATS: tuple[str, ...] = ("text", "concise", "json", "sarif", "github", "gitlab", "junit")
_MODULES = {"json": "json_out"}


def render(fmt: str, report: Report, *, color: bool = False) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    mod = importlib.import_module(f"cfglint.formatters.{_MODULES.get(fmt, fmt)}")
    return mod.render(report, color=color)


def one_line(message: str) -> str:
    """Messages are single lines in every line-oriented format."""
    return " ".join(message.split())
