"""The registries are the source of truth: every name in every core registry is accepted by the
API, survives a link, is offered by the served menus and (MLP names) is exportable; and the bound
the schema enforces on each optimizer hyperparameter is the one its catalogue entry declares.

A name added to a registry but unreachable anywhere fails here ("green while unreachable").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError

from app.core.datasets import DATASETS
from app.core.features import FEATURES
from app.core.nn.activations import HIDDEN_ACTIVATIONS
from app.core.nn.initializers import OFFERED_INITIALIZERS
from app.core.nn.losses import LOSSES, OFFERED_LOSSES
from app.core.nn.regularizers import REGULARIZERS
from app.core.optimizers import OPTIMIZERS
from app.core.schedules import SCHEDULES
from app.core.surfaces import SURFACES
from app.main import app
from app.schema.map_experiment import MapExperiment
from app.schema.mlp_experiment import UPLOADED, MlpExperiment
from app.schema.optimizer_spec import HYPERPARAMETERS, OptimizerSpec
from app.schema.surface_experiment import CUSTOM, SurfaceExperiment
from app.schema.url_codec import decode, encode

client = TestClient(app)
CSV_POINTS = [[float(i % 5), float(i // 5), float(i % 2)] for i in range(20)]


def _mlp(**update: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"dataset": {"name": "circle", "samples": 20}, "epochs": 1,
                            "batch_size": 10, "grid": 10, "layers": [{"units": 2}]}
    for path, value in update.items():
        node = body
        *parents, leaf = path.split(".")
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
        node[leaf] = value
    return body


def _surface(**update: Any) -> dict[str, Any]:
    run = {"optimizer": "adam", **update.pop("run", {})}
    return {"steps": 2, "runs": [run], **update}


def _map(optimizer: str = "adam", **update: Any) -> dict[str, Any]:
    entry = OPTIMIZERS[optimizer]
    second = next(k for k in entry.bounds if k != "learning_rate")
    low, high = [v for v in (1e-3, 1e-2, 0.1, 0.5) if entry.bounds[second].contains(v)][:2]
    return {"optimizer": {"optimizer": optimizer}, "second": second, "second_min": low,
            "second_max": high, "nx": 2, "ny": 2, "steps": 2, **update}


def _loss_body(loss: str) -> dict[str, Any]:
    dataset = next(n for n, info in DATASETS.items() if info.task in LOSSES[loss].tasks)
    return _mlp(**{"dataset.name": dataset, "loss": loss})


# registry -> (names, page, body builder, field path in the served schema)
Case = tuple[str, str, Callable[[str], dict[str, Any]], tuple[str, ...]]
CASES: list[Case] = []
CASES += [(n, "surface", lambda n: _surface(run={"optimizer": n}), ("runs", "optimizer"))
          for n in OPTIMIZERS]
CASES += [(n, "map", lambda n: _map(n), ("optimizer", "optimizer")) for n in OPTIMIZERS]
CASES += [(n, "mlp", lambda n: _mlp(**{"optimizer.optimizer": n}), ("optimizer", "optimizer"))
          for n in OPTIMIZERS]
CASES += [(n, "surface", lambda n: _surface(run={"schedule": {"name": n}}),
           ("runs", "schedule", "name")) for n in SCHEDULES]
CASES += [(n, "mlp", lambda n: _mlp(**{"optimizer.schedule": {"name": n}}),
           ("optimizer", "schedule", "name")) for n in SCHEDULES]
SURFACE_NAMES = [*SURFACES, CUSTOM]


def _surface_choice(n: str) -> dict[str, Any]:
    return {"surface": n, **({"expression": "x^2 + y^2"} if n == CUSTOM else {})}


CASES += [(n, "surface", lambda n: _surface(**_surface_choice(n)), ("surface",))
          for n in SURFACE_NAMES]
CASES += [(n, "map", lambda n: _map(**_surface_choice(n)), ("surface",)) for n in SURFACE_NAMES]
CASES += [(n, "mlp", lambda n: _mlp(**{"layers.0.activation": n}), ("layers", "activation"))
          for n in HIDDEN_ACTIVATIONS]
CASES += [(n, "mlp", lambda n: _mlp(**{"layers.0.kernel_initializer": n}),
           ("layers", "kernel_initializer")) for n in OFFERED_INITIALIZERS]
CASES += [(n, "mlp", lambda n: _mlp(**{"layers.0.kernel_regularizer": {"name": n}}),
           ("layers", "kernel_regularizer", "name")) for n in REGULARIZERS]
CASES += [(n, "mlp", lambda n: _mlp(features=[n]), ("features",)) for n in FEATURES]
CASES += [(n, "mlp", _loss_body, ("loss",)) for n in OFFERED_LOSSES]
CASES += [(n, "mlp", lambda n: _mlp(**{"dataset.name": n}), ("dataset", "name"))
          for n in DATASETS]
CASES.append((UPLOADED, "mlp",
              lambda n: _mlp(dataset={"name": n, "points": CSV_POINTS}), ("dataset", "name")))

MODELS: dict[str, type[BaseModel]] = {
    "surface": SurfaceExperiment, "map": MapExperiment, "mlp": MlpExperiment}
RUN = {"surface": "/api/surface/run", "map": "/api/map/run", "mlp": "/api/mlp/run"}
SCHEMA = {"surface": "/api/schema/surface", "map": "/api/map/schema", "mlp": "/api/mlp/schema"}
IDS = [f"{page}-{'.'.join(path)}-{name}" for name, page, _, path in CASES]


def _options(fields: list[dict[str, Any]], path: tuple[str, ...]) -> list[Any]:
    field = next(f for f in fields if f["name"] == path[0])
    if len(path) == 1:
        return field.get("options") or []
    return _options(field["fields"], path[1:])


@pytest.fixture(scope="module")
def schemas() -> dict[str, dict[str, Any]]:
    return {page: client.get(url).json() for page, url in SCHEMA.items()}


@pytest.mark.parametrize(("name", "page", "body", "path"), CASES, ids=IDS)
def test_every_registry_name_is_accepted_by_the_api(name, page, body, path) -> None:
    response = client.post(RUN[page], json=body(name))
    assert response.status_code == 200, response.text[:500]


NOT_IN_LINKS = {UPLOADED: "uploaded points (up to 2000 rows) do not travel in a link"}


@pytest.mark.parametrize(("name", "page", "body", "path"), CASES, ids=IDS)
def test_every_registry_name_survives_a_link(name, page, body, path) -> None:
    if name in NOT_IN_LINKS:
        pytest.skip(NOT_IN_LINKS[name])
    model = MODELS[page].model_validate(body(name))
    decoded, notices = decode(MODELS[page], dict(encode(model)), MODELS[page]())
    assert notices == []
    assert decoded == model


@pytest.mark.parametrize(("name", "page", "body", "path"), CASES, ids=IDS)
def test_every_registry_name_is_offered_by_the_served_menu(name, page, body, path,
                                                            schemas) -> None:
    assert name in _options(schemas[page]["experiment"], path)


MLP_CASES = [c for c in CASES if c[1] == "mlp"]


@pytest.mark.parametrize("kind", ["keras", "torch"])
@pytest.mark.parametrize(("name", "page", "body", "path"), MLP_CASES,
                         ids=[i for i, c in zip(IDS, CASES, strict=True) if c[1] == "mlp"])
def test_every_mlp_name_is_exportable(name, page, body, path, kind) -> None:
    response = client.post(f"/api/mlp/export/{kind}", json=body(name))
    assert response.status_code == 200, response.text[:500]


def test_every_hyperparameter_of_the_catalogue_is_a_schema_field() -> None:
    assert set(HYPERPARAMETERS) <= set(OptimizerSpec.model_fields)


def test_optimizer_colours_are_distinct_hex_colours() -> None:
    colours = [e.colour.lower() for e in OPTIMIZERS.values()]
    assert len(set(colours)) == len(colours)
    assert all(len(c) == 7 and c[0] == "#" and int(c[1:], 16) >= 0 for c in colours)


def _probes(bound: dict[str, float]) -> list[float]:
    """Each finite end of the bound, and a hair inside and outside it."""
    out = []
    for end in bound.values():
        hair = 1e-9 * max(1.0, abs(end))
        out += [end - hair, end, end + hair]
    return out


BOUND_CASES = [(name, hp) for name, e in OPTIMIZERS.items() for hp in e.bounds]


@pytest.mark.parametrize(("name", "hyper"), BOUND_CASES,
                         ids=[f"{n}-{h}" for n, h in BOUND_CASES])
def test_schema_core_and_catalogue_bounds_agree(name: str, hyper: str) -> None:
    entry = OPTIMIZERS[name]
    bound = entry.bounds[hyper]
    assert bound.as_dict(), f"{name}.{hyper} has no bound"
    for value in _probes(bound.as_dict()):
        inside = bool(bound.contains(value))
        try:
            OptimizerSpec.model_validate({"optimizer": name, hyper: value})
            schema_ok = True
        except ValidationError as error:
            schema_ok = False
            assert error.errors()[0]["loc"] == (hyper,)
        try:
            entry.factory(**{hyper: value})
            core_ok = True
        except ValueError:
            core_ok = False
        assert (schema_ok, core_ok) == (inside, inside), f"{name}.{hyper} = {value!r}"


def test_map_axis_outside_the_optimizers_bound_is_a_422_on_the_field() -> None:
    response = client.post("/api/map/run", json={"optimizer": {"optimizer": "lion"}})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert any(d["loc"][-1] == "second_min" and "beta_1" in d["msg"] for d in detail)


def test_served_optimizer_bounds_are_the_catalogues(schemas) -> None:
    for page in ("surface", "mlp"):
        served = schemas[page]["optimizers"]
        for name, entry in OPTIMIZERS.items():
            assert served[name]["bounds"] == {k: b.as_dict() for k, b in entry.bounds.items()}
            assert np.isclose(served[name]["page_learning_rate"], entry.page_learning_rate)
