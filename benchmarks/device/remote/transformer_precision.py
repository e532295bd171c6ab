"""Copy a Hugging Face transformer folder with its floating-point weights cast:
`half` writes model.fp16.safetensors (to travel), `float` reads it back into
model.safetensors (float32, as training and the configs expect)."""
import shutil
import sys
from pathlib import Path

from safetensors.torch import load_file, save_file

WEIGHTS = {"half": ("model.safetensors", "model.fp16.safetensors"), "float": ("model.fp16.safetensors", "model.safetensors")}


def cast_folder(mode: str, source: Path, target: Path) -> None:
    """Copy `source` to `target`, casting floating tensors to float16 (half) or float32 (float)."""
    read, write = WEIGHTS[mode]
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.safetensors", "*.bin", ".gitattributes", "README.md"))
    tensors = load_file(str(source / read))
    cast = {k: (v.half() if mode == "half" else v.float()) if v.is_floating_point() else v for k, v in tensors.items()}
    save_file({k: v.contiguous() for k, v in cast.items()}, str(target / write))


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in WEIGHTS:
        sys.exit("usage: transformer_precision.py half|float SOURCE TARGET")
    cast_folder(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
    print(f"{sys.argv[1]}: {sys.argv[2]} -> {sys.argv[3]}")
