"""The final ``output``: the items the stream built, merged with the terminal event's ``output``.

The terminal event's ``output`` is never trusted to be whole: providers send it missing,
empty, with only some items, or with items that lost text. Items are matched by ``id`` (or,
without ids, by position and type); of each matched pair the more complete is kept (the
terminal one when they weigh the same, being the server's last word), items found on only one
side are all kept, in stream order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._wire._notelog import NoteLog
from ..responses import Item

__all__ = ["merge_output"]

# Fields that say where an item is in its life, not what it holds.
_STATE_FIELDS = frozenset({"status", "id", "type", "role"})


def _weight(value: Any) -> int:
    """How much content a JSON value holds: the length of its text, one per other leaf."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, Mapping):
        return sum(_weight(v) for k, v in value.items() if k not in _STATE_FIELDS)
    if isinstance(value, list):
        return sum(_weight(v) for v in value) + len(value)
    return 0 if value is None else 1


def _items(count: int) -> str:
    return f"{count} item" if count == 1 else f"{count} items"


def _texts(value: Any, out: list[str]) -> list[str]:
    if isinstance(value, str):
        if value:
            out.append(value)
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            if key not in _STATE_FIELDS:
                _texts(inner, out)
    elif isinstance(value, list):
        for inner in value:
            _texts(inner, out)
    return out


def _covers(body: Mapping[str, Any], other: Mapping[str, Any]) -> bool:
    """Whether every text in ``other`` appears within some text of ``body``."""
    texts = _texts(body, [])
    return all(any(text in held for held in texts) for text in _texts(other, []))


def _without_state(body: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "status"}


def merge_output(
    streamed: Sequence[Item],
    final: Sequence[Item] | None,
    event: str,
    log: NoteLog | None,
) -> list[Item]:
    """Merge the ``streamed`` items with the ``final`` output of the terminal ``event``."""
    if not final:
        if streamed and log is not None and event:
            what = "no output" if final is None else "an empty output"
            log.add(
                f"{event}.response.output",
                "repaired",
                f"{event} carried {what}; the output is the {_items(len(streamed))} streamed",
                "output_from_stream",
            )
        return list(streamed)
    bodies = [item.to_dict() for item in streamed]
    finals = [item.to_dict() for item in final]
    matches = _match(bodies, finals)
    matched = {match for match in matches if match is not None}
    emitted = [False] * len(streamed)
    out: list[Item] = []
    cursor = only_final = missing = 0
    for item, body, match in zip(final, finals, matches, strict=True):
        if match is None:
            out.append(item)
            only_final += 1
            continue
        # Streamed items the final output lacks keep their place before this one.
        for index in range(cursor, match):
            if index not in matched and not emitted[index]:
                emitted[index] = True
                out.append(streamed[index])
                missing += 1
        cursor = max(cursor, match + 1)
        out.append(_pick(streamed[match], bodies[match], item, body, event, len(out), log))
    for index, item in enumerate(streamed):
        if index not in matched and not emitted[index]:
            out.append(item)
            missing += 1
    if log is not None:
        if missing:
            log.add(
                f"{event}.response.output",
                "repaired",
                f"{event} listed {_items(len(final))}, without {_items(missing)} that were "
                "streamed; they are kept",
                "output_from_stream",
            )
        if only_final:
            log.add(
                f"{event}.response.output",
                "added",
                f"{_items(only_final)} of {event} were never streamed; taken from it",
                "output_from_terminal",
            )
    return out


def _match(bodies: list[dict[str, Any]], finals: list[dict[str, Any]]) -> list[int | None]:
    """For each final item, the streamed item it is: the one with its id, or, when neither
    has an id, the one at its position if of its type. Each streamed item matches once."""
    ids = {body["id"]: i for i, body in enumerate(bodies) if isinstance(body.get("id"), str)}
    taken: set[int] = set()
    matches: list[int | None] = []
    for position, body in enumerate(finals):
        item_id = body.get("id")
        match = ids.get(item_id) if isinstance(item_id, str) else None
        if match is None and not item_id and position < len(bodies):
            other = bodies[position]
            if other.get("type") == body.get("type") and not other.get("id"):
                match = position
        if match in taken:
            match = None
        if match is not None:
            taken.add(match)
        matches.append(match)
    return matches


def _pick(
    streamed: Item,
    streamed_body: dict[str, Any],
    final: Item,
    final_body: dict[str, Any],
    event: str,
    position: int,
    log: NoteLog | None,
) -> Item:
    if streamed_body == final_body:
        return final
    if _without_state(streamed_body) == _without_state(final_body):
        return final
    # The lighter item is kept only when it holds text the other lacks: never lose a delta.
    keep_streamed = _weight(streamed_body) > _weight(final_body) or not _covers(
        final_body, streamed_body
    )
    if log is not None:
        kept = "the streamed item" if keep_streamed else f"the item of {event}"
        log.add(
            f"output[{position}]",
            "changed",
            f"the streamed item and the item in {event} differ; kept {kept} (more complete)",
            "output_disagrees",
            {"streamed": streamed_body, "terminal": final_body},
        )
    return streamed if keep_streamed else final
