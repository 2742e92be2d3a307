"""The reference server, driven over real HTTP on loopback as any client would."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from models_conformance.reference.app import create_app
from models_conformance.reference.betas import SDK_2_14_BETAS
from models_conformance.reference.catalog import Catalog, CatalogError, default_catalog, load_catalog
from models_conformance.reference.server import ReferenceServer, spawn
from models_conformance.schemas import error_validator, known_betas, list_validator, model_validator

V1 = "2023-06-01"
V2 = "2026-10-21"
VERSIONS = (V1, V2)
AUTH = {"x-api-key": "test-key", "anthropic-version": V1}
REQUEST_ID = re.compile(r"req_[0-9A-Za-z]{24,}\Z")
ERROR_STATUS_TYPES = {400: "invalid_request_error", 401: "authentication_error", 404: "not_found_error"}


# --- fixtures and helpers -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer() as running:
        yield running


@pytest.fixture(scope="module")
def client(server: ReferenceServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, headers=AUTH, timeout=10) as http:
        yield http


@pytest.fixture(scope="module")
def permissive_client() -> Iterator[httpx.Client]:
    with (
        ReferenceServer(permissive=True) as running,
        httpx.Client(base_url=running.url, headers=AUTH) as http,
    ):
        yield http


def raw_request(
    url: str, target: bytes, *, method: bytes = b"GET", headers: Mapping[str, str] = AUTH
) -> httpx.Response:
    """Send a request line exactly as given (httpx would normalise dot segments and encoding)."""
    parts = urlsplit(url)
    assert parts.hostname is not None and parts.port is not None
    lines = [method + b" " + target + b" HTTP/1.1", b"host: " + parts.netloc.encode(), b"connection: close"]
    lines += [f"{name}: {value}".encode() for name, value in headers.items()]
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(b"\r\n".join(lines) + b"\r\n\r\n")
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    pairs = [(name, value) for name, _, value in (line.partition(": ") for line in header_lines)]
    return httpx.Response(int(status_line.split()[1]), headers=pairs, content=body)


def assert_error(response: httpx.Response, status: int, error_type: str | None = None) -> dict[str, Any]:
    """The response is the API's error envelope with this status; returns the body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = json.loads(response.content)
    error_validator().validate(body)
    assert body["error"]["type"] == (error_type or ERROR_STATUS_TYPES[status])
    assert body["request_id"] == response.headers["request-id"]
    assert REQUEST_ID.match(response.headers["request-id"])
    return body


def assert_model(response: httpx.Response, contract: str) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    model_validator(contract).validate(body)
    return body


# --- GET /v1/models/{model_id} ------------------------------------------------------------------


def test_the_seed_example_model_is_served_as_the_seed_shows_it(client: httpx.Client) -> None:
    body = assert_model(client.get("/v1/models/claude-opus-4-6"), V1)
    assert {key: body[key] for key in ("id", "created_at", "display_name", "type")} == {
        "id": "claude-opus-4-6",
        "created_at": "2026-02-04T00:00:00Z",
        "display_name": "Claude Opus 4.6",
        "type": "model",
    }


@pytest.mark.parametrize("beta", [False, True], ids=["plain", "beta"])
@pytest.mark.parametrize("version", VERSIONS)
def test_every_catalog_model_is_valid_under_each_contract(
    client: httpx.Client, version: str, beta: bool
) -> None:
    for model in default_catalog().models:
        query = "?beta=true" if beta else ""
        response = client.get(f"/v1/models/{model['id']}{query}", headers={"anthropic-version": version})
        body = assert_model(response, version)
        assert body["id"] == model["id"]
        assert body["lifecycle"] in ("active", "deprecated", "retired")


@pytest.mark.parametrize("version", VERSIONS)
def test_plain_bodies_leave_out_what_only_beta_model_info_declares(
    client: httpx.Client, version: str
) -> None:
    plain = client.get("/v1/models/claude-opus-4-6", headers={"anthropic-version": version}).json()
    beta = client.get("/v1/models/claude-opus-4-6?beta=true", headers={"anthropic-version": version}).json()
    assert "allowed_fallback_models" not in plain and "compaction" not in plain["capabilities"]
    assert beta["allowed_fallback_models"] == ["claude-sonnet-4-6"]
    assert beta["capabilities"]["compaction"] == {"supported": True, "summarize": {"supported": True}}
    assert {**plain, "allowed_fallback_models": beta["allowed_fallback_models"]} == {
        **beta,
        "capabilities": plain["capabilities"],
    }


@pytest.mark.parametrize("version", VERSIONS)
def test_bodies_carry_tokens_capabilities_and_lifecycle_under_both_versions(
    client: httpx.Client, version: str
) -> None:
    body = client.get("/v1/models/claude-opus-4-1-20250805", headers={"anthropic-version": version}).json()
    assert body["max_input_tokens"] == 200000 and body["max_tokens"] == 32000
    assert body["capabilities"]["batch"] == {"supported": True}
    assert (body["lifecycle"], body["line"]) == ("deprecated", "opus")
    assert body["deprecated_at"] < body["retires_at"]


def test_unknown_id_gets_404_not_found_error_naming_the_id(client: httpx.Client) -> None:
    body = assert_error(client.get("/v1/models/claude-nonexistent-1"), 404)
    assert "claude-nonexistent-1" in body["error"]["message"]


def test_404_message_holds_the_id_json_escaped(client: httpx.Client) -> None:
    model_id = 'say "hi" \\ \n \u00fc \U0001f600'
    body = assert_error(client.get("/v1/models/" + quote(model_id, safe="")), 404)
    assert body["error"]["message"] == f"model: {model_id}"


@pytest.mark.parametrize("alias", sorted(default_catalog().aliases))
def test_alias_resolves_to_the_concrete_models_object(client: httpx.Client, alias: str) -> None:
    target = default_catalog().aliases[alias]
    body = assert_model(client.get(f"/v1/models/{alias}"), V1)
    assert body["id"] == target != alias
    assert client.get(f"/v1/models/{target}").json() == body


def test_retrieving_an_id_twice_gives_equal_bodies(client: httpx.Client) -> None:
    assert (
        client.get("/v1/models/claude-sonnet-4-6").json() == client.get("/v1/models/claude-sonnet-4-6").json()
    )


def test_percent_encoded_unreserved_characters_find_the_model(client: httpx.Client) -> None:
    body = assert_model(client.get("/v1/models/claude%2Dopus%2D4%2D6"), V1)
    assert body["id"] == "claude-opus-4-6"
    assert client.get("/v1/models/%63laude-opus-4-6").json()["id"] == "claude-opus-4-6"


def test_an_encoded_slash_stays_part_of_the_id(server: ReferenceServer) -> None:
    body = assert_error(raw_request(server.url, b"/v1/models/a%2Fb"), 404)
    assert body["error"]["message"] == "model: a/b"
    assert_error(raw_request(server.url, b"/v1/models/claude-opus-4-6%2F"), 404)
    assert_error(raw_request(server.url, b"/v1/models/%2F"), 404)


@pytest.mark.parametrize("target", [b"/v1/models/a/b", b"/v1/models/claude-opus-4-6/extra", b"/v1/models//"])
def test_an_extra_raw_segment_gets_404(server: ReferenceServer, target: bytes) -> None:
    assert_error(raw_request(server.url, target), 404)


@pytest.mark.parametrize("target", [b"/v1/models/", b"/v1/models/?limit=5", b"/v1/models/?beta=true"])
def test_an_empty_id_gets_404_never_the_list(server: ReferenceServer, target: bytes) -> None:
    assert_error(raw_request(server.url, target), 404)


@pytest.mark.parametrize("segment", [b"..", b".", b"%2E%2E", b"%2e", b".%2E", b"..%2F..", b"%2E%2E%2Fmodels"])
def test_dot_segments_never_reach_another_resource(server: ReferenceServer, segment: bytes) -> None:
    assert_error(raw_request(server.url, b"/v1/models/" + segment), 404)


@pytest.mark.parametrize("segment", [b"%FF", b"%C3", b"%ED%A0%80", b"ok%80ok", b"%C0%AF"])
def test_an_id_that_is_not_utf8_once_decoded_gets_404(server: ReferenceServer, segment: bytes) -> None:
    assert_error(raw_request(server.url, b"/v1/models/" + segment), 404)


def test_ids_of_ten_thousand_characters_get_an_envelope(
    server: ReferenceServer, client: httpx.Client
) -> None:
    assert_error(client.get("/v1/models/" + "a" * 10_000), 404)
    assert_error(client.get("/v1/models/" + quote("\u00fc" * 10_000, safe="")), 404)  # a 60 KB URL
    # 10,000 emoji make a 120 KB URL, past what the HTTP parser takes: 414, still the envelope.
    target = ("/v1/models/" + quote("\U0001f600" * 10_000, safe="")).encode()
    body = assert_error(raw_request(server.url, target), 414, "invalid_request_error")
    assert "65535" in body["error"]["message"]


@pytest.mark.parametrize("target", ["/v1/models/ü".encode(), b"/v1/models/a b", b"/v1/models/a\x01b"])
def test_a_request_line_the_parser_rejects_gets_a_400_envelope(
    server: ReferenceServer, target: bytes
) -> None:
    assert_error(raw_request(server.url, target), 400)


KNOWN_IDS = sorted([*(m["id"] for m in default_catalog().models), *default_catalog().aliases])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(model_id=st.text(st.characters(codec="utf-8"), min_size=1, max_size=300) | st.sampled_from(KNOWN_IDS))
@example(".")
@example("..")
@example("%")
@example("claude-opus-4-6/..")
@example("claude-opus-4-5")
def test_any_unicode_id_gets_200_or_a_4xx_envelope(client: httpx.Client, model_id: str) -> None:
    # Dots encoded too: httpx turns the segment "." into the list URL (/v1/models/. -> /v1/models).
    response = client.get("/v1/models/" + quote(model_id, safe="").replace(".", "%2E"))
    assert response.status_code < 500
    if response.status_code == 200:
        assert response.json()["id"] == default_catalog().resolve(model_id)
    else:
        assert_error(response, 404)


# --- headers: credentials, version, betas ------------------------------------------------------------


def test_missing_credentials_get_401_authentication_error(client: httpx.Client) -> None:
    response = client.get("/v1/models/claude-opus-4-6", headers={"x-api-key": ""})
    body = assert_error(response, 401)
    assert body["error"]["message"] == "x-api-key header is required"
    assert response.headers["x-should-retry"] == "false"


def test_a_wrong_key_gets_401_when_keys_are_configured() -> None:
    with ReferenceServer(api_keys={"right-key"}) as running:
        wrong = httpx.get(
            running.url + "/v1/models/claude-opus-4-6", headers={**AUTH, "x-api-key": "wrong-key"}
        )
        right = httpx.get(
            running.url + "/v1/models/claude-opus-4-6", headers={**AUTH, "x-api-key": "right-key"}
        )
        bearer = httpx.get(
            running.url + "/v1/models/claude-opus-4-6",
            headers={"authorization": "Bearer wrong-key", "anthropic-version": V2},
        )
    assert assert_error(wrong, 401)["error"]["message"] == "invalid x-api-key"
    assert wrong.headers["x-should-retry"] == "false"
    assert right.status_code == 200
    assert_error(bearer, 401)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "credential", [{"x-api-key": "k"}, {"authorization": "Bearer k"}], ids=["x-api-key", "bearer"]
)
def test_both_credential_forms_are_accepted_under_both_versions(
    server: ReferenceServer, version: str, credential: dict[str, str]
) -> None:
    response = httpx.get(
        server.url + "/v1/models/claude-opus-4-6", headers={**credential, "anthropic-version": version}
    )
    assert_model(response, version)


def test_an_authorization_header_without_bearer_gets_401(server: ReferenceServer) -> None:
    headers = {"authorization": "Basic azpr", "anthropic-version": V2}
    assert_error(httpx.get(server.url + "/v1/models/claude-opus-4-6", headers=headers), 401)


def test_credentials_are_checked_before_the_version(server: ReferenceServer) -> None:
    assert_error(httpx.get(server.url + "/v1/models/claude-opus-4-6"), 401)


def test_a_missing_version_gets_400_invalid_request_error(server: ReferenceServer) -> None:
    response = httpx.get(server.url + "/v1/models/claude-opus-4-6", headers={"x-api-key": "k"})
    assert "anthropic-version" in assert_error(response, 400)["error"]["message"]


def test_an_unknown_version_gets_400_listing_the_supported_versions(client: httpx.Client) -> None:
    body = assert_error(
        client.get("/v1/models/claude-opus-4-6", headers={"anthropic-version": "2024-01-01"}), 400
    )
    assert "'2024-01-01'" in body["error"]["message"]
    assert V1 in body["error"]["message"] and V2 in body["error"]["message"]


def test_the_seeds_betas_are_accepted_comma_separated_with_or_without_spaces(client: httpx.Client) -> None:
    for separator in (",", ", ", " , "):
        response = client.get(
            "/v1/models/claude-opus-4-6", headers={"anthropic-beta": separator.join(known_betas())}
        )
        assert_model(response, V1)


def test_every_beta_sdk_2_14_names_is_accepted(client: httpx.Client) -> None:
    assert_model(
        client.get("/v1/models/claude-opus-4-6", headers={"anthropic-beta": ",".join(SDK_2_14_BETAS)}), V1
    )


def test_empty_beta_items_are_ignored(client: httpx.Client) -> None:
    response = client.get(
        "/v1/models/claude-opus-4-6", headers={"anthropic-beta": ",, files-api-2025-04-14 ,,"}
    )
    assert_model(response, V1)


def test_an_unknown_beta_gets_400_naming_the_value(client: httpx.Client) -> None:
    response = client.get(
        "/v1/models/claude-opus-4-6", headers={"anthropic-beta": "files-api-2025-04-14,made-up-1"}
    )
    message = assert_error(response, 400)["error"]["message"]
    assert "made-up-1" in message and "files-api-2025-04-14" not in message


def test_several_beta_headers_count_as_one_list(server: ReferenceServer) -> None:
    beta_headers = [("anthropic-beta", "files-api-2025-04-14"), ("anthropic-beta", "nope-2020-01-01")]
    response = httpx.get(server.url + "/v1/models/claude-opus-4-6", headers=[*AUTH.items(), *beta_headers])
    assert "nope-2020-01-01" in assert_error(response, 400)["error"]["message"]


# --- methods, paths, shared headers -----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/v1/models/claude-opus-4-6", "/v1/models"])
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_other_methods_get_405_with_an_allow_header(client: httpx.Client, method: str, path: str) -> None:
    response = client.request(method, path, content=b"{}")
    assert_error(response, 405, "invalid_request_error")
    assert response.headers["allow"] == "GET, HEAD"


def test_head_mirrors_get_without_a_body(client: httpx.Client) -> None:
    head = client.head("/v1/models/claude-opus-4-6")
    get = client.get("/v1/models/claude-opus-4-6")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(get.content))


@pytest.mark.parametrize("path", ["/", "/v1", "/v1/model", "/v2/models/claude-opus-4-6", "/v1/models.json"])
def test_unknown_paths_get_404_not_found_error(client: httpx.Client, path: str) -> None:
    assert_error(client.get(path), 404)


def test_every_response_is_json_with_a_unique_request_id(client: httpx.Client) -> None:
    responses = [
        client.get("/v1/models/claude-opus-4-6"),
        client.get("/v1/models"),
        client.get("/v1/models/nope"),
        client.get("/v1/models/claude-opus-4-6", headers={"x-api-key": ""}),
        client.post("/v1/models"),
    ]
    ids = [response.headers["request-id"] for response in responses]
    assert all(REQUEST_ID.match(request_id) for request_id in ids)
    assert len(set(ids)) == len(ids)
    assert {response.headers["content-type"] for response in responses} == {"application/json"}


def test_unknown_query_parameters_are_ignored_on_retrieve(client: httpx.Client) -> None:
    response = client.get("/v1/models/claude-opus-4-6?foo=bar&beta=false&limit=abc")
    assert response.json() == client.get("/v1/models/claude-opus-4-6").json()


# --- GET /v1/models ---------------------------------------------------------------------------------


def listed(client: httpx.Client, query: str = "", version: str = V1) -> dict[str, Any]:
    response = client.get("/v1/models" + query, headers={"anthropic-version": version})
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    list_validator(version).validate(page)
    return page


def ids_of(page: Mapping[str, Any]) -> list[str]:
    return [model["id"] for model in page["data"]]


def test_the_list_shows_twenty_models_newest_first_without_retired_ones(client: httpx.Client) -> None:
    page = listed(client)
    not_retired = [m["id"] for m in default_catalog().models if m["lifecycle"] != "retired"]
    assert ids_of(page) == not_retired[:20]
    assert page["first_id"] == not_retired[0] and page["has_more"] is (len(not_retired) > 20)
    created = [model["created_at"] for model in page["data"]]
    assert created == sorted(created, reverse=True)


def test_the_list_pages_forward_with_after_id_and_back_with_before_id(client: httpx.Client) -> None:
    everything = ids_of(
        listed(client, "?limit=1000&lifecycle[]=active&lifecycle[]=deprecated&lifecycle[]=retired")
    )
    assert len(everything) == len(default_catalog().models)
    forward: list[list[str]] = []
    query = "?limit=3&lifecycle[]=active&lifecycle[]=deprecated&lifecycle[]=retired"
    page = listed(client, query)
    while True:
        forward.append(ids_of(page))
        if not page["has_more"]:
            break
        page = listed(client, f"{query}&after_id={page['last_id']}")
    assert [i for page_ids in forward for i in page_ids] == everything
    backward: list[list[str]] = []
    while True:
        page = listed(client, f"{query}&before_id={page['first_id']}")
        backward.insert(0, ids_of(page))
        if not page["has_more"]:
            break
    assert [i for page_ids in backward for i in page_ids] == everything[: -len(forward[-1])]


def test_the_lifecycle_filter_takes_either_spelling(client: httpx.Client) -> None:
    by_lifecycle = {m["id"]: m["lifecycle"] for m in default_catalog().models}
    retired = ids_of(listed(client, "?lifecycle[]=retired&limit=1000"))
    assert retired and {by_lifecycle[i] for i in retired} == {"retired"}
    assert ids_of(listed(client, "?lifecycle=retired&limit=1000")) == retired
    assert {by_lifecycle[i] for i in ids_of(listed(client, "?lifecycle=active,deprecated&limit=1000"))} == {
        "active",
        "deprecated",
    }


@pytest.mark.parametrize(
    "query",
    [
        "?limit=0",
        "?limit=1001",
        "?limit=abc",
        "?limit=-1",
        "?after_id=nope",
        "?before_id=nope",
        "?lifecycle=gone",
    ],
)
def test_a_bad_list_parameter_gets_400_invalid_request_error(client: httpx.Client, query: str) -> None:
    assert_error(client.get("/v1/models" + query), 400)


def test_an_alias_works_as_a_cursor(client: httpx.Client) -> None:
    assert listed(client, "?after_id=claude-opus-4-5") == listed(client, "?after_id=claude-opus-4-5-20251101")


@pytest.mark.parametrize("beta", ["", "&beta=true"], ids=["plain", "beta"])
@pytest.mark.parametrize("version", VERSIONS)
def test_every_listed_object_equals_the_retrieved_one(client: httpx.Client, version: str, beta: str) -> None:
    page = listed(
        client, f"?limit=1000&lifecycle[]=active&lifecycle[]=deprecated&lifecycle[]=retired{beta}", version
    )
    for model in page["data"]:
        retrieved = client.get(f"/v1/models/{model['id']}?{beta[1:]}", headers={"anthropic-version": version})
        assert retrieved.json() == model


# --- permissive mode, catalogs ------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_permissive_mode_answers_an_unknown_id_with_an_epoch_model(
    permissive_client: httpx.Client, version: str
) -> None:
    response = permissive_client.get("/v1/models/model_id?beta=true", headers={"anthropic-version": version})
    body = assert_model(response, version)
    assert body["id"] == "model_id" and body["display_name"] == "Model Id"
    assert body["created_at"] == "1970-01-01T00:00:00Z" and body["lifecycle"] == "active"


def test_permissive_mode_still_serves_the_catalog_and_checks_headers(permissive_client: httpx.Client) -> None:
    assert permissive_client.get("/v1/models/claude-opus-4-5").json()["id"] == "claude-opus-4-5-20251101"
    assert_error(permissive_client.get("/v1/models/x", headers={"anthropic-version": "1999-01-01"}), 400)
    page = permissive_client.get("/v1/models?after_id=after_id&before_id=before_id&limit=1").json()
    assert page == {"data": [], "has_more": False, "first_id": None, "last_id": None}


def write_catalog(tmp_path: Path, document: object, name: str = "catalog.json") -> Path:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    return path


def test_a_custom_catalog_is_served_newest_first_with_defaults_filled_in(tmp_path: Path) -> None:
    old = {"id": "m-old", "display_name": "Old", "created_at": "2020-01-01T00:00:00+05:00"}
    new = {"id": "m-new", "display_name": "New", "created_at": "2021-01-01T00:00:00Z", "x-extra": [1]}
    catalog = load_catalog(write_catalog(tmp_path, {"models": [old, new], "aliases": {"m": "m-new"}}))
    assert [model["id"] for model in catalog.models] == ["m-new", "m-old"]
    with (
        ReferenceServer(catalog=catalog) as running,
        httpx.Client(base_url=running.url, headers=AUTH) as http,
    ):
        body = assert_model(http.get("/v1/models/m", headers={"anthropic-version": V2}), V2)
        assert body == {**new, "type": "model", "lifecycle": "active", "line": None, "deprecated_at": None,
                        "retires_at": None}  # fmt: skip
        assert ids_of(http.get("/v1/models").json()) == ["m-new", "m-old"]
        assert_error(http.get("/v1/models/claude-opus-4-6"), 404)


MODEL_A = {"id": "a", "display_name": "A", "created_at": "2020-01-01T00:00:00Z"}


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("{not json", "is not JSON"),
        ([], "top level must be an object"),
        ({"models": []}, "'models' must be a non-empty list"),
        ({"models": [{"id": "a", "display_name": "A"}]}, "missing the field 'created_at'"),
        ({"models": [{**MODEL_A, "created_at": "2020-01-01"}]}, "RFC 3339"),
        ({"models": [{**MODEL_A, "lifecycle": "x"}]}, "'lifecycle' must be one of"),
        ({"models": [MODEL_A, MODEL_A]}, "duplicate id 'a'"),
        ({"models": [MODEL_A], "aliases": {"b": "c"}}, "alias 'b' points at unknown id 'c'"),
        ({"models": [MODEL_A], "aliases": {"a": "a"}}, "alias 'a' is also a model id"),
        ({"models": [MODEL_A], "extra": 1}, "unknown top-level key"),
    ],
)
def test_a_bad_catalog_file_raises_catalog_error_naming_the_file_and_the_problem(
    tmp_path: Path, document: object, expected: str
) -> None:
    path = write_catalog(tmp_path, document, "broken-catalog.json")
    with pytest.raises(CatalogError, match=re.escape(expected)) as caught:
        load_catalog(path)
    assert "broken-catalog.json" in str(caught.value)


def test_a_missing_catalog_file_raises_catalog_error_showing_the_format(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match=r"'.*nowhere\.json' not found; a catalog file is \{\"models\""):
        load_catalog(tmp_path / "nowhere.json")


RECORDED = [  # (id, display name, release date) as the recorded API traffic shows them
    ("claude-fable-5", "Claude Fable 5", "2026-06-07"),
    ("claude-opus-4-8", "Claude Opus 4.8", "2026-05-28"),
    ("claude-opus-4-7", "Claude Opus 4.7", "2026-04-14"),
    ("claude-sonnet-4-6", "Claude Sonnet 4.6", "2026-02-17"),
    ("claude-opus-4-6", "Claude Opus 4.6", "2026-02-04"),
    ("claude-opus-4-5-20251101", "Claude Opus 4.5", "2025-11-24"),
    ("claude-haiku-4-5-20251001", "Claude Haiku 4.5", "2025-10-15"),
    ("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5", "2025-09-29"),
    ("claude-opus-4-1-20250805", "Claude Opus 4.1", "2025-08-05"),
    ("claude-opus-4-20250514", "Claude Opus 4", "2025-05-22"),
    ("claude-sonnet-4-20250514", "Claude Sonnet 4", "2025-05-22"),
    ("claude-3-7-sonnet-20250219", "Claude Sonnet 3.7", "2025-02-24"),
    ("claude-3-5-sonnet-20241022", "Claude Sonnet 3.5 (New)", "2024-10-22"),
    ("claude-3-5-haiku-20241022", "Claude Haiku 3.5", "2024-10-22"),
    ("claude-3-5-sonnet-20240620", "Claude Sonnet 3.5 (Old)", "2024-06-20"),
    ("claude-3-haiku-20240307", "Claude Haiku 3", "2024-03-07"),
    ("claude-3-opus-20240229", "Claude Opus 3", "2024-02-29"),
    ("claude-3-sonnet-20240229", "Claude Sonnet 3", "2024-02-29"),
    ("claude-2.1", "Claude 2.1", "2023-11-21"),
    ("claude-2.0", "Claude 2.0", "2023-07-11"),
]


def test_the_default_catalog_holds_the_recorded_models_newest_first() -> None:
    catalog = default_catalog()
    shown = [(m["id"], m["display_name"], m["created_at"]) for m in catalog.models]
    assert shown == [(i, name, f"{day}T00:00:00Z") for i, name, day in RECORDED]
    assert catalog.resolve("claude-sonnet-4-0") == "claude-sonnet-4-20250514"
    assert catalog.resolve("claude-3-5-haiku-latest") == "claude-3-5-haiku-20241022"
    assert catalog.resolve("claude-opus-9") is None
    for model in catalog.models:
        assert model["lifecycle"] == "active" or model["deprecated_at"] is not None
        assert model["lifecycle"] != "retired" or model["retires_at"] is not None


# --- the ASGI app's safety net, ReferenceServer, the command line ---------------------------------------


def test_an_internal_error_becomes_a_500_api_error_envelope(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app()

    def explode(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(app, "handle", explode)
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/v1/models/x",
        "raw_path": b"/v1/models/x",
        "headers": [],
    }
    asyncio.run(app(scope, receive, send))
    headers = dict(sent[0]["headers"])
    response = httpx.Response(sent[0]["status"], headers=sent[0]["headers"], content=sent[1]["body"])
    assert_error(response, 500, "api_error")
    assert headers[b"request-id"].decode() == json.loads(sent[1]["body"])["request_id"]
    assert "boom" in caplog.text


def test_several_servers_run_at_once_even_from_a_non_main_thread() -> None:
    urls: list[str] = []

    def run() -> None:
        with ReferenceServer() as running:
            urls.append(running.url)
            assert httpx.get(running.url + "/v1/models/claude-opus-4-6", headers=AUTH).status_code == 200

    with ReferenceServer() as first:
        thread = threading.Thread(target=run)
        thread.start()
        thread.join(timeout=30)
        assert httpx.get(first.url + "/v1/models", headers=AUTH).status_code == 200
    assert len(urls) == 1 and urls[0] != first.url


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.1", "example.com"])
def test_reference_server_refuses_non_loopback_hosts(host: str) -> None:
    with pytest.raises(ValueError, match="loopback only"):
        ReferenceServer(host=host)


def test_a_spawned_mock_reports_its_address_and_serves(tmp_path: Path) -> None:
    catalog = write_catalog(
        tmp_path, {"models": [{"id": "only", "display_name": "Only", "created_at": "2020-01-01T00:00:00Z"}]}
    )
    with spawn(["--catalog", str(catalog), "--api-key", "secret"]) as mock:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", mock.url)
        ok = httpx.get(mock.url + "/v1/models/only", headers={**AUTH, "x-api-key": "secret"})
        refused = httpx.get(mock.url + "/v1/models/only", headers=AUTH)
    assert ok.json()["id"] == "only"
    assert_error(refused, 401)
    assert mock.process.returncode == 0


def mock_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "models_conformance.reference", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_cli_exits_2_with_one_line_for_a_bad_catalog(tmp_path: Path) -> None:
    for path in (tmp_path / "missing.json", write_catalog(tmp_path, "{oops")):
        result = mock_cli("--catalog", str(path), "--port", "0")
        assert result.returncode == 2
        assert result.stdout == ""
        assert len(result.stderr.splitlines()) == 1
        assert result.stderr.startswith(f"models-conformance mock: error: catalog file '{path}'")


def test_the_cli_exits_2_naming_a_port_in_use() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = mock_cli("--port", str(port))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"models-conformance mock: error: port {port} on 127.0.0.1 is already in use; "
        "choose another with --port (0: any free port)"
    ]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_the_cli_exits_0_quietly_on_ctrl_c_or_sigterm(signum: int) -> None:
    with spawn() as mock:
        mock.process.send_signal(signum)
        assert mock.process.wait(timeout=15) == 0
        stderr = mock.stderr_text()
    assert stderr == ""


def test_a_catalog_must_have_unique_ids_and_known_alias_targets() -> None:
    model = {"id": "a", "display_name": "A", "created_at": "2020-01-01T00:00:00Z", "lifecycle": "active"}
    with pytest.raises(CatalogError, match="unique"):
        Catalog(models=(model, model))
    with pytest.raises(CatalogError, match="unknown model ids"):
        Catalog(models=(model,), aliases={"b": "zzz"})
