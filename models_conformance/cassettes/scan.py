"""CAS-NO-SECRETS: find anything in a cassette that grants access: a credential.

What counts (the requirement's statement): an ``x-api-key``/``authorization`` value other than a
redaction placeholder (:mod:`.placeholders`), any cookie or set-cookie, and text that looks like a key
(``sk-ant-…``, a bearer token and a few other well-known key shapes) in any header, query string or
body, compressed bodies included. The file's raw text is searched as well, so a key in a YAML comment
or in a field no reader knows is found too. Account identifiers (organisation and workspace ids)
grant no access: :mod:`.accounts` judges them, under CAS-NO-ACCOUNT-IDS.

A credential header whose own request was answered 401 is a value the server refused (a test's
``invalid-key``): it grants no access, so it is not a leak unless it has the shape of a key, since a
key one server refuses (a gateway) may be valid at another.

A value found is registered with :func:`models_conformance.exchange.register_secret`, so that no report,
failure message or curl reproduction made later in the process prints it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

from ..exchange import Request
from ..findings import Finding
from ..placeholders import is_placeholder
from ..secret import register_secret
from .formats import Cassette, Interaction

__all__ = [
    "EDGE_VISITOR_COOKIES",
    "KEY_PATTERNS",
    "Leak",
    "cookie_names",
    "edge_visitor_cookie",
    "is_placeholder",
    "mask",
    "registered",
    "scan_cassette",
    "scan_lines",
    "scan_text",
]

REQUIREMENT = "CAS-NO-SECRETS"

KEY_PATTERNS: dict[str, re.Pattern[str]] = {
    "an Anthropic API key (sk-ant-…)": re.compile(r"sk-ant-[A-Za-z0-9_-]{8,}"),
    "a bearer token": re.compile(r"(?i)\bbearer\s+([A-Za-z0-9._~+/-]{20,}=*)"),
    "a secret key (sk-…)": re.compile(r"\bsk-(?!ant-)[A-Za-z0-9_-]{20,}"),
    "an AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "a GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "a Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
}
CREDENTIAL_HEADERS = frozenset(
    {"x-api-key", "authorization", "proxy-authorization", "api-key", "x-goog-api-key"}
)
COOKIE_HEADERS = frozenset({"cookie", "set-cookie"})
# Cookies an edge sets to tell visitors apart, not to let anyone in: Cloudflare's rate-limiting visitor
# id and its load balancer's affinity cookie. They identify (CAS-NO-ACCOUNT-IDS); every other cookie may
# be a session and stays a CAS-NO-SECRETS matter (cf_clearance proves a passed challenge and __cf_bm
# vouches for a client to bot management: both let a client through, so neither is listed).
EDGE_VISITOR_COOKIES = frozenset({"_cfuvid", "__cflb"})


def cookie_names(name: str, value: str) -> list[str]:
    """The cookie names in a ``cookie`` header (several: ``a=1; b=2``) or a ``set-cookie`` one (one name,
    then attributes)."""
    pairs = value.split(";") if name == "cookie" else value.split(";", 1)[:1]
    return [pair.split("=", 1)[0].strip() for pair in pairs if pair.strip()]


def edge_visitor_cookie(name: str, value: str) -> bool:
    """Whether every cookie in this header is an edge's visitor id (see :data:`EDGE_VISITOR_COOKIES`)."""
    names = cookie_names(name, value)
    return bool(names) and all(cookie in EDGE_VISITOR_COOKIES for cookie in names)


_CREDENTIAL_QUERY = re.compile(
    r"(?i)^(?:x[-_])?(?:api[-_]?key|key|token|access[-_]?token|auth|authorization|secret)$"
)
_AUTH_SCHEMES = frozenset({"bearer", "basic", "token", "digest"})


def mask(value: str) -> str:
    shown = value[:6] if len(value) >= 16 else value[:2]
    return f"{shown}… ({len(value)} characters, the rest withheld)"


@dataclass(frozen=True)
class Leak:
    where: str  # e.g. "request.headers.x-api-key", "response.body", "line 12"
    what: str  # what it looks like
    value: str  # the secret itself: never printed, only registered for redaction
    interaction: int | None = None
    requirement: str = REQUIREMENT

    def finding(self) -> Finding:
        return Finding(
            self.requirement,
            f"{self.where} holds {self.what}",
            path=self.where,
            expected=_EXPECTED.get(self.requirement, _EXPECTED[REQUIREMENT]),
            received=mask(self.value),
        )


_EXPECTED = {
    REQUIREMENT: "no credential (a redaction placeholder such as [REDACTED], or nothing)",
    "CAS-NO-ACCOUNT-IDS": "no account identifier (a placeholder such as [REDACTED], or nothing)",
}


def scan_text(text: str, where: str = "text", interaction: int | None = None) -> Iterator[Leak]:
    """Every key-shaped string in ``text``."""
    for what, pattern in KEY_PATTERNS.items():
        for match in pattern.finditer(text):
            value = match.group(match.lastindex or 0)
            if not is_placeholder(value):
                yield Leak(where, what, value, interaction)


def _credential_token(name: str, value: str) -> str:
    """The credential in a header value: an Authorization value without its scheme."""
    if not name.endswith("authorization"):
        return value
    parts = value.split()
    if len(parts) == 1 and parts[0].lower() in _AUTH_SCHEMES:
        return ""
    return parts[-1] if parts else ""


def _refused(request: Request, status: int) -> str | None:
    """The credential header a 401 refused: the request's only one that is not a placeholder.

    With two credentials sent, a 401 does not say which one was wrong; a proxy's credential was
    accepted, or the answer would have been 407.
    """
    if status != 401:
        return None
    sent = [
        name
        for name, value in request.headers
        if name in CREDENTIAL_HEADERS - {"proxy-authorization"}
        and not is_placeholder(_credential_token(name, value))
    ]
    return sent[0] if len(sent) == 1 else None


def _header_leaks(
    side: str, headers: Iterable[tuple[str, str]], index: int, refused: str | None = None
) -> Iterator[Leak]:
    for name, value in headers:
        where = f"{side}.headers.{name}"
        if name in CREDENTIAL_HEADERS:
            if name != refused and not is_placeholder(_credential_token(name, value)):
                yield Leak(where, "a credential, not a redaction placeholder", value, index)
                continue
        elif name in COOKIE_HEADERS and not is_placeholder(value):
            if not edge_visitor_cookie(name, value):
                yield Leak(where, "a cookie", value, index)
            continue
        yield from scan_text(value, where, index)  # a key-shaped value is a leak, refused or not


def _interaction_leaks(interaction: Interaction) -> Iterator[Leak]:
    index = interaction.index
    request = interaction.exchange.request
    response = interaction.exchange.response
    query = urlsplit(request.target).query
    for name, value in parse_qsl(query, keep_blank_values=True):
        if _CREDENTIAL_QUERY.match(name) and not is_placeholder(value):
            yield Leak(f"request.uri query parameter {name!r}", "a credential in the URL", value, index)
    yield from scan_text(unquote(request.target), "request.uri", index)
    # The server's 401 to this very request shows that the credential it carried grants no access.
    yield from _header_leaks("request", request.headers, index, _refused(request, response.status))
    yield from scan_text(request.body.decode("utf-8", "replace"), "request.body", index)
    yield from _header_leaks("response", response.headers, index)
    yield from scan_text(response.body.decode("utf-8", "replace"), "response.body", index)


def scan_lines(text: str, known: Iterable[str] = ()) -> list[Leak]:
    """Key-shaped strings in a file's raw text, by line, except values already in ``known``.

    Works on any text, so a file that cannot be read as a cassette is still scanned.
    """
    found = set(known)
    leaks = []
    for line_number, line in enumerate(text.splitlines(), 1):
        for leak in scan_text(line, f"line {line_number}"):
            if not any(leak.value in value or value in leak.value for value in found):
                found.add(leak.value)
                leaks.append(leak)
    return registered(leaks)


def scan_cassette(cassette: Cassette) -> list[Leak]:
    """Every leak in ``cassette``: per interaction, then in the raw text (those not already found)."""
    leaks = [leak for interaction in cassette.interactions for leak in _interaction_leaks(interaction)]
    leaks += scan_lines(cassette.text, {leak.value for leak in leaks})
    return registered(leaks)


def registered(leaks: list[Leak]) -> list[Leak]:
    """``leaks``, each value registered so that no report, message or reproduction prints it."""
    for leak in leaks:
        register_secret(leak.value)
    return leaks
