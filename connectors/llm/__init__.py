"""The LLM value extractor (EXTRACTOR=llm): an OpenAI-compatible model finds the values.

Usage (one extractor per process; it holds an HTTP connection pool and the cache)::

    async with LlmExtractor(llm_config(settings), config) as extractor:  # callpipe.edges
        extraction = await extractor.extract(transcript)   # never raises for LLM problems

``extraction.source`` is ``"llm"``, or ``"rules-fallback"`` when the LLM failed
for that call. See docs/llm.md.

Modules, one job each: `config` (what the edge needs to know), `prompt` (the
versioned prompt file), `request` (the chat request, pure), `answer` and
`validation` (checking the answer, pure), `client` (the openai SDK), `cache`
(SQLite), `extractor` (the flow and the fallback), `metrics`, `errors`.
"""

from callpipe.connectors.llm.answer import Answer, Dropped, UnusableAnswer, read_answer
from callpipe.connectors.llm.cache import LlmCache, cache_key
from callpipe.connectors.llm.client import Completion, CompletionClient, LlmClient
from callpipe.connectors.llm.config import LlmConfig
from callpipe.connectors.llm.errors import (
    LlmAnswerError,
    LlmCacheError,
    LlmError,
    LlmInvalidAnswer,
    LlmRefused,
    LlmRejected,
    LlmRequestError,
    LlmTimeout,
    LlmUnavailable,
)
from callpipe.connectors.llm.extractor import SOURCE_FALLBACK, SOURCE_LLM, LlmExtractor
from callpipe.connectors.llm.prompt import PROMPT_VERSION, Prompt, PromptError, load_prompt
from callpipe.connectors.llm.request import ChatMessage, LlmRequest, build_request
from callpipe.connectors.llm.validation import ValueValidator

__all__ = [
    "PROMPT_VERSION",
    "SOURCE_FALLBACK",
    "SOURCE_LLM",
    "Answer",
    "ChatMessage",
    "Completion",
    "CompletionClient",
    "Dropped",
    "LlmAnswerError",
    "LlmCache",
    "LlmCacheError",
    "LlmClient",
    "LlmConfig",
    "LlmError",
    "LlmExtractor",
    "LlmInvalidAnswer",
    "LlmRefused",
    "LlmRejected",
    "LlmRequest",
    "LlmRequestError",
    "LlmTimeout",
    "LlmUnavailable",
    "Prompt",
    "PromptError",
    "UnusableAnswer",
    "ValueValidator",
    "build_request",
    "cache_key",
    "load_prompt",
    "read_answer",
]
