"""Codex CLI in front of a Chat Completions backend (vLLM, Ollama, DeepSeek, OpenRouter...),
or of a server's own ``/v1/responses`` that takes function tools only (Ollama, vLLM, LM
Studio, llama.cpp: the ``*-responses`` profiles).

Codex speaks the Responses API; this proxy translates each ``POST /v1/responses`` (or, in
WebSocket mode, each ``response.create`` frame on ``/v1/responses``) into a streamed
``/chat/completions`` call and the chat stream back into Responses events. With a
``*-responses`` profile it sends ``/responses`` instead, with the tools the server does not
take flattened into functions, and gives the calls back to Codex as its own tools.

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
``MODEL`` (optional: replaces the model Codex asks for), ``STORE`` (optional: ``memory``, or
the path of a SQLite file, to answer ``previous_response_id`` for clients that use it; each
client's turns are kept apart by its API key), ``COMPACTION_KEY`` (optional: a secret of 16
characters or more; with it, Codex's remote compaction is answered with a summary the
backend writes, sealed with the key; without it, a compaction request is refused).
"""

from __future__ import annotations

import gc
import hashlib
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

# Notes at debug level, upstream failures at warning level; never a request body or a key.
log = logging.getLogger("codex_proxy")


def create_app(
    upstream_url: str | None = None,
    api_key: str | None = None,
    profile: str | None = None,
    model: str | None = None,
    store: str | None = None,
) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """The ASGI app; arguments left out are read from the environment."""
    upstream = (upstream_url or os.environ.get("UPSTREAM_URL", "http://127.0.0.1:8000/v1")).rstrip(
        "/"
    )
    key = api_key or os.environ.get("UPSTREAM_API_KEY")
    profile = profile or os.environ.get("PROFILE") or None
    # The format the backend speaks, and so where requests go.
    wire = wireshift.get_profile(profile).wire
    endpoint = f"{upstream}/chat/completions" if wire == "chat" else f"{upstream}/responses"
    model = model or os.environ.get("MODEL") or None
    sealing = os.environ.get("COMPACTION_KEY") or None
    where = store or os.environ.get("STORE")
    turns: wireshift.ResponseStore | None = None
    if where == "memory":
        turns = wireshift.MemoryResponseStore()
    elif where:
        turns = wireshift.SQLiteResponseStore(where)
    headers = {"content-type": "application/json", "accept": "text/event-stream"}
    if key:
        headers["authorization"] = f"Bearer {key}"
    # LLM streams can pause for minutes between chunks; only connecting should be quick.
    client = httpx.AsyncClient(timeout=httpx.Timeout(600.0, connect=10.0))

    async def open_upstream(body: bytes) -> httpx.Response:
        """The upstream's streamed reply; an HTTP error status or no connection at all raises
        the UpstreamError to answer with, before any byte went to Codex."""
        request = client.build_request("POST", endpoint, content=body, headers=headers)
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

    async def upstream_bytes(reply: httpx.Response) -> AsyncIterator[bytes]:
        """The upstream's SSE bytes. A connection lost mid-stream ends the input; the stream
        translation then fails the turn as cut (``stream_interrupted``)."""
        try:
            async for chunk in reply.aiter_bytes():
                yield chunk
        except httpx.HTTPError as exc:
            log.warning("upstream stream lost: %s", type(exc).__name__)
        finally:
            await reply.aclose()

    def translate(
        body: Any,
        store: wireshift.ResponseStore | None = None,
        previous_items: list[dict[str, Any]] | None = None,
    ) -> wireshift.TranslatedRequest:
        """The request for the backend (its ``tool_names`` and ``turn`` serve the reply)."""
        return wireshift.translate_request(
            body,
            to=wire,
            profile=profile,
            model=model,
            store=store,
            previous_items=previous_items,
            compaction_key=sealing,
        )

    def reply(
        sent: wireshift.TranslatedRequest, source: AsyncIterator[Any]
    ) -> wireshift.AsyncTranslatedStream[bytes]:
        """The backend's stream as Responses SSE bytes for Codex."""
        return wireshift.atranslate_stream(
            source,
            to="responses",
            tool_names=sent.tool_names,
            profile=profile,
            encode=True,
            response={"model": sent.data.get("model")},
            turn=sent.turn,
        )

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await receive()  # lifespan.startup
            # Build now what the first requests would build (model classes, validators), then
            # freeze it all: it lives as long as the process, and the collector's full passes
            # skip it instead of walking it while every stream waits (docs/codex-proxy.md).
            wireshift.translate.warm_up()
            gc.freeze()
            await send({"type": "lifespan.startup.complete"})
            await receive()  # lifespan.shutdown
            await client.aclose()
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["type"] == "websocket":
            await websocket(scope, receive, send)
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
            tenant = None
            if turns is not None:
                # Each API key sees its own turns only (hashed: the key is never stored).
                key = request_headers.get("authorization", "")
                tenant = wireshift.ScopedResponseStore(
                    turns, hashlib.sha256(key.encode()).hexdigest()
                )
            sent = translate(raw, store=tenant)
        except wireshift.WireshiftError as exc:
            await _json(
                send, 400, {"error": {"message": str(exc), "type": "invalid_request_error"}}
            )
            return
        for note in sent.notes:
            log.debug("request note: %s", note)

        source: AsyncIterator[Any]
        try:
            source = upstream_bytes(await open_upstream(sent.body))
        except wireshift.UpstreamError as error:
            log.warning("upstream failed: HTTP %s %s: %s", error.status, error.code, error.message)
            source = _only(error)
        events = reply(sent, source)
        # The stream keeps what it needs (tool names, the turn); the request itself, thousands
        # of objects, goes now rather than ride the collector's generations for the whole
        # stream (docs/codex-proxy.md).
        del raw, sent

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
        # One write per upstream read, as a pass-through would: a read that brought several
        # events (a busy proxy reads several at once) is not sent back one write per event.
        async for batch in events.batches():
            body = b"".join(batch)
            await send({"type": "http.response.body", "body": body, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        # A failure after the stream started went to Codex as response.failed.
        if events.error is not None:
            log.warning(
                "upstream failed mid-stream: %s: %s", events.error.code, events.error.message
            )
        for note in events.notes:
            log.debug("stream note: %s", note)

    async def websocket(scope: Scope, receive: Receive, send: Send) -> None:
        """Responses WebSocket mode (Codex with ``supports_websockets = true``): one session
        per socket; each ``response.create`` frame is one request to the backend."""
        await receive()  # websocket.connect
        if scope["path"] not in ("/v1/responses", "/responses"):
            await send({"type": "websocket.close", "code": 1008})
            return
        await send({"type": "websocket.accept"})
        session = wireshift.ResponsesWebSocketSession()
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            frame = message.get("text") or (message.get("bytes") or b"").decode()
            for action in session.receive_frame(frame):
                if isinstance(action, str):
                    await send({"type": "websocket.send", "text": action})
                    continue
                try:
                    sent = translate(action.request, previous_items=action.previous_items)
                    source = upstream_bytes(await open_upstream(sent.body))
                except wireshift.WireshiftError as exc:  # UpstreamError included
                    text = session.error_frame(exc, stream_id=action.stream_id)
                    await send({"type": "websocket.send", "text": text})
                    continue
                async for batch in reply(sent, source).batches():
                    for text in session.send_events(batch, stream_id=action.stream_id):
                        await send({"type": "websocket.send", "text": text})

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


async def _json(
    send: Send, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
) -> None:
    body = json.dumps(payload).encode()
    extra = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), *extra],
        }
    )
    await send({"type": "http.response.body", "body": body})


app = create_app()
