"""The package's layers: each subpackage imports only from the layers below it,
and no module grows past about 300 lines without saying why at its top."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "spacy_kogner"
# each subpackage (or top-level module) and what it may import from this package
ALLOWED = {
    "util": set(),
    "lazy": set(),  # the module __getattr__ of packages that export lazily
    "corpus": {"util"},
    "kg": {"util", "corpus"},
    "kg_build": {"util", "corpus", "kg"},
    "ml": {"util", "kg"},
    "pipeline": {"util", "lazy", "kg", "ml"},
    "evaluation": {"util", "corpus", "kg", "ml", "pipeline"},
    "project": {"util"},
    "annotate": {"util", "corpus", "kg", "ml", "pipeline"},
    "cli": {"util", "corpus", "kg", "kg_build", "ml", "pipeline", "evaluation", "project", "annotate"},
}
MAX_LINES = 300


def layer_of(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def imported_layers(path: Path):
    """The spacy_kogner subpackages a module imports (absolute or relative)."""
    tree = ast.parse(path.read_text(encoding="utf8"))
    depth = len(path.relative_to(PACKAGE).parts)  # 1 for spacy_kogner/x.py, 2 for spacy_kogner/sub/x.py
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                if node.level < depth:  # within its own subpackage
                    continue
                parts = (node.module or "").split(".")
                names = [parts[0]] if parts[0] else [alias.name for alias in node.names]
            elif node.module and node.module.startswith("spacy_kogner."):
                names = [node.module.split(".")[1]]
            else:
                continue
            yield from names
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("spacy_kogner."):
                    yield alias.name.split(".")[1]


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE or p.name not in ("__init__.py", "__main__.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_import_from_a_higher_layer(path):
    layer = layer_of(path)
    assert layer in ALLOWED, f"{layer} is not a known layer"
    wrong = {name for name in imported_layers(path) if name != layer and name not in ALLOWED[layer] and name != "__version__"}
    assert not wrong, f"{path.relative_to(PACKAGE)} ({layer}) imports {sorted(wrong)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_modules_stay_small_or_say_why(path):
    lines = path.read_text(encoding="utf8").splitlines()
    if len(lines) > MAX_LINES:
        docstring = ast.get_docstring(ast.parse("\n".join(lines))) or ""
        assert f"Over {MAX_LINES} lines:" in docstring, f"{path.relative_to(PACKAGE)} has {len(lines)} lines and no reason at its top"


def test_importing_the_package_loads_no_model_library():
    import subprocess
    import sys

    code = ("import sys, spacy_kogner\n"
            "print(sorted(m for m in ('torch_geometric', 'scispacy', 'transformers', 'spacy_transformers')"
            " if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stderr
