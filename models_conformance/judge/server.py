"""The server requirements judged on one exchange at a time, keyed by requirement ID.

Each check takes the exchange, its facts and what the whole transcript knows, and returns its
findings (an empty list: judged and passed) or None (the exchange shows nothing about it after all).
Which exchanges a check sees is the registry's ``judged_on``; of the requirements that say what
status an answer must have, only the first in the registry's ``attribution`` judges an exchange.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import schemas
from ..contract import ERROR_TYPES
from ..exchange import NOT_JSON, Exchange
from ..findings import MISSING, Finding
from ..placeholders import is_placeholder
from .bodies import BODY_REQUIREMENTS, json_path, judge_list_page, judge_model_body
from .facts import Facts

__all__ = ["CHECKS", "Check", "Known"]


@dataclass(frozen=True)
class Known:
    """What the whole transcript shows that judging one exchange needs."""

    listed: frozenset[str] | None  # the ids the list pages name; None: no list page was seen
    answers_any_id: bool  # the target answers ids that name no model with some other model


Check = Callable[[Exchange, Facts, Known], "list[Finding] | None"]
_ENVELOPE = '{"type": "error", "error": {"type": ..., "message": ...}}'


def _error_type(exchange: Exchange) -> Any:
    body = exchange.response.json
    error = body.get("error") if isinstance(body, dict) else None
    return error.get("type", MISSING) if isinstance(error, dict) else MISSING


def _model_id(exchange: Exchange) -> str | None:
    """The ``id`` of a model object answered with 200 (not a list page), else None."""
    body = exchange.response.json
    if exchange.response.status != 200 or not isinstance(body, dict) or "data" in body:
        return None
    model_id = body.get("id")
    return model_id if isinstance(model_id, str) else None


def _status(requirement_id: str, message: str, expected: Any, exchange: Exchange) -> list[Finding]:
    return [Finding(requirement_id, message, "status", expected, exchange.response.describe(), exchange)]


def _expect_error(
    requirement_id: str, what: str, status: int, error_type: str
) -> Callable[[Exchange, Facts, Known], list[Finding]]:
    """An error of ``status`` whose ``error.type`` is ``error_type``, for requests of ``what`` kind.

    A body with no ``error.type`` string to read is SRV-ERROR-ENVELOPE's fault alone.
    """

    def check(exchange: Exchange, facts: Facts, known: Known) -> list[Finding]:
        if exchange.response.status != status:
            return _status(
                requirement_id, f"{what} got another answer than {status} {error_type}", status, exchange
            )
        received = _error_type(exchange)
        if isinstance(received, str) and received != error_type:
            return [
                Finding(
                    requirement_id,
                    f"{what} got {status} with another error.type than {error_type}",
                    "$.error.type",
                    error_type,
                    received,
                    exchange,
                )
            ]
        return []

    return check


def _body(exchange: Exchange, facts: Facts, known: Known) -> list[Finding]:
    if facts.resource == "list":
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
            Finding("SRV-ERROR-ENVELOPE", "the error body is not JSON", "$", _ENVELOPE, received, exchange)
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
    received = _error_type(exchange)
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
    return _status("SRV-NO-5XX", message, "200 or a 4xx error envelope", exchange)


def _auth_schemes(exchange: Exchange, facts: Facts, known: Known) -> list[Finding]:
    if exchange.response.status not in (401, 403):
        return []
    return _status(
        "SRV-AUTH-SCHEMES", "the contract version's credential form is refused", "the key accepted", exchange
    )


def _method(exchange: Exchange, facts: Facts, known: Known) -> list[Finding]:
    status = exchange.response.status
    if not 400 <= status < 500:
        return _status(
            "SRV-METHOD",
            "another method than GET on a model did not get a 4xx",
            "a 4xx (405 preferred) with the error envelope",
            exchange,
        )
    body = exchange.response.json
    if isinstance(body, dict) and body.get("type") == "error":
        return []
    return [
        Finding(
            "SRV-METHOD",
            "another method than GET on a model got a 4xx without the error envelope",
            "$",
            _ENVELOPE,
            exchange.response.body_excerpt(),
            exchange,
        )
    ]


def _long_id(exchange: Exchange, facts: Facts, known: Known) -> list[Finding]:
    if exchange.response.status in (404, 414):
        return []
    return _status(
        "SRV-LONG-ID",
        f"an id of {len(facts.model_id or ''):,} characters got neither 404 nor 414",
        "404 (no such model) or 414 (URI too long)",
        exchange,
    )


_UNKNOWN_ID = _expect_error("SRV-404", "an id that names no model", 404, "not_found_error")


def _not_found(exchange: Exchange, facts: Facts, known: Known) -> list[Finding] | None:
    if facts.id == "any":
        # A recording: judged where the answer says "not found", by status or by error.type.
        status, error_type = exchange.response.status, _error_type(exchange)
        if status != 404 and error_type != "not_found_error":
            return None
        if status == 404 and error_type == "not_found_error":
            return []
        return [
            Finding(
                "SRV-404",
                "an answer that says not found is not 404 with not_found_error",
                "status",
                "404 with error.type not_found_error",
                f"{status} with error.type {error_type!r}",
                exchange,
            )
        ]
    if exchange.response.status == 200:
        return [
            Finding(
                "SRV-404",
                "an id that names no model got 200",
                "$.id",
                "404 not_found_error",
                _model_id(exchange) or exchange.response.body_excerpt(80),
                exchange,
            )
        ]
    return _UNKNOWN_ID(exchange, facts, known)


def _a_model(requirement_id: str, what: str) -> Callable[[Exchange, Facts, Known], list[Finding]]:
    """200 with a model object, for requests of ``what`` kind."""

    def check(exchange: Exchange, facts: Facts, known: Known) -> list[Finding]:
        if exchange.response.status != 200:
            return _status(requirement_id, f"{what} did not get 200", "200 with the model", exchange)
        body = exchange.response.json
        if isinstance(body, dict) and "data" in body:
            return [
                Finding(
                    requirement_id,
                    f"{what} got a list page, not a model",
                    "$",
                    "the model object",
                    "a list page (has `data`)",
                    exchange,
                )
            ]
        return []  # a body that is no model object is SRV-200-SCHEMA's

    return check


_EQUIVALENT = _a_model("SRV-PATH-ENCODING", "a listed id, percent-encoded another equivalent way,")


def _path_encoding(exchange: Exchange, facts: Facts, known: Known) -> list[Finding]:
    if facts.id != "routing":
        return _EQUIVALENT(exchange, facts, known)
    status = exchange.response.status
    answered = _model_id(exchange)
    if 400 <= status < 500 or answered == facts.model_id or (answered is not None and known.answers_any_id):
        return []
    what = "an id with `/` or a dot segment reached another resource"
    if status != 200:
        return _status(
            "SRV-PATH-ENCODING", what, "a 4xx, or the model named by the whole decoded segment", exchange
        )
    body = exchange.response.json
    received: Any = answered if answered is not None else exchange.response.body_excerpt(80)
    if isinstance(body, dict) and "data" in body:
        received = "a list page (has `data`)"
    return [
        Finding(
            "SRV-PATH-ENCODING",
            what,
            "$",
            "a 4xx, or the model named by the whole decoded segment",
            received,
            exchange,
        )
    ]


def _alias(exchange: Exchange, facts: Facts, known: Known) -> list[Finding]:
    status = exchange.response.status
    if facts.id == "maybe-alias" and status == 404:
        return []  # the guess named no alias: its error type is SRV-ERROR-STATUS-TYPE's to judge
    if status != 200:
        expected = "200 with a concrete model" + (", or 404" if facts.id == "maybe-alias" else "")
        return _status("SRV-ALIAS", "an alias did not resolve", expected, exchange)
    answered = _model_id(exchange)
    # An answer naming the alias itself did not resolve it, unless the list shows that id is a model.
    # Another id is judged by the rules across exchanges: retrieving it must give itself, and the same
    # object (lists leave retired models out, so "not listed" does not mean "not concrete").
    if answered != facts.model_id or (known.listed is not None and answered in known.listed):
        return []
    return [
        Finding(
            "SRV-ALIAS",
            "an alias answered with its own name, not the id of a concrete model",
            "$.id",
            "the id of the model the alias names",
            answered,
            exchange,
        )
    ]


def _roundtrip(exchange: Exchange, facts: Facts, known: Known) -> list[Finding]:
    found = _a_model("SRV-ID-ROUNDTRIP", "a listed model's own id")(exchange, facts, known)
    answered = _model_id(exchange)
    if found or answered is None or answered == facts.model_id:
        return found
    return [
        Finding(
            "SRV-ID-ROUNDTRIP",
            "a model retrieved by its own id reports another id",
            "$.id",
            facts.model_id,
            answered,
            exchange,
        )
    ]


CHECKS: dict[str, Check] = {
    **dict.fromkeys(BODY_REQUIREMENTS, _body),
    "SRV-200-CONTENT-TYPE": _content_type,
    "SRV-ERROR-ENVELOPE": _envelope,
    "SRV-ERROR-STATUS-TYPE": _status_type,
    "SRV-REQUEST-ID": _request_id,
    "SRV-NO-5XX": _no_5xx,
    "SRV-AUTH-SCHEMES": _auth_schemes,
    "SRV-METHOD": _method,
    "SRV-AUTH-MISSING": _expect_error(
        "SRV-AUTH-MISSING", "a request without credentials", 401, "authentication_error"
    ),
    "SRV-AUTH-INVALID": _expect_error(
        "SRV-AUTH-INVALID", "a request with a wrong key", 401, "authentication_error"
    ),
    "SRV-VERSION-MISSING": _expect_error(
        "SRV-VERSION-MISSING", "a request without anthropic-version", 400, "invalid_request_error"
    ),
    "SRV-BETAS-UNKNOWN": _expect_error(
        "SRV-BETAS-UNKNOWN", "a request with an unknown beta", 400, "invalid_request_error"
    ),
    "SRV-LONG-ID": _long_id,
    "SRV-PATH-ENCODING": _path_encoding,
    "SRV-404": _not_found,
    "SRV-BETAS-KNOWN": _a_model("SRV-BETAS-KNOWN", "a model asked for with documented betas"),
    "SRV-ALIAS": _alias,
    "SRV-ID-ROUNDTRIP": _roundtrip,
}
