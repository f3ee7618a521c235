"""The chat accumulator's fast readings (chunks read as dicts, and chunks read by their shape:
the text around their one streamed string) against reading every chunk with the models: the
same result, notes, error and unknown events, for the corpus, for chunks the fast readings
must leave to the models, and for generated streams full of escapes, repeated keys and
changing heads.

Nothing here is an expected output: each case runs both ways and compares them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from accumulate_outcome import assert_same_both_ways
from wireshift.accumulate import ChatAccumulator

DATA = Path(__file__).parent / "data" / "streams"
CORPUS = sorted([*(DATA / "chat").glob("*.sse"), *(DATA / "accumulate").glob("chat_*.sse")])


class _Counts:
    """How many chunks each fast reading took, to show it ran."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.dicts = 0
        self.shapes = 0
        counts = self
        feed_fast = ChatAccumulator._feed_fast
        on_shape = ChatAccumulator._on_shape

        def counted_feed_fast(self: Any, data: str) -> Any:
            result = feed_fast(self, data)
            counts.dicts += result is True
            return result

        def counted_on_shape(self: Any, shape: Any, text: str) -> None:
            counts.shapes += 1
            on_shape(self, shape, text)

        monkeypatch.setattr(ChatAccumulator, "_feed_fast", counted_feed_fast)
        monkeypatch.setattr(ChatAccumulator, "_on_shape", counted_on_shape)


def _compare(items: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    assert_same_both_ways(
        items, "chat", lambda patch: patch.setattr(ChatAccumulator, "_fast", False), monkeypatch
    )


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_corpus_reads_the_same_both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = path.read_bytes()
    counts = _Counts(monkeypatch)
    _compare([raw], monkeypatch)
    _compare([raw[i : i + 7] for i in range(0, len(raw), 7)], monkeypatch)
    if path.stem in ("text", "parallel_tools_interleaved", "chat_text"):
        assert counts.shapes, "the shape reading never ran"


def _chunk(delta: Any, *, finish: str | None = None, **head: Any) -> str:
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        **head,
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }
    return json.dumps(body, ensure_ascii=False)


def _sse(payloads: list[str]) -> list[bytes | str]:
    """Each payload as one SSE event: bytes when it can be encoded, else text."""
    out: list[bytes | str] = []
    for payload in payloads:
        event = f"data: {payload}\n\n"
        try:
            out.append(event.encode())
        except UnicodeEncodeError:
            out.append(event)
    return out


# Streamed strings that must come out exactly: escapes, quotes, keys' text, JSON fragments.
WORDS = [
    "Hi",
    " é",
    " 🙂",
    ' "q"',
    "\n",
    "\t<",
    "\\",
    "\x00",
    "\u2028",
    "",
    '{"path": "a\\\\b"}',
    '"arguments":"',
    "content",
    '","content":"',
    "\\u0041",
    "/",
]


def test_a_long_stream_of_every_kind_of_piece(monkeypatch: pytest.MonkeyPatch) -> None:
    payloads = [_chunk({"role": "assistant", "content": ""})]
    payloads += [_chunk({"reasoning_content": w}) for w in WORDS * 3]
    payloads += [_chunk({"content": w}) for w in WORDS * 3]
    payloads += [_chunk({"refusal": w}) for w in WORDS]
    payloads += [
        _chunk({"tool_calls": [{"index": i, "id": f"call_{i}", "function": {"name": "f"}}]})
        for i in range(3)
    ]
    # Calls taking turns: more shapes than are kept at once.
    payloads += [
        _chunk({"tool_calls": [{"index": i % 6 % 3, "function": {"arguments": w}}]})
        for i, w in enumerate(WORDS * 4)
    ]
    payloads += [_chunk({}, finish="tool_calls"), "[DONE]"]
    counts = _Counts(monkeypatch)
    _compare(_sse(payloads), monkeypatch)
    assert counts.shapes > len(payloads) // 2
    assert counts.dicts


def test_openai_pads_on_every_chunk_do_not_stop_the_fast_readings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # OpenAI's `obfuscation`: a random pad, different on every chunk.
    pads = ["x", "Yz", "abc", "", "q\\u00e9", "1234567"]
    payloads = [_chunk({"role": "assistant", "content": ""}, obfuscation="p")]
    payloads += [_chunk({"content": w}, obfuscation=pads[i % 6]) for i, w in enumerate(WORDS)]
    call = {"index": 0, "id": "call_1", "function": {"name": "f", "arguments": ""}}
    payloads.append(_chunk({"tool_calls": [call]}, obfuscation="p"))
    payloads += [
        _chunk({"tool_calls": [{"index": 0, "function": {"arguments": w}}]}, obfuscation=pad)
        for w, pad in zip(WORDS, pads * 3, strict=False)
    ]
    payloads += [_chunk({}, finish="tool_calls", obfuscation="p"), "[DONE]"]
    counts = _Counts(monkeypatch)
    _compare(_sse(payloads), monkeypatch)
    assert counts.shapes > len(payloads) // 2


# Chunks the fast readings must leave to the models, or read exactly as the models do; each is
# placed after a run of plain chunks whose shape it resembles.
ODD = [
    # The same text around the hole, but the hole is not one string token.
    _chunk({"content": "x"}).replace('"x"', '"x" , "content": "y"'),
    _chunk({"content": "x"}).replace('"x"', "5"),
    _chunk({"content": "x"}).replace('"x"', "null"),
    _chunk({"content": "x"}).replace('"x"', '"lone \\ud800"'),
    _chunk({"content": "x"}).replace('"x"', '"pair \\ud83d\\ude42"'),
    _chunk({"content": "x"}).replace('"x"', '"raw\tcontrol"'),
    _chunk({"content": "x"}).replace('"x"', '"lone \ud800 raw"'),
    _chunk({"content": "x"}).replace('"x"', '"a" "b"'),
    # A repeated key: the parser takes the last one.
    _chunk({"content": "x"}).replace('{"content":', '{"content": "first", "content":'),
    _chunk({"content": "x"})[:-1] + ', "choices": []}',
    _chunk({"content": "x"})[:-1] + ', "model": "other"}',
    # Heads that change, or carry what must be applied.
    _chunk({"content": "x"}, system_fingerprint="fp_2"),
    _chunk({"content": "x"}, usage={"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}),
    _chunk({"content": "x"}, obfuscation="abc"),
    _chunk({"content": "x"}, obfuscation=5),
    _chunk({"content": "x"}, obfuscation=None),
    _chunk({"content": "x"}, error={"message": "boom", "code": "e"}),
    _chunk({"content": "x"}, object="response"),
    # Choices and deltas with more than one string, or fields the models read differently.
    _chunk({"content": "x", "reasoning_content": "y"}),
    _chunk({"content": "x", "extra": "kept"}),
    _chunk({"content": "x", "role": "assistant"}),
    _chunk({"content": "x"}, finish="stop"),
    _chunk({"tool_calls": [{"index": 0, "function": {"arguments": "a"}, "type": "function"}]}),
    _chunk({"tool_calls": [{"index": 0, "function": {"arguments": "a", "name": "g"}}]}),
    _chunk({"tool_calls": [{"index": 1, "id": "call_9", "function": {"arguments": "{}"}}]}),
    _chunk({"tool_calls": [{"index": 0.0, "function": {"arguments": "a"}}]}),
    _chunk({"tool_calls": [{"index": True, "function": {"arguments": "a"}}]}),
    _chunk({"tool_calls": [{"index": 0, "function": {"arguments": 5}}]}),
    _chunk({"tool_calls": [{"index": 0, "function": {"arguments": "a"}, "custom": "z"}]}),
    _chunk({"tool_calls": [{"index": 0, "function": {"arguments": "a", "strict": True}}]}),
    _chunk({"content": "x"}).replace('"index": 0', '"index": 1'),
    _chunk({"content": "x"}).replace('"index": 0', '"index": "0"'),
    _chunk({"content": "x"}).replace('"logprobs": null', '"logprobs": {"content": []}'),
    _chunk({"content": "x"}).replace('"finish_reason": null', '"finish_reason": null, "x": 1'),
    _chunk({"content": "x"}).replace("}]}", "}, {}]}"),
    _chunk({"content": "x"}) + " ",
    " " + _chunk({"content": "x"}),
    _chunk({"content": "x"}).replace(", ", ","),
    '{"choices": [{"index": 0, "delta": {"content": "x"}}]}',
    '{"error": "plain text error"}',
    "not json",
    "[1, 2]",
]


@pytest.mark.parametrize("odd", ODD)
@pytest.mark.parametrize("field", ["content", "arguments"])
@pytest.mark.parametrize("head", [{}, {"system_fingerprint": "fp_1"}], ids=["same-head", "fp_1"])
def test_odd_chunks_read_the_same_both_ways(
    odd: str, field: str, head: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # With the odd chunks' head, the odd chunk meets the fast readings' checks; with another
    # head (fp_1), a head left unapplied shows.
    if field == "content":
        plain = [_chunk({"content": w}, **head) for w in ("a", "b", "c")]
        odd_chunk = odd
    else:
        start = {"tool_calls": [{"index": 0, "id": "call_1", "function": {"name": "f"}}]}
        plain = [
            _chunk(start, **head),
            *(
                _chunk({"tool_calls": [{"index": 0, "function": {"arguments": w}}]}, **head)
                for w in "ab"
            ),
        ]
        odd_chunk = odd.replace(
            '{"content": "x"', '{"tool_calls": [{"index": 0, "function": {"arguments": "x"}}]'
        )
    payloads = [*plain, odd_chunk, *plain[1:], "[DONE]"]
    _compare(_sse(payloads), monkeypatch)


pieces = st.sampled_from(WORDS) | st.text(max_size=6)
deltas = st.one_of(
    st.builds(lambda w: {"content": w}, pieces),
    st.builds(lambda w: {"reasoning_content": w}, pieces),
    st.builds(lambda w: {"reasoning": w}, pieces),
    st.builds(
        lambda i, w: {"tool_calls": [{"index": i, "function": {"arguments": w}}]},
        st.integers(0, 2),
        pieces,
    ),
    st.builds(
        lambda i: {"tool_calls": [{"index": i, "id": f"call_{i}", "function": {"name": "f"}}]},
        st.integers(0, 2),
    ),
    st.builds(lambda w: {"content": w, "role": "assistant"}, pieces),
)
heads = st.fixed_dictionaries(
    {},
    optional={
        "system_fingerprint": st.sampled_from(["fp_1", "fp_2"]),
        "usage": st.none() | st.just({"prompt_tokens": 1, "completion_tokens": 1}),
        "service_tier": st.sampled_from(["default", "flex"]),
    },
)
chunks = st.one_of(
    st.builds(lambda d, h: _chunk(d, **h), deltas, heads),
    st.builds(lambda d: _chunk(d).replace(", ", ","), deltas),
    st.builds(lambda d: _chunk(d).replace('{"', '{"content": "dup", "', 1), deltas),
    st.sampled_from(ODD),
)


@given(st.lists(deltas, max_size=12), st.lists(chunks, min_size=1, max_size=40))
@settings(deadline=None, max_examples=150)
def test_generated_streams_read_the_same_both_ways(
    start: list[dict[str, Any]], payloads: list[str]
) -> None:
    items = _sse([*(_chunk(d) for d in start), *payloads])
    with pytest.MonkeyPatch.context() as monkeypatch:
        _compare(items, monkeypatch)
