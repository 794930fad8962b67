"""Response bodies of the JSON API, declared so the OpenAPI description says what comes back.

A key a route adds to its answer must be added here too: FastAPI drops undeclared keys.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

CsvPoint = Annotated[list[float], Field(min_length=3, max_length=3)]
"""``[x1, x2, label or target]`` (a list, not a tuple: nested ``prefixItems`` trip up OpenAPI
tools)."""


class HealthOut(BaseModel):
    status: Literal["ok"]
    worker: int
    """The answering process' id."""


class MinimumOut(BaseModel):
    x: float
    y: float
    value: float
    kind: str


class SurfaceOut(BaseModel):
    """A surface's metadata: labels (es/en), formula, window, minima, log-scale advice."""

    name: str
    label: dict[str, str]
    formula: str
    latex: str
    window: list[float]
    minima: list[MinimumOut]
    minima_estimated: bool
    log_scale: bool
    default_start: list[float]
    bounded_below: bool
    params: dict[str, Any]


class GridOut(BaseModel):
    """f on an nx × ny grid; ``z`` is base64 little-endian float32, row-major (ny × nx)."""

    surface: SurfaceOut
    window: list[float]
    nx: int
    ny: int
    x: list[float]
    y: list[float]
    z: str


class EpochOut(BaseModel):
    """Metrics after ``epoch`` epochs (epoch 0: the initial network); None where not finite."""

    epoch: int
    step: int
    train_loss: float | None
    test_loss: float | None
    train_metric: float | None
    test_metric: float | None
    learning_rate: float


class MlpRunOut(BaseModel):
    task: str
    loss: str
    status: Literal["ok", "diverged"]
    diverged_at: int | None
    epochs: list[EpochOut]


class CsvPointsOut(BaseModel):
    """The parsed points ``[x1, x2, label or target]``, the task they imply and the header."""

    points: list[CsvPoint]
    task: str
    n_classes: int
    rows: int
    has_header: bool


class RowErrorOut(BaseModel):
    """One problem in an uploaded file: line and column (None when not applicable), code."""

    row: int | None
    column: int | None
    code: str
    message: str


class CsvErrorsOut(BaseModel):
    errors: list[RowErrorOut]
    truncated: bool = False


class CsvErrorOut(BaseModel):
    """The body of a refused CSV upload (413: too large; 422: bad rows, up to 20 listed)."""

    detail: CsvErrorsOut


class OutcomeOut(BaseModel):
    """Why a run stopped early, for the page's catalog: ``run.diverged`` {step} or
    ``run.undefined_start`` {x, y}."""

    code: str
    params: dict[str, float | int | str]


class MapOut(BaseModel):
    """Per cell (row = second hyperparameter, column = learning rate), base64 float32 grids."""

    x: list[float]
    y: list[float]
    nx: int
    ny: int
    final_loss: str
    steps_to_tolerance: str
    diverged_at: str
    best_value: float | None
    start: list[float]
    outcome: OutcomeOut | None = None
    """``run.undefined_start`` {x, y} when f is not finite at the start point: every cell's
    ``diverged_at`` is then 0 (no step was taken); otherwise null."""
