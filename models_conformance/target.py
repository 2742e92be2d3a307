"""The server under test, as an HTTP client that records every exchange.

Requests are sent with an exact request target (:mod:`.transport`), so percent-encodings and dot
segments reach the server byte for byte as the check wrote them.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import quote, urlsplit

from .exchange import Exchange, Request, Response, register_secret
from .intermediary import TRANSIENT_STATUSES, intermediary
from .transport import Limits, Transport, Unreachable

__all__ = [
    "PROBE_KEY",
    "THROTTLE_STATUSES",
    "AuthForm",
    "BudgetExhausted",
    "Target",
    "TargetUnreachable",
    "Throttled",
    "auth_headers",
    "encode_segment",
    "retry_delay",
]

AuthForm = Literal["x-api-key", "bearer"]
# The credential form each contract version's SDKs send (FACTS.md: SDK 1.x / 2.x).
CONTRACT_AUTH: dict[str, AuthForm] = {"2023-06-01": "x-api-key", "2026-10-21": "bearer"}
USER_AGENT = "models-api-conformance"


class TargetUnreachable(Exception):
    """No connection to the target could be made (refused, DNS, TLS handshake, connect timeout)."""


class BudgetExhausted(Exception):
    """The run has sent as many requests as it may (--max-requests): the remaining checks are skipped."""


class Throttled(Exception):
    """The target keeps answering 429/529 beyond the run's wait bound: not a verdict on the check."""


# Statuses that mean "slow down" rather than "wrong": honoured, retried, reported apart.
THROTTLE_STATUSES = frozenset({429, 529})
# Retries of a request that an intermediary answered with 502/503/504 (3 attempts in all).
INTERMEDIARY_RETRIES = 2


def encode_segment(model_id: str) -> str:
    """``model_id`` as one path segment: everything but RFC 3986 unreserved characters encoded."""
    return quote(model_id, safe="-._~")


def auth_headers(form: AuthForm | None, key: str) -> dict[str, str]:
    if form is None:
        return {}
    return {"x-api-key": key} if form == "x-api-key" else {"authorization": f"Bearer {key}"}


@dataclass
class Target:
    """A server to test: its base URL, the key, the contract version the suite speaks to it."""

    base_url: str
    api_key: str
    contract: str = "2023-06-01"
    limits: Limits = field(default_factory=Limits)  # what one answer may take: time, bytes, redirects
    auth_form: AuthForm | None = None
    observers: list[Callable[[Exchange, bool], None]] = field(default_factory=list)
    requests_sent: int = 0
    max_requests: int | None = None  # the request budget of the run (live runs); None: unbounded
    rate: float | None = None  # at most this many requests per second; None: as fast as it answers
    max_throttle_wait: float = 60.0  # total seconds the run may wait on 429/529 answers
    throttled: int = 0  # 429/529 answers received
    throttle_waited: float = 0.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    _next_slot: float = field(default=0.0, repr=False)
    _transport: Transport | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"base URL {self.base_url!r} is not an http(s) URL (e.g. http://127.0.0.1:4010)")
        self._prefix = parts.path
        # A request names the origin and the whole target, prefix included: its URL is what was sent.
        self._origin = f"{parts.scheme}://{parts.netloc}"
        if self.auth_form is None:
            self.auth_form = CONTRACT_AUTH[self.contract]
        register_secret(self.api_key)

    @property
    def transport(self) -> Transport:
        if self._transport is None:
            self._transport = Transport(self.limits, user_agent=USER_AGENT)
        return self._transport

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    def default_headers(
        self,
        *,
        auth: AuthForm | Literal["default"] | None = "default",
        key: str | None = None,
        version: str | Literal["default"] | None = "default",
        betas: str | None = None,
    ) -> dict[str, str]:
        headers: dict[str, str] = {}
        if version is not None:
            headers["anthropic-version"] = self.contract if version == "default" else version
        form = self.auth_form if auth == "default" else auth
        headers.update(auth_headers(form, self.api_key if key is None else key))
        if betas is not None:
            headers["anthropic-beta"] = betas
        return headers

    def send(
        self,
        method: str,
        raw_target: str,
        headers: Mapping[str, str],
        *,
        body: bytes = b"",
        model_body: bool = False,
    ) -> Exchange:
        """Send one request with the exact request target ``raw_target`` (relative to the base URL)."""
        target = self._prefix + raw_target
        request = Request.make(method, self._origin, target, headers, body)
        superseded: list[Response] = []
        while True:
            response = self._send_once(request)
            if response.status in THROTTLE_STATUSES:
                self._wait_after_throttle(response)
            elif len(superseded) < INTERMEDIARY_RETRIES and _transient_intermediary(response):
                # An edge that could not reach the API says nothing about the API: ask again, a little later.
                superseded.append(response)
                self.sleep(min(retry_delay(response, attempt=len(superseded), base=0.25), 10.0))
            else:
                break
        exchange = Exchange(request, response, contract=self.contract, superseded=tuple(superseded))
        for observe in self.observers:
            observe(exchange, model_body)
        return exchange

    def _send_once(self, request: Request) -> Response:
        if self.max_requests is not None and self.requests_sent >= self.max_requests:
            raise BudgetExhausted(f"the request budget of {self.max_requests} is spent (--max-requests)")
        self._pace()
        self.requests_sent += 1
        try:
            return self.transport.send(request)
        except Unreachable as exc:
            raise TargetUnreachable(str(exc)) from None

    def _pace(self) -> None:
        if not self.rate:
            return
        now = time.monotonic()
        if now < self._next_slot:
            self.sleep(self._next_slot - now)
            now = self._next_slot
        self._next_slot = now + 1.0 / self.rate

    def _wait_after_throttle(self, response: Response) -> None:
        self.throttled += 1
        delay = retry_delay(response, attempt=self.throttled)
        if self.throttle_waited + delay > self.max_throttle_wait:
            raise Throttled(
                f"target throttled: HTTP {response.status} asks to wait {delay:.1f} s, beyond the run's "
                f"bound ({self.throttle_waited:.1f} of {self.max_throttle_wait:.0f} s waited; "
                f"{self.throttled} throttled answers)"
            )
        self.throttle_waited += delay
        self.sleep(delay)

    def retrieve(self, model_id: str, *, query: str = "", **header_options: object) -> Exchange:
        """GET /v1/models/{model_id} with ``model_id`` encoded as one segment; the model body is judged."""
        return self.get(f"/v1/models/{encode_segment(model_id)}{query}", model_body=True, **header_options)

    def get(self, raw_target: str, *, model_body: bool = False, **header_options: object) -> Exchange:
        headers = self.default_headers(**header_options)  # type: ignore[arg-type]
        return self.send("GET", raw_target, headers, model_body=model_body)


def _transient_intermediary(response: Response) -> bool:
    return response.status in TRANSIENT_STATUSES and intermediary(response) is not None


def retry_delay(response: Response, attempt: int, base: float = 1.0) -> float:
    """Seconds to wait before retrying: retry-after-ms, retry-after, else ``base`` doubled per attempt."""
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = response.header(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value) * scale)
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError):
                continue
            return max(0.0, when.timestamp() - time.time())
    return min(30.0, base * 2.0 ** min(attempt - 1, 5))


# A made-up key, safe to print: SRV-AUTH-INVALID sends it on purpose.
PROBE_KEY = "conformance-invalid-key-0000"
