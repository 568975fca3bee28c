"""What a value extractor read from one reply, and by which rule (for ``--explain``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reading:
    """A reply's value (None: none valid) and the rule that decided it.

    ``rule`` names the rule ("introduction", "fuzzy catalogue match", ...);
    ``detail`` says more, never quoting a name or an address (it is shown
    unmasked by ``--explain``; model names and phrases of the configuration
    may appear).
    """

    value: str | None
    rule: str
    detail: str = ""

    def describe(self) -> str:
        """``rule`` and ``detail`` as one phrase."""
        return f"{self.rule} ({self.detail})" if self.detail else self.rule
