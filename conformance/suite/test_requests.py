"""Checks that send their own requests and judge the answers to them.

Every response any of them receives is also judged by the every-response checks
(``test_every_response.py``), which run last.
"""

from __future__ import annotations

import gc

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings

from conformance.checks.server import check_error, check_model
from conformance.exchange import NOT_JSON, Exchange
from conformance.failures import ConformanceFailure, Finding
from conformance.fuzz import model_ids
from conformance.run import ServerRun
from conformance.schemas import known_betas
from conformance.target import CONTRACT_AUTH, PROBE_KEY, Target, auth_headers, encode_segment

requirement = pytest.mark.requirement

UNKNOWN_ID = "conformance-no-such-model-0000"
UNKNOWN_BETA = "conformance-unknown-beta-2099-01-01"


def fail(requirement_id: str, message: str, exchange: Exchange, **details: object) -> None:
    __tracebackhide__ = True
    raise ConformanceFailure(Finding(requirement_id, message, exchange=exchange, **details))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def model_id(conformance_run: ServerRun) -> str:
    return conformance_run.models[0]


@requirement("SRV-ID-ROUNDTRIP")
def test_a_model_retrieved_by_its_own_id_reports_that_id(conformance_run: ServerRun) -> None:
    target = conformance_run.target
    for requested in conformance_run.models:
        reported = check_model(target.retrieve(requested), "SRV-ID-ROUNDTRIP")["id"]
        again = target.retrieve(reported)
        body = check_model(again, "SRV-ID-ROUNDTRIP")
        if body["id"] != reported:
            fail(
                "SRV-ID-ROUNDTRIP",
                f"retrieving {reported!r} by its own id returns another id",
                again,
                path="$.id",
                expected=reported,
                received=body["id"],
            )


@requirement("SRV-ALIAS")
def test_an_alias_resolves_to_a_concrete_model(conformance_run: ServerRun) -> None:
    if not conformance_run.aliases:
        pytest.skip("no alias is known for this target: declare one with --alias NAME")
    target = conformance_run.target
    for alias in conformance_run.aliases:
        via_alias = check_model(target.retrieve(alias), "SRV-ALIAS")
        concrete = target.retrieve(via_alias["id"])
        body = check_model(concrete, "SRV-ALIAS")
        if body != via_alias:
            fail(
                "SRV-ALIAS",
                f"alias {alias!r} and its model {via_alias['id']!r} return different objects",
                concrete,
                path="$",
                expected=via_alias,
                received=body,
            )


@requirement("SRV-IDEMPOTENT")
def test_two_retrievals_return_equal_bodies(conformance_run: ServerRun, model_id: str) -> None:
    target = conformance_run.target
    first = check_model(target.retrieve(model_id), "SRV-IDEMPOTENT")
    again = target.retrieve(model_id)
    second = check_model(again, "SRV-IDEMPOTENT")
    if first != second:
        fail(
            "SRV-IDEMPOTENT",
            f"two retrievals of {model_id!r} differ",
            again,
            path="$",
            expected=first,
            received=second,
        )


@requirement("SRV-404")
def test_an_unknown_id_gets_404_not_found_error(conformance_target: Target) -> None:
    check_error(conformance_target.retrieve(UNKNOWN_ID), "SRV-404", 404, "not_found_error")


@requirement("SRV-NO-5XX")
def test_no_model_id_gets_a_5xx(conformance_run: ServerRun) -> None:
    target = conformance_run.target
    run_seed = conformance_run.settings.seed

    @seed(run_seed)
    @settings(
        max_examples=conformance_run.settings.examples,
        deadline=None,
        database=None,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
    )
    @given(model_id=model_ids())
    def any_model_id(model_id: str) -> None:
        # Where an encoded "/" or a dot segment leads is SRV-PATH-ENCODING's question, not the body schema's.
        routing_probe = "/" in model_id or model_id.strip(".") == ""
        exchange = target.get(f"/v1/models/{encode_segment(model_id)}", model_body=not routing_probe)
        status = exchange.response.status
        if status >= 500 or not (status == 200 or 400 <= status < 500):
            fail(
                "SRV-NO-5XX",
                f"the generated model_id {model_id[:80]!r} got HTTP {status} (seed {run_seed}: "
                f"--seed {run_seed} reproduces the run)",
                exchange,
                path="status",
                expected="200 or a 4xx error envelope",
                received=status,
            )

    # Everything alive before the property (pytest, the schemas, the client) outlives it: frozen, it is
    # left out of the full collections that the examples trigger (~6% of the property's time).
    freeze = gc.get_freeze_count() == 0  # never thaw what the host process froze for itself
    if freeze:
        gc.freeze()
    try:
        any_model_id()
    finally:
        if freeze:
            gc.unfreeze()


def _not_another_resource(exchange: Exchange, decoded_id: str) -> None:
    """A 4xx, or a 200 that is the model named by the whole decoded segment: never a list or another model."""
    __tracebackhide__ = True
    body = exchange.response.json
    status = exchange.response.status
    if status >= 400:
        return
    if status == 200 and isinstance(body, dict) and body.get("id") == decoded_id and "data" not in body:
        return
    received = body.get("id", body) if isinstance(body, dict) else exchange.response.body_excerpt()
    if isinstance(body, dict) and "data" in body:
        received = "a list page (has `data`)"
    fail(
        "SRV-PATH-ENCODING",
        f"the segment {decoded_id!r} reached another resource (HTTP {status})",
        exchange,
        path="$",
        expected=f"a 4xx, or the model {decoded_id!r} itself",
        received=received,
    )


@requirement("SRV-PATH-ENCODING")
def test_percent_encoded_ids_name_the_same_model(conformance_run: ServerRun, model_id: str) -> None:
    target = conformance_run.target
    plain = check_model(target.retrieve(model_id), "SRV-PATH-ENCODING")
    # Every character percent-encoded: unreserved ones must decode to the same id.
    fully_encoded = "".join(f"%{byte:02X}" for byte in model_id.encode("utf-8"))
    encoded = target.get(f"/v1/models/{fully_encoded}", model_body=True)
    body = check_model(encoded, "SRV-PATH-ENCODING")
    if body["id"] != plain["id"]:
        fail(
            "SRV-PATH-ENCODING",
            f"{model_id!r} sent fully percent-encoded names another model",
            encoded,
            path="$.id",
            expected=plain["id"],
            received=body["id"],
        )
    probes = {
        f"{encode_segment(model_id)}%2F": f"{model_id}/",
        f"{encode_segment(model_id)}%2F..": f"{model_id}/..",
        f"..%2F{encode_segment(model_id)}": f"../{model_id}",
        "%2E%2E": "..",
        "%2E": ".",
        "..": "..",
        ".": ".",
        "%2F": "/",
        "..%2Fmodels": "../models",
    }
    for raw, decoded in probes.items():
        # Not judged as model bodies: what such a probe reaches is this check's own question.
        _not_another_resource(target.get(f"/v1/models/{raw}"), decoded)


@requirement("SRV-AUTH-MISSING")
def test_a_request_without_credentials_gets_401(conformance_target: Target, model_id: str) -> None:
    check_error(
        conformance_target.retrieve(model_id, auth=None), "SRV-AUTH-MISSING", 401, "authentication_error"
    )


@requirement("SRV-AUTH-INVALID")
def test_a_wrong_key_gets_401(conformance_target: Target, model_id: str) -> None:
    exchange = conformance_target.retrieve(model_id, key=PROBE_KEY)
    check_error(exchange, "SRV-AUTH-INVALID", 401, "authentication_error")


@requirement("SRV-AUTH-SCHEMES")
def test_the_contract_credential_form_is_accepted(conformance_run: ServerRun, model_id: str) -> None:
    target = conformance_run.target
    form = CONTRACT_AUTH[target.contract]
    exchange = target.retrieve(model_id, auth=form)
    if exchange.response.status in (401, 403):
        fail(
            "SRV-AUTH-SCHEMES",
            f"the {target.contract} credential form ({form}) is refused",
            exchange,
            path="status",
            expected=f"the key accepted as {auth_headers(form, '…')}",
            received=exchange.response.status,
        )
    check_model(exchange, "SRV-AUTH-SCHEMES")


@requirement("SRV-VERSION-MISSING")
def test_a_request_without_anthropic_version_gets_400(conformance_target: Target, model_id: str) -> None:
    exchange = conformance_target.retrieve(model_id, version=None)
    check_error(exchange, "SRV-VERSION-MISSING", 400, "invalid_request_error")


@requirement("SRV-BETAS-KNOWN")
def test_documented_betas_still_give_a_model(conformance_target: Target, model_id: str) -> None:
    betas = known_betas()
    for header in (betas[0], ",".join(betas[1:3]), ", ".join(betas[3:6])):
        check_model(conformance_target.retrieve(model_id, betas=header), "SRV-BETAS-KNOWN")


@requirement("SRV-BETAS-UNKNOWN")
def test_an_unknown_beta_gets_400(conformance_target: Target, model_id: str) -> None:
    exchange = conformance_target.retrieve(model_id, betas=UNKNOWN_BETA)
    check_error(exchange, "SRV-BETAS-UNKNOWN", 400, "invalid_request_error")


@requirement("SRV-METHOD")
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_other_methods_get_a_4xx_error_envelope(
    conformance_target: Target, model_id: str, method: str
) -> None:
    headers = conformance_target.default_headers()
    exchange = conformance_target.send(method, f"/v1/models/{encode_segment(model_id)}", headers)
    status = exchange.response.status
    body = exchange.response.json
    if not 400 <= status < 500:
        fail(
            "SRV-METHOD",
            f"{method} on a model got HTTP {status}",
            exchange,
            path="status",
            expected="a 4xx (405 preferred)",
            received=status,
        )
    if isinstance(body, NOT_JSON) or not isinstance(body, dict) or body.get("type") != "error":
        fail(
            "SRV-METHOD",
            f"{method} got {status} without the error envelope",
            exchange,
            path="$",
            expected='{"type": "error", ...}',
            received=exchange.response.body_excerpt(),
        )


@requirement("SRV-LIST-CONSISTENT")
def test_every_listed_model_is_retrievable_and_equal(conformance_target: Target) -> None:
    listing = conformance_target.get("/v1/models?limit=1000")
    page = listing.response.json
    if listing.response.status != 200 or not isinstance(page, dict) or not isinstance(page.get("data"), list):
        pytest.skip(f"the target does not list models (GET /v1/models answered {listing.response.status})")
    for index, listed in enumerate(page["data"]):
        if not isinstance(listed, dict) or not isinstance(listed.get("id"), str):
            fail(
                "SRV-LIST-CONSISTENT",
                f"list item {index} has no string id",
                listing,
                path=f"$.data[{index}]",
                expected="a model object",
                received=listed,
            )
        exchange = conformance_target.retrieve(listed["id"])
        retrieved = check_model(exchange, "SRV-LIST-CONSISTENT")
        if retrieved != listed:
            fail(
                "SRV-LIST-CONSISTENT",
                f"{listed['id']!r} retrieved differs from its list entry",
                exchange,
                path="$",
                expected=listed,
                received=retrieved,
            )
