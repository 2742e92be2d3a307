"""What the client makes of a 200: valid models surfaced intact, unknown fields tolerated, junk refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from models_conformance import SEED_EXAMPLE
from models_conformance.checks.server import raise_findings
from models_conformance.client import ClientRun, Reply, model_reply, raw_reply
from models_conformance.client.checks import judge_forward_compat, judge_malformed, judge_parse
from models_conformance.client.generate import explore, full_bodies, seed_bodies

requirement = pytest.mark.requirement

# Shapes RFC 3339 allows that date parsers often get wrong; hypothesis draws more of them.
_CREATED_AT = (
    "2026-02-04T00:00:00Z",
    "1970-01-01T00:00:00Z",
    "2026-02-04t10:20:30.5z",
    "2024-02-29T23:59:59.123456789+14:00",
    "2026-02-04T00:00:00-00:00",
    "0001-01-02T00:00:00+23:59",
)


def _seed_example(contract: str) -> dict[str, Any]:
    return {**SEED_EXAMPLE, "lifecycle": "active"} if contract == "2026-10-21" else dict(SEED_EXAMPLE)


@requirement("CLI-PARSE")
def test_every_valid_model_is_surfaced_with_its_fields_unchanged(conformance_client_run: ClientRun) -> None:
    run = conformance_client_run

    def surfaced(body: dict[str, Any]) -> None:
        # Requested by the seed's id whatever the body's: a server may answer an alias with another id,
        # and a generated id may be one a client rightly refuses to send (CLI-PATH's question).
        raise_findings(judge_parse(run.retrieve(model_reply(body)), body))

    seed = _seed_example(run.contract)
    explicit = [seed, {**seed, "display_name": "Claude \u00d6pus \U0001f600 \u6a21\u578b"}]
    explicit += [{**seed, "created_at": created_at} for created_at in _CREATED_AT]
    explore(seed_bodies(run.contract), surfaced, run_seed=run.seed, examples=run.examples, explicit=explicit)


@requirement("CLI-FORWARD-COMPAT")
def test_unknown_fields_and_new_enum_values_do_not_break_parsing(conformance_client_run: ClientRun) -> None:
    run = conformance_client_run

    def tolerated(body: dict[str, Any]) -> None:
        raise_findings(judge_forward_compat(run.retrieve(model_reply(body)), body))

    future = {
        **_seed_example(run.contract),
        "line": "conformance-future-line",
        "capabilities": {"conformance_future": {"supported": True, "modes": {"fast": {"supported": False}}}},
        "conformance_future_field": {"nested": [1, 2.5, None, {"deep": True}], "text": "\u00e9"},
    }
    explore(full_bodies(run.contract), tolerated, run_seed=run.seed, examples=run.examples, explicit=[future])


def _without(field: str) -> Reply:
    body = {key: value for key, value in SEED_EXAMPLE.items() if key != field}
    return raw_reply(200, json.dumps(body).encode(), "application/json")


_MALFORMED = {
    "is cut short": raw_reply(200, json.dumps(SEED_EXAMPLE).encode()[:30], "application/json"),
    "is an HTML page": raw_reply(200, b"<html><body>Bad gateway</body></html>", "text/html"),
    "is a JSON array": raw_reply(200, b"[]", "application/json"),
    **{f"lacks {field}": _without(field) for field in ("id", "created_at", "display_name", "type")},
}


@requirement("CLI-MALFORMED")
@pytest.mark.parametrize("what", list(_MALFORMED), ids=[w.replace(" ", "-") for w in _MALFORMED])
def test_a_malformed_200_surfaces_as_an_error(conformance_client_run: ClientRun, what: str) -> None:
    raise_findings(judge_malformed(conformance_client_run.retrieve(_MALFORMED[what]), what))
