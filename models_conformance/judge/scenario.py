"""A client's call as the judge shows it: its requests as exchanges, and findings about the call.

A request of a call is judged as an exchange (:mod:`.requests`); a finding about the whole call
(:mod:`.calls`, :mod:`.retries`) shows the request it concerns, and its reproduction is the call and
the scenario's answers, enough to replay it against any mock.
"""

from __future__ import annotations

from typing import Any

from ..client.script import Reply
from ..exchange import Asked, Exchange, Probe, Request, Response
from ..findings import Finding
from ..transcript import ClientCall

__all__ = ["LAST", "NEVER_ANSWERED", "call_finding", "exchanges_of", "replay"]

NEVER_ANSWERED = "the scenario server never answered (on purpose: the client's timeout is probed)"
LAST = -1  # the call's last request


def replay(call: ClientCall) -> str:
    """The call and what the scenario answered: enough to replay it against any mock."""
    return f"{call.call.describe()} against a server answering {call.script.describe()}"


def exchanges_of(call: ClientCall) -> list[Exchange]:
    """The requests the call sent under its base URL, each with the answer the script gave it."""
    asked = call.call
    exchanges = []
    for attempt, received in enumerate(call.received):
        step = call.script.step(attempt)
        if isinstance(step, Reply):
            response = Response.make(step.status, step.headers, step.body)
        else:
            response = Response(0, problem=NEVER_ANSWERED)
        target = received.raw_path[len(call.prefix) :] + (f"?{received.query}" if received.query else "")
        exchanges.append(
            Exchange(
                Request.make(received.method, asked.base_url, target, received.headers, received.body),
                response,
                call.contract,
                Probe(shape=call.shape),
                "scenario",
                Asked(asked.model_id, asked.betas, asked.api_key, attempt, call.where, replay(call)),
                at=received.arrived_wall,
                where=f"{call.where}, request {attempt + 1}",
            )
        )
    return exchanges


def call_finding(
    call: ClientCall,
    requirement_id: str,
    message: str,
    path: str,
    expected: Any,
    received: Any,
    *,
    request: int | None = LAST,
) -> Finding:
    """A finding about the call, shown by its request of index ``request`` (None: by none of them)."""
    exchanges = exchanges_of(call) if request is not None else []
    shown = exchanges[request] if exchanges and request is not None and request < len(exchanges) else None
    return Finding(
        requirement_id,
        message,
        path,
        expected,
        received,
        shown,
        how_to_reproduce=replay(call),
        location=call.where,
    )
