"""The real Codex CLI through docs/examples/codex_proxy.py, over a scripted chat upstream.

``codex exec`` sends Responses requests to the proxy, which translates them into Chat
Completions for a local upstream that plays a recorded-style turn: first a call to the shell
tool Codex offers, then (once the tool's output comes back) a text answer. Codex must run the
command and print the answer; the upstream must receive valid chat requests.
"""

from __future__ import annotations

import itertools
import json
import uuid
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import pytest
from codex_harness import (
    ROOT,
    UPSTREAM_KEY,
    UPSTREAM_MODEL,
    chat_chunks,
    codex_home,
    exec_codex,
    find_codex,
    serve_proxy,
    shell_arguments,
    shell_tool,
)

from local_servers import Reply, serve_upstream

pytestmark = pytest.mark.e2e

OPENAI_SPEC = ROOT / "tests" / "data" / "spec" / "openai-openapi.json"

# printf builds the marker, so it appears in the tool output only if the command really ran.
COMMAND = "printf 'codex-e2e-%s\\n' ok"
MARKER = "codex-e2e-ok"
ANSWER = "The command ran and printed the marker. E2E turn complete."


@pytest.fixture(scope="session")
def codex() -> str:
    """The pinned Codex CLI binary (installed on first use)."""
    return find_codex()


# --- the scripted chat upstream -----------------------------------------------------------


@dataclass
class ScriptedUpstream:
    """Serves chat-completions streams: a shell tool call until the request holds a tool
    message, then a text answer; or, with ``refusal``, an HTTP 400 carrying that message.
    Records every request it gets."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    call_id: str = field(default_factory=lambda: f"call_{uuid.uuid4().hex[:24]}")
    arguments: dict[str, Any] = field(default_factory=dict)
    refusal: str | None = None

    def reply(self, request: dict[str, Any]) -> list[dict[str, Any]]:
        """The chunks to stream for ``request``."""
        if any(m.get("role") == "tool" for m in request.get("messages", [])):
            return self._answer(request)
        return self._tool_call(request)

    def _tool_call(self, request: dict[str, Any]) -> list[dict[str, Any]]:
        tool = shell_tool(request)
        self.arguments = shell_arguments(tool, COMMAND)
        text = json.dumps(self.arguments)
        cuts = [0, len(text) // 3, 2 * len(text) // 3, len(text)]
        first = {
            "index": 0,
            "id": self.call_id,
            "type": "function",
            "function": {"name": tool["name"], "arguments": ""},
        }
        deltas: list[dict[str, Any]] = [
            {"role": "assistant", "content": None, "tool_calls": [first]}
        ]
        deltas += [
            {"tool_calls": [{"index": 0, "function": {"arguments": text[a:b]}}]}
            for a, b in itertools.pairwise(cuts)
        ]
        return chat_chunks(request, deltas, "tool_calls")

    def _answer(self, request: dict[str, Any]) -> list[dict[str, Any]]:
        words = ANSWER.split(" ")
        deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
        deltas += [{"content": w if n == 0 else " " + w} for n, w in enumerate(words)]
        return chat_chunks(request, deltas, "stop")


def serve_script(script: ScriptedUpstream) -> AbstractContextManager[str]:
    """``script`` served as a chat upstream; yields the base URL."""

    def handle(path: str, body: Any, headers: dict[str, str]) -> Reply:
        script.requests.append(body)
        script.headers.append({k.lower(): v for k, v in headers.items()})
        if not path.endswith("/chat/completions"):
            return 404, "application/json", b'{"error":{"message":"not found"}}'
        try:
            if script.refusal is not None:
                raise AssertionError(script.refusal)
            chunks = script.reply(body)
        except AssertionError as exc:
            error = {"message": str(exc), "type": "invalid_request_error"}
            return 400, "application/json", json.dumps({"error": error}).encode()
        sse = b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks)
        return 200, "text/event-stream", sse + b"data: [DONE]\n\n"

    return serve_upstream(handle)


# --- the turn -----------------------------------------------------------------------------


@dataclass
class Turn:
    stdout: str
    stderr: str
    returncode: int
    script: ScriptedUpstream

    def explain(self) -> str:
        return f"exit {self.returncode}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def run_turn(
    codex: str, script: ScriptedUpstream, profile: str, tmp: pytest.TempPathFactory
) -> Turn:
    """One ``codex exec`` turn through the proxy, over ``script``."""
    with serve_script(script) as upstream_url, serve_proxy(upstream_url, profile) as proxy_url:
        home = codex_home(tmp.mktemp("codex-home"), proxy_url)
        work = tmp.mktemp("codex-work")
        prompt = f"Run `{COMMAND}` in the shell, then tell me it ran."
        done = exec_codex(codex, home, work, prompt, timeout=180)
    return Turn(done.stdout, done.stderr, done.returncode, script)


@pytest.fixture(scope="module", params=["openai", "vllm"])
def turn(
    request: pytest.FixtureRequest, codex: str, tmp_path_factory: pytest.TempPathFactory
) -> Turn:
    """The scripted tool-using turn, once per profile."""
    return run_turn(codex, ScriptedUpstream(), request.param, tmp_path_factory)


def _text(content: Any) -> str:
    """A chat message's content as text (a string, or a list of text parts)."""
    if isinstance(content, str):
        return content
    return "".join(p.get("text", "") for p in content or [] if isinstance(p, dict))


def test_codex_prints_the_answer(turn: Turn) -> None:
    assert turn.returncode == 0, turn.explain()
    assert ANSWER in turn.stdout, turn.explain()


def test_the_command_ran_and_its_output_went_back(turn: Turn) -> None:
    assert len(turn.script.requests) == 2, turn.explain()
    first, second = turn.script.requests
    assert all(r.get("model") == UPSTREAM_MODEL for r in turn.script.requests)
    assert all(r.get("stream") is True for r in turn.script.requests)
    assert all(h.get("authorization") == f"Bearer {UPSTREAM_KEY}" for h in turn.script.headers)
    assert not any(m.get("role") == "tool" for m in first["messages"])

    messages = second["messages"]
    calls = [
        n for n, m in enumerate(messages) if m.get("role") == "assistant" and m.get("tool_calls")
    ]
    assert len(calls) == 1, messages
    call_message = messages[calls[0]]
    (call,) = call_message["tool_calls"]
    assert call["id"] == turn.script.call_id
    assert call["type"] == "function"
    assert call["function"]["name"] == shell_tool(first)["name"]
    assert json.loads(call["function"]["arguments"]) == turn.script.arguments

    output = messages[calls[0] + 1]
    assert output["role"] == "tool", messages[calls[0] :]
    assert output["tool_call_id"] == turn.script.call_id
    assert MARKER in _text(output["content"]), output


def test_upstream_requests_match_the_spec(turn: Turn) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    spec = json.loads(OPENAI_SPEC.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(
        {
            "$ref": "#/components/schemas/CreateChatCompletionRequest",
            "components": spec["components"],
        }
    )
    assert turn.script.requests, turn.explain()
    problems = [
        f"request {n}: {'/'.join(map(str, error.absolute_path))}: {error.message[:300]}"
        for n, request in enumerate(turn.script.requests)
        for error in validator.iter_errors(request)
    ]
    assert problems == []


def test_an_upstream_error_reaches_codex(
    codex: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """An upstream HTTP error becomes ``response.failed`` whose message Codex prints, once:
    a refused request is not sent again. (A context overflow gets Codex's own words:
    tests/e2e/test_codex_errors.py.)"""
    refusal = f"Unsupported value for 'tool_choice' ({uuid.uuid4().hex[:8]})"
    turn = run_turn(codex, ScriptedUpstream(refusal=refusal), "openai", tmp_path_factory)
    assert turn.returncode != 0, turn.explain()
    assert refusal in turn.stdout + turn.stderr, turn.explain()
    assert len(turn.script.requests) == 1, turn.explain()
