"""The one place that talks to the OpenAI-compatible endpoint.

- The official ``openai`` SDK does the HTTP: it retries 408/409/429/5xx and
  connection errors itself (``max_retries=2``, exponential backoff, honours
  ``Retry-After``), and applies LLM_TIMEOUT_MS to every try.
- Structured output first (``response_format`` ``json_schema``, strict). A
  server that rejects it (400/422 naming ``response_format`` or
  ``json_schema``: older vLLM, llama.cpp, some proxies) is asked again in
  ``json_object`` mode, and this client remembers not to try again; the
  answer is validated either way (`answer`).
- At most LLM_MAX_CONCURRENCY requests are in flight (a semaphore), so a burst
  of calls queues here instead of tripping the endpoint's rate limit.
- Every SDK error is mapped to an `LlmError` (``errors.py``, ``from exc``); messages name
  the status and error code, never the request or answer text.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from typing import Literal, Protocol

import openai
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam
from openai.types.chat.completion_create_params import ResponseFormat

from callpipe.connectors.llm import errors
from callpipe.connectors.llm.config import LlmConfig
from callpipe.connectors.llm.metrics import LLM_REQUEST_SECONDS, LLM_REQUESTS, LLM_TOKENS
from callpipe.connectors.llm.request import SCHEMA_NAME, LlmRequest

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.openai.com/v1"
MAX_RETRIES = 2

ResponseMode = Literal["json_schema", "json_object"]

_RETRIED_STATUSES = frozenset({408, 409, 429})
_SCHEMA_REJECTION_STATUSES = frozenset({400, 422})


@dataclass(frozen=True, slots=True)
class Completion:
    """The text of one answer and what it cost."""

    content: str
    tokens_in: int
    tokens_out: int
    mode: ResponseMode


class CompletionClient(Protocol):
    """What `LlmExtractor` needs from a client: one answer per request, or an LlmError."""

    async def complete(self, request: LlmRequest) -> Completion: ...

    async def aclose(self) -> None: ...


class LlmClient:
    """`CompletionClient` over ``openai.AsyncOpenAI`` (built from the config unless given)."""

    def __init__(
        self, config: LlmConfig, *, openai_client: openai.AsyncOpenAI | None = None
    ) -> None:
        self.model = config.model
        self._owns_openai = openai_client is None
        # base_url and api_key are always passed, so the SDK never falls back
        # to reading the environment itself.
        self._openai = openai_client or openai.AsyncOpenAI(
            base_url=config.base_url or DEFAULT_BASE_URL,
            api_key=config.api_key.get_secret_value(),
            timeout=config.timeout_s,
            max_retries=MAX_RETRIES,
        )
        self._slots = asyncio.Semaphore(config.max_concurrency)
        self.json_schema_supported = True

    async def complete(self, request: LlmRequest) -> Completion:
        """The answer to ``request``; LlmError subclasses for every failure."""
        async with self._slots:
            started = time.perf_counter()
            try:
                completion = _read(*await self._create(request))
            except errors.LlmError as exc:
                LLM_REQUESTS.labels(exc.reason).inc()
                raise
            finally:
                LLM_REQUEST_SECONDS.observe(time.perf_counter() - started)
        LLM_REQUESTS.labels("ok").inc()
        return completion

    async def aclose(self) -> None:
        if self._owns_openai:
            await self._openai.close()

    async def _create(self, request: LlmRequest) -> tuple[ChatCompletion, ResponseMode]:
        if self.json_schema_supported:
            try:
                return await self._send(request, _json_schema_format(request)), "json_schema"
            except openai.APIStatusError as exc:
                if not _rejects_json_schema(exc):
                    raise _mapped(exc) from exc
                self.json_schema_supported = False
                log.warning(
                    "the LLM endpoint rejects json_schema output; using json_object from now on",
                    extra={"fields": {"status": exc.status_code, "model": self.model}},
                )
            except openai.OpenAIError as exc:
                raise _mapped(exc) from exc
        try:
            return await self._send(request, {"type": "json_object"}), "json_object"
        except openai.OpenAIError as exc:
            raise _mapped(exc) from exc

    async def _send(self, request: LlmRequest, response_format: ResponseFormat) -> ChatCompletion:
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": message.content}
            if message.role == "system"
            else {"role": "user", "content": message.content}
            for message in request.messages
        ]
        return await self._openai.chat.completions.create(
            model=self.model,
            messages=messages,
            temperature=0,
            response_format=response_format,
        )


def _read(completion: ChatCompletion, mode: ResponseMode) -> Completion:
    usage = completion.usage
    # Not every compatible server fills usage in (the SDK does not enforce it).
    tokens_in = max(int(usage.prompt_tokens or 0), 0) if usage is not None else 0
    tokens_out = max(int(usage.completion_tokens or 0), 0) if usage is not None else 0
    # Counted before any check: a refused or garbled answer is paid for too.
    LLM_TOKENS.labels("in").inc(tokens_in)
    LLM_TOKENS.labels("out").inc(tokens_out)
    if not completion.choices:
        raise errors.LlmInvalidAnswer("the answer has no choices")
    choice = completion.choices[0]
    if choice.message.refusal or choice.finish_reason == "content_filter":
        raise errors.LlmRefused(f"the model refused (finish_reason {choice.finish_reason!r})")
    if choice.finish_reason == "length":
        raise errors.LlmInvalidAnswer("the answer was cut short (finish_reason 'length')")
    if not choice.message.content:
        raise errors.LlmInvalidAnswer("the answer is empty")
    return Completion(choice.message.content, tokens_in, tokens_out, mode)


def _json_schema_format(request: LlmRequest) -> ResponseFormat:
    return {
        "type": "json_schema",
        "json_schema": {"name": SCHEMA_NAME, "schema": dict(request.schema), "strict": True},
    }


def _rejects_json_schema(exc: openai.APIStatusError) -> bool:
    """Whether a 4xx says the server cannot do json_schema output (and nothing else)."""
    if exc.status_code not in _SCHEMA_REJECTION_STATUSES:
        return False
    said = f"{exc.message} {json.dumps(exc.body, default=str)}".lower()
    return "response_format" in said or "json_schema" in said


def _mapped(exc: openai.OpenAIError) -> errors.LlmError:
    """The LlmError for an SDK error (the caller chains it ``from exc``)."""
    if isinstance(exc, openai.APITimeoutError):
        return errors.LlmTimeout(f"no answer within the timeout, after {MAX_RETRIES} retries")
    if isinstance(exc, openai.APIConnectionError):
        return errors.LlmUnavailable(f"cannot reach the LLM endpoint, after {MAX_RETRIES} retries")
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        code = f" ({exc.code})" if isinstance(exc.code, str) else ""
        if status in _RETRIED_STATUSES or status >= 500:
            return errors.LlmUnavailable(
                f"HTTP {status}{code}, after {MAX_RETRIES} retries", status
            )
        return errors.LlmRejected(f"HTTP {status}{code}", status)
    if isinstance(exc, openai.APIResponseValidationError):
        return errors.LlmInvalidAnswer("the answer does not have the chat completion shape")
    return errors.LlmRequestError(f"{type(exc).__name__} from the openai SDK")
