"""Account identifiers (organisation and workspace ids) are found wherever a recording holds them, under
CAS-NO-ACCOUNT-IDS (a SHOULD), never under CAS-NO-SECRETS: they name an account and grant no access."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import brotli
import pytest

from models_conformance import SEED_EXAMPLE
from models_conformance.cassettes import load
from models_conformance.cassettes.accounts import scan_accounts

from .recordings import check, interaction, write

ORGANISATION_ID = "5a1c0ffe-" + "0000-4000-8000-00000000a11c"
WORKSPACE_ID = "wrkspc_" + "01TestOnly" + "NotReal"


def clean() -> dict[str, Any]:
    return interaction("/v1/models/claude-opus-4-6", 200, SEED_EXAMPLE)


def _header(side: str, name: str, value: str) -> Callable[[dict[str, Any]], None]:
    def plant(entry: dict[str, Any]) -> None:
        entry[side]["headers"][name] = [value]

    return plant


def _response_body(member: str, value: str) -> Callable[[dict[str, Any]], None]:
    def plant(entry: dict[str, Any]) -> None:
        entry["response"]["body"]["string"] = json.dumps({**SEED_EXAMPLE, member: value})

    return plant


def _brotli_body(entry: dict[str, Any]) -> None:
    body = json.dumps({**SEED_EXAMPLE, "note": WORKSPACE_ID}).encode()
    entry["response"]["body"]["string"] = brotli.compress(body)
    entry["response"]["headers"]["content-encoding"] = ["br"]


def _query(entry: dict[str, Any]) -> None:
    entry["request"]["uri"] += f"?workspace={WORKSPACE_ID}"


def _request_body(entry: dict[str, Any]) -> None:
    entry["request"]["body"] = json.dumps({"organizationId": ORGANISATION_ID})


PLANTED = {
    "organisation id header": (
        _header("response", "anthropic-organization-id", ORGANISATION_ID),
        "response.headers.anthropic-organization-id",
    ),
    "workspace id header": (
        _header("response", "anthropic-workspace-id", WORKSPACE_ID),
        "response.headers.anthropic-workspace-id",
    ),
    "organisation header of another API": (
        _header("request", "openai-organization", "org-" + "TestOnlyNotReal"),
        "request.headers.openai-organization",
    ),
    "workspace id in another header": (
        _header("response", "x-debug", f"served for {WORKSPACE_ID}"),
        "response.headers.x-debug",
    ),
    "organization_id member": (_response_body("organization_id", ORGANISATION_ID), "response.body"),
    "workspace_id member": (_response_body("workspace_id", "ws-0042"), "response.body"),
    "organizationId member of a request body": (_request_body, "request.body"),
    "workspace id in a brotli body": (_brotli_body, "response.body"),
    "workspace id in the query": (_query, "request.uri"),
}


@pytest.mark.parametrize("place", sorted(PLANTED))
def test_a_planted_account_id_is_found_under_its_own_requirement(tmp_path: Path, place: str) -> None:
    plant, where = PLANTED[place]
    entry = clean()
    plant(entry)
    path = write(tmp_path / "c.yaml", [entry])
    assert [leak.where for leak in scan_accounts(load(path))] == [where]
    checked = check(path)
    found = checked.result("CAS-NO-ACCOUNT-IDS")
    assert found["outcome"] == "failed" and found["level"] == "SHOULD"
    assert (found["findings"][0]["where"], found["findings"][0]["path"]) == (f"{path} #0", where)
    assert checked.outcomes["CAS-NO-SECRETS"] == "passed"


@pytest.mark.parametrize("value", ["<ANTHROPIC_ORGANIZATION_ID>", "[REDACTED]", "ORGANIZATION_ID", ""])
def test_a_placeholder_account_id_is_not_an_account_id(tmp_path: Path, value: str) -> None:
    entry = clean()
    entry["response"]["headers"]["anthropic-organization-id"] = [value]
    entry["response"]["headers"]["anthropic-workspace-id"] = [value]
    entry["response"]["body"]["string"] = json.dumps({**SEED_EXAMPLE, "workspace_id": value})
    assert scan_accounts(load(write(tmp_path / "c.yaml", [entry]))) == []


def test_a_workspace_id_outside_any_interaction_is_found_by_line(tmp_path: Path) -> None:
    path = write(tmp_path / "c.yaml", [clean()])
    path.write_text(f"# recorded in {WORKSPACE_ID}\n" + path.read_text())
    assert [leak.where for leak in scan_accounts(load(path))] == ["line 1"]


def test_a_workspace_id_in_a_file_that_is_not_yaml_is_still_found(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(f"interactions: [\n  anthropic-workspace-id: {WORKSPACE_ID}\n")
    checked = check(tmp_path / "c.yaml")
    assert checked.files[0].format is None and checked.outcomes["CAS-NO-ACCOUNT-IDS"] == "failed"


def cli(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "models_conformance", "cassettes", "check", str(path), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_no_report_prints_an_account_id_it_found(tmp_path: Path) -> None:
    entry = clean()
    _header("response", "anthropic-workspace-id", WORKSPACE_ID)(entry)
    reports = {f"--report-{kind}": tmp_path / f"r.{kind}" for kind in ("json", "html", "markdown", "junit")}
    options = [word for option, path in reports.items() for word in (option, str(path))]
    result = cli(write(tmp_path / "c.yaml", [entry]), *options)
    printed = result.stdout + result.stderr + "".join(path.read_text() for path in reports.values())
    assert "CAS-NO-ACCOUNT-IDS" in printed and WORKSPACE_ID not in printed


def test_a_recording_that_only_names_its_account_does_not_fail_the_command(tmp_path: Path) -> None:
    entry = clean()
    _header("response", "anthropic-organization-id", ORGANISATION_ID)(entry)
    result = cli(write(tmp_path / "c.yaml", [entry]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "CAS-NO-ACCOUNT-IDS (SHOULD) violated" in result.stdout and "MUST failed: 0" in result.stdout
