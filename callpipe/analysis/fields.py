"""The three data points of the payload, in the order the contract fixes.

The labels are part of the customer's API (contract section 3), so they are
code, not configuration: changing one would break the receiver.
"""

from __future__ import annotations

from typing import Final, Literal

Field = Literal["name", "model", "email"]

FIELDS: Final[tuple[Field, ...]] = ("name", "model", "email")

FIELD_LABELS: Final[dict[Field, str]] = {
    "name": "What's your name",
    "model": "Which model you are looking for",
    "email": "What is your email id",
}

Remarks = Literal["verified", "not_available", "not_attempted"]


def as_field(value: str) -> Field:
    """``value`` as a Field, or ValueError when it names none of the three."""
    for field in FIELDS:
        if value == field:
            return field
    raise ValueError(f"unknown field {value!r} (expected one of {', '.join(FIELDS)})")
