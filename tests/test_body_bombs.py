"""decode_body against 10 GB decompression bombs: refused, holding about the cap at most.

The bombs are built from one byte-aligned deflate block (1 MiB of zeros, ended with a full
flush so it refers to nothing before it) repeated: building a 10 GiB bomb takes
milliseconds instead of compressing 10 GiB.
"""

from __future__ import annotations

import gzip
import struct
import tracemalloc
import zlib
from collections.abc import Callable

import pytest

from wireshift import BodyTooLargeError, decode_body
from wireshift._body import DEFAULT_MAX_BODY_BYTES

BLOCK = 1 << 20
TEN_GIB = 10 << 30


def _block() -> bytes:
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return deflate.compress(b"\0" * BLOCK) + deflate.flush(zlib.Z_FULL_FLUSH)


FINAL_EMPTY_BLOCK = b"\x03\x00"


def raw_deflate(total: int) -> bytes:
    return _block() * (total // BLOCK) + FINAL_EMPTY_BLOCK


def zlib_wrapped(total: int, checksum: int = 0) -> bytes:
    return b"\x78\xda" + raw_deflate(total) + struct.pack(">I", checksum)


def gzip_member(total: int, crc: int = 0) -> bytes:
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + raw_deflate(total) + struct.pack("<II", crc, total & 0xFFFFFFFF)


def test_the_construction_decodes_to_what_it_claims() -> None:
    # At 8 MiB, with real checksums, each bomb is a valid stream of zeros of that size.
    size = 8 * BLOCK
    zeros = b"\0" * size
    assert zlib.decompress(raw_deflate(size), -zlib.MAX_WBITS) == zeros
    assert zlib.decompress(zlib_wrapped(size, zlib.adler32(zeros))) == zeros
    assert gzip.decompress(gzip_member(size, zlib.crc32(zeros))) == zeros
    assert decode_body(gzip_member(size, zlib.crc32(zeros)), "gzip") == zeros


def _zstd_bomb() -> bytes:
    zstandard = pytest.importorskip("zstandard")
    frame: bytes = zstandard.ZstdCompressor(level=3).compress(b"\0" * (64 << 20))
    return frame * (TEN_GIB // (64 << 20))


BOMBS: dict[str, tuple[Callable[[], bytes], str]] = {
    "gzip": (lambda: gzip_member(TEN_GIB), "gzip"),
    "zlib deflate": (lambda: zlib_wrapped(TEN_GIB), "deflate"),
    "raw deflate": (lambda: raw_deflate(TEN_GIB), "deflate"),
    "gzip in gzip": (lambda: gzip.compress(gzip_member(TEN_GIB), 1), "gzip, gzip"),
    "zstd frames": (_zstd_bomb, "zstd"),
}


@pytest.mark.parametrize("name", list(BOMBS))
def test_a_ten_gib_bomb_is_refused_near_the_cap(name: str) -> None:
    build, coding = BOMBS[name]
    bomb = build()
    assert len(bomb) < 20 << 20  # a small body on the wire...
    tracemalloc.start()
    try:
        with pytest.raises(BodyTooLargeError) as caught:
            decode_body(bomb, coding)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.max_bytes == DEFAULT_MAX_BODY_BYTES
    # ...that would decode to 10 GiB: refused holding at most 1.25 times the cap.
    assert peak <= 1.25 * DEFAULT_MAX_BODY_BYTES, f"peak {peak / DEFAULT_MAX_BODY_BYTES:.2f}x"


def test_an_unknown_encoding_is_quoted_short() -> None:
    from wireshift import UnknownEncodingError

    with pytest.raises(UnknownEncodingError) as caught:
        decode_body(b"x", "x" * 100_000)
    assert len(str(caught.value)) < 300
    assert len(caught.value.encoding) <= 120
