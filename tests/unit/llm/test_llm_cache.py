"""The on-disk answer cache: keyed, bounded, persistent."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from callpipe.connectors.llm.cache import CACHE_FILE, LlmCache, cache_key
from callpipe.connectors.llm.errors import LlmCacheError


def test_round_trip(tmp_path: Path) -> None:
    """What is put under a key is got back; other keys miss."""
    cache = LlmCache(tmp_path, 10)
    cache.put("k1", '{"values": []}')
    assert cache.get("k1") == '{"values": []}'
    assert cache.get("k2") is None
    cache.close()


def test_survives_a_restart(tmp_path: Path) -> None:
    """A new cache object on the same folder (a restarted process) sees the old answers."""
    first = LlmCache(tmp_path / "nested" / "dir", 10)
    first.put("k", "answer")
    first.close()
    second = LlmCache(tmp_path / "nested" / "dir", 10)
    assert second.get("k") == "answer"
    assert len(second) == 1
    second.close()


def test_bounded_oldest_evicted_first(tmp_path: Path) -> None:
    """Past max_entries the oldest answers go, and the newest max_entries stay."""
    cache = LlmCache(tmp_path, 3)
    for index in range(5):
        cache.put(f"k{index}", f"a{index}")
    assert len(cache) == 3
    assert [cache.get(f"k{index}") for index in range(5)] == [None, None, "a2", "a3", "a4"]
    cache.close()


def test_first_answer_stays_and_repeats_use_no_room(tmp_path: Path) -> None:
    """Storing a key again keeps the first answer and does not push others out."""
    cache = LlmCache(tmp_path, 2)
    cache.put("a", "first")
    for _ in range(5):
        cache.put("a", "second")
    cache.put("b", "b")
    assert (cache.get("a"), cache.get("b"), len(cache)) == ("first", "b", 2)
    cache.close()


def test_bound_holds_across_processes_sharing_the_file(tmp_path: Path) -> None:
    """Two cache objects on one file (two workers) keep the bound between them."""
    one, two = LlmCache(tmp_path, 4), LlmCache(tmp_path, 4)
    for index in range(10):
        (one if index % 2 else two).put(f"k{index}", "x")
    assert len(one) == len(two) == 4
    assert {k for k in (f"k{i}" for i in range(10)) if one.get(k)} == {"k6", "k7", "k8", "k9"}
    one.close()
    two.close()


def test_concurrent_threads(tmp_path: Path) -> None:
    """Puts from many threads (the extractor's to_thread calls) all land, bound respected."""
    cache = LlmCache(tmp_path, 50)

    def worker(offset: int) -> None:
        for index in range(20):
            cache.put(f"t{offset}-{index}", "x")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(cache) == 50
    cache.close()


def test_zero_entries_disables_the_cache(tmp_path: Path) -> None:
    """LLM_CACHE_MAX_ENTRIES=0: nothing stored, no file created."""
    cache = LlmCache(tmp_path / "off", 0)
    cache.put("k", "v")
    assert (cache.enabled, cache.get("k"), len(cache)) == (False, None, 0)
    assert not (tmp_path / "off").exists()


def test_wal_mode(tmp_path: Path) -> None:
    """The file is in WAL mode, so readers and a writer of several processes do not block."""
    LlmCache(tmp_path, 1).close()
    with sqlite3.connect(tmp_path / CACHE_FILE) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_unusable_folder_is_a_cache_error(tmp_path: Path) -> None:
    """A cache folder that is a file cannot be opened: LlmCacheError, chained."""
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(LlmCacheError) as caught:
        LlmCache(blocker, 10)
    assert caught.value.__cause__ is not None


def test_corrupt_file_is_a_cache_error(tmp_path: Path) -> None:
    """A damaged cache file is reported as LlmCacheError, not a raw sqlite3 error."""
    (tmp_path / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    with pytest.raises(LlmCacheError):
        LlmCache(tmp_path, 10)


@pytest.mark.parametrize(
    "other",
    [
        ("extract-v2", "gpt-4o-mini", "d1"),
        ("extract-v1", "llama3", "d1"),
        ("extract-v1", "gpt-4o-mini", "d2"),
    ],
)
def test_key_depends_on_version_model_and_request(other: tuple[str, str, str]) -> None:
    """Changing the prompt version, the model or the request gives another key."""
    assert cache_key("extract-v1", "gpt-4o-mini", "d1") == cache_key(
        "extract-v1", "gpt-4o-mini", "d1"
    )
    assert cache_key(*other) != cache_key("extract-v1", "gpt-4o-mini", "d1")
