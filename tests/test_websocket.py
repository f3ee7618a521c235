"""Responses WebSocket mode, sans-I/O, driven as Codex 0.169 drives it (seen running with
``supports_websockets = true``): a warm-up ``response.create`` with ``generate: false``,
then each turn as ``response.create`` with ``previous_response_id`` and only the new input,
``store: false`` throughout; the session keeps the socket's turns."""

from __future__ import annotations

import json
from typing import Any

import wireshift
from wireshift import CreateResponse, ResponsesWebSocketSession

SYSTEM = {"type": "message", "role": "developer", "content": "You are Codex."}
FIRST = {"type": "message", "role": "user", "content": "Remember: lantern."}
SECOND = {"type": "message", "role": "user", "content": "Which word?"}


def create(**fields: Any) -> str:
    return json.dumps({"type": "response.create", "model": "m", "store": False, **fields})


def chat_reply(text: str) -> list[bytes]:
    base = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    chunks = [
        {**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": text}}]},
        {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
    ]
    return [f"data: {json.dumps(c)}\n\n".encode() for c in chunks] + [b"data: [DONE]\n\n"]


def run(
    session: ResponsesWebSocketSession, frame: str, reply: str
) -> tuple[list[Any], list[dict[str, Any]]]:
    """One client frame through a gateway built on the session: the chat requests it made,
    and the frames it sent back."""
    sent: list[dict[str, Any]] = []
    frames: list[str] = []
    for action in session.receive_frame(frame):
        if isinstance(action, str):
            frames.append(action)
            continue
        assert isinstance(action, CreateResponse)
        request = wireshift.translate_request(
            action.request, to="chat", previous_items=action.previous_items
        )
        sent.append(request.data)
        events = wireshift.translate_stream(chat_reply(reply), to="responses", encode=True)
        frames += session.send_events(events, stream_id=action.stream_id)
    return sent, [json.loads(f) for f in frames]


def test_a_codex_session_warms_up_then_continues_with_only_new_input() -> None:
    session = ResponsesWebSocketSession()
    sent, warm = run(session, create(input=[SYSTEM], generate=False), "unused")
    assert sent == []  # a warm-up runs nothing
    assert [f["type"] for f in warm] == ["response.created", "response.completed"]
    warm_id = warm[-1]["response"]["id"]

    sent, frames = run(session, create(input=[FIRST], previous_response_id=warm_id), "Noted.")
    (first,) = sent
    assert [m["role"] for m in first["messages"]] == ["developer", "user"]
    assert frames[-1]["type"] == "response.completed"
    assert all(isinstance(f["sequence_number"], int) for f in frames)
    first_id = frames[-1]["response"]["id"]

    sent, frames = run(session, create(input=[SECOND], previous_response_id=first_id), "lantern")
    (second,) = sent
    assert [m["role"] for m in second["messages"]] == ["developer", "user", "assistant", "user"]
    assert second["messages"][2]["content"] in ("Noted.", [{"type": "text", "text": "Noted."}])
    assert frames[-1]["response"]["output"][0]["content"][0]["text"] == "lantern"


def test_an_id_the_socket_does_not_know_is_left_to_the_gateway() -> None:
    session = ResponsesWebSocketSession()
    (action,) = session.receive_frame(create(input=[FIRST], previous_response_id="resp_elsewhere"))
    assert isinstance(action, CreateResponse)
    assert action.previous_items is None
    assert action.request["previous_response_id"] == "resp_elsewhere"


def test_lanes_echo_their_stream_id_and_keep_their_own_order() -> None:
    session = ResponsesWebSocketSession()
    _, frames = run(session, create(input=[FIRST], stream_id="lane-a"), "a")
    assert {f["stream_id"] for f in frames} == {"lane-a"}
    (action,) = session.receive_frame(create(input=[SECOND], stream=True))
    assert isinstance(action, CreateResponse)
    assert "stream" not in action.request  # a socket always streams; the field is not sent


def test_bad_frames_get_error_frames_naming_the_cause() -> None:
    session = ResponsesWebSocketSession()
    (not_json,) = session.receive_frame("{not json")
    (unknown,) = session.receive_frame(json.dumps({"type": "session.update", "stream_id": "x"}))
    assert isinstance(not_json, str)
    assert isinstance(unknown, str)
    for frame in (json.loads(not_json), json.loads(unknown)):
        assert frame["type"] == "error"
        assert frame["status"] == 400
        assert frame["error"]["code"]
        assert frame["error"]["message"]
    assert "session.update" in json.loads(unknown)["error"]["message"]
    assert json.loads(unknown)["stream_id"] == "x"


def test_an_upstream_failure_is_an_error_frame_with_its_status_and_code() -> None:
    session = ResponsesWebSocketSession()
    session.receive_frame(create(input=[FIRST]))
    error = wireshift.UpstreamError("too long", code="context_length_exceeded", status=400)
    frame = json.loads(session.error_frame(error))
    assert (frame["status"], frame["error"]["code"]) == (400, "context_length_exceeded")
    # The failed request is answered: the next response is recorded for the next frame.
    _, frames = run(session, create(input=[SECOND]), "ok")
    assert session.turns.get(frames[-1]["response"]["id"]) is not None


def test_a_frame_that_is_not_a_valid_request_is_an_error_naming_the_field() -> None:
    session = ResponsesWebSocketSession()
    (frame,) = session.receive_frame(create(input=5, stream_id="lane-b"))
    assert isinstance(frame, str)
    error = json.loads(frame)
    assert (error["type"], error["status"], error["stream_id"]) == ("error", 400, "lane-b")
    assert "input" in error["error"]["message"]


def test_the_frame_model_reads_the_envelope_and_the_request() -> None:
    from wireshift.responses import ResponseCreateFrame

    frame = ResponseCreateFrame.parse(
        json.loads(create(input=[FIRST], generate=False, stream_id="a"))
    )
    assert (frame.type, frame.generate, frame.stream_id, frame.store) == (
        "response.create",
        False,
        "a",
        False,
    )
    assert frame.to_dict()["input"][0]["content"] == FIRST["content"]
