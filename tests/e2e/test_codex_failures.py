"""The real Codex CLI, with its default retries, through docs/examples/codex_proxy.py over chat
upstreams that fail mid-stream, and over one that interleaves parallel tool calls.

Codex acts on each ``response.output_item.done`` as it arrives: it runs a function call even
when the stream then fails, and then retries the whole request (5 stream retries by default).
So the proxy must never hand Codex a tool call the upstream did not confirm (a
``finish_reason`` or ``data: [DONE]``): a stream cut right after a complete call, or in the
middle of its arguments, must end in ``response.failed`` without the call, and the command must
not run, however many times Codex retries. A non-JSON ``data:`` line must fail the response
with the upstream's own text, which Codex prints.

Every run here uses Codex's default ``request_max_retries`` / ``stream_max_retries``, unlike
tests/e2e/test_codex_cli.py: retries are what turn one bad call into six. Codex 0.169 makes 6
requests for a failing stream, its backoff doubling from about 0.4 s (requests at about 0.5,
0.9, 1.3, 2.2, 3.9 and 7 s), so each failing run takes about 8 s; the 240 s timeout only guards
against a hang. Every failure message gives the run's time and its requests' arrival times.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from codex_harness import (
    Outcome,
    RawReply,
    Script,
    chat_chunks,
    find_codex,
    run_codex,
    shell_arguments,
    shell_tool,
    sse,
    tool_messages,
)

pytestmark = pytest.mark.e2e

# printf builds each marker, so a marker line appears only if the command really ran.
RAN_COMMAND = "printf 'ran-%s\\n' ok >> ran.txt"
RAN_MARKER = "ran-ok"
FIRST_COMMAND = "printf 'first-%s\\n' ok | tee -a first.txt"
SECOND_COMMAND = "printf 'second-%s\\n' ok | tee -a second.txt"
ANSWER = "Both commands ran. Parallel turn complete."
CRASH = "Internal Server Error: worker crashed"
REASONING = ["The user wants ", "two commands; ", "I will run both ", "at once."]
SSE_TYPE = ("content-type", "text/event-stream")


@pytest.fixture(scope="session")
def codex() -> str:
    """The pinned Codex CLI binary (installed on first use)."""
    return find_codex()


def _text(content: Any) -> str:
    """A chat message's content as text (a string, or a list of text parts)."""
    if isinstance(content, str):
        return content
    return "".join(p.get("text", "") for p in content or [] if isinstance(p, dict))


def _call_deltas(
    index: int, call_id: str, name: str, pieces: list[str]
) -> Iterator[dict[str, Any]]:
    """The ``tool_calls`` deltas of one call: its id and name with the first piece of its
    arguments, then one delta per further piece."""
    head = {"id": call_id, "type": "function", "function": {"name": name}}
    for n, piece in enumerate(pieces):
        call: dict[str, Any] = {"index": index, "function": {"arguments": piece}}
        if n == 0:
            call = {**head, **call, "function": {"name": name, "arguments": piece}}
        yield {"tool_calls": [call]}


def _pieces(text: str, count: int) -> list[str]:
    """``text`` in ``count`` pieces."""
    cuts = [len(text) * n // count for n in range(count + 1)]
    return [text[a:b] for a, b in itertools.pairwise(cuts)]


# --- (a) a stream cut after, or inside, a tool call ---------------------------------------


def cut_tool_call(cut: str, *, whole: bool) -> Script:
    """Every request gets the start of a shell call appending a line to ran.txt, then the
    stream stops: no ``finish_reason``, no ``[DONE]``. ``whole``: the call's arguments are all
    sent (valid JSON); else only their first half. ``cut``: ``"short-body"`` declares a
    ``Content-Length`` 4 KiB above what is written before the socket closes (httpx raises in
    the proxy); ``"eof"`` sends ``Connection: close`` with no length, so the body just ends."""

    def script(request: dict[str, Any]) -> RawReply:
        tool = shell_tool(request)
        arguments = json.dumps(shell_arguments(tool, RAN_COMMAND))
        if not whole:
            arguments = arguments[: len(arguments) // 2]
        deltas = [{"role": "assistant", "content": None}]
        deltas += _call_deltas(0, "call_cut_e2e", tool["name"], _pieces(arguments, 3))
        body = sse(chat_chunks(request, deltas, finish=None))
        if cut == "short-body":
            return RawReply(200, [SSE_TYPE, ("content-length", str(len(body) + 4096))], body)
        return RawReply(200, [SSE_TYPE, ("connection", "close")], body)

    return script


def _assert_no_call_ran(outcome: Outcome) -> None:
    assert outcome.lines("ran.txt") == [], (
        "the shell call ran: the proxy handed Codex a call the upstream never confirmed (no "
        "finish_reason, no [DONE]); it must end the stream in response.failed without "
        f"output_item.done for the call. ran.txt: {outcome.lines('ran.txt')}\n" + outcome.explain()
    )
    assert not any(tool_messages(r) for r in outcome.requests), outcome.explain()
    assert outcome.run.returncode != 0, outcome.explain()
    assert len(outcome.requests) > 1, "Codex did not retry: " + outcome.explain()


@pytest.mark.parametrize("cut", ["short-body", "eof"])
def test_a_cut_after_a_whole_tool_call_runs_nothing(codex: str, cut: str, tmp_path: Path) -> None:
    outcome = run_codex(codex, cut_tool_call(cut, whole=True), "openai", tmp_path)
    _assert_no_call_ran(outcome)


@pytest.mark.parametrize("cut", ["short-body", "eof"])
def test_a_cut_inside_the_arguments_runs_nothing(codex: str, cut: str, tmp_path: Path) -> None:
    outcome = run_codex(codex, cut_tool_call(cut, whole=False), "openai", tmp_path)
    assert "failed to parse function arguments" not in outcome.run.output, outcome.explain()
    sent_back = [_text(m.get("content")) for r in outcome.requests for m in tool_messages(r)]
    assert not any("failed to parse" in text for text in sent_back), outcome.explain()
    _assert_no_call_ran(outcome)


# --- (b) a line that is not JSON ----------------------------------------------------------


def crash_mid_stream(request: dict[str, Any]) -> RawReply:
    """Some text, then a ``data:`` line that is not JSON, then the end of a well-formed body."""
    words = ["Looking", " into", " it"]
    deltas = [{"role": "assistant", "content": ""}, *({"content": w} for w in words)]
    body = sse(chat_chunks(request, deltas, finish=None)) + f"data: {CRASH}\n\n".encode()
    return RawReply(200, [SSE_TYPE, ("content-length", str(len(body)))], body)


def test_a_non_json_line_fails_with_the_upstreams_text(codex: str, tmp_path: Path) -> None:
    outcome = run_codex(codex, crash_mid_stream, "openai", tmp_path)
    assert "worker crashed" in outcome.run.output, outcome.explain()
    # What Codex says when the proxy's response body breaks off (the app raised mid-stream).
    assert "error decoding response body" not in outcome.run.output, outcome.explain()
    assert outcome.run.returncode != 0, outcome.explain()
    # The partial answer of a failed attempt is never done: Codex would keep it and send it
    # back on every retry (identical assistant messages piling up in its history).
    assert len(outcome.requests) > 1, outcome.explain()
    resent = [
        m
        for r in outcome.requests
        for m in r.get("messages", [])
        if m.get("role") == "assistant" and "Looking into it" in _text(m.get("content"))
    ]
    assert resent == [], outcome.explain()


# --- (c) reasoning, then two interleaved tool calls ---------------------------------------


@dataclass
class ParallelCalls:
    """Reasoning (vLLM's ``reasoning`` field), then two shell calls whose argument deltas
    interleave (index 0, index 1, index 0...), then ``finish_reason: "tool_calls"``; once the
    request holds tool messages, a text answer."""

    ids: tuple[str, str] = ("call_first_e2e", "call_second_e2e")
    arguments: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, request: dict[str, Any]) -> RawReply:
        if tool_messages(request):
            words = ANSWER.split(" ")
            text = [{"content": w if n == 0 else " " + w} for n, w in enumerate(words)]
            return self._reply(chat_chunks(request, [{"role": "assistant"}, *text], "stop"))
        tool = shell_tool(request)
        self.arguments = [
            shell_arguments(tool, command) for command in (FIRST_COMMAND, SECOND_COMMAND)
        ]
        deltas: list[dict[str, Any]] = [{"role": "assistant", "content": None}]
        deltas += [{"reasoning": text} for text in REASONING]
        calls = [
            list(_call_deltas(index, call_id, tool["name"], _pieces(json.dumps(args), 4)))
            for index, (call_id, args) in enumerate(zip(self.ids, self.arguments, strict=True))
        ]
        deltas += [delta for pair in zip(*calls, strict=True) for delta in pair]
        return self._reply(chat_chunks(request, deltas, "tool_calls"))

    @staticmethod
    def _reply(chunks: list[dict[str, Any]]) -> RawReply:
        body = sse(chunks) + b"data: [DONE]\n\n"
        return RawReply(200, [SSE_TYPE, ("content-length", str(len(body)))], body)


@pytest.fixture(scope="module")
def parallel(codex: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Outcome, ParallelCalls]:
    script = ParallelCalls()
    outcome = run_codex(codex, script, "vllm", tmp_path_factory.mktemp("parallel"))
    return outcome, script


def test_parallel_interleaved_calls_each_run_once(parallel: tuple[Outcome, ParallelCalls]) -> None:
    outcome, _ = parallel
    assert outcome.lines("first.txt") == ["first-ok"], outcome.explain()
    assert outcome.lines("second.txt") == ["second-ok"], outcome.explain()
    assert outcome.run.returncode == 0, outcome.explain()
    assert ANSWER in outcome.run.stdout, outcome.explain()


def test_parallel_calls_go_back_as_one_assistant_message(
    parallel: tuple[Outcome, ParallelCalls],
) -> None:
    outcome, script = parallel
    assert len(outcome.requests) == 2, outcome.explain()
    messages = outcome.requests[1]["messages"]
    with_calls = [
        n for n, m in enumerate(messages) if m.get("role") == "assistant" and m.get("tool_calls")
    ]
    assert len(with_calls) == 1, messages
    at = with_calls[0]
    calls = messages[at]["tool_calls"]
    assert [c["id"] for c in calls] == list(script.ids), calls
    assert [json.loads(c["function"]["arguments"]) for c in calls] == script.arguments, calls
    # The vllm profile reads reasoning from `reasoning` and sends it back in the same field.
    assert messages[at].get("reasoning") == "".join(REASONING), messages[at]

    outputs = messages[at + 1 : at + 3]
    assert [m.get("role") for m in outputs] == ["tool", "tool"], messages[at:]
    by_id = {m["tool_call_id"]: _text(m.get("content")) for m in outputs}
    assert sorted(by_id) == sorted(script.ids), outputs
    assert "first-ok" in by_id[script.ids[0]], outputs
    assert "second-ok" in by_id[script.ids[1]], outputs
