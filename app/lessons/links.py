"""A step's link read exactly as its page reads it (the same decoders, the same notices)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from pydantic import BaseModel

from app.lessons.model import Step
from app.schema.labs import ActivationLab, InitLab
from app.schema.landscape import LandscapeView, read_landscape_panel
from app.schema.map_experiment import MapExperiment
from app.schema.mlp_experiment import MlpExperiment
from app.schema.page_links import (
    SURFACE_VIEW_KEYS,
    VIEW_KEYS,
    panel_query,
    read_surface_link,
)
from app.schema.served import page_default_mlp
from app.schema.surface_experiment import SurfaceView
from app.schema.url_codec import Notice, decode, encode

LABS: dict[str, type[ActivationLab] | type[InitLab]] = {
    "activations": ActivationLab, "init": InitLab}
"""The labs' pages and the state each reads from its link."""
SHOWN_VIEW_KEYS = tuple(key for key in SURFACE_VIEW_KEYS if key != "hide")
"""The surface view's keys a step's link carries as written (speed, contour/3D, the anatomy's
run, update and ghost path); ``hide`` is the step's own list."""


def step_number(raw: str | None, total: int) -> tuple[int, list[dict[str, Any]]]:
    """The 1-based step a lesson page's link asks for (``?step=k``, of ``total``); a bad one
    opens step 1 with a notice. The page and its short link read it alike."""
    if raw is None:
        return 1, []
    if raw.isdigit() and 1 <= int(raw) <= total:
        return int(raw), []
    return 1, [{"key": "step", "value": raw[:40], "code": "lessons.bad_step",
                "params": {"total": total}}]


def step_query(step: Step) -> dict[str, str]:
    """The step link's parameters (a repeated key keeps its last value, as the pages do)."""
    return dict(parse_qsl(step.query, keep_blank_values=True))


def read_panel(step: Step) -> tuple[LandscapeView | None, list[Notice]]:
    """The MLP page's loss-landscape panel the step opens (None: the link names none)."""
    return read_landscape_panel(step_query(step)) if step.page == "mlp" else (None, [])


def read_step(step: Step) -> tuple[BaseModel, list[Notice]]:
    """The experiment the step's page opens, and the notices the page would show."""
    query = step_query(step)
    if step.page == "surface":
        experiment, notices = read_surface_link(query)
        view_query = {k: v for k, v in query.items() if k in VIEW_KEYS}
        _, view_notices = decode(SurfaceView, view_query, SurfaceView())
        return experiment.resolved(), notices + view_notices
    if step.page == "mlp":
        network, notices = decode(MlpExperiment, query, page_default_mlp(),
                                  ignore=(*VIEW_KEYS, *panel_query(query)))
        return network, notices + read_panel(step)[1]
    if step.page in LABS:
        lab = LABS[step.page]
        return decode(lab, query, lab(), ignore=VIEW_KEYS)
    return decode(MapExperiment, query, MapExperiment(), ignore=VIEW_KEYS)


def step_url(step: Step, lang: str) -> str:
    """The step's full link in ``lang``: every field of its experiment written by the codec
    (as a shared link is), its view keys, its panel's state and its hidden controls."""
    experiment, _ = read_step(step)
    query = step_query(step)
    view = [(key, query[key]) for key in SHOWN_VIEW_KEYS if key in query]
    panel, _ = read_panel(step)
    panel_pairs = encode(panel) if panel is not None else []
    hide = [("hide", ",".join(step.hide))] if step.hide else []
    pairs = [("lang", lang), *encode(experiment), *view, *panel_pairs, *hide]
    return f"/{step.page}?{urlencode(pairs, safe=',')}"
