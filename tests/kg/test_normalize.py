import random

from spacy_kogner.kg.normalize import (
    alias_key, fold_plural, is_word_key, normalize_text, normalize_tokens, normalize_unicode_text,
)


def test_case_space_hyphen_and_quote_variants_share_a_key():
    variants = ["Parkinson's disease", "parkinson s disease", "PARKINSON’S-DISEASE", "Parkinson 's disease"]
    assert {normalize_text(v) for v in variants} == {"parkinsonsdisease"}


def test_greek_letters_are_spelled_out_in_either_case():
    assert normalize_text("TNF-α") == normalize_text("TNF alpha") == "tnfalpha"
    assert normalize_text("Β-Blocker") == normalize_text("beta blocker")
    assert normalize_text("ΑΒ") == "alphabeta"


def test_unicode_compatibility_forms_and_dashes_are_folded():
    assert normalize_text("ﬁbrosis") == "fibrosis"  # ligature
    assert normalize_text("anti\u2013inflammatory") == normalize_text("anti-inflammatory")
    assert normalize_text("COVID\u201119") == "covid19"


def test_token_keys_concatenate_to_the_alias_key():
    words = ["nephrogenic", "diabetes", "insipidus"]
    assert "".join(normalize_tokens(words)) == normalize_text("Nephrogenic Diabetes Insipidus")


def test_word_keys_need_a_letter_or_digit():
    assert is_word_key("li") and is_word_key("5")
    assert not is_word_key("") and not is_word_key("(") and not is_word_key(",")


def test_plural_endings_fold_to_the_singular():
    assert fold_plural("seizures") == "seizure" and fold_plural("toxicities") == "toxicity"
    assert alias_key("Gentamicins") == alias_key("gentamicin")
    # short keys and -ss/-us/-is endings stay
    for key in ("aids", "nos", "stress", "uterus", "psychosis"):
        assert fold_plural(key) == key


def test_ascii_fast_path_equals_the_general_normalization():
    ascii_chars = "".join(chr(code) for code in range(128))
    rng = random.Random(0)
    texts = [ascii_chars] + ["".join(rng.choice(ascii_chars) for _ in range(rng.randint(0, 30))) for _ in range(2000)]
    assert all(normalize_text(text) == normalize_unicode_text(text) for text in texts)


def test_the_hash_form_of_the_plural_rule_agrees_with_the_text_form():
    import numpy as np

    from spacy_kogner.kg.hashing import polynomial_hashes
    from spacy_kogner.kg.normalize import fold_plural_hashes

    keys = ["seizures", "toxicities", "ies", "tumors", "glass", "virus", "cirrhosis", "abs", "abcds", "cafés",
            "αβγδs", "series", "s", "", "lithiums", "diseasess", "sus", "xyzis", "aies", "bbies"]
    encoded = [key.encode("utf8") for key in keys]
    data = np.frombuffer(b"".join(encoded), dtype="uint8")
    ends = np.cumsum([len(e) for e in encoded])
    starts = ends - np.array([len(e) for e in encoded])
    folded = fold_plural_hashes(polynomial_hashes(data, starts, ends), data, ends, np.array([len(k) for k in keys]))
    expected = [fold_plural(key).encode("utf8") for key in keys]
    exp_data = np.frombuffer(b"".join(expected), dtype="uint8")
    exp_ends = np.cumsum([len(e) for e in expected])
    assert folded.tolist() == polynomial_hashes(exp_data, exp_ends - np.array([len(e) for e in expected]), exp_ends).tolist()


def test_invisible_format_and_control_characters_are_ignored():
    assert normalize_text("Cis\u00adpla\u200btin\u2060") == normalize_text("cisplatin") == "cisplatin"
    assert normalize_text("\ufeff\u200b") == ""
    # ASCII (NUL, BEL, DEL) and non-ASCII (C1) controls, on both paths of the key
    assert normalize_text("Cis\x00pla\x07tin\x7f") == normalize_text("Crohn\x92s \x96 cisplatin")[-9:] == "cisplatin"
    assert normalize_text("Crohn\x92s disease") == normalize_text("Crohn's disease")
