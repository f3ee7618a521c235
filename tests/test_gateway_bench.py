"""The gateway benchmark cannot rot: one short turn through each of its contenders (the
pass-through, the docs' two wireshift recipes, LiteLLM's proxy server), each a real server
process on 127.0.0.1, with what reaches the client checked against what the scripted
upstream sent. No timing: benchmarks/gateway_cost.py measures, this only runs it."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _gateway_cost() -> Any:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        return importlib.import_module("gateway_cost")
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_every_contender_streams_the_upstreams_turn_intact() -> None:
    gateway_cost = _gateway_cost()
    results = gateway_cost.smoke()
    expected = {
        f"{who}, {upstream} upstream"
        for who in ("pass-through", "wireshift", f"LiteLLM {gateway_cost.LITELLM_VERSION}")
        for upstream in ("chat", "responses")
    }
    assert set(results) == expected
    wrong = {who: why for who, why in results.items() if why is not None}
    assert not wrong


def test_the_judged_p99_is_over_every_rounds_events() -> None:
    gateway_cost = _gateway_cost()
    sample = gateway_cost.Sample
    # Two rounds of 100 delays each: one round with two late events, one with none.
    quiet = sample([0.02, 0.04], [0.001] * 100)
    stalled = sample([0.03], [0.001] * 98 + [0.5, 0.6])
    first, p50, p99 = gateway_cost.pooled([quiet, stalled])
    assert first == 0.03  # the median of all three turns' first bytes
    assert p50 == 0.001
    # The 198th of 200 delays (index 198 counting from 0): the stall's first late event; the
    # stalled round alone has its p99 at its last.
    assert p99 == 0.5
    assert gateway_cost.pooled([stalled])[2] == 0.6
    assert gateway_cost.pooled([quiet])[2] == 0.001


def test_a_peer_is_left_out_where_its_own_cpu_cannot_keep_up() -> None:
    gateway_cost = _gateway_cost()
    events = 20_400  # a long turn's
    # LiteLLM's long turn took 38.2 s of CPU: 1.87 ms an event, and 16 streams send 800 a
    # second, one and a half cores' worth; the pass-through's 4.6 s is 0.72 cores at 64.
    assert round(gateway_cost._cores_needed([38.2], events, 16), 2) == 1.5
    assert round(gateway_cost._cores_needed([4.4, 4.6, 9.0], events, 64), 2) == 0.72
    note = gateway_cost._overloaded(1.5, 16)
    for said in ("16 streams", "1.5 cores", "800 events/s"):
        assert said in note
