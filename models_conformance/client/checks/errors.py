"""What the client does with errors and silence: CLI-ERROR-SURFACE, the retry rules, CLI-TIMEOUT."""

from __future__ import annotations

import json

from ...failures import Blocked, Finding
from ..protocol import Failure, Model
from ..run import Outcome
from ..scenario import Reply
from .findings import finding

__all__ = [
    "RETRY_TOLERANCE_S",
    "TIMEOUT_SLACK_S",
    "hung",
    "judge_error_surface",
    "judge_not_retried",
    "judge_retried",
    "judge_retried_then_succeeded",
    "judge_retry_after",
    "judge_retry_after_date",
    "judge_timeout",
    "judge_x_should_retry",
]

# Timers may fire a little early (Node rounds to the millisecond); this much early is not "sooner".
RETRY_TOLERANCE_S = 0.005
# What a call may take beyond its configured timeout: the client noticing, the answer travelling back.
TIMEOUT_SLACK_S = 1.0


def judge_error_surface(outcome: Outcome, reply: Reply) -> list[Finding]:
    """CLI-ERROR-SURFACE: status, ``error.type``, the message and the ``request-id`` all come through."""
    envelope = json.loads(reply.body)
    expected = {
        "status": reply.status,
        "type": envelope["error"]["type"],
        "message": envelope["error"]["message"],
        "request_id": reply.header("request-id"),
    }
    answer = outcome.answer
    if not isinstance(answer, Failure):
        return [
            finding(
                "CLI-ERROR-SURFACE",
                f"HTTP {reply.status} surfaced as a model, not an error",
                outcome,
                expected="an error",
                received=answer.model,
            )
        ]
    received = {
        "status": answer.status,
        "type": answer.type,
        "message": answer.message,
        "request_id": answer.request_id,
    }
    missing = [name for name, value in expected.items() if received[name] != value]
    # A client may wrap the message in its own words, as long as the server's message is in there.
    if "message" in missing and isinstance(answer.message, str) and expected["message"] in answer.message:
        missing.remove("message")
    if not missing:
        return []
    return [
        finding(
            "CLI-ERROR-SURFACE",
            f"the error for HTTP {reply.status} does not expose its {', '.join(missing)}",
            outcome,
            path="error",
            expected={k: expected[k] for k in missing},
            received={k: received[k] for k in missing},
        )
    ]


def _count(outcome: Outcome) -> int:
    return len(outcome.requests)


def judge_not_retried(outcome: Outcome, status: int) -> list[Finding]:
    """CLI-NO-RETRY-4XX: one request only, however many retries the client may make."""
    if _count(outcome) <= 1:
        return []
    return [
        finding(
            "CLI-NO-RETRY-4XX",
            f"HTTP {status} was retried",
            outcome,
            index=1,
            path="requests",
            expected=1,
            received=_count(outcome),
        )
    ]


def judge_retried(outcome: Outcome, status: int) -> list[Finding]:
    """CLI-RETRY: retried at least once and at most ``max_retries`` times, then surfaced as an error."""
    max_retries = outcome.call.max_retries
    count = _count(outcome)
    findings = []
    if not 2 <= count <= max_retries + 1:
        what = "was not retried" if count < 2 else f"was sent {count} times with max_retries={max_retries}"
        findings.append(
            finding(
                "CLI-RETRY",
                f"HTTP {status} {what}",
                outcome,
                path="requests",
                expected=f"2 to {max_retries + 1} requests",
                received=count,
            )
        )
    answer = outcome.answer
    if isinstance(answer, Model) or (answer.status is not None and answer.status != status):
        findings.append(
            finding(
                "CLI-RETRY",
                f"after the retries, HTTP {status} did not surface as its error",
                outcome,
                path="error.status",
                expected=status,
                received=answer.model if isinstance(answer, Model) else answer.describe(),
            )
        )
    return findings


def judge_retried_then_succeeded(outcome: Outcome, status: int) -> list[Finding]:
    """CLI-RETRY: an error then a 200 gives the model."""
    if _count(outcome) >= 2 and isinstance(outcome.answer, Model):
        return []
    return [
        finding(
            "CLI-RETRY",
            f"HTTP {status} then 200: the model did not come through",
            outcome,
            path="requests",
            expected="2 requests and the model",
            received=f"{_count(outcome)} request(s), {_answer(outcome)}",
        )
    ]


def judge_retry_after(outcome: Outcome, asked_s: float, header: str) -> list[Finding]:
    """CLI-RETRY-AFTER: the retry comes no sooner than the server asked."""
    if _count(outcome) < 2:
        raise Blocked("CLI-RETRY-AFTER cannot be judged: the client did not retry the 429 (see CLI-RETRY)")
    first, second = outcome.requests[0], outcome.requests[1]
    waited = second.arrived - (first.replied or first.arrived)
    if waited >= asked_s - RETRY_TOLERANCE_S:
        return []
    return [
        finding(
            "CLI-RETRY-AFTER",
            f"the retry came {waited * 1000:.0f} ms after the answer that said {header}",
            outcome,
            path="requests[1]",
            expected=f">= {asked_s * 1000:.0f} ms",
            received=f"{waited * 1000:.0f} ms",
        )
    ]


def judge_retry_after_date(outcome: Outcome, instant: float, header: str) -> list[Finding]:
    """CLI-RETRY-AFTER for ``retry-after: <HTTP date>``: the retry comes no sooner than ``instant``.

    ``instant`` is the wall-clock time (``time.time()``) the date names; the wait it asks is measured
    from the moment the first answer left the server.
    """
    if _count(outcome) < 2:
        raise Blocked("CLI-RETRY-AFTER cannot be judged: the client did not retry the 429 (see CLI-RETRY)")
    first = outcome.requests[0]
    if first.arrived_wall is None:
        raise Blocked("CLI-RETRY-AFTER cannot be judged: the scenario server did not stamp the wall clock")
    replied_wall = first.arrived_wall + ((first.replied or first.arrived) - first.arrived)
    asked_s = max(0.0, instant - replied_wall)
    return judge_retry_after(outcome, asked_s, f"{header} (the instant it names, {asked_s * 1000:.0f} ms on)")


def judge_x_should_retry(outcome: Outcome, status: int, should_retry: bool) -> list[Finding]:
    """CLI-X-SHOULD-RETRY: ``true`` retries a status not retried by rule; ``false`` stops one that is."""
    count = _count(outcome)
    if (count >= 2) == should_retry:
        return []
    said = "true" if should_retry else "false"
    return [
        finding(
            "CLI-X-SHOULD-RETRY",
            f"HTTP {status} with x-should-retry: {said} was sent {count} time(s)",
            outcome,
            path="requests",
            expected="2 requests" if should_retry else "1 request",
            received=count,
        )
    ]


def judge_timeout(outcome: Outcome) -> list[Finding]:
    """CLI-TIMEOUT: a server that never answers makes the call fail within the configured timeout."""
    limit = outcome.call.timeout_s + TIMEOUT_SLACK_S
    if isinstance(outcome.answer, Failure) and outcome.elapsed <= limit:
        return []
    return [
        finding(
            "CLI-TIMEOUT",
            f"the server never answered; with timeout_s={outcome.call.timeout_s} the call took "
            f"{outcome.elapsed:.2f} s and gave {_answer(outcome)}",
            outcome,
            path="elapsed",
            expected=f"an error within {limit:.1f} s",
            received=f"{outcome.elapsed:.2f} s",
        )
    ]


def _answer(outcome: Outcome) -> str:
    answer = outcome.answer
    return "a model" if isinstance(answer, Model) else answer.describe()


def hung(after_s: float, timeout_s: float) -> Finding:
    """CLI-TIMEOUT: the call was still running at the harness's deadline (no request was answered)."""
    return Finding(
        "CLI-TIMEOUT",
        f"the server accepted the request and never answered; with timeout_s={timeout_s} the call had not "
        f"returned after {after_s:.1f} s",
        path="elapsed",
        expected=f"an error within {timeout_s + TIMEOUT_SLACK_S:.1f} s",
        received=f"no answer after {after_s:.1f} s",
    )
