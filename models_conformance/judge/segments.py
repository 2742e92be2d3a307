"""The model id as a path segment: how it must be sent (CLI-PATH), and which ids a client may refuse.

RFC 3986 section 3.3: a segment is pchars, anything else percent-encoded; unreserved characters
are sent as they are.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

__all__ = ["MODEL_PREFIX", "may_refuse", "segment_problems"]

MODEL_PREFIX = "/v1/models/"
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# RFC 3986 pchar, less "%" (allowed only as part of a %XX triplet).
_PCHAR = _UNRESERVED | frozenset("!$&'()*+,;=:@")
_TRIPLET = re.compile(r"%([0-9A-Fa-f]{2})")


def may_refuse(model_id: str) -> bool:
    """Ids a client may refuse to send: a dot segment before any ``;``, or a leading ``;``.

    Servers and proxies may drop a ``;`` parameter and resolve ``.``/``..``, so such an id can reach
    another resource; both official SDKs refuse it. Sending it safely encoded is conformant too.
    """
    return model_id.partition(";")[0] in ("", ".", "..")


def segment_problems(segment: str, model_id: str | None) -> list[str]:
    """Why ``segment`` (as sent, below ``/v1/models/``) is not one percent-encoded segment, in words
    that do not repeat the segment; with ``model_id`` known, also why it is not that id."""
    problems = []
    if "/" in segment:
        problems.append("a raw '/' splits the id into several segments")
    if any(char not in _PCHAR for char in _TRIPLET.sub("", segment.replace("/", ""))):
        problems.append("characters that must be percent-encoded are sent raw")
    try:
        decoded: str | None = unquote_to_bytes(segment).decode("utf-8")
    except UnicodeDecodeError:
        decoded = None
    if decoded is None:
        problems.append("its percent-encoding is not UTF-8")
    elif model_id is not None and decoded != model_id:
        problems.append("it decodes to another id")
    encoded = {chr(int(digits, 16)) for digits in _TRIPLET.findall(segment)} & _UNRESERVED
    if decoded is not None and may_refuse(decoded):
        encoded -= {"."}  # "%2E%2E" is how a dot-segment id can be sent safely
    if encoded:
        problems.append("unreserved characters are percent-encoded")
    if segment in (".", ".."):
        problems.append("it is a dot segment, which URL normalisation removes")
    return problems
