"""Messages the server sends a page, as a catalog ``code`` with ``params``.

Every error, notice or status a page shows arrives as ``{"code": "error.less_than_equal",
"params": {"le": 5000}}`` beside the English ``message`` that API clients and logs read. The
page renders ``code`` through its catalog (``app/i18n/{es,en}/messages.json``) and formats the
numbers in ``params`` with its locale; the server renders the same with :func:`render`.
Parameters are plain numbers and strings, never a Python repr.

Code families: ``error.*`` (validation: pydantic's rules, our validators' rules in
``app/schema/invalid.py``, and formula errors ``error.formula_<code>``), ``link.*`` (link
notices), ``csv.*`` (rows of an uploaded CSV), ``ws.*`` (the WebSocket protocol) and ``run.*``
(how a run ended).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from app.i18n.catalog import translate

Params = dict[str, int | float | str]

# pydantic's error type -> (our code, the ctx keys it keeps as params). Types not listed fall
# back to "error.invalid"; types pydantic does not define are our own (``error.<type>``).
PYDANTIC_ERRORS: dict[str, tuple[str, tuple[str, ...]]] = {
    "missing": ("error.missing", ()),
    "extra_forbidden": ("error.extra_forbidden", ()),
    "greater_than": ("error.greater_than", ("gt",)),
    "greater_than_equal": ("error.greater_than_equal", ("ge",)),
    "less_than": ("error.less_than", ("lt",)),
    "less_than_equal": ("error.less_than_equal", ("le",)),
    "multiple_of": ("error.multiple_of", ("multiple_of",)),
    "finite_number": ("error.finite_number", ()),
    "too_short": ("error.too_short", ("min_length", "actual_length")),
    "too_long": ("error.too_long", ("max_length", "actual_length")),
    "string_too_short": ("error.string_too_short", ("min_length",)),
    "string_too_long": ("error.string_too_long", ("max_length",)),
    "string_type": ("error.string_type", ()),
    "string_unicode": ("error.string_type", ()),
    "string_pattern_mismatch": ("error.invalid", ()),
    "float_type": ("error.number", ()),
    "float_parsing": ("error.number", ()),
    "int_type": ("error.integer", ()),
    "int_parsing": ("error.integer", ()),
    "int_parsing_size": ("error.integer", ()),
    "int_from_float": ("error.integer", ()),
    "bool_type": ("error.boolean", ()),
    "bool_parsing": ("error.boolean", ()),
    "list_type": ("error.list", ()),
    "tuple_type": ("error.list", ()),
    "set_type": ("error.list", ()),
    "iterable_type": ("error.list", ()),
    "dict_type": ("error.object", ()),
    "model_type": ("error.object", ()),
    "model_attributes_type": ("error.object", ()),
    "mapping_type": ("error.object", ()),
    "literal_error": ("error.literal_error", ("expected",)),
    "enum": ("error.literal_error", ("expected",)),
    "union_tag_invalid": ("error.union_tag_invalid", ("tag", "expected_tags")),
    "union_tag_not_found": ("error.union_tag_not_found", ("discriminator",)),
    "json_invalid": ("error.json_invalid", ()),
    "json_type": ("error.json_invalid", ()),
    "none_required": ("error.none_required", ()),
    "value_error": ("error.invalid", ()),
    "assertion_error": ("error.invalid", ()),
}
FALLBACK = "error.invalid"
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def _pydantic_types() -> frozenset[str]:
    from typing import get_args

    from pydantic_core.core_schema import ErrorType
    return frozenset(get_args(ErrorType))


PYDANTIC_TYPES = _pydantic_types()


def plain(value: Any) -> int | float | str | None:
    """A parameter as a JSON scalar: numbers and strings stay; anything else is dropped."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float | str):
        return value
    return None


def _unquote(text: str) -> str:
    """pydantic's ``'a', 'b' or 'c'`` (a Python repr list) as ``a, b, c``."""
    values = _QUOTED.findall(text)
    return ", ".join(values) if values else text


def validation_message(error_type: str, ctx: Mapping[str, Any] | None) -> tuple[str, Params]:
    """(code, params) for a pydantic error's ``type`` and ``ctx``."""
    ctx = ctx or {}
    if error_type in PYDANTIC_ERRORS:
        code, keys = PYDANTIC_ERRORS[error_type]
    elif error_type in PYDANTIC_TYPES:
        code, keys = FALLBACK, ()
    else:  # one of ours: app/schema/invalid.py or a formula error; every ctx key is a param
        code, keys = f"error.{error_type}", tuple(k for k in ctx if k != "message")
    params: Params = {}
    for key in keys:
        value = plain(ctx.get(key))
        if value is None:
            continue
        if key in ("expected", "expected_tags", "discriminator") and isinstance(value, str):
            value = _unquote(value)
        params[key] = value
    return code, params


# CSV rows (app/core/csv_points.py's ErrorCode) -> catalog code; params from the row error.
CSV_CODES = ("columns", "number", "nan", "inf", "empty", "labels", "too_many_rows", "too_large",
             "too_few_rows", "encoding")


def csv_message(code: str, row: int | None, column: int | None) -> tuple[str, Params]:
    """(code, params) for one CSV problem: ``csv.<code>`` with its line, column and caps."""
    from app.core import csv_points

    params: Params = {}
    if row is not None:
        params["row"] = row
    if column is not None:
        params["column"] = column
    if code == "empty" and column is None:  # the same code names an empty file and an empty cell
        return "csv.empty_file", params
    caps: dict[str, Params] = {
        "too_many_rows": {"max": csv_points.MAX_ROWS},
        "too_few_rows": {"min": csv_points.MIN_ROWS},
        "too_large": {"max": csv_points.MAX_BYTES},
    }
    params.update(caps.get(code, {}))
    return (f"csv.{code}" if code in CSV_CODES else "csv.invalid"), params


# WebSocket protocol problems; the socket closes after an ``error`` frame carrying one of them.
WS_CODES = ("ws.binary", "ws.too_big", "ws.bad_json", "ws.busy", "ws.experiment")
# How a run ended, when it did not simply run its course.
RUN_CODES = ("run.diverged", "run.undefined_start", "run.diverged_epoch")
LINK_CODES = ("link.value_too_long", "link.unknown_parameter")


def run_message(status: str, diverged_at: int | None,
                start: tuple[float, float] | None = None) -> dict[str, Any] | None:
    """Why a surface run stopped: diverged at step k, or undefined at the start (step 0)."""
    if status != "diverged" or diverged_at is None:
        return None
    if diverged_at == 0:
        params: Params = {} if start is None else {"x": start[0], "y": start[1]}
        return {"code": "run.undefined_start", "params": params}
    return {"code": "run.diverged", "params": {"step": diverged_at}}


def epoch_outcome(status: str, diverged_at: int | None) -> dict[str, Any] | None:
    """Why a training stopped early: diverged at epoch k."""
    if status != "diverged" or diverged_at is None:
        return None
    return {"code": "run.diverged_epoch", "params": {"epoch": diverged_at}}


def render(lang: str, code: str, params: Mapping[str, Any] | None = None) -> str:
    """A message in ``lang``, as the page would show it."""
    return translate(lang, code, **dict(params or {}))


def server_codes() -> set[str]:
    """Every code the server can send (for the catalog test)."""
    from app.core.formula import CODES as FORMULA_CODES
    from app.schema.invalid import SCHEMA_ERRORS

    codes = {code for code, _ in PYDANTIC_ERRORS.values()} | {FALLBACK}
    codes |= {f"error.{code}" for code in SCHEMA_ERRORS}
    codes |= {f"error.formula_{code}" for code in FORMULA_CODES}
    codes |= {f"csv.{code}" for code in CSV_CODES} | {"csv.invalid", "csv.empty_file"}
    return codes | set(WS_CODES) | set(RUN_CODES) | set(LINK_CODES)
