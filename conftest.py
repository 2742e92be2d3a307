"""Set-up for the project's own tests (``tests/``); the shipped suite does not use this file.

Hypothesis: CI runs are derandomised so that a red CI run is reproducible as is; local runs keep
exploring. Neither keeps a deadline: the tests talk to real servers over loopback, and timing is
the benchmarks' business, not the tests'.
"""

from __future__ import annotations

import os

# Imported before any in-process pytester run: pytester restores sys.modules afterwards, and httpx
# maps httpcore's exceptions by class, so an httpcore first imported inside such a run would come
# back as a second copy whose timeouts httpx no longer recognises.
import httpcore  # noqa: F401
from hypothesis import settings

pytest_plugins = ["pytester"]

settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
