"""Accumulating a stream, of either format, into its final object: drift-tolerant, lossless.

:func:`accumulate_stream` (and :func:`aaccumulate_stream`) turn a captured Responses or Chat
Completions stream into its final ``Response`` or ``ChatCompletion``, with notes on what was
repaired or not understood, the upstream's real error, and whether the stream was cut. The
accumulators behind it take events one at a time.
"""

from .._errors import StreamTruncatedError
from .._format import Format as StreamFormat
from . import _api, _chat, _responses, _result
from ._api import *  # noqa: F403
from ._chat import *  # noqa: F403
from ._responses import *  # noqa: F403
from ._result import *  # noqa: F403

__all__ = [
    "StreamFormat",
    "StreamTruncatedError",
    *_api.__all__,
    *_chat.__all__,
    *_responses.__all__,
    *_result.__all__,
]
