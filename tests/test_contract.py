"""One contract for every entry point (docs/contract.md): every result carries ``.notes``,
``strict`` means "raise instead of a loss" everywhere and upstream failures have their own
switch, ``to=`` names the format, and a caller's bad arguments raise wireshift errors that
are also the builtin a caller expects. The 0.1 spellings keep working, with a warning."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

import wireshift
from wireshift import (
    ArgumentTypeError,
    InvalidArgumentError,
    MissingContextError,
    Note,
    PayloadError,
    StreamTruncatedError,
    ToolSequenceError,
    TranslationError,
    UnknownProfileError,
    UpstreamError,
    WireshiftError,
    aaccumulate_stream,
    accumulate_stream,
    atranslate_stream,
    decode_body,
    get_profile,
    normalize_request,
    repair_tool_sequence,
    translate_request,
    translate_response,
    translate_stream,
    validate_tool_sequence,
)
from wireshift.toolseq import RepairPolicy

STREAMS = Path(__file__).parent / "data" / "streams"
CHAT_N2 = (STREAMS / "accumulate" / "chat_n2.sse").read_bytes()
CHAT_TEXT = (STREAMS / "accumulate" / "chat_text.sse").read_bytes()
CHAT_DRIFT = (STREAMS / "accumulate" / "chat_drift.sse").read_bytes()
CHAT_ERROR = (STREAMS / "accumulate" / "chat_error_midstream.sse").read_bytes()
RESPONSES_TEXT = (STREAMS / "accumulate" / "responses_text.sse").read_bytes()
RESPONSES_UNKNOWN = (STREAMS / "accumulate" / "responses_unknown_event.sse").read_bytes()
RESPONSES_TRUNCATED = (STREAMS / "accumulate" / "responses_truncated.sse").read_bytes()

CALL = {"role": "assistant", "tool_calls": [_call := {
    "id": "call_1", "type": "function", "function": {"name": "ls", "arguments": "{}"}
}]}  # fmt: skip
CHAT_BODY = accumulate_stream(CHAT_TEXT, to="chat").completion
ORPHAN = {"role": "tool", "tool_call_id": "call_9", "content": "stale output"}


# --- every result carries .notes ---------------------------------------------------------


def test_every_result_carries_its_notes_as_a_list_of_notes() -> None:
    request = {"model": "m", "input": "hi", "max_output_tokens": 5, "store": True}
    completion = accumulate_stream(CHAT_N2, to="chat").completion
    stream = translate_stream([CHAT_N2], to="responses")
    list(stream)
    history = [{"role": "user", "content": "go"}, CALL, ORPHAN]
    results: dict[str, Any] = {
        "translate_request": translate_request(request, to="chat"),
        "normalize_request": normalize_request(request, profile="chatgpt-codex"),
        "translate_response": translate_response(completion, to="responses"),
        "translate_stream": stream,
        "accumulate_stream": accumulate_stream(CHAT_DRIFT),
        "validate_tool_sequence": validate_tool_sequence(history),
        "repair_tool_sequence": repair_tool_sequence(history),
    }
    for name, result in results.items():
        assert isinstance(result.notes, list), name
        assert result.notes, f"{name} should have noted something on this input"
        assert all(isinstance(note, Note) for note in result.notes), name


def test_the_two_translated_bodies_mirror_the_accumulated_results() -> None:
    completion = accumulate_stream(CHAT_TEXT, to="chat")
    response = translate_response(completion, to="responses")
    assert response.final is response.response
    assert (response.format, response.status, response.text) == (
        "responses",
        "completed",
        "Hello there",
    )
    assert response.data == response.response.to_dict()
    assert response.body.startswith(b'{"')
    back = translate_response(response.response, to="chat")
    assert back.final is back.completion
    assert (back.format, back.text) == ("chat", completion.text)
    assert back.notes_for("translate.") == [
        n for n in back.notes if n.code.startswith("translate.")
    ]


def test_a_translated_stream_tells_its_notes_and_error_as_it_goes() -> None:
    stream = translate_stream([CHAT_N2], to="responses")
    assert (stream.notes, stream.error) == ([], None)
    events = list(stream)
    # The first choice stops on max tokens: an incomplete response.
    assert events[-1].type == "response.incomplete"
    assert [note.code for note in stream.notes] == ["translate.stream.choice_dropped"]

    failing = translate_stream([CHAT_ERROR], to="responses")
    assert list(failing)[-1].type == "response.failed"
    assert isinstance(failing.error, UpstreamError)


def test_the_async_stream_tells_the_same() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield CHAT_N2

    async def run() -> tuple[list[str], list[str]]:
        stream = atranslate_stream(chunks(), to="responses")
        types = [event.type async for event in stream]
        return types, [note.code for note in stream.notes]

    types, codes = asyncio.run(run())
    assert types == [event.type for event in translate_stream([CHAT_N2], to="responses")]
    assert codes == ["translate.stream.choice_dropped"]


def test_stopping_a_stream_early_stops_reading_its_input() -> None:
    read: list[int] = []

    def chunks() -> Any:
        for n, line in enumerate(CHAT_TEXT.split(b"\n\n")):
            read.append(n)
            yield line + b"\n\n"

    stream = translate_stream(chunks(), to="responses")
    next(stream)
    stream.close()
    assert list(stream) == []
    assert len(read) < len(CHAT_TEXT.split(b"\n\n"))


# --- strict: raise instead of a loss; failures have their own switch ----------------------


def test_strict_raises_where_the_result_would_carry_a_lossy_note() -> None:
    completion = accumulate_stream(CHAT_N2, to="chat").completion
    lossy = [n for n in translate_response(completion, to="responses").notes if n.lossy]
    assert lossy  # the second choice is lost
    with pytest.raises(TranslationError) as caught:
        translate_response(completion, to="responses", strict=True)
    assert caught.value.note is not None
    assert caught.value.note.lossy
    with pytest.raises(TranslationError):
        list(translate_stream([CHAT_N2], to="responses", strict=True))


def test_strict_accumulation_refuses_an_event_it_could_not_read_into_the_result() -> None:
    loose = accumulate_stream(RESPONSES_UNKNOWN, to="responses")
    assert loose.unknown_events
    with pytest.raises(PayloadError) as caught:
        accumulate_stream(RESPONSES_UNKNOWN, to="responses", strict=True, raise_on_failure=False)
    assert caught.value.note is not None
    assert caught.value.path == caught.value.note.path
    # A stream read whole is not a loss, and a failure is not strict's business.
    assert accumulate_stream(RESPONSES_TEXT, strict=True, raise_on_failure=False).text
    cut = accumulate_stream(RESPONSES_TRUNCATED, strict=True, raise_on_failure=False)
    assert cut.truncated


def test_upstream_failures_have_their_own_switch() -> None:
    assert accumulate_stream(CHAT_ERROR).error is not None
    with pytest.raises(UpstreamError) as caught:
        accumulate_stream(CHAT_ERROR, raise_on_failure=True)
    assert caught.value.result.error is caught.value
    with pytest.raises(StreamTruncatedError):
        accumulate_stream(RESPONSES_TRUNCATED, raise_on_failure=True)


def test_the_old_strict_of_accumulation_still_raises_on_failure_with_a_warning() -> None:
    with pytest.warns(DeprecationWarning, match="raise_on_failure"), pytest.raises(UpstreamError):
        accumulate_stream(CHAT_ERROR, strict=True)


def test_strict_tool_sequences() -> None:
    history = [{"role": "user", "content": "go"}, CALL, ORPHAN]
    report = validate_tool_sequence(history)
    assert [problem.kind.value for problem in report] == ["missing_result", "orphan_result"]
    assert not report.ok
    assert [note.path for note in report.notes] == ["messages[1]", "messages[2]"]
    with pytest.raises(ToolSequenceError) as caught:
        validate_tool_sequence(history, strict=True)
    assert caught.value.problems == report.problems
    # The default repair keeps the orphan's output as text: nothing lost, strict passes.
    kept = repair_tool_sequence(history, strict=True)
    assert not any(note.lossy for note in kept.notes)
    dropping = RepairPolicy(orphan_result="drop")
    assert any(note.lossy for note in repair_tool_sequence(history, policy=dropping).notes)
    with pytest.raises(ToolSequenceError) as lost:
        repair_tool_sequence(history, policy=dropping, strict=True)
    assert lost.value.note is not None
    assert lost.value.note.path == "messages[2]"
    assert validate_tool_sequence(kept.history, strict=True).ok


def test_tool_sequences_take_a_profile_or_its_name() -> None:
    long_id = [
        {"role": "assistant", "tool_calls": [{**_call, "id": "call_0123456789"}]},
        {"role": "tool", "tool_call_id": "call_0123456789", "content": "x"},
    ]
    assert validate_tool_sequence(long_id, profile="deepseek").ok
    short = get_profile("deepseek").derive(name="short-ids", tool_id_max_length=9)
    assert [p.kind.value for p in validate_tool_sequence(long_id, profile=short)] == ["invalid_id"]
    with pytest.raises(UnknownProfileError):
        validate_tool_sequence(long_id, profile="no-such-backend")


# --- to= and the Format type --------------------------------------------------------------


def test_format_was_renamed_to_and_still_works_with_a_warning() -> None:
    with pytest.warns(DeprecationWarning, match="format= is now to="):
        old = accumulate_stream(CHAT_TEXT, format="chat")
    assert old.format == "chat"
    assert old.completion == accumulate_stream(CHAT_TEXT, to="chat").completion


@pytest.mark.parametrize(
    "call",
    [
        lambda: translate_request({"model": "m", "input": "x"}, to="Chat"),  # type: ignore[arg-type]
        lambda: translate_response({}, to="json"),  # type: ignore[call-overload]
        lambda: translate_stream([], to="chat "),  # type: ignore[call-overload]
        lambda: accumulate_stream(b"", to="sse"),  # type: ignore[call-overload]
        lambda: get_profile("vLLM"),
    ],
    ids=["translate_request", "translate_response", "translate_stream", "accumulate", "profile"],
)
def test_a_bad_value_is_an_invalid_argument_and_a_value_error(call: Any) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        call()
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, WireshiftError)
    assert caught.value.argument in ("to", "profile")


def test_an_unknown_profile_is_still_a_key_error_with_a_readable_message() -> None:
    with pytest.raises(KeyError) as caught:
        get_profile("nope")
    assert isinstance(caught.value, UnknownProfileError)
    assert str(caught.value).startswith("unknown profile 'nope'; built in: ")


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: translate_stream([1], to="responses"), "events"),
        (lambda: translate_stream(b"data: {}\n\n", to="responses"), "events"),
        (lambda: accumulate_stream(42), "events"),  # type: ignore[call-overload]
        (lambda: accumulate_stream([object()]), "events"),
        (lambda: decode_body("text", "gzip"), "raw"),  # type: ignore[arg-type]
        (lambda: decode_body(b"", 7), "content_encoding"),  # type: ignore[arg-type]
        (lambda: translate_request(3.5, to="chat"), "body"),  # type: ignore[arg-type]
        (lambda: get_profile(["vllm"]), "profile"),  # type: ignore[arg-type]
        (lambda: validate_tool_sequence("history"), "history"),
        (lambda: repair_tool_sequence(None), "history"),  # type: ignore[arg-type]
    ],
)
def test_a_bad_type_is_an_argument_type_error_and_a_type_error(call: Any, argument: str) -> None:
    with pytest.raises(ArgumentTypeError) as caught:
        list(call())
    assert isinstance(caught.value, TypeError)
    assert caught.value.argument == argument


def test_a_resolver_that_finds_nothing_is_missing_context() -> None:
    def resolver(ref: str) -> list[Any]:
        return {"resp_known": []}[ref]

    request = {"model": "m", "input": "next", "previous_response_id": "resp_gone"}
    with pytest.raises(MissingContextError) as caught:
        translate_request(request, to="chat", resolver=resolver)
    assert isinstance(caught.value.__cause__, KeyError)
    assert caught.value.path == "previous_response_id"


def test_an_async_accumulation_takes_to_as_well() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield CHAT_TEXT

    result = asyncio.run(aaccumulate_stream(chunks(), to="chat"))
    assert result.completion.choices[0].message.content == "Hello there"


# --- the 0.1 return shapes, for one release -----------------------------------------------


def test_a_translated_body_still_answers_as_the_model_did_with_a_warning() -> None:
    completion = accumulate_stream(CHAT_TEXT, to="chat").completion
    translated = translate_response(completion, to="responses")
    with pytest.warns(DeprecationWarning, match=r"read \.output on its \.final"):
        output = translated.output  # type: ignore[attr-defined]
    assert output == translated.response.output
    with pytest.warns(DeprecationWarning, match="to_dict"):
        assert translated.to_dict() == translated.data  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        translated.no_such_field  # type: ignore[attr-defined]  # noqa: B018


def test_validate_still_returns_a_list_of_problems() -> None:
    assert validate_tool_sequence([]) == []
    report = validate_tool_sequence([ORPHAN])
    assert isinstance(report, list)
    assert report[0].kind.value == "orphan_result"


def test_every_error_is_defined_in_one_module() -> None:
    errors = [
        value
        for name in wireshift.__all__
        if isinstance(value := getattr(wireshift, name), type) and issubclass(value, Exception)
    ]
    assert len(errors) >= 15
    assert {error.__module__ for error in errors} == {"wireshift._errors"}


@pytest.mark.parametrize(
    "call",
    [
        lambda: wireshift.ChatCompletion,
        lambda: accumulate_stream(CHAT_TEXT, format="chat"),
        lambda: accumulate_stream(CHAT_TEXT, strict=True),
        lambda: wireshift.accumulate.ChatAccumulator(strict=True),
        lambda: translate_stream([CHAT_TEXT], to="responses", notes=[]),
        lambda: translate_response(CHAT_BODY, to="responses", notes=[]),
        lambda: translate_response(CHAT_BODY, to="responses").output,  # type: ignore[attr-defined]
    ],
)
def test_each_deprecation_points_at_the_callers_line(call: Any) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    where = [(w.category, w.filename, w.lineno) for w in caught]
    assert where == [(DeprecationWarning, __file__, call.__code__.co_firstlineno)]
