"""Real recorded API traffic (``../shared/real-world/``, beside the project; never copied into it) is
read and judged: each file's verdicts, and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from models_conformance import registry
from models_conformance.cassettes import check

REAL_WORLD = Path(__file__).parents[1].parent / "shared" / "real-world"

pytestmark = pytest.mark.skipif(not REAL_WORLD.is_dir(), reason=f"no real recordings at {REAL_WORLD}")

ORGANISATION_ID = "response.headers.anthropic-organization-id"
IDS = "CAS-NO-ACCOUNT-IDS"
# file prefix -> (format, models interactions, failed requirement -> where the first finding is)
EXPECTED = {
    # vcrpy; its recorder dropped request-id (and the credentials, so CLI-AUTH cannot be judged).
    "chatlas_test_anthropic_list_models": ("vcrpy", 1, {"SRV-REQUEST-ID": "headers.request-id"}),
    # The organisation id the API sends names the account (a SHOULD); it grants no access.
    "ellmer_anthropic-list-models_a4cb6515": ("r-vcr", 1, {IDS: ORGANISATION_ID}),
    "ellmer_anthropic-list-models_bc7b96db": ("r-vcr", 1, {IDS: ORGANISATION_ID}),
    "ellmer_anthropic-list-models_f498a3f4": ("r-vcr", 1, {IDS: ORGANISATION_ID}),
    # ... and Cloudflare's visitor-id cookie (`_cfuvid`) was kept: it identifies, it lets no one in.
    "ellmer_anthropic-list-models_f6e326d0": ("r-vcr", 1, {IDS: ORGANISATION_ID}),
    "llm.rb_anthropic_models_successful_list_a0af0528": ("ruby-vcr", 1, {IDS: ORGANISATION_ID}),
    "llm.rb_anthropic_models_successful_list_e69b72e3": ("ruby-vcr", 1, {IDS: ORGANISATION_ID}),
    "llm.rb_anthropic_models_successful_list_ea00daee": ("ruby-vcr", 1, {IDS: ORGANISATION_ID}),
    # Placeholders (<ANTHROPIC_API_KEY>, <REQUEST_ID>, <ANTHROPIC_ORGANIZATION_ID>), but the workspace id
    # was left in.
    "messages-error-400_ruby_llm": ("ruby-vcr", 0, {IDS: "response.headers.anthropic-workspace-id"}),
    # `X-Api-Key: invalid-key`, answered 401 "invalid x-api-key": a value the API refused grants no
    # access, and it has no key shape, so it is not a credential.
    "messages-error-401_ruby_llm": ("ruby-vcr", 0, {}),
}


def real_files() -> list[Path]:
    return sorted(p for p in REAL_WORLD.iterdir() if p.suffix in (".yaml", ".yml"))


def test_every_real_recording_is_known_here() -> None:
    assert sorted(next(k for k in EXPECTED if p.name.startswith(k)) for p in real_files()) == sorted(EXPECTED)


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_a_real_recording_is_read_and_judged(prefix: str) -> None:
    path = next(p for p in real_files() if p.name.startswith(prefix))
    fmt, models, failures = EXPECTED[prefix]
    run = check([path])
    assert (run.files[0].format, run.files[0].models_interactions, run.files[0].problems) == (fmt, models, [])
    results = {r.requirement.id: r for r in run.results.by_requirement()}
    assert {rid for rid, r in results.items() if r.outcome == "failed"} == set(failures)
    for requirement_id, where in failures.items():
        assert results[requirement_id].findings[0]["path"] == where
    if models:
        # Every model object the API sent is a valid BetaModelInfo.
        assert results["SRV-200-SCHEMA"].outcome == results["SRV-200-TYPE"].outcome == "passed"
        assert results["SRV-200-CONTENT-TYPE"].outcome == "passed"


def test_no_public_recording_fails_a_must_for_an_identifier_or_a_placeholder() -> None:
    musts = []
    for path in real_files():
        for located in check([path]).failures:
            if registry.get(located.finding.requirement_id).fails_run:
                musts.append((path.name.split("_")[0], located.finding.requirement_id, located.finding.path))
    assert musts == []


def test_the_visitor_id_cookie_cloudflare_set_is_found_as_an_identifier() -> None:
    path = next(p for p in real_files() if p.name.startswith("ellmer_anthropic-list-models_f6e326d0"))
    results = {r["id"]: r for r in check([path]).results.report()["results"]}
    assert results["CAS-NO-SECRETS"]["outcome"] == "passed"
    assert [f["path"] for f in results[IDS]["findings"]] == [ORGANISATION_ID, "response.headers.set-cookie"]


def test_requests_are_judged_where_they_were_recorded() -> None:
    by_prefix = {prefix: next(p for p in real_files() if p.name.startswith(prefix)) for prefix in EXPECTED}
    llm_rb = {
        r.requirement.id: r.outcome
        for r in check(
            [by_prefix["llm.rb_anthropic_models_successful_list_e69b72e3"]]
        ).results.by_requirement()
    }
    assert (
        llm_rb["CLI-VERSION"] == llm_rb["CLI-AUTH"] == llm_rb["CLI-BETAS"] == "passed"
    )  # X-Api-Key: TOKEN counts
    ellmer = {
        r.requirement.id: r
        for r in check([by_prefix["ellmer_anthropic-list-models_a4cb6515"]]).results.by_requirement()
    }
    assert ellmer["CLI-VERSION"].outcome == "skipped" and "not recorded" in ellmer["CLI-VERSION"].message
