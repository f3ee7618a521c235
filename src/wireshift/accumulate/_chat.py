"""Accumulate a Chat Completions stream into one :class:`~wireshift.ChatCompletion`.

Chunks are parsed once each and their deltas appended to per-choice lists; the completion is
built only when asked for. What providers really send is taken as it comes: tool calls placed
by ``index`` but told apart by ``id`` (two ids at one index are two calls), continuations
without an id, whole calls in one delta, usage on any chunk (a ``choices: []`` chunk, after
``[DONE]``), several choices, no ``finish_reason``, an error object mid-stream, and the
reasoning fields of DeepSeek (``reasoning_content``), vLLM (``reasoning``) and OpenRouter
(``reasoning_details``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from typing import Any, ClassVar, cast

from .._errors import PayloadError, UpstreamError, quoted
from .._wire._chat_chunks import Foreign, Unreadable, read_chat_payload
from .._wire._fold import describe, fold
from .._wire._input import Payload
from .._wire._notelog import NoteLog
from .._wire._plain import ToolCallParts, model_tool_calls, plain_chunk
from ..chat import (
    ChatCompletion,
    ChatCompletionChunk,
    ChatTokenLogprob,
    ChunkChoice,
)
from ._feeding import PayloadFeeder, checked
from ._result import AccumulatedChatCompletion
from ._shapes import Hole, PayloadShape, learn_shape

__all__ = ["ChatAccumulator"]

# reasoning_details fields whose text arrives in pieces.
_DETAIL_TEXT = ("text", "summary", "data")
# Delta fields whose pieces are joined into the message field of the same name.
_TEXT_FIELDS = ("content", "refusal", "reasoning_content", "reasoning")
# Fields of unknown delta objects that name or date a thing: never joined, the first one stays.
_WHOLE = frozenset({"id", "type", "name", "index", "format", "expires_at"})

# The keys a choice of a learnt chunk shape may hold (see _streamed_string).
_FAST_CHOICE_KEYS = frozenset({"index", "delta", "finish_reason", "logprobs"})
# Shapes kept at once: enough for calls or choices that take turns.
_SHAPES = 4


class _Pieces(list[str]):
    """Pieces of one text, joined when the completion is built."""


class _ToolCall:
    __slots__ = ("args", "extra", "id", "index", "name", "type")

    def __init__(self, call_id: str | None, index: int | None) -> None:
        self.id = call_id
        self.index = index
        self.type: str | None = None
        self.name: str | None = None
        self.args: list[str] = []
        # Unknown fields (a custom call's `custom`), string pieces joined like arguments.
        self.extra: dict[str, Any] | None = None

    def body(self) -> dict[str, Any]:
        kind = self.type or "function"
        body: dict[str, Any] = {}
        if self.id is not None:
            body["id"] = self.id
        body["type"] = kind
        extra = _joined(self.extra) if self.extra else {}
        # Unknown fields of `function` are kept under it, beside the name and arguments.
        function = extra.pop("function", None)
        if kind == "function" or self.name is not None or self.args:
            own = {"name": self.name, "arguments": "".join(self.args)}
            function = {**function, **own} if isinstance(function, dict) else own
        if function is not None:
            body["function"] = function
        body.update(extra)
        return body


class _Choice:
    __slots__ = (
        "annotations",
        "audio",
        "calls",
        "detail_index",
        "details",
        "extra",
        "finish_reason",
        "function_args",
        "function_name",
        "ids",
        "index",
        "logprobs",
        "message_extra",
        "positions",
        "role",
        "texts",
    )

    def __init__(self, index: int) -> None:
        self.index = index
        self.role: str | None = None
        # content, refusal, reasoning_content, reasoning: their pieces, joined when built.
        self.texts: defaultdict[str, list[str]] = defaultdict(list)
        self.details: list[dict[str, Any]] | None = None
        self.detail_index: dict[Any, dict[str, Any]] = {}
        self.calls: list[_ToolCall] = []
        self.positions: dict[int, _ToolCall] = {}
        self.ids: dict[str, _ToolCall] = {}
        self.function_name: str | None = None
        self.function_args: list[str] | None = None
        self.finish_reason: str | None = None
        self.logprobs: dict[str, list[ChatTokenLogprob]] | None = None
        self.annotations: list[Any] | None = None
        self.audio: dict[str, Any] | None = None
        self.message_extra: dict[str, Any] | None = None
        self.extra: dict[str, Any] | None = None


class ChatAccumulator(PayloadFeeder):
    """Accumulates a Chat Completions stream fed one piece at a time.

    :meth:`feed` takes raw SSE chunks (split anywhere), SSE events, chunk mappings or models;
    :meth:`snapshot` builds the completion so far (its cost is the completion's size, paid only
    when called); :meth:`finish` ends the stream and returns the
    :class:`AccumulatedChatCompletion`. With ``strict=True``, :meth:`finish` raises
    :class:`UpstreamError` for a stream that carried an error and
    :class:`StreamTruncatedError` for one cut before ``[DONE]`` or a ``finish_reason``.
    """

    # Whether JSON text may take the fast reading (tests compare both ways).
    _fast: ClassVar[bool] = True

    def __init__(self, *, strict: bool = False, raise_on_failure: bool | None = None) -> None:
        super().__init__(strict=strict, raise_on_failure=raise_on_failure)
        self._meta: dict[str, Any] = {}
        self._named = False
        self._extra: dict[str, Any] = {}
        self._choices: dict[int, _Choice] = {}
        self._usage: Any = None
        self._moderation: Any = None
        self._error: UpstreamError | None = None
        # The fields other than `choices` of the last chunk the models read (see _feed_fast),
        # and the shapes of the latest chunks with that head.
        self._last_head: dict[str, Any] | None = None
        self._shapes: list[_ChunkShape] = []

    # --- reading ------------------------------------------------------------------------

    def feed_payload(self, name: str | None, payload: Payload) -> None:
        """Take one chunk's payload (``name``, the SSE event name, is not used by chat)."""
        index = self._next_index()
        head = None
        previous = self._last_head
        if type(payload) is str and self._fast:
            if previous is not None:
                for shape in self._shapes:
                    if shape.head is previous:
                        values = shape.shape.values(payload)
                        if values is not None:
                            self._on_shape(shape, values[0])
                            return
            head = self._feed_fast(payload)
            if head is True:
                return
        # Only a chunk read whole by the model below lets later chunks with the same head
        # take the fast readings.
        self._last_head = None
        chunk, as_sent = read_chat_payload(payload, f"events[{index}]", self._log.add)
        if not isinstance(chunk, ChatCompletionChunk):
            self._on_unread(chunk)
            return
        if not as_sent:
            head = None
        meta = self._meta
        if not self._named:
            for key in ("id", "created", "model"):
                # The first real value: Azure's filter chunk carries `"id": ""`, `"created": 0`.
                if not meta.get(key):
                    value = getattr(chunk, key)
                    if value is not None and (value or key not in meta):
                        meta[key] = value
            self._named = all(meta.get(key) for key in ("id", "created", "model"))
        if chunk.system_fingerprint is not None:
            meta["system_fingerprint"] = chunk.system_fingerprint
        if chunk.service_tier is not None:
            meta["service_tier"] = chunk.service_tier
        if chunk.usage is not None:
            self._usage = chunk.usage
        if chunk.moderation is not None:
            self._moderation = chunk.moderation
        if chunk.error is not None:
            self._error = UpstreamError.from_payload(chunk.error, "chunk.error") or self._error
        extra = chunk.__pydantic_extra__
        if extra:
            _merge_last(self._extra, extra)
        for position, choice in enumerate(chunk.choices):
            self._on_choice(choice, position)
        if type(head) is dict:
            # The same object while the head stays the same: shapes are matched by identity.
            self._last_head = previous if head == previous else head

    def _choice(self, index: int) -> _Choice:
        state = self._choices.get(index)
        if state is None:
            state = self._choices[index] = _Choice(index)
        return state

    def _on_shape(self, shape: _ChunkShape, text: str) -> None:
        """Apply a chunk read by its shape: what the models would do with it."""
        state = self._choice(shape.choice)
        if shape.call_index is None:
            state.texts[shape.field].append(text)
        else:
            self._on_tool_calls(state, [(shape.call_index, None, None, None, text, None)])

    def _feed_fast(self, data: str) -> dict[str, Any] | bool | None:
        """Read the usual chunk as plain values, with the same outcome as the models: ``True``
        when done; else the chunk's fields other than ``choices`` (its head), or ``None``.

        Taken only when the head equals that of the last chunk the models read (applying the
        same head again changes nothing, so it is skipped) and every choice, delta and tool
        call is one the plain reading takes (see ``_wire._plain``).
        """
        read = plain_chunk(data)
        if read is None:
            return None
        head, pad, choices, plain = read
        if head != self._last_head or plain is None:
            return head
        for index, delta, finish_reason, calls in plain:
            state = self._choice(index)
            texts = state.texts
            for name, value in delta.items():
                if value is None:
                    continue
                if name == "tool_calls":
                    self._on_tool_calls(state, cast("list[ToolCallParts]", calls))
                elif name == "role":
                    if state.role is None:
                        state.role = value
                elif name == "reasoning_details":
                    self._on_details(state, value)
                else:
                    texts[name].append(value)
            if finish_reason is not None:
                state.finish_reason = finish_reason
        last = self._last_head
        if len(plain) == 1 and last is not None:
            # `last` equals this chunk's head (checked above) and is the object shapes match.
            shape = self._learn(data, last, choices, pad)
            if shape is not None:
                kept = [held for held in self._shapes if held.head is last]
                self._shapes = [shape, *kept[: _SHAPES - 1]]
        return True

    @staticmethod
    def _learn(data: str, head: dict[str, Any], choices: list[Any], pad: Any) -> _ChunkShape | None:
        """The shape of a chunk that streams one string in one choice (no finish reason,
        logprobs or unknown fields), with its pad as a second hole."""
        chunk = {**head, "choices": choices}
        found = _streamed_string(chunk)
        if found is None:
            return None
        choice, field, call_index, path = found
        holes: list[Hole] = [(path, "str")]
        if type(pad) is str:
            chunk["obfuscation"] = pad
            holes.append((("obfuscation",), "str"))
        shape = learn_shape(data, chunk, holes)
        if shape is None:
            return None
        return _ChunkShape(shape, head, choice, field, call_index)

    def _on_unread(self, reading: Unreadable | Foreign) -> None:
        if isinstance(reading, Foreign):
            self._unknown.append(reading.raw)
            return
        self._unknown.append({"data": reading.text})
        if self._error is None and not self._at_eof:  # at the end: a cut, not a failure
            self._error = UpstreamError.from_text(reading.text)

    def _on_choice(self, choice: ChunkChoice, position: int) -> None:
        index = choice.index if choice.index is not None else position
        state = self._choice(index)
        delta = choice.delta
        texts = state.texts
        # Only the fields the delta carries (most carry one): cheaper than asking each field.
        for name in delta.__pydantic_fields_set__:
            value = getattr(delta, name)
            if value is None:
                continue
            if name in _TEXT_FIELDS:
                texts[name].append(value)
            elif name == "tool_calls":
                self._on_tool_calls(state, model_tool_calls(value))
            elif name == "role":
                if state.role is None:
                    state.role = value
            elif name == "reasoning_details":
                self._on_details(state, value)
            elif name == "function_call":
                if value.name and not state.function_name:
                    state.function_name = value.name
                if state.function_args is None:
                    state.function_args = []
                if value.arguments:
                    state.function_args.append(value.arguments)
            else:
                self._on_delta_extra(state, name, value)
        if choice.finish_reason is not None:
            state.finish_reason = choice.finish_reason
        logprobs = choice.logprobs
        if logprobs is not None:
            for field in ("content", "refusal"):
                tokens = getattr(logprobs, field)
                if tokens is not None:
                    if state.logprobs is None:
                        state.logprobs = {}
                    state.logprobs.setdefault(field, []).extend(tokens)
        extra = choice.__pydantic_extra__
        if extra:
            if state.extra is None:
                state.extra = {}
            _merge_last(state.extra, extra)

    @staticmethod
    def _on_details(state: _Choice, details: list[dict[str, Any]]) -> None:
        if state.details is None:
            state.details = []
        for detail in details:
            key = detail.get("index")
            target = state.detail_index.get(key) if key is not None else None
            if target is None:
                target = {
                    name: _Pieces([value])
                    if name in _DETAIL_TEXT and isinstance(value, str)
                    else value
                    for name, value in detail.items()
                }
                state.details.append(target)
                if key is not None:
                    state.detail_index[key] = target
                continue
            for name, value in detail.items():
                held = target.get(name)
                if name in _DETAIL_TEXT and isinstance(value, str):
                    if isinstance(held, _Pieces):
                        held.append(value)
                    else:
                        target[name] = _Pieces([value])
                elif held is None:
                    target[name] = value

    def _on_tool_calls(self, state: _Choice, deltas: list[ToolCallParts]) -> None:
        touched: set[int] = set()
        for index, call_id, kind, name, arguments, extra in deltas:
            call: _ToolCall | None = None
            if call_id is not None:
                call = state.ids.get(call_id)
            else:
                if index is not None:
                    call = state.positions.get(index)
                elif state.calls:
                    call = state.calls[-1]
                # A name at an index whose call already has one starts a second call when it
                # comes in the same chunk (vLLM's and Kimi's duplicate indices), differs, or
                # follows complete arguments (whole calls all sent at index 0).
                if (
                    call is not None
                    and name
                    and call.name
                    and (index in touched or name != call.name or _complete(call.args))
                ):
                    call = None
            if call is None:
                call = _ToolCall(call_id, index)
                state.calls.append(call)
                if call_id is not None:
                    state.ids[call_id] = call
                if index is not None:
                    state.positions[index] = call
            if index is not None:
                touched.add(index)
            if kind is not None and call.type is None:
                call.type = kind
            if name and not call.name:
                call.name = name
            if arguments:
                call.args.append(arguments)
            if extra:
                if call.extra is None:
                    call.extra = {}
                _merge_pieces(call.extra, extra)

    @staticmethod
    def _on_delta_extra(state: _Choice, key: str, value: Any) -> None:
        if key == "annotations" and isinstance(value, list):
            if state.annotations is None:
                state.annotations = []
            state.annotations += value
        elif key == "audio" and isinstance(value, Mapping):
            if state.audio is None:
                state.audio = {}
            _merge_pieces(state.audio, value)
        else:
            if state.message_extra is None:
                state.message_extra = {}
            _merge_pieces(state.message_extra, {key: value})

    # --- building -----------------------------------------------------------------------

    def snapshot(self) -> ChatCompletion:
        """The completion as received so far (no notes taken, nothing inferred)."""
        return self._build(None)

    def finish(self) -> AccumulatedChatCompletion:
        """End the stream and return the result. With ``strict=True``, raise as
        :meth:`~AccumulatedChatCompletion.raise_for_error` does."""
        self._flush()
        log = self._log.copy()
        choices = self._choices.values()
        truncated = (
            self._error is None
            and not self._done_marker
            and (not choices or any(c.finish_reason is None for c in choices))
        )
        completion = self._build(log, settle=not truncated and self._error is None)
        if truncated:
            empty = self._no_events()
            log.add(
                "events",
                "truncated",
                empty
                or "the stream ended without [DONE] or a finish_reason for every choice; "
                "everything received is kept",
                "no_events" if empty else "stream_truncated",
                {"events": self._count},
            )
        result = AccumulatedChatCompletion(
            completion=completion,
            notes=log.notes(),
            error=self._error,
            truncated=truncated,
            unknown_events=list(self._unknown),
        )
        return checked(result, strict=self.strict, raise_on_failure=self.raise_on_failure)

    def _build(self, log: NoteLog | None, *, settle: bool = False) -> ChatCompletion:
        body: dict[str, Any] = dict(self._extra)
        body.update(self._meta)
        body["object"] = "chat.completion"
        # A finish reason is inferred only for a stream that ended well.
        settle_log = log if settle else None
        body["choices"] = [
            self._choice_body(self._choices[i], settle_log) for i in sorted(self._choices)
        ]
        if self._usage is not None:
            body["usage"] = self._usage.to_dict()
        if self._moderation is not None:
            body["moderation"] = self._moderation.to_dict()
        try:
            return ChatCompletion.parse(body)
        except PayloadError:
            pass
        completion, changes = fold(ChatCompletion.parse, body)
        if log is not None:
            log.add(
                "completion",
                "repaired",
                "the streamed pieces lacked what a completion requires; filled: "
                + describe(changes),
                "completion_drift",
                {"changes": changes},
            )
        if completion is None:  # pragma: no cover - every field of the body is repairable
            completion = ChatCompletion(choices=[])
        return completion

    @staticmethod
    def _choice_body(state: _Choice, settle_log: NoteLog | None) -> dict[str, Any]:
        message: dict[str, Any] = {"role": state.role or "assistant"}
        texts = state.texts
        message["content"] = "".join(texts["content"]) if "content" in texts else None
        for name in _TEXT_FIELDS[1:]:
            if name in texts:
                message[name] = "".join(texts[name])
        if state.details is not None:
            message["reasoning_details"] = [_joined(detail) for detail in state.details]
        if state.calls:
            message["tool_calls"] = [call.body() for call in state.calls]
        if state.function_args is not None:
            message["function_call"] = {
                "name": state.function_name,
                "arguments": "".join(state.function_args),
            }
        if state.annotations is not None:
            message["annotations"] = state.annotations
        if state.audio is not None:
            message["audio"] = _joined(state.audio)
        if state.message_extra:
            for key, value in _joined(state.message_extra).items():
                message.setdefault(key, value)
        finish_reason = state.finish_reason
        if finish_reason is None and settle_log is not None:
            finish_reason = "tool_calls" if state.calls else "stop"
            settle_log.add(
                f"choices[{state.index}].finish_reason",
                "added",
                f"the stream ended without a finish_reason for this choice; "
                f"set to {quoted(finish_reason)}",
                "finish_reason_missing",
            )
        body: dict[str, Any] = dict(state.extra or {})
        body.update(index=state.index, message=message, finish_reason=finish_reason)
        if state.logprobs is not None:
            body["logprobs"] = {
                field: [token.to_dict() for token in tokens]
                for field, tokens in state.logprobs.items()
            }
        return body


class _ChunkShape:
    """A chunk shape, and where the string in its hole goes."""

    __slots__ = ("call_index", "choice", "field", "head", "shape")

    def __init__(
        self,
        shape: PayloadShape,
        head: dict[str, Any],
        choice: int,
        field: str,
        call_index: int | None,
    ) -> None:
        self.shape = shape
        # The chunk's fields other than `choices`: a shape is used only while they are the
        # fields last applied, so skipping them changes nothing.
        self.head = head
        self.choice = choice
        # A text field of the delta, or "arguments" of the tool call at `call_index`.
        self.field = field
        self.call_index = call_index


def _streamed_string(
    chunk: dict[str, Any],
) -> tuple[int, str, int | None, tuple[str | int, ...]] | None:
    """(choice index, field, tool-call index, path) of a chunk streaming one string."""
    choices = chunk.get("choices")
    if type(choices) is not list or len(choices) != 1:
        return None
    choice = choices[0]
    if type(choice) is not dict or not _FAST_CHOICE_KEYS.issuperset(choice):
        return None
    index = choice.get("index", 0)
    delta = choice.get("delta")
    if (
        type(index) is not int
        or choice.get("finish_reason") is not None
        or choice.get("logprobs") is not None
        or type(delta) is not dict
    ):
        return None
    streamed = [(name, value) for name, value in delta.items() if value is not None]
    if len(streamed) != 1:
        return None
    name, value = streamed[0]
    if name in _TEXT_FIELDS:
        return (index, name, None, ("choices", 0, "delta", name)) if type(value) is str else None
    if name != "tool_calls" or type(value) is not list or len(value) != 1:
        return None
    call = value[0]
    # A continuation: the index and an argument piece only (an id or a name starts a call).
    if type(call) is not dict or set(call) != {"index", "function"}:
        return None
    function = call["function"]
    call_index = call["index"]
    if type(call_index) is not int or type(function) is not dict or set(function) != {"arguments"}:
        return None
    if type(function["arguments"]) is not str:
        return None
    path = ("choices", 0, "delta", "tool_calls", 0, "function", "arguments")
    return index, "arguments", call_index, path


def _complete(pieces: list[str]) -> bool:
    """Whether argument pieces already make a whole JSON value."""
    try:
        json.loads("".join(pieces))
    except ValueError:
        return False
    return True


def _merge_last(target: dict[str, Any], extra: Mapping[str, Any]) -> None:
    """Later values win, except that ``null`` never erases one; objects merge one level."""
    for key, value in extra.items():
        if value is None:
            continue
        held = target.get(key)
        if isinstance(held, dict) and isinstance(value, Mapping):
            target[key] = {**held, **value}
        else:
            target[key] = value


def _merge_pieces(target: dict[str, Any], extra: Mapping[str, Any]) -> None:
    """Text fields arrive in pieces (kept as :class:`_Pieces`, joined by :func:`_joined`),
    except names and ids (the first stays); objects merge the same way one level down;
    anything else, the latest value wins."""
    for key, value in extra.items():
        if value is None:
            continue
        held = target.get(key)
        if key in _WHOLE:
            if held is None:
                target[key] = value
        elif isinstance(value, str):
            if isinstance(held, _Pieces):
                held.append(value)
            else:
                target[key] = _Pieces([value])
        elif isinstance(value, Mapping):
            if not isinstance(held, dict):
                held = target[key] = {}
            _merge_pieces(held, value)
        else:
            target[key] = value


def _joined(pieces: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pieces.items():
        if isinstance(value, _Pieces):
            out[key] = "".join(value)
        elif isinstance(value, dict):
            out[key] = _joined(value)
        else:
            out[key] = value
    return out
