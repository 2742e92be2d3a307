"""The server under test, as the suite's HTTP client: it sends probes and keeps every exchange.

Requests go out with the exact request target the probe wrote (percent-encodings and dot segments
reach the server byte for byte). A budget (``--max-requests``), a pace (``--rate``) and bounded
waits on 429/529 keep a run safe against a paid, rate-limited endpoint.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from ..contract import CREDENTIAL_FORM, DEFAULT_CONTRACT, CredentialForm, auth_headers, encode_segment
from ..exchange import SUITE_USER_AGENT, Exchange, Probe, Request, Response
from ..intermediary import TRANSIENT_STATUSES, intermediary
from ..limits import Limits
from ..secret import Secret
from ..transport import Transport, Unreachable

__all__ = [
    "PROBE_KEY",
    "USER_AGENT",
    "BudgetExhausted",
    "Target",
    "TargetUnreachable",
    "Throttled",
    "retry_delay",
]

USER_AGENT = SUITE_USER_AGENT
# A made-up key, safe to print: probes of SRV-AUTH-INVALID send it on purpose.
PROBE_KEY = "conformance-invalid-key-0000"
# Statuses that mean "slow down" rather than "wrong": honoured, retried, reported apart.
THROTTLE_STATUSES = frozenset({429, 529})
# Retries of a request that an intermediary answered with 502/503/504 (3 attempts in all).
INTERMEDIARY_RETRIES = 2


# A request of a user's own test: sent with the configured key; what its id names is not stated.
_OWN = Probe(key="valid", shape="request of your own")


class TargetUnreachable(Exception):
    """The target cannot be connected to at all (refused, DNS, TLS, connect timeout)."""


class BudgetExhausted(Exception):
    """The run has sent as many requests as it may (--max-requests)."""


class Throttled(Exception):
    """The target keeps answering 429/529 beyond the run's wait bound: no verdict is possible now."""


@dataclass
class Target:
    """A server to test: its base URL, the key, the contract version the suite speaks to it."""

    base_url: str
    api_key: Secret
    contract: str = DEFAULT_CONTRACT
    limits: Limits = field(default_factory=Limits)
    auth_form: CredentialForm | None = None
    max_requests: int | None = None  # the request budget of the run (live runs); None: unbounded
    rate: float | None = None  # at most this many requests per second; None: as fast as it answers
    max_throttle_wait: float = 60.0  # total seconds the run may wait on 429/529 answers
    exchanges: list[Exchange] = field(default_factory=list, repr=False)
    requests_sent: int = 0
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
            self.auth_form = CREDENTIAL_FORM[self.contract]

    @property
    def transport(self) -> Transport:
        if self._transport is None:
            self._transport = Transport(self.limits, user_agent=USER_AGENT)
        return self._transport

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    def headers(
        self,
        *,
        key: Literal["valid", "wrong", "none"] = "valid",
        form: CredentialForm | None = None,
        version: bool = True,
        betas: str | None = None,
    ) -> dict[str, str]:
        """The request headers of a probe: the contract's version, a credential, betas."""
        headers: dict[str, str] = {}
        if version:
            headers["anthropic-version"] = self.contract
        if key != "none":
            value = self.api_key.reveal() if key == "valid" else PROBE_KEY
            headers.update(auth_headers(form or self.auth_form, value))
        if betas is not None:
            headers["anthropic-beta"] = betas
        return headers

    def send(self, method: str, raw_target: str, headers: Mapping[str, str], probe: Probe) -> Exchange:
        """Send one request with the exact request target ``raw_target`` (relative to the base URL)."""
        request = Request.make(method, self._origin, self._prefix + raw_target, headers)
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
        exchange = Exchange(
            request,
            response,
            contract=self.contract,
            probe=probe,
            at=time.time(),
            where=f"request {self.requests_sent}",
            session=self.base_url,
            superseded=tuple(superseded),
        )
        self.exchanges.append(exchange)
        return exchange

    def retrieve(self, model_id: str, probe: Probe = _OWN, **options: object) -> Exchange:
        """GET /v1/models/{model_id} with ``model_id`` encoded the canonical way."""
        return self.get(f"/v1/models/{encode_segment(model_id)}", probe, **options)

    def model_target(self, model_id: str) -> str:
        """The request target :meth:`retrieve` sends for ``model_id`` (base path included)."""
        return f"{self._prefix}/v1/models/{encode_segment(model_id)}"

    def get(self, raw_target: str, probe: Probe = _OWN, **options: object) -> Exchange:
        return self.send("GET", raw_target, self.headers(**options), probe)  # type: ignore[arg-type]

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
