"""What a turn means, the same whichever wire format carried it: for tests that run one stream
through several paths (accumulated, translated as a stream, translated as a body) and compare."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from wireshift import UpstreamError
from wireshift.accumulate import AccumulatedChatCompletion, AccumulatedResponse
from wireshift.chat import ChatCompletion
from wireshift.responses import Response

__all__ = ["Call", "Meaning", "content", "meaning", "raised"]

Status = Literal["completed", "incomplete", "failed"]
Usage = tuple[int, int, int]
Call = tuple[str, str, Any]
"""``(call_id, name, arguments)``: the arguments parsed as JSON, or the raw text when they are
not JSON."""

# The chat function a Responses built-in tool call reads as (wireshift's function forms), and
# the item field its arguments are.
_FORMS = {
    "local_shell_call": ("local_shell", "action"),
    "shell_call": ("shell", "action"),
    "apply_patch_call": ("apply_patch", "operation"),
}
_INCOMPLETE_FINISH = frozenset({"length", "content_filter"})
_DONE_FINISH = frozenset({"stop", "tool_calls", "function_call"})


@dataclass(frozen=True, eq=False)
class Meaning:
    """One turn's meaning (see :func:`meaning`). Equality ignores ``error_code`` unless both
    sides have one."""

    status: Status
    text: str
    refusal: str
    reasoning: str
    calls: tuple[Call, ...]
    error: bool
    error_code: str | None
    usage: Usage | None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Meaning):
            return NotImplemented
        codes_agree = (
            self.error_code is None
            or other.error_code is None
            or self.error_code == other.error_code
        )
        return codes_agree and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple[Any, ...]:
        return (
            self.status,
            self.text,
            self.refusal,
            self.reasoning,
            self.calls,
            self.error,
            self.usage,
        )

    @property
    def has_output(self) -> bool:
        """Whether the turn produced anything a client would show or run."""
        return bool(self.text or self.refusal or self.reasoning or self.calls)


def content(m: Meaning) -> tuple[Any, ...]:
    """What a turn said (text, refusal, reasoning, calls, usage), without how it ended: all
    a bare body can carry of a stream whose failure was only in the stream (a cut, an error
    event) and not in the final object."""
    return (m.text, m.refusal, m.reasoning, m.calls, m.usage)


def raised(error: UpstreamError) -> Meaning:
    """The meaning of a translation that raised the upstream's error instead of answering:
    failed, with that error, and nothing said."""
    return Meaning(
        status="failed",
        text="",
        refusal="",
        reasoning="",
        calls=(),
        error=True,
        error_code=_code(error.upstream_code) or _code(error.code),
        usage=None,
    )


def meaning(
    x: Response | ChatCompletion | AccumulatedResponse | AccumulatedChatCompletion,
) -> Meaning:
    """Reduce a ``Response``, a ``ChatCompletion`` or an accumulated stream to its meaning.

    The normalization, the same for both formats:

    * **text**: Responses: the ``output_text`` parts of every ``message`` item, joined with
      nothing between them. Chat: the first choice's ``content`` (a list of parts counts by
      its ``text`` parts); later choices (``n > 1``) are left out, as translation drops them.
      ``refusal`` likewise: Responses ``refusal`` parts, chat ``message.refusal``.
    * **reasoning**: Responses: each ``reasoning`` item's ``summary`` parts then its
      ``reasoning_text`` content; chat: ``reasoning_content`` then ``reasoning``, once when both
      hold the same text (each a
      string, or an object's ``text`` / ``content``), or when neither is there the ``text``
      of the ``reasoning_details`` entries. The pieces are joined and all whitespace is
      removed: how reasoning was split into parts, and what was put between them (``\\n\\n``,
      a space, nothing), is layout, not meaning. Encrypted reasoning is left out.
    * **status**: ``completed``, ``incomplete`` or ``failed``. Responses: the response's
      status (``cancelled`` and ``failed`` are failed; ``in_progress``, ``queued`` or none:
      the turn never ended, failed). Chat (first choice's ``finish_reason``): ``stop``,
      ``tool_calls``, ``function_call`` are completed; ``length``, ``content_filter`` are
      incomplete; ``error``, none, or any other are failed (a choice that never said it
      ended was cut); a completion with no choice said nothing and is completed (a stream of
      only ``[DONE]``). An accumulated stream that carries
      an error or was cut (``error`` / ``truncated``) is failed whatever its object says.
    * **calls**: ``(call_id, name, arguments)`` in output order, only those **confirmed**:
      the turn ended ``completed`` or ``incomplete``, and for a Responses item its
      ``status`` is ``completed`` or absent. A Responses ``function_call`` gives its name
      (the namespace aside: chat has none without a tool-name map) and arguments;
      ``custom_tool_call`` gives ``{"input": ...}``, the chat form of its raw input;
      ``local_shell_call`` / ``shell_call`` / ``apply_patch_call`` give the chat function
      wireshift names for them (``local_shell``, ``shell``, ``apply_patch``) and their
      ``action`` / ``operation`` as the arguments (``local_shell``'s without its ``type``).
      A chat call gives ``id``, ``function.name`` and ``function.arguments`` (a
      ``custom`` call: ``{"input": ...}``). Arguments are parsed as JSON when they are JSON
      text, taken as they are when they came as an object, and kept as raw text otherwise.
    * **error**: whether the turn carries an error: an accumulated stream's ``error``, or
      its cut (a cut is a failure, an error without a code), a Responses ``error``, a chat
      completion's top-level ``error`` (kept as an unknown field). ``error_code`` is its
      code as text (a number as digits), the upstream's own where a translation to the
      OpenAI dialect kept it as ``upstream_code`` beside a dialect ``code``; it counts in
      equality only when both sides have one.
    * **usage**: ``(input, output, total)`` tokens (chat ``prompt_tokens``,
      ``completion_tokens``, ``total_tokens``); a count missing or not an integer is 0, as
      a translation must send integers; no usage object, or one with none of the three
      keys, is ``None``.
    """
    if isinstance(x, AccumulatedResponse):
        return _overlay(_response(x.response.to_dict()), x.error, x.truncated)
    if isinstance(x, AccumulatedChatCompletion):
        return _overlay(_chat(x.completion.to_dict()), x.error, x.truncated)
    if isinstance(x, Response):
        return _response(x.to_dict())
    if isinstance(x, ChatCompletion):
        return _chat(x.to_dict())
    raise TypeError(f"no meaning for a {type(x).__name__}")


def _overlay(m: Meaning, error: UpstreamError | None, truncated: bool) -> Meaning:
    """A stream's own failure (an error, a cut) over what its final object says."""
    if error is None and not truncated:
        return m
    code = (
        _error_code(error.raw) or _code(error.upstream_code) or _code(error.code)
        if error is not None
        else None
    )
    return Meaning(
        status="failed",
        text=m.text,
        refusal=m.refusal,
        reasoning=m.reasoning,
        calls=(),
        error=True,
        error_code=m.error_code or code,
        usage=m.usage,
    )


# --- Responses ---------------------------------------------------------------------------


def _response(body: dict[str, Any]) -> Meaning:
    raw_status = body.get("status")
    status: Status
    if raw_status == "completed":
        status = "completed"
    elif raw_status == "incomplete":
        status = "incomplete"
    else:
        status = "failed"
    texts: list[str] = []
    refusals: list[str] = []
    reasoning: list[str] = []
    calls: list[Call] = []
    for item in body.get("output") or []:
        if not isinstance(item, dict):
            continue
        kind = item.get("type")
        if kind == "message":
            parts = item.get("content")
            if isinstance(parts, str):
                texts.append(parts)
                continue
            for part in parts or []:
                if not isinstance(part, dict):
                    continue
                if part.get("type") == "output_text":
                    texts.append(_str(part.get("text")))
                elif part.get("type") == "refusal":
                    refusals.append(_str(part.get("refusal")))
        elif kind == "reasoning":
            pieces = [*(item.get("summary") or []), *(item.get("content") or [])]
            reasoning += [_str(p.get("text")) for p in pieces if isinstance(p, dict)]
        elif kind in ("function_call", "custom_tool_call", *_FORMS):
            if item.get("status") not in (None, "completed"):
                continue
            calls.append(_response_call(item))
    error = body.get("error")
    return Meaning(
        status=status,
        text="".join(texts),
        refusal="".join(refusals),
        reasoning=_layout(reasoning),
        calls=tuple(calls) if status != "failed" else (),
        error=bool(error),
        error_code=_error_code(error),
        usage=_usage(body.get("usage"), "input_tokens", "output_tokens"),
    )


def _response_call(item: dict[str, Any]) -> Call:
    kind = item["type"]
    call_id = _str(item.get("call_id"))
    if kind == "function_call":
        return (call_id, _str(item.get("name")), _arguments(item.get("arguments")))
    if kind == "custom_tool_call":
        return (call_id, _str(item.get("name")), {"input": _str(item.get("input"))})
    name, field = _FORMS[kind]
    value = item.get(field)
    if isinstance(value, dict) and kind == "local_shell_call":
        value = {k: v for k, v in value.items() if k != "type"}
    return (call_id, name, value)


# --- Chat --------------------------------------------------------------------------------


def _chat(body: dict[str, Any]) -> Meaning:
    choices = [c for c in body.get("choices") or [] if isinstance(c, dict)]
    first = min(choices, key=lambda c: c.get("index") or 0) if choices else {}
    finish = first.get("finish_reason")
    status: Status
    if not choices or finish in _DONE_FINISH:
        status = "completed"
    elif finish in _INCOMPLETE_FINISH:
        status = "incomplete"
    else:
        status = "failed"
    message = first.get("message") or {}
    calls: list[Call] = []
    for call in message.get("tool_calls") or []:
        if not isinstance(call, dict):
            continue
        if isinstance(call.get("custom"), dict):
            custom = call["custom"]
            calls.append(
                (_str(call.get("id")), _str(custom.get("name")), {"input": custom.get("input")})
            )
            continue
        function = call.get("function") or {}
        calls.append(
            (
                _str(call.get("id")),
                _str(function.get("name")),
                _arguments(function.get("arguments")),
            )
        )
    legacy = message.get("function_call")
    if isinstance(legacy, dict):
        calls.append(("", _str(legacy.get("name")), _arguments(legacy.get("arguments"))))
    error = body.get("error")
    return Meaning(
        status=status,
        text=_chat_text(message.get("content")),
        refusal=_str(message.get("refusal")),
        reasoning=_layout(_chat_reasoning(message)),
        calls=tuple(calls) if status != "failed" else (),
        error=bool(error),
        error_code=_error_code(error),
        usage=_usage(body.get("usage"), "prompt_tokens", "completion_tokens"),
    )


def _chat_text(value: Any) -> str:
    if isinstance(value, list):
        return "".join(
            _str(p.get("text")) for p in value if isinstance(p, dict) and p.get("type") == "text"
        )
    return _str(value)


def _chat_reasoning(message: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for key in ("reasoning_content", "reasoning"):
        value = message.get(key)
        if isinstance(value, dict):
            value = value.get("text", value.get("content"))
        if isinstance(value, str) and value and value not in found:
            found.append(value)
    if found:
        return found
    details = message.get("reasoning_details") or []
    return [_str(d.get("text")) for d in details if isinstance(d, dict) and d.get("text")]


# --- shared ------------------------------------------------------------------------------


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _layout(pieces: list[str]) -> str:
    return "".join("".join(pieces).split())


def _arguments(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _error_code(error: Any) -> str | None:
    """An error object's code: the upstream's own (``upstream_code``, where a translation to
    the OpenAI dialect put it) before the dialect's ``code``."""
    if not isinstance(error, dict):
        return None
    return _code(error.get("upstream_code")) or _code(error.get("code"))


def _code(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (str, int)):
        return str(value) or None
    return None


def _usage(value: Any, input_key: str, output_key: str) -> Usage | None:
    if not isinstance(value, dict):
        return None
    keys = (input_key, output_key, "total_tokens")
    if not any(key in value for key in keys):
        return None
    return (
        _count(value.get(input_key)),
        _count(value.get(output_key)),
        _count(value.get("total_tokens")),
    )


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
