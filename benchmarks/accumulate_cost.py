"""Accumulating a stream into its final object: wireshift's ``accumulate_stream`` against the
floor (decode the SSE, ``json.loads`` each event) and openai-python's stream states fed the
same bytes the way the SDK feeds them; peak memory on a ~50 MB stream; linearity."""

from __future__ import annotations

import gc
import statistics
import tracemalloc
from collections.abc import Callable
from typing import Any

import workloads
from checks import chat_arguments, responses_arguments, responses_text, verified
from common import (
    Row,
    Section,
    Unavailable,
    floor_events,
    lazy,
    sample,
    side_by_side,
    versus,
)

__all__ = ["sections"]

TEXT_DELTAS = 20_000
ARGUMENT_DELTAS = 200
CHAT_ARGUMENT_DELTAS = 4_000
SCALE = 10


def _wireshift(chunks: list[bytes]) -> Callable[[], Any]:
    try:
        from wireshift.accumulate import accumulate_stream
    except ImportError as error:
        raise Unavailable(f"wireshift.accumulate: {error}") from error
    return lambda: accumulate_stream(chunks)


def _decoder_floor(chunks: list[bytes]) -> Callable[[], Any]:
    import json

    from wireshift import SSEDecoder

    def run() -> Any:
        decoder = SSEDecoder()
        last = None
        for chunk in chunks:
            for event in decoder.feed(chunk):
                data = getattr(event, "data", "")
                if data and data != "[DONE]":
                    last = json.loads(data)
        return last

    return run


def _openai_responses(chunks: list[bytes]) -> Callable[[], Any]:
    """The SDK's path: its SSE decoder, ``sse.json()``, ``construct_type`` into the event
    union (what ``Stream`` does), then ``ResponseStreamState.handle_event``."""
    try:
        from openai._models import construct_type
        from openai._streaming import SSEDecoder
        from openai.lib.streaming.responses import ResponseStreamState
        from openai.types.responses import ResponseStreamEvent
    except ImportError as error:
        raise Unavailable(f"openai-python: {error}") from error
    import openai

    unset: Any = getattr(openai, "omit", None) or openai.NOT_GIVEN  # omit since openai 1.99

    def run() -> Any:
        state: Any = ResponseStreamState(input_tools=unset, text_format=unset)
        for sse in SSEDecoder().iter_bytes(iter(chunks)):
            if sse.data.startswith("[DONE]"):
                break
            state.handle_event(construct_type(type_=ResponseStreamEvent, value=sse.json()))
        return state._completed_response  # set by response.completed (read once, for the check)

    return run


def _openai_chat(chunks: list[bytes]) -> Callable[[], Any]:
    """The SDK's path for chat: decoder, ``construct_type`` into ``ChatCompletionChunk``,
    ``ChatCompletionStreamState.handle_chunk``, then ``get_final_completion``."""
    try:
        from openai._models import construct_type
        from openai._streaming import SSEDecoder
        from openai.lib.streaming.chat import ChatCompletionStreamState
        from openai.types.chat import ChatCompletionChunk
    except ImportError as error:
        raise Unavailable(f"openai-python: {error}") from error

    def run() -> Any:
        state: Any = ChatCompletionStreamState()
        for sse in SSEDecoder().iter_bytes(iter(chunks)):
            if sse.data.startswith("[DONE]"):
                break
            state.handle_chunk(construct_type(type_=ChatCompletionChunk, value=sse.json()))
        return state.get_final_completion()

    return run


def _notes(result: Any) -> str | None:
    """What wireshift noted on a well-formed stream, where it should note nothing."""
    codes = [note.code for note in getattr(result, "notes", ())]
    if not codes:
        return None
    return "notes on a well-formed stream: " + ", ".join(sorted(set(codes)))


def _responses_check(chunks: list[bytes]) -> Callable[[Any], str | None]:
    text, arguments = responses_text(chunks), responses_arguments(chunks)

    def check(response: Any) -> str | None:
        """``response``: a wireshift result, or openai-python's final ``ParsedResponse``."""
        if response is None:
            return "no final response"
        if _notes(response):
            return _notes(response)
        final = getattr(response, "response", response)
        if final.status != "completed" or final.output_text != text:
            return f"status {final.status!r}, {len(final.output_text)} of {len(text)} characters"
        calls = [item.arguments for item in final.output if item.type == "function_call"]
        return None if calls == [arguments] else "function-call arguments differ"

    return check


def _chat_check(chunks: list[bytes]) -> Callable[[Any], str | None]:
    arguments = chat_arguments(chunks)

    def check(completion: Any) -> str | None:
        """``completion``: a wireshift result, or openai-python's final completion."""
        if _notes(completion):
            return _notes(completion)
        final = getattr(completion, "completion", completion)
        message = final.choices[0].message
        got = [call.function.arguments for call in message.tool_calls or []]
        if final.choices[0].finish_reason != "tool_calls" or got != arguments:
            return f"finish_reason {final.choices[0].finish_reason!r}, tool calls differ"
        return None

    return check


def _size(chunks: list[bytes]) -> str:
    return f"{sum(map(len, chunks)) / 1e6:.1f} MB, {len(chunks):,} events"


def _against_the_peer(results: dict[str, Any], peer: str, extra: list[Row]) -> list[Row]:
    """The rows both accumulation workloads show: the floor, ``extra``, wireshift against
    the floor (the target), the openai-python ``peer`` against the floor and wireshift
    against it."""
    floor = results["floor"]
    assert isinstance(floor, float)
    return [
        Row("floor: split on \\n\\n + json.loads", floor),
        *extra,
        versus(
            "wireshift accumulate_stream",
            results,
            "wireshift",
            "floor",
            limit=1.5,
            target="<= 1.5x",
        ),
        versus(f"openai {peer}", results, "openai-python", "floor"),
        versus("wireshift accumulate_stream", results, "wireshift", "openai-python"),
    ]


def _responses(repeats: int) -> Section:
    chunks = workloads.responses_stream(TEXT_DELTAS, ARGUMENT_DELTAS)
    results = side_by_side(
        {
            "floor": lambda: floor_events(chunks),
            "floor (SSEDecoder)": _decoder_floor(chunks),
            "wireshift": verified(lazy(_wireshift, chunks), _responses_check(chunks)),
            "openai-python": verified(lazy(_openai_responses, chunks), _responses_check(chunks)),
        },
        repeats,
    )
    sse_floor = versus(
        "floor with wireshift's SSEDecoder",
        results,
        "floor (SSEDecoder)",
        "floor",
        note="the same floor decoding with wireshift.SSEDecoder instead of a split "
        "on blank lines: what full WHATWG SSE parsing costs (not a target)",
    )
    return Section(
        f"accumulate: Responses stream, {TEXT_DELTAS:,} text + {ARGUMENT_DELTAS} argument "
        f"deltas ({_size(chunks)})",
        _against_the_peer(results, "ResponseStreamState", [sse_floor]),
    )


def _chat(repeats: int) -> Section:
    chunks = workloads.chat_stream(argument_deltas=CHAT_ARGUMENT_DELTAS)
    results = side_by_side(
        {
            "floor": lambda: floor_events(chunks),
            "wireshift": verified(lazy(_wireshift, chunks), _chat_check(chunks)),
            "openai-python": verified(lazy(_openai_chat, chunks), _chat_check(chunks)),
        },
        repeats,
    )
    return Section(
        f"accumulate: chat stream, 2 tool calls of {CHAT_ARGUMENT_DELTAS:,} argument deltas "
        f"+ 60 text deltas ({_size(chunks)})",
        _against_the_peer(results, "ChatCompletionStreamState", []),
    )


def _output_size(result: Any) -> int:
    return len(result.response.to_json())


def _scale(repeats: int) -> Section:
    small = workloads.responses_stream(TEXT_DELTAS, ARGUMENT_DELTAS)
    large = workloads.responses_stream(TEXT_DELTAS * SCALE, ARGUMENT_DELTAS * SCALE)
    title = (
        f"accumulate: the same Responses stream x{SCALE} "
        f"({TEXT_DELTAS * SCALE:,} + {ARGUMENT_DELTAS * SCALE:,} deltas, {_size(large)})"
    )
    try:
        run_small, run_large = _wireshift(small), _wireshift(large)
    except Unavailable as why:
        return Section(title, [Row("wireshift accumulate_stream", note=f"not measured: {why}")])
    rows: list[Row] = []

    # Memory first, on a fresh heap: the input chunks exist before tracing starts, so the
    # peak counts only what accumulating allocates (its state, transients, the result).
    gc.collect()
    tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    result = run_large()
    held, peak = (value - baseline for value in tracemalloc.get_traced_memory())
    tracemalloc.stop()
    output = _output_size(result)
    del result
    # The floor's own peak on the same stream, for scale: it keeps nothing, yet holds the
    # largest event as bytes, as text and parsed at once.
    gc.collect()
    tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    floor_events(large)
    floor_peak = tracemalloc.get_traced_memory()[1] - baseline
    tracemalloc.stop()
    largest = max(len(chunk) for chunk in large)
    rows.append(Row("accumulated output (final Response as JSON)", output, unit="bytes"))
    rows.append(Row("largest single event (response.completed)", largest, unit="bytes"))
    rows.append(
        Row(
            "peak memory above baseline (tracemalloc)",
            peak,
            "accumulated output",
            peak / output,
            unit="bytes",
        )
    )
    rows.append(
        Row(
            "peak less the output",
            peak - output,
            "largest event",
            (peak - output) / largest,
            "<= 1.5x",
            (peak - output) / largest <= 1.5,
            unit="bytes",
            note="the target: at most the output plus 1.5x the largest single event; "
            "benchmarks/README.md says which part of the peak is irreducible",
        )
    )
    rows.append(
        Row(
            "memory held after it (the result)",
            held,
            "accumulated output",
            held / output,
            unit="bytes",
            note="what stays allocated once accumulate_stream has returned its result",
        )
    )
    rows.append(
        Row(
            "floor's peak memory (split + json.loads, nothing kept)",
            floor_peak,
            "accumulated output",
            floor_peak / output,
            unit="bytes",
        )
    )
    rows.append(Row("wireshift peak memory", peak, "floor's peak", peak / floor_peak, unit="bytes"))

    # Each round times the 1x and the 10x run back to back and keeps their ratio; the median
    # of the ratios is reported. A pair shares the machine's state of the moment, which on a
    # shared machine moves more between rounds than within one.
    run_small()  # warm
    ones, tens, ratios = [], [], []
    for _ in range(repeats):
        one, ten = sample(run_small, 1), sample(run_large, 1)
        ones.append(one)
        tens.append(ten)
        ratios.append(ten / one)
    ratio = statistics.median(ratios)
    rows.append(Row(f"time for 1x ({len(small):,} events)", statistics.median(ones)))
    rows.append(
        Row(
            f"time for {SCALE}x ({len(large):,} events)",
            statistics.median(tens),
            "1x",
            ratio,
            f"<= {SCALE + 1}x",
            ratio <= SCALE + 1,
            note=f"the median of {repeats} ratios of a 10x run to the 1x run just before it "
            f"(they ranged {min(ratios):.1f}x-{max(ratios):.1f}x)",
        )
    )
    return Section(title, rows)


def sections(repeats: int) -> list[Section]:
    return [_responses(repeats), _chat(repeats), _scale(repeats)]
