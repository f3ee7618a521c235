"""What keeps accumulation memory near the size of the answer: bounded windows for reordering
and repeats, and one copy of each long text however many events repeat it."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from wireshift._wire._sequence_window import DEDUPE_WINDOW, SequenceWindow
from wireshift.accumulate import ResponsesAccumulator, accumulate_stream
from wireshift.accumulate._text import REORDER_WINDOW, TextBuffer
from wireshift.accumulate._text_pool import MIN_SHARED_LENGTH, TextPool
from wireshift.responses import parse_item


def test_long_in_order_text_is_compacted_and_unchanged() -> None:
    pieces = [f"<{i}>" for i in range(5 * REORDER_WINDOW)]
    buffer = TextBuffer()
    for seq, piece in enumerate(pieces):
        buffer.add(piece, seq)
    assert len(buffer.chunks) < 2 * REORDER_WINDOW
    assert buffer.joined() == "".join(pieces)


def test_late_pieces_within_the_window_still_land_in_order() -> None:
    pieces = [f"<{i}>" for i in range(3 * REORDER_WINDOW)]
    order = list(range(len(pieces)))
    tail = order[-REORDER_WINDOW // 2 :]
    random.Random(7).shuffle(tail)
    order[-REORDER_WINDOW // 2 :] = tail
    buffer = TextBuffer()
    for seq in order:
        buffer.add(pieces[seq], seq)
    assert buffer.joined() == "".join(pieces)


def _delta(seq: int, text: str) -> dict[str, object]:
    return {
        "type": "response.output_text.delta",
        "item_id": "msg_1",
        "output_index": 0,
        "content_index": 0,
        "delta": text,
        "sequence_number": seq,
    }


def _stream(events: list[dict[str, object]]) -> bytes:
    return b"".join(b"data: " + json.dumps(e).encode() + b"\n\n" for e in events)


def test_recent_repeats_are_dropped_across_a_long_stream() -> None:
    count = 3 * DEDUPE_WINDOW
    added = {
        "type": "response.output_item.added",
        "output_index": 0,
        "sequence_number": 0,
        "item": {"type": "message", "id": "msg_1", "role": "assistant", "content": []},
    }
    events: list[dict[str, object]] = [added]
    for seq in range(1, count):
        events.append(_delta(seq, f"{seq},"))
        if seq % 1000 == 0:
            events.append(_delta(seq - 10, f"{seq - 10},"))  # a proxy re-sending a recent event
    result = accumulate_stream(_stream(events), to="responses")
    assert result.text == "".join(f"{seq}," for seq in range(1, count))
    codes = {note.code for note in result.notes}
    assert "duplicate_event" in codes
    assert "sequence_gap" not in codes


def test_compaction_copies_each_piece_once() -> None:
    # Blocks already joined are not joined again: every block is as long as one window's
    # pieces, not the whole text so far.
    pieces = [f"<{i:05}>" for i in range(10 * REORDER_WINDOW)]
    buffer = TextBuffer()
    for seq, piece in enumerate(pieces):
        buffer.add(piece, seq)
    blocks = [chunk for chunk in buffer.chunks if len(chunk) > len(pieces[0])]
    assert len(blocks) >= 5
    assert max(map(len, blocks)) <= len(pieces[0]) * REORDER_WINDOW
    assert buffer.joined() == "".join(pieces)


def test_a_done_text_that_the_pieces_spell_stands_for_them() -> None:
    pieces = [f"<{i}>" for i in range(3 * REORDER_WINDOW)]
    text = "".join(pieces)
    buffer = TextBuffer()
    for seq, piece in enumerate(pieces):
        buffer.add(piece, seq)
    buffer.finish(text)
    assert buffer.chunks == [text]
    assert buffer.joined() is text
    buffer.add("<late>", len(pieces))  # a piece after the done event is still kept
    assert buffer.joined() == text + "<late>"


@pytest.mark.parametrize(
    "done", ["<0><1><2>X", "<0><1>", "<0><1><2><3>", "<0><2><1>", ""], ids=repr
)
def test_a_done_text_that_differs_keeps_the_pieces(done: str) -> None:
    buffer = TextBuffer()
    for seq, piece in enumerate(["<0>", "<1>", "<2>"]):
        buffer.add(piece, seq)
    buffer.finish(done)
    assert buffer.done == done
    assert buffer.joined() == "<0><1><2>"


def test_out_of_order_pieces_are_kept_even_when_the_done_text_matches() -> None:
    buffer = TextBuffer()
    for seq, piece in [(1, "b"), (0, "a")]:
        buffer.add(piece, seq)
    buffer.finish("ab")
    assert buffer.joined() == "ab"
    assert buffer.chunks == ["b", "a"]


def test_the_pool_holds_one_copy_of_each_long_text() -> None:
    pool = TextPool()
    first = "x" * MIN_SHARED_LENGTH
    second = "".join(["x"] * MIN_SHARED_LENGTH)  # equal, another object
    assert first is not second
    assert pool.share(first) is first
    assert pool.share(second) is first
    short = "y" * (MIN_SHARED_LENGTH - 1)
    assert pool.share(short) is short

    item = parse_item(
        {
            "type": "message",
            "id": "m",
            "role": "assistant",
            "status": "completed",
            "content": [{"type": "output_text", "text": second, "annotations": []}],
            "vendor": {"notes": ["".join(["x"] * MIN_SHARED_LENGTH)]},
        }
    )
    pool.share_in([item])
    assert _first_text(item) is first
    assert item.to_dict()["vendor"]["notes"][0] is first


def _long_text_stream(text: str) -> bytes:
    item = {"type": "message", "id": "msg_1", "role": "assistant", "status": "completed"}
    part = {"type": "output_text", "text": text, "annotations": []}
    where = {"item_id": "msg_1", "output_index": 0, "content_index": 0}
    events: list[dict[str, object]] = [
        {"type": "response.output_item.added", "output_index": 0, "item": {**item, "content": []}},
        {"type": "response.content_part.added", **where, "part": {**part, "text": ""}},
        *(
            {"type": "response.output_text.delta", **where, "delta": text[i : i + 10]}
            for i in range(0, len(text), 10)
        ),
        {"type": "response.output_text.done", **where, "text": text},
        {"type": "response.content_part.done", **where, "part": part},
        {
            "type": "response.output_item.done",
            "output_index": 0,
            "item": {**item, "content": [part]},
        },
        {
            "type": "response.completed",
            "response": {
                "id": "resp_1",
                "object": "response",
                "created_at": 1,
                "status": "completed",
                "model": "m",
                "output": [{**item, "content": [part]}],
            },
        },
    ]
    for seq, event in enumerate(events):
        event["sequence_number"] = seq
    return _stream(events)


def _first_text(holder: Any) -> Any:
    """The text of a part, or of an item's first part."""
    return holder.content[0].text if hasattr(holder, "content") else holder.text


def test_a_text_repeated_by_every_done_event_is_held_once() -> None:
    text = "".join(f"{i}," for i in range(3000))
    accumulator = ResponsesAccumulator()
    accumulator.feed(_long_text_stream(text))
    state = accumulator._items[0]
    assert state.parts is not None
    part = state.parts[0]
    held = part.text.done
    assert held == text
    assert part.text.chunks == [held]
    terminal = accumulator._terminal_output
    assert terminal is not None
    # The part, the finished item and the terminal output all hold that one object.
    for holder in (part.done, state.done, terminal[0]):
        assert _first_text(holder) is held
    result = accumulator.finish()
    assert result.text == text
    assert [note.code for note in result.notes] == []


def test_the_sequence_window_tells_repeats_reuse_disorder_and_gaps() -> None:
    window = SequenceWindow()
    for seq in range(3 * DEDUPE_WINDOW):
        assert window.take_next(seq, seq * 7)
    latest = 3 * DEDUPE_WINDOW - 1
    assert window.take(latest, latest * 7) == "repeat"
    assert window.take(latest - DEDUPE_WINDOW + 1, (latest - DEDUPE_WINDOW + 1) * 7) == "repeat"
    assert window.take(latest - 5, 0) == "reused"
    # Too old to tell, negative, or beyond what a slot holds: taken as they come.
    assert window.take(latest - DEDUPE_WINDOW, 0) == "unknown"
    assert window.take(-1, 0) == "unknown"
    assert window.take(2**70, 0) == "unknown"
    assert window.missing == 0
    assert window.take(latest + 3, 1) == "new"  # skips two numbers
    assert window.missing == 2
    assert window.take(latest + 1, 2) == "new"  # one of them, late
    assert (window.missing, window.disorder) == (1, 1)


def test_an_event_too_far_behind_to_check_is_kept_with_a_note() -> None:
    events: list[dict[str, object]] = [_delta(seq, f"{seq},") for seq in range(DEDUPE_WINDOW + 5)]
    events.append(_delta(1, "1,"))  # a repeat of an event long past the window
    result = accumulate_stream(_stream(events), to="responses")
    codes = [note.code for note in result.notes]
    assert "sequence_unchecked" in codes
    assert "duplicate_event" not in codes
    # Kept: it cannot be told from a new event.
    assert result.text is not None
    assert len(result.text) == sum(len(str(e["delta"])) for e in events)
