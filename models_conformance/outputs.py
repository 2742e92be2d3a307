"""What a finished run writes: the terminal summary's sections, the report files, the baseline.

Plain functions over the run's results and context, called by the plugin's hooks (on the xdist
controller when there are workers).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .baseline import write_baseline
from .drift.collect import Drift
from .results import SHARED_REQUESTS, Results
from .settings import Settings

__all__ = ["report_context", "terminal_sections", "write"]


def terminal_sections(
    results: Results, context: dict[str, Any], settings: Settings | None, requests_sent: int, drift: Drift
) -> list[tuple[str | None, list[str]]]:
    """(section title or None to go on in the last one, its lines) for the terminal summary."""
    sections: list[tuple[str | None, list[str]]] = [("conformance: requirements", results.table())]
    notes = results.notes_lines()
    if notes:
        sections.append(("conformance: notes (answers not judged as the target's own)", notes))
    lines = []
    if "description" in context:
        lines.append(f"tested {context['description']}")
    if settings is not None:
        budget = f" of a budget of {settings.max_requests}" if settings.max_requests else ""
        throttling = context.get("throttling", {})
        throttled = (
            f"; the target throttled {throttling['answers']} answer(s), {throttling['waited_s']} s waited"
            if throttling.get("answers")
            else ""
        )
        shared = results.requests.get(SHARED_REQUESTS, 0)
        set_up = f" ({shared} in set-up, the rest by the checks above)" if shared else ""
        lines.append(
            f"requests sent: {requests_sent}{budget}{set_up}{throttled}; seed {settings.seed} "
            f"(reproduce with --conformance-seed {settings.seed})"
        )
    sections.append((None, lines))
    if drift.found:
        from .drift.render import summary_lines

        if settings is not None:
            drift.contract = settings.contract
        sections.append(("conformance: drift", summary_lines(drift.as_dict())))
    return sections


def report_context(
    results: Results, settings: Settings, context: dict[str, Any], requests_sent: int, drift: Drift
) -> dict[str, Any]:
    """The run's fields of the JSON report, beside the results."""
    data: dict[str, Any] = {
        "target": context.get(
            "target", {"base_url": settings.base_url, "reference_server": not settings.base_url}
        ),
        "contract": settings.contract,
        "seed": settings.seed,
        "profile": settings.profile,
        "requests_sent": requests_sent,
        "max_requests": settings.max_requests,
        "throttling": context.get("throttling", {"answers": 0, "waited_s": 0}),
    }
    if results.baseline is not None:
        data["baseline"] = results.baseline.path
    if drift.exchanges:
        drift.contract = settings.contract
        data["drift"] = drift.as_dict()
    return data


def write(
    results: Results, settings: Settings, context: dict[str, Any], requests_sent: int, drift: Drift
) -> None:
    """The JSON, HTML and Markdown reports asked for, the GitHub job summary, and a baseline."""
    fields = report_context(results, settings, context, requests_sent, drift)
    if settings.report_json:
        results.write_json(settings.report_json, **fields)
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if settings.report_html or settings.report_markdown or step_summary:
        from .reports import render_html, render_markdown

        report = results.report(**fields)
        if settings.report_html:
            Path(settings.report_html).write_text(render_html(report), encoding="utf-8")
        if settings.report_markdown:
            Path(settings.report_markdown).write_text(render_markdown(report), encoding="utf-8")
        if step_summary:
            # GitHub Actions shows this file as the job summary; other steps write to it too, so append.
            with open(step_summary, "a", encoding="utf-8") as summary_file:
                summary_file.write(render_markdown(report))
    if settings.write_baseline:
        failing = ("failed", "expected-failure")
        failed = [
            r.requirement.id
            for r in results.by_requirement()
            if r.outcome in failing and not r.stale_baseline
        ]
        write_baseline(settings.write_baseline, failed)
