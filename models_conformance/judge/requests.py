"""The client requirements judged on each request a client sent, retries included.

One rule per requirement for both kinds of traffic. A request the client under test sent to the
scenario server carries ``asked`` (the id, betas and key it had been asked to use): it is held to
exactly that. A recorded request of someone else's client is held to what it shows: recorders
remove credentials and may leave headers or bodies out, so what a recording does not show is not
judged, and a placeholder where a credential was counts as sent. Requests the suite itself sent
(its user-agent) break client rules on purpose and are never judged as a client's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from ..cassettes.scan import KEY_PATTERNS
from ..contract import encode_segment
from ..exchange import SUITE_USER_AGENT, Asked, Exchange
from ..findings import MISSING, Finding
from ..placeholders import is_placeholder
from .facts import Facts
from .segments import MODEL_PREFIX, segment_problems

__all__ = ["CHECKS", "RequestCheck", "who"]

RequestCheck = Callable[[Exchange, Facts], "list[Finding] | None"]

_URL_CREDENTIAL = re.compile(r"(?i)^(?:x[-_])?(?:api[-_]?key|key|token|access[-_]?token|auth|authorization)$")
_BEARER = re.compile(r"(?i)^bearer(?:\s|$)")  # a recorder may have removed the token itself


def who(asked: Asked | None) -> str:
    """The request, in a finding's words: a retry says which attempt it was."""
    return (
        "the request" if asked is None or asked.attempt == 0 else f"the retry (attempt {asked.attempt + 1})"
    )


def _suites_own(exchange: Exchange) -> bool:
    agent = exchange.request.header("user-agent") or ""
    return exchange.source == "recording" and agent.startswith(SUITE_USER_AGENT)


def _finding(
    requirement_id: str, exchange: Exchange, message: str, path: str, expected: Any, received: Any
) -> list[Finding]:
    asked = exchange.asked
    return [
        Finding(
            requirement_id,
            message,
            path,
            expected,
            received,
            exchange,
            how_to_reproduce=(asked.replay or None) if asked is not None else None,
        )
    ]


def _path(exchange: Exchange, facts: Facts) -> list[Finding] | None:
    """CLI-PATH: ``GET .../v1/models/{id}``, the id as exactly one percent-encoded segment."""
    asked, request = exchange.asked, exchange.request
    if asked is None and (facts.resource != "model" or not facts.segment):
        return None  # a recorded list request, or an empty id (CLI-EMPTY-ID's)
    if asked is not None and not asked.model_id:
        return None  # a call with an empty id is CLI-EMPTY-ID's
    sent = urlsplit(request.target).path
    expected = MODEL_PREFIX + encode_segment(asked.model_id) if asked is not None else MISSING
    if request.method != "GET":
        return _finding(
            "CLI-PATH", exchange, f"{who(asked)} is not a GET", "request.method", "GET", request.method
        )
    if asked is not None and not sent.startswith(MODEL_PREFIX):
        return _finding(
            "CLI-PATH",
            exchange,
            f"{who(asked)} went to another path than the model's",
            "request.path",
            expected,
            sent,
        )
    segment = sent[len(MODEL_PREFIX) :] if asked is not None else facts.segment or ""
    problems = segment_problems(segment, asked.model_id if asked is not None else None)
    if not problems:
        return []
    return _finding(
        "CLI-PATH",
        exchange,
        f"{who(asked)} does not send the id as one percent-encoded segment: {'; '.join(problems)}",
        "request.path",
        expected if asked is not None else "one segment: `/ ? # % space` and non-ASCII encoded (UTF-8)",
        sent,
    )


def _empty_id(exchange: Exchange, facts: Facts) -> list[Finding] | None:
    """CLI-EMPTY-ID in a recording; a call with an empty id is judged as a whole (:mod:`.calls`)."""
    if exchange.asked is not None:
        return None
    if facts.segment:
        return []
    return _finding(
        "CLI-EMPTY-ID",
        exchange,
        "a request was sent for an empty model id",
        "request.path",
        "no request at all (an empty id is refused before sending)",
        urlsplit(exchange.request.target).path,
    )


def _version(exchange: Exchange, facts: Facts) -> list[Finding] | None:
    """CLI-VERSION: every request carries a non-empty ``anthropic-version``."""
    value = exchange.request.header("anthropic-version")
    if value and value.strip():
        return []
    return _finding(
        "CLI-VERSION",
        exchange,
        f"{who(exchange.asked)} has no anthropic-version header",
        "headers.anthropic-version",
        "a version such as 2023-06-01",
        value if value is not None else MISSING,
    )


def _key_in_url(exchange: Exchange) -> list[Finding]:
    target, asked = exchange.request.target, exchange.asked
    names = [
        name
        for name, value in parse_qsl(urlsplit(target).query, keep_blank_values=True)
        if _URL_CREDENTIAL.match(name) and value
    ]
    known = asked is not None and (asked.key in target or quote(asked.key, safe="") in target)
    if not names and not known and not any(pattern.search(target) for pattern in KEY_PATTERNS.values()):
        return []
    where = f"query parameter {names[0]!r}" if names else "the URL"
    return _finding(
        "CLI-AUTH",
        exchange,
        f"{who(asked)} carries a credential in the URL",
        "request.uri",
        "the key only in x-api-key or Authorization: Bearer",
        f"a credential in {where}",
    )


def _credential_header(exchange: Exchange) -> list[Finding] | None:
    """The key in ``x-api-key`` or ``Authorization: Bearer``; None when a recording shows no
    credential header at all (recorders remove them)."""
    request, asked = exchange.request, exchange.asked
    api_key, authorization = request.header("x-api-key"), request.header("authorization")
    scheme, _, token = (authorization or "").strip().partition(" ")
    if asked is not None:
        if api_key == asked.key or (scheme.lower() == "bearer" and token.strip() == asked.key):
            return []
        sent = [
            f"{name}: {value}" for name, value in request.headers if name in ("x-api-key", "authorization")
        ]
        return _finding(
            "CLI-AUTH",
            exchange,
            f"{who(asked)} does not send the configured key",
            "headers",
            f"x-api-key: {asked.key} or Authorization: Bearer {asked.key}",
            sent or "no credential header",
        )
    if api_key is None and authorization is None:
        return None
    if (api_key or "").strip():
        return []
    value = (authorization or "").strip()
    if value and (_BEARER.match(value) or is_placeholder(value)):
        return []
    if authorization is not None:
        return _finding(
            "CLI-AUTH",
            exchange,
            "the Authorization header does not use the Bearer scheme",
            "headers.authorization",
            "Bearer <key>",
            f"scheme {scheme or '(empty)'}",
        )
    return _finding(
        "CLI-AUTH", exchange, "the x-api-key header is empty", "headers.x-api-key", "the configured key", ""
    )


def _auth(exchange: Exchange, facts: Facts) -> list[Finding] | None:
    """CLI-AUTH: the key in a header (the configured one, when known), never in the URL."""
    in_url = _key_in_url(exchange)
    if facts.headers != "recorded":
        return in_url or None  # only the URL is shown
    in_header = _credential_header(exchange)
    if in_header is None:
        return in_url or None
    return in_url + in_header


def _betas(exchange: Exchange, facts: Facts) -> list[Finding] | None:
    """CLI-BETAS: one ``anthropic-beta`` header, values comma-separated in the given order.

    Whitespace around the commas is allowed (an HTTP list, RFC 9110 section 5.6.1).
    """
    values = exchange.request.header_values("anthropic-beta")
    asked = exchange.asked
    path = "headers.anthropic-beta"
    if asked is not None and asked.betas is None:
        if not values:
            return []
        return _finding(
            "CLI-BETAS",
            exchange,
            f"{who(asked)} sends anthropic-beta though no betas were given",
            path,
            MISSING,
            values if len(values) > 1 else values[0],
        )
    expected: Any = ",".join(asked.betas) if asked is not None and asked.betas is not None else MISSING
    if len(values) > 1:
        return _finding(
            "CLI-BETAS",
            exchange,
            f"{who(asked)} sends several anthropic-beta headers",
            path,
            expected if asked is not None else "one header, values joined with ','",
            values,
        )
    if not values:
        if asked is None:
            return []
        return _finding(
            "CLI-BETAS", exchange, f"{who(asked)} sends no anthropic-beta header", path, expected, MISSING
        )
    items = [item.strip() for item in values[0].split(",")]
    if asked is not None and asked.betas is not None:
        if items == list(asked.betas):
            return []
        problem = "other values or another order than the betas given"
        if sorted(items) == sorted(asked.betas):
            problem = "the betas in another order"
        return _finding("CLI-BETAS", exchange, f"{who(asked)} sends {problem}", path, expected, values[0])
    if all(items):
        return []
    return _finding(
        "CLI-BETAS",
        exchange,
        f"{who(asked)} sends an anthropic-beta header with an empty value",
        path,
        "non-empty values joined with ','",
        values[0],
    )


def _no_body(exchange: Exchange, facts: Facts) -> list[Finding] | None:
    """CLI-NO-BODY: the GET carries no body, nor headers that announce one."""
    request = exchange.request
    length = request.header("content-length") if facts.headers == "recorded" else None
    chunked = request.header("transfer-encoding") if facts.headers == "recorded" else None
    if not request.body and length in (None, "0") and chunked is None:
        return []
    shown = (
        request.body[:80].decode("utf-8", "replace")
        or f"content-length: {length}, transfer-encoding: {chunked}"
    )
    return _finding(
        "CLI-NO-BODY",
        exchange,
        f"{who(exchange.asked)} is a GET with a body",
        "request.body",
        "no body",
        shown,
    )


def _judged(check: RequestCheck) -> RequestCheck:
    def judged(exchange: Exchange, facts: Facts) -> list[Finding] | None:
        return None if _suites_own(exchange) else check(exchange, facts)

    judged.__doc__ = check.__doc__
    return judged


CHECKS: dict[str, RequestCheck] = {
    "CLI-PATH": _judged(_path),
    "CLI-EMPTY-ID": _judged(_empty_id),
    "CLI-VERSION": _judged(_version),
    "CLI-AUTH": _judged(_auth),
    "CLI-BETAS": _judged(_betas),
    "CLI-NO-BODY": _judged(_no_body),
}
