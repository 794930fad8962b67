"""The app's settings, read once from the environment and injected where they are needed.

``DESCENSO_DATA_DIR``        where the embedded SQLite files live (short links); default
                             ``~/.local/share/descenso``.
``DESCENSO_FRAME_ANCESTORS`` who may frame ``embed=1`` pages (a CSP ``frame-ancestors`` source
                             list); default ``*``. Every other page refuses framing.
``DESCENSO_REDIS_URL``       where classrooms live when the app runs as several workers or
                             replicas (``redis://host:6379/0``); unset: in this process.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator

DEFAULT_DATA_DIR = Path.home() / ".local" / "share" / "descenso"


class Settings(BaseModel):
    """Everything the environment decides; tests build their own and override ``get_settings``."""

    model_config = ConfigDict(frozen=True)

    data_dir: Path = DEFAULT_DATA_DIR
    frame_ancestors: str = "*"
    redis_url: str | None = None

    @field_validator("frame_ancestors")
    @classmethod
    def _one_directive(cls, value: str) -> str:
        """A source list only: a ``;`` or a line break would smuggle in other directives."""
        if not value.strip() or any(c in value for c in ";,\r\n"):
            raise ValueError("DESCENSO_FRAME_ANCESTORS must be a CSP source list, e.g. "
                             "\"*\" or \"https://moodle.example.org 'self'\"")
        return value.strip()

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("DESCENSO_REDIS_URL must start with redis://, rediss:// or unix://")
        return value.strip()

    @classmethod
    def from_environment(cls) -> Settings:
        env = os.environ
        return cls(
            data_dir=Path(env.get("DESCENSO_DATA_DIR", str(DEFAULT_DATA_DIR))),
            frame_ancestors=env.get("DESCENSO_FRAME_ANCESTORS", "*"),
            redis_url=env.get("DESCENSO_REDIS_URL") or None,
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process' settings; a FastAPI dependency (``Depends(get_settings)``)."""
    return Settings.from_environment()
