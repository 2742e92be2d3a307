"""Hypothesis strategies for valid bodies, written from the schemas in ``schemas/``.

hypothesis-jsonschema is broken with current hypothesis, and these schemas are small. Each strategy
is proven by a round trip (tests/test_strategies.py): whatever it draws, the same contract's
validator accepts.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from hypothesis import strategies as st

from models_conformance.schemas import CONTRACTS, DEFAULT_CONTRACT, later_fields, load_schema

__all__ = ["model_infos", "rfc3339_datetimes"]

# The seed: created_at "May be set to an epoch value if the release date is unknown."
_EPOCH = "1970-01-01T00:00:00Z"

# Whatever the offset, the UTC instant of these dates stays within years 1..9999, the range that
# Python's datetime (and most date libraries) can represent: a client must parse these, not overflow.
_DATES = st.dates(min_value=dt.date(1, 1, 2), max_value=dt.date(9999, 12, 30))
# Drawn on purpose: uniform dates almost never fall on one, and parsers get them wrong.
_LEAP_DAYS = (
    st.integers(1, 2499).map(lambda n: 4 * n).filter(calendar.isleap).map(lambda year: dt.date(year, 2, 29))
)
# RFC 3339 allows second 60 only at real leap seconds, which no schema validator can know: left out.
_TIMES = st.times().map(lambda time: time.strftime("%H:%M:%S"))
_FRACTIONS = st.text(alphabet="0123456789", min_size=1, max_size=9).map(lambda digits: "." + digits)
_OFFSETS = st.sampled_from(["Z", "z"]) | st.builds(
    "{}{:02d}:{:02d}".format, st.sampled_from("+-"), st.integers(0, 23), st.integers(0, 59)
)

# Printable: no control, format, surrogate, private-use or unassigned code points, nor line and
# paragraph separators; astral characters included.
_TEXTS = st.text(st.characters(exclude_categories=("C", "Zl", "Zp")))
_IDS = st.text(st.characters(exclude_categories=("C", "Zl", "Zp")), min_size=1)
# Beyond 2**53 JSON numbers lose precision in JavaScript clients (RFC 7493, I-JSON).
_SAFE_INTEGERS = st.integers(-(2**53) + 1, 2**53 - 1)
_TOKEN_COUNTS = st.none() | st.integers(0, 2**53 - 1)
_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | _SAFE_INTEGERS | st.floats(allow_nan=False, allow_infinity=False) | _TEXTS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_TEXTS, children, max_size=3),
    max_leaves=8,
)

# The capability names SDK 2.14 declares; servers may add others.
_CAPABILITY_NAMES = st.sampled_from(
    [
        "batch",
        "citations",
        "code_execution",
        "compaction",
        "context_management",
        "effort",
        "image_input",
        "pdf_input",
        "server_tools",
        "structured_outputs",
        "thinking",
    ]
)
_SUPPORT = st.fixed_dictionaries({"supported": st.booleans()})


def _merge(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    return {**first, **second}


# Shaped like real traffic: {"supported": bool} plus nested entries, e.g. thinking.types.adaptive.
_CAPABILITY = st.builds(
    _merge,
    st.dictionaries(_TEXTS, _SUPPORT | st.dictionaries(_TEXTS, _SUPPORT, max_size=2), max_size=3),
    _SUPPORT,
)
_CAPABILITIES = st.none() | st.dictionaries(_CAPABILITY_NAMES | _TEXTS, _CAPABILITY, max_size=4)


def rfc3339_datetimes() -> st.SearchStrategy[str]:
    """RFC 3339 date-times in every shape section 5.6 allows, all valid, plus the epoch.

    ``T`` or ``t``; ``Z``, ``z`` or a ``+hh:mm``/``-hh:mm`` offset (``-00:00`` included); no
    fraction or one of 1 to 9 digits (beyond 6, more precise than a Python datetime).
    """
    shapes = st.builds(
        "{}{}{}{}{}".format,
        (_DATES | _LEAP_DAYS).map(dt.date.isoformat),
        st.sampled_from("Tt"),
        _TIMES,
        st.just("") | _FRACTIONS,
        _OFFSETS,
    )
    # About one in ten: common in practice, yet the other shapes need the draws. Shrinks to the epoch.
    return st.integers(0, 9).flatmap(lambda pick: st.just(_EPOCH) if pick == 0 else shapes)


def model_infos(
    contract: str = DEFAULT_CONTRACT, *, extra_fields: bool = True
) -> st.SearchStrategy[dict[str, Any]]:
    """Valid BetaModelInfo bodies for ``contract``.

    The four seed fields always; the later fields the schema knows (max_input_tokens, capabilities,
    lifecycle, line, ...) when hypothesis chooses, with new values for the open enum ``line`` (and
    for ``lifecycle`` under 2023-06-01, where it is any string). ``extra_fields`` adds properties no
    schema knows, nested objects and arrays included, as servers add fields over time.
    """
    if contract not in CONTRACTS:
        raise ValueError(f"unknown contract version {contract!r}; expected one of {', '.join(CONTRACTS)}")
    base = load_schema("beta-model-info.json")["properties"]
    stages = load_schema("beta-model-info-2026-10-21.json")["properties"]["lifecycle"]["enum"]
    lifecycles = st.sampled_from(stages)
    required: dict[str, st.SearchStrategy[Any]] = {
        "id": _IDS,
        "created_at": rfc3339_datetimes(),
        "display_name": _TEXTS,
        "type": st.just("model"),
    }
    optional: dict[str, st.SearchStrategy[Any]] = {
        "max_input_tokens": _TOKEN_COUNTS,
        "max_tokens": _TOKEN_COUNTS,
        "capabilities": _CAPABILITIES,
        "lifecycle": lifecycles | _TEXTS,
        "line": st.none() | st.sampled_from(base["line"]["examples"]) | _TEXTS,
        "deprecated_at": st.none() | rfc3339_datetimes(),
        "retires_at": st.none() | rfc3339_datetimes(),
        "allowed_fallback_models": st.none() | st.lists(_IDS, max_size=3),
    }
    if set(optional) != set(later_fields()):
        # A field added to the schema needs a strategy here, or valid bodies would never carry it.
        raise RuntimeError(f"strategies and schema disagree on the later fields: {sorted(optional)}")
    if contract == "2026-10-21":
        required["lifecycle"] = lifecycles
        del optional["lifecycle"]
    bodies = st.fixed_dictionaries(required, optional=optional)
    if not extra_fields:
        return bodies
    unknown = st.dictionaries(_TEXTS.filter(lambda name: name not in base), _JSON_VALUES, max_size=3)
    return st.builds(_merge, bodies, unknown)
