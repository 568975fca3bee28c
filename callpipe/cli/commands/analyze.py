"""`callpipe analyze PATH`: one saved transcript -> its webhook payload on stdout.

Runs the pure analysis engine only: no Kafka, no HTTP. Exit codes: 0 payload
printed; 2 invalid input (unreadable file, not JSON, a transcript that breaks
the contract; one line on stderr naming the field); 1 a configuration error
(time zone, config folder).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import tzinfo
from pathlib import Path
from typing import Any

from callpipe.analysis import (
    AnalysisConfig,
    Extraction,
    Transcript,
    TranscriptError,
    analysis_of,
    analyze_call,
    explain_lines,
    parse_transcript,
)
from callpipe.cli.commands._startup import fail
from callpipe.cli.commands.engine_setup import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    EngineSetup,
    add_config_dir_option,
    one_line,
    with_engine_setup,
)
from callpipe.jsondoc import JsonDocumentError, load_json_document
from callpipe.settings import Settings


class _InputError(Exception):
    """The input could not be read or decoded (its message is the one line to print)."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "analyze",
        help="print the webhook payload of one transcript (no Kafka)",
        description="Analyse one saved transcript (contract section 1) and print the "
        "SingleInterface webhook payload as JSON.",
    )
    parser.add_argument("path", metavar="PATH", help="transcript JSON file, or - for stdin")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="also write on stderr how each part of the payload was decided (personal data masked)",
    )
    add_config_dir_option(parser)
    parser.set_defaults(handler=with_engine_setup(run))


def run(args: argparse.Namespace, setup: EngineSetup) -> int:
    settings, tz, config = setup.settings, setup.tz, setup.config
    try:
        data = _read_json(args.path)
        if settings.extractor == "llm":
            analysis = analysis_of(*_llm_extraction(settings, config, data, tz), config, tz)
        else:
            analysis = analyze_call(data, config, tz)
    except _InputError as exc:
        fail("analyze", exc)
        return EXIT_BAD_INPUT
    except TranscriptError as exc:
        fail("analyze", f"invalid transcript: {one_line(exc)}")
        return EXIT_BAD_INPUT
    if args.explain:
        for line in explain_lines(analysis, tz, config):
            print(line, file=sys.stderr)
    print(json.dumps(analysis.payload, indent=2, ensure_ascii=False))
    return EXIT_OK


def _llm_extraction(
    settings: Settings, config: AnalysisConfig, data: object, tz: tzinfo
) -> tuple[Transcript, Extraction]:
    """EXTRACTOR=llm: the values come from the LLM (rules when it fails, as in the worker)."""
    from callpipe.connectors.llm import LlmExtractor
    from callpipe.edges import llm_config

    transcript = parse_transcript(data, tz)

    async def run() -> Extraction:
        async with LlmExtractor(llm_config(settings), config) as extractor:
            return await extractor.extract(transcript)

    return transcript, asyncio.run(run())


def _read_json(path: str) -> object:
    try:
        raw: str | bytes = sys.stdin.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise _InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise _InputError(f"invalid transcript: not UTF-8 text: {exc.reason}") from exc
    try:
        text = raw if isinstance(raw, str) else raw.decode("utf-8-sig")
        return load_json_document(text)
    except JsonDocumentError as exc:
        raise _InputError(f"invalid transcript: {exc.reason}") from exc
    except UnicodeDecodeError as exc:
        raise _InputError(f"invalid transcript: not UTF-8 text: {exc.reason}") from exc
