"""Everything an accumulation gives back, as plain data, for tests that run a stream two
ways and compare."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import pytest

from wireshift.accumulate import AccumulatedChatCompletion, AccumulatedResponse, accumulate_stream


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


def assert_same_both_ways(
    items: list[Any],
    format: Literal["responses", "chat"],
    slow: Callable[[pytest.MonkeyPatch], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Accumulate ``items`` as they are and with ``slow`` applied (turning the fast readings
    off); the outcomes must be equal."""
    fast = outcome(accumulate_stream(items, to=format))
    with monkeypatch.context() as patch:
        slow(patch)
        assert outcome(accumulate_stream(items, to=format)) == fast
