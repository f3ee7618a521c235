"""One object for each long text a Responses stream repeats.

A stream sends every text once in deltas and then up to four times whole: in the ``.done``
event, in ``content_part.done``, in ``output_item.done`` and in the terminal response's
``output``. Each arrives as a new string; kept as they come, a 1 MB answer costs 5 MB. The
pool hands back the first copy of an equal text, so the later ones are let go as soon as
their event has been read.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

__all__ = ["MIN_SHARED_LENGTH", "TextPool"]

MIN_SHARED_LENGTH = 1024
"""Shorter texts are not pooled: they cost little, and hashing them would cost time."""


class TextPool:
    """Equal long texts, held once."""

    __slots__ = ("_texts",)

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}

    def share(self, text: str) -> str:
        """The pool's copy of ``text`` (``text`` itself when it is the first, or short)."""
        if len(text) < MIN_SHARED_LENGTH:
            return text
        return self._texts.setdefault(text, text)

    def share_in(self, value: Any) -> None:
        """Swap every long text inside a model (its fields, extra fields, lists and dicts,
        at any depth) for the pool's copy, in place."""
        if isinstance(value, BaseModel):
            self._share_values(value.__dict__)
            if value.__pydantic_extra__:
                self._share_values(value.__pydantic_extra__)
        elif isinstance(value, dict):
            self._share_values(value)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if type(item) is str:
                    if len(item) >= MIN_SHARED_LENGTH:
                        value[index] = self.share(item)
                elif isinstance(item, (BaseModel, dict, list)):
                    self.share_in(item)

    def _share_values(self, fields: dict[str, Any]) -> None:
        for key, item in fields.items():
            if type(item) is str:
                if len(item) >= MIN_SHARED_LENGTH:
                    # Same keys, new values: safe while iterating.
                    fields[key] = self.share(item)
            elif isinstance(item, (BaseModel, dict, list)):
                self.share_in(item)
