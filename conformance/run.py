"""One server conformance run: the target, how to reach it, which models it has, what was seen."""

from __future__ import annotations

import contextlib
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
    observations: Observations = field(default_factory=Observations)
    stack: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)

    def close(self) -> None:
        self.target.close()
        self.stack.close()

    def describe(self) -> str:
        where = "the embedded reference server" if self.reference else "the target"
        return (
            f"{where} {self.target.base_url}, contract {self.settings.contract}, "
            f"{len(self.models)} model(s) ({self.discovered_from}), {len(self.aliases)} alias(es), "
            f"seed {self.settings.seed}"
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
        timeout=settings.timeout,
        max_requests=settings.max_requests,
        rate=settings.rate,
        max_throttle_wait=settings.max_throttle_wait,
        observers=list(observers),
    )
    stack.callback(target.close)
    preferred_rejected = _choose_auth_form(target)
    models, source = _discover(target, settings)
    run = ServerRun(settings, target, reference, models, aliases, source, preferred_rejected, stack=stack)
    target.observers.append(run.observations)
    return run


def _choose_auth_form(target: Target) -> bool:
    """Use the contract's credential form; fall back to the other one if only that is accepted.

    Returns whether the contract's own form was rejected (then SRV-AUTH-SCHEMES fails, but the
    other checks can still run).
    """
    preferred: AuthForm = CONTRACT_AUTH[target.contract]
    other: AuthForm = "bearer" if preferred == "x-api-key" else "x-api-key"
    for form in (preferred, other):
        exchange = target.get("/v1/models", auth=form)
        if exchange.response.status != 401:
            target.auth_form = form
            return form != preferred
    raise KeyRejected(
        f"{target.base_url} answers 401 to the configured key in both credential forms (x-api-key and "
        "Authorization: Bearer); pass the right key with --api-key or ANTHROPIC_API_KEY"
    )


def _discover(target: Target, settings: Settings) -> tuple[tuple[str, ...], str]:
    if settings.models:
        return settings.models, "given with --model"
    ids: list[str] = []
    query = "?limit=1000"
    for _ in range(MAX_LIST_PAGES):
        exchange = target.get(f"/v1/models{query}")
        page = _list_page(exchange)
        if page is None:
            break
        ids.extend(
            item["id"] for item in page["data"] if isinstance(item, dict) and isinstance(item.get("id"), str)
        )
        if not page.get("has_more") or not isinstance(page.get("last_id"), str):
            break
        query = f"?limit=1000&after_id={page['last_id']}"
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
