"""The JSON name of a decoded value's type, for error messages that name the field.

Both the transcript parser and the reference receiver's payload check say
what they got in JSON's words ("expected a string, got number"), not
Python's.
"""

from __future__ import annotations


def json_type_name(value: object) -> str:
    """``null``, ``boolean``, ``number``, ``string``, ``array`` or ``object``
    (bool before int: a bool is an int); the Python type name otherwise."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__
