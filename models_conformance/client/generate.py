"""Generated inputs of the client scenario, and how they are explored: ids for CLI-PATH, bodies for
CLI-PARSE and CLI-FORWARD-COMPAT.

Hypothesis draws the values and shrinks what the judge finds wrong to its smallest example; its own
verdict is not used: every call, shrinking steps included, is in the transcript, and the judge decides.
"""

from __future__ import annotations

import contextlib
import string
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException

from ..strategies import model_infos

__all__ = ["EXAMPLE_IDS", "Stop", "explore", "full_bodies", "path_ids", "seed_bodies"]

# Every character class CLI-PATH names: reserved (gen-delims and sub-delims), "%", space, other
# ASCII punctuation that is not allowed raw in a path, and unreserved characters.
_ASCII = "/?#[]@!$&'()*+,;=:% \"<>\\^`{|}-._~"
# Always tried, whatever the seed: one id per rule of CLI-PATH, and the ids clients may refuse.
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
    """Valid bodies holding the contract's required fields only: what CLI-PARSE judges alone."""
    required = ("id", "created_at", "display_name", "type") + (
        ("lifecycle",) if contract == "2026-10-21" else ()
    )
    return model_infos(contract, extra_fields=False).map(lambda body: {k: body[k] for k in required})


def full_bodies(contract: str) -> st.SearchStrategy[dict[str, Any]]:
    """Valid bodies with the later optional fields, new enum values and unknown nested fields."""
    return model_infos(contract, extra_fields=True)


class Stop(Exception):
    """Raised by an exploration's call to end the exploration without a verdict (a harness error):
    hypothesis would take it for a failing example and call a broken client many more times."""


class _Fault(AssertionError):
    """The judge found the requirement explored violated by a call: hypothesis shrinks its input."""


def explore(
    strategy: st.SearchStrategy[Any], faulty: Callable[[Any], bool], *, run_seed: int, examples: int
) -> None:
    """``faulty(value)`` for values drawn from ``strategy``: it makes the call and says whether the
    judge found a fault; the first fault is shrunk to its smallest input. :class:`Stop` ends it."""
    stopped: list[Stop] = []

    def prop(value: Any) -> None:
        if stopped:
            return
        try:
            found = faulty(value)
        except Stop as exc:
            stopped.append(exc)
            return
        if found:
            raise _Fault()

    configured = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=(Phase.generate, Phase.shrink),
        report_multiple_bugs=False,
        verbosity=Verbosity.quiet,
        suppress_health_check=list(HealthCheck),
    )
    # The calls are in the transcript, and the judge gives the verdict: hypothesis's own is not used.
    with contextlib.suppress(_Fault, HypothesisException):
        seed(run_seed)(configured(given(strategy)(prop)))()
