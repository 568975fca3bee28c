"""Masking of personal data before it reaches a log line.

Logs are read by operators who need to follow a call, not to learn who
called: names and emails are shortened to a recognisable but useless stub.
"""

from __future__ import annotations

import re
from collections.abc import Container

_EMAIL = re.compile(
    r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9])[A-Za-z0-9.-]*(\.[A-Za-z]{2,})"
)


def mask_email(email: str) -> str:
    """``rahul.sharma@gmail.com`` -> ``r***@g***.com``; empty stays empty."""
    if not email:
        return ""
    local, _, domain = email.partition("@")
    if not domain:
        return mask_name(email)
    tld = domain.rsplit(".", 1)[-1] if "." in domain else ""
    return f"{local[:1]}***@{domain[:1]}***" + (f".{tld}" if tld else "")


def mask_name(name: str) -> str:
    """``Rahul Sharma`` -> ``R*** S***``: initials only."""
    return " ".join(f"{word[:1]}***" for word in name.split())


def mask_text(text: str) -> str:
    """Masks every email address inside free text (e.g. an error message)."""
    return _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}***{m.group(3)}", text)


def mask_field(key: str, value: str) -> str:
    """Masks a response_data value by its key_value (model names are not personal)."""
    if key == "email":
        return mask_email(value)
    if key == "name":
        return mask_name(value)
    return value


# A word: letters of any script (with the Indic vowel signs), or a run of digits.
_WORD = re.compile(r"(?:[^\W\d_]|[\u0900-\u0DFF\u200c\u200d])+|\d+")


def mask_words(text: str, keep: Container[str]) -> str:
    """Free text with every word not in ``keep`` (lower-case words) masked:
    ``my name is Rahul`` -> ``my name is R***``; digits become ``#``.

    For texts that may hold personal data anywhere (a customer's reply): what
    is kept are words known not to be personal (fillers, cues, catalogue
    words), so an unknown name or a spoken address never shows.
    """
    return _WORD.sub(lambda m: _masked_word(m.group(), keep), text)


def _masked_word(word: str, keep: Container[str]) -> str:
    if word.isdigit():
        return "#" * len(word)
    if word.lower() in keep:
        return word
    return f"{word[:1]}***"
