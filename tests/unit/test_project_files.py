"""README, Makefile, CI script, settings and the compose file tell the same story."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from callpipe.cli.main import COMMANDS
from callpipe.settings import Settings

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load((REPO / "docker-compose.kafka.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_documented_in_the_readme(field: str) -> None:
    """Each environment variable of Settings appears in README.md."""
    assert f"`{field.upper()}`" in README or f"{field.upper()}`" in README


def test_readme_shows_the_two_commands_and_ci_runs_one() -> None:
    """`make demo` and `make test` are in README, Makefile and .ci/run agree."""
    makefile = (REPO / "Makefile").read_text()
    assert "make demo" in README and "make test" in README
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (REPO / ".ci" / "run").read_text()


def test_readme_lists_every_cli_command() -> None:
    """Each `callpipe` sub-command appears in the README's command table."""
    for command in COMMANDS:
        assert f"`callpipe {command}" in README, command


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
