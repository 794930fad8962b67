"""The schema documents the pages read, at ``/api/schema/{page}``.

``/api/mlp/schema`` and ``/api/map/schema`` are the older paths of two of them; they still answer
(links and scripts may use them) but are left out of the OpenAPI description.
"""

from __future__ import annotations

from fastapi import APIRouter

from app.schema.served import (
    ActivationsSchema,
    InitSchema,
    MapSchema,
    MlpSchema,
    SurfaceSchema,
    activations_schema,
    init_schema,
    map_schema,
    mlp_schema,
    surface_schema,
)

router = APIRouter(prefix="/api", tags=["schema"])


@router.get("/schema/surface", response_model=SurfaceSchema)
async def get_surface_schema() -> SurfaceSchema:
    """The controls the surface page draws, the optimizers' Keras facts and the default race."""
    return surface_schema()


@router.get("/schema/mlp", response_model=MlpSchema)
@router.get("/mlp/schema", response_model=MlpSchema, include_in_schema=False)
async def get_mlp_schema() -> MlpSchema:
    """The controls the MLP page draws and the default experiment."""
    return mlp_schema()


@router.get("/schema/map", response_model=MapSchema)
@router.get("/map/schema", response_model=MapSchema, include_in_schema=False)
async def get_map_schema() -> MapSchema:
    """The controls the map page draws and the default map."""
    return map_schema()


@router.get("/schema/activations", response_model=ActivationsSchema)
async def get_activations_schema() -> ActivationsSchema:
    """The controls the activation lab draws, which activation takes each argument, and the
    default state."""
    return activations_schema()


@router.get("/schema/init", response_model=InitSchema)
async def get_init_schema() -> InitSchema:
    """The controls the initializer lab draws and the default pair of settings."""
    return init_schema()
