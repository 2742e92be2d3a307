"""The server requirements judged on one exchange at a time, keyed by requirement ID.

Each check takes the exchange, its facts and what the whole transcript knows, and returns its
findings (an empty list: judged and passed) or None (the exchange shows nothing about it after all).
Which exchanges a check sees is the registry's ``judged_on``. This module has the requirements on
every answer (its body, its headers, its envelope); :mod:`.owners` those that say what status the
answer to a kind of request must have.
"""

from __future__ import annotations

from .. import schemas
from ..contract import ERROR_TYPES
from ..exchange import NOT_JSON, Exchange
from ..findings import MISSING, Finding
from ..placeholders import is_placeholder
from .answers import ENVELOPE, Check, Known, error_type, status_finding
from .bodies import BODY_REQUIREMENTS, json_path, judge_list_page, judge_model_body
from .facts import Facts
from .owners import OWNERS

__all__ = ["CHECKS", "Check", "Known"]


def _body(exchange: Exchange, facts: Facts, known: Known) -> list[Finding]:
    if facts.resource == "list" or facts.segment == "":
        # `/v1/models/` with no id is the list, to a server (a client should not have sent it).
        return judge_list_page(exchange)
    return judge_model_body(exchange)


def _content_type(exchange: Exchange, facts: Facts, known: Known) -> list[Finding]:
    value = exchange.response.header("content-type")
    if (value or "").split(";", 1)[0].strip().lower() == "application/json":
        return []
    return [
        Finding(
            "SRV-200-CONTENT-TYPE",
            "the answer's content-type is not application/json",
            "headers.content-type",
            "application/json",
            value if value is not None else MISSING,
            exchange,
        )
    ]


def _envelope(exchange: Exchange, facts: Facts, known: Known) -> list[Finding]:
    body = exchange.response.json
    status = exchange.response.status
    if isinstance(body, NOT_JSON):
        received = f"{body.reason}: {exchange.response.body_excerpt()}"
        return [
            Finding("SRV-ERROR-ENVELOPE", "the error body is not JSON", "$", ENVELOPE, received, exchange)
        ]
    return [
        Finding(
            "SRV-ERROR-ENVELOPE",
            f"the {status} body is not an error envelope",
            json_path(error.absolute_path),
            f"{error.validator}: {error.validator_value}",
            error.instance,
            exchange,
        )
        for error in schemas.error_envelope_errors(body)
    ]


def _status_type(exchange: Exchange, facts: Facts, known: Known) -> list[Finding] | None:
    status = exchange.response.status
    expected = ERROR_TYPES.get(status)
    if expected is None:
        return None
    received = error_type(exchange)
    if not isinstance(received, str) or received == expected:
        return []
    return [
        Finding(
            "SRV-ERROR-STATUS-TYPE",
            f"HTTP {status} carries another error.type than the errors table pairs with it",
            "$.error.type",
            expected,
            received,
            exchange,
        )
    ]


def _request_id(exchange: Exchange, facts: Facts, known: Known) -> list[Finding] | None:
    header = exchange.response.header("request-id")
    if not header or not header.strip():
        if exchange.source == "recording":
            return None  # recorders drop headers: an exception the registry states
        received = header if header is not None else MISSING
        return [
            Finding(
                "SRV-REQUEST-ID",
                "the answer has no non-empty request-id header",
                "headers.request-id",
                "a non-empty request id",
                received,
                exchange,
            )
        ]
    body = exchange.response.json
    in_body = body.get("request_id") if isinstance(body, dict) and exchange.response.status >= 400 else None
    if in_body is None or in_body == header or is_placeholder(header):
        return []
    return [
        Finding(
            "SRV-REQUEST-ID",
            "the error body's request_id differs from the request-id header",
            "$.request_id",
            header,
            in_body,
            exchange,
        )
    ]


def _no_5xx(exchange: Exchange, facts: Facts, known: Known) -> list[Finding]:
    status = exchange.response.status
    if 0 < status < 500:
        return []
    message = "the request got no HTTP answer" if status == 0 else f"the request got HTTP {status}"
    return status_finding("SRV-NO-5XX", message, "200 or a 4xx error envelope", exchange)


def _auth_schemes(exchange: Exchange, facts: Facts, known: Known) -> list[Finding]:
    if exchange.response.status not in (401, 403):
        return []
    return status_finding(
        "SRV-AUTH-SCHEMES", "the contract version's credential form is refused", "the key accepted", exchange
    )


CHECKS: dict[str, Check] = {
    **dict.fromkeys(BODY_REQUIREMENTS, _body),
    "SRV-200-CONTENT-TYPE": _content_type,
    "SRV-ERROR-ENVELOPE": _envelope,
    "SRV-ERROR-STATUS-TYPE": _status_type,
    "SRV-REQUEST-ID": _request_id,
    "SRV-NO-5XX": _no_5xx,
    "SRV-AUTH-SCHEMES": _auth_schemes,
    **OWNERS,
}
