"""The gateway benchmark's scripted upstream: a threaded HTTP/1.1 server on 127.0.0.1 that
answers ``POST /v1/chat/completions`` with a chat stream and ``POST /v1/responses`` with a
Responses stream, one SSE event per write, paced like a model emitting tokens.

The body's text must hold ``bench turn <id> <kind>``: ``long`` is 20,000 text + 200
argument deltas, ``short`` 180 + 20, ``warm`` (a process's first turn) 12 + 4. The server
keeps the moment (``time.monotonic``, one clock for every process of the machine) it wrote
each event of a turn; ``GET /times/<id>`` hands them over once. It exits by itself after
``--deadline`` seconds.

    python upstream.py --port 0 --deadline 600    # prints "listening <port>"
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import workloads

TURN = re.compile(rb"bench turn (\d+) (long|short|warm)")
PATHS = {"chat": "/v1/chat/completions", "responses": "/v1/responses"}
"""Where each wire format is served, here and by every contender."""
WIRES = {path: wire for wire, path in PATHS.items()}
SIZES = {"long": (20_000, 200), "short": (180, 20), "warm": (12, 4)}
"""Text and argument deltas of each kind of turn."""
GAPS = {"long": 0.0001, "short": 0.02, "warm": 0.02}
"""Seconds between two events: ``short`` at 50 tokens a second, as a hosted model streams;
``long`` as fast as the pacing still gives a proxy that keeps up one event per read (a real
upstream never sends a whole turn in one burst), so a turn takes seconds, not minutes;
``warm`` as ``short``."""


def streams() -> dict[tuple[str, str], list[bytes]]:
    """Each (path kind, turn kind)'s events, one SSE event each."""
    made: dict[tuple[str, str], list[bytes]] = {}
    for kind, (text, arguments) in SIZES.items():
        made["chat", kind] = workloads.chat_stream(text, arguments, calls=1)
        made["responses", kind] = workloads.responses_stream(text, arguments)
    return made


class Upstream(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, port: int) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.streams = streams()
        self.times: dict[str, list[float]] = {}
        self.lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Upstream

    def setup(self) -> None:
        super().setup()
        # Small writes go out at once (no Nagle wait for an acknowledgement).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _reply(self, status: int, body: bytes, kind: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == "/health":
            self._reply(200, b"{}")
        elif self.path.startswith("/times/"):
            with self.server.lock:
                times = self.server.times.pop(self.path.removeprefix("/times/"), None)
            self._reply(200 if times else 404, json.dumps(times).encode())
        else:
            self._reply(404, b"{}")

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        wire = WIRES.get(self.path)
        turn = TURN.search(body)
        if wire is None or turn is None:
            self._reply(404, b'{"error": {"message": "not a benchmark turn"}}')
            return
        turn_id, kind = turn.group(1).decode(), turn.group(2).decode()
        events = self.server.streams[wire, kind]
        gap = GAPS[kind]
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        write = self.wfile.write
        sleep = time.sleep
        now = time.monotonic
        times: list[float] = []
        for event in events:
            sleep(gap)
            times.append(now())
            write(b"%x\r\n%s\r\n" % (len(event), event))
        write(b"0\r\n\r\n")
        with self.server.lock:
            self.server.times[turn_id] = times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--deadline", type=float, default=600.0, help="seconds, then exit")
    args = parser.parse_args()
    server = Upstream(args.port)
    stop = threading.Timer(args.deadline, os._exit, (0,))
    stop.daemon = True
    stop.start()
    print(f"listening {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
