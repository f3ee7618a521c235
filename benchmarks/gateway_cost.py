"""The gateway group: whole proxy processes over real HTTP on 127.0.0.1, side by side.

A scripted upstream (``gateway/upstream.py``) streams chat or Responses events paced like a
model; each contender is a server process between it and this process's load generator:
the pass-through floor, the docs' wireshift recipes, and LiteLLM's proxy server. Measured:
the proxy process's CPU seconds per long turn, and with 1, 16 and 64 concurrent short turns
the time to first byte and the delay per event at the client, against the pass-through.
"""

from __future__ import annotations

import asyncio
import gc
import json
import statistics
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import workloads
from common import Row, Section, Unavailable
from gateway.fleet import Fleet, cpu_seconds, host_steal_seconds
from gateway.load import API_KEY, Content, Turn, run_turn, stream_content
from gateway.upstream import GAPS, PATHS, SIZES, streams
from venvs import LITELLM_REQUIREMENT, peer_python

__all__ = ["Contender", "Direction", "sections", "smoke"]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "docs" / "examples"
GATEWAY = Path(__file__).resolve().parent / "gateway"
CONCURRENCY = (1, 16, 64)
DEADLINE = 900.0
"""Seconds after which every process of the run exits, finished or not."""
SPREAD = 1.0
"""Seconds over which the streams of a concurrent run start."""
JUDGED = 64
"""The concurrency the delay target is set at: sampled ``--repeats`` times, the others once."""
JUDGED_NAMES = ("pass-through", "wireshift")
"""The contenders the targets are about: every other (a peer) runs once a level, and not at
all at a level its own CPU cannot keep up with."""
CONTROL = "control"
"""The pass-through again, in a process of its own, run only in the judged level's rounds
of the chat-upstream direction (both would take the group past five minutes): its ratio to
the pass-through is how far two runs of one proxy differ here, the scatter the judged ratios
are read against."""
SLOW_TURN = 10.0
"""Seconds: a contender whose long turn takes longer is sampled once (LiteLLM's take 15-20 s)."""
LITELLM_VERSION = LITELLM_REQUIREMENT.split("==")[1]
LITELLM_CONFIG = """\
model_list:
  - model_name: bench
    litellm_params: {{model: deepseek/bench, api_base: "{base}", api_key: bench}}
  - model_name: bench-responses
    litellm_params: {{model: openai/responses/bench, api_base: "{base}", api_key: bench}}
litellm_settings: {{drop_params: true}}
"""
"""``bench``: a chat-only provider, so ``/v1/responses`` goes through LiteLLM's chat
bridge (``hosted_vllm`` would forward it to the upstream's own ``/v1/responses``);
``bench-responses``: its Responses bridge behind ``/v1/chat/completions``."""


@dataclass
class Contender:
    """One server of a direction: what the client sends it, in which format."""

    name: str
    server: tuple[int, Any]
    """Its port and process."""
    wire: str
    """The format the client speaks to it, and gets back."""
    body: Callable[[str, int], bytes]

    @property
    def port(self) -> int:
        return int(self.server[0])

    @property
    def pid(self) -> int:
        return int(self.server[1].pid)

    @property
    def path(self) -> str:
        return PATHS[self.wire]


@dataclass
class Direction:
    """A kind of upstream and the contenders serving it, the pass-through first."""

    title: str
    upstream_wire: str
    contenders: list[Contender] = field(default_factory=list)
    unavailable: dict[str, str] = field(default_factory=dict)


def _marker(kind: str, turn: int) -> str:
    """The user's words, with what tells the upstream which turn to stream."""
    return f"Run the tests. (bench turn {turn} {kind})"


def _responses_body(model: str) -> Callable[[str, int], bytes]:
    """The captured Codex 0.169 request, with the turn's marker in its last user message."""
    base = workloads.codex_request()

    def body(kind: str, turn: int) -> bytes:
        text = {"type": "input_text", "text": _marker(kind, turn)}
        message = {"type": "message", "role": "user", "content": [text]}
        return json.dumps({**base, "model": model, "input": [*base["input"], message]}).encode()

    return body


def _chat_body(model: str) -> Callable[[str, int], bytes]:
    base = workloads.chat_request()

    def body(kind: str, turn: int) -> bytes:
        message = {"role": "user", "content": _marker(kind, turn)}
        messages = [*base["messages"], message]
        return json.dumps({**base, "model": model, "stream": True, "messages": messages}).encode()

    return body


def _translated(body: Callable[[str, int], bytes], to: str, profile: str) -> Callable[..., bytes]:
    """What a recipe sends its upstream for ``body``: the pass-through's request."""
    import wireshift

    return lambda kind, turn: (
        wireshift.translate_request(body(kind, turn), to=to, profile=profile).body
    )


def _get_json(port: int, path: str) -> Any:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as reply:
        return json.loads(reply.read())


def _litellm_ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/liveliness", timeout=2):
            return True
    except OSError:
        return False


def _start(fleet: Fleet) -> tuple[int, list[Direction], Callable[[], None]]:
    """The upstream and every contender started, ours ready; the directions they serve, and
    what waits for LiteLLM (about 20 s of import) and adds it to them."""
    # LiteLLM's venv first: making it takes minutes, longer than a short run's deadline.
    litellm_python: Path | Unavailable
    try:
        litellm_python = peer_python("litellm", [LITELLM_REQUIREMENT])
    except Unavailable as why:
        litellm_python = why
    upstream = fleet.upstream()
    base = f"http://127.0.0.1:{upstream}/v1"
    python = sys.executable
    env = {"UPSTREAM_URL": base}
    passthrough = fleet.server(python, "passthrough:app", GATEWAY, env)
    again = fleet.server(python, "passthrough:app", GATEWAY, env)
    codex = fleet.server(python, "codex_proxy:app", EXAMPLES, {**env, "PROFILE": "vllm"})
    chat = fleet.server(python, "chat_to_codex_backend:app", EXAMPLES, env)
    to_chat = Direction(
        "chat upstream -> Responses client (docs/examples/codex_proxy.py, PROFILE=vllm)", "chat"
    )
    to_responses = Direction(
        "Responses upstream -> chat client (docs/examples/chat_to_codex_backend.py)", "responses"
    )
    codex_body, chat_body = _responses_body("bench"), _chat_body("bench")
    to_chat_body = _translated(codex_body, "chat", "vllm")
    to_chat.contenders += [
        Contender("pass-through", passthrough, "chat", to_chat_body),
        Contender("wireshift", codex, "responses", codex_body),
        Contender(CONTROL, again, "chat", to_chat_body),
    ]
    to_responses.contenders += [
        Contender(
            "pass-through",
            passthrough,
            "responses",
            _translated(chat_body, "responses", "chatgpt-codex"),
        ),
        Contender("wireshift", chat, "chat", chat_body),
    ]
    # LiteLLM takes seconds to import: it starts first and is waited for last.
    litellm: tuple[int, Any] | Unavailable = litellm_python
    if not isinstance(litellm_python, Unavailable):
        litellm = _start_litellm(fleet, litellm_python, base)
    fleet.wait_ready([passthrough, again, codex, chat], 60)

    def join_litellm() -> None:
        nonlocal litellm
        if not isinstance(litellm, Unavailable):
            try:
                fleet.wait_ready([litellm], 120, _litellm_ready)
            except RuntimeError as error:
                litellm = Unavailable(f"LiteLLM proxy did not start: {error}")
        name = f"LiteLLM {LITELLM_VERSION}"
        if isinstance(litellm, Unavailable):
            for direction in (to_chat, to_responses):
                direction.unavailable[name] = str(litellm)
        else:
            to_chat.contenders.append(Contender(name, litellm, "responses", codex_body))
            to_responses.contenders.append(
                Contender(name, litellm, "chat", _chat_body("bench-responses"))
            )

    return upstream, [to_chat, to_responses], join_litellm


def _start_litellm(fleet: Fleet, python: Path, base: str) -> tuple[int, Any]:
    """LiteLLM's proxy server from its venv, serving both models."""
    config = fleet.scratch / "litellm.yaml"
    config.write_text(LITELLM_CONFIG.format(base=base))
    env = {
        "CONFIG_FILE_PATH": str(config),
        "LITELLM_MASTER_KEY": API_KEY,
        "LITELLM_LOG": "ERROR",
        "LITELLM_TELEMETRY": "False",
        # Its shipped cost map: else it fetches one from GitHub at import (off 127.0.0.1).
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "PYTHONPATH": "",
    }
    return fleet.server(python, "litellm.proxy.proxy_server:app", ".", env)


class _Turns:
    """Turn ids, unique in the run, and the upstream's expected content per stream."""

    def __init__(self, upstream: int) -> None:
        self.upstream = upstream
        self.next = 0
        self.events = streams()
        # Read once with each event's index for its arrival time: the text arrivals are then
        # the index of each event that carries text, and the text so far.
        self.expected = {
            key: stream_content([(float(n), event) for n, event in enumerate(events)], key[0])
            for key, events in self.events.items()
        }

    def new(self) -> int:
        self.next += 1
        return self.next

    async def run(self, who: Contender, upstream_wire: str, kind: str) -> tuple[Turn, Content]:
        """One turn through ``who``; its output checked against the upstream's."""
        turn = await self.send(who, kind)
        return turn, self.check(turn, who, upstream_wire, kind)

    def prepare(self, who: Contender, kind: str) -> tuple[int, bytes]:
        """A new turn's id and the body ``who`` is sent for it."""
        turn_id = self.new()
        return turn_id, who.body(kind, turn_id)

    async def send(
        self, who: Contender, kind: str, prepared: tuple[int, bytes] | None = None
    ) -> Turn:
        """One turn through ``who``, unread (reading it during a run would slow the client)."""
        turn_id, body = prepared or self.prepare(who, kind)
        turn = await run_turn(who.port, who.path, body)
        turn.turn_id = turn_id
        return turn

    def check(self, turn: Turn, who: Contender, upstream_wire: str, kind: str) -> Content:
        """What ``turn`` carried; :class:`Unavailable` when it is not what the upstream sent."""
        content = stream_content(turn.chunks, who.wire)
        content.turn_id = turn.turn_id
        expected = self.expected[upstream_wire, kind]
        problem = None
        if turn.status != 200:
            problem = f"HTTP {turn.status}: {b''.join(c for _, c in turn.chunks)[:300]!r}"
        elif content.error is not None:
            problem = f"an error event: {content.error}"
        elif content.text != expected.text:
            problem = f"text differs ({len(content.text)} of {len(expected.text)} characters)"
        elif content.arguments != expected.arguments:
            problem = "tool arguments differ"
        if problem is not None:
            raise Unavailable(f"wrong output: {problem}")
        return content

    def delays(self, upstream_wire: str, kind: str, turn_id: int, seen: Content) -> list[float]:
        """Per text delta: when the client had that much text, less when the upstream wrote
        the event that brought it."""
        written = _get_json(self.upstream, f"/times/{turn_id}")
        out = []
        arrivals = seen.text_arrivals
        j = 0
        for index, upto in self.expected[upstream_wire, kind].text_arrivals:
            while arrivals[j][1] < upto:
                j += 1
            out.append(arrivals[j][0] - written[int(index)])
        return out


async def _cpu_turn(turns: _Turns, who: Contender, wire: str) -> float:
    before = cpu_seconds(who.pid)
    await turns.run(who, wire, "long")
    return cpu_seconds(who.pid) - before


class Sample(NamedTuple):
    """One run of concurrent turns: each turn's time to its first body byte, each text
    delta's delay at the client, and the seconds the hypervisor took from the machine
    meanwhile."""

    first_bytes: list[float]
    delays: list[float]
    steal: float = 0.0


def pooled(samples: list[Sample]) -> tuple[float, float, float]:
    """The median first byte, and the p50 and p99 delay per event, over every turn and every
    event of ``samples`` together."""
    first = statistics.median(x for sample in samples for x in sample.first_bytes)
    delays = sorted(d for sample in samples for d in sample.delays)
    return first, delays[len(delays) // 2], delays[min(len(delays) - 1, int(len(delays) * 0.99))]


async def _concurrent(turns: _Turns, who: Contender, wire: str, streams_at_once: int) -> Sample:
    """``streams_at_once`` short turns, started evenly over :data:`SPREAD` (sessions do not
    start in step)."""
    step = SPREAD / streams_at_once
    # Built before the round: building a body (for the pass-through, translating it) is the
    # client's work, which would otherwise compete with the proxy for the round's CPU.
    bodies = [turns.prepare(who, "short") for _ in range(streams_at_once)]

    async def one(n: int) -> Turn:
        await asyncio.sleep(n * step)
        return await turns.send(who, "short", bodies[n])

    # The load generator's own collections (up to 16 ms when the earlier rounds' turns are
    # walked) would stamp late arrivals on whichever proxy's round they fall in: the client
    # collects before the round and not during it (a round allocates a few MB at most).
    gc.collect()
    gc.disable()
    stolen = host_steal_seconds()
    try:
        done = await asyncio.gather(*(one(n) for n in range(streams_at_once)))
    finally:
        gc.enable()
    stolen = host_steal_seconds() - stolen
    delays: list[float] = []
    for turn in done:
        content = turns.check(turn, who, wire, "short")
        delays += turns.delays(wire, "short", turn.turn_id, content)
    return Sample([turn.first_byte for turn in done], delays, stolen)


SESSIONS_NOTE = (
    "sessions/core: how many Codex sessions streaming 100 events a second one core serves, "
    "from the CPU per event of the turn"
)
ONCE_NOTE = (
    f"sampled once: a turn takes it over {SLOW_TURN:.0f} s; the ratio is to the pass-through's "
    "sample of the same round"
)
_STARTED = [time.monotonic()]


def _progress(done: str) -> None:
    spent = time.monotonic() - _STARTED[0]
    print(f"(gateway: {done} done at {spent:.0f} s)", file=sys.stderr)


def _median_ratio(mine: list[float], theirs: list[float]) -> float:
    """The median of each round's ratio (a contender sampled once: the first round's)."""
    return statistics.median(a / b for a, b in zip(mine, theirs, strict=False))


async def _warm_up(
    directions: list[Direction], turns: _Turns, join_litellm: Callable[[], None]
) -> None:
    """A first turn through every contender: it builds what a process builds once (models,
    adapters, pools). Ours run theirs while LiteLLM imports, then LiteLLM runs its own."""
    ours = [(d, who) for d in directions for who in d.contenders]
    await asyncio.gather(
        asyncio.to_thread(join_litellm),
        *(turns.run(who, d.upstream_wire, "warm") for d, who in ours),
    )
    warm = {id(who) for _, who in ours}
    await asyncio.gather(
        *(
            turns.run(who, d.upstream_wire, "warm")
            for d in directions
            for who in d.contenders
            if id(who) not in warm
        )
    )


async def _measure(
    directions: list[Direction], turns: _Turns, repeats: int, join_litellm: Callable[[], None]
) -> list[Section]:
    await _warm_up(directions, turns, join_litellm)
    _progress("warm-up")
    cpu: dict[tuple[int, str], list[float]] = {}
    once: set[tuple[int, str]] = set()
    for round_ in range(repeats):
        for d_index, direction in enumerate(directions):
            for who in direction.contenders:
                if (d_index, who.name) in once or who.name == CONTROL:
                    continue
                start = time.monotonic()
                spent = await _cpu_turn(turns, who, direction.upstream_wire)
                cpu.setdefault((d_index, who.name), []).append(spent)
                if round_ == 0 and time.monotonic() - start > SLOW_TURN:
                    once.add((d_index, who.name))
    _progress("CPU per turn")
    latency: dict[tuple[int, str, int], list[Sample]] = {}
    skipped: dict[tuple[int, str], str] = {}
    """Contenders left out of the levels from one on: why, in the table's words."""
    for streams_at_once in CONCURRENCY:
        for d_index, direction in enumerate(directions):
            events = len(turns.events[direction.upstream_wire, "long"])
            for who in direction.contenders:
                if who.name in JUDGED_NAMES or who.name == CONTROL:
                    continue
                cores = _cores_needed(cpu[d_index, who.name], events, streams_at_once)
                if cores > 1:
                    skipped.setdefault((d_index, who.name), _overloaded(cores, streams_at_once))
        for _ in range(repeats if streams_at_once == JUDGED else 1):
            for d_index, direction in enumerate(directions):
                for who in direction.contenders:
                    if (d_index, who.name) in skipped:
                        continue
                    if who.name == CONTROL and streams_at_once != JUDGED:
                        continue
                    if (
                        who.name not in (*JUDGED_NAMES, CONTROL)
                        and (d_index, who.name, streams_at_once) in latency
                    ):
                        continue  # no target on it: one run keeps the group short
                    figures = await _concurrent(
                        turns, who, direction.upstream_wire, streams_at_once
                    )
                    latency.setdefault((d_index, who.name, streams_at_once), []).append(figures)
        _progress(f"{streams_at_once} streams")
        for (d_index, name, at), figures in latency.items():
            # Events queue up once the delay passes the gap between two events: more streams
            # only make it worse, and take long to run.
            if at == streams_at_once and pooled(figures)[2] > GAPS["short"]:
                gap_ms = round(GAPS["short"] * 1e3)
                skipped.setdefault(
                    (d_index, name),
                    f"not run: saturated at {at} streams "
                    f"(its p99 delay passed the {gap_ms} ms between two events)",
                )
    return [
        *(
            _cpu_section(d, i, cpu, once, len(turns.events[d.upstream_wire, "long"]))
            for i, d in enumerate(directions)
        ),
        *(_latency_section(d, i, latency, skipped) for i, d in enumerate(directions)),
    ]


def _cores_needed(cpu: list[float], events: int, streams_at_once: int) -> float:
    """The cores a contender needs for ``streams_at_once`` short turns, from its CPU per event
    in the long turn: a proxy process that needs more than one cannot keep up."""
    return statistics.median(cpu) / events * streams_at_once / GAPS["short"]


def _overloaded(cores: float, streams_at_once: int) -> str:
    rate = round(streams_at_once / GAPS["short"])
    return (
        f"not run from {streams_at_once} streams: its process would need {cores:.1f} cores "
        f"(its CPU per event in the long turn x {rate} events/s), so it cannot keep up"
    )


def _cpu_section(
    direction: Direction,
    d_index: int,
    cpu: dict[tuple[int, str], list[float]],
    once: set[tuple[int, str]],
    events: int,
) -> Section:
    text, arguments = SIZES["long"]
    section = Section(
        f"gateway CPU per turn, {direction.title}: {text:,} text + {arguments} argument deltas"
    )
    floor = cpu[d_index, "pass-through"]
    for who in direction.contenders:
        if who.name == CONTROL:
            continue
        mine = cpu[d_index, who.name]
        # At 100 events a second per session, a core serves 1 / (CPU per event * 100).
        per_core = events / statistics.median(mine) / 100
        label = f"{who.name} ({per_core:.0f} sessions/core)"
        if who.name == "pass-through":
            section.rows.append(Row(label, statistics.median(mine), note=SESSIONS_NOTE))
            continue
        ratio = _median_ratio(mine, floor)
        judged = who.name == "wireshift"
        section.rows.append(
            Row(
                label,
                statistics.median(mine),
                "pass-through",
                ratio,
                "<= 1.3x" if judged else "",
                ratio <= 1.3 if judged else None,
                note=ONCE_NOTE if (d_index, who.name) in once else "",
            )
        )
    litellm = [c.name for c in direction.contenders if c.name.startswith("LiteLLM")]
    if litellm:
        mine, theirs = cpu[d_index, "wireshift"], cpu[d_index, litellm[0]]
        ratio = statistics.median(mine) / statistics.median(theirs)
        section.rows.append(
            Row("wireshift", statistics.median(mine), litellm[0], ratio, "<= 0.5x", ratio <= 0.5)
        )
    for name, why in direction.unavailable.items():
        section.rows.append(Row(name, note=f"not measured: {why}"))
    return section


def _latency_section(
    direction: Direction,
    d_index: int,
    latency: dict[tuple[int, str, int], list[Sample]],
    skipped: dict[tuple[int, str], str],
) -> Section:
    text, arguments = SIZES["short"]
    rate = round(1 / GAPS["short"])
    section = Section(
        f"gateway delay at the client, {direction.title}: "
        f"{text} text + {arguments} argument deltas at {rate} events/s per stream, the streams "
        f"starting over {SPREAD:.0f} s; {JUDGED} streams: the rounds' events pooled, others: "
        "one run"
    )
    for streams_at_once in CONCURRENCY:
        floor = latency[d_index, "pass-through", streams_at_once]
        floor_figures = pooled(floor)
        for who in direction.contenders:
            if (d_index, who.name, streams_at_once) not in latency:
                if who.name == CONTROL:
                    continue  # run at the judged level only (_measure says where)
                note = skipped[d_index, who.name]
                section.rows.append(Row(f"{streams_at_once} streams, {who.name}", note=note))
                continue
            mine = latency[d_index, who.name, streams_at_once]
            figures = pooled(mine)
            labels = ("first byte", "p50 per event", "p99 per event")
            for slot, label in enumerate(labels):
                name = f"{streams_at_once} streams, {who.name}: {label}"
                if who.name == "pass-through":
                    section.rows.append(Row(name, figures[slot]))
                    continue
                ratio = figures[slot] / floor_figures[slot]
                judged = who.name == "wireshift" and streams_at_once == JUDGED and slot == 2
                note = ""
                if who.name == CONTROL:
                    if slot == 0:
                        continue
                    note = "the pass-through again, in its own process: how far two runs differ"
                if (judged or (who.name == CONTROL and slot == 2)) and len(mine) > 1:
                    # A round's p99 is set by one or two stalls that reach every stream: the
                    # pooled figure rests on several; each round's own ratio says how far
                    # they scatter.
                    rounds = [
                        pooled([a])[2] / pooled([b])[2] for a, b in zip(mine, floor, strict=True)
                    ]
                    each = ", ".join(f"{r:.2f}x" for r in rounds)
                    note = (note + "; " if note else "") + f"each round's own p99 ratio: {each}"
                    if judged:
                        own = ", ".join(f"{pooled([b])[2] * 1e3:.1f}" for b in floor)
                        note += f"; the pass-through's own p99 by round: {own} ms"
                    # Time the machine's host took its cores away during the round: a round
                    # with much of it stalls whichever proxy ran then, and is read with care.
                    note += f"; host steal by round, s: {who.name} {_steals(mine)}"
                    if judged:
                        note += f", pass-through {_steals(floor)}"
                section.rows.append(
                    Row(
                        name,
                        figures[slot],
                        "pass-through",
                        ratio,
                        "<= 1.5x" if judged else "",
                        ratio <= 1.5 if judged else None,
                        note=note,
                    )
                )
    return section


def _steals(rounds: list[Sample]) -> str:
    return " / ".join(f"{r.steal:.2f}" for r in rounds)


def sections(repeats: int) -> list[Section]:
    """The gateway group's sections (``--only gateway``)."""
    if sys.platform != "linux":
        return [Section("gateway", [Row("gateway group", note="not measured: needs Linux /proc")])]
    _STARTED[0] = time.monotonic()
    with Fleet(DEADLINE) as fleet:
        upstream, directions, join_litellm = _start(fleet)
        turns = _Turns(upstream)
        measure = _measure(directions, turns, repeats, join_litellm)
        return asyncio.run(asyncio.wait_for(measure, DEADLINE))


def smoke() -> dict[str, str | None]:
    """One short turn through every contender of both directions, output checked (no
    timing): each contender's name and direction, and what was wrong (``None``: right)."""
    results: dict[str, str | None] = {}
    with Fleet(120) as fleet:
        upstream, directions, join_litellm = _start(fleet)
        join_litellm()
        turns = _Turns(upstream)

        async def check(direction: Direction, who: Contender) -> None:
            key = f"{who.name}, {direction.upstream_wire} upstream"
            try:
                _, content = await turns.run(who, direction.upstream_wire, "short")
                turns.delays(direction.upstream_wire, "short", content.turn_id, content)
                results[key] = None
            except Unavailable as why:
                results[key] = str(why)

        async def all_of_them() -> None:
            await asyncio.gather(*(check(d, c) for d in directions for c in d.contenders))

        asyncio.run(asyncio.wait_for(all_of_them(), 110))
        for direction in directions:
            for name, why in direction.unavailable.items():
                results[f"{name}, {direction.upstream_wire} upstream"] = why
    return results


if __name__ == "__main__":
    start = time.monotonic()
    print(smoke(), f"{time.monotonic() - start:.1f} s")
