"""Every error wireshift raises, in one tree.

``WireshiftError`` is the root. Errors about what the caller passed also subclass the builtin
a caller would expect (``ValueError`` for a bad value, ``TypeError`` for a bad type), so
existing ``except ValueError`` blocks keep working::

    WireshiftError
    ├── InvalidArgumentError (ValueError)     an argument's value is not one wireshift takes
    │   └── UnknownProfileError (KeyError)    a profile name that is not built in
    ├── ArgumentTypeError (TypeError)         an argument, or an item of it, has the wrong type
    ├── PayloadError (ValueError)             a body or event does not fit its model
    │   └── InvalidJSONError                  ... or is not JSON at all
    ├── BodyDecodeError (ValueError)          a Content-Encoding could not be undone
    │   ├── UnknownEncodingError
    │   ├── CorruptBodyError
    │   └── BodyTooLargeError
    ├── TranslationError (ValueError)         strict mode met a loss; or a request can't be sent
    │   ├── MissingContextError               server-side state nobody supplied
    │   └── CompactionError                   a compaction with no key, or a forged summary
    ├── ToolSequenceError (ValueError)        a history that cannot be checked, or (strict) fails
    ├── UpstreamError                         the upstream reported a failure
    └── StreamTruncatedError                  a stream ended before its terminal event
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ._upstream_codes import (
    FATAL_CODES,
    canonical_code,
    delay_wording,
    error_object,
    provider_error,
    retry_after_from_headers,
    retry_after_from_message,
    status_for,
)

if TYPE_CHECKING:
    from pydantic import ValidationError

    from ._notes import Note

__all__ = [
    "ArgumentTypeError",
    "BodyDecodeError",
    "BodyTooLargeError",
    "CompactionError",
    "CorruptBodyError",
    "FieldProblem",
    "InternalError",
    "InvalidArgumentError",
    "InvalidJSONError",
    "MissingContextError",
    "NestingTooDeepError",
    "PayloadError",
    "StreamConsumedError",
    "StreamTruncatedError",
    "ToolSequenceError",
    "TranslationError",
    "UnknownEncodingError",
    "UnknownProfileError",
    "UpstreamError",
    "WireshiftError",
]

PathPart = str | int


def format_path(path: Sequence[PathPart]) -> str:
    """Render ``("output", 0, "content")`` as ``output[0].content``."""
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif out:
            out.append(f".{part}")
        else:
            out.append(part)
    return "".join(out) or "<root>"


# Pydantic puts union branches into error locations: "@message" (our tags, see _model),
# "list[...]", "str". They are not fields, so paths leave them out.
_BRANCH_NAMES = frozenset({"str", "int", "float", "bool", "none", "list", "dict"})


def _is_union_branch(part: PathPart) -> bool:
    return isinstance(part, str) and (part.startswith("@") or "[" in part or part in _BRANCH_NAMES)


class WireshiftError(Exception):
    """Base class of every error wireshift raises on purpose."""


class InvalidArgumentError(WireshiftError, ValueError):
    """A caller's argument has a value wireshift does not take (``to="Chat"``).
    ``argument`` names it."""

    def __init__(self, message: str, *, argument: str) -> None:
        super().__init__(message)
        self.argument = argument


class ArgumentTypeError(WireshiftError, TypeError):
    """A caller's argument, or one item of it, has a type wireshift cannot read
    (``decode_body("text")``, ``translate_stream([1], ...)``). ``argument`` names it, with
    the item's index when one item is at fault (``events[0]``)."""

    def __init__(self, message: str, *, argument: str) -> None:
        super().__init__(message)
        self.argument = argument


class UnknownProfileError(InvalidArgumentError, KeyError):
    """A profile name that is not built in (a ``KeyError`` too, as a name lookup)."""

    def __str__(self) -> str:
        # KeyError would quote the message like a key.
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class FieldProblem:
    """One field that failed validation: where, what kind of failure, and why."""

    path: tuple[PathPart, ...]
    kind: str
    message: str

    @property
    def where(self) -> str:
        return format_path(self.path)


class PayloadError(WireshiftError, ValueError):
    """A payload did not have the shape its model needs.

    ``path`` names the first field at fault (``output[0].content[1].text``);
    ``problems`` lists every failing field; ``model`` names what was being parsed. In strict
    accumulation, ``note`` is the note of the first event left out of the result.
    """

    def __init__(
        self,
        message: str,
        *,
        model: str | None = None,
        problems: Sequence[FieldProblem] = (),
        note: Note | None = None,
    ) -> None:
        super().__init__(message)
        self.model = model
        self.problems = tuple(problems)
        self.note = note

    @property
    def path(self) -> str:
        if self.problems:
            return self.problems[0].where
        return self.note.path if self.note is not None else "<root>"

    @classmethod
    def from_validation(cls, error: ValidationError, model: str) -> PayloadError:
        problems = []
        for err in error.errors(include_url=False, include_input=False):
            loc = tuple(p for p in err["loc"] if not _is_union_branch(p))
            problems.append(FieldProblem(loc, err["type"], err["msg"]))
        kind = InvalidJSONError if problems and problems[0].kind == "json_invalid" else cls
        first = problems[0] if problems else None
        summary = f"{first.where}: {first.message}" if first else str(error)
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return kind(f"invalid {model}: {summary}{more}", model=model, problems=problems)


class InvalidJSONError(PayloadError):
    """The bytes or text given were not JSON at all."""


class NestingTooDeepError(PayloadError):
    """A JSON document nests objects or arrays deeper than ``limit`` levels (see
    :class:`~wireshift.Limits`)."""

    def __init__(self, message: str, *, model: str | None = None, limit: int) -> None:
        super().__init__(message, model=model)
        self.limit = limit


class BodyDecodeError(WireshiftError, ValueError):
    """A body could not be decoded. ``encoding`` names the coding at fault."""

    def __init__(self, message: str, *, encoding: str) -> None:
        super().__init__(message)
        self.encoding = encoding


class UnknownEncodingError(BodyDecodeError):
    """The ``Content-Encoding`` names a coding wireshift cannot undo (or whose extra is missing)."""


class CorruptBodyError(BodyDecodeError):
    """The bytes are not valid data of the coding the header names, or they stop early."""


class BodyTooLargeError(BodyDecodeError):
    """Decoding would exceed ``max_bytes``."""

    def __init__(self, message: str, *, encoding: str, max_bytes: int) -> None:
        super().__init__(message, encoding=encoding)
        self.max_bytes = max_bytes


class TranslationError(WireshiftError, ValueError):
    """A request could not be translated as asked.

    In strict mode, raised where a field would otherwise be dropped: ``path`` names it
    (``tools[2]``, ``input[5].encrypted_content``) and ``note`` is the note that would have
    been recorded.
    """

    def __init__(self, message: str, *, path: str = "<root>", note: Note | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.note = note


class MissingContextError(TranslationError):
    """The request points at server-side state (``previous_response_id``, ``conversation``)
    and the caller supplied neither the earlier items nor a resolver for them."""


class CompactionError(TranslationError):
    """A compaction wireshift cannot emulate as asked: no ``compaction_key`` was configured,
    or a ``compaction`` item's content is not a wireshift summary sealed with that key
    (tampered, sealed by another gateway, or OpenAI's own). ``path`` names the item."""


class StreamConsumedError(WireshiftError, RuntimeError):
    """A translated stream read a second way: its events and its ``batches()`` share one
    input, so only one of them may read it."""


class StreamTruncatedError(WireshiftError):
    """The stream ended before its terminal event (``response.completed``, ``.failed``,
    ``.incomplete``; for Chat Completions, ``[DONE]`` or a ``finish_reason``).

    Raised only in strict mode; ``result`` holds everything received before the cut.
    """

    def __init__(self, message: str, result: Any = None) -> None:
        super().__init__(message)
        self.result = result


class ToolSequenceError(WireshiftError, ValueError):
    """The history cannot be checked at all: an entry is not an object, the list mixes
    Chat Completions messages with Responses items, or a profile's id rule is unusable. In
    strict mode, also a history with problems (``problems``) or a repair that would lose a
    tool output or call (``note``).

    ``position`` is the index of the entry at fault, when one is.
    """

    def __init__(
        self,
        message: str,
        *,
        position: int | None = None,
        problems: Sequence[Any] = (),
        note: Note | None = None,
    ) -> None:
        super().__init__(message)
        self.position = position
        self.problems: list[Any] = list(problems)
        self.note = note


# How much of anything from the wire an error message or note quotes.
EXCERPT = 300


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """``text`` cut to ``limit`` characters, saying how much more there was."""
    text = text.strip()
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text) - limit} more characters)"


class InternalError(WireshiftError):
    """wireshift failed on an input in a way it has no name for: a bug, not the input's
    fault alone. ``__cause__`` holds the original exception; please report it with the
    input. Raised so that a gateway's ``except WireshiftError`` still holds."""


def quoted(value: object, limit: int = 80) -> str:
    """``repr(value)`` for a message, cut to ``limit`` characters: values from the wire
    (ids, names, types) can be any length."""
    return excerpt(repr(value), limit)


class UpstreamError(WireshiftError):
    """The upstream ended a response or stream with an error, or answered with one.

    ``code`` is the one canonical code clients act on (``context_length_exceeded``,
    ``rate_limit_exceeded``, ``insufficient_quota``, ``invalid_request_error``,
    ``authentication_error``, ``permission_denied``, ``model_not_found``,
    ``server_is_overloaded``, ``server_error``...; see the Errors page), read from the
    provider's own code, type, wording and HTTP status. ``upstream_code`` is the provider's
    own code (sent on as ``upstream_code`` beside ``code`` when they differ) and ``message``
    its message, verbatim. ``status`` is the HTTP status a gateway should answer with: the
    upstream's, else one chosen from ``code``. ``retry_after`` is the delay in seconds the
    upstream asked for (headers first, then its message), and :attr:`retryable` whether a
    client should try again at all. ``source`` says where the error was found (``"http"``,
    ``"response.error"``, ``"event.error"``, ``"error event"``, ``"chunk.error"``...);
    ``raw`` is the error object as it came. An accumulated result that ended in it is
    ``result``.
    """

    def __init__(
        self,
        message: str | None,
        *,
        code: str | None = None,
        type: str | None = None,
        param: str | None = None,
        status: int | None = None,
        source: str = "",
        raw: Mapping[str, Any] | None = None,
        event: Any = None,
        retry_after: float | None = None,
    ) -> None:
        status = status if isinstance(status, int) and 400 <= status < 600 else None
        canonical = canonical_code(status, code, type, message)
        super().__init__(_describe(canonical, message))
        self.message = message
        self.code = canonical
        self.upstream_code = code
        self.type = type
        self.param = param
        self.status = status or status_for(canonical)
        self.retry_after = (
            retry_after if retry_after is not None else retry_after_from_message(message)
        )
        self.source = source
        self.raw: dict[str, Any] = dict(raw or {})
        self.event = event
        self.result: Any = None

    @property
    def retryable(self) -> bool:
        """Whether the same request may succeed later: false for a context overflow, a used-up
        quota, a bad request, key or model (Codex gives up on these at once); true for rate
        limits, overloads, server errors and cut streams."""
        return self.code not in FATAL_CODES

    @classmethod
    def from_http(
        cls, status: int, body: Any = b"", headers: Mapping[str, str] | None = None
    ) -> UpstreamError:
        """The error an upstream answered with: its HTTP ``status``, ``body`` (bytes, text or
        parsed JSON, of any common shape: OpenAI, vLLM, Ollama, llama.cpp, OpenRouter,
        LiteLLM, Anthropic, an HTML or text page, nothing) and ``headers`` (any mapping;
        ``Retry-After``, ``retry-after-ms`` and ``x-ratelimit-reset-*`` are read)."""
        found, text = error_object(body)
        delay = retry_after_from_headers(headers)
        if found is not None:
            error = cls.from_payload(found, "http", status=status, retry_after=delay)
            if error is not None:
                return error
        return cls(
            excerpt(text) if text else f"the upstream answered HTTP {status} with an empty body",
            status=status,
            source="http",
            raw={"body": excerpt(text, 4 * EXCERPT)} if text else {},
            retry_after=delay,
        )

    @classmethod
    def from_payload(cls, error: Any, source: str, **more: Any) -> UpstreamError | None:
        """Read an error object (a mapping, a model, or a bare string) as providers send it;
        ``None`` when it holds nothing (``null``, ``{}``, ``""``)."""
        if isinstance(error, BaseModel):
            error = error.model_dump(mode="json", by_alias=True, exclude_unset=True)
        if isinstance(error, str):
            return cls(error, source=source, raw={"message": error}, **more) if error else None
        if not isinstance(error, Mapping) or not error:
            return None
        nested = error.get("error")
        if isinstance(nested, Mapping) and not any(error.get(k) for k in ("code", "message")):
            # {"error": {...}} wrapped once more (an error body forwarded as is).
            return cls.from_payload(nested, source, **more)
        if isinstance(nested, str) and nested and not error.get("message"):
            error = {**error, "message": nested}  # Ollama's {"error": "text"}
        status = more.pop("status", None) or _status(error.get("status"))
        code = error.get("code")
        if status is None and (numeric := _status(code)) is not None:
            status = numeric  # vLLM and LiteLLM put the HTTP status in "code"
        message = error.get("message")
        message = message if isinstance(message, str) else _text(message)
        kind = _text(error.get("type"))
        inner = error.get("provider_error") or provider_error(error)
        if isinstance(inner, Mapping) and isinstance(inner.get("message"), str):
            # OpenRouter's "Provider returned error": the provider's own words say why.
            code = inner.get("code") if _status(inner.get("code")) is None else code
            kind = _text(inner.get("type")) or kind
            message = inner["message"]
        return cls(
            message,
            code=_text(code),
            type=kind,
            param=_text(error.get("param")),
            status=status,
            source=source,
            raw=error,
            **more,
        )

    @classmethod
    def from_error_event(cls, event: Any) -> UpstreamError:
        """A Responses ``error`` event: the cause is on the event (OpenAI's spec) or nested in
        ``error`` (Open Responses, WebSocket mode); the nested object is kept whole and the
        event's own fields fill its gaps."""
        nested = getattr(event, "error", None)
        found: dict[str, Any] = (
            nested.model_dump(mode="json", by_alias=True, exclude_unset=True)
            if isinstance(nested, BaseModel)
            else dict(nested)
            if isinstance(nested, Mapping)
            else {}
        )
        for key in ("code", "message", "param"):
            value = getattr(event, key, None)
            if value is not None and found.get(key) is None:
                found[key] = value
        status = getattr(event, "status", None)
        more: dict[str, Any] = {"event": event}
        if isinstance(status, int):
            more["status"] = status
        error = cls.from_payload(found, "error event", **more)
        return error or cls(None, source="error event", event=event)

    @classmethod
    def from_failed(
        cls, event: Any, earlier: UpstreamError | None = None
    ) -> tuple[UpstreamError, bool]:
        """The cause of a ``response.failed`` event (or a failed response body): the
        response's own ``error``; else a top-level ``error`` beside it (some providers put the
        real error there and leave ``response.error`` null); else ``earlier``, an ``error``
        event before it. The flag says whether the response's own error said it."""
        response = getattr(event, "response", event)
        own = cls.from_payload(getattr(response, "error", None), "response.error", event=event)
        if own is not None:
            return own, True
        top = None
        if response is not event:
            top = cls.from_payload(getattr(event, "error", None), "event.error", event=event)
        found = top or earlier
        if found is None:
            return cls(None, source="response.failed", event=event), False
        return found, False

    @classmethod
    def from_text(cls, text: str, source: str = "event.data") -> UpstreamError:
        """A stream line that was not JSON (a proxy's error page, a crashed worker's
        message): the upstream's failure, its text kept as the message."""
        return cls(
            f"the upstream sent a line that is not JSON: {excerpt(text)}",
            code="upstream_unreadable",
            source=source,
            raw={"data": excerpt(text, 4 * EXCERPT)},
        )

    @classmethod
    def from_finish_reason(cls, reason: str) -> UpstreamError:
        """A chat choice that ended with a finish reason that means failure (``"error"``),
        and no error object to say why."""
        return cls(
            f"the upstream ended the turn with finish_reason {quoted(reason)}",
            code="server_error",
            source="finish_reason",
        )

    @classmethod
    def interrupted(cls, what: str) -> UpstreamError:
        """A stream that ended before its end: ``what`` says where it stopped."""
        return cls(f"the upstream stream was cut {what}", code="stream_interrupted")

    def to_response_error(self) -> dict[str, Any]:
        """The error as a Responses ``response.error`` object: the canonical ``code`` and the
        upstream's ``message`` (with the delay worded as Codex reads it, when the upstream
        gave one only in a header), and whatever else the upstream sent."""
        body = dict(self.raw)
        body.pop("provider_error", None)
        body["code"] = self.code
        body["message"] = self.client_message()
        if self.upstream_code and self.upstream_code != self.code:
            body["upstream_code"] = self.upstream_code
        return body

    def to_body(self) -> dict[str, Any]:
        """``{"error": {"message", "type", "code", "param"}}``, the error body Chat clients
        expect (send it with :attr:`status` and :meth:`http_headers`)."""
        kind = self.type or (
            "invalid_request_error" if 400 <= self.status < 500 else "server_error"
        )
        error: dict[str, Any] = {
            "message": self.client_message(),
            "type": kind,
            "code": self.code,
            "param": self.param,
        }
        if self.upstream_code and self.upstream_code != self.code:
            error["upstream_code"] = self.upstream_code
        return {"error": error}

    def http_headers(self) -> dict[str, str]:
        """The headers to answer with before a stream starts: ``retry-after`` (whole seconds)
        and ``retry-after-ms`` when the upstream asked for a delay, and ``x-should-retry``,
        which the openai SDK obeys over its own rule (so it does not retry a used-up quota's
        429, and does retry an overloaded backend's 503)."""
        headers = {"x-should-retry": "true" if self.retryable else "false"}
        if self.retry_after is not None:
            headers["retry-after"] = str(max(math.ceil(self.retry_after), 0))
            headers["retry-after-ms"] = str(max(math.ceil(self.retry_after * 1000), 0))
        return headers

    def client_message(self) -> str:
        """The message to show: the upstream's own (else a description of the failure), with
        "Please try again in ..." added when the delay came only from a header."""
        message = self.message or str(self)
        if (
            self.retry_after is not None
            and self.code == "rate_limit_exceeded"
            and retry_after_from_message(message) is None
        ):
            message = message.rstrip()
            stop = "" if message.endswith((".", "!", "?")) else "."
            message = f"{message}{stop} {delay_wording(self.retry_after)}"
        return message


def _status(value: Any) -> int | None:
    """An HTTP error status given as a number or digits, else ``None``."""
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 400 <= value < 600:
        return value
    return None


def _text(value: Any) -> str | None:
    """A code or message as text: numbers (HTTP statuses) as digits, objects not at all."""
    if value is None or isinstance(value, str):
        return value
    return str(value) if isinstance(value, (int, float)) else None


def _describe(code: str | None, message: str | None) -> str:
    # Both come from the wire: the message is quoted whole in .message, cut here.
    code = excerpt(code, 80) if code else code
    message = excerpt(message, 2 * EXCERPT) if message else message
    if code and message:
        return f"{code}: {message}"
    return message or code or "the upstream reported an error without a code or message"
