"""The one place where Settings becomes the small config of each edge.

The connectors (Kafka, registry, webhook, LLM) never see ``Settings``: each
takes a frozen dataclass holding only what it uses, and import-linter keeps
``callpipe.connectors`` from importing ``callpipe.settings``. Every config
is built here, once per edge, from the settings of the caller.

Why here and not in ``streams/wiring.py`` or the CLI: the same edges are
built by the stages (``streams``), by the commands (``cli``) and by the
benchmarks (``bench``), in three layers, and only a module outside the
layers, beside ``settings.py``, can be imported by all three without a
second copy of any conversion.

Each function imports its edge's package when called: importing one edge's
config loads that whole package (the LLM one loads the openai SDK), and a
command such as ``callpipe publish`` must not pay for the edges it never uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from callpipe.settings import Settings
from callpipe.topics import TopicNames

if TYPE_CHECKING:
    from callpipe.connectors.kafka.config import KafkaConfig
    from callpipe.connectors.kafka.producer import ProducerConfig
    from callpipe.connectors.llm.config import LlmConfig
    from callpipe.connectors.registry import RegistryConfig
    from callpipe.connectors.webhook.config import WebhookConfig
    from callpipe.connectors.webhook.policy import RetryPolicy


def topic_names(settings: Settings) -> TopicNames:
    """TOPIC_NAMES, then TOPIC_PREFIX."""
    return TopicNames.of(settings.topic_prefix, settings.topic_names)


def kafka_config(settings: Settings) -> KafkaConfig:
    """KAFKA_BOOTSTRAP_SERVERS, the topic names and the settings of created topics."""
    from callpipe.connectors.kafka.config import KafkaConfig

    return KafkaConfig(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        topics=topic_names(settings),
        partitions=settings.topic_partitions,
        replication=settings.topic_replication,
        dead_letter_retention_days=settings.dead_letter_retention_days,
        consumer_group_prefix=settings.consumer_group_prefix,
    )


def registry_config(settings: Settings) -> RegistryConfig:
    """SCHEMA_REGISTRY_URL and the topic names (the subjects follow them)."""
    from callpipe.connectors.registry import RegistryConfig

    return RegistryConfig(url=settings.schema_registry_url, topics=topic_names(settings))


def producer_config(settings: Settings) -> ProducerConfig:
    """What a transcript producer needs: Kafka, the registry and OUTPUT_TIMEZONE."""
    from callpipe.connectors.kafka.producer import ProducerConfig

    return ProducerConfig(
        kafka=kafka_config(settings),
        registry=registry_config(settings),
        output_timezone=settings.output_timezone,
    )


def retry_policy(settings: Settings) -> RetryPolicy:
    """WEBHOOK_RETRY_ATTEMPTS, WEBHOOK_BACKOFF_INITIAL_MS and WEBHOOK_BACKOFF_MAX_MS;
    deferring when WEBHOOK_RETRY_SCHEDULE has delayed retries to defer to."""
    from callpipe.connectors.webhook.policy import RetryPolicy

    return RetryPolicy(
        retries=settings.webhook_retry_attempts,
        backoff_initial=settings.webhook_backoff_initial_ms / 1000,
        backoff_max=settings.webhook_backoff_max_ms / 1000,
        defer_beyond_max=len(settings.retry_schedule) > 0,
    )


def webhook_config(settings: Settings) -> WebhookConfig:
    """The webhook URLs, credentials, timeout, connections and retry policy."""
    from callpipe.connectors.webhook.config import WebhookConfig

    return WebhookConfig(
        url=settings.webhook_url,
        forward_url=settings.singleinterface_webhook_url or None,
        enabled=settings.webhooks_enabled,
        api_key=settings.singleinterface_api_key,
        signing_secret=settings.webhook_signing_secret,
        timeout_s=settings.webhook_timeout_ms / 1000,
        concurrency=settings.webhook_concurrency,
        policy=retry_policy(settings),
    )


def llm_config(settings: Settings) -> LlmConfig:
    """The OpenAI-compatible endpoint, its key, limits and the answer cache."""
    from callpipe.connectors.llm.config import LlmConfig

    return LlmConfig(
        model=settings.llm_model,
        base_url=settings.openai_base_url,
        api_key=settings.openai_api_key,
        timeout_s=settings.llm_timeout_ms / 1000,
        max_concurrency=settings.llm_max_concurrency,
        cache_dir=settings.llm_cache_dir,
        cache_max_entries=settings.llm_cache_max_entries,
    )
