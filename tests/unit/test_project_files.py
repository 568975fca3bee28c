"""README, Makefile, CI script, settings and the compose file tell the same story."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from callpipe.cli import COMMANDS
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
    for name in ("kafka", "registry", "extraction", "analysis", "delivery", "receiver",
                 "ingest", "prometheus"):
        assert name in services, name
        assert f"`{name}`" in README or name in ("kafka", "registry", "prometheus")
    for stage in ("extraction", "analysis", "delivery"):
        assert services[stage]["command"] == ["callpipe", "worker", "--stage", stage]


def test_compose_environment_uses_only_real_settings() -> None:
    """Every variable the compose file passes to callpipe is a Settings field."""
    env = COMPOSE["x-callpipe-env"]
    fields = {name.upper() for name in Settings.model_fields}
    assert set(env) <= fields, set(env) - fields
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert env["SCHEMA_REGISTRY_URL"].endswith("/apis/ccompat/v7")


def test_compose_commands_exist() -> None:
    """Services run `callpipe` sub-commands that exist."""
    for name, service in COMPOSE["services"].items():
        command = service.get("command") or service.get("entrypoint")
        if command and command[0] == "callpipe":
            assert command[1] in COMMANDS, name
