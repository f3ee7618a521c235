"""Translation between the Responses API and Chat Completions: requests (with each backend's
normalization rules), non-streaming response bodies, and streams."""

from .._errors import MissingContextError, TranslationError
from . import _api, _response_body, _result, _stream_api
from ._api import *  # noqa: F403
from ._response_body import *  # noqa: F403
from ._result import *  # noqa: F403
from ._stream_api import *  # noqa: F403
from ._stream_to_chat import ResponsesToChatStream
from ._stream_to_responses import ChatToResponsesStream, ReasoningStyle

__all__ = [
    "ChatToResponsesStream",
    "MissingContextError",
    "TranslationError",
    "ReasoningStyle",
    "ResponsesToChatStream",
    *_api.__all__,
    *_response_body.__all__,
    *_result.__all__,
    *_stream_api.__all__,
]
