"""The requirement registry is data: it carries the contract's IDs exactly, and every MUST has a check."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from models_conformance import registry

PACKAGE = Path(registry.__file__).parent
# The contract's starting set of requirements, as the project was given them: the registry carries
# each ID exactly, at its level (IDs may be added, never renamed or reused).
STARTING_SET = {
    "SRV-200-SCHEMA": "MUST",
    "SRV-200-TYPE": "MUST",
    "SRV-200-CREATED-AT": "MUST",
    "SRV-200-CONTENT-TYPE": "MUST",
    "SRV-ID-ROUNDTRIP": "MUST",
    "SRV-ALIAS": "MUST",
    "SRV-IDEMPOTENT": "SHOULD",
    "SRV-404": "MUST",
    "SRV-ERROR-ENVELOPE": "MUST",
    "SRV-ERROR-STATUS-TYPE": "MUST",
    "SRV-NO-5XX": "MUST",
    "SRV-PATH-ENCODING": "MUST",
    "SRV-AUTH-MISSING": "MUST",
    "SRV-AUTH-INVALID": "MUST",
    "SRV-AUTH-SCHEMES": "MUST",
    "SRV-VERSION-MISSING": "SHOULD",
    "SRV-BETAS-KNOWN": "MUST",
    "SRV-BETAS-UNKNOWN": "SHOULD",
    "SRV-METHOD": "SHOULD",
    "SRV-REQUEST-ID": "SHOULD",
    "SRV-LIFECYCLE": "MUST",
    "SRV-LIST-CONSISTENT": "SHOULD",
    "CLI-PATH": "MUST",
    "CLI-EMPTY-ID": "MUST",
    "CLI-VERSION": "MUST",
    "CLI-AUTH": "MUST",
    "CLI-BETAS": "MUST",
    "CLI-NO-BODY": "SHOULD",
    "CLI-PARSE": "MUST",
    "CLI-FORWARD-COMPAT": "MUST",
    "CLI-ERROR-SURFACE": "MUST",
    "CLI-NO-RETRY-4XX": "MUST",
    "CLI-RETRY": "SHOULD",
    "CLI-RETRY-AFTER": "SHOULD",
    "CLI-X-SHOULD-RETRY": "MAY",
    "CLI-MALFORMED": "SHOULD",
    "CLI-TIMEOUT": "SHOULD",
}


def test_registry_file_is_valid_against_its_own_schema() -> None:
    schema = json.loads((PACKAGE / "data" / "requirements.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(registry.load_document())


def test_registry_ids_are_unique() -> None:
    ids = [entry["id"] for entry in registry.load_document()["requirements"]]
    assert len(ids) == len(set(ids))


def test_registry_holds_every_id_of_the_starting_set_exactly() -> None:
    ours = {r.id: r.level for r in registry.all_requirements()}
    assert STARTING_SET.items() <= ours.items()


def test_an_unknown_id_is_refused_with_the_known_ones_listed() -> None:
    with pytest.raises(registry.UnknownRequirement) as excinfo:
        registry.get("SRV-NOPE")
    assert "SRV-NOPE" in str(excinfo.value)
    assert "SRV-404" in str(excinfo.value)


def test_only_must_fails_a_run() -> None:
    assert registry.get("SRV-404").fails_run
    assert not registry.get("SRV-IDEMPOTENT").fails_run
    assert not registry.get("CLI-X-SHOULD-RETRY").fails_run


def test_lifecycle_applies_to_the_later_contract_only() -> None:
    assert registry.get("SRV-LIFECYCLE").contracts == ("2026-10-21",)


def test_every_fact_a_requirement_names_is_a_fact_with_that_value() -> None:
    facts = registry.load_document()["facts"]
    for requirement in registry.all_requirements():
        for alternative in requirement.judged_on.when:
            for name, allowed in alternative.items():
                assert name in facts, f"{requirement.id} names the unknown fact {name!r}"
                assert allowed <= set(facts[name]["values"]), f"{requirement.id}: {name} {sorted(allowed)}"


def test_attribution_ranks_every_requirement_that_owns_a_status() -> None:
    ranked = registry.attribution()
    assert set(ranked) <= {r.id for r in registry.all_requirements()}
    assert {r.id for r in registry.all_requirements() if r.judged_on.owns_status} <= set(ranked)


def test_every_requirement_is_judged_somewhere() -> None:
    from models_conformance.judge import requests, server
    from models_conformance.judge.cross import CROSS_REQUIREMENTS

    for r in registry.all_requirements():
        judged_on = r.judged_on
        where = []
        if r.role == "server" and judged_on.when:
            where.append(r.id in server.CHECKS)
        if r.role == "client" and judged_on.when:
            where.append(r.id in requests.CHECKS)
        if judged_on.cross:
            where.append(r.id in CROSS_REQUIREMENTS)
        assert (where and all(where)) or judged_on.calls or judged_on.files, r.id


def test_every_source_and_exception_links_to_a_public_page() -> None:
    for r in registry.all_requirements():
        assert r.source_url.startswith("https://"), r.id
        assert all(allowance.url.startswith("https://") and allowance.source for allowance in r.exceptions)
