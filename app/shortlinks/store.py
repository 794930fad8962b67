"""Short codes for long links, kept in an embedded SQLite file (no server, no FastAPI).

A code is the start of the base32 (Crockford's alphabet, lower case: no i, l, o, u) of the
SHA-256 of the canonical link, ``CODE_LENGTH`` characters (50 bits); in the unlikely case that
a different link already holds those characters, the code grows two characters at a time. So the
same link always gets the same code, on every server that has not seen a colliding one.

The file is ``<data_dir>/short_links.sqlite3``, created on demand, in WAL mode so readers never
wait for a writer; every call opens its own connection with a busy timeout, so several threads,
uvicorn workers or processes can share it. Table::

    short_links(code TEXT PRIMARY KEY, url TEXT NOT NULL UNIQUE, created TEXT NOT NULL)
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from contextlib import closing
from pathlib import Path

FILE_NAME = "short_links.sqlite3"
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
CODE_LENGTH = 10
MAX_CODE_LENGTH = 40
BUSY_TIMEOUT_SECONDS = 30.0
# What a reader may type for a code: Crockford's look-alikes read as the digits they resemble.
_TYPED = str.maketrans({"o": "0", "i": "1", "l": "1", "-": None})
_SCHEMA = """
CREATE TABLE IF NOT EXISTS short_links (
    code TEXT PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) WITHOUT ROWID
"""


def digest_code(url: str, length: int = MAX_CODE_LENGTH) -> str:
    """The first ``length`` base32 characters of SHA-256(url)."""
    number = int.from_bytes(hashlib.sha256(url.encode("utf-8")).digest(), "big")
    chars = []
    for _ in range(length):
        number, digit = divmod(number, 32)
        chars.append(ALPHABET[digit])
    return "".join(chars)


def normalize_code(text: str) -> str | None:
    """The code a reader typed, in the stored form; None if it cannot be one."""
    code = text.strip().lower().translate(_TYPED)
    if not 1 <= len(code) <= MAX_CODE_LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


SETUP_ATTEMPTS = 50


class ShortLinkStore:
    """Codes ↔ links in one SQLite file under ``data_dir``."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / FILE_NAME
        self._ready = False

    def _connect(self) -> sqlite3.Connection:
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS,
                                     isolation_level=None)
        if not self._ready:
            self._set_up(connection)
            self._ready = True
        return connection

    @staticmethod
    def _set_up(connection: sqlite3.Connection) -> None:
        # Switching to WAL while another process does the same can answer "database is locked"
        # at once, without waiting for the busy timeout: retry for a while, then give up.
        for attempt in range(SETUP_ATTEMPTS):
            try:
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute(_SCHEMA)
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or attempt == SETUP_ATTEMPTS - 1:
                    raise
                time.sleep(0.01 * (attempt + 1))

    def shorten(self, url: str) -> str:
        """The code of ``url`` (stored if new). ``url`` should be canonical already."""
        digest = digest_code(url)
        with closing(self._connect()) as db:
            row = db.execute("SELECT code FROM short_links WHERE url = ?", (url,)).fetchone()
            if row is not None:
                return str(row[0])
            for length in range(CODE_LENGTH, MAX_CODE_LENGTH + 1, 2):
                code = digest[:length]
                db.execute("INSERT OR IGNORE INTO short_links (code, url) VALUES (?, ?)",
                           (code, url))
                row = db.execute("SELECT url FROM short_links WHERE code = ?",
                                 (code,)).fetchone()
                if row is not None and row[0] == url:
                    return code
                # Another link holds this prefix, or another process stored ``url`` under a
                # longer code just now: look once more, then try a longer prefix.
                row = db.execute("SELECT code FROM short_links WHERE url = ?", (url,)).fetchone()
                if row is not None:
                    return str(row[0])
        raise RuntimeError("no free short code for this link")  # 2**-200: never in practice

    def resolve(self, code: str) -> str | None:
        """The link stored under ``code`` (as typed: case and look-alikes forgiven), or None."""
        normalized = normalize_code(code)
        if normalized is None or not self.path.exists():
            return None
        with closing(self._connect()) as db:
            row = db.execute("SELECT url FROM short_links WHERE code = ?",
                             (normalized,)).fetchone()
        return None if row is None else str(row[0])
