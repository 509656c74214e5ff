"""``build(cls, **values)``: pydantic's ``model_construct`` for trusted extractor output, minus its per-call walk
over every field's aliases and defaults (it was the largest single cost of building a module's model)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)
_set = object.__setattr__
_PLANS: dict[type, tuple[dict[str, Any], tuple[tuple[str, Callable[[], Any]], ...]] | None] = {}


def _plan(cls: type[BaseModel]) -> tuple[dict[str, Any], tuple[tuple[str, Callable[[], Any]], ...]] | None:
    """Plain defaults and default factories per class; None when only model_construct itself is right
    (aliases, extra fields, post-init hooks, private attributes, root models)."""
    if (cls.model_config.get("extra") == "allow" or cls.__pydantic_post_init__ or cls.__private_attributes__
            or cls.__pydantic_root_model__):
        return None
    plain: dict[str, Any] = {}
    factories: list[tuple[str, Callable[[], Any]]] = []
    for name, f in cls.__pydantic_fields__.items():
        if f.alias not in (None, name) or f.validation_alias is not None:
            return None
        if f.default_factory is not None:
            if f.default_factory_takes_data:
                return None
            factories.append((name, f.default_factory))  # type: ignore[arg-type]
        elif isinstance(f.default, (list, dict, set)):  # pydantic copies mutable defaults per object
            factories.append((name, partial(copy.deepcopy, f.default)))
        elif not f.is_required():
            plain[name] = f.default
    return plain, tuple(factories)


def build(cls: type[M], **values: Any) -> M:
    """Same object as ``cls.model_construct(**values)`` for the model classes cfglint defines."""
    try:
        plan = _PLANS[cls]
    except KeyError:
        plan = _PLANS[cls] = _plan(cls)
    if plan is None:
        return cls.model_construct(**values)
    plain, factories = plan
    d = dict(plain)
    for name, factory in factories:
        if name not in values:
            d[name] = factory()
    d.update(values)
    m = cls.__new__(cls)
    _set(m, "__dict__", d)
    _set(m, "__pydantic_fields_set__", set(values))
    _set(m, "__pydantic_extra__", None)
    _set(m, "__pydantic_private__", None)
    return m
