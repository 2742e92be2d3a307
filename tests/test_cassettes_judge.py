"""``cassettes check`` judges recordings: each requirement one recorded exchange shows fails on a cassette
that breaks it (naming that requirement alone) and passes on a conformant one; bad files never stop the
others. The verdicts come from the judge, as every other transcript's do."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from models_conformance import SEED_EXAMPLE
from models_conformance.cassettes import load
from models_conformance.judge.facts import facts_of

from .recordings import DATA, LIST_PAGE, check, error, interaction, write

LATER = {**SEED_EXAMPLE, "lifecycle": "active", "line": "opus", "deprecated_at": None, "retires_at": None}
SUITE_PROBE = {"user-agent": "models-api-conformance", "anthropic-version": "2023-06-01"}


def conformant() -> list[dict[str, Any]]:
    """A recording in which every requirement one recorded exchange shows is shown and met."""
    return [
        interaction("/v1/models/claude-opus-4-6", 200, SEED_EXAMPLE),
        interaction("/v1/models?limit=20", 200, LIST_PAGE),
        interaction("/v1/models/no-such-model", 404, error("not_found_error")),
        # Only a probe POSTs to a model: sent as the server suite, it is judged for the server alone.
        interaction(
            "/v1/models/claude-opus-4-6",
            405,
            error("invalid_request_error"),
            method="POST",
            request_headers=SUITE_PROBE,
        ),
        interaction(
            "/v1/models/claude-opus-4-6",
            200,
            LATER,
            request_headers={
                "anthropic-version": "2026-10-21",
                "authorization": "Bearer [REDACTED]",
                "anthropic-beta": "files-api-2025-04-14,skills-2025-10-02",
            },
        ),
    ]


# What one recorded exchange shows, whoever recorded it; the rules that take two are tested in
# test_cassettes_cross.py, and those that need to know what a probe meant in test_cassettes_record.py.
SERVER_SHOWN = (
    "SRV-200-SCHEMA",
    "SRV-200-TYPE",
    "SRV-200-CREATED-AT",
    "SRV-200-CONTENT-TYPE",
    "SRV-404",
    "SRV-ERROR-ENVELOPE",
    "SRV-ERROR-STATUS-TYPE",
    "SRV-NO-5XX",
    "SRV-METHOD",
    "SRV-REQUEST-ID",
    "SRV-LIFECYCLE",
    "CAS-NO-SECRETS",
    "CAS-NO-ACCOUNT-IDS",
)
CLIENT_SHOWN = ("CLI-PATH", "CLI-EMPTY-ID", "CLI-VERSION", "CLI-AUTH", "CLI-BETAS", "CLI-NO-BODY")


def test_a_conformant_recording_passes_every_requirement_one_exchange_shows(tmp_path: Path) -> None:
    verdicts = check(write(tmp_path / "ok.yaml", conformant())).outcomes
    assert {rid: verdicts[rid] for rid in SERVER_SHOWN} == dict.fromkeys(SERVER_SHOWN, "passed")


def test_a_conformant_recording_passes_the_client_requirements_its_requests_show(tmp_path: Path) -> None:
    verdicts = check(write(tmp_path / "ok.yaml", conformant())).outcomes
    assert {rid: verdicts[rid] for rid in CLIENT_SHOWN} == dict.fromkeys(CLIENT_SHOWN, "passed")


Change = Callable[[list[dict[str, Any]]], None]


def _body(index: int, change: Callable[[dict[str, Any]], None]) -> Change:
    def apply(interactions: list[dict[str, Any]]) -> None:
        body = json.loads(interactions[index]["response"]["body"]["string"])
        change(body)
        interactions[index]["response"]["body"]["string"] = json.dumps(body)

    return apply


def _set(index: int, side: str, key: str, value: Any) -> Change:
    def apply(interactions: list[dict[str, Any]]) -> None:
        interactions[index][side][key] = value

    return apply


def _header(index: int, side: str, name: str, value: str | None) -> Change:
    def apply(interactions: list[dict[str, Any]]) -> None:
        headers = interactions[index][side]["headers"]
        headers.pop(name, None)
        if value is not None:
            headers[name] = [value]

    return apply


def _add(extra: dict[str, Any]) -> Change:
    return lambda interactions: interactions.append(extra)


BROKEN: dict[str, tuple[str, Change]] = {
    "SRV-200-SCHEMA": ("a model lacks display_name", _body(0, lambda b: b.pop("display_name"))),
    "SRV-200-TYPE": (
        'a listed model says type "Model"',
        _body(1, lambda b: b["data"][0].update(type="Model")),
    ),
    "SRV-200-CREATED-AT": ("created_at has no time", _body(0, lambda b: b.update(created_at="2026-02-04"))),
    "SRV-LIFECYCLE": (
        "lifecycle 'sunset' under 2026-10-21",
        _body(4, lambda b: b.update(lifecycle="sunset")),
    ),
    "SRV-200-CONTENT-TYPE": ("a 200 says text/plain", _header(0, "response", "content-type", "text/plain")),
    "SRV-404": ("an unknown model gets 410", _set(2, "response", "status", {"code": 410, "message": ""})),
    "SRV-ERROR-ENVELOPE": ("a 405 body lacks error.message", _body(3, lambda b: b["error"].pop("message"))),
    "SRV-ERROR-STATUS-TYPE": (
        "a 401 says permission_error",
        _add(interaction("/v1/models", 401, error("permission_error"))),
    ),
    "SRV-NO-5XX": ("a model gets 500", _add(interaction("/v1/models/m", 500, error("api_error")))),
    "SRV-REQUEST-ID": (
        "an error's request_id is not its request-id header",
        _body(2, lambda b: b.update(request_id="req_other")),
    ),
    "SRV-METHOD": ("POST on a model gets 200", _set(3, "response", "status", {"code": 200, "message": ""})),
    "CAS-NO-SECRETS": (
        "a set-cookie was kept",
        _header(0, "response", "set-cookie", "session=abc123; HttpOnly"),
    ),
    "CAS-NO-ACCOUNT-IDS": (
        "a workspace id was kept",
        _header(2, "response", "anthropic-workspace-id", "wrkspc_01TestOnlyNotARealWorkspace"),
    ),
}
CLIENT_BROKEN: dict[str, tuple[str, Change]] = {
    "CLI-PATH": (
        "the id is sent with a raw space",
        _set(0, "request", "uri", "https://a.test/v1/models/claude opus"),
    ),
    "CLI-EMPTY-ID": ("an empty id is sent", _add(interaction("/v1/models/", 200, LIST_PAGE))),
    "CLI-VERSION": ("no anthropic-version sent", _header(0, "request", "anthropic-version", None)),
    "CLI-AUTH": (
        "the key goes in the URL",
        _set(0, "request", "uri", "https://a.test/v1/models/m?api_key=[REDACTED]"),
    ),
    "CLI-BETAS": ("an empty beta value", _header(4, "request", "anthropic-beta", "files-api-2025-04-14,,")),
    "CLI-NO-BODY": ("the GET carries a body", _set(0, "request", "body", '{"model": "claude-opus-4-6"}')),
}


def test_every_requirement_one_exchange_shows_has_a_broken_recording() -> None:
    assert (set(BROKEN), set(CLIENT_BROKEN)) == (set(SERVER_SHOWN), set(CLIENT_SHOWN))


def assert_fails_exactly(tmp_path: Path, requirement_id: str, change: Change) -> None:
    interactions = conformant()
    change(interactions)
    path = write(tmp_path / "broken.yaml", interactions)
    checked = check(path)
    assert checked.failed == {requirement_id}
    result = checked.result(requirement_id)
    assert result["findings"] and all(f["requirement"] == requirement_id for f in result["findings"])
    assert all(f["where"].startswith(f"{path} #") for f in result["findings"]), result["findings"]


@pytest.mark.parametrize("requirement_id", sorted(BROKEN))
def test_a_broken_recording_fails_exactly_the_requirement_it_breaks(
    tmp_path: Path, requirement_id: str
) -> None:
    assert_fails_exactly(tmp_path, requirement_id, BROKEN[requirement_id][1])


@pytest.mark.parametrize("requirement_id", sorted(CLIENT_BROKEN))
def test_a_recorded_request_that_breaks_a_client_requirement_fails_it_alone(
    tmp_path: Path, requirement_id: str
) -> None:
    assert_fails_exactly(tmp_path, requirement_id, CLIENT_BROKEN[requirement_id][1])


def test_a_not_found_with_another_error_type_is_named_once(tmp_path: Path) -> None:
    interactions = conformant()
    _body(2, lambda b: b["error"].update(type="invalid_request_error"))(interactions)
    assert check(write(tmp_path / "c.yaml", interactions)).failed == {"SRV-404"}


def test_a_recording_that_dropped_request_id_does_not_fail_srv_request_id(tmp_path: Path) -> None:
    # Recorders drop headers (the registry's exception); a request_id that contradicts one still fails.
    interactions = [entry for entry in conformant() if entry["request"]["method"] == "GET"]
    for entry in interactions:
        entry["response"]["headers"].pop("request-id")
    checked = check(write(tmp_path / "c.yaml", interactions))
    assert checked.outcomes["SRV-REQUEST-ID"] == "skipped" and not checked.failed


def _credential(headers: dict[str, str], outcome: str) -> Any:
    return pytest.param(headers, outcome, id=f"{json.dumps(headers)}-{outcome}")


@pytest.mark.parametrize(
    ("headers", "outcome"),
    [
        _credential({"x-api-key": "[REDACTED]"}, "passed"),  # a redacted value counts
        _credential({"authorization": "Bearer <ANTHROPIC_API_KEY>"}, "passed"),
        # The whole value scrubbed: a credential was sent in a header; its scheme is not shown.
        _credential({"authorization": "REDACTED"}, "passed"),
        _credential({"authorization": "[FILTERED]"}, "passed"),
        _credential({"authorization": "<API_KEY>"}, "passed"),
        _credential({"authorization": "Bearer"}, "passed"),  # the token removed, the scheme kept
        _credential({"x-api-key": "<API_KEY>"}, "passed"),
        _credential({"authorization": "Basic [REDACTED]"}, "failed"),
        _credential({"authorization": "Token abc123"}, "failed"),
        _credential({"authorization": ""}, "failed"),
        _credential({"x-api-key": ""}, "failed"),
        _credential({}, "skipped"),  # recorders remove credentials: no evidence either way
    ],
)
def test_cli_auth_judges_the_credential_header_recorded(
    tmp_path: Path, headers: dict[str, str], outcome: str
) -> None:
    sent = {"anthropic-version": "2023-06-01", **headers}
    path = write(tmp_path / "c.yaml", [interaction("/v1/models/m", 200, SEED_EXAMPLE, request_headers=sent)])
    assert check(path).outcomes["CLI-AUTH"] == outcome


def test_a_placeholder_request_id_still_counts_as_sent(tmp_path: Path) -> None:
    answered = {"content-type": "application/json", "request-id": "<REQUEST_ID>"}
    path = write(
        tmp_path / "c.yaml",
        [interaction("/v1/models/x", 404, error("not_found_error", "req_1"), headers=answered)],
    )
    assert check(path).outcomes["SRV-REQUEST-ID"] == "passed"


def test_requests_sent_by_the_server_suite_are_not_judged_as_client_traffic(tmp_path: Path) -> None:
    # No anthropic-version, on purpose: what `server --record` writes says so, and so does the
    # user-agent of a probe recorded before recordings carried what it meant.
    probe = interaction("/v1/models/m", 400, error("invalid_request_error"), request_headers={})
    said = {**probe, "conformance": {"probe": {"key": "valid", "shape": "no anthropic-version"}}}
    marked = interaction("/v1/models/m", 400, error("invalid_request_error"), request_headers=SUITE_PROBE)
    marked["request"]["headers"].pop("anthropic-version")
    path = write(tmp_path / "c.yaml", [said, marked])
    assert [facts_of(i.exchange).sender for i in load(path).interactions] == ["suite", "suite"]
    result = check(path).outcomes
    assert result["CLI-VERSION"] == "skipped" and result["SRV-ERROR-ENVELOPE"] == "passed"


def test_a_recording_without_models_traffic_is_scanned_but_not_judged(tmp_path: Path) -> None:
    path = write(tmp_path / "c.yaml", [interaction("/v1/messages", 200, {"content": []}, method="POST")])
    checked = check(path)
    assert checked.files[0].models_interactions == 0
    verdicts = checked.outcomes
    assert verdicts.pop("CAS-NO-SECRETS") == verdicts.pop("CAS-NO-ACCOUNT-IDS") == "passed"
    assert set(verdicts.values()) == {"skipped"}


# Files under tests/data/cassettes, each with what the judge must make of it.
READABLE = {
    "ruby-vcr-gzip-base64.yml": ("ruby-vcr", {"CAS-NO-ACCOUNT-IDS"}),  # organisation id left in
    "ruby-vcr-binary-tag.yml": ("ruby-vcr", set()),  # a gzip body as Ruby's `!binary`
    "ruby-vcr-workspace-id.yml": ("ruby-vcr", {"CAS-NO-ACCOUNT-IDS"}),
    "r-vcr-scalar-headers.yml": ("r-vcr", set()),
    "vcrpy-gzip-binary.yaml": ("vcrpy", set()),
    "vcrpy-brotli-binary.yaml": ("vcrpy", set()),
    "vcrpy-zstd-binary.yaml": ("vcrpy", set()),  # two frames, neither with its size
    "vcrpy-placeholder-credentials.yaml": ("vcrpy", set()),
    # A 200 cut short, and a gateway's 502 in plain text: a user gets that 5xx all the same.
    "vcrpy-body-not-json.yaml": ("vcrpy", {"SRV-200-SCHEMA", "SRV-ERROR-ENVELOPE", "SRV-NO-5XX"}),
}
UNREADABLE = {
    "not-yaml.yaml": "not YAML",
    "empty.yaml": "the file is empty",
    "no-interactions.yaml": "holds no interactions",
    "unknown-format.yaml": "unknown format",
    "not-a-mapping.yaml": "unknown format",
}


@pytest.mark.parametrize("name", sorted(READABLE))
def test_each_format_is_read_and_judged(name: str) -> None:
    fmt, expected_failures = READABLE[name]
    checked = check(DATA / name)
    assert checked.files[0].format == fmt and not checked.files[0].problems
    assert checked.files[0].models_interactions >= 1
    assert checked.failed == expected_failures


COMPRESSED = (
    "vcrpy-gzip-binary.yaml",
    "vcrpy-brotli-binary.yaml",
    "vcrpy-zstd-binary.yaml",
    "ruby-vcr-binary-tag.yml",
)


@pytest.mark.parametrize("name", COMPRESSED)
def test_a_compressed_body_is_judged_decompressed(name: str) -> None:
    verdicts = check(DATA / name).outcomes
    judged = ("SRV-200-SCHEMA", "SRV-200-TYPE", "SRV-200-CREATED-AT")
    assert [verdicts[requirement_id] for requirement_id in judged] == ["passed"] * 3


def test_whole_value_placeholders_are_no_secret_and_no_account_id() -> None:
    verdicts = check(DATA / "vcrpy-placeholder-credentials.yaml").outcomes
    assert verdicts["CAS-NO-SECRETS"] == verdicts["CAS-NO-ACCOUNT-IDS"] == "passed"


def test_whole_value_placeholders_show_a_credential_was_sent_in_a_header() -> None:
    assert check(DATA / "vcrpy-placeholder-credentials.yaml").outcomes["CLI-AUTH"] == "passed"


@pytest.mark.parametrize("coding", ["br", "zstd", "gzip, br"])
def test_a_body_stored_decoded_under_its_content_encoding_is_read_as_is(tmp_path: Path, coding: str) -> None:
    entry = interaction("/v1/models/claude-opus-4-6", 200, SEED_EXAMPLE)
    entry["response"]["headers"]["content-encoding"] = [coding]
    assert check(write(tmp_path / "c.yaml", [entry])).outcomes["SRV-200-SCHEMA"] == "passed"


@pytest.mark.parametrize("coding", ["br", "zstd", "compress"])
def test_a_body_that_cannot_be_decompressed_is_a_problem_of_its_own(tmp_path: Path, coding: str) -> None:
    broken = interaction("/v1/models/claude-opus-4-6", 200, "")
    broken["response"]["body"]["string"] = b"\x28\xb5\x2f\xfd\xff\x8b\x00 not compressed data \xff"
    broken["response"]["headers"]["content-encoding"] = [coding]
    checked = check(write(tmp_path / "c.yaml", [broken, *conformant()]))
    (problem,) = checked.files[0].problems
    assert problem.startswith("interaction 0: ") and "cannot be read" in problem and coding in problem
    assert checked.files[0].models_interactions == 5 and checked.unreadable


def test_a_body_that_is_not_json_is_a_finding_not_a_crash() -> None:
    schema = check(DATA / "vcrpy-body-not-json.yaml").result("SRV-200-SCHEMA")
    assert "not a JSON document" in schema["message"]


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_a_bad_file_is_one_clear_problem_and_the_others_are_still_judged(name: str) -> None:
    checked = check(DATA / name, DATA / "r-vcr-scalar-headers.yml")
    bad, good = checked.files
    assert bad.format is None and UNREADABLE[name] in bad.problems[0]
    assert good.problems == [] and good.models_interactions == 1
    assert checked.unreadable and checked.outcomes["SRV-200-SCHEMA"] == "passed"


def test_one_unreadable_interaction_leaves_the_others_judged(tmp_path: Path) -> None:
    interactions = conformant()
    interactions.insert(1, {"request": {"method": "GET"}})
    checked = check(write(tmp_path / "c.yaml", interactions))
    assert checked.files[0].problems == ["interaction 1: no `request` or no `response` recorded"]
    assert checked.files[0].models_interactions == 5


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "models_conformance", "cassettes", "check", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_command_reports_json_with_role_cassette_and_locations(tmp_path: Path) -> None:
    interactions = conformant()
    BROKEN["SRV-200-TYPE"][1](interactions)
    path = write(tmp_path / "broken.yaml", interactions)
    result = cli(str(path), "--report-json", str(tmp_path / "r.json"))
    assert result.returncode == 1, result.stdout + result.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["role"] == "cassette"
    assert report["files"][0]["format"] == "vcrpy"
    (finding,) = next(r for r in report["results"] if r["id"] == "SRV-200-TYPE")["findings"]
    assert (finding["where"], finding["path"], finding["count"]) == (f"{path} #1", "$.data[0].type", 1)
    assert "SRV-200-TYPE (MUST) violated" in result.stdout and f"(HTTP 200) ({path} #1)" not in result.stdout
    assert f"response: HTTP 200 ({path} #1)" in result.stdout
    assert f"reproduce with: models-conformance cassettes check {path}" in result.stdout


def test_the_command_exits_0_on_conformant_recordings_and_2_on_a_bad_file(tmp_path: Path) -> None:
    good = write(tmp_path / "good.yaml", conformant())
    assert cli(str(good)).returncode == 0
    result = cli(str(good), str(DATA / "not-yaml.yaml"))
    assert result.returncode == 2 and "not YAML" in result.stdout and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["/nonexistent/c.yaml"], "no such file or folder: /nonexistent/c.yaml"),
        ([], "the following arguments"),
    ],
)
def test_usage_errors_exit_2(args: list[str], says: str) -> None:
    result = cli(*args)
    assert result.returncode == 2 and says in result.stderr and "Traceback" not in result.stderr


def test_a_folder_is_searched_for_cassettes(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub" / "a.yml", conformant())
    (tmp_path / "notes.txt").write_text("not a cassette")
    assert [s.path for s in check(tmp_path).files] == [str(tmp_path / "sub" / "a.yml")]
    result = cli(str(tmp_path))
    assert result.returncode == 0 and "a.yml: vcrpy, 5 interaction(s)" in result.stdout


EDGE_PAGE = "<html><head><title>414 Request-URI Too Large</title></head><body>cloudflare</body></html>"


def test_an_edge_proxy_s_recorded_page_is_a_note_not_a_failure(tmp_path: Path) -> None:
    edge = interaction(
        "/v1/models/" + "a" * 9000,
        414,
        EDGE_PAGE,
        headers={"content-type": "text/html", "server": "cloudflare", "cf-ray": "8f0c2a1b3c4d5e6f-IAD"},
    )
    checked = check(write(tmp_path / "edge.yaml", [*conformant(), edge]))
    verdicts = checked.outcomes
    assert {rid: verdicts[rid] for rid in SERVER_SHOWN} == dict.fromkeys(SERVER_SHOWN, "passed")
    (note,) = checked.report["notes"]
    assert (note["kind"], note["status"], note["count"]) == ("intermediary", 414, 1)
    assert note["marks"] == ["server: cloudflare", "cf-ray"]


def test_the_same_page_without_an_intermediary_s_mark_is_the_target_s_own(tmp_path: Path) -> None:
    page = interaction("/v1/models/" + "a" * 9000, 414, EDGE_PAGE, headers={"content-type": "text/html"})
    checked = check(write(tmp_path / "own.yaml", [*conformant(), page]))
    # Its missing request-id is no finding: recorders drop headers.
    assert checked.failed == {"SRV-ERROR-ENVELOPE", "SRV-200-CONTENT-TYPE"}
    assert checked.report["notes"] == []
