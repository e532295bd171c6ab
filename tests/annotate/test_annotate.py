import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spacy_kogner.annotate import AnnotateError, AnnotateOptions, annotate, read_records, split_text
from spacy_kogner.annotate.records import BadRecord, Record, input_files
from spacy_kogner.cli import app
from spacy_kogner.corpus.pubtator import document_text, iter_pubtator
from tests.corpus.test_pubtator import PUBTATOR
from tests.util import TRAIN_DATA, output_text

TEXTS = [text for text, _ in TRAIN_DATA]


def jsonl_input(path: Path, n: int = 5) -> Path:
    with path.open("w", encoding="utf8") as file:
        for i in range(n):
            file.write(json.dumps({"pmid": f"d{i}", "abstract": TEXTS[i % len(TEXTS)]}) + "\n")
    return path


def read_shards(folder: Path, ext: str = ".jsonl"):
    return [json.loads(line) for p in sorted(folder.glob(f"part-*{ext}")) for line in p.read_text().splitlines()]


def test_records_of_each_input_format(tmp_path):
    (tmp_path / "a.txt").write_text("Naloxone given .", encoding="utf8")
    (tmp_path / "many.txt").write_text("first doc\nsecond doc\n", encoding="utf8")
    jsonl_input(tmp_path / "b.jsonl", 2)
    (tmp_path / "c.PubTator.txt").write_text(PUBTATOR, encoding="utf8")
    files = input_files([tmp_path / "a.txt", str(tmp_path / "*.jsonl"), tmp_path / "c.PubTator.txt"])
    records = list(read_records(files, id_field="pmid", text_field="abstract"))
    assert [r.id for r in records] == ["a.txt", "d0", "d1", "1", "2", "3"]
    assert records[3].text == document_text(next(iter_pubtator(tmp_path / "c.PubTator.txt")))
    lines = list(read_records([tmp_path / "many.txt"], "lines"))
    assert [(r.id, r.text) for r in lines] == [("many.txt:1", "first doc"), ("many.txt:2", "second doc")]
    (tmp_path / "bad.jsonl").write_text('{"id": 1, "text": "ok"}\n{not json\n{"id": 3}\n', encoding="utf8")
    items = list(read_records([tmp_path / "bad.jsonl"]))
    assert [type(i).__name__ for i in items] == ["Record", "BadRecord", "BadRecord"]
    assert items[1].source.endswith("bad.jsonl:2") and "no string field 'text'" in items[2].reason


def test_lone_surrogates_from_json_escapes_are_bad_records(tmp_path):
    # JSON can escape a lone surrogate; spaCy cannot hash it and no output format can hold it
    (tmp_path / "odd.jsonl").write_text('{"id": "1", "text": "Aspirin \\ud800 ."}\n{"id": "\\udfff", "text": "ok"}\n'
                                        '{"id": "3", "text": "\\ud83e\\uddea Naloxone ."}\n', encoding="utf8")
    collection = {"source": "", "date": "", "key": "", "infons": {}, "documents": [
        {"id": "7", "infons": {}, "relations": [], "passages": [
            {"offset": 0, "infons": {}, "text": "Naloxone \ud800", "sentences": [], "annotations": [], "relations": []}]}]}
    (tmp_path / "odd.json").write_text(json.dumps(collection), encoding="utf8")
    items = list(read_records([tmp_path / "odd.jsonl", tmp_path / "odd.json"]))
    assert [type(i).__name__ for i in items] == ["BadRecord", "BadRecord", "Record", "BadRecord"]
    assert items[0].source.endswith("odd.jsonl:1")
    assert "text holds a lone surrogate ('\\ud800' at character 8)" in items[0].reason
    assert items[1].source.endswith("odd.jsonl:2") and "the id holds a lone surrogate" in items[1].reason
    assert items[2].text == "\U0001f9ea Naloxone ."  # an escaped surrogate pair is one character, and fine
    assert "document 1, id 7" in items[3].source and "lone surrogate" in items[3].reason


def test_lines_that_are_not_utf8_are_bad_records_and_reading_goes_on(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"Naloxone .\r\nCaf\xe9ine .\r\nClonidine .\n")
    (tmp_path / "b.jsonl").write_bytes(b'{"id": "1", "text": "Caf\xe9ine"}\n{"id": "2", "text": "Clonidine"}\n')
    items = list(read_records([tmp_path / "a.txt"], "lines")) + list(read_records([tmp_path / "b.jsonl"]))
    assert [(type(i).__name__, i.source.rsplit("/", 1)[-1]) for i in items] == [
        ("Record", "a.txt:1"), ("BadRecord", "a.txt:2"), ("Record", "a.txt:3"), ("BadRecord", "b.jsonl:1"),
        ("Record", "b.jsonl:2")]
    assert items[1].reason == "not UTF-8 text (byte 0xe9 at character 3 of the line)"
    assert [i.text for i in items if isinstance(i, Record)] == ["Naloxone .", "Clonidine .", "Clonidine"]


def test_long_texts_are_cut_at_spaces():
    text = "alpha beta gamma delta " * 10
    pieces = split_text(text, 50)
    assert "".join(piece for _, piece in pieces) == text and all(len(piece) <= 50 for _, piece in pieces)
    assert all(text[offset:offset + len(piece)] == piece for offset, piece in pieces)
    assert split_text("short", 50) == [(0, "short")]
    with pytest.raises(ValueError, match="at least 1 character"):
        split_text(text, 0)


@pytest.mark.parametrize("text,first_piece", [
    ("Aspirin causes renal failure.\nNaloxone reverses it. Clonidine does not.", "Aspirin causes renal failure.\n"),
    ("Aspirin causes renal failure. Naloxone reverses it in rats, mice and dogs", "Aspirin causes renal failure. "),
    # a line break in the first half would leave a short piece: the last space is taken
    ("A paragraph break early.\nAspirin causes renal failure in rats and dogs",
     "A paragraph break early.\nAspirin causes renal "),
    ("x" * 80, "x" * 50),
])
def test_long_texts_are_cut_at_a_line_break_then_a_sentence_end_in_the_second_half(text, first_piece):
    pieces = split_text(text, 50)
    assert pieces[0] == (0, first_piece)
    assert "".join(piece for _, piece in pieces) == text and all(len(piece) <= 50 for _, piece in pieces)


def test_annotate_jsonl_with_odd_documents_and_offsets_into_the_input(trained_nlp, tmp_path):
    texts = [*TEXTS, "", "   \n\t ", "🧪 Naloxone\u200b and clonidine .", "Naloxone reverses clonidine . " * 40]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(texts)), encoding="utf8")
    # the last text is annotated in pieces
    report = annotate(trained_nlp, "tiny", [path], tmp_path / "out",
                      AnnotateOptions(shard_size=3, batch_size=2, max_chars=200))
    out = read_shards(tmp_path / "out")
    assert [o["id"] for o in out] == [str(i) for i in range(len(texts))] and report.docs == len(texts)
    for o, text in zip(out, texts):
        for ent in o["entities"]:
            assert text[ent["start"]:ent["end"]] == ent["text"] and any(c.isalnum() for c in ent["text"])
    assert out[5]["entities"] == [] and out[6]["entities"] == []
    assert len(out[8]["entities"]) >= 40  # every piece of the long text was annotated
    first = out[0]["entities"][0]
    assert set(first) == {"start", "end", "text", "label", "kb_id", "name", "confidence"}
    assert first["kb_id"] == "MESH:D009270" and first["name"] == "Naloxone" and 0 < first["confidence"] <= 1


def test_pubtator_in_pubtator_out_keeps_texts_and_offsets(trained_nlp, tmp_path):
    (tmp_path / "in.PubTator.txt").write_text(PUBTATOR, encoding="utf8")
    annotate(trained_nlp, "tiny", [tmp_path / "in.PubTator.txt"], tmp_path / "out",
             AnnotateOptions(output_format="pubtator", shard_size=2))
    written = [doc for p in sorted((tmp_path / "out").glob("part-*.pubtator")) for doc in iter_pubtator(p)]
    original = list(iter_pubtator(tmp_path / "in.PubTator.txt"))
    # an empty abstract line is left out (as bioc writes PubTator); titles, abstracts and offsets are kept
    assert [(d.pmid, d.title, d.abstract or "") for d in written] == [(d.pmid, d.title, d.abstract or "") for d in original]
    assert sum(len(d.annotations) for d in written) > 0
    for doc in written:
        text = document_text(doc)
        assert all(text[a.start:a.end] == a.text for a in doc.annotations)
        assert all(not a.id.startswith("MESH:") for a in doc.annotations)


def test_bad_records_stop_the_run_or_go_to_rejects(trained_nlp, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "a", "text": "Naloxone ."}\n{"id": "b"\n{"id": "c", "text": "clonidine ."}\n', encoding="utf8")
    with pytest.raises(AnnotateError, match=r"in\.jsonl:2: not a JSON object"):
        annotate(trained_nlp, "tiny", [path], tmp_path / "stop", AnnotateOptions())
    assert not list((tmp_path / "stop").glob("part-*"))  # nothing half-written
    report = annotate(trained_nlp, "tiny", [path], tmp_path / "skip", AnnotateOptions(skip_bad=True))
    assert [o["id"] for o in read_shards(tmp_path / "skip")] == ["a", "c"] and report.rejected == 1
    rejects = [json.loads(line) for line in (tmp_path / "skip" / "rejects-00000.jsonl").read_text().splitlines()]
    assert rejects[0]["source"].endswith("in.jsonl:2")


def test_a_second_run_resumes_and_another_run_is_refused(trained_nlp, tmp_path):
    path = jsonl_input(tmp_path / "in.jsonl", 7)
    options = AnnotateOptions(shard_size=2, id_field="pmid", text_field="abstract")
    first = annotate(trained_nlp, "tiny", [path], tmp_path / "out", options)
    (tmp_path / "out" / "part-00001.jsonl").unlink()  # as if killed before this shard was complete
    again = annotate(trained_nlp, "tiny", [path], tmp_path / "out", options)
    assert (first.shards_written, again.shards_written, again.shards_skipped) == (4, 1, 3)
    assert [o["id"] for o in read_shards(tmp_path / "out")] == [f"d{i}" for i in range(7)]
    with pytest.raises(AnnotateError, match="holds the output of another run"):
        annotate(trained_nlp, "tiny", [path], tmp_path / "out", AnnotateOptions(shard_size=3))


@pytest.mark.slow
def test_a_killed_run_resumes_with_every_document_once(trained_dir, tmp_path):
    path = jsonl_input(tmp_path / "in.jsonl", 400)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "spacy_kogner", "annotate", str(trained_dir), str(path), str(out),
           "--id-field", "pmid", "--text-field", "abstract", "--shard-size", "20", "--batch-size", "10"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while time.time() < deadline and len(list(out.glob("part-*.jsonl"))) < 3:
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done_before = len(list(out.glob("part-*.jsonl")))
    assert 3 <= done_before < 20, "the run was not killed mid-way"
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    ids = [o["id"] for o in read_shards(out)]
    assert sorted(ids) == sorted(f"d{i}" for i in range(400)) and len(ids) == len(set(ids)) == 400
    assert not list(out.glob("*.partial"))


def test_the_command_line(trained_dir, tmp_path):
    path = jsonl_input(tmp_path / "in.jsonl", 3)
    runner = CliRunner()
    result = runner.invoke(app, ["annotate", str(trained_dir), str(path), str(tmp_path / "out"),
                                 "--id-field", "pmid", "--text-field", "abstract"])
    assert result.exit_code == 0, result.output
    assert "3 documents" in output_text(result) and len(read_shards(tmp_path / "out")) == 3
    bad = runner.invoke(app, ["annotate", str(trained_dir), str(tmp_path / "nothing*.jsonl"), str(tmp_path / "o2")])
    assert bad.exit_code == 1 and "no input file" in output_text(bad)


def bioc_collection():
    import bioc

    collection = bioc.BioCCollection()
    for doc_id, passages in (("p1", [(0, TEXTS[0]), (len(TEXTS[0]) + 1, TEXTS[2])]), ("p2", [(0, TEXTS[1])])):
        document = bioc.BioCDocument()
        document.id = doc_id
        for offset, text in passages:
            passage = bioc.BioCPassage()
            passage.offset, passage.text = offset, text
            document.add_passage(passage)
        collection.add_document(document)
    return collection


@pytest.mark.parametrize("fmt,ext", [("bioc-xml", ".xml"), ("bioc-json", ".json")])
def test_bioc_in_bioc_out_keeps_passages_and_offsets(trained_nlp, tmp_path, fmt, ext):
    from bioc import biocjson, biocxml

    from spacy_kogner.annotate.records import bioc_text

    module = biocxml if fmt == "bioc-xml" else biocjson
    (tmp_path / f"in{ext}").write_text(module.dumps(bioc_collection()), encoding="utf8")
    report = annotate(trained_nlp, "tiny", [tmp_path / f"in{ext}"], tmp_path / "out", AnnotateOptions(output_format=fmt))
    assert report.docs == 2
    with (tmp_path / "out" / f"part-00000{ext}").open(encoding="utf8") as file:
        written = module.load(file).documents
    original = bioc_collection().documents
    assert [d.id for d in written] == ["p1", "p2"]
    for got, want in zip(written, original):
        assert [(p.offset, p.text) for p in got.passages] == [(p.offset, p.text) for p in want.passages]
        text = bioc_text(got)
        annotations = [a for p in got.passages for a in p.annotations]
        assert annotations and all(text[a.total_span.offset:a.total_span.end] == a.text for a in annotations)
    assert any(a.infons["identifier"] == "MESH:D009270" for p in written[0].passages for a in p.annotations)


def test_plain_text_to_bioc_and_a_broken_xml_file(trained_nlp, tmp_path):
    (tmp_path / "a.txt").write_text(TEXTS[0], encoding="utf8")
    annotate(trained_nlp, "tiny", [tmp_path / "a.txt"], tmp_path / "out", AnnotateOptions(output_format="bioc-xml"))
    assert "<id>a.txt</id>" in (tmp_path / "out" / "part-00000.xml").read_text(encoding="utf8")
    (tmp_path / "bad.xml").write_text("<collection><document><id>1</id><passage>", encoding="utf8")
    items = list(read_records([tmp_path / "bad.xml"]))
    assert len(items) == 1 and isinstance(items[0], BadRecord) and "not a readable BioC XML file" in items[0].reason


def test_parquet_in_parquet_out(trained_nlp, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"pmid": ["a", "b", "c"], "abstract": [TEXTS[0], "", None]}), tmp_path / "in.parquet")
    report = annotate(trained_nlp, "tiny", [tmp_path / "in.parquet"], tmp_path / "out",
                      AnnotateOptions(output_format="parquet", id_field="pmid", text_field="abstract", skip_bad=True))
    assert (report.docs, report.rejected) == (2, 1)  # the null text is a bad record
    table = pq.read_table(tmp_path / "out" / "part-00000.parquet").to_pylist()
    assert [row["id"] for row in table] == ["a", "b"] and table[1]["entities"] == []
    first = table[0]["entities"][0]
    assert TEXTS[0][first["start"]:first["end"]] == first["text"] and first["kb_id"] == "MESH:D009270"
    items = list(read_records([tmp_path / "in.parquet"], text_field="body"))
    assert isinstance(items[0], BadRecord) and "no column 'body'" in items[0].reason


def test_html_links_each_entity_to_its_concept_page(trained_nlp, tmp_path):
    from spacy_kogner.annotate.writers import concept_url

    (tmp_path / "a.txt").write_text(TEXTS[0], encoding="utf8")
    annotate(trained_nlp, "tiny", [tmp_path / "a.txt"], tmp_path / "out", AnnotateOptions(output_format="html"))
    html = (tmp_path / "out" / "part-00000.html").read_text(encoding="utf8")
    assert "https://meshb.nlm.nih.gov/record/ui?ui=D009270" in html and "Naloxone" in html
    assert concept_url("HGNC:5") == "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/HGNC:5"
    assert concept_url("corpus:Disease:x") == "#" and concept_url("") == "#"
