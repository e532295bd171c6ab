import numpy as np

from spacy_kogner.kg import KGTable
from spacy_kogner.kg.matcher import MAX_MENTION_TOKENS
from spacy_kogner.kg.normalize import fold_plural, is_word_key, normalize_text
from spacy_kogner.kg_build import KGEntity, build_table
from tests.util import TINY_KG


def words(text):
    return text.split()


def test_multi_token_alias_and_longest_match():
    kg = KGTable.from_disk(TINY_KG)
    mentions = kg.find_mentions(words("Lithium carbonate induced nephrogenic diabetes insipidus ."))
    found = [(m.start, m.end, [kg.ids[e] for e in m.entities]) for m in mentions]
    # "Lithium carbonate" beats "Lithium"; "nephrogenic diabetes insipidus" beats "diabetes insipidus"
    assert found == [(0, 2, ["MESH:D016651"]), (3, 6, ["MESH:D018500"])]


def test_alias_matches_across_tokenizations():
    kg = KGTable.from_disk(TINY_KG)
    for text in ["Parkinson 's disease", "Parkinson's disease", "parkinson - s disease"]:
        mentions = kg.find_mentions(words(text))
        assert [kg.ids[m.entities[0]] for m in mentions] == ["MESH:D010300"], text
    mentions = kg.find_mentions(["TNF", "-", "α", "levels"])
    assert [(m.start, m.end) for m in mentions] == [(0, 3)]


def test_mentions_do_not_start_or_end_on_punctuation():
    kg = KGTable.from_disk(TINY_KG)
    mentions = kg.find_mentions(words("( naloxone ) , clonidine ."))
    assert [(m.start, m.end) for m in mentions] == [(1, 2), (4, 5)]


def test_no_match_and_empty_input():
    kg = KGTable.from_disk(TINY_KG)
    assert kg.find_mentions(words("The weather was pleasant today .")) == []
    assert kg.find_mentions([]) == []
    assert kg.find_mentions(["", " ", "\n"]) == []


def greedy_reference(table, words, exclude=frozenset()):
    """find_mentions spelled out: from each start, try every n-gram and keep the longest alias."""
    keys = [normalize_text(w) for w in words]
    mentions, i = [], 0
    while i < len(keys):
        best = None
        if is_word_key(keys[i]):
            for j in range(i, min(len(keys), i + MAX_MENTION_TOKENS)):
                key = fold_plural("".join(keys[i:j + 1]))
                cands = tuple(r for r in table.aliases.get(key) if (key, r) not in exclude)
                if is_word_key(keys[j]) and cands:
                    best = (i, j + 1, cands)
        mentions.append(best) if best else None
        i = best[1] if best else i + 1
    return mentions


def plural_table():
    names = ["toxicity", "seizure", "cirrhosis", "virus", "glass", "β-blocker", "café au lait spot",
             "TNF-α", "lithium", "lithium carbonate", "diabetes insipidus", "nephrogenic diabetes insipidus",
             "ab", "series", "Parkinson's disease", "abs"]
    entities = [KGEntity(f"X:{i}", "Chemical" if i % 2 else "Disease", name) for i, name in enumerate(names)]
    entities.append(KGEntity("X:99", "Chemical", "Lithium carbonates"))
    return build_table(entities, np.zeros((len(entities), 4), dtype="float32"))


def test_batch_lookup_equals_the_plain_greedy_match():
    table = plural_table()
    vocab = ["toxicity", "toxicities", "Toxicit", "ies", "toxicitie", "s", "seizure", "Seizures", "cirrhosis",
             "virus", "viruses", "glass", "glasses", "β", "-", "blockers", "BETA", "blocker", "café", "Café",
             "au", "lait", "spots", "TNF", "α", "lithium", "Lithium", "carbonate", "carbonates", "diabetes",
             "insipidus", "nephrogenic", "ab", "abs", "series", "serie", "Parkinson", "'s", "disease", "",
             " ", "(", ")", ",", "the", "and", "\ud800", "e\u0301", "ﬁ"]
    rng = np.random.default_rng(0)
    docs = [[vocab[k] for k in rng.integers(0, len(vocab), int(rng.integers(0, 30)))] for _ in range(400)]
    batch = table.find_mentions_batch(docs)
    for words, found in zip(docs, batch):
        assert [tuple(m) for m in found] == greedy_reference(table, words), words
        assert table.find_mentions(words) == found
    assert sum(len(found) for found in batch) > 500
    # exclude links: per doc
    exclude = [frozenset({("toxicity", table.index_of("X:0"))}), frozenset()]
    two = [["Toxicities", "and", "toxicity"]] * 2
    found = table.find_mentions_batch(two, exclude)
    assert found[0] == [] and [(m.start, m.end) for m in found[1]] == [(0, 1), (2, 3)]


def test_batch_lookup_keeps_mentions_inside_their_doc():
    table = plural_table()
    found = table.find_mentions_batch([["nephrogenic"], ["diabetes", "insipidus"], [], ["lithium"], ["carbonate"]])
    assert [[(m.start, m.end) for m in doc] for doc in found] == [[], [(0, 2)], [], [(0, 1)], []]
    assert table.find_mentions_batch([]) == []
    # a token longer than any alias is no mention and no error
    assert table.find_mentions(["lithium", "x" * 100_000, "lithium"]) == table.find_mentions(["lithium", "y", "lithium"])

