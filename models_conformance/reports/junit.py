"""The JSON report as JUnit XML, for CI systems that show test results: one test case per requirement.

A failed requirement is a ``<failure>`` (its level is in the class name: a SHOULD failure shows red in
a dashboard although it does not fail the run) whose text gives each distinct problem with how often
and where it was seen, its values and its reproduction; a skipped one is ``<skipped>`` with the
reason; an expected failure a passing case that says so in ``<system-out>``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from . import view

__all__ = ["render_junit"]

# Characters XML 1.0 cannot hold even escaped (control characters, U+FFFE, U+FFFF): a server's body
# may carry them, and one would make the whole file unreadable to a CI system. None is markup.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render_junit(report: dict[str, Any]) -> str:
    report = view.redacted(report)
    results = view.results(report)
    role = view.text(report.get("role")) or "server"
    suite = ET.Element(
        "testsuite",
        name=f"models-api-conformance {role}",
        tests=str(len(results)),
        failures=str(sum(view.outcome_of(r) == "failed" for r in results)),
        errors="0",
        skipped=str(sum(view.outcome_of(r) == "skipped" for r in results)),
    )
    properties = ET.SubElement(suite, "properties")
    fields = view.run_fields(report)
    if view.description(report):
        fields.append(("description", view.description(report)))
    for label, value in fields:
        ET.SubElement(properties, "property", name=label, value=value)
    for result in results:
        _testcase(suite, result, role)
    ET.indent(suite)
    document = '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"
    return _NOT_XML.sub(lambda match: f"\\u{ord(match.group()):04x}", document)


def _testcase(suite: ET.Element, result: dict[str, Any], role: str) -> None:
    level = view.text(result.get("level")) or "MUST"
    case = ET.SubElement(
        suite,
        "testcase",
        classname=f"models_conformance.{role}.{level}",
        name=view.text(result.get("id")),
    )
    outcome, message = view.outcome_of(result), view.text(result.get("message"))
    if outcome == "failed":
        ET.SubElement(case, "failure", message=message, type=level).text = _explanation(result)
    elif outcome == "skipped":
        ET.SubElement(case, "skipped", message=message)
    elif outcome != "passed":
        ET.SubElement(case, "system-out").text = f"{outcome}: {message}\n\n{_explanation(result)}"


def _explanation(result: dict[str, Any]) -> str:
    """The requirement, then each distinct problem (a stale baseline entry has none: the failure's
    message says why it fails)."""
    parts = [f"requirement: {view.text(result.get('statement'))}", *map(_group, view.groups(result))]
    return "\n\n".join(parts)


def _group(group: dict[str, Any]) -> str:
    lines = [view.text(group.get("message"))]
    if view.seen_line(group):
        lines.append(view.seen_line(group))
    lines += [f"{label}: {value}" for label, value in view.detail_rows(group)]
    if group.get("reproduction"):
        lines.append(f"reproduce: {view.text(group['reproduction'])}")
    return "\n".join(lines)
