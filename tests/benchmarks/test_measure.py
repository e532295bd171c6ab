import sys

import numpy as np
import spacy
from spacy.tokens import DocBin
from spacy.training import Example

from kogner_benchmark.measure import (
    NUMERIC_PACKAGES, cross_corpus_scores, dev_curve, dictionary_pipeline, inference_speed, machine_description,
    package_versions, read_examples, read_texts, run_measured, ner_scores, texts_of,
)
from tests.util import TINY_KG


def examples_of(nlp, items):
    out = []
    for text, ents in items:
        doc = nlp.make_doc(text)
        out.append(Example.from_dict(doc, {"entities": ents}))
    return out


def test_dictionary_baseline_labels_matches_with_corpus_types():
    nlp = dictionary_pipeline(TINY_KG, ["Chemical", "Disease"])
    doc = nlp("Haloperidol caused Parkinson's disease .")
    assert [(e.text, e.label_) for e in doc.ents] == [("Haloperidol", "Chemical"), ("Parkinson's disease", "Disease")]
    only_disease = dictionary_pipeline(TINY_KG, ["Disease"])
    assert [e.label_ for e in only_disease("Haloperidol caused Parkinson's disease .").ents] == ["Disease"]


def test_scores_and_cross_corpus_filtering():
    nlp = dictionary_pipeline(TINY_KG, ["Chemical", "Disease"])
    examples = examples_of(nlp, [("Haloperidol caused Parkinson's disease .", [(0, 11, "Chemical"), (19, 38, "Disease")]),
                                 ("Naloxone helps .", [])])
    scores = ner_scores(nlp, examples)
    assert scores["r"] == 100.0 and scores["p"] < 100.0  # "Naloxone" is a KG chemical but not gold here
    assert set(scores["per_type"]) == {"Chemical", "Disease"}
    cross = cross_corpus_scores(nlp, examples, ["Disease"])
    assert cross["labels"] == ["Disease"] and cross["p"] == cross["r"] == 100.0


def test_texts_of_a_corpus_file_with_or_without_its_examples(tmp_path):
    nlp = spacy.blank("en")
    texts = ["Haloperidol caused Parkinson's disease .", "Naloxone helps ."]
    path = tmp_path / "test.spacy"
    DocBin(docs=[nlp.make_doc(text) for text in texts]).to_disk(path)
    assert read_texts(nlp, path) == texts == texts_of(read_examples(nlp, path))


def test_inference_speed_counts_words():
    nlp = spacy.blank("en")
    speed = inference_speed(nlp, ["a b c", "d e"], repeats=2, warmup=1)
    assert speed["words"] == 5 and speed["docs"] == 2 and len(speed["passes"]) == 2 and speed["words_per_s"] > 0


def test_run_measured_reports_exit_code_time_and_memory(tmp_path):
    log = tmp_path / "step.log"
    ok = run_measured([sys.executable, "-c", "x = bytearray(50 * 2**20); print('done')"], log)
    assert ok["returncode"] == 0 and ok["peak_rss_mb"] >= 50 and "done" in log.read_text()
    failed = run_measured([sys.executable, "-c", "raise SystemExit(3)"])
    assert failed["returncode"] == 3


def test_load_pipeline_forces_the_transformer_precision(trained_dir, monkeypatch):
    from kogner_benchmark.measure import load_pipeline, transformer_precision
    from spacy_kogner.pipeline import cpu_bf16_inference as inference

    monkeypatch.setattr(inference, "cpu_has_native_bf16", lambda: True)
    as_saved, seconds = load_pipeline(str(trained_dir))
    assert transformer_precision(as_saved) == "float32" and seconds > 0  # its config has no bf16 callback
    assert transformer_precision(load_pipeline(str(trained_dir), cpu_bf16=True)[0]) == "bfloat16"
    assert transformer_precision(load_pipeline(str(trained_dir), cpu_bf16=False)[0]) == "float32"
    assert transformer_precision(dictionary_pipeline(TINY_KG, ["Chemical"])) is None


def test_transformer_precision_on_a_gpu_ignores_the_cpu_bf16_wrapper(trained_dir, monkeypatch):
    from thinc.api import Ops

    from kogner_benchmark.measure import load_pipeline, transformer_precision
    from spacy_kogner.pipeline import cpu_bf16_inference as inference

    monkeypatch.setattr(inference, "cpu_has_native_bf16", lambda: True)
    nlp = load_pipeline(str(trained_dir), cpu_bf16=True)[0]
    transformer = nlp.get_pipe("transformer")
    transformer.model.ops = Ops()  # what a GPU run has: not NumpyOps, so the bf16 wrapper passes through
    assert transformer_precision(nlp) == "float32"
    transformer.model.layers[0].shims[0]._mixed_precision = True
    assert transformer_precision(nlp) == "float16 (mixed)"


def test_dev_curve_reads_the_last_score_table_of_a_train_log():
    table = (
        "E    #       LOSS TRANS...  LOSS KOGNE...  ENTS_F  ENTS_P  ENTS_R  SCORE \n"
        "---  ------  -------------  -------------  ------  ------  ------  ------\n"
        "  0       0           0.00         296.89    0.00    0.00    0.00    0.00\n"
        "UserWarning: 3 4 not a row\n"
        "  2     200        3151.64       56207.31   84.04   82.79   85.33    0.84\n"
    )
    rerun = table.replace("84.04", "80.50")
    assert dev_curve("$ spacy train\n" + table) == [(0, 0.0), (200, 84.04)]
    assert dev_curve(table + "$ spacy train\n" + rerun) == [(0, 0.0), (200, 80.50)]
    assert dev_curve("no table here") == []


def test_machine_description_names_what_decides_a_seeds_float_bits(monkeypatch):
    import torch

    monkeypatch.setenv("MKL_ENABLE_INSTRUCTIONS", "AVX2")
    monkeypatch.delenv("ATEN_CPU_CAPABILITY", raising=False)
    machine = machine_description()
    assert machine["cpu_isa_env"]["MKL_ENABLE_INSTRUCTIONS"] == "AVX2"
    assert "ATEN_CPU_CAPABILITY" not in machine["cpu_isa_env"]
    assert machine["torch_cpu_capability"] == torch.backends.cpu.get_cpu_capability()
    assert set(machine["packages"]) == set(NUMERIC_PACKAGES)
    assert machine["packages"]["numpy"] == np.__version__  # an installed package: its version
    assert package_versions() == machine["packages"]
