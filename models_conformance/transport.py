"""HTTP to a server the suite does not control, within bounds on everything it reads.

Requests go through httpx with an exact request target (its ``target`` extension), over the bounded
network of :mod:`.wire`: one deadline for the whole request, a cap on the status line and headers.
The body is read raw, decoded here with bounded output (:mod:`.codings`) and cut at its limit.

Anything that happens once a connection is made comes back as a :class:`~.exchange.Response`, with
``problem`` saying why it is not a whole answer; only a target that cannot be connected to at all
raises :class:`Unreachable`, whose one line names the URL and the cause. Every message is redacted.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import ssl
import time
from collections.abc import Iterator
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx

from .codings import CodingError, Decoder, content_codings
from .exchange import SECRET_HEADERS, Request, Response
from .limits import Limits
from .secret import redact
from .sizes import KIB, show_size
from .wire import BoundedHTTPTransport, Flight, HeadTooLarge, WireTooLarge

__all__ = ["Limits", "Transport", "Unreachable"]

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# An answer with a problem keeps only this much of its body: enough to show, never a body to judge.
KEPT_ON_PROBLEM = 64 * KIB
_DEFAULT_PORTS = {"http": 80, "https": 443}


class Unreachable(Exception):
    """No connection could be made at all (refused, DNS, TLS handshake, connect timeout); one line."""


@functools.lru_cache(maxsize=8)
def _root(base_url: str) -> httpx.URL:
    # Parsed once: parsing costs a fifth of building a request, and every request needs it.
    return httpx.URL(base_url + "/")


class Transport:
    """Sends :class:`~.exchange.Request` objects, one at a time, over kept-alive connections."""

    def __init__(self, limits: Limits, *, user_agent: str) -> None:
        self.limits = limits
        self._wire = BoundedHTTPTransport()
        self._client = httpx.Client(
            transport=self._wire,
            timeout=httpx.Timeout(None),  # the wire's deadline bounds every step instead
            follow_redirects=False,
            headers={"user-agent": user_agent},
            trust_env=False,
        )

    def __enter__(self) -> Transport:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def send(self, request: Request) -> Response:
        """The answer to ``request``, same-origin redirects followed; :class:`Unreachable` if none."""
        deadline = time.monotonic() + self.limits.timeout_s
        requested = {request.url}
        while True:
            response = self._exchange(request, deadline)
            location = response.header("location")
            if response.status not in REDIRECT_STATUSES or location is None or response.problem:
                return response
            request, refusal = self._redirected(request, location, requested)
            if refusal is not None:
                return dataclasses.replace(response, problem=redact(refusal))
            requested.add(request.url)

    def _redirected(self, request: Request, location: str, requested: set[str]) -> tuple[Request, str | None]:
        url = urljoin(request.url, location.strip())
        shown = _cut(url)
        try:
            parts, base = urlsplit(url), urlsplit(request.base_url)
            origin = (parts.scheme, parts.hostname, parts.port or _DEFAULT_PORTS.get(parts.scheme))
            same_origin = origin == (base.scheme, base.hostname, base.port or _DEFAULT_PORTS.get(base.scheme))
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            target.encode("ascii")
        except (ValueError, UnicodeEncodeError):
            return request, f"a redirect to {shown!r}, not a URL this suite can request, was not followed"
        if not same_origin:
            carried = any(name in SECRET_HEADERS for name, _ in request.headers)
            why = (
                "the request carried credentials"
                if carried
                else "the suite talks to the target's origin only"
            )
            return request, f"a redirect to another origin ({shown}) was not followed: {why}"
        followed = dataclasses.replace(request, target=target)
        if followed.url in requested:
            return request, f"a redirect loop: {shown} was already requested for this request"
        if len(requested) > self.limits.max_redirects:
            max_redirects = self.limits.max_redirects
            return request, f"more than {max_redirects} redirects (--max-redirects): {shown} was not followed"
        return followed, None

    def _exchange(self, request: Request, deadline: float) -> Response:
        flight = self._wire.flight = Flight(
            deadline, self.limits.max_wire_bytes, head_left=self.limits.max_header_bytes
        )
        http_request = self._client.build_request(
            request.method,
            _root(request.base_url),
            headers=dict(request.headers),
            content=request.body or None,
            extensions={"target": request.target.encode("ascii")},
        )
        try:
            answer = self._client.send(http_request, stream=True)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise Unreachable(redact(f"{request.method} {request.url}: {self._unreachable(exc)}")) from None
        except (
            HeadTooLarge,
            WireTooLarge,
            httpx.TimeoutException,
            httpx.NetworkError,
            httpx.RemoteProtocolError,  # a LocalProtocolError is this suite's own bug: it is raised
        ) as exc:
            return Response(0, problem=redact(self._no_head(exc, flight.first_bytes)))
        try:
            return self._read(answer)
        finally:
            answer.close()

    def _read(self, answer: httpx.Response) -> Response:
        headers = answer.headers.multi_items()
        limits = self.limits

        def partial(body: bytes, problem: str) -> Response:
            return Response.make(answer.status_code, headers, body[:KEPT_ON_PROBLEM], redact(problem))

        if len(headers) > limits.max_headers:
            problem = f"the answer has {len(headers):,} headers, over the {limits.max_headers} allowed"
            del headers[limits.max_headers :]  # the rest would only burden every judgement of the answer
            return partial(b"", f"{problem} (--max-headers); the first {limits.max_headers} are kept")
        codings = content_codings(headers)
        raw = bytearray()  # the start of the bytes as sent, shown when they do not decode
        read = size = 0
        parts: list[bytes] = []
        try:
            decoder = Decoder(codings)
            for chunk in itertools.chain(answer.iter_raw(), [None]):
                if chunk is not None:
                    read += len(chunk)
                    raw += chunk[: max(0, KEPT_ON_PROBLEM - len(raw))]
                for piece in decoder.finish() if chunk is None else decoder.feed(chunk):
                    size += len(piece)
                    if size > limits.max_body_bytes:
                        return partial(b"".join(parts), self._too_large(codings, read))
                    parts.append(piece)
        except CodingError as exc:
            return partial(bytes(raw), f"the body cannot be decoded: {exc}")
        except WireTooLarge:
            return partial(b"".join(parts), self._too_large(codings, read))
        except httpx.TimeoutException:
            return partial(b"".join(parts), f"{self._late()}; {read:,} bytes of the body read")
        except httpx.NetworkError as exc:
            return partial(b"".join(parts), f"the connection {_failed(exc)} after {read:,} bytes of the body")
        except httpx.RemoteProtocolError as exc:
            return partial(b"".join(parts), f"the body breaks HTTP/1.1 after {read:,} bytes: {_short(exc)}")
        return Response.make(answer.status_code, headers, b"".join(parts))

    def _too_large(self, codings: list[str], read: int) -> str:
        decoded = f" once decoded ({', '.join(codings)})" if codings else ""
        limit = show_size(self.limits.max_body_bytes)
        return f"the body exceeds the {limit} limit (--max-body){decoded}; {read:,} bytes read"

    def _late(self) -> str:
        return f"no complete answer within {self.limits.timeout_s:g} s (the deadline of one request)"

    def _no_head(self, exc: Exception, first_bytes: bytes) -> str:
        if first_bytes and not b"HTTP/".startswith(first_bytes[:5]):
            return f"not HTTP: the server sent {_cut(repr(first_bytes), 80)}"
        if isinstance(exc, HeadTooLarge):
            limit = show_size(self.limits.max_header_bytes)
            return f"the status line and headers exceed the {limit} limit (--max-header-bytes)"
        if isinstance(exc, WireTooLarge):  # read whole before this transport saw it: vcrpy, recording
            return self._too_large([], self.limits.max_wire_bytes)
        if isinstance(exc, httpx.TimeoutException):
            return self._late()
        if isinstance(exc, httpx.NetworkError):
            return f"the connection {_failed(exc)} before an answer"
        if not first_bytes:
            return "the server closed the connection without answering"
        return f"the answer breaks HTTP/1.1: {_short(exc)}"

    def _unreachable(self, exc: httpx.TransportError) -> str:
        cause = next((cause for cause in _chain(exc) if isinstance(cause, OSError)), exc)
        if isinstance(exc, httpx.ConnectTimeout):
            return f"no connection within {self.limits.timeout_s:g} s"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, ssl.SSLError):
            return f"the TLS handshake failed ({cause.reason or cause})"
        if isinstance(cause, OSError) and cause.strerror:
            return f"cannot connect ({cause.strerror})"
        return f"cannot connect ({_short(cause)})"


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and what it wraps: httpx wraps httpcore's exception, which wraps the OSError."""
    seen: BaseException | None = exc
    while seen is not None:
        yield seen
        seen = seen.__cause__ or seen.__context__


def _failed(exc: Exception) -> str:
    reset = any(isinstance(cause, ConnectionResetError) for cause in _chain(exc))
    return "was reset" if reset else f"failed ({_short(exc)})"


def _short(exc: BaseException) -> str:
    """An exception's text, cut: a parser's message may quote a whole hostile header line."""
    return _cut(str(exc) or type(exc).__name__)


def _cut(text: str, limit: int = 200) -> str:
    """``text`` redacted, then cut: a credential across the cut must not show in part."""
    text = redact(text)
    return text if len(text) <= limit else text[:limit] + "…"
