"""A chat text chunk that repeats the last one but for its text is read from its raw bytes
(``_wire/_repeated_chunk.py``). The oracle is the usual reading: the same chunks handed over
as ``str`` never take the raw path, so both must give the same events and notes, whatever
changed between two chunks.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from wireshift._wire import _repeated_chunk
from wireshift._wire._repeated_chunk import RepeatedTextChunk
from wireshift.translate._stream_api import translate_stream

STREAMS = Path(__file__).parent / "data" / "streams"
CHAT = sorted((STREAMS / "chat").glob("*.sse")) + sorted(STREAMS.glob("*/chat_*.sse"))
IDS = re.compile(r"(resp|msg|rs|fc)_[0-9a-f]{16,}")
COMPLETED = re.compile(r'"completed_at":\d+')

HEAD = (
    '{"id":"chatcmpl-7","object":"chat.completion.chunk","created":1767225600,'
    '"model":"qwen3","choices":[{"index":0,"delta":'
)
TAIL = ',"logprobs":null,"finish_reason":null}]}'


def _chunk(delta: str, head: str = HEAD, tail: str = TAIL) -> bytes:
    return f"data: {head}{delta}{tail}\n\n".encode()


def _stream(middle: list[bytes]) -> list[bytes]:
    """A turn: the role, a text chunk that teaches the shape, ``middle``, a text chunk, the end."""
    return [
        _chunk('{"role":"assistant","content":""}'),
        _chunk('{"content":"Hello"}'),
        *middle,
        _chunk('{"content":" again"}'),
        _chunk("{}", tail=',"logprobs":null,"finish_reason":"stop"}]}'),
        b"data: [DONE]\n\n",
    ]


def _translated(chunks: list[Any], **options: Any) -> tuple[list[str], list[str]]:
    stream = translate_stream(chunks, to="responses", encode=True, **options)
    # Ids are random, and completed_at the clock's: blanked, they are left to compare.
    events = [COMPLETED.sub("", IDS.sub(r"\1_", event.decode())) for event in stream]
    return events, [str(note) for note in stream.notes]


def _as_text(chunks: list[bytes]) -> list[str]:
    return [chunk.decode("utf-8", "replace") for chunk in chunks]


class _Taken:
    """How many chunks the raw path read."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        content = RepeatedTextChunk.content

        def counted(shape: RepeatedTextChunk, raw: bytes) -> str | None:
            text = content(shape, raw)
            self.count += text is not None
            return text

        monkeypatch.setattr(_repeated_chunk.RepeatedTextChunk, "content", counted)


@pytest.mark.parametrize("path", CHAT, ids=lambda p: p.name)
def test_recorded_streams_read_the_same_from_bytes(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = path.read_bytes().splitlines(keepends=True)
    assert _translated(lines) == _translated(_as_text(lines))


def test_a_long_recorded_turn_is_read_from_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (STREAMS / "chat" / "text.sse").read_bytes().split(b"\n\n")
    # The recorded text chunk, repeated with other words: most chunks of a real turn.
    words = [json.dumps(f" word {n}") for n in range(50)]
    repeated = [text[1].replace(b'"Hello"', word.encode()) + b"\n\n" for word in words]
    chunks = [text[0] + b"\n\n", text[1] + b"\n\n", *repeated, *(t + b"\n\n" for t in text[2:])]
    taken = _Taken(monkeypatch)
    events, notes = _translated(chunks)
    assert taken.count == len(repeated) + 1  # and ", world", recorded in the same shape
    assert (events, notes) == _translated(_as_text(chunks))
    deltas = [json.loads(e.split("data: ", 1)[1]) for e in events if "output_text.delta" in e]
    sent = [json.loads(c[6:])["choices"] for c in chunks if c.startswith(b"data: {")]
    written = "".join(choices[0]["delta"].get("content") or "" for choices in sent if choices)
    assert "".join(d["delta"] for d in deltas) == written


# (the chunk between the teaching chunk and the last one; how many chunks the raw path reads:
# the last one, and this one when it repeats the shape)
VARIANTS: list[tuple[bytes, int]] = [
    (_chunk('{"content":" plain"}'), 2),
    (_chunk('{"content":""}'), 2),
    (_chunk('{"content":"say \\"hi\\", then: {\\"content\\":1}"}'), 2),
    (_chunk('{"content":"tab\\tnewline\\n slash\\/ back\\\\"}'), 2),
    (_chunk('{"content":"caf\\u00e9"}'), 2),
    # Any surrogate escape, a pair too, is left to the models, as the usual reading leaves it.
    (_chunk('{"content":"\\ud83d\\ude00"}'), 1),
    (_chunk('{"content":"café ☕ 你好"}'), 2),
    (_chunk('{"content":"<think>plan</think>answer"}'), 2),
    (_chunk('{"content":"lone \\ud800 half"}'), 1),  # the models refuse it, json.loads not
    (_chunk('{"content":"raw \t tab"}'), 1),  # a control character: not JSON
    (_chunk('{"content":"early","refusal":"no"}'), 1),  # a second field
    (_chunk('{"content":"a","content":"b"}'), 1),
    (_chunk('{"content":null}'), 1),
    (_chunk('{"content":7}'), 1),
    (_chunk('{"content":"cut'), 1),
    # A text chunk of another shape is learned: the last one is then not read raw.
    (_chunk('{"content":"x"}', head=HEAD.replace("qwen3", "other")), 0),
    (_chunk('{"content":"x"}', tail=',"logprobs":null,"finish_reason":"length"}]}'), 1),
    (_chunk('{"content":"x"}') + _chunk('{"content":"y"}'), 1),  # two events
    (b": keep-alive\n\n" + _chunk('{"content":"x"}'), 1),
    (_chunk('{"content":"x"}').replace(b"\n\n", b"\r\n\r\n"), 1),
    (b"event: message\n" + _chunk('{"content":"x"}'), 1),
    (_chunk('{"content":"x"}').replace(b"data: ", b"data:"), 0),
    (_chunk('{"content":"x"}').replace(b"x", b"\xff"), 1),  # not UTF-8
    (_chunk('{"content":"x"}').replace(b"}\n\n", b"}  \n\n"), 1),
    # The event is not ended: the last chunk continues it, and nothing is read raw.
    (_chunk('{"content":"x"}')[:-1], 0),
]


@pytest.mark.parametrize(("middle", "raw"), VARIANTS, ids=lambda v: repr(v)[:60])
def test_a_chunk_reads_as_the_usual_reading_reads_it(
    middle: bytes, raw: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    chunks = _stream([middle])
    expected = _translated(_as_text(chunks))
    taken = _Taken(monkeypatch)
    assert _translated(chunks) == expected
    assert taken.count == raw


def test_cut_chunks_and_other_profiles_read_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    chunks = _stream([_chunk('{"content":"<think>a</think>b"}'), _chunk('{"content":" c"}')])
    whole = b"".join(chunks)
    for size in (1, 7, 64, len(whole)):
        pieces = [whole[i : i + size] for i in range(0, len(whole), size)]
        for profile in (None, "vllm", "deepseek", "ollama"):
            assert _translated(pieces, profile=profile) == _translated(
                _as_text(chunks), profile=profile
            )


def test_the_shape_is_learned_only_from_one_whole_data_line() -> None:
    good = _chunk('{"content":"Hello"}')
    assert RepeatedTextChunk.learn(good, "Hello") is not None
    assert RepeatedTextChunk.learn(good, "Other") is None  # not what the reading gave
    assert RepeatedTextChunk.learn(b": c\n\n" + good, "Hello") is None
    assert RepeatedTextChunk.learn(good + good, "Hello") is None
    assert RepeatedTextChunk.learn(good.replace(b"\n\n", b"\r\n\r\n"), "Hello") is None
    logprobs = _chunk('{"content":"Hello"}', tail=',"logprobs":{"content":[]}}]}')
    assert RepeatedTextChunk.learn(logprobs, "Hello") is None  # "content" twice
    shape = RepeatedTextChunk.learn(_chunk('{"content" : "Hello"}'), "Hello")
    assert shape is not None
    assert shape.content(_chunk('{"content" : "Bye"}')) == "Bye"
    assert shape.content(_chunk('{"content":"Bye"}')) is None
