"""One HTTP exchange as the judge sees it, what its request meant, and how to reproduce it with curl.

An :class:`Exchange` is plain data (method, raw request target, headers, body, status) so that the
judge decides on traffic from any source the same way: the suite's own probes of a server, the
requests a client under test sent to the scenario server, or a recording.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from .secret import MASK, PROBE_KEY_PREFIX, redact

__all__ = [
    "NOT_JSON",
    "SECRET_HEADERS",
    "SUITE_USER_AGENT",
    "Asked",
    "Exchange",
    "Probe",
    "Request",
    "Response",
    "Source",
    "curl",
]

# The user-agent of the suite's own requests: a recording shows which requests were its probes.
SUITE_USER_AGENT = "models-api-conformance"
# Header names whose values are credentials: never printed, never written.
SECRET_HEADERS = frozenset({"x-api-key", "authorization", "cookie", "set-cookie", "proxy-authorization"})

# Who made the request and who answered it:
# - "probe": the suite asked a server under test; the answer is judged (server requirements);
# - "scenario": a client under test asked the suite's scenario server; the request is judged (client
#   requirements), the answer is the suite's own script;
# - "recording": recorded traffic of a client and a server the suite knows nothing about; both sides
#   are judged where the recording shows them.
Source = Literal["probe", "scenario", "recording"]


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


def _shown_headers(headers: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    return tuple((name, MASK if name in SECRET_HEADERS else value) for name, value in headers)


@dataclass(frozen=True)
class Request:
    method: str
    base_url: str  # the origin (and any base path) the target is relative to
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

    def header_values(self, name: str) -> list[str]:
        name = name.lower()
        return [value for key, value in self.headers if key == name]

    def __repr__(self) -> str:
        # Credentials never reach a repr: pytest prints the reprs of a failing test's arguments.
        return (
            f"Request({self.method} {self.url!r}, headers={_shown_headers(self.headers)!r}, "
            f"body={len(self.body)} bytes)"
        )


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
            return json.loads(self.body, parse_constant=_refuse_constant)
        except UnicodeDecodeError as exc:
            return _NotJson(f"the body is not UTF-8 ({exc.reason} at byte {exc.start})")
        except json.JSONDecodeError as exc:
            return _NotJson(f"{exc.msg} at line {exc.lineno} column {exc.colno}")
        except _NotAJsonValue as exc:
            return _NotJson(str(exc))
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

    def describe(self) -> str:
        """``HTTP 404`` or, with no HTTP answer, what happened instead."""
        if self.status == 0:
            return f"no HTTP answer ({self.problem})"
        return f"HTTP {self.status}" + (f" ({self.problem})" if self.problem else "")


class _NotAJsonValue(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    # Python's parser accepts NaN and Infinity; RFC 8259 section 6 does not.
    raise _NotAJsonValue(f"it holds {name}, which is not a JSON value (RFC 8259 section 6)")


@dataclass(frozen=True)
class Probe:
    """What the suite meant by a request, beyond what the request itself shows.

    Empty strings mean "not stated": a recording of someone else's traffic states nothing, and the
    judge then decides only from what the exchange shows.
    """

    # Whether the id asked for names a model: "model" (a listed id, or one given with --model),
    # "alias" (a declared alias), "maybe-alias" (a guess at an alias: 404 is as right as a model),
    # "nothing" (an id the suite made up).
    intent: str = ""
    # The credential sent: "valid" (the configured key), "wrong" (a made-up key), "none".
    key: str = ""
    # The betas sent: "documented" (values the reference page lists), "unknown" (one made up).
    betas: str = ""
    # What kind of probe this is, for grouping findings ("listed model", "generated id of 100-299
    # characters"); the exchange itself shows the particular id.
    shape: str = ""

    def as_dict(self) -> dict[str, str]:
        return {name: value for name, value in self.__dict__.items() if value}


@dataclass(frozen=True)
class Asked:
    """What a client under test had been asked to do when it sent a request (the scenario knows; a
    recording does not)."""

    model_id: str
    betas: tuple[str, ...] | None
    key: str  # the key the client was configured with (the suite's own made-up one)
    attempt: int  # 0: the call's first request; 1, 2, ...: its retries
    call: str  # "call 17": the call it belongs to
    # The call and the scenario's answers, enough to replay it against any mock (a finding's reproduction).
    replay: str = ""


@dataclass(frozen=True)
class Exchange:
    request: Request
    response: Response
    contract: str = "2023-06-01"
    probe: Probe = field(default_factory=Probe)
    source: Source = "probe"
    asked: Asked | None = None
    # Seconds since the epoch when the answer arrived (recordings: the Date header or recorded_at).
    at: float | None = None
    # Where the exchange can be found again: "request 17" of a run, "file.yaml #3" of a recording.
    where: str = ""
    # The run or recording file it belongs to: what a recording left out is taken to be the same
    # within one session (one client wrote it), and unknown across sessions.
    session: str = ""
    # Parts a recording left out ("request headers", "request body"): what they would show is unknown.
    unrecorded: frozenset[str] = frozenset()
    # Answers the same request got first and that were retried (an edge proxy's transient 502).
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


# Set by the HTTP client itself; leaving them out keeps a reproduction short.
_TRANSPORT_HEADERS = frozenset(
    {"host", "content-length", "accept-encoding", "connection", "user-agent", "accept"}
)
