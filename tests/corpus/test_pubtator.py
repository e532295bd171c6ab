import pytest

from spacy_kogner.corpus.pubtator import PubTatorFormatError, read_pubtator


def test_pubtator_mention_with_bad_offsets_names_file_and_line(tmp_path):
    path = tmp_path / "bad.PubTator.txt"
    path.write_text("1|t|Aspirin helps.\n1\t0\t7\tAspirin\tChemical\tD001241\n1\tx\t7\tAspirin\tChemical\tD001241\n",
                    encoding="utf8")
    with pytest.raises(PubTatorFormatError, match=r"bad\.PubTator\.txt:3: mention offsets"):
        read_pubtator([path])

