"""What a resource registers with the engine: derived from its provider's input model and its attributes model."""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from typing import Any

from pydantic import BaseModel


def resource_props(provider: Any, attributes: type[BaseModel], args: Any, resource_name: str) -> dict[str, object]:
    """Every input (``None`` where the program gave none, so that state keeps the key), the given
    arguments, and every output as ``None`` (the engine fills them in). A ``title`` input the program did
    not give is the resource's name: the provider is never told that name, and its plan lines use it."""
    given = {f.name: getattr(args, f.name) for f in dataclass_fields(args) if getattr(args, f.name) is not None}
    if "title" in provider.inputs_model.model_fields:
        given.setdefault("title", resource_name)
    return {**{name: None for name in provider.inputs_model.model_fields}, **given,
            **{name: None for name in attributes.model_fields}}
