"""RFC 3339 date-times (section 5.6): the check a ``format: date-time`` schema asks for, and exact
instants, to compare what was sent with what a client exposes.

The suite's own parser: a client's date library is what is being judged, so it cannot be the judge.
Fractions of any length are kept (to the nanosecond); comparisons allow less than a microsecond of
difference, the precision of Python's ``datetime`` (a client that keeps microseconds is exact).
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["TOLERANCE_NS", "instant_ns", "is_date_time", "same_instant"]

TOLERANCE_NS = 1_000

# Section 5.6: "T" and "Z" may be lower case (section 5.6, NOTE); a fraction of any length.
_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))"
)
# What a client may expose: some libraries print a space where the wire format has "T".
_EXPOSED = re.compile(_DATE_TIME.pattern.replace("[Tt]", "[Tt ]"))


def _parts(match: re.Match[str]) -> tuple[int, int] | None:
    """(seconds since 0001-01-01T00:00:00Z, nanoseconds), or None for a date or time that is no such."""
    year, month, day, hour, minute, second = (int(part) for part in match.group(1, 2, 3, 4, 5, 6))
    try:
        days = dt.date(year, month, day).toordinal() - 1
    except ValueError:
        return None
    if hour > 23 or minute > 59 or second > 60:
        return None
    offset_minutes = 0
    if match.group(9):
        offset_hours, offset_rest = int(match.group(10)), int(match.group(11))
        if offset_hours > 23 or offset_rest > 59:
            return None
        offset_minutes = (1 if match.group(9) == "+" else -1) * (offset_hours * 60 + offset_rest)
    # A leap second is the 61st second of the last minute of a UTC day (section 5.7; appendix D):
    # second 60 is valid only where the time, moved to UTC, is 23:59.
    if second == 60 and (hour * 60 + minute - offset_minutes) % 1440 != 1439:
        return None
    fraction = (match.group(7) or "")[:9].ljust(9, "0")
    seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60
    return seconds, int(fraction)


def is_date_time(value: object) -> bool:
    """Whether ``value`` is an RFC 3339 ``date-time`` (non-strings pass: the format applies to strings)."""
    if not isinstance(value, str):
        return True
    match = _DATE_TIME.fullmatch(value)
    return match is not None and _parts(match) is not None


def instant_ns(text: str) -> int | None:
    """Nanoseconds since 0001-01-01T00:00:00Z, or None when ``text`` is not an RFC 3339 date-time."""
    match = _EXPOSED.fullmatch(text)
    parts = _parts(match) if match is not None else None
    return None if parts is None else parts[0] * 1_000_000_000 + parts[1]


def same_instant(sent: str, exposed: object) -> bool:
    """Whether ``exposed`` is an RFC 3339 string naming the instant ``sent`` names (to the microsecond)."""
    if not isinstance(exposed, str):
        return False
    expected, received = instant_ns(sent), instant_ns(exposed)
    return expected is not None and received is not None and abs(expected - received) < TOLERANCE_NS
