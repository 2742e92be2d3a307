"""What a JSON report says, read leniently, for the renderers.

The renderers take the report exactly as ``Verdicts.report()`` (or the JSON file) has it, for server,
client and cassette runs alike. Fields may be missing, outcomes may be ones this module has never
heard of, and new top-level fields may appear: each is shown as what it is rather than dropped.
"""

from __future__ import annotations

import json
import re
import shlex
from typing import Any

from ..secret import redact

__all__ = [
    "KNOWN_OUTCOMES",
    "counts_line",
    "description",
    "detail_rows",
    "extra_result_fields",
    "groups",
    "has_details",
    "judged_of",
    "must_failed",
    "notes",
    "outcome_of",
    "outcomes",
    "redacted",
    "reproduce_command",
    "results",
    "run_fields",
    "seen_line",
    "stale_baseline",
    "text",
    "verdict",
]

# The order of the terminal summary ("21 passed, 0 failed, 1 skipped"), used for the matrix columns
# and the counts alike; outcomes not listed here follow, alphabetically.
KNOWN_OUTCOMES = ("passed", "failed", "expected-failure", "skipped")
_ALWAYS_SHOWN = ("passed", "failed", "skipped")
_QUIET_OUTCOMES = frozenset({"passed", "skipped"})
_RESULT_FIELDS = frozenset(
    {"id", "level", "statement", "outcome", "message", "reproduction", "findings", "judged"}
)
# A group's fields shown as its message, its "Seen 3 times (shape), in: ..." line and its
# reproduction, rather than as rows of values.
_GROUP_FIELDS = frozenset({"requirement", "message", "reproduction", "shape", "count", "seen_in"})
_TOP_LEVEL_ORDER = ("tool", "role", "target", "contract", "seed", "requests_sent")
# Top-level fields that have sections or lines of their own rather than a line in the run header.
_SECTIONS = frozenset({"results", "summary", "notes", "drift", "description"})
_TARGET_LABELS = {"base_url": "target", "discovered_from": "model source"}
_FINDING_LABELS = {"where": "example", "status": "HTTP status"}
# UTF-8 cannot carry a lone surrogate (a server's JSON "\\ud800" decodes to one) and writing a report
# holding one fails: it is shown as its escape instead.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def text(value: Any) -> str:
    """A field as one string: strings as they are, ``None`` as empty, a flat object as
    ``key: value; key: value``, anything else as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict) and not any(isinstance(v, dict | list) for v in value.values()):
        return "; ".join(f"{key}: {text(item)}" for key, item in value.items())
    return json.dumps(value, ensure_ascii=False)


def _label(key: str) -> str:
    return key.replace("_", " ")


def _listing(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(map(text, value)) or "none"
    return text(value)


def redacted(report: dict[str, Any]) -> dict[str, Any]:
    """The report with every credential the process knows replaced, as the JSON report file has it,
    and every lone surrogate written as its escape (``\\ud800`` as six characters)."""
    dumped = json.dumps(report, ensure_ascii=False, default=str)
    escaped = _SURROGATE.sub(lambda match: f"\\\\u{ord(match.group()):04x}", dumped)
    loaded: dict[str, Any] = json.loads(redact(escaped))
    return loaded


def results(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The per-requirement results; entries that are not objects are left out."""
    items = report.get("results")
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def outcome_of(result: dict[str, Any]) -> str:
    return text(result.get("outcome")) or "unknown"


def outcomes(report: dict[str, Any]) -> list[str]:
    """The matrix columns: passed, failed and skipped always (an empty "failed" column says
    something), the other outcomes when they occur, the known ones first."""
    present = {outcome_of(result) for result in results(report)} | set(_ALWAYS_SHOWN)
    known = [outcome for outcome in KNOWN_OUTCOMES if outcome in present]
    return known + sorted(present - set(KNOWN_OUTCOMES))


def counts_line(report: dict[str, Any]) -> str:
    """``"16 passed, 4 failed, 2 skipped"``, counted from the results."""
    everything = [outcome_of(result) for result in results(report)]
    if not everything:
        return "no requirement was reported"
    line = ", ".join(f"{everything.count(outcome)} {outcome}" for outcome in outcomes(report))
    answers, waited = _throttling(report) or (0, "")
    if answers:
        line += f"; the target throttled {answers} answer{'s' if answers != 1 else ''}"
        line += f" ({waited} s waited as it asked; throttling is not judged as a failure)"
    return line


def _throttling(report: dict[str, Any]) -> tuple[int, str] | None:
    """Answers throttled and seconds waited, when said as a run says it: ``{"answers", "waited_s"}``."""
    throttling = report.get("throttling")
    if not isinstance(throttling, dict):
        return None
    answers = throttling.get("answers")
    if not isinstance(answers, int) or isinstance(answers, bool):
        return None
    return answers, text(throttling.get("waited_s")) or "?"


def _summary_count(report: dict[str, Any], key: str) -> int | None:
    summary = report.get("summary")
    value = summary.get(key) if isinstance(summary, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def must_failed(report: dict[str, Any]) -> int:
    """How many MUST requirements failed: the summary's count (what the exit status used), if any."""
    counted = _summary_count(report, "must_failed")
    if counted is not None:
        return counted
    return sum(
        outcome_of(result) == "failed"
        and text(result.get("level")) == "MUST"
        and not result.get("stale_baseline")
        for result in results(report)
    )


def stale_baseline(report: dict[str, Any]) -> int:
    """How many baseline entries list a requirement that now passes (each fails the run)."""
    counted = _summary_count(report, "stale_baseline")
    if counted is not None:
        return counted
    return sum(bool(result.get("stale_baseline")) for result in results(report))


def verdict(report: dict[str, Any]) -> tuple[bool, str]:
    """Whether the run passed, as its exit status says, and the headline saying so (no symbol).

    A MUST failure fails a run, and so does a stale baseline entry; SHOULD and MAY failures and
    expected failures do not.
    """
    must, stale = must_failed(report), stale_baseline(report)
    problems = []
    if must:
        problems.append(f"{must} MUST requirement{'s' if must != 1 else ''} failed")
    if stale:
        problems.append(f"{stale} stale baseline entr{'ies' if stale != 1 else 'y'}")
    if not problems:
        return True, "no MUST requirement failed"
    return False, "; ".join(problems)


def run_fields(report: dict[str, Any]) -> list[tuple[str, str]]:
    """The run header as (label, value) pairs: the known fields first, then any others."""
    fields: list[tuple[str, str]] = []
    tool = report.get("tool")
    if isinstance(tool, dict):
        fields.append(("tool", " ".join(text(tool[k]) for k in ("name", "version") if tool.get(k))))
    elif tool is not None:
        fields.append(("tool", text(tool)))
    target = report.get("target")
    for key in _TOP_LEVEL_ORDER[1:]:
        if key == "target" and isinstance(target, dict):
            for name, value in target.items():
                fields.append((_TARGET_LABELS.get(name, _label(name)), _listing(value)))
        elif report.get(key) is not None:
            fields.append((_label(key), text(report[key])))
    for key, value in report.items():
        if key not in _TOP_LEVEL_ORDER and key not in _SECTIONS and value is not None:
            if key == "throttling" and _throttling(report) is not None:
                continue  # the counts line says it when the target throttled at all
            fields.append((_label(key), text(value)))
    return fields


def description(report: dict[str, Any]) -> str:
    """What the run tested, in words ("the target http://…, contract 2023-06-01, 9 model(s) …")."""
    return text(report.get("description"))


def reproduce_command(report: dict[str, Any]) -> str | None:
    """The command that runs the same cases again (same seed), or ``None`` when there is no seed.

    Options the report does not record (the models of a run that named them, say) are left out:
    without them the run discovers the same ones. A role whose options cannot be told from the report
    gets ``...`` in their place.
    """
    seed = report.get("seed")
    if seed is None or isinstance(seed, bool):
        return None
    role = text(report.get("role")) or "server"
    target = report.get("target")
    target = target if isinstance(target, dict) else {}
    parts = ["models-conformance", role]
    if role == "server":
        if target.get("base_url") and not target.get("reference_server"):
            parts += ["--base-url", text(target["base_url"])]
            aliases = target.get("aliases")
            for alias in aliases if isinstance(aliases, list) else []:
                parts += ["--alias", text(alias)]
    else:
        how, _, what = text(target.get("driven_by")).partition(": ")
        if role != "client" or how not in ("connector", "python") or not what:
            return f"models-conformance {shlex.quote(role)} ... --seed {shlex.quote(text(seed))}"
        parts += [f"--{how}", what]
    if report.get("contract"):
        parts += ["--contract", text(report["contract"])]
    if report.get("profile") not in (None, "default"):
        parts += ["--profile", text(report["profile"])]
    if report.get("max_requests") is not None:
        parts += ["--max-requests", text(report["max_requests"])]
    if isinstance(report.get("baseline"), str):
        parts += ["--baseline", report["baseline"]]
    parts += ["--seed", text(seed)]
    return " ".join(shlex.quote(part) for part in parts)


def groups(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The result's finding groups: one distinct problem each, shown by its smallest example."""
    items = result.get("findings")
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _count_of(group: dict[str, Any]) -> int:
    """How many times the group's problem was seen (1 when the report does not say)."""
    count = group.get("count")
    return count if isinstance(count, int) and not isinstance(count, bool) and count > 0 else 1


def seen_line(group: dict[str, Any]) -> str:
    """``"Seen 28 times (a model, answered 200), in: listed model (9); ..."``, as much of it as
    the group says; empty for a single sighting that names neither."""
    count, shape, seen_in = _count_of(group), text(group.get("shape")), text(group.get("seen_in"))
    if count == 1 and not shape and not seen_in:
        return ""
    line = "Seen once" if count == 1 else f"Seen {count} times"
    if shape:
        line += f" ({shape})"
    return f"{line}, in: {seen_in}" if seen_in else line


def has_details(result: dict[str, Any]) -> bool:
    """A result gets a details section when it did not simply pass or skip, or carries findings."""
    return outcome_of(result) not in _QUIET_OUTCOMES or bool(groups(result))


def detail_rows(group: dict[str, Any]) -> list[tuple[str, str]]:
    """A group's example as (label, value) pairs: where in the JSON, the values (an absent one says
    so), the status, where it was seen, and any field this module does not know."""
    rows: list[tuple[str, str]] = []
    if group.get("path") is not None:
        rows.append(("at", text(group["path"])))
    if "expected" in group or "received" in group:
        rows.append(("expected", text(group["expected"]) if "expected" in group else "(absent)"))
        rows.append(("received", text(group["received"]) if "received" in group else "(absent)"))
    shown = _GROUP_FIELDS | {"path", "expected", "received"}
    others = [(key, value) for key, value in group.items() if key not in shown and value is not None]
    return rows + [(_FINDING_LABELS.get(key, _label(key)), text(value)) for key, value in others]


def extra_result_fields(result: dict[str, Any]) -> list[tuple[str, str]]:
    """Fields of a result this module does not know (a baseline's, say), as (label, value) pairs."""
    return [(_label(k), text(v)) for k, v in result.items() if k not in _RESULT_FIELDS and v is not None]


def notes(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The run's notes (answers not judged as the target's own, and why); entries not objects left out."""
    items = report.get("notes")
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def judged_of(result: dict[str, Any]) -> int | None:
    """How many exchanges, calls or files the requirement was judged on; None when not counted."""
    value = result.get("judged")
    return value if isinstance(value, int) and not isinstance(value, bool) else None
