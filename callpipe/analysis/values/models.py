"""A car model from the reply to "Which model are you looking for?" (rule extractor).

The reply and the catalogue are compared as catalogue tokens (see
`catalogue_tokens`), so case, punctuation and "xuv700" / "XUV 700" do not
matter. Every run of words that is a model name or alias counts; the
longest one wins ("nexon ev" over "nexon"), and among equally long ones the
first mentioned. Brands alone name no model.
"""

from __future__ import annotations

from callpipe.analysis.config import AnalysisConfig
from callpipe.analysis.matching import catalogue_tokens


def extract_model(reply: str, config: AnalysisConfig) -> str | None:
    """The canonical ``"Brand Model"`` named in ``reply``, or None."""
    tokens = catalogue_tokens(reply)
    aliases = config.model_aliases
    best: str | None = None
    best_length = 0
    for start in range(len(tokens)):
        longest = min(config.longest_alias, len(tokens) - start)
        # Only a longer match than the best so far can change the answer.
        for length in range(longest, best_length, -1):
            canonical = aliases.get(tuple(tokens[start : start + length]))
            if canonical is not None:
                best, best_length = canonical, length
                break
    return best
