"""Each judgement catches its own violation, names the right requirement, and passes a conformant exchange."""

from __future__ import annotations

import json
from typing import Any

import pytest

from models_conformance import SEED_EXAMPLE, ConformanceFailure, assert_model_response, validate_model
from models_conformance.checks import (
    check_error,
    judge_content_type,
    judge_error_envelope,
    judge_exchange,
    judge_model_body,
    judge_request_id,
)
from models_conformance.exchange import Exchange, Request, Response, curl, register_secret
from models_conformance.failures import Blocked

JSON = {"content-type": "application/json", "request-id": "req_0123456789abcdef"}
LATER = {**SEED_EXAMPLE, "lifecycle": "active", "line": "opus", "deprecated_at": None, "retires_at": None}


def exchange(
    status: int, body: Any, headers: dict[str, str] | None = None, contract: str = "2023-06-01"
) -> Exchange:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = Request.make(
        "GET", "http://127.0.0.1:4010", "/v1/models/claude-opus-4-6", {"anthropic-version": contract}
    )
    return Exchange(
        request, Response.make(status, JSON if headers is None else headers, raw), contract=contract
    )


def ids(findings: list[Any]) -> list[str]:
    return [f.requirement_id for f in findings]


def error(status: int, error_type: str, request_id: str | None = "req_0123456789abcdef") -> dict[str, Any]:
    body: dict[str, Any] = {"type": "error", "error": {"type": error_type, "message": "m"}}
    if request_id is not None:
        body["request_id"] = request_id
    return body


def test_the_seed_example_response_conforms() -> None:
    assert judge_exchange(exchange(200, SEED_EXAMPLE), model_body=True) == []


def test_extra_fields_are_allowed() -> None:
    body = {**SEED_EXAMPLE, "max_tokens": 128000, "capabilities": {"batch": {"supported": True}}, "new": [1]}
    assert judge_model_body(exchange(200, body)) == []


@pytest.mark.parametrize(
    ("body", "requirement_id", "path"),
    [
        ({**SEED_EXAMPLE, "type": "Model"}, "SRV-200-TYPE", "$.type"),
        ({k: v for k, v in SEED_EXAMPLE.items() if k != "type"}, "SRV-200-TYPE", "$.type"),
        ({**SEED_EXAMPLE, "created_at": "2026-02-04"}, "SRV-200-CREATED-AT", "$.created_at"),
        ({**SEED_EXAMPLE, "created_at": "2026-02-04T00:00:00"}, "SRV-200-CREATED-AT", "$.created_at"),
        ({**SEED_EXAMPLE, "created_at": 1770163200}, "SRV-200-CREATED-AT", "$.created_at"),
        ({k: v for k, v in SEED_EXAMPLE.items() if k != "display_name"}, "SRV-200-SCHEMA", "$.display_name"),
        ({**SEED_EXAMPLE, "id": 7}, "SRV-200-SCHEMA", "$.id"),
        ({**SEED_EXAMPLE, "max_tokens": "many"}, "SRV-200-SCHEMA", "$.max_tokens"),
        ([SEED_EXAMPLE], "SRV-200-SCHEMA", "$"),
    ],
)
def test_a_broken_model_body_is_caught_under_its_own_requirement(
    body: Any, requirement_id: str, path: str
) -> None:
    findings = judge_model_body(exchange(200, body))
    assert ids(findings) == [requirement_id]
    assert findings[0].path == path


@pytest.mark.parametrize("raw", [b"", b"<html>oops</html>", b'{"id": "claude-opus-4-6", "crea', b"\xff\xfe"])
def test_a_200_that_is_not_json_is_a_schema_failure_that_says_so(raw: bytes) -> None:
    findings = judge_model_body(exchange(200, raw))
    assert ids(findings) == ["SRV-200-SCHEMA"]
    assert "not a JSON document" in findings[0].message


def test_lifecycle_is_judged_under_the_later_contract_only() -> None:
    assert judge_model_body(exchange(200, LATER, contract="2026-10-21")) == []
    missing = judge_model_body(exchange(200, SEED_EXAMPLE, contract="2026-10-21"))
    assert ids(missing) == ["SRV-LIFECYCLE"]
    wrong = judge_model_body(exchange(200, {**LATER, "lifecycle": "Active"}, contract="2026-10-21"))
    assert ids(wrong) == ["SRV-LIFECYCLE"]
    bad_date = judge_model_body(exchange(200, {**LATER, "retires_at": "soon"}, contract="2026-10-21"))
    assert ids(bad_date) == ["SRV-LIFECYCLE"]
    assert judge_model_body(exchange(200, SEED_EXAMPLE, contract="2023-06-01")) == []


@pytest.mark.parametrize("value", ["application/json", "application/json; charset=utf-8", "Application/JSON"])
def test_json_content_types_with_parameters_pass(value: str) -> None:
    assert judge_content_type(exchange(200, SEED_EXAMPLE, {"content-type": value})) == []


@pytest.mark.parametrize("headers", [{"content-type": "text/html"}, {}])
def test_a_wrong_or_missing_content_type_is_caught(headers: dict[str, str]) -> None:
    assert ids(judge_content_type(exchange(200, SEED_EXAMPLE, headers))) == ["SRV-200-CONTENT-TYPE"]


def test_a_conformant_error_envelope_passes() -> None:
    assert judge_error_envelope(exchange(404, error(404, "not_found_error"))) == []
    assert judge_error_envelope(exchange(404, error(404, "not_found_error", request_id=None))) == []


@pytest.mark.parametrize(
    "body",
    [
        {"error": {"type": "not_found_error", "message": "m"}},
        {"type": "error", "error": {"type": "not_found_error"}},
        {"type": "error", "error": "not found"},
        {"type": "error", "error": {"type": "not_found_error", "message": "m"}, "request_id": 5},
        b"<html>Not Found</html>",
    ],
)
def test_a_broken_error_envelope_is_caught(body: Any) -> None:
    assert "SRV-ERROR-ENVELOPE" in ids(judge_error_envelope(exchange(404, body)))


def test_an_error_type_that_disagrees_with_the_status_is_caught() -> None:
    findings = judge_error_envelope(exchange(404, error(404, "invalid_request_error")))
    assert ids(findings) == ["SRV-ERROR-STATUS-TYPE"]
    assert findings[0].expected == "not_found_error"


def test_statuses_outside_the_errors_table_are_not_judged_for_type() -> None:
    assert judge_error_envelope(exchange(405, error(405, "method_not_allowed"))) == []


def test_request_id_must_be_present_and_match_the_body() -> None:
    assert ids(judge_request_id(exchange(200, SEED_EXAMPLE, {"content-type": "application/json"}))) == [
        "SRV-REQUEST-ID"
    ]
    mismatch = exchange(404, error(404, "not_found_error", request_id="req_other"))
    assert ids(judge_request_id(mismatch)) == ["SRV-REQUEST-ID"]
    assert judge_request_id(exchange(404, error(404, "not_found_error"))) == []


def test_a_5xx_is_caught() -> None:
    assert "SRV-NO-5XX" in ids(judge_exchange(exchange(500, error(500, "api_error"))))


def test_check_error_names_the_asking_requirement() -> None:
    with pytest.raises(ConformanceFailure) as excinfo:
        check_error(exchange(200, SEED_EXAMPLE), "SRV-404", 404, "not_found_error")
    assert excinfo.value.requirement_id == "SRV-404"
    check_error(exchange(404, error(404, "not_found_error")), "SRV-404", 404, "not_found_error")


def test_a_right_status_without_an_error_envelope_is_left_to_srv_error_envelope() -> None:
    # Seen on LiteLLM's FastAPI answers: a 404 {"detail": ...} is one fault, the envelope's.
    detail = exchange(404, {"detail": "Not Found"})
    with pytest.raises(Blocked, match="SRV-ERROR-ENVELOPE"):
        check_error(detail, "SRV-404", 404, "not_found_error")
    assert set(ids(judge_exchange(detail))) == {"SRV-ERROR-ENVELOPE"}
    with pytest.raises(ConformanceFailure, match=r"got HTTP 400: .*detail"):
        check_error(exchange(400, {"detail": "no key"}), "SRV-AUTH-MISSING", 401, "authentication_error")


def test_a_failure_message_quotes_the_requirement_and_shows_path_values_and_reproduction() -> None:
    with pytest.raises(ConformanceFailure) as excinfo:
        assert_model_response(200, JSON, {**SEED_EXAMPLE, "type": "Model"})
    text = str(excinfo.value)
    assert "SRV-200-TYPE (MUST)" in text
    assert '`type` is exactly `"model"`' in text
    assert 'at $.type: expected "model", received "Model"' in text
    assert "reproduce: curl -sS -i --path-as-is -X GET" in text


def test_credentials_never_appear_in_a_reproduction_or_message() -> None:
    secret = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz"
    register_secret(secret)
    request = Request.make(
        "GET",
        "http://127.0.0.1:4010",
        "/v1/models/x",
        {"x-api-key": secret, "authorization": f"Bearer {secret}"},
    )
    echoed = Response.make(401, JSON, json.dumps(error(401, f"invalid key {secret}")).encode())
    command = curl(request)
    assert secret not in command
    assert '"x-api-key: $ANTHROPIC_API_KEY"' in command
    assert '"authorization: Bearer $ANTHROPIC_API_KEY"' in command
    findings = judge_exchange(Exchange(request, echoed))
    with pytest.raises(ConformanceFailure) as excinfo:
        check_error(Exchange(request, echoed), "SRV-404", 404, "not_found_error")
    assert secret not in str(excinfo.value)
    assert all(secret not in json.dumps(f.as_dict()) for f in findings)


def test_validate_model_is_empty_for_a_conformant_body_and_lists_problems_otherwise() -> None:
    assert validate_model(SEED_EXAMPLE) == []
    assert validate_model(json.dumps(SEED_EXAMPLE)) == []
    assert ids(validate_model({**SEED_EXAMPLE, "type": "models"})) == ["SRV-200-TYPE"]
