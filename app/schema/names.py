"""Schema choices built from the core registries, so a name added there is accepted everywhere.

``names_literal(REGISTRY)`` is ``Literal["a", "b", …]`` in the registry's order, built at import:
pydantic validates it, the JSON schema and OpenAPI list the options, and the controls served to
the pages offer them. (For the type checker these aliases are plain ``str``.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal


def names_literal(names: Iterable[str]) -> Any:
    """``Literal[*names]``; at least one name."""
    options = tuple(names)
    if not options:
        raise ValueError("a choice needs at least one name")
    return Literal.__getitem__(options)
