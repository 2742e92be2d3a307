"""Judges every exchange a run makes, whatever check made it.

Requirements such as SRV-REQUEST-ID or SRV-200-SCHEMA apply to every response, so the suite judges
each one as it arrives and keeps the findings; the checks of those requirements then report what
was seen across the whole run.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from .checks.server import (
    judge_content_type,
    judge_error_envelope,
    judge_model_body,
    judge_no_5xx,
    judge_request_id,
    shows_content_type,
)
from .exchange import Exchange
from .failures import Finding
from .intermediary import intermediary, note

__all__ = ["Observations"]


class Observations:
    def __init__(self) -> None:
        self.findings: dict[str, list[Finding]] = defaultdict(list)
        self.judged: Counter[str] = Counter()  # requirement ID -> exchanges that could show a violation
        self.exchanges = 0
        # What arrived since the last drain(): shipped with each test's report, so that the verdicts
        # are the same whether one process or several (pytest-xdist) ran the checks.
        self._new_findings: list[Finding] = []
        self._new_judged: Counter[str] = Counter()
        self._new_notes: list[dict[str, Any]] = []

    def drain(self) -> tuple[dict[str, list[dict[str, Any]]], dict[str, int], list[dict[str, Any]]]:
        """Findings (as data), judged counts and notes observed since the last call."""
        findings: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for finding in self._new_findings:
            findings[finding.requirement_id].append(finding.as_dict())
        judged, notes = dict(self._new_judged), self._new_notes
        self._new_findings, self._new_judged, self._new_notes = [], Counter(), []
        return dict(findings), judged, notes

    def __call__(self, exchange: Exchange, model_body: bool) -> None:
        self.exchanges += 1
        for earlier in exchange.superseded:
            found = intermediary(earlier)
            if found is not None:
                self._new_notes.append(note(exchange, found, followed_by=exchange.response.status))
        status = exchange.response.status
        found = intermediary(exchange.response)
        if found is not None:
            # The API never saw this request: its answer cannot show a rule about the API's own answers.
            self._new_notes.append(note(exchange, found))
        else:
            if shows_content_type(status):
                self._judge(("SRV-200-CONTENT-TYPE",), judge_content_type(exchange))
            self._judge(("SRV-REQUEST-ID",), judge_request_id(exchange))
            if status >= 400:
                self._judge(("SRV-ERROR-ENVELOPE", "SRV-ERROR-STATUS-TYPE"), judge_error_envelope(exchange))
        if exchange.request.method == "GET":
            # SRV-NO-5XX speaks of retrieving models; other methods belong to SRV-METHOD.
            self._judge(("SRV-NO-5XX",), judge_no_5xx(exchange))
        if model_body and status == 200:
            ids: tuple[str, ...] = ("SRV-200-SCHEMA", "SRV-200-TYPE", "SRV-200-CREATED-AT")
            if exchange.contract == "2026-10-21":
                ids += ("SRV-LIFECYCLE",)
            self._judge(ids, judge_model_body(exchange))

    def _judge(self, requirement_ids: tuple[str, ...], findings: list[Finding]) -> None:
        # Counter.update() costs as much as a judgement here (an ABC check per call); this runs per response.
        for requirement_id in requirement_ids:
            self.judged[requirement_id] += 1
            self._new_judged[requirement_id] += 1
        for finding in findings:
            self.findings[finding.requirement_id].append(finding)
            self._new_findings.append(finding)
