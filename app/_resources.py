"""Where the top-level ``static/`` and ``templates/`` folders are, in a checkout or a wheel.

The repository keeps them beside ``app/``; a wheel carries copies under ``app/_assets/`` (the
build hook in ``setup.py`` puts them there), because an installed package has no "beside".
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def asset_dir(name: str) -> Path:
    """``app/_assets/<name>`` in an installed wheel, else ``<checkout>/<name>``."""
    for candidate in (PACKAGE / "_assets" / name, PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise RuntimeError(f"the {name}/ folder is neither in {PACKAGE / '_assets'} nor beside "
                       f"{PACKAGE}: reinstall the package")


STATIC_DIR = asset_dir("static")
TEMPLATES_DIR = asset_dir("templates")
