"""The labs' page states: the activation lab (``/activations``) and the initializer lab
(``/init``). Each is the whole state of its page, read leniently from the link like the other
pages' experiments, and the body of the JSON request that computes what the page draws.

The activations' arguments (LeakyReLU's ``negative_slope``, ELU's ``alpha``, GELU's
``approximate``) keep the bounds, link keys and sliders :class:`ActivationParams` declares for
``/api/activations``, with the Keras default of the activation that takes them.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

import annotated_types as at
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from app.core.nn.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS
from app.schema.fields import param
from app.schema.invalid import invalid
from app.schema.mlp_experiment import VarianceScalingSpec
from app.schema.nn_instruments import (
    MAX_DEPTH,
    MAX_PROPAGATION_SAMPLES,
    MAX_PROPAGATION_WORK,
    MAX_WIDTH,
    ActivationName,
    ActivationParams,
    BatchNormalizationMode,
    InitializerName,
    PropagationRequest,
    activation_arguments,
)

if TYPE_CHECKING:
    ActivationChoice = str
else:
    ActivationChoice = ActivationName

LABS_SCHEMA_VERSION = 1
MAX_LAB_MEAN = 5.0
MAX_LAB_STD = 5.0


def keras_default(activation: str, argument: str) -> Any:
    """The default of ``argument`` in the constructor of ``activation`` (Keras' default)."""
    return inspect.signature(ACTIVATIONS[activation].__init__).parameters[argument].default


def argument_owners() -> dict[str, str]:
    """Each Keras argument of the lab's activations → the activation that takes it."""
    return {arg: name for name in HIDDEN_ACTIVATIONS for arg in activation_arguments(name)}


def _argument(name: str) -> Any:
    """ActivationParams' declaration of ``name`` (bounds, link key, slider), defaulting to the
    Keras default and shown when its activation is among the chosen ones."""
    info = ActivationParams.model_fields[name]
    extra = dict(info.json_schema_extra) if isinstance(info.json_schema_extra, dict) else {}
    owner = argument_owners()[name]
    bounds: dict[str, Any] = {}
    for item in info.metadata:
        for key, kind in (("ge", at.Ge), ("gt", at.Gt), ("le", at.Le), ("lt", at.Lt)):
            if isinstance(item, kind):
                bounds[key] = getattr(item, key)
    step, slider_max = extra.get("step"), extra.get("slider_max")
    return param(keras_default(owner, name), url=str(extra["url"]),
                 step=float(step) if isinstance(step, int | float) else None,
                 slider_max=float(slider_max) if isinstance(slider_max, int | float) else None,
                 when={"activations": [owner]},
                 description=f"{owner} (Keras default {keras_default(owner, name)})", **bounds)


class ActivationLab(BaseModel):
    """The activation lab: which activations are drawn (f and f′ overlaid), their Keras
    arguments, and the Gaussian N(mean, std) pushed through each."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    version: int = param(LABS_SCHEMA_VERSION, url="v", ge=1, le=LABS_SCHEMA_VERSION)
    activations: list[ActivationChoice] = param(
        lambda: ["sigmoid", "tanh", "relu"], url="a", min_length=1,
        max_length=len(HIDDEN_ACTIVATIONS), control="chips")
    negative_slope: float = _argument("negative_slope")
    alpha: float = _argument("alpha")
    approximate: bool = _argument("approximate")
    mean: float = param(0.0, url="mu", ge=-MAX_LAB_MEAN, le=MAX_LAB_MEAN, step=0.1,
                        description="mean μ of the Gaussian input")
    std: float = param(1.0, url="sd", gt=0, le=MAX_LAB_STD, step=0.05, slider_min=0.05,
                       description="standard deviation σ of the Gaussian input")

    @field_validator("activations")
    @classmethod
    def _once_each(cls, names: list[str]) -> list[str]:
        return list(dict.fromkeys(names))

    def config(self, name: str) -> dict[str, Any]:
        """``make_activation``'s config of ``name`` with the lab's arguments it takes."""
        return {"name": name, **{arg: getattr(self, arg) for arg in activation_arguments(name)}}


class InitSetting(BaseModel):
    """One side of the initializer lab: initializer × activation × batch normalization."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    initializer: InitializerName = param("he_normal", url="i", control="select")
    variance_scaling: VarianceScalingSpec | None = param(
        None, url="", when={"initializer": ["variance_scaling"]})
    activation: ActivationChoice = param("relu", url="a", control="select")
    batch_normalization: BatchNormalizationMode = param("none", url="bn", control="select")


class InitSettingB(InitSetting):
    """Side B, by default Keras' random_normal (σ = 0.05) under tanh: the stack that fades.
    Its own defaults (not A's) fill what a hand-written link leaves out."""

    initializer: InitializerName = param("random_normal", url="i", control="select")
    activation: ActivationChoice = param("tanh", url="a", control="select")


class InitLab(BaseModel):
    """The initializer lab: two settings A and B on the same deep stack at initialization."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    version: int = param(LABS_SCHEMA_VERSION, url="v", ge=1, le=LABS_SCHEMA_VERSION)
    depth: int = param(20, url="d", ge=1, le=MAX_DEPTH)
    width: int = param(256, url="w", ge=1, le=MAX_WIDTH, scale="log", slider_min=4)
    samples: int = param(500, url="n", ge=2, le=MAX_PROPAGATION_SAMPLES, scale="log",
                         slider_min=10)
    seed: int = param(0, url="seed", ge=0, le=2**31 - 1, control="number")
    a: InitSetting = param(InitSetting, url="a.")
    b: InitSettingB = param(InitSettingB, url="b.")

    @model_validator(mode="after")
    def _check(self) -> InitLab:
        work = self.depth * self.samples * self.width * self.width
        if work > MAX_PROPAGATION_WORK:
            raise invalid("propagation_too_large",
                          f"depth × samples × width² = {work:,} exceeds "
                          f"{MAX_PROPAGATION_WORK:,}; use fewer layers, samples or units",
                          work=work, max=MAX_PROPAGATION_WORK, field="samples")
        return self

    def request(self, side: str) -> PropagationRequest:
        """The ``/api/init/propagate`` request of side ``"a"`` or ``"b"``."""
        setting: InitSetting = getattr(self, side)
        return PropagationRequest(
            **setting.model_dump(), depth=self.depth, width=self.width, samples=self.samples,
            seed=self.seed)
