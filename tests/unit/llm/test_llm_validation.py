"""The checks an LLM value passes before it is trusted."""

from __future__ import annotations

import pytest

from callpipe.connectors.llm.validation import ValueValidator

# Names: Latin-letter names of one to four words pass, title-cased; anything
# else is dropped.
NAMES = [
    ("Rahul Sharma", "Rahul Sharma"),
    ("rahul SHARMA", "Rahul Sharma"),
    ("  Priya  ", "Priya"),
    ("rahul o'brien-SHARMA", "Rahul O'Brien-Sharma"),
    ("Anil ’D’souza", None),  # a word may not start with an apostrophe
    ("Will Smith", "Will Smith"),  # one listed word is fine, only-fillers is not
    ("Yes", None),
    ("Hello Sir", None),
    ("I Don't Know", None),
    ("राहुल शर्मा", None),  # the LLM must transliterate
    ("Rahul2", None),
    ("Rahul Sharma.", None),
    # Contract section 3 (amended): initials belong to the name, upper
    # case as given. Before it, a one-letter first word was dropped.
    ("R Sharma", "R Sharma"),
    ("p. lakshmi", "P. Lakshmi"),
    ("T R Mohan", "T R Mohan"),
    ("Shri Ashok Tiwari ji", "Ashok Tiwari"),
    ("Rajesh Bhai Patel", "Rajesh Patel"),  # a title between the names, as the rules read it
    ("Hetal ben Shah", "Hetal Shah"),
    ("Ben Thomas", "Ben Thomas"),  # the first word is a name, not a title between two
    ("Mr.", None),
    ("K. S.", None),  # initials alone are no name
    ("A B C D E", None),
    ("One Two Three Four Five", None),
    ("", None),
]

# Models: only catalogue models pass, always in canonical Brand Model form.
MODELS = [
    ("Tata Nexon EV", "Tata Nexon EV"),
    ("tata nexon ev", "Tata Nexon EV"),
    ("Nexon EV", "Tata Nexon EV"),
    ("nexon electric", "Tata Nexon EV"),
    ("Maruti Swift", "Maruti Suzuki Swift"),
    ("Mahindra XUV 700", "Mahindra XUV700"),
    ("Hyundai Creta", "Hyundai Creta"),
    ("Honda City e:HEV", "Honda City e:HEV"),
    ("Hyundai Nexon", None),  # right model, wrong brand: not trusted
    ("Tata", None),
    ("Tesla Model 3", None),
    ("an SUV", None),
    ("Tata Nexon EV or Creta", None),
    ("", None),
]

# Emails: addresses are lower-cased and stripped of spaces, then must match
# the rules' pattern.
EMAILS = [
    ("rahul.sharma@gmail.com", "rahul.sharma@gmail.com"),
    ("Rahul.Sharma@Gmail.COM", "rahul.sharma@gmail.com"),
    ("rahul . sharma @ gmail . com", "rahul.sharma@gmail.com"),
    ("rahul dot sharma at gmail dot com", None),  # the LLM must resolve spoken forms
    ("rahul@gmail", None),
    ("@gmail.com", None),
    ("not an email", None),
]

CASES = [
    pytest.param(field, value, expected, id=f"{field}: {value!r}")
    for field, table in (("name", NAMES), ("model", MODELS), ("email", EMAILS))
    for value, expected in table
]


@pytest.mark.parametrize(("field", "value", "expected"), CASES)
def test_a_value_passes_in_canonical_form_or_is_dropped(
    validator: ValueValidator, field: str, value: str, expected: str | None
) -> None:
    """A value the field's check trusts comes back canonical; any other is None."""
    assert validator.check(field, value) == expected
