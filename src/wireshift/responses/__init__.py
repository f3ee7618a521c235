"""Responses API (`/v1/responses`) wire models."""

from . import _content, _events, _items, _request, _response, _tools
from ._content import *  # noqa: F403
from ._events import *  # noqa: F403
from ._items import *  # noqa: F403
from ._request import *  # noqa: F403
from ._response import *  # noqa: F403
from ._tools import *  # noqa: F403

__all__ = [
    *_content.__all__,
    *_events.__all__,
    *_items.__all__,
    *_request.__all__,
    *_response.__all__,
    *_tools.__all__,
]
