"""The bounded windows that keep accumulation memory near the size of the answer."""

from __future__ import annotations

import json
import random

from wireshift.accumulate import accumulate_stream
from wireshift.accumulate._responses import DEDUPE_WINDOW
from wireshift.accumulate._text import REORDER_WINDOW, TextBuffer


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
    result = accumulate_stream(_stream(events), format="responses")
    assert result.text == "".join(f"{seq}," for seq in range(1, count))
    codes = {note.code for note in result.notes}
    assert "duplicate_event" in codes
    assert "sequence_gap" not in codes
