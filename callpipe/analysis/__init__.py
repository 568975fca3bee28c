"""The analysis engine: one saved transcript in, the SingleInterface payload out.

Pure and deterministic: no clock, no I/O (except `load_analysis_config`,
which reads the data files once at start-up). The stages can run apart:

    transcript = parse_transcript(data, tz)            # contract section 1
    windows = find_attempt_windows(transcript, config)  # section 3
    extraction = assemble_extraction(windows, values, source)
    payload = build_payload(transcript, extraction, config, tz)  # sections 2, 4-6

or all at once with `analyze(data, config, tz)`.

The hot modules run compiled by mypyc when built (`callpipe.analysis.build`);
before any of them is imported, a compiled module older than its source is
refused, so an edit never runs as the old code.
"""

from callpipe.analysis import build as _build

_build.refuse_stale_compiled_modules()

from callpipe.analysis.config import (
    CONFIG_FILES,
    AnalysisConfig,
    build_analysis_config,
    load_analysis_config,
)
from callpipe.analysis.configfiles import AnalysisConfigError
from callpipe.analysis.dropoff import DropoffDecision, decide_dropoff, overall_status
from callpipe.analysis.explain import explain_lines
from callpipe.analysis.extraction import (
    Attempt,
    Extraction,
    ExtractionFormatError,
    FieldExtraction,
    assemble_extraction,
    extract,
    extraction_from_dict,
    extraction_to_dict,
)
from callpipe.analysis.fields import FIELD_LABELS, FIELDS
from callpipe.analysis.language import LanguageDecision, LanguageScore, detect_language
from callpipe.analysis.payload import (
    Analysis,
    Decision,
    analysis_of,
    analyze,
    analyze_call,
    build_payload,
    decide,
    render_payload,
)
from callpipe.analysis.questions import AttemptWindow, asked_field, find_attempt_windows
from callpipe.analysis.routing import REASONS, RoutingDecision, decide_routing
from callpipe.analysis.times import format_time, parse_timestamp
from callpipe.analysis.transcript import (
    Message,
    Transcript,
    TranscriptError,
    build_transcript,
    parse_transcript,
    transcript_to_dict,
)
from callpipe.analysis.values import RuleExtractor, ValueExtractor

__all__ = [
    "CONFIG_FILES",
    "FIELDS",
    "FIELD_LABELS",
    "REASONS",
    "Analysis",
    "AnalysisConfig",
    "AnalysisConfigError",
    "Attempt",
    "AttemptWindow",
    "Decision",
    "DropoffDecision",
    "Extraction",
    "ExtractionFormatError",
    "FieldExtraction",
    "LanguageDecision",
    "LanguageScore",
    "Message",
    "RoutingDecision",
    "RuleExtractor",
    "Transcript",
    "TranscriptError",
    "ValueExtractor",
    "analysis_of",
    "analyze",
    "analyze_call",
    "asked_field",
    "assemble_extraction",
    "build_analysis_config",
    "build_payload",
    "build_transcript",
    "decide",
    "decide_dropoff",
    "decide_routing",
    "detect_language",
    "explain_lines",
    "extract",
    "extraction_from_dict",
    "extraction_to_dict",
    "find_attempt_windows",
    "format_time",
    "load_analysis_config",
    "overall_status",
    "parse_timestamp",
    "parse_transcript",
    "render_payload",
    "transcript_to_dict",
]
