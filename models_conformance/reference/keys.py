"""The keys the mock accepts."""

from __future__ import annotations

import os
from collections.abc import Collection

__all__ = ["MOCK_KEY", "accepted_keys"]

# The key the mock accepts when started without --api-key, and the one `models-conformance server`
# sends to a loopback target when it is given none: both sides know it, and it is safe to print.
MOCK_KEY = "conformance-mock-key"


def accepted_keys(given: Collection[str] | None) -> list[str]:
    """The keys the mock accepts: those given, else the mock's own and the one in the environment, so
    that `models-conformance server` passes against `models-conformance mock` as both start by default."""
    if given:
        return list(given)
    return [MOCK_KEY, *filter(None, [os.environ.get("ANTHROPIC_API_KEY")])]
