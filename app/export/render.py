"""The Jinja2 environment the exporters render the scripts with, and the exporter tables.

Templates live in ``app/export/templates`` (shipped in the wheel as package data): the two
scripts, and the snippets the tables name (Keras schedule classes, torch optimizer classes, torch
helpers). Rendering is strict: a variable a template uses and the exporter does not pass raises.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

from jinja2 import Environment, PackageLoader, StrictUndefined

from app.export.payload import py_call, py_float

T = TypeVar("T")

ENV = Environment(
    loader=PackageLoader("app.export", "templates"),
    undefined=StrictUndefined,
    autoescape=False,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.globals.update(py_call=py_call, py_float=py_float)


def render(template: str, **context: Any) -> str:
    """The template ``template`` (a path under app/export/templates) rendered with ``context``."""
    return ENV.get_template(template).render(**context)


def render_macro(template: str, macro: str, **arguments: Any) -> str:
    """``{% macro <macro>(...) %}`` of ``template`` called with ``arguments``."""
    return str(getattr(ENV.get_template(template).module, macro)(**arguments))


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
