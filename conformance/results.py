"""Per-requirement outcomes of a run, the JSON report and the terminal table.

A run has many test items; users and CI want one verdict per requirement. An item names its
requirement with ``@pytest.mark.requirement(ID)``; the requirement failed if any of its items
failed, was skipped if all of them were, and passed otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

from . import registry
from .exchange import redact
from .failures import ConformanceFailure

__all__ = ["ItemResult", "RequirementResult", "Results", "tool_version"]

Outcome = Literal["passed", "failed", "skipped"]


def tool_version() -> str:
    try:
        return metadata.version("models-api-conformance")
    except metadata.PackageNotFoundError:
        return "0+unknown"


@dataclass
class ItemResult:
    nodeid: str
    requirement_id: str
    outcome: Outcome
    message: str = ""
    findings: list[dict[str, Any]] = field(default_factory=list)
    reproduction: str | None = None
    harness_error: bool = False


@dataclass
class RequirementResult:
    requirement: registry.Requirement
    outcome: Outcome
    message: str
    reproduction: str | None
    items: list[ItemResult]

    def as_dict(self) -> dict[str, Any]:
        findings = [finding for item in self.items for finding in item.findings]
        return {
            "id": self.requirement.id,
            "level": self.requirement.level,
            "statement": self.requirement.statement,
            "outcome": self.outcome,
            "message": redact(self.message),
            "reproduction": self.reproduction,
            "findings": findings,
            "checks": [{"nodeid": item.nodeid, "outcome": item.outcome} for item in self.items],
        }


def item_from_exception(nodeid: str, requirement_id: str, exc: BaseException) -> ItemResult:
    if isinstance(exc, ConformanceFailure):
        findings = [finding.as_dict() for finding in exc.findings]
        first = exc.finding
        message = first.message + (
            f" (+{len(exc.findings) - 1 + exc.more} more)" if len(exc.findings) > 1 else ""
        )
        return ItemResult(nodeid, requirement_id, "failed", message, findings, first.reproduction)
    # Anything else is not a verdict on the target: the check could not finish.
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return ItemResult(
        nodeid, requirement_id, "failed", f"the check did not finish: {text}", harness_error=True
    )


class Results:
    def __init__(self, role: registry.Role) -> None:
        self.role: registry.Role = role
        self.items: list[ItemResult] = []

    def add(self, item: ItemResult) -> None:
        self.items.append(item)

    def by_requirement(self) -> list[RequirementResult]:
        out = []
        for requirement in registry.requirements(self.role):
            items = [item for item in self.items if item.requirement_id == requirement.id]
            out.append(_aggregate(requirement, items))
        return out

    def summary(self) -> dict[str, int]:
        results = self.by_requirement()
        return {
            "passed": sum(r.outcome == "passed" for r in results),
            "failed": sum(r.outcome == "failed" for r in results),
            "skipped": sum(r.outcome == "skipped" for r in results),
            "must_failed": sum(r.outcome == "failed" and r.requirement.fails_run for r in results),
        }

    def report(self, **context: Any) -> dict[str, Any]:
        return {
            "tool": {"name": "models-api-conformance", "version": tool_version()},
            "role": self.role,
            **context,
            "results": [result.as_dict() for result in self.by_requirement()],
            "summary": self.summary(),
        }

    def write_json(self, path: str | Path, **context: Any) -> None:
        text = json.dumps(self.report(**context), indent=2, ensure_ascii=False)
        Path(path).write_text(redact(text) + "\n", encoding="utf-8")

    def table(self) -> list[str]:
        results = self.by_requirement()
        width = max(len(r.requirement.id) for r in results)
        lines = [f"{'requirement':<{width}}  level   outcome  detail"]
        for result in results:
            detail = redact(result.message.splitlines()[0]) if result.message else ""
            lines.append(
                f"{result.requirement.id:<{width}}  {result.requirement.level:<6}  "
                f"{result.outcome:<7}  {detail[:100]}"
            )
        summary = self.summary()
        lines.append(
            f"{summary['passed']} passed, {summary['failed']} failed, {summary['skipped']} skipped; "
            f"MUST failed: {summary['must_failed']}"
        )
        return lines


def _aggregate(requirement: registry.Requirement, items: Iterable[ItemResult]) -> RequirementResult:
    items = list(items)
    failed = [item for item in items if item.outcome == "failed"]
    if failed:
        first = failed[0]
        return RequirementResult(requirement, "failed", first.message, first.reproduction, items)
    if not items:
        return RequirementResult(requirement, "skipped", "not run", None, items)
    if all(item.outcome == "skipped" for item in items):
        return RequirementResult(requirement, "skipped", items[0].message, None, items)
    return RequirementResult(requirement, "passed", "", None, items)
