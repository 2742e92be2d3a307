"""What a finished run writes: the terminal summary, the report files, the baseline, the recording.

Plain functions over the run's verdicts, shared by every front end (the command line and the pytest
plugin), for server, client and recording runs alike.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .baseline import write_baseline
from .settings import Settings
from .verdicts import Verdicts

__all__ = ["summary_lines", "write"]


def summary_lines(verdicts: Verdicts, context: dict[str, Any], reproduce: str) -> list[str]:
    """The terminal summary: the table, the failures in full, the notes, and how to run it again."""
    lines = ["", *verdicts.table()]
    details = verdicts.failure_details()
    if details:
        lines += ["", "failures:", *details]
    notes = verdicts.notes_lines()
    if notes:
        lines += ["", "notes (answers not judged as the target's own):", *notes]
    if context.get("stopped"):
        lines += ["", f"the run stopped early: {context['stopped']}"]
    throttling = context.get("throttling") or {}
    if throttling.get("answers"):
        lines.append(
            f"the target throttled {throttling['answers']} answer(s); {throttling['waited_s']} s waited "
            "as it asked (throttling is not judged as a failure)"
        )
    if context.get("description"):
        lines += ["", f"tested {context['description']}"]
    drift = context.get("drift")
    if isinstance(drift, dict) and drift.get("found"):
        from .drift.render import summary_lines as drift_lines

        lines += ["", *drift_lines(drift)]
    sent = context.get("requests_sent")
    budget = f" of a budget of {context['max_requests']}" if context.get("max_requests") else ""
    if sent is not None:
        lines.append(f"\nrequests sent: {sent}{budget}; reproduce with: {reproduce}")
    else:
        lines.append(f"\nreproduce with: {reproduce}")
    return lines


def _write(path: str, render: Callable[[], str]) -> None:
    Path(path).write_text(render(), encoding="utf-8")


def write(verdicts: Verdicts, settings: Settings, context: dict[str, Any]) -> None:
    """The JSON, HTML, Markdown and JUnit reports asked for, the GitHub job summary, and a baseline."""
    report = verdicts.report(**context)
    if settings.report_json:
        import json

        from .reports.view import redacted

        _write(
            settings.report_json, lambda: json.dumps(redacted(report), indent=2, ensure_ascii=False) + "\n"
        )
    if settings.report_html:
        from .reports import render_html

        _write(settings.report_html, lambda: render_html(report))
    if settings.report_markdown:
        from .reports import render_markdown

        _write(settings.report_markdown, lambda: render_markdown(report))
    if settings.report_junit:
        from .reports.junit import render_junit

        _write(settings.report_junit, lambda: render_junit(report))
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        from .reports import render_markdown

        # GitHub Actions shows this file as the job summary; other steps write to it too, so append.
        with open(step_summary, "a", encoding="utf-8") as summary_file:
            summary_file.write(render_markdown(report))
    if settings.write_baseline:
        write_baseline(settings.write_baseline, verdicts.failed())
