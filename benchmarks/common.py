"""What every benchmark shares: side-by-side timing, the table's rows, and the machine."""

from __future__ import annotations

import gc
import json
import math
import os
import platform
import statistics
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

__all__ = [
    "Row",
    "Section",
    "Unavailable",
    "encode_floor",
    "floor_events",
    "lazy",
    "machine",
    "render",
    "request_floor",
    "sample",
    "side_by_side",
    "split_sse",
    "versus",
]

SAMPLE_SECONDS = 0.2
"""Fast calls are repeated in a loop until one sample lasts at least this long."""


class Unavailable(Exception):
    """A contender that cannot run here (not installed, failed install): its row says why."""


@dataclass
class Row:
    """One line of the table: ``name`` took ``seconds``, ``ratio`` times ``against``."""

    name: str
    seconds: float | None = None
    against: str = ""
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""
    unit: str = "time"
    """``time`` (seconds), ``bytes``, or ``count`` for what ``seconds`` holds."""


@dataclass
class Section:
    """Rows under one heading: the workload and its size."""

    title: str
    rows: list[Row] = field(default_factory=list)


def lazy(make: Callable[..., Callable[[], Any]], *args: Any) -> Callable[[], Any]:
    """``make(*args)``, the contender; when its setup raises :class:`Unavailable`, a stand-in
    that raises it again when timed, so the row says why."""
    try:
        return make(*args)
    except Unavailable as why:
        failure = why

        def unavailable() -> None:
            raise failure

        return unavailable


def versus(
    name: str,
    results: dict[str, float | Unavailable],
    subject: str,
    base: str,
    *,
    limit: float | None = None,
    target: str = "",
    note: str = "",
) -> Row:
    """``results[subject]`` as a ratio of ``results[base]``; met when at most ``limit``."""
    mine, theirs = results[subject], results[base]
    if isinstance(mine, Unavailable):
        return Row(name, target=target, note=f"not measured: {mine}")
    if isinstance(theirs, Unavailable):
        return Row(name, mine, base, target=target, note=f"{base} not measured: {theirs}")
    rounds = getattr(results, "rounds", {})
    if subject in rounds and base in rounds:
        # The median of each round's ratio: the two samples of a round are taken moments
        # apart, so a change in the machine's speed between rounds cancels out.
        each = [a / b for a, b in zip(rounds[subject], rounds[base], strict=True)]
        ratio = statistics.median(each)
        if limit is not None and len(each) > 1:
            # A judged ratio shows its spread: a full collection of the garbage collector
            # (milliseconds on a large heap) lands in one contender's slice or another's.
            spread = "rounds: " + ", ".join(f"{r:.2f}x" for r in each)
            note = f"{note}; {spread}" if note else spread
    else:
        ratio = mine / theirs
    met = None if limit is None else ratio <= limit
    return Row(name, mine, base, ratio, target, met, note)


def _calibrate(fn: Callable[[], Any]) -> int:
    """How many calls make one sample of at least :data:`SAMPLE_SECONDS`, found after a
    first warm-up call (which builds adapters and fills caches, and may be much slower)."""
    fn()
    number = 1
    while True:
        start = time.process_time()
        for _ in range(number):
            fn()
        spent = time.process_time() - start
        if spent >= SAMPLE_SECONDS / 10:
            return max(1, math.ceil(SAMPLE_SECONDS / (spent / number)))
        number *= 10


def sample(fn: Callable[[], Any], number: int) -> float:
    """One sample: CPU seconds per call over ``number`` calls, after a collection."""
    gc.collect()
    start = time.process_time()
    for _ in range(number):
        fn()
    return (time.process_time() - start) / number


def side_by_side(
    contenders: dict[str, Callable[[], Any]], repeats: int
) -> dict[str, float | Unavailable]:
    """The median CPU seconds per call of each contender, sampled in turns so drift in the
    machine's speed touches them all alike. Process time, not wall time: other processes on
    a shared machine then inflate it much less. The garbage collector stays on, as in a
    running gateway; each round starts after a collection.

    A round is one sample of each contender, taken in :data:`SLICES` interleaved slices (a
    tenth of each contender's calls, then the next contender's tenth...), so the samples of
    one round see the same machine even when its speed changes within a second; a call too
    slow to slice (a whole stream) is one slice."""
    numbers: dict[str, int] = {}
    results: dict[str, float | Unavailable] = {}
    for name, fn in contenders.items():
        try:
            numbers[name] = _calibrate(fn)  # also the warm-up: adapters built, caches filled
        except Unavailable as why:
            results[name] = why
        except Exception as error:  # a contender that breaks is reported, not fatal
            results[name] = Unavailable(f"raised {type(error).__name__}: {error}")
    samples: dict[str, list[float]] = {name: [] for name in numbers}
    for _ in range(repeats):
        for name, seconds in _interleaved({n: contenders[n] for n in numbers}, numbers).items():
            samples[name].append(seconds / numbers[name])
    for name, runs in samples.items():
        results[name] = statistics.median(runs)
    timings = Timings({name: results[name] for name in contenders})
    timings.rounds = samples
    return timings


SLICES = 10


def _interleaved(
    contenders: dict[str, Callable[[], Any]], numbers: dict[str, int]
) -> dict[str, float]:
    """CPU seconds each contender spends on its ``numbers`` calls, made in turns, a slice
    of each at a time."""
    parts = {name: _split(number, min(number, SLICES)) for name, number in numbers.items()}
    spent = dict.fromkeys(contenders, 0.0)
    gc.collect()
    for index in range(max((len(p) for p in parts.values()), default=0)):
        for name, fn in contenders.items():
            if index >= len(parts[name]):
                continue
            start = time.process_time()
            for _ in range(parts[name][index]):
                fn()
            spent[name] += time.process_time() - start
    return spent


def _split(number: int, pieces: int) -> list[int]:
    """``number`` as ``pieces`` near-equal counts."""
    size, extra = divmod(number, pieces)
    return [size + (1 if n < extra else 0) for n in range(pieces)]


class Timings(dict[str, "float | Unavailable"]):
    """Each contender's median time, and (``rounds``) its sample of every round."""

    rounds: dict[str, list[float]]


def split_sse(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The floor's SSE decoding: buffer, split on blank lines (``b"\\n\\n"``), keep the
    ``data:`` lines. Enough for the LF-only streams generated here, nothing more."""
    buffer = b""
    for chunk in chunks:
        buffer += chunk
        blocks = buffer.split(b"\n\n")
        buffer = blocks.pop()
        for block in blocks:
            for line in block.split(b"\n"):
                if line.startswith(b"data:"):
                    yield line[5:]


def floor_events(chunks: Iterable[bytes]) -> Any:
    """The floor of handling a stream: decode the SSE and ``json.loads`` each event (each
    dropped once read, as a consumer that keeps no state would; the last is returned)."""
    last = None
    for data in split_sse(chunks):
        if data.strip() != b"[DONE]":
            last = json.loads(data)
    return last


def request_floor(raw: bytes) -> bytes:
    """The floor of translating a request: ``json.loads`` and ``json.dumps`` of the body."""
    return json.dumps(json.loads(raw), separators=(",", ":"), ensure_ascii=False).encode()


def encode_floor(payload: dict[str, Any], named: bool) -> bytes:
    """The floor of sending one event: ``json.dumps`` and SSE framing."""
    data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    if named:
        return f"event: {payload.get('type', 'message')}\ndata: {data}\n\n".encode()
    return f"data: {data}\n\n".encode()


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        if dist == "wireshift":
            import wireshift

            return f"{wireshift.__version__} (from src/)"
        return "not installed"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    """CPU model, cores, Python and the versions of what is compared."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    python = f"{platform.python_implementation()} {platform.python_version()}"
    libs = ", ".join(
        f"{dist} {_version(dist)}" for dist in ("wireshift", "pydantic", "openai", "llm-rosetta")
    )
    return f"{_cpu_model()}, {cores} cores, {python} on {platform.system()}; {libs}"


def _time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.1f} us"


def _amount(row: Row) -> str:
    if row.seconds is None:
        return ""
    if row.unit == "bytes":
        return f"{row.seconds / 1e6:.1f} MB"
    if row.unit == "count":
        return f"{row.seconds:.0f}"
    return _time(row.seconds)


def render(header: str, sections: list[Section]) -> str:
    """The one table: a heading per workload, a line per contender; notes after it."""
    widths = (50, 10, 24, 8, 8, 3)
    head = ("measure", "time", "against", "ratio", "target", "met")
    lines = [header, ""]
    lines.append(
        "  ".join(
            h.rjust(w) if i in (1, 3) else h.ljust(w)
            for i, (h, w) in enumerate(zip(head, widths, strict=True))
        ).rstrip()
    )
    lines.append("-" * (sum(widths) + 2 * (len(widths) - 1)))
    notes: list[str] = []
    for section in sections:
        lines.append(section.title)
        for row in section.rows:
            if row.note:
                if row.note not in notes:
                    notes.append(row.note)
                name = f"{row.name} [{notes.index(row.note) + 1}]"
            else:
                name = row.name
            ratio = f"{row.ratio:.2f}x" if row.ratio is not None else ""
            met = {True: "yes", False: "NO", None: ""}[row.met]
            cells = ("  " + name, _amount(row), row.against, ratio, row.target, met)
            lines.append(
                "  ".join(
                    c.rjust(w) if i in (1, 3) else c.ljust(w)
                    for i, (c, w) in enumerate(zip(cells, widths, strict=True))
                ).rstrip()
            )
    if notes:
        lines.append("")
        lines.extend(f"[{i}] {note}" for i, note in enumerate(notes, 1))
    return "\n".join(lines)
