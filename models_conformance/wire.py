"""The network under httpx, bounded per request: one deadline, and caps on the bytes read.

httpx's timeouts are per read: a server sending one byte a second, or headers forever, never trips
them. :class:`BoundedHTTPTransport` is httpx's own transport over a connection pool whose network
backend clamps every connect, read and write to the time left before the current request's deadline,
and counts what is read: the status line and headers against their limit, everything against a
ceiling that holds even where a body is read whole by someone else (vcrpy, when recording).
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

__all__ = ["BoundedHTTPTransport", "Flight", "HeadTooLarge", "WireTooLarge"]

QUOTED = 1024  # bytes of the start of an answer kept, to quote one that is not HTTP


class HeadTooLarge(Exception):
    """The status line and headers went past their limit."""


class WireTooLarge(Exception):
    """More bytes arrived for one request than any answer within the limits needs."""


@dataclass
class Flight:
    """The request in flight: its deadline, and the bytes it may still read."""

    deadline: float
    wire_left: int
    head_left: int | None = None  # None once the head is in
    first_bytes: bytes = b""  # the start of the answer

    def clamp(self, timeout: float | None, error: type[Exception]) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise error("the deadline of the request has passed")
        return left if timeout is None else min(timeout, left)


class _BoundedStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, backend: _BoundedBackend) -> None:
        self._inner = inner
        self._backend = backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        flight = self._backend.flight
        timeout = flight.clamp(timeout, httpcore.ReadTimeout)
        if flight.wire_left <= 0:
            raise WireTooLarge
        max_bytes = min(max_bytes, flight.wire_left)
        if flight.head_left is not None:
            if flight.head_left <= 0:
                raise HeadTooLarge
            # h11 asks for more only while the head is incomplete: a read past the limit means it is over.
            max_bytes = min(max_bytes, flight.head_left)
        data = self._inner.read(max_bytes, timeout)
        flight.wire_left -= len(data)
        if flight.head_left is not None:
            flight.head_left -= len(data)
            if len(flight.first_bytes) < QUOTED:
                flight.first_bytes += data[: QUOTED - len(flight.first_bytes)]
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._backend.flight.clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        timeout = self._backend.flight.clamp(timeout, httpcore.ConnectTimeout)
        return _BoundedStream(self._inner.start_tls(ssl_context, server_hostname, timeout), self._backend)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _BoundedBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()
        self.flight = Flight(deadline=0.0, wire_left=0)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = self.flight.clamp(timeout, httpcore.ConnectTimeout)
        return _BoundedStream(
            self._inner.connect_tcp(host, port, timeout, local_address, socket_options), self
        )

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _BoundedPool(httpcore.ConnectionPool):
    def __init__(self, ssl_context: ssl.SSLContext, backend: _BoundedBackend) -> None:
        super().__init__(ssl_context=ssl_context, keepalive_expiry=5.0, network_backend=backend)
        self._backend = backend

    def handle_request(self, request: httpcore.Request) -> httpcore.Response:
        response = super().handle_request(request)
        self._backend.flight.head_left = None  # the head is in: the body is bounded where it is read
        return response


class BoundedHTTPTransport(httpx.HTTPTransport):
    """httpx's transport, its pool on the bounded backend; ``flight`` is the request in flight.

    Its ``handle_request`` is httpx's own, so that vcrpy, which patches that method, records and
    replays the suite's traffic (cassette mode) as it always did.
    """

    def __init__(self) -> None:
        # httpx's own trust store, read once, so that a run trusts what the SDKs trust.
        ssl_context = httpx.create_ssl_context(trust_env=False)
        super().__init__(verify=ssl_context, trust_env=False)
        self._backend = _BoundedBackend()
        self._pool = _BoundedPool(ssl_context, self._backend)

    @property
    def flight(self) -> Flight:
        return self._backend.flight

    @flight.setter
    def flight(self, flight: Flight) -> None:
        self._backend.flight = flight
