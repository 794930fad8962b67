"""Every UI string lives in ``es/*.json`` and ``en/*.json`` under the same keys (one file per
area of the app: ``common``, ``surface``, ``mlp``, ``map``; a key may appear in one file only).

The server renders templates with :func:`translate`; the page receives the whole catalog of its
language as a JSON data block and looks strings up by key. A test checks both files have the same
keys, so no string exists in one language only.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGUAGES = ("es", "en")
DEFAULT_LANGUAGE = "es"
_HERE = Path(__file__).parent


@cache
def catalog(lang: str) -> dict[str, str]:
    """The strings of one language (``es`` or ``en``)."""
    if lang not in LANGUAGES:
        raise KeyError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    data: dict[str, str] = {}
    for path in sorted((_HERE / lang).glob("*.json")):
        part: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
        repeated = sorted(set(part) & set(data))
        if repeated:
            raise ValueError(f"{path.name} repeats keys of another {lang} file: {repeated[:5]}")
        data.update(part)
    return data


def translate(lang: str, key: str, **params: object) -> str:
    """The string ``key`` in ``lang`` with ``{name}`` placeholders filled; the key if missing."""
    text = catalog(lang).get(key, key)
    return text.format(**params) if params else text


def negotiate(query_lang: str | None, accept_language: str | None) -> str:
    """``?lang=`` wins; else the first supported language in Accept-Language; else Spanish."""
    if query_lang in LANGUAGES:
        return query_lang
    if accept_language:
        weighted: list[tuple[float, str]] = []
        for part in accept_language.split(",")[:20]:
            tag, _, q = part.strip().partition(";q=")
            try:
                weight = float(q) if q else 1.0
            except ValueError:
                weight = 0.0
            weighted.append((weight, tag.strip().lower()[:2]))
        for _, tag in sorted(weighted, key=lambda item: -item[0]):
            if tag in LANGUAGES:
                return tag
    return DEFAULT_LANGUAGE
