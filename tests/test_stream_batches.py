"""``batches()`` of a translated stream: the same events as iterating it, grouped by the input
chunk that completed them, so that a gateway sends one write per upstream read.

The expected grouping is read off the plain iteration itself: the input is handed over one
chunk at a time, and every event yielded before the next chunk is taken belongs to the chunk
taken last (the events the end of input completes come after the last one).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest

from wireshift import UpstreamError
from wireshift.translate import StreamConsumedError
from wireshift.translate._stream_api import atranslate_stream, translate_stream

pytestmark = pytest.mark.usefixtures("fixed_clock")

STREAMS = Path(__file__).parent / "data" / "streams"
CHAT = sorted((STREAMS / "chat").glob("*.sse")) + sorted(STREAMS.glob("*/chat_*.sse"))
RESPONSES = [STREAMS / "codex_turn.sse", *sorted(STREAMS.glob("*/responses_*.sse"))]
CASES = [(path, "responses") for path in CHAT] + [(path, "chat") for path in RESPONSES]
IDS = re.compile(rb"(resp|msg|rs|fc|chatcmpl)_[0-9a-f]{16,}")


def _blank(events: list[bytes]) -> list[bytes]:
    """Each response gets new random ids: compare the events with them blanked (the clock
    is fixed, see conftest.py)."""
    return [IDS.sub(rb"\1_", event) for event in events]


def _chunks(path: Path) -> list[bytes]:
    """The recorded stream cut after every line (an SSE event then ends in its own chunk)."""
    return path.read_bytes().splitlines(keepends=True)


def _grouped_by_hand(chunks: list[bytes], to: str) -> tuple[list[list[bytes]], Any]:
    """Iterate the stream event by event, grouping what comes out by the last chunk taken;
    the failure it raised, if any."""
    taken = [0]

    def source() -> Iterator[bytes]:
        for chunk in chunks:
            taken[0] += 1
            yield chunk
        taken[0] += 1  # the end of input: what it completes is a group of its own

    groups: dict[int, list[bytes]] = {}
    try:
        for event in translate_stream(source(), to=to, encode=True):  # type: ignore[call-overload]
            groups.setdefault(taken[0], []).append(event)
    except UpstreamError as error:
        return list(groups.values()), (error.status, error.code)
    return list(groups.values()), None


def _batches(chunks: list[bytes], to: str) -> tuple[list[list[bytes]], Any]:
    got: list[list[bytes]] = []
    try:
        stream = translate_stream(iter(chunks), to=to, encode=True)  # type: ignore[call-overload]
        for batch in stream.batches():
            got.append(batch)
    except UpstreamError as error:
        return got, (error.status, error.code)
    return got, None


@pytest.mark.parametrize(("path", "to"), CASES, ids=lambda c: c.name if isinstance(c, Path) else c)
def test_batches_are_the_events_grouped_by_the_chunk_that_completed_them(
    path: Path, to: str
) -> None:
    chunks = _chunks(path)
    expected, expected_failure = _grouped_by_hand(chunks, to)
    got, failure = _batches(chunks, to)
    assert failure == expected_failure
    assert [_blank(batch) for batch in got] == [_blank(group) for group in expected]
    assert all(got), "an empty batch"


@pytest.mark.parametrize(("path", "to"), CASES, ids=lambda c: c.name if isinstance(c, Path) else c)
def test_a_whole_stream_in_one_chunk_is_one_batch_then_the_end(path: Path, to: str) -> None:
    raw = path.read_bytes()
    events, failure = _grouped_by_hand([raw], to)
    got, got_failure = _batches([raw], to)
    assert got_failure == failure
    assert [_blank(batch) for batch in got] == [_blank(group) for group in events]
    flat = [event for group in events for event in group]
    # At most the chunk's events and what the end of input adds (a terminal event, [DONE]).
    assert len(got) <= 2
    if failure is None:
        assert sum(len(batch) for batch in got) == len(flat) > 0


def test_async_batches_match_the_sync_ones() -> None:
    chunks = _chunks(STREAMS / "chat" / "parallel_tools_interleaved.sse")

    async def source() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    async def run(events: Any) -> list[list[bytes]]:
        stream = atranslate_stream(events, to="responses", encode=True)
        return [batch async for batch in stream.batches()]

    sync, _ = _batches(chunks, "responses")
    assert [_blank(b) for b in anyio.run(run, source())] == [_blank(b) for b in sync]
    # A sync iterable works with the async twin too.
    assert [_blank(b) for b in anyio.run(run, chunks)] == [_blank(b) for b in sync]


def test_a_failure_before_any_output_raises_from_the_first_batch() -> None:
    chunks = _chunks(STREAMS / "accumulate" / "responses_failed_own_error.sse")
    stream = translate_stream(chunks, to="chat", encode=True)
    with pytest.raises(UpstreamError) as raised:
        next(stream.batches())
    assert raised.value.code is not None


def test_a_stream_is_read_one_way_only() -> None:
    chunks = _chunks(STREAMS / "chat" / "text.sse")
    stream = translate_stream(chunks, to="responses", encode=True)
    next(iter(stream))
    with pytest.raises(StreamConsumedError):
        stream.batches()

    stream = translate_stream(chunks, to="responses", encode=True)
    batches = stream.batches()
    with pytest.raises(StreamConsumedError):
        next(iter(stream))
    with pytest.raises(StreamConsumedError):
        stream.batches()
    assert next(batches)[0].startswith(b"event: response.created\n")


def test_an_async_stream_is_read_one_way_only() -> None:
    chunks = _chunks(STREAMS / "chat" / "text.sse")

    async def run() -> None:
        stream = atranslate_stream(chunks, to="responses", encode=True)
        await anext(stream)
        with pytest.raises(StreamConsumedError):
            stream.batches()
        stream = atranslate_stream(chunks, to="responses", encode=True)
        batches = stream.batches()
        with pytest.raises(StreamConsumedError):
            await anext(stream)
        first = await anext(batches)
        assert first[0].startswith(b"event: response.created\n")

    anyio.run(run)
