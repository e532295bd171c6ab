import os
import signal
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spacy_kogner.annotate import AnnotateError, AnnotateOptions, annotate
from spacy_kogner.annotate.ray_backend import PipelineAnnotator, RayOptions, annotate_ray, file_groups
from spacy_kogner.cli import app
from tests.annotate.test_annotate import bioc_collection, jsonl_input, read_shards
from tests.corpus.test_pubtator import PUBTATOR
from tests.util import output_text

ray = pytest.importorskip("ray", reason='the Ray backend tests need Ray Data: pip install "spacy_kogner[ray]"')


@pytest.fixture(scope="module")
def local_ray():
    """A local Ray instance with 2 CPUs for this module's tests."""
    ray.init(num_cpus=2, log_to_driver=False, include_dashboard=False)
    yield
    ray.shutdown()


def by_id(records):
    return {r["id"]: r["entities"] for r in records}


def test_file_groups_keep_files_whole_and_in_order(tmp_path):
    files = []
    for i, size in enumerate([5, 5, 20, 1, 1]):
        files.append(tmp_path / f"{i}.txt")
        files[-1].write_text("x" * size)
    assert file_groups(files, 10) == [files[:2], files[2:3], files[3:]]
    assert file_groups(files, 1000) == [files]


def test_ray_records_equal_the_local_backends(local_ray, trained_nlp, trained_dir, tmp_path):
    jsonl_input(tmp_path / "in.jsonl", 30)
    (tmp_path / "in.PubTator.txt").write_text(PUBTATOR, encoding="utf8")
    (tmp_path / "bad.jsonl").write_text('{"pmid": "ok", "abstract": "Naloxone ."}\n{broken\n', encoding="utf8")
    inputs = [tmp_path / "in.jsonl", tmp_path / "in.PubTator.txt", tmp_path / "bad.jsonl"]
    options = dict(id_field="pmid", text_field="abstract", shard_size=7, batch_size=4, skip_bad=True)
    annotate(trained_nlp, str(trained_dir), inputs, tmp_path / "local", AnnotateOptions(**options))
    report = annotate_ray(str(trained_dir), inputs, tmp_path / "ray", AnnotateOptions(**options),
                          RayOptions(actors=2, group_bytes=1))
    local, on_ray = read_shards(tmp_path / "local"), read_shards(tmp_path / "ray")
    assert len(on_ray) == len(local) == report.docs == 30 + 3 + 1 and by_id(on_ray) == by_id(local)
    assert sum(len(r["entities"]) for r in local) == report.entities > 0
    # shards are cut per group of files (here a file each); the bad line went to the rejects file
    assert sorted(p.name for p in (tmp_path / "ray").glob("part-*")) == [
        *(f"part-00000-{i:05d}.jsonl" for i in range(5)), "part-00001-00000.jsonl", "part-00002-00000.jsonl"]
    rejects = (tmp_path / "ray" / "rejects-00002-00000.jsonl").read_text()
    assert report.rejected == 1 and "bad.jsonl:2" in rejects
    # a second run finds every shard complete
    again = annotate_ray(str(trained_dir), inputs, tmp_path / "ray", AnnotateOptions(**options), RayOptions())
    assert again.shards_written == 0 and again.shards_skipped == 7


def test_ray_writes_each_output_format_and_the_command_line(local_ray, trained_nlp, trained_dir, tmp_path):
    from bioc import biocxml

    (tmp_path / "in.xml").write_text(biocxml.dumps(bioc_collection()), encoding="utf8")
    options = AnnotateOptions(output_format="bioc-xml", shard_size=2)
    annotate(trained_nlp, "m", [tmp_path / "in.xml"], tmp_path / "local-xml", options)
    annotate_ray(str(trained_dir), [tmp_path / "in.xml"], tmp_path / "ray-xml", options, RayOptions())
    annotate(trained_nlp, "m", [tmp_path / "in.xml"], tmp_path / "local-parquet",
             AnnotateOptions(output_format="parquet", shard_size=2))
    result = CliRunner().invoke(app, ["annotate", str(trained_dir), str(tmp_path / "in.xml"), str(tmp_path / "ray-parquet"),
                                      "--output-format", "parquet", "--shard-size", "2", "--backend", "ray"])
    assert result.exit_code == 0, result.output
    assert "2 documents" in output_text(result) and "1 shards written" in output_text(result)
    for fmt, ext in [("xml", ".xml"), ("parquet", ".parquet")]:
        local = [p.read_bytes() for p in sorted((tmp_path / f"local-{fmt}").glob(f"part-*{ext}"))]
        on_ray = [p.read_bytes() for p in sorted((tmp_path / f"ray-{fmt}").glob(f"part-*{ext}"))]
        assert local and on_ray == local, fmt
    # the local backend refuses a Ray run's folder (its shards are cut otherwise)
    with pytest.raises(AnnotateError, match="another run"):
        annotate(trained_nlp, str(trained_dir), [tmp_path / "in.xml"], tmp_path / "ray-xml", options)


def _map_workers():
    """Pids of this machine's Ray Data actor processes."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        if entry.name.isdigit() and cmdline.startswith(b"ray::") and b"MapWorker" in cmdline:
            pids.append(int(entry.name))
    return pids


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finding the actor process to kill reads /proc (Linux)")
def test_a_killed_actor_loses_and_duplicates_nothing(local_ray, trained_nlp, trained_dir, tmp_path):
    path = jsonl_input(tmp_path / "in.jsonl", 300)
    out = tmp_path / "out"
    options = AnnotateOptions(id_field="pmid", text_field="abstract", shard_size=20, batch_size=10)
    killed = []
    run_ended = threading.Event()

    def kill_an_actor_mid_run():
        # no clock: on a loaded machine the actor may take minutes to load the pipeline
        while not run_ended.is_set() and len(list(out.glob("part-*.jsonl"))) < 2:
            time.sleep(0.1)
        killed.append(len(list(out.glob("part-*.jsonl"))))  # shards complete when the actor died
        for pid in _map_workers():
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    killer = threading.Thread(target=kill_an_actor_mid_run)
    killer.start()
    # blocks of a few documents, so that the actor dies with rows of the run still to annotate
    try:
        report = annotate_ray(str(trained_dir), [path], out, options, RayOptions(actors=1, block_bytes=2000))
    finally:
        run_ended.set()
        killer.join()
    assert len(killed) > 1, "no actor process was found to kill"
    assert killed[0] < 15, "the actor was not killed mid-run"
    assert report.shards_written == 15
    ids = [r["id"] for r in read_shards(out)]
    assert sorted(ids) == sorted(f"d{i}" for i in range(300)) and len(ids) == len(set(ids))
    annotate(trained_nlp, "m", [path], tmp_path / "local", options)
    assert by_id(read_shards(out)) == by_id(read_shards(tmp_path / "local"))


def test_an_actor_given_a_gpu_spacy_cannot_use_says_why(monkeypatch):
    """--gpus-per-actor on a node without CuPy: the actor names what is missing
    before it loads the pipeline (thinc's own error does not)."""
    import thinc.util
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(thinc.util, "gpu_is_available", lambda: False)
    with pytest.raises(RuntimeError, match="gave this actor a GPU.*install CuPy"):
        PipelineAnnotator("no-such-pipeline", {}, use_gpu=True)
