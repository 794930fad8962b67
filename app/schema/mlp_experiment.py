"""The MLP training experiment: data, features, layers, loss, optimizer, training loop."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from app.schema.fields import param
from app.schema.optimizer_spec import OptimizerSpec

MLP_SCHEMA_VERSION = 1
MAX_LAYERS = 10
MAX_UNITS = 128
MAX_EPOCHS = 5000
MAX_SAMPLES = 5000
MAX_BATCH = 1024
MAX_GRID = 100
MAX_MC_PASSES = 100
MAX_POINTS = 2000

DatasetName = Literal["circle", "xor", "gauss", "spiral", "moons", "blobs", "reg_plane",
                      "reg_gauss", "csv"]
FeatureName = Literal["x1", "x2", "x1_sq", "x2_sq", "x1x2", "sin_x1", "sin_x2"]
ActivationName = Literal["sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "swish",
                         "softplus", "mish", "linear"]
InitializerName = Literal["zeros", "ones", "random_normal", "random_uniform", "glorot_normal",
                          "glorot_uniform", "he_normal", "he_uniform", "lecun_normal",
                          "lecun_uniform", "variance_scaling"]
LossName = Literal["binary_crossentropy", "categorical_crossentropy", "mean_squared_error"]
LOSSES_FOR_TASK: dict[str, tuple[str, ...]] = {
    "binary": ("binary_crossentropy", "mean_squared_error"),
    "multiclass": ("categorical_crossentropy",),
    "regression": ("mean_squared_error",),
}
_STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)


class DatasetSpec(BaseModel):
    """Which data set and how much of it (``csv`` takes ``points`` from an upload)."""

    model_config = _STRICT

    name: DatasetName = param("spiral", url="d", control="select")
    samples: int = param(500, url="ns", ge=10, le=MAX_SAMPLES, step=10, slider_max=2000)
    noise: float = param(0.1, url="nz", ge=0, le=1, step=0.01)
    train_ratio: float = param(0.5, url="tr", ge=0.1, le=0.9, step=0.05)
    seed: int = param(1, url="ds", ge=0, le=2**31 - 1, control="number")
    points: list[tuple[float, float, float]] | None = param(
        None, url="pts", max_length=MAX_POINTS, control="none", when={"name": ["csv"]})

    @model_validator(mode="after")
    def _check_points(self) -> DatasetSpec:
        if self.name == "csv" and not self.points:
            raise ValueError("dataset 'csv' needs points (upload a CSV file)")
        return self


class VarianceScalingSpec(BaseModel):
    """keras.initializers.VarianceScaling(scale, mode, distribution)."""

    model_config = _STRICT

    scale: float = param(1.0, url="vs", gt=0, le=10, step=0.1, slider_max=4)
    mode: Literal["fan_in", "fan_out", "fan_avg"] = param("fan_in", url="vm", control="select")
    distribution: Literal["truncated_normal", "untruncated_normal", "uniform"] = param(
        "truncated_normal", url="vd", control="select")


class RegularizerSpec(BaseModel):
    """keras.regularizers.l1 / l2 / l1_l2 on the layer's kernel."""

    model_config = _STRICT

    name: Literal["l1", "l2", "l1_l2"] = param("l2", url="rn", control="select")
    l1: float = param(0.01, url="l1", ge=0, le=1, scale="log", slider_min=1e-5, slider_max=0.1,
                      when={"name": ["l1", "l1_l2"]})
    l2: float = param(0.01, url="l2", ge=0, le=1, scale="log", slider_min=1e-5, slider_max=0.1,
                      when={"name": ["l2", "l1_l2"]})

    def to_core(self) -> dict[str, Any]:
        if self.name == "l1":
            return {"name": "l1", "l1": self.l1}
        if self.name == "l2":
            return {"name": "l2", "l2": self.l2}
        return {"name": "l1_l2", "l1": self.l1, "l2": self.l2}


class LayerSpec(BaseModel):
    """One hidden layer: Dense, then optional BatchNormalization and Dropout."""

    model_config = _STRICT

    units: int = param(8, url="u", ge=1, le=MAX_UNITS, slider_max=32)
    activation: ActivationName = param("tanh", url="a", control="select")
    kernel_initializer: InitializerName = param("glorot_uniform", url="i", control="select")
    variance_scaling: VarianceScalingSpec | None = param(
        None, url="", when={"kernel_initializer": ["variance_scaling"]})
    batch_normalization: Literal["none", "before", "after"] = param(
        "none", url="bn", control="select")
    dropout: float = param(0.0, url="do", ge=0, lt=1, step=0.05, slider_max=0.8)
    kernel_regularizer: RegularizerSpec | None = param(None, url="kr.")
    max_norm: float | None = param(None, url="mn", gt=0, le=100, scale="log", slider_min=0.1,
                                   slider_max=10)

    def to_core(self) -> dict[str, Any]:
        """The plain layer spec the NumPy builder takes."""
        initializer: Any = self.kernel_initializer
        if initializer == "variance_scaling":
            vs = self.variance_scaling or VarianceScalingSpec()
            initializer = {"name": "variance_scaling", **vs.model_dump()}
        return {
            "units": self.units,
            "activation": self.activation,
            "kernel_initializer": initializer,
            "batch_normalization": self.batch_normalization,
            "dropout": self.dropout,
            "kernel_regularizer": (self.kernel_regularizer.to_core()
                                   if self.kernel_regularizer else None),
            "max_norm": self.max_norm,
        }


def _default_layers() -> list[LayerSpec]:
    return [LayerSpec(units=8), LayerSpec(units=8)]


def _default_optimizer() -> OptimizerSpec:
    return OptimizerSpec(optimizer="adam", learning_rate=0.01)


class MlpExperiment(BaseModel):
    """A small network trained on a 2D data set, as the page, the link and the API share it."""

    model_config = _STRICT

    version: int = param(MLP_SCHEMA_VERSION, url="v", ge=1, le=MLP_SCHEMA_VERSION)
    dataset: DatasetSpec = param(DatasetSpec, url="")
    features: list[FeatureName] = param(lambda: ["x1", "x2"], url="ft", min_length=1,
                                        max_length=7)
    layers: list[LayerSpec] = param(_default_layers, url="l", max_length=MAX_LAYERS)
    loss: LossName | None = param(None, url="loss", control="select")
    optimizer: OptimizerSpec = param(_default_optimizer, url="o.")
    batch_size: int = param(10, url="bs", ge=1, le=MAX_BATCH, scale="log", slider_max=256)
    epochs: int = param(200, url="ep", ge=1, le=MAX_EPOCHS, scale="log", slider_min=1,
                        slider_max=MAX_EPOCHS)
    shuffle: bool = param(True, url="sh")
    seed: int = param(0, url="seed", ge=0, le=2**31 - 1, control="number")
    dtype: Literal["float32", "float64"] = param("float32", url="dt", control="select")
    grid: int = param(40, url="g", ge=10, le=MAX_GRID, step=5)
    mc_passes: int = param(0, url="mc", ge=0, le=MAX_MC_PASSES, step=1, slider_max=50)

    @model_validator(mode="after")
    def _check(self) -> MlpExperiment:
        if len(set(self.features)) != len(self.features):
            raise ValueError("features must not repeat")
        task, loss = self.task(), self.resolved_loss()
        if loss not in LOSSES_FOR_TASK[task]:
            raise ValueError(f"loss {loss} does not suit a {task} data set "
                             f"(use {' or '.join(LOSSES_FOR_TASK[task])})")
        return self

    def task(self) -> Literal["binary", "multiclass", "regression"]:
        name = self.dataset.name
        if name in ("reg_plane", "reg_gauss"):
            return "regression"
        if name == "blobs":
            return "multiclass"
        if name == "csv" and self.dataset.points:
            labels = {p[2] for p in self.dataset.points}
            if not all(float(v).is_integer() for v in labels) or len(labels) > 10:
                return "regression"
            return "binary" if len(labels) <= 2 else "multiclass"
        return "binary"

    def resolved_loss(self) -> LossName:
        if self.loss is not None:
            return self.loss
        return {"binary": "binary_crossentropy", "multiclass": "categorical_crossentropy",
                "regression": "mean_squared_error"}[self.task()]  # type: ignore[return-value]
