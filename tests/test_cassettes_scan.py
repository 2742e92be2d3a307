"""Secrets never land: the scanner finds a planted key wherever a key can hide, reports never print it,
and recording (``server --record``, and the vcrpy configuration for one's own tests) scrubs credentials
before anything is written.

Planted keys are built at run time, so that no file in the repository holds a key-looking literal.
"""

from __future__ import annotations

import base64
import gzip
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import brotli
import httpx
import pytest
import vcr
import yaml
import zstandard

from models_conformance import SEED_EXAMPLE
from models_conformance.cassettes import load, scan_cassette
from models_conformance.cassettes.accounts import scan_accounts
from models_conformance.cassettes.record import vcr_config, write_transcript
from models_conformance.exchange import Exchange, Probe, Request, Response
from models_conformance.reference.server import ReferenceServer
from models_conformance.transcript import Transcript

from ._cli import run_command
from .recordings import check, interaction

KEY = "sk-ant-" + "api03-" + "Zq7" * 12 + "-plantedAA"
BEARER_TOKEN = "eyJhbGciOi" + "JIUzI1NiJ9" + "x" * 12


def vcrpy_file(path: Path, entry: dict[str, Any], comment: str = "") -> Path:
    path.write_text(comment + yaml.safe_dump({"interactions": [entry], "version": 1}), encoding="utf-8")
    return path


def clean() -> dict[str, Any]:
    return interaction("/v1/models/claude-opus-4-6", 200, SEED_EXAMPLE)


def _request_header(entry: dict[str, Any]) -> None:
    entry["request"]["headers"]["x-api-key"] = [KEY]


def _other_header(entry: dict[str, Any]) -> None:
    entry["request"]["headers"]["x-debug"] = [f"key={KEY}"]


def _bearer(entry: dict[str, Any]) -> None:
    entry["request"]["headers"]["authorization"] = [f"Bearer {BEARER_TOKEN}"]


def _query(entry: dict[str, Any]) -> None:
    entry["request"]["uri"] += f"?note={KEY}"


def _request_body(entry: dict[str, Any]) -> None:
    entry["request"]["body"] = json.dumps({"api_key": KEY})


def _response_header(entry: dict[str, Any]) -> None:
    entry["response"]["headers"]["x-echo"] = [KEY]


def _response_body(entry: dict[str, Any]) -> None:
    entry["response"]["body"]["string"] = json.dumps({**SEED_EXAMPLE, "display_name": KEY})


def _gzip_body(entry: dict[str, Any]) -> None:
    body = json.dumps({**SEED_EXAMPLE, "display_name": KEY}).encode()
    entry["response"]["body"]["string"] = gzip.compress(body)
    entry["response"]["headers"]["content-encoding"] = ["gzip"]


def _set_cookie(entry: dict[str, Any]) -> None:
    entry["response"]["headers"]["set-cookie"] = ["sid=Qx9" + "Lm2Zp" * 5 + "; HttpOnly"]


def _cookie(entry: dict[str, Any]) -> None:
    entry["request"]["headers"]["cookie"] = ["session=" + "Ab3" * 8]


PLANTED = {
    "request header x-api-key": (_request_header, "request.headers.x-api-key"),
    "another request header": (_other_header, "request.headers.x-debug"),
    "a bearer token": (_bearer, "request.headers.authorization"),
    "query string": (_query, "request.uri"),
    "request body": (_request_body, "request.body"),
    "response header": (_response_header, "response.headers.x-echo"),
    "response body": (_response_body, "response.body"),
    "gzip response body": (_gzip_body, "response.body"),
    "set-cookie": (_set_cookie, "response.headers.set-cookie"),
    "cookie": (_cookie, "request.headers.cookie"),
}


@pytest.mark.parametrize("place", sorted(PLANTED))
def test_a_planted_secret_is_found_wherever_it_hides(tmp_path: Path, place: str) -> None:
    plant, where = PLANTED[place]
    entry = clean()
    plant(entry)
    path = vcrpy_file(tmp_path / "c.yaml", entry)
    leaks = scan_cassette(load(path))
    assert [leak.where for leak in leaks] == [where]
    assert leaks[0].interaction == 0
    secrets = check(path).result("CAS-NO-SECRETS")
    assert secrets["outcome"] == "failed" and secrets["findings"][0]["where"] == f"{path} #0"


@pytest.mark.parametrize(
    ("header", "value", "secret"),
    [
        ("set-cookie", "_cfuvid=9nL4zHTlXU.cbJ-1782645428.0353432-1.0.1.1-coDg; HttpOnly; Secure", False),
        ("set-cookie", "__cflb=02DiuEcwseaiqqyPC5q2cQqmGT6; Path=/", False),
        ("cookie", "_cfuvid=9nL4zHTlXU.cbJ; __cflb=02DiuEcw", False),
        ("cookie", "_cfuvid=9nL4zHTlXU.cbJ; session=Ab3Ab3Ab3Ab3", True),
        ("set-cookie", "cf_clearance=Ab3Ab3Ab3Ab3; Path=/", True),
        ("set-cookie", "__cf_bm=Ab3Ab3Ab3Ab3; Path=/", True),
    ],
)
def test_an_edge_s_visitor_id_cookie_identifies_and_any_other_cookie_may_let_someone_in(
    tmp_path: Path, header: str, value: str, secret: bool
) -> None:
    entry = clean()
    entry["request" if header == "cookie" else "response"]["headers"][header] = [value]
    outcomes = check(vcrpy_file(tmp_path / "c.yaml", entry)).outcomes
    assert (outcomes["CAS-NO-SECRETS"], outcomes["CAS-NO-ACCOUNT-IDS"]) == (
        ("failed", "passed") if secret else ("passed", "failed")
    )


def test_a_key_in_a_base64_body_of_a_ruby_cassette_is_found(tmp_path: Path) -> None:
    body = base64.b64encode(gzip.compress(json.dumps({"echo": KEY}).encode())).decode()
    text = (
        "http_interactions:\n- request:\n    method: get\n    uri: https://a.test/v1/models\n"
        "  response:\n    status: {code: 200, message: OK}\n    headers: {Content-Encoding: [gzip]}\n"
        f"    body: {{encoding: ASCII-8BIT, base64_string: '{body}'}}\nrecorded_with: VCR 6.3.1\n"
    )
    (tmp_path / "c.yml").write_text(text)
    assert [leak.where for leak in scan_cassette(load(tmp_path / "c.yml"))] == ["response.body"]


def test_a_key_outside_any_interaction_is_found_by_line(tmp_path: Path) -> None:
    path = vcrpy_file(tmp_path / "c.yaml", clean(), comment=f"# recorded with {KEY}\n")
    assert [leak.where for leak in scan_cassette(load(path))] == ["line 1"]


def test_a_key_in_a_file_that_is_not_yaml_is_still_found(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(f"interactions: [\n  x-api-key: {KEY}\n")
    checked = check(tmp_path / "c.yaml")
    assert checked.files[0].format is None and checked.outcomes["CAS-NO-SECRETS"] == "failed"


PLACEHOLDERS = [
    "[REDACTED]",
    "<ANTHROPIC_API_KEY>",
    "TOKEN",
    "API_KEY",
    "ANTHROPIC_API_KEY",
    "REDACTED",
    "FILTERED",
    "DUMMY_KEY",
    "${ANTHROPIC_API_KEY}",
    "{{api_key}}",
    "****",
    "xxxxxxxx",
    "",
]


@pytest.mark.parametrize("value", PLACEHOLDERS)
def test_redaction_placeholders_are_not_secrets(tmp_path: Path, value: str) -> None:
    entry = clean()
    entry["request"]["headers"]["x-api-key"] = [value]
    entry["request"]["headers"]["authorization"] = [f"Bearer {value}"]
    assert scan_cassette(load(vcrpy_file(tmp_path / "c.yaml", entry))) == []


@pytest.mark.parametrize("value", PLACEHOLDERS)
def test_a_whole_authorization_value_may_be_a_placeholder(tmp_path: Path, value: str) -> None:
    entry = clean()
    entry["request"]["headers"]["authorization"] = [value]
    assert scan_cassette(load(vcrpy_file(tmp_path / "c.yaml", entry))) == []


# Keys in capitals, made at run time: random letters and digits, one with underscores between runs.
CAPITAL_KEYS = ["QZKX7" + "WVBN3" + "MLPJ9" + "RTYD2", "ZX9QV" + "WL3KP" + "_TRMB" + "7NQXZ" + "PLKWV"]


@pytest.mark.parametrize("value", CAPITAL_KEYS, ids=["letters-and-digits", "with-underscores"])
def test_a_key_in_capitals_is_not_taken_for_a_placeholder(tmp_path: Path, value: str) -> None:
    entry = clean()
    entry["request"]["headers"]["x-api-key"] = [value]
    leaks = scan_cassette(load(vcrpy_file(tmp_path / "c.yaml", entry)))
    assert [(leak.where, leak.what) for leak in leaks] == [
        ("request.headers.x-api-key", "a credential, not a redaction placeholder")
    ]


def _refused_entry(status: int, **headers: str) -> dict[str, Any]:
    entry = interaction("/v1/models/claude-opus-4-6", status, {"type": "error", "error": {"type": "e"}})
    sent = {"anthropic-version": "2023-06-01", **headers}
    entry["request"]["headers"] = {name: [value] for name, value in sent.items()}
    return entry


def test_a_value_the_server_refused_with_401_is_not_a_credential(tmp_path: Path) -> None:
    # ruby_llm's recording of a wrong key: the 401 to that very request shows it grants no access.
    refused = _refused_entry(401, **{"x-api-key": "invalid-key"})
    assert scan_cassette(load(vcrpy_file(tmp_path / "401.yaml", refused))) == []
    accepted = _refused_entry(200, **{"x-api-key": "invalid-key"})
    assert [leak.where for leak in scan_cassette(load(vcrpy_file(tmp_path / "200.yaml", accepted)))] == [
        "request.headers.x-api-key"
    ]


def test_a_key_shaped_value_is_a_credential_even_when_refused(tmp_path: Path) -> None:
    # A key one server refuses (a gateway) may be valid at another.
    refused = _refused_entry(401, **{"x-api-key": KEY})
    leaks = scan_cassette(load(vcrpy_file(tmp_path / "c.yaml", refused)))
    assert [(leak.where, leak.what) for leak in leaks] == [
        ("request.headers.x-api-key", "an Anthropic API key (sk-ant-…)")
    ]


def test_a_401_to_two_credentials_does_not_say_which_was_wrong(tmp_path: Path) -> None:
    both = _refused_entry(401, **{"x-api-key": "invalid-key", "authorization": "Bearer short"})
    leaks = scan_cassette(load(vcrpy_file(tmp_path / "c.yaml", both)))
    assert sorted(leak.where for leak in leaks) == [
        "request.headers.authorization",
        "request.headers.x-api-key",
    ]


def test_no_report_or_message_prints_a_secret_it_found(tmp_path: Path) -> None:
    entry = clean()
    _query(entry)
    # Another failure, whose reproduction shows the URL, and whose finding quotes the body.
    entry["response"]["body"]["string"] = json.dumps({**SEED_EXAMPLE, "display_name": KEY, "type": KEY})
    reports = {f"--report-{kind}": tmp_path / f"r.{kind}" for kind in ("json", "html", "markdown", "junit")}
    options = [word for option, path in reports.items() for word in (option, str(path))]
    path = vcrpy_file(tmp_path / "c.yaml", entry)
    result = subprocess.run(
        [sys.executable, "-m", "models_conformance", "cassettes", "check", str(path), *options],
        capture_output=True,
        text=True,
        timeout=60,
    )
    printed = result.stdout + result.stderr + "".join(path.read_text() for path in reports.values())
    assert "CAS-NO-SECRETS (MUST) violated" in result.stdout
    assert "SRV-200-TYPE (MUST) violated" in result.stdout
    assert KEY not in printed and KEY[:12] not in printed


WORKSPACE_ID = "wrkspc_" + "01Qx9Lm2Zp" * 2
COMPRESS = {
    "gzip": gzip.compress,
    "br": brotli.compress,
    "zstd": lambda data: zstandard.ZstdCompressor(write_content_size=False).compress(data),
}


def leaky_app(coding: str) -> Any:
    """A server that echoes the key it gets, sets a cookie, names its account, compresses with ``coding``."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        key = dict(scope["headers"]).get(b"x-api-key", b"").decode()
        model = {**SEED_EXAMPLE, "display_name": f"echo {key}", "workspace_id": WORKSPACE_ID}
        body = COMPRESS[coding](json.dumps(model).encode())
        headers = [
            (b"content-type", b"application/json"),
            (b"request-id", b"req_echo"),
            (b"set-cookie", b"session=Qx9Lm2ZpQx9Lm2Zp; HttpOnly"),
            (b"anthropic-organization-id", b"00000000-1111-4222-8333-444444444444"),
            (b"anthropic-workspace-id", WORKSPACE_ID.encode()),
            (b"content-encoding", coding.encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


@pytest.fixture
def leaky_server() -> Iterator[str]:
    with ReferenceServer(app=leaky_app("gzip")) as server:
        yield server.url


def test_recording_scrubs_credentials_cookies_organisation_ids_and_echoed_keys(
    tmp_path: Path, leaky_server: str
) -> None:
    with vcr.VCR().use_cassette(str(tmp_path / "c.yaml"), **vcr_config(record_mode="all")):
        response = httpx.get(
            f"{leaky_server}/v1/models/claude-opus-4-6?api_key={KEY}",
            headers={
                "x-api-key": KEY,
                "authorization": f"Bearer {KEY}",
                "cookie": "a=b",
                "anthropic-version": "x",
            },
        )
    assert KEY in response.text  # the live response is untouched; only what is written is scrubbed
    text = (tmp_path / "c.yaml").read_text()
    assert KEY[:12] not in text and "set-cookie" not in text and "00000000-1111" not in text
    cassette = load(tmp_path / "c.yaml")
    assert scan_cassette(cassette) == []
    request = cassette.interactions[0].exchange.request
    assert (
        request.header("x-api-key") == "[REDACTED]" and request.header("authorization") == "Bearer [REDACTED]"
    )
    assert request.header("cookie") is None
    assert cassette.interactions[0].exchange.response.json["display_name"] == "echo [REDACTED]"


@pytest.mark.parametrize("coding", sorted(COMPRESS))
def test_recording_stores_a_compressed_body_decoded_and_scrubbed(tmp_path: Path, coding: str) -> None:
    with (
        ReferenceServer(app=leaky_app(coding)) as server,
        vcr.VCR().use_cassette(str(tmp_path / "c.yaml"), **vcr_config(record_mode="all")),
    ):
        response = httpx.get(f"{server.url}/v1/models/claude-opus-4-6", headers={"x-api-key": KEY})
    assert response.json()["workspace_id"] == WORKSPACE_ID  # what the client got is untouched
    text = (tmp_path / "c.yaml").read_text()
    assert "!!binary" not in text and "content-encoding" not in text
    assert KEY[:12] not in text and "wrkspc_" not in text and "00000000-1111" not in text
    cassette = load(tmp_path / "c.yaml")
    assert scan_cassette(cassette) == [] and scan_accounts(cassette) == []
    exchange = cassette.interactions[0].exchange
    assert exchange.response.json == {
        **SEED_EXAMPLE,
        "display_name": "echo [REDACTED]",
        "workspace_id": "[REDACTED]",
    }
    assert exchange.response.header("content-length") == str(len(exchange.response.body))
    assert exchange.response.header("anthropic-workspace-id") == "[REDACTED]"


def leaky_exchange(body: bytes) -> Exchange:
    request = Request.make("GET", "http://127.0.0.1:9", "/v1/models/m", {"x-api-key": KEY})
    response = Response.make(200, {"content-type": "application/json"}, body)
    return Exchange(request, response, probe=Probe(key="valid"), where="request 1", session="run")


def test_a_recording_that_still_holds_a_secret_after_scrubbing_is_deleted(tmp_path: Path) -> None:
    # A body that is not text is written as it came (!!binary): scrubbing cannot see a key inside it.
    opaque = leaky_exchange(b"\xff\xfe" + KEY.encode() + b"\x00")
    fine = leaky_exchange(json.dumps({**SEED_EXAMPLE, "display_name": KEY}).encode())
    rejected = write_transcript(Transcript("server", "2023-06-01", [fine, opaque]), tmp_path / "run.yaml")
    assert rejected == ["response.body held an Anthropic API key (sk-ant-…)"]
    assert not (tmp_path / "run.yaml").exists()
    assert write_transcript(Transcript("server", "2023-06-01", [fine]), tmp_path / "run.yaml") == []
    assert KEY[:12] not in (tmp_path / "run.yaml").read_text()


async def binary_echo_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answers a body that is not text, holding the key the request carried."""
    if scope["type"] != "http":
        return
    body = b"\xff\xfe" + dict(scope["headers"]).get(b"x-api-key", b"") + b"\x00"
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def test_a_run_whose_recording_was_deleted_fails_and_says_why(tmp_path: Path) -> None:
    recording = tmp_path / "run.yaml"
    with ReferenceServer(app=binary_echo_app) as server:
        code, _, output = run_command(
            "server", "--base-url", server.url, "--examples", "1", "--record", str(recording),
            tmp_path=tmp_path, env={"ANTHROPIC_API_KEY": KEY},
        )  # fmt: skip
    assert code == 1 and not recording.exists()
    assert "the recording was deleted (CAS-NO-SECRETS): response.body held an Anthropic API key" in output
    assert KEY not in output and KEY[:12] not in output
