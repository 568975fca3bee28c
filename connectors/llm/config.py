"""What the LLM edge needs to know, as one small value (no Settings here).

`callpipe.edges.llm_config` builds it from OPENAI_BASE_URL, OPENAI_API_KEY,
LLM_MODEL, LLM_TIMEOUT_MS, LLM_MAX_CONCURRENCY, LLM_CACHE_DIR and
LLM_CACHE_MAX_ENTRIES; tests build it directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import SecretStr


@dataclass(frozen=True, slots=True)
class LlmConfig:
    """The endpoint, its key (hidden when printed), limits and the answer cache."""

    model: str = "gpt-4o-mini"
    base_url: str | None = None
    """None: the OpenAI API itself."""
    api_key: SecretStr = field(default_factory=lambda: SecretStr("not-needed"))
    timeout_s: float = 15.0
    max_concurrency: int = 16
    cache_dir: Path = Path(".local/llm-cache")
    cache_max_entries: int = 100_000
    """0: no cache."""
