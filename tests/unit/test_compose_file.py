"""docker-compose.kafka.yml works as written: it is checked here by parsing, since the
development machines have no Docker engine to run it."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from callpipe.cli.main import COMMANDS
from callpipe.connectors.receiver import app as receiver_app
from callpipe.connectors.receiver import server as receiver_server
from callpipe.connectors.sources import http_ingest
from callpipe.settings import Settings
from tests.unit.container_files import (
    REPO,
    as_written,
    dockerfile_stages,
    duration_s,
    published_port,
)

README = (REPO / "README.md").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load((REPO / "docker-compose.kafka.yml").read_text(encoding="utf-8"))
SERVICES: dict[str, Any] = COMPOSE["services"]
RUNTIME = dockerfile_stages((REPO / "Dockerfile").read_text(encoding="utf-8"))[-1]
LOOPBACK_UNLESS_OPTED_IN = "${CALLPIPE_BIND:-127.0.0.1}"


def command_of(service: dict[str, Any]) -> list[str]:
    return list(service.get("entrypoint") or []) + list(service.get("command") or [])


def is_one_shot_tool(service: dict[str, Any]) -> bool:
    """`docker compose run` tools: started on demand, never restarted, never depended on."""
    return "tools" in service.get("profiles", []) and service.get("restart") == "no"


CALLPIPE_SERVICES = sorted(
    name for name, service in SERVICES.items() if command_of(service)[:1] == ["callpipe"]
)
LONG_RUNNING = [name for name in CALLPIPE_SERVICES if not is_one_shot_tool(SERVICES[name])]
WORKERS = ["extraction", "analysis", "delivery", "retry"]


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def listeners(value: str) -> dict[str, tuple[str, int]]:
    """``NAME://host:port,...`` as {NAME: (host, port)}, defaults filled in."""
    found = {}
    for listener in as_written(value).split(","):
        name, _, address = listener.partition("://")
        host, _, port = address.rpartition(":")
        found[name] = (host, int(port))
    return found


def test_compose_has_every_service_the_readme_names() -> None:
    """The compose file parses and has Kafka, the registry, one service per stage,
    the receiver, ingest and Prometheus."""
    services = COMPOSE["services"]
    for name in (
        "kafka",
        "registry",
        "extraction",
        "analysis",
        "delivery",
        "retry",
        "receiver",
        "ingest",
        "prometheus",
    ):
        assert name in services, name
        assert f"`{name}`" in README or name in ("kafka", "registry", "prometheus")
    for stage in ("extraction", "analysis", "delivery", "retry"):
        assert services[stage]["command"] == ["callpipe", "worker", "--stage", stage]


def test_compose_environment_uses_only_real_settings() -> None:
    """Every variable the compose file passes to callpipe is a Settings field."""
    env = COMPOSE["x-callpipe-env"]
    fields = {name.upper() for name in Settings.model_fields}
    assert set(env) <= fields, set(env) - fields
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert env["SCHEMA_REGISTRY_URL"].endswith("/apis/ccompat/v7")


def test_every_service_environment_uses_only_real_settings() -> None:
    """Services with their own environment (ingest, receiver) name Settings fields only."""
    fields = {name.upper() for name in Settings.model_fields}
    for name, service in COMPOSE["services"].items():
        command = service.get("command") or service.get("entrypoint") or []
        if command[:1] == ["callpipe"]:
            env = set(service.get("environment") or {})
            assert env <= fields, (name, env - fields)


def test_compose_ingest_listens_openly_only_with_a_key() -> None:
    """ingest binds 0.0.0.0, so it sets INGEST_API_KEYS (with a default), and keeps the rest."""
    ingest = COMPOSE["services"]["ingest"]
    assert ingest["command"][ingest["command"].index("--host") + 1] == "0.0.0.0"
    env = ingest["environment"]
    default = re.fullmatch(r"\$\{INGEST_API_KEYS:-(.+)\}", env["INGEST_API_KEYS"])
    assert default is not None and default.group(1).strip()
    assert set(COMPOSE["x-callpipe-env"]) <= set(env)


def test_compose_passes_the_signing_secret_to_sender_and_receiver() -> None:
    """Delivery signs and the receiver verifies with the same WEBHOOK_SIGNING_SECRET."""
    services = COMPOSE["services"]
    for name in ("delivery", "receiver"):
        value = services[name]["environment"]["WEBHOOK_SIGNING_SECRET"]
        assert value == "${WEBHOOK_SIGNING_SECRET:-}", name


def test_compose_commands_exist() -> None:
    """Services run `callpipe` sub-commands that exist."""
    for name, service in COMPOSE["services"].items():
        command = service.get("command") or service.get("entrypoint")
        if command and command[0] == "callpipe":
            assert command[1] in COMMANDS, name


def test_kafka_and_the_registry_are_the_versions_callpipe_local_runs() -> None:
    """The images' tags are Settings' local_kafka_version and local_registry_version."""
    fields = Settings.model_fields
    assert SERVICES["kafka"]["image"] == f"apache/kafka:{fields['local_kafka_version'].default}"
    registry = fields["local_registry_version"].default
    assert SERVICES["registry"]["image"] == f"apicurio/apicurio-registry:{registry}"


def test_kafka_publishes_its_host_listener_under_the_name_it_advertises() -> None:
    """The host reaches localhost:<port>, which is the HOST listener the broker advertises;
    the containers' listener (kafka:9092, a name the host cannot resolve) is not published."""
    env = SERVICES["kafka"]["environment"]
    bound, advertised = (
        listeners(env["KAFKA_LISTENERS"]),
        listeners(env["KAFKA_ADVERTISED_LISTENERS"]),
    )
    ports = [published_port(entry) for entry in SERVICES["kafka"]["ports"]]
    assert [port.container for port in ports] == [bound["HOST"][1]]
    assert advertised["HOST"] == ("localhost", ports[0].host)
    assert advertised["PLAINTEXT"] == ("kafka", bound["PLAINTEXT"][1])
    assert COMPOSE["x-callpipe-env"]["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:{}".format(
        bound["PLAINTEXT"][1]
    )


def test_host_clients_use_the_same_addresses_as_with_callpipe_local() -> None:
    """Kafka on port 9092 and the registry on 8081: Settings' defaults work from the host."""
    defaults = Settings.model_fields
    kafka = urlsplit("//" + defaults["kafka_bootstrap_servers"].default)
    registry = urlsplit(defaults["schema_registry_url"].default)
    assert published_port(SERVICES["kafka"]["ports"][0]).host == kafka.port
    assert published_port(SERVICES["registry"]["ports"][0]).host == registry.port


@pytest.mark.parametrize("name", sorted(n for n, s in SERVICES.items() if s.get("ports")))
def test_published_ports_listen_on_loopback_unless_the_user_opts_in(name: str) -> None:
    """Every published port is bound to ${CALLPIPE_BIND:-127.0.0.1}, which README explains."""
    for entry in SERVICES[name]["ports"]:
        port = published_port(entry)
        assert port.address == LOOPBACK_UNLESS_OPTED_IN, entry
    assert "`CALLPIPE_BIND`" in README


def test_kafka_keeps_its_data_in_a_named_volume() -> None:
    """Kafka's log dirs are a named volume; the cluster id is fixed, so a restart reuses it."""
    kafka = SERVICES["kafka"]
    log_dir = kafka["environment"]["KAFKA_LOG_DIRS"]
    mounts = [entry.split(":") for entry in kafka["volumes"]]
    assert [volume for volume, target, *_ in mounts if target == log_dir] == ["kafka-data"]
    assert "kafka-data" in COMPOSE["volumes"]
    assert kafka["environment"]["CLUSTER_ID"]


def test_the_registry_journal_is_in_kafka_and_so_in_its_volume() -> None:
    """kafkasql storage on the compose broker: schemas and their ids outlive the containers."""
    env = SERVICES["registry"]["environment"]
    assert env["APICURIO_STORAGE_KIND"] == "kafkasql"
    assert env["APICURIO_KAFKASQL_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert not SERVICES["registry"].get("volumes")  # nothing of its own to keep


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_every_callpipe_service_has_a_health_check_on_its_own_port(name: str) -> None:
    """Workers probe /healthz on METRICS_PORT, ingest /healthz on its port, the receiver
    the webhook path's GET (the spec's health answer) on its port."""
    service = SERVICES[name]
    check = service["healthcheck"]
    assert not check.get("disable")
    url = next(re.finditer(r"http://[^'\" ]+", " ".join(check["test"]))).group()
    command = command_of(service)
    if command[1] == "worker":
        port, path = int(service["environment"]["METRICS_PORT"]), "/healthz"
    elif command[1] == "ingest":
        port, path = int(option(command, "--port")), http_ingest.HEALTH_PATH
    else:
        assert command[1] == "receiver"
        port, path = int(option(command, "--port")), receiver_app.WEBHOOK_PATH
    assert urlsplit(url).port == port and urlsplit(url).path == path


def test_only_one_shot_tools_go_without_a_health_check() -> None:
    """publish runs to completion under `docker compose run`: no service waits for it."""
    assert set(CALLPIPE_SERVICES) - set(LONG_RUNNING) == {"publish"}
    for service in SERVICES.values():
        assert "publish" not in (service.get("depends_on") or {})


def drain_s(service: dict[str, Any]) -> float:
    """How long the service may take to stop after SIGTERM, by what it runs."""
    command = command_of(service)
    if command[1] == "worker":
        default = Settings.model_fields["shutdown_grace_s"].default
        return float(service["environment"].get("SHUTDOWN_GRACE_S", default))
    if command[1] == "ingest":  # requests in flight, then the producer's flush
        return http_ingest.SHUTDOWN_GRACE_S + http_ingest.ACK_TIMEOUT_S
    assert command[1] == "receiver", command
    return receiver_server.SHUTDOWN_GRACE_S


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_docker_waits_longer_than_each_service_drains(name: str) -> None:
    """stop_grace_period outlasts the drain, so Docker never kills a service mid-drain."""
    service = SERVICES[name]
    assert duration_s(service["stop_grace_period"]) > drain_s(service)


def test_delivery_starts_after_the_receiver_is_healthy() -> None:
    """The stages that post (delivery, retry) wait for the receiver, Kafka and the registry."""
    receiver = urlsplit(COMPOSE["x-callpipe-env"]["WEBHOOK_BASE_URL"]).hostname
    assert receiver == "receiver"
    for name in ("delivery", "retry"):
        depends = SERVICES[name]["depends_on"]
        assert {dep: depends[dep]["condition"] for dep in depends} == {
            "kafka": "service_healthy",
            "registry": "service_healthy",
            "receiver": "service_healthy",
        }


def test_publish_mounts_the_examples_of_this_repository() -> None:
    """`run --rm publish /examples` reads ./examples, read-only."""
    assert "./examples:/examples:ro" in SERVICES["publish"]["volumes"]
    assert list((REPO / "examples").glob("*.transcript.json"))


def test_every_bind_mount_and_build_context_is_inside_the_repository() -> None:
    """No path outside the repository (such as ../shared) is mounted or built from."""
    for name, service in SERVICES.items():
        sources = [entry.split(":")[0] for entry in service.get("volumes", [])]
        sources += [service["build"]] if "build" in service else []
        for source in sources:
            if source.startswith((".", "/")):
                path = (REPO / source).resolve()
                assert path.is_relative_to(REPO) and path.exists(), (name, source)


def test_named_volumes_of_callpipe_services_are_folders_the_image_user_owns() -> None:
    """A new named volume takes its owner from the image's folder: it must exist there,
    under the working directory the image's user owns."""
    workdir = RUNTIME.arguments("WORKDIR")[-1]
    created = " ".join(RUNTIME.arguments("RUN"))
    for name in CALLPIPE_SERVICES:
        for entry in SERVICES[name].get("volumes", []):
            source, target = entry.split(":")[:2]
            if source in COMPOSE.get("volumes", {}):
                assert target.startswith(workdir + "/") and target in created, (name, entry)


@pytest.mark.parametrize(
    ("text", "seconds"), [("45s", 45.0), ("1m30s", 90.0), ("500ms", 0.5), ("1h", 3600.0)]
)
def test_compose_durations_are_read_as_docker_reads_them(text: str, seconds: float) -> None:
    """The duration reader the grace-period test relies on."""
    assert duration_s(text) == seconds


@pytest.mark.parametrize("text", ["", "30", "30 s", "s30", "1m30"])
def test_a_malformed_duration_is_refused(text: str) -> None:
    """Anything that is not <number><unit>... is an error, not zero."""
    with pytest.raises(ValueError):
        duration_s(text)
