"""The canonical spelling of a page link: the same experiment always gives the same text.

A link is accepted only if it is app-relative and names a page (``/surface?…``): no scheme, no
host, no ``//`` or backslash (browsers read ``/\\evil`` as ``//evil``), no control characters,
at most ``MAX_URL_LENGTH`` characters. Its query is decoded with the page's experiment model
(leniently, as the page does: bad values fall back, unknown keys are dropped) and written back
with :func:`app.schema.url_codec.encode`, which writes every field, defaults included; the view
keys (``VIEW_KEYS``: language, hidden panels, presentation…) are kept as they are, sorted.
So key order, omitted defaults and ``/`` vs ``/surface`` do not change the canonical link.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

from pydantic import BaseModel

from app.schema.page_links import VIEW_KEYS
from app.schema.url_codec import encode

MAX_URL_LENGTH = 8192


@dataclass(frozen=True)
class PageLink:
    """How one page reads its link: the link's parameters -> the experiment it opens, with
    every hyperparameter filled in (so omitted defaults do not change the canonical link)."""

    path: str
    read: Callable[[Mapping[str, str]], BaseModel]
    panel: Callable[[Mapping[str, str]], list[tuple[str, str]]] | None = None
    """The page's panel keys (the MLP page's ``ls.*``), canonical, or [] when the link has
    none."""


class LinkError(ValueError):
    """Why a link cannot be shortened (a reason a person can act on)."""


def split_app_link(url: str, paths: Mapping[str, PageLink]) -> tuple[PageLink, str]:
    """The page an app-relative link names and its raw query; LinkError otherwise."""
    if len(url) > MAX_URL_LENGTH:
        raise LinkError(f"the link is longer than {MAX_URL_LENGTH} characters")
    if any(ord(c) < 0x20 or c in "\\\x7f" for c in url):
        raise LinkError("the link contains control characters or a backslash")
    if not url.startswith("/") or url.startswith("//"):
        raise LinkError("only links to this app's pages are accepted (start with '/', "
                        "no scheme or host)")
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        raise LinkError("only links to this app's pages are accepted")
    page = paths.get(parts.path)
    if page is None:
        pages = sorted({path if path.count("/") < 2 else path.rsplit("/", 1)[0] + "/<id>"
                        for path in paths})
        raise LinkError(f"{parts.path[:60]!r} is not a page of this app; use one of "
                        f"{', '.join(pages)}")
    return page, parts.query


def read_experiment(url: str, paths: Mapping[str, PageLink]) -> tuple[
        PageLink, BaseModel, dict[str, str]]:
    """The page, the experiment a link opens (normalized) and the link's raw parameters."""
    page, raw_query = split_app_link(url, paths)
    query = dict(parse_qsl(raw_query, keep_blank_values=True))
    return page, page.read(query), query


def canonical_link(url: str, paths: Mapping[str, PageLink]) -> str:
    """The canonical spelling of ``url`` (see the module docstring); LinkError if refused."""
    page, experiment, query = read_experiment(url, paths)
    pairs = encode(experiment) + (page.panel(query) if page.panel else [])
    pairs += [(key, query[key]) for key in VIEW_KEYS if query.get(key)]
    return f"{page.path}?{urlencode(pairs, safe=',')}"
