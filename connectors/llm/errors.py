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
``reason`` is a short fixed word, safe as a Prometheus label, given with
the class (``class LlmTimeout(LlmRequestError, reason="timeout")``); messages
never hold transcript text (they may be logged).
"""

from __future__ import annotations

from typing import Any, ClassVar


class LlmError(Exception):
    """Something went wrong at the LLM boundary; ``reason`` says what, in one word."""

    reason: ClassVar[str] = "error"

    def __init_subclass__(cls, *, reason: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if reason is not None:
            cls.reason = reason


class LlmRequestError(LlmError, reason="unavailable"):
    """The request did not produce an answer; ``status`` is the HTTP one, if any."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class LlmTimeout(LlmRequestError, reason="timeout"):
    """The endpoint did not answer within LLM_TIMEOUT_MS, on the last try too."""


class LlmUnavailable(LlmRequestError, reason="unavailable"):
    """Connection failures or 408/409/429/5xx answers, still failing after the retries."""


class LlmRejected(LlmRequestError, reason="rejected"):
    """The endpoint refused the request itself (a 4xx that retrying cannot fix)."""


class LlmAnswerError(LlmError, reason="invalid_answer"):
    """An answer arrived but cannot be used."""


class LlmRefused(LlmAnswerError, reason="refused"):
    """The model refused, or the endpoint's content filter stopped it."""


class LlmInvalidAnswer(LlmAnswerError, reason="invalid_answer"):
    """The answer is empty, cut short, not JSON or not the agreed shape."""


class LlmCacheError(LlmError, reason="cache"):
    """The answer cache could not be read or written (the call goes on without it)."""
