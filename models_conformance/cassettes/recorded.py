"""The models GETs of a set of recordings as the cross-exchange rules see them, and where two recorded
model objects differ."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from ..exchange import Exchange
from ..failures import MISSING
from ..schemas import model_errors
from .formats import MODELS_PATH, Cassette, Interaction
from .pairing import Context, context
from .scan import is_placeholder

__all__ = ["Get", "difference", "gets"]

_EARLIEST = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


@dataclass(frozen=True, eq=False)
class Get:
    """A recorded GET of a model (``requested`` is its decoded id) or of the list (``requested`` None).

    ``kind`` is "model" (200 with a model object), "missing" (404 ``not_found_error``), "list" (200
    with a ``data`` array) or "other" (anything else, which shows nothing about these rules). Only
    schema-valid model objects count: an invalid one already fails a rule of its own exchange, and a
    difference it makes is that fault again, not a second one.
    """

    file: str
    index: int
    exchange: Exchange
    requested: str | None
    context: Context
    kind: str
    body: dict[str, Any]
    listed: dict[str, tuple[int, dict[str, Any]]]  # a list page's models by id: (position, object)

    @property
    def status(self) -> int:
        return self.exchange.response.status

    @property
    def reported(self) -> str | None:
        """The id the answer reports, for a model."""
        return self.body["id"] if self.kind == "model" else None

    @property
    def where(self) -> str:
        return f"{self.file}, interaction {self.index}"


def gets(cassettes: Iterable[Cassette]) -> list[Get]:
    """Every models GET of ``cassettes``, earliest first (those with no time last, in file order)."""
    found = []
    for cassette in cassettes:
        for interaction in cassette.interactions:
            get = _get(cassette.path, interaction)
            if get is not None:
                found.append(get)
    return sorted(found, key=lambda get: (get.context.at is None, get.context.at or _EARLIEST))


def _get(file: str, interaction: Interaction) -> Get | None:
    exchange = interaction.exchange
    path = urlsplit(exchange.request.target).path
    match = MODELS_PATH.search(path)
    if exchange.request.method != "GET" or match is None:
        return None
    segment = match.group("segment")
    if segment is not None and (not segment or "/" in segment or segment in (".", "..")):
        return None  # no id, or a path that names another resource than one model
    requested = None if segment is None else unquote(segment)
    kind, body, listed = _answer(exchange, listing=segment is None)
    where = context(file, interaction, path[: match.start()])
    return Get(file, interaction.index, exchange, requested, where, kind, body, listed)


def _answer(exchange: Exchange, listing: bool) -> tuple[str, dict[str, Any], dict[str, Any]]:
    status, body = exchange.response.status, exchange.response.json
    if status == 200 and isinstance(body, dict):
        if listing and isinstance(body.get("data"), list):
            listed: dict[str, tuple[int, dict[str, Any]]] = {}
            for index, entry in enumerate(body["data"]):
                if _model(entry, exchange.contract):
                    listed.setdefault(entry["id"], (index, entry))
            return "list", {}, listed
        if not listing and _model(body, exchange.contract) and "data" not in body:
            return "model", body, {}
    if status == 404 and isinstance(body, dict) and not listing:
        error = body.get("error")
        if isinstance(error, dict) and error.get("type") == "not_found_error":
            return "missing", {}, {}
    return "other", {}, {}


def _model(value: Any, contract: str) -> bool:
    if not isinstance(value, dict) or not isinstance(value.get("id"), str) or is_placeholder(value["id"]):
        return False
    return next(iter(model_errors(value, contract)), None) is None


def difference(expected: Any, received: Any, path: str = "$") -> tuple[str, Any, Any] | None:
    """The first place where two recorded JSON values differ: (JSON path, one value, the other).

    A string a recorder replaced by a placeholder is no difference; a field only one side has is one
    (the live checks compare whole objects too, and a recorder does not drop body fields); an empty
    string is a value, and ``true`` and ``1`` differ, as JSON values do.
    """
    if any(isinstance(value, str) and value and is_placeholder(value) for value in (expected, received)):
        return None
    if isinstance(expected, dict) and isinstance(received, dict):
        for key in dict.fromkeys([*expected, *received]):
            if key not in received or key not in expected:
                return _child(path, key), expected.get(key, MISSING), received.get(key, MISSING)
            found = difference(expected[key], received[key], _child(path, key))
            if found is not None:
                return found
        return None
    if isinstance(expected, list) and isinstance(received, list):
        if len(expected) != len(received):
            return path, expected, received
        for index, (left, right) in enumerate(zip(expected, received, strict=True)):
            found = difference(left, right, f"{path}[{index}]")
            if found is not None:
                return found
        return None
    if _json_type(expected) != _json_type(received) or expected != received:
        return path, expected, received
    return None


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    return "number" if isinstance(value, int | float) else type(value).__name__


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if key.isidentifier() else f"{path}[{key!r}]"
