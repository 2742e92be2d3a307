"""What one cross-exchange rule saw (:mod:`.cross`): per judged exchange its first contradiction, and
why the pairs that could have shown the rule were not compared."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..failures import Finding
from .pairing import WINDOW, apart, duration
from .recorded import Get

__all__ = ["Paired", "Tally"]


@dataclass(frozen=True)
class Paired:
    """A finding and the two recorded exchanges that show it: where it was seen, and against what."""

    finding: Finding
    file: str
    interaction: int
    compared_file: str
    compared_interaction: int
    gap: str

    def render(self) -> str:
        return (
            f"{self.finding.render()}\n  recorded in: {self.file}, interaction {self.interaction}\n"
            f"  compared with: {self.compared_file}, interaction {self.compared_interaction} ({self.gap})"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.finding.as_dict(),
            "file": self.file,
            "interaction": self.interaction,
            "compared_file": self.compared_file,
            "compared_interaction": self.compared_interaction,
        }


@dataclass
class Tally:
    """What one rule saw: per judged exchange its first contradiction (None: consistent), and why
    the pairs it found were not compared."""

    requirement_id: str
    verdicts: dict[Get, Paired | None] = field(default_factory=dict)
    unjudged: Counter[str] = field(default_factory=Counter)  # why, by kind
    reasons: dict[str, str] = field(default_factory=dict)  # the first reason of each kind, for the reader
    closest: dt.timedelta | None = None  # of the pairs recorded too far apart
    counted: set[tuple[int, int]] = field(default_factory=set)  # the pairs not compared, counted once

    def partners(self, b: Get, variants: Iterable[list[Get]]) -> Iterator[Get]:
        """The exchanges ``b`` is compared with: of each variant (exchanges whose answers would give
        the same verdict), the first that may be compared. Many identical recordings stay cheap."""
        for variant in variants:
            a = next((a for a in variant if a is not b and self._comparable(a, b)), None)
            if a is not None:
                yield a

    def _comparable(self, a: Get, b: Get) -> bool:
        silent = next((get for get in (a, b) if get.kind == "other"), None)
        reason = None if silent is not None else apart(a.context, b.context)
        if silent is None and reason is None:
            return True
        pair = (min(id(a), id(b)), max(id(a), id(b)))
        if pair in self.counted:
            return False
        self.counted.add(pair)
        if silent is not None:
            status = silent.status
            self._count(
                f"status {status}", f"where one got HTTP {status}, which says nothing about this rule"
            )
            return False
        assert reason is not None
        if reason.kind == "apart" and a.context.at is not None and b.context.at is not None:
            gap = abs(a.context.at - b.context.at)
            self.closest = gap if self.closest is None else min(self.closest, gap)
        self._count(reason.kind, reason.text)
        return False

    def defer(self, owner: str) -> None:
        self._count("deferred", f"whose difference {owner} names")

    def _count(self, kind: str, reason: str) -> None:
        self.unjudged[kind] += 1
        self.reasons.setdefault(kind, reason)

    def why_unjudged(self) -> str:
        why = []
        for kind, count in self.unjudged.most_common():
            reason = self.reasons[kind]
            if kind == "apart" and self.closest is not None:
                reason = f"recorded more than {duration(WINDOW)} apart (the closest {duration(self.closest)})"
            why.append(f"{count} {reason}")
        return (
            f"none of the {sum(self.unjudged.values())} pair(s) that could show it was judged: "
            + "; ".join(why)
        )

    def agree(self, judged: Get) -> None:
        self.verdicts.setdefault(judged, None)

    def compare(
        self, judged: Get, other: Get, found: tuple[str, Any, Any] | None, message: tuple[str, str]
    ) -> None:
        """``judged`` agrees with ``other`` when nothing was ``found`` different; else a contradiction
        at the path found, worded ``message[0] + path + message[1]``."""
        if found is None:
            self.agree(judged)
            return
        path, expected, received = found
        text = message[0] + path + message[1]
        self.contradict(judged, other, text, path=path, expected=expected, received=received)

    def contradict(self, judged: Get, other: Get, message: str, **details: Any) -> None:
        if self.verdicts.get(judged) is None:
            finding = Finding(self.requirement_id, message, exchange=judged.exchange, **details)
            gap = "same file, no time recorded"
            if judged.context.at is not None and other.context.at is not None:
                gap = f"recorded {duration(abs(judged.context.at - other.context.at))} apart"
            self.verdicts[judged] = Paired(finding, judged.file, judged.index, other.file, other.index, gap)
