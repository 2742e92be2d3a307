"""The requirement registry is data: it carries the contract's IDs exactly, and every MUST has a check."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from models_conformance import registry

SHARED_REQUIREMENTS = Path(__file__).resolve().parents[2] / "shared" / "contract" / "REQUIREMENTS.md"
PACKAGE = Path(registry.__file__).parent


def test_registry_file_is_valid_against_its_own_schema() -> None:
    schema = json.loads((PACKAGE / "data" / "requirements.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(registry.load_document())


def test_registry_ids_are_unique() -> None:
    ids = [entry["id"] for entry in registry.load_document()["requirements"]]
    assert len(ids) == len(set(ids))


@pytest.mark.skipif(
    not SHARED_REQUIREMENTS.is_file(), reason="the shared contract folder is not beside this clone"
)
def test_registry_holds_every_id_of_the_shared_requirements_exactly() -> None:
    text = SHARED_REQUIREMENTS.read_text()
    shared = dict(re.findall(r"^\| ((?:SRV|CLI)-[A-Z0-9-]+) \| (MUST|SHOULD|MAY)", text, re.MULTILINE))
    assert len(shared) >= 37
    ours = {r.id: r.level for r in registry.all_requirements()}
    assert shared.items() <= ours.items()


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


def test_every_server_must_requirement_has_a_check_and_every_check_names_a_known_id(
    pytester: pytest.Pytester,
) -> None:
    from models_conformance import suite

    items, _ = pytester.inline_genitems(str(Path(suite.__file__).parent), "-p", "no:cacheprovider")
    named = {str(mark.args[0]) for item in items for mark in item.iter_markers("requirement")}
    known = {r.id for r in registry.all_requirements()}
    assert named <= known, f"checks name IDs the registry lacks: {sorted(named - known)}"
    musts = {r.id for r in registry.requirements("server") if r.level == "MUST"}
    assert musts <= named, f"server MUST requirements without a check: {sorted(musts - named)}"
    assert {r.id for r in registry.requirements("server")} <= named


def test_every_client_must_requirement_has_a_check_and_every_check_names_a_client_id(
    pytester: pytest.Pytester,
) -> None:
    from models_conformance.suite import client

    items, _ = pytester.inline_genitems(str(Path(client.__file__).parent), "-p", "no:cacheprovider")
    named = {str(mark.args[0]) for item in items for mark in item.iter_markers("requirement")}
    clients = {r.id for r in registry.requirements("client")}
    assert named <= clients, f"client checks name non-client IDs: {sorted(named - clients)}"
    musts = {r.id for r in registry.requirements("client") if r.level == "MUST"}
    assert musts <= named, f"client MUST requirements without a check: {sorted(musts - named)}"
    assert clients <= named
