"""The analysis configuration files: packaged data, overrides, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from callpipe.analysis import (
    CONFIG_FILES,
    AnalysisConfigError,
    asked_field,
    build_analysis_config,
    load_analysis_config,
)
from callpipe.analysis.values import extract_model

BRANDS = (
    "Tata", "Hyundai", "Maruti Suzuki", "Mahindra", "Kia", "Toyota", "Honda", "MG", "Skoda",
    "Volkswagen", "Renault", "Nissan", "Citroen",
)  # fmt: skip


def packaged() -> dict[str, object]:
    config_dir = Path(__file__).resolve().parents[3] / "callpipe" / "analysis" / "data"
    return {name: json.loads((config_dir / name).read_text("utf-8")) for name in CONFIG_FILES}


def test_packaged_data_covers_the_contract_minimum() -> None:
    """Every contract cue, language word and brand is in the packaged files."""
    config = load_analysis_config()
    for field, cues in {
        "name": ["name", "naam"],
        "model": ["model", "car", "vehicle", "gaadi", "gadi"],
        "email": ["email", "e-mail", "mail id", "email id"],
    }.items():
        assert set(cues) <= set(config.cues[field])  # type: ignore[index]
    words = {spec.name: set(spec.words) for spec in config.languages}
    assert {"haan", "nahi", "nahin", "mera", "naam", "hai", "kya", "ji", "aap", "theek",
            "accha", "chahiye", "baat"} <= words["hindi"]  # fmt: skip
    assert {"yes", "no", "my", "name", "is", "the", "i", "want", "looking", "for", "email",
            "please", "thank", "you"} <= words["english"]  # fmt: skip
    for language in ("tamil", "telugu", "kannada", "gujarati", "punjabi"):
        assert len(words[language]) >= 10
    assert set(BRANDS) <= set(config.catalogue)
    assert config.fallback_language == "hindi"


def test_packaged_language_word_lists_are_disjoint() -> None:
    """No packaged word scores for two languages (that would blur every score)."""
    config = load_analysis_config()
    assert all(len(languages) == 1 for languages in config.word_languages.values())


def test_override_file_replaces_the_packaged_one(tmp_path: Path) -> None:
    """A cues.json in the override folder replaces the packaged cues whole."""
    (tmp_path / "cues.json").write_text(
        json.dumps({"name": ["naav"], "model": ["kaar"], "email": ["imel"]}), "utf-8"
    )
    config = load_analysis_config(tmp_path)
    assert asked_field("Tumcha naav kay?", config) == ("name", "naav")
    assert asked_field("What is your name?", config) is None
    assert extract_model("creta", config) == "Hyundai Creta"  # other files still packaged


def test_missing_override_folder_is_an_error(tmp_path: Path) -> None:
    """A configured folder that does not exist is reported, not ignored."""
    with pytest.raises(AnalysisConfigError, match="does not exist"):
        load_analysis_config(tmp_path / "nope")


def test_invalid_json_names_the_file(tmp_path: Path) -> None:
    """Malformed JSON is reported with the file's path."""
    (tmp_path / "phrases.json").write_text("{oops", "utf-8")
    with pytest.raises(AnalysisConfigError, match=r"phrases\.json: not valid JSON"):
        load_analysis_config(tmp_path)


@pytest.mark.parametrize(
    "file, change, message",
    [
        ("cues.json", lambda d: d.pop("email"), "cues.json: email: required key is missing"),
        ("cues.json", lambda d: d.update(phone=["phone"]), "cues.json: phone: unknown key"),
        ("cues.json", lambda d: d["name"].append(""), "cues.json: name[6]: expected a non-empty"),
        ("cues.json", lambda d: d["model"].append("name"), "name' is already a cue of name"),
        ("languages.json", lambda d: d.update(fallback="klingon"), "fallback: 'klingon' is not"),
        (
            "languages.json",
            lambda d: d["languages"]["tamil"]["words"].append("two words"),
            "languages.tamil.words[21]",
        ),
        (
            "languages.json",
            lambda d: d["languages"]["tamil"]["scripts"].append("0900-0910"),
            "overlaps a range of hindi",
        ),
        (
            "languages.json",
            lambda d: d["languages"]["tamil"]["scripts"].append("zz"),
            "is not a range like",
        ),
        (
            "catalogue.json",
            lambda d: d["brands"]["Kia"].update({"Creta": []}),
            "catalogue.json: brands.Kia.Creta: alias 'Creta' also names Hyundai Creta",
        ),
        (
            "catalogue.json",
            lambda d: d["brands"]["Kia"].update({"Sonet": "sonet"}),
            "brands.Kia.Sonet: expected a list",
        ),
        (
            "phrases.json",
            lambda d: d["dealer_request"].pop("verbs"),
            "phrases.json: dealer_request.verbs: required key is missing",
        ),
        (
            "phrases.json",
            lambda d: d["email_spoken"].update({"@@ ": ["at"]}),
            "email_spoken.@@ : must be",
        ),
        (
            "questions.json",
            lambda d: d.pop("request_words"),
            "questions.json: request_words: required key is missing",
        ),
        (
            "speech.json",
            lambda d: d["numbers"].update({"21": ["twenty one"]}),
            "speech.json: numbers.21: must be 0-19, a multiple of 10 up to 90, 100 or 1000",
        ),
        (
            "speech.json",
            lambda d: d["repeats"].update({"single": 1}),
            "speech.json: repeats.single: must be a whole number 2-9",
        ),
        (
            "speech.json",
            lambda d: d["model_choice"].update({"maybe": []}),
            "speech.json: model_choice.maybe: unknown key",
        ),
        (
            "catalogue.json",
            lambda d: d["brands"]["Kia"].update({"Sel Tos": []}),
            "catalogue.json: brands.Kia.Sel Tos: alias 'Sel Tos' written together is also a "
            "name of Kia Seltos",
        ),
    ],
)
def test_malformed_files_name_file_and_key(file: str, change: object, message: str) -> None:
    """Every check of the data files reports the file and the key path."""
    files = packaged()
    change(files[file])  # type: ignore[operator]
    with pytest.raises(AnalysisConfigError) as caught:
        build_analysis_config(files)
    assert message in str(caught.value)
    assert str(caught.value).startswith(file)


def test_a_neutral_word_may_not_also_belong_to_a_language() -> None:
    """A word both neutral and English would count and not count: an error naming it."""
    files = packaged()
    files["languages.json"]["neutral"].append("yes")  # type: ignore[index]
    with pytest.raises(AnalysisConfigError, match=r"neutral\[6\]: 'yes' is also a word of english"):
        build_analysis_config(files)


def test_languages_json_without_neutral_words_is_accepted() -> None:
    """An older override file without 'neutral' still loads (no neutral words)."""
    files = packaged()
    del files["languages.json"]["neutral"]  # type: ignore[attr-defined]
    assert build_analysis_config(files).neutral_words == ()


def test_speech_json_without_the_later_lists_is_accepted() -> None:
    """An older speech.json without 'inner_titles' and 'everyday_followers' still loads."""
    files = packaged()
    speech = files["speech.json"]
    del speech["inner_titles"]  # type: ignore[attr-defined]
    del speech["model_choice"]["everyday_followers"]  # type: ignore[index]
    config = build_analysis_config(files)
    assert config.inner_titles == frozenset()
    assert config.everyday_model_followers == frozenset()


def test_a_malformed_later_list_names_its_key() -> None:
    files = packaged()
    files["speech.json"]["inner_titles"] = "bhai"  # type: ignore[index]
    with pytest.raises(AnalysisConfigError, match="inner_titles"):
        build_analysis_config(files)
