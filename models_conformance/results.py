"""Per-requirement outcomes of a run, the JSON report and the terminal table.

A run has many test items; users and CI want one verdict per requirement. An item names its
requirement with ``@pytest.mark.requirement(ID)``. Findings about every response (observed while any
check ran) arrive separately, with how many responses could have shown them. A requirement failed
if any of its items failed or any observed finding names it; it passed if an item passed or some
response was judged for it; otherwise it was skipped. A baseline then turns listed failures into
expected failures, and listed passes into stale entries.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

from . import registry
from .baseline import Baseline
from .exchange import redact
from .failures import ConformanceFailure

__all__ = ["SHARED_REQUESTS", "ItemResult", "RequirementResult", "Results", "tool_version"]

# The key, in requests by requirement, of what no one check sent: reaching the target, discovery.
SHARED_REQUESTS = "(set-up)"

Outcome = Literal["passed", "failed", "skipped", "expected-failure"]


def tool_version() -> str:
    try:
        return metadata.version("models-api-conformance")
    except metadata.PackageNotFoundError:
        return "0+unknown"


@dataclass
class ItemResult:
    nodeid: str
    requirement_id: str
    outcome: Literal["passed", "failed", "skipped"]
    message: str = ""
    findings: list[dict[str, Any]] = field(default_factory=list)
    reproduction: str | None = None
    harness_error: bool = False
    throttled: bool = False

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ItemResult:
        return cls(**data)


@dataclass
class RequirementResult:
    requirement: registry.Requirement
    outcome: Outcome
    message: str
    reproduction: str | None
    items: list[ItemResult]
    findings: list[dict[str, Any]] = field(default_factory=list)
    baseline: dict[str, Any] | None = None
    stale_baseline: bool = False

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.requirement.id,
            "level": self.requirement.level,
            "statement": self.requirement.statement,
            "outcome": self.outcome,
            "message": redact(self.message),
            "reproduction": self.reproduction,
            "findings": self.findings,
            "checks": [{"nodeid": item.nodeid, "outcome": item.outcome} for item in self.items],
        }
        if self.baseline is not None:
            data["baseline"] = self.baseline
        if self.stale_baseline:
            data["stale_baseline"] = True
        if any(item.throttled for item in self.items):
            data["throttled"] = True
        return data


def item_from_exception(nodeid: str, requirement_id: str, exc: BaseException) -> ItemResult:
    if isinstance(exc, ConformanceFailure):
        findings = [finding.as_dict() for finding in exc.findings]
        first = exc.finding
        extra = len(exc.findings) - 1 + exc.more
        message = first.message + (f" (+{extra} more)" if extra else "")
        return ItemResult(nodeid, requirement_id, "failed", message, findings, first.reproduction)
    # Anything else is not a verdict on the target: the check could not finish.
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    message = f"the check did not finish: {text}"
    return ItemResult(nodeid, requirement_id, "failed", message, harness_error=True)


class Results:
    def __init__(self, role: registry.Role, requirement_ids: Iterable[str] | None = None) -> None:
        self.role: registry.Role = role
        self.requirement_ids = tuple(requirement_ids) if requirement_ids is not None else None
        self.items: list[ItemResult] = []
        self.observed: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.judged: Counter[str] = Counter()
        self.notes: list[dict[str, Any]] = []
        self.requests: Counter[str] = Counter()  # requests sent, by the requirement whose check sent them
        self.baseline: Baseline | None = None
        self.today = dt.date.today()

    def add(self, item: ItemResult) -> None:
        self.items.append(item)

    def add_observed(
        self,
        findings: dict[str, list[dict[str, Any]]],
        judged: dict[str, int],
        notes: Iterable[dict[str, Any]] = (),
    ) -> None:
        """Findings about every response, how many responses were judged per requirement, and notes."""
        for requirement_id, found in findings.items():
            self.observed[requirement_id].extend(found)
        self.judged.update(judged)
        self.notes.extend(notes)

    def count_requests(self, requirement_id: str | None, sent: int) -> None:
        """``sent`` requests went out for ``requirement_id``'s check (None: set-up shared by all checks)."""
        if sent:
            self.requests[requirement_id or SHARED_REQUESTS] += sent

    def grouped_notes(self) -> list[dict[str, Any]]:
        """The notes, one per kind of answer (kind, status, marks, retried or not), with a count."""
        groups: dict[tuple[Any, ...], dict[str, Any]] = {}
        for item in self.notes:
            key = (item.get("kind"), item.get("status"), tuple(item.get("marks", ())), item.get("superseded"))
            if key in groups:
                groups[key]["count"] += 1
            else:
                groups[key] = {**item, "count": 1}
        return list(groups.values())

    @property
    def empty(self) -> bool:
        return not self.items and not self.judged

    def requirements(self) -> list[registry.Requirement]:
        if self.requirement_ids is not None:
            return [registry.get(requirement_id) for requirement_id in self.requirement_ids]
        return list(registry.requirements(self.role))

    def by_requirement(self) -> list[RequirementResult]:
        results = []
        for requirement in self.requirements():
            items = [item for item in self.items if item.requirement_id == requirement.id]
            observed = self.observed.get(requirement.id, [])
            result = _aggregate(requirement, items, observed, self.judged[requirement.id])
            results.append(self._apply_baseline(result))
        return results

    def _apply_baseline(self, result: RequirementResult) -> RequirementResult:
        entry = self.baseline.get(result.requirement.id) if self.baseline is not None else None
        if entry is None:
            return result
        result.baseline = entry.as_dict()
        if entry.expired(self.today):
            if result.outcome == "failed":
                expired = f"baseline entry expired on {entry.expires}; the failure counts again: "
                result.message = expired + result.message
            return result
        if result.outcome == "failed":
            result.outcome = "expected-failure"
            result.message = f"expected failure ({entry.reason}): {result.message}"
        elif result.outcome == "passed":
            result.outcome = "failed"
            result.stale_baseline = True
            source = self.baseline.path if self.baseline is not None else "the baseline"
            result.message = (
                f"stale baseline: {result.requirement.id} now passes; remove its entry from {source}"
            )
        return result

    def summary(self) -> dict[str, int]:
        results = self.by_requirement()
        return {
            "passed": sum(r.outcome == "passed" for r in results),
            "failed": sum(r.outcome == "failed" for r in results),
            "skipped": sum(r.outcome == "skipped" for r in results),
            "expected_failures": sum(r.outcome == "expected-failure" for r in results),
            "must_failed": sum(
                r.outcome == "failed" and r.requirement.fails_run and not r.stale_baseline for r in results
            ),
            "stale_baseline": sum(r.stale_baseline for r in results),
            "throttled": sum(item.throttled for item in self.items),
        }

    def fails_run(self) -> bool:
        """A MUST failure or a stale baseline entry fails the run; SHOULD and MAY failures do not."""
        summary = self.summary()
        return bool(summary["must_failed"] or summary["stale_baseline"])

    def report(self, **context: Any) -> dict[str, Any]:
        report: dict[str, Any] = {
            "tool": {"name": "models-api-conformance", "version": tool_version()},
            "role": self.role,
            **context,
            "results": [result.as_dict() for result in self.by_requirement()],
            "summary": self.summary(),
            "notes": self.grouped_notes(),
        }
        if self.requests:
            report["requests_by_requirement"] = dict(self.requests)
        return report

    def write_json(self, path: str | Path, **context: Any) -> None:
        text = json.dumps(self.report(**context), indent=2, ensure_ascii=False)
        Path(path).write_text(redact(text) + "\n", encoding="utf-8")

    def table(self) -> list[str]:
        results = self.by_requirement()
        width = max(len(r.requirement.id) for r in results)
        # Server runs count the requests each check sent; other runs have no such column.
        counted = bool(self.requests)
        requests_header = "requests  " if counted else ""
        lines = [f"{'requirement':<{width}}  level   outcome           {requests_header}detail"]
        for result in results:
            detail = redact(result.message.splitlines()[0]) if result.message else ""
            sent = f"{self.requests.get(result.requirement.id, 0):>8}  " if counted else ""
            lines.append(
                f"{result.requirement.id:<{width}}  {result.requirement.level:<6}  "
                f"{result.outcome:<16}  {sent}{detail[:100]}"
            )
        summary = self.summary()
        line = f"{summary['passed']} passed, {summary['failed']} failed, {summary['skipped']} skipped"
        if summary["expected_failures"]:
            line += f", {summary['expected_failures']} expected failure(s)"
        line += f"; MUST failed: {summary['must_failed']}"
        if summary["stale_baseline"]:
            line += f"; stale baseline entries: {summary['stale_baseline']}"
        if summary["throttled"]:
            line += f"; checks cut short by target throttling: {summary['throttled']}"
        lines.append(line)
        return lines

    def notes_lines(self) -> list[str]:
        """The notes for a terminal: one line each kind, its count, and a reproduction."""
        lines = []
        for item in self.grouped_notes():
            count = f" ({item['count']} answers)" if item["count"] > 1 else ""
            lines.append(f"{item['kind']}: {redact(item['message'])}{count}")
            if item.get("reproduction"):
                lines.append(f"  e.g. {redact(item['reproduction'])}")
        return lines


def _aggregate(
    requirement: registry.Requirement, items: list[ItemResult], observed: list[dict[str, Any]], judged: int
) -> RequirementResult:
    failed = [item for item in items if item.outcome == "failed"]
    if failed:
        first = failed[0]
        findings = [finding for item in failed for finding in item.findings] + observed
        return RequirementResult(requirement, "failed", first.message, first.reproduction, items, findings)
    if observed:
        first_finding = observed[0]
        more = f" (+{len(observed) - 1} more)" if len(observed) > 1 else ""
        message = str(first_finding.get("message", "")) + more
        return RequirementResult(
            requirement, "failed", message, first_finding.get("reproduction"), items, list(observed)
        )
    if any(item.outcome == "passed" for item in items) or judged:
        return RequirementResult(requirement, "passed", "", None, items)
    if not items:
        return RequirementResult(requirement, "skipped", "not run", None, items)
    return RequirementResult(requirement, "skipped", items[0].message, None, items)
