"""Everything an accumulation gives back, as plain data, for tests that run a stream two
ways and compare."""

from __future__ import annotations

from typing import Any

from wireshift.accumulate import AccumulatedChatCompletion, AccumulatedResponse


def outcome(result: AccumulatedResponse | AccumulatedChatCompletion) -> tuple[Any, ...]:
    """The final object's JSON, the notes, the error, whether it was cut, unknown events."""
    final = result.response if isinstance(result, AccumulatedResponse) else result.completion
    error = result.error
    return (
        final.to_json(),
        [(n.path, n.action, n.code, n.reason) for n in result.notes],
        None if error is None else error.to_body(),
        result.truncated,
        result.unknown_events,
    )
