"""Generated inputs for the client checks: model ids for CLI-PATH, bodies for CLI-PARSE and FORWARD-COMPAT."""

from __future__ import annotations

import string
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from ..strategies import model_infos
from .protocol import HarnessError

__all__ = ["EXAMPLE_IDS", "explore", "full_bodies", "generated", "path_ids", "seed_bodies"]

F = TypeVar("F", bound=Callable[..., Any])

# Every character class CLI-PATH names: reserved (gen-delims and sub-delims), "%", space, other
# ASCII punctuation that is not allowed raw in a path, and unreserved characters.
_ASCII = "/?#[]@!$&'()*+,;=:% \"<>\\^`{|}-._~"
# Always tried, whatever the seed: one id per rule of CLI-PATH, and the ids clients must refuse safely.
EXAMPLE_IDS = (
    "claude-opus-4-6",
    "a/b",
    "a?b=c",
    "a#b",
    "100%",
    "%41",
    "%2F",
    "a b",
    "ü",
    "模型-😀",
    "~._-",
    "a:b@c!$&'()*+,;=",
    "[x]",
    "..",
    ".",
    ";x",
)


def path_ids() -> st.SearchStrategy[str]:
    """Non-empty ids mixing reserved, unreserved and non-ASCII characters (no control characters)."""
    characters = (
        st.sampled_from(_ASCII)
        | st.sampled_from(string.ascii_letters + string.digits)
        | st.characters(min_codepoint=0x80, exclude_categories=("Cs", "Cc"))
    )
    return st.text(characters, min_size=1, max_size=24)


def seed_bodies(contract: str) -> st.SearchStrategy[dict[str, Any]]:
    """Valid bodies holding the contract's required fields only: what CLI-PARSE judges."""
    required = ("id", "created_at", "display_name", "type") + (
        ("lifecycle",) if contract == "2026-10-21" else ()
    )
    return model_infos(contract, extra_fields=False).map(lambda body: {k: body[k] for k in required})


def full_bodies(contract: str) -> st.SearchStrategy[dict[str, Any]]:
    """Valid bodies with the later optional fields, new enum values and unknown nested fields."""
    return model_infos(contract, extra_fields=True)


def generated(run_seed: int, examples: int) -> Callable[[F], F]:
    """Hypothesis settings of a client check: the run's seed, no database, no deadline, one bug reported."""

    def decorate(function: F) -> F:
        configured = settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=False,
            report_multiple_bugs=False,
            phases=(Phase.explicit, Phase.generate, Phase.shrink),
            suppress_health_check=list(HealthCheck),
        )(function)
        return seed(run_seed)(configured)

    return decorate


def explore(
    strategy: st.SearchStrategy[Any],
    check: Callable[[Any], None],
    *,
    run_seed: int,
    examples: int,
    explicit: Sequence[Any] = (),
) -> None:
    """``check`` each explicit value, then values drawn from ``strategy``; its failure is shrunk.

    A :class:`HarnessError` is not a property of the input: it ends the exploration and is raised
    as it is, without hypothesis shrinking (which would call a broken connector many more times).
    """
    broken: list[HarnessError] = []

    def guarded(value: Any) -> None:
        if broken:
            return
        try:
            check(value)
        except HarnessError as exc:
            broken.append(exc)

    for value in explicit:
        guarded(value)
        if broken:
            raise broken[0]

    @generated(run_seed, examples)
    @given(strategy)
    def drawn(value: Any) -> None:
        guarded(value)

    drawn()
    if broken:
        raise broken[0]
