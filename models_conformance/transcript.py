"""A transcript: everything a run saw, as plain data for the judge.

Every runner produces one: a server run (the suite's probes and the target's answers), the client
scenario (each call the client was asked to make, the requests it sent, what it answered) and a
recording (the exchanges of cassette files). :func:`models_conformance.judge.judge` decides every
verdict from it, so a recorded transcript replayed gets the verdicts of the run that recorded it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .exchange import Exchange

if TYPE_CHECKING:
    from .cassettes.formats import Cassette
    from .client.protocol import Answer, Call
    from .client.script import Received, Script

__all__ = ["ClientCall", "Transcript"]


@dataclass(frozen=True)
class ClientCall:
    """One call of a client under test: what it was asked, what the scenario answered, what it did.

    The requests it sent are also exchanges of the transcript (``source="scenario"``, with ``asked``
    set), judged one by one under the client's request requirements; the call as a whole is judged
    under the rest (retries, errors, parsing, timeouts).
    """

    call: Call
    script: Script
    received: tuple[Received, ...]  # the requests under the call's base URL, in order, with their times
    stray: tuple[Received, ...]  # requests outside any live base URL while the call ran
    answer: Answer | None  # None: the harness could not get an answer (``harness_error`` says why)
    elapsed: float
    prefix: str  # the call's base URL path (/c17): requests below it belong to the call
    shape: str  # what the call probes, for grouping findings ("a 404 with another error.type")
    where: str  # "call 17"
    harness_error: str | None = None
    contract: str = "2023-06-01"  # what a schema-valid answer is


@dataclass
class Transcript:
    role: str  # "server", "client" or "cassette": whose requirements the run reports
    contract: str
    exchanges: list[Exchange] = field(default_factory=list)
    calls: list[ClientCall] = field(default_factory=list)
    files: list[Cassette] = field(default_factory=list)
    # What the reports say about the run: the target, its models and aliases, the seed, ...
    context: dict[str, Any] = field(default_factory=dict)
