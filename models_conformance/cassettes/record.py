"""How traffic is recorded without secrets: a run's transcript as a cassette, and the vcrpy
configuration that scrubs one's own recordings the same way.

``models-conformance server --record FILE`` writes the run's transcript as a vcrpy cassette
(:func:`write_transcript`): each interaction also carries what the suite meant by it (``conformance``),
so that ``models-conformance cassettes check FILE`` gives the verdicts of the run that recorded it.

Use the scrubbing in one's own tests too::

    from models_conformance.cassettes import record

    @pytest.fixture(scope="module")
    def vcr_config():
        return record.vcr_config()

Cassettes match on method, path and query, never on the host (a local server's port changes every
run). Scrubbing happens before anything is written: credential headers become ``[REDACTED]`` (an
``Authorization`` keeps its scheme), cookies and set-cookie are dropped, organisation and workspace
id headers become ``[REDACTED]``, credential-like query parameters too, and any key registered with
:func:`models_conformance.exchange.register_secret` or shaped like a key, any workspace id (``wrkspc_…``)
and any ``organization_id``/``workspace_id`` member is replaced wherever it appears. Compressed
bodies (gzip, deflate, brotli, zstd) are stored decoded, so that what is written can be read and
scanned.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import yaml

from ..codings import CodingError, TooLarge, decode
from ..exchange import Exchange, Response
from ..limits import FileLimits
from ..secret import REDACTED, redact
from ..transcript import Transcript
from .accounts import ACCOUNT_HEADER, ACCOUNT_MEMBER, WORKSPACE_ID
from .scan import CREDENTIAL_HEADERS, KEY_PATTERNS, is_placeholder

__all__ = [
    "MATCH_ON",
    "scrub_request",
    "scrub_response",
    "scrub_text",
    "vcr_config",
    "write_transcript",
]

MATCH_ON = ("method", "path", "query")
_DROPPED_RESPONSE_HEADERS = frozenset({"set-cookie"})
_CREDENTIAL_QUERY = re.compile(
    r"(?i)^(?:x[-_])?(?:api[-_]?key|key|token|access[-_]?token|auth|authorization|secret)$"
)


def vcr_config(**overrides: Any) -> dict[str, Any]:
    """Keyword arguments for ``vcr.VCR(...)`` / ``use_cassette(...)`` / ``pytest.mark.vcr(...)``."""
    config: dict[str, Any] = {
        "match_on": MATCH_ON,
        "decode_compressed_response": True,
        "before_record_request": scrub_request,
        "before_record_response": scrub_response,
    }
    config.update(overrides)
    return config


def scrub_text(text: str) -> str:
    """``text`` with registered secrets, anything key-shaped and account ids replaced by ``[REDACTED]``."""
    text = redact(text)
    for pattern in (*KEY_PATTERNS.values(), WORKSPACE_ID, ACCOUNT_MEMBER):
        text = pattern.sub(_redacted_match, text)
    return text


def _redacted_match(match: re.Match[str]) -> str:
    if match.lastindex:  # keep what surrounds the secret (e.g. "Bearer ", '"workspace_id": "')
        whole, start = match.group(0), match.start(0)
        return whole[: match.start(1) - start] + REDACTED + whole[match.end(1) - start :]
    return REDACTED


def _credential(name: str, value: str) -> str:
    if name == "authorization" or name == "proxy-authorization":
        scheme, _, token = value.strip().partition(" ")
        return f"{scheme} {REDACTED}" if token else REDACTED
    return REDACTED if value else value


def _scrub_body(body: Any) -> Any:
    if isinstance(body, str):
        return scrub_text(body)
    if isinstance(body, bytes):
        try:
            return scrub_text(body.decode("utf-8")).encode("utf-8")
        except UnicodeDecodeError:
            return body  # not text: the scan after recording judges it
    return body


def scrub_request(request: Any) -> Any:
    """vcrpy ``before_record_request``: the request to write, without credentials."""
    parts = urlsplit(request.uri)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    scrubbed = [
        (name, REDACTED if _CREDENTIAL_QUERY.match(name) and not is_placeholder(value) else scrub_text(value))
        for name, value in pairs
    ]
    # The query is rewritten only when it held a secret, so that it stays byte for byte as sent otherwise.
    query = urlencode(scrubbed, safe="[]") if scrubbed != pairs else parts.query
    request.uri = urlunsplit(parts._replace(path=scrub_text(parts.path), query=query))
    headers = {}
    for name, value in request.headers.items():
        lowered = name.lower()
        if lowered == "cookie":
            continue
        if lowered in CREDENTIAL_HEADERS:
            headers[name] = _credential(lowered, value)
        else:
            headers[name] = REDACTED if ACCOUNT_HEADER.search(lowered) else scrub_text(value)
    request.headers = headers
    request.body = _scrub_body(request.body)
    return request


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """vcrpy ``before_record_response``: the response to write, decoded, without cookies or account ids."""
    _decode(response)
    headers: dict[str, list[str]] = {}
    for name, values in response.get("headers", {}).items():
        lowered = name.lower()
        if lowered in _DROPPED_RESPONSE_HEADERS:
            continue
        if ACCOUNT_HEADER.search(lowered) or lowered in CREDENTIAL_HEADERS:
            headers[name] = [REDACTED for _ in values]
        else:
            headers[name] = [scrub_text(str(value)) for value in values]
    response["headers"] = headers
    body = response.get("body")
    if isinstance(body, dict) and "string" in body:
        body["string"] = _scrub_body(body["string"])
        _set_content_length(headers, body["string"])
    return response


def _set_content_length(headers: dict[str, list[str]], body: Any) -> None:
    """A content-length that says the length of the body written (decoded, scrubbed), not of the one sent."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    if not isinstance(body, bytes):
        return
    for name in headers:
        if name.lower() == "content-length":
            headers[name] = [str(len(body))]


def _decode(response: dict[str, Any]) -> None:
    """Store the body decoded: vcrpy's own decoding knows gzip and deflate (brotli at best), not zstd."""
    body = response.get("body")
    raw = body.get("string") if isinstance(body, dict) else None
    if not isinstance(body, dict) or not isinstance(raw, bytes):
        return
    pairs = [(name, str(value)) for name, values in response.get("headers", {}).items() for value in values]
    try:
        plain_pairs, plain = decode(pairs, raw, FileLimits.max_body_bytes)
    except (CodingError, TooLarge):
        return  # kept as sent: after recording, a cassette that cannot be read in full is rejected
    if plain is raw and len(plain_pairs) == len(pairs):
        return
    headers: dict[str, list[str]] = {}
    for name, value in plain_pairs:
        headers.setdefault(name, []).append(value)
    response["headers"] = headers
    body["string"] = plain


def _scrubbed_headers(headers: tuple[tuple[str, str], ...], *, response: bool) -> dict[str, list[str]]:
    scrubbed: dict[str, list[str]] = {}
    for name, value in headers:
        if name == "cookie" or (response and name in _DROPPED_RESPONSE_HEADERS):
            continue
        if name in CREDENTIAL_HEADERS:
            value = _credential(name, value)
        elif ACCOUNT_HEADER.search(name):
            value = REDACTED
        else:
            value = scrub_text(value)
        scrubbed.setdefault(name, []).append(value)
    return scrubbed


def _body_string(body: bytes) -> str | bytes:
    try:
        return scrub_text(body.decode("utf-8"))
    except UnicodeDecodeError:
        return body  # written as !!binary; the scan after writing judges it


def _response(response: Response) -> dict[str, Any]:
    return {
        "status": {"code": response.status, "message": ""},
        "headers": _scrubbed_headers(response.headers, response=True),
        "body": {"string": _body_string(response.body)},
    }


def _interaction(exchange: Exchange) -> dict[str, Any]:
    request, response = exchange.request, exchange.response
    parts = urlsplit(request.url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    scrubbed = [
        (n, REDACTED if _CREDENTIAL_QUERY.match(n) and not is_placeholder(v) else scrub_text(v))
        for n, v in pairs
    ]
    query = urlencode(scrubbed, safe="[]") if scrubbed != pairs else parts.query
    meaning: dict[str, Any] = {
        "probe": exchange.probe.as_dict(),
        "where": exchange.where,
        "session": exchange.session,
    }
    if exchange.contract:
        meaning["contract"] = exchange.contract
    if response.problem is not None:
        meaning["problem"] = scrub_text(response.problem)
    if exchange.superseded:
        # The answers retried before this one (an edge proxy's transient 502): the run's notes show them.
        meaning["superseded"] = [_response(earlier) for earlier in exchange.superseded]
    entry: dict[str, Any] = {
        "request": {
            "method": request.method,
            "uri": urlunsplit(parts._replace(path=scrub_text(parts.path), query=query)),
            "body": _body_string(request.body) if request.body else None,
            "headers": _scrubbed_headers(request.headers, response=False),
        },
        "response": _response(response),
        "conformance": meaning,
    }
    if exchange.at is not None:
        entry["recorded_at"] = dt.datetime.fromtimestamp(exchange.at, dt.timezone.utc).isoformat()
    return entry


def write_transcript(transcript: Transcript, path: str | Path) -> list[str]:
    """Write the exchanges of ``transcript`` as a vcrpy cassette, scrubbed, then scan what was written:
    a file that still holds a secret is deleted. Returns why it was (empty: kept)."""
    document = {
        "version": 1,
        "recorded_with": "models-api-conformance",
        "conformance_run": {"role": transcript.role, "contract": transcript.contract},
        "interactions": [_interaction(exchange) for exchange in transcript.exchanges],
    }
    target = Path(path)
    target.write_text(
        yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8"
    )
    from .formats import CassetteError, load
    from .scan import scan_cassette

    try:
        leaks = [f"{leak.where} held {leak.what}" for leak in scan_cassette(load(target))]
    except CassetteError as exc:
        leaks = [f"unreadable after writing ({exc})"]
    if leaks:
        target.unlink()
    return leaks
