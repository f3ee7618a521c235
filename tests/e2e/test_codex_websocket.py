"""The real Codex CLI in WebSocket mode (``supports_websockets = true`` on its provider)
through docs/examples/codex_proxy.py over a scripted chat upstream: Codex warms the socket
up, then sends each request as a ``response.create`` frame carrying only the new input.
A tool-using turn must complete: the call runs, its output reaches the upstream with the
whole history, and Codex prints the answer."""

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

COMMAND = "printf 'ws-e2e-%s\\n' ok"
MARKER = "ws-e2e-ok"
ANSWER = "The command ran over the socket."


@dataclass
class Upstream:
    requests: list[dict[str, Any]] = field(default_factory=list)
    call_id: str = field(default_factory=lambda: f"call_{uuid.uuid4().hex[:20]}")

    def __call__(self, path: str, body: Any, headers: dict[str, str]) -> Reply:
        self.requests.append(body)
        if any(m.get("role") == "tool" for m in body.get("messages", [])):
            deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ANSWER}]
            chunks = chat_chunks(body, deltas, "stop")
        else:
            tool = shell_tool(body)
            call = {
                "index": 0,
                "id": self.call_id,
                "type": "function",
                "function": {
                    "name": tool["name"],
                    "arguments": json.dumps(shell_arguments(tool, COMMAND)),
                },
            }
            chunks = chat_chunks(
                body, [{"role": "assistant", "content": None, "tool_calls": [call]}], "tool_calls"
            )
        data = b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks)
        return 200, "text/event-stream", data + b"data: [DONE]\n\n"


def test_codex_in_websocket_mode_completes_a_tool_turn(tmp_path: Path) -> None:
    codex = find_codex()
    upstream = Upstream()
    scopes: list[str] = []
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    with (
        serve_upstream(upstream) as upstream_url,
        serve_proxy(upstream_url, "vllm", scopes=scopes) as url,
    ):
        codex_home(home, url, retries=True)
        config = home / "config.toml"
        config.write_text(
            config.read_text(encoding="utf-8").replace(
                'wire_api = "responses"', 'wire_api = "responses"\nsupports_websockets = true'
            ),
            encoding="utf-8",
        )
        run = exec_codex(codex, home, work, f"Run `{COMMAND}`, then say it ran.", timeout=180)
    assert run.returncode == 0, run.explain()
    assert ANSWER in run.stdout, run.explain()
    assert "websocket" in scopes, scopes
    assert "http" not in scopes, scopes  # no fallback to HTTP
    assert len(upstream.requests) == 2
    second = upstream.requests[-1]["messages"]
    (tool,) = [m for m in second if m.get("role") == "tool"]
    assert MARKER in json.dumps(tool["content"])
    assert any(m.get("role") == "user" for m in second)  # the history came from the socket
