"""The GETs of a transcript as the cross-exchange rules see them, where two model objects differ, and
what one rule saw (:class:`Tally`)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..contract import MODELS_PATH
from ..exchange import Exchange
from ..findings import MISSING, Finding
from ..placeholders import is_placeholder
from ..schemas import model_errors
from .facts import decoded_segment
from .pairing import WINDOW, Context, apart, context, duration

__all__ = ["Get", "Tally", "difference", "gets"]

_EARLIEST = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


@dataclass(frozen=True, eq=False)
class Get:
    """A GET of a model (``requested`` is its decoded id) or of the list (``requested`` None).

    ``kind`` is "model" (200 with a model object), "missing" (404 ``not_found_error``), "list" (200
    with a ``data`` array) or "other" (anything else, which shows nothing about these rules). Only
    schema-valid model objects count: an invalid one already fails a rule of its own exchange, and a
    difference it makes is that fault again, not a second one.
    """

    exchange: Exchange
    requested: str | None
    segment: str | None  # as sent: two encodings of one id are two segments
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
        return self.exchange.where or self.exchange.request.target


def gets(exchanges: Iterable[Exchange]) -> list[Get]:
    """Every models GET whose answer is the target's own, earliest first (those with no time last)."""
    found = [get for exchange in exchanges if (get := _get(exchange)) is not None]
    return sorted(found, key=lambda get: (get.context.at is None, get.context.at or _EARLIEST))


def _get(exchange: Exchange) -> Get | None:
    if exchange.source == "scenario" or exchange.request.method != "GET" or exchange.probe.key == "wrong":
        return None
    path = urlsplit(exchange.request.target).path
    match = MODELS_PATH.search(path)
    if match is None:
        return None
    segment = match.group("segment")
    requested = None if segment is None else decoded_segment(segment)
    if requested is not None and (not requested or "/" in requested or requested in (".", "..")):
        return None  # no id, or a path that names another resource than one model
    kind, body, listed = _answer(exchange, listing=segment is None)
    where = context(exchange, path[: match.start()])
    return Get(exchange, requested, segment, where, kind, body, listed)


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
    """The first place where two JSON values differ: (JSON path, one value, the other).

    A string a recorder replaced by a placeholder is no difference; a field only one side has is one;
    an empty string is a value, and ``true`` and ``1`` differ, as JSON values do.
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


@dataclass
class Tally:
    """What one rule saw: per judged exchange its first contradiction (None: consistent), and why
    the pairs it found were not compared."""

    requirement_id: str
    verdicts: dict[Get, Finding | None] = field(default_factory=dict)
    unjudged: Counter[str] = field(default_factory=Counter)  # why, by kind
    reasons: dict[str, str] = field(default_factory=dict)  # the first reason of each kind, for the reader
    closest: dt.timedelta | None = None  # of the pairs recorded too far apart
    counted: set[tuple[int, int]] = field(default_factory=set)  # the pairs not compared, counted once

    def partners(self, b: Get, variants: Iterable[list[Get]]) -> Iterator[Get]:
        """The exchanges ``b`` is compared with: of each variant (exchanges whose answers would give
        the same verdict), the first that may be compared. Many identical answers stay cheap."""
        for variant in variants:
            a = next((a for a in variant if a is not b and self._comparable(a, b)), None)
            if a is not None:
                yield a

    def _comparable(self, a: Get, b: Get) -> bool:
        silent = next((get for get in (a, b) if get.kind == "other"), None)
        reason = None if silent is not None else apart(a.context, b.context)
        if silent is None and reason is None:
            return True
        pair = (min(id(a), id(b)), max(id(a), id(b)))
        if pair in self.counted:
            return False
        self.counted.add(pair)
        if silent is not None:
            status = silent.status
            if status == 200:
                self._count("invalid", "where one's 200 body is no valid model object (SRV-200-* judge it)")
            else:
                self._count(
                    f"status {status}", f"where one got HTTP {status}, which says nothing about this rule"
                )
            return False
        assert reason is not None
        if reason.kind == "apart" and a.context.at is not None and b.context.at is not None:
            gap = abs(a.context.at - b.context.at)
            self.closest = gap if self.closest is None else min(self.closest, gap)
        self._count(reason.kind, reason.text)
        return False

    def defer(self, owner: str) -> None:
        self._count("deferred", f"whose difference {owner} names")

    def _count(self, kind: str, reason: str) -> None:
        self.unjudged[kind] += 1
        self.reasons.setdefault(kind, reason)

    def why_unjudged(self) -> str:
        why = []
        for kind, count in self.unjudged.most_common():
            reason = self.reasons[kind]
            if kind == "apart" and self.closest is not None:
                reason = f"recorded more than {duration(WINDOW)} apart (the closest {duration(self.closest)})"
            why.append(f"{count} {reason}")
        total = sum(self.unjudged.values())
        return f"none of the {total} pair(s) that could show it was judged: " + "; ".join(why)

    def agree(self, judged: Get) -> None:
        self.verdicts.setdefault(judged, None)

    def compare(self, judged: Get, other: Get, found: tuple[str, Any, Any] | None, message: str) -> None:
        """``judged`` agrees with ``other`` when nothing was ``found`` different; else a contradiction."""
        if found is None:
            self.agree(judged)
            return
        path, expected, received = found
        self.contradict(judged, other, message, path=path, expected=expected, received=received)

    def contradict(self, judged: Get, other: Get, message: str, **details: Any) -> None:
        if self.verdicts.get(judged) is None:
            self.verdicts[judged] = Finding(
                self.requirement_id, message, exchange=judged.exchange, compared=other.exchange, **details
            )
