"""Run the unit tests of the pages' pure JavaScript modules (``tests/js/*.test.mjs``) with
``node --test``, handing them the schemas the server serves (so they read what the pages read)
and the shared goal cases (tests/lessons/goal_cases.json) with each goal as the player receives it.

Skipped with a message where Node.js is missing (scripts/test.sh installs Debian ``nodejs``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from app.schema.served import SCHEMAS
from tests.lessons.goal_cases import cases, served

HERE = Path(__file__).resolve().parent


def test_node_units_pass(tmp_path: Path) -> None:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("Node.js not found: install Debian nodejs (scripts/test.sh does)")
    schemas = {page: build().model_dump(mode="json") for page, build in SCHEMAS.items()}
    path = tmp_path / "schemas.json"
    path.write_text(json.dumps(schemas), encoding="utf-8")
    goal_cases = tmp_path / "goal_cases.json"
    goal_cases.write_text(json.dumps([served(case) for case in cases()]), encoding="utf-8")
    files = sorted(str(p) for p in HERE.glob("*.test.mjs"))
    assert files, "no JavaScript unit tests found"
    result = subprocess.run(
        [node, "--test", *files], capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "DESCENSO_SCHEMAS": str(path), "DESCENSO_GOAL_CASES": str(goal_cases)})
    summary = [line for line in result.stdout.splitlines() if line.startswith("# ")]
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "# skipped 0" in summary, summary
    assert "# fail 0" in summary, summary
