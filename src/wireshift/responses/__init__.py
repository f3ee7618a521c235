"""Responses API (`/v1/responses`) wire models."""

from typing import TYPE_CHECKING

from .._lazy_parts import later
from . import _content, _items, _request, _tools
from ._content import *  # noqa: F403
from ._items import *  # noqa: F403
from ._request import *  # noqa: F403
from ._tools import *  # noqa: F403

if TYPE_CHECKING:
    from ._create_frame import *  # noqa: F403
    from ._events import *  # noqa: F403
    from ._hosted_items import *  # noqa: F403
    from ._hosted_tools import *  # noqa: F403
    from ._item_union import *  # noqa: F403
    from ._response import *  # noqa: F403
    from ._shell_items import *  # noqa: F403
    from ._tool_choices import *  # noqa: F403
    from ._tool_union import *  # noqa: F403

_EAGER = [*_content.__all__, *_items.__all__, *_request.__all__, *_tools.__all__]
# The response object, the stream events, the hosted item and tool kinds, the shell and patch
# items, the object tool choices and the unions of every kind load on first use: a request
# needs none of them.
__getattr__, __dir__ = later(
    __name__,
    globals(),
    {
        "._item_union": None,
        "._tool_union": None,
        "._hosted_items": None,
        "._shell_items": None,
        "._tool_choices": None,
        "._create_frame": None,
        "._hosted_tools": None,
        "._response": None,
        "._events": None,
    },
)
