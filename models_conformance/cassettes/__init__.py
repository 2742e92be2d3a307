"""Cassettes: record the server suite's traffic, replay it, and judge any recording against the contract.

- :func:`check` judges vcrpy / pytest-recording and Ruby VCR / R vcr cassettes (``models-conformance
  cassettes check``): each exchange on its own, and the rules that take two across all files given;
- :func:`scan_cassette` finds credentials left in a cassette (CAS-NO-SECRETS), :func:`scan_accounts`
  the organisation and workspace ids (CAS-NO-ACCOUNT-IDS);
- :func:`vcr_config` is the vcrpy configuration that scrubs credentials while recording;
- :func:`create_replay_app` serves recorded responses (``models-conformance mock --replay``).
"""

from __future__ import annotations

from .accounts import scan_accounts
from .formats import Cassette, CassetteError, Interaction, load
from .judge import JUDGED, CheckRun, check
from .record import vcr_config
from .replay import create_replay_app
from .scan import Leak, scan_cassette

__all__ = [
    "JUDGED",
    "Cassette",
    "CassetteError",
    "CheckRun",
    "Interaction",
    "Leak",
    "check",
    "create_replay_app",
    "load",
    "scan_accounts",
    "scan_cassette",
    "vcr_config",
]
