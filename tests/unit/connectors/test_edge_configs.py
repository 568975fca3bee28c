"""callpipe.edges: each edge's small config, built from the settings in one place."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from callpipe.connectors.kafka.config import KafkaConfig
from callpipe.connectors.kafka.lag import GroupSource, stage_sources
from callpipe.connectors.llm import LlmConfig
from callpipe.connectors.webhook import RetryPolicy, WebhookConfig
from callpipe.edges import (
    kafka_config,
    llm_config,
    producer_config,
    registry_config,
    retry_policy,
    topic_names,
    webhook_config,
)
from callpipe.settings import Settings
from callpipe.topics import TOPICS, TopicNames, subject_for


def test_policy_from_settings_converts_milliseconds() -> None:
    """The policy takes its numbers from the WEBHOOK_* settings."""
    settings = Settings(
        webhook_retry_attempts=5, webhook_backoff_initial_ms=250, webhook_backoff_max_ms=4000
    )
    assert retry_policy(settings) == RetryPolicy(5, 0.25, 4.0, True)


@pytest.mark.parametrize(("schedule", "defers"), [("30s,2m", True), ("", False)])
def test_policy_defers_only_when_there_are_delayed_retries(schedule: str, defers: bool) -> None:
    """A long Retry-After goes to the schedule when WEBHOOK_RETRY_SCHEDULE has steps."""
    settings = Settings(webhook_retry_schedule=schedule, webhook_backoff_max_ms=4000)
    assert retry_policy(settings).defer_beyond_max is defers


def test_webhook_config_carries_urls_secrets_limits_and_the_policy() -> None:
    """Every WEBHOOK_* and SINGLEINTERFACE_* value the sender uses, converted to seconds."""
    settings = Settings(
        webhook_base_url="http://hooks.test/",
        singleinterface_webhook_url="http://copy.test/hook",
        singleinterface_api_key="k-1",
        webhooks_enabled=False,
        webhook_timeout_ms=2500,
        webhook_concurrency=7,
    )
    config = webhook_config(settings)
    assert config == WebhookConfig(
        url="http://hooks.test/api/webhooks/singleinterface",
        forward_url="http://copy.test/hook",
        enabled=False,
        api_key=SecretStr("k-1"),
        signing_secret=None,
        timeout_s=2.5,
        concurrency=7,
        policy=retry_policy(settings),
    )
    assert "k-1" not in repr(config)


def test_llm_config_carries_the_endpoint_limits_and_cache(tmp_path: Path) -> None:
    """OPENAI_* and LLM_* values, the timeout in seconds, the key hidden when printed."""
    settings = Settings(
        openai_base_url="http://llm.test/v1",
        openai_api_key="sk-secret",
        llm_model="m-1",
        llm_timeout_ms=1500,
        llm_max_concurrency=3,
        llm_cache_dir=tmp_path,
        llm_cache_max_entries=9,
    )
    config = llm_config(settings)
    assert config == LlmConfig(
        model="m-1",
        base_url="http://llm.test/v1",
        api_key=SecretStr("sk-secret"),
        timeout_s=1.5,
        max_concurrency=3,
        cache_dir=tmp_path,
        cache_max_entries=9,
    )
    assert "sk-secret" not in repr(config)


def test_kafka_config_names_topics_and_groups_as_the_settings_do() -> None:
    """TOPIC_NAMES then TOPIC_PREFIX, and <CONSUMER_GROUP_PREFIX>-<stage>."""
    settings = Settings(
        kafka_bootstrap_servers="k1:9092,k2:9092",
        topic_prefix="t1.",
        topic_names={"calls.analyzed": "crm.calls.analyzed"},
        topic_partitions=3,
        topic_replication=2,
        dead_letter_retention_days=7,
        consumer_group_prefix="cp",
    )
    kafka = kafka_config(settings)
    assert kafka == KafkaConfig("k1:9092,k2:9092", topic_names(settings), 3, 2, 7, "cp")
    assert all(kafka.topic(name) == settings.topic(name) for name in TOPICS)
    assert kafka.topic("calls.analyzed") == "t1.crm.calls.analyzed"
    assert stage_sources(kafka)["delivery"] == GroupSource("cp-delivery", "t1.crm.calls.analyzed")


def test_registry_and_producer_configs_share_the_topic_names() -> None:
    """Subjects follow the real topic names; the producer knows OUTPUT_TIMEZONE."""
    settings = Settings(topic_prefix="p.", output_timezone="UTC")
    registry = registry_config(settings)
    assert registry.url == settings.schema_registry_url
    assert subject_for(registry.topics, "calls.extracted") == "p.calls.extracted-value"
    assert subject_for(settings, "calls.extracted") == "p.calls.extracted-value"
    producer = producer_config(settings)
    assert (producer.kafka, producer.registry) == (kafka_config(settings), registry)
    assert producer.output_timezone == "UTC"


def test_topic_names_are_a_hashable_value() -> None:
    """Equal renames in any order give equal (and equally hashed) values."""
    first = TopicNames.of("x.", {"a": "b", "c": "d"})
    second = TopicNames.of("x.", {"c": "d", "a": "b"})
    assert first == second and hash(first) == hash(second)
    assert (first.topic("a"), first.topic("z")) == ("x.b", "x.z")
