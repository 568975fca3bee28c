"""A human-readable account of how a payload was decided (``analyze --explain``).

Personal data is masked (callpipe.privacy): names and emails show as
initials, reply texts are not shown at all; car models are not personal.
For each field it says which reply and which rule gave the value, or why
each reply gave none (the rules' own explanation, `values.Reading`).
"""

from __future__ import annotations

from datetime import tzinfo

from callpipe.analysis.config import AnalysisConfig
from callpipe.analysis.extraction import Attempt, FieldExtraction
from callpipe.analysis.matching import lower_case, phrase_key
from callpipe.analysis.payload import Analysis, Decision
from callpipe.analysis.times import format_optional_time, format_time
from callpipe.analysis.values.extractor import RuleExtractor
from callpipe.privacy import mask_field

RULE_SOURCES = ("rules", "rules-fallback")


def explain_lines(
    analysis: Analysis, tz: tzinfo, config: AnalysisConfig | None = None
) -> list[str]:
    """The explanation, one line per fact, in the order the engine decided.

    With ``config`` (the one the values were read with), each reply's rule is
    named too.
    """
    transcript = analysis.transcript
    lines = [f"call {transcript.call_ref_id}: {len(transcript.messages)} assistant/user messages"]
    lines.append("questions:")
    lines.extend(_question_lines(analysis, tz, config))
    source = analysis.extraction.source
    lines.append(f"values ({source}):")
    reader = RuleExtractor(config) if config is not None and source in RULE_SOURCES else None
    for entry in analysis.extraction.fields:
        lines.extend(_field_lines(entry, reader, source))
    lines.extend(_decision_lines(analysis.decision, tz))
    return lines


def _question_lines(analysis: Analysis, tz: tzinfo, config: AnalysisConfig | None) -> list[str]:
    """Each question asked (and each cue in a sentence that asks nothing), in call order."""
    lines = []
    values = {
        attempt.window_id: attempt.value
        for entry in analysis.extraction.fields
        for attempt in entry.attempts
    }
    asked = {window.question_index for window in analysis.windows}
    mentions = _cue_mentions(analysis, asked, config) if config is not None else {}
    if not analysis.windows and not mentions:
        lines.append("  (no assistant message asks for name, model or email)")
    events = [(w.question_index, 1, w.id) for w in analysis.windows]
    events += [(index, 0, "") for index in mentions]
    windows = {window.id: window for window in analysis.windows}
    for index, _, window_id in sorted(events):
        if not window_id:
            field, cue = mentions[index]
            lines.append(
                f"  message {index} mentions {field} (cue {cue!r}) only in sentences "
                "that ask nothing (no '?', no request word): no attempt"
            )
            continue
        window = windows[window_id]
        value = values.get(window.id)
        shown = mask_field(window.field, value) if value is not None else "no valid value"
        lines.append(
            f"  message {window.question_index} at {format_time(window.start, tz)} asks "
            f"{window.field} (cue {window.cue!r}) -> {window.id}, "
            f"{len(window.replies)} reply message(s) until {format_time(window.end, tz)}: {shown}"
        )
    return lines


def _decision_lines(decision: Decision, tz: tzinfo) -> list[str]:
    """Language, routing and dropoff with their evidence."""
    lines = []
    language = decision.language
    scores = ", ".join(
        f"{s.language}={s.total} (script {s.script_chars}, words {s.words})"
        for s in language.scores
    )
    lines.append(f"language: {language.language} by rule {language.rule}; scores: {scores}")
    routing = decision.routing
    lines.append(
        f"routing: rule {routing.rule_number} ({routing.rule}) -> status {routing.status}, "
        f"reason {routing.reason!r}, time {format_optional_time(routing.time, tz)!r}"
    )
    if routing.message_index is not None:
        lines.append(
            f"  user message {routing.message_index} asks for a human: "
            f"{routing.noun!r} with {routing.verb!r}"
        )
    if routing.mean_attempts is not None or routing.confused_messages:
        mean = "n/a" if routing.mean_attempts is None else f"{routing.mean_attempts:.2f}"
        lines.append(
            f"  mean attempts over asked fields {mean} (limit > 2); assistant messages with "
            f"confusion phrases: {list(routing.confused_messages)} (limit 3)"
        )
    dropoff = decision.dropoff
    lines.append(
        f"dropoff: overall {dropoff.overall_status}, rule {dropoff.rule} -> "
        f"action {dropoff.action!r}, time {format_optional_time(dropoff.time, tz)!r}"
    )
    if dropoff.last_question_field:
        lines[-1] += f" (last question: {dropoff.last_question_field})"
    return lines


def _field_lines(entry: FieldExtraction, reader: RuleExtractor | None, source: str) -> list[str]:
    value = mask_field(entry.field, entry.value) if entry.value is not None else "-"
    head = f"  {entry.field}: {entry.remarks}, {len(entry.attempts)} attempt(s), {value}"
    if not entry.attempts:
        return [f"{head}: no assistant message asked for it in an asking sentence"]
    chosen = next((a for a in reversed(entry.attempts) if a.value is not None), None)
    if chosen is not None:
        head += f" from {chosen.window_id} (the last attempt with a valid value)"
    lines = [head]
    for attempt in entry.attempts:
        why = _why(entry, attempt, reader, source)
        lines.append(f"    {attempt.window_id} (reply to message {attempt.question_index}): {why}")
    return lines


def _why(
    entry: FieldExtraction, attempt: Attempt, reader: RuleExtractor | None, source: str
) -> str:
    if not attempt.reply_text:
        return "no reply"
    shown = mask_field(entry.field, attempt.value) if attempt.value is not None else None
    if reader is None:
        origin = "the LLM" if source == "llm" else f"the {source} extractor"
        return f"{shown} from {origin}" if shown else f"{origin} found no valid value"
    reading = reader.read(entry.field, attempt.reply_text)
    if shown is None:
        return f"none: {reading.describe()}"
    return f"{shown} by {reading.describe()}"


def _cue_mentions(
    analysis: Analysis, asked: set[int], config: AnalysisConfig
) -> dict[int, tuple[str, str]]:
    """Assistant messages that hold a cue but ask nothing: message index ->
    (field, the last cue), for the messages that are not attempts."""
    found: dict[int, tuple[str, str]] = {}
    for index, message in enumerate(analysis.transcript.messages):
        if message.role != "assistant" or index in asked:
            continue
        last = config.cue_matcher.last(lower_case(message.text))
        if last is not None:
            found[index] = (config.cue_fields[phrase_key(last.group())], last.group())
    return found
