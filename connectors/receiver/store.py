"""SQLite storage of received payloads, written in batches off the event loop.

One table, ``payloads(idempotency_key PRIMARY KEY, call_ref_id, received_at,
payload)``; a payload whose key is already there is a duplicate and is not
stored again. The database runs in WAL mode with ``synchronous=NORMAL``.

Writes go through a queue: a writer task takes everything waiting (up to
``batch_max`` rows), inserts it in one transaction on a dedicated thread,
and only then answers each ``put``. So a 200 means "committed", while
thousands of concurrent POSTs share a few hundred transactions. Reads use
their own connection and thread (WAL lets them run beside the writer).
"""

from __future__ import annotations

import asyncio
import enum
import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from callpipe.connectors.receiver.errors import StoreError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS payloads (
    idempotency_key TEXT PRIMARY KEY,
    call_ref_id     TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    payload         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS payloads_by_call ON payloads (call_ref_id, received_at);
"""
_INSERT = "INSERT OR IGNORE INTO payloads VALUES (?, ?, ?, ?)"
_SELECT_CALL = (
    "SELECT idempotency_key, call_ref_id, received_at, payload FROM payloads"
    " WHERE call_ref_id = ? ORDER BY received_at, rowid"
)


class PutResult(enum.Enum):
    """What ``put`` did with a payload."""

    STORED = "stored"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class StoredPayload:
    """One row of the payloads table, with its JSON decoded."""

    idempotency_key: str
    call_ref_id: str
    received_at: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class _Row:
    idempotency_key: str
    call_ref_id: str
    received_at: str
    payload_json: str


@dataclass
class _Pending:
    row: _Row
    done: asyncio.Future[PutResult]


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=5.0, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


class PayloadStore:
    """The payloads table behind an async API (``await store.open()`` first)."""

    def __init__(self, path: Path, *, batch_max: int = 512) -> None:
        self.path = path
        self.batch_max = batch_max
        self._queue: asyncio.Queue[_Pending | None] = asyncio.Queue()
        self._write_pool = ThreadPoolExecutor(1, thread_name_prefix="receiver-db-write")
        self._read_pool = ThreadPoolExecutor(1, thread_name_prefix="receiver-db-read")
        self._writer_conn: sqlite3.Connection | None = None
        self._reader_conn: sqlite3.Connection | None = None
        self._writer: asyncio.Task[None] | None = None
        self._stored = 0
        self._closing = False

    @property
    def stored_count(self) -> int:
        """Rows in the table (including those of earlier runs)."""
        return self._stored

    async def open(self) -> None:
        """Creates the file and schema if needed and starts the writer."""
        loop = asyncio.get_running_loop()
        try:
            self._writer_conn = await loop.run_in_executor(self._write_pool, self._open_writer)
            self._reader_conn = await loop.run_in_executor(self._read_pool, _connect, self.path)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {self.path}: {exc}") from exc
        self._writer = asyncio.create_task(self._write_loop(), name="receiver-db-writer")

    def _open_writer(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = _connect(self.path)
        conn.executescript(_SCHEMA)
        (self._stored,) = conn.execute("SELECT COUNT(*) FROM payloads").fetchone()
        return conn

    async def put(
        self, idempotency_key: str, call_ref_id: str, received_at: str, payload_json: str
    ) -> PutResult:
        """Stores one payload once it is committed; DUPLICATE if its key is known."""
        if self._writer is None or self._closing:
            raise StoreError("the store is not open")
        done: asyncio.Future[PutResult] = asyncio.get_running_loop().create_future()
        row = _Row(idempotency_key, call_ref_id, received_at, payload_json)
        self._queue.put_nowait(_Pending(row, done))
        return await done

    async def payloads_for(self, call_ref_id: str) -> list[StoredPayload]:
        """Every stored payload of one call, oldest first."""
        conn = self._reader_conn
        if conn is None:
            raise StoreError("the store is not open")

        def read() -> list[tuple[str, str, str, str]]:
            return conn.execute(_SELECT_CALL, (call_ref_id,)).fetchall()

        try:
            rows = await asyncio.get_running_loop().run_in_executor(self._read_pool, read)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read payloads: {exc}") from exc
        return [StoredPayload(key, ref, at, json.loads(body)) for key, ref, at, body in rows]

    async def close(self) -> None:
        """Writes what is queued, then closes both connections."""
        self._closing = True
        if self._writer is not None:
            self._queue.put_nowait(None)
            await self._writer
            self._writer = None
        loop = asyncio.get_running_loop()
        if self._writer_conn is not None:
            await loop.run_in_executor(self._write_pool, self._writer_conn.close)
            self._writer_conn = None
        if self._reader_conn is not None:
            await loop.run_in_executor(self._read_pool, self._reader_conn.close)
            self._reader_conn = None
        self._write_pool.shutdown()
        self._read_pool.shutdown()

    async def _write_loop(self) -> None:
        loop = asyncio.get_running_loop()
        stopping = False
        while not stopping:
            first = await self._queue.get()
            if first is None:
                break
            batch = [first]
            while len(batch) < self.batch_max and not self._queue.empty():
                item = self._queue.get_nowait()
                if item is None:
                    stopping = True
                    break
                batch.append(item)
            rows = [pending.row for pending in batch]
            try:
                inserted = await loop.run_in_executor(self._write_pool, self._insert, rows)
            except Exception as exc:  # whatever it is, the waiting POSTs must hear of it
                error = StoreError(f"cannot store payloads: {exc}")
                for pending in batch:
                    if not pending.done.done():
                        pending.done.set_exception(error)
                continue
            self._stored += sum(inserted)
            for pending, was_new in zip(batch, inserted, strict=True):
                if not pending.done.done():
                    pending.done.set_result(PutResult.STORED if was_new else PutResult.DUPLICATE)

    def _insert(self, rows: list[_Row]) -> list[bool]:
        """One transaction; True per row that was new (runs on the writer thread)."""
        conn = self._writer_conn
        if conn is None:
            raise sqlite3.ProgrammingError("writer connection is closed")
        cursor = conn.cursor()
        inserted = []
        with conn:
            for row in rows:
                cursor.execute(
                    _INSERT,
                    (row.idempotency_key, row.call_ref_id, row.received_at, row.payload_json),
                )
                inserted.append(cursor.rowcount == 1)
        return inserted
