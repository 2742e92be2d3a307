"""Judgements of one server response against the contract.

Each finding is attributed to the most specific requirement it breaks (a wrong ``type`` is
SRV-200-TYPE, not also SRV-200-SCHEMA), so that one fault in a server shows up as one failed
requirement.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .. import schemas
from ..exchange import NOT_JSON, Exchange
from ..failures import MISSING, Blocked, ConformanceFailure, Finding

__all__ = [
    "ERROR_TYPES",
    "check_error",
    "check_model",
    "judge_content_type",
    "judge_error_envelope",
    "judge_exchange",
    "judge_model_body",
    "judge_no_5xx",
    "judge_request_id",
    "raise_findings",
    "shows_content_type",
]

# HTTP status -> error.type, from the API's errors table. Statuses not listed are not judged here:
# the table says 400's type "is also used for other 4xx", which is a habit, not a rule to enforce.
ERROR_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}

# Fields whose problems belong to a more specific requirement than SRV-200-SCHEMA.
_FIELD_REQUIREMENT = {"type": "SRV-200-TYPE", "created_at": "SRV-200-CREATED-AT"}
_LIFECYCLE_FIELDS = frozenset({"lifecycle", "deprecated_at", "retires_at"})


def _json_path(parts: Iterable[Any]) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _field_requirement(field: Any, contract: str) -> str:
    if contract == "2026-10-21" and field in _LIFECYCLE_FIELDS:
        return "SRV-LIFECYCLE"
    return _FIELD_REQUIREMENT.get(field, "SRV-200-SCHEMA")


def judge_model_body(exchange: Exchange) -> list[Finding]:
    """A 200 body of GET /v1/models/{model_id}: BetaModelInfo of the exchange's contract version."""
    body = exchange.response.json
    contract = exchange.contract
    if isinstance(body, NOT_JSON):
        return [
            Finding(
                "SRV-200-SCHEMA",
                f"the 200 body is not a JSON document: {body.reason}",
                expected="a JSON object (BetaModelInfo)",
                received=exchange.response.body_excerpt(),
                exchange=exchange,
            )
        ]
    if not isinstance(body, dict):
        return [
            Finding(
                "SRV-200-SCHEMA",
                "the 200 body is not a JSON object",
                expected="a JSON object (BetaModelInfo)",
                received=body,
                exchange=exchange,
            )
        ]
    findings: list[Finding] = []
    for error in schemas.model_errors(body, contract):
        if error.validator == "required":
            # One finding per missing property, attributed to the property's own requirement.
            for name in error.validator_value:  # type: ignore[union-attr,unused-ignore]
                if name not in body:
                    findings.append(
                        Finding(
                            _field_requirement(name, contract),
                            f"required property {name!r} is missing (BetaModelInfo, contract {contract})",
                            path=_json_path([name]),
                            expected=f"a value for {name!r}",
                            received=MISSING,
                            exchange=exchange,
                        )
                    )
            continue
        path = list(error.absolute_path)
        requirement_id = _field_requirement(path[0], contract) if path else "SRV-200-SCHEMA"
        findings.append(
            Finding(
                requirement_id,
                f"{error.message} (schema rule {_json_path(error.absolute_schema_path)}, "
                f"contract {contract})",
                path=_json_path(path),
                expected=_describe_rule(error.validator, error.validator_value),
                received=error.instance,
                exchange=exchange,
            )
        )
    return _dedupe(findings)


def _describe_rule(keyword: Any, value: Any) -> Any:
    if keyword == "const":
        return value
    if keyword == "format":
        return f"a string in {value} format (RFC 3339, with a time-zone offset)"
    if keyword == "type":
        return f"a value of JSON type {value}"
    return f"{keyword}: {value}"


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str]] = set()
    unique = []
    for finding in findings:
        key = (finding.requirement_id, finding.path)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def judge_content_type(exchange: Exchange) -> list[Finding]:
    """SRV-200-CONTENT-TYPE: every JSON response (a 200 or an error) is ``application/json``.

    Parameters such as charset are allowed. A redirect, a 204 or a 304 is no JSON response: it has
    no content type to judge.
    """
    if exchange.request.method == "HEAD" or not shows_content_type(exchange.response.status):
        return []
    value = exchange.response.header("content-type")
    media_type = (value or "").split(";", 1)[0].strip().lower()
    if media_type == "application/json":
        return []
    return [
        Finding(
            "SRV-200-CONTENT-TYPE",
            "the response's content-type is not application/json",
            path="headers.content-type",
            expected="application/json",
            received=value if value is not None else MISSING,
            exchange=exchange,
        )
    ]


def shows_content_type(status: int) -> bool:
    """Whether an answer of ``status`` is one SRV-200-CONTENT-TYPE speaks of: a 200 or an error."""
    return status == 200 or status >= 400


def judge_no_5xx(exchange: Exchange) -> list[Finding]:
    """SRV-NO-5XX: the server never answers a request for a model with a 5xx."""
    status = exchange.response.status
    if status < 500:
        return []
    return [
        Finding(
            "SRV-NO-5XX",
            f"the server answered {status}",
            path="status",
            expected="200 or a 4xx error envelope",
            received=status,
            exchange=exchange,
        )
    ]


def judge_error_envelope(exchange: Exchange) -> list[Finding]:
    """SRV-ERROR-ENVELOPE and SRV-ERROR-STATUS-TYPE for a 4xx or 5xx response."""
    status = exchange.response.status
    if status < 400 or exchange.request.method == "HEAD":
        return []
    body = exchange.response.json
    if isinstance(body, NOT_JSON):
        return [
            Finding(
                "SRV-ERROR-ENVELOPE",
                f"the {status} body is not a JSON document: {body.reason}",
                expected='{"type": "error", "error": {"type": ..., "message": ...}}',
                received=exchange.response.body_excerpt(),
                exchange=exchange,
            )
        ]
    findings = [
        Finding(
            "SRV-ERROR-ENVELOPE",
            f"the {status} body is not an error envelope: {error.message}",
            path=_json_path(error.absolute_path),
            expected=_describe_rule(error.validator, error.validator_value),
            received=error.instance,
            exchange=exchange,
        )
        for error in schemas.error_envelope_errors(body)
    ]
    expected_type = ERROR_TYPES.get(status)
    error_object = body.get("error") if isinstance(body, dict) else None
    received_type = error_object.get("type", MISSING) if isinstance(error_object, dict) else MISSING
    if expected_type is not None and isinstance(received_type, str) and received_type != expected_type:
        findings.append(
            Finding(
                "SRV-ERROR-STATUS-TYPE",
                f"HTTP {status} carries error.type {received_type!r}; the errors table pairs {status} "
                f"with {expected_type!r}",
                path="$.error.type",
                expected=expected_type,
                received=received_type,
                exchange=exchange,
            )
        )
    return findings


def judge_request_id(exchange: Exchange) -> list[Finding]:
    """SRV-REQUEST-ID: a non-empty ``request-id`` header, equal to an error body's ``request_id``."""
    header = exchange.response.header("request-id")
    if not header or not header.strip():
        return [
            Finding(
                "SRV-REQUEST-ID",
                "the response has no non-empty request-id header",
                path="headers.request-id",
                expected="a non-empty request id",
                received=header if header is not None else MISSING,
                exchange=exchange,
            )
        ]
    body = exchange.response.json
    if exchange.response.status >= 400 and isinstance(body, dict):
        in_body = body.get("request_id", MISSING)
        if in_body is not MISSING and in_body is not None and in_body != header:
            return [
                Finding(
                    "SRV-REQUEST-ID",
                    "the error body's request_id differs from the request-id header",
                    path="$.request_id",
                    expected=header,
                    received=in_body,
                    exchange=exchange,
                )
            ]
    return []


def judge_exchange(exchange: Exchange, *, model_body: bool = False) -> list[Finding]:
    """Every judgement that applies to any response; ``model_body`` adds the 200 BetaModelInfo checks."""
    findings = judge_content_type(exchange) + judge_no_5xx(exchange)
    findings += judge_error_envelope(exchange) + judge_request_id(exchange)
    if model_body and exchange.response.status == 200:
        findings += judge_model_body(exchange)
    return findings


def raise_findings(findings: list[Finding], requirement_id: str | None = None) -> None:
    """Raise the findings (only those of ``requirement_id`` when given) as one ConformanceFailure."""
    __tracebackhide__ = True
    selected = [f for f in findings if requirement_id is None or f.requirement_id == requirement_id]
    if not selected:
        return
    # The same problem seen in many exchanges is shown once; distinct problems up to three.
    distinct: dict[tuple[str, str, str], Finding] = {}
    for finding in selected:
        distinct.setdefault((finding.requirement_id, finding.path, finding.message), finding)
    shown = list(distinct.values())[:3]
    raise ConformanceFailure(shown, more=len(selected) - len(shown))


def check_model(exchange: Exchange, requirement_id: str) -> dict[str, Any]:
    """Assert ``exchange`` answered 200 with a JSON object; return it.

    A wrong status is a violation of ``requirement_id`` (the check that asked). A 200 body that is
    not an object cannot be judged further: :class:`Blocked` says so, and its own violation is
    reported under SRV-200-SCHEMA by :func:`judge_model_body`.
    """
    __tracebackhide__ = True
    if exchange.response.status != 200:
        raise ConformanceFailure(
            Finding(
                requirement_id,
                f"expected 200 with a model, got HTTP {exchange.response.status}",
                path="status",
                expected=200,
                received=exchange.response.status,
                exchange=exchange,
            )
        )
    body = exchange.response.json
    if not isinstance(body, dict) or not isinstance(body.get("id"), str):
        raise Blocked(
            f"{requirement_id} cannot be judged: the 200 body has no string `id` (see SRV-200-SCHEMA)"
        )
    return body


def check_error(exchange: Exchange, requirement_id: str, status: int, error_type: str) -> None:
    """Assert ``exchange`` is an error of ``status`` whose ``error.type`` is ``error_type``."""
    __tracebackhide__ = True
    response = exchange.response
    body = response.json
    error_object = body.get("error") if isinstance(body, dict) else None
    received_type = error_object.get("type", MISSING) if isinstance(error_object, dict) else MISSING
    if response.status != status:
        raise ConformanceFailure(
            Finding(
                requirement_id,
                f"expected HTTP {status} {error_type}, got HTTP {response.status}: "
                f"{response.body_excerpt(120)}",
                path="status",
                expected=status,
                received=response.status,
                exchange=exchange,
            )
        )
    if not isinstance(received_type, str):
        # No error.type string to read: that fault is SRV-ERROR-ENVELOPE's, named once there.
        raise Blocked(
            f"{requirement_id} cannot be judged: the {status} body has no error.type string "
            "(see SRV-ERROR-ENVELOPE)"
        )
    if received_type != error_type:
        raise ConformanceFailure(
            Finding(
                requirement_id,
                f"HTTP {status} arrived, but not with error.type {error_type!r}",
                path="$.error.type",
                expected=error_type,
                received=received_type,
                exchange=exchange,
            )
        )
