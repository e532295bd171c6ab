"""Tokenizers registered for configs: spaCy's English tokenizer that also splits
at invisible format characters, and scispaCy's biomedical tokenizer."""
from typing import Callable

from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, registry

# invisible format characters (soft hyphen, zero-width spaces and joiners, word joiner, BOM): text
# copied from PDFs hides them inside names ("Cisplatin\u200b-induced")
FORMAT_CHARS = "\u00ad\u200b-\u200f\u2060-\u2064\ufeff"
FORMAT_CHAR_INFIXES = (f"[{FORMAT_CHARS}]+", f"(?<=[{FORMAT_CHARS}])[-\u2010-\u2015]")


@registry.tokenizers("spacy_kogner.Tokenizer.v1")
def create_tokenizer() -> Callable[[Language], Tokenizer]:
    """spaCy's tokenizer for the language, which also splits at invisible format
    characters and at a hyphen after one, so that a name next to one is a token
    of its own (the KG lookup ignores the characters themselves)."""

    def make_tokenizer(nlp: Language) -> Tokenizer:
        tokenizer = registry.tokenizers.get("spacy.Tokenizer.v1")()(nlp)
        tokenizer.infix_finditer = compile_infix_regex([*nlp.Defaults.infixes, *FORMAT_CHAR_INFIXES]).finditer
        return tokenizer

    return make_tokenizer


@registry.tokenizers("spacy_kogner.SciSpacyTokenizer.v1")
def create_scispacy_tokenizer() -> Callable[[Language], Tokenizer]:
    """scispaCy's combined rule tokenizer (splits hyphenated chemical names and
    parenthesised abbreviations the way biomedical corpora do)."""

    def make_tokenizer(nlp: Language) -> Tokenizer:
        from scispacy.custom_tokenizer import combined_rule_tokenizer

        # combined_rule_tokenizer derives its rules from nlp.tokenizer, which
        # does not exist yet while the Language is being created.
        nlp.tokenizer = registry.tokenizers.get("spacy.Tokenizer.v1")()(nlp)
        return combined_rule_tokenizer(nlp)

    return make_tokenizer
