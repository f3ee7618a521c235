"""wireshift: translate between the OpenAI Responses API and Chat Completions wire formats.

Sans-I/O: bytes and objects in, bytes and objects out. The top level holds what a gateway
calls and catches; the models are in :mod:`wireshift.chat` and :mod:`wireshift.responses`.
"""

from __future__ import annotations

import importlib
import warnings
from typing import TYPE_CHECKING, Any

from ._errors import (
    ArgumentTypeError,
    BodyDecodeError,
    BodyTooLargeError,
    CompactionError,
    CorruptBodyError,
    FieldProblem,
    InternalError,
    InvalidArgumentError,
    InvalidJSONError,
    MissingContextError,
    NestingTooDeepError,
    PayloadError,
    StreamTruncatedError,
    ToolSequenceError,
    TranslationError,
    UnknownEncodingError,
    UnknownProfileError,
    UpstreamError,
    WireshiftError,
)
from ._format import Format
from ._notes import Note, NoteAction
from ._profiles import PROFILES, Profile, get_profile
from ._toolnames import ToolNameMap

if TYPE_CHECKING:
    # Re-exported for type checkers (the `as` says so); at run time __getattr__ loads them.
    from ._body import decode_body as decode_body
    from ._httpx import (
        aiter_sse_response as aiter_sse_response,
        iter_sse_response as iter_sse_response,
    )
    from ._memory_store import MemoryResponseStore as MemoryResponseStore
    from ._sqlite_store import SQLiteResponseStore as SQLiteResponseStore
    from ._sse import (
        DONE as DONE,
        SSEDecoder as SSEDecoder,
        SSEEvent as SSEEvent,
        aiter_sse as aiter_sse,
        encode_sse as encode_sse,
        iter_sse as iter_sse,
    )
    from ._store import (
        ResponseStore as ResponseStore,
        ScopedResponseStore as ScopedResponseStore,
        StoredResponse as StoredResponse,
    )
    from ._websocket import (
        CreateResponse as CreateResponse,
        ResponsesWebSocketSession as ResponsesWebSocketSession,
    )
    from .accumulate import (
        AccumulatedChatCompletion as AccumulatedChatCompletion,
        AccumulatedResponse as AccumulatedResponse,
        AccumulatedStream as AccumulatedStream,
        StreamAccumulator as StreamAccumulator,
        aaccumulate_stream as aaccumulate_stream,
        accumulate_stream as accumulate_stream,
    )
    from .toolseq import (
        FixKind as FixKind,
        ProblemKind as ProblemKind,
        RepairPolicy as RepairPolicy,
        RepairResult as RepairResult,
        ToolSequenceFix as ToolSequenceFix,
        ToolSequenceProblem as ToolSequenceProblem,
        ToolSequenceReport as ToolSequenceReport,
        repair_tool_sequence as repair_tool_sequence,
        validate_tool_sequence as validate_tool_sequence,
    )
    from .translate import (
        AsyncTranslatedStream as AsyncTranslatedStream,
        ItemResolver as ItemResolver,
        ReasoningStyle as ReasoningStyle,
        TranslatedChatCompletion as TranslatedChatCompletion,
        TranslatedRequest as TranslatedRequest,
        TranslatedResponse as TranslatedResponse,
        TranslatedStream as TranslatedStream,
        atranslate_stream as atranslate_stream,
        normalize_request as normalize_request,
        translate_request as translate_request,
        translate_response as translate_response,
        translate_stream as translate_stream,
    )

__version__ = "0.2.0"

# Importing these packages builds hundreds of pydantic models, about as costly as importing
# pydantic itself: they load on first use of one of their names. So do the modules a
# translation never needs (bodies, SSE, stores, WebSocket sessions): a fresh worker that
# only translates does not pay for them.
_LAZY: dict[str, tuple[str, ...]] = {
    "._body": ("decode_body",),
    "._httpx": ("aiter_sse_response", "iter_sse_response"),
    "._memory_store": ("MemoryResponseStore",),
    "._sqlite_store": ("SQLiteResponseStore",),
    "._sse": ("DONE", "SSEDecoder", "SSEEvent", "aiter_sse", "encode_sse", "iter_sse"),
    "._store": ("ResponseStore", "ScopedResponseStore", "StoredResponse"),
    "._websocket": ("CreateResponse", "ResponsesWebSocketSession"),
    ".translate": (
        "AsyncTranslatedStream",
        "ItemResolver",
        "ReasoningStyle",
        "TranslatedChatCompletion",
        "TranslatedRequest",
        "TranslatedResponse",
        "TranslatedStream",
        "atranslate_stream",
        "normalize_request",
        "translate_request",
        "translate_response",
        "translate_stream",
    ),
    ".accumulate": (
        "AccumulatedChatCompletion",
        "AccumulatedResponse",
        "AccumulatedStream",
        "StreamAccumulator",
        "aaccumulate_stream",
        "accumulate_stream",
    ),
    ".toolseq": (
        "FixKind",
        "ProblemKind",
        "RepairPolicy",
        "RepairResult",
        "ToolSequenceFix",
        "ToolSequenceProblem",
        "ToolSequenceReport",
        "repair_tool_sequence",
        "validate_tool_sequence",
    ),
}
_LAZY_HOME = {name: module for module, names in _LAZY.items() for name in names}

# Where the names 0.1 exported at the top level, and 0.2 no longer does, live now. They keep
# working for one release, with a DeprecationWarning naming the new place.
_RETIRED_HOMES = (
    ".chat",
    ".responses",
    ".translate",
    ".accumulate",
    ".toolseq",
    "._profiles",
    "._sse",
    "._toolnames",
    "._body",
    "._model",
)
_RETIRED_PRIVATE = {"excerpt": "._errors", "format_path": "._errors"}

__all__ = [
    "PROFILES",
    "ArgumentTypeError",
    "BodyDecodeError",
    "BodyTooLargeError",
    "CompactionError",
    "CorruptBodyError",
    "FieldProblem",
    "Format",
    "InternalError",
    "InvalidArgumentError",
    "InvalidJSONError",
    "NestingTooDeepError",
    "MissingContextError",
    "Note",
    "NoteAction",
    "PayloadError",
    "Profile",
    "StreamTruncatedError",
    "ToolNameMap",
    "ToolSequenceError",
    "TranslationError",
    "UnknownEncodingError",
    "UnknownProfileError",
    "UpstreamError",
    "WireshiftError",
    "__version__",
    "get_profile",
    *_LAZY_HOME,
]


_SUBPACKAGES = frozenset({"chat", "responses", "translate", "accumulate", "toolseq"})


def __getattr__(name: str) -> Any:
    if name in _SUBPACKAGES:  # ``import wireshift`` then ``wireshift.chat.ChatCompletion``
        return importlib.import_module(f".{name}", __name__)
    module = _LAZY_HOME.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module, __name__), name)
        globals()[name] = value
        return value
    return _retired(name)


def _retired(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(f"module 'wireshift' has no attribute {name!r}")
    private = _RETIRED_PRIVATE.get(name)
    for home in (private,) if private else _RETIRED_HOMES:
        module = importlib.import_module(home, __name__)
        if private or name in getattr(module, "__all__", ()):
            advice = (
                "it is internal" if home.startswith("._") else f"import it from wireshift{home}"
            )
            warnings.warn(
                f"wireshift.{name} is no longer at the top level ({advice}); the old name "
                "works until the next release",
                DeprecationWarning,
                stacklevel=3,
            )
            return getattr(module, name)
    raise AttributeError(f"module 'wireshift' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY_HOME))
