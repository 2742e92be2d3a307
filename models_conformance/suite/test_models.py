"""Checks on the models a target serves: round trips, aliases, repeated retrievals, encodings, the list.

Where a check needs "the model as the target serves it", it reads ``run.retrieve_shared``: one
answer per model in a lean run (the live profile), a request of its own otherwise. Every response
is also judged by the every-response checks (``test_every_response.py``), which run last.
"""

from __future__ import annotations

import pytest

from models_conformance.checks.server import check_model
from models_conformance.exchange import Exchange
from models_conformance.run import LIST_TARGET, ServerRun
from models_conformance.suite._common import UNKNOWN_ID, fail, model_id
from models_conformance.target import encode_segment

__all__ = ["model_id"]

requirement = pytest.mark.requirement

# Encoded slashes and dot segments: none may lead anywhere but to a 4xx or the model named by the
# whole decoded segment. A lean run sends the five that the others only vary.
_ROUTING_PROBES = (
    ("{id}%2F", "{id}/"),
    ("{id}%2F..", "{id}/.."),
    ("..%2F{id}", "../{id}"),
    ("%2E%2E", ".."),
    ("%2E", "."),
    ("..", ".."),
    (".", "."),
    ("%2F", "/"),
    ("..%2Fmodels", "../models"),
)
_LEAN_PROBES = ("{id}%2F..", "..%2F{id}", "%2E%2E", "..", "..%2Fmodels")


@requirement("SRV-ID-ROUNDTRIP")
def test_a_model_retrieved_by_its_own_id_reports_that_id(conformance_run: ServerRun) -> None:
    for requested in conformance_run.models:
        first = conformance_run.retrieve_shared(requested)
        reported = check_model(first, "SRV-ID-ROUNDTRIP")["id"]
        # An answer that reports the id it was asked for is itself the round trip.
        again = first if reported == requested else conformance_run.target.retrieve(reported)
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
    for alias in conformance_run.aliases:
        via_alias = check_model(conformance_run.retrieve_shared(alias), "SRV-ALIAS")
        concrete = conformance_run.retrieve_shared(via_alias["id"])
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
    first = check_model(conformance_run.retrieve_shared(model_id), "SRV-IDEMPOTENT")
    again = conformance_run.target.retrieve(model_id)  # never shared: this is the second retrieval
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


def _answers_any_id(run: ServerRun) -> bool:
    """Whether the target answers an id that names no model with some other model (Prism's habit).

    Such a target's 200 for a probe says nothing about where the probe was routed (SRV-404 already
    reports the made-up answers), except when it is a list page. A target that answers any id with a
    model *of that id* (the reference server's --permissive mode) still shows its routing.
    """
    control = run.retrieve_shared(UNKNOWN_ID)
    body = control.response.json
    return control.response.status == 200 and isinstance(body, dict) and body.get("id") != UNKNOWN_ID


def _not_another_resource(exchange: Exchange, decoded_id: str, *, any_id: bool) -> None:
    """A 4xx, or a 200 that is the model named by the whole decoded segment: never a list or another model."""
    __tracebackhide__ = True
    body = exchange.response.json
    status = exchange.response.status
    if status >= 400:
        return
    if (
        status == 200
        and isinstance(body, dict)
        and "data" not in body
        and (any_id or body.get("id") == decoded_id)
    ):
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
    any_id = _answers_any_id(conformance_run)
    plain = check_model(conformance_run.retrieve_shared(model_id), "SRV-PATH-ENCODING")
    # Every character percent-encoded: unreserved ones must decode to the same id.
    fully_encoded = "".join(f"%{byte:02X}" for byte in model_id.encode("utf-8"))
    encoded = target.get(f"/v1/models/{fully_encoded}", model_body=True)
    body = check_model(encoded, "SRV-PATH-ENCODING")
    if body["id"] != plain["id"] and not any_id:
        fail(
            "SRV-PATH-ENCODING",
            f"{model_id!r} sent fully percent-encoded names another model",
            encoded,
            path="$.id",
            expected=plain["id"],
            received=body["id"],
        )
    segment = encode_segment(model_id)
    for raw, decoded in _ROUTING_PROBES:
        if conformance_run.lean and raw not in _LEAN_PROBES:
            continue
        # Not judged as model bodies: what such a probe reaches is this check's own question.
        exchange = target.get(f"/v1/models/{raw.format(id=segment)}")
        _not_another_resource(exchange, decoded.format(id=model_id), any_id=any_id)


@requirement("SRV-LIST-CONSISTENT")
def test_every_listed_model_is_retrievable_and_equal(conformance_run: ServerRun) -> None:
    lean = conformance_run.lean
    listing = conformance_run.listing if lean else None
    if listing is None:
        listing = conformance_run.target.get(LIST_TARGET)
    page = listing.response.json
    if listing.response.status != 200 or not isinstance(page, dict) or not isinstance(page.get("data"), list):
        pytest.skip(f"the target does not list models (GET /v1/models answered {listing.response.status})")
    compared = 0
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
        if lean and listed["id"] not in conformance_run.models:
            continue  # a lean run compares the models it sampled, with the answers it already has
        exchange = conformance_run.retrieve_shared(listed["id"])
        retrieved = check_model(exchange, "SRV-LIST-CONSISTENT")
        compared += 1
        if retrieved != listed:
            fail(
                "SRV-LIST-CONSISTENT",
                f"{listed['id']!r} retrieved differs from its list entry",
                exchange,
                path="$",
                expected=listed,
                received=retrieved,
            )
    if lean and not compared:
        pytest.skip("none of the models this lean run sampled is on the list's first page")
