"""The Responses accumulator's shape reading (delta events read by the text around their
delta, sequence number and pad) against reading every event with the models: the same
result, notes, error and unknown events, for the corpus, for events the shapes must leave to
the models, and for generated streams.

Nothing here is an expected output: each case runs both ways and compares them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from accumulate_outcome import assert_same_both_ways
from wireshift._wire import _response_events
from wireshift.accumulate import _responses, accumulate_stream

DATA = Path(__file__).parent / "data" / "streams"
CORPUS = sorted([DATA / "codex_turn.sse", *(DATA / "accumulate").glob("responses_*.sse")])


def _compare(items: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    assert_same_both_ways(
        items,
        "responses",
        lambda patch: patch.setattr(_responses, "_LEARN_BUDGET", -(10**9)),
        monkeypatch,
    )


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_corpus_reads_the_same_both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = path.read_bytes()
    _compare([raw], monkeypatch)
    _compare([raw[i : i + 7] for i in range(0, len(raw), 7)], monkeypatch)


def _delta(seq: int | None, text: str, **more: Any) -> dict[str, Any]:
    event = {
        "type": "response.output_text.delta",
        "item_id": "msg_1",
        "output_index": 0,
        "content_index": 0,
        "delta": text,
        "logprobs": [],
        "obfuscation": "pad",
        **more,
    }
    if seq is not None:
        event["sequence_number"] = seq
    return event


def _args(seq: int, text: str) -> dict[str, Any]:
    return {
        "type": "response.function_call_arguments.delta",
        "sequence_number": seq,
        "item_id": "fc_1",
        "output_index": 1,
        "delta": text,
    }


def _start() -> list[dict[str, Any]]:
    message = {"type": "message", "id": "msg_1", "role": "assistant", "content": []}
    call = {"type": "function_call", "id": "fc_1", "call_id": "c", "name": "f", "arguments": ""}
    return [
        {"type": "response.created", "response": {"id": "r", "status": "in_progress"}},
        {"type": "response.output_item.added", "output_index": 0, "item": message},
        {"type": "response.output_item.added", "output_index": 1, "item": call},
    ]


def _end() -> list[dict[str, Any]]:
    return [{"type": "response.completed", "response": {"id": "r", "status": "completed"}}]


def _sse(events: Sequence[dict[str, Any] | str], *, names: bool = True) -> list[bytes | str]:
    out: list[bytes | str] = []
    for event in events:
        data = event if isinstance(event, str) else json.dumps(event, ensure_ascii=False)
        name = ""
        if names and not isinstance(event, str):
            name = f"event: {event['type']}\n"
        text = f"{name}data: {data}\n\n"
        try:
            out.append(text.encode())
        except UnicodeEncodeError:
            out.append(text)
    return out


WORDS = ["Hi", " é", " 🙂", ' "q"', "\n", "\\", "\x00", "\u2028", "", "\\u0041", "/", "{}"]


def test_a_long_stream_of_every_kind_of_piece(monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[dict[str, Any] | str] = [*_start()]
    seq = 10
    for i, word in enumerate(WORDS * 4):
        seq += 1
        events.append(_delta(seq, word) if i % 3 else _args(seq, word))
    events += _end()
    _compare(_sse(events), monkeypatch)
    _compare(_sse(events, names=False), monkeypatch)


# Events the shapes must leave to the models, or read exactly as they do; each comes after a
# run of plain deltas whose shape it resembles (sequence numbers 1-3, then 4 for the odd one).
ODD = [
    json.dumps(_delta(4, "x")).replace('"x"', "5"),
    json.dumps(_delta(4, "x")).replace('"x"', '"lone \\ud800"'),
    json.dumps(_delta(4, "x")).replace('"x"', '"a\\q"'),
    json.dumps(_delta(4, "x")).replace('"x"', '"raw\tcontrol"'),
    json.dumps(_delta(4, "x")).replace('"delta": "x"', '"delta": "first", "delta": "x"'),
    json.dumps(_delta(4, "x")).replace('"sequence_number": 4', '"sequence_number": 2'),
    json.dumps(_delta(4, "x")).replace('"sequence_number": 4', '"sequence_number": 3'),
    json.dumps(_delta(4, "x")).replace('"sequence_number": 4', '"sequence_number": 4.0'),
    json.dumps(_delta(4, "x")).replace('"sequence_number": 4', '"sequence_number": -4'),
    json.dumps(_delta(4, "x")).replace('"sequence_number": 4', '"sequence_number": 04'),
    json.dumps(_delta(4, "x")).replace('"obfuscation": "pad"', '"obfuscation": null'),
    json.dumps(_delta(4, "x")).replace('"obfuscation": "pad"', '"obfuscation": 7'),
    json.dumps(_delta(4, "x")).replace('"logprobs": []', '"logprobs": [{"token": "x"}]'),
    json.dumps(_delta(4, "x", logprobs=[{"token": "x", "logprob": -0.1, "bytes": [120]}])),
    json.dumps(_delta(4, "x")).replace('"msg_1"', '"msg_2"'),
    json.dumps(_delta(4, "x")).replace('"output_index": 0', '"output_index": 1'),
    json.dumps(_delta(4, "x")).replace("}", ', "extra": 1}'),
    json.dumps(_delta(4, "x")) + " ",
    json.dumps(_delta(4, "x"))[:-1],
    "[DONE]",
    json.dumps({**_delta(4, "x"), "type": "response.refusal.delta"}),
]


@pytest.mark.parametrize("odd", ODD)
@pytest.mark.parametrize("names", [True, False])
def test_odd_events_read_the_same_both_ways(
    odd: str, names: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = [_delta(seq, f"p{seq}") for seq in (1, 2, 3)]
    later = [_delta(seq, f"p{seq}") for seq in (5, 6)]
    events: list[dict[str, Any] | str] = [*_start(), *plain, odd, *later, *_end()]
    _compare(_sse(events, names=names), monkeypatch)


def test_deltas_with_logprobs_keep_them(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each delta carries the same logprobs: a shape would read them as text around the hole.
    logprobs = [{"token": "x", "logprob": -0.1, "bytes": [120], "top_logprobs": []}]
    deltas = [_delta(seq, f"p{seq}", logprobs=logprobs) for seq in range(1, 8)]
    _compare(_sse([*_start(), *deltas, *_end()]), monkeypatch)


def test_a_named_event_whose_name_differs(monkeypatch: pytest.MonkeyPatch) -> None:
    plain = _sse([*_start(), *(_delta(seq, f"p{seq}") for seq in (1, 2, 3))])
    odd = b"event: response.refusal.delta\ndata: " + json.dumps(_delta(4, "x")).encode() + b"\n\n"
    _compare([*plain, odd, *_sse([_delta(5, "y"), *_end()])], monkeypatch)


def test_after_the_terminal_event(monkeypatch: pytest.MonkeyPatch) -> None:
    events = [*_start(), *(_delta(seq, f"p{seq}") for seq in (1, 2, 3)), *_end(), _delta(9, "z")]
    _compare(_sse(events), monkeypatch)


pieces = st.sampled_from(WORDS) | st.text(max_size=6)
events_strategy = st.lists(
    st.one_of(
        st.builds(lambda s, w: _delta(s, w), st.integers(1, 60), pieces),
        st.builds(lambda w: _delta(None, w), pieces),
        st.builds(_args, st.integers(1, 60), pieces),
        st.sampled_from(ODD),
    ),
    max_size=40,
)


@given(events_strategy, st.booleans())
@settings(deadline=None, max_examples=150)
def test_generated_streams_read_the_same_both_ways(
    events: list[dict[str, Any] | str], names: bool
) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        _compare(_sse([*_start(), *events, *_end()], names=names), monkeypatch)


def test_shapes_read_most_events_of_a_long_stream() -> None:
    events = [*_start(), *(_delta(seq, f"w{seq} ") for seq in range(1, 500)), *_end()]
    original = _response_events._parse_known
    calls = 0

    def counting(data: Any) -> Any:
        """The event parser, counting the events it parses."""
        nonlocal calls
        calls += 1
        return original(data)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_response_events, "_parse_known", counting)
        result = accumulate_stream(_sse(events), to="responses")
    assert calls < 20  # the created and added events, a learnt delta or two, completed
    assert result.text == "".join(f"w{seq} " for seq in range(1, 500))
