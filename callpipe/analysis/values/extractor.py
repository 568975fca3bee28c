"""The value step: from one attempt's reply text to the field's value.

`ValueExtractor` is the seam an LLM extractor plugs into; `RuleExtractor`
is the deterministic implementation built from the configured word lists.
"""

from __future__ import annotations

from typing import Protocol

from callpipe.analysis.config import AnalysisConfig
from callpipe.analysis.values.emails import extract_email
from callpipe.analysis.values.models import extract_model
from callpipe.analysis.values.names import extract_name


class ValueExtractor(Protocol):
    """Finds the value of ``field`` in the customer's reply, or None when there is none."""

    def extract(self, field: str, reply_text: str) -> str | None: ...


class RuleExtractor:
    """Names, models and emails by the rules of `values.names`, `.models`, `.emails`."""

    source = "rules"

    def __init__(self, config: AnalysisConfig) -> None:
        self._config = config

    def extract(self, field: str, reply_text: str) -> str | None:
        if field == "name":
            return extract_name(reply_text, self._config)
        if field == "model":
            return extract_model(reply_text, self._config)
        if field == "email":
            return extract_email(reply_text, self._config)
        raise ValueError(f"unknown field {field!r}")
