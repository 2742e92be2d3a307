"""Generated model ids for the robustness property (SRV-NO-5XX)."""

from __future__ import annotations

from hypothesis import strategies as st

__all__ = ["model_ids"]

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


def model_ids() -> st.SearchStrategy[str]:
    """Any Unicode text of 1 to 10,000 characters (no lone surrogates: they cannot be UTF-8 encoded)."""
    characters = st.characters(exclude_categories=["Cs"])
    return st.one_of(
        st.sampled_from(AWKWARD_IDS),
        st.text(characters, min_size=1, max_size=40),
        st.text(st.sampled_from("%/.;?#&=+:@!$'()*, -_~"), min_size=1, max_size=12),
        st.text(characters, min_size=1, max_size=10_000),
    )
