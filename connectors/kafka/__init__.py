"""Thin confluent-kafka wrappers: topic administration and a plain producer."""
