"""Parse an uploaded CSV of 2D points (x1, x2, label-or-target) into arrays for the playground.

Format: three columns separated by ``,``, ``;`` or a TAB, numbers with a decimal point
(``1.5``) or a decimal comma (``1,5``, as Spanish spreadsheets write them: ``4,07;4,18;1``),
an optional exponent (``1,5E-03``) and no thousands separators; optional header row (the first
non-blank line is a header when none of its fields is a number, split by any of the separators;
it may use another separator than the rows, as long as it has three names), optional quotes,
blank lines skipped, LF / CRLF / CR line ends, UTF-8 with or without BOM. Caps: at most
``MAX_BYTES`` (200 kB = 200,000 bytes, checked before decoding), 10 to 5,000 data rows.

The separator is the one of ``;``, TAB and ``,`` that splits the most of the first
``SNIFF_LINES`` lines into three numbers (``1,5;2,5;0`` is ``;`` with decimal commas: split at
the commas its fields are not numbers; ``1.5,2.5,0`` is ``,``), else into three fields (ties
in that order), else the first of them that the first line contains. So the rows decide, not
the header, and a decimal comma in a ``,``-separated file must be quoted (``"1,5"``).

Task, decided from the third column:
- every label an integer and exactly 2 distinct values -> "binary": the smaller maps to 0,
  the larger to 1 (so {0, 1}, {-1, 1} and {1, 2} all work);
- every label an integer in 0..9 and 3 or more distinct values -> "multiclass": classes are
  numbered 0..K-1 in sorted order of the values (so {1, 2, 5} -> 0, 1, 2);
- otherwise -> "regression": targets already in [-1, 1] are kept, others are rescaled linearly
  so that min -> -1 and max -> 1 (``target_range`` keeps the original min and max).
A single distinct value is an error (code "labels"). ``class_values`` maps class indices back
to the file's values.

Errors: ``CsvError`` with up to ``MAX_ERRORS`` ``RowError``s, each with the 1-based line number
(None for whole-file problems), 1-based column (or None), a code and an English message.
"""

from __future__ import annotations

import codecs
import csv
import math
import re
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

MAX_BYTES = 200_000
MAX_ROWS = 5000
MIN_ROWS = 10
MAX_ERRORS = 20
SNIFF_LINES = 50
DELIMITERS = (";", "\t", ",")
_NAMES = {";": "';'", "\t": "a TAB", ",": "','"}
COLUMN_NAMES = ("x1", "x2", "label")

ErrorCode = Literal["columns", "number", "nan", "inf", "empty", "labels", "too_many_rows",
                    "too_large", "too_few_rows", "encoding"]

_NUMBER = re.compile(r"[+-]?(?:\d+[.,]?\d*|[.,]\d+)(?:[eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[.,\u00a0 ']\d{3})+(?:[.,]\d+)?")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class RowError:
    """One problem in the file: where (line, column; None when not applicable) and what."""

    row: int | None
    column: int | None
    code: ErrorCode
    message: str

    def to_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "code": self.code,
                "message": self.message}


class CsvError(ValueError):
    """The file cannot be used; ``errors`` lists what to fix (``truncated`` if there were more)."""

    def __init__(self, errors: list[RowError], truncated: bool = False) -> None:
        self.errors = errors
        self.truncated = truncated
        first = errors[0]
        where = f"line {first.row}: " if first.row is not None else ""
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"Invalid CSV: {where}{first.message}{more}")

    def to_dict(self) -> dict[str, object]:
        return {"errors": [e.to_dict() for e in self.errors], "truncated": self.truncated}


@dataclass(frozen=True)
class ParsedPoints:
    """Points and labels read from a CSV, ready for ``datasets.dataset_from_points``."""

    x: NDArray[np.float64]  # (n, 2)
    y: NDArray  # (n,): 0.0/1.0 binary, int64 class multiclass, float in [-1, 1] regression
    task: Literal["binary", "multiclass", "regression"]
    n_classes: int  # 2, K, or 0 for regression
    has_header: bool
    delimiter: str
    class_values: tuple[float, ...] = ()  # file value of each class index
    target_range: tuple[float, float] | None = None  # original (min, max) if rescaled


def _fail(code: ErrorCode, message: str, row: int | None = None) -> CsvError:
    return CsvError([RowError(row, None, code, message)])


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        if len(data) > MAX_BYTES or len(data.encode("utf-8", "surrogatepass")) > MAX_BYTES:
            raise _fail("too_large", f"File is larger than {MAX_BYTES:,} bytes")
        return data.removeprefix("\ufeff")
    if len(data) > MAX_BYTES:
        raise _fail("too_large", f"File is {len(data):,} bytes, larger than {MAX_BYTES:,}")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _fail("encoding", "File is UTF-16 text; save it as UTF-8 CSV", 1)
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise _fail("encoding", f"File is not UTF-8 text (byte 0x{data[err.start]:02x}); "
                    "save it as UTF-8 CSV", line) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise _fail("encoding", "File contains NUL bytes; it does not look like a text CSV", line)
    return text


def _sniff(lines: list[str]) -> str:
    """The separator: the one of ``DELIMITERS`` that splits the most lines into three numbers,
    else into three fields, else the first of them in the first line."""
    sample = lines[:SNIFF_LINES]
    splits = {d: [_split(line, d) for line in sample if d in line] for d in DELIMITERS}
    for good in (lambda f: len(f) == 3 and all(_NUMBER.fullmatch(x) for x in f),
                 lambda f: len(f) == 3):
        scores = [sum(map(good, splits[d])) for d in DELIMITERS]
        if max(scores):
            return DELIMITERS[scores.index(max(scores))]
    return next((d for d in DELIMITERS if d in lines[0]), ",")


def _split(line: str, delimiter: str) -> list[str]:
    try:
        fields = next(csv.reader([line], delimiter=delimiter))
    except csv.Error:  # a field beyond csv.field_size_limit (131,072 characters): split plainly
        fields = line.split(delimiter)
    return [f.strip() for f in fields]


def _clip(field: str) -> str:
    """A field as quoted in a message: at most 40 characters of it."""
    return repr(field) if len(field) <= 40 else repr(field[:37] + "...")


def _cell(line_no: int, column: int, field: str) -> float | RowError:
    """The finite number in ``field`` or the error describing why it is not one."""
    name = f"Column {column} ({COLUMN_NAMES[column - 1]})"
    if not field:
        return RowError(line_no, column, "empty", f"{name} is empty")
    if _NUMBER.fullmatch(field):
        value = float(field.replace(",", "."))
        if math.isfinite(value):
            return value
        return RowError(line_no, column, "inf", f"{name}: {_clip(field)} is too large (overflows)")
    word = field.lower().lstrip("+-")
    if word == "nan":
        return RowError(line_no, column, "nan", f"{name} is NaN (must be a finite number)")
    if word in ("inf", "infinity"):
        return RowError(line_no, column, "inf", f"{name} is infinite (must be a finite number)")
    hint = "; write it without thousands separators" if _GROUPED.fullmatch(field) else ""
    return RowError(line_no, column, "number", f"{name}: {_clip(field)} is not a number{hint}")


Labels = tuple[NDArray, Literal["binary", "multiclass", "regression"], int, tuple[float, ...],
               tuple[float, float] | None]


def _decide_task(labels: NDArray[np.float64]) -> Labels:
    """(y, task, n_classes, class_values, target_range) for the third column, as documented."""
    values = np.unique(labels)
    if len(values) < 2:
        raise _fail("labels", f"Every row has the same label ({values[0]:g}); "
                    "at least two distinct values are needed")
    integer = bool(np.all(values == np.round(values)))
    if integer and len(values) == 2:
        return (labels == values[1]).astype(np.float64), "binary", 2, tuple(values.tolist()), None
    if integer and values[0] >= 0 and values[-1] <= 9:
        classes = np.searchsorted(values, labels).astype(np.int64)
        return classes, "multiclass", len(values), tuple(values.tolist()), None
    low, high = float(values[0]), float(values[-1])
    if low >= -1.0 and high <= 1.0:
        return labels, "regression", 0, (), None
    scaled = np.clip(2.0 * (labels - low) / (high - low) - 1.0, -1.0, 1.0)
    return scaled, "regression", 0, (), (low, high)


def parse_csv(data: bytes | str) -> ParsedPoints:
    """Parse the CSV ``data`` (bytes as uploaded, or text) or raise ``CsvError``."""
    text = _decode(data)
    lines = [(i, line) for i, line in enumerate(_LINE_BREAK.split(text), 1) if line.strip()]
    if not lines:
        raise _fail("empty", "File is empty")
    delimiter = _sniff([line for _, line in lines])
    first = _split(lines[0][1], delimiter)
    # a header has no number in it, however it is split (``1;2;0`` atop a ``,`` file is data)
    has_header = any(first) and not any(_NUMBER.fullmatch(f) for d in DELIMITERS
                                        for f in _split(lines[0][1], d))
    errors: list[RowError] = []
    if has_header:
        if len(first) != 3 and not any(len(_split(lines[0][1], d)) == 3 for d in DELIMITERS):
            errors.append(RowError(lines[0][0], None, "columns", f"Header has {len(first)} "
                                   f"columns; expected 3 (x1, x2, label) separated by "
                                   f"{_NAMES[delimiter]}"))
        lines = lines[1:]
    if len(lines) > MAX_ROWS:
        raise _fail("too_many_rows", f"File has {len(lines):,} data rows; at most {MAX_ROWS:,} "
                    "are allowed", lines[MAX_ROWS][0])
    rows = np.empty((len(lines), 3), dtype=np.float64)
    truncated = False
    for k, (line_no, line) in enumerate(lines):
        fields = _split(line, delimiter)
        cells: list[float | RowError]
        if len(fields) != 3:
            hint = ("; with decimal commas, separate the columns with ';' or a TAB"
                    if delimiter == "," and len(fields) > 3 else "")
            cells = [RowError(line_no, None, "columns", f"Found {len(fields)} columns; expected "
                              f"3 (x1, x2, label) separated by {_NAMES[delimiter]}{hint}")]
        else:
            cells = [_cell(line_no, c, f) for c, f in enumerate(fields, 1)]
        for cell in cells:
            if isinstance(cell, RowError):
                if len(errors) < MAX_ERRORS:
                    errors.append(cell)
                else:
                    truncated = True
        if not errors:
            rows[k] = [c for c in cells if isinstance(c, float)]
    if len(lines) < MIN_ROWS:
        errors.insert(0, RowError(None, None, "too_few_rows", f"File has {len(lines)} data "
                                  f"rows; at least {MIN_ROWS} are needed"))
    if errors:
        raise CsvError(errors, truncated)
    y, task, n_classes, class_values, target_range = _decide_task(rows[:, 2].copy())
    return ParsedPoints(x=rows[:, :2].copy(), y=y, task=task, n_classes=n_classes,
                        has_header=has_header, delimiter=delimiter, class_values=class_values,
                        target_range=target_range)
