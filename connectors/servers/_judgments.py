"""The judgments file: what this project concluded about each failure of a foreign target.

``judgments.yaml`` maps target -> requirement -> ``{verdict, reason[, when]}``; ``when`` makes a
judgment hold only while the failed result (as JSON) contains that text, so that a failure which
changes its nature is "not yet judged" again instead of silently keeping an old judgment.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

VERDICTS = {
    "target-bug": "target bug",
    "by-design": "by design",
    "suite-false-alarm": "suite false alarm",
}
NOT_JUDGED = "not yet judged"


class JudgmentsError(ValueError):
    """The judgments file is not what this module reads; the message says where."""


def load_judgments(path: Path) -> dict[str, dict[str, dict[str, str]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    if not isinstance(data, dict):
        raise JudgmentsError(f"{path}: expected a mapping of target -> requirement -> judgment")
    for target, entries in data.items():
        for requirement, entry in (entries or {}).items():
            where = f"{path}: {target} {requirement}"
            if not isinstance(entry, dict) or entry.get("verdict") not in VERDICTS or not entry.get("reason"):
                raise JudgmentsError(f"{where}: needs `verdict` ({' | '.join(VERDICTS)}) and `reason`")
    return {target: entries or {} for target, entries in data.items()}


def judgment_for(
    judgments: dict[str, dict[str, dict[str, str]]], target: str, result: dict[str, Any]
) -> dict[str, str] | None:
    entry = judgments.get(target, {}).get(result["id"])
    if entry is None:
        return None
    when = entry.get("when")
    return entry if not when or when in json.dumps(result, ensure_ascii=False) else None
