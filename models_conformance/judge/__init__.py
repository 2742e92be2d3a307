"""The judge: every exchange of a transcript against every requirement that applies to it.

One function decides every verdict of the suite, whoever produced the transcript: a run against a
server, the client scenario, or a recording (``models-conformance cassettes check``)::

    from models_conformance.judge import judge

    judgement = judge(transcript)
    judgement.findings          # every violation, each naming its requirement
    judgement.judged["SRV-404"] # how many exchanges, calls or files it was judged on

Which requirement applies to which exchange is the registry's ``judged_on``; the checks are plain
functions keyed by requirement ID (:mod:`.server`, :mod:`.requests`, :mod:`.calls`, :mod:`.files`,
:mod:`.cross`). Where several requirements see one fault in the same place of one exchange, the
registry's ``attribution`` says which one names it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import registry
from ..exchange import Exchange
from ..findings import Finding
from ..intermediary import intermediary, note
from ..transcript import Transcript
from . import calls, files, requests
from .cross import judge_across
from .facts import Facts, facts_of
from .server import CHECKS, Check, Known

__all__ = ["Judgement", "judge", "judge_answer"]


@dataclass
class Judgement:
    """What the judge decided over one transcript."""

    findings: list[Finding] = field(default_factory=list)
    judged: Counter[str] = field(default_factory=Counter)  # requirement -> exchanges, calls or files
    unjudged: dict[str, str] = field(default_factory=dict)  # requirement -> why nothing showed it
    notes: list[dict[str, Any]] = field(default_factory=list)  # answers not judged as the target's own
    # requirement -> the calls the harness could not get an answer to, and why (not the client's fault)
    harness_errors: defaultdict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def judge(transcript: Transcript) -> Judgement:
    judgement = Judgement()
    known = _known(transcript.exchanges)
    senders: set[str] = set()
    for exchange in transcript.exchanges:
        facts = facts_of(exchange)
        senders.add(facts.sender)
        if facts.answerer == "scenario":
            _client_request(exchange, facts, judgement)
            continue
        _notes(exchange, judgement)
        if facts.sender == "suite" or exchange.source == "recording":
            _server_answer(exchange, facts, known, judgement)
        if facts.sender == "client":
            _client_request(exchange, facts, judgement)
    cross = judge_across(transcript.exchanges)
    for requirement_id, verdicts in cross.judged.items():
        judgement.judged[requirement_id] += len(verdicts)
    judgement.findings += cross.findings()
    for requirement_id, reason in cross.unjudged.items():
        if not judgement.judged[requirement_id]:
            judgement.unjudged[requirement_id] = reason
    for call in transcript.calls:
        for requirement_id, found in calls.judge_call(call).items():
            judgement.judged[requirement_id] += 1
            judgement.findings += found
        for requirement_id in calls.unjudged(call):
            judgement.harness_errors[requirement_id].append(
                f"{call.where} could not be judged: {call.harness_error}"
            )
    if senders == {"suite"}:  # a recording of this suite's own run: its requests are no client's
        for requirement in registry.requirements("client"):
            judgement.unjudged.setdefault(requirement.id, _SUITE_ONLY)
    for recording in transcript.files:
        for requirement_id, found in files.judge_file(recording).items():
            judgement.judged[requirement_id] += 1
            judgement.findings += found
    judgement.findings, named_elsewhere = attribute(judgement.findings)
    # A requirement whose finding another one names was not shown to hold on that exchange: it was
    # not judged there. Left with nothing, it is skipped, saying which requirement named the fault.
    unshown = {
        (dropped.requirement_id, id(dropped.exchange)): (dropped, kept) for dropped, kept in named_elsewhere
    }
    for dropped, kept in unshown.values():
        judgement.judged[dropped.requirement_id] -= 1
        if not judgement.judged[dropped.requirement_id]:
            judgement.unjudged[dropped.requirement_id] = (
                f"every answer it was judged on showed a fault that {kept.requirement_id} names "
                f"({kept.message})"
            )
    return judgement


_SUITE_ONLY = "every request here is this suite's own (its probes): no client's request to judge"


def judge_answer(exchange: Exchange) -> list[Finding]:
    """The findings about one answer of a target, on its own (no other exchange to compare with)."""
    judgement = Judgement()
    _server_answer(exchange, facts_of(exchange), Known(None, False), judgement)
    return attribute(judgement.findings)[0]


def _known(exchanges: Sequence[Exchange]) -> Known:
    listed: set[str] | None = None
    any_id = False
    for exchange in exchanges:
        body = exchange.response.json if exchange.response.status == 200 else None
        if not isinstance(body, dict):
            continue
        if isinstance(body.get("data"), list) and exchange.request.target.split("?")[0].endswith("/models"):
            listed = listed or set()
            listed.update(item["id"] for item in body["data"] if isinstance(item, dict) and "id" in item)
        elif exchange.probe.intent == "nothing" and isinstance(body.get("id"), str):
            # A target that answers a made-up id with a model says nothing by where a path leads.
            any_id = True
    return Known(frozenset(listed) if listed is not None else None, any_id)


def _applies(requirement: registry.Requirement, exchange: Exchange, facts: Facts) -> bool:
    return requirement.applies_to(exchange.contract) and requirement.judged_on.matches(facts)


def _server_answer(exchange: Exchange, facts: Facts, known: Known, judgement: Judgement) -> None:
    owner = next((r for r in registry.status_owners() if _applies(r, exchange, facts)), None)
    ran: dict[Check, list[Finding] | None] = {}
    for requirement in registry.requirements("server"):
        if requirement.judged_on.owns_status and requirement is not owner:
            continue
        check = CHECKS.get(requirement.id)
        if check is None or not _applies(requirement, exchange, facts):
            continue
        if check not in ran:  # one check may speak for several requirements (the model body)
            ran[check] = check(exchange, facts, known)
        found = ran[check]
        if found is None:
            continue
        judgement.judged[requirement.id] += 1
        judgement.findings += [finding for finding in found if finding.requirement_id == requirement.id]


def _client_request(exchange: Exchange, facts: Facts, judgement: Judgement) -> None:
    for requirement in registry.requirements("client"):
        check = requests.CHECKS.get(requirement.id)
        if check is None:
            continue
        if not _applies(requirement, exchange, facts):
            _unrecorded(requirement, facts, judgement)
            continue
        found = check(exchange, facts)
        if found is not None:
            judgement.judged[requirement.id] += 1
            judgement.findings += found


def _unrecorded(requirement: registry.Requirement, facts: Facts, judgement: Judgement) -> None:
    """Say why a recorded request was not judged when the recorder left out what the rule reads."""
    for part in ("headers", "body"):
        needed = any(part in alternative for alternative in requirement.judged_on.when)
        if needed and facts.get(part) == "unrecorded":
            judgement.unjudged.setdefault(
                requirement.id, f"the requests' {part} were not recorded (some recorders leave them out)"
            )


def _notes(exchange: Exchange, judgement: Judgement) -> None:
    for earlier in exchange.superseded:
        found = intermediary(earlier)
        if found is not None:
            judgement.notes.append(note(exchange, found, followed_by=exchange.response.status))
    found = intermediary(exchange.response)
    if found is not None:
        judgement.notes.append(note(exchange, found))


def attribute(findings: Iterable[Finding]) -> tuple[list[Finding], list[tuple[Finding, Finding]]]:
    """One fault, one finding: of the findings about the same place of one exchange, the requirement
    that ranks first in the registry's ``attribution`` keeps it; exact repeats are dropped.

    Returns the findings kept, and each finding dropped for another requirement's, with that one.
    """
    ranks = registry.attribution()
    by_place: dict[tuple[int, str], list[Finding]] = defaultdict(list)
    loose: list[Finding] = []
    for finding in findings:
        if finding.exchange is None:
            loose.append(finding)
        else:
            by_place[(id(finding.exchange), finding.path)].append(finding)
    kept: list[Finding] = []
    named_elsewhere: list[tuple[Finding, Finding]] = []
    for found in by_place.values():
        ranked = [f for f in found if f.requirement_id in ranks]
        best = min(ranked, key=lambda f: ranks[f.requirement_id]) if ranked else None
        seen: set[tuple[str, str]] = set()
        for finding in found:
            key = (finding.requirement_id, finding.message)
            if key in seen:
                continue
            seen.add(key)
            if best is not None and finding.requirement_id in ranks and finding is not best:
                if finding.requirement_id != best.requirement_id:
                    named_elsewhere.append((finding, best))
                continue
            kept.append(finding)
    return kept + loose, named_elsewhere
