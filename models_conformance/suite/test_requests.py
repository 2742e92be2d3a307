"""Checks of how a target answers what is asked of it: unknown and over-long ids, credentials, versions,
betas and methods.

Every response any of them receives is also judged by the every-response checks
(``test_every_response.py``), which run last.
"""

from __future__ import annotations

import pytest

from models_conformance.checks.server import check_error, check_model
from models_conformance.exchange import NOT_JSON
from models_conformance.fuzz import MAX_ID_LENGTH, repeated_to
from models_conformance.run import ServerRun
from models_conformance.schemas import known_betas
from models_conformance.suite._common import UNKNOWN_BETA, UNKNOWN_ID, fail, model_id
from models_conformance.target import CONTRACT_AUTH, PROBE_KEY, Target, auth_headers, encode_segment

__all__ = ["model_id"]

requirement = pytest.mark.requirement

# Far beyond any real id (10-40 characters), and the longest SRV-NO-5XX speaks of.
LONG_ID_LENGTHS = (1_000, MAX_ID_LENGTH)
# A lean run sends the two methods that differ most (one with a body's semantics, one without).
_LEAN_METHODS = ("POST", "DELETE")


@requirement("SRV-404")
def test_an_unknown_id_gets_404_not_found_error(conformance_run: ServerRun) -> None:
    check_error(conformance_run.retrieve_shared(UNKNOWN_ID), "SRV-404", 404, "not_found_error")


@requirement("SRV-LONG-ID")
def test_an_over_long_id_gets_404_or_414(conformance_target: Target) -> None:
    for length in LONG_ID_LENGTHS:
        exchange = conformance_target.retrieve(repeated_to("conformance-long-id-", length))
        status = exchange.response.status
        if status not in (404, 414):
            fail(
                "SRV-LONG-ID",
                f"an id of {length:,} characters got HTTP {status}",
                exchange,
                path="status",
                expected="404 (no such model) or 414 (URI too long), from the API or an edge in front of it",
                received=status,
            )


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
    # The run already speaks the contract's form unless the target refused it at the start.
    if target.auth_form == form:
        exchange = conformance_run.retrieve_shared(model_id)
    else:
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
def test_documented_betas_still_give_a_model(conformance_run: ServerRun, model_id: str) -> None:
    betas = known_betas()
    if conformance_run.lean:
        # One value alone, then several in one header, separated with and without a space.
        headers: tuple[str, ...] = (betas[0], f"{betas[1]},{betas[2]}, {betas[3]}")
    else:
        headers = (betas[0], ",".join(betas[1:3]), ", ".join(betas[3:6]))
    for header in headers:
        check_model(conformance_run.target.retrieve(model_id, betas=header), "SRV-BETAS-KNOWN")


@requirement("SRV-BETAS-UNKNOWN")
def test_an_unknown_beta_gets_400(conformance_target: Target, model_id: str) -> None:
    exchange = conformance_target.retrieve(model_id, betas=UNKNOWN_BETA)
    check_error(exchange, "SRV-BETAS-UNKNOWN", 400, "invalid_request_error")


@requirement("SRV-METHOD")
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_other_methods_get_a_4xx_error_envelope(
    conformance_run: ServerRun, model_id: str, method: str
) -> None:
    if conformance_run.lean and method not in _LEAN_METHODS:
        pytest.skip(f"a lean run (the live profile) sends {' and '.join(_LEAN_METHODS)} only")
    target = conformance_run.target
    exchange = target.send(method, f"/v1/models/{encode_segment(model_id)}", target.default_headers())
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
