"""The HTML and Markdown reports show every requirement and every failure's details, escape what the
server sent, load nothing from outside, and convert a JSON report from the command line."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from models_conformance import exchange, registry
from models_conformance.exchange import Exchange, Request, Response
from models_conformance.findings import Finding
from models_conformance.judge import Judgement
from models_conformance.reports import render_html, render_markdown
from models_conformance.reports.__main__ import main
from models_conformance.verdicts import Verdicts

HOSTILE = "<script>alert(1)</script>"
HOSTILE_MESSAGE = "the body says <img src=x onerror=alert(2)> | and `more` &amp; *this*\nsecond line"
BASE = "http://127.0.0.1:4010"

SERVER_REQUIREMENTS = len(list(registry.requirements("server")))


def _exchange(method: str = "GET", model_id: str = "claude-opus-4-6") -> Exchange:
    request = Request.make(
        method, BASE, f"/v1/models/{model_id}", {"anthropic-version": "2023-06-01", "x-api-key": "sk-x"}
    )
    return Exchange(request, Response.make(200, {"content-type": "application/json"}, HOSTILE.encode()))


def server_report() -> dict[str, Any]:
    """A report exactly as a server run produces it: one MUST failure with a hostile received value,
    one SHOULD failure seen in several exchanges plus one with a hostile message, a skip, and passes."""
    judgement = Judgement()
    judgement.findings = [
        Finding("SRV-200-TYPE", '`type` is not "model"', "$.type", "model", HOSTILE, _exchange())
    ]
    judgement.findings += [
        Finding(
            "SRV-METHOD",
            "another method than GET on a model did not get a 4xx",
            "status",
            "a 4xx",
            200,
            _exchange(m),
        )
        for m in ("POST", "PUT")
    ]
    judgement.findings.append(
        Finding("SRV-METHOD", HOSTILE_MESSAGE, "status", "a 4xx", 200, _exchange("PATCH"))
    )
    for requirement in registry.requirements("server"):
        if requirement.id not in ("SRV-ALIAS", "SRV-LIFECYCLE"):
            judgement.judged[requirement.id] = 3
    verdicts = Verdicts(
        judgement,
        role="server",
        contract="2023-06-01",
        hints={"SRV-ALIAS": "no alias is known for this target"},
    )
    target = {"base_url": BASE, "reference_server": False, "models": ["claude-opus-4-6"], "aliases": []}
    return verdicts.report(target=target, contract="2023-06-01", seed=42, requests_sent=7)


def result_of(report: dict[str, Any], requirement_id: str) -> dict[str, Any]:
    return next(r for r in report["results"] if r["id"] == requirement_id)


def reproduction_of(report: dict[str, Any], requirement_id: str) -> str:
    return str(result_of(report, requirement_id)["reproduction"])


def every_outcome_report() -> dict[str, Any]:
    """A report with the outcomes of a baseline run, one nobody knows yet, and fields added later."""
    report = server_report()
    baseline = {"id": "SRV-IDEMPOTENT", "reason": "cache layer, INFRA-12", "expires": "2027-01-31"}
    result_of(report, "SRV-IDEMPOTENT").update(outcome="expected-failure", baseline=baseline)
    result_of(report, "SRV-REQUEST-ID")["outcome"] = "flaky"
    report["throttling"] = {"answers": 2, "waited_s": 1.5}
    return report


class Page(HTMLParser):
    """What an HTML page is made of: its tags with their attributes, and its text by element."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.text: list[tuple[tuple[str, ...], str]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in ("meta", "input", "br"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        self.text.append((tuple(self.stack), data))

    def data_in(self, *tags: str) -> list[str]:
        """The text directly inside elements nested as ``tags`` (innermost last)."""
        return [data for stack, data in self.text if stack[-len(tags) :] == tags]


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
    assert headers == ["requirement", "level", *outcomes, "statement", "detail"]
    badges = "".join(data for stack, data in page.text if "td" in stack and "span" in stack)
    for outcome in outcomes:
        assert outcome in badges
    rows = [attrs for tag, attrs in page.tags if tag == "tr" and "data-outcome" in attrs]
    assert len(rows) == len(every_outcome_report()["results"])


def test_a_failures_reproduction_is_in_a_pre_verbatim() -> None:
    report = server_report()
    reproductions = Page(render_html(report)).data_in("pre", "code")
    assert reproduction_of(report, "SRV-200-TYPE") in reproductions
    assert reproduction_of(report, "SRV-200-TYPE").startswith("curl ")
    assert '"x-api-key: $ANTHROPIC_API_KEY"' in reproduction_of(report, "SRV-200-TYPE")


def test_failed_requirements_details_are_open_with_message_path_expected_and_received() -> None:
    page_text = render_html(server_report())
    page = Page(page_text)
    details = [attrs for tag, attrs in page.tags if tag == "details"]
    assert len(details) == 2
    assert all("open" in attrs for attrs in details)
    values = page.data_in("dd", "code")
    assert "$.type" in values
    assert '"model"' in values
    assert json.dumps(HOSTILE) in values
    assert "PUT on a model got HTTP 200" in page.data_in("p")


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


def test_the_run_header_shows_the_optional_fields_and_the_seed_command() -> None:
    page = Page(render_html(every_outcome_report()))
    header = dict(zip(page.data_in("dt"), page.data_in("dd"), strict=False))
    assert header["role"] == "server"
    assert header["target"] == BASE
    assert header["seed"] == "42"
    assert header["requests sent"] == "7"
    assert header["throttling"] == "answers: 2; waited_s: 1.5"
    command = f"models-conformance server --base-url {BASE} --contract 2023-06-01 --seed 42"
    assert command in page.data_in("code")


def test_a_report_without_seed_has_no_seed_command_and_a_pass_says_so() -> None:
    results = Results("server")
    results.add(ItemResult("test_404", "SRV-404", "passed"))
    page_text = render_html(results.report())
    assert "--seed" not in page_text
    assert "no MUST requirement failed" in page_text
    assert f"1 passed, 0 failed, {SERVER_REQUIREMENTS - 1} skipped" in page_text
    assert "No requirement failed." in page_text


def test_a_stale_baseline_entry_fails_the_run_and_throttling_is_counted() -> None:
    results = Results("server")
    results.add(ItemResult("test_404", "SRV-404", "passed"))
    report = results.report()
    result_of(report, "SRV-404").update(outcome="failed", stale_baseline=True, message="stale baseline")
    report["summary"].update(must_failed=0, stale_baseline=1, throttled=2)
    markdown = render_markdown(report)
    assert markdown.startswith("## ❌ 1 stale baseline entry\n")
    assert "; 2 checks cut short by target throttling" in markdown
    assert "✗ </span>1 stale baseline entry</p>" in render_html(report)


def test_a_credential_the_process_knows_is_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    report = server_report()
    result_of(report, "SRV-404")["message"] = "the body echoed sk-ant-api03-secret"
    monkeypatch.setattr(exchange, "_secrets", {"sk-ant-api03-secret"})
    html, markdown = render_html(report), render_markdown(report)
    assert "sk-ant-api03-secret" not in html + markdown
    assert "the body echoed [REDACTED]" in html
    assert "the body echoed \\[REDACTED\\]" in markdown


@pytest.mark.parametrize(
    ("context", "command"),
    [
        (
            {"profile": "live", "max_requests": 150, "baseline": "known failures.yaml"},
            f"models-conformance server --base-url {BASE} --contract 2023-06-01 --profile live "
            "--max-requests 150 --baseline 'known failures.yaml' --seed 42",
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


@pytest.mark.parametrize("report", [{}, {"results": [{}]}, {"results": "nonsense", "seed": None}])
def test_incomplete_reports_still_render(report: dict[str, Any]) -> None:
    assert "<table" in render_html(report)
    assert render_markdown(report).startswith("## ✅ no MUST requirement failed")


def test_a_client_failure_without_an_exchange_renders_without_a_curl() -> None:
    results = Results("client")
    failure = ConformanceFailure(Finding("CLI-VERSION", "no anthropic-version header was sent", "headers"))
    results.add(item_from_exception("test_version", "CLI-VERSION", failure))
    report = results.report(target={"name": "my-sdk"}, seed=7)
    assert "models-conformance client ... --seed 7" in render_html(report)
    assert "no anthropic-version header was sent" in render_markdown(report)
    assert "curl" not in render_markdown(report)


def test_many_findings_are_cut_with_a_pointer_to_the_json_report() -> None:
    report = server_report()
    result = result_of(report, "SRV-METHOD")
    result["findings"] = [dict(result["findings"][0], path=f"$.item{i}") for i in range(210)]
    page = Page(render_html(report))
    assert "197 more findings" in page.data_in("details", "summary")
    assert page.data_in("pre", "code").count(result["reproduction"]) == 200
    assert "… and 10 more findings in the JSON report." in page.data_in("p")
    assert "… and 207 more findings in the JSON report." in render_markdown(report)


def test_a_finding_repeated_in_many_exchanges_is_shown_once_with_its_count() -> None:
    report = server_report()
    result = result_of(report, "SRV-200-TYPE")
    result["findings"] = [copy.deepcopy(result["findings"][0]) for _ in range(44)]
    page = Page(render_html(report))
    assert page.data_in("pre", "code").count(result["reproduction"]) == 1
    assert "Seen 44 times." in page.data_in("p")
    markdown = render_markdown(report)
    assert markdown.count(result["reproduction"]) == 1
    assert "Seen 44 times." in markdown


# Markdown


def unescaped_cells(line: str) -> list[str]:
    return re.split(r"(?<!\\)\|", line)[1:-1]


def outside_code(markdown: str) -> str:
    markdown = re.sub(r"^(`{3,})[a-z]*\n.*?\n\1$", "", markdown, flags=re.S | re.M)
    return re.sub(r"(`+).*?\1", "", markdown)


def test_the_markdown_headline_counts_must_failures() -> None:
    lines = render_markdown(server_report()).splitlines()
    assert lines[0] == "## ❌ 1 MUST requirement failed"
    # Requirements without a check are "not run": skipped.
    assert lines[2] == f"1 passed, 2 failed, {SERVER_REQUIREMENTS - 3} skipped"


def test_the_markdown_table_has_one_row_of_four_cells_per_requirement() -> None:
    report = every_outcome_report()
    result_of(report, "SRV-404")["message"] = HOSTILE_MESSAGE
    table = [line for line in render_markdown(report).splitlines() if line.startswith("|")]
    assert table[0] == "| requirement | level | outcome | detail |"
    assert table[1] == "|---|---|---|---|"
    assert len(table) == 2 + len(report["results"])
    for line, result in zip(table[2:], report["results"], strict=True):
        cells = unescaped_cells(line)
        assert len(cells) == 4, line
        assert cells[0].strip() == result["id"]
        assert cells[2].strip().endswith(" " + result["outcome"])


def test_markdown_escapes_what_the_server_sent() -> None:
    markdown = render_markdown(server_report())
    prose = outside_code(markdown)
    assert not re.search(r"(?<!\\)<", prose)
    assert f"`{json.dumps(HOSTILE)}`" in markdown
    assert "\\<img src=x onerror=alert(2)\\>" in markdown


def test_markdown_details_give_expected_received_and_the_reproduction_in_a_fence() -> None:
    report = server_report()
    markdown = render_markdown(report)
    assert f"```sh\n{reproduction_of(report, 'SRV-200-TYPE')}\n```" in markdown
    assert "- at: `$.type`" in markdown
    assert '- expected: `"model"`' in markdown
    assert "### ❌ SRV-200-TYPE (MUST, failed)" in markdown


def test_a_reproduction_with_backticks_gets_a_longer_fence() -> None:
    report = server_report()
    result_of(report, "SRV-200-TYPE")["findings"][0]["reproduction"] = "curl -d '```'"
    assert "````sh\ncurl -d '```'\n````" in render_markdown(report)


def test_every_outcome_and_optional_field_shows_in_markdown() -> None:
    markdown = render_markdown(every_outcome_report())
    for outcome in ("✅ passed", "❌ failed", "⏭️ skipped", "⚠️ expected-failure", "❔ flaky"):
        assert f"| {outcome} |" in markdown
    assert "throttling: `answers: 2; waited_s: 1.5`" in markdown
    assert "- baseline: `id: SRV-IDEMPOTENT; reason: cache layer, INFRA-12; expires: 2027-01-31`" in markdown
    assert "models-conformance server --base-url" in markdown


# python -m models_conformance.reports


def test_the_command_line_converts_a_json_report(tmp_path: Path) -> None:
    results = Results("server")
    results.add(ItemResult("test_404", "SRV-404", "passed"))
    source = tmp_path / "report.json"
    results.write_json(source, seed=1)
    html, markdown = tmp_path / "report.html", tmp_path / "report.md"
    assert main([str(source), "--html", str(html), "--markdown", str(markdown)]) == 0
    report = json.loads(source.read_text())
    assert html.read_text(encoding="utf-8") == render_html(report)
    assert markdown.read_text(encoding="utf-8") == render_markdown(report)


def test_the_command_line_prints_markdown_without_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "report.json"
    source.write_text(json.dumps(server_report()))
    assert main([str(source)]) == 0
    assert capsys.readouterr().out == render_markdown(server_report())


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
    assert main([str(source), "--html", str(tmp_path / "out.html")]) == 2
    assert error in capsys.readouterr().err
    assert not (tmp_path / "out.html").exists()
