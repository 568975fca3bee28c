"""A human-readable account of how a payload was decided (``analyze --explain``).

Personal data is masked (callpipe.privacy): names and emails show as
initials, reply texts are not shown at all; car models are not personal.
"""

from __future__ import annotations

from datetime import tzinfo

from callpipe.analysis.payload import Analysis
from callpipe.analysis.times import format_optional_time, format_time
from callpipe.privacy import mask_field


def explain_lines(analysis: Analysis, tz: tzinfo) -> list[str]:
    """The explanation, one line per fact, in the order the engine decided."""
    transcript, decision = analysis.transcript, analysis.decision
    lines = [f"call {transcript.call_ref_id}: {len(transcript.messages)} assistant/user messages"]
    values = {
        attempt.window_id: attempt.value
        for entry in analysis.extraction.fields
        for attempt in entry.attempts
    }
    lines.append("questions:")
    if not analysis.windows:
        lines.append("  (no assistant message asks for name, model or email)")
    for window in analysis.windows:
        value = values.get(window.id)
        shown = mask_field(window.field, value) if value is not None else "no valid value"
        lines.append(
            f"  message {window.question_index} at {format_time(window.start, tz)} asks "
            f"{window.field} (cue {window.cue!r}) -> {window.id}, "
            f"{len(window.replies)} reply message(s) until {format_time(window.end, tz)}: {shown}"
        )
    lines.append(f"values ({analysis.extraction.source}):")
    for entry in analysis.extraction.fields:
        value = mask_field(entry.field, entry.value) if entry.value is not None else "-"
        lines.append(f"  {entry.field}: {entry.remarks}, {len(entry.attempts)} attempt(s), {value}")
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
