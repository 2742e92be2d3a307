"""Response pieces every answer shares: request ids, headers, and the error envelope."""

from __future__ import annotations

import itertools
import json
import secrets

__all__ = ["ERROR_TYPES", "Response", "error_response", "json_headers", "new_request_id"]

# (status, headers, body); the body is sent as is, headers are completed by json_headers().
Response = tuple[int, list[tuple[bytes, bytes]], bytes]

# The errors table of the API docs (platform.claude.com/docs/en/api/errors); 405 is one of the
# "other 4xx", which use invalid_request_error.
ERROR_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    404: "not_found_error",
    405: "invalid_request_error",
    414: "invalid_request_error",
    500: "api_error",
}

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# A random prefix per process and a counter: unique without paying for randomness on every request.
_PREFIX = "req_" + "".join(secrets.choice(_BASE62) for _ in range(12))
_COUNTER = itertools.count(1)


def new_request_id() -> str:
    """``req_`` and 24 base62 characters, unique within this process and very likely across processes."""
    number = next(_COUNTER)
    digits = []
    for _ in range(12):
        number, digit = divmod(number, 62)
        digits.append(_BASE62[digit])
    return _PREFIX + "".join(reversed(digits))


def json_headers(request_id: str, length: int) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-type", b"application/json"),
        (b"content-length", str(length).encode("ascii")),
        (b"request-id", request_id.encode("ascii")),
    ]


def error_response(status: int, message: str, request_id: str, *, allow: bytes | None = None) -> Response:
    """The API's error envelope, with ``request_id`` equal to the ``request-id`` header."""
    body = json.dumps(
        {
            "type": "error",
            "error": {"type": ERROR_TYPES[status], "message": message},
            "request_id": request_id,
        },
        separators=(",", ":"),
    ).encode("ascii")
    # Like the real API: a client error does not get better by sending it again.
    headers = [(b"x-should-retry", b"false")] if status < 500 else []
    if allow is not None:
        headers.append((b"allow", allow))
    return status, headers, body
