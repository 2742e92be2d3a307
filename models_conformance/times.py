"""Times as recordings write them: HTTP dates (``Date``, Ruby VCR's ``recorded_at``) and ISO
date-times (R vcr's ``recorded_at``)."""

from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime
from typing import Any

from .placeholders import is_placeholder

__all__ = ["parse_time"]


def parse_time(value: Any) -> dt.datetime | None:
    """An HTTP date (``Date``, Ruby VCR's ``recorded_at``) or an ISO date-time (R vcr's), as UTC.

    YAML may have read a recorded_at already as a date-time; a date alone has no time of day.
    """
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)
    if not isinstance(value, str) or is_placeholder(value) or ":" not in value:
        return None  # a day alone is too coarse to place an exchange within the window
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    # R vcr writes recorded_at without an offset, in UTC (its files show it equal to the Date header).
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.timezone.utc)
