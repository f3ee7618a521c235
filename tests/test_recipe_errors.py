"""The real openai SDK, with its default retries, through docs/examples/chat_to_codex_backend.py
over a Responses upstream that fails: each failure must reach the SDK as the exception it
raises for that cause (``RateLimitError`` for a rate limit, ``BadRequestError`` with code
``context_length_exceeded`` for a context overflow), and the SDK must retry only what can
succeed, no sooner than the upstream asked.

The SDK (2.x) retries 408, 409, 429 and 5xx twice by default, waiting ``retry-after-ms`` /
``retry-after`` when given (up to 60 s), and obeys ``x-should-retry`` over its own rule.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from local_servers import Reply, serve_asgi, serve_upstream

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "chat_to_codex_backend.py"
MESSAGES = [{"role": "user", "content": "List the files."}]

CONTEXT = {
    "error": {
        "message": "Your input exceeds the context window of this model. Please adjust your "
        "input and try again.",
        "type": "invalid_request_error",
        "param": "input",
        "code": "context_length_exceeded",
    }
}
RATE_LIMIT = {
    "error": {
        "message": "Rate limit reached for gpt-5.1-codex in organization org-x on tokens per "
        "min (TPM): Limit 30000, Used 30000, Requested 1200.",
        "type": "tokens",
        "param": None,
        "code": "rate_limit_exceeded",
    }
}
QUOTA = {
    "error": {
        "message": "You exceeded your current quota, please check your plan and billing details.",
        "type": "insufficient_quota",
        "param": None,
        "code": "insufficient_quota",
    }
}
OVERLOADED = {
    "error": {
        "message": "Our servers are currently overloaded. Please try again later.",
        "type": "server_error",
        "param": None,
        "code": "server_is_overloaded",
    }
}


def _example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("chat_to_codex_backend_errors", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Upstream:
    """Answers every request with ``reply`` and records when each came."""

    reply: Reply
    arrivals: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, path: str, body: Any, headers: dict[str, str]) -> Reply:
        with self.lock:
            self.arrivals.append(time.monotonic())
        return self.reply


@contextmanager
def client_over(upstream: Upstream) -> Iterator[Any]:
    """An openai client with its default retries, through the recipe, over ``upstream``."""
    openai = pytest.importorskip("openai")
    with serve_upstream(upstream) as url:
        app = _example().create_app(upstream_url=url, access_token="tok", account_id="acct")
        with serve_asgi(app) as base_url, openai.OpenAI(base_url=base_url, api_key="sk") as client:
            yield client


def _json(status: int, payload: Any, headers: dict[str, str] | None = None) -> Reply:
    return (status, "application/json", json.dumps(payload).encode(), headers or {})


def test_a_context_overflow_is_a_bad_request_with_its_code_and_no_retry() -> None:
    import openai

    upstream = Upstream(_json(400, CONTEXT))
    with client_over(upstream) as client, pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="gpt-5.1-codex", messages=MESSAGES)
    assert caught.value.code == "context_length_exceeded"
    assert "exceeds the context window" in caught.value.message
    assert len(upstream.arrivals) == 1


def test_a_context_overflow_inside_the_stream_is_the_same_bad_request() -> None:
    import openai

    failed = {
        "type": "response.failed",
        "sequence_number": 1,
        "response": {"id": "resp_1", "object": "response", "status": "failed", "output": []},
        "error": CONTEXT["error"],
    }
    created = {"type": "response.created", "sequence_number": 0, "response": failed["response"]}
    body = b"".join(
        f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in (created, failed)
    )
    upstream = Upstream((200, "text/event-stream", body))
    with client_over(upstream) as client, pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="gpt-5.1-codex", messages=MESSAGES, stream=True)
    assert caught.value.code == "context_length_exceeded"
    assert len(upstream.arrivals) == 1


def test_a_rate_limit_is_a_rate_limit_error_retried_no_sooner_than_asked() -> None:
    import openai

    upstream = Upstream(_json(429, RATE_LIMIT, {"retry-after": "1"}))
    with client_over(upstream) as client, pytest.raises(openai.RateLimitError) as caught:
        client.chat.completions.create(model="gpt-5.1-codex", messages=MESSAGES)
    assert caught.value.code == "rate_limit_exceeded"
    assert caught.value.response.headers["retry-after"] == "1"
    gaps = [b - a for a, b in zip(upstream.arrivals, upstream.arrivals[1:], strict=False)]
    assert len(upstream.arrivals) == 3  # the SDK's default: two retries
    assert min(gaps) >= 0.95


def test_a_used_up_quota_is_not_retried_though_it_is_a_429() -> None:
    import openai

    upstream = Upstream(_json(429, QUOTA))
    with client_over(upstream) as client, pytest.raises(openai.RateLimitError) as caught:
        client.chat.completions.create(model="gpt-5.1-codex", messages=MESSAGES)
    assert caught.value.code == "insufficient_quota"
    assert caught.value.response.headers["x-should-retry"] == "false"
    assert len(upstream.arrivals) == 1


def test_an_overloaded_backend_is_retried_and_then_shown() -> None:
    import openai

    upstream = Upstream(_json(503, OVERLOADED, {"retry-after-ms": "50"}))
    with client_over(upstream) as client, pytest.raises(openai.InternalServerError) as caught:
        client.chat.completions.create(model="gpt-5.1-codex", messages=MESSAGES)
    assert caught.value.status_code == 503
    assert "currently overloaded" in caught.value.message
    assert len(upstream.arrivals) == 3


def test_an_html_page_from_a_load_balancer_is_a_bad_gateway_with_its_title() -> None:
    import openai

    page = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    upstream = Upstream((502, "text/html", page))
    with client_over(upstream) as client, pytest.raises(openai.InternalServerError) as caught:
        client.chat.completions.create(model="gpt-5.1-codex", messages=MESSAGES)
    assert caught.value.status_code == 502
    assert caught.value.code == "server_error"
    assert "502 Bad Gateway" in caught.value.message
    assert len(upstream.arrivals) == 3


def test_the_recipe_logs_the_failure_and_its_notes_but_no_secret(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import openai

    upstream = Upstream(_json(400, CONTEXT))
    secret_text = "my confidential prompt 7f3a"
    with (
        caplog.at_level(logging.DEBUG, logger="chat_to_codex_backend"),
        client_over(upstream) as client,
        pytest.raises(openai.BadRequestError),
    ):
        client.chat.completions.create(
            model="gpt-5.1-codex",
            messages=[{"role": "system", "content": secret_text}],
        )
    records = [r for r in caplog.records if r.name == "chat_to_codex_backend"]
    warnings = [r.getMessage() for r in records if r.levelno == logging.WARNING]
    assert any(
        "context_length_exceeded" in w and "exceeds the context window" in w for w in warnings
    )
    # The request's notes (the system message moved into instructions) at debug level.
    assert any(r.levelno == logging.DEBUG for r in records)
    logged = " ".join(r.getMessage() for r in records)
    assert secret_text not in logged
    assert "sk-client" not in logged
    assert "tok" not in logged.split()
