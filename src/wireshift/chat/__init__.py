"""Chat Completions (`/v1/chat/completions`) wire models."""

from . import _completion, _messages, _request
from ._completion import *  # noqa: F403
from ._messages import *  # noqa: F403
from ._request import *  # noqa: F403

__all__ = [
    *_completion.__all__,
    *_messages.__all__,
    *_request.__all__,
]
