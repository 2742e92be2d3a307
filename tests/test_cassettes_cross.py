"""The rules that take two recorded exchanges (SRV-ID-ROUNDTRIP, SRV-ALIAS, SRV-IDEMPOTENT,
SRV-LIST-CONSISTENT) are judged across the files given: each fails on recordings that break it,
naming it and both exchanges, passes on consistent ones, and is skipped with the reason when the
exchanges it needs are missing or could not have been answered by the same server state."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from models_conformance import SEED_EXAMPLE
from models_conformance.judge.cross import CROSS_REQUIREMENTS

from .recordings import DATA, LIST_PAGE, check, error, interaction, write
from .test_cassettes_real_world import REAL_WORLD

CROSS = DATA / "cross"
ROOT = Path(__file__).parents[1]
RULES = {
    "roundtrip": "SRV-ID-ROUNDTRIP",
    "alias": "SRV-ALIAS",
    "idempotent": "SRV-IDEMPOTENT",
    "list": "SRV-LIST-CONSISTENT",
}
# folder -> (its rule's outcome, what the rule's message says)
FOLDERS = {
    "roundtrip-good": ("passed", ""),
    "roundtrip-broken": ("failed", "an id another answer reported gets 404"),
    "roundtrip-apart": ("skipped", "1 recorded more than 15 min apart (the closest 96 days)"),
    "roundtrip-across": (
        "skipped",
        "none of the 4 pair(s) that could show it was judged: 1 sent to different base URLs "
        "(https://api.anthropic.com and https://gateway.example.test/anthropic); 1 with different "
        "anthropic-version (2023-06-01 and 2026-10-21); 1 with ?beta=true on one side only; 1 with "
        "different anthropic-beta (none and files-api-2025-04-14)",
    ),
    "roundtrip-missing": ("skipped", "no retrieval of an id that another retrieval reported"),
    "alias-good": ("passed", ""),
    "alias-broken": ("failed", "an alias and the model it names return different objects"),
    "alias-across": ("skipped", "1 sent to different base URLs"),
    "alias-missing": (
        "skipped",
        "alias 'claude-opus-4-5' resolved to 'claude-opus-4-5-20251101', which was not retrieved",
    ),
    "idempotent-good": ("passed", ""),
    "idempotent-broken": ("failed", "two retrievals of one id differ"),
    "idempotent-apart": ("skipped", "1 recorded more than 15 min apart (the closest 92 days)"),
    "idempotent-missing": ("skipped", "no model was retrieved twice"),
    "list-good": ("passed", ""),
    "list-broken": ("failed", "a listed model retrieved differs from its entry"),
    "list-apart": ("skipped", "1 recorded more than 15 min apart (the closest 361 days)"),
    "list-across": (
        "skipped",
        "1 with ?beta=true on one side only; 1 with one side's request headers not recorded",
    ),
    "list-missing": ("skipped", "no listed model was retrieved"),
}


def results(*paths: Path) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in check(*paths).report["results"]}


def test_every_folder_of_test_recordings_is_known_here() -> None:
    assert sorted(path.name for path in CROSS.iterdir()) == sorted(FOLDERS)


def test_the_test_recordings_come_in_every_layout() -> None:
    formats = {summary.format for summary in check(CROSS).files}
    assert formats == {"vcrpy", "ruby-vcr", "r-vcr"}


@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_a_rule_across_exchanges_gets_its_verdict_and_says_why(folder: str) -> None:
    outcome, says = FOLDERS[folder]
    verdicts = results(CROSS / folder)
    rule = verdicts[RULES[folder.split("-")[0]]]
    assert (rule["outcome"], says in rule["message"]) == (outcome, True), rule["message"]
    # A broken folder breaks its rule alone; nothing else in these recordings fails.
    assert {rid for rid, r in verdicts.items() if r["outcome"] == "failed"} == (
        {rule["id"]} if outcome == "failed" else set()
    )


@pytest.mark.parametrize("folder", sorted(f for f, (outcome, _) in FOLDERS.items() if outcome == "failed"))
def test_a_finding_names_the_files_and_interactions_of_both_exchanges(folder: str) -> None:
    rule = results(CROSS / folder)[RULES[folder.split("-")[0]]]
    for finding in rule["findings"]:
        assert finding["requirement"] == rule["id"]
        for key in ("where", "compared_with"):
            file, _, interaction = finding[key].rpartition(" #")
            assert Path(file).parent == CROSS / folder and interaction.isdigit()
        assert finding["reproduction"].startswith("curl ") and "/v1/models/claude-" in finding["reproduction"]


def test_a_listed_model_that_is_not_found_is_a_finding_too() -> None:
    findings = results(CROSS / "list-broken")["SRV-LIST-CONSISTENT"]["findings"]
    shown = [(f["message"], f["expected"], f["received"]) for f in findings]
    assert shown[1] == ("a listed id gets 404", '"200 with the listed object data[1]"', "404")
    assert "/v1/models/claude-opus-4-5-20251101" in findings[1]["reproduction"]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "models_conformance", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_the_command_exits_1_when_a_must_breaks_across_files_and_shows_both(tmp_path: Path) -> None:
    result = cli("cassettes", "check", str(CROSS / "alias-broken"), "--report-json", str(tmp_path / "r.json"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "SRV-ALIAS (MUST) violated: an alias and the model it names return different objects" in (
        result.stdout
    )
    assert f"response: HTTP 200 ({CROSS / 'alias-broken' / 'alias.yaml'} #0)" in result.stdout
    assert f"compared with: {CROSS / 'alias-broken' / 'concrete.yml'} #0" in result.stdout
    report = json.loads((tmp_path / "r.json").read_text())
    alias = next(r for r in report["results"] if r["id"] == "SRV-ALIAS")
    finding = alias["findings"][0]
    assert (finding["path"], finding["expected"], finding["received"]) == (
        "$.created_at",
        '"2025-11-01T00:00:00Z"',
        '"2025-11-24T00:00:00Z"',
    )


def test_a_should_broken_across_files_is_reported_and_exits_0() -> None:
    result = cli("cassettes", "check", str(CROSS / "idempotent-broken"))
    assert result.returncode == 0 and "SRV-IDEMPOTENT (SHOULD) violated" in result.stdout


def outcomes(*paths: Path) -> dict[str, str]:
    return {rid: r["outcome"] for rid, r in results(*paths).items() if rid in CROSS_REQUIREMENTS}


MODEL = {**SEED_EXAMPLE, "max_tokens": 128000}
ID = MODEL["id"]
CHANGED = {**MODEL, "display_name": "Claude Opus 4.6 (new)"}
DATE = "Wed, 25 Nov 2026 10:00:00 GMT"


def retrieve(model_id: str = ID, status: int = 200, body: Any = None, **headers: str) -> dict[str, Any]:
    """A vcrpy interaction retrieving ``model_id``; response headers by keyword (``date=...``)."""
    answered = {"content-type": "application/json", "request-id": "req_0123", **headers}
    answered = {name.replace("_", "-"): value for name, value in answered.items()}
    return interaction(f"/v1/models/{model_id}", status, MODEL if body is None else body, headers=answered)


def test_a_retrieval_of_a_reported_id_that_returns_another_id_breaks_the_roundtrip(tmp_path: Path) -> None:
    path = write(tmp_path / "c.yaml", [retrieve(date=DATE), retrieve(body={**MODEL, "id": "x-1"}, date=DATE)])
    verdicts = results(path)
    finding = verdicts["SRV-ID-ROUNDTRIP"]["findings"][0]
    assert (finding["path"], finding["expected"], finding["received"]) == ("$.id", f'"{ID}"', '"x-1"')
    assert verdicts["SRV-IDEMPOTENT"]["outcome"] == "skipped"  # the same fault, named once
    assert "whose difference SRV-ID-ROUNDTRIP names" in verdicts["SRV-IDEMPOTENT"]["message"]


def test_an_alias_that_stops_resolving_is_not_idempotent(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.yaml", [retrieve("claude-opus"), retrieve("claude-opus", 404, error("not_found_error"))]
    )
    verdicts = outcomes(path)
    assert (verdicts["SRV-IDEMPOTENT"], verdicts["SRV-ID-ROUNDTRIP"]) == ("failed", "skipped")


@pytest.mark.parametrize(
    ("second", "outcome"),
    [
        ({**MODEL, "display_name": "[REDACTED]"}, "passed"),  # scrubbed by a recorder: no difference
        ({k: v for k, v in MODEL.items() if k != "max_tokens"}, "failed"),  # a field one side lacks
        ({**MODEL, "display_name": ""}, "failed"),  # an empty value is a value
        (CHANGED, "failed"),
    ],
)
def test_only_scrubbed_values_are_no_difference(tmp_path: Path, second: dict[str, Any], outcome: str) -> None:
    path = write(tmp_path / "c.yaml", [retrieve(), retrieve(body=second)])
    assert outcomes(path)["SRV-IDEMPOTENT"] == outcome


def test_true_and_1_are_different_values(tmp_path: Path) -> None:
    first = {**MODEL, "capabilities": {"batch": {"supported": True}}}
    second = {**MODEL, "capabilities": {"batch": {"supported": 1}}}
    verdict = results(write(tmp_path / "c.yaml", [retrieve(body=first), retrieve(body=second)]))[
        "SRV-IDEMPOTENT"
    ]
    assert (
        verdict["outcome"] == "failed" and verdict["findings"][0]["path"] == "$.capabilities.batch.supported"
    )


@pytest.mark.parametrize(
    ("first", "second", "outcome"),
    [
        ("Wed, 25 Nov 2026 10:00:00 GMT", "Wed, 25 Nov 2026 10:14:59 GMT", "failed"),
        ("Wed, 25 Nov 2026 10:00:00 GMT", "Wed, 25 Nov 2026 10:15:01 GMT", "skipped"),
        ("[REDACTED]", "Wed, 25 Nov 2026 10:00:00 GMT", "skipped"),  # a scrubbed date is no time
    ],
)
def test_exchanges_are_compared_within_15_minutes(
    tmp_path: Path, first: str, second: str, outcome: str
) -> None:
    path = write(tmp_path / "c.yaml", [retrieve(date=first), retrieve(body=CHANGED, date=second)])
    assert outcomes(path)["SRV-IDEMPOTENT"] == outcome


def test_exchanges_without_a_time_are_compared_within_their_own_file_only(tmp_path: Path) -> None:
    assert (
        outcomes(write(tmp_path / "one.yaml", [retrieve(), retrieve(body=CHANGED)]))["SRV-IDEMPOTENT"]
        == "failed"
    )
    (tmp_path / "two").mkdir()
    write(tmp_path / "two" / "first.yaml", [retrieve()])
    write(tmp_path / "two" / "second.yaml", [retrieve(body=CHANGED)])
    verdict = results(tmp_path / "two")["SRV-IDEMPOTENT"]
    assert verdict["outcome"] == "skipped" and "time not recorded" in verdict["message"]


@pytest.mark.parametrize(
    ("organisations", "outcome"),
    [
        (("org-1", "org-2"), "skipped"),  # answered for two accounts: their models may differ
        (("org-1", "[REDACTED]"), "failed"),  # a scrubbed id is no difference
        (("org-1", "org-1"), "failed"),
    ],
)
def test_answers_for_different_accounts_are_not_compared(
    tmp_path: Path, organisations: tuple[str, str], outcome: str
) -> None:
    first = retrieve(anthropic_organization_id=organisations[0])
    second = retrieve(body=CHANGED, anthropic_organization_id=organisations[1])
    assert outcomes(write(tmp_path / "c.yaml", [first, second]))["SRV-IDEMPOTENT"] == outcome


@pytest.mark.parametrize(
    ("status", "body"),
    [(429, error("rate_limit_error")), (529, error("overloaded_error")), (404, "<html>404 Not Found</html>")],
)
def test_answers_that_say_nothing_about_the_model_are_not_evidence(
    tmp_path: Path, status: int, body: Any
) -> None:
    verdict = results(write(tmp_path / "c.yaml", [retrieve(), retrieve(status=status, body=body)]))
    roundtrip = verdict["SRV-ID-ROUNDTRIP"]
    assert roundtrip["outcome"] == "skipped" and f"where one got HTTP {status}" in roundtrip["message"]


def test_the_suites_own_requests_are_server_traffic_and_count(tmp_path: Path) -> None:
    suite = {
        "user-agent": "models-api-conformance",
        "anthropic-version": "2023-06-01",
        "x-api-key": "[REDACTED]",
    }
    sent = [
        interaction("/v1/models?limit=1000", 200, LIST_PAGE, request_headers=suite),
        interaction("/v1/models/claude-opus-4-6", 404, error("not_found_error"), request_headers=suite),
    ]
    assert outcomes(write(tmp_path / "c.yaml", sent))["SRV-LIST-CONSISTENT"] == "failed"


def test_the_projects_own_cassettes_pass_all_four() -> None:
    assert outcomes(ROOT / "cassettes") == dict.fromkeys(CROSS_REQUIREMENTS, "passed")


@pytest.mark.skipif(not REAL_WORLD.is_dir(), reason=f"no real recordings at {REAL_WORLD}")
def test_real_recordings_give_no_false_alarm_they_are_lists_only() -> None:
    verdicts = results(REAL_WORLD)
    messages = {rid: verdicts[rid]["message"] for rid in CROSS_REQUIREMENTS}
    assert {verdicts[rid]["outcome"] for rid in CROSS_REQUIREMENTS} == {"skipped"}
    no_model = "no model was retrieved (no GET /v1/models/{id} answered 200 with a model)"
    assert messages == {
        **dict.fromkeys(("SRV-ID-ROUNDTRIP", "SRV-ALIAS", "SRV-PATH-ENCODING", "SRV-IDEMPOTENT"), no_model),
        "SRV-LIST-CONSISTENT": "no listed model was retrieved",
    }


def serve(*paths: Path) -> tuple[int, str, str]:
    """``mock --replay PATHS``: the status of one request to what it serves, and its stderr."""
    command = [sys.executable, "-m", "models_conformance", "mock", "--port", "0"]
    command += ["--replay", *map(str, paths)]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
    ) as mock:
        assert mock.stdout is not None and mock.stderr is not None
        try:
            url = mock.stdout.readline().removeprefix("listening on ").strip()
            status = httpx.get(f"{url}/v1/models/claude-opus-4-6", timeout=10).status_code
        finally:
            mock.terminate()
        _, stderr = mock.communicate(timeout=30)
    return status, url, stderr


def test_mock_replay_warns_once_per_contradicted_rule_naming_the_files_and_serves() -> None:
    status, url, stderr = serve(CROSS / "roundtrip-broken", CROSS / "list-broken")
    # Served all the same: the first answer recorded for the path is again.yml's 404.
    assert url.startswith("http://127.0.0.1:") and status == 404
    warnings = [line for line in stderr.splitlines() if line.startswith("models-conformance mock: warning: ")]
    assert len(warnings) == 2, stderr
    roundtrip, listed = warnings
    assert "SRV-ID-ROUNDTRIP (MUST) fails across the recordings: an id another answer reported gets 404" in (
        roundtrip
    )
    for name in ("again.yml", "retrieve.yaml"):
        assert str(CROSS / "roundtrip-broken" / name) in roundtrip
    assert "SRV-LIST-CONSISTENT (SHOULD) fails across the recordings" in listed and listed.endswith(
        "(+1 more)"
    )
    assert str(CROSS / "list-broken" / "models.yml") in listed


def test_mock_replay_of_consistent_recordings_says_nothing() -> None:
    status, _, stderr = serve(CROSS / "alias-good", CROSS / "list-good")
    assert status == 200 and "warning" not in stderr
