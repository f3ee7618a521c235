"""Responses state over a stateless chat backend: the response stores, and translate_request /
translate_stream using them. A conversation driven through ``previous_response_id`` (or a
``conversation`` id) must reach the backend exactly as the same conversation sent in full."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import wireshift
from wireshift import (
    InvalidArgumentError,
    MemoryResponseStore,
    MissingContextError,
    ResponseStore,
    SQLiteResponseStore,
    StoredResponse,
)


def chat_reply(text: str, call: tuple[str, str] | None = None) -> list[bytes]:
    """A chat stream answering ``text``, or calling ``call`` = (id, name)."""
    base = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    delta: dict[str, Any] = {"role": "assistant", "content": text}
    finish = "stop"
    if call is not None:
        delta["tool_calls"] = [
            {
                "index": 0,
                "id": call[0],
                "type": "function",
                "function": {"name": call[1], "arguments": "{}"},
            }
        ]
        finish = "tool_calls"
    chunks = [
        {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]},
        {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]},
    ]
    return [f"data: {json.dumps(c)}\n\n".encode() for c in chunks] + [b"data: [DONE]\n\n"]


def last_response(events: Any) -> dict[str, Any]:
    """The response object of a translated stream's terminal event."""
    response: dict[str, Any] = list(events)[-1].to_dict()["response"]
    return response


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ResponseStore]:
    if request.param == "memory":
        yield MemoryResponseStore()
    else:
        opened = SQLiteResponseStore(str(tmp_path / "responses.db"))
        yield opened
        opened.close()


TOOLS = [{"type": "function", "name": "lookup", "parameters": {"type": "object"}}]

Turn = tuple[str, str, bool]
"""A user text, the reply text, and whether the reply calls the tool first."""

turns_strategy = st.lists(
    st.tuples(st.text(min_size=1, max_size=12), st.text(max_size=12), st.booleans()),
    min_size=1,
    max_size=5,
)


def drive(turns: list[Turn], store: ResponseStore | None) -> list[list[dict[str, Any]]]:
    """The chat messages each turn sends: through the store (ids only) when given, else
    with the whole history in ``input``."""
    sent: list[list[dict[str, Any]]] = []
    history: list[dict[str, Any]] = []
    previous: str | None = None
    for n, (user, reply, calls) in enumerate(turns):
        new: list[dict[str, Any]] = [{"type": "message", "role": "user", "content": user}]
        body: dict[str, Any] = {"model": "m", "tools": TOOLS}
        if store is None:
            body["input"] = [*history, *new]
        else:
            body["input"] = new
            if previous is not None:
                body["previous_response_id"] = previous
        request = wireshift.translate_request(body, to="chat", store=store)
        sent.append(request.data["messages"])
        call = (f"call_{n}", "lookup") if calls else None
        stream = wireshift.translate_stream(
            chat_reply(reply, call), to="responses", turn=request.turn
        )
        final = last_response(stream)
        previous = final["id"]
        history += [*new, *final["output"]]
        if calls:
            # The tool ran: its output is the next turn's first input item.
            output = {"type": "function_call_output", "call_id": f"call_{n}", "output": "found"}
            new_output = [output]
            if store is None:
                history += new_output
            else:
                turns_output = new_output
                body = {
                    "model": "m",
                    "tools": TOOLS,
                    "input": turns_output,
                    "previous_response_id": previous,
                }
                request = wireshift.translate_request(body, to="chat", store=store)
                sent.append(request.data["messages"])
                stream = wireshift.translate_stream(
                    chat_reply("done"), to="responses", turn=request.turn
                )
                previous = last_response(stream)["id"]
                continue
            request = wireshift.translate_request(
                {"model": "m", "tools": TOOLS, "input": history}, to="chat"
            )
            sent.append(request.data["messages"])
            stream = wireshift.translate_stream(chat_reply("done"), to="responses")
            history += last_response(stream)["output"]
    return sent


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(turns=turns_strategy)
def test_a_chained_conversation_reaches_the_backend_as_the_full_one(
    turns: list[Turn], store: ResponseStore
) -> None:
    assert drive(turns, store) == drive(turns, None)


def test_the_id_recorded_is_the_one_every_event_carried(store: ResponseStore) -> None:
    request = wireshift.translate_request({"model": "m", "input": "hi"}, to="chat", store=store)
    events = list(
        wireshift.translate_stream(chat_reply("hello"), to="responses", turn=request.turn)
    )
    ids = {e.to_dict()["response"]["id"] for e in events if "response" in e.to_dict()}
    assert len(ids) == 1
    assert request.turn is not None
    (recorded,) = ids
    assert request.turn.recorded == recorded
    record = store.get(recorded)
    assert record is not None
    assert record.input[0]["content"] == "hi"


def test_store_false_keeps_nothing(store: ResponseStore) -> None:
    body = {"model": "m", "input": "hi", "store": False}
    request = wireshift.translate_request(body, to="chat", store=store)
    assert request.turn is None
    events = list(wireshift.translate_stream(chat_reply("hello"), to="responses"))
    with pytest.raises(MissingContextError, match=events[-1].to_dict()["response"]["id"]):
        wireshift.translate_request(
            {
                "model": "m",
                "input": "more",
                "previous_response_id": events[-1].to_dict()["response"]["id"],
            },
            to="chat",
            store=store,
        )


def test_a_failed_response_is_not_a_turn_to_continue_from(store: ResponseStore) -> None:
    request = wireshift.translate_request({"model": "m", "input": "hi"}, to="chat", store=store)
    cut = chat_reply("hel")[:1]  # no finish, no [DONE]: the stream was cut
    events = list(wireshift.translate_stream(cut, to="responses", turn=request.turn))
    assert events[-1].type == "response.failed"
    assert request.turn is not None
    assert request.turn.recorded is None


def test_a_missing_earlier_turn_is_named(store: ResponseStore) -> None:
    store.put(StoredResponse("resp_2", ({"role": "user", "content": "b"},), (), "resp_1"))
    with pytest.raises(MissingContextError) as raised:
        wireshift.translate_request(
            {"model": "m", "input": "c", "previous_response_id": "resp_2"}, to="chat", store=store
        )
    assert "resp_1" in str(raised.value)
    assert raised.value.path == "previous_response_id"


def test_conversations_chain_through_their_latest_turn_and_stay_apart(
    store: ResponseStore,
) -> None:
    def turn(conversation: str, text: str) -> list[dict[str, Any]]:
        body = {"model": "m", "input": text, "conversation": conversation}
        request = wireshift.translate_request(body, to="chat", store=store)
        list(
            wireshift.translate_stream(chat_reply(f"re: {text}"), to="responses", turn=request.turn)
        )
        messages: list[dict[str, Any]] = request.data["messages"]
        return messages

    turn("conv_a", "a1")
    turn("conv_b", "b1")
    last = turn("conv_a", "a2")
    users = [m["content"] for m in last if m["role"] == "user"]
    assert users == ["a1", "a2"]
    assert "b1" not in json.dumps(last)


def test_a_loop_in_the_store_is_an_error_not_a_hang(store: ResponseStore) -> None:
    store.put(StoredResponse("resp_x", (), (), "resp_y"))
    store.put(StoredResponse("resp_y", (), (), "resp_x"))
    with pytest.raises(MissingContextError, match="loops"):
        wireshift.translate_request(
            {"model": "m", "input": "c", "previous_response_id": "resp_x"}, to="chat", store=store
        )


def test_delete_forgets_a_turn(store: ResponseStore) -> None:
    store.put(StoredResponse("resp_1", (), (), conversation="c"))
    assert store.latest("c") == "resp_1"
    assert store.delete("resp_1")
    assert not store.delete("resp_1")
    assert store.get("resp_1") is None
    assert store.latest("c") is None


def test_memory_store_evicts_the_least_recently_used_within_its_budget() -> None:
    one = StoredResponse("resp_1", ({"role": "user", "content": "x" * 400},), ())
    size = len(json.dumps(one.to_dict(), separators=(",", ":")))
    store = MemoryResponseStore(max_bytes=size * 2 + size // 2)
    store.put(one)
    store.put(StoredResponse("resp_2", one.input, ()))
    assert store.get("resp_1") is not None  # read: now the most recently used
    store.put(StoredResponse("resp_3", one.input, ()))
    assert store.get("resp_2") is None
    assert store.get("resp_1") is not None
    assert store.get("resp_3") is not None
    assert store.bytes <= store.max_bytes
    with pytest.raises(InvalidArgumentError):
        MemoryResponseStore(max_bytes=0)


def test_sqlite_store_survives_a_restart(tmp_path: Path) -> None:
    path = str(tmp_path / "r.db")
    first = SQLiteResponseStore(path)
    first.put(StoredResponse("resp_1", ({"role": "user", "content": "hi"},), (), conversation="c"))
    first.close()
    again = SQLiteResponseStore(path)
    record = again.get("resp_1")
    assert record is not None
    assert record.input == ({"role": "user", "content": "hi"},)
    assert again.latest("c") == "resp_1"
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    again.close()


def test_sqlite_store_from_eight_threads_loses_nothing(tmp_path: Path) -> None:
    store = SQLiteResponseStore(str(tmp_path / "r.db"))
    errors: list[BaseException] = []

    def work(thread: int) -> None:
        try:
            for n in range(60):
                rid = f"resp_{thread}_{n}"
                previous = f"resp_{thread}_{n - 1}" if n else None
                store.put(StoredResponse(rid, ({"t": thread, "n": n},), (), previous))
                assert store.get(rid) is not None
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for t in range(8):
        items = wireshift._store.stored_history(store, f"resp_{t}_59", "previous_response_id")
        assert items == [{"t": t, "n": n} for n in range(60)]
    store.close()


def test_sqlite_store_refuses_a_newer_schema(tmp_path: Path) -> None:
    connection = sqlite3.connect(str(tmp_path / "r.db"))
    connection.execute("PRAGMA user_version = 99")
    with pytest.raises(InvalidArgumentError, match="version 99"):
        SQLiteResponseStore(connection)
    connection.close()


def test_a_connection_handed_in_stays_the_callers(tmp_path: Path) -> None:
    connection = sqlite3.connect(str(tmp_path / "r.db"), check_same_thread=False)
    store = SQLiteResponseStore(connection)
    store.put(StoredResponse("resp_1", (), ()))
    store.close()
    assert connection.execute("SELECT count(*) FROM wireshift_responses").fetchone()[0] == 1
    connection.close()


def test_both_stores_are_response_stores(tmp_path: Path) -> None:
    sqlite_store = SQLiteResponseStore(str(tmp_path / "r.db"))
    assert isinstance(MemoryResponseStore(), ResponseStore)
    assert isinstance(sqlite_store, ResponseStore)
    sqlite_store.close()


def test_one_tenant_cannot_read_another_tenants_turns(store: ResponseStore) -> None:
    alice = wireshift.ScopedResponseStore(store, "key-alice")
    bob = wireshift.ScopedResponseStore(store, "key-bob")
    request = wireshift.translate_request(
        {"model": "m", "input": "secret plan", "conversation": "c"}, to="chat", store=alice
    )
    stream = wireshift.translate_stream(chat_reply("noted"), to="responses", turn=request.turn)
    response_id = last_response(stream)["id"]
    with pytest.raises(MissingContextError):
        wireshift.translate_request(
            {"model": "m", "input": "tell me", "previous_response_id": response_id},
            to="chat",
            store=bob,
        )
    fresh = wireshift.translate_request(
        {"model": "m", "input": "hello", "conversation": "c"}, to="chat", store=bob
    )
    assert "secret plan" not in json.dumps(fresh.data)
    mine = wireshift.translate_request(
        {"model": "m", "input": "and?", "previous_response_id": response_id},
        to="chat",
        store=alice,
    )
    assert "secret plan" in json.dumps(mine.data)
    assert alice.latest("c") == response_id
    assert bob.latest("c") is None
