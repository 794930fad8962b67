"""How a page reads its link, once for the page route and the short-link canonicalizer.

The experiment keys are decoded leniently with the page's model (bad values fall back to the
page's default with a notice); the view keys (``VIEW_KEYS``: language, hidden controls,
presentation, embedding, the surface's view) are not part of the experiment.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.schema.surface_experiment import SurfaceExperiment, SurfaceView, page_default_experiment
from app.schema.url_codec import Notice, decode, url_key

SURFACE_VIEW_KEYS = tuple(url_key(SurfaceView, name) for name in SurfaceView.model_fields)
"""The link keys of the surface page's view (speed, contour/3D, hidden controls, anatomy…)."""
VIEW_KEYS = tuple(sorted({"embed", "lang", "present", *SURFACE_VIEW_KEYS}))
"""Link keys that shape how a page looks, not what it computes."""
PANEL_PREFIX = "ls."
"""Link keys of a page's panel state (the MLP page's loss landscape), not of its experiment."""


def read_surface_link(query: Mapping[str, str]) -> tuple[SurfaceExperiment, list[Notice]]:
    """The race a surface link opens, and the notices of the values it could not use.

    The fallback's start belongs to the default surface: without a usable start of its own, a
    link begins at the default start of the surface it names."""
    experiment, notices = decode(SurfaceExperiment, dict(query), page_default_experiment(),
                                 ignore=VIEW_KEYS)
    if "x0" not in query or any(n.key == "x0" for n in notices):
        experiment = experiment.model_copy(update={"start": None})
    return experiment, notices


def panel_query(query: Mapping[str, str]) -> dict[str, str]:
    """The link's panel keys (``ls.*``), as given."""
    return {key: value for key, value in query.items() if key.startswith(PANEL_PREFIX)}

