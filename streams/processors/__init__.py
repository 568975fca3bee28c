"""What each stage does to one consumed record; Kafka-free and testable alone."""

from callpipe.streams.processors.base import Processor

__all__ = ["Processor"]
