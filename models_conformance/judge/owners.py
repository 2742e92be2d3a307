"""The requirements that say what status an answer must have, for the kind of request it answers.

Of those that apply to one exchange, only the first in the registry's ``attribution`` judges it (an
answer cannot be held to two expectations at once): a request with a wrong key is SRV-AUTH-INVALID's
whatever id it asked for. Each judges the status its statement names and, where the statement names
one, the ``error.type``; a body with no ``error.type`` to read is SRV-ERROR-ENVELOPE's alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..exchange import Exchange
from ..findings import Finding
from .answers import ENVELOPE, Check, Known, answered_id, error_type, status_finding
from .facts import Facts

__all__ = ["OWNERS"]

Owner = Callable[[Exchange, Facts, Known], list[Finding]]


def _expect_error(
    requirement_id: str, what: str, status: int, expected_type: str
) -> Callable[[Exchange, Facts, Known], list[Finding]]:
    """An error of ``status`` whose ``error.type`` is ``expected_type``, for requests of ``what`` kind.

    A body with no ``error.type`` string to read is SRV-ERROR-ENVELOPE's fault alone.
    """

    def check(exchange: Exchange, facts: Facts, known: Known) -> list[Finding]:
        if exchange.response.status != status:
            return status_finding(
                requirement_id, f"{what} got another answer than {status} {expected_type}", status, exchange
            )
        received = error_type(exchange)
        if isinstance(received, str) and received != expected_type:
            return [
                Finding(
                    requirement_id,
                    f"{what} got {status} with another error.type than {expected_type}",
                    "$.error.type",
                    expected_type,
                    received,
                    exchange,
                )
            ]
        return []

    return check


def _method(exchange: Exchange, facts: Facts, known: Known) -> list[Finding]:
    status = exchange.response.status
    if not 400 <= status < 500:
        return status_finding(
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
            ENVELOPE,
            exchange.response.body_excerpt(),
            exchange,
        )
    ]


def _long_id(exchange: Exchange, facts: Facts, known: Known) -> list[Finding]:
    if exchange.response.status in (404, 414):
        return []
    return status_finding(
        "SRV-LONG-ID",
        f"an id of {len(facts.model_id or ''):,} characters got neither 404 nor 414",
        "404 (no such model) or 414 (URI too long)",
        exchange,
    )


_UNKNOWN_ID = _expect_error("SRV-404", "an id that names no model", 404, "not_found_error")


def _not_found(exchange: Exchange, facts: Facts, known: Known) -> list[Finding] | None:
    if facts.id == "any":
        # A recording: judged where the answer says "not found", by status or by error.type.
        status, received = exchange.response.status, error_type(exchange)
        if status != 404 and received != "not_found_error":
            return None
        if status == 404 and received == "not_found_error":
            return []
        # The status said not found, or the type did: the other one is what is wrong, and where.
        wrong_type = status == 404
        return [
            Finding(
                "SRV-404",
                "an answer that says not found is not 404 with not_found_error",
                "$.error.type" if wrong_type else "status",
                "not_found_error" if wrong_type else 404,
                received if wrong_type else exchange.response.describe(),
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
                answered_id(exchange) or exchange.response.body_excerpt(80),
                exchange,
            )
        ]
    return _UNKNOWN_ID(exchange, facts, known)


def _a_model(requirement_id: str, what: str) -> Callable[[Exchange, Facts, Known], list[Finding]]:
    """200 with a model object, for requests of ``what`` kind."""

    def check(exchange: Exchange, facts: Facts, known: Known) -> list[Finding]:
        if exchange.response.status != 200:
            return status_finding(requirement_id, f"{what} did not get 200", "200 with the model", exchange)
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
    answered = answered_id(exchange)
    if 400 <= status < 500 or answered == facts.model_id or (answered is not None and known.answers_any_id):
        return []
    what = "an id with `/` or a dot segment reached another resource"
    if status != 200:
        return status_finding(
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
        return status_finding("SRV-ALIAS", "an alias did not resolve", expected, exchange)
    answered = answered_id(exchange)
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
    answered = answered_id(exchange)
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


OWNERS: dict[str, Check] = {
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
