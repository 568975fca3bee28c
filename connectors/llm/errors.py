"""The errors of the LLM boundary, each naming why a call fell back to the rules.

::

    LlmError                      reason (metric label)
    ├── LlmRequestError           no answer came back
    │   ├── LlmTimeout            "timeout"      every try timed out
    │   ├── LlmUnavailable        "unavailable"  connection errors, 429/5xx after the SDK's retries
    │   └── LlmRejected           "rejected"     any other 4xx (bad key, unknown model, ...)
    ├── LlmAnswerError            an answer came back but cannot be used
    │   ├── LlmRefused            "refused"      a refusal or a content filter stop
    │   └── LlmInvalidAnswer      "invalid_answer" empty, truncated, not JSON, wrong shape
    ├── LlmCacheError             "cache"        the on-disk cache failed (never a fallback)
    └── PromptError               "prompt"       a prompt file is missing (prompt.py; start-up)

The openai SDK's errors are mapped to the most specific one here, chained
with ``from exc``, so callers never import openai to tell failures apart.
``reason`` is a short fixed word, safe as a Prometheus label; messages never
hold transcript text (they may be logged).
"""

from __future__ import annotations

from typing import ClassVar


class LlmError(Exception):
    """Something went wrong at the LLM boundary; ``reason`` says what, in one word."""

    reason: ClassVar[str] = "error"


class LlmRequestError(LlmError):
    """The request did not produce an answer."""

    reason: ClassVar[str] = "unavailable"


class LlmTimeout(LlmRequestError):
    """The endpoint did not answer within LLM_TIMEOUT_MS, on the last try too."""

    reason: ClassVar[str] = "timeout"


class LlmUnavailable(LlmRequestError):
    """Connection failures or 408/409/429/5xx answers, still failing after the retries."""

    reason: ClassVar[str] = "unavailable"

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class LlmRejected(LlmRequestError):
    """The endpoint refused the request itself (a 4xx that retrying cannot fix)."""

    reason: ClassVar[str] = "rejected"

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class LlmAnswerError(LlmError):
    """An answer arrived but cannot be used."""

    reason: ClassVar[str] = "invalid_answer"


class LlmRefused(LlmAnswerError):
    """The model refused, or the endpoint's content filter stopped it."""

    reason: ClassVar[str] = "refused"


class LlmInvalidAnswer(LlmAnswerError):
    """The answer is empty, cut short, not JSON or not the agreed shape."""

    reason: ClassVar[str] = "invalid_answer"


class LlmCacheError(LlmError):
    """The answer cache could not be read or written (the call goes on without it)."""

    reason: ClassVar[str] = "cache"
