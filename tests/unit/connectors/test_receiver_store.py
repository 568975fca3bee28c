"""The SQLite payload store: stored once per key, batched, durable across restarts."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest

from callpipe.connectors.receiver.errors import StoreError
from callpipe.connectors.receiver.store import PayloadStore, PutResult

AT = "2025-10-02T09:00:00.000Z"


async def _open(path: Path) -> PayloadStore:
    store = PayloadStore(path)
    await store.open()
    return store


def test_first_put_stores_second_is_duplicate(tmp_path: Path) -> None:
    """Same idempotency key twice: one row."""

    async def run() -> tuple[PutResult, PutResult, int]:
        store = await _open(tmp_path / "r.db")
        first = await store.put("k1", "c1", AT, '{"a":1}')
        second = await store.put("k1", "c1", AT, '{"a":2}')
        count = store.stored_count
        await store.close()
        return first, second, count

    assert asyncio.run(run()) == (PutResult.STORED, PutResult.DUPLICATE, 1)


def test_concurrent_puts_of_one_key_store_exactly_once(tmp_path: Path) -> None:
    """Many simultaneous POSTs of one payload: one STORED, the rest DUPLICATE."""

    async def run() -> list[PutResult]:
        store = await _open(tmp_path / "r.db")
        results = await asyncio.gather(*(store.put("k", "c", AT, "{}") for _ in range(50)))
        await store.close()
        return list(results)

    results = asyncio.run(run())
    assert results.count(PutResult.STORED) == 1
    assert results.count(PutResult.DUPLICATE) == 49


def test_many_concurrent_puts_are_all_committed(tmp_path: Path) -> None:
    """1000 distinct keys at once all land (in batched transactions)."""
    path = tmp_path / "r.db"

    async def run() -> int:
        store = await _open(path)
        await asyncio.gather(*(store.put(f"k{i}", "c", AT, "{}") for i in range(1000)))
        await store.close()
        return store.stored_count

    assert asyncio.run(run()) == 1000
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM payloads").fetchone() == (1000,)


def test_database_is_wal(tmp_path: Path) -> None:
    """The file is in WAL mode."""
    path = tmp_path / "r.db"

    async def run() -> None:
        store = await _open(path)
        await store.close()

    asyncio.run(run())
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_rows_and_duplicates_survive_a_restart(tmp_path: Path) -> None:
    """Reopening counts earlier rows and still knows their keys."""
    path = tmp_path / "nested" / "r.db"

    async def first_run() -> None:
        store = await _open(path)
        await store.put("k1", "c1", AT, "{}")
        await store.close()

    async def second_run() -> tuple[int, PutResult]:
        store = await _open(path)
        count = store.stored_count
        again = await store.put("k1", "c1", AT, "{}")
        await store.close()
        return count, again

    asyncio.run(first_run())
    assert asyncio.run(second_run()) == (1, PutResult.DUPLICATE)


def test_payloads_for_a_call_oldest_first(tmp_path: Path) -> None:
    """Every version of a call's payload comes back decoded, in arrival order."""

    async def run() -> list[tuple[str, dict[str, int]]]:
        store = await _open(tmp_path / "r.db")
        await store.put("k1", "c1", "2025-10-02T09:00:00.000Z", json.dumps({"v": 1}))
        await store.put("k2", "c1", "2025-10-02T09:00:01.000Z", json.dumps({"v": 2}))
        await store.put("k3", "c2", "2025-10-02T09:00:02.000Z", json.dumps({"v": 3}))
        rows = await store.payloads_for("c1")
        await store.close()
        return [(row.idempotency_key, row.payload) for row in rows]

    assert asyncio.run(run()) == [("k1", {"v": 1}), ("k2", {"v": 2})]


def test_put_after_close_is_a_store_error(tmp_path: Path) -> None:
    """A closed store refuses writes with its own error."""

    async def run() -> None:
        store = await _open(tmp_path / "r.db")
        await store.close()
        await store.put("k", "c", AT, "{}")

    with pytest.raises(StoreError, match="not open"):
        asyncio.run(run())


def test_unopenable_path_is_a_store_error(tmp_path: Path) -> None:
    """A database path that is a folder fails with StoreError."""
    folder = tmp_path / "dir.db"
    folder.mkdir()

    async def run() -> None:
        store = PayloadStore(folder)
        try:
            await store.open()
        finally:
            await store.close()

    with pytest.raises(StoreError, match="cannot open"):
        asyncio.run(run())
