"""Redaction placeholders: what recorders write where a credential or an identifier was.

A placeholder is a value that says it stands for something removed: ``[REDACTED]``, ``<API_KEY>``,
``{{api_key}}``, ``$ANTHROPIC_API_KEY``, ``****``, ``xxxx``, ``REDACTED``, ``FILTERED``, or an
environment-variable-like name in capitals such as ``API_KEY`` or ``ANTHROPIC_API_KEY``.

A bare word in capitals is a placeholder only when one of its ``_``-separated words names what it
stands for (``KEY``, ``TOKEN``, ``REDACTED``, ``ID``, ...): a real key can be written in capitals
too (``AKXQ7ZP...``), and taking it for a placeholder would hide it.
"""

from __future__ import annotations

import re

__all__ = ["PLACEHOLDER_WORDS", "is_placeholder"]

_DELIMITED_OR_MASKED = re.compile(
    r"""^(?:
        <[^<>]*> | \[[^\[\]]*\] | \{\{?[^{}]*\}?\} | \$\{?[A-Za-z_][A-Za-z0-9_]*\}?  # <K> [REDACTED] {{k}} $K
      | \*+ | [xX]+ | -+                                                       # *** xxxx ----
      | (?i:redacted|filtered|scrubbed|masked|hidden|removed|dummy|placeholder)
    )$""",
    re.VERBOSE,
)
_CAPITALS = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")
# Longer than any word a placeholder is made of: a run this long is a random token, not a word.
_LONGEST_WORD = 14
PLACEHOLDER_WORDS = frozenset(
    {
        # what was removed
        "KEY",
        "APIKEY",
        "TOKEN",
        "SECRET",
        "PASSWORD",
        "AUTH",
        "AUTHORIZATION",
        "BEARER",
        "CREDENTIAL",
        "CREDENTIALS",
        "COOKIE",
        "SESSION",
        "ID",
        "ORG",
        "ORGANIZATION",
        "ORGANISATION",
        "WORKSPACE",
        "ACCOUNT",
        # that it was removed
        "REDACTED",
        "FILTERED",
        "SCRUBBED",
        "MASKED",
        "HIDDEN",
        "REMOVED",
        "DUMMY",
        "PLACEHOLDER",
        "FAKE",
        "TEST",
        "EXAMPLE",
        "SAMPLE",
        "MOCK",
    }
)


def is_placeholder(value: str) -> bool:
    """Whether ``value`` is empty or a redaction placeholder such as ``[REDACTED]`` or ``<API_KEY>``."""
    value = value.strip()
    if not value or _DELIMITED_OR_MASKED.match(value):
        return True
    if not _CAPITALS.match(value):
        return False
    words = value.split("_")
    return any(word in PLACEHOLDER_WORDS for word in words) and all(
        len(word) <= _LONGEST_WORD for word in words
    )
