"""A response store on the standard library's ``sqlite3``, for a gateway that restarts.

The caller opens the database (a path, or its own connection): wireshift opens no file
itself. WAL journal mode lets readers and a writer work at once; one lock serializes this
object's use of its connection, so one store may be shared by a gateway's threads. The
schema carries a version in ``PRAGMA user_version``; a database of a newer version is
refused rather than misread.
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any

from ._errors import InvalidArgumentError
from ._json import dump_json
from ._store import StoredResponse

if TYPE_CHECKING:
    import sqlite3

__all__ = ["SQLiteResponseStore"]

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS wireshift_responses (
    id TEXT PRIMARY KEY,
    previous_response_id TEXT,
    conversation TEXT,
    body TEXT NOT NULL,
    stored_at REAL NOT NULL DEFAULT (julianday('now'))
);
CREATE TABLE IF NOT EXISTS wireshift_conversations (
    conversation TEXT PRIMARY KEY,
    latest TEXT NOT NULL
);
"""


class SQLiteResponseStore:
    """Turns kept in SQLite. ``database`` is a path (opened here with
    ``check_same_thread=False``) or an open :class:`sqlite3.Connection` of the caller's."""

    def __init__(self, database: str | sqlite3.Connection) -> None:
        import sqlite3  # here, not at import: most gateways never open one

        self._owned = isinstance(database, str)
        if isinstance(database, sqlite3.Connection):
            self._db = database
        elif isinstance(database, str):
            self._db = sqlite3.connect(database, check_same_thread=False)
        else:
            raise InvalidArgumentError(
                f"database is a path or a sqlite3.Connection, not {type(database).__name__}",
                argument="database",
            )
        self._lock = threading.Lock()
        with self._lock:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise InvalidArgumentError(
                    f"the response store's schema is version {version}; this wireshift reads "
                    f"up to {SCHEMA_VERSION}",
                    argument="database",
                )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self._db.commit()

    def put(self, record: StoredResponse) -> None:
        body = dump_json(record.to_dict(), what="stored response").decode()
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO wireshift_responses"
                " (id, previous_response_id, conversation, body) VALUES (?, ?, ?, ?)",
                (record.id, record.previous_response_id, record.conversation, body),
            )
            if record.conversation is not None:
                self._db.execute(
                    "INSERT OR REPLACE INTO wireshift_conversations (conversation, latest)"
                    " VALUES (?, ?)",
                    (record.conversation, record.id),
                )

    def get(self, response_id: str) -> StoredResponse | None:
        with self._lock:
            row = self._db.execute(
                "SELECT body FROM wireshift_responses WHERE id = ?", (response_id,)
            ).fetchone()
        if row is None:
            return None
        data: dict[str, Any] = json.loads(row[0])
        return StoredResponse.from_dict(data)

    def delete(self, response_id: str) -> bool:
        with self._lock, self._db:
            gone = self._db.execute(
                "DELETE FROM wireshift_responses WHERE id = ?", (response_id,)
            ).rowcount
            self._db.execute("DELETE FROM wireshift_conversations WHERE latest = ?", (response_id,))
        return bool(gone)

    def latest(self, conversation: str) -> str | None:
        with self._lock:
            row = self._db.execute(
                "SELECT latest FROM wireshift_conversations WHERE conversation = ?",
                (conversation,),
            ).fetchone()
        return None if row is None else str(row[0])

    def close(self) -> None:
        """Close a connection this store opened (one handed in is the caller's to close)."""
        if self._owned:
            with self._lock:
                self._db.close()
