"""Judging recordings: every models interaction against every requirement one exchange can show.

A models interaction is a request for ``/v1/models/{id}`` or ``/v1/models`` (after any base path). Its
response is judged with the server checks (:mod:`.responses`); each element of a list page's ``data``
is judged as a BetaModelInfo. Its request, where recorded, is judged with the client
rules (:mod:`.client_checks`). Every file is scanned for secrets (CAS-NO-SECRETS) and account ids
(CAS-NO-ACCOUNT-IDS), models or not.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..failures import Finding
from ..intermediary import intermediary, note
from ..results import ItemResult, Results
from ..schemas import DEFAULT_CONTRACT
from . import accounts
from .client_checks import CLIENT_REQUIREMENTS, judge_request
from .cross import CROSS_REQUIREMENTS, Paired, judge_across
from .formats import MODELS_PATH, Cassette, CassetteError, FileLimits, load
from .responses import SERVER_REQUIREMENTS, judge_response
from .scan import REQUIREMENT as NO_SECRETS
from .scan import Leak, scan_cassette, scan_lines

__all__ = ["JUDGED", "CheckRun", "FileSummary", "Located", "check", "judge_response"]

NO_ACCOUNT_IDS = accounts.REQUIREMENT
FILE_REQUIREMENTS = (NO_SECRETS, NO_ACCOUNT_IDS)  # judged on every file, whatever it holds
JUDGED = (*SERVER_REQUIREMENTS, *CROSS_REQUIREMENTS, *CLIENT_REQUIREMENTS, *FILE_REQUIREMENTS)


@dataclass(frozen=True)
class Located:
    """A finding and where it was recorded."""

    finding: Finding
    file: str
    interaction: int | None

    def render(self) -> str:
        where = f"{self.file}, interaction {self.interaction}" if self.interaction is not None else self.file
        return f"{self.finding.render()}\n  recorded in: {where}"


@dataclass
class FileSummary:
    path: str
    format: str | None = None
    interactions: int = 0
    models_interactions: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def describe(self) -> str:
        if self.format is None:
            return f"{self.path}: not judged: {'; '.join(self.problems)}"
        text = f"{self.path}: {self.format}, {self.interactions} interaction(s)"
        text += f", {self.models_interactions} for models"
        return text + "".join(f"\n  problem: {problem}" for problem in self.problems)


@dataclass
class CheckRun:
    results: Results
    files: list[FileSummary]
    failures: list[Located | Paired]

    @property
    def unreadable(self) -> bool:
        return any(summary.problems for summary in self.files)


def check(
    paths: Iterable[str | Path], default_contract: str = DEFAULT_CONTRACT, limits: FileLimits | None = None
) -> CheckRun:
    """Judge every cassette file in ``paths`` (files, not folders); a bad file never stops the others.

    Each exchange is judged on its own, then all of them together (:mod:`.cross`)."""
    run = CheckRun(Results("cassette", requirement_ids=JUDGED), [], [])
    loaded: list[Cassette] = []
    limits = limits or FileLimits()
    for path in paths:
        run.files.append(_judge_file(str(path), run, default_contract, loaded, limits))
    across = judge_across(loaded)
    run.results.items.extend(across.items)
    run.failures.extend(across.failures)
    return run


def _judge_file(
    path: str, run: CheckRun, default_contract: str, loaded: list[Cassette], limits: FileLimits
) -> FileSummary:
    summary = FileSummary(path)
    try:
        cassette = load(path, default_contract, limits)
    except CassetteError as exc:
        summary.problems.append(str(exc))
        text = _text(path, limits.max_file_bytes)
        found = ((NO_SECRETS, scan_lines(text)), (NO_ACCOUNT_IDS, accounts.scan_lines(text)))
        for requirement_id, leaks in found:
            if leaks:
                _add_leaks(run, path, requirement_id, leaks)
        return summary
    loaded.append(cassette)
    summary.format = cassette.format
    summary.interactions = len(cassette.interactions)
    summary.problems.extend(cassette.problems)
    _add_leaks(run, path, NO_SECRETS, scan_cassette(cassette))
    _add_leaks(run, path, NO_ACCOUNT_IDS, accounts.scan_accounts(cassette))
    shown: set[str] = set()
    for interaction in cassette.interactions:
        match = MODELS_PATH.search(urlsplit(interaction.exchange.request.target).path)
        if match is None:
            continue
        summary.models_interactions += 1
        segment = match.group("segment")
        edge = intermediary(interaction.exchange.response)
        if edge is not None:
            run.results.notes.append(
                {**note(interaction.exchange, edge), "file": path, "interaction": interaction.index}
            )
        judged = judge_response(interaction.exchange, segment)
        client_judged, skipped = judge_request(interaction, segment)
        judged.update(client_judged)
        for requirement_id, findings in judged.items():
            _add(run, path, interaction.index, requirement_id, findings)
            shown.add(requirement_id)
        for requirement_id, reason in skipped.items():
            run.results.add(ItemResult(_nodeid(path, interaction.index), requirement_id, "skipped", reason))
            shown.add(requirement_id)
    reason = "no interaction in this file could show it"
    if not summary.models_interactions:
        reason = "no models interaction in this file (" + _paths(cassette) + ")"
    for requirement_id in JUDGED:
        if requirement_id not in shown and requirement_id not in (*FILE_REQUIREMENTS, *CROSS_REQUIREMENTS):
            run.results.add(ItemResult(path, requirement_id, "skipped", reason))
    return summary


def _text(path: str, max_bytes: int) -> str:
    """What an unreadable file still shows as text, for the secret scan: its start, past a size limit."""
    try:
        with Path(path).open("rb") as file:
            return file.read(max_bytes).decode("utf-8", "replace")
    except OSError:
        return ""


def _paths(cassette: Cassette) -> str:
    seen = dict.fromkeys(
        f"{i.exchange.request.method} {urlsplit(i.exchange.request.target).path}"
        for i in cassette.interactions
    )
    return ", ".join(list(seen)[:3]) + (", …" if len(seen) > 3 else "")


def _nodeid(path: str, index: int | None) -> str:
    return path if index is None else f"{path}::interactions[{index}]"


def _add_leaks(run: CheckRun, path: str, requirement_id: str, leaks: list[Leak]) -> None:
    _add(run, path, None, requirement_id, [leak.finding() for leak in leaks], leaks)


def _add(
    run: CheckRun,
    path: str,
    index: int | None,
    requirement_id: str,
    findings: list[Finding],
    leaks: list[Leak] | None = None,
) -> None:
    nodeid = _nodeid(path, index)
    if not findings:
        run.results.add(ItemResult(nodeid, requirement_id, "passed"))
        return
    indexes = [leak.interaction for leak in leaks] if leaks is not None else [index] * len(findings)
    located = [Located(finding, path, at) for finding, at in zip(findings, indexes, strict=True)]
    run.failures.extend(located)
    dicts = [{**item.finding.as_dict(), "file": path, "interaction": item.interaction} for item in located]
    first = located[0]
    where = f"{path}, interaction {first.interaction}" if first.interaction is not None else path
    more = f" (+{len(findings) - 1} more)" if len(findings) > 1 else ""
    message = f"{where}: {first.finding.message}{more}"
    run.results.add(ItemResult(nodeid, requirement_id, "failed", message, dicts, first.finding.reproduction))
