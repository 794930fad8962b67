"""The link-parameter tables of the README, generated from the schema (``python -m
app.schema.link_docs``); a test keeps the README in step with the schema."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from app.schema.controls import describe
from app.schema.labs import ActivationLab, InitLab
from app.schema.landscape import LandscapeView
from app.schema.map_experiment import MapExperiment
from app.schema.mlp_experiment import MlpExperiment
from app.schema.surface_experiment import SurfaceExperiment, SurfaceView

PAGES: list[tuple[str, list[type[BaseModel]]]] = [
    ("Surface race (`/surface`)", [SurfaceExperiment, SurfaceView]),
    ("MLP playground (`/mlp`)", [MlpExperiment]),
    ("MLP playground's loss-landscape panel (`/mlp`, `ls.*`: written once the panel is touched)",
     [LandscapeView]),
    ("Hyperparameter map (`/map`)", [MapExperiment]),
    ("Activation lab (`/activations`)", [ActivationLab]),
    ("Initializer lab (`/init`)", [InitLab]),
]


def _bounds(entry: dict[str, Any]) -> str:
    parts = []
    for key, symbol in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<")):
        if key in entry:
            parts.append(f"{symbol} {entry[key]:g}" if isinstance(entry[key], float)
                         else f"{symbol} {entry[key]}")
    if "options" in entry:
        parts.append(" \\| ".join(str(o) for o in entry["options"]))
    if "max_length" in entry:
        parts.append(f"at most {entry['max_length']}")
    return ", ".join(parts)


def _rows(fields: list[dict[str, Any]], prefix: str, path: str) -> list[str]:
    rows = []
    for entry in fields:
        key = prefix + str(entry.get("url", entry["name"]))
        name = f"{path}{entry['name']}"
        if entry["type"] == "model":
            rows += _rows(entry["fields"], key, name + ".")
        elif entry["type"] == "models":
            rows += _rows(entry["fields"], key + "{i}.", name + "[i].")
        else:
            default = entry.get("default")
            shown = "" if default is None else f"`{default}`"
            rows.append(f"| `{key}` | `{name}` | {entry['type']} | {shown} | {_bounds(entry)} |")
    return rows


def link_tables() -> str:
    out = []
    for title, models in PAGES:
        out.append(f"#### {title}\n")
        out.append("| key | field | type | default | allowed |\n|---|---|---|---|---|")
        for model in models:
            out += _rows(describe(model), "", "")
        out.append("")
    return "\n".join(out)


START, END = "<!-- link-tables:start -->", "<!-- link-tables:end -->"


def with_tables(readme: str) -> str:
    """``readme`` with the text between the markers replaced by the current tables."""
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{link_tables()}{END}{tail}"


if __name__ == "__main__":
    import sys
    from pathlib import Path

    if sys.argv[1:2] == ["--write"]:
        path = Path(sys.argv[2] if len(sys.argv) > 2 else "README.md")
        path.write_text(with_tables(path.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        print(link_tables())
