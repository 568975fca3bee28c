"""The extraction stage: attempt windows in, one value per field out.

It is split in two pure halves around the value step, so that the step can
be swapped:

- `find_attempt_windows` (from `questions`) finds every attempt;
- a value extractor maps each window id to a value or None (the rules do it
  window by window; an LLM extractor may do all windows in one request);
- `assemble_extraction` turns windows and values into an `Extraction`.

`extract` runs the three with an extractor, the rule extractor by default.
An `Extraction` crosses Kafka as the plain dict of `extraction_to_dict`
(times as ISO 8601 strings with their offset).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from typing import Any, Final

from callpipe.analysis.config import AnalysisConfig
from callpipe.analysis.fields import FIELDS, Field, Remarks, as_field
from callpipe.analysis.questions import REPLY_SEPARATOR, AttemptWindow, find_attempt_windows
from callpipe.analysis.transcript import Transcript
from callpipe.analysis.values.extractor import RuleExtractor, ValueExtractor

__all__ = [
    "Attempt",
    "Extraction",
    "ExtractionFormatError",
    "FieldExtraction",
    "assemble_extraction",
    "extract",
    "extraction_from_dict",
    "extraction_to_dict",
    "find_attempt_windows",
]


class ExtractionFormatError(ValueError):
    """An extraction dict (e.g. read from Kafka) does not have the documented shape."""


@dataclass(frozen=True, slots=True)
class Attempt:
    """One attempt at a field, with the value found in its reply (None: none valid)."""

    window_id: str
    sequence: int
    question_index: int
    start: datetime
    end: datetime
    reply_text: str
    value: str | None


@dataclass(frozen=True, slots=True)
class FieldExtraction:
    """All attempts at one field and the value chosen (from the last attempt that had one)."""

    field: Field
    attempts: tuple[Attempt, ...]
    value: str | None

    @property
    def remarks(self) -> Remarks:
        if self.value is not None:
            return "verified"
        return "not_available" if self.attempts else "not_attempted"


@dataclass(frozen=True, slots=True)
class Extraction:
    """The three fields in contract order, and which extractor produced the values."""

    fields: tuple[FieldExtraction, ...]
    source: str

    def field(self, name: Field) -> FieldExtraction:
        return self.fields[FIELDS.index(name)]

    def attempts_in_call_order(self) -> list[tuple[Field, Attempt]]:
        """Every attempt of every field, in the order the questions were asked."""
        every = [(entry.field, attempt) for entry in self.fields for attempt in entry.attempts]
        every.sort(key=lambda pair: pair[1].question_index)
        return every

    def last_attempt(self) -> tuple[Field, Attempt] | None:
        """The field and attempt of the last question asked, or None when nothing was."""
        last: tuple[Field, Attempt] | None = None
        for entry in self.fields:
            if entry.attempts:
                attempt = entry.attempts[-1]
                if last is None or attempt.question_index > last[1].question_index:
                    last = (entry.field, attempt)
        return last


def assemble_extraction(
    windows: Iterable[AttemptWindow], values: Mapping[str, str | None], source: str
) -> Extraction:
    """The Extraction for ``windows`` given each window's value (by window id).

    A window missing from ``values``, or whose value is blank, yielded no
    valid value. An id in ``values`` that names no window is a bug in the
    extractor and raises ValueError.
    """
    per_field: dict[Field, list[Attempt]] = {field: [] for field in FIELDS}
    used = 0
    for window in windows:
        value = values.get(window.id, _ABSENT)
        if value is _ABSENT:
            value = None
        else:
            used += 1
            if value is not None:
                value = value.strip() or None  # blank is no value
        per_field[window.field].append(_attempt(window, window.reply_text, value))
    if used != len(values):
        known = {attempt.window_id for attempts in per_field.values() for attempt in attempts}
        unknown = ", ".join(sorted(set(values) - known))
        raise ValueError(f"values for unknown attempt windows: {unknown}")
    return Extraction(
        fields=tuple(_field_extraction(field, per_field[field]) for field in FIELDS),
        source=source,
    )


def _field_extraction(field: Field, attempts: list[Attempt]) -> FieldExtraction:
    attempts.sort(key=_BY_SEQUENCE)
    return _chosen(field, attempts)


def _attempt(window: AttemptWindow, reply_text: str, value: str | None) -> Attempt:
    return Attempt(
        window.id,
        window.sequence,
        window.question_index,
        window.start,
        window.end,
        reply_text,
        value,
    )


_BY_SEQUENCE: Final = attrgetter("sequence")
_ABSENT: Final[Any] = object()


def extract(
    transcript: Transcript,
    config: AnalysisConfig,
    extractor: ValueExtractor | None = None,
    *,
    source: str = "rules",
) -> Extraction:
    """Windows, values and assembly in one call (the rule extractor unless given one).

    The same Extraction as `assemble_extraction(windows, values, source)`
    with ``values`` from the extractor for every window with a reply, built
    in one pass: each reply is joined once, and the windows come in question
    order with their sequences counting up, so no field needs sorting.
    """
    value_step = extractor if extractor is not None else RuleExtractor(config)
    per_field: dict[Field, list[Attempt]] = {field: [] for field in FIELDS}
    windows = find_attempt_windows(transcript, config)
    for window in windows:
        reply_text = REPLY_SEPARATOR.join(window.replies)
        value = value_step.extract(window.field, reply_text) if window.replies else None
        if value is not None:
            value = value.strip() or None  # blank is no value
        per_field[window.field].append(_attempt(window, reply_text, value))
    return Extraction(
        fields=tuple(_chosen(field, per_field[field]) for field in FIELDS), source=source
    )


def _chosen(field: Field, attempts: list[Attempt]) -> FieldExtraction:
    """The field's attempts, in sequence order already, and the last value found."""
    chosen = None
    for attempt in attempts:  # the last attempt with a value wins
        if attempt.value is not None:
            chosen = attempt.value
    return FieldExtraction(field, tuple(attempts), chosen)


# --- the dict form ------------------------------------------------------------


def extraction_to_dict(extraction: Extraction) -> dict[str, Any]:
    """JSON-able form: ``{"source", "fields": [{"field", "value", "attempts": [...]}]}``."""
    return {
        "source": extraction.source,
        "fields": [
            {
                "field": entry.field,
                "value": entry.value,
                "attempts": [
                    {
                        "window_id": attempt.window_id,
                        "sequence": attempt.sequence,
                        "question_index": attempt.question_index,
                        "start": attempt.start.isoformat(),
                        "end": attempt.end.isoformat(),
                        "reply_text": attempt.reply_text,
                        "value": attempt.value,
                    }
                    for attempt in entry.attempts
                ],
            }
            for entry in extraction.fields
        ],
    }


def extraction_from_dict(data: Mapping[str, Any]) -> Extraction:
    """Reads back `extraction_to_dict`'s form; ExtractionFormatError when malformed."""
    try:
        fields = tuple(_field_from_dict(entry) for entry in data["fields"])
        source = data["source"]
        if not isinstance(source, str):
            raise TypeError("source is not a string")
    except (KeyError, TypeError, ValueError) as exc:
        raise ExtractionFormatError(f"not an extraction dict: {exc}") from exc
    if tuple(entry.field for entry in fields) != FIELDS:
        raise ExtractionFormatError(f"fields must be {', '.join(FIELDS)} in that order")
    return Extraction(fields=fields, source=source)


def _field_from_dict(entry: Mapping[str, Any]) -> FieldExtraction:
    attempts = tuple(
        Attempt(
            window_id=_str(item["window_id"]),
            sequence=_int(item["sequence"]),
            question_index=_int(item["question_index"]),
            start=_aware(item["start"]),
            end=_aware(item["end"]),
            reply_text=_str(item["reply_text"]),
            value=_optional_str(item["value"]),
        )
        for item in entry["attempts"]
    )
    return FieldExtraction(
        field=as_field(_str(entry["field"])), attempts=attempts, value=_optional_str(entry["value"])
    )


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value


def _optional_str(value: object) -> str | None:
    return None if value is None else _str(value)


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected an integer, got {value!r}")
    return value


def _aware(value: object) -> datetime:
    moment = datetime.fromisoformat(_str(value))
    if moment.tzinfo is None:
        raise ValueError(f"time without offset: {value!r}")
    return moment
