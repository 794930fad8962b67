"""JSON API of the network instruments: activation curves, a stack at initialization, the LR
finder."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from app.jobs.activation_curves import activation_curves
from app.jobs.activation_lab import activation_lab
from app.jobs.init_propagation import propagate_stack
from app.jobs.lr_find import lr_find
from app.jobs.workers import run_cpu
from app.routes.errors import ERROR_RESPONSES
from app.schema.labs import ActivationLab
from app.schema.nn_instruments import ActivationCurveRequest, LrFindRequest, PropagationRequest

router = APIRouter(tags=["instruments"])


class ActivationCurvesOut(BaseModel):
    """f(x) and f′(x) at the request's points, in order."""

    f: list[float]
    df: list[float]


class LayerHealthOut(BaseModel):
    """One hidden block at initialization (None: the statistic overflowed)."""

    activation_mean: float | None
    activation_std: float | None
    gradient_std: float | None
    saturated: float
    dead: float
    histogram: list[int]
    bin_edges: list[float]


class PropagationOut(BaseModel):
    """One entry per hidden block, first to last; the numbers of Var(out) = fan_in · Var(w) ·
    Var(in): every block's fan_in and the kernels' E[w²] (Var(w) for zero-mean initializers)."""

    layers: list[LayerHealthOut]
    fan_in: int
    weight_variance: float


class LabActivationOut(BaseModel):
    """One activation of the lab: f, f′ at ``x``; the Gaussian's outputs: histogram over
    ``bin_edges``, mean, std, fraction saturated (|f′| < 0.05) and dead (f′ = 0)."""

    name: str
    f: list[float]
    df: list[float]
    histogram: list[int]
    mean: float
    std: float
    saturated: float
    dead: float


class ActivationLabOut(BaseModel):
    """The curves' points, the shared histogram bins, one entry per chosen activation."""

    x: list[float]
    bin_edges: list[float]
    activations: list[LabActivationOut]


class LrSuggestionsOut(BaseModel):
    """fastai's suggested rates (None when the sweep left too few points)."""

    valley: float | None
    steep: float | None
    minimum: float | None


class LrFindOut(BaseModel):
    """The sweep: the rate, raw batch loss and smoothed loss of every step taken."""

    learning_rates: list[float]
    losses: list[float]
    smoothed: list[float]
    suggestions: LrSuggestionsOut


@router.post("/api/activations", response_model=ActivationCurvesOut, responses=ERROR_RESPONSES)
async def activations(request: ActivationCurveRequest) -> dict[str, Any]:
    """f and f′ of an activation (the network's own code) at up to 10,000 points in
    [−1e4, 1e4]; ``params`` takes the activation's Keras arguments (leaky_relu's
    negative_slope, elu's alpha, gelu's approximate)."""
    return await run_cpu(activation_curves, request.config(), request.x)


@router.post("/api/init/propagate", response_model=PropagationOut, responses=ERROR_RESPONSES)
async def init_propagate(request: PropagationRequest) -> dict[str, Any]:
    """A stack of ``depth`` Dense blocks of ``width`` units at initialization on N(0, 1) inputs,
    one forward and one backward pass (a N(0, 1) gradient from the top): per hidden block the
    activations' mean, std and histogram, the gradient's std, % saturated (|f′| < 0.05) and
    % dead units (f′ = 0 on every sample). depth × samples × width² ≤ 3e9."""
    result = await run_cpu(
        propagate_stack, request.kernel_initializer(), request.activation, request.depth,
        request.width, request.samples, request.batch_normalization, request.seed)
    return {"layers": [layer.to_json() for layer in result.layers], "fan_in": request.width,
            "weight_variance": result.weight_variance}


@router.post("/api/activations/lab", response_model=ActivationLabOut,
             responses=ERROR_RESPONSES)
async def activations_lab(request: ActivationLab) -> dict[str, Any]:
    """The activation lab's state → f and f′ of each chosen activation on [−6, 6] and the
    Gaussian N(mean, std) pushed through each (10,000 quantiles, no random draw): histograms
    over shared bins, mean, std, % saturated (|f′| < 0.05) and % dead (f′ = 0)."""
    return await run_cpu(activation_lab, request)


@router.post("/api/mlp/lr_find", response_model=LrFindOut, responses=ERROR_RESPONSES)
async def mlp_lr_find(request: LrFindRequest) -> dict[str, Any]:
    """fastai's learning-rate range test on a fresh copy of the experiment's network: an
    exponential sweep from start_lr to end_lr over num_it minibatch steps, the loss smoothed
    by a debiased EMA (β = 0.98), stopped when it exceeds 4× its best; suggestions valley,
    steep and minimum (÷ 10)."""
    result = await run_cpu(lr_find, request.experiment, request.start_lr, request.end_lr,
                           request.num_it)
    return result.to_json()
