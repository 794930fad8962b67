"""The schema documents the pages read: the controls to draw, the optimizers' Keras facts and the
default experiment with its link. Served by ``GET /api/schema/{surface,mlp,map}`` and embedded
in each page's data block; both call the builders here, never each other's handlers.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from app.core.optimizers import DEFAULTS
from app.schema.controls import describe, optimizer_catalog
from app.schema.labs import ActivationLab, InitLab, argument_owners
from app.schema.landscape import LandscapeView
from app.schema.map_experiment import MapExperiment
from app.schema.mlp_experiment import MlpExperiment
from app.schema.mlp_rules import mlp_rules
from app.schema.surface_experiment import (
    SurfaceExperiment,
    SurfaceView,
    page_default_experiment,
)
from app.schema.surface_rules import custom_formula
from app.schema.url_codec import encode

Control = dict[str, Any]
"""One control as :func:`app.schema.controls.describe` writes it (type, default, bounds, key…)."""
LinkPair = Annotated[list[str], Field(min_length=2, max_length=2)]
"""``[key, value]`` of a link (a list, not a tuple: nested ``prefixItems`` trip up OpenAPI
tools)."""


class _Served(BaseModel):
    model_config = ConfigDict(extra="forbid")

    experiment: list[Control]
    """The controls of the experiment, in the schema's order."""
    default: dict[str, Any]
    """The default experiment, as JSON."""
    default_query: list[LinkPair]
    """The default experiment's link, as ordered (key, value) pairs."""


class SurfaceSchema(_Served):
    """What the surface page draws: experiment and view controls, the optimizers' facts."""

    view: list[Control]
    optimizers: dict[str, dict[str, Any]]
    custom: dict[str, Any]
    """A typed formula's example, default window and start (one declaration, in the core)."""


class MlpSchema(_Served):
    """What the MLP page draws, the optimizers' facts and which hyperparameters each takes."""

    optimizers: dict[str, dict[str, Any]]
    hyperparameters: dict[str, list[str]]
    rules: dict[str, Any]
    """The rules the server owns (:func:`app.schema.mlp_rules.mlp_rules`)."""
    landscape: list[Control]
    """The loss-landscape panel's controls and link keys (``ls.*``)."""


class MapSchema(_Served):
    """What the map page draws, the default map and the typed formula's defaults."""

    custom: dict[str, Any]


class ActivationsSchema(_Served):
    """What the activation lab draws; ``arguments``: each Keras argument → its activation."""

    arguments: dict[str, str]


class InitSchema(_Served):
    """What the initializer lab draws (the two settings share the stack's size)."""


def _link(model: BaseModel, *more: BaseModel) -> list[list[str]]:
    return [list(pair) for part in (model, *more) for pair in encode(part)]


def page_default_mlp() -> MlpExperiment:
    """The network a fresh page shows: Playground's spiral, two tanh layers, Adam."""
    return MlpExperiment().model_copy(update={
        "optimizer": MlpExperiment().optimizer.resolved()})


def surface_schema() -> SurfaceSchema:
    """The surface page's controls, the optimizers' Keras facts and the default race."""
    default = page_default_experiment()
    return SurfaceSchema(
        experiment=describe(SurfaceExperiment), view=describe(SurfaceView),
        optimizers=optimizer_catalog(), custom=custom_formula(),
        default=default.model_dump(mode="json"), default_query=_link(default, SurfaceView()))


def mlp_schema() -> MlpSchema:
    """The MLP page's controls and the default network."""
    default = page_default_mlp()
    return MlpSchema(
        experiment=describe(MlpExperiment), optimizers=optimizer_catalog(),
        default=default.model_dump(mode="json"), default_query=_link(default),
        hyperparameters={name: sorted(d) for name, d in DEFAULTS.items()}, rules=mlp_rules(),
        landscape=describe(LandscapeView))


def map_schema() -> MapSchema:
    """The map page's controls and the default map."""
    default = MapExperiment()
    return MapSchema(experiment=describe(MapExperiment), default=default.model_dump(mode="json"),
                     default_query=_link(default), custom=custom_formula())


def activations_schema() -> ActivationsSchema:
    """The activation lab's controls and default state."""
    default = ActivationLab()
    return ActivationsSchema(experiment=describe(ActivationLab),
                             default=default.model_dump(mode="json"),
                             default_query=_link(default), arguments=argument_owners())


def init_schema() -> InitSchema:
    """The initializer lab's controls and default state."""
    default = InitLab()
    return InitSchema(experiment=describe(InitLab), default=default.model_dump(mode="json"),
                      default_query=_link(default))


SCHEMAS = {"surface": surface_schema, "mlp": mlp_schema, "map": map_schema,
           "activations": activations_schema, "init": init_schema}
"""Page name → its schema builder."""
