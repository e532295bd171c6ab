"""benchmarks/annotate_speed.py (a script) on the tiny trained pipeline, and its report section."""
import json
from pathlib import Path

from kogner_benchmark.annotate_report import pubmed_words, render_annotate
from tests.corpus.test_pubtator import PUBTATOR
from tests.util import load_script

ROOT = Path(__file__).resolve().parents[2]


def test_the_annotate_speed_record_and_its_report_section(trained_dir, tmp_path):
    module = load_script(ROOT / "benchmarks" / "annotate_speed.py")
    corpus = tmp_path / "test.PubTator.txt"
    corpus.write_text(PUBTATOR, encoding="utf8")
    out = tmp_path / "annotate_speed.json"
    module.main([str(trained_dir), str(corpus), "--output", str(out), "--repeats", "1", "--rss-docs", "2",
                 "--no-ray", "--start-methods", "fork", "--n-process", "2", "--long-chars", "5000", "--long-max-chars", "1000"])
    record = json.loads(out.read_text())
    assert record["docs"] == 3 and record["nlp_pipe"]["words"] == record["annotate"]["words"] > 0
    assert record["annotate_to_pipe"] == round(record["annotate"]["words_per_s"] / record["nlp_pipe"]["words_per_s"], 3)
    assert [r["docs"] for r in record["peak_rss"]] == [2, 20] and all(r["peak_rss_mb"] > 50 for r in record["peak_rss"])
    [workers] = record["worker_processes"]
    assert workers["start_method"] == "fork" and workers["n_process"] == 2 and workers["same_entities"]
    assert workers["words"] == record["nlp_pipe"]["words"]
    long = record["long_document"]
    assert long["chars"] == 5000 and [(r["max_chars"], r["pieces"]) for r in long["runs"]][1] == (5000, 1)
    assert long["runs"][0]["max_chars"] == 1000 and long["runs"][0]["pieces"] >= 5
    assert all(r["entities"] > 0 and r["peak_rss_mb"] > 50 for r in long["runs"])
    assert 0 < long["same_entities"] <= long["same_spans"] <= min(r["entities"] for r in long["runs"])
    text = "\n".join(render_annotate(record))
    assert f"| `nlp.pipe(n_process=2)`, start method fork (workers' start included) | {workers['words_per_s']} |" in text
    assert "bare `nlp.pipe`" in text and f"**{record['annotate_to_pipe']}**" in text
    assert "One document of 5,000 characters" in text and f"| 1,000 | {long['runs'][0]['pieces']} |" in text
    # the sizing table: hours = PubMed's words / (rate x workers)
    words = pubmed_words(record["words_per_doc"])
    core = record["annotate"]["words_per_s"] / record["machine"]["cpu_cores"]
    assert f"| 64 CPU cores | {words / (core * 64) / 3600:,.1f} |" in text
    assert "GPU" not in text.split("All of PubMed")[1]  # no GPU run recorded: no GPU rows
    gpu_speed = {"machine": {"gpu": "NVIDIA H200"}, "gpu": {"kogner": {"words_per_s": 16000}}}
    text = "\n".join(render_annotate(record, gpu_speed))
    assert "GPU: 16,000 words/s per GPU (`nlp.pipe` of kogner on one NVIDIA H200" in text
    assert f"| 8 GPUs | {words / (16000 * 8) / 3600:,.1f} |" in text
    assert render_annotate(None) == []
