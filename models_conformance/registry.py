"""The requirement registry: the contract's rules as data (``data/requirements.json``).

Every check, report and baseline refers to a requirement by its stable ID. The file is plain JSON so
that tools in other languages can read it; this module only loads and indexes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

__all__ = [
    "REQUIREMENTS_FILE",
    "Requirement",
    "UnknownRequirement",
    "all_requirements",
    "get",
    "requirements",
]

Level = Literal["MUST", "SHOULD", "MAY"]
Role = Literal["server", "client", "cassette"]

REQUIREMENTS_FILE = "data/requirements.json"


class UnknownRequirement(KeyError):
    """A requirement ID that the registry does not hold."""

    def __str__(self) -> str:
        known = ", ".join(r.id for r in all_requirements())
        return f"unknown requirement ID {self.args[0]!r}; known IDs: {known}"


@dataclass(frozen=True)
class Requirement:
    id: str
    level: Level
    role: Role
    statement: str
    source: str
    contracts: tuple[str, ...]
    condition: str | None = None

    @property
    def fails_run(self) -> bool:
        """Only a MUST failure fails a run; SHOULD and MAY are reported."""
        return self.level == "MUST"

    def applies_to(self, contract: str) -> bool:
        return contract in self.contracts

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "level": self.level,
            "role": self.role,
            "statement": self.statement,
            "source": self.source,
            "contracts": list(self.contracts),
        }
        if self.condition:
            data["condition"] = self.condition
        return data


def load_document() -> dict[str, Any]:
    """The registry file as data."""
    text = resources.files("models_conformance").joinpath(REQUIREMENTS_FILE).read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


@cache
def _index() -> Mapping[str, Requirement]:
    index: dict[str, Requirement] = {}
    for entry in load_document()["requirements"]:
        requirement = Requirement(
            id=entry["id"],
            level=entry["level"],
            role=entry["role"],
            statement=entry["statement"],
            source=entry["source"],
            contracts=tuple(entry["contracts"]),
            condition=entry.get("condition"),
        )
        if requirement.id in index:
            raise ValueError(f"{REQUIREMENTS_FILE}: requirement {requirement.id} is listed twice")
        index[requirement.id] = requirement
    return index


def all_requirements() -> tuple[Requirement, ...]:
    """Every requirement, in registry order."""
    return tuple(_index().values())


def requirements(role: Role | None = None) -> Iterator[Requirement]:
    """The requirements of one role (all of them when ``role`` is None), in registry order."""
    return (r for r in _index().values() if role is None or r.role == role)


def get(requirement_id: str) -> Requirement:
    """The requirement with this ID; :class:`UnknownRequirement` names the known ones otherwise."""
    try:
        return _index()[requirement_id]
    except KeyError:
        raise UnknownRequirement(requirement_id) from None
