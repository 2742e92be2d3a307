"""The limits on each recording file, as ``cassettes check``, ``drift`` and ``mock --replay`` take them."""

from __future__ import annotations

import argparse

from ..limits import FileLimits
from ..sizes import show_size, size_argument

__all__ = ["add_file_limit_options", "file_limits"]


def _at_least_one(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return int(text)


def add_file_limit_options(parser: argparse.ArgumentParser) -> None:
    """What one recording file may hold; a file past a limit is not read, and says why."""
    limits = parser.add_argument_group("limits on each file (a file past one is not read)")
    limits.add_argument(
        "--max-file-size",
        type=size_argument,
        default=FileLimits.max_file_bytes,
        metavar="SIZE",
        help=f"largest file read, e.g. 64MiB (default {show_size(FileLimits.max_file_bytes)})",
    )
    limits.add_argument(
        "--max-interactions",
        type=_at_least_one,
        default=FileLimits.max_interactions,
        metavar="N",
        help=f"most interactions in one file (default {FileLimits.max_interactions:,})",
    )


def file_limits(args: argparse.Namespace) -> FileLimits:
    return FileLimits(max_file_bytes=args.max_file_size, max_interactions=args.max_interactions)
