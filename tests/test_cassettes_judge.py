"""``cassettes check`` judges recordings: each requirement it covers fails on a cassette that breaks it
(naming that requirement alone) and passes on a conformant one; bad files never stop the others."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from models_conformance import SEED_EXAMPLE
from models_conformance.cassettes import JUDGED, check
from models_conformance.cassettes.cross import CROSS_REQUIREMENTS

DATA = Path(__file__).parent / "data" / "cassettes"
LIST_PAGE = {
    "data": [SEED_EXAMPLE],
    "has_more": False,
    "first_id": SEED_EXAMPLE["id"],
    "last_id": SEED_EXAMPLE["id"],
}
LATER = {**SEED_EXAMPLE, "lifecycle": "active", "line": "opus", "deprecated_at": None, "retires_at": None}


def interaction(
    uri: str,
    status: int,
    body: Any,
    *,
    method: str = "GET",
    request_headers: dict[str, str] | None = None,
    request_body: str = "",
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One vcrpy-format interaction; a dict or list body is written as JSON."""
    sent = (
        {"anthropic-version": "2023-06-01", "x-api-key": "[REDACTED]"}
        if request_headers is None
        else request_headers
    )
    answered = {"content-type": "application/json", "request-id": "req_0123"} if headers is None else headers
    text = body if isinstance(body, str) else json.dumps(body)
    return {
        "request": {
            "method": method,
            "uri": "https://api.example.test" + uri,
            "body": request_body,
            "headers": {name: [value] for name, value in sent.items()},
        },
        "response": {
            "status": {"code": status, "message": ""},
            "headers": {name: [value] for name, value in answered.items()},
            "body": {"string": text},
        },
    }


def error(error_type: str, request_id: str = "req_0123") -> dict[str, Any]:
    return {"type": "error", "error": {"type": error_type, "message": "m"}, "request_id": request_id}


def conformant() -> list[dict[str, Any]]:
    """A recording in which every requirement the judge covers is shown and met."""
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
            request_headers={"user-agent": "models-api-conformance", "anthropic-version": "2023-06-01"},
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


def write(path: Path, interactions: list[dict[str, Any]]) -> Path:
    path.write_text(yaml.safe_dump({"interactions": interactions, "version": 1}), encoding="utf-8")
    return path


def outcomes(*paths: Path) -> dict[str, str]:
    return {r["id"]: r["outcome"] for r in check(paths).results.report()["results"]}


def failed(*paths: Path) -> set[str]:
    return {rid for rid, outcome in outcomes(*paths).items() if outcome == "failed"}


# What one exchange shows; the rules that take two are tested in test_cassettes_cross.py.
ONE_EXCHANGE = tuple(requirement_id for requirement_id in JUDGED if requirement_id not in CROSS_REQUIREMENTS)


def test_a_conformant_recording_passes_every_requirement_the_judge_covers(tmp_path: Path) -> None:
    verdicts = outcomes(write(tmp_path / "ok.yaml", conformant()))
    assert {rid: verdicts[rid] for rid in ONE_EXCHANGE} == dict.fromkeys(ONE_EXCHANGE, "passed")


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
    "SRV-404": ("an unknown model gets 400", _set(2, "response", "status", {"code": 400, "message": ""})),
    "SRV-ERROR-ENVELOPE": ("a 405 body lacks error.message", _body(3, lambda b: b["error"].pop("message"))),
    "SRV-ERROR-STATUS-TYPE": (
        "a 401 says permission_error",
        _add(interaction("/v1/models", 401, error("permission_error"))),
    ),
    "SRV-REQUEST-ID": ("a 200 has no request-id", _header(0, "response", "request-id", None)),
    "SRV-METHOD": ("POST on a model gets 200", _set(3, "response", "status", {"code": 200, "message": ""})),
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
    "CAS-NO-SECRETS": (
        "a set-cookie was kept",
        _header(0, "response", "set-cookie", "session=abc123; HttpOnly"),
    ),
    "CAS-NO-ACCOUNT-IDS": (
        "a workspace id was kept",
        _header(2, "response", "anthropic-workspace-id", "wrkspc_01TestOnlyNotARealWorkspace"),
    ),
}


def test_every_requirement_the_judge_covers_has_a_broken_recording() -> None:
    assert set(BROKEN) == set(ONE_EXCHANGE)


@pytest.mark.parametrize("requirement_id", sorted(BROKEN))
def test_a_broken_recording_fails_exactly_the_requirement_it_breaks(
    tmp_path: Path, requirement_id: str
) -> None:
    interactions = conformant()
    BROKEN[requirement_id][1](interactions)
    report = check([write(tmp_path / "broken.yaml", interactions)]).results.report()
    assert {r["id"] for r in report["results"] if r["outcome"] == "failed"} == {requirement_id}
    result = next(r for r in report["results"] if r["id"] == requirement_id)
    assert result["findings"] and all(f["requirement"] == requirement_id for f in result["findings"])
    assert {f["file"] for f in result["findings"]} == {str(tmp_path / "broken.yaml")}
    assert all(isinstance(f["interaction"], int) for f in result["findings"])


@pytest.mark.parametrize(
    ("headers", "outcome"),
    [
        ({"x-api-key": "[REDACTED]"}, "passed"),  # a redacted value counts
        ({"authorization": "Bearer <ANTHROPIC_API_KEY>"}, "passed"),
        # The whole value scrubbed: a credential was sent in a header; its scheme is not shown.
        ({"authorization": "REDACTED"}, "passed"),
        ({"authorization": "[FILTERED]"}, "passed"),
        ({"authorization": "<API_KEY>"}, "passed"),
        ({"authorization": "Bearer"}, "passed"),  # the token removed, the scheme kept
        ({"x-api-key": "<API_KEY>"}, "passed"),
        ({"authorization": "Basic [REDACTED]"}, "failed"),
        ({"authorization": "Token abc123"}, "failed"),
        ({"authorization": ""}, "failed"),
        ({"x-api-key": ""}, "failed"),
        ({}, "skipped"),  # recorders remove credentials: no evidence either way
    ],
)
def test_cli_auth_judges_the_credential_header_recorded(
    tmp_path: Path, headers: dict[str, str], outcome: str
) -> None:
    sent = {"anthropic-version": "2023-06-01", **headers}
    path = write(tmp_path / "c.yaml", [interaction("/v1/models/m", 200, SEED_EXAMPLE, request_headers=sent)])
    assert outcomes(path)["CLI-AUTH"] == outcome


def test_a_placeholder_request_id_still_counts_as_sent(tmp_path: Path) -> None:
    answered = {"content-type": "application/json", "request-id": "<REQUEST_ID>"}
    path = write(
        tmp_path / "c.yaml",
        [interaction("/v1/models/x", 404, error("not_found_error", "req_1"), headers=answered)],
    )
    assert outcomes(path)["SRV-REQUEST-ID"] == "passed"


def test_requests_sent_by_the_server_suite_are_not_judged_as_client_traffic(tmp_path: Path) -> None:
    probe = {
        "user-agent": "models-api-conformance",
        "x-api-key": "[REDACTED]",
    }  # no anthropic-version, on purpose
    path = write(
        tmp_path / "c.yaml",
        [interaction("/v1/models/m", 400, error("invalid_request_error"), request_headers=probe)],
    )
    result = outcomes(path)
    assert result["CLI-VERSION"] == "skipped" and result["SRV-ERROR-ENVELOPE"] == "passed"


def test_a_recording_without_models_traffic_is_scanned_but_not_judged(tmp_path: Path) -> None:
    path = write(tmp_path / "c.yaml", [interaction("/v1/messages", 200, {"content": []}, method="POST")])
    run = check([path])
    assert run.files[0].models_interactions == 0
    verdicts = outcomes(path)
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
    "vcrpy-body-not-json.yaml": ("vcrpy", {"SRV-200-SCHEMA", "SRV-ERROR-ENVELOPE"}),
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
    run = check([DATA / name])
    assert run.files[0].format == fmt and not run.files[0].problems
    assert run.files[0].models_interactions >= 1
    assert failed(DATA / name) == expected_failures


COMPRESSED = (
    "vcrpy-gzip-binary.yaml",
    "vcrpy-brotli-binary.yaml",
    "vcrpy-zstd-binary.yaml",
    "ruby-vcr-binary-tag.yml",
)


@pytest.mark.parametrize("name", COMPRESSED)
def test_a_compressed_body_is_judged_decompressed(name: str) -> None:
    verdicts = outcomes(DATA / name)
    judged = ("SRV-200-SCHEMA", "SRV-200-TYPE", "SRV-200-CREATED-AT")
    assert [verdicts[requirement_id] for requirement_id in judged] == ["passed"] * 3


def test_whole_value_placeholders_show_a_credential_was_sent_in_a_header() -> None:
    verdicts = outcomes(DATA / "vcrpy-placeholder-credentials.yaml")
    assert verdicts["CLI-AUTH"] == verdicts["CAS-NO-SECRETS"] == verdicts["CAS-NO-ACCOUNT-IDS"] == "passed"


@pytest.mark.parametrize("coding", ["br", "zstd", "gzip, br"])
def test_a_body_stored_decoded_under_its_content_encoding_is_read_as_is(tmp_path: Path, coding: str) -> None:
    entry = interaction("/v1/models/claude-opus-4-6", 200, SEED_EXAMPLE)
    entry["response"]["headers"]["content-encoding"] = [coding]
    assert outcomes(write(tmp_path / "c.yaml", [entry]))["SRV-200-SCHEMA"] == "passed"


@pytest.mark.parametrize("coding", ["br", "zstd", "compress"])
def test_a_body_that_cannot_be_decompressed_is_a_problem_of_its_own(tmp_path: Path, coding: str) -> None:
    broken = interaction("/v1/models/claude-opus-4-6", 200, "")
    broken["response"]["body"]["string"] = b"\x28\xb5\x2f\xfd\xff\x8b\x00 not compressed data \xff"
    broken["response"]["headers"]["content-encoding"] = [coding]
    run = check([write(tmp_path / "c.yaml", [broken, *conformant()])])
    assert len(run.files[0].problems) == 1 and run.files[0].problems[0].startswith("interaction 0: ")
    assert "cannot be read" in run.files[0].problems[0] and coding in run.files[0].problems[0]
    assert run.files[0].models_interactions == 5 and run.unreadable


def test_a_body_that_is_not_json_is_a_finding_not_a_crash() -> None:
    report = check([DATA / "vcrpy-body-not-json.yaml"]).results.report()
    schema = next(r for r in report["results"] if r["id"] == "SRV-200-SCHEMA")
    assert "not a JSON document" in schema["message"]


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_a_bad_file_is_one_clear_problem_and_the_others_are_still_judged(name: str) -> None:
    run = check([DATA / name, DATA / "r-vcr-scalar-headers.yml"])
    bad, good = run.files
    assert bad.format is None and UNREADABLE[name] in bad.problems[0]
    assert good.problems == [] and good.models_interactions == 1
    assert run.unreadable


def test_one_unreadable_interaction_leaves_the_others_judged(tmp_path: Path) -> None:
    interactions = conformant()
    interactions.insert(1, {"request": {"method": "GET"}})
    run = check([write(tmp_path / "c.yaml", interactions)])
    assert run.files[0].problems == ["interaction 1: no `request` or no `response` recorded"]
    assert run.files[0].models_interactions == 5


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
    finding = next(r for r in report["results"] if r["id"] == "SRV-200-TYPE")["findings"][0]
    assert (finding["file"], finding["interaction"], finding["path"]) == (str(path), 1, "$.data[0].type")
    assert (
        "SRV-200-TYPE (MUST) violated" in result.stdout
        and f"recorded in: {path}, interaction 1" in result.stdout
    )


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
    assert [s.path for s in check([tmp_path / "sub" / "a.yml"]).files] == [str(tmp_path / "sub" / "a.yml")]
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
    run = check([write(tmp_path / "edge.yaml", [*conformant(), edge])])
    verdicts = {r["id"]: r["outcome"] for r in run.results.report()["results"]}
    assert {rid: verdicts[rid] for rid in ONE_EXCHANGE} == dict.fromkeys(ONE_EXCHANGE, "passed")
    (note,) = run.results.report()["notes"]
    assert note["status"] == 414 and note["interaction"] == len(conformant())
    assert note["file"].endswith("edge.yaml")


def test_the_same_page_without_an_intermediary_s_mark_is_the_target_s_own(tmp_path: Path) -> None:
    page = interaction("/v1/models/" + "a" * 9000, 414, EDGE_PAGE, headers={"content-type": "text/html"})
    path = write(tmp_path / "own.yaml", [*conformant(), page])
    assert failed(path) == {"SRV-ERROR-ENVELOPE", "SRV-200-CONTENT-TYPE", "SRV-REQUEST-ID"}
    assert check([path]).results.report()["notes"] == []
