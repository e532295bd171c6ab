"""benchmarks/linking_test.py (a script) on the tiny trained pipeline."""
import json
import sys
from pathlib import Path

from tests.util import TRAIN_DATA, load_script

ROOT = Path(__file__).resolve().parents[2]
IDS = {"Naloxone": "D009270", "clonidine": "D003000", "Lithium carbonate": "D016651",
       "nephrogenic diabetes insipidus": "D018500", "Haloperidol": "D006220", "Parkinson 's disease": "D010300"}


def pubtator_file(path: Path) -> Path:
    """TRAIN_DATA as PubTator documents (title only), ids from the tiny KG where it has them."""
    lines = []
    for number, (text, annotations) in enumerate(TRAIN_DATA, start=1):
        lines.append(f"{number}|t|{text}\n{number}|a|")
        for start, end, label in annotations["entities"]:
            lines.append(f"{number}\t{start}\t{end}\t{text[start:end]}\t{label}\t{IDS.get(text[start:end], '-1')}")
        lines.append("")
    path.write_text("\n".join(lines) + "\n", encoding="utf8")
    return path


def test_the_linking_table_has_the_three_systems(trained_dir, tmp_path, monkeypatch):
    module = load_script(ROOT / "benchmarks" / "linking_test.py")
    out = tmp_path / "linking_test.json"
    monkeypatch.setattr(sys, "argv", ["linking_test.py", "--model", str(trained_dir),
                                      "--test", str(pubtator_file(tmp_path / "test.PubTator.txt")), "--output", str(out)])
    module.main()
    record = json.loads(out.read_text())
    assert record["gold"]["mentions"] == 8 and record["gold"]["with_id"] == 6 and record["gold"]["misaligned"] == 0
    systems = record["systems"]
    assert set(systems) == {"exact alias", "n-grams + document", "dictionary"}
    for scores in systems.values():
        assert scores["acc_at_1"]["all"]["mentions"] == 6
        assert set(scores) == {"acc_at_1", "end_to_end", "concept", "ner"}
        # span, type and id right is never more often than span and type right
        assert scores["end_to_end"]["all"]["r"] <= scores["ner"]["all"]["r"]
    assert record["gold"]["at_exact_offsets"] == 8
    # every gold mention with an id is an exact alias of the tiny KG: both linkers get all of them
    assert systems["exact alias"]["acc_at_1"]["all"]["acc_at_1"] == 100.0
    assert systems["n-grams + document"]["acc_at_1"]["all"]["acc_at_1"] == 100.0
