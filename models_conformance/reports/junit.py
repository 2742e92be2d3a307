"""The JSON report as JUnit XML, for CI systems that show test results: one test case per requirement.

A failed requirement is a ``<failure>`` (its level is in the class name: a SHOULD failure shows red in
a dashboard although it does not fail the run), a skipped one ``<skipped>``, an expected failure a
passing case that says so in ``<system-out>``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from . import view

__all__ = ["render_junit"]


def render_junit(report: dict[str, Any]) -> str:
    report = view.redacted(report)
    results = view.results(report)
    role = view.text(report.get("role")) or "server"
    suite = ET.Element(
        "testsuite",
        name=f"models-api-conformance {role}",
        tests=str(len(results)),
        failures=str(sum(view.outcome_of(r) == "failed" for r in results)),
        skipped=str(sum(view.outcome_of(r) == "skipped" for r in results)),
    )
    properties = ET.SubElement(suite, "properties")
    for label, value in view.run_fields(report):
        ET.SubElement(properties, "property", name=label, value=value)
    for result in results:
        level = view.text(result.get("level")) or "MUST"
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"models_conformance.{role}.{level}",
            name=view.text(result.get("id")),
        )
        outcome, message = view.outcome_of(result), view.text(result.get("message"))
        if outcome == "failed":
            failure = ET.SubElement(case, "failure", message=message, type=level)
            failure.text = "\n\n".join(_finding(group) for group in view.groups(result))
        elif outcome == "skipped":
            ET.SubElement(case, "skipped", message=message)
        elif outcome != "passed":
            ET.SubElement(case, "system-out").text = f"{outcome}: {message}"
    ET.indent(suite)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"


def _finding(group: dict[str, Any]) -> str:
    lines = [view.text(group.get("message"))]
    if view.seen_line(group):
        lines.append(view.seen_line(group))
    lines += [f"{label}: {value}" for label, value in view.detail_rows(group)]
    if group.get("reproduction"):
        lines.append(f"reproduce: {view.text(group['reproduction'])}")
    return "\n".join(lines)
