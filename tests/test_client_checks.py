"""The judge's client rules on hand-made calls and recorded requests: each rule proven to fail where it
should and to pass where a client may differ."""

from __future__ import annotations

import email.utils
import json

import pytest

from models_conformance.client.protocol import Call, Failure, Model
from models_conformance.client.script import Hang, Received, Script, error_reply, model_reply
from models_conformance.exchange import Exchange, Request, Response
from models_conformance.findings import Finding
from models_conformance.judge import judge
from models_conformance.judge.calls import judge_call, requirements_of, unjudged
from models_conformance.judge.scenario import exchanges_of
from models_conformance.judge.segments import may_refuse, segment_problems
from models_conformance.rfc3339 import instant_ns, same_instant
from models_conformance.transcript import ClientCall, Transcript

KEY = "conformance-client-key-test"
SENT = (("anthropic-version", "2023-06-01"), ("x-api-key", KEY))
MODEL = {"id": "x", "created_at": "2026-02-04T00:00:00Z", "display_name": "X", "type": "model"}


def received(
    path: str = "/v1/models/x",
    *headers: tuple[str, str],
    body: bytes = b"",
    at: float = 0.0,
    wall: float = 0.0,
) -> Received:
    return Received("GET", "/c1" + path, "", headers or SENT, body, at, replied=at, arrived_wall=wall)


def call(
    script: Script,
    *requests: Received,
    answer: Model | Failure | None = None,
    model_id: str = "x",
    betas: tuple[str, ...] | None = None,
    max_retries: int = 0,
    elapsed: float = 0.01,
    harness_error: str | None = None,
) -> ClientCall:
    asked = Call("http://127.0.0.1:1/c1", KEY, model_id, betas, max_retries, timeout_s=0.5)
    answered = answer if answer is not None or harness_error else Model(MODEL)
    return ClientCall(
        asked, script, requests, (), answered, elapsed, "/c1", "hand-made", "call 1", harness_error
    )


def findings(played: ClientCall) -> list[Finding]:
    return judge(Transcript("client", "2023-06-01", exchanges_of(played), [played])).findings


def problems(played: ClientCall) -> list[tuple[str, str]]:
    return [(f.requirement_id, f.message) for f in findings(played)]


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
        ("a/b", "a/b", "a raw '/'"),
        ("a b", "a b", "sent raw"),
        ("100%", "100%", "sent raw"),
        ("%41", "%41", "decodes to another id"),
        ("%61bc", "abc", "unreserved characters are percent-encoded"),
        ("ü", "ü", "sent raw"),
        ("%FC", "ü", "not UTF-8"),
        ("..", "..", "dot segment"),
    ],
)
def test_a_wrongly_encoded_id_is_named_with_the_reason(segment: str, model_id: str, says: str) -> None:
    assert says in "; ".join(segment_problems(segment, model_id))


def test_without_the_id_only_what_the_segment_itself_shows_is_judged() -> None:
    assert segment_problems("%41", None) == ["unreserved characters are percent-encoded"]
    assert segment_problems("a%2Fb", None) == []


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
        ("2026-02-04T00:00:00Z", "2026-02-04 00:00:00.000000000000z"),
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


@pytest.mark.parametrize("header", ["a,b,c", "a, b, c"])
def test_betas_comma_separated_with_or_without_spaces_are_one_header_in_order(header: str) -> None:
    played = call(
        Script.of(model_reply(MODEL)),
        received("/v1/models/x", *SENT, ("anthropic-beta", header)),
        betas=("a", "b", "c"),
    )
    assert findings(played) == []


@pytest.mark.parametrize(
    ("headers", "says"),
    [
        ((("anthropic-beta", "a; b; c"),), "other values or another order than the betas given"),
        ((("anthropic-beta", "c,b,a"),), "the betas in another order"),
        ((("anthropic-beta", "a"), ("anthropic-beta", "b,c")), "several anthropic-beta headers"),
        ((), "no anthropic-beta header"),
    ],
    ids=["semicolons", "reordered", "two-headers", "none"],
)
def test_betas_sent_otherwise_break_cli_betas(headers: tuple[tuple[str, str], ...], says: str) -> None:
    played = call(
        Script.of(model_reply(MODEL)), received("/v1/models/x", *SENT, *headers), betas=("a", "b", "c")
    )
    assert problems(played) == [("CLI-BETAS", f"the request sends {says}")]


def test_a_beta_header_when_none_were_given_breaks_cli_betas() -> None:
    played = call(Script.of(model_reply(MODEL)), received("/v1/models/x", *SENT, ("anthropic-beta", "a")))
    assert problems(played) == [("CLI-BETAS", "the request sends anthropic-beta though no betas were given")]


def _retried(second: Received) -> ClientCall:
    script = Script.of(error_reply(503, headers={"retry-after-ms": "0"}), model_reply(MODEL))
    return call(script, received(at=0.0), second, max_retries=1)


@pytest.mark.parametrize(
    ("retry", "requirement_id", "message"),
    [
        (
            received("/v1/models/x", SENT[0]),
            "CLI-AUTH",
            "the retry (attempt 2) does not send the configured key",
        ),
        (
            received("/v1/models/x", SENT[1]),
            "CLI-VERSION",
            "the retry (attempt 2) has no anthropic-version header",
        ),
        (received("/v1/model/x"), "CLI-PATH", "the retry (attempt 2) went to another path than the model's"),
        (received(body=b"{}"), "CLI-NO-BODY", "the retry (attempt 2) is a GET with a body"),
    ],
    ids=["key", "version", "path", "body"],
)
def test_a_retry_is_held_to_what_the_first_request_was(
    retry: Received, requirement_id: str, message: str
) -> None:
    found = findings(_retried(retry))
    assert [(f.requirement_id, f.message) for f in found] == [(requirement_id, message)]
    assert found[0].where == "call 1, request 2"
    assert found[0].reproduction is not None and found[0].reproduction.startswith("retrieve(model_id='x'")


def test_the_retry_to_another_path_shows_both_paths() -> None:
    (found,) = findings(_retried(received("/v1/model/x")))
    assert (found.expected, found.received) == ("/v1/models/x", "/v1/model/x")


def test_the_key_in_the_url_breaks_cli_auth() -> None:
    leaked = Received("GET", "/c1/v1/models/x", f"api_key={KEY}", (SENT[0],), b"", 0.0)
    assert [rid for rid, _ in problems(call(Script.of(model_reply(MODEL)), leaked))] == [
        "CLI-AUTH",
        "CLI-AUTH",
    ]


def _recorded(*headers: tuple[str, str], target: str = "/v1/models/m") -> Exchange:
    request = Request.make("GET", "https://api.example.test", target, headers)
    return Exchange(
        request,
        Response.make(200, {"content-type": "application/json"}, json.dumps(MODEL).encode()),
        source="recording",
        where="c.yaml #0",
    )


def _client_verdicts(exchange: Exchange) -> dict[str, list[str]]:
    judgement = judge(Transcript("cassette", "2023-06-01", [exchange]))
    ids = ("CLI-PATH", "CLI-EMPTY-ID", "CLI-VERSION", "CLI-AUTH", "CLI-BETAS", "CLI-NO-BODY")
    return {
        rid: [f.message for f in judgement.findings if f.requirement_id == rid]
        for rid in ids
        if judgement.judged[rid]
    }


@pytest.mark.parametrize(
    ("headers", "outcome"),
    [
        ({"x-api-key": "[REDACTED]"}, "passed"),  # a redacted value counts
        ({"authorization": "Bearer <ANTHROPIC_API_KEY>"}, "passed"),
        ({"authorization": "REDACTED"}, "passed"),  # the whole value scrubbed: its scheme is not shown
        ({"authorization": "Bearer"}, "passed"),  # the token removed, the scheme kept
        ({"authorization": "Basic [REDACTED]"}, "failed"),
        ({"authorization": ""}, "failed"),
        ({"x-api-key": ""}, "failed"),
        ({}, "not judged"),  # recorders remove credentials: no evidence either way
    ],
)
def test_a_recorded_credential_header_is_judged_as_far_as_it_shows(
    headers: dict[str, str], outcome: str
) -> None:
    verdicts = _client_verdicts(_recorded(("anthropic-version", "2023-06-01"), *headers.items()))
    shown = "not judged" if "CLI-AUTH" not in verdicts else "failed" if verdicts["CLI-AUTH"] else "passed"
    assert shown == outcome


def test_a_recorded_request_shows_the_segment_and_the_headers_it_kept() -> None:
    verdicts = _client_verdicts(
        _recorded(("x-api-key", "[REDACTED]"), target="/v1/models/claude%20opus?api_key=k")
    )
    assert verdicts["CLI-PATH"] == []
    assert verdicts["CLI-AUTH"] == ["the request carries a credential in the URL"]
    assert verdicts["CLI-VERSION"] == ["the request has no anthropic-version header"]
    raw = _client_verdicts(
        _recorded(("anthropic-version", "1"), ("anthropic-beta", "a,,b"), target="/v1/models/a b")
    )
    assert [m.split(":")[0] for m in raw["CLI-PATH"]] == [
        "the request does not send the id as one percent-encoded segment"
    ]
    assert raw["CLI-BETAS"] == ["the request sends an anthropic-beta header with an empty value"]


def test_requests_sent_by_the_suite_itself_are_not_judged_as_a_clients() -> None:
    assert _client_verdicts(_recorded(("user-agent", "models-api-conformance/1.0"))) == {}


def test_forward_compat_allows_dropped_fields_and_numbers_written_another_way() -> None:
    sent = {**MODEL, "extra": {"kept": 6.628573827871795e16, "dropped": [1]}, "gone": True}
    exposed = {**MODEL, "extra": {"kept": 66285738278717950}}
    played = call(Script.of(model_reply(sent)), received(), answer=Model(exposed))
    assert judge_call(played)["CLI-FORWARD-COMPAT"] == []


def test_forward_compat_flags_a_kept_field_that_changed() -> None:
    sent = {**MODEL, "line": "conformance-new-line"}
    played = call(Script.of(model_reply(sent)), received(), answer=Model({**MODEL, "line": None}))
    assert [(f.requirement_id, f.path) for f in findings(played)] == [("CLI-FORWARD-COMPAT", "$.line")]


def test_a_client_failing_on_fields_it_does_not_know_fails_forward_compat_alone() -> None:
    played = call(
        Script.of(model_reply({**MODEL, "new": 1})), received(), answer=Failure("other", message="boom")
    )
    assert problems(played) == [
        ("CLI-FORWARD-COMPAT", "a valid model with fields the seed does not describe surfaced as an error")
    ]


def _error(answer: Failure, error_type: str = "invalid_request_error") -> list[Finding]:
    reply = error_reply(404, "no such model", error_type=error_type)
    request_id = reply.header("request-id")
    shown = Failure(answer.kind, answer.status, answer.type, answer.message, answer.request_id or request_id)
    return judge_call(call(Script.of(reply), received(), answer=shown))["CLI-ERROR-SURFACE"]


def test_an_error_may_wrap_the_servers_message() -> None:
    assert _error(Failure("status", 404, "invalid_request_error", "Error code: 404 - no such model")) == []


def test_an_error_type_derived_from_the_status_breaks_cli_error_surface() -> None:
    (found,) = _error(Failure("status", 404, "not_found_error", "no such model"))
    assert found.message == "the error does not expose the answer's type"
    assert (found.expected, found.received) == (
        {"type": "invalid_request_error"},
        {"type": "not_found_error"},
    )


def _dated(first_wall: float, second_after_s: float) -> ClientCall:
    """A 429 asking for a wait until wall-clock 1000.0, answered at ``first_wall``, retried later."""
    script = Script.of(error_reply(429, headers={"retry-after": email.utils.formatdate(1000.0, usegmt=True)}))
    first = received(at=10.0, wall=first_wall)
    return call(
        script, first, received(at=10.0 + second_after_s), max_retries=1, answer=Failure("status", 429)
    )


def test_a_retry_before_the_instant_an_http_date_names_breaks_cli_retry_after() -> None:
    # The date names 1000.0; the answer left at 999.2: the client owes 800 ms, and waited 500.
    (found,) = judge_call(_dated(999.2, 0.5))["CLI-RETRY-AFTER"]
    assert found.message == "a retry came sooner than the answer's retry-after (an HTTP date) asked"
    assert (found.expected, found.received, found.where) == (">= 800 ms", "500 ms", "call 1, request 2")
    assert judge_call(_dated(999.2, 0.8))["CLI-RETRY-AFTER"] == []


def test_a_call_that_was_not_retried_is_not_judged_on_the_wait() -> None:
    played = _dated(999.2, 0.5)
    once = call(played.script, played.received[0], max_retries=1, answer=played.answer)
    assert "CLI-RETRY-AFTER" not in judge_call(once)
    assert [f.message for f in judge_call(once)["CLI-RETRY"]] == ["a retryable answer was not retried"]


def test_x_should_retry_true_on_a_404_is_judged_by_the_header_not_the_status() -> None:
    reply = error_reply(404, headers={"x-should-retry": "true"})
    played = call(Script.of(reply, model_reply(MODEL)), received(), received(), max_retries=1)
    assert judge_call(played)["CLI-X-SHOULD-RETRY"] == [] and "CLI-NO-RETRY-4XX" not in judge_call(played)


def test_a_call_the_harness_got_no_answer_to_is_judged_on_nothing_and_says_so() -> None:
    played = call(Script.of(model_reply(MODEL)), received(), harness_error="the connector exited")
    assert judge_call(played) == {}
    assert unjudged(played) == requirements_of(played) == {"CLI-PATH", "CLI-PARSE"}


@pytest.mark.parametrize(("elapsed", "hung"), [(9.0, True), (0.1, False)])
def test_a_call_that_outlived_its_timeout_on_a_silent_server_is_cli_timeouts(
    elapsed: float, hung: bool
) -> None:
    played = call(
        Script.of(Hang()), received(), elapsed=elapsed, harness_error="no answer within the deadline"
    )
    assert bool(judge_call(played).get("CLI-TIMEOUT")) is hung
    assert unjudged(played) == (set() if hung else {"CLI-PATH", "CLI-TIMEOUT"})


def test_an_empty_id_sent_anywhere_breaks_cli_empty_id_alone() -> None:
    played = call(Script.of(model_reply({"data": []})), received("/v1/models/"), model_id="")
    assert problems(played) == [("CLI-EMPTY-ID", "an empty model_id was sent as a request")]
