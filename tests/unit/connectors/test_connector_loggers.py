"""Every logger of the edges is named after its module, so a log line says where it came from."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from callpipe.cli.main import LIBRDKAFKA_LOGGER_NAME
from callpipe.connectors.kafka.config import LIBRDKAFKA_LOGGER

CONNECTORS = Path(__file__).resolve().parents[3] / "connectors"
MODULES = sorted(CONNECTORS.rglob("*.py"))


def _get_logger_arguments(path: Path) -> list[str]:
    """The source of the first argument of each ``logging.getLogger(...)`` call."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "getLogger"
        ):
            found.append(ast.unparse(node.args[0]) if node.args else "")
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(CONNECTORS)))
def test_loggers_are_named_after_their_module(path: Path) -> None:
    """No hand-written logger names in connectors/: ``logging.getLogger(__name__)`` only."""
    assert all(argument == "__name__" for argument in _get_logger_arguments(path))


def test_the_modules_that_log_are_found() -> None:
    """The scan sees the loggers it checks (the sender's, the LLM extractor's)."""
    assert _get_logger_arguments(CONNECTORS / "webhook" / "sender.py") == ["__name__"]
    assert _get_logger_arguments(CONNECTORS / "llm" / "extractor.py") == ["__name__"]


def test_the_cli_quiets_the_logger_librdkafka_writes_to() -> None:
    """`callpipe` names librdkafka's logger without importing confluent_kafka: same name."""
    assert LIBRDKAFKA_LOGGER.name == LIBRDKAFKA_LOGGER_NAME
