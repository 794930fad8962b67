"""The string catalogs: same keys in Spanish and English, no empty strings, every key the
templates and the page's JavaScript ask for exists, placeholders agree between languages."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import get_args

import pytest

from app.core.optimizers import OPTIMIZERS
from app.i18n import LANGUAGES, catalog, translate
from app.schema.optimizer_spec import CLIPPING, HYPERPARAMETERS, ScheduleName
from app.schema.surface_experiment import SurfaceExperiment

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = [*sorted((ROOT / "templates").glob("*.html")),
             *sorted((ROOT / "app" / "export" / "templates").rglob("*.j2"))]  # script comments
SCRIPTS = sorted((ROOT / "static" / "js").glob("*.js"))
# t("key") / t('key') in Jinja and JS, and data-i18n="key" attributes. Keys built at run time
# (template literals, Jinja concatenation) end in "." here and are checked as families below.
STATIC_KEY = re.compile(r"""(?<![\w.$])t\(\s*(["'])([^"'`]+?)\1""")
DATA_I18N = re.compile(r"""data-i18n(?:-[a-z-]+)?=(["'])([^"']+)\1""")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _raw(lang: str) -> dict[str, str]:
    data: dict[str, str] = {}
    for path in sorted((ROOT / "app" / "i18n" / lang).glob("*.json")):
        data.update(json.loads(path.read_text("utf-8")))
    return data


def test_catalogs_have_the_same_files_per_language() -> None:
    files = {lang: sorted(p.name for p in (ROOT / "app" / "i18n" / lang).glob("*.json"))
             for lang in LANGUAGES}
    assert files["es"] == files["en"]


def _used_keys() -> set[tuple[str, str]]:
    used = set()
    for path in [*TEMPLATES, *SCRIPTS]:
        text = path.read_text(encoding="utf-8")
        for pattern in (STATIC_KEY, DATA_I18N):
            for match in pattern.finditer(text):
                used.add((path.name, match.group(2)))
    return used


def _drawn_race_fields() -> list[str]:
    """The race's top-level numeric fields the surface page draws (and lets a teacher hide); the
    browser tests check every hide key each page offers against the catalog."""
    out = []
    for name, info in SurfaceExperiment.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if info.annotation in (int, float, bool) and extra.get("control") != "none":
            out.append(name)
    return out


def test_catalogs_have_identical_keys() -> None:
    es, en = _raw("es"), _raw("en")
    assert sorted(set(es) - set(en)) == []
    assert sorted(set(en) - set(es)) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogs_have_no_empty_strings(lang: str) -> None:
    assert [key for key, text in _raw(lang).items() if not text.strip()] == []


def test_catalogs_agree_on_placeholders() -> None:
    es, en = _raw("es"), _raw("en")
    mismatched = [key for key in es
                  if set(PLACEHOLDER.findall(es[key])) != set(PLACEHOLDER.findall(en[key]))]
    assert mismatched == []


def test_catalog_keys_used_in_templates_and_scripts_exist() -> None:
    used = _used_keys()
    assert len(used) > 50, "the key scanner found suspiciously few keys"
    keys = set(_raw("es"))
    missing = sorted(f"{name}: {key}" for name, key in used
                     if not key.endswith(".") and key not in keys)
    assert missing == []


def test_catalog_covers_keys_built_at_run_time() -> None:
    keys = set(_raw("es"))
    families = {
        "lang": LANGUAGES,
        "optimizer": tuple(OPTIMIZERS),
        "hp": HYPERPARAMETERS,
        "schedule": get_args(ScheduleName),
        "schedule_hint": get_args(ScheduleName),
        "clip": ("none", *CLIPPING),
        "hide": tuple(_drawn_race_fields()),
        "controls": tuple(_drawn_race_fields()),
    }
    missing = sorted(f"{prefix}.{name}" for prefix, names in families.items() for name in names
                     if f"{prefix}.{name}" not in keys)
    assert missing == []


def test_translate_fills_placeholders_and_falls_back_to_the_key() -> None:
    assert translate("en", "summary.diverged_at", step=12) == "Diverged at step 12"
    assert translate("es", "summary.diverged_at", step=12) == "Diverge en el paso 12"
    assert translate("en", "no.such.key") == "no.such.key"
    assert catalog("es")["nav.surface"] == "Superficies"
