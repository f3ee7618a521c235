"""decode_body: every coding, stacked codings, bombs and corrupt data."""

from __future__ import annotations

import contextlib
import gzip
import zlib
from collections.abc import Callable

import pytest
from hypothesis import given, strategies as st

from wireshift import (
    BodyTooLargeError,
    CorruptBodyError,
    UnknownEncodingError,
    WireshiftError,
    decode_body,
)

zstandard = pytest.importorskip("zstandard", reason="the zstd extra is not installed")

Encoder = Callable[[bytes], bytes]

BODY = b'{"model":"gpt-5","input":"' + "héllo wörld ".encode() * 4000 + b'"}'


def zstd(data: bytes) -> bytes:
    return bytes(zstandard.ZstdCompressor().compress(data))


def zstd_unsized(data: bytes) -> bytes:
    # Codex streams its compressor: frames carry no content size.
    writer = zstandard.ZstdCompressor(write_content_size=False).compressobj()
    return bytes(writer.compress(data) + writer.flush())


def raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


ENCODERS: dict[str, Encoder] = {
    "gzip": gzip.compress,
    "x-gzip": gzip.compress,
    "deflate": zlib.compress,
    "zstd": zstd,
}


@pytest.mark.parametrize("header", [None, "", "identity", " Identity "])
def test_identity_returns_the_bytes(header: str | None) -> None:
    assert decode_body(BODY, header) == BODY


@pytest.mark.parametrize("coding", sorted(ENCODERS))
def test_each_coding_round_trips(coding: str) -> None:
    assert decode_body(ENCODERS[coding](BODY), coding) == BODY
    assert decode_body(ENCODERS[coding](BODY), coding.upper()) == BODY


def test_raw_deflate_as_some_servers_send_it() -> None:
    assert decode_body(raw_deflate(BODY), "deflate") == BODY


def test_zstd_without_content_size_and_multiple_frames() -> None:
    assert decode_body(zstd_unsized(BODY), "zstd") == BODY
    assert decode_body(zstd(b"ab") + zstd(b"cd"), "zstd") == b"abcd"


def test_multi_member_gzip() -> None:
    assert decode_body(gzip.compress(b"ab") + gzip.compress(b"cd"), "gzip") == b"abcd"


def test_stacked_codings_undone_last_applied_first() -> None:
    data = zstd(gzip.compress(BODY))  # gzip applied first, then zstd
    assert decode_body(data, "gzip, zstd") == BODY
    with pytest.raises(CorruptBodyError) as caught:
        decode_body(data, "zstd, gzip")
    assert caught.value.encoding == "gzip"


@pytest.mark.parametrize("coding", ["gzip", "deflate", "zstd"])
def test_bomb_refused_with_the_cap(coding: str) -> None:
    bomb = ENCODERS[coding](b"\0" * 20_000_000)
    assert len(bomb) < 100_000
    with pytest.raises(BodyTooLargeError) as caught:
        decode_body(bomb, coding, max_bytes=1_000_000)
    assert caught.value.max_bytes == 1_000_000
    assert caught.value.encoding == coding


def test_cap_is_inclusive() -> None:
    assert decode_body(gzip.compress(b"x" * 100), "gzip", max_bytes=100) == b"x" * 100
    with pytest.raises(BodyTooLargeError):
        decode_body(b"x" * 101, "identity", max_bytes=100)


@pytest.mark.parametrize("coding", ["gzip", "deflate", "zstd"])
def test_truncated_body_is_corrupt(coding: str) -> None:
    data = ENCODERS[coding](BODY)
    with pytest.raises(CorruptBodyError):
        decode_body(data[: len(data) // 2], coding)


@pytest.mark.parametrize("coding", ["gzip", "deflate", "zstd"])
def test_garbage_is_corrupt(coding: str) -> None:
    with pytest.raises(CorruptBodyError, match=coding):
        decode_body(b"this is not compressed at all", coding)


def test_unknown_coding_is_named() -> None:
    with pytest.raises(UnknownEncodingError) as caught:
        decode_body(b"x", "br")
    assert caught.value.encoding == "br"
    assert "br" in str(caught.value)


@given(st.binary(max_size=2000), st.sampled_from(sorted(ENCODERS)))
def test_any_bytes_round_trip(data: bytes, coding: str) -> None:
    assert decode_body(ENCODERS[coding](data), coding) == data


@given(st.binary(max_size=300), st.sampled_from(["gzip", "deflate", "zstd"]))
def test_random_input_only_raises_wireshift_errors(data: bytes, coding: str) -> None:
    with contextlib.suppress(WireshiftError):
        decode_body(data, coding, max_bytes=10_000)
