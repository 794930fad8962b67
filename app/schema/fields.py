"""One declaration per parameter: a pydantic ``Field`` that also carries its URL key and slider.

Every shareable parameter is declared once with :func:`param`. The same declaration drives
validation (pydantic bounds), the URL codec (``url`` key), the WebSocket payload (the model
itself) and the control the page draws (``control`` metadata served by ``/api/schema``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

Scale = Literal["linear", "log"]


def param(
    default: Any,
    *,
    url: str,
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    lt: float | None = None,
    scale: Scale = "linear",
    step: float | None = None,
    slider_min: float | None = None,
    slider_max: float | None = None,
    control: str | None = None,
    when: dict[str, list[str]] | None = None,
    max_length: int | None = None,
    min_length: int | None = None,
    description: str = "",
) -> Any:
    """A pydantic field with the metadata the URL codec and the page need.

    ``url`` is the short key in shareable links. ``scale``/``step``/``slider_min``/``slider_max``
    shape the slider (the hard bounds ``ge``/``le`` still apply to typed values). ``when`` says on
    which choices the control is shown, e.g. ``{"optimizer": ["sgd"]}``.
    """
    extra: dict[str, Any] = {"url": url, "scale": scale}
    if step is not None:
        extra["step"] = step
    if slider_min is not None:
        extra["slider_min"] = slider_min
    if slider_max is not None:
        extra["slider_max"] = slider_max
    if control is not None:
        extra["control"] = control
    if when is not None:
        extra["when"] = when
    kwargs: dict[str, Any] = {"json_schema_extra": extra, "description": description}
    for key, value in (
        ("ge", ge),
        ("gt", gt),
        ("le", le),
        ("lt", lt),
        ("max_length", max_length),
        ("min_length", min_length),
    ):
        if value is not None:
            kwargs[key] = value
    if callable(default):
        return Field(default_factory=default, **kwargs)
    return Field(default, **kwargs)
