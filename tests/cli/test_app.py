import shutil

from typer.testing import CliRunner

from spacy_kogner.cli import app
from tests.util import TINY_KG, output_text

runner = CliRunner()


def test_inspect_kg_prints_sizes_and_provenance():
    result = runner.invoke(app, ["inspect-kg", str(TINY_KG)])
    assert result.exit_code == 0, result.output
    text = output_text(result)
    assert "is valid" in text and "Chemical" in text and "source_md5" in text


def test_inspect_kg_fails_on_a_corrupt_table(tmp_path):
    shutil.copytree(TINY_KG, tmp_path / "kg")
    (tmp_path / "kg" / "relations.npy").write_bytes(b"junk")
    result = runner.invoke(app, ["inspect-kg", str(tmp_path / "kg")])
    assert result.exit_code == 1 and "relations.npy" in output_text(result)


def test_build_kg_reports_a_bad_source_without_writing(tmp_path):
    test_file = tmp_path / "test.PubTator.txt"
    test_file.write_text("")
    result = runner.invoke(app, ["build-kg", str(tmp_path / "kg"), "--pubtator", str(test_file)])
    assert result.exit_code == 1 and "test split must not feed the KG" in output_text(result)
    assert not (tmp_path / "kg").exists()


def test_build_kg_names_the_line_of_a_bad_pubtator_source_without_writing(tmp_path):
    source = tmp_path / "train.PubTator.txt"
    source.write_bytes(b"1|t|Caf\xe9ine .\n")
    result = runner.invoke(app, ["build-kg", str(tmp_path / "kg"), "--pubtator", str(source)])
    assert result.exit_code == 1 and "train.PubTator.txt:1: not UTF-8 text" in output_text(result)
    assert not (tmp_path / "kg").exists()


def test_build_kg_names_the_line_of_a_bad_resource_file_without_writing(tmp_path):
    resources = tmp_path / "resources"
    resources.mkdir()
    (resources / "mesh_id_label_mappings.tsv").write_bytes(b"D002110\tCaf\xe9ine\t\tD03.132\n")
    result = runner.invoke(app, ["build-kg", str(tmp_path / "kg"), "--resources", str(resources)])
    assert result.exit_code == 1 and "mesh_id_label_mappings.tsv:1: not UTF-8 text" in output_text(result)
    assert not (tmp_path / "kg").exists()


def test_inspect_kg_imports_no_model_library():
    # spaCy imports thinc, and thinc imports torch itself; the model libraries stay unloaded
    import subprocess
    import sys

    code = ("import sys\nfrom typer.testing import CliRunner\nfrom spacy_kogner.cli import app\n"
            f"result = CliRunner().invoke(app, ['inspect-kg', {str(TINY_KG)!r}])\n"
            "assert result.exit_code == 0, result.output\n"
            "print(sorted(m for m in ('torch_geometric', 'scispacy', 'transformers', 'spacy_transformers') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_training_abstracts_writes_the_training_part_and_names_a_missing_corpus(tmp_path):
    import spacy
    from spacy.tokens import DocBin

    source = tmp_path / "traindev.PubTator.txt"
    source.write_text("1|t|Wilms tumor .\n1\t0\t11\tWilms tumor\tSpecificDisease\tD009396\n\n"
                      "2|t|Gout .\n2\t0\t4\tGout\tSpecificDisease\tD006073\n", encoding="utf8")
    DocBin(docs=[spacy.blank("en").make_doc("Gout .")]).to_disk(tmp_path / "train.spacy")
    result = runner.invoke(app, ["training-abstracts", str(source), str(tmp_path / "train.spacy"),
                                 str(tmp_path / "train.PubTator.txt")])
    assert result.exit_code == 0, result.output
    assert "1 of 2 abstracts" in output_text(result)
    assert (tmp_path / "train.PubTator.txt").read_text(encoding="utf8").startswith("2|t|Gout .")
    result = runner.invoke(app, ["training-abstracts", str(source), str(tmp_path / "missing.spacy"),
                                 str(tmp_path / "x.PubTator.txt")])
    assert result.exit_code == 1 and "missing.spacy" in output_text(result)


def test_help_lists_each_command_with_its_whole_first_paragraph():
    # rich's markup mode keeps the docstrings' line breaks (and reads "[ray]" as a style tag);
    # at a wide terminal each command's first paragraph must come out as one line
    import inspect
    import os
    import subprocess
    import sys

    env = dict(os.environ, TERMINAL_WIDTH="400")
    out = subprocess.run([sys.executable, "-m", "spacy_kogner", "--help"], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    for command in app.registered_commands:
        first_paragraph = " ".join(inspect.getdoc(command.callback).split("\n\n")[0].split())
        first_paragraph = first_paragraph.replace("`", "")  # markdown renders `code` without the backticks
        assert any(first_paragraph in line for line in lines), (command.name, first_paragraph)


def test_annotate_on_a_gpu_it_cannot_use_says_why_before_loading(tmp_path, monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    (tmp_path / "in.jsonl").write_text('{"id": "1", "text": "Aspirin."}\n', encoding="utf8")
    result = runner.invoke(app, ["annotate", str(tmp_path / "no-such-model"), str(tmp_path / "in.jsonl"),
                                 str(tmp_path / "out"), "--gpu-id", "0"])
    assert result.exit_code == 1
    assert "--gpu-id 0: torch sees no CUDA device" in output_text(result)
    assert not (tmp_path / "out").exists()
