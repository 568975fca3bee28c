"""Speech-to-text noise markers: ``[inaudible]``, ``<unk>``, ``(unclear)``, ``{noise}``.

Contract section 3: a marker is never part of a value. A bracket counts as a
marker when everything inside it is one of the configured marker words
(speech.json ``noise_markers``) or nothing at all; other brackets ("SX(O)")
are text. Each extractor decides what a marker means for its value: a name
reads across it ("Sowmya <unk> Rao"), an address does not (a marker inside
an address hides a part of it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from callpipe.analysis.matching import lower_case


def noise_pattern(markers: Iterable[str]) -> re.Pattern[str]:
    """Matches a bracket holding only marker words (any case, any spacing)."""
    words = sorted(
        {word for marker in markers for word in lower_case(marker).replace("_", " ").split()}
    )
    if not words:
        inner = r"\s*"
    else:
        alternation = "|".join(re.escape(word) for word in words)
        inner = rf"[\s_\-.,]*(?:(?:{alternation})[\s_\-.,]*)*"
    return re.compile(rf"\[{inner}\]|<{inner}>|\({inner}\)|\{{{inner}\}}", re.IGNORECASE)


def replace_noise(text: str, pattern: re.Pattern[str], replacement: str) -> str:
    """``text`` with every noise marker replaced by ``replacement``."""
    if "[" not in text and "<" not in text and "(" not in text and "{" not in text:
        return text
    return pattern.sub(replacement, text)
