"""Fixtures shared by test modules."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from wireshift.translate import _stream_to_responses


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chat -> Responses takes ``created_at`` (when chunks carry no ``created``) and
    ``completed_at`` from the clock: fixed, two translations of one stream compare equal
    even when a second boundary falls between them."""
    monkeypatch.setattr(_stream_to_responses, "time", SimpleNamespace(time=lambda: 1767225600.5))
