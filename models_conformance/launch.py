"""Running a shipped suite (server or client) under pytest from a command line, and its exit statuses.

Both ``models-conformance server`` and ``models-conformance client`` start pytest the same way: on the
suite's own folder, with its own ini file, no conftest of the user's, and this package's plugin.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

__all__ = ["EXIT_UNREACHABLE", "EXIT_USAGE", "plugin_registered", "run_suite"]

EXIT_USAGE = 2
EXIT_UNREACHABLE = 3
_KNOWN = (0, 1, EXIT_USAGE, EXIT_UNREACHABLE)


def plugin_registered() -> bool:
    """Whether the installed distribution registers the plugin (entry point ``pytest11``)."""
    from importlib.metadata import entry_points

    return any(ep.value == "models_conformance.plugin" for ep in entry_points(group="pytest11"))


def run_suite(suite: Path, ini: Path, options: Sequence[str], extra: Sequence[str]) -> int:
    """pytest on ``suite`` with ``options`` then the user's ``extra`` arguments; the suite's exit status.

    pytest's own usage error (4) becomes 2; its other statuses pass through unchanged.
    """
    import pytest

    _hypothesis_storage()

    args = [
        str(suite),
        "--rootdir",
        str(suite),
        "-c",
        str(ini),
        "--noconftest",
        "-p",
        "no:cacheprovider",
        # The CLI imported the package before pytest started; the suite does not rely on assert rewriting.
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
        *options,
    ]
    if not plugin_registered():
        args += ["-p", "models_conformance.plugin"]
    code = int(pytest.main([*args, *extra]))
    return code if code in _KNOWN else EXIT_USAGE if code == 4 else code


def _hypothesis_storage() -> None:
    """Keep hypothesis's files in a per-user cache, unless HYPOTHESIS_STORAGE_DIRECTORY says where.

    By default hypothesis writes them under ``./.hypothesis``: in a fresh directory (a CI checkout,
    a new folder) each run computes its Unicode tables again inside the property phase (1.1 million
    lookups, ~0.1 s, about as long as 100 examples take) and leaves the folder behind, as pytest's
    cache would without ``-p no:cacheprovider``. Nothing else is stored: the example database is off.
    """
    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        return
    try:
        cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    except RuntimeError:  # no home directory to be found: hypothesis's own default stays
        return
    os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = str(Path(cache) / "models-api-conformance" / "hypothesis")
