"""The versioned extraction prompt: a packaged Markdown file plus the catalogue.

A prompt is never edited in place once released: a change is a new file
(``extract-v3.md``) and a new `PROMPT_VERSION`. The version is part of the
cache key, so answers to an old prompt are never served for a new one.

The file holds one placeholder, ``{{catalogue}}``, replaced by the model
catalogue of the running `AnalysisConfig` (the same one the rules and the
answer validation use), so the LLM is asked for exactly the canonical
``Brand Model`` forms that will be accepted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources

from callpipe.analysis.config import AnalysisConfig
from callpipe.connectors.llm.errors import LlmError

PROMPT_VERSION = "extract-v3"
CATALOGUE_PLACEHOLDER = "{{catalogue}}"


class PromptError(LlmError, reason="prompt"):
    """A prompt file is missing or malformed (a packaging bug, found at start-up)."""


@dataclass(frozen=True, slots=True)
class Prompt:
    """The system prompt of one version, rendered for one catalogue."""

    version: str
    text: str

    @property
    def digest(self) -> str:
        """sha256 of the rendered text: changes when the catalogue changes."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def load_prompt(config: AnalysisConfig, version: str = PROMPT_VERSION) -> Prompt:
    """Reads ``prompts/<version>.md`` from the package and renders it for ``config``."""
    resource = (
        resources.files("callpipe.connectors.llm").joinpath("prompts").joinpath(f"{version}.md")
    )
    try:
        template = resource.read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError) as exc:
        raise PromptError(f"prompt {version!r} cannot be read: {exc}") from exc
    return render_prompt(template, config, version)


def render_prompt(template: str, config: AnalysisConfig, version: str) -> Prompt:
    """``template`` with its catalogue placeholder filled in (pure)."""
    if template.count(CATALOGUE_PLACEHOLDER) != 1:
        raise PromptError(f"prompt {version!r} must hold {CATALOGUE_PLACEHOLDER} exactly once")
    # str.replace, not str.format: the prompt shows JSON, full of braces.
    return Prompt(version, template.replace(CATALOGUE_PLACEHOLDER, render_catalogue(config)))


def render_catalogue(config: AnalysisConfig) -> str:
    """One line per model: ``- Tata Nexon EV (also: nexon electric, nexon e v)``."""
    lines = []
    for brand, models in config.catalogue.items():
        for model, aliases in models.items():
            also = f" (also: {', '.join(aliases)})" if aliases else ""
            lines.append(f"- {brand} {model}{also}")
    return "\n".join(lines)
