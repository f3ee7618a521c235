"""The real Codex CLI through docs/examples/codex_proxy.py with the ``deepseek`` profile, over
a scripted chat upstream that, like DeepSeek's thinking mode, answers 400 when a turn with
tool calls comes back without the ``reasoning_content`` it was sent with.

The reasoning streams to Codex as a reasoning item; Codex sends the item back with the next
request, and the translation must restore the text, word for word, on the assistant message
that made the call. A two-request, tool-using exchange must complete.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from codex_harness import (
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

REASONING = "The user wants the marker printed. I will run printf in the shell, then report."
COMMAND = "printf 'deepseek-e2e-%s\\n' ok"
MARKER = "deepseek-e2e-ok"
ANSWER = "The command printed the marker; the reasoning came back intact."
MISSING = "reasoning_content must be passed back to the API on turns with tool calls"


@dataclass
class ThinkingUpstream:
    """Streams reasoning then a shell call; once the tool output comes back, checks that the
    call's assistant message carries the reasoning it was sent (else 400), then answers."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    call_id: str = field(default_factory=lambda: f"call_{uuid.uuid4().hex[:20]}")

    def reply(self, request: dict[str, Any]) -> list[dict[str, Any]]:
        messages = request.get("messages", [])
        if not any(m.get("role") == "tool" for m in messages):
            tool = shell_tool(request)
            arguments = json.dumps(shell_arguments(tool, COMMAND))
            call = {
                "index": 0,
                "id": self.call_id,
                "type": "function",
                "function": {"name": tool["name"], "arguments": arguments},
            }
            words = REASONING.split(" ")
            deltas: list[dict[str, Any]] = [{"role": "assistant", "content": None}]
            deltas += [{"reasoning_content": w if n == 0 else " " + w} for n, w in enumerate(words)]
            deltas.append({"tool_calls": [call]})
            return chat_chunks(request, deltas, "tool_calls")
        calling = [m for m in messages if m.get("role") == "assistant" and m.get("tool_calls")]
        if not calling or any(m.get("reasoning_content") != REASONING for m in calling):
            raise AssertionError(MISSING)
        deltas = [{"role": "assistant", "reasoning_content": "Done."}, {"content": ANSWER}]
        return chat_chunks(request, deltas, "stop")


@dataclass
class Exchange:
    upstream: ThinkingUpstream
    stdout: str
    explain: str


@pytest.fixture(scope="module")
def exchange(tmp_path_factory: pytest.TempPathFactory) -> Exchange:
    codex = find_codex()
    upstream = ThinkingUpstream()

    def handle(path: str, body: Any, headers: dict[str, str]) -> Reply:
        upstream.requests.append(body)
        try:
            chunks = upstream.reply(body)
        except AssertionError as exc:
            error = {"message": str(exc), "type": "invalid_request_error"}
            return 400, "application/json", json.dumps({"error": error}).encode()
        data = b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks)
        return 200, "text/event-stream", data + b"data: [DONE]\n\n"

    with serve_upstream(handle) as upstream_url, serve_proxy(upstream_url, "deepseek") as proxy:
        home = codex_home(tmp_path_factory.mktemp("deepseek-home"), proxy)
        work: Path = tmp_path_factory.mktemp("deepseek-work")
        prompt = f"Run `{COMMAND}` in the shell, then tell me it ran."
        run = exec_codex(codex, home, work, prompt, timeout=180)
    return Exchange(upstream, run.stdout, run.explain())


def test_the_exchange_completes(exchange: Exchange) -> None:
    assert ANSWER in exchange.stdout, exchange.explain
    assert len(exchange.upstream.requests) == 2, exchange.explain


def test_the_reasoning_came_back_on_the_call_turn(exchange: Exchange) -> None:
    second = exchange.upstream.requests[-1]["messages"]
    (calling,) = [m for m in second if m.get("role") == "assistant" and m.get("tool_calls")]
    assert calling["reasoning_content"] == REASONING
    (tool,) = [m for m in second if m.get("role") == "tool"]
    assert MARKER in json.dumps(tool["content"])
