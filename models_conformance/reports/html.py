"""The HTML report: one self-contained file that opens offline in any browser.

Everything in a report may come from the server under test (a received value is a piece of its
body), so every piece of text is escaped, and a Content-Security-Policy lets nothing load or run but
the page's own stylesheet and script (the script is allowed by its hash). Outcomes are written out
as words next to their colour, and the matrix is a table with row and column headers.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html import escape
from importlib import resources
from typing import Any

from ..drift import render as drift_render
from . import view

__all__ = ["render_html"]

# A requirement's first finding groups (distinct problems) are shown, the next ones are one click
# away, and past the limit the JSON report has them all.
SHOWN_GROUPS = 3
MAX_GROUPS = 200
SYMBOLS = {"passed": "✓", "failed": "✗", "skipped": "○", "expected-failure": "!"}
_KEY_HINT = "set ANTHROPIC_API_KEY in your shell first"


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _e(value: Any) -> str:
    return escape(view.text(value), quote=True)


def _inline(value: Any) -> str:
    """Escaped text in which `backticked` spans (as the registry writes them) become <code>."""
    parts = view.text(value).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: show the text as it is
        return _e(value)
    return "".join(f"<code>{escape(p)}</code>" if i % 2 else escape(p) for i, p in enumerate(parts))


def _anchor(requirement_id: str, taken: set[str]) -> str:
    base = "r-" + (re.sub(r"[^A-Za-z0-9_-]", "-", requirement_id) or "requirement")
    anchor, n = base, 1
    while anchor in taken:
        n += 1
        anchor = f"{base}-{n}"
    taken.add(anchor)
    return anchor


def _css(outcome: str) -> str:
    """The class naming an outcome: ``o-failed``; any outcome, however spelt, makes a valid one."""
    return "o-" + re.sub(r"[^a-z0-9-]", "-", outcome.lower())


def _badge(outcome: str) -> str:
    symbol = f'<span aria-hidden="true">{SYMBOLS.get(outcome, "•")} </span>'
    return f'<span class="badge {_css(outcome)}">{symbol}{escape(outcome)}</span>'


def _dl(rows: list[tuple[str, str]], css: str, *, code: bool = False) -> str:
    if not rows:
        return ""
    wrap = "<code>{}</code>" if code else "{}"
    items = "".join(f"<div><dt>{escape(k)}</dt><dd>{wrap.format(escape(v))}</dd></div>" for k, v in rows)
    return f'<dl class="{css}">{items}</dl>'


def _reproduction(command: str, label: str = "Reproduce with") -> str:
    hint = f' <span class="hint">({_KEY_HINT})</span>' if "$ANTHROPIC_API_KEY" in command else ""
    return (
        f'<p class="label">{escape(label)}:{hint}</p>'
        f'<pre class="reproduction"><code>{escape(command)}</code></pre>'
    )


def _header(report: dict[str, Any]) -> str:
    ok, headline = view.verdict(report)
    symbol = "✓" if ok else "✗"
    parts = [
        f"<h1>Conformance report: {_e(report.get('role') or 'run')}</h1>",
        f'<p class="verdict {"ok" if ok else "bad"}" id="verdict">'
        f'<span aria-hidden="true">{symbol} </span>{escape(headline)}</p>',
        f'<p class="counts">{escape(view.counts_line(report))}</p>',
    ]
    if view.description(report):
        parts.append(f'<p class="description">Tested {escape(view.description(report))}.</p>')
    parts.append(_dl(view.run_fields(report), "run"))
    command = view.reproduce_command(report)
    if command is not None:
        parts.append(_reproduction(command, "Run the same cases again (same seed)"))
    return "<header>" + "".join(parts) + "</header>"


def _filter(report: dict[str, Any], outcomes: list[str]) -> str:
    everything = [view.outcome_of(r) for r in view.results(report)]
    options = [("all", len(everything))] + [(o, everything.count(o)) for o in outcomes]
    labels = "".join(
        f'<label><input type="radio" name="show" value="{escape(o)}"{" checked" if o == "all" else ""}> '
        f"{escape(o)} ({n})</label>"
        for o, n in options
    )
    return f'<fieldset class="filter" id="filter" hidden><legend>Show</legend>{labels}</fieldset>'


def _matrix(report: dict[str, Any], anchors: dict[int, str]) -> str:
    outcomes = view.outcomes(report)
    counted = any(view.judged_of(result) is not None for result in view.results(report))
    head = "".join(f'<th scope="col" class="cell">{escape(o)}</th>' for o in outcomes)
    if counted:
        head += '<th scope="col" class="judged">judged</th>'
    rows = []
    for index, result in enumerate(view.results(report)):
        outcome = view.outcome_of(result)
        name = _e(result.get("id") or "(no id)")
        if index in anchors:
            name = f'<a href="#{anchors[index]}">{name}</a>'
        cells = "".join(
            f'<td class="cell">{_badge(outcome)}</td>' if o == outcome else '<td class="cell"></td>'
            for o in outcomes
        )
        if counted:
            cells += f'<td class="judged">{_e(view.judged_of(result))}</td>'
        message = view.text(result.get("message")).splitlines()
        rows.append(
            f'<tr class="{_css(outcome)}" data-outcome="{escape(outcome)}">'
            f'<th scope="row">{name}</th><td class="level">{_e(result.get("level"))}</td>{cells}'
            f'<td class="statement">{_inline(result.get("statement"))}</td>'
            f'<td class="detail">{escape(message[0]) if message else ""}</td></tr>'
        )
    judged = " judged: how many exchanges, calls or files it was judged on;" if counted else ""
    return (
        _filter(report, outcomes) + '<table class="matrix" id="matrix">'
        f"<caption>One row per requirement;{judged} a failed row links to its details below.</caption>"
        f'<thead><tr><th scope="col">requirement</th><th scope="col">level</th>{head}'
        '<th scope="col">statement</th><th scope="col">detail</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _group(group: dict[str, Any], shown_message: str) -> str:
    """One distinct problem: its message (unless the summary shows it), how often and where it was
    seen, its smallest example's values, and how to reproduce that example."""
    parts = []
    message = view.text(group.get("message"))
    if message and not shown_message.startswith(message):
        parts.append(f'<p class="message">{escape(message)}</p>')
    if view.seen_line(group):
        parts.append(f'<p class="seen">{escape(view.seen_line(group))}</p>')
    parts.append(_dl(view.detail_rows(group), "values", code=True))
    if group.get("reproduction"):
        parts.append(_reproduction(view.text(group["reproduction"])))
    return "".join(parts)


def _groups(groups: list[dict[str, Any]], start: int) -> str:
    items = "".join(f"<li>{_group(group, '')}</li>" for group in groups)
    return f'<ol class="findings" start="{start}">{items}</ol>'


def _problems(count: int) -> str:
    return f"{count} more distinct problem{'s' if count != 1 else ''}"


def _details(result: dict[str, Any], anchor: str) -> str:
    outcome = view.outcome_of(result)
    message = view.text(result.get("message"))
    groups = view.groups(result)
    body = [f'<p class="statement">Requirement: {_inline(result.get("statement"))}</p>']
    if "\n" in message:  # the summary line shows only the first line
        body.append(f'<pre class="message">{escape(message)}</pre>')
    body.append(_dl(view.extra_result_fields(result), "values", code=True))
    if len(groups) == 1:
        body.append(f'<div class="finding">{_group(groups[0], message)}</div>')
    elif groups:
        body.append(_groups(groups[:SHOWN_GROUPS], 1))
        more = groups[SHOWN_GROUPS:MAX_GROUPS]
        if more:
            body.append(
                f'<details class="more"><summary>{_problems(len(more))}</summary>'
                f"{_groups(more, SHOWN_GROUPS + 1)}</details>"
            )
        if len(groups) > MAX_GROUPS:
            body.append(f"<p>… and {_problems(len(groups) - MAX_GROUPS)} in the JSON report.</p>")
    reproductions = {view.text(group.get("reproduction")) for group in groups}
    if result.get("reproduction") and view.text(result["reproduction"]) not in reproductions:
        body.append(_reproduction(view.text(result["reproduction"])))
    summary = (
        f"<summary>{_badge(outcome)} <code>{_e(result.get('id'))}</code> "
        f"({_e(result.get('level'))}){' — ' + escape(message.splitlines()[0]) if message else ''}</summary>"
    )
    opened = " open" if outcome != "expected-failure" else ""
    return (
        f'<section id="{anchor}"><details class="result {_css(outcome)}"{opened}>{summary}{"".join(body)}'
        "</details></section>"
    )


def _notes(report: dict[str, Any]) -> str:
    items = []
    for note in view.notes(report):
        count = note.get("count")
        seen = f" ({escape(str(count))} answers)" if isinstance(count, int) and count > 1 else ""
        reproduction = _reproduction(view.text(note["reproduction"])) if note.get("reproduction") else ""
        message = f"{_e(note.get('kind'))}: {_e(note.get('message'))}{seen}"
        items.append(f'<li><p class="message">{message}</p>{reproduction}</li>')
    if not items:
        return ""
    return (
        "<h2>Notes</h2>\n<p>Answers not judged as the target's own, and why.</p>\n"
        f'<ul class="notes" id="notes">{"".join(items)}</ul>\n'
    )


def _drift_table(rows: list[drift_render.Row], caption: str) -> str:
    head = "".join(f'<th scope="col">{escape(column)}</th>' for column in drift_render.COLUMNS)
    body = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return (
        f'<table class="drift"><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def _drift(report: dict[str, Any]) -> str:
    """The drift section: what the run's traffic showed that the contract does not describe."""
    drift = report.get("drift")
    if not isinstance(drift, dict):
        return ""
    parts = ['<section id="drift"><h2>Drift</h2>', f"<p>{escape(drift_render.headline(drift))}</p>"]
    rows = drift_render.drift_rows(drift)
    if rows:
        parts.append(_drift_table(rows, "Seen in the traffic, not described by the contract."))
    beyond = drift_render.beyond_seed_rows(drift)
    if beyond:
        caption = "Beyond the seed (not drift): fields the schema describes from the official SDKs."
        parts.append(_drift_table(beyond, caption))
    return "".join(parts) + "</section>\n"


def render_html(report: dict[str, Any]) -> str:
    """The report as one self-contained HTML page (inline CSS and script, no external assets)."""
    report = view.redacted(report)
    results = view.results(report)
    taken: set[str] = set()
    anchors = {
        i: _anchor(view.text(r.get("id")), taken) for i, r in enumerate(results) if view.has_details(r)
    }
    details = "".join(_details(results[i], anchor) for i, anchor in anchors.items())
    script = _asset("report.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    policy = (
        f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; "
        "base-uri 'none'; form-action 'none'"
    )
    _, headline = view.verdict(report)
    title = f"{view.text(report.get('role')) or 'conformance'} conformance: {headline}"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{escape(policy)}">\n'
        f"<title>{escape(title)}</title>\n<style>\n{_asset('report.css')}</style>\n</head>\n<body>\n"
        f"{_header(report)}\n<main>\n<h2>Requirements</h2>\n{_matrix(report, anchors)}\n{_notes(report)}"
        f"<h2>Failures</h2>\n{details or '<p>No requirement failed.</p>'}\n{_drift(report)}</main>\n"
        "<footer>A MUST failure fails the run; SHOULD and MAY failures are reported and never fail it. "
        "Reproductions leave credentials out: a real key is read from $ANTHROPIC_API_KEY.</footer>\n"
        f"<script>{script}</script>\n</body>\n</html>\n"
    )
