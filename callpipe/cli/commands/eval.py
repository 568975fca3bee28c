"""`callpipe eval PATH`: the engine on a labelled corpus, field by field.

PATH is a folder of ``<id>.transcript.json`` + ``<id>.truth.json`` pairs
(`callpipe.evaluation`). Prints per-field accuracy, the wrong values
delivered apart from the values missed, each mismatch with the call and
the replies (masked unless ``--show-pii``), and a one-line summary last.
A customer tunes cue lists and catalogue on their own recorded calls with it
(``--config-dir``), and CI gates on it:

- exit 0: evaluated, and within ``--max-wrong`` / ``--min-accuracy`` if given;
- exit 1: a limit is broken, or a configuration error;
- exit 2: bad input (no such folder, a file without its partner, invalid
  JSON, a malformed truth, a transcript that breaks the contract).
"""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import tzinfo
from pathlib import Path
from typing import Any

from callpipe.analysis import (
    Analysis,
    AnalysisConfig,
    TranscriptError,
    analysis_of,
    analyze_call,
    parse_transcript,
)
from callpipe.cli.commands._startup import fail
from callpipe.cli.commands.engine_setup import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    EngineSetup,
    add_config_dir_option,
    with_engine_setup,
)
from callpipe.evaluation import (
    VALUE_FIELDS,
    CallResult,
    CorpusError,
    LabelledCall,
    read_corpus,
    report_dict,
    report_lines,
    score_call,
    summarize,
    threshold_violations,
)
from callpipe.evaluation.report import TextMask, ValueMask
from callpipe.evaluation.vocabulary import known_words
from callpipe.privacy import mask_field, mask_words
from callpipe.settings import Settings

PROG = "callpipe eval"
EXIT_LIMIT = 1


class _BadInput(Exception):
    """A call of the corpus cannot be evaluated (the message names it)."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="score the engine on a labelled corpus folder (transcript + truth pairs)",
        description="Run the engine over a folder of <id>.transcript.json + <id>.truth.json "
        "pairs and print per-field accuracy, wrong values delivered apart from values missed, "
        "and every mismatch with its replies. The last line is a one-line summary.",
    )
    parser.add_argument("path", metavar="PATH", type=Path, help="the corpus folder")
    parser.add_argument(
        "--extractor",
        choices=("rules", "llm"),
        default=None,
        help="value extractor (default: EXTRACTOR); llm uses OPENAI_BASE_URL and LLM_MODEL",
    )
    add_config_dir_option(parser)
    parser.add_argument("--json", type=Path, default=None, help="also write the report as JSON")
    parser.add_argument(
        "--max-wrong",
        type=int,
        default=None,
        metavar="N",
        help="exit 1 when more than N wrong name/model/email values are delivered",
    )
    parser.add_argument(
        "--min-accuracy",
        type=_percent,
        default=None,
        metavar="P",
        help="exit 1 when fewer than P percent of the name/model/email fields are right",
    )
    parser.add_argument(
        "--show-pii",
        action="store_true",
        help="show names, emails and replies unmasked (they are masked by default)",
    )
    parser.set_defaults(handler=with_engine_setup(run))


def _percent(text: str) -> float:
    """A percentage 0-100; a fraction such as 0.97 is refused, not read as 0.97 %."""
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from exc
    if not 0 <= value <= 100 or 0 < value < 1:
        raise argparse.ArgumentTypeError(f"give a percentage from 1 to 100 (97), not {text!r}")
    return value


def run(args: argparse.Namespace, setup: EngineSetup) -> int:
    settings, tz, config = setup.settings, setup.tz, setup.config
    extractor = args.extractor or settings.extractor
    try:
        calls = read_corpus(args.path)
        if extractor == "llm":
            analyses = asyncio.run(_llm_analyses(settings, config, calls, tz))
        else:
            analyses = [_rules_analysis(call, config, tz) for call in calls]
        results = [_scored(call, analysis) for call, analysis in zip(calls, analyses, strict=True)]
    except (CorpusError, _BadInput) as exc:
        fail("eval", exc)
        return EXIT_BAD_INPUT
    report = summarize(results)
    limited = args.max_wrong is not None or args.min_accuracy is not None
    violations = threshold_violations(report, args.max_wrong, args.min_accuracy)
    mask_value: ValueMask = _shown_value if args.show_pii else mask_field
    mask_reply: TextMask = _shown_text if args.show_pii else _reply_mask(known_words(config))

    heading = f"{PROG}: {len(calls)} calls in {args.path} ({extractor} extractor)"
    fallbacks = sum(1 for a in analyses if a.extraction.source not in (extractor, "rules"))
    if extractor == "llm":
        heading = f"{heading[:-1]}; {fallbacks} call(s) fell back to the rules)"
    shown_violations = violations if limited else None
    for line in report_lines(report, heading, mask_value, mask_reply, shown_violations):
        print(line)
    if args.json is not None:
        data = report_dict(
            report,
            mask_value,
            mask_reply,
            shown_violations,
            corpus=str(args.path),
            extractor=extractor,
            rules_fallbacks=fallbacks,
            max_wrong=args.max_wrong,
            min_accuracy=args.min_accuracy,
        )
        args.json.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return EXIT_LIMIT if violations and limited else EXIT_OK


def _rules_analysis(call: LabelledCall, config: AnalysisConfig, tz: tzinfo) -> Analysis:
    try:
        return analyze_call(call.transcript, config, tz)
    except TranscriptError as exc:
        raise _BadInput(f"{call.call_id}.transcript.json: invalid transcript: {exc}") from exc


async def _llm_analyses(
    settings: Settings, config: AnalysisConfig, calls: list[LabelledCall], tz: tzinfo
) -> list[Analysis]:
    """EXTRACTOR=llm: the values of every call from the LLM, requests in
    flight up to LLM_MAX_CONCURRENCY (rules for a call whose LLM request fails)."""
    from callpipe.connectors.llm import LlmExtractor
    from callpipe.edges import llm_config

    transcripts = []
    for call in calls:
        try:
            transcripts.append(parse_transcript(call.transcript, tz))
        except TranscriptError as exc:
            raise _BadInput(f"{call.call_id}.transcript.json: invalid transcript: {exc}") from exc
    async with LlmExtractor(llm_config(settings), config) as extractor:
        extractions = await asyncio.gather(*(extractor.extract(t) for t in transcripts))
    return [
        analysis_of(transcript, extraction, config, tz)
        for transcript, extraction in zip(transcripts, extractions, strict=True)
    ]


def _scored(call: LabelledCall, analysis: Analysis) -> CallResult:
    truth_id = call.truth.call_ref_id
    if truth_id is not None and truth_id != analysis.transcript.call_ref_id:
        raise _BadInput(
            f"{call.call_id}.truth.json: call_ref_id {truth_id!r} is not the transcript's "
            f"{analysis.transcript.call_ref_id!r}"
        )
    replies = {
        field: tuple(
            (attempt.window_id, attempt.reply_text)
            for attempt in analysis.extraction.field(field).attempts
        )
        for field in VALUE_FIELDS
    }
    return score_call(call.call_id, call.truth, analysis.payload, replies)


def _reply_mask(words: frozenset[str]) -> TextMask:
    def mask(text: str) -> str:
        return mask_words(text, words)

    return mask


def _shown_value(field: str, value: str) -> str:
    return value


def _shown_text(text: str) -> str:
    return text
