"""The Faust side of callpipe: one app per stage, thin agents around processors.

streams.records      Avro record <-> analysis objects (pure)
streams.processors   what a stage does to one consumed record (no Kafka)
streams.deadletter   dead-letter records and __connect.errors.* headers
streams.app          the Faust app of a stage and its agent
streams.worker       running a stage: topics, schemas, metrics, Faust worker
"""
