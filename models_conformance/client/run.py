"""One client conformance run: the scenario server, the client under test, and what was seen."""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass, field
from typing import Any

from .protocol import Answer, Call, Driver
from .scenario import Hang, Received, Reply, ScenarioServer, Script

__all__ = ["API_KEY", "SEED_MODEL_ID", "ClientRun", "Outcome"]

# Made up, and prefixed so that reports may print it: it is part of what CLI-AUTH probes.
API_KEY = "conformance-client-key-7f3a9c"
SEED_MODEL_ID = "claude-opus-4-6"


@dataclass(frozen=True)
class Outcome:
    """What one call did: the client's answer and every request the scenario server received for it."""

    call: Call
    script: Script
    answer: Answer
    requests: tuple[Received, ...]
    prefix: str
    stray: tuple[Received, ...]  # requests outside any live base URL while the call ran
    elapsed: float

    def path(self, received: Received) -> str:
        return received.raw_path[len(self.prefix) :]

    def reproduction(self) -> str:
        return f"{self.call.describe()} against a server answering {self.script.describe()}"


@dataclass
class ClientRun:
    driver: Driver
    server: ScenarioServer
    contract: str = "2023-06-01"
    seed: int = 0
    examples: int = 50
    timeout_s: float = 5.0
    calls: int = 0
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None

    @property
    def requests_sent(self) -> int:
        return self.server.requests_received

    def wall_time(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def retrieve(
        self,
        script: Script | Reply,
        *,
        model_id: str = SEED_MODEL_ID,
        betas: tuple[str, ...] | None = None,
        max_retries: int = 0,
        timeout_s: float | None = None,
    ) -> Outcome:
        """Have the client retrieve ``model_id`` from a server that plays ``script``.

        :class:`~models_conformance.client.protocol.HarnessError` when the client gives no usable answer.
        """
        if isinstance(script, Reply):
            script = Script.of(script)
        strays_before = len(self.server.stray)
        with self.server.play(script) as live:
            call = Call(
                base_url=live.base_url,
                api_key=API_KEY,
                model_id=model_id,
                betas=betas,
                max_retries=max_retries,
                timeout_s=self.timeout_s if timeout_s is None else timeout_s,
                expected_delay_s=_asked_delays(script, max_retries),
            )
            started = time.monotonic()
            self.calls += 1
            answer = self.driver.answer(call)
            elapsed = time.monotonic() - started
            requests = tuple(live.requests)
        stray = tuple(self.server.stray[strays_before:])
        return Outcome(call, script, answer, requests, live.prefix, stray, elapsed)

    def describe(self) -> dict[str, Any]:
        driver = self.driver
        described: dict[str, Any] = {
            "name": driver.name,
            "version": driver.version,
            "driven_by": driver.describe(),
        }
        if not driver.takes_betas:
            described["takes_betas"] = False
        return described


def _asked_delays(script: Script, max_retries: int) -> float:
    """Seconds the script's retry headers ask the client to wait, over the retries it may make."""
    total = 0.0
    for index in range(max_retries):
        step = script.step(index)
        if isinstance(step, Hang):
            continue
        millis, seconds = step.header("retry-after-ms"), step.header("retry-after")
        if millis is not None:
            total += float(millis) / 1000
        elif seconds is not None and seconds.isdigit():
            total += float(seconds)
        elif seconds is not None:
            total += _until(seconds)
    return total


def _until(http_date: str) -> float:
    """Seconds from now to the instant an HTTP date names (0 when past, or not a date)."""
    try:
        return max(0.0, email.utils.parsedate_to_datetime(http_date).timestamp() - time.time())
    except (TypeError, ValueError):
        return 0.0
