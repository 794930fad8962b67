"""The README's link tables are generated from the schema and kept current."""

from pathlib import Path

from app.schema.link_docs import link_tables, with_tables

README = Path(__file__).resolve().parents[2] / "README.md"


def test_link_docs_readme_tables_are_current():
    text = README.read_text(encoding="utf-8")
    assert with_tables(text) == text, "run: .venv/bin/python -m app.schema.link_docs --write"


def test_link_docs_every_key_is_listed_once_per_page():
    tables = link_tables()
    assert "`r{i}.lr`" in tables and "`l{i}.u`" in tables and "`o.lr`" in tables
    for section in tables.split("####")[1:]:
        keys = [line.split("|")[1].strip() for line in section.splitlines()
                if line.startswith("| `")]
        assert len(keys) == len(set(keys)), section.splitlines()[0]
