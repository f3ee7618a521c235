"""The gateway benchmark cannot rot: one short turn through each of its contenders (the
pass-through and its control, the docs' two wireshift recipes, LiteLLM's proxy server), each a
real server process on 127.0.0.1, with what reaches the client checked against what the
scripted upstream sent. No timing: benchmarks/gateway_cost.py measures, this only runs it."""

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


def _chat_direction(gateway_cost: Any) -> Any:
    """The chat-upstream direction with the pass-through, wireshift and the control (no
    servers: for building the table from made-up rounds)."""
    direction = gateway_cost.Direction("chat upstream -> Responses client", "chat")
    direction.contenders += [
        gateway_cost.Contender(name, (0, None), "chat", lambda kind, turn: b"")
        for name in ("pass-through", "wireshift", gateway_cost.CONTROL)
    ]
    return direction


def _latency(
    gateway_cost: Any, once: list[Any], floor: list[Any], ours: list[Any], control: list[Any]
) -> dict[tuple[int, str, int], list[Any]]:
    """The chat direction's rounds by level as ``_measure`` keeps them: ``once`` for the
    pass-through and wireshift at 1 and 16 streams, the given rounds at 64."""
    return {
        **{(0, name, level): once for name in ("pass-through", "wireshift") for level in (1, 16)},
        (0, "pass-through", 64): floor,
        (0, "wireshift", 64): ours,
        (0, gateway_cost.CONTROL, 64): control,
    }


def test_every_contender_streams_the_upstreams_turn_intact() -> None:
    gateway_cost = _gateway_cost()
    results = gateway_cost.smoke()
    expected = {
        f"{who}, {upstream} upstream"
        for who in ("pass-through", "wireshift", f"LiteLLM {gateway_cost.LITELLM_VERSION}")
        for upstream in ("chat", "responses")
    }
    expected.add(f"{gateway_cost.CONTROL}, chat upstream")
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


def test_the_control_gives_its_p50_and_p99_where_it_ran_without_a_target() -> None:
    gateway_cost = _gateway_cost()
    sample, direction = gateway_cost.Sample, _chat_direction(gateway_cost)

    def rounds(*p99s: float) -> list[Any]:
        # 100 delays a round: 98 of 1 ms and two at the round's p99, so each round's own
        # p99 is the given figure.
        return [sample([0.02], [0.001] * 98 + [p99] * 2) for p99 in p99s]

    latency = _latency(
        gateway_cost,
        once=rounds(0.002),
        floor=rounds(0.004, 0.004, 0.002),
        ours=rounds(0.004, 0.004, 0.002),
        control=rounds(0.008, 0.008, 0.001),
    )
    section = gateway_cost._latency_section(direction, 0, latency, {})
    control = [row for row in section.rows if gateway_cost.CONTROL in row.name]
    # Where it ran (the judged level), its p50 and p99, with no target: never met or missed.
    assert [row.name for row in control] == [
        f"64 streams, {gateway_cost.CONTROL}: p50 per event",
        f"64 streams, {gateway_cost.CONTROL}: p99 per event",
    ]
    assert [(row.target, row.met) for row in control] == [("", None), ("", None)]
    assert control[0].ratio == 1.0  # 1 ms against 1 ms
    row = control[1]
    # Pooled over its rounds: the 4th-highest of 300 delays is 8 ms, against the floor's 4 ms.
    assert row.ratio == 2.0
    assert "each round's own p99 ratio: 2.00x, 2.00x, 0.50x" in row.note
    judged = [row for row in section.rows if row.target]
    assert [row.name for row in judged] == ["64 streams, wireshift: p99 per event"]
    assert judged[0].met is True  # 4 ms against 4 ms pooled


def test_the_judged_and_control_rows_say_how_much_cpu_the_host_took_in_each_round() -> None:
    gateway_cost = _gateway_cost()
    sample, direction = gateway_cost.Sample, _chat_direction(gateway_cost)

    def rounds(*steals: float) -> list[Any]:
        return [sample([0.02], [0.001] * 100, steal) for steal in steals]

    latency = _latency(
        gateway_cost,
        once=rounds(9.0),
        floor=rounds(0.0, 0.01, 0.07),
        ours=rounds(0.14, 0.0, 0.02),
        control=rounds(0.52, 0.01, 0.0),
    )
    section = gateway_cost._latency_section(direction, 0, latency, {})
    notes = {row.name: row.note for row in section.rows}
    # In the order the rounds ran; the judged row says the pass-through's rounds' too.
    judged = notes["64 streams, wireshift: p99 per event"]
    assert judged.endswith(
        "host steal by round, s: wireshift 0.14 / 0.00 / 0.02, pass-through 0.00 / 0.01 / 0.07"
    )
    control = notes[f"64 streams, {gateway_cost.CONTROL}: p99 per event"]
    assert control.endswith(f"host steal by round, s: {gateway_cost.CONTROL} 0.52 / 0.01 / 0.00")
    # Levels run once say nothing of it.
    assert not any("steal" in note for name, note in notes.items() if "64 streams" not in name)
