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
