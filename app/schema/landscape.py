"""Requests of the loss landscape (``/api/mlp/landscape``, ``/interpolate``, ``/sharpness``) and the
landscape panel's link state.

Each field is declared once with :func:`param` (bounds, link key ``ls.*``, control); the MLP page
draws the panel's controls from :class:`LandscapeView` and reads it from its link. Work caps
keep each request to a few seconds of one core on top of the training itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from app.core.nn.landscape import BIAS_MODES, BiasMode
from app.schema.fields import param
from app.schema.invalid import invalid
from app.schema.mlp_experiment import MAX_BATCH, MlpExperiment
from app.schema.names import names_literal
from app.schema.optimizer_spec import MAX_LEARNING_RATE, MIN_LEARNING_RATE, OptimizerName
from app.schema.page_links import panel_query
from app.schema.url_codec import Notice, decode
from app.shortlinks.canonical import MAX_URL_LENGTH

if TYPE_CHECKING:
    BiasName = str
else:
    BiasName = names_literal(BIAS_MODES)

_STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)

MAX_LANDSCAPE_GRID = 101
MAX_SPAN = 10.0
MAX_SNAPSHOTS = 300
MAX_INTERPOLATION_POINTS = 1001
ALPHA_RANGE = (-0.5, 1.5)
MAX_SHARPNESS_EPOCHS = 300
MAX_LANDSCAPE_WORK = 10**9
"""Grid points (and path points) × samples × weights: weight-visits of the batched forward
pass (the default 51 × 51 slice of the 2-8-8-1 network on 250 points is 7e7)."""
MAX_SHARPNESS_WORK = 10**9
"""Epochs measured × 2 · Lanczos iterations gradients × samples × weights."""
LANCZOS_GRADIENTS = 40  # 20 Lanczos iterations × 2 gradients per product


Alpha = Annotated[float, Field(ge=ALPHA_RANGE[0], le=ALPHA_RANGE[1])]


class LandscapeSettings(BaseModel):
    """How the landscape is sliced: directions, grid, span, bias handling, data and seed."""

    model_config = _STRICT

    mode: Literal["random", "pca"] = param(
        "random", url="ls.m", control="select",
        description="random: filter-normalized directions around the trained network; pca: "
                    "the plane of the training path's top two principal components")
    dims: int = param(2, url="ls.d", ge=1, le=2, description="1: a line (β = 0), 2: a plane")
    grid: int = param(51, url="ls.g", ge=3, le=MAX_LANDSCAPE_GRID, step=2,
                      description="points per axis (odd, so the trained network is on the grid)")
    span: float = param(1.0, url="ls.s", gt=0, le=MAX_SPAN, step=0.1, slider_min=0.1,
                        slider_max=3,
                        description="random: α, β ∈ [−span, span]; pca: the path's box widened "
                                    "by span / 4 of its size on each side")
    bias: BiasName = param("ignore", url="ls.b", control="select",
                           description="biases and BatchNormalization γ/β in a random "
                                       "direction: ignore (0), normalize (per vector) or keep")
    data: Literal["train", "test"] = param("train", url="ls.x", control="select")
    seed: int = param(0, url="ls.r", ge=0, le=2**31 - 1, control="number",
                      description="seed of the random directions")

    @model_validator(mode="after")
    def _check_grid(self) -> LandscapeSettings:
        if self.grid % 2 == 0:
            raise invalid("landscape_grid_odd", f"grid must be odd (got {self.grid}) so that "
                          "the trained network is the grid's centre", grid=self.grid,
                          field="grid")
        return self

    def bias_mode(self) -> BiasMode:
        return cast("BiasMode", self.bias)


class LandscapeView(LandscapeSettings):
    """The landscape panel's link state: the slice settings, the view shown and the second run
    of the interpolation."""

    view: Literal["slice", "pca", "interpolate", "sharpness"] = param(
        "slice", url="ls.v", control="none")
    other: Literal["initial", "seed", "config", "link"] = param(
        "initial", url="ls.o", control="select",
        description="the interpolation's second network: initial (from the initial network), "
                    "seed (this experiment with other_seed), config (this experiment with "
                    "other_optimizer, other_learning_rate, other_batch_size) or link (a pasted "
                    "/mlp link, kept out of the page's link)")
    other_seed: int = param(1, url="ls.os", ge=0, le=2**31 - 1, control="number",
                            description="other = seed: the second run's seed")
    other_optimizer: OptimizerName = param("sgd", url="ls.oo", control="select",
                                           description="other = config: the second run's "
                                                       "optimizer (Keras defaults otherwise)")
    other_learning_rate: float = param(0.01, url="ls.ol", ge=MIN_LEARNING_RATE,
                                       le=MAX_LEARNING_RATE, control="number",
                                       description="other = config: its learning rate")
    other_batch_size: int = param(10, url="ls.ob", ge=1, le=MAX_BATCH, control="number",
                                  description="other = config: its batch size")


def _evaluated(experiment: MlpExperiment, data: str) -> int:
    size = experiment.dataset.size()
    n_train = max(1, int(size * experiment.dataset.train_ratio))
    return n_train if data == "train" else max(1, size - n_train)


class LandscapeRequest(LandscapeSettings):
    """A slice of the loss around the trained network of ``experiment``."""

    experiment: MlpExperiment = param(MlpExperiment, url="")

    @model_validator(mode="after")
    def _check_work(self) -> LandscapeRequest:
        if self.work() > MAX_LANDSCAPE_WORK:
            raise invalid("landscape_too_large",
                          f"grid points × samples × weights = {self.work():,} exceeds "
                          f"{MAX_LANDSCAPE_WORK:,}; use a coarser grid, fewer samples or a "
                          "smaller network", work=self.work(), max=MAX_LANDSCAPE_WORK,
                          field="grid")
        return self

    def work(self) -> int:
        points = self.grid ** self.dims + (2 * MAX_SNAPSHOTS if self.mode == "pca" else 0)
        return points * _evaluated(self.experiment, self.data) * self.experiment.weights()


class InterpolateRequest(BaseModel):
    """L((1 − α) θ_a + α θ_b) from the initial to the trained network, or between two runs."""

    model_config = _STRICT

    experiment: MlpExperiment = param(MlpExperiment, url="")
    other: MlpExperiment | None = param(
        None, url="", description="a second run on the same data and network (another seed, "
                                  "batch size or optimizer); null: from the initial network")
    other_link: str | None = param(
        None, url="", max_length=MAX_URL_LENGTH,
        description="instead of other: an /mlp link (full, app-relative or a short link "
                    "/s/<code>) whose experiment is the second run; the server reads it")
    points: int = param(401, url="ls.ip", ge=2, le=MAX_INTERPOLATION_POINTS)
    range: tuple[Alpha, Alpha] = param(ALPHA_RANGE, url="ls.ir", control="none",
                                       description="[α_min, α_max] within [−0.5, 1.5]")

    @model_validator(mode="after")
    def _check(self) -> InterpolateRequest:
        lo, hi = self.range
        if not (ALPHA_RANGE[0] <= lo < hi <= ALPHA_RANGE[1]):
            raise invalid("interpolate_range", f"range must be increasing within "
                          f"[{ALPHA_RANGE[0]}, {ALPHA_RANGE[1]}] (got [{lo}, {hi}])",
                          field="range")
        if self.other is not None and self.other_link is not None:
            raise invalid("interpolate_two_others", "give other or other_link, not both",
                          field="other_link")
        if self.other is not None:
            error = other_error(self.experiment, self.other, "other")
            if error is not None:
                raise error
        work = self.points * _evaluated(self.experiment, "train") * self.experiment.weights()
        if work > MAX_LANDSCAPE_WORK:
            raise invalid("landscape_too_large",
                          f"points × samples × weights = {work:,} exceeds "
                          f"{MAX_LANDSCAPE_WORK:,}", work=work, max=MAX_LANDSCAPE_WORK,
                          field="points")
        return self


def _network(experiment: MlpExperiment) -> tuple[object, ...]:
    """What two runs on the same data must share to be interpolated: features, shapes, loss."""
    return (tuple(experiment.features), experiment.resolved_loss(),
            tuple((layer.units, layer.batch_normalization) for layer in experiment.layers))


def other_error(experiment: MlpExperiment, other: MlpExperiment,
                field: str) -> PydanticCustomError | None:
    """Why ``other`` cannot be the interpolation's second run (None: it can): it must train on
    the same data, then have the same features, layers and loss."""
    if other.dataset != experiment.dataset:
        return invalid("interpolate_same_data", "the second run must use the same data "
                       "(dataset, samples, noise, split and data seed)", field=field)
    if _network(other) != _network(experiment):
        return invalid("interpolate_same_network",
                       "the other run must use the same data, features, layers and loss",
                       field=field)
    return None


class SharpnessRequest(BaseModel):
    """λ_max of the training loss' Hessian along the training, against 2/η."""

    model_config = _STRICT

    experiment: MlpExperiment = param(MlpExperiment, url="")
    measurements: int = param(60, url="ls.sm", ge=2, le=MAX_SHARPNESS_EPOCHS,
                              description="epochs measured, evenly spread (the first and "
                                          "last included)")

    @model_validator(mode="after")
    def _check_work(self) -> SharpnessRequest:
        if self.work() > MAX_SHARPNESS_WORK:
            raise invalid("sharpness_too_large",
                          f"measurements × 40 gradients × samples × weights = {self.work():,} "
                          f"exceeds {MAX_SHARPNESS_WORK:,}; measure fewer epochs or use a "
                          "smaller network", work=self.work(), max=MAX_SHARPNESS_WORK,
                          field="measurements")
        return self

    def work(self) -> int:
        epochs = min(self.measurements, self.experiment.epochs + 1)
        return (epochs * LANCZOS_GRADIENTS * _evaluated(self.experiment, "train")
                * self.experiment.weights())


def read_landscape_panel(query: Mapping[str, str]) -> tuple[LandscapeView | None, list[Notice]]:
    """The MLP page's loss-landscape panel a link opens, and the notices of the values it could
    not use (None: the link has no panel key)."""
    panel = panel_query(query)
    if not panel:
        return None, []
    return decode(LandscapeView, panel, LandscapeView())
