"""Answers that an intermediary in front of the API produced, rather than the API itself.

The live API sits behind an edge proxy. A request the edge refuses (a 10,000-character id is longer
than it forwards) or cannot forward (the origin is briefly unreachable) gets the edge's own page: an
HTML or plain-text 414, 502, ... with ``server: cloudflare``. The API never saw that request, so the
requirements on the API's own answers (the error envelope, its content type, ``request-id``) say
nothing about it; judging it under them would fail a conformant API. Such an answer is reported as a
note instead. SRV-NO-5XX still judges its status: a user of the endpoint gets that 5xx all the same.

An answer counts as an intermediary's only when its body is not JSON (the API's errors always are:
"errors are always JSON"), it carries an intermediary's mark (a ``server`` header naming proxy, CDN
or load-balancer software, a ``via`` header, or a CDN's trace header such as ``cf-ray``), and either

- its status is one that proxies produce themselves: 413, 414, 431 (a request too large for the
  proxy), 502, 503, 504 and Cloudflare's 520-527 and 530 (the proxy cannot get an answer from behind
  it); or
- its page names the proxy software itself (a Cloudflare block page, say: a 403 "Cloudflare Ray ID").

An edge adds its marks to every answer it passes on, the API's own included, so the marks alone prove
nothing: a target's own non-JSON 404 behind Cloudflare is still the target's, and still judged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .exchange import NOT_JSON, Exchange, Response

__all__ = [
    "INTERMEDIARY_STATUSES",
    "NOT_JUDGED_ON_INTERMEDIARIES",
    "TRANSIENT_STATUSES",
    "Intermediary",
    "intermediary",
    "note",
]

# "Could not reach the origin" (Cloudflare's 52x and 530 say why): the same request may well get
# through a moment later.
TRANSIENT_STATUSES = frozenset({502, 503, 504, 520, 521, 522, 523, 524, 525, 526, 527, 530})
INTERMEDIARY_STATUSES = frozenset({413, 414, 431}) | TRANSIENT_STATUSES
# Requirements on the API's own answers, which an intermediary's answer cannot show.
NOT_JUDGED_ON_INTERMEDIARIES = (
    "SRV-ERROR-ENVELOPE",
    "SRV-ERROR-STATUS-TYPE",
    "SRV-200-CONTENT-TYPE",
    "SRV-REQUEST-ID",
)

# Proxy, CDN and load-balancer software as it names itself in `server` (lower case, substring match).
# Application servers (uvicorn, gunicorn, node) are left out: their answers are the target's own.
_EDGE_SERVERS = (
    "cloudflare",
    "cloudfront",
    "awselb",
    "akamai",
    "fastly",
    "varnish",
    "nginx",
    "openresty",
    "envoy",
    "haproxy",
    "traefik",
    "caddy",
    "apache",
    "google frontend",
    "gfe",
    "azure",
    "kong",
    "squid",
)
# Words with which proxies sign their own pages ("<center>nginx</center>", "Cloudflare Ray ID").
_PAGE_SIGNATURES = ("cloudflare", "cloudfront", "nginx", "varnish", "akamai", "fastly", "awselb", "envoy")
# Headers that only a CDN or proxy adds.
_TRACE_HEADERS = (
    "via",
    "cf-ray",
    "x-amz-cf-id",
    "x-served-by",
    "x-akamai-request-id",
    "x-azure-ref",
    "x-cache",
)


@dataclass(frozen=True)
class Intermediary:
    """Why an answer is taken for an intermediary's: its status, body and marks."""

    status: int
    body: str  # "an HTML body", "a plain-text body", "an empty body", ...
    marks: tuple[str, ...]  # e.g. ("server: cloudflare", "cf-ray")

    def describe(self) -> str:
        return f"HTTP {self.status} with {self.body}, marked by {', '.join(self.marks)}"


def _body_kind(response: Response) -> str:
    if not response.body:
        return "an empty body"
    media_type = (response.header("content-type") or "").split(";", 1)[0].strip().lower()
    if media_type == "text/html" or response.body.lstrip()[:1] == b"<":
        return "an HTML body"
    if media_type.startswith("text/"):
        return "a plain-text body"
    return f"a non-JSON body ({media_type or 'no content-type'})"


def _signed(response: Response) -> str | None:
    """The proxy software a non-JSON page names in its own text, if any."""
    text = response.body[:4096].decode("utf-8", "replace").lower()
    return next((name for name in _PAGE_SIGNATURES if name in text), None)


def intermediary(response: Response) -> Intermediary | None:
    """The marks of an intermediary's answer, or None when the answer is the target's own."""
    if response.status < 400 or not isinstance(response.json, NOT_JSON):
        return None
    signed = None if response.status in INTERMEDIARY_STATUSES else _signed(response)
    if response.status not in INTERMEDIARY_STATUSES and signed is None:
        return None
    marks: list[str] = []
    server = response.header("server")
    if server and any(name in server.lower() for name in _EDGE_SERVERS):
        marks.append(f"server: {server[:40]}")
    marks += [name for name in _TRACE_HEADERS if response.header(name) is not None]
    if not marks:
        return None
    body = _body_kind(response) + (f" signed {signed!r}" if signed else "")
    return Intermediary(response.status, body, tuple(marks))


def note(exchange: Exchange, found: Intermediary, *, followed_by: int | None = None) -> dict[str, Any]:
    """A report note for the intermediary answer to ``exchange``'s request.

    ``followed_by``: the status of the answer that replaced it when the request was retried.
    """
    superseded = followed_by is not None
    if superseded:
        outcome = f"retried; the answer judged is the one that followed (HTTP {followed_by})"
    else:
        judged = "SRV-NO-5XX judges its status; " if found.status >= 500 else ""
        outcome = f"{judged}not judged under {', '.join(NOT_JUDGED_ON_INTERMEDIARIES)}"
    return {
        "kind": "intermediary",
        "status": found.status,
        "message": f"an intermediary answered {exchange.request.method} with {found.describe()}: {outcome}",
        "marks": list(found.marks),
        "superseded": superseded,
        "reproduction": exchange.reproduction(),
    }
