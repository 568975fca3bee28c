"""The local stack: one Kafka broker and one Apicurio Registry, up, down, status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from callpipe.cli.local import artifacts, kafka, lock, readiness, registry
from callpipe.cli.local.errors import LocalInfraError
from callpipe.cli.local.java import find_java
from callpipe.cli.local.processes import ManagedProcess
from callpipe.settings import Settings

KAFKASQL_READY = "KafkaSQL storage bootstrapped"


@dataclass(frozen=True)
class ServiceStatus:
    name: str
    pid: int | None
    address: str
    log_file: Path

    @property
    def running(self) -> bool:
        return self.pid is not None


class LocalStack:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        home = settings.local_home
        self.cache = settings.local_cache_dir
        self.data = home / "data"
        run_dir, log_dir = home / "run", home / "logs"
        self.run_dir = run_dir
        self.kafka = ManagedProcess("kafka", run_dir, log_dir, marker="kafka.Kafka")
        self.registry = ManagedProcess("registry", run_dir, log_dir, marker="quarkus-run.jar")

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.settings.local_kafka_port}"

    @property
    def registry_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.local_registry_port}/apis/ccompat/v7"

    def up(self, say: Callable[[str], None]) -> None:
        """Starts whichever of Kafka and the registry is not running; waits until both serve."""
        with lock.exclusive(self.run_dir, say):
            if self.kafka.pid() is None:
                self._start_kafka(say)
            say(f"kafka: ready at {self.bootstrap} (log {self.kafka.log_file})")
            if self.registry.pid() is None:
                self._start_registry(say)
            say(f"registry: ready at {self.registry_url} (log {self.registry.log_file})")

    def _start_kafka(self, say: Callable[[str], None]) -> None:
        s = self.settings
        self._refuse_busy_port("kafka", s.local_kafka_port, "LOCAL_KAFKA_PORT")
        self._refuse_busy_port(
            "kafka controller", s.local_kafka_controller_port, "LOCAL_KAFKA_CONTROLLER_PORT"
        )
        java = find_java(17)
        lib = artifacts.kafka_lib_dir(self.cache, s.local_kafka_version)
        kafka_data = self.data / "kafka"
        kafka.prepare(
            java,
            lib,
            kafka_data,
            s.local_kafka_port,
            s.local_kafka_controller_port,
            s.topic_partitions,
        )
        pid = self.kafka.start(kafka.command(java, lib, kafka_data))
        say(f"kafka: starting (pid {pid}, Kafka {s.local_kafka_version}, Java {java})")
        # A broker that kept thousands of partitions from earlier runs takes
        # minutes to load them; a dead one is noticed at once (the pid check).
        readiness.wait_until(
            lambda: readiness.broker_answers(self.bootstrap),
            "kafka",
            300,
            lambda: self.kafka.pid() is not None,
            self.kafka.log_file,
        )

    def _start_registry(self, say: Callable[[str], None]) -> None:
        s = self.settings
        self._refuse_busy_port("registry", s.local_registry_port, "LOCAL_REGISTRY_PORT")
        java = find_java(21, s.local_registry_java)
        home = artifacts.apicurio_dir(self.cache, s.local_registry_version)
        log = self.registry.log_file
        log_offset = log.stat().st_size if log.exists() else 0
        pid = self.registry.start(
            registry.command(
                java,
                home,
                s.local_registry_port,
                s.local_registry_management_port,
                self.bootstrap,
                s.local_registry_storage,
            ),
            cwd=home,
        )
        say(
            f"registry: starting (pid {pid}, Apicurio {s.local_registry_version}, "
            f"{s.local_registry_storage} storage, Java {java})"
        )

        def ready() -> bool:
            if not readiness.registry_answers(self.registry_url):
                return False
            # With kafkasql the API answers before the journal is replayed.
            return s.local_registry_storage != "kafkasql" or readiness.log_says(
                self.registry.log_file, log_offset, KAFKASQL_READY
            )

        readiness.wait_until(
            ready,
            "registry",
            180,
            lambda: self.registry.pid() is not None,
            self.registry.log_file,
        )

    @staticmethod
    def _refuse_busy_port(what: str, port: int, setting: str) -> None:
        if readiness.port_in_use(port):
            raise LocalInfraError(
                f"{what}: port {port} is already in use by a process `callpipe local` did not "
                f"start (another Kafka or registry?); stop it or choose another {setting}"
            )

    def down(self, say: Callable[[str], None]) -> None:
        with lock.exclusive(self.run_dir, say):
            # Registry first: it is a client of the broker.
            for process in (self.registry, self.kafka):
                if process.stop():
                    say(f"{process.name}: stopped")
                else:
                    say(f"{process.name}: was not running")

    def status(self) -> list[ServiceStatus]:
        return [
            ServiceStatus("kafka", self.kafka.pid(), self.bootstrap, self.kafka.log_file),
            ServiceStatus(
                "registry", self.registry.pid(), self.registry_url, self.registry.log_file
            ),
        ]


class Say:
    """Where progress lines go (stdout for the CLI)."""

    def __call__(self, line: str) -> None:
        print(line, flush=True)
