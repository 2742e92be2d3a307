"""Drift as rows and text: the terminal table, and the rows the Markdown and HTML reports show.

Everything here reads a ``drift`` object (``Drift.as_dict()``, or a report's ``drift`` key) leniently:
a field that is missing shows as empty rather than failing the report.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

__all__ = [
    "COLUMNS",
    "WITHHELD",
    "Row",
    "beyond_seed_rows",
    "drift_rows",
    "headline",
    "summary_lines",
    "table",
]

# What an example shows in place of a value that may identify an account (drift.safe decides which).
WITHHELD = "(withheld)"
COLUMNS = ("kind", "item", "contract", "count", "first seen", "last seen", "example", "where")
Row = tuple[str, str, str, str, str, str, str, str]
# Terminal column widths; a place keeps its end (the file name and the interaction).
# An item is never cut: two long paths may differ only at their ends.
_WIDTHS = {"example": 36, "where": 64}
SUMMARY_NAMES = 4
# The members of a ``x.*`` field named in the terminal (the reports and --json name them all).
MEMBERS_SHOWN = 6
_KIND_LABELS = {
    "field": "fields",
    "enum": "enum values",
    "beta": "betas",
    "error_type": "error types",
    "header": "headers",
}


def _items(drift: Any, key: str) -> list[dict[str, Any]]:
    items = drift.get(key) if isinstance(drift, dict) else None
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _kind(item: dict[str, Any]) -> str:
    kind = str(item.get("kind", ""))
    if kind == "field":
        if item.get("object") == "list":
            return "list field"
        return "nested field" if item.get("nested") else "field"
    if kind == "enum":
        return "open enum value" if item.get("open") else "enum value"
    return kind.replace("_", " ")


def _name(item: dict[str, Any], short: bool = False) -> str:
    name = str(item.get("name", ""))
    members = item.get("members")
    if item.get("kind") == "field" and isinstance(members, list) and members:
        shown = members[:MEMBERS_SHOWN] if short else members
        more = f", … and {len(members) - len(shown)} more" if len(members) > len(shown) else ""
        return f"{name} ({len(members)} members: {', '.join(map(str, shown))}{more})"
    if item.get("kind") == "enum":
        return f"{name} = {json.dumps(item.get('value'), ensure_ascii=False)}"
    if item.get("kind") == "error_type" and item.get("status") is not None:
        return f"{name} (HTTP {item['status']})"
    return name


def _date(value: Any) -> str:
    return str(value)[:10] if value else "unknown"


def where(example: Any, *, short: bool = False) -> str:
    """Where an example was seen: ``file, interaction N`` (``short``: ``name #N``), or its request."""
    if not isinstance(example, dict):
        return ""
    if example.get("file") is not None:
        file, interaction = str(example["file"]), example.get("interaction")
        if short:
            return PurePath(file).name + (f" #{interaction}" if interaction is not None else "")
        return f"{file}, interaction {interaction}" if interaction is not None else file
    return str(example.get("request") or "")


def _row(item: dict[str, Any], short: bool = False) -> Row:
    example = item.get("example")
    value = str(example.get("value", "")) if isinstance(example, dict) else ""
    return (
        _kind(item),
        _name(item, short),
        str(item.get("contract") or ""),
        str(item.get("count", "")),
        _date(item.get("first_seen")),
        _date(item.get("last_seen")),
        value,
        where(example, short=short),
    )


def drift_rows(drift: Any) -> list[Row]:
    """One row per thing the contract does not describe."""
    return [_row(item) for item in _items(drift, "items")]


def beyond_seed_rows(drift: Any) -> list[Row]:
    """One row per field the schema describes from a later source (the official SDKs), not the seed."""
    return [_row(item) for item in _items(drift, "beyond_seed")]


def headline(drift: Any) -> str:
    found = len(_items(drift, "items"))
    exchanges = drift.get("exchanges", 0) if isinstance(drift, dict) else 0
    contract = drift.get("contract") if isinstance(drift, dict) else None
    what = f"{found} thing{'s' if found != 1 else ''} the contract does not describe" if found else "no drift"
    scope = f"in {exchanges} models exchange{'s' if exchanges != 1 else ''}"
    if contract:
        scope += f" (under the contract each request names; {contract} where it names none)"
    return f"drift: {what} {scope}"


def _cut(column: str, text: str) -> str:
    width = _WIDTHS.get(column, 200)
    if len(text) <= width:
        return text
    return "…" + text[1 - width :] if column == "where" else text[: width - 1] + "…"


def _aligned(rows: Sequence[Row]) -> list[str]:
    # One contract for every row is said once, in the headline: the column is left out.
    columns = [c for c in COLUMNS if c != "contract" or len({row[2] for row in rows} - {""}) > 1]
    index = [COLUMNS.index(c) for c in columns]
    cut = [[_cut(COLUMNS[i], row[i]) for i in index] for row in rows]
    widths = [max(len(column), *(len(row[n]) for row in cut)) for n, column in enumerate(columns)]
    lines = ["  ".join(column.ljust(widths[n]) for n, column in enumerate(columns)).rstrip()]
    for row in cut:
        lines.append("  ".join(cell.ljust(widths[n]) for n, cell in enumerate(row)).rstrip())
    return lines


def table(drift: Any) -> list[str]:
    """The terminal output: the headline, the drift table, then the fields beyond the seed.

    A place is the file's name and the interaction's number (``--json`` has the whole path).
    """
    lines = [headline(drift)]
    rows = [_row(item, short=True) for item in _items(drift, "items")]
    if rows:
        lines += _aligned(rows)
    beyond = [_row(item, short=True) for item in _items(drift, "beyond_seed")]
    if beyond:
        lines += [
            "",
            f"beyond the seed: {len(beyond)} field(s) the schema describes from the official SDKs "
            "(API version 2026-10-21), not from the seed page (not drift)",
            *_aligned(beyond),
        ]
    if any(row[6] == WITHHELD for row in rows + beyond):
        lines += ["", f"{WITHHELD}: the value may identify an account or be a credential, and is not shown"]
    return lines


def summary_lines(drift: Any, shown: int = SUMMARY_NAMES) -> list[str]:
    """A few lines for the end of a pytest run: the headline, then one line per kind of drift."""
    lines = [headline(drift)]
    items = _items(drift, "items")
    for kind, label in _KIND_LABELS.items():
        of_kind = sorted((i for i in items if i.get("kind") == kind), key=lambda i: bool(i.get("nested")))
        if not of_kind:
            continue
        listed = ", ".join(_name(item, short=True) for item in of_kind[:shown])
        more = f", … and {len(of_kind) - shown} more" if len(of_kind) > shown else ""
        lines.append(f"  {label} ({len(of_kind)}): {listed}{more}")
    if items:
        lines.append("  the JSON, HTML and Markdown reports list each with its count, dates and an example")
    return lines
