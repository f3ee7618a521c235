"""One stream, three paths, one meaning: every stream of the corpus (and generated drifted chat
streams) is read by accumulating it, by translating it as a stream and accumulating that, and by
translating its accumulated final object as a body; what the turn means (:mod:`stream_meaning`)
must not depend on the path, nor on how the bytes were split.

For a stream ``S`` in format ``src`` and the other format ``dst``:

* ``C = meaning(accumulate_stream(S))``, read in ``src``;
* ``A = meaning(accumulate_stream(translate_stream(S, to=dst, encode=True)))``, read in ``dst``:
  ``A == C``. A chat target may instead raise :class:`UpstreamError` before its first output:
  then ``C`` must be failed, with the same error, and have said nothing.
  A failure with nothing said must raise so. ``translate_stream`` never raises once it has
  yielded.
* ``B = meaning(translate_response(accumulate_stream(S), to=dst))``, the accumulated result
  translated as a body (how a gateway collapses a stream): ``B == C``. A failed or cut
  Responses stream raises :class:`UpstreamError` to chat: then ``C`` must be failed with the
  same error.

The drift corpus (``data/streams/drift``) holds one stream per shape servers send outside the
spec; each file's first line says which server sends it, except ``chat_not_streamed.json``: a
whole ``chat.completion`` body from a server (Ollama-style) that ignored ``stream: true``,
where a comment line would not be JSON.
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from stream_meaning import Meaning, meaning, raised
from wireshift import UpstreamError
from wireshift.accumulate import AccumulatedChatCompletion, AccumulatedResponse, accumulate_stream
from wireshift.translate import translate_response, translate_stream

Format = Literal["responses", "chat"]

DATA = Path(__file__).parent / "data" / "streams"
CORPUS = sorted(
    [
        *DATA.glob("*.sse"),
        *DATA.glob("*/*.sse"),
        *(DATA / "drift").glob("*.json"),
    ]
)
SHORT = 4096


def _format(path: Path) -> Format:
    """A stream's format, from its name: every Responses capture is named so."""
    responses = path.name.startswith("responses") or path.name == "codex_turn.sse"
    return "responses" if responses else "chat"


def _other(fmt: Format) -> Format:
    return "chat" if fmt == "responses" else "responses"


# --- the three paths ---------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one stream gave on the three paths."""

    accumulated: AccumulatedResponse | AccumulatedChatCompletion
    c: Meaning
    a: Meaning
    a_raised: bool
    b: Meaning
    b_raised: bool


def _translated(pieces: list[bytes], dst: Format) -> tuple[Meaning, bool]:
    """``A``: the stream translated to ``dst`` (as bytes), then accumulated; or the error it
    raised before its first output. Raising after output fails the test."""
    out: list[bytes] = []
    failure: UpstreamError | None = None
    stream = translate_stream(pieces, to=dst, encode=True)
    while True:
        try:
            chunk = next(stream)
        except StopIteration:
            break
        except UpstreamError as error:
            failure = error
            break
        out.append(chunk)
    if failure is None:
        return meaning(accumulate_stream(out, to=dst)), False
    assert not out, f"translate_stream raised after {len(out)} outputs: {failure!r}"
    assert dst == "chat", f"translate_stream to {dst} raised {failure!r}"
    return raised(failure), True


def _body(
    accumulated: AccumulatedResponse | AccumulatedChatCompletion, dst: Format
) -> tuple[Meaning, bool]:
    """``B``: the accumulated stream translated as a body (a gateway collapsing a stream for a
    client that asked for JSON); or the error it raised."""
    try:
        return meaning(translate_response(accumulated, to=dst).final), False
    except UpstreamError as error:
        failure = error
    assert dst == "chat", f"translate_response to {dst} raised {failure!r}"
    return raised(failure), True


def _run(pieces: list[bytes], src: Format, *, body: bool = True) -> Outcome:
    accumulated = accumulate_stream(pieces, to=src)
    dst = _other(src)
    a, a_raised = _translated(pieces, dst)
    b, b_raised = _body(accumulated, dst) if body else (a, a_raised)
    return Outcome(accumulated, meaning(accumulated), a, a_raised, b, b_raised)


def _failure(m: Meaning) -> tuple[Any, ...]:
    return (m.status, m.error)


def _codes_agree(x: Meaning, y: Meaning) -> bool:
    return x.error_code is None or y.error_code is None or x.error_code == y.error_code


def check_stream(outcome: Outcome, *, body: bool = True) -> None:
    """Assert the three paths agree (see the module docstring)."""
    c = outcome.c
    if outcome.a_raised:
        # A chat target raised before its first output: the source failed and said nothing.
        said = f"the translated stream raised {outcome.a}; accumulated: {c}"
        assert _failure(c) == _failure(outcome.a), said
        assert _codes_agree(c, outcome.a), said
        assert not c.has_output, f"raised before output, but the source said something: {c}"
    else:
        assert outcome.a == c, f"translated stream: {outcome.a}\n  accumulated: {c}"
        accumulated = outcome.accumulated
        silent_failure = c.status == "failed" and not c.has_output
        if (
            silent_failure
            and isinstance(accumulated, AccumulatedResponse)
            # A call streamed before the failure is output a chat client was sent, although
            # the failed turn does not count it as a call.
            and not accumulated.response.output
        ):
            raise AssertionError(f"a chat target must raise a failure before output: {c}")
    if not body:
        return
    if outcome.b_raised:
        said = f"the translated body raised {outcome.b}; accumulated: {c}"
        assert _failure(c) == _failure(outcome.b), said
        assert _codes_agree(c, outcome.b), said
        return
    assert outcome.b == c, f"translated body: {outcome.b}\n  accumulated: {c}"


# --- the corpus --------------------------------------------------------------------------------


def _splits(data: bytes) -> Iterable[tuple[str, list[bytes]]]:
    """A byte at a time; then in two at every byte for a short stream, else in pieces of 1 to
    7 bytes."""
    yield "a byte at a time", [data[at : at + 1] for at in range(len(data))]
    if len(data) < SHORT:
        for cut in range(1, len(data)):
            yield f"cut at {cut}", [data[:cut], data[cut:]]
        return
    rng = random.Random(len(data))
    for attempt in range(3):
        pieces, at = [], 0
        while at < len(data):
            step = rng.randint(1, 7)
            pieces.append(data[at : at + step])
            at += step
        yield f"1..7-byte pieces #{attempt}", pieces


def _id(path: Path) -> str:
    return str(path.relative_to(DATA))


# Streams whose deltas arrive out of sequence_number order: the accumulator joins them in
# sequence order; a stream translation sends each delta as it arrives (holding deltas back for
# a gap that may never fill would stall the client), so only its text's order differs.
ARRIVAL_ORDER = frozenset({"responses_out_of_order.sse"})


@pytest.mark.parametrize("path", CORPUS, ids=_id)
def test_the_paths_agree_on_a_whole_stream(path: Path) -> None:
    outcome = _run([path.read_bytes()], _format(path))
    if path.name in ARRIVAL_ORDER:
        assert outcome.a.text != outcome.c.text, "the stream is no longer out of order"
        assert sorted(outcome.a.text) == sorted(outcome.c.text)
        outcome.a = dataclasses.replace(outcome.a, text=outcome.c.text)
    check_stream(outcome)


@pytest.mark.parametrize("path", CORPUS, ids=_id)
def test_the_paths_agree_however_the_stream_is_split(path: Path) -> None:
    data = path.read_bytes()
    src = _format(path)
    whole = _run([data], src)
    for how, pieces in _splits(data):
        split = _run(pieces, src, body=False)
        assert split.c == whole.c, how
        assert (split.a, split.a_raised) == (whole.a, whole.a_raised), how


def test_the_drift_corpus_is_all_there() -> None:
    drift = sorted(p.name for p in (DATA / "drift").iterdir())
    assert len(drift) == 15
    for path in (DATA / "drift").glob("*.sse"):
        first = path.read_text().splitlines()[0]
        assert first.startswith(": "), f"{path.name} does not say which server sends it"


# --- generated drifted chat streams ------------------------------------------------------------

MODEL = "Qwen/Qwen3-Coder-30B-A3B-Instruct"


def _chunk(delta: dict[str, Any] | None, finish: str | None = None, **more: Any) -> bytes:
    choice: dict[str, Any] = {"index": 0, "finish_reason": finish}
    if delta is not None:
        choice["delta"] = delta
    choice.update(more)
    body = {
        "id": "chatcmpl-7d3e9f1a2b4c",
        "object": "chat.completion.chunk",
        "created": 1767225900,
        "model": MODEL,
        "choices": [choice],
    }
    return b"data: " + json.dumps(body, separators=(",", ":")).encode() + b"\n\n"


_WORDS = st.sampled_from(["The ", "answer", " is", " 42", ".", " ok", "\n", "ünï ", "{", '"'])
_TEXT = st.lists(_WORDS, min_size=1, max_size=3).map("".join)


@st.composite
def _text_delta(draw: st.DrawFn) -> dict[str, Any]:
    text = draw(_TEXT)
    if draw(st.booleans()):
        return {"content": [{"type": "text", "text": text}]}  # Mistral
    return {"content": text}


@st.composite
def _reasoning_delta(draw: st.DrawFn, field: str) -> dict[str, Any]:
    text = draw(_TEXT)
    if draw(st.booleans()):  # as an object
        return {field: {"text": text} if field == "reasoning" else {"content": text}}
    return {field: text}


@st.composite
def _call_chunks(draw: st.DrawFn, index: int) -> list[dict[str, Any]]:
    """The deltas of one tool call, in one of the shapes servers send."""
    call_id = f"call_{index}_{draw(st.sampled_from(['a1b2', 'Zq9x', '00_k']))}"
    name = draw(st.sampled_from(["shell", "read_file", "apply_patch"]))
    args = {"path": draw(_TEXT), "n": index}
    whole: dict[str, Any] = {
        "index": index,
        "id": call_id,
        "type": "function",
        "function": {"name": name, "arguments": json.dumps(args)},
    }
    style = draw(st.sampled_from(["whole", "object", "pieces"]))
    if style == "whole":  # Ollama: one delta
        return [{"tool_calls": [whole]}]
    if style == "object":  # arguments as a JSON object
        whole["function"]["arguments"] = args
        return [{"tool_calls": [whole]}]
    text = json.dumps(args)
    cuts = sorted(draw(st.sets(st.integers(1, len(text) - 1), max_size=3)))
    parts = [text[i:j] for i, j in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    first = {**whole, "function": {"name": name, "arguments": parts[0]}}
    out = [{"tool_calls": [first]}]
    for part in parts[1:]:
        more = draw(st.sampled_from(["no id", "sglang", "same id"]))
        if more == "no id":
            piece: dict[str, Any] = {"index": index, "function": {"arguments": part}}
        elif more == "sglang":
            piece = {
                "index": index,
                "id": "",
                "type": "function",
                "function": {"name": "", "arguments": part},
            }
        else:
            piece = {"index": index, "id": call_id, "function": {"arguments": part}}
        out.append({"tool_calls": [piece]})
    return out


@st.composite
def drifted_chat_streams(draw: st.DrawFn) -> bytes:
    """A chat stream of reasoning, text and tool-call deltas in drifted shapes, ended in one of
    the ways servers end (or fail to end) a stream, possibly cut anywhere."""
    field = draw(st.sampled_from(["reasoning_content", "reasoning"]))
    deltas: list[dict[str, Any]] = [
        draw(_reasoning_delta(field)) for _ in range(draw(st.integers(0, 2)))
    ]
    deltas += [draw(_text_delta()) for _ in range(draw(st.integers(0, 3)))]
    calls = draw(st.integers(0, 2))
    for index in range(calls):
        deltas += draw(_call_chunks(index))
    chunks = [_chunk({"role": "assistant", "content": ""})]
    chunks += [_chunk(delta) for delta in deltas]
    ending = draw(st.sampled_from(["finish", "finish+done", "done", "none", "error", "garbage"]))
    finish = "tool_calls" if calls else draw(st.sampled_from(["stop", "length", "stop"]))
    if ending.startswith("finish"):
        if draw(st.booleans()) and not calls:  # the last text as a whole message
            chunks.append(_chunk(None, finish, message={"role": "assistant", "content": "!"}))
        else:
            chunks.append(_chunk({}, finish))
        if draw(st.booleans()):
            usage = {"prompt_tokens": 30, "completion_tokens": 7, "total_tokens": 37}
            body = {"id": "chatcmpl-7d3e9f1a2b4c", "choices": [], "usage": usage}
            chunks.append(b"data: " + json.dumps(body).encode() + b"\n\n")
    if ending.endswith("done"):
        chunks.append(b"data: [DONE]\n\n")
    elif ending == "error":
        error = {"message": "Upstream overloaded", "type": "server_error", "code": "overloaded"}
        chunks.append(b"data: " + json.dumps({"error": error}).encode() + b"\n\n")
    elif ending == "garbage":
        chunks.append(b"data: Internal Server Error: worker crashed\n\n")
    data = b"".join(chunks)
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return data


_GENERATED = settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@_GENERATED
@given(data=drifted_chat_streams(), step=st.integers(1, 64))
def test_drifted_chat_streams_translate_to_what_they_mean(data: bytes, step: int) -> None:
    """The stream path (``A == C``, nothing raised after output), whole and split."""
    whole = _run([data], "chat", body=False)
    check_stream(whole, body=False)
    pieces = [data[i : i + step] for i in range(0, len(data), step)]
    split = _run(pieces, "chat", body=False)
    assert (split.c, split.a, split.a_raised) == (whole.c, whole.a, whole.a_raised)


@_GENERATED
@given(data=drifted_chat_streams())
def test_drifted_chat_streams_accumulate_to_bodies_that_mean_the_same(data: bytes) -> None:
    """The body path (``B``)."""
    check_stream(_run([data], "chat"))
