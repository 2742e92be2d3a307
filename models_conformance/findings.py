"""Findings: one violation of one requirement, seen in one exchange; and how repeats are grouped.

A finding names the requirement, says what happened, shows where in the JSON the problem is with the
expected and received values, and carries a one-line reproduction with credentials left out. The
same problem seen in many exchanges of the same kind is one :class:`FindingGroup` with a count, shown
by its smallest example (after shrinking, the minimal one).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from . import registry
from .exchange import Exchange
from .secret import redact

__all__ = ["MISSING", "ConformanceFailure", "Finding", "FindingGroup", "group", "probe_of", "shape_of"]


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


def show(value: Any) -> str:
    """A value as a finding shows it: JSON where it is JSON, cut at 300 characters, keys removed."""
    if value is MISSING:
        return "(absent)"
    if isinstance(value, str | int | float | bool | list | dict) or value is None:
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    return redact(text if len(text) <= 300 else text[:300] + "…")


def shape_of(exchange: Exchange) -> str:
    """What kind of answer this is, for grouping: what was asked for, and the answer's status."""
    path = urlsplit(exchange.request.target).path.rstrip("/")
    what = "the list" if path.endswith("/v1/models") else "a model"
    status = exchange.response.status
    answer = "no answer" if status == 0 else f"{status}"
    return f"{what}, answered {answer}"


def probe_of(exchange: Exchange) -> str:
    """What the probe was, in words ("listed model"), or where a recording came from."""
    if exchange.probe.shape:
        return exchange.probe.shape
    return "recorded exchange" if exchange.source == "recording" else "request"


@dataclass(frozen=True)
class Finding:
    """One violation of one requirement, seen in one exchange (or in a client's call)."""

    requirement_id: str
    # What happened, in the same words wherever the same problem shows; the particular values go in
    # expected/received and the exchange.
    message: str
    path: str = "$"
    expected: Any = MISSING
    received: Any = MISSING
    exchange: Exchange | None = None
    # The other exchange a cross-exchange rule compared this one with.
    compared: Exchange | None = None
    # How to see it again when a curl of the exchange would not do (a client's call).
    how_to_reproduce: str | None = field(default=None, compare=False)
    # Where it was seen when no exchange shows it: "file.yaml #3" (a recording), "call 17" (a client).
    location: str = ""

    @property
    def where(self) -> str:
        return self.exchange.where if self.exchange is not None and self.exchange.where else self.location

    @property
    def requirement(self) -> registry.Requirement:
        return registry.get(self.requirement_id)

    @property
    def reproduction(self) -> str | None:
        if self.how_to_reproduce is not None:
            return redact(self.how_to_reproduce)
        return self.exchange.reproduction() if self.exchange is not None else None

    @property
    def status(self) -> int | None:
        return self.exchange.response.status if self.exchange is not None else None

    def render(self, *, statement: bool = True) -> str:
        requirement = self.requirement
        lines = [f"{requirement.id} ({requirement.level}) violated: {redact(self.message)}"]
        if statement:
            lines += [f"  requirement: {requirement.statement}", f"  source: {requirement.source}"]
        if self.expected is not MISSING or self.received is not MISSING:
            lines.append(f"  at {self.path}: expected {show(self.expected)}, received {show(self.received)}")
        if self.exchange is not None:
            where = f" ({self.where})" if self.where else ""
            lines.append(f"  response: {self.exchange.response.describe()}{where}")
        elif self.where:
            lines.append(f"  seen in: {self.where}")
        if self.compared is not None and self.compared.where:
            lines.append(f"  compared with: {self.compared.where}")
        if self.reproduction:
            lines.append(f"  reproduce: {self.reproduction}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "requirement": self.requirement_id,
            "message": redact(self.message),
            "path": self.path,
        }
        if self.expected is not MISSING:
            data["expected"] = show(self.expected)
        if self.received is not MISSING:
            data["received"] = show(self.received)
        if self.exchange is not None:
            data["status"] = self.exchange.response.status
        if self.where:
            data["where"] = self.where
        if self.compared is not None and self.compared.where:
            data["compared_with"] = self.compared.where
        if self.reproduction:
            data["reproduction"] = self.reproduction
        return data


@dataclass
class FindingGroup:
    """The same problem of one requirement, seen in ``count`` exchanges of one shape."""

    first: Finding  # the smallest example: the shortest request target
    count: int
    shape: str
    probes: Counter[str] = field(default_factory=Counter)  # the kinds of probe it was seen in

    def seen_in(self) -> str:
        """``"listed model (20); declared alias (10)"``: which probes showed it, most first."""
        return "; ".join(f"{probe} ({count})" for probe, count in self.probes.most_common())

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {**self.first.as_dict(), "count": self.count}
        if self.shape:
            data.update(shape=self.shape, seen_in=self.seen_in())
        return data


_INDEX = re.compile(r"\[\d+\]")


def _size(finding: Finding) -> tuple[int, str]:
    target = finding.exchange.request.target if finding.exchange is not None else ""
    return len(target), target


def group(findings: Iterable[Finding]) -> list[FindingGroup]:
    """One group per distinct (requirement, problem, JSON path, exchange shape), in the order first
    seen; each shown by its smallest example, with the probes that showed it."""
    groups: dict[tuple[Any, ...], FindingGroup] = {}
    for finding in findings:
        shape = shape_of(finding.exchange) if finding.exchange is not None else ""
        # Every element of a list page with the same problem is one problem: $.data[*].type.
        key = (finding.requirement_id, finding.message, _INDEX.sub("[*]", finding.path), shape)
        found = groups.get(key)
        if found is None:
            found = groups[key] = FindingGroup(finding, 0, shape)
        elif _size(finding) < _size(found.first):
            found.first = finding
        found.count += 1
        if finding.exchange is not None:
            found.probes[probe_of(finding.exchange)] += 1
    return list(groups.values())


class ConformanceFailure(AssertionError):
    """A requirement is violated. ``str()`` is the full explanation; ``.findings`` the data."""

    def __init__(self, findings: list[Finding] | Finding, *, more: int = 0) -> None:
        self.findings = [findings] if isinstance(findings, Finding) else list(findings)
        if not self.findings:
            raise ValueError("a ConformanceFailure needs at least one finding")
        self.more = more
        super().__init__(self.render())

    @property
    def finding(self) -> Finding:
        return self.findings[0]

    @property
    def requirement_id(self) -> str:
        return self.finding.requirement_id

    def render(self) -> str:
        text = "\n".join(finding.render() for finding in self.findings)
        if self.more:
            text += f"\n  (and {self.more} more exchange(s) with the same violation)"
        return text
