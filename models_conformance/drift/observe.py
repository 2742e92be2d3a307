"""What one models exchange shows that the contract does not describe, and when it was seen.

Only models traffic counts (``/v1/models`` and ``/v1/models/{id}``, after any base path): the contract
is that of the Models API. A 200 GET body is a list page when it has a ``data`` array (each element
then judged as the object a retrieve returns), else a BetaModelInfo. ``anthropic-beta`` values count
only in requests made by a client: the suite's own requests (a server run's, or recorded ones with
user-agent ``models-api-conformance``) send unknown betas on purpose.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections import OrderedDict
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from ..exchange import SUITE_USER_AGENT as USER_AGENT
from ..exchange import Exchange, Response
from . import known
from .fields import Seen, counted, undescribed

__all__ = [
    "SEED_CONTRACT",
    "BodyKey",
    "Counted",
    "body_observations",
    "is_models_traffic",
    "iso_instant",
    "observations",
    "seen_at",
]

# The contract version the seed page describes: fields beyond its four are "beyond the seed" there.
SEED_CONTRACT = "2023-06-01"
_MODELS_PATH = re.compile(r"(?:^|/)v1/models(?:/.*)?$")
# What one body showed: each thing once, with how many times (a list page repeats its models' fields).
Counted = tuple[tuple[Seen, int], ...]
BodyKey = tuple[bytes, str]  # a body's bytes and the contract it was judged under


def is_models_traffic(exchange: Exchange) -> bool:
    return _MODELS_PATH.search(urlsplit(exchange.request.target).path) is not None


def observations(exchange: Exchange, *, client_request: bool = True) -> list[Seen]:
    """What ``exchange`` (a models exchange) shows beyond the contract in its headers and error type.

    ``client_request`` False: the request is the suite's own, whose betas say nothing about clients.
    """
    found = _headers(exchange)
    if client_request:
        found += _betas(exchange)
    if exchange.response.status >= 400:
        found += _error_type(exchange)
    return found


def body_observations(exchange: Exchange) -> tuple[BodyKey, Counted] | None:
    """What the 200 body of a GET shows beyond the contract, and the key of that body; None: nothing."""
    response = exchange.response
    if response.status != 200 or exchange.request.method != "GET":
        return None
    key = (response.body, exchange.contract)
    counted = _WALKED.get(key)
    if counted is None:
        counted = _walk(response, exchange.contract)
        _WALKED[key] = counted
        if len(_WALKED) > _WALKED_MAX:
            _WALKED.popitem(last=False)
    else:
        _WALKED.move_to_end(key)
    return (key, counted) if counted else None


# Walked bodies, most recent last: a server sends the same body again and again (every retrieval of a
# model), and each is walked once.
_WALKED: OrderedDict[BodyKey, Counted] = OrderedDict()
_WALKED_MAX = 128


def _parsed(response: Response) -> Any:
    """The body as JSON, or None; a body nested beyond what json can parse is nothing to look into."""
    try:
        return response.json
    except RecursionError:
        return None


def _walk(response: Response, contract: str) -> Counted:
    parsed = _parsed(response)
    if not isinstance(parsed, dict):
        return ()
    found = _page(parsed, contract) if _is_page(parsed) else _model(parsed, contract)
    return counted(found)


def _headers(exchange: Exchange) -> list[Seen]:
    names = known.known_headers()
    found: dict[str, Seen] = {}
    for name, value in exchange.response.headers:
        if name not in names and name not in found:
            found[name] = Seen("header", name, value)
    return list(found.values())


def _betas(exchange: Exchange) -> list[Seen]:
    request = exchange.request
    if (request.header("user-agent") or "").startswith(USER_AGENT):
        return []
    betas = known.known_betas()
    found: dict[str, Seen] = {}
    for name, header in request.headers:
        if name != "anthropic-beta":
            continue
        for value in (part.strip() for part in header.split(",")):
            if value and value not in betas and value not in found:
                found[value] = Seen("beta", value, value)
    return list(found.values())


def _error_type(exchange: Exchange) -> list[Seen]:
    body = _parsed(exchange.response)
    error = body.get("error") if isinstance(body, dict) else None
    error_type = error.get("type") if isinstance(error, dict) else None
    if not isinstance(error_type, str) or error_type in known.error_types():
        return []
    return [Seen("error_type", error_type, error_type, status=exchange.response.status)]


def _is_page(body: dict[str, Any]) -> bool:
    return isinstance(body.get("data"), list) and body.get("type") != "model"


def _model(body: dict[str, Any], contract: str) -> list[Seen]:
    found = list(undescribed(body, known.model_schema(contract), contract=contract, owner="model"))
    if contract == SEED_CONTRACT:
        seed = known.seed_fields()
        described = known.model_schema(contract)["properties"]
        found += [
            Seen("field", key, value, object="model", contract=contract, beyond_seed=True)
            for key, value in body.items()
            if key not in seed and key in described
        ]
    return found


def _page(page: dict[str, Any], contract: str) -> list[Seen]:
    properties = known.list_schema(contract)["properties"]
    found = [
        Seen("field", key, value, object="list", contract=contract)
        for key, value in page.items()
        if key not in properties
    ]
    for element in page["data"]:
        if isinstance(element, dict):
            found += _model(element, contract)
    return found


@lru_cache(maxsize=256)
def _http_date(value: str) -> str | None:
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return iso_instant(when)


def iso_instant(when: dt.datetime) -> str:
    """``2026-06-28T11:17:08Z``: an instant in UTC, to the second (a naive one is taken as UTC)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def seen_at(exchange: Exchange, recorded_at: str | None) -> str | None:
    """When ``exchange`` happened: its response's ``Date`` header, else ``recorded_at``, else None."""
    date = exchange.response.header("date")
    return (_http_date(date) if date else None) or recorded_at
