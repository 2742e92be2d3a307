"""Errors, retries and silence: what the client surfaces, when it retries, how long it waits."""

from __future__ import annotations

import pytest

from models_conformance import SEED_EXAMPLE
from models_conformance.checks.server import ERROR_TYPES, raise_findings
from models_conformance.client import (
    CallTimedOut,
    ClientRun,
    Hang,
    Script,
    error_reply,
    http_date_ahead,
    model_reply,
)
from models_conformance.client.checks import (
    hung,
    judge_error_surface,
    judge_not_retried,
    judge_retried,
    judge_retried_then_succeeded,
    judge_retry_after,
    judge_retry_after_date,
    judge_timeout,
    judge_x_should_retry,
)
from models_conformance.failures import ConformanceFailure

requirement = pytest.mark.requirement

# Asked of every retry that is not about the delay itself, so that retry checks take milliseconds.
QUICK = {"retry-after-ms": "20"}
NOT_RETRIED = (400, 401, 403, 404, 413, 422)
RETRIED = (408, 409, 429, 500, 503, 504, 529)
TIMEOUT_S = 0.5


@requirement("CLI-ERROR-SURFACE")
@pytest.mark.parametrize("status", sorted(ERROR_TYPES))
def test_an_error_exposes_status_type_message_and_request_id(
    conformance_client_run: ClientRun, status: int
) -> None:
    reply = error_reply(status, f"conformance probe: HTTP {status} ({ERROR_TYPES[status]})")
    raise_findings(judge_error_surface(conformance_client_run.retrieve(reply, max_retries=0), reply))


@requirement("CLI-NO-RETRY-4XX")
@pytest.mark.parametrize("status", NOT_RETRIED)
def test_a_client_error_is_not_retried(conformance_client_run: ClientRun, status: int) -> None:
    outcome = conformance_client_run.retrieve(error_reply(status, headers=QUICK), max_retries=2)
    raise_findings(judge_not_retried(outcome, status))


@requirement("CLI-RETRY")
@pytest.mark.parametrize("status", RETRIED)
def test_a_transient_error_is_retried_a_bounded_number_of_times(
    conformance_client_run: ClientRun, status: int
) -> None:
    outcome = conformance_client_run.retrieve(error_reply(status, headers=QUICK), max_retries=2)
    raise_findings(judge_retried(outcome, status))


@requirement("CLI-RETRY")
def test_a_500_is_retried_without_being_asked_to(conformance_client_run: ClientRun) -> None:
    # No retry header at all: the status alone calls for a retry (at the client's own pace).
    outcome = conformance_client_run.retrieve(error_reply(500), max_retries=1)
    raise_findings(judge_retried(outcome, 500))


@requirement("CLI-RETRY")
def test_a_retry_that_succeeds_gives_the_model(conformance_client_run: ClientRun) -> None:
    script = Script.of(error_reply(503, headers=QUICK), model_reply(SEED_EXAMPLE))
    raise_findings(judge_retried_then_succeeded(conformance_client_run.retrieve(script, max_retries=2), 503))


@requirement("CLI-RETRY-AFTER")
@pytest.mark.parametrize(
    ("header", "value", "asked_s"),
    # Both above the 0.5 s first back-off of the official SDKs, so that a client ignoring them shows.
    [("retry-after-ms", "600", 0.6), ("retry-after", "1", 1.0)],
    ids=["retry-after-ms", "retry-after"],
)
def test_a_retry_comes_no_sooner_than_asked(
    conformance_client_run: ClientRun, header: str, value: str, asked_s: float
) -> None:
    script = Script.of(error_reply(429, headers={header: value}), model_reply(SEED_EXAMPLE))
    outcome = conformance_client_run.retrieve(script, max_retries=1)
    raise_findings(judge_retry_after(outcome, asked_s, f"{header}: {value}"))


@requirement("CLI-RETRY-AFTER")
def test_a_retry_comes_no_sooner_than_the_http_date_asked(conformance_client_run: ClientRun) -> None:
    # `retry-after` may be an HTTP date (the SDKs accept one). It has whole seconds: the client is held
    # to the second written, at least 1 s ahead, above the official SDKs' 0.5 s first back-off.
    value, instant = http_date_ahead(1.0)
    script = Script.of(error_reply(429, headers={"retry-after": value}), model_reply(SEED_EXAMPLE))
    outcome = conformance_client_run.retrieve(script, max_retries=1)
    raise_findings(judge_retry_after_date(outcome, instant, f"retry-after: {value}"))


@requirement("CLI-X-SHOULD-RETRY")
@pytest.mark.parametrize(
    ("status", "should_retry"), [(404, True), (503, False)], ids=["404-true", "503-false"]
)
def test_x_should_retry_overrides_the_status_rule(
    conformance_client_run: ClientRun, status: int, should_retry: bool
) -> None:
    headers = {**QUICK, "x-should-retry": "true" if should_retry else "false"}
    script = Script.of(error_reply(status, headers=headers), model_reply(SEED_EXAMPLE))
    outcome = conformance_client_run.retrieve(script, max_retries=2 if not should_retry else 1)
    raise_findings(judge_x_should_retry(outcome, status, should_retry))


@requirement("CLI-TIMEOUT")
def test_a_server_that_never_answers_fails_the_call_within_the_timeout(
    conformance_client_run: ClientRun,
) -> None:
    try:
        outcome = conformance_client_run.retrieve(Script.of(Hang()), max_retries=0, timeout_s=TIMEOUT_S)
    except CallTimedOut as exc:
        raise ConformanceFailure(hung(exc.after_s, TIMEOUT_S)) from None
    raise_findings(judge_timeout(outcome))
