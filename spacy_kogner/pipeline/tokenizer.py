"""scispaCy's biomedical tokenizer, registered for configs."""
from typing import Callable

from scispacy.custom_tokenizer import combined_rule_tokenizer
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import registry


@registry.tokenizers("spacy_kogner.SciSpacyTokenizer.v1")
def create_scispacy_tokenizer() -> Callable[[Language], Tokenizer]:
    """scispaCy's combined rule tokenizer (splits hyphenated chemical names and
    parenthesised abbreviations the way biomedical corpora do)."""

    def make_tokenizer(nlp: Language) -> Tokenizer:
        # combined_rule_tokenizer derives its rules from nlp.tokenizer, which
        # does not exist yet while the Language is being created.
        nlp.tokenizer = registry.tokenizers.get("spacy.Tokenizer.v1")()(nlp)
        return combined_rule_tokenizer(nlp)

    return make_tokenizer
