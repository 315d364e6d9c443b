"""A small SQLite document store: one table of JSON documents per emulator."""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator


class DocumentStore:
    """Thread-safe JSON documents keyed by id, kept in one SQLite file.

    Insertion order is kept (``seq``) so that list endpoints page stably.
    ``path=":memory:"`` gives a store that does not survive a restart.
    """

    def __init__(self, path: str | Path) -> None:
        self._lock = threading.RLock()
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # Committed writes survive the emulator's own crash or kill (what the tests do to it); only a crash of
        # the machine could lose the last ones, and no test needs more.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS docs (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, doc TEXT NOT NULL)"
        )
        self._db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self.version = 0  # bumped by every write: what was derived from the documents is stale once it moves

    @property
    def lock(self) -> threading.RLock:
        """Held by callers that read and then write (create with a uniqueness check, update)."""
        return self._lock

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Many writes in one transaction (seeding thousands of users), under the lock."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def get(self, doc_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT doc FROM docs WHERE id = ?", (doc_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, doc_id: str, doc: dict[str, Any]) -> None:
        with self._lock:
            self.version += 1
            self._db.execute(
                "INSERT INTO docs (id, doc) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc",
                (doc_id, json.dumps(doc, ensure_ascii=False)),
            )

    def delete(self, doc_id: str) -> bool:
        with self._lock:
            self.version += 1
            cur = self._db.execute("DELETE FROM docs WHERE id = ?", (doc_id,))
        return cur.rowcount > 0

    def all(self) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute("SELECT doc FROM docs ORDER BY seq").fetchall()
        return [json.loads(r[0]) for r in rows]

    def clear(self) -> None:
        with self._lock:
            self.version += 1
            self._db.execute("DELETE FROM docs")
            self._db.execute("DELETE FROM meta")

    def get_meta(self, key: str, default: Any = None) -> Any:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_meta(self, key: str, value: Any) -> None:
        with self._lock:
            self.version += 1
            self._db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()
