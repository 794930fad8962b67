"""Runs as CSV tables (pure Python): the same numbers as the JSON run routes, one row per step.

Floats are written with ``repr`` (the shortest text that reads back to the same float), so a
table parses back to exactly the JSON's numbers; a missing value (a non-finite metric, which
the JSON sends as null) is an empty cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from app.jobs.surface_race import RunResult

SURFACE_COLUMNS = ("run", "optimizer", "step", "x", "y", "loss")
MLP_COLUMNS = ("epoch", "step", "train_loss", "test_loss", "train_metric", "test_metric",
               "learning_rate")


def surface_rows(results: Sequence[RunResult]) -> Iterable[tuple[Any, ...]]:
    """``run, optimizer, step, x, y, loss``: step 0 is the start; a diverged run stops at its
    last finite point; a run that is off has no rows."""
    for index, result in enumerate(results):
        for step, ((x, y), loss) in enumerate(zip(result.points, result.losses, strict=True)):
            yield index, result.optimizer, step, x, y, loss


def mlp_rows(epochs: Sequence[dict[str, Any]]) -> Iterable[tuple[Any, ...]]:
    """One row per epoch (0 = before training) with the columns of ``MLP_COLUMNS``."""
    for metrics in epochs:
        yield tuple(metrics[name] for name in MLP_COLUMNS)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def to_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A header line and the rows, CRLF line ends (RFC 4180)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return buffer.getvalue()
