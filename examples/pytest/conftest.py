"""A conftest.py for judging your own gateway from your own pytest session.

The plugin is registered when models-api-conformance is installed; these fixtures only choose what to
judge. Run with ``pytest examples/pytest --conformance-base-url http://127.0.0.1:8080`` (without it,
the reference server the plugin starts is judged).
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def model_ids() -> list[str]:
    """The models your gateway should serve; the list, an alias, and an id that names nothing."""
    return ["claude-opus-4-6", "claude-opus-4-5", "no-such-model-here"]
