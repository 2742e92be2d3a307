"""The JUnit XML report: well-formed, within what CI systems read of JUnit, one test case per
requirement, a failure's every finding group with its reproduction, and what the server sent as text.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from models_conformance.reports import render_junit

from .report_samples import (
    DESCRIPTION,
    HOSTILE,
    HOSTILE_MESSAGE,
    TYPE_SEEN_IN,
    TYPE_SHAPE,
    client_report,
    every_outcome_report,
    result_of,
    server_report,
)

# What CI systems read of a JUnit file (Jenkins' junit plugin, GitLab's unit test reports, Azure
# Pipelines, the GitHub test-report actions), written down as the common ground of their schemas:
# element -> (required attributes, optional attributes, child elements allowed).
JUNIT: dict[str, tuple[set[str], set[str], set[str]]] = {
    "testsuite": (
        {"name", "tests", "failures", "errors", "skipped"},
        {"time", "timestamp", "hostname", "id", "package"},
        {"properties", "testcase", "system-out", "system-err"},
    ),
    "properties": (set(), set(), {"property"}),
    "property": ({"name", "value"}, set(), set()),
    "testcase": (
        {"name", "classname"},
        {"time", "file", "line", "assertions"},
        {"failure", "error", "skipped", "system-out", "system-err"},
    ),
    "failure": (set(), {"message", "type"}, set()),
    "error": (set(), {"message", "type"}, set()),
    "skipped": (set(), {"message"}, set()),
    "system-out": (set(), set(), set()),
    "system-err": (set(), set(), set()),
}
# Elements whose text a CI system shows; anywhere else, text is layout.
WITH_TEXT = {"failure", "error", "skipped", "system-out", "system-err"}


def junit_problems(root: ET.Element) -> list[str]:
    """Where a JUnit document leaves what CI systems read: empty when it is within it."""
    problems = [] if root.tag == "testsuite" else [f"the root is <{root.tag}>, not <testsuite>"]
    for element in root.iter():
        if element.tag not in JUNIT:
            problems.append(f"<{element.tag}> is no JUnit element")
            continue
        required, optional, children = JUNIT[element.tag]
        if required - set(element.attrib):
            problems.append(f"<{element.tag}> lacks {sorted(required - set(element.attrib))}")
        if set(element.attrib) - required - optional:
            problems.append(
                f"<{element.tag}> has unknown {sorted(set(element.attrib) - required - optional)}"
            )
        problems += [
            f"<{child.tag}> inside <{element.tag}>" for child in element if child.tag not in children
        ]
        if element.tag not in WITH_TEXT and (element.text or "").strip():
            problems.append(f"<{element.tag}> holds text")
    cases = root.findall("testcase")
    for case in cases:
        outcomes = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        if len(outcomes) > 1:
            problems.append(f"test case {case.get('name')} is at once {outcomes}")
    counted = {"tests": len(cases)}
    for attribute, tag in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
        counted[attribute] = len(root.findall(f"testcase/{tag}"))
    for attribute, count in counted.items():
        if root.get(attribute) != str(count):
            problems.append(f"{attribute}={root.get(attribute)!r} but {count} such test case(s)")
    return problems


SUITE = '<testsuite name="s" tests="{}" failures="{}" errors="0" skipped="{}">'


def parsed(report: dict[str, Any]) -> ET.Element:
    return ET.fromstring(render_junit(report).encode("utf-8"))


def case_of(root: ET.Element, requirement_id: str) -> ET.Element:
    return next(case for case in root.iter("testcase") if case.get("name") == requirement_id)


@pytest.mark.parametrize("report", [server_report(), every_outcome_report(), client_report(), {}])
def test_the_junit_report_is_well_formed_and_within_what_ci_systems_read(report: dict[str, Any]) -> None:
    assert junit_problems(parsed(report)) == []


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        (f'{SUITE.format(2, 0, 0)}<testcase name="a" classname="c"/></testsuite>', "tests='2' but 1"),
        (f'{SUITE.format(1, 0, 0)}<testcase name="a"/></testsuite>', "<testcase> lacks ['classname']"),
        (f'{SUITE.format(1, 0, 0)}<testcase name="a" classname="c">x</testcase></testsuite>', "holds text"),
        ("<testsuites><testsuite/></testsuites>", "the root is <testsuites>"),
        (
            f'{SUITE.format(1, 1, 1)}<testcase name="a" classname="c"><failure/><skipped/></testcase>'
            "</testsuite>",
            "is at once",
        ),
    ],
)
def test_the_schema_check_finds_what_ci_systems_would_misread(document: str, problem: str) -> None:
    assert any(problem in found for found in junit_problems(ET.fromstring(document)))


def test_there_is_one_test_case_per_requirement_named_by_its_id_and_level() -> None:
    report = server_report()
    root = parsed(report)
    cases = root.findall("testcase")
    assert [case.get("name") for case in cases] == [result["id"] for result in report["results"]]
    assert [case.get("classname") for case in cases] == [
        f"models_conformance.server.{result['level']}" for result in report["results"]
    ]
    assert root.get("name") == "models-api-conformance server"
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == (str(len(cases)), "2", "2")


def test_a_failure_gives_the_message_and_each_groups_details_and_reproduction() -> None:
    report = server_report()
    failure = case_of(parsed(report), "SRV-METHOD").find("failure")
    assert failure is not None
    result = result_of(report, "SRV-METHOD")
    assert failure.get("message") == result["message"]
    assert failure.get("type") == "SHOULD"
    text = failure.text or ""
    assert text.startswith(f"requirement: {result['statement']}")
    for group in result["findings"]:
        assert group["message"] in text
        times = "once" if group["count"] == 1 else f"{group['count']} times"
        assert f"Seen {times} ({group['shape']}), in: {group['seen_in']}" in text
        assert f"reproduce: {group['reproduction']}" in text
    assert 'expected: "a 4xx"\nreceived: 200\nHTTP status: 200' in text


def test_a_failure_shows_its_groups_count_shape_and_probes() -> None:
    text = case_of(parsed(server_report()), "SRV-200-TYPE").findtext("failure") or ""
    assert f"Seen 3 times ({TYPE_SHAPE}), in: {TYPE_SEEN_IN}" in text
    assert f"received: {json.dumps(HOSTILE)}" in text


def test_skipped_passed_and_expected_failures_read_as_ci_systems_expect() -> None:
    report = every_outcome_report()
    root = parsed(report)
    skipped = case_of(root, "SRV-ALIAS").find("skipped")
    assert skipped is not None and skipped.get("message") == "no alias is known for this target"
    assert list(case_of(root, "SRV-404")) == []
    expected = case_of(root, "SRV-IDEMPOTENT")
    assert [child.tag for child in expected] == ["system-out"]
    assert (expected.findtext("system-out") or "").startswith("expected-failure: ")


def test_the_run_is_in_the_suites_properties() -> None:
    properties = {p.get("name"): p.get("value") for p in parsed(server_report()).iter("property")}
    assert properties["seed"] == "42"
    assert properties["target"] == "http://127.0.0.1:4010"
    assert properties["description"] == DESCRIPTION


def test_what_the_server_sent_is_text_even_where_xml_cannot_hold_it() -> None:
    report = server_report()
    group = result_of(report, "SRV-200-TYPE")["findings"][0]
    group["received"] = '"\x01\ufffe\ud800 ]]> <!-- &"'
    document = render_junit(report)
    root = ET.fromstring(document.encode("utf-8"))
    text = case_of(root, "SRV-200-TYPE").findtext("failure") or ""
    assert 'received: "\\u0001\\ufffe\\ud800 ]]> <!-- &"' in text
    assert HOSTILE_MESSAGE.splitlines()[0] in (case_of(root, "SRV-METHOD").findtext("failure") or "")
    assert {element.tag for element in root.iter()} <= set(JUNIT)
