"""One verdict per requirement, from what the judge decided; the JSON report and the terminal table.

A requirement failed when the judge found a violation of it; passed when it was judged on at least
one exchange, call or file and nothing was found; skipped otherwise, with the reason. A baseline then
turns listed failures into expected failures, and listed passes into stale entries (which fail the
run, as a MUST failure does).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from . import registry
from .baseline import Baseline
from .findings import Finding, FindingGroup, group
from .judge import Judgement
from .secret import redact
from .version import tool_version

__all__ = ["Verdict", "Verdicts"]

Outcome = Literal["passed", "failed", "skipped", "expected-failure"]


@dataclass
class Verdict:
    requirement: registry.Requirement
    outcome: Outcome
    judged: int  # exchanges, calls or files it was judged on
    groups: list[FindingGroup] = field(default_factory=list)
    reason: str = ""  # why it was skipped, or what the baseline made of it
    baseline: dict[str, Any] | None = None
    stale_baseline: bool = False
    # Calls the harness got no answer to (a connector that crashed): the client could not be judged
    # on them, so the requirement cannot pass.
    harness_errors: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        if not self.groups:
            return self.reason
        seen = sum(g.count for g in self.groups)
        others = len(self.groups) - 1
        if others:
            more = f" (and {others} other problem{'s' if others > 1 else ''}; {seen} findings in all)"
        else:
            more = f" (seen {seen} times)" if seen > 1 else ""
        text = self.groups[0].first.message + more
        return f"{self.reason}: {text}" if self.reason else text

    @property
    def reproduction(self) -> str | None:
        return self.groups[0].first.reproduction if self.groups else None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.requirement.id,
            "level": self.requirement.level,
            "statement": self.requirement.statement,
            "outcome": self.outcome,
            "message": redact(self.message),
            "reproduction": self.reproduction,
            "judged": self.judged,
            "findings": [g.as_dict() for g in self.groups],
        }
        if self.baseline is not None:
            data["baseline"] = self.baseline
        if self.stale_baseline:
            data["stale_baseline"] = True
        if self.harness_errors:
            data["harness_errors"] = self.harness_errors
        return data


class Verdicts:
    """The verdicts of one run: one per requirement of its role (or of the IDs given)."""

    def __init__(
        self,
        judgement: Judgement,
        *,
        role: registry.Role,
        contract: str,
        requirement_ids: Iterable[str] | None = None,
        hints: Mapping[str, str] | None = None,
        baseline: Baseline | None = None,
        today: dt.date | None = None,
    ) -> None:
        self.judgement = judgement
        self.role: registry.Role = role
        self.contract = contract
        ids = tuple(requirement_ids) if requirement_ids is not None else None
        self.requirements = (
            [registry.get(rid) for rid in ids] if ids is not None else list(registry.requirements(role))
        )
        self.hints = dict(hints or {})  # requirement -> why the run could not judge it (a runner knows)
        self.baseline = baseline
        self.today = today or dt.date.today()
        by_requirement: dict[str, list[Finding]] = defaultdict(list)
        for finding in judgement.findings:
            by_requirement[finding.requirement_id].append(finding)
        self.verdicts = [self._verdict(r, by_requirement[r.id]) for r in self.requirements]

    def _verdict(self, requirement: registry.Requirement, found: list[Finding]) -> Verdict:
        judged = self.judgement.judged[requirement.id]
        harness = self.judgement.harness_errors.get(requirement.id, [])
        if found:
            verdict = Verdict(requirement, "failed", judged, group(found), harness_errors=harness)
        elif harness:
            more = f" (and {len(harness) - 1} more call(s))" if len(harness) > 1 else ""
            reason = f"{harness[0]}{more}"
            verdict = Verdict(requirement, "failed", judged, reason=reason, harness_errors=harness)
        elif judged:
            verdict = Verdict(requirement, "passed", judged)
        else:
            verdict = Verdict(requirement, "skipped", 0, reason=self._why_skipped(requirement))
        return self._apply_baseline(verdict)

    def _why_skipped(self, requirement: registry.Requirement) -> str:
        if not requirement.applies_to(self.contract):
            return f"applies to contract {', '.join(requirement.contracts)}; this run speaks {self.contract}"
        reason = self.hints.get(requirement.id) or self.judgement.unjudged.get(requirement.id)
        return reason or f"nothing in this run was one it is judged on ({requirement.judged_on.text})"

    def _apply_baseline(self, verdict: Verdict) -> Verdict:
        entry = self.baseline.get(verdict.requirement.id) if self.baseline is not None else None
        if entry is None:
            return verdict
        verdict.baseline = entry.as_dict()
        if entry.expired(self.today):
            if verdict.outcome == "failed":
                verdict.reason = f"baseline entry expired on {entry.expires}; the failure counts again"
            return verdict
        if verdict.outcome == "failed":
            verdict.outcome = "expected-failure"
            verdict.reason = f"expected failure ({entry.reason})"
        elif verdict.outcome == "passed":
            verdict.outcome = "failed"
            verdict.stale_baseline = True
            source = self.baseline.path if self.baseline is not None else "the baseline"
            verdict.reason = (
                f"stale baseline: {verdict.requirement.id} now passes; remove its entry from {source}"
            )
        return verdict

    def summary(self) -> dict[str, int]:
        verdicts = self.verdicts
        return {
            "passed": sum(v.outcome == "passed" for v in verdicts),
            "failed": sum(v.outcome == "failed" for v in verdicts),
            "skipped": sum(v.outcome == "skipped" for v in verdicts),
            "expected_failures": sum(v.outcome == "expected-failure" for v in verdicts),
            "must_failed": sum(
                v.outcome == "failed" and v.requirement.fails_run and not v.stale_baseline for v in verdicts
            ),
            "stale_baseline": sum(v.stale_baseline for v in verdicts),
        }

    def fails_run(self) -> bool:
        """A MUST failure or a stale baseline entry fails the run; SHOULD and MAY failures do not."""
        summary = self.summary()
        return bool(summary["must_failed"] or summary["stale_baseline"])

    def failed(self) -> list[str]:
        """The IDs that failed or failed as expected (what a new baseline lists)."""
        return [
            v.requirement.id
            for v in self.verdicts
            if v.outcome in ("failed", "expected-failure") and not v.stale_baseline
        ]

    def grouped_notes(self) -> list[dict[str, Any]]:
        """The notes, one per kind of answer (kind, status, marks, retried or not), with a count."""
        groups: dict[tuple[Any, ...], dict[str, Any]] = {}
        for item in self.judgement.notes:
            key = (item.get("kind"), item.get("status"), tuple(item.get("marks", ())), item.get("superseded"))
            if key in groups:
                groups[key]["count"] += 1
            else:
                groups[key] = {**item, "count": 1}
        return list(groups.values())

    def report(self, **context: Any) -> dict[str, Any]:
        return {
            "tool": {"name": "models-api-conformance", "version": tool_version()},
            "role": self.role,
            **context,
            "results": [v.as_dict() for v in self.verdicts],
            "summary": self.summary(),
            "notes": self.grouped_notes(),
        }

    def table(self) -> list[str]:
        """The terminal table: one line per requirement, then the counts."""
        width = max(len(v.requirement.id) for v in self.verdicts)
        lines = [f"{'requirement':<{width}}  level   outcome           judged  detail"]
        for v in self.verdicts:
            detail = redact(v.message.splitlines()[0]) if v.message else ""
            lines.append(
                f"{v.requirement.id:<{width}}  {v.requirement.level:<6}  {v.outcome:<16}  "
                f"{v.judged:>6}  {detail[:110]}"
            )
        summary = self.summary()
        line = f"{summary['passed']} passed, {summary['failed']} failed, {summary['skipped']} skipped"
        if summary["expected_failures"]:
            line += f", {summary['expected_failures']} expected failure(s)"
        line += f"; MUST failed: {summary['must_failed']}"
        if summary["stale_baseline"]:
            line += f"; stale baseline entries: {summary['stale_baseline']}"
        lines.append(line)
        return lines

    def failure_details(self, limit: int = 3) -> list[str]:
        """Each failed requirement's distinct problems (at most ``limit`` each), fully rendered."""
        lines: list[str] = []
        for v in self.verdicts:
            if v.outcome not in ("failed", "expected-failure") or not v.groups:
                continue
            for index, found in enumerate(v.groups[:limit]):
                text = found.first.render(statement=index == 0)
                if found.count > 1:
                    text += f"\n  seen {found.count} times ({found.shape}), in: {found.seen_in()}"
                lines.append(text)
            if len(v.groups) > limit:
                lines.append(f"  ({len(v.groups) - limit} more distinct problem(s): see the reports)")
        return lines

    def notes_lines(self) -> list[str]:
        """The notes for a terminal: one line each kind, its count, and a reproduction."""
        lines = []
        for item in self.grouped_notes():
            count = f" ({item['count']} answers)" if item["count"] > 1 else ""
            lines.append(f"{item['kind']}: {redact(item['message'])}{count}")
            if item.get("reproduction"):
                example = redact(item["reproduction"])
                shown = example if len(example) <= 300 else example[:300] + "… (in full in the reports)"
                lines.append(f"  e.g. {shown}")
        return lines
