"""Real recorded API traffic (``../shared/real-world/``, beside the project; never copied into it) is
read and judged: each file's verdicts, and why."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from models_conformance import registry

from .recordings import check

REAL_WORLD = Path(__file__).parents[1].parent / "shared" / "real-world"

pytestmark = pytest.mark.skipif(not REAL_WORLD.is_dir(), reason=f"no real recordings at {REAL_WORLD}")

ORGANISATION_ID = "response.headers.anthropic-organization-id"
IDS = "CAS-NO-ACCOUNT-IDS"
# file prefix -> (format, models interactions, failed requirement -> where the first finding is)
EXPECTED = {
    # vcrpy; its recorder dropped request-id (and the credentials, so CLI-AUTH cannot be judged): a
    # header a recorder drops is not judged.
    "chatlas_test_anthropic_list_models": ("vcrpy", 1, {}),
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
    checked = check(path)
    summary = checked.files[0]
    assert (summary.format, summary.models_interactions, summary.problems) == (fmt, models, [])
    assert checked.failed == set(failures)
    for requirement_id, where in failures.items():
        assert checked.result(requirement_id)["findings"][0]["path"] == where
    if models:
        # Every model object the API sent is a valid BetaModelInfo.
        outcomes = checked.outcomes
        assert outcomes["SRV-200-SCHEMA"] == outcomes["SRV-200-TYPE"] == "passed"
        assert outcomes["SRV-200-CONTENT-TYPE"] == "passed"


def test_no_public_recording_fails_a_must() -> None:
    # Together, as `cassettes check` judges a folder: the rules across exchanges too.
    checked = check(*real_files())
    assert [rid for rid in checked.failed if registry.get(rid).fails_run] == []
    assert checked.report["summary"]["must_failed"] == 0


def test_a_recording_that_dropped_request_id_does_not_fail_srv_request_id() -> None:
    path = next(p for p in real_files() if p.name.startswith("chatlas_test_anthropic_list_models"))
    (interaction,) = yaml.safe_load(path.read_text())["interactions"]
    assert "request-id" not in {name.lower() for name in interaction["response"]["headers"]}
    assert check(path).outcomes["SRV-REQUEST-ID"] == "skipped"


def test_the_visitor_id_cookie_cloudflare_set_is_found_as_an_identifier() -> None:
    path = next(p for p in real_files() if p.name.startswith("ellmer_anthropic-list-models_f6e326d0"))
    checked = check(path)
    assert checked.outcomes["CAS-NO-SECRETS"] == "passed"
    found = [f["path"] for f in checked.result(IDS)["findings"]]
    assert found == [ORGANISATION_ID, "response.headers.set-cookie"]


def test_requests_are_judged_where_they_were_recorded() -> None:
    by_prefix = {prefix: next(p for p in real_files() if p.name.startswith(prefix)) for prefix in EXPECTED}
    llm_rb = check(by_prefix["llm.rb_anthropic_models_successful_list_e69b72e3"]).outcomes
    # X-Api-Key: TOKEN counts
    assert llm_rb["CLI-VERSION"] == llm_rb["CLI-AUTH"] == llm_rb["CLI-BETAS"] == "passed"
    ellmer = check(by_prefix["ellmer_anthropic-list-models_a4cb6515"]).result("CLI-VERSION")
    assert ellmer["outcome"] == "skipped" and "not recorded" in ellmer["message"]
