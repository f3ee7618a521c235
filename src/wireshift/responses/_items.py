"""Responses API input and output items. (Stub: being filled in.)"""

from __future__ import annotations

from typing import Union

from typing_extensions import Annotated

from .._model import TypeTagged, UnionParser, WireModel

__all__ = ["Item", "UnknownItem", "parse_item"]


class UnknownItem(WireModel):
    """An item of a type wireshift does not know, kept whole."""

    type: str


Item = Annotated[Union[UnknownItem], TypeTagged()]
_parser: UnionParser[Item] = UnionParser(Item, "Item")
parse_item = _parser.parse
