"""The SSE decoder, encoder and httpx glue.

Every stream in ``CASES`` has its expected events written by hand from the WHATWG
event-stream rules (https://html.spec.whatwg.org/multipage/server-sent-events.html), and is
decoded whole, split in two at every byte, one byte at a time, and as text: all must agree.
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import httpx
import httpx_sse
import pytest
from httpx_sse import _decoders as httpx_sse_decoders
from hypothesis import given, settings, strategies as st
from pydantic import BaseModel, ConfigDict, Field

import wireshift
from wireshift._httpx import aiter_sse_response, iter_sse_response
from wireshift._model import WireModel
from wireshift._sse import (
    DONE,
    SSEComment,
    SSEDecoder,
    SSEEvent,
    aiter_sse,
    encode_comment,
    encode_sse,
    iter_sse,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator, Sequence

E = SSEEvent
C = SSEComment
Item = SSEEvent | SSEComment


@dataclass(frozen=True)
class Case:
    name: str
    stream: bytes
    expected: list[Item]
    # httpx-sse's decoder should give the same events (it dispatches events with empty data,
    # reads retry with int(), keeps a BOM and drops an unterminated last event).
    httpx_agrees: bool = False


CASES = [
    Case("lf", b"data: hello\n\n", [E("hello")], httpx_agrees=True),
    Case("crlf", b"data: hello\r\n\r\n", [E("hello")], httpx_agrees=True),
    Case("cr", b"data: a\r\rdata: b\r\r", [E("a"), E("b")], httpx_agrees=True),
    Case(
        "mixed line ends",
        b"data: a\r\ndata: b\ndata: c\r\r\ndata: 2\n\ndata: 3\r\r",
        [E("a\nb\nc"), E("2"), E("3")],
        httpx_agrees=True,
    ),
    Case(
        "multi-line data",
        b"data: first\ndata: second\ndata:\ndata: fourth\n\n",
        [E("first\nsecond\n\nfourth")],
        httpx_agrees=True,
    ),
    Case(
        "one leading space stripped",
        b"data:no space\ndata:  two spaces\ndata:\ttab\ndata: a: b:c\n\n",
        [E("no space\n two spaces\n\ttab\na: b:c")],
        httpx_agrees=True,
    ),
    Case(
        "comments",
        b": keep-alive\n:\n: OPENROUTER PROCESSING\n\ndata: x\n\n",
        [C("keep-alive"), C(""), C("OPENROUTER PROCESSING"), E("x")],
        httpx_agrees=True,
    ),
    Case(
        "comment inside an event",
        b"data: a\r\n:note\r\n:  two\r\ndata: b\r\n\r\n",
        [C("note"), C(" two"), E("a\nb")],
        httpx_agrees=True,
    ),
    Case(
        "event type, reset after dispatch",
        b"event: add\ndata: 1\n\ndata: 2\n\nevent: a\nevent: b\ndata: 3\n\nevent:\ndata: 4\n\n",
        [E("1", "add"), E("2"), E("3", "b"), E("4")],
        httpx_agrees=True,
    ),
    Case(
        "id persists, reset by an empty id",
        b"id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\nid: 9\ndata: d\n\nid:\ndata: e\n\n",
        [E("a", id="1"), E("b", id="1"), E("c"), E("d", id="9"), E("e")],
        httpx_agrees=True,
    ),
    Case(
        "id with NUL ignored",
        b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n",
        [E("a", id="1"), E("b", id="1")],
        httpx_agrees=True,
    ),
    Case(
        # The id is set even though the block dispatches nothing.
        "id in a block without data",
        b"id: 5\n\ndata: a\n\n",
        [E("a", id="5")],
    ),
    Case(
        "retry",
        b"retry: 1000\ndata: a\n\ndata: b\n\n",
        [E("a", retry=1000), E("b")],
        httpx_agrees=True,
    ),
    Case(
        # Our rule (module docstring): a retry in a block that dispatches nothing is kept.
        "retry in a block without data",
        b"retry: 7\n\ndata: a\n\n",
        [E("a", retry=7)],
    ),
    Case(
        "bad retry ignored",
        b"retry: 1e3\ndata: a\n\nretry: -5\ndata: b\n\nretry: 12 \ndata: c\n\n"
        b"retry:\ndata: d\n\nretry: \xc2\xb2\ndata: e\n\nretry: +5\ndata: f\n\n"
        b"retry: 3\nretry: x\ndata: g\n\n",
        [E("a"), E("b"), E("c"), E("d"), E("e"), E("f"), E("g", retry=3)],
    ),
    Case("bom", b"\xef\xbb\xbfdata: a\n\n", [E("a")]),
    Case(
        # Only the first BOM goes: the second is part of the field name "\ufeffdata".
        "two boms",
        b"\xef\xbb\xbf\xef\xbb\xbfdata: a\n\ndata: b\n\n",
        [E("b")],
    ),
    Case("bom later is not stripped", b"data: a\n\n\xef\xbb\xbfdata: b\n\n", [E("a")]),
    Case("last event without blank line", b"data: a\n\ndata: b", [E("a"), E("b")]),
    Case("last event ends with one LF", b"data: a\n\nevent: x\ndata: b\n", [E("a"), E("b", "x")]),
    Case("last event ends with one CR", b"id: 4\ndata: b\r", [E("b", id="4")]),
    Case("unterminated block without data", b"data: a\n\nevent: x\nid: 1", [E("a")]),
    Case(
        "empty data not dispatched",
        b"event: x\n\nid: 3\n\n\n\nretry: 5\n\n:c\n\n",
        [C("c")],
    ),
    Case(
        "event type reset by an undispatched block",
        b"event: x\n\ndata: y\n\n",
        [E("y")],
    ),
    Case(
        "empty data line is dispatched",
        b"data\n\ndata:\n\ndata\ndata\n\n",
        [E(""), E(""), E("\n")],
        httpx_agrees=True,
    ),
    Case("done", b"data: [DONE]\n\n", [E("[DONE]")], httpx_agrees=True),
    Case(
        "utf-8 of 2, 3 and 4 bytes",
        b"event: \xc3\xa9v\xc3\xa9nement\nid: \xe2\x82\xac1\n"
        b"data: caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\xf0\x9f\x98\x80\n\n",
        [E("caf\u00e9 \u20ac \U0001f600\U0001f600", "\u00e9v\u00e9nement", "\u20ac1")],
        httpx_agrees=True,
    ),
    Case("invalid utf-8", b"data: a\xffb\n\n", [E("a\ufffdb")]),
    Case("truncated utf-8 inside a line", b"data: \xe2\x82x\n\n", [E("\ufffdx")]),
    Case("truncated utf-8 at the end", b"data: a\xf0\x9f\x98", [E("a\ufffd")]),
    Case(
        "fields without colon, unknown and miscased fields",
        b"event\ndata: x\n\nfoo: bar\ndata: y\n\nData: z\n\nfoo\ndata\n\n",
        [E("x"), E("y"), E("")],
        httpx_agrees=True,
    ),
    Case("nul in data kept", b"data: a\x00b\n\n", [E("a\x00b")], httpx_agrees=True),
    Case("leading blank lines", b"\n\r\n\rdata: x\n\n", [E("x")], httpx_agrees=True),
    Case(
        "openai style",
        b'event: response.created\ndata: {"type":"response.created"}\n\ndata: [DONE]\n\n',
        [E('{"type":"response.created"}', "response.created"), E("[DONE]")],
        httpx_agrees=True,
    ),
    Case("long line", b"data: " + b"x" * 3000 + b"\r\n\r\n", [E("x" * 3000)], httpx_agrees=True),
    Case("empty stream", b"", []),
]


def without_comments(items: Sequence[Item]) -> list[Item]:
    return [item for item in items if not isinstance(item, SSEComment)]


def decode(chunks: Sequence[bytes | str], *, comments: bool = True) -> list[Item]:
    decoder = SSEDecoder(comments=comments)
    out: list[Item] = []
    for chunk in chunks:
        out += decoder.feed(chunk)
    return out + decoder.close()


def splits(stream: bytes | str) -> Iterator[list[Any]]:
    """The stream whole, in two at every point, and one byte or character at a time."""
    yield [stream]
    for i in range(len(stream) + 1):
        yield [stream[:i], stream[i:]]
    yield [stream[i : i + 1] for i in range(len(stream))]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("comments", [True, False])
def test_bytes_any_chunking(case: Case, comments: bool) -> None:
    expected = case.expected if comments else without_comments(case.expected)
    for chunks in splits(case.stream):
        assert decode(chunks, comments=comments) == expected, chunks


def is_utf8(stream: bytes) -> bool:
    try:
        stream.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@pytest.mark.parametrize("case", [c for c in CASES if is_utf8(c.stream)], ids=lambda c: c.name)
def test_text_any_chunking(case: Case) -> None:
    text = case.stream.decode("utf-8")
    for chunks in splits(text):
        assert decode(chunks) == case.expected, chunks


@pytest.mark.parametrize("case", [c for c in CASES if c.httpx_agrees], ids=lambda c: c.name)
def test_agrees_with_httpx_sse(case: Case) -> None:
    lines = httpx_sse_decoders.SSELineDecoder()
    events = httpx_sse_decoders.SSEDecoder()
    theirs = []
    for line in [*lines.decode(case.stream.decode("utf-8")), *lines.flush()]:
        event = events.decode(line)
        if event is not None:
            theirs.append(SSEEvent.from_httpx(event))
    assert theirs == without_comments(case.expected)


def test_events_come_out_as_soon_as_complete() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\n") == []
    assert decoder.feed(b"\n") == [E("a")]
    # A CR ends its line at once; the LF that may follow belongs to it.
    assert decoder.feed(b"data: b\r\r") == [E("b")]
    assert decoder.feed(b"\ndata: c\r\n\r\n") == [E("c")]
    # The WHATWG rules drop an unterminated event; close() delivers it.
    assert decoder.feed(b"data: d") == []
    assert decoder.close() == [E("d")]


def test_empty_chunks_and_partial_sequences() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"") == []
    assert decoder.feed("") == []
    assert decoder.feed(b"data: \xe2") == []
    assert decoder.feed(b"\x82") == []
    assert decoder.feed(b"\xac\n\n") == [E("\u20ac")]


def test_text_after_cut_bytes() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"data: a\xe2\x82")
    assert decoder.feed("b\n\n") == [E("a\ufffdb")]


def test_bom_split_across_chunks_and_in_text() -> None:
    assert decode([b"\xef", b"\xbb", b"\xbf", b"data: a\n\n"]) == [E("a")]
    assert decode(["\ufeff", "data: a\n\n"]) == [E("a")]
    assert decode(["\ufeffdata: a\n\n"]) == [E("a")]


def test_last_event_id_and_close_resets() -> None:
    decoder = SSEDecoder()
    assert decoder.last_event_id == ""
    decoder.feed(b"id: 7\ndata: a\n\nid: 8\n\n")
    assert decoder.last_event_id == "8"
    decoder.close()
    assert decoder.last_event_id == ""
    # As new: a BOM is stripped again, no id carried over.
    assert decoder.feed(b"\xef\xbb\xbfdata: b\n\n") == [E("b")]


def test_long_line_in_tiny_chunks() -> None:
    line = "é" * 50_000
    chunks = [b"data: ", *(bytes([b]) for b in line.encode()), b"\n\n"]
    assert decode(chunks) == [E(line)]


def test_is_done() -> None:
    assert E("[DONE]").is_done
    assert E(" [DONE]\n").is_done
    assert not E("[DONE]x").is_done
    assert not E("{}").is_done
    assert decode([DONE]) == [E("[DONE]")]


def test_iter_sse_and_aiter_sse_equal_the_decoder() -> None:
    stream = b": hi\ndata: a\n\nevent: e\ndata: b"
    chunks = [stream[i : i + 3] for i in range(0, len(stream), 3)]
    assert list(iter_sse(chunks)) == [E("a"), E("b", "e")]
    assert list(iter_sse(chunks, comments=True)) == [C("hi"), E("a"), E("b", "e")]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def _agen(chunks: Sequence[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


@pytest.mark.anyio
async def test_aiter_sse() -> None:
    stream = b": hi\ndata: a\n\nevent: e\ndata: b"
    chunks = [stream[i : i + 3] for i in range(0, len(stream), 3)]
    assert [e async for e in aiter_sse(_agen(chunks))] == [E("a"), E("b", "e")]
    got = [e async for e in aiter_sse(_agen(chunks), comments=True)]
    assert got == [C("hi"), E("a"), E("b", "e")]


# Encoder


def lines_of(encoded: bytes) -> list[bytes]:
    assert encoded.endswith(b"\n\n")
    assert b"\r" not in encoded
    return encoded[:-2].split(b"\n")


def test_encode_mapping_type_is_event_and_one_compact_data_line() -> None:
    payload = {"type": "response.output_text.delta", "delta": 'caf\u00e9\n"x"', "n": [1, 2.5]}
    encoded = encode_sse(payload)
    event, data = lines_of(encoded)
    assert event == b"event: response.output_text.delta"
    compact = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    assert data == b"data: " + compact
    assert decode([encoded]) == [E(compact.decode(), payload["type"])]  # type: ignore[arg-type]


def test_encode_event_and_id_lines() -> None:
    payload = {"type": "a", "x": 1}
    assert lines_of(encode_sse(payload, event="b", id="9"))[:2] == [b"event: b", b"id: 9"]
    assert decode([encode_sse(payload, event="b", id="9")]) == [E('{"type":"a","x":1}', "b", "9")]
    # No type, or one that is not a string: no event line.
    assert lines_of(encode_sse({"x": 1})) == [b'data: {"x":1}']
    assert lines_of(encode_sse({"type": 3})) == [b'data: {"type":3}']
    assert lines_of(encode_sse({"type": "a"}, event="")) == [b'data: {"type":"a"}']


def test_encode_any_mapping() -> None:
    from types import MappingProxyType

    assert lines_of(encode_sse(MappingProxyType({"type": "t"}))) == [
        b"event: t",
        b'data: {"type":"t"}',
    ]


class Ping(WireModel):
    type: Literal["ping"] = "ping"
    count: int | None = None
    schema_: str | None = Field(default=None, alias="schema")


class Plain(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    type: str = "plain"
    long_name: int = Field(default=0, alias="longName")
    other: int = 0


def test_encode_wire_model() -> None:
    raw = {"type": "ping", "count": 2, "schema": "s", "extra": {"kept": True}}
    event, data = lines_of(encode_sse(Ping.parse(raw)))
    assert event == b"event: ping"
    assert data.startswith(b"data: ")
    assert json.loads(data[6:]) == raw
    # Built in code: the tag is emitted, unset fields are not.
    assert lines_of(encode_sse(Ping(count=1))) == [
        b"event: ping",
        b'data: {"type":"ping","count":1}',
    ]


def test_encode_other_pydantic_model() -> None:
    # Set fields only, by alias; `type` was not set but is still the event.
    assert lines_of(encode_sse(Plain(long_name=3))) == [b"event: plain", b'data: {"longName":3}']


def test_encode_text_and_bytes() -> None:
    assert encode_sse("hi") == b"data: hi\n\n"
    assert encode_sse(b'{"a":1}', event="x") == b'event: x\ndata: {"a":1}\n\n'
    assert encode_sse("") == b"data: \n\n"
    assert encode_sse(" lead") == b"data:  lead\n\n"
    multi = encode_sse("a\nb\r\nc\rd\n")
    assert lines_of(multi) == [b"data: a", b"data: b", b"data: c", b"data: d", b"data: "]
    assert decode([multi]) == [E("a\nb\nc\nd\n")]
    assert lines_of(encode_sse(b"x\r\ny")) == [b"data: x", b"data: y"]


@pytest.mark.parametrize(
    ("event", "id"),
    [("a\nb", None), ("a\rb", None), (None, "1\n2"), (None, "1\r"), (None, "1\x002")],
)
def test_encode_rejects_fields_that_break_framing(event: str | None, id: str | None) -> None:
    with pytest.raises(ValueError, match="SSE"):
        encode_sse("x", event=event, id=id)


def test_encode_comment() -> None:
    assert decode([encode_comment("keep-alive")]) == [C("keep-alive")]
    assert decode([encode_comment("keep-alive")], comments=False) == []
    assert decode([encode_comment()]) == [C("")]
    assert decode([encode_comment("a\nb")]) == [C("a"), C("b")]
    assert encode_comment("x").startswith(b":")
    assert b"\r" not in encode_comment("a\r\nb")


def test_done_constant() -> None:
    assert encode_sse("[DONE]") == DONE


# Hypothesis: encoder then decoder, any chunking.

field_text = st.text(
    st.characters(exclude_characters="\r\n\x00", exclude_categories=["Cs"]), max_size=8
)
event_specs = st.lists(
    st.tuples(
        st.text(max_size=30),
        st.none() | field_text,
        st.none() | field_text,
    ),
    max_size=8,
)


def chunked(stream: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(c, len(stream)) for c in cuts})
    edges = [0, *points, len(stream)]
    return [stream[a:b] for a, b in itertools.pairwise(edges)]


@given(event_specs, st.lists(st.integers(min_value=0, max_value=2000), max_size=20))
@settings(deadline=None)
def test_encode_then_decode_any_chunking(
    specs: list[tuple[str, str | None, str | None]], cuts: list[int]
) -> None:
    stream = b"".join(encode_sse(data, event=event, id=id) for data, event, id in specs)
    expected = []
    last_id = ""
    for data, event, id in specs:
        # The spec's rules: CR and CRLF are line breaks, the id persists, an empty one resets.
        last_id = last_id if id is None else id
        text = data.replace("\r\n", "\n").replace("\r", "\n")
        expected.append(E(text, event or "message", last_id or None))
    assert decode(chunked(stream, cuts)) == expected
    assert b"\r" not in stream


stream_pieces = st.sampled_from(
    [
        *(b"data", b"event", b"id", b"retry", b":", b": ", b" ", b"\r", b"\n", b"\r\n", b"x"),
        *(b"12", b"\xef\xbb\xbf", b"\xc3", b"\xa9", b"\xf0\x9f", b"\x98\x80", b"\xff", b"\x00"),
    ]
)


@given(st.lists(stream_pieces, max_size=60), st.lists(st.integers(0, 400), max_size=20))
@settings(deadline=None)
def test_chunking_never_changes_the_result(pieces: list[bytes], cuts: list[int]) -> None:
    stream = b"".join(pieces)
    assert decode(chunked(stream, cuts)) == decode([stream])


# httpx glue


def test_from_httpx_to_httpx_round_trip() -> None:
    for event in (E("d", "e", "7", 5), E("d"), E(""), E("x", id="0")):
        theirs = event.to_httpx()
        assert (theirs.data, theirs.event, theirs.id, theirs.retry) == (
            event.data,
            event.event,
            event.id or "",
            event.retry,
        )
        assert SSEEvent.from_httpx(theirs) == event
    assert SSEEvent.from_httpx(httpx_sse.ServerSentEvent()) == E("")


STREAM_CHUNKS = [
    b': keep-alive\n\nevent: response.created\ndata: {"a":',
    b"1}\r",
    b"\n\r\nevent: response.completed\ndata: \xe2\x82",
    b"\xac",
]
STREAM_EVENTS = [E('{"a":1}', "response.created"), E("\u20ac", "response.completed")]
URL = "https://chatgpt.example/backend-api/codex/responses"
JSON_HEADERS = {"content-type": "application/json"}


def test_iter_sse_response_with_json_content_type() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=JSON_HEADERS, content=iter(STREAM_CHUNKS))

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        with client.stream("POST", URL) as response:
            assert list(iter_sse_response(response)) == STREAM_EVENTS
        with client.stream("POST", URL) as response:
            got = list(iter_sse_response(response, comments=True))
            assert got == [C("keep-alive"), *STREAM_EVENTS]
        # Why we do not use httpx_sse.EventSource: it refuses this content type.
        with client.stream("POST", URL) as response, pytest.raises(httpx_sse.SSEError):
            list(httpx_sse.EventSource(response).iter_sse())


def test_iter_sse_response_reads_decompressed_bytes() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        body = gzip.compress(b"".join(STREAM_CHUNKS))
        return httpx.Response(
            200, headers={**JSON_HEADERS, "content-encoding": "gzip"}, content=body
        )

    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as client,
        client.stream("GET", URL) as response,
    ):
        assert list(iter_sse_response(response)) == STREAM_EVENTS


@pytest.mark.anyio
async def test_aiter_sse_response_with_json_content_type() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=JSON_HEADERS, content=_agen(STREAM_CHUNKS))

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        async with client.stream("POST", URL) as response:
            assert [e async for e in aiter_sse_response(response)] == STREAM_EVENTS
        async with client.stream("POST", URL) as response:
            got = [e async for e in aiter_sse_response(response, comments=True)]
            assert got == [C("keep-alive"), *STREAM_EVENTS]


def test_import_wireshift_does_not_import_httpx() -> None:
    src = Path(wireshift.__file__).resolve().parents[1]
    code = (
        "import sys, wireshift, wireshift._sse, wireshift._httpx\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('httpx', 'httpx_sse'))\n"
        "assert not loaded, loaded\n"
    )
    env = {**os.environ, "PYTHONPATH": str(src)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_a_long_stream_in_4_kib_chunks() -> None:
    """20,000 events cut into 4 KiB chunks (the floor benchmarks/ measures the decoder on):
    every event comes out whole, in order. (Speed is measured in benchmarks/, not here.)"""
    delta = {
        "type": "response.output_text.delta",
        "item_id": "msg_0123456789",
        "output_index": 0,
        "content_index": 0,
        "delta": "Hello, wor",
        "logprobs": [],
    }
    stream = b"".join(encode_sse({**delta, "sequence_number": i}) for i in range(20_000))
    chunks = [stream[i : i + 4096] for i in range(0, len(stream), 4096)]
    decoder = SSEDecoder()
    events = [event for chunk in chunks for event in decoder.feed(chunk)] + decoder.close()
    numbers = [json.loads(event.data)["sequence_number"] for event in events]  # type: ignore[union-attr]
    assert numbers == list(range(20_000))


# The whole-block pattern against the line-by-line reading it shortcuts.

block_pieces = st.sampled_from(
    [
        *(b"data:", b"data: ", b"event:", b"event: ", b"id: 7", b"retry: 5", b": ping"),
        *(b"\n", b"\n\n", b"\r\n", b" ", b"x", b"{}", b"\xc3\xa9", b"\xc3", b"\x00", b"[DONE]"),
    ]
)


class LineByLineDecoder(SSEDecoder):
    """The decoder without its whole-block pattern."""

    def _blocks(self, text: str) -> tuple[list[SSEEvent | SSEComment], int]:
        return [], 0


class CountingDecoder(SSEDecoder):
    """The decoder, recording how many events each use of the block pattern read."""

    def __init__(self, *, comments: bool = False) -> None:
        super().__init__(comments=comments)
        self.calls: list[int] = []

    def _blocks(self, text: str) -> tuple[list[SSEEvent | SSEComment], int]:
        found, end = super()._blocks(text)
        self.calls.append(len(found))
        return found, end


def _line_by_line(chunks: list[bytes], comments: bool) -> list[Any]:
    decoder = LineByLineDecoder(comments=comments)
    out = [item for chunk in chunks for item in decoder.feed(chunk)]
    return out + decoder.close()


@given(
    st.lists(block_pieces, max_size=60),
    st.lists(st.integers(0, 400), max_size=10),
    st.booleans(),
)
@settings(deadline=None)
def test_block_pattern_reads_as_the_lines_do(
    pieces: list[bytes], cuts: list[int], comments: bool
) -> None:
    chunks = chunked(b"".join(pieces), cuts)
    decoder = SSEDecoder(comments=comments)
    got = [item for chunk in chunks for item in decoder.feed(chunk)] + decoder.close()
    assert got == _line_by_line(chunks, comments)


def test_block_pattern_takes_the_usual_blocks_and_leaves_the_rest() -> None:
    decoder = CountingDecoder(comments=True)
    stream = (
        b"event: a\ndata: 1\n\ndata:2\n\n: ping\n\nid: 9\ndata: 3\n\nevent:b\ndata: 4\n\ndata: 5"
    )
    got = decoder.feed(stream) + decoder.close()
    assert got == [
        E("1", "a"),
        E("2"),
        SSEComment("ping"),
        E("3", id="9"),
        E("4", "b", "9"),
        E("5", id="9"),
    ]
    # The two leading blocks by the pattern; from the comment on, line by line.
    assert decoder.calls[0] == 2
