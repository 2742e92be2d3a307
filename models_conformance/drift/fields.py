"""Model fields and enum values that a schema does not describe.

A body is walked beside its schema. A member the schema's ``properties`` (or an
``additionalProperties`` schema) does not name is an undescribed field, and so is everything inside
it; a nested one is written as a dotted path (``thinking.types.adaptive``; ``[]`` for the elements of
an array). The members of an object the schema types only as an object (``capabilities``: its names
grow with every release) are one thing, ``capabilities.*``, that names how many members were seen and
which. A string outside a property's ``enum`` is a new value of a closed enum; a
string property with ``examples`` but no ``enum`` (``line``) is an open enum, whose new values are
listed as such. A value of the wrong type is a violation for the suite to judge, not drift: the walk
does not descend into it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = ["MAX_DEPTH", "Seen", "counted", "undescribed"]

# Deeper than any real body; a walk stops there rather than recurse without end into a hostile one.
MAX_DEPTH = 24


@dataclass(frozen=True)
class Seen:
    """One thing in one exchange that the contract does not describe, with the value it had.

    Two are equal when they name the same thing, whatever their examples: an exchange's findings are
    counted by what they name.
    """

    kind: str  # "field", "enum", "beta", "error_type", "header"
    name: str  # field path, enum field path, beta value, error type, header name
    example: Any = field(default=None, compare=False)  # the value seen (shown only through drift.safe)
    value: str | None = None  # enum: the new value
    nested: bool = False
    open: bool = False  # enum: open (new values expected) or closed
    object: str | None = None  # field: "model" (a BetaModelInfo) or "list" (the page around data[])
    status: int | None = None  # error_type: the HTTP status it came with
    contract: str | None = None  # field, enum: the contract version whose schema was applied
    beyond_seed: bool = False  # field: described by the schema from a later source, not by the seed
    # field ``x.*``: the paths inside the object ``x`` that its schema types only as an object
    members: frozenset[str] = field(default=frozenset(), compare=False)


def counted(found: Iterable[Seen]) -> tuple[tuple[Seen, int], ...]:
    """Each thing once, with how many times it was seen; the members of ``x.*`` of all of them."""
    by_thing: dict[Seen, tuple[Seen, int]] = {}
    for seen in found:
        first, count = by_thing.get(seen, (seen, 0))
        if seen.members - first.members:
            first = replace(first, members=first.members | seen.members)
        by_thing[seen] = (first, count + 1)
    return tuple(by_thing.values())


def _allows(schema: dict[str, Any], json_type: str) -> bool:
    declared = schema.get("type")
    if declared is None:
        return "const" not in schema and "enum" not in schema
    return json_type in (declared if isinstance(declared, list) else [declared])


def undescribed(
    node: dict[str, Any], schema: dict[str, Any], *, contract: str, owner: str, prefix: str = ""
) -> Iterator[Seen]:
    """Every member of ``node`` (and below) that ``schema`` does not describe, and every new enum value."""
    yield from _members(node, schema, prefix, contract, owner, 0)


def _members(
    node: dict[str, Any], schema: dict[str, Any], prefix: str, contract: str, owner: str, depth: int
) -> Iterator[Seen]:
    properties = schema.get("properties")
    properties = properties if isinstance(properties, dict) else {}
    additional = schema.get("additionalProperties")
    for key, value in node.items():
        path = f"{prefix}{key}"
        sub = properties.get(key)
        if sub is None and isinstance(additional, dict):
            sub = additional
        if not isinstance(sub, dict):
            yield Seen("field", path, value, nested=bool(prefix), object=owner, contract=contract)
            yield from _inside(value, path, contract, owner, depth + 1)
            continue
        yield from _enum_value(sub, path, value, contract)
        if depth >= MAX_DEPTH:
            continue
        if isinstance(value, dict) and _allows(sub, "object") and _only_typed(sub):
            yield from _folded(value, path, contract, owner, depth + 1)
        elif isinstance(value, dict) and _allows(sub, "object"):
            yield from _members(value, sub, f"{path}.", contract, owner, depth + 1)
        elif isinstance(value, list) and _allows(sub, "array"):
            items = sub.get("items")
            for element in value:
                if isinstance(element, dict) and isinstance(items, dict) and _allows(items, "object"):
                    yield from _members(element, items, f"{path}[].", contract, owner, depth + 1)
                elif isinstance(element, dict) and not isinstance(items, dict):
                    yield from _inside(element, f"{path}[]", contract, owner, depth + 1)


def _only_typed(schema: dict[str, Any]) -> bool:
    """Whether ``schema`` describes none of an object's members (it says only that it is an object)."""
    return "properties" not in schema and not isinstance(schema.get("additionalProperties"), dict)


def _folded(value: dict[str, Any], path: str, contract: str, owner: str, depth: int) -> Iterator[Seen]:
    """The members of an object whose schema names none of them: one thing, ``path.*``."""
    inside = _inside(value, path, contract, owner, depth)
    inner = frozenset(seen.name.removeprefix(f"{path}.") for seen in inside)
    if inner:
        yield Seen("field", f"{path}.*", value, nested=True, object=owner, contract=contract, members=inner)


def _inside(value: Any, path: str, contract: str, owner: str, depth: int) -> Iterator[Seen]:
    """Everything within an undescribed value: undescribed too."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}"
            yield Seen("field", inner, item, nested=True, object=owner, contract=contract)
            yield from _inside(item, inner, contract, owner, depth + 1)
    elif isinstance(value, list):
        for element in value:
            if isinstance(element, dict):
                yield from _inside(element, f"{path}[]", contract, owner, depth + 1)


def _enum_value(schema: dict[str, Any], path: str, value: Any, contract: str) -> Iterator[Seen]:
    if not isinstance(value, str):
        return
    enum = schema.get("enum")
    if isinstance(enum, list):
        if value not in enum:
            yield Seen("enum", path, value, value=value, contract=contract)
        return
    examples = schema.get("examples")
    if isinstance(examples, list) and _allows(schema, "string") and value not in examples:
        yield Seen("enum", path, value, value=value, open=True, contract=contract)
