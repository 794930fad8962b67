"""The scripts' comments and docstrings speak the request's language; their code does not change.

A Spanish page downloads a script commented in Spanish (``?lang=es``); API clients get English by
default. The two scripts of one experiment parse to the same program once docstrings are
removed (comments are not in the syntax tree), so the Keras/torch reference tests of the English
scripts hold for the Spanish ones too.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Callable

import pytest

from app.export import keras_script, torch_script
from app.i18n import translate
from app.schema.mlp_experiment import MlpExperiment
from tests.export.harness import CASES, DROPOUT_CASE, experiment

SCRIPTS: dict[str, Callable[..., str]] = {"keras": keras_script, "torch": torch_script}
# words of English prose that Spanish prose never uses (identifiers in backquotes excluded)
ENGLISH = re.compile(r"\b(the|and|of|with|each|is|are|after|before|its|when|while|into|"
                     r"rounded|epoch|playground's|takes|weights)\b")
PATCHES = {**CASES, "dropout": DROPOUT_CASE}


def _without_docstrings(source: str) -> str:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree)


def _prose(source: str) -> list[str]:
    """The comments and the docstrings of a script, line by line."""
    lines = [tok.string for tok in tokenize.generate_tokens(io.StringIO(source).readline)
             if tok.type == tokenize.COMMENT]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef):
            doc = ast.get_docstring(node)
            if doc:
                lines += doc.splitlines()
    return [line for line in lines if line.strip("# -")]


@pytest.mark.parametrize("kind", list(SCRIPTS))
@pytest.mark.parametrize("name", list(PATCHES))
def test_spanish_script_is_the_same_program_with_spanish_prose(kind, name):
    exp = experiment(PATCHES[name])
    english = SCRIPTS[kind](exp, 2)
    spanish = SCRIPTS[kind](exp, 2, "es")
    assert SCRIPTS[kind](exp, 2, "en") == english  # English is the default
    assert _without_docstrings(spanish) == _without_docstrings(english)
    prose = _prose(spanish)
    assert prose and len(prose) == len([p for p in prose if p.strip()])
    leaked = [line for line in prose
              if ENGLISH.search(re.sub(r"`[^`]*`|[\w.]+\(.*?\)|\w+=\S+", "", line))]
    assert leaked == [], leaked
    assert translate("es", "script.initial_weights") in spanish
    assert translate("en", "script.initial_weights") in english


def test_default_network_script_in_spanish_names_its_data_in_spanish():
    source = keras_script(MlpExperiment(), 1, "es")
    assert source.startswith(f'"""{translate("es", "script.keras_title")}')
    assert "500 muestras" in source and "semilla de los datos 1" in source


@pytest.mark.parametrize("kind", list(SCRIPTS))
def test_export_route_comments_in_the_requested_language(client, kind):
    body = {"dataset": {"name": "xor", "samples": 40}}
    spanish = client.post(f"/api/mlp/export/{kind}?epochs_to_export=2&lang=es", json=body)
    english = client.post(f"/api/mlp/export/{kind}?epochs_to_export=2", json=body)
    assert spanish.status_code == english.status_code == 200
    assert translate("es", "script.dropout_masks") in spanish.text
    assert translate("en", "script.dropout_masks") in english.text
    assert _without_docstrings(spanish.text) == _without_docstrings(english.text)
    wrong = client.post(f"/api/mlp/export/{kind}?lang=fr", json=body)
    assert wrong.status_code == 422
    assert [e["field"] for e in wrong.json()["errors"]] == ["lang"]
