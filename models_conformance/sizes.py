"""Byte sizes as settings take them (``4MiB``, ``512k``, ``1048576``) and as messages show them."""

from __future__ import annotations

import argparse
import re

__all__ = ["parse_size", "show_size", "size_argument"]

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB
# Binary multiples whatever the spelling: a limit written "4M" means what "4 MiB" means.
_UNITS = {"": 1, "b": 1, "k": KIB, "kb": KIB, "kib": KIB, "m": MIB, "mb": MIB, "mib": MIB, "g": GIB}
_UNITS |= {"gb": GIB, "gib": GIB}
_SIZE = re.compile(r"\s*(\d+)\s*([a-zA-Z]*)\s*")


def parse_size(text: str) -> int:
    """A number of bytes: digits, optionally followed by a unit (k, KiB, M, MiB, G, GiB; all binary).

    ValueError says what is allowed.
    """
    match = _SIZE.fullmatch(text)
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in _UNITS:
        raise ValueError(f"expected a size such as 4MiB, 512KiB or 1048576, got {text!r}")
    return int(match.group(1)) * _UNITS[unit]


def size_argument(text: str) -> int:
    """:func:`parse_size` as an argparse type."""
    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def show_size(size: int) -> str:
    """``4 MiB`` for a whole number of MiB, ``64 KiB`` for KiB, else ``1,234 bytes``."""
    for unit, name in ((GIB, "GiB"), (MIB, "MiB"), (KIB, "KiB")):
        if size >= unit and size % unit == 0:
            return f"{size // unit} {name}"
    return f"{size:,} bytes"
