"""One server conformance run: the target, how to reach it, which models it has, what was seen."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import SEED_EXAMPLE_ID
from .exchange import Exchange
from .observations import Observations
from .settings import Settings
from .target import CONTRACT_AUTH, AuthForm, Target, TargetUnreachable

__all__ = ["KeyRejected", "ServerRun", "start"]

# The reference server accepts any non-empty key; this one is made up and safe to print.
REFERENCE_KEY = "conformance-reference-key"
MAX_LIST_PAGES = 10
# The first page of the list: reaching the target, its credential form, discovery and SRV-LIST-CONSISTENT
# all read this one answer.
LIST_TARGET = "/v1/models?limit=1000"
# A lean run (the live profile) tests a seeded sample of the models and aliases, not all of them.
LEAN_MODELS = 3
LEAN_ALIASES = 2


class KeyRejected(Exception):
    """The target rejects the configured key in both credential forms: a configuration problem."""


@dataclass
class ServerRun:
    settings: Settings
    target: Target
    reference: bool
    models: tuple[str, ...]
    aliases: tuple[str, ...]
    discovered_from: str
    preferred_auth_rejected: bool
    listing: Exchange | None = None  # the first GET /v1/models page, when the target lists models
    sampled_from: tuple[int, int] | None = None  # lean runs: how many models and aliases there were
    observations: Observations = field(default_factory=Observations)
    stack: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)
    _retrieved: dict[str, Exchange] = field(default_factory=dict, repr=False)

    @property
    def lean(self) -> bool:
        return self.settings.lean

    def close(self) -> None:
        self.target.close()
        self.stack.close()

    def retrieve_shared(self, model_id: str) -> Exchange:
        """A plain GET /v1/models/{model_id}; in a lean run, sent once and shared by every check.

        Every check that needs "the model as the target serves it" reads the same answer, so one request
        serves SRV-ID-ROUNDTRIP, SRV-AUTH-SCHEMES, SRV-LIST-CONSISTENT, the body checks and more. In
        a full run each check sends its own, as a user's repeated calls would.
        """
        if not self.lean:
            return self.target.retrieve(model_id)
        if model_id not in self._retrieved:
            self._retrieved[model_id] = self.target.retrieve(model_id)
        return self._retrieved[model_id]

    def pending_retrievals(self) -> int:
        """Requests the every-response checks will still send to retrieve each model once."""
        if not self.lean:
            return len(self.models)
        return sum(model_id not in self._retrieved for model_id in self.models)

    def describe(self) -> str:
        where = "the embedded reference server" if self.reference else "the target"
        models, aliases = f"{len(self.models)} model(s)", f"{len(self.aliases)} alias(es)"
        if self.sampled_from is not None:
            models = f"{len(self.models)} of {self.sampled_from[0]} model(s)"
            aliases = (
                f"{len(self.aliases)} of {self.sampled_from[1]} alias(es), sampled by the seed (live profile)"
            )
        return (
            f"{where} {self.target.base_url}, contract {self.settings.contract}, "
            f"{models} ({self.discovered_from}), {aliases}, seed {self.settings.seed}"
        )


def start(settings: Settings, observers: Sequence[Callable[[Exchange, bool], None]] = ()) -> ServerRun:
    """Start the reference server when no target is given, reach the target, discover its models.

    ``observers`` see every exchange from the first one on, discovery included.

    Raises :class:`TargetUnreachable` (nothing answers) or :class:`KeyRejected` (the key is refused).
    """
    stack = contextlib.ExitStack()
    try:
        return _start(settings, stack, observers)
    except BaseException:
        stack.close()
        raise


def _start(
    settings: Settings, stack: contextlib.ExitStack, observers: Sequence[Callable[[Exchange, bool], None]]
) -> ServerRun:
    base_url = settings.base_url
    aliases = settings.aliases
    api_key = settings.api_key
    reference = base_url is None
    if base_url is None:
        from .reference.catalog import default_catalog
        from .reference.server import spawn

        base_url = stack.enter_context(spawn(["--api-key", REFERENCE_KEY])).url
        aliases = aliases or tuple(default_catalog().aliases)
        api_key = api_key or REFERENCE_KEY
    target = Target(
        base_url,
        api_key or REFERENCE_KEY,
        settings.contract,
        limits=settings.limits,
        max_requests=settings.max_requests,
        rate=settings.rate,
        max_throttle_wait=settings.max_throttle_wait,
        observers=list(observers),
    )
    stack.callback(target.close)
    observations = Observations()
    # Set-up traffic is judged too (the every-response rules), like any other answer of the run.
    target.observers.append(observations)
    first_page, preferred_rejected = _choose_auth_form(target)
    models, source = _discover(target, settings, first_page)
    sampled_from = None
    if settings.lean:
        sampled_from = (len(models), len(aliases))
        models, aliases = (
            _sample(models, LEAN_MODELS, settings.seed),
            _sample(aliases, LEAN_ALIASES, settings.seed),
        )
    return ServerRun(
        settings,
        target,
        reference,
        models,
        aliases,
        source,
        preferred_rejected,
        listing=first_page if _list_page(first_page) is not None else None,
        sampled_from=sampled_from,
        observations=observations,
        stack=stack,
    )


def _sample(items: tuple[str, ...], size: int, seed: int) -> tuple[str, ...]:
    """``size`` of ``items``, chosen by ``seed`` and kept in their order (all when there are fewer)."""
    if len(items) <= size:
        return items
    chosen = set(random.Random(seed).sample(range(len(items)), size))
    return tuple(item for index, item in enumerate(items) if index in chosen)


def _choose_auth_form(target: Target) -> tuple[Exchange, bool]:
    """Use the contract's credential form; fall back to the other one if only that is accepted.

    Returns the first list page (the probe) and whether the contract's own form was rejected (then
    SRV-AUTH-SCHEMES fails, but the other checks can still run).
    """
    preferred: AuthForm = CONTRACT_AUTH[target.contract]
    other: AuthForm = "bearer" if preferred == "x-api-key" else "x-api-key"
    for form in (preferred, other):
        exchange = target.get(LIST_TARGET, auth=form)
        if exchange.response.status != 401:
            target.auth_form = form
            return exchange, form != preferred
    raise KeyRejected(
        f"{target.base_url} answers 401 to the configured key in both credential forms (x-api-key and "
        "Authorization: Bearer); pass the right key with --api-key or ANTHROPIC_API_KEY"
    )


def _discover(target: Target, settings: Settings, first_page: Exchange) -> tuple[tuple[str, ...], str]:
    if settings.models:
        return settings.models, "given with --model"
    ids: list[str] = []
    exchange = first_page
    for _ in range(MAX_LIST_PAGES):
        page = _list_page(exchange)
        if page is None:
            break
        ids.extend(
            item["id"] for item in page["data"] if isinstance(item, dict) and isinstance(item.get("id"), str)
        )
        if not page.get("has_more") or not isinstance(page.get("last_id"), str):
            break
        exchange = target.get(f"{LIST_TARGET}&after_id={page['last_id']}")
    if ids:
        return tuple(dict.fromkeys(ids)), "discovered via GET /v1/models"
    return (SEED_EXAMPLE_ID,), "the seed's example id; GET /v1/models listed none"


def _list_page(exchange: Exchange) -> dict[str, Any] | None:
    body = exchange.response.json
    if (
        exchange.response.status != 200
        or not isinstance(body, dict)
        or not isinstance(body.get("data"), list)
    ):
        return None
    return body


__all__ += ["REFERENCE_KEY", "TargetUnreachable"]
