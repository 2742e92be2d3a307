"""``models-conformance drift`` lists what recordings show beyond the contract: every kind of drift is
found in a recording made for it, what the contract describes is not listed, values that may identify an
account are withheld, and the output formats and exit statuses are the README's."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from models_conformance import SEED_EXAMPLE
from models_conformance.cli import main
from models_conformance.drift.render import COLUMNS, WITHHELD

from .drift_recordings import (
    KEY_SHAPED,
    ORG_UUID,
    WORKSPACE_ID,
    conformant_recording,
    drifting_recording,
    error,
    page,
    ruby_vcr,
    vcrpy,
    write_vcrpy,
)


def drift(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The command, in this process: exit status, stdout, stderr."""
    code = main(["drift", *args])
    out, err = capsys.readouterr()
    return code, out, err


def items(capsys: pytest.CaptureFixture[str], *args: str) -> dict[tuple[str, str, Any], dict[str, Any]]:
    code, out, err = drift(capsys, *args, "--json")
    assert code == 0, err
    return {(i["kind"], i["name"], i.get("value")): i for i in json.loads(out)["items"]}


def test_each_kind_of_drift_is_found_in_a_recording(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_vcrpy(tmp_path / "drift.yaml", drifting_recording())
    found = items(capsys, str(path))
    assert set(found) == {
        ("field", "tier", None),
        ("field", "capabilities.*", None),
        ("field", "total", None),
        ("enum", "line", "saga"),
        ("enum", "lifecycle", "sunset"),
        ("beta", "brand-new-2026-01-01", None),
        ("error_type", "quota_exceeded_error", None),
        ("header", "x-new-header", None),
        ("header", "anthropic-organization-id", None),
        ("header", "x-debug", None),
        ("header", "anthropic-workspace-id", None),
    }
    tier = found[("field", "tier", None)]
    # The retrieve (1) and both list elements that carry it (1): counted per model object.
    assert (tier["count"], tier["nested"], tier["object"], tier["contract"]) == (
        2,
        False,
        "model",
        "2023-06-01",
    )
    assert (tier["first_seen"], tier["last_seen"]) == ("2026-03-03T10:00:00Z", "2026-07-01T08:30:00Z")
    assert tier["example"] == {"value": "gold", "file": str(path), "interaction": 0}
    capabilities = found[("field", "capabilities.*", None)]
    assert (capabilities["nested"], capabilities["members"]) == (True, ["batch", "batch.supported"])
    assert found[("field", "total", None)]["object"] == "list"
    assert found[("enum", "line", "saga")]["open"] is True
    lifecycle = found[("enum", "lifecycle", "sunset")]
    assert (lifecycle["open"], lifecycle["contract"], lifecycle["example"]["interaction"]) == (
        False,
        "2026-10-21",
        5,
    )
    assert found[("error_type", "quota_exceeded_error", None)]["status"] == 429
    assert found[("header", "x-new-header", None)]["example"]["value"] == "hello"


def test_values_that_may_identify_an_account_are_never_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_vcrpy(tmp_path / "drift.yaml", drifting_recording())
    found = items(capsys, str(path))
    for header in ("anthropic-organization-id", "x-debug", "anthropic-workspace-id"):
        assert found[("header", header, None)]["example"]["value"] == WITHHELD
    for option in ("--json", "--markdown", None):
        code, out, err = drift(capsys, str(path), *([option] if option else []))
        assert code == 0
        for secret in (ORG_UUID, KEY_SHAPED, WORKSPACE_ID):
            assert secret not in out + err


def test_what_the_contract_describes_is_not_drift(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_vcrpy(tmp_path / "ok.yaml", conformant_recording())
    code, out, err = drift(capsys, str(path), "--json", "--fail-on-drift")
    assert code == 0, out + err
    data = json.loads(out)
    assert (data["found"], data["items"], data["beyond_seed"], data["exchanges"]) == (0, [], [], 3)


def test_fields_the_schema_knows_from_the_sdks_are_listed_beyond_the_seed_not_as_drift(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    later = {**SEED_EXAMPLE, "max_input_tokens": 200000, "lifecycle": "sunset"}
    path = write_vcrpy(
        tmp_path / "later.yaml",
        [
            {
                **drifting_recording()[0],
                "response": {**drifting_recording()[0]["response"], "body": {"string": json.dumps(later)}},
            },
        ],
    )
    code, out, _ = drift(capsys, str(path), "--json", "--fail-on-drift")
    data = json.loads(out)
    # Under 2023-06-01 `lifecycle` is any string: a new value is no enum drift there.
    assert (code, data["items"]) == (0, [])
    assert {i["name"]: i["example"]["value"] for i in data["beyond_seed"]} == {
        "max_input_tokens": "200000",
        "lifecycle": "sunset",
    }
    # The request names 2023-06-01: that wins over --contract, which is for requests that name none.
    code, out, _ = drift(capsys, str(path), "--json", "--contract", "2026-10-21")
    assert json.loads(out)["beyond_seed"] == data["beyond_seed"]


def test_a_request_without_anthropic_version_is_judged_under_the_contract_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = page({**SEED_EXAMPLE, "lifecycle": "sunset"})
    path = ruby_vcr(tmp_path / "ruby.yml", "Wed, 28 Jan 2026 15:07:55 GMT", date=None, body=body)
    assert ("enum", "lifecycle", "sunset") not in items(capsys, str(path))
    assert ("enum", "lifecycle", "sunset") in items(capsys, str(path), "--contract", "2026-10-21")


def test_dates_come_from_the_date_header_else_recorded_at_else_unknown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = page(SEED_EXAMPLE)
    ruby_vcr(tmp_path / "ruby.yml", "Wed, 28 Jan 2026 15:07:55 GMT", date=None, body=body)
    ruby_vcr(tmp_path / "r.yml", dt.datetime(2025, 7, 1, 14, 0, 2), date=None, body=body)  # R vcr's form
    ruby_vcr(tmp_path / "dated.yml", None, date="Sun, 28 Jun 2026 11:17:08 GMT", body=body)
    header = items(capsys, str(tmp_path))[("header", "x-ruby-only", None)]
    assert (header["count"], header["first_seen"], header["last_seen"]) == (
        3,
        "2025-07-01T14:00:02Z",
        "2026-06-28T11:17:08Z",
    )
    # dated.yml is read first; the example is the earliest seen.
    assert header["example"]["file"] == str(tmp_path / "r.yml")
    (tmp_path / "undated").mkdir()
    undated = ruby_vcr(tmp_path / "undated" / "u.yml", None, date=None, body=body)
    header = items(capsys, str(undated))[("header", "x-ruby-only", None)]
    assert (header["first_seen"], header["last_seen"]) == (None, None)
    _, out, _ = drift(capsys, str(undated))
    assert "unknown" in next(line for line in out.splitlines() if "x-ruby-only" in line)


def test_the_terminal_table_and_markdown_list_each_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_vcrpy(tmp_path / "drift.yaml", drifting_recording())
    code, out, _ = drift(capsys, str(path))
    assert code == 0
    assert f"{path}: vcrpy, 7 interaction(s), 6 for models" in out
    assert "drift: 11 things the contract does not describe in 6 models exchanges" in out
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("kind "))
    assert header.split() == [
        "kind",
        "item",
        "contract",
        "count",
        "first",
        "seen",
        "last",
        "seen",
        "example",
        "where",
    ]
    folded = "capabilities.* (2 members: batch, batch.supported)"
    assert any(line.startswith("nested field") and folded in line and "2023-06-01" in line for line in lines)
    assert any(line.startswith("open enum value") and 'line = "saga"' in line for line in lines)
    assert any(line.startswith("error type") and "quota_exceeded_error (HTTP 429)" in line for line in lines)
    code, out, _ = drift(capsys, str(path), "--markdown")
    assert out.startswith("## Drift\n")
    assert "| kind | item | contract | count | first seen | last seen | example | where |" in out
    assert "| beta | `brand-new-2026-01-01` |" in out


def test_the_members_of_an_object_typed_only_as_an_object_are_one_row_naming_them_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wide = {f"feature_{n}": {"supported": True} for n in range(8)}
    models = [
        {**SEED_EXAMPLE, "capabilities": {"batch": {"supported": True}}},
        {**SEED_EXAMPLE, "id": "m2", "capabilities": wide},
    ]
    path = write_vcrpy(tmp_path / "c.yaml", [vcrpy("/v1/models", 200, page(*models))])
    found = items(capsys, str(path))
    (row,) = [item for key, item in found.items() if key[0] == "field"]
    names = sorted(["batch", "batch.supported", *wide, *(f"{name}.supported" for name in wide)])
    assert (row["name"], row["count"], row["members"]) == ("capabilities.*", 2, names)
    _, out, _ = drift(capsys, str(path))  # the terminal names a few; --json and the reports all
    assert "capabilities.* (18 members: batch, batch.supported, feature_0, feature_0.supported, " in out
    assert "… and 12 more)" in out
    _, out, _ = drift(capsys, str(path), "--markdown")
    assert all(name in out for name in names)


def test_fail_on_drift_exits_1_when_drift_is_found(tmp_path: Path) -> None:
    drifting = write_vcrpy(tmp_path / "drift.yaml", drifting_recording())
    conformant = write_vcrpy(tmp_path / "ok.yaml", conformant_recording())

    def status(*args: str) -> int:
        command = [sys.executable, "-m", "models_conformance", "drift", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=120).returncode

    assert (status(str(drifting)), status(str(drifting), "--fail-on-drift")) == (0, 1)
    assert status(str(conformant), "--fail-on-drift") == 0


def test_usage_errors_exit_2_and_say_what_is_allowed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = drift(capsys, str(tmp_path / "missing.yaml"))
    assert code == 2
    assert "no such file or folder" in err and "give cassette files, JSON reports, or folders" in err
    (tmp_path / "empty").mkdir()
    code, _, err = drift(capsys, str(tmp_path / "empty"))
    assert (code, "holds no *.yaml or *.yml or *.json file" in err) == (2, True)
    (tmp_path / "junk.yaml").write_text("just: a mapping\n")
    code, _, err = drift(capsys, str(tmp_path / "junk.yaml"))
    assert code == 2 and "no file could be read" in err
    with pytest.raises(SystemExit) as exit_info:
        main(["drift", str(tmp_path / "junk.yaml"), "--json", "--markdown"])
    assert exit_info.value.code == 2


def test_a_bad_file_is_reported_and_never_stops_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_vcrpy(tmp_path / "a.yaml", drifting_recording())
    (tmp_path / "b.yaml").write_text("interactions: [\n")
    (tmp_path / "c.json").write_text(json.dumps({"role": "client", "results": []}))
    (tmp_path / "conformance-run.json").write_text(json.dumps({"contract": "2023-06-01"}))
    code, out, err = drift(capsys, str(tmp_path), "--json", "--fail-on-drift")
    assert code == 1
    sources = {Path(s["path"]).name: s for s in json.loads(out)["sources"]}
    assert sources["a.yaml"]["format"] == "vcrpy"
    assert sources["b.yaml"]["format"] is None and "not YAML" in sources["b.yaml"]["problems"][0]
    assert "without a drift section (role 'client')" in sources["c.json"]["problems"][0]
    assert sources["conformance-run.json"] == {
        **sources["conformance-run.json"],
        "format": "ignored",
        "problems": [],
    }
    assert "b.yaml: not read" in err and "c.json: not read" in err


def test_a_drift_document_reads_back_and_adds_up(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_vcrpy(tmp_path / "drift.yaml", drifting_recording())
    code, out, _ = drift(capsys, str(path), "--json")
    first = tmp_path / "first.json"
    first.write_text(out)
    again = items(capsys, str(first))
    assert again == items(capsys, str(path))
    twice = items(capsys, str(first), str(path))
    assert {key: item["count"] for key, item in twice.items()} == {
        key: 2 * item["count"] for key, item in again.items()
    }
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"tool": {}, "results": [], "drift": {"items": [{"kind": "nonsense"}]}}))
    code, _, err = drift(capsys, str(broken))
    assert code == 2 and "drift.items[0]: not a drift item" in err
    members = {"kind": "field", "name": "capabilities.*", "count": 1, "members": "batch"}
    broken.write_text(json.dumps({"items": [members], "exchanges": 1}))
    code, _, err = drift(capsys, str(broken))
    assert code == 2 and "items[0]: members is a list of strings" in err


def test_hostile_values_cannot_break_the_markdown_or_the_html(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from models_conformance.reports import render_html

    hostile = "<img src=x onerror=alert(1)> | `x` |"
    answered = {"content-type": "application/json", "request-id": "r", "x-evil": hostile, "x-ansi": "\x1b[2J"}
    path = write_vcrpy(
        tmp_path / "evil.yaml", [vcrpy("/v1/models/m", 200, {**SEED_EXAMPLE, "a|b": 1}, answered=answered)]
    )
    _, out, _ = drift(capsys, str(path))
    assert "\x1b" not in out and "\\x1b[2J" in out  # a terminal's escape sequence is written out
    _, out, _ = drift(capsys, str(path), "--markdown")
    rows = [
        line for line in out.splitlines() if line.startswith("| ") and ("x-evil" in line or "a\\|b" in line)
    ]
    assert len(rows) == 2
    for row in rows:  # eight cells: no pipe of the values splits one
        assert len(re.split(r"(?<!\\)\|", row)) == len(COLUMNS) + 2
    assert all(out[i - 1] == "`" for i in (m.start() for m in re.finditer("<img", out)))  # code spans only
    _, out, _ = drift(capsys, str(path), "--json")
    page = render_html({"role": "server", "results": [], "drift": json.loads(out)})
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_body_nested_beyond_what_json_parses_is_no_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = "[" * 100_000
    path = write_vcrpy(
        tmp_path / "deep.yaml",
        [
            vcrpy("/v1/models/m", 404, deep),
            vcrpy("/v1/models/m", 200, deep),
            vcrpy("/v1/models/m", 429, error("x")),
        ],
    )
    assert ("error_type", "x", None) in items(capsys, str(path))
