"""The MLP training experiment: data, features, layers, loss, optimizer, training loop."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from app.core.datasets import DATASETS, Task
from app.core.features import FEATURES
from app.core.nn.activations import HIDDEN_ACTIVATIONS
from app.core.nn.initializers import OFFERED_INITIALIZERS
from app.core.nn.losses import LOSSES_FOR_TASK, OFFERED_LOSSES
from app.core.nn.regularizers import REGULARIZERS
from app.schema.fields import param
from app.schema.invalid import invalid
from app.schema.mlp_rules import UPLOADED, points_task
from app.schema.names import names_literal
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
MIN_POINTS = 10
MAX_COORDINATE = 1e6  # so that features such as x1² stay finite in float32
# What one experiment may cost the server, in weight-visits (see MlpExperiment.training_work and
# render_work, fitted to the NumPy core's timings): at most about 30 s of one core for a whole
# training (a visit costs up to ~12 ns in minibatches) and a few seconds for one frame's grids
# (up to ~0.7 ns in a whole grid).
MAX_TRAINING_WORK = 25 * 10**8
MAX_RENDER_WORK = 10**10

if TYPE_CHECKING:
    DatasetName = str
    FeatureName = str
    ActivationName = str
    InitializerName = str
    LossName = str
    RegularizerName = str
else:
    DatasetName = names_literal((*DATASETS, UPLOADED))
    FeatureName = names_literal(FEATURES)
    ActivationName = names_literal(HIDDEN_ACTIVATIONS)
    InitializerName = names_literal(OFFERED_INITIALIZERS)
    LossName = names_literal(OFFERED_LOSSES)
    RegularizerName = names_literal(REGULARIZERS)
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
        if self.name != UPLOADED:
            return self
        if not self.points:
            raise invalid("csv_points_required",
                          "dataset 'csv' needs points (upload a CSV file)", field="name")
        if len(self.points) < MIN_POINTS:
            raise invalid("csv_too_few_points", f"dataset 'csv' needs at least {MIN_POINTS} "
                          f"points (got {len(self.points)})", min=MIN_POINTS,
                          count=len(self.points), field="points")
        if any(abs(p[0]) > MAX_COORDINATE or abs(p[1]) > MAX_COORDINATE for p in self.points):
            raise invalid("points_range",
                          f"points must lie within ±{MAX_COORDINATE:g} (rescale the data)",
                          limit=MAX_COORDINATE, field="points")
        if points_task(self.points) == "regression" and any(abs(p[2]) > 1 for p in self.points):
            raise invalid("regression_targets_range",
                          "regression targets (labels that are not 10 or fewer integers) "
                          "must be within [-1, 1]; uploading the CSV rescales them",
                          field="points")
        return self

    def size(self) -> int:
        """How many points the data set has."""
        return len(self.points) if self.name == "csv" and self.points else self.samples


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

    name: RegularizerName = param("l2", url="rn", control="select")
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

    version: int = param(MLP_SCHEMA_VERSION, url="v", ge=1, le=MLP_SCHEMA_VERSION,
                         control="none")
    dataset: DatasetSpec = param(DatasetSpec, url="")
    features: list[FeatureName] = param(lambda: ["x1", "x2"], url="ft", min_length=1,
                                        max_length=len(FEATURES))
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
            raise invalid("features_repeat", "features must not repeat", field="features")
        task, loss = self.task(), self.resolved_loss()
        if loss not in LOSSES_FOR_TASK[task]:
            raise invalid("loss_task", f"loss {loss} does not suit a {task} data set "
                          f"(use {' or '.join(LOSSES_FOR_TASK[task])})", loss=loss, task=task,
                          allowed=", ".join(LOSSES_FOR_TASK[task]), field="loss")
        if self.training_work() > MAX_TRAINING_WORK:
            raise invalid("training_too_large", "training too large for the server: about "
                          f"{self.training_work():.2g} weight-visits (at most "
                          f"{MAX_TRAINING_WORK:.2g}); use fewer epochs, samples, layers or "
                          "units, or a larger batch_size",
                          work=float(f"{self.training_work():.2g}"), max=MAX_TRAINING_WORK)
        if self.render_work() > MAX_RENDER_WORK:
            raise invalid("render_too_large", "grid × mc_passes too large for this network: "
                          f"about {self.render_work():.2g} weight-visits per frame (at most "
                          f"{MAX_RENDER_WORK:.2g}); use a coarser grid or fewer mc_passes",
                          work=float(f"{self.render_work():.2g}"), max=MAX_RENDER_WORK,
                          field="grid")
        return self

    def weights(self) -> int:
        """How many weights the network has (an upper bound for multiclass outputs)."""
        total, fan_in = 0, len(self.features)
        for layer in self.layers:
            total += (fan_in + 1) * layer.units
            total += 4 * layer.units if layer.batch_normalization != "none" else 0
            fan_in = layer.units
        return total + (fan_in + 1) * self._outputs()

    def _outputs(self) -> int:
        return 10 if self.task() == "multiclass" else 1

    def _per_point(self, unit_cost: int, layer_cost: int) -> int:
        """One point through the network: its weights, plus fixed costs per unit and layer."""
        units = sum(layer.units for layer in self.layers) + self._outputs()
        layers = 1 + sum(1 + (layer.batch_normalization != "none") + (layer.dropout > 0)
                         for layer in self.layers)
        return self.weights() + unit_cost * units + layer_cost * layers

    def training_work(self) -> int:
        """A rough cost of the whole training in weight-visits (one multiply-add of one weight
        for one point), fitted to the NumPy core's timings:

            per epoch = samples * (weights + 2*units + 2*layers)         forward, backward, metrics
                      + steps * (2*weights + 3000*layers + 1000)         per minibatch: the update
                                                                          and NumPy's call overhead
        """
        samples = self.dataset.size()
        n_train = max(1, int(samples * self.dataset.train_ratio))
        steps = -(-n_train // self.batch_size)
        per_step = self._per_point(0, 3000) + self.weights() + 1000
        return self.epochs * (samples * self._per_point(2, 2) + steps * per_step)

    def render_work(self) -> int:
        """The cost of one frame's grids in weight-visits: grid² points through the network once,
        and ``mc_passes`` more times when a layer has dropout (Monte-Carlo dropout)."""
        passes = 1 + (self.mc_passes if any(layer.dropout > 0 for layer in self.layers) else 0)
        return self.grid * self.grid * passes * self._per_point(16, 16)

    def task(self) -> Task:
        """The data set's task (``DATASETS``), or for uploaded points the one their labels make."""
        name = self.dataset.name
        if name == UPLOADED:
            return points_task(self.dataset.points) if self.dataset.points else "binary"
        return DATASETS[name].task

    def resolved_loss(self) -> LossName:
        """The chosen loss, or the task's default (the first that suits it)."""
        return self.loss if self.loss is not None else LOSSES_FOR_TASK[self.task()][0]
