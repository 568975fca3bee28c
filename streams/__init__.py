"""The Faust side of callpipe: one app per stage, thin agents around processors.

callpipe.streams.records      Avro record <-> analysis objects (pure)
callpipe.streams.processors   what a stage does to one consumed record (no Kafka)
callpipe.streams.deadletter   dead-letter records and __connect.errors.* headers
callpipe.streams.app          the Faust app of a stage and its agent
callpipe.streams.consumer     Faust's aiokafka consumer: short empty fetches, pauses kept alive
callpipe.streams.window       the sliding window of a concurrent agent
callpipe.streams.pauses       which source partitions a processor wants paused (no Kafka)
callpipe.streams.valve        pauses and resumes them through Faust's consumer
callpipe.streams.circuit_report  logs and metrics of a webhook circuit
callpipe.streams.worker       running a stage: topics, schemas, metrics, Faust worker
"""
