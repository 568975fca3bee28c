"""Errors at the registry boundary; library errors are wrapped `from exc`.

RegistryError            registry unreachable or refused a schema
SerdeError
 +-- EncodeError         a record does not fit its topic's schema
 +-- DecodeError         bytes are not a record of a known schema
"""

from __future__ import annotations


class RegistryError(RuntimeError):
    """The registry could not be reached or refused a request."""

    def __init__(self, subject: str, message: str, status: int | None = None) -> None:
        super().__init__(f"{subject}: {message}")
        self.subject = subject
        self.status = status


class SerdeError(ValueError):
    def __init__(self, topic: str, message: str) -> None:
        super().__init__(f"{topic}: {message}")
        self.topic = topic


class EncodeError(SerdeError):
    """A record does not fit its topic's schema."""


class DecodeError(SerdeError):
    """Bytes that are not a record of a registered schema."""
