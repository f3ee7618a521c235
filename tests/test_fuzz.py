"""Fuzzing in CI: fixed seeds, bounded time. ``nox -s fuzz`` runs a million inputs.

Each defect the fuzzing found became a regression test in ``test_hostile_input.py``; these
tests keep looking, over the same mutations (see ``hostile_inputs.py``).
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from hostile_inputs import Case, Corpus, cases, run_case
from wireshift import WireshiftError, accumulate_stream, translate_stream

CORPUS = Corpus.load()
STREAMS = dict(CORPUS.streams)
TERMINAL = {"response.completed", "response.failed", "response.incomplete"}


def _report(found: list[Any]) -> str:
    lines = [f"{len(found)} defect(s); the first ones:"]
    for outcome in found[:5]:
        lines.append(f"- {outcome.defect}\n  at {outcome.trace or outcome.where}")
        lines.append(f"  input: {outcome.case.describe(300)}")
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(6))
def test_mutated_inputs_give_only_wireshift_errors(seed: int) -> None:
    """2,500 mutated streams, requests, bodies, error bodies and compressed bodies per seed:
    no foreign exception, no exception after output, no message or note of more than 2,000
    characters, and the same accumulation however a stream is cut."""
    rng = random.Random(seed)
    found = [o for o in map(run_case, cases(rng, CORPUS, 2_500)) if o.defect]
    assert not found, _report(found)


def _cut_points(data: bytes) -> range:
    # Every byte of the small streams, every 5th of the large ones (nox -s fuzz: every byte).
    return range(len(data) + 1) if len(data) <= 2_000 else range(0, len(data) + 1, 5)


@pytest.mark.parametrize("name", sorted(STREAMS))
@pytest.mark.parametrize("to", ["chat", "responses"])
def test_a_cut_at_any_byte_ends_the_stream_or_raises_before_output(name: str, to: str) -> None:
    data = STREAMS[name]
    for cut in _cut_points(data):
        out: list[Any] = []
        raised: WireshiftError | None = None
        try:
            out.extend(translate_stream([data[:cut]], to=to))  # type: ignore[call-overload]
        except WireshiftError as exc:
            raised = exc
        if raised is not None:
            assert not out, f"cut at {cut}: {type(raised).__name__} after {len(out)} outputs"
        elif to == "responses" and out:
            assert out[-1].type in TERMINAL, f"cut at {cut}: the stream ends in {out[-1].type}"


# The shape the fuzzing found changing with the cut: CRLF line ends, comments between
# events, a `data: null` event.
_TEXT = STREAMS["streams/chat/text.sse"]
CRLF_COMMENTS_NULL = (
    _TEXT.replace(b"\n", b"\r\n")
    .replace(b"\r\n\r\n", b"\r\n\r\n: keep-alive\r\n\r\n", 2)
    .replace(b"data: [DONE]", b"data: null\r\n\r\ndata: [DONE]")
)


def _meaning(data: Any) -> str:
    result = accumulate_stream(data, to="chat")
    final = result.completion.to_dict() if result.completion is not None else None
    if final is not None:
        final.pop("created", None)
    return json.dumps([final, repr(result.error), result.truncated], sort_keys=True)


@pytest.mark.parametrize("as_text", [False, True])
def test_a_split_at_any_byte_accumulates_the_same(as_text: bool) -> None:
    data = CRLF_COMMENTS_NULL
    assert b"\r\n: keep-alive" in data
    assert b"data: null" in data
    whole = _meaning(data)
    for cut in range(1, len(data)):
        pieces: list[Any] = [data[:cut], data[cut:]]
        if as_text:
            pieces = [piece.decode("utf-8", "replace") for piece in pieces]
        assert _meaning(pieces) == whole, f"split at {cut}"


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    name=st.sampled_from(sorted(STREAMS)),
    cuts=st.lists(st.integers(min_value=0, max_value=20_000), max_size=12),
    as_text=st.booleans(),
)
def test_any_split_of_a_corpus_stream_accumulates_the_same(
    name: str, cuts: list[int], as_text: bool
) -> None:
    data = STREAMS[name]
    points = sorted({cut % (len(data) + 1) for cut in cuts})
    pieces: list[Any] = [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]
    if as_text:
        pieces = [piece.decode("utf-8", "replace") for piece in pieces]
    outcome = run_case(Case("accumulate_pieces", pieces))
    assert outcome.defect is None, outcome.defect
