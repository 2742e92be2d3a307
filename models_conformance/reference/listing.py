"""GET /v1/models: query parameters and cursor pagination over a catalog view, newest first."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .catalog import LIFECYCLES

__all__ = ["DEFAULT_LIFECYCLES", "Entry", "ListQuery", "QueryError", "page", "parse_list_query"]

# "When omitted, the list contains the `active` and `deprecated` models; `retired` models appear only
# when `retired` is requested explicitly." (SDK 2.14, ModelListParams.lifecycle)
DEFAULT_LIFECYCLES = frozenset({"active", "deprecated"})
MAX_LIMIT = 1000
DEFAULT_LIMIT = 20


class QueryError(ValueError):
    """A query parameter the list cannot honour; the message becomes a 400 invalid_request_error."""


@dataclass(frozen=True)
class Entry:
    """One model of a view: its id, lifecycle and already-serialised body."""

    id: str
    lifecycle: str
    body: bytes


@dataclass(frozen=True)
class ListQuery:
    before_id: str | None = None
    after_id: str | None = None
    limit: int = DEFAULT_LIMIT
    lifecycles: frozenset[str] = DEFAULT_LIFECYCLES


def parse_list_query(pairs: Sequence[tuple[str, str]]) -> ListQuery:
    """Read ``before_id``, ``after_id``, ``limit`` and ``lifecycle[]``/``lifecycle``; others are ignored.

    An empty value counts as not given (SDKs send empty strings for unset optional parameters).
    """
    before_id = after_id = None
    limit = DEFAULT_LIMIT
    lifecycles: set[str] = set()
    for name, value in pairs:
        if not value:
            continue
        if name == "before_id":
            before_id = value
        elif name == "after_id":
            after_id = value
        elif name == "limit":
            limit = _limit(value)
        elif name in ("lifecycle[]", "lifecycle"):
            for item in value.split(","):
                if item not in LIFECYCLES:
                    raise QueryError(
                        f"lifecycle: unknown value {item!r}; allowed values: {', '.join(LIFECYCLES)}"
                    )
                lifecycles.add(item)
    return ListQuery(before_id, after_id, limit, frozenset(lifecycles) or DEFAULT_LIFECYCLES)


def _limit(value: str) -> int:
    if value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_LIMIT:
        return int(value)
    raise QueryError(f"limit: must be an integer from 1 to {MAX_LIMIT}, got {value!r}")


def page(
    entries: Sequence[Entry], positions: Mapping[str, int], query: ListQuery, *, lenient_cursors: bool
) -> bytes:
    """The page body for ``query``.

    ``positions`` maps every id and alias to its index in ``entries``. A cursor that names no model is
    a QueryError, unless ``lenient_cursors`` (permissive mode), where it yields an empty page.
    """
    low, high = 0, len(entries)
    for name, cursor in (("after_id", query.after_id), ("before_id", query.before_id)):
        if cursor is None:
            continue
        position = positions.get(cursor)
        if position is None:
            if lenient_cursors:
                return _body([], has_more=False)
            raise QueryError(f"{name}: no model with id {cursor!r}; use an id from a previous page")
        if name == "after_id":
            low = position + 1
        else:
            high = position
    window = [entry for entry in entries[low:high] if entry.lifecycle in query.lifecycles]
    if query.before_id is not None and query.after_id is None:
        # Paging backwards: the page is the `limit` models right before the cursor.
        chosen = window[-query.limit :]
    else:
        chosen = window[: query.limit]
    return _body(chosen, has_more=len(window) > len(chosen))


def _body(chosen: Sequence[Entry], *, has_more: bool) -> bytes:
    data = b",".join(entry.body for entry in chosen)
    first = _json_string(chosen[0].id) if chosen else b"null"
    last = _json_string(chosen[-1].id) if chosen else b"null"
    return (
        b'{"data":['
        + data
        + b'],"has_more":'
        + (b"true" if has_more else b"false")
        + b',"first_id":'
        + first
        + b',"last_id":'
        + last
        + b"}"
    )


def _json_string(value: str) -> bytes:
    return json.dumps(value).encode("ascii")
