"""RFC 3339 date-times as exact instants, to compare what was sent with what a client exposes.

The suite's own parser: a client's date library is what is being judged, so it cannot be the judge.
Fractions of any length are kept (to the nanosecond); comparisons allow less than a microsecond of
difference, the precision of Python's ``datetime`` (a client that keeps microseconds is exact).
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["TOLERANCE_NS", "instant_ns", "same_instant"]

TOLERANCE_NS = 1_000

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))"
)


def instant_ns(text: str) -> int | None:
    """Nanoseconds since 0001-01-01T00:00:00Z, or None when ``text`` is not an RFC 3339 date-time."""
    match = _RFC3339.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.group(1, 2, 3, 4, 5, 6))
    try:
        days = dt.date(year, month, day).toordinal() - 1
    except ValueError:
        return None
    if hour > 23 or minute > 59 or second > 60:
        return None
    offset = 0
    if match.group(9):
        offset_hours, offset_minutes = int(match.group(10)), int(match.group(11))
        if offset_hours > 23 or offset_minutes > 59:
            return None
        offset = (1 if match.group(9) == "+" else -1) * (offset_hours * 3600 + offset_minutes * 60)
    fraction = (match.group(7) or "")[:9].ljust(9, "0")
    seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
    return seconds * 1_000_000_000 + int(fraction)


def same_instant(sent: str, exposed: object) -> bool:
    """Whether ``exposed`` is an RFC 3339 string naming the instant ``sent`` names (to the microsecond)."""
    if not isinstance(exposed, str):
        return False
    expected, received = instant_ns(sent), instant_ns(exposed)
    return expected is not None and received is not None and abs(expected - received) < TOLERANCE_NS
