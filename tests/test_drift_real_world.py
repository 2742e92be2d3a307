"""Real recorded API traffic (``../shared/real-world/``, never copied into the project) shows what it
shows beyond the seed contract: the acceptance test of ``models-conformance drift``. The known-headers
data file is linted here too."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from models_conformance.drift import known

ROOT = Path(__file__).parents[1]
REAL_WORLD = ROOT.parent / "shared" / "real-world"

# The headers of Cloudflare, of Envoy and of browsers' policies, the cookie Cloudflare sets, and the
# API's organisation id: in front of or beside the API, and described by no part of the contract.
HEADERS = {
    "anthropic-organization-id",
    "cf-cache-status",
    "cf-ray",
    "content-security-policy",
    "server-timing",
    "set-cookie",
    "x-envoy-upstream-service-time",
    "x-robots-tag",
}


@pytest.mark.skipif(not REAL_WORLD.is_dir(), reason=f"no real recordings at {REAL_WORLD}")
def test_real_traffic_shows_the_mid_2026_fields_and_the_edges_headers() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "models_conformance", "drift", str(REAL_WORLD), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["exchanges"] == 8  # the two /v1/messages recordings are not models traffic
    by_kind: dict[str, set[str]] = {}
    for item in data["items"]:
        by_kind.setdefault(item["kind"], set()).add(item["name"])
    assert set(by_kind) == {"field", "header"}
    assert by_kind["header"] == HEADERS
    # Everything inside `capabilities`, which the schema describes only as an object: one row that
    # names its 39 members, in the 9 model objects of the one list page that has it.
    (capabilities,) = [item for item in data["items"] if item["kind"] == "field"]
    shown = (capabilities["name"], capabilities["count"], len(capabilities["members"]))
    assert shown == ("capabilities.*", 9, 39)
    assert {"batch", "thinking.types.adaptive"} <= set(capabilities["members"])
    assert data["found"] == 1 + len(HEADERS)
    beyond = {item["name"]: item for item in data["beyond_seed"]}
    assert set(beyond) == {"capabilities", "max_input_tokens", "max_tokens"}
    assert (beyond["max_input_tokens"]["first_seen"], beyond["max_input_tokens"]["count"]) == (
        "2026-06-28T11:17:08Z",
        9,
    )
    organisation = next(i for i in data["items"] if i["name"] == "anthropic-organization-id")
    assert (organisation["count"], organisation["example"]["value"]) == (7, "(withheld)")
    assert organisation["first_seen"] == "2025-07-01T14:00:02Z"
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", result.stdout)  # no organisation id, anywhere


def test_the_known_headers_are_data_with_a_source_each() -> None:
    entries = known.header_entries()
    names = [entry["name"] for entry in entries]
    assert len(names) == len(set(names))
    for entry in entries:
        assert set(entry) == {"name", "source", "why"}
        assert entry["name"] == entry["name"].lower() and re.fullmatch(r"[a-z0-9-]+", entry["name"])
        public = entry["source"].startswith("https://") or entry["source"] in (
            "RFC 9110",
            "RFC 9111",
            "transport",
        )
        assert public, entry
        assert entry["why"].strip()
    # What the contract's own documents name is known: never listed as drift.
    assert {"request-id", "content-type", "x-should-retry", "retry-after-ms", "retry-after"} <= set(names)
