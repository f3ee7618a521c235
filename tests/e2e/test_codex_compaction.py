"""The real Codex CLI compacting its context through the chat proxy (``COMPACTION_KEY`` set),
over a scripted chat upstream that cannot compact.

Codex uses remote compaction (a ``compaction_trigger`` input item, exactly one
``compaction`` output item expected back) for a provider named "OpenAI" that requires OpenAI
auth; ``model_auto_compact_token_limit`` makes it compact as soon as the first turn reports
more tokens than that. The upstream is asked for a summary, Codex installs the sealed item,
and the next request reaches the upstream with the summary in place of the history.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from codex_harness import codex_home, exec_codex, find_codex, serve_proxy

from local_servers import Reply, serve_upstream

pytestmark = pytest.mark.e2e

SUMMARY = "SUMMARY-7f3a: the user said hi and asked to remember the word lantern."
FIRST = "Remember the word lantern."
SECOND = "Which word did I ask you to remember?"


@dataclass
class Upstream:
    """Answers each chat request; reports many tokens used, so Codex compacts; answers a
    summarizing request (its last message asks for a summary) with :data:`SUMMARY`."""

    requests: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, path: str, body: Any, headers: dict[str, str]) -> Reply:
        self.requests.append(body)
        last = body["messages"][-1]
        asks_summary = last["role"] == "user" and "Summarize the conversation" in str(
            last["content"]
        )
        text = SUMMARY if asks_summary else f"Answer {len(self.requests)}."
        base = {
            "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": body.get("model", "m"),
        }
        usage = {"prompt_tokens": 90000, "completion_tokens": 20, "total_tokens": 90020}
        chunks = [
            {**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": text}}]},
            {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
            {**base, "choices": [], "usage": usage},
        ]
        data = b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks)
        return 200, "text/event-stream", data + b"data: [DONE]\n\n"


def test_codex_compacts_through_a_chat_backend(tmp_path: Path) -> None:
    codex = find_codex()
    upstream = Upstream()
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    with (
        serve_upstream(upstream) as upstream_url,
        serve_proxy(upstream_url, "vllm", compaction_key="e2e-compaction-key-0123456789") as url,
    ):
        codex_home(home, url, retries=True)
        config = home / "config.toml"
        text = config.read_text(encoding="utf-8")
        # Remote compaction is Codex's choice for an "OpenAI" provider with OpenAI auth.
        text = text.replace(
            'name = "wireshift proxy"', 'name = "OpenAI"\nrequires_openai_auth = true'
        )
        text = text.replace(
            "[model_providers.x]", "model_auto_compact_token_limit = 1000\n\n[model_providers.x]"
        )
        config.write_text(text, encoding="utf-8")
        first = exec_codex(codex, home, work, FIRST, timeout=180)
        assert first.returncode == 0, first.explain()
        second = exec_codex(codex, home, work, SECOND, timeout=180, subcommand=("resume", "--last"))
        assert second.returncode == 0, second.explain()
    summarizing = [
        r for r in upstream.requests if "Summarize the conversation" in str(r["messages"][-1])
    ]
    assert summarizing, [r["messages"][-1] for r in upstream.requests]
    assert all("tools" not in r for r in summarizing)
    after = upstream.requests[-1]["messages"]
    assert any(SUMMARY in str(m.get("content")) for m in after), after
    assert SECOND in json.dumps(after)
