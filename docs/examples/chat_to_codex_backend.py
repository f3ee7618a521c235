"""A Chat Completions endpoint in front of the ChatGPT Codex backend.

Chat clients ``POST /v1/chat/completions``; this app translates each body into a Responses
request normalized for the Codex backend (system messages hoisted into ``instructions``,
``stream`` forced on, rejected fields dropped), sends it, and reads the reply, which always
streams (labelled ``application/json``):

- a client that asked ``stream: false`` gets one JSON ``ChatCompletion``: the stream is
  collapsed with ``aaccumulate_stream`` and translated with ``translate_response``;
- a client that asked ``stream: true`` gets chat chunks from ``atranslate_stream``.

Upstream failures, including a ``response.failed`` whose ``response.error`` is null and whose
real error sits beside it, reach the client as the HTTP status and error body it expects.

Run it (any ASGI server works)::

    CODEX_ACCESS_TOKEN=... CHATGPT_ACCOUNT_ID=... \\
        uvicorn chat_to_codex_backend:app --port 8081

Settings (environment): ``UPSTREAM_URL`` (default ``https://chatgpt.com/backend-api/codex``),
``CODEX_ACCESS_TOKEN`` and ``CHATGPT_ACCOUNT_ID`` (a ChatGPT login's access token and account
id), ``MODEL`` (optional: replaces the model the client asks for).
"""

from __future__ import annotations

import gc
import json
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any

import httpx

import wireshift
import wireshift.chat
from wireshift.accumulate import aaccumulate_stream
from wireshift.translate import atranslate_stream, translate_request, translate_response

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

PROFILE = "chatgpt-codex"
log = logging.getLogger("chat_to_codex_backend")


def create_app(
    upstream_url: str | None = None,
    access_token: str | None = None,
    account_id: str | None = None,
    model: str | None = None,
) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """The ASGI app; arguments left out are read from the environment."""
    upstream = (
        upstream_url or os.environ.get("UPSTREAM_URL", "https://chatgpt.com/backend-api/codex")
    ).rstrip("/")
    token = access_token or os.environ.get("CODEX_ACCESS_TOKEN")
    account = account_id or os.environ.get("CHATGPT_ACCOUNT_ID")
    model = model or os.environ.get("MODEL") or None
    headers = {"content-type": "application/json", "accept": "text/event-stream"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    if account:
        headers["chatgpt-account-id"] = account
    # Reasoning models can think for minutes before the first event; only connecting is quick.
    client = httpx.AsyncClient(timeout=httpx.Timeout(600.0, connect=10.0))

    async def chat_completions(raw: bytes, send: Send) -> None:
        # --8<-- [start:request]
        chat = wireshift.chat.ChatCompletionRequest.parse(raw)
        wants_stream = bool(chat.stream)
        include_usage = bool(chat.stream_options and chat.stream_options.include_usage)
        request = translate_request(chat, to="responses", profile=PROFILE, model=model)
        for note in request.notes:
            log.debug("%s", note)  # "input[0]: moved (the backend takes no system messages...)"
        # --8<-- [end:request]
        # The reply needs the body and the tool names; the parsed request and its translation,
        # thousands of objects, go now rather than ride the collector's generations for the
        # whole stream (docs/codex-proxy.md).
        body, tool_names = request.body, request.tool_names
        del chat, request
        async with client.stream(
            "POST", f"{upstream}/responses", content=body, headers=headers
        ) as reply:
            # --8<-- [start:reply]
            if reply.status_code >= 400:  # refused before streaming
                error = wireshift.UpstreamError.from_http(
                    reply.status_code, await reply.aread(), reply.headers
                )
                await _fail(send, error)
                return
            if not wants_stream:
                # The backend streams even so (as application/json): collapse the stream.
                result = await aaccumulate_stream(reply.aiter_bytes(), to="responses")
                try:  # a failed or cut stream raises its error, with its status
                    translated = translate_response(
                        result, to="chat", tool_names=tool_names, profile=PROFILE
                    )
                except wireshift.UpstreamError as failure:
                    await _fail(send, failure)
                    return
                for note in translated.notes:
                    log.debug("response note: %s", note)
                await _json(send, 200, translated.data)
                return
            chunks = atranslate_stream(
                _bytes_until_cut(reply),
                to="chat",
                tool_names=tool_names,
                profile=PROFILE,
                include_usage=include_usage,
                encode=True,
            )
            # A failure before any output raises at the first chunk, while the status can
            # still be the upstream's own.
            # Each batch is what one upstream read completed, sent in one write.
            batches = chunks.batches()
            try:
                first = await anext(batches)
            except wireshift.UpstreamError as error:
                await _fail(send, error)
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
            # The status is sent: a failure from here on is a last `data: {"error": ...}`.
            await send({"type": "http.response.body", "body": b"".join(first), "more_body": True})
            async for batch in batches:
                body = b"".join(batch)
                await send({"type": "http.response.body", "body": body, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
            if chunks.error is not None:
                log.warning("upstream failed mid-stream: %s", chunks.error)
            for note in chunks.notes:
                log.debug("stream note: %s", note)
            # --8<-- [end:reply]

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
        if scope["type"] != "http":
            return
        if scope["method"] != "POST" or scope["path"] not in (
            "/v1/chat/completions",
            "/chat/completions",
        ):
            await _json(send, 404, {"error": {"message": f"no route for {scope['path']}"}})
            return
        request_headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            raw = wireshift.decode_body(
                await _read_body(receive), request_headers.get("content-encoding")
            )
            await chat_completions(raw, send)
        except wireshift.WireshiftError as exc:  # the client's body: bad JSON, bad fields
            await _json(
                send, 400, {"error": {"message": str(exc), "type": "invalid_request_error"}}
            )
        except httpx.HTTPError as exc:  # before any byte was sent to the client
            await _json(
                send,
                502,
                {"error": {"message": f"upstream unreachable: {exc!r}", "type": "server_error"}},
            )

    return app


async def _fail(send: Send, error: wireshift.UpstreamError) -> None:
    """Answer with the upstream's failure: its status (a 429 as a 429, a context overflow as a
    400 with code ``context_length_exceeded``), ``Retry-After`` when it asked for a delay, and
    ``x-should-retry`` so the openai SDK retries only what can succeed."""
    log.warning("upstream failed: HTTP %s %s: %s", error.status, error.code, error.message)
    await _json(send, error.status, error.to_body(), error.http_headers())


async def _bytes_until_cut(reply: httpx.Response) -> AsyncIterator[bytes]:
    """The reply's bytes, whatever its content type says; a connection lost mid-stream just
    ends them, and the translation reports the cut stream to the client."""
    try:
        async for chunk in reply.aiter_bytes():
            yield chunk
    except httpx.HTTPError:
        return


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
    extra = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), *extra],
        }
    )
    await send({"type": "http.response.body", "body": json.dumps(payload).encode()})


app = create_app()
