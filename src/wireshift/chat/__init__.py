"""Chat Completions (`/v1/chat/completions`) wire models."""

from typing import TYPE_CHECKING

from .._lazy_parts import later
from . import _messages
from ._messages import *  # noqa: F403

if TYPE_CHECKING:
    from ._completion import *  # noqa: F403
    from ._request import *  # noqa: F403

_EAGER = list(_messages.__all__)
# Requests, completions and chunks load on first use: translating a Responses request to
# chat builds messages, not the models of a chat request it never reads.
__getattr__, __dir__ = later(__name__, globals(), {"._completion": None, "._request": None})
