"""The Markdown summary: GitHub-flavoured, compact, for ``$GITHUB_STEP_SUMMARY`` or a PR comment.

A headline verdict, one table row per requirement, then the details of each failure. Text from the
report is escaped so that a server's body cannot turn into markup (an image that loads, a link, a
broken table); values and reproductions go into code spans and fenced blocks that can hold any text.
"""

from __future__ import annotations

import re
from typing import Any

from ..drift import render as drift_render
from . import view

__all__ = ["drift_section", "render_markdown"]

EMOJI = {"passed": "✅", "failed": "❌", "skipped": "⏭️", "expected-failure": "⚠️"}
# Step summaries are limited in size: a requirement lists its first finding groups (distinct
# problems), each group's list of probes is cut, and the JSON report has them all.
MAX_GROUPS = 3
DETAIL_WIDTH = 120
SEEN_WIDTH = 240
RUN_VALUE_WIDTH = 80
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")


def _emoji(outcome: str) -> str:
    return EMOJI.get(outcome, "❔")


def _one_line(value: str) -> str:
    return " ".join(value.split("\n")).replace("\r", " ")


def _escape(value: Any) -> str:
    """Plain text on one line, with every character Markdown or HTML could act on escaped."""
    return _SPECIAL.sub(r"\\\1", _one_line(view.text(value)))


def _code(value: Any) -> str:
    """A code span that shows ``value`` literally, whatever backticks it contains."""
    content = _one_line(view.text(value))
    if not content:
        return "(empty)"
    fence = "`" * (max((len(run) for run in re.findall("`+", content)), default=0) + 1)
    pad = " " if content[0] in "` " or content[-1] in "` " else ""
    return f"{fence}{pad}{content}{pad}{fence}"


def _statement(value: Any) -> str:
    """Registry text: its `backticked` spans stay code, the rest is escaped."""
    parts = view.text(value).split("`")
    if len(parts) % 2 == 0:
        return _escape(value)
    return "".join(_code(p) if i % 2 else _escape(p) for i, p in enumerate(parts))


def _fenced(command: str) -> str:
    fence = "`" * max(3, max((len(run) for run in re.findall("`+", command)), default=0) + 1)
    language = "sh" if command.startswith(("curl ", "models-conformance ")) else "text"
    return f"{fence}{language}\n{command}\n{fence}"


def _truncate(value: str, width: int = DETAIL_WIDTH) -> str:
    return value if len(value) <= width else value[: width - 1] + "…"


def _table(report: dict[str, Any]) -> list[str]:
    counted = any(view.judged_of(result) is not None for result in view.results(report))
    lines = [
        f"| requirement | level | outcome | {'judged | ' if counted else ''}detail |",
        f"|---|---|---|{'---:|' if counted else ''}---|",
    ]
    for result in view.results(report):
        outcome = view.outcome_of(result)
        message = view.text(result.get("message")).splitlines()
        detail = _escape(_truncate(message[0])) if message else ""
        judged = f"{_escape(view.judged_of(result))} | " if counted else ""
        lines.append(
            f"| {_escape(result.get('id'))} | {_escape(result.get('level'))} | "
            f"{_emoji(outcome)} {_escape(outcome)} | {judged}{detail} |"
        )
    return lines


def _notes(report: dict[str, Any]) -> list[str]:
    lines = ["## Notes", ""]
    for note in view.notes(report):
        count = note.get("count")
        seen = f" ({_escape(count)} answers)" if isinstance(count, int) and count > 1 else ""
        lines += [f"- {_escape(note.get('kind'))}: {_escape(note.get('message'))}{seen}", ""]
        if note.get("reproduction"):
            lines += [_fenced(view.text(note["reproduction"])), ""]
    return lines


def _details(result: dict[str, Any]) -> list[str]:
    outcome = view.outcome_of(result)
    lines = [
        f"### {_emoji(outcome)} {_escape(result.get('id'))} ({_escape(result.get('level'))}, "
        f"{_escape(outcome)})",
        "",
        f"Requirement: {_statement(result.get('statement'))}",
        "",
    ]
    message = view.text(result.get("message"))
    if message:
        lines += [f"**{_escape(message)}**", ""]
    extra = view.extra_result_fields(result)
    if extra:
        lines += [f"- {_escape(label)}: {_code(value)}" for label, value in extra] + [""]
    groups = view.groups(result)
    for number, group in enumerate(groups[:MAX_GROUPS], start=1):
        if len(groups) > 1:
            lines += [f"Problem {number} of {len(groups)}: {_escape(group.get('message'))}", ""]
        if view.seen_line(group):
            lines += [_escape(_truncate(view.seen_line(group), SEEN_WIDTH)), ""]
        rows = view.detail_rows(group)
        if rows:
            lines += [f"- {_escape(label)}: {_code(value)}" for label, value in rows] + [""]
        if group.get("reproduction"):
            lines += [_fenced(view.text(group["reproduction"])), ""]
    if len(groups) > MAX_GROUPS:
        more = len(groups) - MAX_GROUPS
        lines += [f"… and {more} more distinct problem{'s' if more != 1 else ''} in the JSON report.", ""]
    reproductions = {view.text(group.get("reproduction")) for group in groups}
    if result.get("reproduction") and view.text(result["reproduction"]) not in reproductions:
        lines += [_fenced(view.text(result["reproduction"])), ""]
    return lines


def render_markdown(report: dict[str, Any]) -> str:
    """The report as a GitHub-flavoured Markdown summary (headline, table, failure details)."""
    report = view.redacted(report)
    ok, headline = view.verdict(report)
    lines = [f"## {'✅' if ok else '❌'} {headline}", "", _escape(view.counts_line(report)), ""]
    if view.description(report):
        lines += [f"Tested {_escape(view.description(report))}.", ""]
    fields = view.run_fields(report)
    if fields:
        # One line: long values (a target's model list) are cut; the HTML and JSON reports have them.
        shown = [f"{_escape(label)}: {_code(_truncate(value, RUN_VALUE_WIDTH))}" for label, value in fields]
        lines += [" · ".join(shown), ""]
    command = view.reproduce_command(report)
    if command is not None:
        lines += ["Run the same cases again (same seed):", "", _fenced(command), ""]
    lines += [*_table(report), ""]
    if view.notes(report):
        lines += _notes(report)
    detailed = [result for result in view.results(report) if view.has_details(result)]
    if detailed:
        lines += ["## Failures", ""]
        for result in detailed:
            lines += _details(result)
    if isinstance(report.get("drift"), dict):
        lines += drift_section(report["drift"])
    lines.append(
        "A MUST failure fails the run; SHOULD and MAY failures are reported and never fail it. "
        "Reproductions leave credentials out: a real key is read from `$ANTHROPIC_API_KEY`."
    )
    return "\n".join(lines) + "\n"


def _drift_table(rows: list[drift_render.Row]) -> list[str]:
    # A pipe splits a table cell even inside a code span unless escaped (GFM); every other cell is text.
    lines = ["| " + " | ".join(drift_render.COLUMNS) + " |", "|" + "---|" * len(drift_render.COLUMNS)]
    for kind, item, contract, count, first, last, example, where in rows:
        codes = [_code(item).replace("|", "\\|"), _code(_truncate(example)).replace("|", "\\|")]
        texts = [_escape(cell) for cell in (kind, contract, count, first, last, where)]
        lines.append("| " + " | ".join([texts[0], codes[0], *texts[1:5], codes[1], texts[5]]) + " |")
    return lines


def drift_section(drift: dict[str, Any]) -> list[str]:
    """The drift (a report's ``drift`` object) as a Markdown section: a headline and two tables."""
    lines = ["## Drift", "", _escape(drift_render.headline(drift)), ""]
    rows = drift_render.drift_rows(drift)
    if rows:
        lines += [*_drift_table(rows), ""]
    beyond = drift_render.beyond_seed_rows(drift)
    if beyond:
        lines += [
            "Beyond the seed (not drift): fields the schema describes from the official SDKs, "
            "not from the seed page.",
            "",
            *_drift_table(beyond),
            "",
        ]
    return lines
