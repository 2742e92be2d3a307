"""``models-conformance cassettes check``: recordings as a transcript for the judge.

Every interaction of every file is an exchange of one transcript, so the rules that take two
exchanges are judged across all the files given. A file that cannot be read as a cassette is still
scanned as text for secrets, and reported with why it could not be read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import registry
from ..limits import FileLimits
from ..transcript import Transcript
from .formats import Cassette, CassetteError, load

__all__ = ["JUDGED", "FileSummary", "read"]

# What a recording can show: every server requirement, the client's requests (not its calls: what it was
# asked to do and what it answered are not recorded), and the files themselves.
JUDGED = tuple(r.id for r in registry.all_requirements() if r.role != "client" or r.judged_on.when)


@dataclass
class FileSummary:
    path: str
    format: str | None = None
    interactions: int = 0
    models_interactions: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def describe(self) -> str:
        if self.format is None:
            return f"{self.path}: not judged: {'; '.join(self.problems)}"
        text = f"{self.path}: {self.format}, {self.interactions} interaction(s)"
        text += f", {self.models_interactions} for models"
        return text + "".join(f"\n  problem: {problem}" for problem in self.problems)


def _text(path: Path, limit: int) -> str:
    """What an unreadable file still shows as text, for the secret scan: at most ``limit`` bytes of it
    (a file refused for its size is scanned as far as a readable one would be)."""
    try:
        with path.open("rb") as file:
            return file.read(limit).decode("utf-8", "replace")
    except OSError:
        return ""


def read(
    paths: Iterable[Path], contract: str, limits: FileLimits | None = None
) -> tuple[Transcript, list[FileSummary]]:
    """The transcript of every file in ``paths`` (files, not folders), and what each file held."""
    from ..judge.facts import model_path

    transcript = Transcript("cassette", contract)
    summaries = []
    for path in paths:
        summary = FileSummary(str(path))
        try:
            cassette = load(path, contract, limits)
        except CassetteError as exc:
            summary.problems.append(str(exc))
            text = _text(path, (limits or FileLimits()).max_file_bytes)
            transcript.files.append(Cassette(str(path), "unreadable", (), (str(exc),), text))
            summaries.append(summary)
            continue
        transcript.files.append(cassette)
        summary.format, summary.interactions = cassette.format, len(cassette.interactions)
        summary.problems.extend(cassette.problems)
        for interaction in cassette.interactions:
            if model_path(interaction.exchange.request.target)[0] != "other":
                summary.models_interactions += 1
                transcript.exchanges.append(interaction.exchange)
        summaries.append(summary)
    return transcript, summaries
