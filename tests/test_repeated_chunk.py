"""A delta event that repeats an earlier one but for its changing values is read from its
raw bytes (``_wire/_repeated_chunk.py``): chat text chunks, and Responses delta events. The
oracle is the usual reading: the same chunks handed over as ``str`` never take the raw path,
so both must give the same events, notes and failure, whatever changed between two events.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from wireshift import UpstreamError
from wireshift._wire import _repeated_chunk
from wireshift._wire._repeated_chunk import EventShape
from wireshift.translate._stream_api import translate_stream

pytestmark = pytest.mark.usefixtures("fixed_clock")

STREAMS = Path(__file__).parent / "data" / "streams"
CHAT = sorted((STREAMS / "chat").glob("*.sse")) + sorted(STREAMS.glob("*/chat_*.sse"))
RESPONSES = [STREAMS / "codex_turn.sse", *sorted(STREAMS.glob("*/responses_*.sse"))]
IDS = re.compile(r"(resp|msg|rs|fc|call)_[0-9a-f]{16,}")

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


def _translated(chunks: list[Any], to: str = "responses", **options: Any) -> Any:
    stream = translate_stream(chunks, to=to, encode=True, **options)  # type: ignore[call-overload]
    events: list[str] = []
    failure = None
    try:
        # Ids are random: blanked (the clock is fixed, see conftest.py).
        events += (IDS.sub(r"\1_", event.decode()) for event in stream)
    except UpstreamError as error:
        failure = (error.status, error.code, error.message)
    return events, [str(note) for note in stream.notes], failure


def _events(path: Path) -> list[bytes]:
    """A recorded stream, one event a chunk (as servers write them: the raw path's input)."""
    raw = path.read_bytes()
    return [event + b"\n\n" for event in raw.split(b"\n\n") if event.strip()]


def _as_text(chunks: list[bytes]) -> list[str]:
    return [chunk.decode("utf-8", "replace") for chunk in chunks]


class _Taken:
    """The raw chunks the raw path read."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.chunks: list[bytes] = []
        # Every kind of shape with a reading of its own (one string hole has its own).
        for kind in (EventShape, *EventShape.__subclasses__()):
            if "read" in vars(kind):
                monkeypatch.setattr(kind, "read", self._counted(vars(kind)["read"]))

    def _counted(self, read: Callable[[EventShape, bytes], Any]) -> Callable[..., Any]:
        def counted(shape: EventShape, raw: bytes) -> Any:
            found = read(shape, raw)
            if found is not None:
                self.chunks.append(raw)
            return found

        return counted

    @property
    def count(self) -> int:
        return len(self.chunks)


@pytest.mark.parametrize("path", CHAT, ids=lambda p: p.name)
def test_recorded_streams_read_the_same_from_bytes(path: Path) -> None:
    lines = path.read_bytes().splitlines(keepends=True)
    assert _translated(lines) == _translated(_as_text(lines))
    # Split where the events end (one event a chunk, as servers write them): the raw path.
    events = _events(path)
    assert _translated(events) == _translated(_as_text(events))


@pytest.mark.parametrize("path", RESPONSES, ids=lambda p: p.name)
def test_recorded_responses_streams_read_the_same_from_bytes(path: Path) -> None:
    lines = path.read_bytes().splitlines(keepends=True)
    assert _translated(lines, "chat") == _translated(_as_text(lines), "chat")
    events = _events(path)
    assert _translated(events, "chat") == _translated(_as_text(events), "chat")


def test_a_long_recorded_turn_is_read_from_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (STREAMS / "chat" / "text.sse").read_bytes().split(b"\n\n")
    # The recorded text chunk, repeated with other words: most chunks of a real turn.
    words = [json.dumps(f" word {n}") for n in range(50)]
    repeated = [text[1].replace(b'"Hello"', word.encode()) + b"\n\n" for word in words]
    chunks = [text[0] + b"\n\n", text[1] + b"\n\n", *repeated, *(t + b"\n\n" for t in text[2:])]
    taken = _Taken(monkeypatch)
    got = _translated(chunks)
    assert taken.count == len(repeated) + 1  # and ", world", recorded in the same shape
    assert got == _translated(_as_text(chunks))
    events = got[0]
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
    # A text chunk of another shape is learned; the last one is read raw by the first shape.
    (_chunk('{"content":"x"}', head=HEAD.replace("qwen3", "other")), 1),
    (_chunk('{"content":"x"}', tail=',"logprobs":null,"finish_reason":"length"}]}'), 1),
    (_chunk('{"content":"x"}') + _chunk('{"content":"y"}'), 1),  # two events
    (b": keep-alive\n\n" + _chunk('{"content":"x"}'), 1),
    (_chunk('{"content":"x"}').replace(b"\n\n", b"\r\n\r\n"), 1),
    (b"event: message\n" + _chunk('{"content":"x"}'), 1),  # another shape, learned
    (_chunk('{"content":"x"}').replace(b"data: ", b"data:"), 1),
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


CALL = '{"tool_calls":[{"index":0,"function":{"arguments":%s}}]}'
REASON = '{"reasoning_content":%s}'


def _call_stream(middle: list[bytes]) -> list[bytes]:
    """A turn with reasoning, text and a tool call: each kind's delta is taught by its first
    chunk, then ``middle``, then one more of each kind, then the end."""
    start = '{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f"}}]}'
    return [
        _chunk('{"role":"assistant","content":""}'),
        _chunk(REASON % '"plan"'),
        _chunk('{"content":"Hello"}'),
        _chunk(start),
        _chunk(CALL % '"{\\"a\\":"'),
        *middle,
        _chunk(CALL % '"1}"'),
        _chunk("{}", tail=',"logprobs":null,"finish_reason":"tool_calls"}]}'),
        b"data: [DONE]\n\n",
    ]


# (the chunks between the teaching chunks and the last one; how many chunks the raw path
# reads). Two chunks alike but for their text: the second is read raw only if the first
# taught its shape, which it must not when the delta holds more than the text.
CALL_VARIANTS: list[tuple[str, bytes | list[bytes], int]] = [
    ("arguments", _chunk(CALL % '" x"'), 2),
    ("empty arguments", _chunk(CALL % '""'), 2),
    ("escaped arguments", _chunk(CALL % '"\\"q\\" \\u00e9\\n"'), 2),
    ("a surrogate in arguments", _chunk(CALL % '"\\ud83d\\ude00"'), 1),
    ("null arguments", _chunk(CALL % "null"), 1),
    ("another call", _chunk(CALL.replace('"index":0', '"index":1') % '" x"'), 1),
    (
        "a second call starts",
        _chunk(
            '{"tool_calls":[{"index":1,"id":"call_2","type":"function",'
            '"function":{"name":"g","arguments":"{}"}}]}'
        ),
        1,
    ),
    (
        "two calls",
        _chunk(CALL.replace("}}]", '}},{"index":1,"function":{"arguments":"y"}}]') % '"x"'),
        1,
    ),
    ("the name again", _chunk(CALL.replace('{"arg', '{"name":"f","arg') % '"x"'), 1),
    ("reasoning", _chunk(REASON % '" more"'), 2),  # the last arguments chunk: raw as well
    ("text", _chunk('{"content":" more"}'), 2),
    ("both reasoning fields", _chunk('{"reasoning_content":"a","reasoning":"a"}'), 1),
    ("reasoning and text", _chunk('{"reasoning_content":"a","content":"b"}'), 1),
    ("null reasoning", _chunk(REASON % "null"), 1),
    (
        "text and a refusal",
        [_chunk('{"content":"a","refusal":"r"}'), _chunk('{"content":"b","refusal":"r"}')],
        1,
    ),
    (
        "reasoning and a refusal",
        [
            _chunk('{"reasoning_content":"a","refusal":"r"}'),
            _chunk('{"reasoning_content":"b","refusal":"r"}'),
        ],
        1,
    ),
    (
        "arguments and text",
        [
            _chunk(CALL.replace('{"tool', '{"content":"t","tool') % '"a"'),
            _chunk(CALL.replace('{"tool', '{"content":"t","tool') % '"b"'),
        ],
        1,
    ),
    ("two texts alike", [_chunk('{"content":"a"}'), _chunk('{"content":"b"}')], 3),
]


@pytest.mark.parametrize(
    ("what", "middle", "raw"), CALL_VARIANTS, ids=[v[0] for v in CALL_VARIANTS]
)
def test_arguments_and_reasoning_read_as_the_usual_reading_reads_them(
    what: str, middle: bytes | list[bytes], raw: int
) -> None:
    chunks = _call_stream(middle if isinstance(middle, list) else [middle])
    for profile in (None, "deepseek", "ollama"):
        expected = _translated(_as_text(chunks), profile=profile)
        with pytest.MonkeyPatch.context() as monkeypatch:  # its own: undone, the clock stays
            taken = _Taken(monkeypatch)
            assert _translated(chunks, profile=profile) == expected
        if profile is None:
            assert taken.count == raw, taken.chunks


def test_interleaved_kinds_each_keep_their_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    # vLLM sends reasoning under both names: two holes with the same text.
    both = '{"reasoning":%s,"reasoning_content":%s}'
    middle = [
        _chunk(both % ('"a"', '"a"')),
        _chunk(both % ('"b"', '"b"')),
        _chunk('{"content":" t1"}'),
        _chunk(both % ('"c"', '"c"')),
        _chunk('{"content":" t2"}'),
        _chunk(both % ('"d"', '"e"')),  # two texts: both taken, in the profile's order
    ]
    chunks = _call_stream(middle)
    taken = _Taken(monkeypatch)
    got = _translated(chunks, profile="vllm")
    assert got == _translated(_as_text(chunks), profile="vllm")
    # Read raw: the second and third vLLM reasoning chunks, both text chunks, the last
    # arguments chunk; the first of each kind teaches.
    assert taken.chunks == [*middle[1:], chunks[-3]]
    reasoning = [json.loads(e.split("data: ", 1)[1]) for e in got[0] if "summary_text.delta" in e]
    assert "".join(d["delta"] for d in reasoning) == "planabcde"


def test_cut_chunks_and_other_profiles_read_the_same() -> None:
    chunks = _stream([_chunk('{"content":"<think>a</think>b"}'), _chunk('{"content":" c"}')])
    whole = b"".join(chunks)
    for size in (1, 7, 64, len(whole)):
        pieces = [whole[i : i + size] for i in range(0, len(whole), size)]
        for profile in (None, "vllm", "deepseek", "ollama"):
            assert _translated(pieces, profile=profile) == _translated(
                _as_text(chunks), profile=profile
            )


def test_the_shape_is_learned_only_from_one_whole_event() -> None:
    content = (("content", str),)
    good = _chunk('{"content":"Hello"}')
    assert EventShape.learn(good, content, ("Hello",)) is not None
    assert EventShape.learn(good, content, ("Other",)) is None  # not what the reading gave
    assert EventShape.learn(b": c\n\n" + good, content, ("Hello",)) is None
    assert EventShape.learn(good + good, content, ("Hello",)) is None
    assert EventShape.learn(good.replace(b"\n\n", b"\r\n\r\n"), content, ("Hello",)) is None
    logprobs = _chunk('{"content":"Hello"}', tail=',"logprobs":{"content":[]}}]}')
    assert EventShape.learn(logprobs, content, ("Hello",)) is None  # "content" twice
    shape = EventShape.learn(_chunk('{"content" : "Hello"}'), content, ("Hello",))
    assert shape is not None
    read = shape.read(_chunk('{"content" : "Bye"}'))
    assert read is not None
    assert list(read[0]) == ["Bye"]
    assert read[1][shape.data_start : -2] == _chunk('{"content" : "Bye"}').decode()[6:-2]
    assert shape.read(_chunk('{"content":"Bye"}')) is None


def _codex_events() -> list[bytes]:
    """The recorded Codex turn, one event a chunk."""
    return _events(STREAMS / "codex_turn.sse")


def _delta_event(change: dict[str, Any] | Callable[[bytes], bytes]) -> bytes:
    """The turn's first text delta event, changed by ``change`` (its data as a dict, or the
    whole event's bytes)."""
    first = next(e for e in _codex_events() if e.startswith(b"event: response.output_text.delta"))
    name, data = first.split(b"\ndata: ", 1)
    if callable(change):
        return change(first)
    event = json.loads(data)
    event.update(change)
    return name + b"\ndata: " + json.dumps(event, separators=(",", ":")).encode() + b"\n\n"


DELTA_VARIANTS: list[tuple[str, bytes, bool]] = [
    ("the next number", _delta_event({"sequence_number": 900, "delta": " next"}), True),
    ("a longer obfuscation", _delta_event({"sequence_number": 901, "obfuscation": "x" * 40}), True),
    ("escapes", _delta_event({"sequence_number": 902, "delta": 'a "b"\n\\ /é 你'}), True),
    ("an ASCII escape", _delta_event(lambda e: e.replace(b'"I\'ll"', b'"\\u0041"')), True),
    (
        "a surrogate escape",
        _delta_event(lambda e: e.replace(b'"I\'ll"', b'"\\ud83d\\ude00"')),
        False,
    ),
    ("a repeat of an earlier event", b"", True),  # filled in below: the teaching event again
    (
        "a fraction",
        _delta_event(lambda e: e.replace(b'"sequence_number":16', b'"sequence_number":16.0')),
        False,
    ),
    (
        "an exponent",
        _delta_event(lambda e: e.replace(b'"sequence_number":16', b'"sequence_number":1e3')),
        False,
    ),
    ("a field more", _delta_event({"sequence_number": 903, "extra": 1}), False),
    ("another item", _delta_event({"sequence_number": 904, "item_id": "msg_other"}), False),
    ("no obfuscation", _delta_event(lambda e: e.replace(b',"obfuscation":"aZ3"', b"")), False),
    ("a null delta", _delta_event({"sequence_number": 905, "delta": None}), False),
    ("no event line", _delta_event(lambda e: e.split(b"\n", 1)[1]), False),
    (
        "another event name",
        _delta_event(lambda e: e.replace(b"event: response.output_text.delta", b"event: x")),
        False,
    ),
    ("a cut event", _delta_event(lambda e: e[:-3]), False),
    ("two events", _delta_event(lambda e: e + e), False),
]


@pytest.mark.parametrize(
    ("what", "middle", "raw"), DELTA_VARIANTS, ids=[v[0] for v in DELTA_VARIANTS]
)
def test_a_responses_delta_reads_as_the_usual_reading_reads_it(
    what: str, middle: bytes, raw: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = _codex_events()
    first = next(i for i, e in enumerate(events) if e.startswith(b"event: response.output_text"))
    if not middle:
        middle = events[first]
    # After the second text delta, which repeats the first one's shape and so is read raw.
    chunks = [*events[: first + 2], middle, *events[first + 2 :]]
    expected = _translated(_as_text(chunks), "chat")
    taken = _Taken(monkeypatch)
    assert _translated(chunks, "chat") == expected
    assert events[first + 1] in taken.chunks
    assert (middle in taken.chunks) is raw
    if what == "a repeat of an earlier event":
        assert any("a repeat of the event with sequence_number" in n for n in expected[1])


def test_a_long_responses_turn_is_read_from_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    events = _codex_events()
    deltas = [i for i, e in enumerate(events) if e.split(b"\n", 1)[0].endswith(b".delta")]
    taken = _Taken(monkeypatch)
    assert _translated(events, "chat") == _translated(_as_text(events), "chat")
    # Every delta but the first of each kind and item is read raw.
    firsts = {events[i].split(b'"sequence_number"', 1)[0] for i in deltas}
    assert taken.count == len(deltas) - len(firsts) > 0


def test_a_chunk_that_starts_a_call_teaches_no_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    learned: list[tuple[str, ...]] = []
    learn = EventShape.learn.__func__  # type: ignore[attr-defined]

    def counted(cls: type[EventShape], raw: bytes, holes: Any, values: Any) -> Any:
        shape = learn(cls, raw, holes, values)
        if shape is not None:
            learned.append(tuple(name for name, _ in holes))
        return shape

    monkeypatch.setattr(_repeated_chunk.EventShape, "learn", classmethod(counted))
    chunks = _call_stream([])
    # As vLLM starts a call: its id and name, and arguments "".
    chunks[3] = chunks[3].replace(b'"name":"f"', b'"name":"f","arguments":""')
    assert b'"arguments":""' in chunks[3]
    assert _translated(chunks) == _translated(_as_text(chunks))
    # The reasoning, text and first arguments chunks teach; the call's start never repeats.
    assert learned == [("reasoning_content",), ("content",), ("arguments",)]


@pytest.mark.parametrize(
    "middle",
    [
        ['{"content":"<think>"}', '{"content":"pondering"}', '{"content":"</think>"}'],
        ['{"content":"<thi"}', '{"content":"nk>"}', '{"content":"still thinking"}'],
        ['{"content":"<th"}', '{"content":"ere"}'],  # held back, then not a tag after all
    ],
    ids=["inside a thought", "a tag cut between chunks", "held back, not a tag"],
)
def test_think_tags_between_chunks_read_the_same_from_bytes(
    middle: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A chunk that repeats the shape while a thought is open (or a tag's start is held back)
    # is read raw, and must still go where the think splitter sends it.
    chunks = _stream([_chunk(delta) for delta in middle])
    taken = _Taken(monkeypatch)
    got = _translated(chunks, profile="vllm")
    assert taken.count >= len(middle) - 1
    assert got == _translated(_as_text(chunks), profile="vllm")


@pytest.mark.parametrize(
    "after",
    [
        [_chunk('{"content":"cut"}')[:-1], _chunk('{"content":" next"}')],  # an event not ended
        [b": keep-alive\n\n", _chunk('{"content":" next"}')],
        [_chunk('{"content":" a"}') + _chunk('{"content":" b"}'), _chunk('{"content":" c"}')],
        [_chunk('{"refusal":"no"}'), _chunk('{"content":" next"}')],
        [_chunk('{"reasoning_content":"r"}'), _chunk('{"content":" next"}')],
        [b'data: {"error":{"message":"overloaded","code":"server_error"}}\n\n'],  # failed
    ],
    ids=["not ended", "comment", "two events", "refusal", "reasoning", "failed"],
)
@pytest.mark.parametrize(
    "run",
    [
        '{{"content":" {n}"}}',
        '{{"reasoning_content":" {n}"}}',
        '{{"reasoning":"{n}","reasoning_content":"{n}"}}',
    ],
    ids=["answer", "reasoning", "reasoning twice (vLLM)"],
)
def test_text_chunks_read_raw_in_a_row_then_something_else(run: str, after: list[bytes]) -> None:
    # Answer or reasoning chunks read raw one after another take the shortest path; whatever
    # comes between two of them must end it, and the chunk after it be read as the usual
    # reading reads it.
    texts = [_chunk(run.format(n=n)) for n in range(3)]
    chunks = _stream([*texts, *after, *texts])
    for profile in (None, "vllm"):
        assert _translated(chunks, profile=profile) == _translated(
            _as_text(chunks), profile=profile
        )


def test_reasoning_and_answer_runs_read_raw_in_turns() -> None:
    # Each kind's shape is learned once; a run of one kind read raw must never write into the
    # other kind's open part, and each reasoning chunk's fields are joined as the usual
    # reading joins them.
    reasoning = [
        '{"reasoning_content":"think"}',
        '{"reasoning":"a","reasoning_content":"b"}',
        '{"reasoning":"","reasoning_content":""}',  # learned from the one above: nothing to say
    ]
    for text in reasoning:
        turn: list[str] = []
        for n in range(3):
            turn += [reasoning[1], text, text, f'{{"content":" {n}"}}', '{"content":""}']
        chunks = _stream([_chunk(delta) for delta in turn])
        for profile in (None, "vllm"):
            assert _translated(chunks, profile=profile) == _translated(
                _as_text(chunks), profile=profile
            )
