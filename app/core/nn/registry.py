"""Build a layer part from its registry: a name (``"he_normal"``) or a Keras-style config
(``{"name": "variance_scaling", "scale": 2.0}``), with one uniform error for a bad one."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

T = TypeVar("T")


def from_registry(registry: Mapping[str, Callable[..., T]], spec: str | Mapping[str, Any],
                  what: str) -> T:
    """``registry[name](**kwargs)``; ``ValueError("Invalid <what>: …")`` for an unknown name or
    arguments the entry does not take."""
    if isinstance(spec, str):
        name, kwargs = spec, {}
    else:
        kwargs = dict(spec)
        name = kwargs.pop("name", "")
    if name not in registry:
        raise ValueError(f"Invalid {what}: {name!r} (must be one of {sorted(registry)})")
    try:
        return registry[name](**kwargs)
    except TypeError as exc:
        raise ValueError(f"Invalid {what} config: {spec!r} ({exc})") from None
