"""Reading an upstream's error: the canonical code, the provider's own message kept, the retry
delay, whether to retry, and how each client is answered.

``tests/data/upstream_errors/cases.json`` holds real error responses (status, headers, body)
of OpenAI, vLLM, SGLang, Ollama, llama.cpp, DeepSeek, OpenRouter, LiteLLM, Anthropic-style
servers, Azure and load balancers, each with the source of its shape and wording, and the
code, delay and message a client must get from it.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from wireshift import UpstreamError, accumulate_stream, translate_stream
from wireshift._upstream_codes import (
    CANONICAL_CODES,
    FATAL_CODES,
    retry_after_from_headers,
    retry_after_from_message,
)
from wireshift.responses import ResponseFailedEvent

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "data" / "upstream_errors" / "cases.json").read_text()
)
HTTP_CASES = [case for case in CASES if not case.get("in_stream")]
STREAM_CASES = [case for case in CASES if case.get("in_stream")]


def test_the_corpus_covers_every_provider_and_code() -> None:
    providers = {case["provider"].split(" ")[0].lower() for case in CASES}
    for needed in ("openai", "vllm", "ollama", "openrouter", "deepseek", "litellm", "anthropic"):
        assert any(needed in provider for provider in providers), needed
    codes = {case["expect"]["code"] for case in CASES}
    wanted = set(CANONICAL_CODES) - {
        "usage_not_included",
        "stream_interrupted",
        "upstream_unreadable",
        "upstream_unreachable",
    }
    assert wanted <= codes, wanted - codes
    assert all(case.get("source") for case in CASES)


@pytest.mark.parametrize("case", HTTP_CASES, ids=[c["name"] for c in HTTP_CASES])
def test_an_http_error_is_read_as_its_provider_meant_it(case: dict[str, Any]) -> None:
    error = UpstreamError.from_http(case["status"], case["body"].encode(), case["headers"])
    expect = case["expect"]
    assert error.code == expect["code"], error.message
    assert error.status == case["status"]
    if expect.get("message_contains"):
        assert expect["message_contains"] in (error.message or "")
        assert expect["message_contains"] in error.to_body()["error"]["message"]
    if expect.get("retry_after") is None:
        assert error.retry_after is None
    else:
        assert error.retry_after == pytest.approx(expect["retry_after"], abs=0.01)
    assert error.retryable is (expect["code"] not in FATAL_CODES)
    assert error.source == "http"


@pytest.mark.parametrize("case", STREAM_CASES, ids=[c["name"] for c in STREAM_CASES])
def test_an_error_inside_a_stream_is_read_the_same_way(case: dict[str, Any]) -> None:
    body = case["body"]
    accumulated = accumulate_stream(body.encode())
    assert accumulated.error is not None
    assert accumulated.error.code == case["expect"]["code"]
    if case["expect"].get("message_contains"):
        assert case["expect"]["message_contains"] in (accumulated.error.message or "")
    if case["expect"].get("retry_after") is not None:
        assert accumulated.error.retry_after == pytest.approx(case["expect"]["retry_after"])


# --- the retry delay ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),  # the SDK reads -ms first
        ({"x-ratelimit-reset-requests": "6m0s", "x-ratelimit-remaining-requests": "0"}, 360.0),
        (
            {
                "x-ratelimit-reset-requests": "1s",
                "x-ratelimit-remaining-requests": "59",
                "x-ratelimit-reset-tokens": "20ms",
                "x-ratelimit-remaining-tokens": "0",
            },
            0.02,
        ),
        ({"x-ratelimit-reset-tokens": "1m30.5s"}, 90.5),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_the_delay_comes_from_the_headers(headers: dict[str, str], seconds: float | None) -> None:
    found = retry_after_from_headers(headers)
    assert found == (None if seconds is None else pytest.approx(seconds))


def test_an_http_date_retry_after_counts_from_now() -> None:
    now = datetime(2026, 12, 3, 12, 0, 0, tzinfo=timezone.utc)
    later = format_datetime(now + timedelta(seconds=42), usegmt=True)
    assert retry_after_from_headers({"Retry-After": later}, now=now.timestamp()) == 42.0
    earlier = format_datetime(now - timedelta(seconds=5), usegmt=True)
    assert retry_after_from_headers({"Retry-After": earlier}, now=now.timestamp()) == 0.0


@pytest.mark.parametrize(
    ("message", "seconds"),
    [
        ("Rate limit reached for gpt-4o. Please try again in 11.054s. Visit ...", 11.054),
        ("Please try again in 28ms.", 0.028),
        ("Too many requests, try again in 35 seconds", 35.0),
        ("Requests to the ChatCompletions_Create Operation ... Please retry after 6 seconds.", 6),
        ("You've hit your usage limit. Try again in 2 minutes.", 120.0),
        ("Rate limit reached.", None),
        (None, None),
    ],
)
def test_the_delay_comes_from_the_message(message: str | None, seconds: float | None) -> None:
    found = retry_after_from_message(message)
    assert found == (None if seconds is None else pytest.approx(seconds))


def test_headers_win_over_the_message() -> None:
    body = json.dumps(
        {"error": {"message": "Please try again in 20s.", "code": "rate_limit_exceeded"}}
    )
    error = UpstreamError.from_http(429, body, {"retry-after": "3"})
    assert error.retry_after == 3.0


# --- rendering for each client --------------------------------------------------------------


def _vllm_context() -> UpstreamError:
    body = {
        "object": "error",
        "message": "This model's maximum context length is 32768 tokens. However, you "
        "requested 40000 tokens.",
        "type": "BadRequestError",
        "param": None,
        "code": 400,
    }
    return UpstreamError.from_http(400, json.dumps(body).encode())


def test_a_chat_client_gets_the_status_the_code_and_the_words() -> None:
    error = _vllm_context()
    assert (error.status, error.code, error.upstream_code) == (
        400,
        "context_length_exceeded",
        "400",
    )
    body = error.to_body()["error"]
    assert body["code"] == "context_length_exceeded"
    assert body["type"] == "BadRequestError"
    assert body["message"].startswith("This model's maximum context length is 32768 tokens")
    assert error.http_headers() == {"x-should-retry": "false"}


def test_a_rate_limit_answers_with_its_delay_in_headers_and_words() -> None:
    body = json.dumps({"error": {"message": "Rate limit reached", "code": "rate_limit_exceeded"}})
    error = UpstreamError.from_http(429, body, {"retry-after-ms": "1500"})
    assert error.http_headers() == {
        "x-should-retry": "true",
        "retry-after": "2",
        "retry-after-ms": "1500",
    }
    # Codex reads the delay from the message only: it is worded there too.
    assert error.to_response_error()["message"] == "Rate limit reached. Please try again in 1.5s."
    assert error.message == "Rate limit reached"  # the upstream's own, untouched


def test_codex_gets_a_code_it_acts_on_in_response_failed() -> None:
    context = _vllm_context()
    events = list(translate_stream([context], to="responses"))
    assert [event.type for event in events] == [
        "response.created",
        "response.in_progress",
        "response.failed",
    ]
    assert isinstance(events[-1], ResponseFailedEvent)
    error = events[-1].response.error
    assert error is not None
    assert (error.code, error.to_dict()["upstream_code"]) == ("context_length_exceeded", "400")
    # Codex stops on a key it cannot use only when the code says the request is invalid.
    auth = UpstreamError.from_http(
        401, b'{"error": {"message": "bad key", "code": "invalid_api_key"}}'
    )
    last = list(translate_stream([auth], to="responses"))[-1]
    assert isinstance(last, ResponseFailedEvent)
    failed = last.response.error
    assert failed is not None
    assert (failed.code, failed.message) == ("invalid_prompt", "bad key")


def test_a_failure_before_any_chat_output_raises_with_its_status() -> None:
    error = UpstreamError.from_http(
        503, b"upstream connect error or disconnect/reset before headers"
    )
    with pytest.raises(UpstreamError) as caught:
        list(translate_stream([error], to="chat"))
    assert caught.value is error
    assert (error.status, error.code, error.retryable) == (503, "server_is_overloaded", True)
    assert error.message == "upstream connect error or disconnect/reset before headers"


def test_an_empty_body_says_what_the_status_says() -> None:
    error = UpstreamError.from_http(504, b"")
    assert (error.code, error.status, error.raw) == ("server_error", 504, {})
    assert error.message == "the upstream answered HTTP 504 with an empty body"
