"""Generated model ids for the robustness property (SRV-NO-5XX)."""

from __future__ import annotations

from hypothesis import strategies as st

__all__ = ["LENGTH_LADDER", "MAX_ID_LENGTH", "model_ids", "repeated_to"]

MAX_ID_LENGTH = 10_000
# Lengths every run tries, between real ids (10-40 characters) and the longest: a server that fails
# only on ids of some hundreds of characters is found, and an edge proxy that refuses the longest
# request targets (an HTML 414 past some kilobytes) cannot hide what happens below its limit.
LENGTH_LADDER = (200, 500, 2_000, 5_000)

# Ids that tend to break routers, decoders and path normalisers.
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
    "claude-opus-4-6/",
    "claude-opus-4-6/..",
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
    "a" * 10_000,
)


def repeated_to(unit: str, length: int) -> str:
    """``unit`` repeated and cut to exactly ``length`` characters."""
    return (unit * (length // len(unit) + 1))[:length]


# 1 to 10,000 spread evenly on a log scale: each decade of lengths is drawn as often as the next.
_LENGTHS = st.integers(0, 60).map(lambda step: max(1, round(MAX_ID_LENGTH ** (step / 60))))


def model_ids() -> st.SearchStrategy[str]:
    """Any Unicode text of 1 to 10,000 characters (no lone surrogates: they cannot be UTF-8 encoded).

    Long ids are a short random unit repeated to a length drawn on a log scale: drawing 10,000 single
    characters would cost hypothesis far more than the request, and its own sizes favour short texts.
    """
    characters = st.characters(exclude_categories=["Cs"])
    return st.one_of(
        st.sampled_from(AWKWARD_IDS),
        st.text(characters, min_size=1, max_size=40),
        st.text(st.sampled_from("%/.;?#&=+:@!$'()*, -_~"), min_size=1, max_size=12),
        st.builds(repeated_to, st.text(characters, min_size=1, max_size=8), _LENGTHS),
        st.text(characters, min_size=1, max_size=MAX_ID_LENGTH),
    )
