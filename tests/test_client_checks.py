"""The client checks' judgements on hand-made cases, and the connector protocol's validation."""

from __future__ import annotations

import email.utils
import time

import pytest
from models_conformance.client.instants import instant_ns, same_instant
from models_conformance.failures import Blocked

from models_conformance.client.checks import (
    judge_betas,
    judge_forward_compat,
    judge_retry_after_date,
    may_refuse,
    segment_problems,
)
from models_conformance.client.protocol import Call, Failure, HarnessError, Model, parse_answer, parse_hello
from models_conformance.client.run import Outcome
from models_conformance.client.scenario import Received, Script, http_date_ahead, model_reply


@pytest.mark.parametrize(
    ("segment", "model_id"),
    [
        ("claude-opus-4-6", "claude-opus-4-6"),
        ("a%2Fb", "a/b"),
        ("a%3Fb%23c%25%20", "a?b#c% "),
        ("%C3%BC%F0%9F%98%80", "ü😀"),
        ("a:b@c!$&'()*+,;=", "a:b@c!$&'()*+,;="),
        ("a%3Ab", "a:b"),  # sub-delims and ":" "@" may be encoded or not
        ("%2E%2E", ".."),
    ],
)
def test_an_id_sent_as_one_encoded_segment_has_no_problem(segment: str, model_id: str) -> None:
    assert segment_problems(segment, model_id) == []


@pytest.mark.parametrize(
    ("segment", "model_id", "says"),
    [
        ("a/b", "a/b", "raw '/'"),
        ("a b", "a b", "sent raw: ' '"),
        ("100%", "100%", "sent raw: '%'"),
        ("%41", "%41", "decodes (UTF-8) to 'A'"),
        ("%61bc", "abc", "unreserved characters are percent-encoded: 'a'"),
        ("ü", "ü", "sent raw: 'ü'"),
        ("%FC", "ü", "decodes (UTF-8) to None"),
        ("..", "..", "dot segment"),
    ],
)
def test_a_wrongly_encoded_id_is_named_with_the_reason(segment: str, model_id: str, says: str) -> None:
    assert says in "; ".join(segment_problems(segment, model_id))


@pytest.mark.parametrize(
    ("model_id", "refusable"),
    [(".", True), ("..", True), (";x", True), ("..;x", True), ("...", False), ("a;b", False), ("%2e", False)],
)
def test_only_ids_unsafe_as_a_segment_may_be_refused(model_id: str, refusable: bool) -> None:
    assert may_refuse(model_id) is refusable


@pytest.mark.parametrize(
    ("sent", "exposed"),
    [
        ("2026-02-04T00:00:00Z", "2026-02-04T00:00:00+00:00"),
        ("2026-02-04t05:30:00+05:30", "2026-02-04T00:00:00.000Z"),
        ("2024-02-29T23:59:59.123456789-00:00", "2024-02-29T23:59:59.123456+00:00"),
        ("0001-01-02T00:00:00+23:59", "0001-01-01T00:01:00+00:00"),
    ],
)
def test_the_same_instant_in_another_shape_is_the_same(sent: str, exposed: str) -> None:
    assert same_instant(sent, exposed)


@pytest.mark.parametrize(
    ("sent", "exposed"),
    [
        ("2026-02-04T05:30:00+05:30", "2026-02-04T05:30:00Z"),  # offset dropped
        ("2026-02-04T00:00:00.5Z", "2026-02-04T00:00:00Z"),  # fraction dropped
        ("2026-02-04T00:00:00Z", "2026-02-04"),
        ("2026-02-04T00:00:00Z", 1770163200),
    ],
)
def test_another_instant_or_no_date_time_is_not_the_same(sent: str, exposed: object) -> None:
    assert not same_instant(sent, exposed)


def test_an_impossible_date_is_not_an_instant() -> None:
    assert instant_ns("2025-02-29T00:00:00Z") is None
    assert instant_ns("2026-02-04T24:00:00Z") is None


def _outcome(answer: Model | Failure, *headers: tuple[str, str]) -> Outcome:
    received = Received("GET", "/c1/v1/models/x", "", headers, b"", arrived=0.0)
    call = Call("http://127.0.0.1:1/c1", "k", "x")
    return Outcome(call, Script.of(model_reply({})), answer, (received,), "/c1", (), 0.01)


@pytest.mark.parametrize("header", ["a,b,c", "a, b, c"])
def test_betas_comma_separated_with_or_without_spaces_are_one_header_in_order(header: str) -> None:
    assert judge_betas(_outcome(Model({}), ("anthropic-beta", header)), ("a", "b", "c")) == []


@pytest.mark.parametrize(
    "headers",
    [
        (("anthropic-beta", "a; b; c"),),
        (("anthropic-beta", "c,b,a"),),
        (("anthropic-beta", "a"), ("anthropic-beta", "b,c")),
        (),
    ],
    ids=["semicolons", "reordered", "two-headers", "none"],
)
def test_betas_sent_otherwise_break_cli_betas(headers: tuple[tuple[str, str], ...]) -> None:
    findings = judge_betas(_outcome(Model({}), *headers), ("a", "b", "c"))
    assert [f.requirement_id for f in findings] == ["CLI-BETAS"]


def test_forward_compat_allows_dropped_fields_and_numbers_written_another_way() -> None:
    sent = {"id": "x", "extra": {"kept": 6.628573827871795e16, "dropped": [1]}, "gone": True}
    exposed = {"id": "x", "extra": {"kept": 66285738278717950}}
    assert judge_forward_compat(_outcome(Model(exposed)), sent) == []


def test_forward_compat_flags_a_kept_field_that_changed() -> None:
    sent = {"id": "x", "line": "conformance-new-line"}
    findings = judge_forward_compat(_outcome(Model({"id": "x", "line": None})), sent)
    assert [(f.requirement_id, f.path) for f in findings] == [("CLI-FORWARD-COMPAT", "$.line")]


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ({"ok": "yes"}, "ok must be true or false"),
        ({"ok": True}, 'must carry "model"'),
        ({"ok": False, "error": {"kind": "boom"}}, "error.kind must be one of"),
        ({"ok": False, "error": {"kind": "status", "status": "404"}}, "error.status must be an integer"),
        ([], "must be an object"),
    ],
)
def test_an_answer_that_breaks_the_protocol_is_a_harness_error(answer: object, says: str) -> None:
    with pytest.raises(HarnessError, match=says):
        parse_answer(answer)


def test_a_hello_from_another_protocol_version_is_refused() -> None:
    with pytest.raises(HarnessError, match="speaks protocol 2"):
        parse_hello({"ok": True, "name": "x", "version": "1", "protocol": 2})
    assert parse_hello({"ok": True, "name": "x", "version": "1"}) == ("x", "1")


def test_an_http_date_ahead_names_a_whole_second_at_least_that_far_ahead() -> None:
    before = time.time()
    value, instant = http_date_ahead(1.0)
    assert instant == int(instant) and before + 1.0 <= instant < time.time() + 2.0
    assert email.utils.parsedate_to_datetime(value).timestamp() == instant and value.endswith(" GMT")


def _retried(first_wall: float, second_after_s: float) -> Outcome:
    """A 429 answered at wall-clock ``first_wall`` and its retry ``second_after_s`` later."""
    first = Received("GET", "/c1/v1/models/x", "", (), b"", 10.0, replied=10.0, arrived_wall=first_wall)
    second = Received("GET", "/c1/v1/models/x", "", (), b"", arrived=10.0 + second_after_s)
    call = Call("http://127.0.0.1:1/c1", "k", "x", max_retries=1)
    return Outcome(call, Script.of(model_reply({})), Model({}), (first, second), "/c1", (), 1.0)


def test_a_retry_before_the_instant_an_http_date_names_breaks_cli_retry_after() -> None:
    # The date names 1000.0; the answer left at 999.2: the client owes 800 ms, and waited 500.
    (found,) = judge_retry_after_date(_retried(999.2, 0.5), 1000.0, "retry-after: <date>")
    assert found.requirement_id == "CLI-RETRY-AFTER"
    assert (found.expected, found.received) == (">= 800 ms", "500 ms")
    assert judge_retry_after_date(_retried(999.2, 0.8), 1000.0, "retry-after: <date>") == []


def test_a_client_that_never_retried_cannot_be_judged_on_the_date() -> None:
    outcome = _retried(999.2, 0.5)
    once = Outcome(outcome.call, outcome.script, outcome.answer, outcome.requests[:1], "/c1", (), 1.0)
    with pytest.raises(Blocked, match="did not retry"):
        judge_retry_after_date(once, 1000.0, "retry-after: <date>")
