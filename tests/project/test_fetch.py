import hashlib
import zipfile

import pytest
import srsly
from typer.testing import CliRunner

from spacy_kogner.cli import app
from tests.util import output_text
from spacy_kogner.project.fetch import FetchError, extract_members, fetch_asset

runner = CliRunner()


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


@pytest.fixture
def project(tmp_path):
    mirror = tmp_path / "mirror"
    (mirror / "corpora" / "x").mkdir(parents=True)
    (mirror / "corpora" / "x" / "train.tsv").write_bytes(b"a\tO\n")
    root = tmp_path / "project"
    root.mkdir()
    return root, mirror


def test_mirror_copy_is_verified(project):
    root, mirror = project
    dest = root / "assets" / "corpora" / "x" / "train.tsv"
    origin = fetch_asset(dest, "http://unreachable.invalid/train.tsv", md5(b"a\tO\n"), mirror, root / "assets")
    assert origin.endswith("train.tsv") and dest.read_bytes() == b"a\tO\n"
    assert fetch_asset(dest, "http://unreachable.invalid/x", md5(b"a\tO\n"), mirror, root / "assets") == "present"


def test_checksum_mismatch_leaves_no_file(project):
    root, mirror = project
    dest = root / "assets" / "corpora" / "x" / "train.tsv"
    with pytest.raises(FetchError, match="does not match the expected"):
        fetch_asset(dest, "http://unreachable.invalid/x", "0" * 32, mirror, root / "assets")
    assert not dest.exists() and list(dest.parent.iterdir()) == []


def test_missing_source_is_a_clear_error(project):
    root, _ = project
    dest = root / "assets" / "corpora" / "y" / "test.tsv"
    with pytest.raises(FetchError, match="could not download .* no mirror has it"):
        fetch_asset(dest, "http://unreachable.invalid/test.tsv", "0" * 32, None, root / "assets")
    assert not dest.exists()


def test_fetch_command_reads_project_assets(project):
    root, mirror = project
    srsly.write_yaml(root / "project.yml", {
        "directories": ["assets"],
        "assets": [
            {"dest": "assets/corpora/x/train.tsv", "url": "http://unreachable.invalid/a", "checksum": md5(b"a\tO\n")},
            {"dest": "assets/corpora/x/bad.tsv", "url": "http://unreachable.invalid/b", "checksum": "1" * 32},
        ],
    })
    ok = runner.invoke(app, ["fetch", str(root / "project.yml"), "--mirror", str(mirror), "--only", "assets/corpora/x/train"])
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(app, ["fetch", str(root / "project.yml"), "--mirror", str(mirror)])
    assert bad.exit_code == 1 and "assets/corpora/x/bad.tsv" in output_text(bad)
    assert (root / "assets/corpora/x/train.tsv").exists() and not (root / "assets/corpora/x/bad.tsv").exists()


def test_extract_members(tmp_path):
    archive = tmp_path / "pkg.whl"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("pkg/resources/a.tsv", "1")
        zf.writestr("pkg/resources/sub/b.json", "[]")
        zf.writestr("pkg/other.py", "")
    assert extract_members(archive, "pkg/resources/", tmp_path / "out") == 2
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.*")) == ["a.tsv", "sub/b.json"]
