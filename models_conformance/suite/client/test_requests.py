"""What the client sends: the path, the headers, no body; judged on the requests the server received."""

from __future__ import annotations

import pytest

from models_conformance import SEED_EXAMPLE
from models_conformance.checks.server import raise_findings
from models_conformance.client import ClientRun, error_reply, model_reply
from models_conformance.client.checks import (
    judge_auth,
    judge_betas,
    judge_empty_id,
    judge_no_body,
    judge_path,
    judge_version,
)
from models_conformance.client.generate import EXAMPLE_IDS, explore, path_ids
from models_conformance.client.run import API_KEY
from models_conformance.client.scenario import Script
from models_conformance.schemas import known_betas

requirement = pytest.mark.requirement


@requirement("CLI-PATH")
def test_every_id_is_sent_as_one_percent_encoded_segment(conformance_client_run: ClientRun) -> None:
    run = conformance_client_run

    def sent_as_one_segment(model_id: str) -> None:
        outcome = run.retrieve(model_reply({**SEED_EXAMPLE, "id": model_id}), model_id=model_id)
        raise_findings(judge_path(outcome, model_id))

    explore(path_ids(), sent_as_one_segment, run_seed=run.seed, examples=run.examples, explicit=EXAMPLE_IDS)


@requirement("CLI-EMPTY-ID")
def test_an_empty_id_is_refused_before_any_request(conformance_client_run: ClientRun) -> None:
    # What a careless client would reach: the list endpoint, whose 200 it might take for an answer.
    listing = {
        "data": [SEED_EXAMPLE],
        "has_more": False,
        "first_id": SEED_EXAMPLE["id"],
        "last_id": SEED_EXAMPLE["id"],
    }
    raise_findings(judge_empty_id(conformance_client_run.retrieve(model_reply(listing), model_id="")))


@requirement("CLI-VERSION")
def test_every_request_carries_anthropic_version(conformance_client_run: ClientRun) -> None:
    # A retried request too: a client may build its retries apart from the first attempt.
    script = Script.of(error_reply(503, headers={"retry-after-ms": "20"}), model_reply(SEED_EXAMPLE))
    raise_findings(judge_version(conformance_client_run.retrieve(script, max_retries=1)))


@requirement("CLI-AUTH")
def test_the_key_is_sent_in_a_header_and_never_in_the_url(conformance_client_run: ClientRun) -> None:
    raise_findings(judge_auth(conformance_client_run.retrieve(model_reply(SEED_EXAMPLE)), API_KEY))


_BETAS = known_betas()


@requirement("CLI-BETAS")
@pytest.mark.parametrize(
    "betas",
    [
        None,
        (_BETAS[0],),
        # Not in the registry's order, and one value no list knows: betas are open strings.
        (_BETAS[5], _BETAS[1], "conformance-future-beta-2099-01-01"),
    ],
    ids=["none", "one", "three-in-order"],
)
def test_betas_become_one_comma_separated_header_in_order(
    conformance_client_run: ClientRun, betas: tuple[str, ...] | None
) -> None:
    if betas is not None and not conformance_client_run.driver.takes_betas:
        pytest.skip(
            f"{conformance_client_run.driver.name} takes no betas (its hello says so): only the case "
            "without betas applies"
        )
    outcome = conformance_client_run.retrieve(model_reply(SEED_EXAMPLE), betas=betas)
    raise_findings(judge_betas(outcome, betas))


@requirement("CLI-NO-BODY")
def test_the_get_carries_no_body(conformance_client_run: ClientRun) -> None:
    raise_findings(judge_no_body(conformance_client_run.retrieve(model_reply(SEED_EXAMPLE))))
