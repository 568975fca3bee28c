"""The one place where a stage's processor is assembled from settings."""

from __future__ import annotations

import dataclasses
from zoneinfo import ZoneInfo

from callpipe.analysis.config import load_analysis_config
from callpipe.connectors.llm import LlmExtractor
from callpipe.connectors.registry import SerdeFactory
from callpipe.connectors.webhook.circuit import CircuitBreaker
from callpipe.connectors.webhook.gate import CircuitGate
from callpipe.connectors.webhook.sender import WebhookSender
from callpipe.edges import llm_config, webhook_config
from callpipe.settings import Settings, Stage
from callpipe.streams.circuit_report import CircuitReport, destination
from callpipe.streams.processors import Processor
from callpipe.streams.processors.analysis import AnalysisProcessor
from callpipe.streams.processors.delivery import DeliveryProcessor
from callpipe.streams.processors.extraction import ExtractionProcessor
from callpipe.streams.processors.retry import RetryProcessor
from callpipe.streams.prometheus_observer import PrometheusStageObserver


def build_processor(settings: Settings, stage: Stage, serdes: SerdeFactory) -> Processor:
    tz = ZoneInfo(settings.output_timezone)
    # The stage's one observer (like Faust's sensors): the processor, its dead letters,
    # the agent loop and the webhook sender's attempts all report to it.
    observer = PrometheusStageObserver(stage)
    if stage == "extraction":
        config = load_analysis_config(settings.analysis_config_dir)
        if settings.extractor == "llm":
            return ExtractionProcessor(
                serdes,
                config,
                tz,
                LlmExtractor(llm_config(settings), config),
                concurrency=settings.llm_max_concurrency,
                observer=observer,
            )
        return ExtractionProcessor(serdes, config, tz, observer=observer)
    if stage == "analysis":
        config = load_analysis_config(settings.analysis_config_dir)
        return AnalysisProcessor(serdes, config, tz, observer=observer)
    gate = circuit_gate(settings, stage)
    if stage == "retry":
        # One attempt per delayed retry: the schedule is the retry loop.
        webhook = webhook_config(settings)
        webhook = dataclasses.replace(
            webhook, policy=dataclasses.replace(webhook.policy, retries=0)
        )
        sender = WebhookSender(webhook, observer=observer, gate=gate)
        return RetryProcessor(
            serdes,
            sender,
            settings.retry_schedule,
            hold_s=settings.webhook_retry_hold_s,
            posting=settings.webhook_concurrency,
            observer=observer,
        )
    sender = WebhookSender(webhook_config(settings), observer=observer, gate=gate)
    return DeliveryProcessor(
        serdes,
        sender,
        settings.webhook_concurrency,
        settings.retry_schedule,
        observer=observer,
    )


def circuit_gate(settings: Settings, stage: Stage) -> CircuitGate:
    """The circuit of the webhook destination, as one stage's process sees it."""
    label = destination(settings.webhook_url)
    breaker = CircuitBreaker(settings.webhook_circuit_failures, settings.webhook_circuit_probe_s)
    return CircuitGate(label, breaker, CircuitReport(stage, label))
