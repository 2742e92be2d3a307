"""What a reader of the HTML report sees, in headless Chromium.

The report comes from a real run of the command line against a server with a few deliberate faults
(one of them answers with markup where the model's ``type`` belongs). A small harness page loads the
report in a frame and reads it the way a reader does: ``innerText`` leaves out whatever is collapsed
or hidden, and ``checkVisibility()`` says whether an element is shown. The reader sees the matrix
with each requirement's outcome and how much it was judged on and, without a click, each failure's
message and its first distinct problems: how often, in what kind of exchange and in which probes
each was seen, the expected and received values and the curl command (further problems of the same
requirement are one click away); and the command reproduces the failure when run in a shell.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from models_conformance.reference.app import create_app
from models_conformance.reference.server import ReferenceServer
from models_conformance.reports.html import MAX_GROUPS, SHOWN_GROUPS

from .broken_servers import FAULTS, Fault, map_models

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="headless Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)",
)

KEY = "browser-test-key-0001"  # not a made-up probe key, so reproductions read it from the environment
HOSTILE = "<script>alert(1)</script>"
MARKUP_TYPE = Fault(
    "SRV-200-TYPE",
    "model objects say type <script>…",
    response=lambda scope, status, headers, body: (
        status,
        headers,
        map_models(body, lambda model: model.__setitem__("type", HOSTILE)),
    ),
)
SHOWN = (MARKUP_TYPE, *(f for f in FAULTS if f.id in ("SRV-NO-5XX", "SRV-METHOD", "SRV-REQUEST-ID")))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1280,1600",
]

# Runs in the harness page once the report has loaded in its frame (file URLs share an origin only
# with --allow-file-access-from-files). It reads, clicks the "failed" filter, and writes what it saw.
HARNESS = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><script>
function look(frame) {
  var doc = frame.contentDocument;
  var all = function (selector, root) { return Array.from((root || doc).querySelectorAll(selector)); };
  var headers = all("#matrix thead th").map(function (th) { return th.innerText; });
  var rows = all("#matrix tbody tr").map(function (tr) {
    var cells = {};
    Array.from(tr.children).forEach(function (cell, i) { cells[headers[i]] = cell.innerText; });
    return cells;
  });
  var failures = all("details.result").map(function (details) {
    return {
      id: details.querySelector("summary code").innerText,
      open: details.open,
      text: details.innerText,
      reproductions: all("pre.reproduction", details).map(function (pre) {
        return {text: pre.textContent, visible: pre.checkVisibility()};
      })
    };
  });
  var seen = {
    verdict: doc.getElementById("verdict").innerText,
    text: doc.body.innerText,
    headers: headers,
    rows: rows,
    failures: failures,
    scripts: all("script").length,
    copyButtons: all("button.copy").length,
    reproductions: all("pre.reproduction").length
  };
  all("details.more > summary").forEach(function (summary) { summary.click(); });
  seen.failuresAfterShowingMore = all("details.result").map(function (details) {
    return all("pre.reproduction", details).map(function (pre) { return pre.checkVisibility(); });
  });
  doc.querySelector('#filter input[value="failed"]').click();
  seen.shownWhenFilteredToFailed = all("#matrix tbody tr").filter(function (tr) {
    return tr.checkVisibility();
  }).map(function (tr) { return tr.querySelector("th").innerText; });
  document.getElementById("seen").textContent = JSON.stringify(seen);
}
</script></head>
<body><iframe src="report.html" onload="look(this)" width="1280" height="1600"></iframe>
<pre id="seen"></pre></body></html>
"""


class _Seen(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inside = tag == "pre" and ("id", "seen") in attrs

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.text += data


@pytest.fixture(scope="module")
def broken_server() -> Iterator[str]:
    app = create_app(api_keys=[KEY])
    for fault in SHOWN:
        app = fault.wrap(app)
    with ReferenceServer(app=app) as server:
        yield server.url


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("report")


@pytest.fixture(scope="module")
def report(broken_server: str, folder: Path) -> dict[str, Any]:
    """The JSON report of a command-line run against the broken server, rendered to report.html."""
    path = folder / "report.json"
    suite = ["--base-url", broken_server, "--seed", "20261125", "--examples", "30", "--timeout", "5"]
    run = subprocess.run(
        [sys.executable, "-m", "models_conformance", "server", *suite, "--report-json", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "ANTHROPIC_API_KEY": KEY},
    )
    assert path.exists(), run.stdout + run.stderr
    subprocess.run(
        [
            sys.executable,
            "-m",
            "models_conformance.reports",
            str(path),
            "--html",
            str(folder / "report.html"),
        ],
        check=True,
        timeout=60,
    )
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def seen(report: dict[str, Any], folder: Path) -> dict[str, Any]:
    """What the harness page saw of report.html in headless Chromium."""
    harness = folder / "harness.html"
    harness.write_text(HARNESS, encoding="utf-8")
    profile = f"--user-data-dir={folder / 'profile'}"
    browser = subprocess.run(
        [
            str(CHROMIUM),
            *CHROMIUM_FLAGS,
            profile,
            "--allow-file-access-from-files",
            "--dump-dom",
            harness.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HOME": str(folder)},
    )
    parser = _Seen()
    parser.feed(browser.stdout)
    assert parser.text, f"Chromium showed nothing (exit {browser.returncode}): {browser.stderr[-2000:]}"
    result: dict[str, Any] = json.loads(parser.text)
    return result


def failed(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [result for result in report["results"] if result["outcome"] == "failed"]


def test_the_run_is_a_failing_one(report: dict[str, Any]) -> None:
    ids = {result["id"] for result in failed(report)}
    assert {"SRV-200-TYPE", "SRV-NO-5XX", "SRV-METHOD", "SRV-REQUEST-ID"} <= ids


def test_the_reader_sees_the_verdict_and_the_run(report: dict[str, Any], seen: dict[str, Any]) -> None:
    must = report["summary"]["must_failed"]
    assert seen["verdict"] == f"✗ {must} MUST requirement{'s' if must != 1 else ''} failed"
    assert f"Tested {report['description']}." in seen["text"]
    assert f"requests sent\n{report['requests_sent']}" in seen["text"]
    assert f"--seed {report['seed']}" in seen["text"]


def test_the_matrix_shows_every_requirement_with_its_level_and_outcome(
    report: dict[str, Any], seen: dict[str, Any]
) -> None:
    outcomes = ["passed", "failed", "skipped"]
    assert seen["headers"] == ["requirement", "level", *outcomes, "judged", "statement", "detail"]
    assert [row["requirement"] for row in seen["rows"]] == [r["id"] for r in report["results"]]
    for row, result in zip(seen["rows"], report["results"], strict=True):
        assert row["level"] == result["level"]
        assert row["judged"] == str(result["judged"])
        symbol = {"passed": "✓", "failed": "✗", "skipped": "○"}[result["outcome"]]
        assert row[result["outcome"]] == f"{symbol} {result['outcome']}"
        assert all(row[o] == "" for o in outcomes if o != result["outcome"])


def test_each_failures_details_are_shown_without_a_click(
    report: dict[str, Any], seen: dict[str, Any]
) -> None:
    shown = {details["id"]: details for details in seen["failures"]}
    assert set(shown) == {result["id"] for result in failed(report)}
    for result in failed(report):
        details = shown[result["id"]]
        assert details["open"]
        assert result["message"].splitlines()[0] in details["text"]
        for group in result["findings"][:SHOWN_GROUPS]:
            times = "once" if group["count"] == 1 else f"{group['count']} times"
            assert f"Seen {times} ({group['shape']}), in: {group['seen_in']}" in details["text"]
            assert group["path"] in details["text"]
            assert f"expected\n{group.get('expected', '(absent)')}" in details["text"]
            assert f"received\n{group.get('received', '(absent)')}" in details["text"]
            assert {"text": group["reproduction"], "visible": True} in details["reproductions"]


def test_further_problems_are_one_click_on_their_summary_away(
    report: dict[str, Any], seen: dict[str, Any]
) -> None:
    many = [result for result in failed(report) if len(result["findings"]) > SHOWN_GROUPS]
    assert many, "the run should have a requirement with many distinct problems"
    for result in many:
        index = [d["id"] for d in seen["failures"]].index(result["id"])
        details = seen["failures"][index]
        expected = [group["reproduction"] for group in result["findings"][:MAX_GROUPS]]
        assert [pre["text"] for pre in details["reproductions"]] == expected
        assert [pre["visible"] for pre in details["reproductions"]].count(True) == SHOWN_GROUPS
        assert all(seen["failuresAfterShowingMore"][index])


def test_markup_from_the_server_reads_as_text_and_does_not_run(seen: dict[str, Any]) -> None:
    details = next(d for d in seen["failures"] if d["id"] == "SRV-200-TYPE")
    assert f"received\n{json.dumps(HOSTILE)}" in details["text"]
    assert seen["scripts"] == 1


def test_the_pages_own_script_runs_the_filter_and_the_copy_buttons(
    report: dict[str, Any], seen: dict[str, Any]
) -> None:
    assert seen["shownWhenFilteredToFailed"] == [result["id"] for result in failed(report)]
    assert seen["copyButtons"] == seen["reproductions"] > 0


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_curl_command_a_reader_copies_reproduces_the_failure(
    broken_server: str, report: dict[str, Any], seen: dict[str, Any]
) -> None:
    assert "set ANTHROPIC_API_KEY in your shell first" in seen["text"]
    for result in failed(report):
        details = next(d for d in seen["failures"] if d["id"] == result["id"])
        command = details["reproductions"][0]["text"]
        assert command.startswith("curl -sS -i --path-as-is -X ") and broken_server in command
        answer = subprocess.run(
            ["bash", "-c", command],
            capture_output=True,
            text=True,
            timeout=30,
            env={"PATH": "/usr/bin:/bin", "ANTHROPIC_API_KEY": KEY},
        )
        status_line = answer.stdout.splitlines()[0]
        assert status_line.split()[1] == str(result["findings"][0]["status"]), answer.stdout
