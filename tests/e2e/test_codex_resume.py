"""The real Codex CLI through the chat proxy with a response store (``STORE`` set to a SQLite
file), over a scripted chat upstream: a three-turn session, ``codex exec`` then twice
``codex exec resume --last``. Codex keeps its own history (it sends ``store: false`` and the
whole conversation every time), so the store must stay out of its way: every turn must
complete, and the third must reach the upstream with the first two in it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from codex_harness import chat_chunks, codex_home, exec_codex, find_codex, serve_proxy

from local_servers import Reply, serve_upstream

pytestmark = pytest.mark.e2e

PROMPTS = ["Remember the word lantern.", "Remember the word harbor.", "Which words so far?"]


def answer(n: int) -> str:
    return f"Answer {n + 1} from the scripted upstream."


@dataclass
class Upstream:
    requests: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, path: str, body: Any, headers: dict[str, str]) -> Reply:
        self.requests.append(body)
        n = len(self.requests) - 1
        deltas = [{"role": "assistant", "content": answer(n)}]
        chunks = chat_chunks(body, deltas, "stop")
        data = b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks)
        return 200, "text/event-stream", data + b"data: [DONE]\n\n"


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(p.get("text", "") for p in content or [] if isinstance(p, dict))


def test_a_resumed_session_keeps_its_history(tmp_path: Path) -> None:
    codex = find_codex()
    upstream = Upstream()
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    runs = []
    with (
        serve_upstream(upstream) as upstream_url,
        serve_proxy(upstream_url, "vllm", store=str(tmp_path / "turns.db")) as proxy_url,
    ):
        codex_home(home, proxy_url, retries=True)
        for n, prompt in enumerate(PROMPTS):
            subcommand = ("resume", "--last") if n else ()
            run = exec_codex(codex, home, work, prompt, timeout=180, subcommand=subcommand)
            assert run.returncode == 0, run.explain()
            assert answer(n) in run.stdout, run.explain()
            runs.append(run)
    assert len(upstream.requests) == 3
    last = upstream.requests[-1]["messages"]
    users = [_text(m["content"]) for m in last if m["role"] == "user"]
    assistants = [_text(m["content"]) for m in last if m["role"] == "assistant"]
    for prompt in PROMPTS:
        assert any(prompt in text for text in users), users
    assert answer(0) in assistants
    assert answer(1) in assistants
