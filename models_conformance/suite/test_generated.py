"""The robustness property (SRV-NO-5XX): generated model ids, one request each.

It runs after the other request-sending checks, so that with a request budget (the live profile) it
gets what the budget has left: the fixed examples first, then as many generated ids as fit.
"""

from __future__ import annotations

import gc

import pytest
from hypothesis import HealthCheck, Phase, example, given, seed, settings

from models_conformance.fuzz import LENGTH_LADDER, model_ids, repeated_to
from models_conformance.run import ServerRun
from models_conformance.suite._common import fail
from models_conformance.target import BudgetExhausted, encode_segment

requirement = pytest.mark.requirement

# Tried on every run, before anything generated: a non-ASCII id, and ids of every order of length.
FIXED_IDS = ("conformance-ü-模型", *(repeated_to("conformance-", length) for length in LENGTH_LADDER))
# Left unspent for what may follow a failure (hypothesis runs the failing example once more).
_BUDGET_RESERVE = 1


def _plan(run: ServerRun) -> tuple[tuple[str, ...], int]:
    """The fixed ids and how many generated ones this run can afford (all of them without a budget)."""
    target = run.target
    if target.max_requests is None:
        return FIXED_IDS, run.settings.examples
    # The every-response checks still retrieve what no check has retrieved yet.
    left = target.max_requests - target.requests_sent - run.pending_retrievals() - _BUDGET_RESERVE
    if left <= 0:
        pytest.skip(f"the request budget of {target.max_requests} is spent before the generated ids")
    fixed = FIXED_IDS[:left]
    return fixed, min(run.settings.examples, left - len(fixed))


@requirement("SRV-NO-5XX")
@pytest.mark.fills_budget
def test_no_model_id_gets_a_5xx(conformance_run: ServerRun) -> None:
    target = conformance_run.target
    run_seed = conformance_run.settings.seed
    fixed, generated = _plan(conformance_run)
    phases = [Phase.explicit]
    if generated:
        phases.append(Phase.generate)
    if target.max_requests is None:
        phases.append(Phase.shrink)  # each shrinking step is a request: not on a budget

    def any_model_id(model_id: str) -> None:
        # Where an encoded "/" or a dot segment leads is SRV-PATH-ENCODING's question, not the body schema's.
        routing_probe = "/" in model_id or model_id.strip(".") == ""
        try:
            exchange = target.get(f"/v1/models/{encode_segment(model_id)}", model_body=not routing_probe)
        except BudgetExhausted:
            # Retries no plan foresees (an edge's 502, say) spent the rest: fewer ids, no verdict lost.
            return
        status = exchange.response.status
        if status >= 500 or not (status == 200 or 400 <= status < 500):
            fail(
                "SRV-NO-5XX",
                f"the model_id {model_id[:80]!r} ({len(model_id):,} characters) got HTTP {status} "
                f"(seed {run_seed}: --seed {run_seed} reproduces the run)",
                exchange,
                path="status",
                expected="200 or a 4xx error envelope",
                received=status,
            )

    for model_id in reversed(fixed):
        any_model_id = example(model_id=model_id)(any_model_id)
    prop = seed(run_seed)(
        settings(
            max_examples=max(generated, 1),
            deadline=None,
            database=None,
            phases=phases,
            suppress_health_check=list(HealthCheck),
        )(given(model_id=model_ids())(any_model_id))
    )
    # Everything alive before the property (pytest, the schemas, the client) outlives it: frozen, it is
    # left out of the full collections that the examples trigger (~6% of the property's time).
    freeze = gc.get_freeze_count() == 0  # never thaw what the host process froze for itself
    if freeze:
        gc.freeze()
    try:
        prop()
    finally:
        if freeze:
            gc.unfreeze()
