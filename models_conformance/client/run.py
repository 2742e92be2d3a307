"""One client run: every call of the scenario played on the scenario server; a transcript.

The run decides nothing: :func:`models_conformance.judge.judge` judges the transcript. Each call is
a :class:`~models_conformance.transcript.ClientCall`; each request the client sent under the call's
base URL is also an :class:`~models_conformance.exchange.Exchange` (``source="scenario"``) whose
``asked`` says what the client had been asked, so that every request, retries included, is judged.
The explorations ask the judge about each call they make, so that hypothesis shrinks what it finds.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from typing import Any

from ..exchange import Exchange
from ..judge import judge
from ..judge.scenario import exchanges_of
from ..transcript import ClientCall, Transcript
from .generate import Stop, explore, full_bodies, path_ids, seed_bodies
from .plan import Planned, fixed_calls, seed_model
from .protocol import PROTOCOL_VERSION, Call, CallTimedOut, Driver, HarnessError
from .scenario import ScenarioServer
from .script import Hang, Script, model_reply

__all__ = ["API_KEY", "run_client"]

# Made up, and prefixed so that reports may print it: it is part of what CLI-AUTH probes.
API_KEY = "conformance-client-key-7f3a9c"


class _Run:
    def __init__(self, driver: Driver, server: ScenarioServer, transcript: Transcript, timeout_s: float):
        self.driver, self.server, self.transcript, self.timeout_s = driver, server, transcript, timeout_s

    def play(self, planned: Planned) -> tuple[ClientCall, list[Exchange]]:
        """Have the client make one call; record it and the requests it sent in the transcript."""
        script = planned.make_script()
        where = f"call {len(self.transcript.calls) + 1}"
        strays_before = len(self.server.stray)
        with self.server.play(script) as live:
            call = Call(
                base_url=live.base_url,
                api_key=API_KEY,
                model_id=planned.model_id,
                betas=planned.betas,
                max_retries=planned.max_retries,
                timeout_s=self.timeout_s if planned.timeout_s is None else planned.timeout_s,
                expected_delay_s=_asked_delays(script, planned.max_retries),
            )
            started = time.monotonic()
            answer, harness_error = None, None
            try:
                answer = self.driver.answer(call)
                elapsed = time.monotonic() - started
            except CallTimedOut as exc:
                harness_error, elapsed = str(exc), exc.after_s
            except HarnessError as exc:
                harness_error, elapsed = str(exc), time.monotonic() - started
            received = tuple(live.requests)
        # A request under an earlier call's prefix is that call's late retry, not a stray of this one.
        stray = tuple(r for r in self.server.stray[strays_before:] if not _under_a_call(r.raw_path))
        played = ClientCall(
            call,
            script,
            received,
            stray,
            answer,
            elapsed,
            live.prefix,
            planned.shape,
            where,
            harness_error,
            self.transcript.contract,
        )
        exchanges = exchanges_of(played)
        self.transcript.calls.append(played)
        self.transcript.exchanges += exchanges
        return played, exchanges

    def faulty(self, requirement_id: str, planned: Callable[[Any], Planned]) -> Callable[[Any], bool]:
        """An exploration's step: play the call for a drawn value, and say whether the judge finds
        ``requirement_id`` violated by it. A harness error ends the exploration."""

        def step(value: Any) -> bool:
            played, exchanges = self.play(planned(value))
            if played.harness_error is not None:
                raise Stop(played.harness_error)
            alone = Transcript("client", self.transcript.contract, exchanges, [played])
            return any(f.requirement_id == requirement_id for f in judge(alone).findings)

        return step


def run_client(driver: Driver, *, contract: str, seed: int, examples: int, timeout_s: float) -> Transcript:
    """Play every call of the scenario with ``driver``; the transcript of the calls and requests."""
    transcript = Transcript("client", contract)
    started = time.monotonic()
    with ScenarioServer() as server:
        run = _Run(driver, server, transcript, timeout_s)
        for planned in fixed_calls(contract, takes_betas=driver.takes_betas):
            run.play(planned)
        model = seed_model(contract)
        explorations: list[tuple[str, Any, Callable[[Any], Planned]]] = [
            (
                "CLI-PATH",
                path_ids(),
                lambda i: Planned(Script.of(model_reply({**model, "id": i})), "a generated id", i),
            ),
            (
                "CLI-PARSE",
                seed_bodies(contract),
                lambda b: Planned(Script.of(model_reply(b)), "a generated model"),
            ),
            (
                "CLI-FORWARD-COMPAT",
                full_bodies(contract),
                lambda b: Planned(
                    Script.of(model_reply(b)), "a generated model with later and unknown fields"
                ),
            ),
        ]
        for requirement_id, strategy, make in explorations:
            explore(strategy, run.faulty(requirement_id, make), run_seed=seed, examples=examples)
        requests_sent = server.requests_received
    wall_time = time.monotonic() - started
    transcript.context = _context(driver, transcript, requests_sent, wall_time)
    return transcript


def _context(driver: Driver, transcript: Transcript, requests_sent: int, wall_time: float) -> dict[str, Any]:
    target: dict[str, Any] = {
        "name": driver.name,
        "version": driver.version,
        "driven_by": driver.describe(),
        "protocol": PROTOCOL_VERSION,
    }
    if not driver.takes_betas:
        target["takes_betas"] = False  # the cases that give betas were not played
    calls = len(transcript.calls)
    context: dict[str, Any] = {
        "target": target,
        "description": f"client {driver.name} {driver.version} ({driver.describe()}): {calls} calls, "
        f"{requests_sent} requests, {wall_time:.1f} s",
        "calls": calls,
        "requests_sent": requests_sent,
        "wall_time_s": round(wall_time, 2),
    }
    harness = [{"call": c.where, "error": c.harness_error} for c in transcript.calls if c.harness_error]
    if harness:
        context["harness_errors"] = harness
    return context


def _under_a_call(raw_path: str) -> bool:
    head = raw_path.split("/", 2)[1] if raw_path.startswith("/") else ""
    return head[:1] == "c" and head[1:].isdigit()


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
