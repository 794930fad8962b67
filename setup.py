"""Build hook: a wheel carries the top-level ``static/`` and ``templates/`` as ``app/_assets/``.

Everything else is in pyproject.toml; ``app/_resources.py`` finds the folders either way.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
ASSETS = ("static", "templates")


class BuildWithAssets(build_py):
    """``build_py`` plus a copy of the asset folders (an editable install reads the checkout)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "app" / "_assets"
        for name in ASSETS:
            shutil.copytree(ROOT / name, target / name, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithAssets})
