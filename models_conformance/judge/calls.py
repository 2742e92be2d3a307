"""The client requirements judged on a whole call: its answer and every request it sent.

STUB: being rewritten (the client side of the judge).
"""

from __future__ import annotations

from ..findings import Finding
from ..transcript import ClientCall

__all__ = ["judge_call"]


def judge_call(call: ClientCall) -> dict[str, list[Finding]]:
    """Findings per requirement the call was judged under (absent: not judged)."""
    return {}
