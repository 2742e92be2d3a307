"""The exit statuses of every command (CI reads them)."""

from __future__ import annotations

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_UNREACHABLE", "EXIT_USAGE"]

EXIT_OK = 0  # no MUST requirement failed (SHOULD and MAY failures are reported, never fail a run)
EXIT_FAILED = 1  # a MUST requirement failed, or a baseline entry is stale
EXIT_USAGE = 2  # a usage error: the message says what is allowed
EXIT_UNREACHABLE = 3  # the target (or the client) cannot be reached, or throttles beyond the wait bound
