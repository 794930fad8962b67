"""The Jinja2 environment the exporters render the scripts with, and the exporter tables.

Templates live in ``app/export/templates`` (shipped in the wheel as package data): the two
scripts, and the snippets the tables name (Keras schedule classes, torch optimizer classes, torch
helpers). Rendering is strict: a variable a template uses and the exporter does not pass raises.
Comments and docstrings are prose in the request's language: every template has ``t(key,
**params)`` (the catalogs' ``script.*`` strings) and the filters ``wrap`` (a paragraph wrapped
for a docstring) and ``comment`` (a paragraph as ``#`` lines); the code itself never changes with
the language.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Mapping
from functools import cache, partial
from typing import Any, TypeVar

from jinja2 import Environment, PackageLoader, StrictUndefined

from app.export.payload import SCRIPT_LANGUAGE, comment, py_call, py_float
from app.i18n.catalog import translate

T = TypeVar("T")
WIDTH = 96


def wrap(text: str, indent: str = "", first: int = 0, width: int = WIDTH) -> str:
    """``text`` wrapped at ``width`` columns, every line after the first indented by ``indent``
    (the template writes the first line's indent and ``first`` more characters, e.g. the quotes
    opening a docstring, itself)."""
    lead = " " * (len(indent) + first)
    return "\n".join(textwrap.wrap(text, width, initial_indent=lead,
                                   subsequent_indent=indent)).lstrip()


def note_item(text: str) -> str:
    """One "- …" item of the torch script's list of differences from torch.optim."""
    return wrap("- " + text, "  ")


@cache
def environment(lang: str) -> Environment:
    """The templates' environment for comments in ``lang``."""
    env = Environment(
        loader=PackageLoader("app.export", "templates"),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(py_call=py_call, py_float=py_float, t=partial(translate, lang))
    env.filters.update(wrap=wrap, comment=lambda text, indent="": comment(text, indent).strip())
    return env


def render(template: str, lang: str = SCRIPT_LANGUAGE, **context: Any) -> str:
    """The template ``template`` (a path under app/export/templates) rendered with ``context``,
    its comments in ``lang``."""
    return environment(lang).get_template(template).render(**context)


def render_macro(template: str, macro: str, lang: str = SCRIPT_LANGUAGE, **arguments: Any) -> str:
    """``{% macro <macro>(...) %}`` of ``template`` called with ``arguments``."""
    return str(getattr(environment(lang).get_template(template).module, macro)(**arguments))


class MissingExporter(LookupError):
    """A registry name that an exporter table does not know (a programming error: add it)."""


class ExportTable(Mapping[str, T]):
    """Registry name -> exporter entry; an unknown name raises ``MissingExporter`` saying which
    table to extend."""

    def __init__(self, what: str, where: str, entries: Mapping[str, T]) -> None:
        self.what = what
        self.where = where
        self._entries = dict(entries)

    def __getitem__(self, name: str) -> T:
        try:
            return self._entries[name]
        except KeyError:
            raise MissingExporter(
                f"No exporter for {self.what} {name!r}: add an entry to {self.where}"
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)
