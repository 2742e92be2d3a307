"""One HTTP exchange as the checks see it, and how to reproduce it with curl.

An :class:`Exchange` is plain data (method, raw request target, headers, body, status) so that a
check can judge traffic from any source: the live suite, a recording, or a test's own fake.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

__all__ = ["NOT_JSON", "SECRET_HEADERS", "Exchange", "Request", "Response", "curl", "redact"]

# Header names whose values are credentials: never printed, never written.
SECRET_HEADERS = frozenset({"x-api-key", "authorization", "cookie", "set-cookie", "proxy-authorization"})
REDACTED = "[REDACTED]"

_secrets: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a credential so that :func:`redact` removes it wherever it shows up (even in a body)."""
    # The suite's own made-up keys are not secrets: showing them makes a reproduction work as is.
    if value and len(value) >= 4 and not value.startswith(PROBE_KEY_PREFIX):
        _secrets.add(value)


def redact(text: str) -> str:
    """``text`` with every registered credential replaced by ``[REDACTED]``."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


class _NotJson:
    """The parsed value of a body that is not JSON; carries why, for failure messages."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return f"<not JSON: {self.reason}>"


NOT_JSON = _NotJson


def _headers(pairs: Iterable[tuple[str, str]] | Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    return tuple((name.lower(), value) for name, value in items)


@dataclass(frozen=True)
class Request:
    method: str
    base_url: str
    target: str  # the raw request target sent on the wire: path (percent-encoded as sent) and query
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    @classmethod
    def make(
        cls,
        method: str,
        base_url: str,
        target: str,
        headers: Iterable[tuple[str, str]] | Mapping[str, str] = (),
        body: bytes = b"",
    ) -> Request:
        return cls(method.upper(), base_url.rstrip("/"), target, _headers(headers), body)

    @property
    def url(self) -> str:
        return self.base_url + self.target

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((value for key, value in self.headers if key == name), None)


@dataclass(frozen=True)
class Response:
    status: int  # 0: no HTTP status line at all (see ``problem``)
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    # Why this answer is incomplete or not an HTTP answer at all (a deadline, a limit, a reset, garbage);
    # None for a whole HTTP answer. Its body is then at most a prefix of what arrived.
    problem: str | None = None

    @classmethod
    def make(
        cls,
        status: int,
        headers: Iterable[tuple[str, str]] | Mapping[str, str] = (),
        body: bytes = b"",
        problem: str | None = None,
    ) -> Response:
        return cls(status, _headers(headers), body, problem)

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((value for key, value in self.headers if key == name), None)

    @cached_property
    def json(self) -> Any:
        """The body parsed as JSON, or a :data:`NOT_JSON` instance saying why it is not."""
        if self.problem is not None:
            return _NotJson(self.problem)  # a part of an answer, or none: nothing in it can be judged
        if not self.body:
            return _NotJson("the body is empty")
        try:
            return json.loads(self.body)
        except UnicodeDecodeError as exc:
            return _NotJson(f"the body is not UTF-8 ({exc.reason} at byte {exc.start})")
        except json.JSONDecodeError as exc:
            return _NotJson(f"{exc.msg} at line {exc.lineno} column {exc.colno}")
        except RecursionError:
            # Python's parser gives up on deep nesting ("[" * 100000): garbage, not a crash of the suite.
            return _NotJson("it is nested deeper than a JSON parser follows")
        except ValueError as exc:
            # Python refuses integers past 4300 digits (int_max_str_digits): no client reads such a number.
            return _NotJson(f"a number in it is too long to read ({str(exc).split(':')[0]})")

    def body_excerpt(self, limit: int = 200) -> str:
        # Redacted before it is cut: a credential across the cut must not show in part either.
        text = redact(self.body[: limit + 1024].decode("utf-8", "replace"))
        return text[:limit] + ("…" if len(text) > limit else "")


@dataclass(frozen=True)
class Exchange:
    request: Request
    response: Response
    contract: str = "2023-06-01"
    # Intermediary answers (an edge proxy's 502, ...) that the same request got first, then retried.
    superseded: tuple[Response, ...] = field(default=(), compare=False)

    def reproduction(self) -> str:
        return curl(self.request)


def curl(request: Request) -> str:
    """A one-line curl command that sends ``request`` again, with credentials left out.

    A credential becomes a reference to ``$ANTHROPIC_API_KEY``, except the suite's own made-up keys
    (prefixed ``conformance-``), which are part of what a check probes. ``--path-as-is`` keeps dot
    segments and percent-encodings exactly as they were sent.
    """
    parts = ["curl", "-sS", "-i", "--path-as-is", "-X", request.method, shlex.quote(request.url)]
    for name, value in request.headers:
        if name in SECRET_HEADERS:
            scheme, _, token = value.rpartition(" ")
            if not token.startswith(PROBE_KEY_PREFIX):
                token = "$ANTHROPIC_API_KEY"
            parts += ["-H", f'"{name}: {scheme + " " if scheme else ""}{token}"']
        elif name not in _TRANSPORT_HEADERS:
            parts += ["-H", shlex.quote(f"{name}: {value}")]
    if request.body:
        parts += ["--data-binary", shlex.quote(request.body.decode("utf-8", "replace"))]
    return redact(" ".join(parts))


# Made-up credentials the suite sends on purpose carry this prefix; they are safe to print.
PROBE_KEY_PREFIX = "conformance-"
# Set by the HTTP client itself; leaving them out keeps a reproduction short.
_TRANSPORT_HEADERS = frozenset(
    {"host", "content-length", "accept-encoding", "connection", "user-agent", "accept"}
)
