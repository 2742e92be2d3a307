"""The server rules one recorded response shows, judged with the live suite's own checks.

Each element of a list page's ``data`` is judged as the object a retrieve returns. An intermediary's
own page (an edge proxy's HTML 414, say) is not judged under the rules about the API's own answers.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from ..checks.server import (
    ERROR_TYPES,
    judge_content_type,
    judge_error_envelope,
    judge_model_body,
    judge_request_id,
    shows_content_type,
)
from ..exchange import NOT_JSON, Exchange, Response
from ..failures import Finding
from ..intermediary import intermediary
from .scan import is_placeholder

__all__ = ["BODY_REQUIREMENTS", "SERVER_REQUIREMENTS", "Judged", "judge_response"]

BODY_REQUIREMENTS = ("SRV-200-SCHEMA", "SRV-200-TYPE", "SRV-200-CREATED-AT")
SERVER_REQUIREMENTS = (
    *BODY_REQUIREMENTS,
    "SRV-LIFECYCLE",
    "SRV-200-CONTENT-TYPE",
    "SRV-404",
    "SRV-ERROR-ENVELOPE",
    "SRV-ERROR-STATUS-TYPE",
    "SRV-REQUEST-ID",
    "SRV-METHOD",
)
_OTHER_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

Judged = dict[str, list[Finding]]


def judge_response(exchange: Exchange, segment: str | None) -> Judged:
    """The server rules this recorded response shows; ``segment`` is the raw id (None: the list)."""
    response = exchange.response
    method = exchange.request.method
    judged: Judged = {}
    # An edge proxy's own page says nothing of the API's answers: the caller notes it instead.
    own = intermediary(response) is None
    if own:
        if shows_content_type(response.status):
            judged["SRV-200-CONTENT-TYPE"] = judge_content_type(exchange)
        judged["SRV-REQUEST-ID"] = _request_id(exchange)
    if own and response.status >= 400:
        findings = judge_error_envelope(exchange)
        judged["SRV-ERROR-ENVELOPE"] = [f for f in findings if f.requirement_id == "SRV-ERROR-ENVELOPE"]
        if response.status in ERROR_TYPES:
            judged["SRV-ERROR-STATUS-TYPE"] = [
                f for f in findings if f.requirement_id == "SRV-ERROR-STATUS-TYPE"
            ]
    retrieve = bool(segment)
    if (
        retrieve
        and method == "GET"
        and (response.status == 404 or _error_type(exchange) == "not_found_error")
    ):
        judged["SRV-404"] = _not_found(exchange)
        if judged["SRV-404"]:
            judged.pop("SRV-ERROR-STATUS-TYPE", None)  # the same fault, named by its most specific rule
    if retrieve and method in _OTHER_METHODS:
        judged["SRV-METHOD"] = _other_method(exchange)
    if method == "GET" and response.status == 200:
        ids = BODY_REQUIREMENTS + (("SRV-LIFECYCLE",) if exchange.contract == "2026-10-21" else ())
        findings = judge_model_body(exchange) if retrieve else _list_bodies(exchange)
        for requirement_id in ids:
            judged[requirement_id] = [f for f in findings if f.requirement_id == requirement_id]
    return judged


def _error_type(exchange: Exchange) -> Any:
    body = exchange.response.json
    error = body.get("error") if isinstance(body, dict) else None
    return error.get("type") if isinstance(error, dict) else None


def _request_id(exchange: Exchange) -> list[Finding]:
    findings = judge_request_id(exchange)
    if is_placeholder(exchange.response.header("request-id") or ""):
        # A recorder replaced the header's value: it still shows the header was sent, not its value.
        findings = [f for f in findings if f.path != "$.request_id"]
    return findings


def _not_found(exchange: Exchange) -> list[Finding]:
    status, error_type = exchange.response.status, _error_type(exchange)
    if status == 404 and error_type == "not_found_error":
        return []
    return [
        Finding(
            "SRV-404",
            f"a model that was not found got HTTP {status} with error.type {error_type!r}",
            path="status" if status != 404 else "$.error.type",
            expected="404 with error.type not_found_error",
            received=f"{status} with error.type {error_type!r}",
            exchange=exchange,
        )
    ]


def _other_method(exchange: Exchange) -> list[Finding]:
    status = exchange.response.status
    body = exchange.response.json
    if 400 <= status < 500 and isinstance(body, dict) and body.get("type") == "error":
        return []
    return [
        Finding(
            "SRV-METHOD",
            f"{exchange.request.method} on a model got HTTP {status}, not a 4xx error envelope",
            path="status",
            expected="a 4xx (405 preferred) with the error envelope",
            received=f"{status}: {exchange.response.body_excerpt(80)}",
            exchange=exchange,
        )
    ]


def _list_bodies(exchange: Exchange) -> list[Finding]:
    """Each element of a list page's ``data``, judged as the object a retrieve returns."""
    page = exchange.response.json
    if isinstance(page, NOT_JSON) or not isinstance(page, dict) or not isinstance(page.get("data"), list):
        reason = page.reason if isinstance(page, NOT_JSON) else "it has no `data` array"
        return [
            Finding(
                "SRV-200-SCHEMA",
                f"the 200 list body cannot be judged: {reason}",
                path="$.data",
                expected="a page {data: [BetaModelInfo...], has_more, first_id, last_id}",
                received=exchange.response.body_excerpt(),
                exchange=exchange,
            )
        ]
    findings = []
    for index, element in enumerate(page["data"]):
        body = json.dumps(element).encode()
        one = dataclasses.replace(exchange, response=Response(200, exchange.response.headers, body))
        for finding in judge_model_body(one):
            findings.append(
                dataclasses.replace(
                    finding,
                    message=f"data[{index}]: {finding.message}",
                    path=f"$.data[{index}]{finding.path[1:]}",
                    exchange=exchange,
                )
            )
    return findings
