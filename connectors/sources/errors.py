"""Errors at the source connectors' boundary; library errors are wrapped `from exc`.

SourceError
 +-- SourceFileError      a transcript file cannot be read or is not JSON
 +-- SourceUnavailable    Kafka or the schema registry cannot take records now
 +-- RecordTooLarge       a transcript is bigger than Kafka accepts
 +-- UnprotectedIngest    the HTTP ingest would listen beyond loopback without a key

An invalid transcript is not a source error: it is the analysis' own
`TranscriptError`, which names the field.
"""

from __future__ import annotations

from pathlib import Path


class SourceError(Exception):
    """Root of the source connectors' errors."""


class SourceFileError(SourceError):
    """A transcript file that cannot be read, or whose content is not JSON."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class SourceUnavailable(SourceError):
    """Kafka or the schema registry is unreachable or refused a record; try again later."""


class RecordTooLarge(SourceError):
    """The encoded transcript exceeds Kafka's message size limit; retrying will not help."""


class UnprotectedIngest(SourceError):
    """The HTTP ingest was asked to listen on a non-loopback address without INGEST_API_KEYS."""
