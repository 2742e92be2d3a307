"""The requirements on recording files themselves: CAS-NO-SECRETS and CAS-NO-ACCOUNT-IDS.

Every file is scanned, parsed and as raw text, whether or not it could be read as a cassette: a key
in a YAML comment or in a file no reader understands is still a leak.
"""

from __future__ import annotations

import dataclasses

from ..cassettes.accounts import scan_accounts
from ..cassettes.formats import Cassette
from ..cassettes.scan import Leak, scan_cassette
from ..findings import Finding

__all__ = ["judge_file"]


def _finding(cassette: Cassette, leak: Leak) -> Finding:
    where = cassette.path if leak.interaction is None else f"{cassette.path} #{leak.interaction}"
    return dataclasses.replace(leak.finding(), location=where)


def judge_file(cassette: Cassette) -> dict[str, list[Finding]]:
    """Findings per requirement; every file is judged under both."""
    return {
        "CAS-NO-SECRETS": [_finding(cassette, leak) for leak in scan_cassette(cassette)],
        "CAS-NO-ACCOUNT-IDS": [_finding(cassette, leak) for leak in scan_accounts(cassette)],
    }
