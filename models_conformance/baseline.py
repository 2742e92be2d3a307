"""Known-failure baselines: expected failures as data, with a reason and an optional expiry.

A baseline file (YAML or JSON) is either a list of entries or ``{"expected_failures": [...]}``;
an entry is ``{"id": "SRV-REQUEST-ID", "reason": "gateway strips it, INFRA-123", "expires": "2027-01-31"}``.

- a listed requirement that fails is an *expected failure*: it does not fail the run;
- a listed requirement that now passes is a *stale* entry: the run fails until the entry is removed;
- an entry past its ``expires`` date no longer excuses anything: the failure counts again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import registry

__all__ = ["Baseline", "BaselineEntry", "BaselineError", "load_baseline", "write_baseline"]

_EXAMPLE = '[{"id": "SRV-REQUEST-ID", "reason": "why it is accepted for now", "expires": "2027-01-31"}]'


class BaselineError(ValueError):
    """A baseline file that cannot be used; the message names the file and what is allowed."""


@dataclass(frozen=True)
class BaselineEntry:
    id: str
    reason: str
    expires: dt.date | None = None

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and today > self.expires

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "reason": self.reason}
        if self.expires is not None:
            data["expires"] = self.expires.isoformat()
        return data


@dataclass(frozen=True)
class Baseline:
    path: str
    entries: Mapping[str, BaselineEntry]

    def get(self, requirement_id: str) -> BaselineEntry | None:
        return self.entries.get(requirement_id)


def _entry(raw: Any, where: str) -> BaselineEntry:
    if not isinstance(raw, dict):
        raise BaselineError(f"{where}: an entry must be a mapping like {_EXAMPLE}; got {raw!r}")
    unknown_keys = set(raw) - {"id", "reason", "expires"}
    if unknown_keys:
        raise BaselineError(f"{where}: unknown key(s) {sorted(unknown_keys)}; allowed: id, reason, expires")
    requirement_id, reason = raw.get("id"), raw.get("reason")
    if not isinstance(requirement_id, str) or not requirement_id:
        raise BaselineError(f"{where}: 'id' must be a requirement ID such as SRV-404; got {requirement_id!r}")
    try:
        registry.get(requirement_id)
    except registry.UnknownRequirement as exc:
        raise BaselineError(f"{where}: {exc}") from None
    if not isinstance(reason, str) or not reason.strip():
        raise BaselineError(f"{where}: {requirement_id} needs a non-empty 'reason': say why it is accepted")
    expires = raw.get("expires")
    if isinstance(expires, str):
        try:
            expires = dt.date.fromisoformat(expires)
        except ValueError:
            raise BaselineError(f"{where}: 'expires' must be a date YYYY-MM-DD; got {expires!r}") from None
    if expires is not None and (not isinstance(expires, dt.date) or isinstance(expires, dt.datetime)):
        raise BaselineError(f"{where}: 'expires' must be a date YYYY-MM-DD; got {expires!r}")
    return BaselineEntry(requirement_id, reason.strip(), expires)


def load_baseline(path: str | Path) -> Baseline:
    """Read and check a baseline file; :class:`BaselineError` says precisely what is wrong."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"{source}: cannot read the baseline file ({exc.strerror or exc})") from None
    try:
        data = yaml.safe_load(text)  # YAML is a superset of JSON: one parser reads both
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise BaselineError(f"{source}: not valid YAML or JSON{where}") from None
    if isinstance(data, dict) and set(data) == {"expected_failures"}:
        data = data["expected_failures"]
    if data is None:
        data = []
    if not isinstance(data, list):
        raise BaselineError(
            f"{source}: expected a list of entries (or expected_failures: [...]), e.g. {_EXAMPLE}"
        )
    entries: dict[str, BaselineEntry] = {}
    for index, raw in enumerate(data):
        entry = _entry(raw, f"{source}: entry {index + 1}")
        if entry.id in entries:
            raise BaselineError(f"{source}: entry {index + 1}: {entry.id} is listed twice")
        entries[entry.id] = entry
    return Baseline(source, entries)


def write_baseline(path: str | Path, failed_ids: Iterable[str], *, today: dt.date | None = None) -> int:
    """Write the given failures as a starting baseline (reasons to be filled in); returns the count."""
    day = (today or dt.date.today()).isoformat()
    entries = [
        {"id": requirement_id, "reason": f"failing on {day}, when this baseline was written; say why"}
        for requirement_id in failed_ids
    ]
    header = "# Expected failures: id, reason, optional expires (YYYY-MM-DD). Written by --write-baseline.\n"
    body = yaml.safe_dump({"expected_failures": entries}, sort_keys=False, allow_unicode=True)
    Path(path).write_text(header + body, encoding="utf-8")
    return len(entries)
