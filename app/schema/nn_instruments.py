"""Requests of the network instruments: the activation lab, the initializer lab, the LR finder.

Every field is declared once with :func:`param` (bounds, URL key, control), so a later page can
share links and draw its controls from the same declaration. Work caps keep each request short.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.core.nn.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS
from app.core.nn.initializers import OFFERED_INITIALIZERS
from app.core.nn.model import BATCH_NORMALIZATION_MODES
from app.schema.fields import param
from app.schema.invalid import invalid
from app.schema.mlp_experiment import MlpExperiment, VarianceScalingSpec
from app.schema.names import names_literal
from app.schema.optimizer_spec import MIN_LEARNING_RATE

if TYPE_CHECKING:
    ActivationName = str
    InitializerName = str
    BatchNormalizationMode = str
else:
    ActivationName = names_literal(HIDDEN_ACTIVATIONS)
    InitializerName = names_literal(OFFERED_INITIALIZERS)
    BatchNormalizationMode = names_literal(BATCH_NORMALIZATION_MODES)

_STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)

MAX_CURVE_POINTS = 10_000
MAX_CURVE_X = 1e4  # the activations are overflow-free up to |x| = 1e4
MAX_DEPTH = 50
MAX_WIDTH = 512
MAX_PROPAGATION_SAMPLES = 5000
MAX_PROPAGATION_WORK = 3 * 10**9
"""depth × samples × width² (multiply-adds of the forward pass); the default 20 × 1000 × 256²
is 1.3e9."""
MAX_LR_FIND_IT = 1000
MAX_LR_FIND_WORK = 10**9
"""num_it × batch_size × weights: weight-visits of the sweep's forward passes."""
MAX_LEARNING_RATE = 10.0  # the MLP's learning_rate cap (OptimizerSpec)

CurveX = Annotated[float, Field(ge=-MAX_CURVE_X, le=MAX_CURVE_X)]


class ActivationParams(BaseModel):
    """The Keras arguments an activation takes; each only for the activation that has it."""

    model_config = _STRICT

    negative_slope: float | None = param(None, url="ns", ge=0, le=10, step=0.01, slider_max=1,
                                         when={"name": ["leaky_relu"]},
                                         description="leaky_relu (Keras default 0.2)")
    alpha: float | None = param(None, url="al", ge=0, le=10, step=0.05, slider_max=3,
                                when={"name": ["elu"]}, description="elu (Keras default 1.0)")
    approximate: bool | None = param(None, url="ap", when={"name": ["gelu"]},
                                     description="gelu's tanh form (Keras default false)")


def activation_arguments(name: str) -> tuple[str, ...]:
    """The constructor arguments of an activation in the registry (its Keras arguments)."""
    signature = inspect.signature(ACTIVATIONS[name].__init__)
    return tuple(name for name, p in signature.parameters.items()
                 if name != "self" and p.kind is p.POSITIONAL_OR_KEYWORD)


class ActivationCurveRequest(BaseModel):
    """f and f′ of one activation at the given points."""

    model_config = _STRICT

    name: ActivationName = param("relu", url="a", control="select")
    x: list[CurveX] = param(lambda: [-1.0, 0.0, 1.0], url="x", min_length=1,
                            max_length=MAX_CURVE_POINTS, control="none")
    params: ActivationParams = param(ActivationParams, url="")

    @model_validator(mode="after")
    def _check(self) -> ActivationCurveRequest:
        takes = activation_arguments(self.name)
        for arg, value in self.params.model_dump().items():
            if value is not None and arg not in takes:
                raise invalid("activation_param_not_applicable",
                              f"{arg} does not apply to {self.name} "
                              f"(it takes {', '.join(takes) or 'no arguments'})",
                              name=arg, activation=self.name, takes=", ".join(takes) or "—",
                              field="params")
        return self

    def config(self) -> dict[str, object]:
        """The activation's Keras-style config for ``make_activation``."""
        given = {k: v for k, v in self.params.model_dump().items() if v is not None}
        return {"name": self.name, **given}


class PropagationRequest(BaseModel):
    """A deep stack at initialization: ``depth`` blocks of ``width`` units on N(0, 1) inputs."""

    model_config = _STRICT

    initializer: InitializerName = param("he_normal", url="i", control="select")
    variance_scaling: VarianceScalingSpec | None = param(
        None, url="", when={"initializer": ["variance_scaling"]})
    activation: ActivationName = param("relu", url="a", control="select")
    depth: int = param(20, url="d", ge=1, le=MAX_DEPTH)
    width: int = param(256, url="w", ge=1, le=MAX_WIDTH, scale="log", slider_min=4)
    samples: int = param(1000, url="n", ge=2, le=MAX_PROPAGATION_SAMPLES, scale="log",
                         slider_min=10)
    batch_normalization: BatchNormalizationMode = param("none", url="bn", control="select")
    seed: int = param(0, url="seed", ge=0, le=2**31 - 1, control="number")

    @model_validator(mode="after")
    def _check(self) -> PropagationRequest:
        if self.work() > MAX_PROPAGATION_WORK:
            raise invalid("propagation_too_large",
                          f"depth × samples × width² = {self.work():,} exceeds "
                          f"{MAX_PROPAGATION_WORK:,}; use fewer layers, samples or units",
                          work=self.work(), max=MAX_PROPAGATION_WORK)
        return self

    def work(self) -> int:
        return self.depth * self.samples * self.width * self.width

    def kernel_initializer(self) -> str | dict[str, object]:
        """The initializer's name, or its VarianceScaling config."""
        if self.initializer != "variance_scaling":
            return self.initializer
        vs = self.variance_scaling or VarianceScalingSpec()
        return {"name": "variance_scaling", **vs.model_dump()}


class LrFindRequest(BaseModel):
    """fastai's learning-rate range test on the network of an MLP experiment."""

    model_config = _STRICT

    experiment: MlpExperiment = param(MlpExperiment, url="")
    start_lr: float = param(1e-7, url="lr0", ge=MIN_LEARNING_RATE, le=MAX_LEARNING_RATE,
                            scale="log")
    end_lr: float = param(10.0, url="lr1", ge=MIN_LEARNING_RATE, le=MAX_LEARNING_RATE,
                          scale="log")
    num_it: int = param(100, url="it", ge=6, le=MAX_LR_FIND_IT,
                        description="minibatch steps (fastai takes at least 6)")

    @model_validator(mode="after")
    def _check(self) -> LrFindRequest:
        if not self.start_lr < self.end_lr:
            raise invalid("lr_find_order", "start_lr must be below end_lr", field="start_lr")
        if self.work() > MAX_LR_FIND_WORK:
            raise invalid("lr_find_too_large",
                          f"num_it × batch_size × weights = {self.work():,} exceeds "
                          f"{MAX_LR_FIND_WORK:,}; use fewer steps, a smaller batch or network",
                          work=self.work(), max=MAX_LR_FIND_WORK, field="num_it")
        return self

    def work(self) -> int:
        return self.num_it * self.experiment.batch_size * self.experiment.weights()
