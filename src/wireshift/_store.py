"""Responses state over a stateless backend: what a ``previous_response_id`` stands for.

A Responses client names an earlier response and sends only the new input; a chat backend
needs the whole history. A :class:`ResponseStore` keeps, for each response a gateway
answered, the input the client sent for that turn and the output items it got, with the id
of the response before it. :func:`stored_history` walks that chain back into the items the
id stands for. wireshift opens nothing itself: the caller hands over a store (the two that
ship, :class:`~wireshift.MemoryResponseStore` and :class:`~wireshift.SQLiteResponseStore`,
or its own: the Protocol is four methods).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from ._errors import InvalidArgumentError, MissingContextError, quoted

__all__ = [
    "PendingResponse",
    "ResponseStore",
    "ScopedResponseStore",
    "StoredResponse",
    "stored_history",
]

MAX_CHAIN = 100_000
"""Turns a chain may have: a longer one (or a loop, from a store edited by hand) is an
error, not an endless walk."""


@dataclass(frozen=True)
class StoredResponse:
    """One answered turn: ``input`` the items the client sent for it (its own, not the
    history it pointed at), ``output`` the response's output items, both as JSON data."""

    id: str
    input: tuple[Mapping[str, Any], ...]
    output: tuple[Mapping[str, Any], ...]
    previous_response_id: str | None = None
    conversation: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "input": [dict(i) for i in self.input],
            "output": [dict(o) for o in self.output],
            "previous_response_id": self.previous_response_id,
            "conversation": self.conversation,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StoredResponse:
        return cls(
            id=str(data["id"]),
            input=tuple(data.get("input") or ()),
            output=tuple(data.get("output") or ()),
            previous_response_id=data.get("previous_response_id"),
            conversation=data.get("conversation"),
        )


@runtime_checkable
class ResponseStore(Protocol):
    """Where a gateway keeps answered turns. Implementations must be safe to call from
    several threads if the gateway is; a ``get`` of an unknown id returns ``None``."""

    def put(self, record: StoredResponse) -> None:
        """Keep ``record`` (replacing one with the same id); it becomes the latest turn of
        its conversation, if it has one."""

    def get(self, response_id: str) -> StoredResponse | None:
        """The record kept under ``response_id``, or ``None``."""

    def delete(self, response_id: str) -> bool:
        """Forget ``response_id``; whether it was there."""

    def latest(self, conversation: str) -> str | None:
        """The id of the latest turn kept for ``conversation``, or ``None``."""


def stored_history(store: ResponseStore, response_id: str, field: str) -> list[dict[str, Any]]:
    """The items ``response_id`` stands for, oldest first: each earlier turn's input, then
    its output. ``field`` names the request field the id came in, for the error a missing
    turn raises (:class:`~wireshift.MissingContextError`)."""
    turns: list[StoredResponse] = []
    seen: set[str] = set()
    current: str | None = response_id
    while current is not None:
        if current in seen or len(turns) >= MAX_CHAIN:
            raise MissingContextError(
                f"{field} {quoted(response_id)}: its chain of earlier responses loops or runs "
                f"past {MAX_CHAIN:,} turns at {quoted(current)}",
                path=field,
            )
        seen.add(current)
        record = store.get(current)
        if record is None:
            where = "" if current == response_id else f" (an earlier turn of {quoted(response_id)})"
            raise MissingContextError(
                f"{field} {quoted(current)}{where} is not in the response store: never stored "
                "(store: false), evicted, or deleted",
                path=field,
            )
        turns.append(record)
        current = record.previous_response_id
    items: list[dict[str, Any]] = []
    for record in reversed(turns):
        items.extend(dict(i) for i in record.input)
        items.extend(dict(o) for o in record.output)
    return items


@dataclass
class PendingResponse:
    """A turn waiting for its response: what :func:`~wireshift.translate_request` learned of
    the client's request, for the stream or body translation to record once the response is
    finished (see ``turn=`` there)."""

    store: ResponseStore | None
    input: Sequence[Mapping[str, Any]]
    previous_response_id: str | None = None
    conversation: str | None = None
    compaction_key: bytes | None = None
    """Set when the turn is a compaction emulated for a chat backend: the reply becomes one
    ``compaction`` item sealed with this key (see ``_compaction``)."""
    recorded: str | None = field(default=None, init=False)
    """The id the response was recorded under, once it was."""

    def record(self, response: Mapping[str, Any]) -> None:
        """Keep a finished response (``completed`` or ``incomplete``; a failed one is not a
        turn to continue from) under the id the client saw."""
        status = response.get("status")
        response_id = response.get("id")
        if (
            self.store is None
            or status not in ("completed", "incomplete")
            or not isinstance(response_id, str)
        ):
            return
        output = response.get("output")
        self.store.put(
            StoredResponse(
                id=response_id,
                input=tuple(self.input),
                output=tuple(output if isinstance(output, list) else ()),
                previous_response_id=self.previous_response_id,
                conversation=self.conversation,
            )
        )
        self.recorded = response_id


class ScopedResponseStore:
    """``store`` seen by one tenant (an API key, a user): every id it puts or gets is
    prefixed with ``scope``, so a response id from one tenant finds nothing for another,
    even in a store they share."""

    def __init__(self, store: ResponseStore, scope: str) -> None:
        if not isinstance(scope, str) or not scope:
            raise InvalidArgumentError("scope is a non-empty string", argument="scope")
        self.store = store
        self._prefix = f"{len(scope)}:{scope}:"

    def _key(self, value: str | None) -> str | None:
        return None if value is None else self._prefix + value

    def put(self, record: StoredResponse) -> None:
        self.store.put(
            StoredResponse(
                id=self._prefix + record.id,
                input=record.input,
                output=record.output,
                previous_response_id=self._key(record.previous_response_id),
                conversation=self._key(record.conversation),
            )
        )

    def get(self, response_id: str) -> StoredResponse | None:
        found = self.store.get(self._prefix + response_id)
        if found is None:
            return None
        prefix = len(self._prefix)
        return StoredResponse(
            id=response_id,
            input=found.input,
            output=found.output,
            previous_response_id=(
                found.previous_response_id[prefix:] if found.previous_response_id else None
            ),
            conversation=found.conversation[prefix:] if found.conversation else None,
        )

    def delete(self, response_id: str) -> bool:
        return self.store.delete(self._prefix + response_id)

    def latest(self, conversation: str) -> str | None:
        found = self.store.latest(self._prefix + conversation)
        return None if found is None else found[len(self._prefix) :]
