"""The page's controls, described from the schema (``GET /api/schema/...``).

The page draws every slider, select and checkbox from this description: type, default, bounds,
slider range and scale, the link key, and when it is shown. Nothing about a parameter is written
twice.
"""

from __future__ import annotations

import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types as at
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from app.core.optimizers import OPTIMIZERS
from app.schema.url_codec import list_model_type, model_type


def _kind(annotation: Any) -> tuple[str, list[Any] | None]:
    origin = get_origin(annotation)
    if origin is Annotated:  # a bounded item of a list: list[Annotated[int, Field(ge=0)]]
        return _kind(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return _kind(args[0]) if len(args) == 1 else ("any", None)
    if origin is Literal:
        return "enum", list(get_args(annotation))
    if origin in (list, tuple):
        return "list", None
    if annotation is bool:
        return "bool", None
    if annotation is int:
        return "int", None
    if annotation is float:
        return "float", None
    if annotation is str:
        return "text", None
    return "any", None


def _item_kind(annotation: Any) -> tuple[str, list[Any] | None]:
    """The element type of a list or tuple field (``float``, ``int``, ``text``, ``enum`` …) and
    its options (a list of registry names, e.g. ``features``)."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return _item_kind(args[0]) if len(args) == 1 else ("any", None)
    args = [a for a in get_args(annotation) if a is not Ellipsis]
    return _kind(args[0]) if args else ("any", None)


def describe(cls: type[BaseModel]) -> list[dict[str, Any]]:
    """One entry per field of ``cls`` (nested models described recursively)."""
    out: list[dict[str, Any]] = []
    for name, info in cls.model_fields.items():
        extra = dict(info.json_schema_extra) if isinstance(info.json_schema_extra, dict) else {}
        entry: dict[str, Any] = {"name": name, **extra}
        sub = model_type(info.annotation)
        items = list_model_type(info.annotation)
        if sub is not None:
            entry["type"] = "model"
            entry["fields"] = describe(sub)
        elif items is not None:
            entry["type"] = "models"
            entry["fields"] = describe(items)
        else:
            kind, options = _kind(info.annotation)
            entry["type"] = kind
            if kind == "list":
                entry["items"], options = _item_kind(info.annotation)
            if options is not None:
                entry["options"] = options
            if info.default is not PydanticUndefined:
                entry["default"] = info.default
            elif info.default_factory is not None:
                entry["default"] = info.default_factory()  # type: ignore[call-arg]
        entry["nullable"] = type(None) in get_args(info.annotation)
        for item in info.metadata:
            for key, kind_ in (("ge", at.Ge), ("gt", at.Gt), ("le", at.Le), ("lt", at.Lt)):
                if isinstance(item, kind_):
                    entry[key] = getattr(item, key)
            if isinstance(item, at.MaxLen):
                entry["max_length"] = item.max_length
        out.append(entry)
    return out


def optimizer_catalog() -> dict[str, dict[str, Any]]:
    """Per optimizer, from its catalogue entry: Keras class, the hyperparameters it takes with
    their defaults and bounds, its update rule, the surface page's rate, its colour, and whether
    a fresh surface page races it."""
    return {
        name: {
            "keras_class": entry.keras_class,
            "defaults": dict(entry.defaults),
            "bounds": {k: b.as_dict() for k, b in entry.bounds.items()},
            "update_rule": entry.update_rule,
            "page_learning_rate": entry.page_learning_rate,
            "colour": entry.colour,
            "in_default_race": entry.in_default_race,
        }
        for name, entry in OPTIMIZERS.items()
    }
