"""Checking and repairing tool-call sequences for backends that enforce the strict rule.

Strict OpenAI-compatible backends answer 400 when an assistant message with ``tool_calls``
is not followed at once by one tool message per call id; the Responses API answers "No tool
call found for function call output". :func:`validate_tool_sequence` says what breaks the
rule; :func:`repair_tool_sequence` fixes it without losing any tool output, recording each fix.
"""

from . import _check, _problems, _repair
from ._check import *  # noqa: F403
from ._problems import *  # noqa: F403
from ._repair import *  # noqa: F403

__all__ = [
    *_check.__all__,
    *_problems.__all__,
    *_repair.__all__,
]
