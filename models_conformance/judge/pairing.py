"""When two recorded exchanges may be compared: when the same server state could have answered both.

A server's answers legitimately differ between states: models are launched and retired, fields are
added, a contract version or a beta serves other fields. So two exchanges are compared only when
they went to the same base URL, asked for the same contract version (``anthropic-version``), the same
beta-ness (``?beta=true`` serves BetaModelInfo, with more fields) and the same ``anthropic-beta``
values, were answered for the same account where the recording shows one, and were answered within
:data:`WINDOW` of each other (the response ``Date`` header, else the interaction's ``recorded_at``).

What a recording leaves out (request headers, which R vcr often drops; the time, when neither a
``Date`` header nor ``recorded_at`` was kept) is taken to be the same within one session (a file,
which one client wrote at one time; a run of the suite), and unknown across sessions: such exchanges
are compared only with others of their own session. A scrubbed account id (a placeholder) is no
difference.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from ..exchange import Exchange
from ..placeholders import is_placeholder

__all__ = ["WINDOW", "Apart", "Context", "apart", "context", "duration"]

# A recording session (one test run, `nox -s record`) lasts seconds to minutes: the live profile's
# 150 requests at 1 request/s take 2.5 minutes, plus bounded throttling waits. 15 minutes holds such a
# session several times over, while a cassette recorded again on another occasion (another day,
# another deploy, a model launched or retired in between) falls outside it. State changes inside the
# window (a deploy in those minutes) remain possible; they are rare, and the window keeps them rare.
WINDOW = dt.timedelta(minutes=15)

_DEFAULT_PORTS = {"http": "80", "https": "443"}
# Response headers that name the account the answer was made for (its models may differ).
_ACCOUNT_HEADERS = ("anthropic-organization-id", "anthropic-workspace-id")


@dataclass(frozen=True)
class Context:
    """What decides whether an exchange may be compared with another; None: not recorded."""

    session: str
    base_url: str | None
    beta: bool
    version: str | None
    betas: frozenset[str] | None
    accounts: tuple[tuple[str, str], ...]
    at: dt.datetime | None


@dataclass(frozen=True)
class Apart:
    """Why two exchanges are not compared: ``kind`` for counting, ``text`` for the reader."""

    kind: str
    text: str


def context(exchange: Exchange, base_path: str) -> Context:
    """The context of ``exchange``; ``base_path`` is the request path before ``v1/models``."""
    request, response = exchange.request, exchange.response
    query = parse_qsl(urlsplit(request.target).query, keep_blank_values=True)
    recorded = "request headers" not in exchange.unrecorded
    version = (request.header("anthropic-version") or "") if recorded else None
    accounts = tuple(
        (name, value.strip())
        for name in _ACCOUNT_HEADERS
        if (value := response.header(name)) is not None and not is_placeholder(value)
    )
    at = dt.datetime.fromtimestamp(exchange.at, dt.timezone.utc) if exchange.at is not None else None
    return Context(
        session=exchange.session,
        base_url=_base_url(request.base_url, base_path),
        beta=any(name == "beta" and value.lower() == "true" for name, value in query),
        version=version,
        betas=_betas(request.header("anthropic-beta")) if recorded else None,
        accounts=accounts,
        at=at,
    )


def apart(a: Context, b: Context) -> Apart | None:
    """None when ``a`` and ``b`` may be compared; otherwise why not."""
    same_file = a.session == b.session
    recorded = (
        ("host", a.base_url, b.base_url, "with one side's base URL not recorded"),
        ("headers", a.version, b.version, "with one side's request headers not recorded"),
    )
    for kind, left, right, unknown in recorded:
        if (left is None or right is None) and not (same_file and left is None and right is None):
            return Apart(kind, unknown)
    if a.base_url != b.base_url:
        return Apart("host", f"sent to different base URLs ({a.base_url} and {b.base_url})")
    if a.version != b.version:
        versions = f"{a.version or 'none'} and {b.version or 'none'}"
        return Apart("version", f"with different anthropic-version ({versions})")
    if a.beta != b.beta:
        return Apart("beta", "with ?beta=true on one side only")
    if a.betas != b.betas:
        shown = [",".join(sorted(betas or ())) or "none" for betas in (a.betas, b.betas)]
        return Apart("betas", f"with different anthropic-beta ({shown[0]} and {shown[1]})")
    theirs = dict(b.accounts)
    if any(name in theirs and theirs[name] != value for name, value in a.accounts):
        return Apart("account", "answered for different accounts (organisation or workspace ids differ)")
    if a.at is None or b.at is None:
        if same_file and a.at is None and b.at is None:
            return None
        return Apart("time", "with one side's time not recorded (no Date header, no recorded_at)")
    gap = abs(a.at - b.at)
    if gap > WINDOW:
        return Apart("apart", f"recorded {duration(gap)} apart (compared within {duration(WINDOW)})")
    return None


def duration(delta: dt.timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 2 * 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


def _base_url(base_url: str, base_path: str) -> str | None:
    if not base_url:
        return None
    parts = urlsplit(base_url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = "" if parts.port is None or str(parts.port) == _DEFAULT_PORTS.get(scheme) else f":{parts.port}"
    return f"{scheme}://{host}{port}{base_path.rstrip('/')}"


def _betas(header: str | None) -> frozenset[str]:
    return frozenset(value.strip() for value in (header or "").split(",") if value.strip())
