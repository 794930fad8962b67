"""A step's link read exactly as its page reads it (the same decoders, the same notices)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from pydantic import BaseModel

from app.lessons.model import Step
from app.schema.map_experiment import MapExperiment
from app.schema.mlp_experiment import MlpExperiment
from app.schema.page_links import VIEW_KEYS, read_surface_link
from app.schema.served import page_default_mlp
from app.schema.surface_experiment import SurfaceView
from app.schema.url_codec import Notice, decode, encode


def step_query(step: Step) -> dict[str, str]:
    """The step link's parameters (a repeated key keeps its last value, as the pages do)."""
    return dict(parse_qsl(step.query, keep_blank_values=True))


def read_step(step: Step) -> tuple[BaseModel, list[Notice]]:
    """The experiment the step's page opens, and the notices the page would show."""
    query = step_query(step)
    if step.page == "surface":
        experiment, notices = read_surface_link(query)
        view_query = {k: v for k, v in query.items() if k in VIEW_KEYS}
        _, view_notices = decode(SurfaceView, view_query, SurfaceView())
        return experiment.resolved(), notices + view_notices
    if step.page == "mlp":
        return decode(MlpExperiment, query, page_default_mlp(), ignore=VIEW_KEYS)
    return decode(MapExperiment, query, MapExperiment(), ignore=VIEW_KEYS)


def step_url(step: Step, lang: str) -> str:
    """The step's full link in ``lang``: every field of its experiment written by the codec
    (as a shared link is), its view keys, and its hidden controls."""
    experiment, _ = read_step(step)
    query = step_query(step)
    view = [(key, query[key]) for key in ("sp", "view") if key in query]
    hide = [("hide", ",".join(step.hide))] if step.hide else []
    pairs = [("lang", lang), *encode(experiment), *view, *hide]
    return f"/{step.page}?{urlencode(pairs, safe=',')}"
