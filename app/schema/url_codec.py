"""Shareable links: one loop writes a model into query parameters, one loop reads it back.

Like TensorFlow Playground's ``state.ts`` but driven by the pydantic schema: each field's short
key comes from its declaration (:func:`app.schema.fields.param`). Nested models share their
parent's prefix (``url=""``) or get their own; a list of models is written ``r0.lr=…&r1.lr=…``
(an empty one as ``r=0``, so it does not read back as the fallback's list); sequences are
comma-joined. Encoding writes every field that has a value, defaults included, so a
link keeps its meaning when a default changes.

Decoding is lenient: an invalid value falls back to the default and yields a :class:`Notice`;
an unknown key is ignored with a notice. (The JSON API is strict instead: 422.) A notice names
the link key and the text given for it, with an English ``message`` and a catalog ``code`` +
``params`` for the page (``app/i18n/messages.py``).
"""

from __future__ import annotations

import copy
import re
import types
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from app.i18n.messages import Params, validation_message

MAX_QUERY_KEYS = 600
MAX_VALUE_LENGTH = 400
MAX_RETRIES = 40

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Notice:
    """A link parameter that could not be used: its key, the text given, and why."""

    key: str
    value: str
    message: str
    code: str = "error.invalid"
    params: Params = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "value": self.value, "message": self.message,
                "code": self.code, "params": dict(self.params)}


def _strip_optional(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def model_type(annotation: Any) -> type[BaseModel] | None:
    annotation = _strip_optional(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def list_model_type(annotation: Any) -> type[BaseModel] | None:
    annotation = _strip_optional(annotation)
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        return model_type(item)
    return None


def _is_sequence(annotation: Any) -> bool:
    return get_origin(_strip_optional(annotation)) in (list, tuple)


def url_key(model: type[BaseModel], name: str) -> str:
    """The short link key declared for ``model.name``."""
    extra = model.model_fields[name].json_schema_extra
    key = extra.get("url") if isinstance(extra, dict) else None
    return str(key) if key is not None else name


def _format_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def encode(model: BaseModel, prefix: str = "") -> list[tuple[str, str]]:
    """Every field of ``model`` that has a value, as ordered ``(key, value)`` pairs."""
    pairs: list[tuple[str, str]] = []
    cls = type(model)
    for name, info in cls.model_fields.items():
        value = getattr(model, name)
        key = prefix + url_key(cls, name)
        if value is None:
            continue
        if model_type(info.annotation) is not None:
            pairs += encode(value, key)
        elif list_model_type(info.annotation) is not None:
            if not value:
                pairs.append((key, "0"))
            for i, item in enumerate(value):
                pairs += encode(item, f"{key}{i}.")
        elif _is_sequence(info.annotation):
            pairs.append((key, ",".join(_format_scalar(v) for v in value)))
        else:
            pairs.append((key, _format_scalar(value)))
    return pairs


def _collect(cls: type[BaseModel], query: Mapping[str, str], prefix: str,
             used: set[str]) -> dict[str, Any]:
    """Raw (string) values for ``cls`` from ``query``, as nested dicts pydantic can validate."""
    raw: dict[str, Any] = {}
    for name, info in cls.model_fields.items():
        key = prefix + url_key(cls, name)
        sub = model_type(info.annotation)
        items = list_model_type(info.annotation)
        if sub is not None:
            nested = _collect(sub, query, key, used)
            if nested:
                raw[name] = nested
        elif items is not None:
            pattern = re.compile(re.escape(key) + r"(\d{1,3})\.")
            indices = sorted({int(m.group(1)) for k in query if (m := pattern.match(k))})
            if indices:
                raw[name] = [_collect(items, query, f"{key}{i}.", used) for i in indices]
            elif query.get(key) == "0":  # an empty list
                used.add(key)
                raw[name] = []
        elif key in query:
            used.add(key)
            text = query[key]
            if _is_sequence(info.annotation):
                raw[name] = [part.strip() for part in text.split(",")] if text.strip() else []
            else:
                raw[name] = text
    return raw


def _location_key(cls: type[BaseModel], loc: tuple[int | str, ...]) -> str:
    """The link key of a pydantic error location (best effort, for the notice)."""
    parts: list[str] = []
    model: type[BaseModel] | None = cls
    in_list = False  # the last key named a list of models: an index follows, as in r0.
    for item in loc:
        if model is not None and isinstance(item, str) and item in model.model_fields:
            annotation = model.model_fields[item].annotation
            parts.append(url_key(model, item))
            items = list_model_type(annotation)
            model, in_list = model_type(annotation) or items, items is not None
        elif isinstance(item, int) and in_list:
            parts.append(f"{item}.")
            in_list = False
        else:  # an element of a plain sequence (x0=1,2 is one key) or pydantic's own step
            break
    return "".join(parts).replace("..", ".")


def _child(node: Any, item: int | str) -> Any:
    if isinstance(node, dict) and item in node:
        return node[item]
    if isinstance(node, list) and isinstance(item, int) and 0 <= item < len(node):
        return node[item]
    return _MISSING


_MISSING = object()


def _repair(raw: dict[str, Any], loc: tuple[int | str, ...], base: dict[str, Any]) -> bool:
    """Undo the part of ``raw`` that ``loc`` points into: the fallback's value where it has one,
    else remove it (a bad model inside a list is removed whole). False if nothing matched."""
    node: Any = raw
    ref: Any = base
    path: list[tuple[Any, int | str, Any]] = []
    for item in loc:
        child = _child(node, item)
        if child is _MISSING:
            break
        path.append((node, item, ref))
        node, ref = child, (_child(ref, item) if ref is not _MISSING else _MISSING)
    if not path:
        return False
    container, item, ref_container = path[-1]
    if isinstance(container, list) and isinstance(item, int):
        if isinstance(container[item], dict) or len(path) < 2:
            container.pop(item)
        else:  # a bad element of a plain sequence: drop the whole sequence
            parent, parent_key, parent_ref = path[-2]
            _restore(parent, parent_key, parent_ref)
        return True
    _restore(container, item, ref_container)
    return True


def _restore(container: dict[str, Any], key: int | str, ref_container: Any) -> None:
    fallback = _child(ref_container, key) if ref_container is not _MISSING else _MISSING
    if fallback is _MISSING or fallback == container[key]:  # type: ignore[index]
        del container[key]  # type: ignore[arg-type]
    else:
        container[key] = copy.deepcopy(fallback)  # type: ignore[index]


def decode(
    cls: type[M], query: Mapping[str, str], fallback: M, ignore: Iterable[str] = ()
) -> tuple[M, list[Notice]]:
    """Read ``cls`` from link parameters; bad values fall back to ``fallback``'s, with notices.

    Scalars absent from the link keep ``fallback``'s value; a list of models given in the
    link replaces ``fallback``'s list as a whole.
    """
    notices: list[Notice] = []
    query = dict(list(query.items())[:MAX_QUERY_KEYS])
    for key, value in list(query.items()):
        if len(value) > MAX_VALUE_LENGTH:
            notices.append(Notice(key, value[:40] + "…", "value too long",
                                  "link.value_too_long", {"max": MAX_VALUE_LENGTH}))
            del query[key]
    used: set[str] = set()
    raw = _collect(cls, query, "", used)
    base = fallback.model_dump()
    merged = {**base, **raw}
    for _ in range(MAX_RETRIES):
        try:
            model = cls.model_validate(merged)
            break
        except ValidationError as error:
            first = error.errors()[0]
            loc = tuple(first["loc"])
            ctx = first.get("ctx") or {}
            blamed, owner = ctx.get("field"), _owner(cls, loc)
            in_list = bool(loc) and isinstance(loc[-1], int)  # a bad list item goes whole
            if (isinstance(blamed, str) and owner is not None and not in_list
                    and blamed in owner.model_fields):
                # a rule over several fields (app/schema/invalid.py) names the one to reset
                loc = (*loc, blamed)
            shown = _location_key(cls, loc)
            value = query[shown] if shown in query else _child_at(merged, loc)
            code, params = validation_message(str(first["type"]), ctx)
            if all(n.key != shown for n in notices):  # one notice per key, the first reason
                notices.append(Notice(shown, _short(value), _english(first["msg"]), code,
                                      params))
            if not loc or loc[0] not in raw or not _repair(merged, loc, base):
                # nothing in the link to blame: the link as a whole is unusable
                return fallback, notices
    else:
        return fallback, notices
    ignored = set(ignore)
    for key in query:
        if key not in used and key not in ignored:
            notices.append(Notice(key, _short(query[key]), "unknown parameter",
                                  "link.unknown_parameter"))
    return model, notices


def _owner(cls: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The model a location points at (``loc`` of a model-level error), if it is one."""
    model: type[BaseModel] | None = cls
    for item in loc:
        if model is None:
            return None
        if isinstance(item, str):
            if item not in model.model_fields:
                return None
            annotation = model.model_fields[item].annotation
            model = model_type(annotation) or list_model_type(annotation)
    return model


def _child_at(raw: Any, loc: tuple[int | str, ...]) -> Any:
    node = raw
    for item in loc:
        node = _child(node, item)
        if node is _MISSING:
            return None
    return node


def _english(message: str) -> str:
    return message.removeprefix("Value error, ")


def _short(value: Any) -> str:
    """The link text a notice quotes: a string as given, a number as written, never a repr of a
    dict or list (those are whole models, named by the key instead)."""
    if isinstance(value, bool):
        text = "1" if value else "0"
    elif isinstance(value, int | float):
        text = _format_scalar(value)
    elif isinstance(value, str):
        text = value
    elif isinstance(value, list | tuple) and all(isinstance(v, str | int | float) for v in value):
        text = ",".join(str(v) for v in value)
    else:
        text = ""
    return text if len(text) <= 60 else text[:57] + "…"
