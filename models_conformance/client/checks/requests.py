"""What the client sends: CLI-PATH, CLI-EMPTY-ID, CLI-VERSION, CLI-AUTH, CLI-BETAS, CLI-NO-BODY."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote, unquote_to_bytes

from ...failures import Finding
from ..protocol import Answer, Model
from ..run import Outcome
from .findings import finding

__all__ = [
    "judge_auth",
    "judge_betas",
    "judge_empty_id",
    "judge_no_body",
    "judge_path",
    "judge_version",
    "may_refuse",
    "segment_problems",
]

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# RFC 3986 pchar, less "%" (checked as part of a %XX triplet).
_PCHAR = _UNRESERVED | frozenset("!$&'()*+,;=:@")
_TRIPLET = re.compile(r"%([0-9A-Fa-f]{2})")
MODELS_PATH = "/v1/models/"


def may_refuse(model_id: str) -> bool:
    """Ids a client may refuse to send: a dot segment before any ``;``, or a leading ``;``.

    Servers and proxies may drop a ``;`` parameter and resolve ``.``/``..``, so such an id can reach
    another resource; both official SDKs refuse it. Sending it safely encoded is conformant too.
    """
    return model_id.partition(";")[0] in ("", ".", "..")


def segment_problems(segment: str, model_id: str) -> list[str]:
    """Why ``segment`` (as sent, below ``/v1/models/``) is not ``model_id`` as one encoded segment."""
    problems = []
    if "/" in segment:
        problems.append("it holds a raw '/', so the id spans several path segments")
    outside = sorted({char for char in _TRIPLET.sub("", segment) if char not in _PCHAR})
    if outside:
        problems.append(f"characters that must be percent-encoded are sent raw: {''.join(outside)!r}")
    try:
        decoded: str | None = unquote_to_bytes(segment).decode("utf-8")
    except UnicodeDecodeError:
        decoded = None
    if decoded != model_id:
        return [*problems, f"it decodes (UTF-8) to {decoded!r}, not to the id"]
    encoded = {chr(int(digits, 16)) for digits in _TRIPLET.findall(segment)} & _UNRESERVED
    if may_refuse(model_id):
        encoded -= {"."}  # "%2E%2E" is how a dot-segment id can be sent safely
    if encoded:
        problems.append(f"unreserved characters are percent-encoded: {''.join(sorted(encoded))!r}")
    if segment in (".", ".."):
        problems.append("it is a dot segment, which URL normalisation removes")
    return problems


def judge_path(outcome: Outcome, model_id: str) -> list[Finding]:
    """CLI-PATH: ``GET {base_url}/v1/models/{id}`` with the id as exactly one percent-encoded segment."""
    if not outcome.requests:
        if outcome.stray:
            wrong = outcome.stray[0].raw_path
            return [
                finding(
                    "CLI-PATH",
                    f"the request left the base URL's path: it went to {wrong}",
                    outcome,
                    path="request.path",
                    expected=outcome.prefix + MODELS_PATH + quote(model_id, safe=""),
                    received=wrong,
                )
            ]
        if may_refuse(model_id) and not isinstance(outcome.answer, Model):
            return []
        return [
            finding(
                "CLI-PATH",
                f"the client sent no request for the id {model_id!r}",
                outcome,
                path="request",
                expected=f"GET …/v1/models/{quote(model_id, safe='')}",
                received=outcome.answer.describe() if not isinstance(outcome.answer, Model) else "a model",
            )
        ]
    received = outcome.requests[0]
    path = outcome.path(received)
    problems = []
    if received.method != "GET":
        problems.append(f"the method is {received.method}, not GET")
    if not path.startswith(MODELS_PATH):
        problems.append(f"the path is not below {MODELS_PATH}")
    else:
        problems += segment_problems(path[len(MODELS_PATH) :], model_id)
    if not problems:
        return []
    return [
        finding(
            "CLI-PATH",
            f"the id {model_id!r} was sent wrongly: {'; '.join(problems)}",
            outcome,
            path="request.path",
            expected=MODELS_PATH + quote(model_id, safe="!$&'()*+,;=:@"),
            received=path,
        )
    ]


def judge_empty_id(outcome: Outcome) -> list[Finding]:
    """CLI-EMPTY-ID: an empty id is refused before any request is sent."""
    sent = outcome.requests + outcome.stray
    if sent:
        return [
            finding(
                "CLI-EMPTY-ID",
                f"an empty model_id was sent as a request to {outcome.path(sent[0]) or '/'}",
                outcome,
                path="request.path",
                expected="no request: an error before sending",
                received=f"{sent[0].method} {outcome.path(sent[0])}",
            )
        ]
    if isinstance(outcome.answer, Model):
        return [
            finding(
                "CLI-EMPTY-ID",
                "an empty model_id gave a successful answer",
                outcome,
                expected="an error (invalid_argument)",
                received=outcome.answer.model,
            )
        ]
    return []


def _shown(answer: Answer) -> object:
    return answer.model if isinstance(answer, Model) else answer.describe()


def _no_request(requirement_id: str, outcome: Outcome) -> list[Finding]:
    return [
        finding(
            requirement_id, "the client sent no request to judge", outcome, received=_shown(outcome.answer)
        )
    ]


def judge_version(outcome: Outcome) -> list[Finding]:
    """CLI-VERSION: every request carries an ``anthropic-version`` header."""
    if not outcome.requests:
        return _no_request("CLI-VERSION", outcome)
    for index, received in enumerate(outcome.requests):
        value = received.header("anthropic-version")
        if not value or not value.strip():
            return [
                finding(
                    "CLI-VERSION",
                    "the request has no anthropic-version header",
                    outcome,
                    index=index,
                    path="headers.anthropic-version",
                    expected="a version such as 2023-06-01",
                    received=value if value is not None else "(absent)",
                )
            ]
    return []


def judge_auth(outcome: Outcome, api_key: str) -> list[Finding]:
    """CLI-AUTH: the key as ``x-api-key`` or ``Authorization: Bearer``, never in the URL."""
    if not outcome.requests:
        return _no_request("CLI-AUTH", outcome)
    findings = []
    for index, received in enumerate(outcome.requests):
        url = received.raw_path + "?" + received.query
        if api_key in url or quote(api_key, safe="") in url:
            findings.append(
                finding(
                    "CLI-AUTH",
                    "the API key is in the URL",
                    outcome,
                    index=index,
                    path="request.url",
                    expected="the key in a header only",
                    received=url,
                )
            )
        scheme, _, token = (received.header("authorization") or "").partition(" ")
        as_bearer = scheme.lower() == "bearer" and token.strip() == api_key
        if received.header("x-api-key") != api_key and not as_bearer:
            names = sorted({name for name, _ in received.headers})
            findings.append(
                finding(
                    "CLI-AUTH",
                    "the configured key is sent neither as x-api-key nor as Authorization: Bearer",
                    outcome,
                    index=index,
                    path="headers",
                    expected="x-api-key: <key> or Authorization: Bearer <key>",
                    received=f"headers sent: {', '.join(names)}",
                )
            )
    return findings[:1]


def judge_betas(outcome: Outcome, betas: Sequence[str] | None) -> list[Finding]:
    """CLI-BETAS: one ``anthropic-beta`` header, values comma-separated in order; none without betas."""
    if not outcome.requests:
        return _no_request("CLI-BETAS", outcome)
    values = outcome.requests[0].header_values("anthropic-beta")
    expected = "(no anthropic-beta header)" if betas is None else ",".join(betas)
    if betas is None:
        wrong = bool(values)
    else:
        wrong = len(values) != 1 or [part.strip() for part in values[0].split(",")] != list(betas)
    if not wrong:
        return []
    return [
        finding(
            "CLI-BETAS",
            f"betas {None if betas is None else list(betas)} went as {len(values)} anthropic-beta header(s)",
            outcome,
            path="headers.anthropic-beta",
            expected=expected,
            received=values if len(values) != 1 else values[0],
        )
    ]


def judge_no_body(outcome: Outcome) -> list[Finding]:
    """CLI-NO-BODY: the GET carries no body (nor says it does)."""
    if not outcome.requests:
        return _no_request("CLI-NO-BODY", outcome)
    received = outcome.requests[0]
    length = received.header("content-length")
    chunked = received.header("transfer-encoding")
    if not received.body and length in (None, "0") and chunked is None:
        return []
    shown = (
        received.body[:120].decode("utf-8", "replace")
        or f"content-length: {length}, transfer-encoding: {chunked}"
    )
    return [
        finding(
            "CLI-NO-BODY",
            f"the GET carries a body of {len(received.body)} byte(s)",
            outcome,
            path="request.body",
            expected="no body",
            received=shown,
        )
    ]
