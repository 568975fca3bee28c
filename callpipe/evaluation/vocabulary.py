"""The words a masked report may show: those of the configuration, never personal.

Replies are masked word by word (`callpipe.privacy.mask_words`); what stays
readable are the fillers and common words of every language, cue and request
words, catalogue names, and the words of speech.json and of spoken emails.
A customer's name or address is none of these, so it never shows.
"""

from __future__ import annotations

from callpipe.analysis import AnalysisConfig
from callpipe.analysis.matching import catalogue_tokens


def known_words(config: AnalysisConfig) -> frozenset[str]:
    """Lower-case words that may be shown unmasked."""
    speech = config.speech
    phrases: list[str] = [
        *(cue for cues in config.cues.values() for cue in cues),
        *config.request_words,
        *config.neutral_words,
        *config.phrases.confusion,
        *config.phrases.dealer_nouns,
        *config.phrases.dealer_verbs,
        *config.phrases.name_refusals,
        *(p for _, ps in config.phrases.email_spoken for p in ps),
        *speech.noise_markers,
        *speech.honorifics,
        *speech.corrections,
        *(word for _, words in speech.numbers for word in words),
        *(word for word, _ in speech.repeats),
        *speech.intros_naming,
        *speech.intros_before,
        *speech.intros_after,
        *speech.want,
        *speech.own,
        *speech.reject_before,
        *speech.reject_after,
        *speech.alternatives,
        "gmail",
        "yahoo",
        "com",
        "in",
        "co",
    ]
    words = {word for phrase in phrases for word in phrase.lower().split()}
    words.update(config.stopwords)
    for brand, models in config.catalogue.items():
        words.update(brand.lower().split())
        for model, aliases in models.items():
            for name in (model, *aliases):
                words.update(catalogue_tokens(name))
                words.update(name.lower().split())
    return frozenset(words)
