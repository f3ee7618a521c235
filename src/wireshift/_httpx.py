"""Reading server-sent events from an ``httpx.Response`` with wireshift's own decoder.

Why not ``httpx_sse.EventSource``: it raises unless the response's content type is
``text/event-stream``, and the ChatGPT Codex backend labels its event stream
``application/json``. These helpers read whatever the body is as an event stream: check the
status and content type yourself if they matter. They read ``iter_bytes()``, so a
compressed body (``Content-Encoding: gzip``...) is decoded first.

httpx is imported for type checking only: these functions take the response you already have.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, overload

from ._sse import SSEComment, SSEEvent, aiter_sse, iter_sse

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    import httpx

__all__ = ["aiter_sse_response", "iter_sse_response"]


@overload
def iter_sse_response(
    response: httpx.Response, *, comments: Literal[False] = False
) -> Iterator[SSEEvent]: ...
@overload
def iter_sse_response(
    response: httpx.Response, *, comments: bool
) -> Iterator[SSEEvent | SSEComment]: ...
def iter_sse_response(
    response: httpx.Response, *, comments: bool = False
) -> Iterator[SSEEvent | SSEComment]:
    """The events of a streamed response (``client.stream(...)``), whatever its content type.

    A last event the upstream did not end with a blank line is delivered too.
    """
    return iter_sse(response.iter_bytes(), comments=comments)


@overload
def aiter_sse_response(
    response: httpx.Response, *, comments: Literal[False] = False
) -> AsyncIterator[SSEEvent]: ...
@overload
def aiter_sse_response(
    response: httpx.Response, *, comments: bool
) -> AsyncIterator[SSEEvent | SSEComment]: ...
def aiter_sse_response(
    response: httpx.Response, *, comments: bool = False
) -> AsyncIterator[SSEEvent | SSEComment]:
    """The events of an async streamed response, like :func:`iter_sse_response`."""
    return aiter_sse(response.aiter_bytes(), comments=comments)
