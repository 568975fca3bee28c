"""json_type_name: JSON's word for what was found, in error messages."""

from __future__ import annotations

import pytest

from callpipe.jsontypes import json_type_name


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (None, "null"),
        (True, "boolean"),
        (False, "boolean"),
        (0, "number"),
        (1.5, "number"),
        ("", "string"),
        ([], "array"),
        ({}, "object"),
        (b"x", "bytes"),
        ((1,), "tuple"),
    ],
)
def test_json_names(value: object, name: str) -> None:
    assert json_type_name(value) == name
