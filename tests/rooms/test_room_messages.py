"""Every refusal a room sends is a catalog code with an entry in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.i18n import LANGUAGES, catalog, translate

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*(ROOT / "app" / "core" / "rooms").glob("*.py"), *(ROOT / "app" / "rooms").glob("*.py"),
           *(ROOT / "app" / "routes").glob("room*.py")]
CODE = re.compile(r"""RoomError\(\s*["'](room\.[a-z_]+)["']""")


def raised_codes() -> set[str]:
    return {code for path in SOURCES for code in CODE.findall(path.read_text("utf-8"))}


def test_the_scanner_finds_the_codes():
    assert {"room.unknown", "room.not_teacher", "room.full", "room.too_many",
            "room.rate_limited", "room.state_too_big"} <= raised_codes()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_room_code_reads_in_both_languages(lang):
    assert sorted(raised_codes() - set(catalog(lang))) == []
    text = translate(lang, "room.full", max=300)
    assert "300" in text and "{" not in text
