"""The real Codex CLI, with its default retries, through docs/examples/codex_proxy.py over chat
upstreams that answer with an error: Codex must give up at once on an error that will happen
again, wait as long as a rate limit asks, retry a server error, and show the upstream's own
words each time.

The bodies are the providers' own shapes (tests/data/upstream_errors). Codex 0.169 acts on
the ``code`` of ``response.failed``: it stops on ``context_length_exceeded``,
``insufficient_quota`` and requests it cannot retry (``invalid_prompt``), and reads a rate
limit's delay from "Please try again in 1s." in the message. The proxy reports a failure that
came before the stream as that ``response.failed`` (in a 200 stream): an HTTP status alone
makes Codex print "exceeded retry limit, last status: 500" or the raw JSON body instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from codex_harness import (
    RawReply,
    Script,
    chat_chunks,
    find_codex,
    run_codex,
    sse,
)

pytestmark = pytest.mark.e2e

VLLM_CONTEXT = {
    "object": "error",
    "message": "This model's maximum context length is 32768 tokens. However, you requested "
    "40000 tokens (39000 in the messages, 1000 in the completion). Please reduce the length "
    "of the messages or completion.",
    "type": "BadRequestError",
    "param": None,
    "code": 400,
}
RATE_LIMITED = {
    "error": {
        "message": "Rate limit reached for requests per min (RPM): Limit 3, Used 3.",
        "type": "requests",
        "param": None,
        "code": "rate_limit_exceeded",
    }
}
CRASHED = {"error": {"message": "CUDA out of memory on worker 3", "type": "server_error"}}
OVERLOADED_CHUNK = {"error": {"message": "Upstream overloaded: KV cache full", "code": 503}}


@pytest.fixture(scope="session")
def codex() -> str:
    """The pinned Codex CLI binary (installed on first use)."""
    return find_codex()


def reply(status: int, payload: Any, headers: tuple[tuple[str, str], ...] = ()) -> RawReply:
    body = json.dumps(payload).encode()
    return RawReply(
        status,
        [("content-type", "application/json"), ("content-length", str(len(body))), *headers],
        body,
    )


def always(answer: RawReply) -> Script:
    return lambda request: answer


def test_a_context_overflow_is_not_retried(codex: str, tmp_path: Path) -> None:
    outcome = run_codex(codex, always(reply(400, VLLM_CONTEXT)), "vllm", tmp_path)
    assert len(outcome.requests) == 1, outcome.explain()
    assert "context window" in outcome.run.output, outcome.explain()
    assert outcome.run.returncode != 0


def test_a_rate_limit_waits_as_long_as_retry_after_says(codex: str, tmp_path: Path) -> None:
    answer = reply(429, RATE_LIMITED, (("retry-after", "1"),))
    outcome = run_codex(codex, always(answer), "openai", tmp_path)
    gaps = [b - a for a, b in zip(outcome.arrivals, outcome.arrivals[1:], strict=False)]
    assert len(outcome.requests) > 1, outcome.explain()
    # Codex's own backoff starts near 0.2 s; each retry must wait out the second asked for.
    assert min(gaps) >= 0.95, outcome.explain()
    assert "rate limit" in outcome.run.output.lower(), outcome.explain()
    assert "Rate limit reached for requests per min" in outcome.run.output, outcome.explain()


def test_a_server_error_is_retried_then_shown(codex: str, tmp_path: Path) -> None:
    outcome = run_codex(codex, always(reply(500, CRASHED)), "vllm", tmp_path)
    assert len(outcome.requests) > 1, outcome.explain()
    assert "CUDA out of memory on worker 3" in outcome.run.output, outcome.explain()


def test_an_error_chunk_mid_stream_is_shown(codex: str, tmp_path: Path) -> None:
    def script(request: dict[str, Any]) -> RawReply:
        text = sse(chat_chunks(request, [{"role": "assistant", "content": "Let me"}], None))
        body = text + b"data: " + json.dumps(OVERLOADED_CHUNK).encode() + b"\n\n"
        return RawReply(200, [("content-type", "text/event-stream")], body)

    outcome = run_codex(codex, script, "vllm", tmp_path)
    assert "Upstream overloaded: KV cache full" in outcome.run.output, outcome.explain()


@pytest.mark.parametrize(
    ("status", "body", "shown"),
    [
        (404, {"error": 'model "llama3.3" not found, try pulling it first'}, "not found"),
        (
            401,
            {
                "error": {
                    "message": "Incorrect API key provided: sk-ab**cd.",
                    "code": "invalid_api_key",
                }
            },
            "Incorrect API key provided",
        ),
        (
            400,
            {
                "error": {
                    "code": 400,
                    "message": "Provider returned error",
                    "metadata": {
                        "raw": json.dumps(
                            {
                                "error": {
                                    "message": "This model's maximum context length is "
                                    "65536 tokens. However, you requested 70000 tokens.",
                                    "type": "invalid_request_error",
                                }
                            }
                        ),
                        "provider_name": "DeepSeek",
                    },
                }
            },
            "context window",
        ),
    ],
    ids=["ollama-model-not-found", "openai-bad-key", "openrouter-wrapped-context"],
)
def test_an_error_that_will_happen_again_stops_at_once(
    codex: str, tmp_path: Path, status: int, body: Any, shown: str
) -> None:
    outcome = run_codex(codex, always(reply(status, body)), "openai", tmp_path)
    assert len(outcome.requests) == 1, outcome.explain()
    assert shown in outcome.run.output, outcome.explain()
