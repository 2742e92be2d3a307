"""Content codings (gzip, deflate, brotli, zstd, stacked), undone with bounded output.

One decoder for everything the suite reads: answers off the wire (:mod:`.transport`) and bodies in
recordings (:mod:`.cassettes.formats`). Every step yields at most about :data:`STEP_OUTPUT` bytes
(zstd: 1 MiB), whatever its input, so a few KB of crafted data can never allocate hundreds of MB at once;
the caller counts what comes out and stops at its own limit.

Recorders differ: some store a body as it came off the wire (compressed, ``content-encoding`` kept),
some decode it and drop the header, and some decode it but keep the header. :func:`decode` turns any
of these into the plain body and headers without ``content-encoding``. brotli and zstd come from the
libraries httpx decodes them with (its extras ``brotli`` and ``zstd``, declared by this package).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol

import zstandard

from .sizes import MIB, show_size

try:
    import brotli
except ImportError:  # PyPy: httpx's brotli extra installs the CFFI binding instead
    import brotlicffi as brotli

__all__ = ["CodingError", "Decoder", "TooLarge", "content_codings", "decode", "decode_body"]

Headers = list[tuple[str, str]]

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
STEP_OUTPUT = 64 * 1024
# zstd's binding has no output bound per call: its input goes in slices this small instead. Its most
# productive block (RLE: 4 bytes for 128 KiB) makes a slice yield at most 32 KiB per byte, 1 MiB.
_ZSTD_SLICE = 32
# RFC 9659: a zstd content coding needs no window over 8 MiB; a larger one would be memory on demand.
_ZSTD_WINDOW = 8 * MIB


class CodingError(ValueError):
    """Data that does not decode as its coding says; the message says how."""


class TooLarge(ValueError):
    """A body that decodes to more than the limit given."""


class _Stage(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...

    def finish(self) -> Iterator[bytes]: ...


class _Zlib:
    """gzip (members one after another, as gzip.decompress reads them) or deflate (zlib-wrapped or raw)."""

    def __init__(self, coding: str) -> None:
        self._coding = coding
        self._gzip = coding != "deflate"
        self._start = b""  # deflate: the first bytes, until they tell a zlib wrapper from raw data
        self._inflate: zlib._Decompress | None = None
        self._open = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._inflate is None:
            self._start += data
            if not self._gzip and len(self._start) < 2:
                return
            data, self._start = self._start, b""
            self._inflate = zlib.decompressobj(self._wbits(data))
        while data or self._open:
            self._open = True
            try:
                out = self._inflate.decompress(data, STEP_OUTPUT)
            except zlib.error as exc:
                raise CodingError(f"the {self._coding} data is damaged ({exc})") from None
            data = self._inflate.unconsumed_tail
            if out:
                yield out
            if self._inflate.eof:
                self._open = False
                rest = self._inflate.unused_data + data
                if not (self._gzip and rest.startswith(GZIP_MAGIC)):
                    return  # what follows the end is ignored, as HTTP clients do
                self._inflate, data = zlib.decompressobj(self._wbits(rest)), rest
            elif not data and len(out) < STEP_OUTPUT:
                return  # all input consumed and no output pending

    def finish(self) -> Iterator[bytes]:
        if self._open or self._start:
            raise CodingError(f"the {self._coding} data is cut short: it ends before its end marker")
        return iter(())

    def _wbits(self, data: bytes) -> int:
        if self._gzip:
            return 16 + zlib.MAX_WBITS
        # A zlib wrapper's two bytes: method 8, and a multiple of 31; else raw DEFLATE (servers send both).
        wrapped = data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
        return zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS


class _Brotli:
    def __init__(self) -> None:
        self._decompressor = brotli.Decompressor()
        self._open = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not data:
            return
        self._open = True
        try:
            out = self._decompressor.process(data, output_buffer_limit=STEP_OUTPUT)
            # Output may still be pending when it says it can take more: drained until a step yields none.
            while out or not self._decompressor.can_accept_more_data():
                yield out
                out = self._decompressor.process(b"", output_buffer_limit=STEP_OUTPUT)
        except brotli.error as exc:
            raise CodingError(f"the br data is damaged ({exc})") from None

    def finish(self) -> Iterator[bytes]:
        if self._open and not self._decompressor.is_finished():
            raise CodingError("the br data is cut short: it ends before its last block")
        return iter(())


class _Zstd:
    """Frames one after another (a streamed answer may hold several and need not state its size)."""

    def __init__(self) -> None:
        self._frame: zstandard.ZstdDecompressionObj | None = None

    def feed(self, data: bytes) -> Iterator[bytes]:
        for start in range(0, len(data), _ZSTD_SLICE):
            piece = data[start : start + _ZSTD_SLICE]
            while piece:
                if self._frame is None:
                    self._frame = zstandard.ZstdDecompressor(max_window_size=_ZSTD_WINDOW).decompressobj()
                try:
                    out = self._frame.decompress(piece)
                except zstandard.ZstdError as exc:
                    raise CodingError(f"the zstd data cannot be decoded ({exc})") from None
                if out:
                    yield out
                piece = b""
                if self._frame.eof:
                    piece, self._frame = self._frame.unused_data, None

    def finish(self) -> Iterator[bytes]:
        if self._frame is not None:
            raise CodingError("the zstd data is cut short: its last frame does not end")
        return iter(())


def _stage(coding: str) -> _Stage:
    if coding in ("gzip", "x-gzip", "deflate"):
        return _Zlib(coding)
    if coding == "br":
        return _Brotli()
    if coding == "zstd":
        return _Zstd()
    raise CodingError(f"content-encoding {coding!r} is not one this suite decodes (br, deflate, gzip, zstd)")


def _through(stage: _Stage, pieces: Iterable[bytes]) -> Iterator[bytes]:
    for piece in pieces:
        yield from stage.feed(piece)


class Decoder:
    """Undoes ``codings`` (in the order they were applied) on data fed piece by piece.

    :class:`CodingError` at construction for a coding it does not know, and from :meth:`feed` or
    :meth:`finish` for data that does not decode.
    """

    def __init__(self, codings: Sequence[str]) -> None:
        self._stages = [_stage(coding) for coding in reversed(codings) if coding != "identity"]

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The plain bytes ``data`` yields, in pieces of at most about :data:`STEP_OUTPUT` (zstd: 1 MiB)."""
        pieces: Iterable[bytes] = (data,)
        for stage in self._stages:
            pieces = _through(stage, pieces)
        return (piece for piece in pieces if piece)

    def finish(self) -> Iterator[bytes]:
        """What is left once the input has ended; CodingError if it ended before its codings did."""
        for index, stage in enumerate(self._stages):
            pieces = stage.finish()
            for later in self._stages[index + 1 :]:
                pieces = _through(later, pieces)
            yield from pieces


def content_codings(headers: Iterable[tuple[str, str]]) -> list[str]:
    """The codings ``content-encoding`` names, in the order they were applied, lower-cased."""
    return [
        coding.strip().lower()
        for name, value in headers
        if name.lower() == "content-encoding"
        for coding in value.split(",")
        if coding.strip()
    ]


def decode_body(codings: Sequence[str], body: bytes, limit: int) -> bytes:
    """``body`` with ``codings`` undone; :class:`TooLarge` past ``limit`` bytes, CodingError if damaged."""
    decoder = Decoder(codings)
    parts: list[bytes] = []
    size = 0
    for pieces in (decoder.feed(body), decoder.finish()):
        for piece in pieces:
            size += len(piece)
            if size > limit:
                raise TooLarge(f"it decodes to more than {show_size(limit)}")
            parts.append(piece)
    return b"".join(parts)


# What each coding's data starts with, where it has a signature: a body without it was stored decoded.
_MAGIC = {"gzip": GZIP_MAGIC, "x-gzip": GZIP_MAGIC, "zstd": ZSTD_MAGIC}


def _is_text(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _undo_recorded(coding: str, body: bytes, limit: int) -> bytes:
    magic = _MAGIC.get(coding)
    if magic is not None and not body.startswith(magic):
        return body  # stored decoded, the header kept
    try:
        return decode_body([coding], body, limit)
    except CodingError:
        # brotli and deflate have no signature, and an unknown coding none we know: a body that does not
        # decode but reads as text was stored decoded.
        if magic is None and _is_text(body):
            return body
        raise


def decode(headers: Headers, body: bytes, limit: int) -> tuple[Headers, bytes]:
    """A recorded body made plain, and the headers without ``content-encoding``.

    A body that starts like gzip is decompressed even when no header says so: some recorders drop
    the header and keep the bytes. :class:`CodingError` for a body that says it is compressed and
    cannot be decompressed (or whose coding is not known), unless it was evidently stored decoded;
    :class:`TooLarge` for one that decodes to more than ``limit`` bytes.
    """
    codings = content_codings(headers)
    if not codings and body.startswith(GZIP_MAGIC):
        codings = ["gzip"]
    if not codings:
        return headers, body
    for coding in reversed(codings):
        if coding != "identity" and body:
            body = _undo_recorded(coding, body, limit)
    return [(name, value) for name, value in headers if name.lower() != "content-encoding"], body
