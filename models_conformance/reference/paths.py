"""Which resource a request path names, read from the raw (still percent-encoded) path.

The model id is exactly one path segment, percent-decoded once as UTF-8. Working on the raw path is
what keeps ``%2F`` inside the id (``/v1/models/a%2Fb`` is the model "a/b", never a route to another
resource) and keeps dot segments (``..``, ``%2E%2E``) ids rather than steps up the tree.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import quote, unquote_to_bytes

__all__ = ["LIST", "MODEL", "NO_ROUTE", "UNDECODABLE", "raw_path_of", "route"]

LIST: Final = 0
MODEL: Final = 1
UNDECODABLE: Final = 2  # one segment, but not UTF-8 once decoded: no model can have that id
NO_ROUTE: Final = 3

_LIST_PATH = b"/v1/models"
_MODEL_PREFIX = b"/v1/models/"


def route(raw_path: bytes) -> tuple[int, str]:
    """``(kind, model_id)``; ``model_id`` is "" unless kind is MODEL or UNDECODABLE.

    For UNDECODABLE the id is shown with U+FFFD for the bytes that are not UTF-8, for messages only.
    """
    if raw_path == _LIST_PATH:
        return LIST, ""
    if not raw_path.startswith(_MODEL_PREFIX):
        return NO_ROUTE, ""
    segment = raw_path[len(_MODEL_PREFIX) :]
    # An empty id must never reach the list, and a second raw "/" is a path this API does not have.
    if not segment or b"/" in segment:
        return NO_ROUTE, ""
    decoded = unquote_to_bytes(segment) if b"%" in segment else segment
    try:
        return MODEL, decoded.decode("utf-8")
    except UnicodeDecodeError:
        return UNDECODABLE, decoded.decode("utf-8", errors="replace")


def raw_path_of(scope_path: str) -> bytes:
    """A raw path for servers that do not pass ``raw_path`` (it is optional in ASGI)."""
    return quote(scope_path, safe="/:@!$&'()*+,;=").encode("ascii")
