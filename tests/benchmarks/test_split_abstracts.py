"""benchmarks/split_abstracts.py (a script): a split's IOB sentences and
PubTator abstracts cut into two halves of whole abstracts."""
from pathlib import Path

import pytest

from tests.util import load_script

ROOT = Path(__file__).resolve().parents[2]
script = load_script(ROOT / "benchmarks" / "split_abstracts.py")
PUBTATOR = """1|t|Aspirin and pain.
1|a|Aspirin helps. Results.
1\t0\t7\tAspirin\tChemical\tD001241

2|t|Cocaine toxicity.
2|a|Results.
2\t0\t7\tCocaine\tChemical\tD003042

3|t|Lithium in mania.
3|a|It works.

"""
# IOB order differs from the PubTator file's; "Results ." is in abstracts 1 and 2
IOB = ("Cocaine\tB-Chemical\ntoxicity\tO\n.\tO\n\nResults\tO\n.\tO\n\n"
       "Aspirin\tB-Chemical\nand\tO\npain\tO\n.\tO\n\nAspirin\tB-Chemical\nhelps\tO\n.\tO\n\nResults\tO\n.\tO\n\n"
       "Lithium\tO\nin\tO\nmania\tO\n.\tO\n\nIt\tO\nworks\tO\n.\tO\n\n")


def write(tmp_path, iob=IOB, pubtator=PUBTATOR):
    (tmp_path / "devel.tsv").write_text(iob, encoding="utf8")
    (tmp_path / "devel.PubTator.txt").write_text(pubtator, encoding="utf8")
    return tmp_path / "devel.tsv", tmp_path / "devel.PubTator.txt"


def test_halves_hold_whole_abstracts_in_iob_order(tmp_path):
    halves = script.split_halves(*write(tmp_path))
    a_sentences, a_abstracts = halves["A"]
    b_sentences, b_abstracts = halves["B"]
    assert [doc.pmid for doc in a_abstracts] == ["2"]
    assert [doc.pmid for doc in b_abstracts] == ["1", "3"]
    assert [words for words, _ in a_sentences] == [["Cocaine", "toxicity", "."], ["Results", "."]]
    # the second "Results ." follows a sentence of abstract 1, which holds it too
    assert [words for words, _ in b_sentences][1:3] == [["Aspirin", "helps", "."], ["Results", "."]]


def test_main_writes_each_half_as_the_split_has_it(tmp_path):
    iob, pubtator = write(tmp_path)
    script.main([str(iob), str(pubtator), str(tmp_path / "out")])
    out = {name: (tmp_path / "out" / name).read_text(encoding="utf8")
           for name in ("A.tsv", "B.tsv", "A.PubTator.txt", "B.PubTator.txt")}
    assert out["A.tsv"] == IOB[: IOB.index("Aspirin")]
    assert out["B.tsv"] == IOB[IOB.index("Aspirin"):]
    blocks = PUBTATOR.split("\n\n")
    assert out["A.PubTator.txt"] == blocks[1] + "\n\n"
    assert out["B.PubTator.txt"] == blocks[0] + "\n\n" + blocks[2] + "\n\n"


def test_a_sentence_of_no_abstract_is_named(tmp_path):
    with pytest.raises(ValueError, match=r"devel.tsv: sentence 8 \('Unknown word .'\) is in none"):
        script.split_halves(*write(tmp_path, iob=IOB + "Unknown\tO\nword\tO\n.\tO\n\n"))


def test_an_abstract_without_sentences_is_named(tmp_path):
    with pytest.raises(ValueError, match="devel.PubTator.txt: 1 abstracts have no sentence"):
        script.split_halves(*write(tmp_path, pubtator=PUBTATOR + "4|t|Extra.\n4|a|Text.\n\n"))
