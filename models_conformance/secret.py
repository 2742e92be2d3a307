"""Credentials as values that never show themselves, and the text filter that removes them.

A key given to the suite is held as a :class:`Secret`: its ``repr`` and ``str`` are a mask, so that no
traceback, log line or dataclass repr can print it. Only :meth:`Secret.reveal` gives the value, at
the one place that puts it on the wire. A key can still come back in what a target answers (an
error message that echoes it): every key is registered, and :func:`redact` removes registered keys
from any text before it is printed or written.
"""

from __future__ import annotations

__all__ = ["MASK", "PROBE_KEY_PREFIX", "REDACTED", "Secret", "redact", "register_secret"]

MASK = "****"
REDACTED = "[REDACTED]"
# Made-up credentials the suite sends on purpose carry this prefix; they are safe to print, and a
# reproduction that shows them works as is.
PROBE_KEY_PREFIX = "conformance-"

_registered: set[str] = set()


class Secret:
    """A credential. ``repr``, ``str`` and formatting show a mask; :meth:`reveal` gives the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        register_secret(value)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> tuple[object, ...]:
        # Pickling (pytest-xdist, multiprocessing) would carry the value in the clear to wherever the
        # bytes go; a Secret does not travel.
        raise TypeError("a Secret cannot be pickled")


def register_secret(value: str | None) -> None:
    """Remember a credential so that :func:`redact` removes it wherever it shows up (even in a body)."""
    if value and len(value) >= 4 and not value.startswith(PROBE_KEY_PREFIX):
        _registered.add(value)


def redact(text: str) -> str:
    """``text`` with every registered credential replaced by ``[REDACTED]``."""
    for secret in _registered:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text
