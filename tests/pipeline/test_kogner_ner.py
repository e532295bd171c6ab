import os
import pickle
import shutil
import subprocess
import sys

import numpy as np
import pytest
import spacy
from spacy.training import Example

from spacy_kogner.kg import KGTable, KGTableError
from spacy_kogner.kg.format import FORMAT_VERSION
from spacy_kogner.pipeline.kogner_ner import KoGNERecognizer
from tests.util import TINY_KG, TRAIN_DATA, ents_of, kg_initialize_config, make_nlp, train_examples

EDGE_TEXTS = [
    "",
    "   ",
    "\n\t ",
    "The weather was pleasant today .",  # no KG match at all
    "Naïve café patients got TNF-α and β-blockers — 5 µg/kg · ‰ 🧪 …",
    "Ωmega-3 αβγ δ-opioid ῥεῦμα Ünïcödé ﬁbrosis",
]
LONG_TEXT = "Lithium carbonate induced nephrogenic diabetes insipidus . " * 90


def gold_ents(nlp, text, ann):
    doc = Example.from_dict(nlp.make_doc(text), ann).reference
    return [(e.start, e.end, e.label_) for e in doc.ents]


def test_overfits_with_the_kg(trained_nlp):
    for text, ann in TRAIN_DATA:
        doc = trained_nlp(text)
        assert [(s, e, label) for s, e, label, _ in ents_of(doc)] == gold_ents(trained_nlp, text, ann)


def test_overfits_without_the_kg(tiny_bert):
    nlp = make_nlp(tiny_bert, use_kg=False)
    examples = train_examples(nlp)
    optimizer = nlp.initialize(lambda: examples)  # no KG configured: fine with use_kg = false
    for _ in range(80):
        nlp.update(examples, sgd=optimizer)
    assert nlp.get_pipe("kogner_ner").kg is None
    for text, ann in TRAIN_DATA:
        doc = nlp(text)
        assert [(e.start, e.end, e.label_) for e in doc.ents] == gold_ents(nlp, text, ann)
        assert all(e.kb_id_ == "" for e in doc.ents)


def test_evaluate_uses_the_ner_scorer(trained_nlp):
    scores = trained_nlp.evaluate(train_examples(trained_nlp))
    assert scores["ents_f"] == 1.0
    assert set(scores["ents_per_type"]) == {"Chemical", "Disease"}


def test_entities_get_kg_ids_and_scores(trained_nlp):
    doc = trained_nlp("Haloperidol can cause Parkinson 's disease in elderly patients .")
    assert [(e.text, e.kb_id_) for e in doc.ents] == [
        ("Haloperidol", "MESH:D006220"), ("Parkinson 's disease", "MESH:D010300")
    ]
    group = doc.spans["kogner"]
    assert [(s.start, s.end, s.label_) for s in group] == [(e.start, e.end, e.label_) for e in doc.ents]
    scores = group.attrs["scores"]
    assert len(scores) == len(group) and all(0.5 < s <= 1.0 for s in scores)
    # bupivacaine is not in the KG: predicted, but not linked
    doc = trained_nlp("Cardiac arrest followed the bupivacaine injection .")
    assert [(e.text, e.kb_id_) for e in doc.ents] == [("Cardiac arrest", "MESH:D006323"), ("bupivacaine", "")]


def one_hot_scores(pipe, doc, tags):
    scores = np.full((len(doc), len(pipe.tags)), 1e-4, dtype="float32")
    for i, tag in enumerate(tags):
        scores[i, pipe.tags.index(tag)] = 1.0
    return [scores / scores.sum(axis=1, keepdims=True)]


def test_linking_requires_the_same_type(trained_nlp):
    pipe = trained_nlp.get_pipe("kogner_ner")
    doc = trained_nlp.make_doc("clonidine hypertension")
    pipe.set_annotations([doc], one_hot_scores(pipe, doc, ["U-Disease", "U-Disease"]))
    assert [(e.text, e.label_, e.kb_id_) for e in doc.ents] == [
        ("clonidine", "Disease", ""), ("hypertension", "Disease", "MESH:D006973")
    ]


def test_abbreviations_follow_their_long_form(trained_nlp):
    pipe = trained_nlp.get_pipe("kogner_ner")
    doc = trained_nlp.get_pipe("abbreviation_detector")(
        trained_nlp.make_doc("Paralysis agitans (PAG) is common; PAG worsens.")
    )
    tags = ["O"] * len(doc)
    tags[0], tags[1] = "B-Disease", "L-Disease"
    tags[[t.text for t in doc].index("PAG", 4)] = "U-Chemical"  # the second PAG is mislabelled
    pipe.set_annotations([doc], one_hot_scores(pipe, doc, tags))
    assert [(e.text, e.label_, e.kb_id_) for e in doc.ents] == [
        ("Paralysis agitans", "Disease", "MESH:D010300"),
        ("PAG", "Disease", "MESH:D010300"),
        ("PAG", "Disease", "MESH:D010300"),
    ]


def test_disk_round_trip_gives_identical_predictions(trained_nlp, trained_dir):
    loaded = spacy.load(trained_dir)
    texts = [t for t, _ in TRAIN_DATA] + EDGE_TEXTS
    for a, b in zip(trained_nlp.pipe(texts), loaded.pipe(texts)):
        assert ents_of(a) == ents_of(b)
        assert np.allclose(a.spans["kogner"].attrs["scores"], b.spans["kogner"].attrs["scores"])
    assert loaded.get_pipe("kogner_ner").kg.meta["files"] == KGTable.from_disk(TINY_KG).meta["files"]


def test_load_time_config_overrides_reach_the_component(trained_dir):
    overrides = {"components": {"kogner_ner": {"link_entities": False, "link_threshold": 0.9}}}
    nlp = spacy.load(trained_dir, config=overrides)
    pipe = nlp.get_pipe("kogner_ner")
    assert (pipe.cfg["link_entities"], pipe.cfg["link_threshold"]) == (False, 0.9)
    assert pipe.labels and pipe.cfg["kg"]  # what training saved still loads
    doc = nlp(TRAIN_DATA[0][0])
    assert doc.ents and all(e.kb_id_ == "" for e in doc.ents)
    saved = spacy.load(trained_dir).get_pipe("kogner_ner")
    assert (saved.cfg["link_entities"], saved.cfg["link_threshold"]) == (True, 0.7)


def test_bytes_round_trip_gives_identical_predictions(trained_nlp):
    copy = spacy.util.load_model_from_config(trained_nlp.config, auto_fill=False)
    copy.from_bytes(trained_nlp.to_bytes())
    for text, _ in TRAIN_DATA:
        assert ents_of(copy(text)) == ents_of(trained_nlp(text))
    pipe = copy.get_pipe("kogner_ner")
    assert pipe.labels == ("Chemical", "Disease") and pipe.kg.n_entities == 12


def test_pipe_equals_call_and_handles_edge_cases(trained_nlp):
    texts = [t for t, _ in TRAIN_DATA] + EDGE_TEXTS
    piped = [ents_of(doc) for doc in trained_nlp.pipe(texts, batch_size=3)]
    assert piped == [ents_of(trained_nlp(t)) for t in texts]
    for text in EDGE_TEXTS[:3]:
        assert trained_nlp(text).ents == ()


def test_doc_longer_than_the_transformer_window(trained_nlp):
    doc = trained_nlp(LONG_TEXT)
    assert doc._.trf_data.wordpieces.input_ids.size > 512
    last = doc[-8:]
    found = [(e.text, e.label_) for e in doc.ents if e.start >= last.start]
    assert found == [("Lithium carbonate", "Chemical"), ("nephrogenic diabetes insipidus", "Disease")]


@pytest.mark.slow
def test_multiprocess_pipe_matches(trained_nlp):
    texts = [t for t, _ in TRAIN_DATA] * 4 + EDGE_TEXTS
    single = [ents_of(doc) for doc in trained_nlp.pipe(texts)]
    multi = [ents_of(doc) for doc in trained_nlp.pipe(texts, n_process=2, batch_size=4)]
    assert multi == single


@pytest.mark.slow
def test_pipeline_pickles_so_spawned_workers_run_it(trained_dir, monkeypatch):
    """`nlp.pipe(n_process=2)` pickles the pipeline when processes start by spawn
    (macOS, Windows) or forkserver (Linux's default from Python 3.14)."""
    import multiprocessing

    from spacy_kogner.pipeline import cpu_bf16_inference as inference

    monkeypatch.setattr(inference, "cpu_has_native_bf16", lambda: True)
    nlp = spacy.load(trained_dir)
    inference.create_cpu_bf16_inference(max_windows_per_forward=2)(nlp)  # every wrapper the callback installs
    texts = [t for t, _ in TRAIN_DATA] * 2 + EDGE_TEXTS + [LONG_TEXT]
    single = [ents_of(doc) for doc in nlp.pipe(texts)]
    again = pickle.loads(pickle.dumps(nlp))
    assert [ents_of(doc) for doc in again.pipe(texts)] == single
    method = multiprocessing.get_start_method(allow_none=True)
    multiprocessing.set_start_method("spawn", force=True)
    try:
        spawned = [ents_of(doc) for doc in nlp.pipe(texts, n_process=2, batch_size=4)]
    finally:
        multiprocessing.set_start_method(method, force=True)
    assert spawned == single


@pytest.mark.slow
def test_saved_pipeline_loads_offline_without_importing_the_package(trained_dir, tmp_path):
    code = (
        "import sys, spacy\n"
        "assert 'spacy_kogner' not in sys.modules\n"
        f"nlp = spacy.load({str(trained_dir)!r})\n"
        "doc = nlp('Haloperidol can cause Parkinson \\'s disease in elderly patients .')\n"
        "print([(e.text, e.label_, e.kb_id_) for e in doc.ents])\n"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(
        "[('Haloperidol', 'Chemical', 'MESH:D006220'), (\"Parkinson 's disease\", 'Disease', 'MESH:D010300')]"
    )


def test_missing_kg_path_is_a_clear_error_at_initialize(tiny_bert, tmp_path):
    nlp = make_nlp(tiny_bert)
    nlp.config["initialize"]["components"]["kogner_ner"] = kg_initialize_config(tmp_path / "no_such_kg")
    with pytest.raises(KGTableError, match="not found: .*no_such_kg"):
        nlp.initialize(lambda: train_examples(nlp))


def test_corrupt_kg_is_a_clear_error_at_initialize(tiny_bert, tmp_path):
    shutil.copytree(TINY_KG, tmp_path / "kg")
    (tmp_path / "kg" / "aliases.msgpack").write_bytes(b"\x93broken")
    nlp = make_nlp(tiny_bert)
    nlp.config["initialize"]["components"]["kogner_ner"] = kg_initialize_config(tmp_path / "kg")
    with pytest.raises(KGTableError, match="corrupt: .*aliases.msgpack"):
        nlp.initialize(lambda: train_examples(nlp))


def test_use_kg_without_a_kg_is_a_clear_error(tiny_bert):
    nlp = make_nlp(tiny_bert, use_kg=True)
    with pytest.raises(ValueError, match=r"initialize.components.kogner_ner.kg\] is not set"):
        nlp.initialize(lambda: train_examples(nlp))


def test_saved_pipeline_with_missing_or_swapped_kg(trained_dir, tmp_path):
    broken = tmp_path / "pipeline"
    shutil.copytree(trained_dir, broken)
    shutil.rmtree(broken / "kogner_ner" / "kg")
    with pytest.raises(KGTableError, match="not found: .*kogner_ner/kg"):
        spacy.load(broken)
    other = KGTable.from_disk(TINY_KG)
    other.provenance = {"note": "a different table"}
    KGTable(other.ids, other.names, other.types, other.type_labels, other.vectors * 2,
            other.aliases, other.relations, other.relation_labels).to_disk(broken / "kogner_ner" / "kg")
    with pytest.raises(ValueError, match="not the one this component was saved with"):
        spacy.load(broken)


def test_saved_pipeline_with_corrupt_model_weights_names_the_file(trained_dir, tmp_path):
    broken = tmp_path / "pipeline"
    shutil.copytree(trained_dir, broken)
    weights = broken / "kogner_ner" / "model"
    for corrupt in (weights.read_bytes()[: weights.stat().st_size // 2], b"not msgpack at all"):
        weights.write_bytes(corrupt)
        with pytest.raises(ValueError, match="kogner_ner: could not load the model weights from .*kogner_ner/model: "):
            spacy.load(broken)


def test_saved_pipeline_with_an_older_kg_format_is_refused(trained_dir, tmp_path):
    import json

    old = tmp_path / "old"
    shutil.copytree(trained_dir, old)
    meta_path = old / "kogner_ner" / "kg" / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["format_version"] = FORMAT_VERSION - 1
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(KGTableError, match=f"format_version {FORMAT_VERSION - 1} is not read.*trained again"):
        spacy.load(old)


def test_the_gold_hold_out_is_used_in_training_and_never_saved(tiny_bert, tmp_path):
    from spacy_kogner.kg import GoldHoldOut
    from spacy_kogner.kg.holdout import doc_key

    kg = KGTable.from_disk(TINY_KG)
    text = TRAIN_DATA[0][0]
    hold_out = GoldHoldOut({doc_key(text): [("naloxone", "MESH:D009270")]}, kg.meta["files"]["aliases.msgpack"])
    hold_out.to_disk(tmp_path / "holdout.msgpack")
    nlp = make_nlp(tiny_bert, use_kg=True)
    nlp.get_pipe("kogner_ner").model.attrs["hold_out_gold"] = True
    nlp.config["initialize"]["components"]["kogner_ner"] = kg_initialize_config(TINY_KG)
    with pytest.raises(ValueError, match="hold_out_gold = true but no gold hold-out"):
        nlp.initialize(lambda: train_examples(nlp))
    nlp.config["initialize"]["components"]["kogner_ner"]["gold_hold_out"] = {
        "@misc": "spacy_kogner.GoldHoldOutLoader.v1", "path": str(tmp_path / "holdout.msgpack")}
    optimizer = nlp.initialize(lambda: train_examples(nlp))
    pipe = nlp.get_pipe("kogner_ner")
    assert pipe.hold_out == {doc_key(text): {("naloxone", kg.index_of("MESH:D009270"))}}
    nlp.update(train_examples(nlp), sgd=optimizer)
    nlp.to_disk(tmp_path / "pipeline")
    saved = sorted(p.relative_to(tmp_path / "pipeline" / "kogner_ner").as_posix() for p in (tmp_path / "pipeline" / "kogner_ner").rglob("*"))
    assert saved == ["cfg", "kg", "kg/aliases.msgpack", "kg/entities.msgpack", "kg/meta.json", "kg/relations.npy",
                     "kg/vectors.npy", "model"]
    assert spacy.load(tmp_path / "pipeline").get_pipe("kogner_ner").hold_out is None


def test_labels_come_from_examples_or_config(tiny_bert):
    nlp = make_nlp(tiny_bert, use_kg=False)
    nlp.config["initialize"]["components"]["kogner_ner"] = {"labels": ["Disease", "Chemical", "Gene"]}
    nlp.initialize(lambda: train_examples(nlp))
    pipe = nlp.get_pipe("kogner_ner")
    assert pipe.labels == ("Chemical", "Disease", "Gene") and len(pipe.tags) == 13
    with pytest.raises(ValueError, match="cannot add a label to a trained component"):
        pipe.add_label("Species")


def test_an_entity_has_a_letter_or_digit(trained_nlp):
    pipe = trained_nlp.get_pipe("kogner_ner")
    docs = [trained_nlp.make_doc(text) for text in ("   \n\t ", "🧪 … Naloxone ‰", "\u200b", "\x00 \x96")]
    tag = pipe.tags.index("U-Chemical")
    scores = []
    for doc in docs:  # every token tagged as a one-token Chemical
        probs = np.full((len(doc), len(pipe.tags)), 1e-6, dtype="float32")
        probs[:, tag] = 1.0
        scores.append(probs)
    pipe.set_annotations(docs, scores)
    assert [[e.text for e in doc.ents] for doc in docs] == [[], ["Naloxone"], [], []]
    assert len(docs[1].spans["kogner"].attrs["scores"]) == 1
    assert [[e.text for e in d.ents] for d in trained_nlp.pipe(["   \n\t ", "", "🧪"])] == [[], [], []]


def test_candidates_threshold_and_a_swapped_generator(trained_nlp, tiny_bert, tmp_path):
    doc = trained_nlp("Naloxone reverses the antihypertensive effect of clonidine .")
    group = doc.spans["kogner"]
    assert len(group.attrs["kb_candidates"]) == len(group)
    pipe = trained_nlp.get_pipe("kogner_ner")
    for span, found in zip(group, group.attrs["kb_candidates"]):
        passes = bool(found) and found[0][1] >= pipe.cfg["link_threshold"]
        assert span.kb_id_ == (found[0][0] if passes else "")
    pipe.cfg["link_threshold"] = 1.01  # no candidate scores above 1: every entity gets no id
    try:
        assert all(not e.kb_id_ for e in trained_nlp("Naloxone reverses the effect of clonidine .").ents)
    finally:
        pipe.cfg["link_threshold"] = 0.7
    from spacy.util import registry

    @registry.misc("test_kogner.NoCandidates.v1")
    def no_candidates():
        return lambda kg, words, label: []

    nlp = make_nlp(tiny_bert, use_kg=True)
    nlp.get_pipe("kogner_ner").get_candidates = registry.misc.get("test_kogner.NoCandidates.v1")()
    config = nlp.config.copy()
    assert config["components"]["kogner_ner"]["get_candidates"]["@misc"] == "spacy_kogner.CharNgramCandidates.v1"
    config["components"]["kogner_ner"]["get_candidates"] = {"@misc": "test_kogner.NoCandidates.v1"}
    swapped = spacy.util.load_model_from_config(config, auto_fill=True)
    assert swapped.get_pipe("kogner_ner").get_candidates(None, ["x"], "Chemical") == []


def test_a_batch_looks_each_name_up_once(trained_nlp):
    pipe = trained_nlp.get_pipe("kogner_ner")
    asked = []
    generator = pipe.get_candidates

    def counted(kg, words, label):
        asked.append((tuple(words), label))
        return generator(kg, words, label)

    docs = [trained_nlp.make_doc("Naloxone Naloxone") for _ in range(3)]
    tag = pipe.tags.index("U-Chemical")
    scores = []
    for doc in docs:  # each token a one-token Chemical: six mentions of one name
        probs = np.full((len(doc), len(pipe.tags)), 1e-6, dtype="float32")
        probs[:, tag] = 1.0
        scores.append(probs)
    pipe.get_candidates = counted
    try:
        pipe.set_annotations(docs, scores)
    finally:
        pipe.get_candidates = generator
    assert asked == [(("Naloxone",), "Chemical")]
    expected = generator(pipe.kg, ["Naloxone"], "Chemical")[0][0]
    assert [e.kb_id_ for doc in docs for e in doc.ents] == [pipe.kg.ids[expected]] * 6


def test_entities_carry_their_kg_cross_references(trained_nlp):
    doc = trained_nlp("Naloxone reverses the antihypertensive effect of clonidine .")
    group = doc.spans["kogner"]
    kg = trained_nlp.get_pipe("kogner_ner").kg
    assert group.attrs["kb_xrefs"] == [kg.xrefs_of(span.kb_id_) for span in group]
    assert len(group.attrs["kb_xrefs"]) == len(group) > 0


def test_component_is_a_trainable_pipe(trained_nlp):
    pipe = trained_nlp.get_pipe("kogner_ner")
    assert isinstance(pipe, KoGNERecognizer) and pipe.is_trainable
    assert pipe.cfg["kg"]["n_entities"] == 12 and pipe.cfg["kg"]["provenance"]["seed"] == 0


def test_learn_rate_scale_speeds_up_the_head_only(tiny_bert):
    import numpy as np
    from thinc.api import Adam, fix_random_seed

    from tests.util import kg_initialize_config, make_nlp, train_examples

    moved = {}
    for scale in (1.0, 10.0):
        fix_random_seed(0)
        nlp = make_nlp(tiny_bert)
        nlp.get_pipe("kogner_ner").cfg["learn_rate_scale"] = scale
        nlp.config["initialize"]["components"]["kogner_ner"] = kg_initialize_config(TINY_KG)
        examples = train_examples(nlp)
        nlp.initialize(get_examples=lambda: examples)
        proj = nlp.get_pipe("kogner_ner").model.get_ref("token_proj")
        trf_params = nlp.get_pipe("transformer").model.layers[0].shims[0]._model.embeddings.word_embeddings.weight
        before = (proj.get_param("W").copy(), trf_params.detach().clone())
        nlp.update(examples, sgd=Adam(0.001))
        moved[scale] = (np.abs(proj.get_param("W") - before[0]).max(),
                        float((trf_params.detach() - before[1]).abs().max()))
    assert moved[10.0][0] == pytest.approx(10 * moved[1.0][0], rel=0.05)
    assert moved[10.0][1] == pytest.approx(moved[1.0][1], rel=0.05)  # the transformer's rate is unchanged


def test_cpu_training_is_deterministic_for_a_seed(tiny_bert):
    """The same seed, fixed before the pipeline is built (as `spacy train` does),
    gives bit-identical weights after training steps on the CPU."""
    from thinc.api import fix_random_seed

    from tests.util import make_nlp, train_nlp

    def trained():
        fix_random_seed(3)  # the graph network's torch weights are drawn when the model is built
        nlp = train_nlp(make_nlp(tiny_bert, use_kg=True, abbreviations=True), n_iter=4, seed=3)
        return nlp.get_pipe("kogner_ner").model.to_bytes(), nlp.get_pipe("transformer").model.to_bytes()

    assert trained() == trained()
