"""The probes of a server run, chosen so that one answer serves many requirements.

Each probe is a request and what the suite means by it (:class:`~models_conformance.exchange.Probe`);
the judge decides which requirements its answer shows. Single-model probes are spread over the
discovered models by the seed, so successive runs cover others. A lean plan (the live profile) sends
fewer variants of each kind, never fewer kinds: every MUST requirement is still judged.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..contract import encode_segment
from ..exchange import Probe
from ..schemas import known_betas
from .ids import near_misses, repeated_to

__all__ = ["LIST_TARGET", "UNKNOWN_BETA", "Planned", "alias_guesses", "fixed_probes", "unknown_id"]

# The first page of the list: reaching the target, its credential form and discovery read this answer.
LIST_TARGET = "/v1/models?limit=1000"
UNKNOWN_BETA = "conformance-unknown-beta-2099-01-01"
# Far beyond any real id (10-40 characters), and the longest SRV-NO-5XX speaks of.
LONG_ID_LENGTHS = (1_000, 10_000)
_OTHER_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Encoded slashes and dot segments: none may lead anywhere but to a 4xx or the model named by the
# whole decoded segment.
_ROUTING = ("{id}%2F", "{id}%2F..", "..%2F{id}", "%2E%2E", "%2E", "..", ".", "%2F", "..%2Fmodels")
_LEAN_ROUTING = ("{id}%2F..", "..%2F{id}", "%2E%2E", "..", "..%2Fmodels")
# A dated model id and the alias its family name would be (claude-opus-4-5-20251101, claude-opus-4-5).
_DATED = re.compile(r"^(?P<family>.+)-(?P<date>20\d{6})$")


@dataclass(frozen=True)
class Planned:
    """One request of the plan: method, raw target (below the base URL), header options, meaning."""

    method: str
    target: str
    probe: Probe
    headers: dict[str, Any] = field(default_factory=dict)  # options of Target.headers()


def unknown_id(seed: int) -> str:
    return f"conformance-no-such-model-{random.Random(seed).getrandbits(32):08x}"


def alias_guesses(listed: Sequence[str], known: Sequence[str]) -> list[str]:
    """Aliases a target may have: a dated listed id without its date, where that is no known id."""
    guesses = []
    for model_id in listed:
        match = _DATED.match(model_id)
        if match and match["family"] not in known and match["family"] not in guesses:
            guesses.append(match["family"])
    return guesses


def _retrieve(model_id: str, probe: Probe, **headers: Any) -> Planned:
    return Planned("GET", f"/v1/models/{encode_segment(model_id)}", probe, headers)


def _encodings(model_id: str) -> list[tuple[str, str]]:
    """Encodings of ``model_id`` that RFC 3986 makes equivalent to the canonical one, with shapes."""
    octets = model_id.encode("utf-8")
    upper = "".join(f"%{byte:02X}" for byte in octets)
    lower = "".join(f"%{byte:02x}" for byte in octets)
    canonical = encode_segment(model_id)
    # Every other unreserved character encoded; the rest as the canonical form has it.
    mixed = "".join(
        f"%{ord(char):02X}"
        if index % 2 == 0 and char.isascii() and (char.isalnum() or char in "-._~")
        else encode_segment(char)
        for index, char in enumerate(model_id)
    )
    found = [
        (upper, "every octet percent-encoded"),
        (lower, "percent-encoded in lower-case hex"),
        (mixed, "some unreserved characters percent-encoded"),
    ]
    return [(raw, shape) for raw, shape in found if raw != canonical]


class _Rotation:
    """The models in turn from a seeded start: single-model probes spread over all of them."""

    def __init__(self, models: Sequence[str], start: int) -> None:
        self.models, self.next = models, start

    def __call__(self) -> str:
        chosen = self.models[self.next % len(self.models)]
        self.next += 1
        return chosen


def fixed_probes(
    models: Sequence[str],
    aliases: Sequence[str],
    guesses: Sequence[str],
    *,
    seed: int,
    lean: bool,
) -> Iterator[Planned]:
    """The probes every run sends before the generated ids, in order."""
    rng = random.Random(seed)
    model = _Rotation(models, rng.randrange(len(models)))
    valid = Probe(intent="model", key="valid", shape="listed model")
    for model_id in models:
        yield _retrieve(model_id, valid)
    for model_id in models[:1] if lean else models:
        yield _retrieve(model_id, Probe(intent="model", key="valid", shape="listed model, asked again"))
    for alias in aliases:
        yield _retrieve(alias, Probe(intent="alias", key="valid", shape="declared alias"))
    for guess in guesses[: 2 if lean else len(guesses)]:
        yield _retrieve(
            guess, Probe(intent="maybe-alias", key="valid", shape="alias guessed from a listed id")
        )
    yield from _credentials(model)
    yield _retrieve(model(), Probe(intent="model", key="valid", shape="no anthropic-version"), version=False)
    yield from _betas(model, aliases, rng, lean)
    for raw, shape in _encodings(model())[: 2 if lean else 3]:
        yield Planned("GET", f"/v1/models/{raw}", Probe(intent="model", key="valid", shape=shape))
    for raw in _LEAN_ROUTING if lean else _ROUTING:
        target = "/v1/models/" + raw.format(id=encode_segment(model()))
        yield Planned("GET", target, Probe(key="valid", shape="id with `/` or a dot segment"))
    for method in ("POST", "DELETE") if lean else _OTHER_METHODS:
        yield Planned(method, f"/v1/models/{encode_segment(model())}", Probe(key="valid", shape=f"{method}"))
    nothing = Probe(intent="nothing", key="valid", shape="made-up id")
    yield _retrieve(unknown_id(seed), nothing)
    for variant, shape in near_misses(model()):
        yield _retrieve(variant, Probe(intent="nothing", key="valid", shape=shape))
    for length in LONG_ID_LENGTHS:
        probe = Probe(intent="nothing", key="valid", shape=f"made-up id of {length:,} characters")
        yield _retrieve(repeated_to("conformance-long-id-", length), probe)


def _credentials(model: _Rotation) -> Iterator[Planned]:
    """Missing and wrong keys in both credential forms, and beside betas."""
    documented = known_betas()[0]
    yield _retrieve(model(), Probe(intent="model", key="none", shape="no credentials"), key="none")
    for form in ("x-api-key", "bearer"):
        probe = Probe(intent="model", key="wrong", shape=f"wrong key ({form})")
        yield _retrieve(model(), probe, key="wrong", form=form)
    probe = Probe(intent="model", key="wrong", betas="documented", shape="wrong key beside anthropic-beta")
    yield _retrieve(model(), probe, key="wrong", betas=documented)
    probe = Probe(
        intent="model", key="none", betas="documented", shape="no credentials beside anthropic-beta"
    )
    yield _retrieve(model(), probe, key="none", betas=documented)


def _betas(model: _Rotation, aliases: Sequence[str], rng: random.Random, lean: bool) -> Iterator[Planned]:
    """Every documented beta value across three requests: one alone, then the rest in two headers,
    comma-separated without and with spaces; then a made-up value, alone and beside documented ones."""
    betas = list(known_betas())
    rng.shuffle(betas)
    half = (len(betas) + 1) // 2
    headers = (betas[0], ",".join(betas[1:half]), ", ".join(betas[half:]))
    for index, header in enumerate(headers):
        target = aliases[0] if index == 0 and aliases and not lean else model()
        intent = "alias" if target in aliases else "model"
        shape = "documented beta" if index == 0 else "several documented betas in one header"
        yield _retrieve(
            target, Probe(intent=intent, key="valid", betas="documented", shape=shape), betas=header
        )
    unknown = Probe(intent="model", key="valid", betas="unknown", shape="unknown beta")
    yield _retrieve(model(), unknown, betas=UNKNOWN_BETA)
    beside = Probe(intent="model", key="valid", betas="unknown", shape="unknown beta beside documented ones")
    yield _retrieve(model(), beside, betas=f"{betas[0]},{UNKNOWN_BETA}")
