"""A long Responses input is validated and translated a chunk at a time: the result (body,
notes, tool names, or the error raised) is the same as when the whole request is validated
first, and the item models of one chunk are gone before the next is read."""

from __future__ import annotations

import copy
import gc
import json
import random
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest

from hostile_inputs import DATA, dumps, mutate_tree
from wireshift import ToolNameMap, WireshiftError, translate_request
from wireshift.responses import FunctionCall, parse_item
from wireshift.translate import _api, _input_chunks
from wireshift.translate._input_chunks import InputChunks

_CHUNK = _input_chunks._CHUNK


def _fixture(name: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((DATA / "fixtures" / name).read_text())["body"]
    return body


def _long_history(items: int, *, seed: int = 0) -> dict[str, Any]:
    """The captured tool round trip, its turns repeated (fresh call ids) up to ``items``
    items, with the odd item a chat backend has no form for, one without a ``type``, tools
    sent as an input item, and reasoning (encrypted, and in a wireshift envelope)."""
    rng = random.Random(seed)
    body = _fixture("codex-0.169-request-2-tool-roundtrip.json")
    head, turn = body["input"][:4], body["input"][4:]
    extras: list[dict[str, Any]] = [
        {"role": "user", "content": "no type on this one"},
        {
            "type": "web_search_call",
            "id": "ws_1",
            "status": "completed",
            "action": {"type": "search", "query": "q"},
        },
        {"type": "item_reference", "id": "msg_0"},
        {"type": "not_a_known_item", "payload": [1, 2]},
        {
            "type": "reasoning",
            "summary": [{"type": "summary_text", "text": "why"}],
            "encrypted_content": "gAAAAB-opaque",
        },
        {
            "type": "message",
            "role": "assistant",
            "phase": "final_answer",
            "content": [{"type": "output_text", "text": "done"}],
        },
    ]
    out = list(head)
    k = 0
    while len(out) < items:
        k += 1
        for item in turn:
            new = copy.deepcopy(item)
            new["call_id"] = f"{item['call_id']}_{k}"
            out.append(new)
        if rng.random() < 0.3:
            out.append(copy.deepcopy(rng.choice(extras)))
    out = out[:items]
    # Tools as an input item past the first chunk: their names must be taken first.
    out.insert(
        min(len(out), _CHUNK + 3),
        {
            "type": "additional_tools",
            "role": "developer",
            "tools": [{"type": "function", "name": "late_tool", "parameters": {"type": "object"}}],
        },
    )
    body["input"] = out
    return body


def _outcome(body: Any, **options: Any) -> tuple[Any, ...]:
    try:
        result = translate_request(dumps(body), to="chat", **options)
    except WireshiftError as exc:
        return ("raised", type(exc).__name__, str(exc))
    notes = [(n.path, n.action, n.code, n.reason, dict(n.detail), n.lossy) for n in result.notes]
    return ("ok", result.body, notes, result.tool_names.to_dict())


def _whole(body: Any, **options: Any) -> tuple[Any, ...]:
    with mock.patch.object(_api, "_chunked", return_value=None):
        return _outcome(body, **options)


@pytest.fixture
def chunk_spy() -> Iterator[list[int]]:
    """The size of every chunk validated."""
    sizes: list[int] = []
    real = _input_chunks._validated

    def spy(chunk: list[Any]) -> Any:
        sizes.append(len(chunk))
        return real(chunk)

    with mock.patch.object(_input_chunks, "_validated", spy):
        yield sizes


@pytest.mark.parametrize("items", [_CHUNK + 1, 2 * _CHUNK, 2 * _CHUNK + 1, 5 * _CHUNK - 7])
@pytest.mark.parametrize("strict", [False, True])
def test_chunked_input_translates_as_the_whole_request(
    items: int, strict: bool, chunk_spy: list[int]
) -> None:
    body = _long_history(items, seed=items)
    chunked = _outcome(body, strict=strict)
    assert chunk_spy, "the long input was not read in chunks"
    if not strict:
        assert chunked[0] == "ok", chunked
        assert sum(chunk_spy) == len(body["input"])  # every item validated once
    assert chunked == _whole(body, strict=strict)


def test_a_short_input_is_validated_whole(chunk_spy: list[int]) -> None:
    body = _fixture("codex-0.169-request-2-tool-roundtrip.json")
    assert _outcome(body)[0] == "ok"
    assert chunk_spy == []


@pytest.mark.parametrize("seed", range(4))
def test_a_broken_long_input_raises_as_the_whole_request_does(seed: int) -> None:
    rng = random.Random(seed)
    base = _long_history(3 * _CHUNK, seed=seed)
    for _ in range(60):
        body = mutate_tree(rng, base, times=rng.randint(1, 3))
        for strict in (False, True):
            assert _outcome(body, strict=strict) == _whole(body, strict=strict)


@pytest.mark.parametrize(
    "item",
    [
        {"type": "compaction", "encrypted_content": "x"},
        "a string, not an item",
        {"type": ["unhashable"]},
    ],
)
def test_inputs_the_chunks_leave_to_the_whole_request(item: Any, chunk_spy: list[int]) -> None:
    body = _long_history(2 * _CHUNK)
    body["input"].insert(_CHUNK + 10, item)
    assert _outcome(body) == _whole(body)
    assert chunk_spy == []


def test_options_with_state_take_the_whole_request(chunk_spy: list[int]) -> None:
    body = _long_history(2 * _CHUNK)
    names = ToolNameMap()
    translate_request(json.dumps(body), to="chat", tool_names=names)
    assert chunk_spy == []
    assert _outcome(body)[3] == names.to_dict()


def test_a_chunks_models_are_gone_before_the_next_is_read() -> None:
    body = _long_history(6 * _CHUNK)
    calls = sum(1 for item in body["input"] if item.get("type") == "function_call")
    assert calls > 2 * _CHUNK
    alive: list[int] = []
    real = _input_chunks._validated

    def count(chunk: list[Any]) -> Any:
        alive.append(sum(1 for o in gc.get_objects() if type(o) is FunctionCall))
        return real(chunk)

    with mock.patch.object(_input_chunks, "_validated", count):
        translate_request(json.dumps(body), to="chat")
    assert len(alive) >= 6
    # At most the chunk just translated (its list is dropped when the next one comes).
    assert max(alive) <= _CHUNK


def test_an_owned_input_lets_each_chunk_go_as_it_is_read() -> None:
    """A body parsed for the call is read once: a chunk's raw items leave the list when it is
    validated (so a long history's dicts die as it is read); the items are the same models."""
    raw = _long_history(3 * _CHUNK + 5)["input"]
    expected = [parse_item(item) for item in raw]
    chunks = InputChunks.of(raw, frozenset(), owned=True)
    assert chunks is not None
    for n, item in enumerate(chunks):
        assert item == expected[n]
        taken = (n // _CHUNK + 1) * _CHUNK  # this item's chunk and those before it
        assert all(place is None for place in raw[:taken])
        assert all(place is not None for place in raw[taken:])
    assert raw == [None] * len(expected)


def test_an_input_the_caller_holds_is_left_as_it_was() -> None:
    body = _long_history(3 * _CHUNK)
    before = copy.deepcopy(body)
    items = list(body["input"])
    translate_request(body, to="chat")
    assert body == before
    assert all(a is b for a, b in zip(body["input"], items, strict=True))
    chunks = InputChunks.of(body["input"], frozenset())
    assert chunks is not None
    assert len(list(chunks)) == len(items)
    assert body == before


@pytest.mark.parametrize("form", ["bytes", "str", "bytearray"])
def test_a_long_body_broken_past_its_first_chunk_raises_as_the_whole_request_does(
    form: str, chunk_spy: list[int]
) -> None:
    """The chunks have let the first items go when a later one fails: the whole request is
    read again from the body to say where."""
    body = _long_history(3 * _CHUNK)
    body["input"][2 * _CHUNK + 3] = {"type": "function_call", "call_id": 7}
    text = json.dumps(body)
    given: Any = {"bytes": text.encode(), "str": text, "bytearray": bytearray(text.encode())}[form]
    with pytest.raises(WireshiftError) as raised:
        translate_request(given, to="chat")
    assert len(chunk_spy) == 3  # the third chunk failed, the first two were read
    assert f"input[{2 * _CHUNK + 3}]" in str(raised.value)
    assert ("raised", type(raised.value).__name__, str(raised.value)) == _whole(body)


@pytest.mark.parametrize("form", ["bytes", "dict"])
def test_only_a_body_parsed_for_the_call_is_let_go(form: str) -> None:
    made: list[InputChunks | None] = []
    real = InputChunks.of

    def of(items: object, skip_types: frozenset[str], *, owned: bool = False) -> Any:
        chunks = real(items, skip_types, owned=owned)
        made.append(chunks)
        return chunks

    body = _long_history(2 * _CHUNK + 1)
    given = json.dumps(body).encode() if form == "bytes" else body
    with mock.patch.object(InputChunks, "of", of):
        translate_request(given, to="chat")
    (chunks,) = made
    assert chunks is not None
    left = [item for item in chunks.raw if item is not None]
    assert left == ([] if form == "bytes" else body["input"])
