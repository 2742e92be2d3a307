"""Recordings written from Python data for the cassette tests, and what the judge makes of them.

:func:`check` is ``models-conformance cassettes check`` in this process: the files read into a
transcript (:func:`models_conformance.cassettes.check.read`), judged (:func:`models_conformance.judge.judge`),
and turned into the verdicts and the report the command writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from models_conformance import SEED_EXAMPLE
from models_conformance.cassettes.check import JUDGED, FileSummary, read
from models_conformance.cassettes.paths import cassette_files
from models_conformance.judge import Judgement, judge
from models_conformance.schemas import DEFAULT_CONTRACT
from models_conformance.verdicts import Verdicts

DATA = Path(__file__).parent / "data" / "cassettes"
LIST_PAGE = {
    "data": [SEED_EXAMPLE],
    "has_more": False,
    "first_id": SEED_EXAMPLE["id"],
    "last_id": SEED_EXAMPLE["id"],
}


def interaction(
    uri: str,
    status: int,
    body: Any,
    *,
    method: str = "GET",
    request_headers: dict[str, str] | None = None,
    request_body: str = "",
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One vcrpy-format interaction; a dict or list body is written as JSON."""
    sent = (
        {"anthropic-version": "2023-06-01", "x-api-key": "[REDACTED]"}
        if request_headers is None
        else request_headers
    )
    answered = {"content-type": "application/json", "request-id": "req_0123"} if headers is None else headers
    text = body if isinstance(body, str | bytes) else json.dumps(body)
    return {
        "request": {
            "method": method,
            "uri": "https://api.example.test" + uri,
            "body": request_body,
            "headers": {name: [value] for name, value in sent.items()},
        },
        "response": {
            "status": {"code": status, "message": ""},
            "headers": {name: [value] for name, value in answered.items()},
            "body": {"string": text},
        },
    }


def error(error_type: str, request_id: str = "req_0123") -> dict[str, Any]:
    return {"type": "error", "error": {"type": error_type, "message": "m"}, "request_id": request_id}


def write(path: Path, interactions: list[dict[str, Any]], comment: str = "") -> Path:
    document = yaml.safe_dump({"interactions": interactions, "version": 1})
    path.write_text(comment + document, encoding="utf-8")
    return path


@dataclass
class Checked:
    """The verdicts on some recordings: the JSON report, what each file held, the judgement."""

    report: dict[str, Any]
    files: list[FileSummary]
    judgement: Judgement

    @property
    def outcomes(self) -> dict[str, str]:
        return {r["id"]: r["outcome"] for r in self.report["results"]}

    @property
    def failed(self) -> set[str]:
        return {rid for rid, outcome in self.outcomes.items() if outcome == "failed"}

    def result(self, requirement_id: str) -> dict[str, Any]:
        return next(r for r in self.report["results"] if r["id"] == requirement_id)

    @property
    def unreadable(self) -> bool:
        return any(summary.problems for summary in self.files)


def check(*paths: Path, contract: str = DEFAULT_CONTRACT) -> Checked:
    """What ``cassettes check PATHS`` decides, in this process; folders are searched as it does."""
    files, problems = cassette_files([str(path) for path in paths])
    assert not problems, problems
    transcript, summaries = read(files, contract)
    judgement = judge(transcript)
    verdicts = Verdicts(judgement, role="cassette", contract=contract, requirement_ids=JUDGED)
    return Checked(verdicts.report(files=[s.as_dict() for s in summaries]), summaries, judgement)
