"""A fuzzing engine: structured mutations of the recorded corpus, fed to every entry point.

``cases(rng, n)`` makes inputs; ``run_case`` feeds one to its entry point and returns what
went wrong, if anything. A defect is any of:

* an exception that is not a :class:`~wireshift.WireshiftError` (or is an
  :class:`~wireshift.InternalError`, which is the boundary catching a bug);
* an exception after a translated stream has yielded output (a stream ends in a failure
  event or chunk instead);
* an error message or a note longer than :data:`MESSAGE_LIMIT` (wire data must be quoted in
  excerpts);
* a whole stream and the same bytes cut into pieces accumulating differently.

Used by ``tests/test_fuzz.py`` (bounded, fixed seed, in CI) and ``tests/fuzz_many.py`` (a
million inputs, ``nox -s fuzz``).
"""

from __future__ import annotations

import asyncio
import copy
import gzip
import json
import random
import time
import traceback
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import wireshift
from chunking import random_pieces
from wireshift import (
    InternalError,
    UpstreamError,
    WireshiftError,
    accumulate_stream,
    decode_body,
    encode_sse,
    iter_sse,
    normalize_request,
    repair_tool_sequence,
    translate_request,
    translate_response,
    translate_stream,
    validate_tool_sequence,
)

DATA = Path(__file__).parent / "data"
MESSAGE_LIMIT = 2_000
"""The longest error message or note a hostile input may produce (wire data is excerpted)."""

PROFILES = list(wireshift.PROFILES)

# --- seeds ----------------------------------------------------------------------------------


def stream_seeds() -> list[tuple[str, bytes]]:
    """Every recorded stream, by name."""
    found = sorted((DATA / "streams").rglob("*.sse"))
    return [(str(path.relative_to(DATA)), path.read_bytes()) for path in found]


def request_seeds() -> list[dict[str, Any]]:
    """Captured Codex requests, and Chat requests translated from them."""
    out: list[dict[str, Any]] = []
    for path in sorted((DATA / "fixtures").glob("*.json")):
        capture = json.loads(path.read_text())
        out.append(capture["body"])
    for body in list(out):
        out.append(translate_request(body, to="chat").data)
    out.append(
        {
            "model": "m",
            "messages": [
                {"role": "system", "content": "be brief"},
                {"role": "user", "content": [{"type": "text", "text": "hi"}]},
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "call_1",
                            "type": "function",
                            "function": {"name": "f", "arguments": '{"a": 1}'},
                        }
                    ],
                },
                {"role": "tool", "tool_call_id": "call_1", "content": "ok"},
            ],
            "tools": [{"type": "function", "function": {"name": "f", "parameters": {}}}],
            "stream": True,
        }
    )
    return out


def body_seeds(streams: list[tuple[str, bytes]]) -> list[dict[str, Any]]:
    """Whole ``Response`` and ``ChatCompletion`` bodies: the corpus streams accumulated."""
    out = []
    for _, data in streams:
        result = accumulate_stream(data)
        final = result.response if result.format == "responses" else result.completion
        if final is not None:
            out.append(final.to_dict())
    return out


ERROR_SEEDS: list[tuple[int, Any, dict[str, str]]] = [
    (400, {"error": {"message": "maximum context length is 8192 tokens", "code": None}}, {}),
    (429, {"error": {"message": "Rate limit. Please try again in 2s", "type": "requests"}}, {}),
    (400, {"object": "error", "message": "too long", "type": "BadRequestError", "code": 400}, {}),
    (404, {"error": "model 'x' not found"}, {}),
    (502, {"error": {"code": 502, "message": "x", "metadata": {"raw": '{"error": {}}'}}}, {}),
    (503, "<html><body>Service Unavailable</body></html>", {"retry-after": "3"}),
    (500, b"", {"retry-after-ms": "250"}),
]


@dataclass
class Corpus:
    streams: list[tuple[str, bytes]]
    requests: list[dict[str, Any]]
    bodies: list[dict[str, Any]]

    @classmethod
    def load(cls) -> Corpus:
        streams = stream_seeds()
        return cls(streams, request_seeds(), body_seeds(streams))


# --- mutations of JSON trees ----------------------------------------------------------------

LONE_SURROGATES = ["\ud800", "\udfff", "a\udbff", "\udc00z"]
HUGE_NUMBERS = [10**6, 10**9, 10**18, -1, -(10**9), 2**64, 2**200]
NON_FINITE = [float("nan"), float("inf"), float("-inf")]


def _paths(value: Any, max_depth: int = 40) -> list[tuple[Any, ...]]:
    """Every path into ``value`` down to ``max_depth`` (mutations may have nested it deep)."""
    out: list[tuple[Any, ...]] = []
    stack: list[tuple[tuple[Any, ...], Any]] = [((), value)]
    while stack:
        prefix, node = stack.pop()
        out.append(prefix)
        if len(prefix) >= max_depth:
            continue
        if isinstance(node, dict):
            stack.extend(((*prefix, key), item) for key, item in node.items())
        elif isinstance(node, list):
            stack.extend(((*prefix, index), item) for index, item in enumerate(node))
    return out


def _set(root: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = root
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    return root


def _get(root: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        root = root[part]
    return root


def _nested(rng: random.Random) -> Any:
    depth = rng.choice([100, 129, 200, 300, 1_000, 5_000])
    value: Any = 1
    for _ in range(depth):
        value = [value] if rng.random() < 0.5 else {"a": value}
    return value


def wrong_value(rng: random.Random, current: Any) -> Any:
    """A value of another kind, or a hostile one of the same kind."""
    roll = rng.randrange(14)
    if roll == 0:
        return rng.choice(LONE_SURROGATES) + (current if isinstance(current, str) else "")
    if roll == 1:
        return "x" * rng.choice([1_000, 100_000])
    if roll == 2:
        return _nested(rng)
    if roll == 3:
        return rng.choice(NON_FINITE)
    if roll == 4:
        return rng.choice(HUGE_NUMBERS)
    if roll == 5:
        return {"type": {"nested": True}} if rng.random() < 0.5 else {"a": 1}
    if roll == 6:
        return [current, current] if rng.random() < 0.5 else []
    if roll == 7:
        return None
    if roll == 8:
        return rng.choice([True, False])
    if roll == 9:
        return rng.choice(["", "unknown.type", "response.output_text.delta", "function"])
    if roll == 10:
        return rng.random() * 1e6
    if roll == 11:
        return rng.randrange(-3, 5)
    if roll == 12:
        return "\x00\r\n\u2028" + "é" * 3
    return {"type": "response." + "x" * rng.randrange(1, 20)}


def mutate_tree(rng: random.Random, tree: Any, times: int = 1) -> Any:
    """``tree`` with ``times`` values at random paths replaced (a deep copy first)."""
    tree = copy.deepcopy(tree)  # seeds are shallow
    for _ in range(times):
        paths = _paths(tree)
        # Leaves and near-leaves are where the fields are: weight them.
        path = rng.choice(paths[1:] or paths)
        key = path[-1] if path else None
        if key in ("type", "object", "role") and rng.random() < 0.5:
            new: Any = rng.choice([{"a": 1}, ["x"], 3, None, "zzz", "response.failed"])
        elif isinstance(key, str) and key.endswith(("index", "_number", "created", "created_at")):
            new = rng.choice([*HUGE_NUMBERS, *NON_FINITE, "1", None, 1.5])
        else:
            new = wrong_value(rng, _get(tree, path))
        if not path:
            tree = new
        else:
            _set(tree, path, new)
        if rng.random() < 0.1 and isinstance(tree, dict):
            tree.pop(rng.choice(list(tree)), None) if tree else None
    return tree


def dumps(value: Any) -> str:
    """JSON as a hostile peer writes it: NaN and lone surrogates as Python writes them, and
    deep nesting without recursion limits."""
    try:
        return json.dumps(value)
    except RecursionError:
        return _dumps_deep(value)


def _dumps_deep(value: Any) -> str:
    # Iterative writer for the deep values _nested makes.
    opens, closes = [], []
    while isinstance(value, (list, dict)):
        if isinstance(value, list):
            opens.append("[")
            closes.append("]")
            value = value[0] if value else None
        else:
            opens.append('{"a":')
            closes.append("}")
            value = value.get("a")
    return "".join(opens) + json.dumps(value) + "".join(reversed(closes))


# --- mutations of bytes ---------------------------------------------------------------------


def _events(data: bytes) -> list[bytes]:
    return [block for block in data.replace(b"\r\n", b"\n").split(b"\n\n") if block.strip()]


def mutate_stream(rng: random.Random, data: bytes) -> bytes:
    """One structural mutation of an SSE stream."""
    roll = rng.randrange(12)
    blocks = _events(data)
    if roll <= 3 and blocks:
        # Mutate one event's JSON payload.
        at = rng.randrange(len(blocks))
        lines = blocks[at].split(b"\n")
        for i, line in enumerate(lines):
            if line.startswith(b"data:"):
                try:
                    payload = json.loads(line[5:])
                except (ValueError, RecursionError):
                    break
                mutated = mutate_tree(rng, payload, rng.choice([1, 1, 2, 3]))
                lines[i] = b"data: " + dumps(mutated).encode("utf-8", "surrogatepass")
                break
        blocks[at] = b"\n".join(lines)
        return b"\n\n".join(blocks) + b"\n\n"
    if roll == 4:
        return data[: rng.randrange(len(data) + 1)]
    if roll == 5:
        out = bytearray(data)
        for _ in range(rng.randrange(1, 4)):
            if out:
                out[rng.randrange(len(out))] = rng.randrange(256)
        return bytes(out)
    if roll == 6:
        ending = rng.choice([b"\r\n", b"\r"])
        return data.replace(b"\n", ending)
    if roll == 7:
        return b"\xef\xbb\xbf" + data
    if roll == 8 and blocks:
        extra = rng.choice(
            [b": keep-alive", b"data: null", b"data: [DONE]", b"event: ping", b"data: {}", b"id: 7"]
        )
        blocks.insert(rng.randrange(len(blocks) + 1), extra)
        return b"\n\n".join(blocks) + b"\n\n"
    if roll == 9:
        at = rng.randrange(len(data) + 1)
        return data[:at] + rng.choice([b"\xff\xfe", b"\xc3", b"\xed\xa0\x80", b"\x00"]) + data[at:]
    if roll == 10 and blocks:
        rng.shuffle(blocks)
        return b"\n\n".join(blocks) + b"\n\n"
    return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))


# --- entry points ---------------------------------------------------------------------------


@dataclass
class Case:
    entry: str
    data: Any
    options: dict[str, Any] = field(default_factory=dict)

    def describe(self, limit: int = 300) -> str:
        try:
            text = repr(self.data)
        except RecursionError:
            text = "<nested too deep to repr> " + dumps(self.data)[:limit]
        return f"{self.entry}({text[:limit]}{'...' if len(text) > limit else ''}, {self.options})"


@dataclass
class Outcome:
    case: Case
    defect: str | None = None
    where: str | None = None
    seconds: float = 0.0
    trace: str = ""


def _consume_stream(data: list[Any], to: str, encode: bool) -> list[str]:
    problems = []
    stream = translate_stream(data, to=to, encode=encode)  # type: ignore[call-overload]
    yielded = 0
    try:
        for out in stream:
            yielded += 1
            if not encode:
                out.to_json()
    except WireshiftError as exc:
        if yielded:
            problems.append(f"raised {type(exc).__name__} after {yielded} outputs: {exc}")
        raise
    problems += _long_notes(stream.notes)
    return problems


async def _consume_async(data: list[Any], to: str) -> None:
    async def chunks() -> Any:
        for piece in data:
            yield piece

    stream = wireshift.atranslate_stream(chunks(), to=to, encode=True)  # type: ignore[call-overload]
    async for _ in stream:
        pass
    await wireshift.aaccumulate_stream(chunks())


def _long_notes(notes: list[Any]) -> list[str]:
    return [
        f"note of {len(str(note))} characters: {str(note)[:120]}"
        for note in notes
        if len(str(note)) > MESSAGE_LIMIT
    ]


def _accumulated(data: Any) -> list[str]:
    result = accumulate_stream(data)
    final = result.response if result.format == "responses" else result.completion
    if final is not None:
        final.to_json()
        final.model_dump_json()
    return _long_notes(result.notes)


def _meaning(data: Any) -> str:
    result = accumulate_stream(data)
    final = result.response if result.format == "responses" else result.completion
    body = final.to_dict() if final is not None else None
    if isinstance(body, dict):
        for key in ("id", "created", "created_at"):
            body.pop(key, None)
    return json.dumps([body, repr(result.error), result.truncated], sort_keys=True, default=str)


def run(case: Case) -> list[str]:
    """Feed one case to its entry point; the problems found (exceptions propagate)."""
    data, options = case.data, case.options
    entry = case.entry
    if entry == "accumulate":
        return _accumulated(data)
    if entry == "accumulate_pieces":
        problems = _accumulated(data)
        whole = _meaning(b"".join(data) if data and isinstance(data[0], bytes) else "".join(data))
        if _meaning(data) != whole:
            problems.append("accumulating the pieces differs from accumulating the whole")
        return problems
    if entry == "translate_stream":
        return _consume_stream(data, options["to"], options["encode"])
    if entry == "async":
        asyncio.run(_consume_async(data, options["to"]))
        return []
    if entry == "translate_request":
        result = translate_request(data, to=options["to"], profile=options["profile"])
        result.body  # noqa: B018 - writing it is part of the check
        problems = _long_notes(result.notes)
        if result.format == "chat":
            report = validate_tool_sequence(
                result.data.get("messages", []), profile=options["profile"]
            )
            problems += _long_notes(report.notes)
            repaired = repair_tool_sequence(result.data.get("messages", []))
            problems += _long_notes(repaired.notes)
        return problems
    if entry == "normalize_request":
        result = normalize_request(data, profile=options["profile"])
        result.body  # noqa: B018
        return _long_notes(result.notes)
    if entry == "toolseq":
        report = validate_tool_sequence(data, profile=options["profile"])
        repaired = repair_tool_sequence(data, profile=options["profile"])
        return _long_notes([*report.notes, *repaired.notes])
    if entry == "translate_response":
        result = translate_response(data, to=options["to"])
        result.body  # noqa: B018
        return _long_notes(result.notes)
    if entry == "decode_body":
        decode_body(data, options["encoding"])
        return []
    if entry == "from_http":
        error = UpstreamError.from_http(options["status"], data, options["headers"])
        error.to_body()
        error.http_headers  # noqa: B018
        text = str(error)
        return [f"error message of {len(text)} characters"] if len(text) > MESSAGE_LIMIT else []
    if entry == "sse":
        for event in iter_sse(data, comments=True):
            if isinstance(event, wireshift.SSEEvent):
                encode_sse(event.data, event=event.event or None)
        return []
    raise AssertionError(entry)


def run_case(case: Case) -> Outcome:
    started = time.perf_counter()
    outcome = Outcome(case)
    try:
        problems = run(case)
        if problems:
            outcome.defect = "; ".join(problems)
    except InternalError as exc:
        cause = exc.__cause__
        outcome.defect = f"InternalError from {type(cause).__name__}: {cause}"[:500]
        outcome.where = _frame(cause) if cause is not None else None
        outcome.trace = _trace(cause)
    except WireshiftError as exc:
        if len(str(exc)) > MESSAGE_LIMIT:
            outcome.defect = f"{type(exc).__name__} message of {len(str(exc))} characters"
    except Exception as exc:  # the defect this engine looks for
        outcome.defect = f"{type(exc).__name__}: {str(exc)[:300]}"
        outcome.where = _frame(exc)
        outcome.trace = _trace(exc)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _trace(exc: BaseException | None) -> str:
    if exc is None:
        return ""
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f for f in frames if "wireshift/" in f.filename and "/tests/" not in f.filename]
    return " <- ".join(
        f"{f.filename.rsplit('wireshift/', 1)[-1]}:{f.lineno} {f.name}" for f in reversed(mine[-6:])
    )


def _frame(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "wireshift" in f.filename]
    inner = [
        f
        for f in frames
        if "/src/wireshift/" in f.filename or "site-packages/wireshift" in f.filename
    ]
    frame = (inner or frames or traceback.extract_tb(exc.__traceback__))[-1]
    return f"{frame.filename.rsplit('wireshift/', 1)[-1]}:{frame.lineno} {frame.name}"


# --- making cases ---------------------------------------------------------------------------

Maker = Callable[[random.Random, Corpus], Case]


def _stream_case(rng: random.Random, corpus: Corpus) -> Case:
    _, data = rng.choice(corpus.streams)
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        data = mutate_stream(rng, data)
    pieces: list[Any] = random_pieces(data, rng, 64) if rng.random() < 0.5 else [data]
    if rng.random() < 0.2:
        pieces = [piece.decode("utf-8", "replace") for piece in pieces]
    roll = rng.random()
    if roll < 0.3:
        return Case("accumulate", pieces)
    if roll < 0.45:
        return Case("accumulate_pieces", pieces)
    if roll < 0.95:
        to = rng.choice(["chat", "responses"])
        return Case("translate_stream", pieces, {"to": to, "encode": rng.random() < 0.5})
    if roll < 0.97:
        return Case("async", pieces, {"to": rng.choice(["chat", "responses"])})
    return Case("sse", pieces)


def _request_case(rng: random.Random, corpus: Corpus) -> Case:
    body = mutate_tree(rng, rng.choice(corpus.requests), rng.choice([1, 1, 2, 4]))
    profile = rng.choice(PROFILES)
    data: Any = body
    if rng.random() < 0.5:
        data = dumps(body).encode("utf-8", "surrogatepass")
        if rng.random() < 0.2:
            data = data[: rng.randrange(len(data) + 1)]
    if rng.random() < 0.15:
        return Case("normalize_request", data, {"profile": profile})
    if rng.random() < 0.15 and isinstance(body, dict) and isinstance(body.get("messages"), list):
        return Case("toolseq", body["messages"], {"profile": profile})
    return Case(
        "translate_request", data, {"to": rng.choice(["chat", "responses"]), "profile": profile}
    )


def _body_case(rng: random.Random, corpus: Corpus) -> Case:
    body = mutate_tree(rng, rng.choice(corpus.bodies), rng.choice([1, 2, 3]))
    data: Any = body if rng.random() < 0.5 else dumps(body)
    return Case("translate_response", data, {"to": rng.choice(["chat", "responses"])})


def _http_case(rng: random.Random, corpus: Corpus) -> Case:
    status, body, headers = rng.choice(ERROR_SEEDS)
    if isinstance(body, dict):
        body = mutate_tree(rng, body, rng.choice([1, 2]))
        if rng.random() < 0.5:
            body = dumps(body)
    headers = dict(headers)
    if rng.random() < 0.5:
        name = rng.choice(["retry-after", "retry-after-ms", "x-ratelimit-reset-requests"])
        headers[name] = rng.choice(
            ["NaN", "inf", "-1", "1e309", "9" * 400, "Wed, 21 Oct 2015 07:28:00 GMT", "2m3s"]
        )
    return Case(
        "from_http", body, {"status": rng.choice([status, 0, -1, 999, 10**6]), "headers": headers}
    )


def _decode_case(rng: random.Random, corpus: Corpus) -> Case:
    _, data = rng.choice(corpus.streams)
    coding = rng.choice(["gzip", "deflate", "gzip, gzip", "zstd", "identity", "br", "x" * 200])
    if coding.startswith("gzip"):
        data = gzip.compress(data)
    elif coding == "deflate":
        data = zlib.compress(data)
    if rng.random() < 0.5:
        data = mutate_stream(rng, data)
    return Case("decode_body", data, {"encoding": coding})


MAKERS: list[tuple[Maker, float]] = [
    (_stream_case, 0.55),
    (_request_case, 0.2),
    (_body_case, 0.12),
    (_http_case, 0.06),
    (_decode_case, 0.07),
]


def cases(rng: random.Random, corpus: Corpus, count: int) -> Iterator[Case]:
    makers = [maker for maker, _ in MAKERS]
    weights = [weight for _, weight in MAKERS]
    for _ in range(count):
        yield rng.choices(makers, weights)[0](rng, corpus)
