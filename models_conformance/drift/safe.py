"""Example values a drift report may show, and the ones it withholds.

A drift report shows one example of each thing it lists, and the thing is by definition one the
contract does not describe: nobody has said what its values mean. A value is therefore withheld when
its name suggests it identifies someone (organisation, workspace, account, user, session, an ``*-id``
header, a cookie, a credential) or when it looks like an identifier or a secret (a UUID, a prefixed
account id such as ``wrkspc_…``, an e-mail or IP address, any key shape CAS-NO-SECRETS knows, a
credential registered in this process). A recorder's placeholder (``<CF_RAY>``, ``[REDACTED]``) is
shown as it is: it says what was there without showing it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..cassettes.scan import is_placeholder, scan_text
from ..secret import redact
from .render import WITHHELD

__all__ = ["WITHHELD", "printable", "request_line", "shown"]

MAX_SHOWN = 80

# Words of a name (split at "-", "_" and ".") that say its value identifies someone or grants access;
# and fragments that say so wherever they appear (``organizationId``, ``x-apikey``).
_SENSITIVE_WORDS = frozenset(
    {
        "id",
        "ids",
        "uuid",
        "key",
        "apikey",
        "token",
        "auth",
        "authorization",
        "secret",
        "password",
        "passwd",
        "credential",
        "credentials",
        "cookie",
        "session",
        "signature",
        "org",
        "organization",
        "organisation",
        "account",
        "acct",
        "workspace",
        "project",
        "tenant",
        "customer",
        "user",
        "email",
        "ip",
        "forwarded",
    }
)
_SENSITIVE_FRAGMENTS = (
    "organi",
    "account",
    "workspace",
    "password",
    "secret",
    "cookie",
    "session",
    "credential",
    "apikey",
    "api_key",
    "email",
)
_WORD_BREAK = re.compile(r"[-_.\[\]]+")
_SENSITIVE_VALUE = re.compile(
    r"(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"  # a UUID (org ids are)
    r"|\b(?:org|wrkspc|workspace|acct|account|user|proj|project|sess|session)[-_][A-Za-z0-9]{6,}"
    r"|[\w.+-]+@[\w-]+\.[\w.-]+"  # an e-mail address
    r"|\b(?:\d{1,3}\.){3}\d{1,3}\b"  # an IPv4 address
)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with control characters (a terminal's escape sequences among them) written as ``\\xNN``."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _sensitive_name(name: str) -> bool:
    lowered = name.lower()
    return any(part in _SENSITIVE_WORDS for part in _WORD_BREAK.split(lowered)) or any(
        fragment in lowered for fragment in _SENSITIVE_FRAGMENTS
    )


def shown(name: str, value: Any) -> str:
    """``value`` (seen under ``name``: a header or a field path) as a report may print it."""
    text = printable(_text(value))
    if is_placeholder(text) and text.strip():
        return text[:MAX_SHOWN]
    if _sensitive_name(name) or _SENSITIVE_VALUE.search(text) or any(scan_text(text)):
        return WITHHELD
    text = redact(text)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def request_line(method: str, target: str) -> str:
    """``GET /v1/models/x`` for an example's place: no query (it may hold a key), at most 120 characters."""
    path, _, query = target.partition("?")
    line = f"{method} {path}{'?…' if query else ''}"
    if any(scan_text(line)) or _SENSITIVE_VALUE.search(line):
        return f"{method} (the request target is withheld: it looks like it holds an identifier)"
    line = redact(line)
    return line if len(line) <= 120 else line[:119] + "…"
