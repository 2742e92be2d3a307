"""The judge: every exchange against every requirement that applies, each fault named once."""

from __future__ import annotations

import json
from typing import Any

import pytest

from models_conformance import SEED_EXAMPLE, ConformanceFailure, assert_model_response, validate_model
from models_conformance.exchange import Exchange, Probe, Request, Response, curl
from models_conformance.findings import group
from models_conformance.judge import judge, judge_answer
from models_conformance.secret import Secret
from models_conformance.transcript import Transcript

JSON = {"content-type": "application/json", "request-id": "req_0123456789abcdef"}
LATER = {**SEED_EXAMPLE, "lifecycle": "active", "line": "opus", "deprecated_at": None, "retires_at": None}
VALID = Probe(intent="model", key="valid", shape="listed model")


def exchange(
    status: int,
    body: Any,
    *,
    headers: dict[str, str] | None = None,
    contract: str = "2023-06-01",
    target: str = "/v1/models/claude-opus-4-6",
    request_headers: dict[str, str] | None = None,
    probe: Probe = VALID,
    method: str = "GET",
) -> Exchange:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    sent = {"anthropic-version": contract, "x-api-key": "k"} if request_headers is None else request_headers
    request = Request.make(method, "http://127.0.0.1:4010", target, sent)
    return Exchange(
        request, Response.make(status, JSON if headers is None else headers, raw), contract, probe
    )


def ids(findings: list[Any]) -> list[str]:
    return sorted(f.requirement_id for f in findings)


def error(status: int, error_type: str, request_id: str | None = "req_0123456789abcdef") -> dict[str, Any]:
    body: dict[str, Any] = {"type": "error", "error": {"type": error_type, "message": "m"}}
    if request_id is not None:
        body["request_id"] = request_id
    return body


def test_the_seed_example_answer_conforms() -> None:
    assert judge_answer(exchange(200, SEED_EXAMPLE)) == []


def test_extra_fields_are_allowed() -> None:
    body = {**SEED_EXAMPLE, "max_tokens": 128000, "capabilities": {"batch": {"supported": True}}, "new": [1]}
    assert judge_answer(exchange(200, body)) == []


@pytest.mark.parametrize(
    ("body", "requirement_id", "path"),
    [
        ({**SEED_EXAMPLE, "type": "Model"}, "SRV-200-TYPE", "$.type"),
        ({**SEED_EXAMPLE, "created_at": "2026-02-04 00:00:00"}, "SRV-200-CREATED-AT", "$.created_at"),
        ({**SEED_EXAMPLE, "created_at": "2016-12-31T23:58:60Z"}, "SRV-200-CREATED-AT", "$.created_at"),
        ({k: v for k, v in SEED_EXAMPLE.items() if k != "display_name"}, "SRV-200-SCHEMA", "$.display_name"),
        ({**SEED_EXAMPLE, "max_tokens": -1}, "SRV-200-SCHEMA", "$.max_tokens"),
    ],
)
def test_a_broken_model_body_is_caught_under_its_own_requirement(
    body: dict[str, Any], requirement_id: str, path: str
) -> None:
    findings = judge_answer(exchange(200, body))
    assert [(f.requirement_id, f.path) for f in findings] == [(requirement_id, path)]


@pytest.mark.parametrize(
    "created_at",
    [
        "2016-12-31T23:59:60Z",
        "2016-12-31T15:59:60-08:00",
        "2026-02-04t10:20:30.5z",
        "2026-02-04T00:00:00-00:00",
    ],
)
def test_valid_rfc3339_shapes_pass_leap_seconds_included(created_at: str) -> None:
    assert judge_answer(exchange(200, {**SEED_EXAMPLE, "created_at": created_at})) == []


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (b"", "the body is empty"),
        (b"<html>oops</html>", "Expecting value"),
        (b'{"id": "m", "created_at": "2026-02-04T00:00:00Z", "type": "model", "display_name": NaN}', "NaN"),
        (b"[" * 100_000, "nested deeper"),
        (b'{"max_tokens": ' + b"9" * 10_000 + b"}", "a number in it is too long to read"),
    ],
)
def test_a_200_that_is_not_json_is_a_schema_failure_that_says_why(raw: bytes, says: str) -> None:
    (finding,) = judge_answer(exchange(200, raw))
    assert finding.requirement_id == "SRV-200-SCHEMA" and says in str(finding.received)


def test_lifecycle_is_judged_under_the_later_contract_only() -> None:
    assert judge_answer(exchange(200, SEED_EXAMPLE)) == []
    assert ids(judge_answer(exchange(200, SEED_EXAMPLE, contract="2026-10-21"))) == ["SRV-LIFECYCLE"]
    assert judge_answer(exchange(200, LATER, contract="2026-10-21")) == []


@pytest.mark.parametrize("value", ["application/json", "application/json; charset=utf-8", "Application/JSON"])
def test_json_content_types_with_parameters_pass(value: str) -> None:
    assert judge_answer(exchange(200, SEED_EXAMPLE, headers={**JSON, "content-type": value})) == []


def test_a_wrong_or_missing_content_type_is_caught() -> None:
    for headers in ({"request-id": "r"}, {**JSON, "content-type": "text/plain"}):
        assert ids(judge_answer(exchange(200, SEED_EXAMPLE, headers=headers))) == ["SRV-200-CONTENT-TYPE"]


def test_an_unknown_id_is_judged_by_srv_404_and_the_envelope() -> None:
    probe = Probe(intent="nothing", key="valid", shape="made-up id")
    assert judge_answer(exchange(404, error(404, "not_found_error"), probe=probe)) == []
    wrong_type = judge_answer(exchange(404, error(404, "invalid_request_error"), probe=probe))
    # One fault, one finding: the request's own requirement names the type, not SRV-ERROR-STATUS-TYPE.
    assert [(f.requirement_id, f.path) for f in wrong_type] == [("SRV-404", "$.error.type")]
    assert ids(judge_answer(exchange(200, SEED_EXAMPLE, probe=probe))) == ["SRV-404"]
    assert ids(judge_answer(exchange(400, error(400, "invalid_request_error"), probe=probe))) == ["SRV-404"]


def test_a_5xx_to_any_get_of_a_model_is_srv_no_5xx_alone() -> None:
    for probe in (VALID, Probe(intent="nothing", key="valid"), Probe(intent="model", key="wrong")):
        assert ids(judge_answer(exchange(500, error(500, "api_error"), probe=probe))) == ["SRV-NO-5XX"]
    no_answer = Exchange(exchange(200, b"").request, Response(0, problem="no answer within 1 s"), probe=VALID)
    (finding,) = judge_answer(no_answer)
    assert finding.requirement_id == "SRV-NO-5XX" and "no HTTP answer" in str(finding.received)


@pytest.mark.parametrize(
    ("probe", "status", "error_type", "requirement_id"),
    [
        (Probe(intent="model", key="none"), 401, "authentication_error", "SRV-AUTH-MISSING"),
        (Probe(intent="model", key="wrong"), 401, "authentication_error", "SRV-AUTH-INVALID"),
        (
            Probe(intent="model", key="wrong", betas="documented"),
            401,
            "authentication_error",
            "SRV-AUTH-INVALID",
        ),
        (
            Probe(intent="model", key="valid", betas="unknown"),
            400,
            "invalid_request_error",
            "SRV-BETAS-UNKNOWN",
        ),
    ],
)
def test_each_kind_of_request_is_judged_by_its_own_requirement(
    probe: Probe, status: int, error_type: str, requirement_id: str
) -> None:
    assert judge_answer(exchange(status, error(status, error_type), probe=probe)) == []
    (finding,) = judge_answer(exchange(200, SEED_EXAMPLE, probe=probe))
    assert finding.requirement_id == requirement_id and finding.path == "status"


def test_a_request_without_anthropic_version_is_judged_by_srv_version_missing() -> None:
    sent = {"x-api-key": "k"}
    assert judge_answer(exchange(400, error(400, "invalid_request_error"), request_headers=sent)) == []
    assert ids(judge_answer(exchange(200, SEED_EXAMPLE, request_headers=sent))) == ["SRV-VERSION-MISSING"]


def test_the_contracts_credential_form_refused_is_srv_auth_schemes() -> None:
    assert ids(judge_answer(exchange(401, error(401, "authentication_error")))) == ["SRV-AUTH-SCHEMES"]
    bearer = {"anthropic-version": "2023-06-01", "authorization": "Bearer k"}  # not 2023-06-01's form
    assert judge_answer(exchange(401, error(401, "authentication_error"), request_headers=bearer)) != []


def test_a_right_status_without_an_envelope_is_srv_error_envelope_alone() -> None:
    probe = Probe(intent="nothing", key="valid")
    assert ids(judge_answer(exchange(404, {"detail": "Not Found"}, probe=probe))) == ["SRV-ERROR-ENVELOPE"]


@pytest.mark.parametrize(
    "body",
    [{"type": "error"}, {"type": "error", "error": {"type": "x"}}, {"error": {"type": "x", "message": "m"}}],
)
def test_a_broken_error_envelope_is_caught(body: Any) -> None:
    assert "SRV-ERROR-ENVELOPE" in ids(judge_answer(exchange(400, body, probe=Probe(key="valid"))))


def test_request_id_must_be_present_and_match_the_body() -> None:
    assert ids(judge_answer(exchange(200, SEED_EXAMPLE, headers={"content-type": "application/json"}))) == [
        "SRV-REQUEST-ID"
    ]
    mismatch = exchange(400, error(400, "invalid_request_error", "req_other"), probe=Probe(key="valid"))
    assert ids(judge_answer(mismatch)) == ["SRV-REQUEST-ID"]


def test_routing_probes_may_get_a_4xx_or_the_model_of_the_whole_segment_never_the_list() -> None:
    for target in ("/v1/models/%2E%2E", "/v1/models/claude-opus-4-6%2F..", "/v1/models/..%2Fmodels"):
        assert judge_answer(exchange(404, error(404, "not_found_error"), target=target)) == []
        page = {"data": [SEED_EXAMPLE], "has_more": False, "first_id": "x", "last_id": "x"}
        (finding,) = judge_answer(exchange(200, page, target=target))
        assert finding.requirement_id == "SRV-PATH-ENCODING" and "list page" in str(finding.received)


def test_the_rules_across_exchanges_compare_answers_of_one_state() -> None:
    def at(when: float, answer: Exchange) -> Exchange:
        return Exchange(
            answer.request, answer.response, answer.contract, answer.probe, at=when, where=f"t{when}"
        )

    first = at(1.0, exchange(200, SEED_EXAMPLE))
    again = at(2.0, exchange(200, {**SEED_EXAMPLE, "display_name": "Claude Opus 4.6 (2)"}))
    findings = judge(Transcript("server", "2023-06-01", [first, again])).findings
    assert [(f.requirement_id, f.path) for f in findings] == [("SRV-IDEMPOTENT", "$.display_name")]
    # A day apart, the same two answers are two states of the server: nothing to compare.
    later = at(86_400.0, again)
    assert judge(Transcript("server", "2023-06-01", [first, later])).findings == []


def test_a_failure_message_quotes_the_requirement_and_shows_path_values_and_reproduction() -> None:
    with pytest.raises(ConformanceFailure) as excinfo:
        assert_model_response(200, JSON, {**SEED_EXAMPLE, "type": "Model"})
    text = str(excinfo.value)
    assert "SRV-200-TYPE (MUST)" in text
    assert '`type` is exactly `"model"`' in text
    assert 'at $.type: expected "model", received "Model"' in text
    assert "reproduce: curl -sS -i --path-as-is -X GET" in text


def test_credentials_never_appear_in_a_reproduction_a_message_or_a_repr() -> None:
    secret = Secret("sk-ant-api03-abcdefghijklmnopqrstuvwxyz")
    value = secret.reveal()
    request = Request.make(
        "GET",
        "http://127.0.0.1:4010",
        "/v1/models/x",
        {"x-api-key": value, "authorization": f"Bearer {value}"},
    )
    echoed = Response.make(401, JSON, json.dumps(error(401, f"invalid key {value}")).encode())
    command = curl(request)
    assert value not in command and '"x-api-key: $ANTHROPIC_API_KEY"' in command
    assert '"authorization: Bearer $ANTHROPIC_API_KEY"' in command
    findings = judge_answer(Exchange(request, echoed, probe=Probe(intent="nothing", key="valid")))
    assert findings and all(
        value not in json.dumps(f.as_dict()) and value not in f.render() for f in findings
    )
    assert value not in repr(request) and value not in repr(secret) and value not in f"{secret}"


def test_validate_model_is_empty_for_a_conformant_body_and_lists_problems_otherwise() -> None:
    assert validate_model(SEED_EXAMPLE) == []
    assert validate_model(json.dumps(SEED_EXAMPLE)) == []
    assert ids(validate_model({**SEED_EXAMPLE, "type": "models"})) == ["SRV-200-TYPE"]
    assert ids(validate_model("not json")) == ["SRV-200-SCHEMA"]


def test_answers_of_different_statuses_are_different_problems() -> None:
    """Prism's bare 431 for a 10,000-character id was once grouped with its 405s and shown as a 405."""
    headers = {"content-type": "application/problem+json"}
    answers = [exchange(405, {"detail": "no"}, headers=headers, method=m) for m in ("POST", "PUT")]
    answers.append(exchange(431, b"", headers={}, target="/v1/models/" + "a" * 10_000))
    groups = group(
        [f for answer in answers for f in judge_answer(answer) if f.requirement_id == "SRV-REQUEST-ID"]
    )
    assert sorted((g.first.exchange.response.status, g.count) for g in groups if g.first.exchange) == [
        (405, 2),
        (431, 1),
    ]
