"""One server run: reach the target, discover its models, send the plan, generate ids; a transcript.

The run decides nothing: :func:`models_conformance.judge.judge` judges the transcript it returns.
What the run could not do (a budget spent, a target that stopped answering) it says in ``hints``,
per requirement left unjudged, and in ``stopped``.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .. import SEED_EXAMPLE_ID, registry
from ..contract import CREDENTIAL_FORM, CredentialForm
from ..exchange import Exchange, Probe
from ..reference.app import MOCK_KEY
from ..secret import Secret
from ..settings import Settings
from ..transcript import Transcript
from .alive import TargetGone, check_alive
from .generated import send_generated
from .plan import LIST_TARGET, Planned, alias_guesses, fixed_probes
from .target import BudgetExhausted, Target, TargetUnreachable, Throttled

__all__ = ["MOCK_KEY", "KeyRejected", "ServerRun", "run_server"]

MAX_LIST_PAGES = 10
# A lean run (the live profile) tests a seeded sample of the models and aliases, not all of them.
LEAN_MODELS = 3
LEAN_ALIASES = 2


class KeyRejected(Exception):
    """The target rejects the configured key in both credential forms: a configuration problem."""


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
            limits=settings.limits,
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
            send_generated(target, settings, known={*listed, *models}, aliases=set(aliases))
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
    check_alive(target)
    return exchange


def _choose_credential_form(target: Target) -> tuple[Exchange, CredentialForm]:
    """Use the contract's credential form; fall back to the other one if only that is accepted.

    The first list page is the probe: reaching the target, its credential form and discovery read it.
    """
    preferred = CREDENTIAL_FORM[target.contract]
    other: CredentialForm = "bearer" if preferred == "x-api-key" else "x-api-key"
    for form in (preferred, other):
        target.auth_form = form
        exchange = target.get(LIST_TARGET, Probe(key="valid", shape="model list"))
        if exchange.response.status != 401:
            return exchange, form
    raise KeyRejected(
        f"{target.base_url} answers 401 to the key in both credential forms (x-api-key and Authorization: "
        "Bearer); pass the target's key with --api-key KEY or ANTHROPIC_API_KEY"
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
            check_alive(target)
