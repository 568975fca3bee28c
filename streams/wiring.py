"""The one place where a stage's processor is assembled from settings."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from callpipe.analysis.config import load_analysis_config
from callpipe.llm import LlmExtractor
from callpipe.settings import Settings, Stage
from connectors.registry import SerdeFactory
from connectors.webhook.sender import WebhookSender
from streams.processors import Processor
from streams.processors.analysis import AnalysisProcessor
from streams.processors.delivery import DeliveryProcessor
from streams.processors.extraction import ExtractionProcessor


def build_processor(settings: Settings, stage: Stage, serdes: SerdeFactory) -> Processor:
    tz = ZoneInfo(settings.output_timezone)
    if stage == "extraction":
        config = load_analysis_config(settings.analysis_config_dir)
        if settings.extractor == "llm":
            return ExtractionProcessor(
                serdes,
                config,
                tz,
                LlmExtractor(settings, config),
                concurrency=settings.llm_max_concurrency,
            )
        return ExtractionProcessor(serdes, config, tz)
    if stage == "analysis":
        return AnalysisProcessor(serdes, load_analysis_config(settings.analysis_config_dir), tz)
    sender = WebhookSender(settings, observer=DeliveryProcessor.attempt_observer())
    return DeliveryProcessor(serdes, sender, settings.webhook_concurrency)
