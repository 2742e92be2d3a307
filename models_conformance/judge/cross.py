"""The requirements that take two exchanges, judged over a whole transcript.

Evidence is a GET of ``/v1/models/{id}`` answered 200 with a model object (a string ``id``) or 404
with ``error.type`` ``not_found_error``, and a GET of ``/v1/models`` answered 200 with a ``data``
array. Any other answer (401, 429, a 5xx, a proxy's HTML page) says nothing about these rules. Two
exchanges are compared only when :func:`.pairing.apart` finds nothing between them.

- SRV-ID-ROUNDTRIP: a retrieval of an id that another retrieval reported answers 200 with that id.
- SRV-ALIAS: a retrieval that reported another id than it asked for (an alias) returns the same
  object as a retrieval of that id.
- SRV-PATH-ENCODING: a retrieval of an id percent-encoded another equivalent way returns the same
  object as the retrieval of its canonical encoding.
- SRV-IDEMPOTENT: two retrievals of the same id, sent the same way, return equal objects.
- SRV-LIST-CONSISTENT: a retrieval of a listed id answers 200 with the listed object.

A 404 for an id the server reported or listed within the window is a failure: the server named the
id and then did not know it. A fault is named once, by its most specific rule: a retrieval of a
reported id that gets 404 or another id is SRV-ID-ROUNDTRIP's, not also SRV-IDEMPOTENT's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..contract import encode_segment
from ..exchange import Exchange
from ..findings import Finding
from .compare import Get, Tally, difference, gets

__all__ = ["CROSS_REQUIREMENTS", "Cross", "judge_across"]

CROSS_REQUIREMENTS = (
    "SRV-ID-ROUNDTRIP",
    "SRV-ALIAS",
    "SRV-PATH-ENCODING",
    "SRV-IDEMPOTENT",
    "SRV-LIST-CONSISTENT",
)
ROUNDTRIP, ALIAS, ENCODING, IDEMPOTENT, LISTED = CROSS_REQUIREMENTS
_Variants = dict[tuple[int, bytes], list[Get]]  # exchanges by their answer (status, body)


@dataclass
class Cross:
    """Per rule: the exchanges it judged with their first contradiction (None: consistent), and,
    for a rule that judged nothing, why."""

    judged: dict[str, dict[Exchange, Finding | None]]
    unjudged: dict[str, str]

    def findings(self) -> list[Finding]:
        return [f for verdicts in self.judged.values() for f in verdicts.values() if f is not None]


def judge_across(exchanges: Iterable[Exchange]) -> Cross:
    recorded = gets(exchanges)
    retrievals = [get for get in recorded if get.requested is not None]
    rules = {requirement_id: Tally(requirement_id) for requirement_id in CROSS_REQUIREMENTS}
    _roundtrip(retrievals, rules[ROUNDTRIP])
    # Where the same request answered twice differs, no other comparison can blame that difference on
    # an alias, an encoding or the list: it is non-idempotence, and named so.
    unstable = _idempotent(retrievals, rules[IDEMPOTENT])
    _alias(retrievals, rules[ALIAS], unstable)
    _encodings(retrievals, rules[ENCODING], unstable)
    _list_consistent(recorded, retrievals, rules[LISTED], unstable)
    judged = {
        rid: {get.exchange: found for get, found in rule.verdicts.items()} for rid, rule in rules.items()
    }
    unjudged = {rid: _skipped(rule, recorded) for rid, rule in rules.items() if not rule.verdicts}
    return Cross(judged, unjudged)


def _roundtrip(retrievals: list[Get], rule: Tally) -> None:
    reporters: dict[str, list[Get]] = defaultdict(list)
    for get in retrievals:
        if get.reported is not None:
            reporters[get.reported].append(get)
    for b in retrievals:
        # b's verdict depends on b's answer alone: one reporter that may be compared suffices.
        for a in rule.partners(b, [reporters.get(b.requested or "", [])]):
            if b.reported == b.requested:
                rule.agree(b)
            elif b.kind == "missing":
                rule.contradict(
                    b,
                    a,
                    "an id another answer reported gets 404",
                    path="status",
                    expected=f"200 with id {b.requested!r}",
                    received="404 not_found_error",
                )
            else:
                rule.contradict(
                    b,
                    a,
                    "an id another answer reported returns another id",
                    path="$.id",
                    expected=b.requested,
                    received=b.reported,
                )


def _alias(retrievals: list[Get], rule: Tally, unstable: set[str]) -> None:
    aliases: dict[str, _Variants] = defaultdict(lambda: defaultdict(list))
    for get in retrievals:
        if get.reported is not None and get.reported != get.requested:
            aliases[get.reported][_answer(get)].append(get)
    for b in retrievals:
        for a in rule.partners(b, aliases[b.requested or ""].values()):
            if b.reported != b.requested:
                rule.defer(ROUNDTRIP)
                continue
            _compare(
                rule,
                a,
                b,
                difference(b.body, a.body),
                unstable,
                "an alias and the model it names return different objects",
            )


def _by_id(retrievals: list[Get]) -> dict[str, list[Get]]:
    by_id: dict[str, list[Get]] = defaultdict(list)
    for get in retrievals:
        by_id[get.requested or ""].append(get)
    return by_id


def _pairs(group: list[Get], rule: Tally) -> list[tuple[Get, Get]]:
    """Each retrieval of one id with an earlier one that may be compared, once per distinct answer."""
    pairs = []
    earlier: _Variants = defaultdict(list)
    for b in group:
        variants = [variant for variant in earlier.values() if not variant[0].kind == b.kind == "missing"]
        earlier[_answer(b)].append(b)
        pairs += [(a, b) for a in rule.partners(b, variants)]
    return pairs


def _found(a: Get, b: Get) -> tuple[str, object, object] | None:
    return ("status", a.status, b.status) if a.kind != b.kind else difference(a.body, b.body)


def _idempotent(retrievals: list[Get], rule: Tally) -> set[str]:
    """Two retrievals of one id sent the same way; returns the paths where such answers differed."""
    unstable: set[str] = set()
    for requested, group in _by_id(retrievals).items():
        for a, b in _pairs(group, rule):
            if a.segment != b.segment:
                continue
            if requested in (a.reported, b.reported) and a.reported != b.reported:
                rule.defer(ROUNDTRIP)  # one of them reported the id, the other did not return it
                continue
            found = _found(a, b)
            if found is not None:
                unstable.add(found[0])
            rule.compare(b, a, found, "two retrievals of one id differ")
    return unstable


def _encodings(retrievals: list[Get], rule: Tally, unstable: set[str]) -> None:
    """A retrieval by another equivalent encoding of an id, against the canonical one."""
    for requested, group in _by_id(retrievals).items():
        canonical = encode_segment(requested)
        for a, b in _pairs(group, rule):
            if a.segment == b.segment or canonical not in (a.segment, b.segment):
                continue
            judged, other = (b, a) if a.segment == canonical else (a, b)
            _compare(
                rule,
                judged,
                other,
                _found(a, b),
                unstable,
                "an equivalent encoding of an id returns another answer than its canonical encoding",
            )


def _compare(
    rule: Tally,
    judged: Get,
    other: Get,
    found: tuple[str, object, object] | None,
    unstable: set[str],
    message: str,
) -> None:
    if found is not None and found[0] in unstable:
        rule.defer(IDEMPOTENT)
    else:
        rule.compare(judged, other, found, message)


def _list_consistent(recorded: list[Get], retrievals: list[Get], rule: Tally, unstable: set[str]) -> None:
    pages: dict[str, _Variants] = defaultdict(lambda: defaultdict(list))
    for page in recorded:
        for model_id in page.listed:
            pages[model_id][_answer(page)].append(page)
    for b in retrievals:
        requested = b.requested or ""
        for page in rule.partners(b, pages[requested].values()):
            index, entry = page.listed[requested]
            if b.kind == "missing":
                rule.contradict(
                    b,
                    page,
                    "a listed id gets 404",
                    path="status",
                    expected=f"200 with the listed object data[{index}]",
                    received=404,
                )
                continue
            _compare(
                rule,
                b,
                page,
                difference(entry, b.body),
                unstable,
                "a listed model retrieved differs from its entry",
            )


def _answer(get: Get) -> tuple[int, bytes]:
    """What a verdict against ``get`` depends on: exchanges with the same answer give the same one."""
    return get.status, get.exchange.response.body


def _skipped(rule: Tally, recorded: list[Get]) -> str:
    if rule.unjudged:
        return rule.why_unjudged()
    models = [get for get in recorded if get.reported is not None]
    if rule.requirement_id == LISTED:
        if not any(get.listed for get in recorded):
            if any(get.kind == "list" for get in recorded):
                return "the list's entries are no valid model objects (SRV-200-* judge them)"
            return "no model list was seen (no GET /v1/models answered 200 with `data`)"
        return "no listed model was retrieved"
    if not models:
        return "no model was retrieved (no GET /v1/models/{id} answered 200 with a model)"
    if rule.requirement_id == IDEMPOTENT:
        return "no model was retrieved twice the same way"
    if rule.requirement_id == ENCODING:
        return "no model was retrieved both by its canonical and by another encoding of its id"
    if rule.requirement_id == ALIAS:
        alias = next((get for get in models if get.reported != get.requested), None)
        if alias is None:
            return "no alias was retrieved (every retrieval returned the id it asked for)"
        return f"alias {alias.requested!r} resolved to {alias.reported!r}, which was not retrieved"
    return "no retrieval of an id that another retrieval reported"
