"""How a catalog model is shown: per API version, on the beta endpoint or not.

What the official SDKs declare is the guide (they are generated from the API's own description):

- ``BetaModelInfo`` (``?beta=true``) is ``ModelInfo`` plus ``allowed_fallback_models`` and
  ``capabilities.compaction`` (SDK 1.17 and 2.14 alike).
- The lifecycle fields (``lifecycle``, ``line``, ``deprecated_at``, ``retires_at``) are served under
  both versions: SDK 1.12.0 (2026-10-07, still sending ``anthropic-version: 2023-06-01``) added them
  to ``/v1/models`` with ``lifecycle`` required, and SDK 1.17's own tests fail without it. Real traffic
  recorded in June 2026 on 2023-06-01 did not carry them yet; :data:`WITHHELD_BY_VERSION` is the one
  place to change should a version need to leave fields out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..schemas import later_fields

__all__ = ["FIELD_ORDER", "VERSIONS", "WITHHELD_BY_VERSION", "render", "synthesize"]

VERSIONS: tuple[str, ...] = ("2023-06-01", "2026-10-21")

WITHHELD_BY_VERSION: Mapping[str, frozenset[str]] = {
    "2023-06-01": frozenset(),
    "2026-10-21": frozenset(),
}

# Only BetaModelInfo declares these.
_BETA_ONLY_FIELDS = frozenset({"allowed_fallback_models"})
_BETA_ONLY_CAPABILITIES = frozenset({"compaction"})

# The order real responses use for the seed fields, then the later fields in the schema's order.
FIELD_ORDER: tuple[str, ...] = ("type", "id", "display_name", "created_at", *later_fields())

EPOCH = "1970-01-01T00:00:00Z"


def render(model: Mapping[str, Any], *, version: str, beta: bool) -> dict[str, Any]:
    """The body for ``model`` (a full catalog object) as served under ``version``, beta or not."""
    withheld = WITHHELD_BY_VERSION[version] | (frozenset() if beta else _BETA_ONLY_FIELDS)
    body: dict[str, Any] = {}
    for name in FIELD_ORDER:
        if name in model and name not in withheld:
            body[name] = model[name]
    for name, value in model.items():  # fields this code does not know yet are served as they are
        if name not in body and name not in withheld and name not in FIELD_ORDER:
            body[name] = value
    capabilities = body.get("capabilities")
    if not beta and isinstance(capabilities, Mapping):
        body["capabilities"] = {k: v for k, v in capabilities.items() if k not in _BETA_ONLY_CAPABILITIES}
    return body


def synthesize(model_id: str) -> dict[str, Any]:
    """A full catalog object for an id the catalog lacks (permissive mode).

    The release date is unknown, which the seed allows: "May be set to an epoch value if the release
    date is unknown."
    """
    words = [word for word in re.split(r"[-_\s]+", model_id) if word]
    display_name = " ".join(word[:1].upper() + word[1:] for word in words) or model_id
    return {
        "type": "model",
        "id": model_id,
        "display_name": display_name,
        "created_at": EPOCH,
        "lifecycle": "active",
        "line": None,
        "deprecated_at": None,
        "retires_at": None,
        "allowed_fallback_models": [],
    }
