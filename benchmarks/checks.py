"""Each contender's output is checked once before it is timed: a fast wrong answer (an error
swallowed, a stream cut short) must not pass for a fast right one."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from common import Unavailable, split_sse

__all__ = [
    "chat_arguments",
    "chat_text",
    "responses_arguments",
    "responses_text",
    "stream_text",
    "verified",
]

Check = Callable[[Any], "str | None"]


def verified(fn: Callable[[], Any], check: Check) -> Callable[[], Any]:
    """``fn``, whose first result must pass ``check`` (which returns what is wrong, or
    ``None``); otherwise the contender is reported as not measured, with the reason."""
    pending = [True]

    def run() -> Any:
        out = fn()
        if pending:
            pending.clear()
            problem = check(out)
            if problem is not None:
                raise Unavailable(f"wrong output: {problem}")
        return out

    return run


def _payloads(chunks: list[bytes]) -> list[Any]:
    return [json.loads(data) for data in split_sse(chunks) if data.strip() != b"[DONE]"]


def responses_text(chunks: list[bytes]) -> str:
    """The text of a Responses stream's ``output_text`` deltas, joined."""
    return "".join(
        e["delta"] for e in _payloads(chunks) if e.get("type") == "response.output_text.delta"
    )


def responses_arguments(chunks: list[bytes]) -> str:
    """The function-call argument deltas of a Responses stream, joined."""
    return "".join(
        e["delta"]
        for e in _payloads(chunks)
        if e.get("type") == "response.function_call_arguments.delta"
    )


def chat_text(chunks: list[bytes]) -> str:
    """The content deltas of a chat stream, joined."""
    return "".join(
        choice["delta"].get("content") or ""
        for e in _payloads(chunks)
        for choice in e.get("choices", [])
    )


def chat_arguments(chunks: list[bytes]) -> list[str]:
    """The joined argument deltas of each tool call of a chat stream, by index."""
    calls: dict[int, str] = {}
    for e in _payloads(chunks):
        for choice in e.get("choices", []):
            for call in choice["delta"].get("tool_calls") or []:
                piece = (call.get("function") or {}).get("arguments") or ""
                calls[call["index"]] = calls.get(call["index"], "") + piece
    return [calls[i] for i in sorted(calls)]


def stream_text(out: list[bytes], to: str) -> str:
    """The answer text carried by a translated stream of SSE bytes."""
    if to == "responses":
        return responses_text(out)
    return chat_text(out)
