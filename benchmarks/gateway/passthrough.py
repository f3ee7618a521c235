"""The floor of the gateway benchmark: an ASGI proxy of the docs recipes' shape (the same
httpx client, the same ASGI sends) that streams the upstream's bytes back untouched.

    UPSTREAM_URL=http://127.0.0.1:8000/v1 uvicorn passthrough:app
"""

from __future__ import annotations

import gc
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import httpx

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

UPSTREAM = os.environ.get("UPSTREAM_URL", "http://127.0.0.1:8000/v1").rstrip("/")
ROUTES = {"/v1/chat/completions": "/chat/completions", "/v1/responses": "/responses"}
client = httpx.AsyncClient(timeout=httpx.Timeout(600.0, connect=10.0))
HEADERS = {"content-type": "application/json", "accept": "text/event-stream"}


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await receive()
        gc.freeze()  # as the docs recipes do
        await send({"type": "lifespan.startup.complete"})
        await receive()
        await client.aclose()
        await send({"type": "lifespan.shutdown.complete"})
        return
    route = ROUTES.get(scope.get("path", ""))
    if scope["type"] != "http" or route is None:
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 404, "headers": []})
            await send({"type": "http.response.body", "body": b""})
        return
    parts = []
    while True:
        message = await receive()
        parts.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    request = client.build_request(
        "POST", UPSTREAM + route, content=b"".join(parts), headers=HEADERS
    )
    reply = await client.send(request, stream=True)
    try:
        await send(
            {
                "type": "http.response.start",
                "status": reply.status_code,
                "headers": [
                    (b"content-type", b"text/event-stream"),
                    (b"cache-control", b"no-cache"),
                ],
            }
        )
        async for chunk in reply.aiter_bytes():
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    finally:
        await reply.aclose()
