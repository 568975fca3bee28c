"""EVENT_LOOP picks the loop of workers, ingest and receiver."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator

import pytest
import uvloop

from callpipe import eventloop
from callpipe.settings import load_settings


@pytest.fixture(autouse=True)
def restore_policy() -> Iterator[None]:
    yield
    asyncio.set_event_loop_policy(None)


def test_uvloop_is_the_default() -> None:
    assert load_settings().event_loop == "uvloop"


def test_uvloop_policy_makes_every_new_loop_a_uvloop_loop() -> None:
    assert eventloop.use_event_loop("uvloop") == "uvloop"
    # Faust's consumer thread makes its own loop this way.
    loop = asyncio.new_event_loop()
    try:
        assert isinstance(loop, uvloop.Loop)
    finally:
        loop.close()


def test_asyncio_keeps_the_standard_loop() -> None:
    eventloop.use_event_loop("uvloop")
    loop = eventloop.new_event_loop("asyncio")
    try:
        assert not isinstance(loop, uvloop.Loop)
        assert asyncio.get_event_loop_policy().get_event_loop() is loop
    finally:
        loop.close()


def test_run_returns_the_coroutine_result_on_the_chosen_loop() -> None:
    async def loop_type() -> type:
        return type(asyncio.get_running_loop())

    assert eventloop.run(loop_type(), "uvloop") is uvloop.Loop


def test_without_uvloop_installed_falls_back_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # import uvloop -> ImportError
    assert eventloop.use_event_loop("uvloop") == "asyncio"
    assert "uvloop is not installed" in caplog.text


def test_an_unknown_loop_is_a_settings_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENT_LOOP", "trio")
    with pytest.raises(ValueError, match="event_loop"):
        load_settings()
