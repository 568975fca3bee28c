"""The Java client's default partition of a key, written out from its source for tests.

`org.apache.kafka.common.utils.Utils.murmur2` and `toPositive(hash) %
partitions`, checked against the vectors of Kafka's own UtilsTest, so a test
can say where a Java producer would put a key without asking any Kafka
client library.
"""

from __future__ import annotations

_M = 0x5BD1E995
_MASK = 0xFFFFFFFF

KAFKA_UTILS_TEST_VECTORS = {
    b"21": -973932308,
    b"foobar": -790332482,
    b"a-little-bit-long-string": -985981536,
    b"a-little-bit-longer-string": -1486304829,
    b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8": -58897971,
    b"abc": 479470107,
}


def java_murmur2(data: bytes) -> int:
    """Utils.murmur2: the signed 32-bit hash, seed 0x9747b28c."""
    length = len(data)
    h = (0x9747B28C ^ length) & _MASK
    for start in range(0, length - length % 4, 4):
        k = int.from_bytes(data[start : start + 4], "little")
        k = (k * _M) & _MASK
        k ^= k >> 24
        k = (k * _M) & _MASK
        h = (h * _M) & _MASK
        h ^= k
    tail = length % 4
    base = length - tail
    if tail == 3:
        h ^= data[base + 2] << 16
    if tail >= 2:
        h ^= data[base + 1] << 8
    if tail >= 1:
        h ^= data[base]
        h = (h * _M) & _MASK
    h ^= h >> 13
    h = (h * _M) & _MASK
    h ^= h >> 15
    return h - (1 << 32) if h & 0x80000000 else h


def java_partition(key: bytes, partitions: int) -> int:
    """BuiltInPartitioner.partitionForKey: toPositive(murmur2(key)) % partitions."""
    return (java_murmur2(key) & 0x7FFFFFFF) % partitions
