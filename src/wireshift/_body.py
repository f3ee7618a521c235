"""Undo ``Content-Encoding`` on request and response bodies, with a cap on the decoded size.

Codex zstd-compresses request bodies when logged in with ChatGPT; a gateway that forwards them
undecoded fails while curl with the plain body works.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable

from ._boundary import boundary
from ._errors import (
    ArgumentTypeError,
    BodyTooLargeError,
    CorruptBodyError,
    UnknownEncodingError,
    excerpt,
    quoted,
)

__all__ = ["DEFAULT_MAX_BODY_BYTES", "decode_body"]

DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024
"""Decoded bodies larger than this are refused: a 45 KB Codex request is far below it,
a decompression bomb is far above."""


@boundary("decode_body")
def decode_body(
    raw: bytes,
    content_encoding: str | None,
    *,
    max_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> bytes:
    """Undo every coding in ``content_encoding`` (``"gzip"``, ``"zstd"``, ``"gzip, br"``...).

    Stacked codings are undone last-applied first, as RFC 9110 orders them. ``identity`` and an
    empty or missing header return ``raw`` as it is. Supported: ``gzip``/``x-gzip``, ``deflate``
    (zlib-wrapped, or raw as some servers send it), ``zstd`` (``compression.zstd`` on Python
    3.14+, else the ``wireshift[zstd]`` extra).

    Raises :class:`UnknownEncodingError`, :class:`CorruptBodyError` or
    :class:`BodyTooLargeError` (never a bare ``zlib.error``); :class:`ArgumentTypeError` when
    ``raw`` is not bytes.
    """
    if not isinstance(raw, (bytes, bytearray, memoryview)):
        raise ArgumentTypeError(
            f"decode_body takes the body's bytes, not {type(raw).__name__}", argument="raw"
        )
    if content_encoding is not None and not isinstance(content_encoding, str):
        raise ArgumentTypeError(
            f"content_encoding is the header's text, not {type(content_encoding).__name__}",
            argument="content_encoding",
        )
    codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
    data = bytes(raw)
    for coding in reversed([c for c in codings if c and c != "identity"]):
        decoder = _DECODERS.get(coding)
        if decoder is None:
            raise UnknownEncodingError(
                f"cannot decode Content-Encoding {quoted(coding, 60)}; known: identity, "
                + ", ".join(sorted(_DECODERS)),
                encoding=excerpt(coding, 60),
            )
        data = decoder(data, max_bytes)
    if len(data) > max_bytes:
        raise BodyTooLargeError(
            f"body is {len(data)} bytes, over the {max_bytes}-byte cap",
            encoding="identity",
            max_bytes=max_bytes,
        )
    return data


def _too_large(coding: str, max_bytes: int) -> BodyTooLargeError:
    return BodyTooLargeError(
        f"{coding} body decodes to more than {max_bytes} bytes",
        encoding=coding,
        max_bytes=max_bytes,
    )


# Output is taken in pieces of at most _PIECE bytes and input given in windows of _WINDOW
# (zlib copies the input it has not used yet on every call): a bomb is refused holding no
# more than the cap plus one piece.
_PIECE = 1 << 20
_WINDOW = 1 << 16


def _inflate(data: bytes, max_bytes: int, wbits: int, coding: str) -> bytes:
    """Inflate every member (gzip allows several), never holding more than
    ``max_bytes`` + one piece."""
    pieces: list[bytes] = []
    size = 0
    view = memoryview(data)
    start = 0
    while True:
        inflater = zlib.decompressobj(wbits)
        read = start
        try:
            while not inflater.eof:
                pending: bytes | memoryview = inflater.unconsumed_tail
                if not pending:
                    if read >= len(view):
                        break
                    pending = view[read : read + _WINDOW]
                    read += len(pending)
                piece = inflater.decompress(pending, _PIECE)
                size += len(piece)
                if size > max_bytes:
                    raise _too_large(coding, max_bytes)
                pieces.append(piece)
            tail = inflater.flush()
        except zlib.error as exc:
            raise CorruptBodyError(
                f"corrupt {coding} body: {excerpt(str(exc), 120)}", encoding=coding
            ) from None
        size += len(tail)
        if size > max_bytes:
            raise _too_large(coding, max_bytes)
        pieces.append(tail)
        if not inflater.eof:
            raise CorruptBodyError(f"{coding} body ends before its stream does", encoding=coding)
        start = read - len(inflater.unused_data)
        if not view[start:].tobytes().strip(b"\x00"):
            return b"".join(pieces)


def _gzip(data: bytes, max_bytes: int) -> bytes:
    return _inflate(data, max_bytes, 16 + zlib.MAX_WBITS, "gzip")


def _deflate(data: bytes, max_bytes: int) -> bytes:
    # RFC 9110 deflate is zlib-wrapped, but some servers send raw deflate: a zlib header
    # has a checksum, so trying zlib first cannot mistake one for the other.
    try:
        return _inflate(data, max_bytes, zlib.MAX_WBITS, "deflate")
    except CorruptBodyError:
        return _inflate(data, max_bytes, -zlib.MAX_WBITS, "deflate")


def _zstd(data: bytes, max_bytes: int) -> bytes:
    try:
        from compression import zstd  # Python 3.14+
    except ImportError:
        return _zstd_extra(data, max_bytes)
    pieces: list[bytes] = []
    size = 0
    rest = data
    try:
        while rest:
            decompressor = zstd.ZstdDecompressor()
            pending = rest
            while True:
                piece = decompressor.decompress(pending, _PIECE)
                pending = b""
                size += len(piece)
                if size > max_bytes:
                    raise _too_large("zstd", max_bytes)
                pieces.append(piece)
                if decompressor.eof or decompressor.needs_input:
                    break
            if not decompressor.eof:
                raise CorruptBodyError("zstd body ends before its frame does", encoding="zstd")
            rest = decompressor.unused_data
    except zstd.ZstdError as exc:
        raise CorruptBodyError(
            f"corrupt zstd body: {excerpt(str(exc), 120)}", encoding="zstd"
        ) from None
    return b"".join(pieces)


def _zstd_extra(data: bytes, max_bytes: int) -> bytes:
    try:
        import zstandard
    except ImportError:
        raise UnknownEncodingError(
            "zstd bodies need Python 3.14+ or the extra: pip install 'wireshift[zstd]'",
            encoding="zstd",
        ) from None
    context = zstandard.ZstdDecompressor()
    try:
        # First a capped streaming pass, so a bomb is refused before it is held in memory...
        reader = context.stream_reader(io.BytesIO(data), read_across_frames=True)
        size = 0
        while chunk := reader.read(min(1 << 20, max_bytes + 1 - size)):
            size += len(chunk)
            if size > max_bytes:
                raise _too_large("zstd", max_bytes)
        # ...then frame by frame, because the streaming reader passes over a truncated frame.
        out = bytearray()
        rest = data
        while rest:
            frame = context.decompressobj()
            out += frame.decompress(rest)
            if not frame.eof:
                raise CorruptBodyError("zstd body ends before its frame does", encoding="zstd")
            rest = frame.unused_data
    except zstandard.ZstdError as exc:
        raise CorruptBodyError(
            f"corrupt zstd body: {excerpt(str(exc), 120)}", encoding="zstd"
        ) from None
    return bytes(out)


_DECODERS: dict[str, Callable[[bytes, int], bytes]] = {
    "gzip": _gzip,
    "x-gzip": _gzip,
    "deflate": _deflate,
    "zstd": _zstd,
}
