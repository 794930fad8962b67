"""The SQLite short-link store: stable codes, collisions, persistence, several processes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from app.shortlinks.store import (
    ALPHABET,
    CODE_LENGTH,
    FILE_NAME,
    ShortLinkStore,
    digest_code,
    normalize_code,
)


def test_store_code_is_the_digest_prefix_and_stable(tmp_path):
    store = ShortLinkStore(tmp_path / "new" / "folder")
    code = store.shorten("/surface?f=beale")
    assert code == digest_code("/surface?f=beale")[:CODE_LENGTH]
    assert set(code) <= set(ALPHABET) and not set(code) & set("ilou")
    assert store.shorten("/surface?f=beale") == code
    assert store.resolve(code) == "/surface?f=beale"
    assert ShortLinkStore(tmp_path / "new" / "folder").resolve(code) == "/surface?f=beale"


def test_store_uses_wal_so_readers_never_wait(tmp_path):
    ShortLinkStore(tmp_path).shorten("/map")
    with closing(sqlite3.connect(tmp_path / FILE_NAME)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_store_unknown_or_malformed_codes_resolve_to_none(tmp_path):
    store = ShortLinkStore(tmp_path)
    assert store.resolve("abcdefghjk") is None  # no file yet: nothing created either
    assert not (tmp_path / FILE_NAME).exists()
    store.shorten("/map")
    for code in ("abcdefghjk", "", "x" * 100, "<b>", "ab cd"):
        assert store.resolve(code) is None


def test_normalize_code_reads_look_alikes():
    assert normalize_code(" AbO-1IL ") == "ab0111"
    assert normalize_code("u") is None and normalize_code("") is None


def test_store_collision_takes_a_longer_code(tmp_path):
    store = ShortLinkStore(tmp_path)
    store.shorten("/map")  # creates the table
    taken = digest_code("/mlp")[:CODE_LENGTH]
    with closing(sqlite3.connect(tmp_path / FILE_NAME)) as db:
        db.execute("INSERT INTO short_links (code, url) VALUES (?, ?)", (taken, "/other"))
        db.commit()
    code = store.shorten("/mlp")
    assert code == digest_code("/mlp")[:CODE_LENGTH + 2]
    assert store.resolve(code) == "/mlp" and store.resolve(taken) == "/other"
    assert store.shorten("/mlp") == code


WRITER = """
import sys
from pathlib import Path
from app.shortlinks.store import ShortLinkStore
store = ShortLinkStore(Path(sys.argv[1]))
offset = int(sys.argv[2])
for i in range(150):
    # half the links are written by both processes, half by one only
    n = i if i % 2 == 0 else offset + i
    print(n, store.shorten(f"/surface?n={n}"))
"""


def test_store_two_processes_writing_at_once(tmp_path):
    root = Path(__file__).resolve().parents[2]
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), str(offset)],
                              cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
             for offset in (1000, 2000)]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outputs]
    seen: dict[int, str] = {}
    for out, _ in outputs:
        for line in out.split("\n"):
            if line:
                n, code = line.split()
                assert seen.setdefault(int(n), code) == code  # both processes agree
    assert len(seen) == 75 + 2 * 75
    store = ShortLinkStore(tmp_path)
    assert all(store.resolve(code) == f"/surface?n={n}" for n, code in seen.items())
    with closing(sqlite3.connect(tmp_path / FILE_NAME)) as db:
        assert db.execute("SELECT count(*) FROM short_links").fetchone()[0] == len(seen)
