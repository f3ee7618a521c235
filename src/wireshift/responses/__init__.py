"""Responses API (`/v1/responses`) wire models."""

from . import _content, _items, _response, _tools
from ._content import *  # noqa: F403
from ._items import *  # noqa: F403
from ._response import *  # noqa: F403
from ._tools import *  # noqa: F403

__all__ = [
    *_content.__all__,
    *_items.__all__,
    *_response.__all__,
    *_tools.__all__,
]
