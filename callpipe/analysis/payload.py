"""The SingleInterface webhook payload (contract section 2), and `analyze`.

`decide` makes the three call-level decisions (language, routing, dropoff)
from a transcript and its extraction; `render_payload` writes them out in
the customer's exact JSON shape. Neither reads a clock or a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from typing import Any, Final

from callpipe.analysis.config import AnalysisConfig
from callpipe.analysis.dropoff import DropoffDecision, decide_dropoff
from callpipe.analysis.extraction import Extraction, FieldExtraction, extract
from callpipe.analysis.fields import FIELD_LABELS
from callpipe.analysis.language import LanguageDecision, detect_language
from callpipe.analysis.questions import AttemptWindow, find_attempt_windows
from callpipe.analysis.routing import RoutingDecision, decide_routing
from callpipe.analysis.times import format_optional_time, format_time, whole_seconds
from callpipe.analysis.transcript import Transcript, parse_transcript
from callpipe.analysis.values.extractor import ValueExtractor

WELCOME_LANGUAGE: Final = "english"  # contract section 2: the greeting is always English


@dataclass(frozen=True, slots=True)
class Decision:
    """The call-level decisions, each with its evidence."""

    language: LanguageDecision
    routing: RoutingDecision
    dropoff: DropoffDecision


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything `analyze_call` worked out, for ``--explain`` and for tests."""

    transcript: Transcript
    windows: tuple[AttemptWindow, ...]
    extraction: Extraction
    decision: Decision
    payload: dict[str, Any]


def decide(transcript: Transcript, extraction: Extraction, config: AnalysisConfig) -> Decision:
    routing = decide_routing(transcript, extraction, config)
    return Decision(
        language=detect_language(transcript, config),
        routing=routing,
        dropoff=decide_dropoff(transcript, extraction, routing),
    )


def render_payload(
    transcript: Transcript, extraction: Extraction, decision: Decision, tz: tzinfo
) -> dict[str, Any]:
    """The payload dict; every time is ``YYYY-MM-DD HH:mm:ss`` in ``tz``."""
    return {
        "id": f"bot_{transcript.call_ref_id}",
        "call_ref_id": transcript.call_ref_id,
        "call_vendor": transcript.call_vendor,
        "recording_url": transcript.recording_url,
        "start_time": format_time(transcript.start_time, tz),
        "end_time": format_time(transcript.end_time, tz),
        "duration": whole_seconds(transcript.start_time, transcript.end_time),
        "language": {
            "welcome": WELCOME_LANGUAGE,
            "conversational": decision.language.language,
        },
        "dealer_routing": {
            "status": decision.routing.status,
            "reason": decision.routing.reason,
            "time": format_optional_time(decision.routing.time, tz),
        },
        "dropoff": {
            "time": format_optional_time(decision.dropoff.time, tz),
            "action": decision.dropoff.action,
        },
        "response_data": [_response(entry, tz) for entry in extraction.fields],
    }


def _response(entry: FieldExtraction, tz: tzinfo) -> dict[str, Any]:
    return {
        "key_label": FIELD_LABELS[entry.field],
        "key_value": entry.field,
        "key_response": entry.value or "",
        "attempts": len(entry.attempts),
        "attempts_details": [
            {
                "start_time": format_time(attempt.start, tz),
                "end_time": format_time(attempt.end, tz),
                "sequence": attempt.sequence,
            }
            for attempt in entry.attempts
        ],
        "remarks": entry.remarks,
    }


def build_payload(
    transcript: Transcript, extraction: Extraction, config: AnalysisConfig, tz: tzinfo
) -> dict[str, Any]:
    """Decisions and payload for a transcript whose values are already extracted."""
    return render_payload(transcript, extraction, decide(transcript, extraction, config), tz)


def analyze(data: object, config: AnalysisConfig, tz: tzinfo) -> dict[str, Any]:
    """One transcript's JSON data -> its payload, with the rule extractor.

    ``tz`` is both the output time zone and the zone of naive input times.
    Raises TranscriptError for invalid input.
    """
    transcript = parse_transcript(data, tz)
    return build_payload(transcript, extract(transcript, config), config, tz)


def analyze_call(
    data: object,
    config: AnalysisConfig,
    tz: tzinfo,
    extractor: ValueExtractor | None = None,
    *,
    source: str = "rules",
) -> Analysis:
    """Like `analyze`, keeping every intermediate result (slower; for explaining)."""
    transcript = parse_transcript(data, tz)
    return analysis_of(
        transcript, extract(transcript, config, extractor, source=source), config, tz
    )


def analysis_of(
    transcript: Transcript, extraction: Extraction, config: AnalysisConfig, tz: tzinfo
) -> Analysis:
    """The full Analysis of a transcript whose values were extracted elsewhere (e.g. an LLM)."""
    decision = decide(transcript, extraction, config)
    return Analysis(
        transcript=transcript,
        windows=find_attempt_windows(transcript, config),
        extraction=extraction,
        decision=decision,
        payload=render_payload(transcript, extraction, decision, tz),
    )
