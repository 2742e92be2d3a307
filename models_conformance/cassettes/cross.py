"""The requirements that take two recorded exchanges, judged across every file given.

Evidence is a GET of ``/v1/models/{id}`` answered 200 with a model object (a string ``id``) or 404
with ``error.type`` ``not_found_error``, and a GET of ``/v1/models`` answered 200 with a ``data``
array. Any other answer (401, 429, a 5xx, a proxy's HTML page) says nothing about these rules. Two
exchanges are compared only when :func:`.pairing.apart` finds nothing between them.

- SRV-ID-ROUNDTRIP: a retrieval of an id that another retrieval reported answers 200 with that id.
- SRV-ALIAS: a retrieval that reported another id than it asked for (an alias) returns the same
  object as a retrieval of that id.
- SRV-IDEMPOTENT: two retrievals of the same id return equal objects.
- SRV-LIST-CONSISTENT: a retrieval of a listed id answers 200 with the listed object.

A 404 for an id the server reported or listed within the window is a failure: the server named the
id and then did not know it, which a launch or a retirement explains only in the rare case that one
falls within those minutes. Objects are equal when they have the same fields with the same values,
as the live checks compare them; only a value a recorder replaced by a placeholder is no
difference. A fault is named once, by its most specific rule: a retrieval of a reported id that
gets 404 or another id is SRV-ID-ROUNDTRIP's, not also SRV-IDEMPOTENT's or SRV-ALIAS's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..results import ItemResult
from .formats import Cassette
from .recorded import Get, difference, gets
from .tally import Paired, Tally

__all__ = ["CROSS_REQUIREMENTS", "CrossRun", "Paired", "judge_across"]

CROSS_REQUIREMENTS = ("SRV-ID-ROUNDTRIP", "SRV-ALIAS", "SRV-IDEMPOTENT", "SRV-LIST-CONSISTENT")
ROUNDTRIP, ALIAS, IDEMPOTENT, LISTED = CROSS_REQUIREMENTS
_Variants = dict[tuple[int, bytes], list[Get]]  # exchanges by their answer (status, body)


@dataclass
class CrossRun:
    items: list[ItemResult]
    failures: list[Paired]

    def failed_lines(self) -> list[str]:
        """One line per failed rule: its first finding, which names both files."""
        lines = []
        for requirement_id in CROSS_REQUIREMENTS:
            found = [paired for paired in self.failures if paired.finding.requirement_id == requirement_id]
            if found:
                first = found[0].finding
                more = f" (+{len(found) - 1} more)" if len(found) > 1 else ""
                level = first.requirement.level
                lines.append(f"{requirement_id} ({level}) fails across the recordings: {first.message}{more}")
        return lines


def judge_across(cassettes: Iterable[Cassette]) -> CrossRun:
    """SRV-ID-ROUNDTRIP, SRV-ALIAS, SRV-IDEMPOTENT and SRV-LIST-CONSISTENT over every exchange of
    ``cassettes`` taken together; each rule skipped, with the reason, where nothing could show it."""
    loaded = list(cassettes)
    recorded = gets(loaded)
    retrievals = [get for get in recorded if get.requested is not None]
    rules = {requirement_id: Tally(requirement_id) for requirement_id in CROSS_REQUIREMENTS}
    _roundtrip(retrievals, rules[ROUNDTRIP])
    _alias(retrievals, rules[ALIAS])
    _idempotent(retrievals, rules[IDEMPOTENT])
    _list_consistent(recorded, retrievals, rules[LISTED])
    run = CrossRun([], [])
    scope = f"across {len(loaded)} file(s)"
    for requirement_id, rule in rules.items():
        if not rule.verdicts:
            run.items.append(ItemResult(scope, requirement_id, "skipped", _skipped(rule, recorded)))
        for judged, paired in rule.verdicts.items():
            nodeid = f"{judged.file}::interactions[{judged.index}]"
            if paired is None:
                run.items.append(ItemResult(nodeid, requirement_id, "passed"))
                continue
            run.failures.append(paired)
            message = f"{judged.file}, interaction {judged.index}: {paired.finding.message}"
            reproduction = paired.finding.reproduction
            run.items.append(
                ItemResult(nodeid, requirement_id, "failed", message, [paired.as_dict()], reproduction)
            )
    return run


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
                    b, a, f"retrieving {b.requested!r} ({b.where}) gets 404, though {a.where} "
                    "reported that id",
                    path="status", expected=f"200 with id {b.requested!r}", received="404 not_found_error",
                )  # fmt: skip
            else:
                rule.contradict(
                    b, a, f"retrieving {b.requested!r} ({b.where}) returns another id, though {a.where} "
                    "reported that id",
                    path="$.id", expected=b.requested, received=b.reported,
                )  # fmt: skip


def _alias(retrievals: list[Get], rule: Tally) -> None:
    aliases: dict[str, _Variants] = defaultdict(lambda: defaultdict(list))
    for get in retrievals:
        if get.reported is not None and get.reported != get.requested:
            aliases[get.reported][_answer(get)].append(get)
    for b in retrievals:
        for a in rule.partners(b, aliases[b.requested or ""].values()):
            if b.reported != b.requested:
                rule.defer(ROUNDTRIP)
                continue
            rule.compare(b, a, difference(a.body, b.body), (
                f"alias {a.requested!r} ({a.where}) and its model {b.requested!r} ({b.where}) "
                "return different objects at ", "",
            ))  # fmt: skip


def _idempotent(retrievals: list[Get], rule: Tally) -> None:
    by_id: dict[str, list[Get]] = defaultdict(list)
    for get in retrievals:
        by_id[get.requested or ""].append(get)
    for requested, group in by_id.items():
        earlier: _Variants = defaultdict(list)
        for b in group:
            variants = [variant for variant in earlier.values() if not variant[0].kind == b.kind == "missing"]
            earlier[_answer(b)].append(b)
            for a in rule.partners(b, variants):
                if requested in (a.reported, b.reported) and a.reported != b.reported:
                    rule.defer(ROUNDTRIP)  # one of them reported the id, the other did not return it
                    continue
                found = ("status", a.status, b.status) if a.kind != b.kind else difference(a.body, b.body)
                rule.compare(b, a, found, (
                    f"two retrievals of {requested!r} differ at ", f" ({a.where} and {b.where})"
                ))  # fmt: skip


def _list_consistent(recorded: list[Get], retrievals: list[Get], rule: Tally) -> None:
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
                    b, page, f"{requested!r} is listed ({page.where}, data[{index}]) but its retrieval "
                    f"gets 404 ({b.where})",
                    path="status", expected=f"200 with the listed object data[{index}]", received=404,
                )  # fmt: skip
                continue
            rule.compare(b, page, difference(entry, b.body), (
                f"{requested!r} retrieved ({b.where}) differs at ",
                f" from its list entry ({page.where}, data[{index}])",
            ))  # fmt: skip


def _answer(get: Get) -> tuple[int, bytes]:
    """What a verdict against ``get`` depends on: recordings with the same answer give the same one."""
    return get.status, get.exchange.response.body


def _skipped(rule: Tally, recorded: list[Get]) -> str:
    if rule.unjudged:
        return rule.why_unjudged()
    models = [get for get in recorded if get.reported is not None]
    if rule.requirement_id == LISTED:
        if not any(get.listed for get in recorded):
            return "no model list was recorded (no GET /v1/models answered 200 with `data`)"
        return "no listed model was retrieved"
    if not models:
        return "no model was retrieved (no GET /v1/models/{id} answered 200 with a model)"
    if rule.requirement_id == IDEMPOTENT:
        return "no model was retrieved twice"
    if rule.requirement_id == ALIAS:
        alias = next((get for get in models if get.reported != get.requested), None)
        if alias is None:
            return "no alias was retrieved (every retrieval returned the id it asked for)"
        return f"alias {alias.requested!r} resolved to {alias.reported!r}, which was not retrieved"
    return "no retrieval of an id that another retrieval reported (each model was retrieved once)"
