"""The Responses API `Response` object. (Stub: being filled in.)"""

from __future__ import annotations

from typing import Any

from .._model import WireModel
from ._items import Item

__all__ = ["Response"]


class Response(WireModel):
    id: str | None = None
    output: list[Item] | None = None
    status: str | None = None
    error: Any = None
