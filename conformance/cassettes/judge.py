"""Judging recordings: every models interaction against every requirement one exchange can show.

A models interaction is a request for ``/v1/models/{id}`` or ``/v1/models`` (after any base path). Its
response is judged with the server checks (:mod:`conformance.checks.server`); each element of a list
page's ``data`` is judged as a BetaModelInfo. Its request, where recorded, is judged with the client
rules (:mod:`.client_checks`). Every file is scanned for secrets (CAS-NO-SECRETS) and account ids
(CAS-NO-ACCOUNT-IDS), models or not.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..checks.server import (
    ERROR_TYPES,
    judge_content_type,
    judge_error_envelope,
    judge_model_body,
    judge_request_id,
)
from ..exchange import NOT_JSON, Exchange, Response
from ..failures import Finding
from ..results import ItemResult, Results
from ..schemas import DEFAULT_CONTRACT
from . import accounts
from .client_checks import CLIENT_REQUIREMENTS, judge_request
from .formats import Cassette, CassetteError, load
from .scan import REQUIREMENT as NO_SECRETS
from .scan import Leak, is_placeholder, scan_cassette, scan_lines

__all__ = ["JUDGED", "CheckRun", "FileSummary", "Located", "check", "judge_response"]

BODY_REQUIREMENTS = ("SRV-200-SCHEMA", "SRV-200-TYPE", "SRV-200-CREATED-AT")
SERVER_REQUIREMENTS = (
    *BODY_REQUIREMENTS,
    "SRV-LIFECYCLE",
    "SRV-200-CONTENT-TYPE",
    "SRV-404",
    "SRV-ERROR-ENVELOPE",
    "SRV-ERROR-STATUS-TYPE",
    "SRV-REQUEST-ID",
    "SRV-METHOD",
)
NO_ACCOUNT_IDS = accounts.REQUIREMENT
FILE_REQUIREMENTS = (NO_SECRETS, NO_ACCOUNT_IDS)  # judged on every file, whatever it holds
JUDGED = (*SERVER_REQUIREMENTS, *CLIENT_REQUIREMENTS, *FILE_REQUIREMENTS)

# `/v1/models` (a list) or `/v1/models/<rest>` (a retrieve; <rest> is the raw id as sent).
_MODELS_PATH = re.compile(r"(?:^|/)v1/models(?:/(?P<segment>.*))?$")
_OTHER_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

Judged = dict[str, list[Finding]]


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
    failures: list[Located]

    @property
    def unreadable(self) -> bool:
        return any(summary.problems for summary in self.files)


def check(paths: Iterable[str | Path], default_contract: str = DEFAULT_CONTRACT) -> CheckRun:
    """Judge every cassette file in ``paths`` (files, not folders); a bad file never stops the others."""
    run = CheckRun(Results("cassette", requirement_ids=JUDGED), [], [])
    for path in paths:
        run.files.append(_judge_file(str(path), run, default_contract))
    return run


def _judge_file(path: str, run: CheckRun, default_contract: str) -> FileSummary:
    summary = FileSummary(path)
    try:
        cassette = load(path, default_contract)
    except CassetteError as exc:
        summary.problems.append(str(exc))
        text = _text(path)
        found = ((NO_SECRETS, scan_lines(text)), (NO_ACCOUNT_IDS, accounts.scan_lines(text)))
        for requirement_id, leaks in found:
            if leaks:
                _add_leaks(run, path, requirement_id, leaks)
        return summary
    summary.format = cassette.format
    summary.interactions = len(cassette.interactions)
    summary.problems.extend(cassette.problems)
    _add_leaks(run, path, NO_SECRETS, scan_cassette(cassette))
    _add_leaks(run, path, NO_ACCOUNT_IDS, accounts.scan_accounts(cassette))
    shown: set[str] = set()
    for interaction in cassette.interactions:
        match = _MODELS_PATH.search(urlsplit(interaction.exchange.request.target).path)
        if match is None:
            continue
        summary.models_interactions += 1
        segment = match.group("segment")
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
        if requirement_id not in shown and requirement_id not in FILE_REQUIREMENTS:
            run.results.add(ItemResult(path, requirement_id, "skipped", reason))
    return summary


def _text(path: str) -> str:
    """What an unreadable file still shows as text, for the secret scan."""
    try:
        return Path(path).read_bytes().decode("utf-8", "replace")
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


def judge_response(exchange: Exchange, segment: str | None) -> Judged:
    """The server rules this recorded response shows; ``segment`` is the raw id (None: the list)."""
    response = exchange.response
    method = exchange.request.method
    judged: Judged = {
        "SRV-200-CONTENT-TYPE": judge_content_type(exchange),
        "SRV-REQUEST-ID": _request_id(exchange),
    }
    if response.status >= 400:
        findings = judge_error_envelope(exchange)
        judged["SRV-ERROR-ENVELOPE"] = [f for f in findings if f.requirement_id == "SRV-ERROR-ENVELOPE"]
        if response.status in ERROR_TYPES:
            judged["SRV-ERROR-STATUS-TYPE"] = [
                f for f in findings if f.requirement_id == "SRV-ERROR-STATUS-TYPE"
            ]
    retrieve = bool(segment)
    if (
        retrieve
        and method == "GET"
        and (response.status == 404 or _error_type(exchange) == "not_found_error")
    ):
        judged["SRV-404"] = _not_found(exchange)
        if judged["SRV-404"]:
            judged.pop("SRV-ERROR-STATUS-TYPE", None)  # the same fault, named by its most specific rule
    if retrieve and method in _OTHER_METHODS:
        judged["SRV-METHOD"] = _other_method(exchange)
    if method == "GET" and response.status == 200:
        ids = BODY_REQUIREMENTS + (("SRV-LIFECYCLE",) if exchange.contract == "2026-10-21" else ())
        findings = judge_model_body(exchange) if retrieve else _list_bodies(exchange)
        for requirement_id in ids:
            judged[requirement_id] = [f for f in findings if f.requirement_id == requirement_id]
    return judged


def _error_type(exchange: Exchange) -> Any:
    body = exchange.response.json
    error = body.get("error") if isinstance(body, dict) else None
    return error.get("type") if isinstance(error, dict) else None


def _request_id(exchange: Exchange) -> list[Finding]:
    findings = judge_request_id(exchange)
    if is_placeholder(exchange.response.header("request-id") or ""):
        # A recorder replaced the header's value: it still shows the header was sent, not its value.
        findings = [f for f in findings if f.path != "$.request_id"]
    return findings


def _not_found(exchange: Exchange) -> list[Finding]:
    status, error_type = exchange.response.status, _error_type(exchange)
    if status == 404 and error_type == "not_found_error":
        return []
    return [
        Finding(
            "SRV-404",
            f"a model that was not found got HTTP {status} with error.type {error_type!r}",
            path="status" if status != 404 else "$.error.type",
            expected="404 with error.type not_found_error",
            received=f"{status} with error.type {error_type!r}",
            exchange=exchange,
        )
    ]


def _other_method(exchange: Exchange) -> list[Finding]:
    status = exchange.response.status
    body = exchange.response.json
    if 400 <= status < 500 and isinstance(body, dict) and body.get("type") == "error":
        return []
    return [
        Finding(
            "SRV-METHOD",
            f"{exchange.request.method} on a model got HTTP {status}, not a 4xx error envelope",
            path="status",
            expected="a 4xx (405 preferred) with the error envelope",
            received=f"{status}: {exchange.response.body_excerpt(80)}",
            exchange=exchange,
        )
    ]


def _list_bodies(exchange: Exchange) -> list[Finding]:
    """Each element of a list page's ``data``, judged as the object a retrieve returns."""
    page = exchange.response.json
    if isinstance(page, NOT_JSON) or not isinstance(page, dict) or not isinstance(page.get("data"), list):
        reason = page.reason if isinstance(page, NOT_JSON) else "it has no `data` array"
        return [
            Finding(
                "SRV-200-SCHEMA",
                f"the 200 list body cannot be judged: {reason}",
                path="$.data",
                expected="a page {data: [BetaModelInfo...], has_more, first_id, last_id}",
                received=exchange.response.body_excerpt(),
                exchange=exchange,
            )
        ]
    findings = []
    for index, element in enumerate(page["data"]):
        body = json.dumps(element).encode()
        one = dataclasses.replace(exchange, response=Response(200, exchange.response.headers, body))
        for finding in judge_model_body(one):
            findings.append(
                dataclasses.replace(
                    finding,
                    message=f"data[{index}]: {finding.message}",
                    path=f"$.data[{index}]{finding.path[1:]}",
                    exchange=exchange,
                )
            )
    return findings
