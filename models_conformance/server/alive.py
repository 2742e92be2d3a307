"""Telling a target that stopped answering from one that answered badly."""

from __future__ import annotations

from .target import Target

__all__ = ["GONE_AFTER", "TargetGone", "check_alive"]

# Consecutive requests without an HTTP answer after which the target counts as gone.
GONE_AFTER = 3


class TargetGone(Exception):
    """The target stopped giving HTTP answers in the middle of the run."""


def check_alive(target: Target) -> None:
    """:class:`TargetGone` when the last requests all got no HTTP answer: the rest would wait as long."""
    recent = target.exchanges[-GONE_AFTER:]
    if len(recent) == GONE_AFTER and all(exchange.response.status == 0 for exchange in recent):
        problem = recent[-1].response.problem
        raise TargetGone(f"{GONE_AFTER} requests in a row got no HTTP answer ({problem}); the run stopped")
