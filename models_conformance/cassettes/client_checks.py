"""Client requirements one recorded request can show: CLI-PATH, CLI-EMPTY-ID, CLI-VERSION, CLI-AUTH,
CLI-BETAS and CLI-NO-BODY.

A recording shows only what its recorder kept. Recorders remove credentials (CAS-NO-SECRETS asks them
to), so a request with no credential header says nothing about CLI-AUTH; one whose headers were not
recorded at all (R vcr often) says nothing about the header rules. A credential header whose whole
value is a placeholder (``authorization: REDACTED``) shows that a credential was sent in a header,
and nothing about its scheme: only a value that is not a placeholder is held to ``Bearer``.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from ..exchange import Exchange
from ..failures import MISSING, Finding
from ..target import USER_AGENT
from .formats import Interaction
from .placeholders import is_placeholder
from .scan import KEY_PATTERNS

__all__ = ["CLIENT_REQUIREMENTS", "judge_request"]

CLIENT_REQUIREMENTS = ("CLI-PATH", "CLI-EMPTY-ID", "CLI-VERSION", "CLI-AUTH", "CLI-BETAS", "CLI-NO-BODY")
_HEADER_RULES = ("CLI-VERSION", "CLI-AUTH", "CLI-BETAS")

# RFC 3986 pchar: unreserved, sub-delims, ":" and "@", or a percent-encoded octet.
_PCHAR_SEGMENT = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+$")
_URL_CREDENTIAL = re.compile(r"(?i)^(?:x[-_])?(?:api[-_]?key|key|token|access[-_]?token|auth|authorization)$")
_BEARER = re.compile(r"(?i)^bearer(?:\s|$)")  # the token may have been removed by the recorder

Judged = dict[str, list[Finding]]


def judge_request(interaction: Interaction, segment: str | None) -> tuple[Judged, dict[str, str]]:
    """The client rules this recorded request shows (findings per requirement; empty: passed) and,
    for the rules it cannot show, why not. ``segment`` is the raw model-id segment (None for a list).
    """
    exchange = interaction.exchange
    request = exchange.request
    if (request.header("user-agent") or "").startswith(USER_AGENT):
        reason = "sent by models-api-conformance's server suite, whose probes break client rules on purpose"
        return {}, dict.fromkeys(CLIENT_REQUIREMENTS, reason)
    judged: Judged = {}
    skipped: dict[str, str] = {}
    if segment is not None:
        judged["CLI-EMPTY-ID"] = _empty_id(exchange, segment)
        if segment:
            judged["CLI-PATH"] = _path(exchange, segment)
    judged["CLI-AUTH"] = _auth_in_url(exchange)
    if interaction.request_headers_recorded:
        judged["CLI-VERSION"] = _version(exchange)
        judged["CLI-BETAS"] = _betas(exchange)
        if not judged["CLI-AUTH"]:
            auth = _auth_headers(exchange)
            if auth is None:
                del judged["CLI-AUTH"]
                skipped["CLI-AUTH"] = (
                    "no credential header recorded (recorders remove them, as CAS-NO-SECRETS asks)"
                )
            else:
                judged["CLI-AUTH"] = auth
    else:
        if not judged["CLI-AUTH"]:
            del judged["CLI-AUTH"]
        for requirement_id in _HEADER_RULES:
            if requirement_id not in judged:
                skipped[requirement_id] = "the request's headers were not recorded"
    if request.method == "GET":
        if interaction.request_body_recorded:
            judged["CLI-NO-BODY"] = _no_body(exchange)
        else:
            skipped["CLI-NO-BODY"] = "the request's body was not recorded"
    return judged, skipped


def _finding(
    requirement_id: str, exchange: Exchange, message: str, path: str, expected: object, received: object
) -> Finding:
    return Finding(
        requirement_id, message, path=path, expected=expected, received=received, exchange=exchange
    )


def _empty_id(exchange: Exchange, segment: str) -> list[Finding]:
    if segment:
        return []
    return [
        _finding(
            "CLI-EMPTY-ID",
            exchange,
            "a request was sent for an empty model id",
            "request.path",
            "no request at all (an empty id is refused before sending)",
            urlsplit(exchange.request.target).path,
        )
    ]


def _path(exchange: Exchange, segment: str) -> list[Finding]:
    findings = []
    method = exchange.request.method
    if method != "GET":
        findings.append(
            _finding(
                "CLI-PATH",
                exchange,
                f"the model was requested with {method}",
                "request.method",
                "GET",
                method,
            )
        )
    if segment in (".", "..") or not _PCHAR_SEGMENT.match(segment):
        findings.append(
            _finding(
                "CLI-PATH",
                exchange,
                "the model id is not sent as exactly one percent-encoded path segment",
                "request.path",
                "one segment: `/ ? # % space` and non-ASCII percent-encoded (UTF-8), never `.` or `..`",
                segment,
            )
        )
    return findings


def _version(exchange: Exchange) -> list[Finding]:
    value = exchange.request.header("anthropic-version")
    if value and value.strip():
        return []
    return [
        _finding(
            "CLI-VERSION",
            exchange,
            "the request has no anthropic-version header",
            "request.headers.anthropic-version",
            "a version such as 2023-06-01",
            value if value is not None else MISSING,
        )
    ]


def _auth_in_url(exchange: Exchange) -> list[Finding]:
    target = exchange.request.target
    names = [
        name
        for name, value in parse_qsl(urlsplit(target).query, keep_blank_values=True)
        if _URL_CREDENTIAL.match(name) and value
    ]
    shaped = any(pattern.search(target) for pattern in KEY_PATTERNS.values())
    if not names and not shaped:
        return []
    where = f"query parameter {names[0]!r}" if names else "the URL"
    return [
        _finding(
            "CLI-AUTH",
            exchange,
            f"a credential is sent in the URL ({where})",
            "request.uri",
            "the key only in x-api-key or Authorization: Bearer",
            f"a credential in {where}",
        )
    ]


def _auth_headers(exchange: Exchange) -> list[Finding] | None:
    """None when the recording holds no credential header at all."""
    api_key = exchange.request.header("x-api-key")
    authorization = exchange.request.header("authorization")
    if api_key is None and authorization is None:
        return None
    if api_key is not None and api_key.strip():
        return []
    if authorization is not None and authorization.strip():
        value = authorization.strip()
        if _BEARER.match(value) or is_placeholder(value):
            return []
    if authorization is not None:
        scheme = authorization.strip().split(" ", 1)[0] or "(empty)"
        return [
            _finding(
                "CLI-AUTH",
                exchange,
                "the Authorization header does not use the Bearer scheme",
                "request.headers.authorization",
                "Bearer <key>",
                f"scheme {scheme}",
            )
        ]
    return [
        _finding(
            "CLI-AUTH",
            exchange,
            "the x-api-key header is empty",
            "request.headers.x-api-key",
            "the configured key",
            "",
        )
    ]


def _betas(exchange: Exchange) -> list[Finding]:
    values = [value for name, value in exchange.request.headers if name == "anthropic-beta"]
    if not values:
        return []
    if len(values) > 1:
        return [
            _finding(
                "CLI-BETAS",
                exchange,
                f"{len(values)} anthropic-beta headers were sent",
                "request.headers.anthropic-beta",
                "one header, values joined with ','",
                values,
            )
        ]
    items = [item.strip() for item in values[0].split(",")]
    if all(items):
        return []
    message = (
        "the anthropic-beta header is empty"
        if items == [""]
        else "the anthropic-beta header has an empty value"
    )
    return [
        _finding(
            "CLI-BETAS",
            exchange,
            message,
            "request.headers.anthropic-beta",
            "no header without betas; otherwise non-empty values joined with ','",
            values[0],
        )
    ]


def _no_body(exchange: Exchange) -> list[Finding]:
    body = exchange.request.body
    if not body:
        return []
    return [
        _finding(
            "CLI-NO-BODY",
            exchange,
            f"the GET carries a {len(body)}-byte body",
            "request.body",
            "no body",
            body[:80].decode("utf-8", "replace"),
        )
    ]
