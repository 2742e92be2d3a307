"""Drift as data: everything seen beyond the contract, added up from any number of sources.

:class:`Drift` adds up observations from any source (cassettes, a server run, a JSON report's
``drift`` section) and writes them as one JSON object, the shape of ``models-conformance drift
--json`` and of a server report's ``drift`` key (README: "The drift report"). Two Drifts merge into the
one that would have seen both sources: counts add up, first and last seen are the minimum and the
maximum, the example is the earliest one. That is how a pytest-xdist run adds up its workers' traffic.

A server sends the same body many times (each retrieval of a model); each distinct body is counted as
a bundle (how often, first and last seen) and folded into the items when they are read, so that an
exchange costs a dictionary lookup rather than one step per field its body holds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..exchange import Exchange
from ..schemas import DEFAULT_CONTRACT
from . import safe
from .fields import Seen
from .item import KINDS, DriftFormatError, Item, Key, item_key, sort_key
from .observe import BodyKey, Counted, body_observations, is_models_traffic, observations, seen_at

__all__ = ["KINDS", "Drift", "DriftFormatError", "Item", "drift_of"]

Where = Callable[[], dict[str, Any]]


@dataclass
class _Bundle:
    """One distinct body: what it shows, how many exchanges returned it, when, and the first place."""

    counted: Counted
    where: dict[str, Any]
    exchanges: int = 0
    first: str | None = None
    last: str | None = None

    def seen(self, when: str | None, where: Where) -> None:
        self.exchanges += 1
        if when is not None:
            if self.first is not None and when < self.first:
                self.where = where()  # the example is the earliest one seen
            self.first = when if self.first is None else min(self.first, when)
            self.last = when if self.last is None else max(self.last, when)


class Drift:
    """Everything seen beyond the contract, from any number of sources."""

    def __init__(self, contract: str = DEFAULT_CONTRACT) -> None:
        self.contract = contract
        self.exchanges = 0
        self._items: dict[Key, Item] = {}
        self._beyond_seed: dict[Key, Item] = {}
        self._bundles: dict[BodyKey, _Bundle] = {}

    @property
    def found(self) -> int:
        """How many things the contract does not describe were seen (fields beyond the seed aside)."""
        self._fold()
        return len(self._items)

    def observe(
        self,
        exchange: Exchange,
        where: Where,
        recorded_at: str | None = None,
        *,
        client_request: bool = True,
        clock: Callable[[], str | None] | None = None,
    ) -> bool:
        """Add what ``exchange`` shows; False (and nothing added) when it is not models traffic.

        ``where()`` is the example's place, asked only for what is new. The date is the response's
        ``Date`` header, else ``recorded_at``, else what ``clock()`` says.
        """
        if not is_models_traffic(exchange):
            return False
        self.exchanges += 1
        found = observations(exchange, client_request=client_request)
        body = body_observations(exchange)
        if not found and body is None:
            return True
        if recorded_at is None and clock is not None:
            recorded_at = clock()
        when = seen_at(exchange, recorded_at)
        if found:
            self._add(tuple((seen, 1) for seen in found), when, where)
        if body is not None:
            key, counted = body
            bundle = self._bundles.get(key)
            if bundle is None:
                bundle = self._bundles[key] = _Bundle(counted, where())
            bundle.seen(when, where)
        return True

    def _add(self, found: Counted, when: str | None, where: Where, exchanges: int = 1) -> None:
        """Count ``found`` (seen in ``exchanges`` exchanges, the earliest at ``when``, in ``where()``)."""
        for seen, count in found:
            table = self._beyond_seed if seen.beyond_seed else self._items
            key = item_key(seen)
            item = table.get(key)
            if item is None:
                kind, name, value, status, owner, contract = key
                item = table[key] = Item(kind, name, value, seen.nested, seen.open, owner, status, contract)
            if not item.example or (
                when is not None and item.first_seen is not None and when < item.first_seen
            ):
                # The example is the earliest one seen; of those seen at once, the first read.
                item.example = {"value": safe.shown(seen.name, seen.example), **where()}
            item.members |= {safe.printable(member) for member in seen.members}
            item.seen(when, count * exchanges)

    def _fold(self) -> None:
        for bundle in self._bundles.values():
            self._add(bundle.counted, bundle.first, partial(dict, bundle.where), bundle.exchanges)
            for seen, _ in bundle.counted:
                self._item_of(seen).seen(bundle.last, 0)
        self._bundles.clear()

    def _item_of(self, seen: Seen) -> Item:
        return (self._beyond_seed if seen.beyond_seed else self._items)[item_key(seen)]

    def merge(self, data: Any, where: str = "drift") -> None:
        """Add a ``drift`` object (``as_dict()``'s shape) read back from a report or another process."""
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise DriftFormatError(f"{where}: not a drift object (an object with an `items` list)")
        exchanges = data.get("exchanges", 0)
        if not isinstance(exchanges, int) or isinstance(exchanges, bool):
            raise DriftFormatError(f"{where}.exchanges: not a whole number")
        beyond = data.get("beyond_seed", [])
        if not isinstance(beyond, list):
            raise DriftFormatError(f"{where}.beyond_seed: not a list")
        self._fold()
        tables = (("items", self._items, data["items"]), ("beyond_seed", self._beyond_seed, beyond))
        parsed = [
            (table, Item.from_dict(entry, f"{where}.{name}[{index}]"))
            for name, table, entries in tables
            for index, entry in enumerate(entries)
        ]
        self.exchanges += exchanges
        for table, item in parsed:
            if item.key in table:
                table[item.key].merge(item)
            else:
                table[item.key] = item

    def as_dict(self) -> dict[str, Any]:
        self._fold()
        return {
            "contract": self.contract,
            "exchanges": self.exchanges,
            "found": len(self._items),
            "items": [item.as_dict() for item in sorted(self._items.values(), key=sort_key)],
            "beyond_seed": [item.as_dict() for item in sorted(self._beyond_seed.values(), key=sort_key)],
        }


def drift_of(exchanges: Iterable[Exchange], contract: str = DEFAULT_CONTRACT) -> Drift:
    """What the answers among ``exchanges`` show beyond the contract (the suite's own requests aside:
    their betas are the suite's choice, not drift). An exchange without a ``Date`` header is dated by
    when it arrived."""
    drift = Drift(contract)
    for exchange in exchanges:
        if exchange.source == "scenario":
            continue
        request = exchange.request

        def where(exchange: Exchange = exchange, request: Any = request) -> dict[str, Any]:
            if exchange.source == "recording":
                file, _, index = exchange.where.rpartition(" #")
                return {"file": file, "interaction": int(index) if index.isdigit() else index}
            return {"request": safe.request_line(request.method, request.target)}

        arrived = None
        if exchange.at is not None:
            arrived = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(exchange.at))
        drift.observe(exchange, where, arrived, client_request=exchange.source == "recording")
    return drift
