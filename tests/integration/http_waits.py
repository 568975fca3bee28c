"""Waiting for a server process the test started."""

from __future__ import annotations

import time

import httpx


def wait_until_answers(url: str, timeout_s: float = 20.0) -> None:
    """Returns once `url` answers at all (any status); fails the test at the deadline."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            httpx.get(url)
            return
        except httpx.TransportError:
            assert time.monotonic() < deadline, f"nothing answered at {url}"
            time.sleep(0.05)
