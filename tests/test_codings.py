"""The bounded decoder: every coding read whole or piece by piece, damage named, bombs cut early."""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Callable

import brotli
import pytest
import zstandard

from models_conformance.codings import STEP_OUTPUT, CodingError, Decoder, TooLarge, decode, decode_body
from models_conformance.sizes import MIB

PLAIN = os.urandom(6000).hex().encode()
ENCODERS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.compress,
    "deflate": zlib.compress,
    "raw-deflate": lambda data: zlib.compress(data)[2:-4],
    "br": brotli.compress,
    "zstd": lambda data: zstandard.ZstdCompressor().compress(data),
}
CODING = {"raw-deflate": "deflate"}
ZEROS = b"\0" * (64 * MIB)
BOMBS: dict[str, Callable[[], bytes]] = {
    "gzip": lambda: gzip.compress(ZEROS),
    "deflate": lambda: zlib.compress(ZEROS, 9),
    "br": lambda: brotli.compress(ZEROS, quality=1),
    "zstd": lambda: zstandard.ZstdCompressor(level=1).compress(ZEROS),
}


@pytest.mark.parametrize("name", list(ENCODERS))
def test_each_coding_decodes_whole_and_piece_by_piece(name: str) -> None:
    coding = CODING.get(name, name)
    data = ENCODERS[name](PLAIN)
    assert decode_body([coding], data, len(PLAIN)) == PLAIN
    decoder = Decoder([coding])
    pieces = [piece for start in range(0, len(data), 7) for piece in decoder.feed(data[start : start + 7])]
    assert b"".join(pieces) + b"".join(decoder.finish()) == PLAIN


@pytest.mark.parametrize("name", list(ENCODERS))
def test_data_cut_short_is_named(name: str) -> None:
    data = ENCODERS[name](PLAIN)
    with pytest.raises(CodingError, match="cut short"):
        decode_body([CODING.get(name, name)], data[: len(data) // 2], 10 * MIB)


@pytest.mark.parametrize("coding", ["gzip", "br", "zstd"])
def test_data_that_is_not_its_coding_is_named(coding: str) -> None:
    not_it = b"\x1f\x8b" + os.urandom(200) if coding == "gzip" else b'{"id": "x"} ' + os.urandom(200)
    damaged = "cannot be decoded" if coding == "zstd" else "is damaged"
    with pytest.raises(CodingError, match=f"the {coding} data {damaged}"):
        decode_body([coding], not_it, MIB)


def test_stacked_codings_are_undone_in_reverse_order() -> None:
    data = zstandard.ZstdCompressor().compress(gzip.compress(PLAIN))
    assert decode_body(["gzip", "zstd"], data, MIB) == PLAIN
    assert decode_body(["identity", "gzip"], gzip.compress(PLAIN), MIB) == PLAIN


def test_gzip_members_and_zstd_frames_one_after_another() -> None:
    assert decode_body(["gzip"], gzip.compress(b"ab") + gzip.compress(b"cd"), 10) == b"abcd"
    frames = zstandard.ZstdCompressor().compress(b"ab") + zstandard.ZstdCompressor().compress(b"cd")
    assert decode_body(["zstd"], frames, 10) == b"abcd"


def test_an_unknown_coding_is_named() -> None:
    with pytest.raises(CodingError, match="'compress' is not one this suite decodes"):
        Decoder(["compress"])


@pytest.mark.parametrize("coding", list(BOMBS))
def test_a_bomb_never_yields_more_than_a_step_at_once(coding: str) -> None:
    bomb = BOMBS[coding]()
    assert len(bomb) < 300_000
    decoder = Decoder([coding])
    sizes = [len(piece) for piece in decoder.feed(bomb)] + [len(piece) for piece in decoder.finish()]
    assert sum(sizes) == len(ZEROS)
    # brotli stops growing its buffer past the limit, one block over at most; a zstd step is a 32-byte slice.
    assert max(sizes) <= (MIB if coding == "zstd" else 2 * STEP_OUTPUT)
    with pytest.raises(TooLarge, match="decodes to more than 4 MiB"):
        decode_body([coding], bomb, 4 * MIB)


def test_a_zstd_frame_asking_for_a_window_past_8_mib_is_refused() -> None:
    params = zstandard.ZstdCompressionParameters(window_log=24)
    data = zstandard.ZstdCompressor(compression_params=params).compress(os.urandom(32 * MIB))
    with pytest.raises(CodingError, match=r"zstd data cannot be decoded .*too much memory"):
        decode_body(["zstd"], data, 64 * MIB)


def test_recorded_bodies_stored_decoded_are_kept() -> None:
    text = b'{"id": "claude"}'
    for coding in ("gzip", "br", "deflate", "zstd", "x-unknown"):
        headers, body = decode([("Content-Encoding", coding), ("x", "y")], text, MIB)
        assert (headers, body) == ([("x", "y")], text)
    assert decode([], gzip.compress(text), MIB) == ([], text)  # the header dropped, the bytes kept
    with pytest.raises(CodingError, match="not one this suite decodes"):
        decode([("content-encoding", "x-unknown")], b"\xff\xfe\x00", MIB)
