"""The connector protocol's JSON Schemas: sound files, the messages the suite writes, the answers of the
shipped connectors, and what the harness says of an answer that breaks them."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from models_conformance.client.messages import MESSAGES, message_schema, violation
from models_conformance.client.protocol import (
    HELLO,
    KINDS,
    STOP,
    Call,
    Failure,
    HarnessError,
    Model,
    parse_answer,
    parse_hello,
)
from models_conformance.schemas import schema_dir

from ._cli import ROOT, run_command

ID_PREFIX = "https://models-api-conformance.example/schemas/connector/"
RECORDER = f"{sys.executable} tests/hostile_connectors.py record"
TS_CONNECTOR = ROOT / "connectors" / "typescript-anthropic"
SHIPPED = {
    "python-anthropic": f"{sys.executable} {ROOT / 'connectors' / 'python-anthropic' / 'connector.py'}",
    "typescript-anthropic": f"node {TS_CONNECTOR / 'connector.mjs'}",
}


def undescribed(schema: Any, where: str = "$") -> list[str]:
    """Where a property (of the schema or of one of its $defs) has no description."""
    if not isinstance(schema, dict):
        return []
    missing = []
    for name, subschema in schema.get("properties", {}).items():
        if "description" not in subschema and "$ref" not in subschema and "const" not in subschema:
            missing.append(f"{where}.{name}")
        missing += undescribed(subschema, f"{where}.{name}")
    for name, subschema in schema.get("$defs", {}).items():
        missing += undescribed(subschema, f"{where}.$defs.{name}")
    return missing


def test_there_is_one_schema_file_per_message() -> None:
    assert sorted(path.stem for path in (schema_dir() / "connector").glob("*.json")) == sorted(MESSAGES)


@pytest.mark.parametrize("name", MESSAGES)
def test_each_schema_is_draft_2020_12_and_says_what_each_property_means(name: str) -> None:
    schema = message_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"{ID_PREFIX}{name}.json"
    assert schema["title"] and schema["description"]
    assert undescribed(schema) == []


def test_the_error_kinds_of_the_schema_are_the_protocol_module_s() -> None:
    error = message_schema("retrieve-answer")["$defs"]["error"]
    assert tuple(error["properties"]["kind"]["enum"]) == KINDS


@pytest.mark.parametrize(
    "call",
    [
        Call("http://127.0.0.1:8123/c1", "conformance-client-key-x", "claude-opus-4-6"),
        Call("http://127.0.0.1:8123/c2", "k", "", betas=("a", "b"), max_retries=2, timeout_s=0.5),
        Call("http://127.0.0.1:8123/c3", "k", "a/b?c#d %41 模型-😀", betas=(), expected_delay_s=1.0),
    ],
    ids=["plain", "empty-id-betas-retries", "odd-id-no-betas"],
)
def test_the_requests_the_suite_writes_are_valid(call: Call) -> None:
    assert violation("hello", HELLO) is None
    assert violation("stop", STOP) is None
    assert violation("retrieve", call.message()) is None


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ({"ok": "yes"}, '$.ok must be true or false, got "yes"'),
        ({"ok": True}, '$ must carry "model", got {"ok": true}'),
        ({"ok": False}, '$ must carry "error", got {"ok": false}'),
        (
            {"ok": False, "error": {"kind": "boom"}},
            '$.error.kind must be one of "status", "connection", "timeout", "invalid_argument", '
            '"invalid_response", "other", got "boom"',
        ),
        (
            {"ok": False, "error": {"kind": "status", "status": "404"}},
            '$.error.status must be an integer or null, got "404"',
        ),
        (
            {"ok": False, "error": {"kind": "status", "requestId": "req_1"}},
            '$.error must not carry "requestId" (not in protocol 1), '
            'got {"kind": "status", "requestId": "req_1"}',
        ),
        (
            {"ok": True, "name": "x", "version": "1"},
            '$ must carry "model", got {"ok": true, "name": "x", "version": "1"} (+1 more)',
        ),
        ([], "$ must be an object, got []"),
    ],
    ids=["not-boolean", "no-model", "no-error", "unknown-kind", "status-string", "misspelt", "hello", "list"],
)
def test_an_answer_that_breaks_the_schema_is_a_harness_error_naming_path_expected_and_received(
    answer: Any, says: str
) -> None:
    with pytest.raises(HarnessError) as raised:
        parse_answer(answer)
    assert str(raised.value) == f"the answer to retrieve breaks the connector protocol: {says}"


def test_a_hello_that_breaks_the_schema_is_a_harness_error() -> None:
    with pytest.raises(HarnessError, match=r'\$ must not carry "beta" \(not in protocol 1\)'):
        parse_hello({"ok": True, "name": "x", "version": "1", "beta": False})
    with pytest.raises(HarnessError, match=r"\$\.protocol must be 1, got true"):
        parse_hello({"ok": True, "name": "x", "version": "1", "protocol": True})


def test_answers_in_the_protocol_are_read_as_before() -> None:
    assert parse_answer({"ok": True, "model": ["any", "json"]}) == Model(["any", "json"])
    assert parse_answer({"ok": False, "error": {"kind": "timeout"}}) == Failure("timeout")
    full = {"kind": "status", "status": 404, "type": "not_found_error", "message": "m", "request_id": "r"}
    assert parse_answer({"ok": False, "error": full}) == Failure("status", 404, "not_found_error", "m", "r")
    assert parse_hello({"ok": True, "name": "x", "version": "1", "protocol": 1, "betas": False}) == ("x", "1")


@pytest.mark.parametrize("name", SHIPPED)
def test_every_line_between_the_suite_and_a_shipped_connector_is_valid(name: str, tmp_path: Path) -> None:
    path = "/usr/bin:/bin"
    if name.startswith("typescript"):
        node = shutil.which("node")
        if node is None or not (TS_CONNECTOR / "node_modules").is_dir():
            pytest.skip("needs node and `npm install` in connectors/typescript-anthropic (nox -s client_ts)")
        path = f"{Path(node).parent}:{path}"
    code, report, output = run_command(
        "client",
        "--connector",
        RECORDER,
        "--seed",
        "1",
        "--examples",
        "5",
        tmp_path=tmp_path,
        env={"PATH": path, "HOSTILE_DIR": str(tmp_path), "HOSTILE_INNER": SHIPPED[name]},
    )
    assert code == 0, output
    assert not report.get("harness_errors"), output
    asked = ""
    seen: dict[str, int] = {}
    for entry in map(json.loads, (tmp_path / "transcript.jsonl").read_text().splitlines()):
        message = json.loads(entry["line"])
        kind = asked = message["op"] if entry["from"] == "suite" else f"{asked}-answer"
        assert violation(kind, message) is None, entry
        seen[kind] = seen.get(kind, 0) + 1
    # One connector for the whole run: one hello, one stop.
    assert seen["hello"] == seen["hello-answer"] == seen["stop"] == 1, seen
    assert seen["retrieve"] == seen["retrieve-answer"] == report["calls"] > 50, seen
