"""`LlmExtractor`: the value step of extraction done by an LLM, one request per call.

Windows are found and assembled by the analysis engine exactly as for the
rules; only the values come from the LLM (contract section 3). The order of
a call:

1. ``find_attempt_windows``; no window with a reply -> no request at all;
2. the answer cache (a hit costs nothing);
3. one chat request (`LlmClient`), its answer checked by `read_answer`;
4. ``assemble_extraction(..., source="llm")``.

Any LLM failure (timeout, endpoint down after the retries, a rejected
request, a refusal, an unusable answer, or a bug in between) falls back to
the rule extractor for that call (``source="rules-fallback"``), counted in
``callpipe_llm_fallbacks_total{reason}`` and logged with the call id and the
reason only. `extract` never raises for LLM problems; a cache that fails is
logged and skipped.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Mapping

from callpipe.analysis.config import AnalysisConfig
from callpipe.analysis.extraction import Extraction, assemble_extraction
from callpipe.analysis.questions import AttemptWindow, find_attempt_windows
from callpipe.analysis.transcript import Transcript
from callpipe.analysis.values.extractor import RuleExtractor
from callpipe.connectors.closing import AsyncClosing
from callpipe.connectors.llm.answer import Answer, UnusableAnswer, read_answer
from callpipe.connectors.llm.cache import LlmCache, cache_key
from callpipe.connectors.llm.client import CompletionClient, LlmClient
from callpipe.connectors.llm.config import LlmConfig
from callpipe.connectors.llm.errors import LlmCacheError, LlmError, LlmInvalidAnswer
from callpipe.connectors.llm.metrics import (
    FALLBACK_REASONS,
    LLM_CACHE_HITS,
    LLM_FALLBACKS,
    LLM_VALUES_DROPPED,
)
from callpipe.connectors.llm.prompt import Prompt, load_prompt
from callpipe.connectors.llm.request import build_request, windows_with_replies
from callpipe.connectors.llm.validation import ValueValidator
from callpipe.logs import log_fields
from callpipe.privacy import mask_text

SOURCE_LLM = "llm"
SOURCE_FALLBACK = "rules-fallback"

log = logging.getLogger(__name__)


class LlmExtractor(AsyncClosing):
    """Extraction with LLM values and a per-call fallback to the rules.

    ``client`` defaults to an `LlmClient` built from ``llm``; ``cache``
    to an `LlmCache` in LLM_CACHE_DIR (LLM_CACHE_MAX_ENTRIES=0: no cache);
    ``prompt`` to the current `PROMPT_VERSION` rendered for ``config``.
    The extractor owns what it builds and what it is given: `aclose` closes both.
    """

    def __init__(
        self,
        llm: LlmConfig,
        config: AnalysisConfig,
        *,
        client: CompletionClient | None = None,
        cache: LlmCache | None = None,
        prompt: Prompt | None = None,
    ) -> None:
        self._config = config
        self._model = llm.model
        self._rules = RuleExtractor(config)
        self._validator = ValueValidator(config)
        self._prompt = prompt if prompt is not None else load_prompt(config)
        self._client = client if client is not None else LlmClient(llm)
        self._cache = cache if cache is not None else _open_cache(llm)

    async def extract(self, transcript: Transcript) -> Extraction:
        """The extraction of ``transcript``: LLM values, or the rules' when the LLM fails."""
        windows = find_attempt_windows(transcript, self._config)
        if not windows_with_replies(windows):
            # Nothing was answered, so there is nothing to ask: no request, no cost.
            return assemble_extraction(windows, {}, SOURCE_LLM)
        try:
            values = await self._llm_values(transcript, windows)
        except LlmError as exc:
            return self._fallback(transcript, windows, exc.reason, exc)
        except Exception as exc:  # a bug in the SDK or here must not lose the call either
            return self._fallback(transcript, windows, "error", exc)
        return assemble_extraction(windows, values, SOURCE_LLM)

    async def aclose(self) -> None:
        """Closes the client (its HTTP connections) and the cache."""
        try:
            await self._client.aclose()
        finally:
            self._cache.close()

    async def _llm_values(
        self, transcript: Transcript, windows: tuple[AttemptWindow, ...]
    ) -> Mapping[str, str | None]:
        request = build_request(self._prompt, transcript, windows)
        asked = {window.id: window.field for window in windows_with_replies(windows)}
        key = cache_key(self._prompt.version, self._model, request.digest)
        cached = await self._cache_get(key, transcript)
        if cached is not None:
            # Checked again: the validation may have become stricter since.
            answer = read_answer(cached, asked, self._validator)
            if isinstance(answer, Answer):
                LLM_CACHE_HITS.inc()
                return answer.values
        completion = await self._client.complete(request)
        answer = read_answer(completion.content, asked, self._validator)
        if isinstance(answer, UnusableAnswer):
            raise LlmInvalidAnswer(answer.problem)
        self._count_dropped(answer, transcript)
        await self._cache_put(key, completion.content, transcript)
        return answer.values

    def _fallback(
        self,
        transcript: Transcript,
        windows: tuple[AttemptWindow, ...],
        reason: str,
        exc: Exception,
    ) -> Extraction:
        reason = reason if reason in FALLBACK_REASONS else "error"
        LLM_FALLBACKS.labels(reason).inc()
        fields = {
            "call_ref_id": transcript.call_ref_id,
            "reason": reason,
            "error": type(exc).__name__,
        }
        if isinstance(exc, LlmError):
            # Our own messages never hold call text; masked all the same.
            fields["detail"] = mask_text(str(exc))
        else:
            # Someone else's message might quote the call: only where it was raised.
            fields["where"] = _raised_at(exc)
        log.warning(
            "LLM extraction failed, using the rules for this call", extra=log_fields(**fields)
        )
        values = {
            window.id: self._rules.extract(window.field, window.reply_text)
            for window in windows_with_replies(windows)
        }
        return assemble_extraction(windows, values, SOURCE_FALLBACK)

    def _count_dropped(self, answer: Answer, transcript: Transcript) -> None:
        if not answer.dropped:
            return
        reasons: dict[str, int] = {}
        for piece in answer.dropped:
            LLM_VALUES_DROPPED.labels(piece.reason).inc()
            reasons[piece.reason] = reasons.get(piece.reason, 0) + 1
        log.info(
            "parts of the LLM answer were not trusted",
            extra=log_fields(call_ref_id=transcript.call_ref_id, dropped=reasons),
        )

    async def _cache_get(self, key: str, transcript: Transcript) -> str | None:
        try:
            return await asyncio.to_thread(self._cache.get, key)
        except LlmCacheError as exc:
            _log_cache_error(exc, transcript)
            return None

    async def _cache_put(self, key: str, answer: str, transcript: Transcript) -> None:
        try:
            await asyncio.to_thread(self._cache.put, key, answer)
        except LlmCacheError as exc:
            _log_cache_error(exc, transcript)


def _open_cache(llm: LlmConfig) -> LlmCache:
    try:
        return LlmCache(llm.cache_dir, llm.cache_max_entries)
    except LlmCacheError as exc:
        # The extractor still works without it; every reprocessed call pays again.
        log.error("LLM cache unavailable, running without it", extra=log_fields(error=str(exc)))
        return LlmCache(llm.cache_dir, 0)


def _log_cache_error(exc: LlmCacheError, transcript: Transcript) -> None:
    log.warning(
        "LLM cache failed, going on without it for this call",
        extra=log_fields(call_ref_id=transcript.call_ref_id, error=str(exc)),
    )


def _raised_at(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "unknown"
