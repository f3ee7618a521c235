"""The gateway benchmark's load generator: one streamed turn over a plain HTTP/1.1
connection to 127.0.0.1, keeping each body chunk's arrival time, and what the turn's events
carried (text and tool arguments, each text delta with the moment it arrived).

Its own reading is kept small (asyncio streams, no HTTP library, events parsed after the
turn) so that the client, which shares the machine with the proxy, takes little CPU from it.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

__all__ = ["API_KEY", "Turn", "run_turn", "stream_content"]

API_KEY = "sk-wireshift-bench-" + "0" * 48
"""The key every request carries (LiteLLM proxy refuses to start without a master key)."""


@dataclass
class Turn:
    """One turn seen from the client."""

    status: int
    started: float
    turn_id: int = 0
    chunks: list[tuple[float, bytes]] = field(default_factory=list)

    @property
    def first_byte(self) -> float:
        """Seconds from sending the request to the first byte of the body."""
        return self.chunks[0][0] - self.started if self.chunks else float("nan")


async def run_turn(port: int, path: str, body: bytes, timeout: float = 120.0) -> Turn:
    """POST ``body`` to ``path`` and read the whole reply (chunked or not)."""
    return await asyncio.wait_for(_turn(port, path, body), timeout)


async def _turn(port: int, path: str, body: bytes) -> Turn:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        head = (
            f"POST {path} HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\n"
            "content-type: application/json\r\naccept: text/event-stream\r\n"
            f"authorization: Bearer {API_KEY}\r\ncontent-length: {len(body)}\r\n"
            "connection: close\r\n\r\n"
        ).encode()
        now = time.monotonic
        turn = Turn(0, now())
        writer.write(head + body)
        status_line = await reader.readline()
        turn.status = int(status_line.split()[1])
        chunked = False
        length = None
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "transfer-encoding" and "chunked" in value:
                chunked = True
            elif name == "content-length":
                length = int(value)
        chunks = turn.chunks
        if chunked:
            while True:
                size = int((await reader.readline()).split(b";")[0], 16)
                if size == 0:
                    break
                data = await reader.readexactly(size + 2)
                chunks.append((now(), data[:-2]))
        elif length is not None:
            chunks.append((now(), await reader.readexactly(length)))
        else:
            while data := await reader.read(65536):
                chunks.append((now(), data))
        return turn
    finally:
        writer.close()


def _events(chunks: list[tuple[float, bytes]]) -> list[tuple[float, bytes]]:
    """Each SSE event's ``data`` with the arrival time of the chunk that completed it."""
    out: list[tuple[float, bytes]] = []
    pending = b""
    for arrived, data in chunks:
        pending += data.replace(b"\r\n", b"\n")
        *complete, pending = pending.split(b"\n\n")
        for event in complete:
            for line in event.split(b"\n"):
                if line.startswith(b"data:"):
                    out.append((arrived, line[5:].strip()))
    return out


@dataclass
class Content:
    """What a turn's events carried."""

    text: str = ""
    arguments: str = ""
    text_arrivals: list[tuple[float, int]] = field(default_factory=list)
    """(arrival, text length so far) at each text delta."""
    error: str | None = None
    turn_id: int = 0


def stream_content(chunks: list[tuple[float, bytes]], wire: str) -> Content:
    """Text, tool arguments and text arrivals of a ``wire`` ("chat" or "responses") stream."""
    text: list[str] = []
    arguments: list[str] = []
    content = Content()
    length = 0
    for arrived, data in _events(chunks):
        if data == b"[DONE]":
            continue
        event: Any = json.loads(data)
        piece = None
        if wire == "responses":
            kind = event.get("type")
            if kind == "response.output_text.delta":
                piece = event["delta"]
            elif kind == "response.function_call_arguments.delta":
                arguments.append(event["delta"])
            elif kind in ("response.failed", "error"):
                content.error = json.dumps(event)[:300]
        else:
            if "error" in event:
                content.error = json.dumps(event)[:300]
            for choice in event.get("choices") or ():
                delta = choice.get("delta") or {}
                piece = delta.get("content") or piece
                for call in delta.get("tool_calls") or ():
                    arguments.append((call.get("function") or {}).get("arguments") or "")
        if piece:
            text.append(piece)
            length += len(piece)
            content.text_arrivals.append((arrived, length))
    content.text = "".join(text)
    content.arguments = "".join(arguments)
    return content
