"""Numbers said as words, as digits (contract section 3: in emails).

"seven eight" -> ``78``, "double five" -> ``55``, "triple nine" -> ``999``,
"forty two" -> ``42``, "nineteen" -> ``19``, "ninety nine" -> ``99``,
"nineteen eighty five" -> ``1985`` (two numbers said one after the other are
written one after the other), "two thousand ten" -> ``2010``, "seven
hundred" -> ``700``. The words are configuration (speech.json ``numbers``,
``repeats``); a digit already written ("double 7") counts as its word.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

HUNDRED: Final = 100
THOUSAND: Final = 1000
_AND: Final = "and"


class NumberWords:
    """The configured number words, compiled once."""

    __slots__ = ("_repeats", "_values")

    def __init__(self, values: Mapping[str, int], repeats: Mapping[str, int]) -> None:
        self._values = dict(values)
        self._repeats = dict(repeats)

    def is_number_word(self, word: str) -> bool:
        return word in self._values or word in self._repeats

    def times(self, word: str) -> int:
        """How often "double", "triple" ... repeat what follows (1 for other words)."""
        return self._repeats.get(word, 1)

    def read(self, words: list[str], start: int) -> tuple[str, int] | None:
        """The digits of the number said at ``words[start]`` and the index after
        it, or None when no number starts there."""
        word = words[start]
        times = self._repeats.get(word)
        if times is not None:
            unit = self._unit(words, start + 1)
            return (str(unit) * times, start + 2) if unit is not None else None
        value = self._value(word)
        if value is None:
            return None
        if value < 10:
            return self._after_unit(words, start, value)
        if value < 20 or value >= HUNDRED:
            return str(value), start + 1
        # A ten, maybe with its unit: "ninety nine", "ninety-nine".
        after = start + 2 if start + 2 < len(words) and words[start + 1] == "-" else start + 1
        unit = self._unit(words, after)
        if unit is not None and unit > 0:
            return str(value + unit), after + 1
        return str(value), start + 1

    def repeats_letter(self, words: list[str], start: int) -> bool:
        """Whether ``words[start]`` is "double" or "triple" before a letter
        ("double e"): letters repeated, not digits."""
        return (
            words[start] in self._repeats
            and start + 1 < len(words)
            and len(words[start + 1]) == 1
            and words[start + 1].isalpha()
        )

    def _after_unit(self, words: list[str], start: int, unit: int) -> tuple[str, int]:
        """A unit, or the hundreds or thousands it starts ("two thousand ten")."""
        following = self._value(words[start + 1]) if start + 1 < len(words) else None
        if following == HUNDRED:
            rest, end = self._below(words, start + 2, HUNDRED)
            return str(unit * HUNDRED + rest), end
        if following == THOUSAND:
            end = start + 2
            value = unit * THOUSAND
            hundreds = self._unit(words, end)
            if hundreds and end + 1 < len(words) and self._value(words[end + 1]) == HUNDRED:
                value += hundreds * HUNDRED
                end += 2
            rest, end = self._below(words, end, HUNDRED)
            return str(value + rest), end
        return str(unit), start + 1

    def _below(self, words: list[str], start: int, limit: int) -> tuple[int, int]:
        """A number below ``limit`` said at ``start`` (after an optional "and"), or 0."""
        index = start + 1 if start < len(words) and words[start] == _AND else start
        if index >= len(words):
            return 0, start
        value = self._value(words[index])
        if value is None or value >= limit:
            return 0, start
        if 20 <= value < HUNDRED:
            unit = self._unit(words, index + 1)
            if unit:
                return value + unit, index + 2
        return value, index + 1

    def _unit(self, words: list[str], index: int) -> int | None:
        if index >= len(words):
            return None
        value = self._value(words[index])
        return value if value is not None and value < 10 else None

    def _value(self, word: str) -> int | None:
        value = self._values.get(word)
        if value is None and len(word) == 1 and word.isdigit():
            return int(word)
        return value


def words_as_digits(words: list[str], numbers: NumberWords, unsure: str) -> list[tuple[str, int]]:
    """``words`` with every number said in words replaced by its digits:
    (word or digits, index in ``words`` of its first word).

    A letter said twice or thrice ("double e") is written so ("ee"), except
    ``o``: "double o seven" may be "oo7" or "007", so it becomes ``unsure``
    (the caller's marker for a part that cannot be read with confidence).
    """
    out: list[tuple[str, int]] = []
    index = 0
    while index < len(words):
        if numbers.repeats_letter(words, index):
            letter = words[index + 1]
            times = numbers.times(words[index])
            out.append((unsure if letter == "o" else letter * times, index))
            index += 2
            continue
        found = numbers.read(words, index) if numbers.is_number_word(words[index]) else None
        if found is None:
            out.append((words[index], index))
            index += 1
        else:
            out.append((found[0], index))
            index = found[1]
    return out
