"""The extractors build model objects without validation (start-up time); this proves every object
they build from the corpus is valid against its pydantic schema."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from cfglint.api import load_file
from cfglint.discover import group, walk
from cfglint.extract.model_builder import build_models

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _objects(model) -> list[BaseModel]:
    out: list[BaseModel] = []
    for name in ("pools", "datasources", "connections", "timeouts", "protocols", "containers"):
        out.extend(getattr(model, name))
    return out


def test_every_extracted_object_validates() -> None:
    files = walk([CORPUS], CORPUS, respect_gitignore=False)
    loaded = [load_file(f, 5 << 20) for f in files]
    checked = 0
    for module in group([i.file for i in loaded]):
        items = [i for i in loaded if any(i.file is f for f in module.files) and i.node is not None]
        if not items:
            continue
        for model in build_models(module, items, {}, set()):
            for obj in _objects(model):
                again = type(obj).model_validate(obj.model_dump())
                assert again == obj
                checked += 1
    assert checked > 20
