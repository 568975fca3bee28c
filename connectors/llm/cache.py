"""An on-disk cache of LLM answers, so that reprocessing a call never pays twice.

Reprocessing is normal in the pipeline (an offset reset, a replayed
dead-letter, a restarted worker): the same transcript comes back and must not
cost a second request. The cache is a SQLite file in LLM_CACHE_DIR:

- the key is sha256 of (prompt version, model, request digest), where the
  request digest hashes the canonical transcript with its windows and the
  rendered prompt (see `cache_key`): a new prompt, model, catalogue or cue
  list never reuses an old answer;
- the stored value is the raw answer text; it is checked again on every hit,
  so a stricter validation also applies to old answers;
- it is bounded to ``max_entries``, the oldest stored evicted first; 0 turns
  the cache off;
- WAL mode with a busy timeout, so several worker processes may share it and
  it survives restarts; a write is committed before `put` returns.

Only usable answers are stored: a failure is tried again next time.
The calls are blocking but short; the extractor runs them in a thread.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from pathlib import Path

from callpipe.connectors.llm.errors import LlmCacheError

CACHE_FILE = "llm-answers.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    answer TEXT NOT NULL
)
"""


def cache_key(prompt_version: str, model: str, request_digest: str) -> str:
    """The cache key of one request (hex sha256)."""
    material = json.dumps([prompt_version, model, request_digest], separators=(",", ":"))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


class LlmCache:
    """Bounded key -> answer text store in ``<directory>/llm-answers.sqlite3``.

    Thread-safe (one connection behind a lock); errors are `LlmCacheError`.
    """

    def __init__(self, directory: Path, max_entries: int) -> None:
        if max_entries < 0:
            raise ValueError("max_entries must be >= 0")
        self.path = directory / CACHE_FILE
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        if max_entries == 0:
            return
        try:
            directory.mkdir(parents=True, exist_ok=True)
            # Autocommit (isolation_level=None): `put` opens its own transaction.
            db = sqlite3.connect(
                self.path, timeout=5.0, check_same_thread=False, isolation_level=None
            )
        except (OSError, sqlite3.Error) as exc:
            raise LlmCacheError(f"cannot open the LLM cache at {self.path}: {exc}") from exc
        try:
            db.execute("PRAGMA journal_mode=WAL")
            # NORMAL is durable across process crashes in WAL mode (only a power
            # loss may lose the last commits), which is enough for a cache.
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(_SCHEMA)
        except sqlite3.Error as exc:
            db.close()
            raise LlmCacheError(f"cannot open the LLM cache at {self.path}: {exc}") from exc
        self._db = db

    @property
    def enabled(self) -> bool:
        return self._db is not None

    def get(self, key: str) -> str | None:
        """The stored answer for ``key``, or None."""
        with self._lock:
            db = self._db
            if db is None:
                return None
            try:
                row = db.execute("SELECT answer FROM answers WHERE key = ?", (key,)).fetchone()
            except sqlite3.Error as exc:
                raise LlmCacheError(f"cannot read the LLM cache: {exc}") from exc
        return None if row is None else str(row[0])

    def put(self, key: str, answer: str) -> None:
        """Stores ``answer`` (the first answer stored for a key stays), then evicts the oldest."""
        with self._lock:
            db = self._db
            if db is None:
                return
            try:
                # IMMEDIATE takes the write lock first, so two processes storing
                # the same key cannot both see it missing.
                db.execute("BEGIN IMMEDIATE")
                try:
                    # Not INSERT OR IGNORE: an ignored insert still uses up a seq,
                    # and the eviction below relies on seq having no gaps.
                    db.execute(
                        "INSERT INTO answers (key, answer) SELECT ?, ? "
                        "WHERE NOT EXISTS (SELECT 1 FROM answers WHERE key = ?)",
                        (key, answer, key),
                    )
                    # seq only grows, one per stored answer, so the newest
                    # max_entries answers are exactly those above this.
                    db.execute(
                        "DELETE FROM answers WHERE seq <= (SELECT MAX(seq) FROM answers) - ?",
                        (self.max_entries,),
                    )
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise LlmCacheError(f"cannot write the LLM cache: {exc}") from exc

    def __len__(self) -> int:
        with self._lock:
            db = self._db
            if db is None:
                return 0
            try:
                return int(db.execute("SELECT COUNT(*) FROM answers").fetchone()[0])
            except sqlite3.Error as exc:
                raise LlmCacheError(f"cannot read the LLM cache: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
