"""One server run: reach the target, discover its models, send the plan, generate ids; a transcript.

The run decides nothing: :func:`models_conformance.judge.judge` judges the transcript it returns.
What the run could not do (a budget spent, a target that stopped answering) it says in ``hints``,
per requirement left unjudged, and in ``stopped``.
"""

from __future__ import annotations

import contextlib
import gc
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, example, given, seed, settings
from hypothesis.errors import HypothesisException

from .. import SEED_EXAMPLE_ID, registry
from ..contract import CREDENTIAL_FORM, CredentialForm
from ..exchange import Exchange, Probe
from ..judge import judge_answer
from ..reference.app import MOCK_KEY
from ..secret import Secret
from ..settings import Settings
from ..transcript import Transcript
from ..transport import Limits
from .ids import band_of, banded_ids, generated_ids
from .plan import LIST_TARGET, Planned, alias_guesses, fixed_probes
from .target import BudgetExhausted, Target, TargetUnreachable, Throttled

__all__ = ["MOCK_KEY", "KeyRejected", "ServerRun", "run_server"]

MAX_LIST_PAGES = 10
# A lean run (the live profile) tests a seeded sample of the models and aliases, not all of them.
LEAN_MODELS = 3
LEAN_ALIASES = 2
# Consecutive requests without an HTTP answer after which the target counts as gone.
GONE_AFTER = 3
# Left unspent for what may follow a generated id (an edge's retried 502).
_BUDGET_RESERVE = 1
# The requirements a generated id's answer concerns: a finding of one of these stops generation and
# starts shrinking to the smallest id that shows it.
_ID_REQUIREMENTS = frozenset({"SRV-NO-5XX", "SRV-404", "SRV-LONG-ID", "SRV-PATH-ENCODING"})


class KeyRejected(Exception):
    """The target rejects the configured key in both credential forms: a configuration problem."""


class TargetGone(Exception):
    """The target stopped giving HTTP answers in the middle of the run."""


@dataclass
class ServerRun:
    transcript: Transcript
    hints: dict[str, str] = field(default_factory=dict)  # requirement -> why the run did not judge it
    stopped: str | None = None  # why the run stopped before its plan was done
    throttled: bool = False
    requests_sent: int = 0


@contextlib.contextmanager
def _target(settings: Settings) -> Iterator[tuple[Target, bool]]:
    """The target (the embedded reference server when none is given), and whether it is that."""
    with contextlib.ExitStack() as stack:
        base_url = settings.base_url
        if base_url is None:
            from ..reference.server import spawn

            base_url = stack.enter_context(spawn(["--api-key", MOCK_KEY])).url
        target = Target(
            base_url,
            settings.api_key or Secret(MOCK_KEY),
            settings.contract,
            limits=Limits(timeout_s=settings.timeout),
            max_requests=settings.max_requests,
            rate=settings.rate,
            max_throttle_wait=settings.max_throttle_wait,
        )
        stack.callback(target.close)
        yield target, settings.base_url is None


def run_server(settings: Settings) -> ServerRun:
    """Run every probe against the target; :class:`TargetUnreachable` or :class:`KeyRejected` when
    the run cannot start."""
    with _target(settings) as (target, reference):
        try:
            first_page, form = _choose_credential_form(target)
            models, listed, discovered_from = _discover(target, settings, first_page)
        except (Throttled, BudgetExhausted) as exc:
            # No verdict is possible when even discovery cannot finish: like an unreachable target.
            raise TargetUnreachable(f"{target.base_url} cannot be tested now: {exc}") from None
        aliases = settings.aliases
        if reference and not aliases:
            from ..reference.catalog import default_catalog

            aliases = tuple(default_catalog().aliases)
        guesses = alias_guesses(listed, [*listed, *aliases])
        described = f"{len(models)} model(s) ({discovered_from}), {len(aliases)} alias(es)"
        if settings.lean:
            all_models, all_aliases = models, aliases
            models = _sample(models, LEAN_MODELS, settings.seed)
            aliases = _sample(aliases, LEAN_ALIASES, settings.seed)
            described = (
                f"{len(models)} of {len(all_models)} model(s) ({discovered_from}) and {len(aliases)} of "
                f"{len(all_aliases)} alias(es), sampled by the seed (live profile)"
            )
        run = ServerRun(Transcript("server", settings.contract))
        try:
            for planned in fixed_probes(
                models,
                aliases,
                guesses,
                seed=settings.seed,
                lean=settings.lean,
            ):
                _send(target, planned)
            _follow_reported(target)
            _generated(target, settings, known={*listed, *models}, aliases=set(aliases))
        except BudgetExhausted as exc:
            run.stopped = str(exc)
        except Throttled as exc:
            run.stopped, run.throttled = str(exc), True
        except (TargetGone, TargetUnreachable) as exc:
            run.stopped = f"the target stopped answering: {exc}"
        run.transcript.exchanges = list(target.exchanges)
        run.requests_sent = target.requests_sent
        run.transcript.context = {
            "target": {
                "base_url": target.base_url,
                "reference_server": reference,
                "models": list(models),
                "aliases": list(aliases),
                "alias_guesses": guesses,
                "discovered_from": discovered_from,
                "credential_form": form,
            },
            "description": f"{'the embedded reference server' if reference else 'the target'} "
            f"{target.base_url}, contract {settings.contract}, {described}",
            "seed": settings.seed,
            "profile": settings.profile,
            "requests_sent": target.requests_sent,
            "max_requests": settings.max_requests,
            "throttling": {"answers": target.throttled, "waited_s": round(target.throttle_waited, 3)},
        }
        if run.stopped:
            run.transcript.context["stopped"] = run.stopped
            for requirement in registry.requirements("server"):
                run.hints[requirement.id] = f"the run stopped before an exchange showed it: {run.stopped}"
        if not aliases and not guesses:
            run.hints["SRV-ALIAS"] = "no alias is known for this target: declare one with --alias NAME"
        return run


def _send(target: Target, planned: Planned) -> Exchange:
    exchange = target.send(planned.method, planned.target, target.headers(**planned.headers), planned.probe)
    _check_alive(target)
    return exchange


def _check_alive(target: Target) -> None:
    recent = target.exchanges[-GONE_AFTER:]
    if len(recent) == GONE_AFTER and all(exchange.response.status == 0 for exchange in recent):
        problem = recent[-1].response.problem
        raise TargetGone(f"{GONE_AFTER} requests in a row got no HTTP answer ({problem}); the run stopped")


def _choose_credential_form(target: Target) -> tuple[Exchange, CredentialForm]:
    """Use the contract's credential form; fall back to the other one if only that is accepted.

    The first list page is the probe: reaching the target, its credential form and discovery read it.
    """
    preferred = CREDENTIAL_FORM[target.contract]
    other: CredentialForm = "bearer" if preferred == "x-api-key" else "x-api-key"
    for form in (preferred, other):
        target.auth_form = form
        exchange = target.get(LIST_TARGET, Probe(key="valid", shape="model list"))
        if exchange.response.status == 0:
            raise TargetUnreachable(f"{target.base_url}: {exchange.response.problem}")
        if exchange.response.status != 401:
            return exchange, form
    raise KeyRejected(
        f"{target.base_url} answers 401 to the key in both credential forms (x-api-key and Authorization: "
        "Bearer); pass the target's key with --api-key or ANTHROPIC_API_KEY"
    )


def _list_page(exchange: Exchange) -> dict[str, Any] | None:
    body = exchange.response.json
    if (
        exchange.response.status != 200
        or not isinstance(body, dict)
        or not isinstance(body.get("data"), list)
    ):
        return None
    return body


def _discover(
    target: Target, settings: Settings, first_page: Exchange
) -> tuple[tuple[str, ...], list[str], str]:
    """The models to test, the ids the list shows, and where the models came from."""
    listed: list[str] = []
    exchange = first_page
    for _ in range(MAX_LIST_PAGES):
        page = _list_page(exchange)
        if page is None:
            break
        listed += [
            item["id"] for item in page["data"] if isinstance(item, dict) and isinstance(item.get("id"), str)
        ]
        if not page.get("has_more") or not isinstance(page.get("last_id"), str):
            break
        exchange = target.get(
            f"{LIST_TARGET}&after_id={page['last_id']}", Probe(key="valid", shape="model list")
        )
    listed = list(dict.fromkeys(listed))
    if settings.models:
        return settings.models, listed, "given with --model"
    if listed:
        return tuple(listed), listed, "discovered with GET /v1/models"
    return (SEED_EXAMPLE_ID,), listed, "the reference page's example id; GET /v1/models listed none"


def _sample(items: tuple[str, ...], size: int, run_seed: int) -> tuple[str, ...]:
    """``size`` of ``items``, chosen by the seed and kept in their order (all when there are fewer)."""
    if len(items) <= size:
        return items
    chosen = set(random.Random(run_seed).sample(range(len(items)), size))
    return tuple(item for index, item in enumerate(items) if index in chosen)


def _follow_reported(target: Target) -> None:
    """Retrieve each id an answer reported that no probe asked for (an alias's model): the round trip."""
    asked = {exchange.request.target for exchange in target.exchanges}
    for exchange in list(target.exchanges):
        body = exchange.response.json
        if exchange.response.status != 200 or not isinstance(body, dict) or "data" in body:
            continue
        reported = body.get("id")
        if not isinstance(reported, str) or exchange.probe.key != "valid" or exchange.probe.betas:
            continue
        raw = target.model_target(reported)
        if raw not in asked:
            asked.add(raw)
            target.retrieve(reported, Probe(intent="model", key="valid", shape="id another answer reported"))
            _check_alive(target)


def _generated(target: Target, settings: Settings, *, known: set[str], aliases: set[str]) -> None:
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
        shape = shapes.get(model_id) or f"generated id of {band_of(len(model_id))} characters"
        return Probe(intent=intent, key="valid", shape=shape)

    stopped: list[Exception] = []

    def any_model_id(model_id: str) -> None:
        if stopped:
            return
        try:
            exchange = target.retrieve(model_id, probe_of(model_id))
            _check_alive(target)
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
