"""Reading cassettes into :class:`~models_conformance.exchange.Exchange` objects.

Two layouts are read:

- vcrpy / pytest-recording: ``interactions: [{request: {method, uri, headers, body}, response:
  {status: {code, message}, headers, body: {string}}}]``, headers as lists of values, bodies as text
  or ``!!binary``;
- Ruby VCR and R vcr: ``http_interactions: [...]`` with lower-case methods, bodies as
  ``{encoding, string}`` or ``{base64_string}``, headers as lists or scalars, and a status that is a
  mapping or a bare number. R vcr often leaves out the request's headers and body.

A compressed body (gzip, deflate, brotli or zstd: :mod:`..codings`) is decompressed wherever it was
recorded compressed; a recorder that stored it already decoded but kept ``content-encoding`` is
handled too; an interaction the suite recorded (``server --record``: it carries ``conformance:``) holds
its body as the run judged it, and is taken as written. What a file may hold is bounded
(:class:`~.documents.FileLimits`): a file past a limit is refused with the reason, a body past it is a
problem of its interaction.
"""

from __future__ import annotations

import base64
import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..codings import GZIP_MAGIC, CodingError, TooLarge, decode
from ..exchange import SUITE_USER_AGENT, Exchange, Probe, Request, Response
from ..limits import FileLimits
from ..schemas import CONTRACTS, DEFAULT_CONTRACT
from ..times import parse_time
from .documents import DocumentError, parse, read_file

__all__ = ["MODELS_PATH", "Cassette", "CassetteError", "FileLimits", "Interaction", "load"]

# `/v1/models` (a list) or `/v1/models/<segment>` (a retrieve; <segment> is the raw id as sent), after any
# base path a gateway puts in front.
MODELS_PATH = re.compile(r"(?:^|/)v1/models(?:/(?P<segment>.*))?$")


class CassetteError(Exception):
    """A file that cannot be read as a cassette; the message says why, for that file alone."""


@dataclass(frozen=True)
class Interaction:
    """One recorded request and response; ``index`` is its 0-based place in the file's list."""

    index: int
    exchange: Exchange
    request_headers_recorded: bool
    request_body_recorded: bool
    recorded_at: Any = None  # Ruby VCR / R vcr: when it was recorded, as the file has it (text or a date)

    def describe(self) -> str:
        request = self.exchange.request
        return f"{request.method} {request.url} -> {self.exchange.response.status}"


@dataclass(frozen=True)
class Cassette:
    path: str
    format: str  # "vcrpy", "ruby-vcr" or "r-vcr"
    interactions: tuple[Interaction, ...]
    problems: tuple[str, ...]  # interactions that could not be read; the others still are
    text: str


def load(
    path: str | Path, default_contract: str = DEFAULT_CONTRACT, limits: FileLimits | None = None
) -> Cassette:
    """The cassette at ``path``; :class:`CassetteError` when it cannot be read as one within ``limits``."""
    limits = limits or FileLimits()
    name = str(path)
    try:
        raw = read_file(Path(path), limits)
        text = raw.decode("utf-8")
        if not text.strip():
            raise CassetteError("the file is empty")
        document = parse(raw, text, as_json=name.endswith(".json"), limits=limits)
    except DocumentError as exc:
        raise CassetteError(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise CassetteError(f"not a text file (byte {exc.start} is not UTF-8)") from None
    del raw
    fmt, entries = _layout(document)
    if not entries:
        raise CassetteError(f"the cassette holds no interactions ({fmt} layout, empty list)")
    if len(entries) > limits.max_interactions:
        raise CassetteError(
            f"the file holds {len(entries):,} interactions, over the {limits.max_interactions:,} limit "
            "(--max-interactions)"
        )
    interactions: list[Interaction] = []
    problems: list[str] = []
    for index, entry in enumerate(entries):
        try:
            interactions.append(_interaction(name, index, entry, default_contract, limits.max_body_bytes))
        except CassetteError as exc:
            problems.append(f"interaction {index}: {exc}")
    return Cassette(name, fmt, tuple(interactions), tuple(problems), text)


def _layout(document: Any) -> tuple[str, list[Any]]:
    if isinstance(document, Mapping):
        if "interactions" in document:
            entries = document["interactions"]
            fmt = "vcrpy"
        elif "http_interactions" in document:
            entries = document["http_interactions"]
            recorded_with = str(document.get("recorded_with") or "")
            fmt = "r-vcr" if "vcr/" in recorded_with or "webmockr" in recorded_with else "ruby-vcr"
        else:
            keys = ", ".join(sorted(map(str, document))) or "none"
            raise CassetteError(
                "unknown format: a cassette is a mapping with `interactions` (vcrpy, pytest-recording) "
                f"or `http_interactions` (Ruby VCR, R vcr); this one has top-level keys: {keys}"
            )
        if entries is None:
            return fmt, []
        if not isinstance(entries, list):
            raise CassetteError(f"unknown format: `{fmt}` interactions are not a list")
        return fmt, entries
    shown = type(document).__name__ if document is not None else "nothing"
    raise CassetteError(f"unknown format: the YAML document is a {shown}, not a mapping of interactions")


def _interaction(path: str, index: int, entry: Any, default_contract: str, max_body: int) -> Interaction:
    if not isinstance(entry, Mapping):
        raise CassetteError("not a mapping with `request` and `response`")
    request = entry.get("request")
    response = entry.get("response")
    if not isinstance(request, Mapping) or not isinstance(response, Mapping):
        raise CassetteError("no `request` or no `response` recorded")
    method = request.get("method")
    uri = request.get("uri")
    if not isinstance(method, str) or not isinstance(uri, str):
        raise CassetteError("the request has no method or no uri")
    parts = urlsplit(uri)
    base_url = f"{parts.scheme}://{parts.netloc}" if parts.scheme else ""
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request_headers = _headers(request.get("headers"))
    request_body = _body(request.get("body")) if "body" in request else None
    exchange_request = Request.make(method, base_url, target, request_headers, request_body or b"")

    status = _status(response)
    response_headers = _headers(response.get("headers"))
    # Old vcrpy httpx cassettes keep the body under `content`.
    response_body = _body(response["content"] if "content" in response else response.get("body")) or b""
    meaning = entry.get("conformance")
    if not isinstance(meaning, Mapping):
        # Recorders keep a body compressed, or decoded under its content-encoding. The suite (--record)
        # writes it as it judged it: undoing a coding again would judge another body than the run did.
        response_headers, response_body = _decoded(response_headers, response_body, max_body)
    version = exchange_request.header("anthropic-version")
    contract = version if version in CONTRACTS else default_contract
    unrecorded = frozenset(
        part
        for part, recorded in (
            ("request headers", request.get("headers") is not None),
            ("request body", request_body is not None),
        )
        if not recorded
    )
    at = parse_time(_header(response_headers, "date")) or parse_time(entry.get("recorded_at"))
    exchange = Exchange(
        exchange_request,
        Response.make(status, response_headers, response_body),
        contract=contract,
        source="recording",
        at=at.timestamp() if at is not None else None,
        where=f"{path} #{index}",
        session=path,
        unrecorded=unrecorded,
    )
    if isinstance(meaning, Mapping):
        exchange = _the_suites_own(exchange, meaning, entry.get("recorded_at"))
    elif (exchange_request.header("user-agent") or "").startswith(SUITE_USER_AGENT):
        # The suite's probe, recorded before recordings said what it meant: it breaks client rules on
        # purpose, and is judged for the server alone.
        exchange = dataclasses.replace(exchange, source="probe")
    return Interaction(
        index,
        exchange,
        "request headers" not in unrecorded,
        request_body is not None,
        entry.get("recorded_at"),
    )


def _the_suites_own(exchange: Exchange, meaning: Mapping[str, Any], recorded_at: Any) -> Exchange:
    """An exchange this suite recorded (``--record``): its probe, as sent, judged as it was live."""
    probe = meaning.get("probe")
    fields = {name: str(value) for name, value in probe.items()} if isinstance(probe, Mapping) else {}
    try:
        label = Probe(**fields)
    except TypeError:
        raise CassetteError(f"`conformance.probe` is not a probe label: {probe!r}") from None
    at = parse_time(recorded_at)
    problem = meaning.get("problem")
    response = exchange.response
    return dataclasses.replace(
        exchange,
        response=Response(response.status, response.headers, response.body, str(problem))
        if problem
        else response,
        contract=str(meaning.get("contract") or exchange.contract),
        probe=label,
        source="probe",
        at=at.timestamp() if at is not None else exchange.at,
        where=str(meaning.get("where") or exchange.where),
        session=str(meaning.get("session") or exchange.session),
        superseded=_superseded(meaning.get("superseded")),
    )


def _superseded(recorded: Any) -> tuple[Response, ...]:
    """The answers the suite retried before the one it judged (an edge proxy's transient 502)."""
    if recorded is None:
        return ()
    if not isinstance(recorded, list) or not all(isinstance(answer, Mapping) for answer in recorded):
        raise CassetteError("`conformance.superseded` is not a list of responses")
    return tuple(
        Response.make(_status(answer), _headers(answer.get("headers")), _body(answer.get("body")) or b"")
        for answer in recorded
    )


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    return next((value for key, value in headers if key.lower() == name), None)


def _status(response: Mapping[str, Any]) -> int:
    status = response.get("status", response.get("status_code"))
    if isinstance(status, Mapping):
        status = status.get("code", status.get("status_code"))
    try:
        return int(status)
    except (TypeError, ValueError):
        raise CassetteError(f"the response has no HTTP status (found {status!r})") from None


def _headers(headers: Any) -> list[tuple[str, str]]:
    if not isinstance(headers, Mapping):
        return []
    pairs = []
    for name, values in headers.items():
        for value in values if isinstance(values, list) else [values]:
            pairs.append((str(name), "" if value is None else str(value)))
    return pairs


def _body(body: Any) -> bytes | None:
    """The body's bytes; None when the recording does not hold one."""
    if isinstance(body, Mapping):
        if body.get("base64_string") is not None:
            try:
                return base64.b64decode(str(body["base64_string"]))
            except ValueError:
                raise CassetteError("the body's base64_string is not base64") from None
        body = body.get("string")
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    text = str(body)
    if text.startswith(GZIP_MAGIC.decode("latin-1")) and all(ord(char) < 256 for char in text):
        return text.encode("latin-1")  # binary bytes that YAML holds as characters
    return text.encode("utf-8")


def _decoded(
    headers: list[tuple[str, str]], body: bytes, max_body: int
) -> tuple[list[tuple[str, str]], bytes]:
    """The plain body; `content-encoding` dropped once it is."""
    try:
        return decode(headers, body, max_body)
    except CodingError as exc:
        raise CassetteError(f"the response body is recorded compressed but cannot be read: {exc}") from None
    except TooLarge as exc:
        raise CassetteError(
            f"the response body is recorded compressed and {exc} (a decompression bomb?)"
        ) from None
