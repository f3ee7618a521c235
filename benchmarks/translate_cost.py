"""Translating requests and streams: wireshift against LiteLLM (requests, in its own venv),
llm-rosetta (both) and the floors (``json.loads`` + ``json.dumps``; for streams, decoding,
``json.loads``, and ``json.dumps`` + SSE framing of one event out per event in)."""

from __future__ import annotations

import json
import logging
import subprocess
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, Literal

import workloads
from checks import chat_text, responses_arguments, responses_text, stream_text, verified
from common import (
    Row,
    Section,
    Unavailable,
    encode_floor,
    lazy,
    request_floor,
    side_by_side,
    split_sse,
    versus,
)
from venvs import LITELLM_REQUIREMENT, peer_python

__all__ = ["LITELLM", "sections"]

LITELLM = LITELLM_REQUIREMENT
"""Pinned: it pins an older openai than ours, hence its own venv."""
LITELLM_ROW = f"LiteLLM {LITELLM.split('==')[1]} transform"
PEER_SCRIPT = Path(__file__).resolve().parent / "peers" / "litellm_request.py"
STREAM_TEXT_DELTAS = 20_000
STREAM_ARGUMENT_DELTAS = 200


def _rosetta() -> Any:
    try:
        import llm_rosetta
        from llm_rosetta.gateway.transport.sse_format import SSE_FORMATTERS
    except ImportError as error:
        raise Unavailable(f"llm-rosetta is not installed ({error})") from error
    # It logs a warning for each repair it makes; the log lines are not what is compared.
    logging.getLogger("llm_rosetta").setLevel(logging.ERROR)
    return llm_rosetta, SSE_FORMATTERS


def _litellm(bodies: dict[str, bytes], repeats: int) -> dict[str, dict[str, float]] | str:
    """LiteLLM's medians (and its own floor's) per body, or why there are none."""
    try:
        python = peer_python("litellm", [LITELLM])
    except Unavailable as why:
        return f"LiteLLM venv: {why}"
    with tempfile.TemporaryDirectory() as tmp:
        paths: dict[str, str] = {}
        for name, raw in bodies.items():
            file = Path(tmp) / f"{name}.json"
            file.write_bytes(raw)
            paths[str(file)] = name
        try:
            done = subprocess.run(
                [str(python), str(PEER_SCRIPT), str(repeats), *paths],
                capture_output=True,
                text=True,
                timeout=900,
                check=True,
            )
            report = json.loads(done.stdout.strip().splitlines()[-1])
        except (OSError, subprocess.SubprocessError, ValueError, IndexError) as error:
            stderr = getattr(error, "stderr", "") or ""
            return f"LiteLLM run failed: {error} {stderr.strip()[-300:]}"
    out: dict[str, dict[str, float]] = {}
    for key, name in paths.items():
        values = report.get(key, {})
        if all(isinstance(values.get(key), float) for key in ("litellm", "floor")):
            out[name] = values
    return out


def _request_sections(repeats: int) -> list[Section]:
    bodies: dict[str, bytes] = {}
    titles: dict[str, str] = {}
    bodies["codex"] = json.dumps(workloads.codex_request()).encode()
    titles["codex"] = "Codex 0.169 request (tests/data/fixtures)"
    history = workloads.history_request(400)
    bodies["history"] = json.dumps(history).encode()
    titles["history"] = "generated 400-item tool-using history"
    litellm = _litellm(bodies, repeats)

    def rosetta(raw: bytes) -> Callable[[], Any]:
        library, _ = _rosetta()

        def run() -> bytes:
            pipeline = library.ConversionPipeline("openai_responses", "openai_chat")
            chat = pipeline.convert_request(json.loads(raw))
            return json.dumps(chat, ensure_ascii=False).encode()

        return run

    out: list[Section] = []
    for name, raw in bodies.items():
        results: dict[str, float | Unavailable] = side_by_side(
            {
                "floor": partial(request_floor, raw),
                "wireshift": verified(partial(_wireshift_request, raw), _chat_body_check),
                "llm-rosetta": verified(lazy(rosetta, raw), _chat_body_check),
            },
            repeats,
        )
        floor = results["floor"]
        assert isinstance(floor, float)
        rows = [
            Row("floor: json.loads + json.dumps", floor),
            versus(
                "wireshift translate_request",
                results,
                "wireshift",
                "floor",
                limit=1.2,
                target="<= 1.2x",
            ),
        ]
        if isinstance(litellm, str):
            rows.append(Row(LITELLM_ROW, note=f"not measured: {litellm}"))
        elif name not in litellm:
            rows.append(Row(LITELLM_ROW, note="not measured: the peer run gave no time"))
        else:
            own = litellm[name]
            rows.append(
                Row(
                    LITELLM_ROW,
                    own["litellm"],
                    "floor (in its venv)",
                    own["litellm"] / own["floor"],
                    note="timed in LiteLLM's own venv (same Python) by peers/litellm_request.py,"
                    " side by side with the same floor, json.loads and json.dumps included",
                )
            )
            wireshift = results["wireshift"]
            if isinstance(wireshift, float):
                # Across two processes, compare each side's ratio to its own floor: a
                # machine slower in one run than in the other then cancels out.
                ratio = (wireshift / floor) / (own["litellm"] / own["floor"])
                rows.append(
                    Row(
                        "wireshift translate_request",
                        wireshift,
                        "LiteLLM, floor-normalized",
                        ratio,
                        "< 1x",
                        ratio < 1,
                        note="(wireshift / its floor) / (LiteLLM / its floor): the two were "
                        "timed in different processes",
                    )
                )
        rows.append(versus("llm-rosetta convert_request", results, "llm-rosetta", "floor"))
        size = f"{len(raw) / 1e3:.0f} kB"
        out.append(Section(f"translate_request, Responses -> chat: {titles[name]} ({size})", rows))
    return out


def _wireshift_request(raw: bytes) -> bytes:
    from wireshift.translate import translate_request

    return translate_request(raw, to="chat").body


def _chat_body_check(body: bytes) -> str | None:
    messages = json.loads(body).get("messages")
    if not messages or messages[-1].get("role") not in ("user", "tool"):
        return "no messages, or the last one is not the user's or a tool's"
    return None


def _floor_stream(chunks: list[bytes], named: bool) -> Callable[[], list[bytes]]:
    def run() -> list[bytes]:
        return [
            encode_floor(json.loads(data), named)
            for data in split_sse(chunks)
            if data.strip() != b"[DONE]"
        ]

    return run


def _rosetta_stream(
    chunks: list[bytes], source: str, target: str, request: dict[str, Any]
) -> Callable[[], list[bytes]]:
    """llm-rosetta as its gateway uses it: a pipeline set up by the request, a stream
    processor fed each upstream chunk as a dict, its own SSE formatter for each event out.
    The SSE decoding and ``json.loads`` are the floor's (its gateway's decoder needs I/O)."""
    library, formatters = _rosetta()
    fmt = formatters[source]

    def run() -> list[bytes]:
        pipeline = library.ConversionPipeline(source, target)
        pipeline.convert_request(json.loads(json.dumps(request)))
        processor = pipeline.create_stream_processor()
        out: list[bytes] = []
        for data in split_sse(chunks):
            if data.strip() == b"[DONE]":
                continue
            out.extend(fmt(event).encode() for event in processor.process_chunk(json.loads(data)))
        if source == "openai_chat":
            out.append(b"data: [DONE]\n\n")
        return out

    return run


def _stream_section(
    title: str,
    chunks: list[bytes],
    to: Literal["responses", "chat"],
    rosetta: tuple[str, str, dict[str, Any]],
    repeats: int,
) -> Section:
    from wireshift.translate import translate_stream

    def ours() -> list[Any]:
        return list(translate_stream(chunks, to=to, encode=True))

    text = chat_text(chunks) if to == "responses" else responses_text(chunks)

    def check(out: list[bytes]) -> str | None:
        got = stream_text(out, to)
        return None if got == text else f"{len(got)} of {len(text)} characters of text out"

    results = side_by_side(
        {
            "floor": _floor_stream(chunks, named=to == "responses"),
            "wireshift": verified(ours, check),
            "llm-rosetta": verified(lazy(_rosetta_stream, chunks, *rosetta), check),
        },
        repeats,
    )
    floor = results["floor"]
    assert isinstance(floor, float)
    size = f"{sum(map(len, chunks)) / 1e6:.1f} MB, {len(chunks):,} events"
    return Section(
        f"{title} ({size})",
        [
            Row("floor: decode + json.loads + dumps + SSE", floor),
            versus(
                "wireshift translate_stream(encode=True)",
                results,
                "wireshift",
                "floor",
                limit=2.0,
                target="<= 2x",
            ),
            versus("llm-rosetta stream processor", results, "llm-rosetta", "floor"),
            versus("wireshift translate_stream", results, "wireshift", "llm-rosetta"),
        ],
    )


def _stream_sections(repeats: int) -> list[Section]:
    chat = workloads.chat_stream(STREAM_TEXT_DELTAS, STREAM_ARGUMENT_DELTAS, calls=1)
    responses = workloads.responses_stream(STREAM_TEXT_DELTAS, STREAM_ARGUMENT_DELTAS)
    deltas = f"{STREAM_TEXT_DELTAS:,} text + {STREAM_ARGUMENT_DELTAS} argument deltas"
    return [
        _stream_section(
            f"translate_stream: chat chunks -> Responses SSE, {deltas}",
            chat,
            "responses",
            ("openai_responses", "openai_chat", workloads.responses_request()),
            repeats,
        ),
        _stream_section(
            f"translate_stream: Responses events -> chat SSE, {deltas}",
            responses,
            "chat",
            ("openai_chat", "openai_responses", workloads.chat_request()),
            repeats,
        ),
    ]


def _restore_section(repeats: int) -> Section:
    """A native Responses server's stream given back to its client: the one call restored
    (its tool was a namespace member), every other event passed through."""
    from wireshift import ToolNameMap
    from wireshift._toolnames import ToolOrigin
    from wireshift.translate import translate_stream

    chunks = workloads.responses_stream(STREAM_TEXT_DELTAS, STREAM_ARGUMENT_DELTAS)
    names = ToolNameMap()
    names.add(ToolOrigin("write_file", "function", "files"))
    text = responses_text(chunks)
    arguments = responses_arguments(chunks)

    def ours() -> list[Any]:
        return list(translate_stream(chunks, to="responses", tool_names=names, encode=True))

    def check(out: list[bytes]) -> str | None:
        if stream_text(out, "responses") != text or responses_arguments(out) != arguments:
            return "text or arguments changed"
        if b'"namespace":"files"' not in b"".join(out):
            return "the call was not restored"
        return None

    results = side_by_side(
        {"floor": _floor_stream(chunks, named=True), "wireshift": verified(ours, check)},
        repeats,
    )
    floor = results["floor"]
    assert isinstance(floor, float)
    size = f"{sum(map(len, chunks)) / 1e6:.1f} MB, {len(chunks):,} events"
    return Section(
        f"translate_stream: Responses -> Responses, calls restored ({size})",
        [
            Row("floor: decode + json.loads + dumps + SSE", floor),
            versus(
                "wireshift translate_stream(encode=True, tool_names=...)",
                results,
                "wireshift",
                "floor",
                limit=1.0,
                target="<= 1x (re-encoding cost)",
            ),
        ],
    )


def sections(repeats: int) -> list[Section]:
    return [*_request_sections(repeats), *_stream_sections(repeats), _restore_section(repeats)]
