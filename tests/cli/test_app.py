import shutil

from typer.testing import CliRunner

from spacy_kogner.cli import app
from tests.util import TINY_KG

runner = CliRunner()


def test_inspect_kg_prints_sizes_and_provenance():
    result = runner.invoke(app, ["inspect-kg", str(TINY_KG)])
    assert result.exit_code == 0, result.output
    assert "is valid" in result.output and "Chemical" in result.output and "source_md5" in result.output


def test_inspect_kg_fails_on_a_corrupt_table(tmp_path):
    shutil.copytree(TINY_KG, tmp_path / "kg")
    (tmp_path / "kg" / "relations.npy").write_bytes(b"junk")
    result = runner.invoke(app, ["inspect-kg", str(tmp_path / "kg")])
    assert result.exit_code == 1 and "relations.npy" in result.output
