"""A single-node Kafka in KRaft mode (broker and controller in one process)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from callpipe.cli.local.errors import LocalInfraError

LOG4J2_CONFIG = """\
status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.stdout.ref = STDOUT
logger.kafka.name = kafka
logger.kafka.level = info
logger.state.name = state.change.logger
logger.state.level = warn
"""


def server_properties(data_dir: Path, port: int, controller_port: int, partitions: int) -> str:
    return f"""\
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:{controller_port}
listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}
advertised.listeners=PLAINTEXT://127.0.0.1:{port}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs={data_dir / "logs"}
num.partitions={partitions}
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# one node: no reason to wait for more group members before the first rebalance
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
log.retention.hours=168
"""


def prepare(
    java: Path, lib: Path, data_dir: Path, port: int, controller_port: int, partitions: int
) -> Path:
    """Writes the config and formats the storage once; returns the properties file."""
    data_dir.mkdir(parents=True, exist_ok=True)
    props = data_dir / "server.properties"
    props.write_text(server_properties(data_dir, port, controller_port, partitions))
    (data_dir / "log4j2.properties").write_text(LOG4J2_CONFIG)
    if (data_dir / "logs" / "meta.properties").exists():
        return props
    classpath = f"{lib}/*"
    uuid = _tool(java, classpath, ["random-uuid"]).strip()
    _tool(java, classpath, ["format", "-t", uuid, "-c", str(props)])
    return props


def command(java: Path, lib: Path, data_dir: Path, heap: str = "1G") -> list[str]:
    return [
        str(java),
        f"-Xmx{heap}",
        f"-Xms{heap}",
        "-XX:+UseG1GC",
        f"-Dlog4j2.configurationFile={data_dir / 'log4j2.properties'}",
        f"-Dkafka.logs.dir={data_dir / 'server-logs'}",
        "-cp",
        f"{lib}/*",
        "kafka.Kafka",
        str(data_dir / "server.properties"),
    ]


def _tool(java: Path, classpath: str, args: list[str]) -> str:
    result = subprocess.run(
        [str(java), "-cp", classpath, "kafka.tools.StorageTool", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise LocalInfraError(f"kafka StorageTool {args[0]} failed: {result.stderr.strip()[-300:]}")
    return result.stdout
