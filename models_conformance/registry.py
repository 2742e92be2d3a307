"""The requirement registry: the contract's rules as data (``data/requirements.json``).

Every check, report and baseline refers to a requirement by its stable ID. The file is plain JSON so
that tools in other languages can read it: beside each statement and its source, it says which
exchanges the requirement is judged on (``judged_on.when``, in the vocabulary of ``facts``), what
the contract allows beyond the statement (``exceptions``), and, when several requirements could
name one fault, which one does (``attribution``). This module loads and indexes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal, Protocol

__all__ = [
    "REQUIREMENTS_FILE",
    "Allowance",
    "JudgedOn",
    "Requirement",
    "UnknownRequirement",
    "all_requirements",
    "attribution",
    "get",
    "requirements",
    "status_owners",
]

Level = Literal["MUST", "SHOULD", "MAY"]
Role = Literal["server", "client", "cassette"]


class Facts(Protocol):
    """What :meth:`JudgedOn.matches` reads of an exchange: its facts by name (``judge.facts``)."""

    def get(self, name: str) -> str | None: ...


REQUIREMENTS_FILE = "data/requirements.json"


class UnknownRequirement(KeyError):
    """A requirement ID that the registry does not hold."""

    def __str__(self) -> str:
        known = ", ".join(r.id for r in all_requirements())
        return f"unknown requirement ID {self.args[0]!r}; known IDs: {known}"


@dataclass(frozen=True)
class JudgedOn:
    text: str
    when: tuple[Mapping[str, frozenset[str]], ...]
    owns_status: bool = False
    cross: bool = False
    calls: bool = False
    files: bool = False

    def matches(self, facts: Facts) -> bool:
        """Whether an exchange with these facts is one the requirement is judged on."""
        return any(
            all(facts.get(name) in allowed for name, allowed in alternative.items())
            for alternative in self.when
        )


@dataclass(frozen=True)
class Allowance:
    """What the contract allows beyond the statement, and where it says so."""

    text: str
    source: str
    url: str


@dataclass(frozen=True)
class Requirement:
    id: str
    level: Level
    role: Role
    statement: str
    source: str
    source_url: str
    contracts: tuple[str, ...]
    judged_on: JudgedOn
    exceptions: tuple[Allowance, ...] = ()

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
            "source_url": self.source_url,
            "contracts": list(self.contracts),
            "judged_on": self.judged_on.text,
        }
        if self.exceptions:
            data["exceptions"] = [exc.__dict__ for exc in self.exceptions]
        return data


def load_document() -> dict[str, Any]:
    """The registry file as data."""
    text = resources.files("models_conformance").joinpath(REQUIREMENTS_FILE).read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def _judged_on(entry: Mapping[str, Any]) -> JudgedOn:
    return JudgedOn(
        text=entry["text"],
        when=tuple(
            {name: frozenset(values) for name, values in alternative.items()} for alternative in entry["when"]
        ),
        owns_status=entry.get("owns_status", False),
        cross=entry.get("cross", False),
        calls=entry.get("calls", False),
        files=entry.get("files", False),
    )


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
            source_url=entry["source_url"],
            contracts=tuple(entry["contracts"]),
            judged_on=_judged_on(entry["judged_on"]),
            exceptions=tuple(Allowance(**exc) for exc in entry.get("exceptions", ())),
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


@cache
def attribution() -> Mapping[str, int]:
    """Rank of each requirement that may name a fault another one also sees (lower names it)."""
    return {requirement_id: rank for rank, requirement_id in enumerate(load_document()["attribution"])}


@cache
def status_owners() -> tuple[Requirement, ...]:
    """The requirements that say what status an answer must have, in the order that decides which
    one judges an exchange that several apply to."""
    ranks = attribution()
    owners = [r for r in all_requirements() if r.judged_on.owns_status]
    return tuple(sorted(owners, key=lambda r: ranks[r.id]))
