"""Content codings of recorded bodies: gzip, deflate, brotli and zstd, decoded to the bytes sent.

Recorders differ: some store a body as it came off the wire (compressed, ``content-encoding`` kept),
some decode it and drop the header, and some decode it but keep the header. :func:`decode` turns any
of these into the plain body and headers without ``content-encoding``, so that the body can be
judged and scanned. brotli and zstd come from the libraries httpx decodes them with (its extras
``brotli`` and ``zstd``, declared by this package).
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable

import zstandard

try:
    import brotli
except ImportError:  # PyPy: httpx's brotli extra installs the CFFI binding instead
    import brotlicffi as brotli

__all__ = ["CodingError", "decode", "decode_body"]

Headers = list[tuple[str, str]]

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


class CodingError(ValueError):
    """A body that says it is compressed and cannot be decompressed; the message says how."""


def _gzip(body: bytes) -> bytes:
    return gzip.decompress(body)


def _deflate(body: bytes) -> bytes:
    try:
        return zlib.decompress(body)
    except zlib.error:  # raw DEFLATE, without the zlib wrapper: servers send both
        return zlib.decompress(body, -zlib.MAX_WBITS)


def _zstd(body: bytes) -> bytes:
    # Frame by frame: a streamed response may hold several, and need not record its size.
    decoded = b""
    while body:
        frame = zstandard.ZstdDecompressor().decompressobj()
        decoded += frame.decompress(body)
        body = frame.unused_data
    return decoded


def _brotli(body: bytes) -> bytes:
    return bytes(brotli.decompress(body))


_DECODERS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": _gzip,
    "x-gzip": _gzip,
    "deflate": _deflate,
    "br": _brotli,
    "zstd": _zstd,
}
# What each coding's data starts with, where it has a signature: a body without it was stored decoded.
_MAGIC = {"gzip": GZIP_MAGIC, "x-gzip": GZIP_MAGIC, "zstd": ZSTD_MAGIC}


def _is_text(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _undo(coding: str, body: bytes) -> bytes:
    magic = _MAGIC.get(coding)
    if magic is not None and not body.startswith(magic):
        return body  # stored decoded, the header kept
    decoder = _DECODERS.get(coding)
    if decoder is None:
        if _is_text(body):
            return body  # an unknown coding, but the body was evidently stored decoded
        known = ", ".join(sorted(_DECODERS))
        raise CodingError(f"content-encoding {coding!r} is not one this suite decodes ({known})")
    try:
        return decoder(body)
    except (OSError, EOFError, zlib.error, brotli.error, zstandard.ZstdError) as exc:
        # brotli and deflate have no signature: a body that fails them but reads as text was stored decoded.
        if magic is None and _is_text(body):
            return body
        raise CodingError(f"the {coding} body cannot be decompressed: {exc}") from None


def decode_body(codings: list[str], body: bytes) -> bytes:
    """``body`` with ``codings`` (in the order the server applied them) undone.

    :class:`CodingError` when a coding is not known (``compress``, a private one) or its data does
    not decompress, unless the body was evidently stored decoded.
    """
    for coding in reversed(codings):
        if coding != "identity" and body:
            body = _undo(coding, body)
    return body


def decode(headers: Headers, body: bytes) -> tuple[Headers, bytes]:
    """The plain body, and the headers without ``content-encoding``.

    A body that starts like gzip is decompressed even when no header says so: some recorders drop
    the header and keep the bytes.
    """
    codings = [
        coding.strip().lower()
        for name, value in headers
        if name.lower() == "content-encoding"
        for coding in value.split(",")
        if coding.strip()
    ]
    if not codings and body.startswith(GZIP_MAGIC):
        codings = ["gzip"]
    if not codings:
        return headers, body
    body = decode_body(codings, body)
    return [(name, value) for name, value in headers if name.lower() != "content-encoding"], body
