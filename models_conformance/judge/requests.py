"""The client requirements judged on each request a client sent, retries included.

STUB: being rewritten (the client side of the judge). Each check takes the exchange (its ``asked``
says what the client had been asked to do; None in a recording) and its facts, and returns its
findings, or None when the request shows nothing about the requirement.
"""

from __future__ import annotations

from collections.abc import Callable

from ..exchange import Exchange
from ..findings import Finding
from .facts import Facts

__all__ = ["CHECKS", "RequestCheck"]

RequestCheck = Callable[[Exchange, Facts], "list[Finding] | None"]

CHECKS: dict[str, RequestCheck] = {}
