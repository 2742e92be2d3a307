"""The one exception every check raises: :class:`ConformanceFailure`.

It names the requirement, quotes its statement, shows where in the JSON the problem is with the
expected and received values, and carries a one-line reproduction with credentials left out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from . import registry
from .exchange import Exchange, redact

__all__ = ["MISSING", "Blocked", "ConformanceFailure", "Finding"]


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


def _show(value: Any) -> str:
    if value is MISSING:
        return "(absent)"
    if isinstance(value, str | int | float | bool | list | dict) or value is None:
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    return redact(text if len(text) <= 300 else text[:300] + "…")


@dataclass(frozen=True)
class Finding:
    """One violation of one requirement, seen in one exchange (or none, for client-side findings)."""

    requirement_id: str
    message: str
    path: str = "$"
    expected: Any = MISSING
    received: Any = MISSING
    exchange: Exchange | None = None

    @property
    def requirement(self) -> registry.Requirement:
        return registry.get(self.requirement_id)

    @property
    def reproduction(self) -> str | None:
        return self.exchange.reproduction() if self.exchange is not None else None

    def render(self) -> str:
        requirement = self.requirement
        lines = [
            f"{requirement.id} ({requirement.level}) violated: {redact(self.message)}",
            f"  requirement: {requirement.statement}",
            f"  source: {requirement.source}",
        ]
        if self.expected is not MISSING or self.received is not MISSING:
            lines.append(
                f"  at {self.path}: expected {_show(self.expected)}, received {_show(self.received)}"
            )
        if self.exchange is not None:
            response = self.exchange.response
            problem = f": {redact(response.problem)}" if response.problem else ""
            lines.append(f"  response: {f'HTTP {response.status}' if response.status else 'none'}{problem}")
            lines.append(f"  reproduce: {self.reproduction}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "requirement": self.requirement_id,
            "message": redact(self.message),
            "path": self.path,
        }
        if self.expected is not MISSING:
            data["expected"] = _show(self.expected)
        if self.received is not MISSING:
            data["received"] = _show(self.received)
        if self.exchange is not None:
            data["status"] = self.exchange.response.status
            if self.exchange.response.problem:
                data["problem"] = redact(self.exchange.response.problem)
            data["reproduction"] = self.reproduction
        return data


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


class Blocked(Exception):
    """A check cannot be judged because something it needs is broken (reported elsewhere); a skip."""
