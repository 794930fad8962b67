"""Every UI string lives in ``es/*.json`` and ``en/*.json`` under the same keys (one file per
area of the app: ``common``, ``surface``, ``mlp``, ``map``; a key may appear in one file only).

The server renders templates with :func:`translate`; the page receives the whole catalog of its
language as a JSON data block and looks strings up by key. A test checks both files have the same
keys, so no string exists in one language only.
"""

from __future__ import annotations

import json
import re
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


def format_number(lang: str, value: float) -> str:
    """A number as the page's locale writes it (``Intl.NumberFormat``'s habits): Spanish
    ``0,01`` and ``250.000``, English ``0.01`` and ``250,000``; four-digit numbers are not
    grouped; very small or large magnitudes stay scientific (``1e-12``)."""
    text = str(int(value)) if isinstance(value, int) else f"{value:.12g}"
    text = re.sub(r"e([+-])0*(\d)", lambda m: "e" + m.group(1).replace("+", "") + m.group(2), text)
    if "e" in text or "n" in text:  # 1e-12, 1e+20, inf, nan: no grouping, no decimal comma
        return text.replace(".", ",") if lang == "es" else text
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, fraction = digits.partition(".")
    if len(whole) > 4:
        groups = [whole[max(i - 3, 0):i] for i in range(len(whole), 0, -3)][::-1]
        whole = ("." if lang == "es" else ",").join(groups)
    decimal = "," if lang == "es" else "."
    return sign + whole + (decimal + fraction if fraction else "")


def _shown(lang: str, value: object) -> object:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return format_number(lang, value)
    if isinstance(value, list | tuple):
        return ", ".join(str(_shown(lang, item)) for item in value)
    return value


class _Params(dict[str, object]):
    def __missing__(self, key: str) -> str:  # a missing parameter stays visible, never a crash
        return "{" + key + "}"


def translate(lang: str, key: str, **params: object) -> str:
    """The string ``key`` in ``lang`` with ``{name}`` placeholders filled, numbers in the
    language's convention (:func:`format_number`); the key itself if missing."""
    text = catalog(lang).get(key, key)
    if not params:
        return text
    shown = _Params({name: _shown(lang, value) for name, value in params.items()})
    try:
        return text.format_map(shown)
    except (ValueError, IndexError, AttributeError):  # a stray brace in a template
        return text


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
