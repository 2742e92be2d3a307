"""CAS-NO-ACCOUNT-IDS: find account identifiers in a cassette: organisation and workspace ids.

An identifier grants no access (CAS-NO-SECRETS is about what does), but it names the account a
recording was made with, and a published cassette should not. The API sends them as response
headers (``anthropic-organization-id``, ``anthropic-workspace-id``); the Admin API returns them in
bodies (``"organization_id"``, ``"workspace_id"``, workspace ids shaped ``wrkspc_…``). Found here:

- any header whose name says organisation or workspace, with a value that is not a placeholder;
- a cookie an edge sets to tell visitors apart (Cloudflare's ``_cfuvid``): it identifies a visitor and
  lets no one in, so it is this requirement's, not CAS-NO-SECRETS's;
- a JSON member so named, in any request or response body;
- text shaped like a workspace id, anywhere: headers, query string, bodies, and the file's raw text.

Values found are registered with :func:`models_conformance.exchange.register_secret` like secrets, so that
no report made later in the process prints them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import unquote

from ..placeholders import is_placeholder
from .formats import Cassette, Interaction
from .scan import COOKIE_HEADERS, Leak, cookie_names, edge_visitor_cookie, registered

__all__ = ["ACCOUNT_HEADER", "ACCOUNT_MEMBER", "REQUIREMENT", "WORKSPACE_ID", "scan_accounts", "scan_lines"]

REQUIREMENT = "CAS-NO-ACCOUNT-IDS"

ACCOUNT_HEADER = re.compile(r"(?i)organi[sz]ation|workspace")
# A JSON member named for an account id, and its string value (group 1).
ACCOUNT_MEMBER = re.compile(r'"(?:organi[sz]ation|workspace)_?id"\s*:\s*"([^"\\]*)"', re.IGNORECASE)
WORKSPACE_ID = re.compile(r"\bwrkspc_[A-Za-z0-9]{8,}")


def _leak(where: str, what: str, value: str, index: int | None) -> Leak:
    return Leak(where, what, value, index, requirement=REQUIREMENT)


def _text_ids(text: str, where: str, index: int | None) -> Iterator[Leak]:
    for match in ACCOUNT_MEMBER.finditer(text):
        if not is_placeholder(match.group(1)):
            yield _leak(where, "an account id (a JSON member named for one)", match.group(1), index)
    for match in WORKSPACE_ID.finditer(text):
        yield _leak(where, "a workspace id (wrkspc_…)", match.group(0), index)


def _header_ids(side: str, headers: Iterable[tuple[str, str]], index: int) -> Iterator[Leak]:
    for name, value in headers:
        where = f"{side}.headers.{name}"
        if name in COOKIE_HEADERS and not is_placeholder(value) and edge_visitor_cookie(name, value):
            what = f"an edge's visitor-id cookie ({', '.join(cookie_names(name, value))})"
            yield _leak(where, what, value, index)
        elif ACCOUNT_HEADER.search(name) and not is_placeholder(value):
            what = "an organisation id" if "organi" in name.lower() else "a workspace id"
            yield _leak(where, what, value, index)
        else:
            yield from _text_ids(value, where, index)


def _interaction_ids(interaction: Interaction) -> Iterator[Leak]:
    index = interaction.index
    request = interaction.exchange.request
    response = interaction.exchange.response
    yield from _text_ids(unquote(request.target), "request.uri", index)
    yield from _header_ids("request", request.headers, index)
    yield from _text_ids(request.body.decode("utf-8", "replace"), "request.body", index)
    yield from _header_ids("response", response.headers, index)
    yield from _text_ids(response.body.decode("utf-8", "replace"), "response.body", index)


def scan_lines(text: str, known: Iterable[str] = ()) -> list[Leak]:
    """Workspace-id-shaped strings in a file's raw text, by line, except values already in ``known``."""
    found = set(known)
    leaks = []
    for line_number, line in enumerate(text.splitlines(), 1):
        for match in WORKSPACE_ID.finditer(line):
            if match.group(0) not in found:
                found.add(match.group(0))
                leaks.append(_leak(f"line {line_number}", "a workspace id (wrkspc_…)", match.group(0), None))
    return registered(leaks)


def scan_accounts(cassette: Cassette) -> list[Leak]:
    """Every account id in ``cassette``: per interaction, then in the raw text (those not already found)."""
    leaks = [leak for interaction in cassette.interactions for leak in _interaction_ids(interaction)]
    leaks += scan_lines(cassette.text, {leak.value for leak in leaks})
    return registered(leaks)
