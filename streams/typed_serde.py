"""A topic's Avro serde, typed by the TypedDict of its record.

fastavro reads and writes plain dicts; the registry serde types them
``dict[str, Any]``. A stage sees its records as the TypedDicts of
`callpipe.record_types` instead: the one cast between the two is here, and
tests/unit/test_record_types.py checks that each TypedDict is its schema.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar, cast

from callpipe.connectors.registry import AvroSerde, SerdeFactory

R = TypeVar("R")


class TypedSerde(Generic[R]):
    """Encodes and decodes one topic's records as ``R`` (a TypedDict of record_types)."""

    def __init__(self, serde: AvroSerde) -> None:
        self._serde = serde

    @classmethod
    def of(cls, serdes: SerdeFactory, topic: str, record: type[R]) -> TypedSerde[R]:
        """The serde of logical ``topic``, whose records are ``record``."""
        return cls(serdes.for_topic(topic))

    def encode(self, record: R) -> bytes:
        return self._serde.encode(cast(dict[str, Any], record))

    def decode(self, data: bytes | None) -> R:
        """Raises DecodeError like the registry serde."""
        return cast(R, self._serde.decode(data))
