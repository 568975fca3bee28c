"""The topics of the pipeline and the Avro schema each one carries.

    calls.transcript-saved --extraction--> calls.extracted --analysis--> calls.analyzed
        --delivery--> HTTP POST, recorded on webhooks.delivered
    a call that keeps failing: webhooks.retry --retry--> HTTP POST again when due
    failures: calls.dead-letter (undecodable / invalid input), webhooks.dead-letter
    dlq.replayed: what `callpipe dlq replay` put back (so a second replay skips it)

Names here are logical; `TopicNames` (built from TOPIC_NAMES and
TOPIC_PREFIX in `callpipe.edges`) and `Settings.topic()` give the real ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Protocol

TRANSCRIPT_SAVED = "calls.transcript-saved"
EXTRACTED = "calls.extracted"
ANALYZED = "calls.analyzed"
DELIVERED = "webhooks.delivered"
WEBHOOKS_RETRY = "webhooks.retry"
CALLS_DEAD_LETTER = "calls.dead-letter"
WEBHOOKS_DEAD_LETTER = "webhooks.dead-letter"
DLQ_REPLAYED = "dlq.replayed"


@dataclass(frozen=True)
class TopicSpec:
    logical_name: str
    schema_file: str
    dead_letters: bool = False
    """Kept for DEAD_LETTER_RETENTION_DAYS (set when callpipe creates the topic)."""

    def schema_str(self) -> str:
        """The Avro schema, read from the package (schemas/ in a checkout)."""
        schema = resources.files("callpipe").joinpath("schemas", self.schema_file)
        return schema.read_text(encoding="utf-8")


STAGE_SOURCES: dict[str, str] = {
    "extraction": TRANSCRIPT_SAVED,
    "analysis": EXTRACTED,
    "delivery": ANALYZED,
    "retry": WEBHOOKS_RETRY,
}
"""The topic each stage consumes."""

TOPICS: dict[str, TopicSpec] = {
    spec.logical_name: spec
    for spec in (
        TopicSpec(TRANSCRIPT_SAVED, "transcript_saved.avsc"),
        TopicSpec(EXTRACTED, "call_extracted.avsc"),
        TopicSpec(ANALYZED, "call_analyzed.avsc"),
        TopicSpec(DELIVERED, "webhook_delivered.avsc"),
        TopicSpec(WEBHOOKS_RETRY, "webhook_retry.avsc"),
        TopicSpec(CALLS_DEAD_LETTER, "dead_letter.avsc", dead_letters=True),
        TopicSpec(WEBHOOKS_DEAD_LETTER, "dead_letter.avsc", dead_letters=True),
        TopicSpec(DLQ_REPLAYED, "dlq_replayed.avsc", dead_letters=True),
    )
}


class TopicNamer(Protocol):
    """Anything that turns a logical topic name into the real one."""

    def topic(self, name: str, /) -> str: ...


@dataclass(frozen=True, slots=True)
class TopicNames:
    """TOPIC_NAMES then TOPIC_PREFIX, as the edges see them (without the whole Settings)."""

    prefix: str = ""
    renames: tuple[tuple[str, str], ...] = ()
    """(logical, renamed) pairs; a tuple so that the value object stays hashable."""

    @classmethod
    def of(cls, prefix: str = "", renames: Mapping[str, str] | None = None) -> TopicNames:
        """From a prefix and a mapping of renames."""
        return cls(prefix, tuple(sorted((renames or {}).items())))

    def topic(self, name: str, /) -> str:
        """The real topic name for a logical one."""
        renamed = dict(self.renames).get(name, name)
        return f"{self.prefix}{renamed}"


def subject_for(names: TopicNamer, logical_name: str) -> str:
    """The registry subject of a topic's values (TopicNameStrategy)."""
    return f"{names.topic(logical_name)}-value"
