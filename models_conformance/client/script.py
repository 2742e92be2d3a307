"""What the scenario server answers a client, step by step, and what it records of each request.

Plain data, kept apart from the server itself so that the judge and the reports can read a client's
calls without starting anything.
"""

from __future__ import annotations

import email.utils
import json
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..contract import ERROR_TYPES
from ..reference.responses import new_request_id

__all__ = [
    "Hang",
    "Received",
    "Reply",
    "Script",
    "Step",
    "error_reply",
    "http_date_ahead",
    "implied_type",
    "model_reply",
    "raw_reply",
]


@dataclass(frozen=True)
class Reply:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key == name.lower()), None)

    def describe(self) -> str:
        shown = [f"{k}: {v}" for k, v in self.headers if k not in ("content-type", "request-id")]
        extra = f" ({', '.join(shown)})" if shown else ""
        excerpt = self.body[:160].decode("utf-8", "replace") + ("…" if len(self.body) > 160 else "")
        return f"HTTP {self.status}{extra} {self.header('content-type') or ''} {excerpt}".rstrip()


@dataclass(frozen=True)
class Hang:
    """Accept the request and never answer it (until the call is over)."""

    def describe(self) -> str:
        return "no answer at all (the connection stays open)"


Step = Reply | Hang


@dataclass(frozen=True)
class Script:
    """The answers to a call's requests, in order; the last one answers every further request."""

    steps: tuple[Step, ...]

    @classmethod
    def of(cls, *steps: Step) -> Script:
        if not steps:
            raise ValueError("a script needs at least one step")
        return cls(steps)

    def step(self, index: int) -> Step:
        return self.steps[min(index, len(self.steps) - 1)]

    def describe(self) -> str:
        text = ", then ".join(step.describe() for step in self.steps)
        return text + (
            " (repeated for every further request)" if len(self.steps) > 1 else " (to every request)"
        )


def _headers(pairs: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    return tuple((name.lower(), value) for name, value in (pairs or {}).items())


def raw_reply(status: int, body: bytes, content_type: str, headers: Mapping[str, str] | None = None) -> Reply:
    return Reply(status, (("content-type", content_type), *_headers(headers)), body)


def model_reply(body: Any, headers: Mapping[str, str] | None = None) -> Reply:
    """200 with ``body`` as JSON (a BetaModelInfo, or anything else a check wants to send)."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return raw_reply(200, data, "application/json", {"request-id": new_request_id(), **(headers or {})})


def implied_type(status: int) -> str:
    """The ``error.type`` the errors table gives ``status``; other 4xx use ``invalid_request_error``
    and other 5xx ``api_error``, as the table's notes say."""
    return ERROR_TYPES.get(status, "invalid_request_error" if status < 500 else "api_error")


def error_reply(
    status: int,
    message: str | None = None,
    headers: Mapping[str, str] | None = None,
    error_type: str | None = None,
) -> Reply:
    """The API's error envelope for ``status``, its ``request_id`` equal to the ``request-id`` header.

    ``error.type`` is the one the status implies unless ``error_type`` says otherwise: the body, not
    the status, says what the error is.
    """
    request_id = new_request_id()
    error_type = error_type or implied_type(status)
    envelope = {
        "type": "error",
        "error": {
            "type": error_type,
            "message": message or f"conformance scenario: HTTP {status} {error_type}",
        },
        "request_id": request_id,
    }
    return raw_reply(
        status,
        json.dumps(envelope).encode("ascii"),
        "application/json",
        {"request-id": request_id, **(headers or {})},
    )


def http_date_ahead(at_least_s: float) -> tuple[str, float]:
    """An HTTP date (IMF-fixdate) at least ``at_least_s`` seconds from now, and the instant it names.

    The format has whole seconds, so the instant is the whole second written, not now + ``at_least_s``:
    a check judges against what the header says, not against what was meant.
    """
    instant = math.ceil(time.time() + at_least_s)
    return email.utils.formatdate(instant, usegmt=True), float(instant)


@dataclass
class Received:
    """One request as it arrived: the raw path (percent-encodings as sent) and what came with it."""

    method: str
    raw_path: str  # as sent, without the query string; the call's prefix included
    query: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    arrived: float  # time.monotonic()
    replied: float | None = None
    arrived_wall: float | None = None  # time.time(): an HTTP-date retry-after names a wall-clock instant

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key == name.lower()), None)

    def header_values(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key == name.lower()]
