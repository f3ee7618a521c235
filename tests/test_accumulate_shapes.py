"""Payload shapes read a payload's hole values exactly as a JSON parser would, or not at all.

Each case learns a shape from one payload, then writes others like it with new hole values
(and sometimes other changes) and compares what the shape reads with what ``json.loads`` and
pydantic read. Nothing here is an expected output.
"""

from __future__ import annotations

import json
from typing import Any

import pydantic_core
import pytest
from hypothesis import given, settings, strategies as st

from wireshift.accumulate._shapes import Hole, learn_shape

BASE = {
    "type": "response.output_text.delta",
    "sequence_number": 12,
    "item_id": "msg_1",
    "output_index": 1,
    "content_index": 0,
    "delta": "hello",
    "logprobs": [],
    "obfuscation": "abc",
}
HOLES: list[Hole] = [
    (("delta",), "str"),
    (("sequence_number",), "int"),
    (("obfuscation",), "str"),
]


def _text(payload: dict[str, Any], *, ascii_only: bool, compact: bool) -> str:
    separators = (",", ":") if compact else (", ", ": ")
    return json.dumps(payload, ensure_ascii=ascii_only, separators=separators)


def _pydantic_reads(text: str) -> bool:
    try:
        pydantic_core.from_json(text)
    except ValueError:
        return False
    return True


strings = st.text(max_size=12) | st.sampled_from(['"', "\\", "\n", "\u2028", "é🙂", '\\"'])


@given(
    strings,
    st.integers(0, 10**15),
    strings,
    st.booleans(),
    st.booleans(),
)
@settings(deadline=None, max_examples=300)
def test_a_shape_reads_new_values_as_json_does(
    delta: str, seq: int, pad: str, ascii_only: bool, compact: bool
) -> None:
    shape = learn_shape(_text(BASE, ascii_only=ascii_only, compact=compact), dict(BASE), HOLES)
    assert shape is not None
    text = _text(
        {**BASE, "delta": delta, "sequence_number": seq, "obfuscation": pad},
        ascii_only=ascii_only,
        compact=compact,
    )
    got = shape.values(text)
    if got is None:
        # Refused only what pydantic refuses too (a lone surrogate).
        assert not _pydantic_reads(text)
    else:
        assert got == [delta, seq, pad]
        assert _pydantic_reads(text)


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace('"sequence_number":12', '"sequence_number":-12'),
        lambda t: t.replace('"sequence_number":12', '"sequence_number":012'),
        lambda t: t.replace('"sequence_number":12', '"sequence_number":12.0'),
        lambda t: t.replace('"sequence_number":12', '"sequence_number":"12"'),
        lambda t: t.replace('"delta":"hello"', '"delta":null'),
        lambda t: t.replace('"delta":"hello"', '"delta":"a","delta":"b"'),
        lambda t: t.replace('"delta":"hello"', '"delta":"a\\x"'),
        lambda t: t.replace('"delta":"hello"', '"delta":"a\tb"'),
        lambda t: t.replace('"delta":"hello"', '"delta":"\\ud800"'),
        lambda t: t.replace('"output_index":1', '"output_index":2'),
        lambda t: t.replace('"logprobs":[]', '"logprobs":[{}]'),
        lambda t: t + " ",
        lambda t: t[:-1],
    ],
)
def test_a_payload_of_another_shape_is_not_read(edit: Any) -> None:
    text = _text(BASE, ascii_only=True, compact=True)
    shape = learn_shape(text, dict(BASE), HOLES)
    assert shape is not None
    assert shape.values(text) == ["hello", 12, "abc"]
    assert shape.values(edit(text)) is None


def test_holes_must_be_the_values_the_parser_keeps() -> None:
    # The delta's text also appears as another field's value, and a repeated key comes first.
    payload = {"note": "hello", "delta": "hello"}
    text = '{"note":"hello","delta":"first","delta":"hello"}'
    shape = learn_shape(text, payload, [(("delta",), "str")])
    assert shape is not None
    assert shape.values('{"note":"hello","delta":"first","delta":"other"}') == ["other"]
    assert shape.values('{"note":"other","delta":"first","delta":"hello"}') is None


@pytest.mark.parametrize(
    ("text", "holes"),
    [
        ('{"delta":"a"}', [(("missing",), "str")]),
        ('{"delta":"a"}', [(("delta",), "int")]),
        ('{"n":-1}', [(("n",), "int")]),
        ('{"n":10000000000000000}', [(("n",), "int")]),
        ('{"a":{"delta":"x"}}', [(("a", "delta"), "str"), (("a", "delta"), "str")]),
        ('{"list":["x"]}', [(("list", 0), "str")]),
        ("{}", []),
    ],
)
def test_what_cannot_be_a_hole_gives_no_shape(text: str, holes: list[Hole]) -> None:
    assert learn_shape(text, json.loads(text), holes) is None


@pytest.mark.parametrize("piece", ["a", "\\n", 'a\\"'])
def test_a_long_hole_that_does_not_match_fails_quickly(piece: str) -> None:
    # A pattern that could match a run of plain characters in several ways backtracks
    # exponentially on a near miss: this would not finish.
    text = _text(BASE, ascii_only=True, compact=True)
    shape = learn_shape(text, dict(BASE), HOLES)
    assert shape is not None
    long_delta = piece * 20_000
    near_miss = text.replace('"hello"', f'"{long_delta}"').replace('"logprobs":[]', '"logprobs":0')
    assert shape.values(near_miss) is None
    good = text.replace('"hello"', f'"{long_delta}"')
    assert shape.values(good) == [json.loads(f'"{long_delta}"'), 12, "abc"]
