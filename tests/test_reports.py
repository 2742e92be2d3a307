"""The HTML and Markdown reports show every requirement, how much it was judged on and every failure's
finding groups, escape what the server sent, load nothing from outside, and convert a JSON report
from the command line."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from models_conformance import secret
from models_conformance.baseline import Baseline, BaselineEntry
from models_conformance.judge import Judgement
from models_conformance.outputs import write
from models_conformance.reports import render_html, render_junit, render_markdown
from models_conformance.reports.__main__ import main
from models_conformance.settings import Settings
from models_conformance.verdicts import Verdicts

from .report_samples import (
    BASE,
    DESCRIPTION,
    HOSTILE,
    HOSTILE_MESSAGE,
    SERVER_REQUIREMENTS,
    TYPE_JUDGED,
    TYPE_SEEN_IN,
    TYPE_SHAPE,
    Page,
    client_report,
    every_outcome_report,
    reproduction_of,
    result_of,
    server_report,
)


def passing_report(**verdict_options: Any) -> dict[str, Any]:
    """A server run that judged SRV-404 alone (on one exchange) and found nothing."""
    judgement = Judgement()
    judgement.judged["SRV-404"] = 1
    return Verdicts(judgement, role="server", contract="2023-06-01", **verdict_options).report()


# HTML


def test_a_hostile_received_value_and_message_are_text_not_markup() -> None:
    page_text = render_html(server_report())
    page = Page(page_text)
    assert [tag for tag, _ in page.tags].count("script") == 1
    assert [tag for tag, _ in page.tags].count("img") == 0
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page_text
    assert json.dumps(HOSTILE) in page.data_in("dd", "code")
    assert any("<img src=x onerror=alert(2)>" in data for data in page.data_in("p"))


def test_every_outcome_is_a_matrix_column_and_a_row_badge() -> None:
    page = Page(render_html(every_outcome_report()))
    headers = page.data_in("thead", "tr", "th")
    outcomes = ["passed", "failed", "expected-failure", "skipped", "flaky"]
    assert headers == ["requirement", "level", *outcomes, "judged", "statement", "detail"]
    badges = "".join(data for stack, data in page.text if "td" in stack and "span" in stack)
    for outcome in outcomes:
        assert outcome in badges
    rows = [attrs for tag, attrs in page.tags if tag == "tr" and "data-outcome" in attrs]
    assert len(rows) == len(every_outcome_report()["results"])


def test_each_requirements_judged_count_is_in_its_matrix_row() -> None:
    report = server_report()
    page = Page(render_html(report))
    # The only cells of the matrix that hold a bare number.
    judged = [data for stack, data in page.text if stack[-2:] == ("tr", "td") and data.isdigit()]
    assert judged == [str(result["judged"]) for result in report["results"]]
    assert str(TYPE_JUDGED) in judged


def test_a_failures_reproduction_is_in_a_pre_verbatim() -> None:
    report = server_report()
    reproductions = Page(render_html(report)).data_in("pre", "code")
    assert reproduction_of(report, "SRV-200-TYPE") in reproductions
    assert reproduction_of(report, "SRV-200-TYPE").startswith("curl ")
    assert '"x-api-key: $ANTHROPIC_API_KEY"' in reproduction_of(report, "SRV-200-TYPE")


def test_failed_requirements_details_are_open_with_message_path_expected_and_received() -> None:
    page = Page(render_html(server_report()))
    details = [attrs for tag, attrs in page.tags if tag == "details"]
    assert len(details) == 2
    assert all("open" in attrs for attrs in details)
    values = page.data_in("dd", "code")
    assert "$.type" in values
    assert '"model"' in values
    assert json.dumps(HOSTILE) in values
    assert "another method than GET on a model did not get a 4xx" in page.data_in("p")


def test_a_finding_group_shows_how_often_in_what_shape_and_in_which_probes_it_was_seen() -> None:
    report = server_report()
    page = Page(render_html(report))
    seen = page.data_in("p")
    assert f"Seen 3 times ({TYPE_SHAPE}), in: {TYPE_SEEN_IN}" in seen
    assert "Seen 2 times (a model, answered 200), in: POST (1); PUT (1)" in seen
    # The smallest example of the three is the one shown and reproduced, once.
    assert page.data_in("pre", "code").count(reproduction_of(report, "SRV-200-TYPE")) == 1
    assert reproduction_of(report, "SRV-200-TYPE").split()[6].endswith("/v1/models/claude-opus")


def test_an_expected_failure_gets_details_collapsed_and_unknown_result_fields_are_shown() -> None:
    page = Page(render_html(every_outcome_report()))
    details = [attrs for tag, attrs in page.tags if tag == "details"]
    assert len(details) == 4  # failed twice, expected-failure, flaky
    assert sum("open" not in attrs for attrs in details) == 1
    baseline = "id: SRV-IDEMPOTENT; reason: cache layer, INFRA-12; expires: 2027-01-31"
    assert baseline in page.data_in("dd", "code")


def test_nothing_is_loaded_from_outside_the_file() -> None:
    page_text = render_html(server_report())
    page = Page(page_text)
    for tag, attrs in page.tags:
        assert "src" not in attrs, tag
        assert (attrs.get("href") or "#").startswith("#"), attrs
    code = "".join(page.data_in("style") + page.data_in("script"))
    assert not re.search(r"https?:|url\(|@import|//[a-z]", code)
    # Every URL in the page is text a reader sees (targets and reproductions), none is an address.
    text = "".join(data for _, data in page.text)
    assert page_text.count("http://") == text.count("http://") > 0
    assert "https://" not in page_text


def test_the_content_security_policy_allows_exactly_the_pages_own_script() -> None:
    page = Page(render_html(server_report()))
    policy = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv"))
    assert policy is not None and "default-src 'none'" in policy
    script = page.data_in("script")[0]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy


def test_the_run_header_shows_what_was_tested_the_target_and_the_seed_command() -> None:
    page = Page(render_html(server_report()))
    header = dict(zip(page.data_in("dt"), page.data_in("dd"), strict=False))
    assert header["role"] == "server"
    assert header["target"] == BASE
    assert header["alias guesses"] == "claude-sonnet"
    assert header["credential form"] == "x-api-key"
    assert header["seed"] == "42"
    assert header["requests sent"] == "7"
    assert "throttling" not in header  # the target throttled nothing
    assert f"Tested {DESCRIPTION}." in page.data_in("p")
    command = (
        f"models-conformance server --base-url {BASE} --alias claude-opus --contract 2023-06-01 --seed 42"
    )
    assert command in page.data_in("code")


def test_throttled_answers_are_counted_in_the_counts_line() -> None:
    counts = (
        "; the target throttled 2 answers (1.5 s waited as it asked; throttling is not judged as a failure)"
    )
    line = f"{SERVER_REQUIREMENTS - 6} passed, 2 failed, 1 expected-failure, 2 skipped, 1 flaky{counts}"
    assert line in Page(render_html(every_outcome_report())).data_in("p")
    assert render_markdown(every_outcome_report()).splitlines()[2] == line


def test_a_report_without_seed_has_no_seed_command_and_a_pass_says_so() -> None:
    page_text = render_html(passing_report())
    assert "--seed" not in page_text
    assert "no MUST requirement failed" in page_text
    assert f"1 passed, 0 failed, {SERVER_REQUIREMENTS - 1} skipped" in page_text
    assert "No requirement failed." in page_text


def test_a_stale_baseline_entry_fails_the_run() -> None:
    entry = BaselineEntry("SRV-404", "the gateway answered 400, INFRA-7")
    report = passing_report(baseline=Baseline("known.yaml", {"SRV-404": entry}))
    assert result_of(report, "SRV-404")["stale_baseline"] is True
    assert render_markdown(report).startswith("## ❌ 1 stale baseline entry\n")
    assert "✗ </span>1 stale baseline entry</p>" in render_html(report)
    assert "remove its entry from known.yaml" in render_html(report)


def test_a_credential_the_process_knows_is_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(secret, "_registered", set())
    secret.Secret("sk-ant-api03-secret")
    secret.register_secret("sk-ant-admin01-other")
    report = server_report()
    result_of(report, "SRV-404")["message"] = "the body echoed sk-ant-api03-secret"
    result_of(report, "SRV-200-TYPE")["findings"][0]["received"] = '"sk-ant-admin01-other"'
    html, markdown, junit = render_html(report), render_markdown(report), render_junit(report)
    assert "sk-ant-api03-secret" not in html + markdown + junit
    assert "sk-ant-admin01-other" not in html + markdown + junit
    assert "the body echoed [REDACTED]" in html
    assert "the body echoed \\[REDACTED\\]" in markdown
    assert 'received: "[REDACTED]"' in junit


@pytest.mark.parametrize(
    ("context", "command"),
    [
        (
            {"profile": "live", "max_requests": 150, "baseline": "known failures.yaml"},
            f"models-conformance server --base-url {BASE} --alias claude-opus --contract 2023-06-01 "
            "--profile live --max-requests 150 --baseline 'known failures.yaml' --seed 42",
        ),
        (
            {"role": "client", "target": {"name": "sdk", "driven_by": "connector: node index.mjs"}},
            "models-conformance client --connector 'node index.mjs' --contract 2023-06-01 --seed 42",
        ),
        ({"role": "cassette", "target": {}}, "models-conformance cassette ... --seed 42"),
        (
            {"target": {"base_url": "http://127.0.0.1:1", "reference_server": True}},
            "models-conformance server --contract 2023-06-01 --seed 42",
        ),
    ],
)
def test_the_seed_command_repeats_the_options_the_report_records(
    context: dict[str, Any], command: str
) -> None:
    report = {**server_report(), **context}
    assert command in Page(render_html(report)).data_in("pre", "code")
    assert f"```sh\n{command}\n```" in render_markdown(report)


@pytest.mark.parametrize(
    "report",
    [
        {},
        {"results": [{}]},
        {"results": "nonsense", "seed": None},
        {"results": [{"id": "X", "outcome": "failed", "findings": [{"count": "many"}, "nonsense"]}]},
        {"results": [{"judged": "all"}], "throttling": "yes", "description": None},
    ],
)
def test_incomplete_reports_still_render(report: dict[str, Any]) -> None:
    assert "<table" in render_html(report)
    assert render_markdown(report).startswith("## ")
    assert "<testsuite" in render_junit(report)


def test_a_client_failure_without_an_exchange_renders_without_a_curl() -> None:
    report = client_report()
    html, markdown = render_html(report), render_markdown(report)
    assert "models-conformance client ... --seed 7" in html
    assert "no anthropic-version header was sent" in markdown
    assert "- example: `call 3`" in markdown
    assert "curl" not in markdown
    assert "Seen once" not in html + markdown  # a group that says nothing of where it was seen


def test_many_finding_groups_are_cut_with_a_pointer_to_the_json_report() -> None:
    report = server_report()
    result = result_of(report, "SRV-METHOD")
    result["findings"] = [dict(result["findings"][0], path=f"$.item{i}") for i in range(210)]
    page = Page(render_html(report))
    assert "197 more distinct problems" in page.data_in("details", "summary")
    assert page.data_in("pre", "code").count(result["reproduction"]) == 200
    assert "… and 10 more distinct problems in the JSON report." in page.data_in("p")
    markdown = render_markdown(report)
    assert "… and 207 more distinct problems in the JSON report." in markdown
    assert markdown.count(result["reproduction"]) == 3


def test_lone_surrogates_and_control_characters_from_a_body_still_make_writable_reports() -> None:
    report = server_report()
    # What json.loads makes of a body's "\ud800\u0001\ufffe": a string UTF-8 cannot encode.
    result_of(report, "SRV-200-TYPE")["findings"][0]["received"] = '"\ud800\x01\ufffe"'
    for rendered in (render_html(report), render_markdown(report), render_junit(report)):
        assert "\\ud800" in rendered.encode("utf-8").decode("utf-8")


# Markdown


def unescaped_cells(line: str) -> list[str]:
    return re.split(r"(?<!\\)\|", line)[1:-1]


def outside_code(markdown: str) -> str:
    markdown = re.sub(r"^(`{3,})[a-z]*\n.*?\n\1$", "", markdown, flags=re.S | re.M)
    return re.sub(r"(`+).*?\1", "", markdown)


def test_the_markdown_headline_counts_must_failures_and_says_what_was_tested() -> None:
    lines = render_markdown(server_report()).splitlines()
    assert lines[0] == "## ❌ 1 MUST requirement failed"
    assert lines[2] == f"{SERVER_REQUIREMENTS - 4} passed, 2 failed, 2 skipped"
    assert lines[4] == f"Tested {DESCRIPTION}."


def test_the_markdown_table_has_one_row_of_five_cells_per_requirement_with_its_judged_count() -> None:
    report = every_outcome_report()
    result_of(report, "SRV-404")["message"] = HOSTILE_MESSAGE
    table = [line for line in render_markdown(report).splitlines() if line.startswith("|")]
    assert table[0] == "| requirement | level | outcome | judged | detail |"
    assert table[1] == "|---|---|---|---:|---|"
    assert len(table) == 2 + len(report["results"])
    for line, result in zip(table[2:], report["results"], strict=True):
        cells = unescaped_cells(line)
        assert len(cells) == 5, line
        assert cells[0].strip() == result["id"]
        assert cells[2].strip().endswith(" " + result["outcome"])
        assert cells[3].strip() == str(result["judged"])


def test_markdown_escapes_what_the_server_sent() -> None:
    markdown = render_markdown(server_report())
    prose = outside_code(markdown)
    assert not re.search(r"(?<!\\)<", prose)
    assert f"`{json.dumps(HOSTILE)}`" in markdown
    assert "\\<img src=x onerror=alert(2)\\>" in markdown


def test_markdown_details_give_the_group_expected_received_and_the_reproduction_in_a_fence() -> None:
    report = server_report()
    markdown = render_markdown(report)
    assert "### ❌ SRV-200-TYPE (MUST, failed)" in markdown
    assert f"Seen 3 times ({TYPE_SHAPE}), in: {TYPE_SEEN_IN}" in markdown
    assert "- at: `$.type`" in markdown
    assert '- expected: `"model"`' in markdown
    assert f"```sh\n{reproduction_of(report, 'SRV-200-TYPE')}\n```" in markdown
    assert "Problem 2 of 2: the body says \\<img" in markdown


def test_a_long_list_of_probes_is_cut_in_markdown_and_whole_in_html() -> None:
    report = server_report()
    seen_in = ", ".join(f"generated id of {n} characters (1)" for n in range(1, 40))
    result_of(report, "SRV-200-TYPE")["findings"][0]["seen_in"] = seen_in
    assert seen_in not in render_markdown(report)
    assert "in: generated id of 1 characters (1), generated id" in render_markdown(report)
    assert f"Seen 3 times ({TYPE_SHAPE}), in: {seen_in}" in Page(render_html(report)).data_in("p")


def test_a_reproduction_with_backticks_gets_a_longer_fence() -> None:
    report = server_report()
    result_of(report, "SRV-200-TYPE")["findings"][0]["reproduction"] = "curl -d '```'"
    assert "````sh\ncurl -d '```'\n````" in render_markdown(report)


def test_every_outcome_and_optional_field_shows_in_markdown() -> None:
    markdown = render_markdown(every_outcome_report())
    for outcome in ("✅ passed", "❌ failed", "⏭️ skipped", "⚠️ expected-failure", "❔ flaky"):
        assert f"| {outcome} |" in markdown
    assert "credential form: `x-api-key`" in markdown
    assert "- baseline: `id: SRV-IDEMPOTENT; reason: cache layer, INFRA-12; expires: 2027-01-31`" in markdown
    assert "models-conformance server --base-url" in markdown


# python -m models_conformance.reports


def test_the_command_line_converts_the_json_report_a_run_writes(tmp_path: Path) -> None:
    source = tmp_path / "report.json"
    judgement = Judgement()
    judgement.judged["SRV-404"] = 1
    verdicts = Verdicts(judgement, role="server", contract="2023-06-01")
    write(verdicts, Settings(report_json=str(source)), {"seed": 1})
    html, markdown, junit = tmp_path / "report.html", tmp_path / "report.md", tmp_path / "report.xml"
    assert main([str(source), "--html", str(html), "--markdown", str(markdown), "--junit", str(junit)]) == 0
    report = json.loads(source.read_text())
    assert html.read_text(encoding="utf-8") == render_html(report)
    assert markdown.read_text(encoding="utf-8") == render_markdown(report)
    assert junit.read_text(encoding="utf-8") == render_junit(report)


def test_the_command_line_prints_markdown_without_options_and_nothing_with_junit_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "report.json"
    source.write_text(json.dumps(server_report()))
    assert main([str(source)]) == 0
    assert capsys.readouterr().out == render_markdown(server_report())
    assert main([str(source), "--junit", str(tmp_path / "out.xml")]) == 0
    assert capsys.readouterr().out == ""
    assert main([str(source), "--junit", "-"]) == 0
    assert capsys.readouterr().out == render_junit(server_report())


@pytest.mark.parametrize(
    ("content", "error"),
    [(None, "cannot read the report"), ("{", "is not JSON"), ("[]", "is not a conformance JSON report")],
)
def test_the_command_line_refuses_what_is_not_a_report(
    content: str | None, error: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "report.json"
    if content is not None:
        source.write_text(content)
    assert (
        main([str(source), "--html", str(tmp_path / "out.html"), "--junit", str(tmp_path / "out.xml")]) == 2
    )
    assert error in capsys.readouterr().err
    assert not (tmp_path / "out.html").exists()
    assert not (tmp_path / "out.xml").exists()
