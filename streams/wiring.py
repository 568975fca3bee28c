"""The one place where a stage's processor is assembled from settings."""

from __future__ import annotations

import dataclasses
from zoneinfo import ZoneInfo

from callpipe.analysis.config import load_analysis_config
from callpipe.llm import LlmExtractor
from callpipe.settings import Settings, Stage
from connectors.registry import SerdeFactory
from connectors.webhook.circuit import CircuitBreaker
from connectors.webhook.gate import CircuitGate
from connectors.webhook.policy import RetryPolicy
from connectors.webhook.sender import WebhookSender
from streams.circuit_report import CircuitReport, destination
from streams.processors import Processor
from streams.processors.analysis import AnalysisProcessor
from streams.processors.delivery import DeliveryProcessor
from streams.processors.extraction import ExtractionProcessor
from streams.processors.retry import RetryProcessor


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
    gate = circuit_gate(settings, stage)
    observer = DeliveryProcessor.attempt_observer()
    if stage == "retry":
        # One attempt per delayed retry: the schedule is the retry loop.
        policy = dataclasses.replace(RetryPolicy.from_settings(settings), retries=0)
        sender = WebhookSender(settings, policy=policy, observer=observer, gate=gate)
        return RetryProcessor(
            serdes,
            sender,
            settings.retry_schedule,
            hold_s=settings.webhook_retry_hold_s,
            posting=settings.webhook_concurrency,
        )
    sender = WebhookSender(settings, observer=observer, gate=gate)
    return DeliveryProcessor(serdes, sender, settings.webhook_concurrency, settings.retry_schedule)


def circuit_gate(settings: Settings, stage: Stage) -> CircuitGate:
    """The circuit of the webhook destination, as one stage's process sees it."""
    label = destination(settings.webhook_url)
    breaker = CircuitBreaker(settings.webhook_circuit_failures, settings.webhook_circuit_probe_s)
    return CircuitGate(label, breaker, CircuitReport(stage, label))
