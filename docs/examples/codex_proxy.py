"""Codex CLI in front of a Chat Completions backend (vLLM, Ollama, DeepSeek, OpenRouter...).

Codex speaks the Responses API; this proxy translates each ``POST /v1/responses`` into a
streamed ``/chat/completions`` call and the chat stream back into Responses events.

Run it (any ASGI server works)::

    UPSTREAM_URL=http://localhost:8000/v1 PROFILE=vllm MODEL=qwen3 \\
        uvicorn codex_proxy:app --port 8080

and point Codex at it in ``$CODEX_HOME/config.toml``::

    model_provider = "proxy"
    [model_providers.proxy]
    name = "wireshift proxy"
    base_url = "http://127.0.0.1:8080/v1"
    wire_api = "responses"

Settings (environment): ``UPSTREAM_URL`` (the backend's base URL, ending in ``/v1``),
``UPSTREAM_API_KEY`` (optional), ``PROFILE`` (a wireshift profile name, default ``openai``),
``MODEL`` (optional: replaces the model Codex asks for).
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any

import httpx

import wireshift
from wireshift.translate import atranslate_stream, translate_request

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def create_app(
    upstream_url: str | None = None,
    api_key: str | None = None,
    profile: str | None = None,
    model: str | None = None,
) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """The ASGI app; arguments left out are read from the environment."""
    upstream = (upstream_url or os.environ.get("UPSTREAM_URL", "http://127.0.0.1:8000/v1")).rstrip(
        "/"
    )
    key = api_key or os.environ.get("UPSTREAM_API_KEY")
    profile = profile or os.environ.get("PROFILE") or None
    model = model or os.environ.get("MODEL") or None
    headers = {"content-type": "application/json", "accept": "text/event-stream"}
    if key:
        headers["authorization"] = f"Bearer {key}"
    # LLM streams can pause for minutes between chunks; only connecting should be quick.
    client = httpx.AsyncClient(timeout=httpx.Timeout(600.0, connect=10.0))

    async def chat_stream(body: bytes) -> AsyncIterator[bytes]:
        """The upstream's SSE bytes; an HTTP or connection error becomes a chat error event,
        which the stream translation turns into ``response.failed`` with its message."""
        try:
            async with client.stream(
                "POST", f"{upstream}/chat/completions", content=body, headers=headers
            ) as reply:
                if reply.status_code >= 400:
                    error = _upstream_error(reply.status_code, await reply.aread())
                    yield b"data: " + json.dumps({"error": error}).encode() + b"\n\n"
                    return
                async for chunk in reply.aiter_bytes():
                    yield chunk
        except httpx.HTTPError as exc:
            error = {"message": f"upstream unreachable: {exc!r}", "code": "upstream_unreachable"}
            yield b"data: " + json.dumps({"error": error}).encode() + b"\n\n"

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await receive()  # lifespan.startup
            await send({"type": "lifespan.startup.complete"})
            await receive()  # lifespan.shutdown
            await client.aclose()
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["type"] != "http":
            return
        if scope["method"] != "POST" or scope["path"] not in ("/v1/responses", "/responses"):
            await _json(send, 404, {"error": {"message": f"no route for {scope['path']}"}})
            return
        request_headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            # Codex zstd-compresses its bodies when logged in with ChatGPT.
            raw = wireshift.decode_body(
                await _read_body(receive), request_headers.get("content-encoding")
            )
            chat = translate_request(raw, to="chat", profile=profile, model=model)
        except wireshift.WireshiftError as exc:
            await _json(
                send, 400, {"error": {"message": str(exc), "type": "invalid_request_error"}}
            )
            return

        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"text/event-stream"),
                    (b"cache-control", b"no-cache"),
                ],
            }
        )
        events = atranslate_stream(
            chat_stream(chat.body),
            to="responses",
            tool_names=chat.tool_names,
            profile=profile,
            encode=True,
            response={"model": chat.data.get("model")},
        )
        async for data in events:
            await send({"type": "http.response.body", "body": data, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    return app


def _upstream_error(status: int, body: bytes) -> dict[str, Any]:
    """The upstream's own error message when its body has one, else the raw text."""
    message = body.decode("utf-8", "replace").strip() or f"HTTP {status}"
    try:
        error = json.loads(body).get("error")
    except (ValueError, AttributeError):
        error = None
    if isinstance(error, dict) and error.get("message"):
        message = str(error["message"])
    elif isinstance(error, str):
        message = error
    return {"message": f"upstream HTTP {status}: {message}", "code": f"http_{status}"}


async def _read_body(receive: Receive) -> bytes:
    parts = []
    while True:
        message = await receive()
        parts.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(parts)


async def _json(send: Send, status: int, payload: dict[str, Any]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": json.dumps(payload).encode()})


app = create_app()
