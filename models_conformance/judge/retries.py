"""When a client retries, how long it waits, and what it does with silence: CLI-NO-RETRY-4XX, CLI-RETRY,
CLI-RETRY-AFTER, CLI-X-SHOULD-RETRY, CLI-TIMEOUT.

Judged answer by answer: each answer of a call (the script's step for that request) says whether the
next request should come, by its status and any ``x-should-retry``; each retry after an answer that
asked for a wait (``retry-after-ms``, ``retry-after`` in seconds or as an HTTP date) is timed from the
moment that answer left the server.
"""

from __future__ import annotations

import email.utils
from typing import Any

from ..client.protocol import MAX_BACKOFF_S, Failure
from ..client.script import Hang, Received, Reply
from ..findings import Finding
from ..transcript import ClientCall
from .scenario import call_finding

__all__ = [
    "NOT_RETRIED",
    "RETRIED",
    "RETRY_TOLERANCE_S",
    "TIMEOUT_SLACK_S",
    "asked_wait",
    "judge_hung",
    "judge_retries",
    "judge_timeout",
    "requirements_of_reply",
]

RETRIED = frozenset({408, 409, 429, 500, 503, 504, 529})
NOT_RETRIED = frozenset({400, 401, 403, 404, 413, 422})
# Timers may fire a little early (Node rounds to the millisecond); this much early is not "sooner".
RETRY_TOLERANCE_S = 0.005
# What a call may take beyond its configured timeout: the client noticing, the answer travelling back.
TIMEOUT_SLACK_S = 1.0


def _rule(status: int) -> bool | None:
    """Whether the status rule retries an answer: yes, no, or it says nothing (a 402, a 200)."""
    return True if status in RETRIED else False if status in NOT_RETRIED else None


def _override(reply: Reply) -> bool | None:
    flag = reply.header("x-should-retry")
    return True if flag == "true" else False if flag == "false" else None


def _governing(reply: Reply) -> str | None:
    """The one requirement that says whether this answer is retried: the header where it overrides
    the status rule, else the status rule; None when neither says."""
    rule, override = _rule(reply.status), _override(reply)
    if override is not None and override != rule:
        return "CLI-X-SHOULD-RETRY"
    if rule is None:
        return None
    return "CLI-RETRY" if rule else "CLI-NO-RETRY-4XX"


def asked_wait(reply: Reply, answered: Received) -> tuple[str, float] | None:
    """The wait an answer asked for before a retry: which header said it, and the seconds (an HTTP
    date counts from the moment the answer left). None when it asked for none it can be held to."""
    millis, value = reply.header("retry-after-ms"), reply.header("retry-after")
    try:
        if millis is not None:
            return "retry-after-ms", float(millis) / 1000
        if value is not None and value.strip().isdigit():
            return "retry-after", float(value)
    except ValueError:
        return None
    if value is None or answered.arrived_wall is None:
        return None
    try:
        instant = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    left_at = answered.arrived_wall + ((answered.replied or answered.arrived) - answered.arrived)
    return "retry-after (an HTTP date)", max(0.0, instant - left_at)


def _asks_wait(reply: Reply) -> bool:
    return reply.header("retry-after-ms") is not None or reply.header("retry-after") is not None


def requirements_of_reply(reply: Reply, max_retries: int) -> set[str]:
    """The retry requirements an answer raises a question of, in a call that may make ``max_retries``."""
    governing = _governing(reply)
    found: set[str] = set()
    if governing == "CLI-RETRY" or (governing is not None and max_retries > 0):
        found.add(governing)
    if max_retries > 0 and reply.status != 200 and _asks_wait(reply):
        found.add("CLI-RETRY-AFTER")
    return found


def _obeyed(call: ClientCall, index: int, reply: Reply, governing: str) -> list[Finding]:
    """Whether the request after answer ``index`` came (or did not) as the governing rule says."""
    max_retries = call.call.max_retries
    retried = index + 1 < len(call.received)
    flag = reply.header("x-should-retry")
    said = f"HTTP {reply.status}" + (f" with x-should-retry: {flag}" if flag else "")
    if governing == "CLI-X-SHOULD-RETRY":
        should = flag == "true"
        message = f"x-should-retry: {flag} was not obeyed"
    else:
        should = governing == "CLI-RETRY"
        message = (
            "a retryable answer was not retried"
            if should
            else "an answer that must not be retried was retried"
        )
    if retried == should or (should and index >= max_retries):
        return []
    expected = f"request {index + 2} (max_retries={max_retries})" if should else "no further request"
    then = f"request {index + 2}" if retried else "no further request"
    return [
        call_finding(call, governing, message, "requests", expected, f"{said}, then {then}", request=index)
    ]


def judge_retries(call: ClientCall) -> dict[str, list[Finding]]:
    """Each answer of the call against the rule that governs it, and each retry against its wait."""
    judged: dict[str, list[Finding]] = {}
    max_retries, received = call.call.max_retries, call.received
    for index in range(len(received)):
        reply = call.script.step(index)
        if not isinstance(reply, Reply):
            continue
        governing = _governing(reply)
        if governing == "CLI-RETRY" or (governing is not None and max_retries > 0):
            judged.setdefault(governing, []).extend(_obeyed(call, index, reply, governing))
        if index + 1 < len(received) and max_retries > 0 and reply.status != 200 and _asks_wait(reply):
            judged.setdefault("CLI-RETRY-AFTER", []).extend(_waited(call, index, reply))
    if "CLI-RETRY" in judged and len(received) > max_retries + 1:
        judged["CLI-RETRY"].append(
            call_finding(
                call,
                "CLI-RETRY",
                "the call sent more requests than max_retries allows",
                "requests",
                f"at most {max_retries + 1}",
                len(received),
            )
        )
    return judged


def _waited(call: ClientCall, index: int, reply: Reply) -> list[Finding]:
    """CLI-RETRY-AFTER: the retry after answer ``index`` came no sooner than that answer asked."""
    answered, retry = call.received[index], call.received[index + 1]
    asked = asked_wait(reply, answered)
    if asked is None:
        return []
    header, seconds = asked
    waited = retry.arrived - (answered.replied or answered.arrived)
    if waited >= seconds - RETRY_TOLERANCE_S:
        return []
    return [
        call_finding(
            call,
            "CLI-RETRY-AFTER",
            f"a retry came sooner than the answer's {header} asked",
            "requests",
            f">= {seconds * 1000:.0f} ms",
            f"{waited * 1000:.0f} ms",
            request=index + 1,
        )
    ]


def _limit(call: ClientCall) -> float:
    attempts = max(len(call.received), 1)
    return attempts * call.call.timeout_s + (attempts - 1) * MAX_BACKOFF_S + TIMEOUT_SLACK_S


def _hung(call: ClientCall) -> bool:
    """Whether the server accepted every request of the call and answered none."""
    steps = [call.script.step(index) for index in range(len(call.received))]
    return bool(steps) and all(isinstance(step, Hang) for step in steps)


def _timeout(call: ClientCall, received: Any) -> list[Finding]:
    return [
        call_finding(
            call,
            "CLI-TIMEOUT",
            "the server never answered and the call did not fail within its timeout",
            "elapsed",
            f"an error within {_limit(call):.1f} s",
            received,
        )
    ]


def judge_hung(call: ClientCall) -> dict[str, list[Finding]]:
    """A call without an answer: CLI-TIMEOUT's when the server never answered it and it outlived its
    timeout (the harness gave up on it), else nothing to judge (a harness error)."""
    if _hung(call) and call.elapsed > _limit(call):
        return {"CLI-TIMEOUT": _timeout(call, f"no answer after {call.elapsed:.1f} s")}
    return {}


def judge_timeout(call: ClientCall) -> dict[str, list[Finding]]:
    """CLI-TIMEOUT: a call the server never answered fails within the client's timeout."""
    if not _hung(call):
        return {}
    if isinstance(call.answer, Failure) and call.elapsed <= _limit(call):
        return {"CLI-TIMEOUT": []}
    shown = "a model" if call.answer is not None and not isinstance(call.answer, Failure) else "an error"
    return {"CLI-TIMEOUT": _timeout(call, f"{shown} after {call.elapsed:.2f} s")}
