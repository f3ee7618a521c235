"""Translation between the Responses API and Chat Completions: requests (with each backend's
normalization rules), non-streaming response bodies, and streams."""

from typing import TYPE_CHECKING

from .._errors import (
    MissingContextError as MissingContextError,
    StreamConsumedError as StreamConsumedError,
    TranslationError as TranslationError,
)
from .._lazy_parts import later
from . import _api, _result, _warm_up
from ._api import *  # noqa: F403
from ._result import *  # noqa: F403
from ._warm_up import *  # noqa: F403

if TYPE_CHECKING:
    from ._response_body import *  # noqa: F403
    from ._stream_api import *  # noqa: F403
    from ._stream_to_chat import ResponsesToChatStream as ResponsesToChatStream
    from ._stream_to_responses import (
        ChatToResponsesStream as ChatToResponsesStream,
        ReasoningStyle as ReasoningStyle,
    )

_EAGER = [
    "MissingContextError",
    "StreamConsumedError",
    "TranslationError",
    *_api.__all__,
    *_result.__all__,
    *_warm_up.__all__,
]
# Bodies and streams load on first use: translating a request needs neither.
__getattr__, __dir__ = later(
    __name__,
    globals(),
    {
        "._response_body": None,
        "._stream_api": None,
        "._stream_to_chat": ("ResponsesToChatStream",),
        "._stream_to_responses": ("ChatToResponsesStream", "ReasoningStyle"),
    },
)
