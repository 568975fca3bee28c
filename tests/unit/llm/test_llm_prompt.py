"""The versioned prompt file and its rendering."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from callpipe.analysis import CONFIG_FILES, AnalysisConfig, build_analysis_config
from callpipe.connectors.llm.prompt import (
    CATALOGUE_PLACEHOLDER,
    PROMPT_VERSION,
    PromptError,
    load_prompt,
    render_prompt,
)


def packaged_json(name: str) -> object:
    return json.loads(resources.files("callpipe.analysis").joinpath("data", name).read_text())


def test_packaged_prompt_lists_every_canonical_model(config: AnalysisConfig) -> None:
    """The rendered prompt names every catalogue model in its Brand Model form."""
    prompt = load_prompt(config)
    assert prompt.version == PROMPT_VERSION
    assert CATALOGUE_PLACEHOLDER not in prompt.text
    for brand, models in config.catalogue.items():
        for model in models:
            assert f"- {brand} {model}" in prompt.text


def test_prompt_states_the_rules_and_the_answer_shape(config: AnalysisConfig) -> None:
    """The prompt carries the contract's value rules and the JSON answer shape."""
    text = load_prompt(config).text
    for phrase in ('"values"', '"window_id"', "title case", "Brand Model", "at the rate", "null"):
        assert phrase in text


def test_unknown_version_is_a_prompt_error(config: AnalysisConfig) -> None:
    """Asking for a prompt file that is not packaged fails loudly at start-up."""
    with pytest.raises(PromptError):
        load_prompt(config, "extract-v999")


@pytest.mark.parametrize("template", ["no placeholder", "{{catalogue}} twice {{catalogue}}"])
def test_template_needs_exactly_one_placeholder(config: AnalysisConfig, template: str) -> None:
    """A template without, or with two, catalogue placeholders is rejected."""
    with pytest.raises(PromptError):
        render_prompt(template, config, "test")


def test_braces_in_the_template_are_left_alone(config: AnalysisConfig) -> None:
    """JSON examples in the prompt survive rendering (no str.format)."""
    prompt = render_prompt('{"values": []}\n{{catalogue}}', config, "test")
    assert prompt.text.startswith('{"values": []}\n- ')


def test_digest_follows_the_catalogue(config: AnalysisConfig) -> None:
    """A different catalogue renders a different prompt, hence a different digest."""
    files = {name: packaged_json(name) for name in CONFIG_FILES}
    files["catalogue.json"] = {"brands": {"Tata": {"Nexon": []}}}
    small = build_analysis_config(files)
    assert load_prompt(small).digest != load_prompt(config).digest
    assert load_prompt(config).digest == load_prompt(config).digest


def test_the_current_prompt_carries_the_values_as_people_say_them(config: AnalysisConfig) -> None:
    """extract-v3 states the amended contract's rules and what a held-out corpus
    batch taught the rules (titles between the names, everyday words);
    extract-v1 and extract-v2 stay for rollback."""
    text = load_prompt(config).text
    assert PROMPT_VERSION == "extract-v3"
    for phrase in (
        "final version counts",  # corrections
        "Several models",
        "exactly one entry is that close",  # bounded, unambiguous slips
        "Letters said one by one",
        "Numbers said as words",
        '"plus" is `+`',
        "Initials",
        "Titles and honorifics are not part of the",
        "Noise markers",
        "When you are not sure, answer null.",
        "a title said between the first",
        "used in its everyday sense, is",
    ):
        assert phrase in text, phrase
    assert load_prompt(config, "extract-v1").version == "extract-v1"
    assert load_prompt(config, "extract-v2").version == "extract-v2"
