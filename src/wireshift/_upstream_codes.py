"""What an upstream's error means: one canonical code, whether to retry, and when.

Providers word the same failure many ways (a context overflow is vLLM's "maximum context
length", Ollama's "input length exceeds the context length", llama.cpp's
``exceed_context_size_error``, Anthropic's "prompt is too long"...). Clients act on a few codes
only: Codex gives up at once on ``context_length_exceeded``, ``insufficient_quota`` and
``usage_not_included`` and reads the delay of a ``rate_limit_exceeded`` from its message; the
openai SDK retries 408, 409, 429 and 5xx after ``retry-after-ms`` / ``retry-after``. The tables
below are the mapping, as data; :func:`canonical_code` applies them in order.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Mapping
from functools import cache
from typing import Any

__all__ = [
    "CANONICAL_CODES",
    "FATAL_CODES",
    "canonical_code",
    "delay_wording",
    "error_object",
    "provider_error",
    "retry_after_from_headers",
    "retry_after_from_message",
    "status_for",
]

CANONICAL_CODES: tuple[str, ...] = (
    "context_length_exceeded",
    "rate_limit_exceeded",
    "insufficient_quota",
    "usage_not_included",
    "invalid_prompt",
    "invalid_request_error",
    "authentication_error",
    "permission_denied",
    "model_not_found",
    "server_is_overloaded",
    "server_error",
    # wireshift's own, for failures no upstream reported in words
    "stream_interrupted",
    "upstream_unreadable",
    "upstream_unreachable",
)

FATAL_CODES = frozenset(
    {
        "context_length_exceeded",
        "insufficient_quota",
        "usage_not_included",
        "invalid_prompt",
        "invalid_request_error",
        "authentication_error",
        "permission_denied",
        "model_not_found",
    }
)
"""Codes a client should not retry: the same request fails the same way."""

# A provider's own ``code`` or ``type`` that says exactly what happened.
_EXACT: dict[str, str] = {
    "context_length_exceeded": "context_length_exceeded",
    "exceed_context_size_error": "context_length_exceeded",  # llama.cpp
    "contextwindowexceedederror": "context_length_exceeded",  # LiteLLM's class name
    "rate_limit_exceeded": "rate_limit_exceeded",
    "rate_limit_error": "rate_limit_exceeded",  # Anthropic
    "rate_limit": "rate_limit_exceeded",
    "ratelimiterror": "rate_limit_exceeded",
    "tokens": "rate_limit_exceeded",  # OpenAI's type for a token-rate limit
    "requests": "rate_limit_exceeded",
    "insufficient_quota": "insufficient_quota",
    "billing_hard_limit_reached": "insufficient_quota",
    "usage_not_included": "usage_not_included",
    "invalid_prompt": "invalid_prompt",
    "invalid_api_key": "authentication_error",
    "authentication_error": "authentication_error",
    "authenticationerror": "authentication_error",
    "permission_error": "permission_denied",  # Anthropic
    "permission_denied": "permission_denied",
    "permissiondeniederror": "permission_denied",
    "model_not_found": "model_not_found",
    "notfounderror": "model_not_found",
    "overloaded_error": "server_is_overloaded",  # Anthropic
    "server_is_overloaded": "server_is_overloaded",
    "engine_overloaded": "server_is_overloaded",
    "serviceunavailableerror": "server_is_overloaded",
    "stream_interrupted": "stream_interrupted",
    "upstream_unreadable": "upstream_unreadable",
    "upstream_unreachable": "upstream_unreachable",
}

# Wordings, by the code they mean, tried in this order against the message when no exact code
# said it (a context overflow worded as a "rate" or "limit" must not read as a rate limit).
_WORDINGS_BY_CODE: dict[str, tuple[str, ...]] = {
    "context_length_exceeded": (
        r"maximum context length",  # vLLM, OpenAI, DeepSeek, OpenRouter
        r"context[ _-]?length[ _](?:exceeded|is)",
        r"exceeds? (?:the )?(?:available |model'?s? )?context",  # Ollama, llama.cpp
        r"context (?:window|size) (?:exceeded|is too small|of \d+)",
        r"ContextWindowExceeded|context_window_exceeded",  # LiteLLM
        r"prompt is too long|input is too long",  # Anthropic
        r"too many (?:input )?tokens",
        r"reduce the length of (?:the )?(?:messages|prompt|input)",
        r"maximum prompt length|context limit is|context length of only",  # xAI, LM Studio
        r"exceeds the maximum number of tokens|model token limit|request too long",
        r"longer than the (?:model'?s? )?(?:context|maximum)",  # SGLang
    ),
    "insufficient_quota": (
        r"exceeded your current quota",  # OpenAI
        r"insufficient[ _](?:balance|quota|credits?)",  # DeepSeek, OpenRouter
        r"(?:requires|add) more credits|credit balance is too low|out of credits",
    ),
    "rate_limit_exceeded": (r"rate[ _-]?limit|too many requests|requests per (?:min|second)",),
    "model_not_found": (
        r"model\b.{0,80}\b(?:not found|does not exist|is not (?:available|supported))",
        r"(?:no such|unknown|invalid) model\b",
    ),
    "server_is_overloaded": (r"overloaded|over capacity|at capacity|temporarily unavailable",),
    "authentication_error": (r"invalid[ _]api[ _]key|incorrect api key|unauthori[sz]ed",),
}


@cache
def _wordings() -> tuple[tuple[re.Pattern[str], str], ...]:
    # Compiled on the first error read: compiling them is 2-4 ms of a fresh worker's start.
    return tuple(
        (re.compile("|".join(patterns), re.IGNORECASE), code)
        for code, patterns in _WORDINGS_BY_CODE.items()
    )


# Broad ``type`` values that only say which side is at fault.
_BROAD: dict[str, str] = {
    "invalid_request_error": "invalid_request_error",
    "badrequesterror": "invalid_request_error",
    "bad_request": "invalid_request_error",
    "invalid_request": "invalid_request_error",
    "unprocessableentityerror": "invalid_request_error",
    "not_found_error": "model_not_found",
    "api_error": "server_error",
    "server_error": "server_error",
    "internal_error": "server_error",
    "internalservererror": "server_error",
    "timeout_error": "server_error",
    "apiconnectionerror": "server_error",
}

_BY_STATUS: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "insufficient_quota",
    403: "permission_denied",
    404: "model_not_found",
    408: "server_error",
    409: "server_error",
    413: "invalid_request_error",  # a body over a proxy's size cap, not the model's window
    422: "invalid_request_error",
    429: "rate_limit_exceeded",
    503: "server_is_overloaded",
    529: "server_is_overloaded",  # Anthropic's "overloaded"
}

_STATUS_BY_CODE: dict[str, int] = {
    "context_length_exceeded": 400,
    "rate_limit_exceeded": 429,
    "insufficient_quota": 429,
    "usage_not_included": 403,
    "invalid_prompt": 400,
    "invalid_request_error": 400,
    "authentication_error": 401,
    "permission_denied": 403,
    "model_not_found": 404,
    "server_is_overloaded": 503,
    "server_error": 502,
    "stream_interrupted": 502,
    "upstream_unreadable": 502,
    "upstream_unreachable": 502,
}


def _key(value: str | None) -> str:
    return (value or "").strip().lower().replace("-", "_").replace(" ", "_")


def canonical_code(
    status: int | None, code: str | None, type: str | None, message: str | None
) -> str:
    """The one code clients act on: from the provider's exact code or type, else its wording,
    else its broad type, else the HTTP status; ``server_error`` when nothing says more."""
    for value in (code, type):
        found = _EXACT.get(_key(value))
        if found:
            return found
    if message:
        for pattern, found in _wordings():
            if pattern.search(message) and _fits(found, status):
                return found
    for value in (code, type):
        found = _BROAD.get(_key(value))
        if found:
            return found
    if status is not None:
        if status in _BY_STATUS:
            return _BY_STATUS[status]
        if 400 <= status < 500:
            return "invalid_request_error"
    return "server_error"


def _fits(code: str, status: int | None) -> bool:
    """Whether a wording's code can be what a status says: a context overflow is the
    request's fault (a 4xx), never a rate limit's 429 ("too many tokens in the last minute")
    nor a server's 5xx ("failed to load the model: the maximum context length...")."""
    if code != "context_length_exceeded" or status is None:
        return True
    return 400 <= status < 500 and status != 429


def status_for(code: str) -> int:
    """The HTTP status a gateway answers with for a canonical code it has no status for."""
    return _STATUS_BY_CODE.get(code, 502)


# --- the retry delay ------------------------------------------------------------------------

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
# Patterns are strings, compiled (and cached by `re`) when an error is first read: a worker
# whose upstream never fails never compiles them.
_DURATION = r"(\d+(?:\.\d+)?)(ms|h|m|s)"
_WORDED_DELAY = (
    r"(?:try again|retry) (?:in|after) (\d+(?:\.\d+)?)\s*"
    r"(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?)\b"
)


def _duration(text: str) -> float | None:
    """``"1s"``, ``"6m0s"``, ``"20ms"``, ``"1h2m3.5s"`` in seconds (the reset headers' form)."""
    text = text.strip()
    parts = re.findall(_DURATION, text)
    if not parts or "".join(n + u for n, u in parts) != text:
        try:
            return max(float(text), 0.0)
        except ValueError:
            return None
    return sum(float(n) * _UNITS[u] for n, u in parts)


def retry_after_from_headers(
    headers: Mapping[str, str] | None, *, now: float | None = None
) -> float | None:
    """Seconds to wait, from ``retry-after-ms``, ``retry-after`` (seconds or an HTTP date),
    or the ``x-ratelimit-reset-*`` header of the limit that ran out."""
    if not headers:
        return None
    lower = {str(k).lower(): str(v) for k, v in headers.items()}
    ms = lower.get("retry-after-ms")
    if ms is not None:
        try:
            return max(float(ms), 0.0) / 1000
        except ValueError:
            pass
    after = lower.get("retry-after")
    if after is not None:
        try:
            return max(float(after), 0.0)
        except ValueError:
            try:
                from email.utils import parsedate_to_datetime  # rare: a date, not seconds

                moment = parsedate_to_datetime(after).timestamp()
            except (TypeError, ValueError, IndexError, OverflowError):
                moment = None
            if moment is not None:
                return max(moment - (time.time() if now is None else now), 0.0)
    resets = {}
    for kind in ("requests", "tokens"):
        reset = lower.get(f"x-ratelimit-reset-{kind}")
        if reset is not None and (seconds := _duration(reset)) is not None:
            resets[kind] = seconds
    spent = [s for kind, s in resets.items() if lower.get(f"x-ratelimit-remaining-{kind}") == "0"]
    if spent:
        return max(spent)
    return min(resets.values()) if resets else None


def retry_after_from_message(message: str | None) -> float | None:
    """Seconds to wait, from "Please try again in 11.054s" / "in 28ms" / "in 35 seconds" /
    Azure's "Please retry after 6 seconds"."""
    if not message:
        return None
    found = re.search(_WORDED_DELAY, message, re.IGNORECASE)
    if found is None:
        return None
    unit = found.group(2).lower()
    if unit == "ms" or unit.startswith("milli"):
        scale = 0.001
    elif unit.startswith("m"):
        scale = 60.0
    else:
        scale = 1.0
    return float(found.group(1)) * scale


def delay_wording(seconds: float) -> str:
    """The sentence Codex reads a delay from (it parses "try again in 1.5s")."""
    if seconds < 1:
        return f"Please try again in {math.ceil(seconds * 1000)}ms."
    return f"Please try again in {seconds:.3g}s."


# --- reading an error body ------------------------------------------------------------------

_TAGS = r"<[^>]+>"
_TITLE = r"<title[^>]*>(.*?)</title>"


def _text_of(text: str) -> str:
    """Plain text of an error page: its title, else its text without tags, one line."""
    title = re.search(_TITLE, text, re.IGNORECASE | re.DOTALL)
    if title and title.group(1).strip():
        text = title.group(1)
    elif "<" in text and ">" in text:
        text = re.sub(_TAGS, " ", text)
    return " ".join(text.split())


def error_object(body: Any) -> tuple[dict[str, Any] | None, str]:
    """The error a body holds, as a mapping with ``message`` / ``code`` / ``type`` / ``param``
    where the provider says them (``None`` when it holds no error object), and the body as
    text. Reads OpenAI's ``{"error": {...}}``, vLLM's ``{"object": "error", ...}``, Ollama's
    ``{"error": "text"}``, Anthropic's ``{"type": "error", "error": {...}}``, FastAPI's
    ``{"detail": ...}``, and OpenRouter's ``metadata.raw`` (the provider's own error, kept as
    ``provider_error``)."""
    from ._json import DEFAULT_MAX_DEPTH, load_json, too_deep  # _json imports the errors

    text = ""
    data: Any = body
    if isinstance(body, (bytes, bytearray, memoryview)):
        body = bytes(body).decode("utf-8", "replace")
    if isinstance(body, (Mapping, list)) and too_deep(body, DEFAULT_MAX_DEPTH):
        return None, f"an error body nested more than {DEFAULT_MAX_DEPTH} levels deep"
    if isinstance(body, str):
        text = body.strip()
        if not text:
            return None, ""
        try:
            data = load_json(text, what="error body")
        except ValueError:  # not JSON, or nested past the limit: read as text
            return None, _text_of(text)
    if isinstance(data, list) and data and isinstance(data[0], Mapping):
        data = data[0]  # Gemini's OpenAI-compatible endpoint answers with a list of one
    if not isinstance(data, Mapping):
        return None, text or _written(data)
    found = _from_mapping(data)
    return found, text or _written(data)


def _written(data: Any) -> str:
    """Parsed JSON a caller handed in, as text for a message (never raising)."""
    try:
        return json.dumps(data, default=str)
    except (ValueError, RecursionError):
        return f"<{type(data).__name__} that JSON cannot write>"


def _from_mapping(data: Mapping[str, Any]) -> dict[str, Any] | None:
    error = data.get("error")
    if isinstance(error, str) and error.strip():
        return {"message": error}
    if isinstance(error, Mapping):
        found = dict(error)
        if isinstance(found.get("error"), Mapping) and not found.get("message"):
            found = dict(found["error"])
        inner = provider_error(found)
        if inner is not None:
            found["provider_error"] = inner
        return found
    if data.get("object") == "error" or ("message" in data and ("code" in data or "type" in data)):
        return dict(data)
    detail = data.get("detail")
    if isinstance(detail, str) and detail:
        return {"message": detail}
    if isinstance(detail, (list, Mapping)) and detail:
        return {"message": json.dumps(detail, default=str), "type": "invalid_request_error"}
    if isinstance(data.get("message"), str) and data["message"]:
        return dict(data)
    return None


def provider_error(error: Mapping[str, Any]) -> dict[str, Any] | None:
    """OpenRouter's ``metadata.raw``: the provider's error, as JSON text or plain text."""
    metadata = error.get("metadata")
    if not isinstance(metadata, Mapping):
        return None
    raw = metadata.get("raw")
    if raw is None:
        return None
    inner, text = error_object(raw if isinstance(raw, (str, bytes)) else json.dumps(raw))
    if inner is None:
        if not text:
            return None
        inner = {"message": text}
    if isinstance(metadata.get("provider_name"), str):
        inner.setdefault("provider_name", metadata["provider_name"])
    return inner
