"""The value step: from one attempt's reply text to the field's value.

`ValueExtractor` is the seam an LLM extractor plugs into; `RuleExtractor`
is the deterministic implementation built from the configured word lists.
`RuleExtractor.read` also says which rule decided (for ``--explain``).
"""

from __future__ import annotations

from typing import Protocol

from callpipe.analysis.config import AnalysisConfig
from callpipe.analysis.values.emails import read_email
from callpipe.analysis.values.models import read_model
from callpipe.analysis.values.names import read_name
from callpipe.analysis.values.reading import Reading


class ValueExtractor(Protocol):
    """Finds the value of ``field`` in the customer's reply, or None when there is none."""

    def extract(self, field: str, reply_text: str) -> str | None: ...


class RuleExtractor:
    """Names, models and emails by the rules of `values.names`, `.models`, `.emails`."""

    source = "rules"

    def __init__(self, config: AnalysisConfig) -> None:
        self._config = config

    def extract(self, field: str, reply_text: str) -> str | None:
        return self.read(field, reply_text).value

    def read(self, field: str, reply_text: str) -> Reading:
        """The value of ``field`` in ``reply_text`` and the rule that decided it."""
        if field == "name":
            return read_name(reply_text, self._config)
        if field == "model":
            return read_model(reply_text, self._config)
        if field == "email":
            return read_email(reply_text, self._config)
        raise ValueError(f"unknown field {field!r}")
