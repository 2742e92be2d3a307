"""The inputs of ``models-conformance drift``: cassettes and the suite's JSON reports, files or folders.

A cassette is anything :func:`models_conformance.cassettes.load` reads (vcrpy / pytest-recording, Ruby VCR,
R vcr; YAML, or vcrpy's JSON). A JSON report is the suite's ``--report-json`` file, whose ``drift``
section is read back; a ``drift --json`` document is read the same way. A file that is neither is a
problem of that file alone: the others are still read.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from ..cassettes.documents import DocumentError, parse, read_file
from ..cassettes.formats import CassetteError, FileLimits, load
from ..cassettes.paths import expand_paths
from .collect import Drift, DriftFormatError
from .observe import iso_instant

__all__ = ["SUFFIXES", "Source", "expand", "read"]

SUFFIXES = (".yaml", ".yml", ".json")
_CASSETTE_KEYS = frozenset({"interactions", "http_interactions"})


@dataclass
class Source:
    """One file read: what it was, how much of it was models traffic, and what could not be read."""

    path: str
    format: str | None = None  # "vcrpy", "ruby-vcr", "r-vcr", "report", "drift", "ignored"; None: unreadable
    interactions: int = 0
    models_interactions: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        if self.format is None:
            return f"{self.path}: not read: {'; '.join(self.problems)}"
        if self.format == "ignored":
            return f"{self.path}: ignored (a JSON file in a folder that is neither a cassette nor a report)"
        if self.format in ("report", "drift"):
            return f"{self.path}: {'a JSON report' if self.format == 'report' else 'a drift document'}"
        text = f"{self.path}: {self.format}, {self.interactions} interaction(s)"
        text += f", {self.models_interactions} for models"
        return text + "".join(f"\n  problem: {problem}" for problem in self.problems)


def expand(paths: list[str]) -> tuple[list[tuple[Path, bool]], list[str]]:
    """The files to read (each with whether it was named itself, not found in a folder), and one
    usage problem per path that names none."""
    return expand_paths(paths, SUFFIXES)


def read(
    path: Path, drift: Drift, default_contract: str, limits: FileLimits | None = None, *, named: bool = True
) -> Source:
    """Add what the file at ``path`` shows to ``drift``; the Source says what it was.

    A JSON file found in a folder (not ``named``) that is neither a cassette nor a report, such as
    the ``conformance-run.json`` a recording run writes beside its cassettes, is ignored.
    """
    source = Source(str(path))
    limits = limits or FileLimits()
    if path.suffix == ".json":
        document = _json(path, limits)
        if isinstance(document, dict) and ("drift" in document or "results" in document):
            return _report(document, source, drift)
        if isinstance(document, dict) and "items" in document and "exchanges" in document:
            source.format = "drift"
            return _merged(document, source, drift, "the document")
        if not named and isinstance(document, dict) and not _CASSETTE_KEYS & document.keys():
            source.format = "ignored"
            return source
    try:
        cassette = load(path, default_contract, limits)
    except CassetteError as exc:
        source.problems.append(f"neither a cassette nor a JSON report of this suite: {exc}")
        return source
    source.format = cassette.format
    source.interactions = len(cassette.interactions)
    source.problems.extend(cassette.problems)
    for interaction in cassette.interactions:
        where: partial[dict[str, Any]] = partial(dict, file=str(path), interaction=interaction.index)
        exchange = interaction.exchange
        # The suite's own recorded probes (``server --record``) send an unknown beta on purpose.
        client = exchange.source == "recording"
        if drift.observe(exchange, where, _instant(interaction.recorded_at), client_request=client):
            source.models_interactions += 1
    return source


def _json(path: Path, limits: FileLimits) -> Any:
    try:
        raw = read_file(path, limits)
        return parse(raw, raw.decode("utf-8"), as_json=True, limits=limits)
    except (DocumentError, UnicodeDecodeError):
        return None  # read as a cassette next, which says precisely what is wrong with it


def _report(document: dict[str, Any], source: Source, drift: Drift) -> Source:
    source.format = "report"
    if "drift" not in document:
        role = document.get("role", "unknown")
        source.format = None
        source.problems.append(
            f"a JSON report without a drift section (role {role!r}): only server runs' reports carry one"
        )
        return source
    return _merged(document["drift"], source, drift, "drift")


def _merged(data: Any, source: Source, drift: Drift, where: str) -> Source:
    try:
        drift.merge(data, where)
    except DriftFormatError as exc:
        source.format = None
        source.problems.append(str(exc))
    return source


def _instant(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        return iso_instant(value)
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00Z"
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return iso_instant(email.utils.parsedate_to_datetime(value))
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return iso_instant(
            dt.datetime.fromisoformat(value.strip().replace(" ", "T", 1).replace("Z", "+00:00"))
        )
    except ValueError:
        return None
