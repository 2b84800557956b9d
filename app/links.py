"""Short links a server keeps: a page state (the part of a share link after '#') under a
short id, in an SQLite file, so a QR code of a long link stays small enough to scan and the
link still works after the server restarts. Pure storage: no HTTP here."""

import base64
import hashlib
import re
import sqlite3
import threading
import time
from pathlib import Path

MAX_STATE = 32_768  # characters: a 1000-step tape with three full schedules is under 20,000
MAX_LINKS = 20_000  # the oldest links go first beyond this
ID = re.compile(r"^[a-z2-7]{13}$")
STATE = re.compile(r"^[A-Za-z0-9%=&,.\-_+~]*$")  # what serialize() writes, URL-encoded


def link_id(state: str) -> str:
    """The id of a state: the same state always gets the same id (13 base32 letters, 65 bits)."""
    digest = hashlib.sha256(state.encode("utf-8")).digest()[:9]
    return base64.b32encode(digest).decode("ascii").lower()[:13]


class LinkStore:
    """States by id in one SQLite file (created, with its folder, on the first save)."""

    def __init__(self, path: Path | str, max_links: int = MAX_LINKS) -> None:
        self.path, self.max_links = Path(path), max_links
        self.lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=5)
        db.execute("CREATE TABLE IF NOT EXISTS links (id TEXT PRIMARY KEY, state TEXT NOT NULL, saved REAL NOT NULL)")
        return db

    def save(self, state: str) -> str:
        """Keep `state` (already validated) and return its id."""
        key = link_id(state)
        with self.lock, self._connect() as db:
            db.execute("INSERT OR REPLACE INTO links VALUES (?, ?, ?)", (key, state, time.time()))
            db.execute(
                "DELETE FROM links WHERE id NOT IN (SELECT id FROM links ORDER BY saved DESC LIMIT ?)",
                (self.max_links,),
            )
        return key

    def load(self, key: str) -> str | None:
        """The state kept under `key`, or None."""
        if not ID.match(key) or not self.path.exists():
            return None
        with self.lock, self._connect() as db:
            row = db.execute("SELECT state FROM links WHERE id = ?", (key,)).fetchone()
        return row[0] if row else None
