"""The Faust side of callpipe: one app per stage, thin agents around processors.

streams.records      Avro record <-> analysis objects (pure)
streams.processors   what a stage does to one consumed record (no Kafka)
streams.deadletter   dead-letter records and __connect.errors.* headers
streams.app          the Faust app of a stage and its agent
streams.consumer     Faust's aiokafka consumer: short empty fetches, pauses kept alive
streams.window       the sliding window of a concurrent agent
streams.pauses       which source partitions a processor wants paused (no Kafka)
streams.valve        pauses and resumes them through Faust's consumer
streams.circuit_report  logs and metrics of a webhook circuit
streams.worker       running a stage: topics, schemas, metrics, Faust worker
"""
