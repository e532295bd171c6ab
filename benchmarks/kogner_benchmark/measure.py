"""Measurements taken inside one benchmark process: test scores, cross-corpus
scores, inference speed, load time, peak memory, sizes and the machine."""
import os
import platform
import resource
import subprocess
import time
from pathlib import Path
from statistics import median
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import spacy
from spacy.language import Language
from spacy.scorer import get_ner_prf
from spacy.tokens import DocBin
from spacy.training import Corpus, Example

from spacy_kogner.kg.table import KGTable
from spacy_kogner.util import cpu_features

def dictionary_pipeline(kg_path: Path, labels: Sequence[str]) -> Language:
    """Blank English tokenizer + the `kg_dictionary_ner` component over a KG table."""
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_dictionary_ner", config={"labels": list(labels)}).set_kg(KGTable.from_disk(kg_path))
    return nlp


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


BF16_CALLBACK = "spacy_kogner.cpu_bf16_inference.v1"


def load_pipeline(model: str, gpu_id: int = -1, cpu_bf16: Optional[bool] = None) -> Tuple[Language, float]:
    """spacy.load (on the GPU if gpu_id >= 0) and the seconds it took; cpu_bf16
    True/False forces bf16 transformer inference on or off (None: as configured)."""
    if gpu_id >= 0:
        spacy.require_gpu(gpu_id)
    config = {}
    if cpu_bf16 is not None:
        config = {"nlp": {"after_pipeline_creation": {"@callbacks": BF16_CALLBACK, "enabled": cpu_bf16}}}
    start = time.perf_counter()
    nlp = spacy.load(model, config=config)
    return nlp, round(time.perf_counter() - start, 3)


def transformer_precision(nlp: Language) -> Optional[str]:
    """The transformer's inference precision: on a CPU, 'bfloat16' if a transformer
    pipe predicts under bf16 autocast, else 'float32'; on a GPU, 'float16 (mixed)'
    if thinc's mixed_precision autocasts it, else 'float32' (the CPU bf16 wrapper
    passes through there); None for a pipeline without a transformer."""
    from spacy_transformers import Transformer
    from thinc.api import NumpyOps

    from spacy_kogner.pipeline.cpu_bf16_inference import BF16Predict

    pipes = [pipe for _, pipe in nlp.pipeline if isinstance(pipe, Transformer)]
    if not pipes:
        return None
    if not isinstance(pipes[0].model.ops, NumpyOps):
        mixed = any(getattr(shim, "_mixed_precision", False) for pipe in pipes for shim in pipe.model.layers[0].shims)
        return "float16 (mixed)" if mixed else "float32"
    return "bfloat16" if any(isinstance(pipe.predict, BF16Predict) for pipe in pipes) else "float32"


def read_examples(nlp: Language, path: Path) -> List[Example]:
    """The examples of a .spacy file, as `spacy evaluate` reads them."""
    return list(Corpus(str(path))(nlp))


def _prf(examples: List[Example]) -> Dict[str, Any]:
    scores = get_ner_prf(examples)
    return {
        "p": round(100 * scores["ents_p"], 2),
        "r": round(100 * scores["ents_r"], 2),
        "f": round(100 * scores["ents_f"], 2),
        "per_type": {
            label: {key: round(100 * value, 2) for key, value in prf.items()}
            for label, prf in sorted(scores["ents_per_type"].items())
        },
    }


def ner_scores(nlp: Language, examples: List[Example]) -> Dict[str, Any]:
    """Entity P/R/F (in %) overall and per type: spaCy's NER scoring
    (`get_ner_prf`, what `spacy evaluate` reports for an NER pipe), for any pipeline."""
    predicted = nlp.pipe([eg.predicted for eg in examples])
    return _prf([Example(doc, eg.reference) for eg, doc in zip(examples, predicted)])


def cross_corpus_scores(nlp: Language, examples: List[Example], labels: Sequence[str]) -> Dict[str, Any]:
    """Scores on another corpus, counting predicted and gold entities of `labels` only."""
    keep = set(labels)
    predicted = nlp.pipe([eg.predicted for eg in examples])
    filtered = []
    for eg, doc in zip(examples, predicted):
        doc.ents = [ent for ent in doc.ents if ent.label_ in keep]
        reference = eg.reference.copy()
        reference.set_ents([ent for ent in reference.ents if ent.label_ in keep], default="outside")
        filtered.append(Example(doc, reference))
    return {"labels": sorted(keep), **_prf(filtered)}


def inference_speed(nlp: Language, texts: Sequence[str], repeats: int = 1, warmup: int = 64) -> Dict[str, Any]:
    """Words per second of `nlp.pipe` over the texts (after a warm-up batch);
    with repeats > 1, the median pass."""
    list(nlp.pipe(texts[:warmup]))
    rates = []
    n_words = 0
    for _ in range(repeats):
        start = time.perf_counter()
        n_words = sum(len(doc) for doc in nlp.pipe(texts))
        rates.append(n_words / (time.perf_counter() - start))
    return {"words": n_words, "docs": len(texts), "words_per_s": round(median(rates)), "passes": [round(r) for r in rates]}


def folder_size_mb(path: Path) -> float:
    """Total size of the files under a folder, in MB."""
    return round(sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()) / 2**20, 1)


# each picks a CPU code path that changes a seed's float bits (`benchmarks/notes.md`, "Determinism")
CPU_ISA_VARIABLES = ("ATEN_CPU_CAPABILITY", "MKL_ENABLE_INSTRUCTIONS", "MKL_CBWR", "ONEDNN_MAX_CPU_ISA")

# the packages whose code runs in training and inference, and so can change a seed's float bits
NUMERIC_PACKAGES = ("numpy", "scipy", "thinc", "spacy-transformers", "transformers", "tokenizers",
                    "torch-geometric", "scispacy")


def machine_description() -> Dict[str, Any]:
    """CPU, its vector units and the CPU code paths chosen, cores, memory, library
    versions and the GPU (if torch sees one)."""
    import torch

    name, flags = cpu_features()
    cpu = name or platform.processor() or platform.machine()
    mem_gb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total_kb = next((int(line.split()[1]) for line in meminfo.read_text().splitlines() if line.startswith("MemTotal")), 0)
        mem_gb = round(total_kb / 2**20, 1)
    return {
        "cpu": cpu,
        # the vector units decide which CPU matrix kernels run, and so the float bits of training
        "cpu_simd": sorted(flag for flag in flags if flag.startswith(("avx", "amx", "fma"))),
        "cpu_cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        # the kernel family torch picked, and the variables that lower it and MKL's and oneDNN's
        "torch_cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "cpu_isa_env": {name: os.environ[name] for name in CPU_ISA_VARIABLES if name in os.environ},
        "memory_gb": mem_gb,
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "python": platform.python_version(),
        "spacy": spacy.__version__,
        "torch": torch.__version__,
        "packages": package_versions(),
        "platform": platform.platform(),
    }


def package_versions() -> Dict[str, Optional[str]]:
    """Installed version of each of NUMERIC_PACKAGES (None where it is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    found: Dict[str, Optional[str]] = {}
    for name in NUMERIC_PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def code_version() -> Dict[str, Any]:
    """spacy_kogner's version and, in a git checkout, its commit (with a '+' if the tree has changes)."""
    from spacy_kogner import __version__

    root = Path(__file__).resolve().parents[2]
    commit = None
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True)
        if head.returncode == 0:
            commit = head.stdout.strip() + ("+" if dirty.stdout.strip() else "")
    except OSError:
        pass
    return {"spacy_kogner": __version__, "commit": commit}


def run_measured(cmd: List[str], log_path: Optional[Path] = None, env: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    """Run a command to completion; its wall time, exit code and peak RSS (of the
    child and the descendants it waited for), stdout+stderr appended to log_path."""
    start = time.perf_counter()
    log = log_path.open("a", encoding="utf8") if log_path is not None else subprocess.DEVNULL
    try:
        if log_path is not None:
            log.write("$ " + " ".join(cmd) + "\n")
            log.flush()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if log_path is not None:
            log.close()
    return {
        "returncode": proc.returncode,
        "seconds": round(time.perf_counter() - start, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
    }


def dev_curve(train_log: str) -> List[Tuple[int, float]]:
    """(step, dev ENTS_F) rows of the last score table `spacy train` printed to a
    log (a log appended by a rerun holds several tables)."""
    curve: List[Tuple[int, float]] = []
    columns: List[str] = []
    for line in train_log.splitlines():
        fields = line.split()
        if fields[:2] == ["E", "#"]:
            columns, curve = fields, []
        elif columns and len(fields) > 1 and fields[0].isdigit() and fields[1].isdigit():
            try:
                values = [float(f) for f in fields]
            except ValueError:
                continue
            # header names like "LOSS TRANS..." take two words for one column
            f_index = columns.index("ENTS_F") - len(columns) + len(values)
            curve.append((int(fields[1]), values[f_index]))
    return curve


def read_texts(nlp: Language, path: Path) -> List[str]:
    """The raw texts of a .spacy file (its docs are not kept)."""
    return [doc.text for doc in DocBin().from_disk(path).get_docs(nlp.vocab)]


def texts_of(examples: Iterable[Example]) -> List[str]:
    """The raw texts of the reference docs."""
    return [eg.reference.text for eg in examples]
