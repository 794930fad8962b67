"""The page writes a message's numbers as the server does: ``formatParam`` in
``static/js/i18n.js`` against ``format_number`` in ``app/i18n/catalog.py``, so a notice the
server rendered and the same code rendered by the page read alike."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from app.i18n.catalog import LANGUAGES, format_number

I18N_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "i18n.js"
SCRIPT = """
const { formatParam } = await import(process.argv[1]);
const values = JSON.parse(process.argv[2]);
console.log(JSON.stringify(Object.fromEntries(process.argv.slice(3).map(
  (lang) => [lang, values.map((v) => formatParam(v, lang))]))));
"""


def test_page_formats_message_numbers_as_the_server() -> None:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("Node.js not found: install Debian nodejs (scripts/test.sh does)")
    rng = np.random.default_rng(0)
    values: list[float] = [0, 1, 5000, 10000, 250000, 2147483647, 1e-12, 1e-7, 1e-4, 1e-3,
                           0.01, 0.9, -1.5, 0.1 + 0.2, 1e6, 1e20, 123456.789, 999999999999.5]
    values += [float(v) for v in 10.0 ** rng.uniform(-14, 14, size=200) * rng.choice([-1, 1], 200)]
    values += [int(v) for v in rng.integers(-10**11, 10**11, size=50)]
    result = subprocess.run(
        [node, "--input-type=module", "-e", SCRIPT, I18N_JS.as_uri(), json.dumps(values),
         *LANGUAGES], capture_output=True, text=True, timeout=60, check=True)
    shown = json.loads(result.stdout)
    for lang in LANGUAGES:
        expected = [format_number(lang, v) for v in values]
        wrong = [(v, page, server) for v, page, server in zip(values, shown[lang], expected,
                                                              strict=True) if page != server]
        assert not wrong, f"{lang}: (value, page, server) {wrong[:5]}"
