"""Apicurio Registry 3 with its Confluent-compatible API, storing schemas in Kafka.

Schemas live in the `kafkasql-journal` topic, so they (and their ids, which
every Avro record on our topics names) survive a registry restart.
"""

from __future__ import annotations

from pathlib import Path


def command(
    java: Path,
    home: Path,
    port: int,
    management_port: int,
    kafka_bootstrap: str,
    storage: str = "kafkasql",
    heap: str = "768m",
) -> list[str]:
    argv = [
        str(java),
        f"-Xmx{heap}",
        "-Dquarkus.http.host=127.0.0.1",
        f"-Dquarkus.http.port={port}",
        # The management interface binds 0.0.0.0:9000 by default.
        "-Dquarkus.management.host=127.0.0.1",
        f"-Dquarkus.management.port={management_port}",
        "-Dapicurio.rest.deletion.artifact.enabled=true",
        "-Dapicurio.rest.deletion.artifact-version.enabled=true",
        "-Dapicurio.rest.deletion.group.enabled=true",
    ]
    if storage == "kafkasql":
        argv += [
            "-Dapicurio.storage.kind=kafkasql",
            f"-Dapicurio.kafkasql.bootstrap.servers={kafka_bootstrap}",
        ]
    argv += ["-jar", str(home / "quarkus-run.jar")]
    return argv
