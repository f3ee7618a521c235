"""A response store in memory, bounded by a byte budget and evicting the least recently used
turn first. Lost when the process ends: for a gateway that restarts, see
:class:`~wireshift.SQLiteResponseStore`."""

from __future__ import annotations

import threading
from collections import OrderedDict

from ._errors import InvalidArgumentError
from ._json import dump_json
from ._store import StoredResponse

__all__ = ["MemoryResponseStore"]

DEFAULT_MAX_BYTES = 256 * 1024 * 1024


class MemoryResponseStore:
    """Turns kept in a dict, at most ``max_bytes`` of them (their JSON size); past that the
    least recently stored or read turns go first. Safe to share between threads."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        if not isinstance(max_bytes, int) or max_bytes <= 0:
            raise InvalidArgumentError(
                f"max_bytes is a positive int, not {max_bytes!r}", argument="max_bytes"
            )
        self.max_bytes = max_bytes
        self.bytes = 0
        """The JSON size of every turn kept."""
        self._turns: OrderedDict[str, tuple[StoredResponse, int]] = OrderedDict()
        self._latest: dict[str, str] = {}
        self._lock = threading.Lock()

    def put(self, record: StoredResponse) -> None:
        size = len(dump_json(record.to_dict(), what="stored response"))
        with self._lock:
            old = self._turns.pop(record.id, None)
            if old is not None:
                self.bytes -= old[1]
            self._turns[record.id] = (record, size)
            self.bytes += size
            if record.conversation is not None:
                self._latest[record.conversation] = record.id
            while self.bytes > self.max_bytes and len(self._turns) > 1:
                _, (evicted, evicted_size) = self._turns.popitem(last=False)
                self.bytes -= evicted_size
                self._forget_latest(evicted)

    def get(self, response_id: str) -> StoredResponse | None:
        with self._lock:
            found = self._turns.get(response_id)
            if found is None:
                return None
            self._turns.move_to_end(response_id)
            return found[0]

    def delete(self, response_id: str) -> bool:
        with self._lock:
            found = self._turns.pop(response_id, None)
            if found is None:
                return False
            self.bytes -= found[1]
            self._forget_latest(found[0])
            return True

    def latest(self, conversation: str) -> str | None:
        with self._lock:
            return self._latest.get(conversation)

    def __len__(self) -> int:
        return len(self._turns)

    def _forget_latest(self, record: StoredResponse) -> None:
        if record.conversation is not None and self._latest.get(record.conversation) == record.id:
            del self._latest[record.conversation]
