"""The stream translators' fast path (chunks read as dicts, delta events written from byte
templates) against their model path (every payload parsed and every event built as a model,
then encoded): byte for byte the same, for every stream of the corpus and for payloads the fast
path must leave to the models.

Nothing here is an expected output: each case runs both paths and compares them.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from wireshift import ToolNameMap, encode_sse, get_profile
from wireshift._toolnames import ToolOrigin
from wireshift.translate import _fast, _stream_to_responses
from wireshift.translate._stream_api import translate_stream
from wireshift.translate._stream_to_chat import ResponsesToChatStream
from wireshift.translate._stream_to_responses import ChatToResponsesStream

DATA = Path(__file__).parent / "data" / "streams"
CHAT_CORPUS = sorted((DATA / "chat").glob("*.sse"))
RESPONSES_CORPUS = sorted([DATA / "codex_turn.sse", *(DATA / "accumulate").glob("responses_*.sse")])


def _tool_names() -> ToolNameMap:
    names = ToolNameMap()
    names.add(ToolOrigin("search", namespace="mcp__docs"))
    names.add(ToolOrigin("apply_patch", tool_type="custom"))
    return names


# Every way of writing Responses events: dialects, reasoning styles, think tags, tool names.
CHAT_OPTIONS: dict[str, dict[str, Any]] = {
    "openai": {},
    "vllm": {"profile": "vllm"},
    "open-responses": {"profile": get_profile("vllm").derive(name="or", dialect="open-responses")},
    "reasoning-text": {"reasoning": "text"},
    "open-responses-text": {
        "profile": get_profile("openai").derive(name="or2", dialect="open-responses"),
        "reasoning": "text",
    },
    "tool-names": {"tool_names": _tool_names()},
}

pytestmark = pytest.mark.usefixtures("fixed_clock")  # ids are fixed per run in _run

CHAT_OUT_OPTIONS: dict[str, dict[str, Any]] = {
    "openai": {},
    "vllm": {"profile": "vllm", "include_usage": False},
    "tool-names": {"tool_names": _tool_names()},
}


class _Counts:
    """How often the fast path read a payload and wrote an event, to show it ran."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.read = 0
        self.written = 0
        counts = self
        for cls in (ChatToResponsesStream, ResponsesToChatStream):
            original = cls._feed_fast

            def feed_fast(self: Any, data: str, _original: Any = original) -> Any:
                result = _original(self, data)
                counts.read += result is not None
                return result

            monkeypatch.setattr(cls, "_feed_fast", feed_fast)
        fill = _fast.EventTemplate.fill

        def counted_fill(self: Any, text: str, number: int = 0) -> bytes:
            counts.written += 1
            return fill(self, text, number)

        monkeypatch.setattr(_fast.EventTemplate, "fill", counted_fill)


def _run(items: list[Any], *, fast: bool, monkeypatch: pytest.MonkeyPatch, **options: Any) -> Any:
    """The stream's output (bytes or models), or the error; ids count from 0 on each run."""
    counter = itertools.count()
    monkeypatch.setattr(
        _stream_to_responses, "new_id", lambda prefix: f"{prefix}_{next(counter):032x}"
    )
    with monkeypatch.context() as patch:
        patch.setattr(ChatToResponsesStream, "_fast", fast)
        patch.setattr(ResponsesToChatStream, "_fast", fast)
        try:
            return list(translate_stream(items, **options))
        except Exception as error:  # the same error both ways is part of the behaviour
            return f"{type(error).__name__}: {error}"


def _compare(items: list[Any], monkeypatch: pytest.MonkeyPatch, **options: Any) -> None:
    slow = _run(items, fast=False, monkeypatch=monkeypatch, encode=True, **options)
    fast = _run(items, fast=True, monkeypatch=monkeypatch, encode=True, **options)
    assert fast == slow
    # Models requested: the fast reading gives the same models (compared as their bytes).
    fast_models = _run(items, fast=True, monkeypatch=monkeypatch, **options)
    slow_models = _run(items, fast=False, monkeypatch=monkeypatch, **options)
    if isinstance(slow_models, str):
        assert fast_models == slow_models
    else:
        event = "" if options["to"] == "chat" else None
        assert isinstance(fast_models, list)
        assert [encode_sse(m, event=event) for m in fast_models] == [
            encode_sse(m, event=event) for m in slow_models
        ]


@pytest.mark.parametrize("options", sorted(CHAT_OPTIONS))
@pytest.mark.parametrize("path", CHAT_CORPUS, ids=lambda p: p.stem)
def test_chat_corpus_fast_and_model_paths_write_the_same_bytes(
    path: Path, options: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = path.read_bytes()
    counts = _Counts(monkeypatch)
    for items in ([raw], [raw[i : i + 7] for i in range(0, len(raw), 7)]):
        _compare(items, monkeypatch, to="responses", **CHAT_OPTIONS[options])
    if path.stem in ("text", "reasoning_content", "parallel_tools_interleaved", "think_tags"):
        assert counts.read, "the fast path never ran"


def _responses_streams() -> Iterator[tuple[str, bytes]]:
    for path in RESPONSES_CORPUS:
        yield path.stem, path.read_bytes()
    # The chat corpus translated: every Responses event shape this package writes.
    for path in CHAT_CORPUS:
        for name, options in CHAT_OPTIONS.items():
            events = translate_stream([path.read_bytes()], to="responses", encode=True, **options)
            yield f"{path.stem}-{name}", b"".join(events)


RESPONSES_STREAMS = dict(_responses_streams())


@pytest.mark.parametrize("options", sorted(CHAT_OUT_OPTIONS))
@pytest.mark.parametrize("name", sorted(RESPONSES_STREAMS))
def test_responses_streams_fast_and_model_paths_write_the_same_bytes(
    name: str, options: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = RESPONSES_STREAMS[name]
    _compare([raw], monkeypatch, to="chat", **CHAT_OUT_OPTIONS[options])


def test_fast_paths_run_on_long_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        body = {
            "id": "c",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "m%d%%s",  # the byte templates are formats: a % must stay a %
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        }
        return b"data: " + json.dumps(body, ensure_ascii=False).encode() + b"\n\n"

    words = ["Hi", " é", " 🙂", ' "q"', "\n", "\t<", "\\", "\x00", "\u2028", "100%", "%d%b"]
    items = [chunk({"role": "assistant", "content": ""})]
    items += [chunk({"reasoning_content": w}) for w in words * 5]
    items += [chunk({"content": w}) for w in words * 5]
    items += [chunk({"refusal": w}) for w in words]
    items += [
        chunk({"tool_calls": [{"index": i, "id": f"call_{i}", "function": {"name": "f"}}]})
        for i in range(3)
    ]
    items += [
        chunk({"tool_calls": [{"index": i % 3, "function": {"arguments": w}}]})
        for i, w in enumerate(words * 3)
    ]
    items += [chunk({}, "tool_calls"), b"data: [DONE]\n\n"]
    counts = _Counts(monkeypatch)
    for options in CHAT_OPTIONS.values():
        _compare(items, monkeypatch, to="responses", **options)
    assert counts.read >= len(items) - 3
    assert counts.written >= len(items) - 8
    responses = b"".join(translate_stream(items, to="responses", encode=True))
    counts.read = counts.written = 0
    for options in CHAT_OUT_OPTIONS.values():
        _compare([responses], monkeypatch, to="chat", **options)
    assert counts.read
    assert counts.written


def _has_surrogate(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return True
    return False


# Payloads the fast path must leave to the models, each inside an otherwise plain stream
# (fed as text, and as bytes when they can be).
ODD_CHUNKS = [
    '{"choices": [{"index": 0, "delta": {"content": "lone \ud800 surrogate"}}]}',
    '{"choices": [{"index": 0, "delta": {"content": "x"}}], "x": "\udc00"}',
    '{"choices": [{"index": 0, "delta": {"content": "non-ASCII é 🙂"}}]}',
    '{"choices": [{"index": 0, "delta": {"content": 5}}]}',
    '{"choices": [{"index": 0, "delta": {"content": "\\ud800"}}]}',
    '{"choices": [{"index": 0, "delta": {"content": "\\ud83d\\ude42"}}]}',
    '{"choices": [{"index": 0, "delta": {"content": "x"}}], "x": NaN}',
    '{"choices": [{"index": 0, "delta": {"content": "x"}}], "x": ' + "[" * 250 + "]" * 250 + "}",
    '{"choices": [{"index": 0, "delta": {"content": "x"}}], "x": ' + "[" * 150 + "]" * 150 + "}",
    '{"choices": [{"index": 0, "delta": null}]}',
    '{"choices": [{"index": 0}], "prompt_filter_results": []}',
    '{"choices": [{"index": 1, "delta": {"content": "second choice"}}]}',
    '{"choices": [{"index": false, "delta": {"content": "x"}}]}',
    '{"choices": [{"index": 0.0, "delta": {"content": "x"}}]}',
    '{"choices": [{"index": "0", "delta": {"content": "x"}}]}',
    '{"choices": [{"index": 0, "delta": {"content": "x"}, "logprobs": {"content": []}}]}',
    '{"choices": [{"index": 0, "delta": {"content": "x"}, "finish_reason": ""}]}',
    '{"choices": [{"index": 0, "delta": {"content": "x"}}], "created": "5"}',
    '{"choices": [{"index": 0, "delta": {"content": "x"}}], "created": true}',
    '{"choices": [{"index": 0, "delta": {"content": "x"}}], "usage": {"prompt_tokens": 3}}',
    '{"choices": [{"index": 0, "delta": {"content": "x"}}], "usage": {"prompt_tokens": "a"}}',
    '{"choices": [{"index": 0, "delta": {"content": "x"}}], "error": {"message": "boom"}}',
    '{"choices": [{"index": 0, "delta": {"content": "x", "reasoning_details": [1]}}]}',
    '{"choices": [{"index": 0, "delta": {"content": "x", "reasoning_details": [{"a": 1}]}}]}',
    '{"choices": [{"index": 0, "delta": {"reasoning": 5, "reasoning_content": "r"}}]}',
    '{"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": null}]}}]}',
    '{"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": 3}]}}]}',
    '{"choices": [{"index": 0, "delta": {"tool_calls": [{"function": {"name": "f"}}]}}]}',
    '{"choices": [{"index": 0, "delta": {"tool_calls": [{"index": "a"}]}}]}',
    '{"choices": [{"index": 0, "delta": {"tool_calls": [5]}}]}',
    '{"choices": [{"index": 0, "delta": {"tool_calls": []}}]}',
    '{"choices": [], "x": 1}',
    '{"choices": [{"index": 0, "delta": {"content": "x"}}, {"index": 1, "delta": {}}]}',
    '{"choices": [{"index": 0, "delta": {"content": "x"}}]} x',
    ' \t{"choices": [{"index": 0, "delta": {"content": "x"}}]}\r\n ',
    '{"choices": [{"index": 0, "delta": {"content": "x", "content": "y"}}]}',
    '["not", "an", "object"]',
    "{broken",
]


@pytest.mark.parametrize("odd", ODD_CHUNKS)
def test_odd_chat_chunks_read_as_the_models_read_them(
    odd: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = '{"id": "c", "model": "m", "choices": [{"index": 0, "delta": {"content": "a"}}]}'
    end = '{"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}'
    text = "".join(f"data: {e}\n\n" for e in [plain, odd, plain, end])
    for options in CHAT_OPTIONS.values():
        _compare([text], monkeypatch, to="responses", **options)
        if not _has_surrogate(text):
            _compare([text.encode()], monkeypatch, to="responses", **options)


ODD_EVENTS = [
    '{"type": "response.output_text.delta", "delta": "lone \ud800 surrogate"}',
    '{"type": "response.output_text.delta", "delta": "non-ASCII é 🙂"}',
    '{"type": "response.output_text.delta", "delta": 5}',
    '{"type": "response.output_text.delta"}',
    '{"type": "response.output_text.delta", "delta": "x", "logprobs": null}',
    '{"type": "response.output_text.delta", "delta": "x", "logprobs": [{"token": "x"}]}',
    '{"type": "response.output_text.delta", "delta": "x", "output_index": "0"}',
    '{"type": "response.output_text.delta", "delta": "x", "sequence_number": 1.5}',
    '{"type": "response.output_text.delta", "delta": "\\udc00"}',
    '{"type": "response.output_text.delta", "delta": "x", "obfuscation": 5}',
    '{"type": "response.reasoning_text.delta", "delta": "x", "summary_index": 1}',
    '{"type": "response.reasoning_summary_text.delta", "delta": "x", "summary_index": 1}',
    '{"type": "response.reasoning_summary_text.delta", "delta": "x", "summary_index": "1"}',
    '{"type": "response.function_call_arguments.delta", "delta": "{", "output_index": 1}',
    '{"type": "response.function_call_arguments.delta", "delta": "{", "item_id": 7}',
    '{"type": ["response.output_text.delta"], "delta": "x"}',
    '{"type": "response.output_text.delta", "delta": "x", "extra": {"kept": true}}',
]


@pytest.mark.parametrize("odd", ODD_EVENTS)
def test_odd_responses_events_read_as_the_models_read_them(
    odd: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = [
        '{"type": "response.created", "response": {"id": "resp_1", "model": "m"}}',
        '{"type": "response.output_item.added", "output_index": 1, "item": {"type": '
        '"function_call", "id": "fc_1", "call_id": "c", "name": "f", "arguments": ""}}',
        '{"type": "response.output_text.delta", "delta": "a", "item_id": "m", "logprobs": []}',
        odd,
        '{"type": "response.output_text.delta", "delta": "b", "item_id": "m", "logprobs": []}',
        '{"type": "response.completed", "response": {"id": "resp_1", "status": "completed"}}',
    ]
    text = "".join(f"data: {e}\n\n" for e in events)
    for options in CHAT_OUT_OPTIONS.values():
        _compare([text], monkeypatch, to="chat", **options)
        if not _has_surrogate(text):
            _compare([text.encode()], monkeypatch, to="chat", **options)


def test_each_stream_has_its_own_response_resource() -> None:
    """The in-progress resource is copied from an earlier stream's: each stream still has its
    own id and time, and what a caller does to one stream's final response reaches no other
    stream."""

    def turn(created: int) -> tuple[dict[str, Any], dict[str, Any], ChatToResponsesStream]:
        def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
            choice = {"index": 0, "delta": delta, "finish_reason": finish}
            return json.dumps({"created": created, "model": "m", "choices": [choice]})

        stream = ChatToResponsesStream(encode=True, response={"metadata": {"k": "v"}})
        out = stream.feed(chunk({"content": "hi"})) + stream.feed(chunk({}, "stop"))
        out += stream.close()
        events = [json.loads(event.split(b"data: ", 1)[1]) for event in out]
        return events[0]["response"], events[-1]["response"], stream

    first, first_done, stream = turn(1767225600)
    assert stream.final is not None
    final: Any = stream.final
    final.metadata["k"] = "changed"
    final.tools.append({"type": "function", "name": "leak"})
    second, second_done, _ = turn(1767225700)
    assert (first["created_at"], second["created_at"]) == (1767225600, 1767225700)
    assert first_done["created_at"] == 1767225600
    assert first["id"] != second["id"]
    assert first_done["id"] == first["id"]
    assert second["metadata"] == second_done["metadata"] == {"k": "v"}
    assert second["tools"] == second_done["tools"] == []
    assert second_done["status"] == "completed"
    assert second_done["output"][0]["content"][0]["text"] == "hi"


@pytest.mark.parametrize(
    ("response", "templated"),
    [
        (None, True),
        ({"model": "asked-for"}, True),
        ({"instructions": "100% %d%b é 🙂 \u2028", "model": "m%d"}, True),
        ({"metadata": {"k": "v"}, "temperature": 0.5, "unknown_field": [1, {"x": None}]}, True),
        # Not JSON (a lone surrogate): no key to keep templates under, so the models write.
        ({"instructions": "\ud800"}, False),
    ],
)
# A fractional creation time is drift (read without it, the stream's clock dates the
# response): both paths alike.
@pytest.mark.parametrize("created", [1_700_000_000, 0, 1_700_000_000.5])
def test_the_start_events_written_from_templates_are_the_models_bytes(
    response: dict[str, Any] | None,
    templated: bool,
    created: float,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        body = {
            "id": "c",
            "object": "chat.completion.chunk",
            "created": created,
            "model": "upstream-model",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return b"data: " + json.dumps(body).encode() + b"\n\n"

    items = [chunk({"role": "assistant", "content": ""}), chunk({"content": "hi"})]
    items += [chunk({}, "stop"), b"data: [DONE]\n\n"]
    written = 0
    start_written = ChatToResponsesStream._start_written

    def counted(self: Any) -> Any:
        nonlocal written
        made = start_written(self)
        written += made is not None
        return made

    monkeypatch.setattr(ChatToResponsesStream, "_start_written", counted)
    for options in CHAT_OPTIONS.values():
        # Twice each: the second stream fills the templates the first one cut.
        for _ in range(2):
            _compare(items, monkeypatch, to="responses", response=response, **options)
    # Once a stream, where the bytes are written fast (encode=True, the fast path on).
    assert written == (2 * len(CHAT_OPTIONS) if templated else 0)


def test_start_events_go_to_the_models_when_a_template_cannot_be_cut(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A template is cut only where each hole is found exactly once. Where one of the two
    # start events' cannot be, both events are the models' (and the next stream with the
    # same fields does not try again).
    cut = _fast.EventTemplate.of.__func__  # type: ignore[attr-defined]

    def of(cls: Any, model: Any, event: str | None = None) -> Any:
        return None if model.type == "response.in_progress" else cut(cls, model, event=event)

    monkeypatch.setattr(_fast.EventTemplate, "of", classmethod(of))
    monkeypatch.setattr(_stream_to_responses, "_START_WRITTEN", {})
    raw = (DATA / "chat" / "text.sse").read_bytes()
    for _ in range(2):
        _compare([raw], monkeypatch, to="responses", response={"model": "half-cut"})
    assert list(_stream_to_responses._START_WRITTEN.values()) == [()]
