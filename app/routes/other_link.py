"""The interpolation's second run given as a pasted /mlp link: full (``http://host/mlp?…``),
app-relative (``/mlp?…``) or short (``/s/<code>``, read from the short-link store). The
experiment is read exactly as the short-link canonicalizer reads an /mlp link."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi.exceptions import RequestValidationError

from app.routes.short_links import PAGE_LINKS, SHORT_PREFIX
from app.schema.mlp_experiment import MlpExperiment
from app.shortlinks.canonical import LinkError, read_experiment
from app.shortlinks.store import ShortLinkStore


def _refused(english: str) -> RequestValidationError:
    error: dict[str, Any] = {"loc": ("body", "other_link"), "type": "interpolate_link",
                             "ctx": {"field": "other_link"},
                             "msg": f"other_link: {english}"}
    return RequestValidationError([error])


def read_other_link(link: str, store: ShortLinkStore) -> MlpExperiment:
    """The experiment of an /mlp link (a short link resolved first); a coded 422 otherwise
    (``interpolate_link``: not an /mlp link of this app, or an unknown short code)."""
    parts = urlsplit(link.strip())
    url = parts.path + (f"?{parts.query}" if parts.query else "")
    if parts.path.startswith(SHORT_PREFIX):
        stored = store.resolve(parts.path[len(SHORT_PREFIX):])
        if stored is None:
            raise _refused("no short link has this code")
        url = stored
    try:
        page, experiment, _ = read_experiment(url, PAGE_LINKS)
    except LinkError as error:
        raise _refused(str(error)) from None
    if page.path != "/mlp" or not isinstance(experiment, MlpExperiment):
        raise _refused("the link does not open the MLP page")
    return experiment
