"""Findings about a client, tied to the scenario that showed them.

A client finding's reproduction is not a curl command (the client sent the request): it is the call
the client was given and what the server answered, enough to replay it against any mock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...exchange import Exchange, Request, Response
from ...failures import MISSING, Finding
from ..run import Outcome
from ..scenario import Hang

__all__ = ["ScenarioExchange", "finding"]


@dataclass(frozen=True)
class ScenarioExchange(Exchange):
    """An exchange of a client check; :meth:`reproduction` describes the call and the scripted answers."""

    scenario: str = field(default="", compare=False)

    def reproduction(self) -> str:
        return self.scenario


def _exchange(outcome: Outcome, index: int) -> ScenarioExchange | None:
    step = outcome.script.step(index)
    if isinstance(step, Hang):
        return None  # no response to show; the message says the server never answered
    if outcome.requests:
        received = outcome.requests[min(index, len(outcome.requests) - 1)]
        target = received.raw_path + (f"?{received.query}" if received.query else "")
        request = Request.make(
            received.method, outcome.call.base_url, target, received.headers, received.body
        )
    else:
        request = Request.make("GET", outcome.call.base_url, "", {})
    response = Response.make(step.status, step.headers, step.body)
    return ScenarioExchange(request, response, scenario=outcome.reproduction())


def finding(
    requirement_id: str,
    message: str,
    outcome: Outcome,
    *,
    index: int = 0,
    path: str = "$",
    expected: Any = MISSING,
    received: Any = MISSING,
) -> Finding:
    """A finding of ``requirement_id`` shown by request ``index`` of ``outcome``."""
    return Finding(
        requirement_id,
        message,
        path=path,
        expected=expected,
        received=received,
        exchange=_exchange(outcome, index),
    )
