"""A request's input items read as models a few at a time, for a translation that reads each
once.

A long agent history holds thousands of models once validated. Held all at once, they outlive
the cyclic garbage collector's young generations, and the full collections that follow walk
the gateway's whole heap: on a 400-item history that was a sixth of the translation's time.
Validated in chunks and dropped once translated, they die young. When the translation parsed
the body itself, the raw items go too, a chunk at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from itertools import chain, repeat
from typing import TYPE_CHECKING, Any, cast

from pydantic import TypeAdapter, ValidationError

from .._errors import PayloadError
from ..responses._items import ItemList, parse_item

if TYPE_CHECKING:
    from ..responses._item_union import Item

__all__ = ["InputChunks"]

_CHUNK = 64
"""Items per validation call: few enough that a chunk's models stay in the youngest
generation (700 allocations), many enough that the call's cost is spread thin."""


class InputChunks:
    """The raw items of a Responses request's ``input`` (a list of dicts), iterated as
    :data:`~wireshift.responses.Item` models validated a chunk at a time and not kept.

    A chunk that fails validation raises :class:`~wireshift.PayloadError` with paths
    relative to the chunk: the caller validates the whole request again to say where.

    ``owned``: the list is the translation's own (it parsed the body), and is read once: each
    chunk's raw items are let go as it is validated, so that a long history's dicts die as it
    is read rather than all at the end (a 2,000-item history's peak 4.2 -> 2.6 MB, and half
    the young collections of a 400-item one). The caller then has no input left to read again.
    """

    __slots__ = ("owned", "raw", "types")

    def __init__(self, raw: list[dict[str, Any]], types: set[Any], owned: bool = False) -> None:
        self.raw = raw
        self.types = types
        """Every ``type`` the raw items have (``None`` for one without)."""
        self.owned = owned

    @classmethod
    def of(
        cls, items: object, skip_types: frozenset[str], *, owned: bool = False
    ) -> InputChunks | None:
        """``items`` read in chunks, or ``None`` when they fit in one chunk (nothing to gain),
        are not a list of dicts, or one of them has a type in ``skip_types`` (items the caller
        must see all at once)."""
        if type(items) is not list or len(items) <= _CHUNK:
            return None
        try:
            types = set(map(dict.get, items, repeat("type")))
        except TypeError:  # an item that is not a dict, or a type that is not hashable
            return None
        return cls(items, types, owned) if skip_types.isdisjoint(types) else None

    def __iter__(self) -> Iterator[Item]:
        raw = self.raw
        starts = range(0, len(raw), _CHUNK)
        chunks = map(self._taken, starts) if self.owned else (raw[s : s + _CHUNK] for s in starts)
        return chain.from_iterable(map(_validated, chunks))

    def _taken(self, start: int) -> list[dict[str, Any]]:
        """The chunk at ``start``, its places in the list emptied."""
        chunk = self.raw[start : start + _CHUNK]
        self.raw[start : start + _CHUNK] = repeat(None, len(chunk))  # type: ignore[arg-type]
        return chunk

    def tagged(self, tag: str) -> Iterator[tuple[int, Item]]:
        """The items whose ``type`` is ``tag``, with their positions, found without
        validating the others (before the items are iterated, for an owned list)."""
        if tag not in self.types:
            return
        for n, item in enumerate(self.raw):
            if item.get("type") == tag:
                yield n, parse_item(item)


def _validated(chunk: list[dict[str, Any]]) -> list[Item]:
    try:
        return cast("list[Item]", _items().validate_python(chunk))
    except ValidationError as exc:
        raise PayloadError.from_validation(exc, "ResponsesRequest") from None


@cache
def _items() -> TypeAdapter[Any]:
    # The request's input type, whose validators it shares with the request model's field;
    # not the request model, which would make a request of some 40 fields for every chunk.
    return TypeAdapter(ItemList)
