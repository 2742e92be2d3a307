"""The installed version of the suite, as reports and ``--version`` show it."""

from __future__ import annotations

from importlib import metadata

__all__ = ["tool_version"]


def tool_version() -> str:
    try:
        return metadata.version("models-api-conformance")
    except metadata.PackageNotFoundError:
        return "0+unknown"
