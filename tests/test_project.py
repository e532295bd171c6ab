"""`spacy project run smoke`: the whole workflow on the fixtures, in a copy of the project."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.mark.slow
def test_smoke_workflow_runs_end_to_end(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "project.yml", project)
    shutil.copytree(ROOT / "configs", project / "configs")
    shutil.copytree(ROOT / "assets" / "smoke", project / "assets" / "smoke")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "-m", "spacy", "project", "run", "smoke", str(project)],
                            cwd=project, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    work = project / "smoke"
    kg_stats = json.loads((work / "metrics" / "kg_stats.json").read_text())
    assert kg_stats["entities"] > 100 and "coverage" in kg_stats
    wheel = work / "packages" / "en_kogner_smoke-0.1.0" / "dist" / "en_kogner_smoke-0.1.0-py3-none-any.whl"
    assert wheel.exists()
    trained = json.loads((work / "metrics" / "kogner_smoke.json").read_text())
    packaged = json.loads((work / "metrics" / "kogner_smoke-package.json").read_text())
    assert set(trained["ents_per_type"]) == {"Chemical", "Disease"}
    assert packaged["ents_f"] == trained["ents_f"]  # the installed package predicts what the trained model did
