"""Tokenizers registered for configs: spaCy's English tokenizer that also splits
at invisible format and control characters and names a lone surrogate in its
input, and scispaCy's biomedical tokenizer."""
from typing import Callable

from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry

from ..util import first_surrogate

# invisible characters, as regex ranges: format characters (soft hyphen, zero-width spaces and
# joiners, word joiner, BOM), which text copied from PDFs hides inside names ("Cisplatin\u200b-induced"),
# and control characters other than whitespace (NUL and the like; the C1 controls of text decoded as
# Latin-1 instead of Windows-1252, such as "\x96" for an en dash)
INVISIBLE_CHARS = (
    "\u00ad\u200b-\u200f\u2060-\u2064\ufeff"
    "\\x00-\\x08\\x0e-\\x1b\\x7f-\\x84\\x86-\\x9f"
)
INVISIBLE_RUN = f"[{INVISIBLE_CHARS}]+"
INVISIBLE_CHAR_INFIXES = (INVISIBLE_RUN, f"(?<=[{INVISIBLE_CHARS}])[-\u2010-\u2015]")


class UnicodeCheckedTokenizer(Tokenizer):
    """spaCy's Tokenizer that refuses a text holding a lone surrogate (a JSON escape
    such as "\\ud800" can make one) with a message saying where; spaCy itself fails
    on it later, while hashing a token, naming neither the text nor the place."""

    def __call__(self, text: str) -> Doc:
        at = first_surrogate(text)
        if at is not None:
            raise ValueError(f"the text holds a lone surrogate ({text[at]!r} at character {at}, after "
                             f"{text[max(0, at - 30):at]!r}), which is not Unicode text")
        return super().__call__(text)


@registry.tokenizers("spacy_kogner.Tokenizer.v1")
def create_tokenizer() -> Callable[[Language], Tokenizer]:
    """spaCy's tokenizer for the language, which also splits at invisible format
    and control characters (inside a word, or before or after it) and at a
    hyphen after one, so that a name next to one is a token of its own (the KG
    lookup ignores the characters themselves); a text holding a lone surrogate
    is a ValueError that says where."""

    def make_tokenizer(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults  # spaCy's create_tokenizer, with the invisible characters added
        return UnicodeCheckedTokenizer(
            nlp.vocab,
            rules=defaults.tokenizer_exceptions,
            prefix_search=compile_prefix_regex([INVISIBLE_RUN, *(defaults.prefixes or ())]).search,
            suffix_search=compile_suffix_regex([INVISIBLE_RUN, *(defaults.suffixes or ())]).search,
            infix_finditer=compile_infix_regex([*(defaults.infixes or ()), *INVISIBLE_CHAR_INFIXES]).finditer,
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )

    return make_tokenizer


@registry.tokenizers("spacy_kogner.SciSpacyTokenizer.v1")
def create_scispacy_tokenizer() -> Callable[[Language], Tokenizer]:
    """scispaCy's combined rule tokenizer (splits hyphenated chemical names and
    parenthesised abbreviations the way biomedical corpora do); a text holding a
    lone surrogate is a ValueError that says where."""

    def make_tokenizer(nlp: Language) -> Tokenizer:
        from scispacy.custom_tokenizer import combined_rule_tokenizer

        # combined_rule_tokenizer derives its rules from nlp.tokenizer, which
        # does not exist yet while the Language is being created.
        nlp.tokenizer = registry.tokenizers.get("spacy.Tokenizer.v1")()(nlp)
        scispacy = combined_rule_tokenizer(nlp)
        return UnicodeCheckedTokenizer(
            nlp.vocab, rules=scispacy.rules, prefix_search=scispacy.prefix_search,
            suffix_search=scispacy.suffix_search, infix_finditer=scispacy.infix_finditer,
            token_match=scispacy.token_match, url_match=scispacy.url_match,
        )

    return make_tokenizer
