"""What the stream and body translations cannot carry is reported as notes from the same call
(or raised as TranslationError in strict mode), never dropped silently."""

from __future__ import annotations

import dataclasses
import json
import pickle
from pathlib import Path
from typing import Any

import pytest

from hosted_calls import HOSTED_CALLS, hosted_stream
from wireshift import Note, TranslationError
from wireshift.accumulate import accumulate_stream
from wireshift.translate import translate_response, translate_stream

DATA = Path(__file__).parent / "data" / "streams" / "accumulate"


def _read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def _codes(notes: list[Note]) -> list[tuple[str, str]]:
    return [(note.path, note.code) for note in notes]


def _second_choice_text(raw: bytes) -> str:
    text = ""
    for line in raw.decode().splitlines():
        if line.startswith("data: {"):
            for choice in json.loads(line[6:]).get("choices", []):
                if choice.get("index") == 1:
                    text += choice["delta"].get("content") or ""
    return text


def test_chat_choices_after_the_first_are_noted_once() -> None:
    raw = _read("chat_n2.sse")
    assert _second_choice_text(raw)  # the stream has a second choice with text
    translated = translate_stream([raw], to="responses")
    events = list(translated)
    notes = translated.notes
    assert _codes(notes) == [("choices[1]", "translate.stream.choice_dropped")]
    assert notes[0].action == "dropped"
    assert _second_choice_text(raw) not in json.dumps([e.to_dict() for e in events])
    with pytest.raises(TranslationError) as caught:
        list(translate_stream([raw], to="responses", strict=True))
    assert caught.value.path == "choices[1]"


def test_chat_logprobs_are_noted() -> None:
    translated = translate_stream([_read("chat_logprobs.sse")], to="responses")
    assert translated.notes == []  # nothing read yet
    list(translated)
    notes = translated.notes
    assert _codes(notes) == [("choices[0].logprobs", "translate.stream.logprobs_dropped")]


def test_a_stream_without_such_things_notes_nothing() -> None:
    for raw, to in (("chat_tool_calls.sse", "responses"), ("responses_text.sse", "chat")):
        translated = translate_stream([_read(raw)], to=to)  # type: ignore[call-overload]
        assert list(translated)
        assert translated.notes == []
        assert translated.error is None


def test_notes_given_as_a_list_still_fill_it_with_a_warning() -> None:
    notes: list[Note] = []
    with pytest.warns(DeprecationWarning, match="notes= is deprecated"):
        list(translate_stream([_read("chat_logprobs.sse")], to="responses", notes=notes))
    assert _codes(notes) == [("choices[0].logprobs", "translate.stream.logprobs_dropped")]
    body = accumulate_stream(_read("chat_logprobs.sse"), to="chat").completion
    body_notes: list[Note] = []
    with pytest.warns(DeprecationWarning, match="notes= is deprecated"):
        translate_response(body, to="responses", notes=body_notes)
    assert body_notes
    assert all(isinstance(note, Note) for note in body_notes)


def _responses_items(raw: bytes) -> list[dict[str, Any]]:
    result = accumulate_stream(raw, to="responses")
    return [item.to_dict() for item in result.response.output]


def test_responses_items_and_annotations_without_a_chat_form_are_noted() -> None:
    raw = _read("responses_all_events.sse")
    items = _responses_items(raw)
    kinds = {item["type"] for item in items}
    dropped = kinds - {"message", "reasoning", "function_call", "custom_tool_call"}
    assert dropped  # the stream has items of other types
    translated = translate_stream([raw], to="chat")
    for _ in translated:
        pass
    notes = translated.notes
    noted = {note.detail["item_type"] for note in notes if "item_type" in note.detail}
    assert noted == dropped - {"local_shell_call", "shell_call", "apply_patch_call"}
    annotated = [
        item for item in items for part in item.get("content") or [] if part.get("annotations")
    ]
    assert annotated  # the stream has an annotated text too
    assert any(n.code == "translate.stream.annotation_dropped" for n in notes)
    with pytest.raises(TranslationError):
        list(translate_stream([raw], to="chat", strict=True))


def test_the_body_translation_notes_the_same_items() -> None:
    raw = _read("responses_all_events.sse")
    response = accumulate_stream(raw, to="responses").response
    stream = translate_stream([raw], to="chat")
    list(stream)
    stream_notes = stream.notes
    body_notes = translate_response(response, to="chat").notes
    item_types = sorted(n.detail["item_type"] for n in body_notes if "item_type" in n.detail)
    assert item_types == sorted(
        n.detail["item_type"] for n in stream_notes if "item_type" in n.detail
    )
    with pytest.raises(TranslationError):
        translate_response(response, to="chat", strict=True)


def test_a_completion_with_two_choices_annotations_and_audio() -> None:
    cite = {
        "type": "url_citation",
        "url_citation": {"url": "u", "title": "t", "start_index": 0, "end_index": 1},
    }
    completion = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "m",
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": "first",
                    "annotations": [cite],
                    "audio": {"id": "a", "data": "", "expires_at": 1, "transcript": "t"},
                },
                "finish_reason": "stop",
            },
            {
                "index": 1,
                "message": {"role": "assistant", "content": "second"},
                "finish_reason": "stop",
            },
        ],
    }
    translated = translate_response(completion, to="responses")
    notes = translated.notes
    assert "second" not in json.dumps(translated.data)
    assert sorted(_codes(notes)) == [
        ("choices[0].message.annotations", "translate.response.annotations_dropped"),
        ("choices[0].message.audio", "translate.response.audio_dropped"),
        ("choices[1]", "translate.stream.choice_dropped"),
    ]
    with pytest.raises(TranslationError):
        translate_response(completion, to="responses", strict=True)


def _arguments(text: str) -> Any:
    """Arguments as data when they are a JSON object (key order and spacing aside)."""
    return json.loads(text) if text.startswith("{") else text


def test_hosted_calls_go_back_to_chat_alike_from_a_stream_and_a_body() -> None:
    raw, names = hosted_stream()
    responses = b"".join(translate_stream([raw], to="responses", encode=True, tool_names=names))
    translated = translate_stream([responses], to="chat", tool_names=names)
    chunks = [c.to_dict() for c in translated]
    notes = translated.notes
    streamed: dict[int, dict[str, Any]] = {}
    for chunk in chunks:
        for choice in chunk["choices"]:
            for call in choice["delta"].get("tool_calls") or []:
                held = streamed.setdefault(call["index"], {"arguments": ""})
                held.setdefault("id", call.get("id"))
                held.setdefault("name", (call.get("function") or {}).get("name"))
                held["arguments"] += (call.get("function") or {}).get("arguments") or ""
    response = accumulate_stream(responses, to="responses").response
    body = translate_response(response, to="chat", tool_names=names).data
    from_body = [
        (c["id"], c["function"]["name"], _arguments(c["function"]["arguments"]))
        for c in body["choices"][0]["message"]["tool_calls"]
    ]
    from_stream = [
        (held["id"], held["name"], _arguments(held["arguments"]))
        for _, held in sorted(streamed.items())
    ]
    assert from_stream == from_body
    assert [call_id for call_id, _, _ in from_stream] == [c[1] for c in HOSTED_CALLS]
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"
    assert notes == []


def test_encrypted_reasoning_is_noted_and_strict_mode_lets_it_pass() -> None:
    raw = (DATA.parent / "codex_turn.sse").read_bytes()
    response = accumulate_stream(raw, to="responses").response
    encrypted = [
        f"output[{n}].encrypted_content"
        for n, item in enumerate(response.output)
        if getattr(item, "encrypted_content", None)
    ]
    assert encrypted  # the captured turn carries encrypted reasoning
    stream = translate_stream([raw], to="chat")
    list(stream)
    stream_notes = stream.notes
    body_notes = translate_response(response, to="chat").notes
    for notes, code in (
        (stream_notes, "translate.stream.encrypted_reasoning_dropped"),
        (body_notes, "translate.response.encrypted_reasoning_dropped"),
    ):
        assert [(n.path, n.code) for n in notes] == [(path, code) for path in encrypted]
    # Nothing the caller could use is lost (the summary goes out), so strict mode passes.
    list(translate_stream([raw], to="chat", strict=True))
    translate_response(response, to="chat", strict=True)


def test_a_note_is_a_frozen_record_with_short_paths_and_reasons() -> None:
    note = Note("input[0]", "dropped", "why", "translate.x", {"n": 1}, lossy=True)
    assert note == Note(
        path="input[0]",
        action="dropped",
        reason="why",
        code="translate.x",
        detail={"n": 1},
        lossy=True,
    )
    assert dataclasses.asdict(note) == {
        "path": "input[0]",
        "action": "dropped",
        "reason": "why",
        "code": "translate.x",
        "detail": {"n": 1},
        "lossy": True,
    }
    assert dataclasses.replace(note, path="input[1]").path == "input[1]"
    assert pickle.loads(pickle.dumps(note)) == note
    with pytest.raises(dataclasses.FrozenInstanceError):
        note.path = "elsewhere"  # type: ignore[misc]
    first, second = Note("a", "added", "r"), Note("b", "added", "r")
    assert (first.detail, first.code, first.lossy) == ({}, "", False)
    assert first.detail is not second.detail
    # A path or reason quoting a huge value from the wire is cut, saying how much was left.
    long = Note("p" * 1000, "kept", "r" * 5000)
    assert long.path == "p" * 200 + "... (800 more characters)"
    assert long.reason == "r" * 600 + "... (4400 more characters)"
    assert Note("p" * 200, "kept", "r" * 600) == Note("p" * 200, "kept", "r" * 600, "")
    assert len(Note("p" * 200, "kept", "r").path) == 200
    just_over = Note("p" * 201, "kept", "r" * 601)
    assert just_over.path == "p" * 200 + "... (1 more characters)"
    assert just_over.reason == "r" * 600 + "... (1 more characters)"
