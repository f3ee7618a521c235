"""Codex CLI in front of a server's own ``/v1/responses`` (Ollama, vLLM, LM Studio, llama.cpp).

These servers speak Responses but take function tools only: Codex's ``namespace`` tools (MCP
servers, sub-agents) and its freeform ``apply_patch`` are rejected, skipped, or called back
under names Codex does not know. This proxy normalizes each request for the server (tools
flattened into functions, hosted tools dropped) and gives each reply's calls back to Codex
as the tools it offered.

Run it (any ASGI server works)::

    UPSTREAM_URL=http://localhost:11434/v1 PROFILE=ollama-responses \\
        uvicorn codex_native_proxy:app --port 8080

and point Codex at it (``$CODEX_HOME/config.toml``)::

    model_provider = "native"
    [model_providers.native]
    name = "wireshift native proxy"
    base_url = "http://127.0.0.1:8080/v1"
    wire_api = "responses"

Settings (environment): ``UPSTREAM_URL`` (the server's base URL, ending in ``/v1``),
``UPSTREAM_API_KEY`` (optional), ``PROFILE`` (``ollama-responses``, ``vllm-responses``,
``lmstudio-responses``, ``llamacpp-responses``...), ``MODEL`` (optional: replaces the
model Codex asks for).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any

import httpx

import wireshift

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

log = logging.getLogger("codex_native_proxy")


def create_app(
    upstream_url: str | None = None,
    api_key: str | None = None,
    profile: str | None = None,
    model: str | None = None,
) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """The ASGI app; arguments left out are read from the environment."""
    base = upstream_url or os.environ.get("UPSTREAM_URL", "http://127.0.0.1:11434/v1")
    upstream = base.rstrip("/")
    key = api_key or os.environ.get("UPSTREAM_API_KEY")
    profile = profile or os.environ.get("PROFILE") or "ollama-responses"
    model = model or os.environ.get("MODEL") or None
    headers = {"content-type": "application/json", "accept": "text/event-stream"}
    if key:
        headers["authorization"] = f"Bearer {key}"
    client = httpx.AsyncClient(timeout=httpx.Timeout(600.0, connect=10.0))

    async def open_upstream(body: bytes) -> httpx.Response:
        """The server's streamed reply; an error status raises the UpstreamError to answer
        with (its code kept, so Codex does not retry what can never succeed)."""
        request = client.build_request(
            "POST", f"{upstream}/responses", content=body, headers=headers
        )
        try:
            reply = await client.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise wireshift.UpstreamError(
                f"upstream unreachable: {type(exc).__name__}",
                code="upstream_unreachable",
                source="http",
            ) from exc
        if reply.status_code >= 400:
            raw = await reply.aread()
            await reply.aclose()
            raise wireshift.UpstreamError.from_http(reply.status_code, raw, reply.headers)
        return reply

    async def events(reply: httpx.Response) -> AsyncIterator[bytes]:
        try:
            async for chunk in reply.aiter_bytes():
                yield chunk
        except httpx.HTTPError as exc:
            log.warning("upstream stream lost: %s", type(exc).__name__)
        finally:
            await reply.aclose()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await receive()
            await send({"type": "lifespan.startup.complete"})
            await receive()
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
            raw = wireshift.decode_body(
                await _read_body(receive), request_headers.get("content-encoding")
            )
            # The map of flattened tool names comes back with the request, for the reply.
            normalized = wireshift.normalize_request(raw, profile=profile, model=model)
        except wireshift.WireshiftError as exc:
            await _json(
                send, 400, {"error": {"message": str(exc), "type": "invalid_request_error"}}
            )
            return
        for note in normalized.notes:
            log.debug("request note: %s", note)

        source: AsyncIterator[Any]
        try:
            source = events(await open_upstream(normalized.body))
        except wireshift.UpstreamError as error:
            log.warning("upstream failed: HTTP %s %s: %s", error.status, error.code, error.message)
            source = _only(error)

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
        stream = wireshift.atranslate_stream(
            source, to="responses", tool_names=normalized.tool_names, encode=True
        )
        async for data in stream:
            await send({"type": "http.response.body", "body": data, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        if stream.error is not None:
            log.warning(
                "upstream failed mid-stream: %s: %s", stream.error.code, stream.error.message
            )

    return app


async def _only(error: wireshift.UpstreamError) -> AsyncIterator[Any]:
    yield error


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
