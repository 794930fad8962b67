"""JSON API of the loss landscape: slices, the PCA plane of the path, interpolation, sharpness.

Each request trains its experiment exactly as ``/api/mlp/run`` does (the same step cap), then
measures the trained network; the work is capped by the request schemas."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field

from app.jobs.landscape import interpolate, landscape, sharpness_curve
from app.jobs.mlp_run import oversize_error
from app.jobs.workers import run_cpu
from app.routes.errors import ERROR_RESPONSES
from app.routes.other_link import read_other_link
from app.routes.short_links import link_store
from app.schema.landscape import (
    InterpolateRequest,
    LandscapeRequest,
    SharpnessRequest,
    other_error,
)
from app.schema.mlp_experiment import MlpExperiment
from app.shortlinks.store import ShortLinkStore

router = APIRouter(prefix="/api/mlp", tags=["landscape"])

PathPoint = list[float | None]


class LandscapeOut(BaseModel):
    """The grid α × β and its losses; in ``pca`` mode the path and its honesty overlays."""

    mode: Literal["random", "pca"]
    dims: int
    status: Literal["ok", "diverged"]
    alpha: list[float | None]
    beta: list[float | None]
    loss: str = Field(description="base64 little-endian float32, row-major "
                                  "len(beta) × len(alpha) (NaN where the loss overflowed)")
    center_loss: float | None = Field(description="L(θ_final), inference mode")
    path: list[PathPoint] | None = Field(None, description="pca: the projected snapshots, "
                                                           "last [0, 0]")
    path_epochs: list[int] | None = None
    explained_variance: list[float | None] | None = None
    path_loss: list[float | None] | None = Field(None, description="pca: the true L(θ_i)")
    plane_loss: list[float | None] | None = Field(None, description="pca: the plane's loss at "
                                                                    "each projected point")
    residual: list[float | None] | None = Field(None, description="pca: ‖θ_i − its projection‖")


class InterpolateOut(BaseModel):
    """L((1 − α) θ_a + α θ_b) at each α (None where it overflowed)."""

    alpha: list[float | None]
    loss: list[float | None]


class SharpnessOut(BaseModel):
    """λ_max of the training loss' Hessian at the measured epochs, and 2/η there."""

    epochs: list[int]
    lambda_max: list[float | None]
    two_over_lr: list[float | None]


def _check_steps(*experiments: MlpExperiment | None) -> None:
    for experiment in experiments:
        error = oversize_error(experiment) if experiment is not None else None
        if error is not None:
            raise RequestValidationError([error])


@router.post("/landscape", response_model=LandscapeOut, response_model_exclude_none=True,
             responses=ERROR_RESPONSES)
async def mlp_landscape(request: LandscapeRequest) -> dict[str, Any]:
    """Train the experiment, then the loss on a grid around the trained network θ*: ``random``
    L(θ* + αδ + βη) along filter-normalized random directions (Li et al. 2018), or ``pca`` on
    the plane of the training path's top two principal components, with the path, the
    explained-variance ratios, each point's off-plane residual and its true loss against the
    plane's. Inference mode, on the training or test set; grid ≤ 101 per axis (odd)."""
    _check_steps(request.experiment)
    return await run_cpu(landscape, request)


@router.post("/interpolate", response_model=InterpolateOut, responses=ERROR_RESPONSES)
async def mlp_interpolate(request: InterpolateRequest,
                          store: Annotated[ShortLinkStore, Depends(link_store)]
                          ) -> dict[str, Any]:
    """The training loss along the line L((1 − α) θ_a + α θ_b) (Goodfellow et al. 2015): from
    the initial (α = 0) to the trained network (α = 1), or from this run to ``other`` (the same
    data and network; another seed, batch size or optimizer), or to the experiment of
    ``other_link`` (an /mlp link or a short link; other data: 422 ``interpolate_same_data``).
    α ∈ [−0.5, 1.5]."""
    if request.other_link is not None:
        other = read_other_link(request.other_link, store)
        error = other_error(request.experiment, other, "other_link")
        if error is not None:
            raise RequestValidationError([{
                "loc": ("body", "other_link"), "type": error.type, "ctx": error.context,
                "msg": error.message()}])
        request = request.model_copy(update={"other": other, "other_link": None})
    _check_steps(request.experiment, request.other)
    return await run_cpu(interpolate, request)


@router.post("/sharpness", response_model=SharpnessOut, responses=ERROR_RESPONSES)
async def mlp_sharpness(request: SharpnessRequest) -> dict[str, Any]:
    """λ_max of the full training loss' Hessian (inference mode) at evenly spread epochs, by
    Lanczos on Hessian-vector products, next to 2/η (the edge of stability, Cohen et al.
    2021)."""
    _check_steps(request.experiment)
    return await run_cpu(sharpness_curve, request)
