"""Train once with parameter averages and save both the averaged and the raw final weights.

Averages change only what is evaluated and saved, not the updates, so one run gives the pair that
two runs (with and without `use_averages`) would: `<output>/model-last` holds the averaged weights
(spaCy's own checkpoint), `<output>/model-last-raw` the weights the optimizer left.

    python benchmarks/train_averaged_and_raw.py CONFIG OUTPUT [--paths.train ... other overrides]
"""
import sys
from pathlib import Path

from spacy import util
from spacy.cli._util import parse_config_overrides
from spacy.training.initialize import init_nlp
from spacy.training.loop import train


def main(config_path: Path, output_path: Path, overrides: dict) -> None:
    config = util.load_config(config_path, overrides=overrides, interpolate=False)
    if not config["training"]["optimizer"].get("use_averages"):
        sys.exit(f"{config_path}: [training.optimizer] use_averages must be true for this run")
    output_path.mkdir(parents=True, exist_ok=True)
    nlp = init_nlp(config, use_gpu=-1)
    nlp, _ = train(nlp, output_path, use_gpu=-1, stdout=sys.stdout, stderr=sys.stderr)
    # spaCy's train returns the nlp with the optimizer's own (non-averaged) weights in place.
    nlp.to_disk(output_path / "model-last-raw")
    print(f"Saved the raw final weights to {output_path / 'model-last-raw'}")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]), parse_config_overrides(sys.argv[3:]))
