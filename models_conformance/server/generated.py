"""The generated ids of a server run: every length band first, then what hypothesis draws.

Hypothesis generates the ids and shrinks what the judge finds wrong to its smallest example; its own
verdict is not used: every exchange, shrinking steps included, is in the transcript, and the judge
decides. A run that must stop (a budget spent, a target gone) stops the property without a failure.
"""

from __future__ import annotations

import gc

from hypothesis import HealthCheck, Phase, Verbosity, example, given, seed, settings
from hypothesis.errors import HypothesisException

from ..exchange import Probe
from ..judge import judge_answer
from ..settings import Settings
from .alive import TargetGone, check_alive
from .ids import band_of, banded_ids, generated_ids
from .target import BudgetExhausted, Target, TargetUnreachable, Throttled

__all__ = ["send_generated"]

# Left unspent for what may follow a generated id (an edge's retried 502).
_BUDGET_RESERVE = 1
# The requirements a generated id's answer concerns: a finding of one of these stops generation and
# starts shrinking to the smallest id that shows it.
_ID_REQUIREMENTS = frozenset({"SRV-NO-5XX", "SRV-404", "SRV-LONG-ID", "SRV-PATH-ENCODING"})


def send_generated(target: Target, settings: Settings, *, known: set[str], aliases: set[str]) -> None:
    """Ids of every length band first, then generated ones, within what a budget leaves.

    Hypothesis generates them and shrinks what the judge finds wrong to its smallest example; its
    own verdict is not used: every exchange, shrinking steps included, is in the transcript.
    """
    banded = banded_ids(settings.seed)
    generated = settings.examples
    if target.max_requests is not None:
        left = target.max_requests - target.requests_sent - _BUDGET_RESERVE
        banded, generated = banded[: max(left, 0)], max(0, min(generated, left - len(banded)))
    if not banded and not generated:
        return
    shapes = dict(banded)

    def probe_of(model_id: str) -> Probe:
        intent = "model" if model_id in known else "alias" if model_id in aliases else "nothing"
        shape = shapes.get(model_id) or f"generated id of {band_of(len(model_id))}"
        return Probe(intent=intent, key="valid", shape=shape)

    stopped: list[Exception] = []

    def any_model_id(model_id: str) -> None:
        if stopped:
            return
        try:
            exchange = target.retrieve(model_id, probe_of(model_id))
            check_alive(target)
        except (BudgetExhausted, Throttled, TargetGone, TargetUnreachable) as exc:
            stopped.append(exc)  # hypothesis would take it for a failing example and try again
            return
        if any(f.requirement_id in _ID_REQUIREMENTS for f in judge_answer(exchange)):
            raise _IdFault(exchange.response.describe())

    for model_id, _ in reversed(banded):
        any_model_id = example(model_id=model_id)(any_model_id)
    phases = [Phase.explicit] + ([Phase.generate] if generated else [])
    if target.max_requests is None:
        phases.append(Phase.shrink)  # each shrinking step is a request: not on a budget
    prop = seed(settings.seed)(
        _settings(max_examples=max(generated, 1), phases=phases)(
            given(model_id=generated_ids())(any_model_id)
        )
    )
    # Everything alive before the property outlives it: frozen, it is left out of the collections the
    # examples trigger.
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    try:
        prop()
    except Exception as exc:
        if not _id_faults_only(exc):
            raise
    finally:
        if freeze:
            gc.unfreeze()
    # Spent budget is expected there (the ids fill it); anything else ends the run.
    if stopped and not isinstance(stopped[0], BudgetExhausted):
        raise stopped[0]


def _id_faults_only(exc: BaseException) -> bool:
    """Whether hypothesis only reports what the property raised on purpose (the transcript holds it,
    and the judge gives the verdict), rather than a fault of the suite itself."""
    leaves = getattr(exc, "exceptions", None)
    if leaves is not None:
        return all(_id_faults_only(leaf) for leaf in leaves)
    return isinstance(exc, (_IdFault, HypothesisException))


def _settings(*, max_examples: int, phases: list[Phase]) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        phases=phases,
        verbosity=Verbosity.quiet,
        suppress_health_check=list(HealthCheck),
    )


class _IdFault(AssertionError):
    """A generated id's answer shows a fault of the id requirements: hypothesis shrinks the id."""
