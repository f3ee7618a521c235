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
    │   └── MissingContextError               server-side state nobody supplied
    ├── ToolSequenceError (ValueError)        a history that cannot be checked, or (strict) fails
    ├── UpstreamError                         the upstream reported a failure
    └── StreamTruncatedError                  a stream ended before its terminal event
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    from pydantic import ValidationError

    from ._notes import Note

__all__ = [
    "ArgumentTypeError",
    "BodyDecodeError",
    "BodyTooLargeError",
    "CorruptBodyError",
    "FieldProblem",
    "InvalidArgumentError",
    "InvalidJSONError",
    "MissingContextError",
    "PayloadError",
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


# Error codes and the HTTP status a gateway answers with; any other code is a bad gateway.
_STATUS_BY_CODE = {
    "rate_limit_exceeded": 429,
    "insufficient_quota": 429,
    "context_length_exceeded": 400,
    "invalid_prompt": 400,
    "invalid_request_error": 400,
    "invalid_api_key": 401,
    "authentication_error": 401,
    "permission_denied": 403,
    "not_found": 404,
    "model_not_found": 404,
    "server_error": 502,
    "server_is_overloaded": 503,
}


class UpstreamError(WireshiftError):
    """The upstream ended a response or stream with an error.

    ``message`` and ``code`` are the upstream's own (``code`` as text even when a provider
    sends a number). ``status`` is the HTTP status a gateway should answer with: the one the
    upstream gave, else one chosen from ``code``, else 502. ``source`` says where the error
    was found: ``"response.error"``, ``"event.error"`` (a top-level ``error`` beside a
    ``response`` whose own error is null), ``"error event"``, ``"chunk.error"``...; ``raw`` is
    the error object as it came. An accumulated result that ended in it is ``result``.
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
    ) -> None:
        super().__init__(_describe(code, message))
        self.message = message
        self.code = code
        self.type = type
        self.param = param
        self.status = status or _STATUS_BY_CODE.get(code or "", 502)
        self.source = source
        self.raw: dict[str, Any] = dict(raw or {})
        self.event = event
        self.result: Any = None

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
        message = error.get("message")
        status = more.pop("status", None) or error.get("status")
        return cls(
            message if isinstance(message, str) else _text(message),
            code=_text(error.get("code")),
            type=_text(error.get("type")),
            param=_text(error.get("param")),
            status=status if isinstance(status, int) and 400 <= status < 600 else None,
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
            f"the upstream ended the turn with finish_reason {reason!r}",
            code="server_error",
            source="finish_reason",
        )

    @classmethod
    def interrupted(cls, what: str) -> UpstreamError:
        """A stream that ended before its end: ``what`` says where it stopped."""
        return cls(f"the upstream stream was cut {what}", code="stream_interrupted")

    def to_response_error(self) -> dict[str, Any]:
        """The error as a Responses ``response.error`` object: ``code`` and ``message``, and
        whatever else the upstream sent."""
        body = dict(self.raw)
        body["code"] = self.code
        body["message"] = self.message
        return body

    def to_body(self) -> dict[str, Any]:
        """``{"error": {"message", "type", "code"}}``, the error body Chat clients expect."""
        kind = self.type or (
            "invalid_request_error" if 400 <= self.status < 500 else "server_error"
        )
        message = self.message or str(self)
        return {"error": {"message": message, "type": kind, "code": self.code}}


def _text(value: Any) -> str | None:
    """A code or message as text: numbers (HTTP statuses) as digits, objects not at all."""
    if value is None or isinstance(value, str):
        return value
    return str(value) if isinstance(value, (int, float)) else None


def _describe(code: str | None, message: str | None) -> str:
    if code and message:
        return f"{code}: {message}"
    return message or code or "the upstream reported an error without a code or message"
