"""Reading receipt times back from a receiver database written by the real PayloadStore."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import pytest

from callpipe.bench.procs import count_received, received_at
from callpipe.connectors.receiver.store import PayloadStore


def _store(db: Path, rows: list[tuple[str, str, str]]) -> None:
    async def main() -> None:
        store = PayloadStore(db)
        await store.open()
        try:
            for key, call_ref_id, at in rows:
                await store.put(key, call_ref_id, at, "{}")
        finally:
            await store.close()

    asyncio.run(main())


def test_receipts_of_one_phase_by_prefix(tmp_path: Path) -> None:
    """Only ids with the prefix count; a call stored twice keeps its first receipt."""
    db = tmp_path / "r.sqlite3"
    _store(
        db,
        [
            ("k1", "run-a-000000", "2025-10-02T09:00:00.100Z"),
            ("k2", "run-a-000001", "2025-10-02T09:00:00.250Z"),
            ("k3", "run-a-000001", "2025-10-02T09:00:01.000Z"),  # same call, another key
            ("k4", "run-b-000000", "2025-10-02T09:00:00.300Z"),
        ],
    )
    got = received_at(db, "run-a-")
    assert set(got) == {"run-a-000000", "run-a-000001"}
    assert got["run-a-000001"] == pytest.approx(
        datetime.fromisoformat("2025-10-02T09:00:00.250+00:00").timestamp()
    )
    assert count_received(db, "run-a-") == 2
    assert count_received(db, "run-b-") == 1


def test_no_database_yet(tmp_path: Path) -> None:
    """Before the receiver created its file there is nothing to read."""
    assert received_at(tmp_path / "missing.sqlite3", "x") == {}
    assert count_received(tmp_path / "missing.sqlite3", "x") == 0
