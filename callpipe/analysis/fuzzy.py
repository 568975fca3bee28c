"""Bounded edit distance, for speech-to-text slips in model names (contract section 3).

"Harriar" is one edit from "harrier", "Seltoss" one from "seltos". The
distance counts insertions, deletions, substitutions and swaps of two
neighbouring letters (optimal string alignment), and gives up as soon as it
exceeds the bound, so comparing a word with a catalogue is cheap.
"""

from __future__ import annotations

from typing import Final

# Letters a phone line and speech-to-text mix up at the start of a word
# ("Kreta" for Creta, "Werna" for Verna, "Artiga" for Ertiga): a slip may
# change the first letter only within its class.
_FIRST_LETTER_CLASS: Final = {"k": "c", "q": "c", "z": "s", "w": "v", "a": "e"}


def first_letter_class(word: str) -> str:
    first = word[:1]
    return _FIRST_LETTER_CLASS.get(first, first)


def allowed_edits(word: str) -> int:
    """How many slips a catalogue word of this length may show: none for four
    letters or fewer ("Thar", "Alto": too many everyday words are that close),
    one up to eight letters, two from nine."""
    if len(word) <= 4:
        return 0
    return 1 if len(word) <= 8 else 2


def bounded_distance(left: str, right: str, bound: int) -> int:
    """The edit distance of ``left`` and ``right``, or ``bound + 1`` when larger."""
    if left == right:
        return 0
    if abs(len(left) - len(right)) > bound:
        return bound + 1
    previous_previous: list[int] = []
    previous = list(range(len(right) + 1))
    for i in range(1, len(left) + 1):
        current = [i] + [0] * len(right)
        smallest = i
        for j in range(1, len(right) + 1):
            cost = 0 if left[i - 1] == right[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and left[i - 1] == right[j - 2] and left[i - 2] == right[j - 1]:
                value = min(value, previous_previous[j - 2] + 1)
            current[j] = value
            smallest = min(smallest, value)
        if smallest > bound:
            return bound + 1
        previous_previous, previous = previous, current
    return min(previous[len(right)], bound + 1)
