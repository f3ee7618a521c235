"""Servers on a free port of 127.0.0.1 for tests that drive real clients: an ASGI app under
uvicorn, and a scripted HTTP upstream."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

Reply = tuple[int, str, bytes] | tuple[int, str, bytes, dict[str, str]]
"""Status, content type and body of an HTTP answer, and any more headers."""


@contextmanager
def serve_asgi(app: Any) -> Iterator[str]:
    """``app`` under uvicorn; yields its ``/v1`` base URL."""
    uvicorn = pytest.importorskip("uvicorn", reason="uvicorn (the e2e group) is not installed")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, lifespan="on", log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the app did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()


@contextmanager
def serve_upstream(handle: Callable[[str, Any, dict[str, str]], Reply]) -> Iterator[str]:
    """A scripted upstream: ``handle(path, JSON body, headers)`` answers each POST. Yields the
    ``/v1`` base URL."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)))
            status, kind, payload, *more = handle(self.path, body, dict(self.headers.items()))
            self.send_response(status)
            self.send_header("content-type", kind)
            for name, value in (more[0] if more else {}).items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
