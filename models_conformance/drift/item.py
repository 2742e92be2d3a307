"""One thing the drift report lists: what it is, how often and when it was seen, and one example.

An item is named by its kind, its name (a field path, an enum field, a beta value, an error type, a
header), the new value of an enum, the HTTP status of an error type, the object a field belongs to
(``model`` or ``list``) and the contract version it was judged under; everything else adds up (the
members of a ``x.*`` field: every one seen).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from . import safe
from .fields import Seen

__all__ = ["KINDS", "DriftFormatError", "Item", "Key", "item_key", "sort_key"]

KINDS = ("field", "enum", "beta", "error_type", "header")
Key = tuple[str, str, str | None, int | None, str | None, str | None]


class DriftFormatError(ValueError):
    """A ``drift`` object that does not have the documented shape; the message says where."""


@dataclass
class Item:
    kind: str
    name: str
    value: str | None = None
    nested: bool = False
    open: bool = False
    object: str | None = None
    status: int | None = None
    contract: str | None = None
    count: int = 0
    first_seen: str | None = None
    last_seen: str | None = None
    example: dict[str, Any] = field(default_factory=dict)
    members: set[str] = field(default_factory=set)  # field ``x.*``: the paths seen inside ``x``

    @property
    def key(self) -> Key:
        return (self.kind, self.name, self.value, self.status, self.object, self.contract)

    def seen(self, when: str | None, count: int = 1) -> None:
        self.count += count
        if when is not None:
            self.first_seen = when if self.first_seen is None else min(self.first_seen, when)
            self.last_seen = when if self.last_seen is None else max(self.last_seen, when)

    def merge(self, other: Item) -> None:
        earlier = other.first_seen is not None and (
            self.first_seen is None or other.first_seen < self.first_seen
        )
        if earlier or not self.example:
            self.example = other.example
        self.count += other.count
        self.members |= other.members
        for when in (other.first_seen, other.last_seen):
            self.seen(when, 0)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "name": self.name}
        if self.kind == "field":
            data.update(nested=self.nested, object=self.object, contract=self.contract)
            if self.members:
                data["members"] = sorted(self.members)
        elif self.kind == "enum":
            data.update(value=self.value, open=self.open, contract=self.contract)
        elif self.kind == "error_type":
            data["status"] = self.status
        data.update(count=self.count, first_seen=self.first_seen, last_seen=self.last_seen)
        data["example"] = dict(self.example)
        return data

    @classmethod
    def from_dict(cls, data: Any, where: str) -> Item:
        if (
            not isinstance(data, dict)
            or data.get("kind") not in KINDS
            or not isinstance(data.get("name"), str)
        ):
            raise DriftFormatError(
                f"{where}: not a drift item (an object with kind in {', '.join(KINDS)} and a name)"
            )
        count = data.get("count")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise DriftFormatError(f"{where}: count is not a whole number >= 0")
        dates = [data.get("first_seen"), data.get("last_seen")]
        if not all(d is None or isinstance(d, str) for d in dates):
            raise DriftFormatError(f"{where}: first_seen and last_seen are strings or null")
        example = data.get("example")
        members = data.get("members", [])
        if not isinstance(members, list) or not all(isinstance(member, str) for member in members):
            raise DriftFormatError(f"{where}: members is a list of strings")
        status = data.get("status")
        return cls(
            kind=data["kind"],
            name=data["name"],
            value=data.get("value") if isinstance(data.get("value"), str) else None,
            nested=bool(data.get("nested", False)),
            open=bool(data.get("open", False)),
            object=data.get("object") if isinstance(data.get("object"), str) else None,
            status=status if isinstance(status, int) and not isinstance(status, bool) else None,
            contract=data.get("contract") if isinstance(data.get("contract"), str) else None,
            count=count,
            first_seen=dates[0],
            last_seen=dates[1],
            example=dict(example) if isinstance(example, dict) else {},
            members=set(members),
        )


@lru_cache(maxsize=4096)
def item_key(seen: Seen) -> Key:
    """The item ``seen`` counts towards; values that may identify an account are withheld in it too."""
    value = safe.shown(seen.name, seen.value) if seen.value is not None else None
    # Field paths and header names are the drift itself; beta values and error types are checked too.
    named = seen.kind in ("field", "enum", "header")
    name = safe.printable(seen.name) if named else safe.shown("", seen.name)
    return (seen.kind, name, value, seen.status, seen.object, seen.contract)


def sort_key(item: Item) -> tuple[Any, ...]:
    return (
        KINDS.index(item.kind),
        item.object or "",
        item.name,
        item.value or "",
        item.status or 0,
        item.contract or "",
    )
