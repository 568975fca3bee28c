"""Keys are partitioned like the Java client's, by every producer callpipe has."""

from __future__ import annotations

import pytest
from aiokafka.partitioner import DefaultPartitioner
from hypothesis import given
from hypothesis import strategies as st

from callpipe.connectors.kafka.config import JAVA_COMPATIBLE_PARTITIONER, producer_config
from tests.java_partitioning import KAFKA_UTILS_TEST_VECTORS, java_murmur2, java_partition


@pytest.mark.parametrize("key, expected", KAFKA_UTILS_TEST_VECTORS.items())
def test_the_reference_hash_matches_kafkas_own_vectors(key: bytes, expected: int) -> None:
    """The test's Java murmur2 is the Java client's (UtilsTest.testMurmur2)."""
    assert java_murmur2(key) == expected


@given(st.binary(min_size=1, max_size=64), st.integers(1, 64))
def test_faust_stages_partition_like_java(key: bytes, partitions: int) -> None:
    """aiokafka's default partitioner (Faust's stages) puts a key where Java would."""
    choice = DefaultPartitioner()(key, list(range(partitions)), list(range(partitions)))
    assert choice == java_partition(key, partitions)


def test_every_confluent_producer_uses_the_java_partitioner() -> None:
    """librdkafka's own default (CRC32) differs: our producers name murmur2_random."""
    assert JAVA_COMPATIBLE_PARTITIONER == "murmur2_random"
    assert producer_config("b:9092")["partitioner"] == "murmur2_random"
