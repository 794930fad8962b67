"""The OpenAPI description tells the truth: every status a route answers, a response model for
every JSON body, and the validators' bounds."""

from __future__ import annotations

import math
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from app.schema.map_experiment import MapExperiment
from app.schema.mlp_experiment import MlpExperiment
from app.schema.optimizer_spec import OptimizerSpec
from app.schema.surface_experiment import SurfaceExperiment

BODY_ROUTES = ["/api/surface/run", "/api/mlp/run", "/api/map/run", "/api/mlp/export/keras",
               "/api/mlp/export/torch", "/api/surface/export/csv", "/api/mlp/export/csv",
               "/api/short", "/api/surface/explain", "/api/schedule", "/api/surface/tune",
               "/api/activations", "/api/init/propagate", "/api/mlp/lr_find",
               "/api/activations/lab"]


@pytest.fixture
def openapi(client) -> dict[str, Any]:
    return client.get("/openapi.json").json()


def _operations(openapi: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, ops in openapi["paths"].items()
            for method, op in ops.items()]


def test_every_route_declares_what_its_success_answer_is(openapi):
    for method, path, op in _operations(openapi):
        content = op["responses"]["200"]["content"]
        assert len(content) == 1, (method, path, content)
        (media, spec), = content.items()
        schema = spec["schema"]
        if media == "application/json":
            assert "$ref" in schema or "items" in schema, (method, path, schema)
        else:
            assert media in ("text/x-python", "text/csv", "image/svg+xml"), (method, path)
            assert schema == {"type": "string"}, (method, path)


@pytest.mark.parametrize("path", BODY_ROUTES)
def test_json_body_routes_declare_400_and_422(openapi, path):
    responses = openapi["paths"][path]["post"]["responses"]
    assert {"400", "422"} <= set(responses)
    for status in ("400", "422"):
        ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith("/ErrorOut")


def test_csv_upload_declares_its_body_413_and_422(openapi):
    op = openapi["paths"]["/api/mlp/csv"]["post"]
    assert "text/csv" in op["requestBody"]["content"]
    assert {"200", "413", "422"} == set(op["responses"])


@pytest.mark.parametrize("path", BODY_ROUTES)
@pytest.mark.parametrize("body, content_type", [
    (b"{not json", "application/json"),
    (b'{"steps": 5', "application/json"),
    (b'{"steps": 5}', "text/plain"),
    (b"\xff\xfe{", "application/json"),
])
def test_a_body_that_is_not_json_is_400(client, path, body, content_type):
    response = client.post(path, content=body, headers={"content-type": content_type})
    assert response.status_code == 400, response.text
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["(body)"]
    assert errors[0]["message"]


def test_valid_json_the_schema_refuses_is_still_422(client):
    response = client.post("/api/surface/run", json=["not", "an", "object"])
    assert response.status_code == 422


def _property(openapi: dict[str, Any], model: str, field: str) -> dict[str, Any]:
    prop = openapi["components"]["schemas"][model]["properties"][field]
    numeric = [p for p in prop.get("anyOf", [prop]) if p.get("type") in ("number", "integer")]
    assert len(numeric) == 1, prop
    return numeric[0]


def _accepts(model: type[BaseModel], body: dict[str, Any]) -> bool:
    try:
        model.model_validate(body)
    except ValidationError:
        return False
    return True


def _nudge(value: float, direction: float, integer: bool) -> float:
    if integer:
        return value + direction
    return math.nextafter(value, direction * math.inf) if value else direction * 1e-300


# (model, a valid body around the field, field, which bounds to probe)
BOUNDED = [
    (OptimizerSpec, {"optimizer": "sgd"}, "learning_rate", ("lower", "upper")),
    (OptimizerSpec, {"optimizer": "sgd"}, "momentum", ("lower", "upper")),
    (OptimizerSpec, {"optimizer": "adam"}, "epsilon", ("lower", "upper")),
    (OptimizerSpec, {"optimizer": "adam"}, "beta_2", ("lower", "upper")),
    (SurfaceExperiment, {}, "steps", ("lower", "upper")),
    (MapExperiment, {}, "lr_min", ("lower",)),
    (MapExperiment, {}, "lr_max", ("upper",)),
    (MlpExperiment, {"epochs": 1}, "batch_size", ("lower",)),
]


@pytest.mark.parametrize("model, base, field, sides", BOUNDED,
                         ids=[f"{m.__name__}.{f}" for m, _, f, _ in BOUNDED])
def test_openapi_bounds_are_the_validators_bounds(openapi, model, base, field, sides):
    """At an inclusive bound the validator accepts and one step beyond it refuses; at an
    exclusive bound it refuses and one step inside accepts: the document and the code agree."""
    prop = _property(openapi, model.__name__, field)
    integer = prop["type"] == "integer"
    for side in sides:
        inclusive, exclusive = (("minimum", "exclusiveMinimum") if side == "lower"
                                else ("maximum", "exclusiveMaximum"))
        outward = -1.0 if side == "lower" else 1.0
        if inclusive in prop:
            bound = prop[inclusive]
            assert _accepts(model, {**base, field: bound}), (field, side, bound)
            assert not _accepts(model, {**base, field: _nudge(bound, outward, integer)})
        else:
            bound = prop[exclusive]
            assert not _accepts(model, {**base, field: bound}), (field, side, bound)
            assert _accepts(model, {**base, field: _nudge(bound, -outward, integer)})


def test_learning_rate_floor_is_in_the_document(openapi):
    assert _property(openapi, "OptimizerSpec", "learning_rate")["minimum"] == 1e-12


def test_schema_documents_live_at_uniform_paths(client, openapi):
    documented = {p for p in openapi["paths"] if p.startswith("/api/schema")}
    assert documented == {"/api/schema/surface", "/api/schema/mlp", "/api/schema/map",
                          "/api/schema/activations", "/api/schema/init"}
    for page in ("mlp", "map"):
        old = client.get(f"/api/{page}/schema")
        assert old.status_code == 200
        assert old.json() == client.get(f"/api/schema/{page}").json()
        assert f"/api/{page}/schema" not in openapi["paths"]
