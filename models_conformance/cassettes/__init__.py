"""Cassettes: reading recordings of any recorder, scrubbing what the suite records, serving them back.

- :func:`load` reads vcrpy / pytest-recording and Ruby VCR / R vcr cassettes into exchanges;
- :func:`scan_cassette` finds credentials left in a cassette (CAS-NO-SECRETS), :func:`scan_accounts`
  the organisation and workspace ids (CAS-NO-ACCOUNT-IDS);
- :func:`.replay.create_replay_app` serves recorded responses (``models-conformance mock --replay``).

Judging them is the judge's (:mod:`models_conformance.judge`), like every other transcript.
"""

from __future__ import annotations

from .accounts import scan_accounts
from .formats import Cassette, CassetteError, Interaction, load
from .scan import Leak, scan_cassette

__all__ = [
    "Cassette",
    "CassetteError",
    "Interaction",
    "Leak",
    "load",
    "scan_accounts",
    "scan_cassette",
]
