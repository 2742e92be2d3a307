"""The ids a run asks for beyond the listed ones: generated ids for every length band, and near
misses of real ids in the shapes that typos and sloppy code give them.

Every run tries one id of every length band before anything is generated (so a server that fails
only on ids of some thousands of characters is found whatever the seed), then generated ids whose
band is drawn evenly and whose length is drawn within it.
"""

from __future__ import annotations

import random
import unicodedata

from hypothesis import strategies as st

__all__ = ["BANDS", "MAX_ID_LENGTH", "banded_ids", "generated_ids", "near_misses", "repeated_to"]

MAX_ID_LENGTH = 10_000
# Lengths from 1 to 10,000 in bands of half a decade: real ids (10-40 characters) fall in one, and
# each order of length that routers, decoders or an edge proxy treat differently has its own.
BANDS: tuple[tuple[int, int], ...] = (
    (1, 1),
    (2, 3),
    (4, 9),
    (10, 31),
    (32, 99),
    (100, 316),
    (317, 999),
    (1_000, 3_162),
    (3_163, 9_999),
    (10_000, 10_000),
)

# Characters that break routers, decoders and path normalisers, beside ordinary and non-ASCII ones.
_RESERVED = "%/.;?#&=+:@!$'()*, -_~[]"
_PLAIN = "abcdefghijklmnopqrstuvwxyz0123456789-._~"
_UNICODE = "üßé模型😀İﬁⅫ\u00a0\u200b\ufeff\u0000\t"
# Ids that tend to break routers, decoders and path normalisers, tried as they are.
AWKWARD_IDS = (
    "%",
    "%%",
    "%zz",
    "%00",
    "/",
    "//",
    ".",
    "..",
    "../models",
    ";",
    ";x",
    "?",
    "#",
    " ",
    "\t",
    "\u00a0",
    "\u0000",
    "\ufeff",
    "\U0001f600",
    "claude\u200bopus",
    "Ⅻ",
    "ﬁ",
    "İ",
)


def repeated_to(unit: str, length: int) -> str:
    """``unit`` repeated and cut to exactly ``length`` characters."""
    return (unit * (length // len(unit) + 1))[:length]


def banded_ids(seed: int) -> list[tuple[str, str]]:
    """Ids of every length band drawn from the seed, (id, shape): first one of plain ASCII per band
    (its request target is as long as the id), then one mixing reserved and non-ASCII characters (its
    target up to nine times longer once encoded, past what many proxies forward)."""
    rng = random.Random(seed)
    plain, mixed = (
        "abcdefghijklmnopqrstuvwxyz0123456789-._~",
        _RESERVED + _UNICODE + "abcdefghijklmnopqrstuvwxyz",
    )
    found = []
    for pool, kind in ((plain, "plain"), (mixed, "mixed")):
        for low, high in BANDS:
            length = rng.randint(low, high)
            unit = "".join(rng.choice(pool) for _ in range(rng.randint(1, 8)))
            found.append((repeated_to(unit, length), f"generated id of {_band(low, high)} ({kind})"))
    return found


def _band(low: int, high: int) -> str:
    if low == high:
        return f"{low:,} character{'s' if low > 1 else ''}"
    return f"{low:,}-{high:,} characters"


def band_of(length: int) -> str:
    """The band a length falls in, as the shapes of generated ids name it."""
    for low, high in BANDS:
        if low <= length <= high:
            return _band(low, high)
    return f"over {MAX_ID_LENGTH:,} characters"


def generated_ids() -> st.SearchStrategy[str]:
    """Any Unicode id of 1 to 10,000 characters (no lone surrogates: they cannot be UTF-8 encoded),
    its length band drawn evenly, then its length within the band.

    Long ids are a short random unit repeated: drawing 10,000 single characters would cost
    hypothesis far more than the request, and its own sizes favour short texts.
    """
    characters = st.characters(exclude_categories=["Cs"])
    # Plain ASCII units keep a long id's request target as long as the id: under the limit an edge
    # proxy puts on request targets, where encoded characters would push it over.
    units = (
        st.text(characters, min_size=1, max_size=8)
        | st.text(st.sampled_from(_RESERVED), min_size=1, max_size=4)
        | st.text(st.sampled_from(_PLAIN), min_size=1, max_size=8)
    )
    lengths = st.sampled_from(BANDS).flatmap(lambda band: st.integers(*band))
    return st.one_of(
        st.sampled_from(AWKWARD_IDS),
        st.builds(repeated_to, units, lengths),
        st.text(characters, min_size=1, max_size=40),
    )


def near_misses(model_id: str) -> list[tuple[str, str]]:
    """Ids that are almost ``model_id`` and name no model: (id, shape).

    The shapes of typos and of code that trims, folds or normalises what it is given: a server that
    matches ids loosely answers them with the model.
    """
    found = [
        (model_id.upper() if model_id.upper() != model_id else model_id.lower(), "near miss: case changed"),
        (f" {model_id}", "near miss: a leading blank"),
        (f"{model_id} ", "near miss: a trailing blank"),
        (f"{model_id}x", "near miss: a character appended"),
        (_look_alike(model_id), "near miss: Unicode look-alikes that NFKC folds into the id"),
    ]
    return [(variant, shape) for variant, shape in found if variant != model_id]


def _look_alike(model_id: str) -> str:
    """``model_id`` with its ASCII letters, digits and hyphens in their full-width forms, which Unicode
    normalisation (NFKC) turns back into the id."""
    shifted = "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in model_id)
    # Returned unchanged (and so left out) where normalisation would not give the id back.
    return shifted if unicodedata.normalize("NFKC", shifted) == model_id else model_id
