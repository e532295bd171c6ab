"""What the benchmark runs: settings (corpus, training fraction, seeds, step
budget) and systems (kogner, its no-KG ablation, spaCy's CNN NER, KG
dictionary matching). Every system of a setting shares splits, seed, KG table,
transformer and step budget."""
from dataclasses import asdict, dataclass
from typing import Dict, List, Optional, Sequence, Tuple, Union

KOGNER, NO_KG, CNN, DICTIONARY = "kogner", "no-kg", "cnn", "dictionary"
SYSTEMS = (KOGNER, NO_KG, CNN, DICTIONARY)
TRAINED_SYSTEMS = (KOGNER, NO_KG, CNN)


@dataclass(frozen=True)
class Setting:
    """One benchmark setting: a corpus, a share of its training documents, the
    seeds to run, the step budget and, optionally, a corpus whose test split the
    trained models are also scored on (cross-corpus, its labels only) and config
    overrides of kogner's training chosen on this setting's dev split."""

    name: str
    corpus: str
    train_fraction: float
    seeds: Tuple[int, ...]
    max_steps: int
    eval_frequency: int
    warmup_steps: int
    cross_corpus: Optional[str] = None
    kogner_overrides: Tuple[Tuple[str, Union[str, float]], ...] = ()

    def as_dict(self) -> Dict:
        """JSON-ready fields."""
        return asdict(self)


DEFAULT_SETTINGS: Tuple[Setting, ...] = (
    Setting("bc5cdr-full", "bc5cdr", 1.0, (0, 1, 2), 1000, 200, 100, cross_corpus="ncbi-disease"),
    # bc5cdr-0.1: five seeds, as its 3-seed KG gain (+4.82) lay within one standard error (0.50)
    # of its target (+5)
    Setting("bc5cdr-0.1", "bc5cdr", 0.1, (0, 1, 2, 3, 4), 300, 100, 30),
    Setting("bc5cdr-0.25", "bc5cdr", 0.25, (0, 1, 2), 500, 125, 50),
    Setting("bc5cdr-0.5", "bc5cdr", 0.5, (0, 1, 2), 750, 150, 75),
    # NCBI-disease: five seeds, as one configuration's seeds spread by 2 F1 on its test split;
    # mention_dropout 0.5 has the best 3-seed dev mean (benchmarks/notes.md)
    Setting("ncbi-full", "ncbi-disease", 1.0, (0, 1, 2, 3, 4), 1000, 200, 100,
            kogner_overrides=(("components.kogner_ner.model.mention_dropout", 0.5),)),
)


@dataclass(frozen=True)
class Run:
    """One (setting, seed, system) cell of the plan."""

    setting: Setting
    seed: int
    system: str

    @property
    def data_id(self) -> str:
        """Name of the corpus sample and KG table shared by the systems of a seed."""
        return f"{self.setting.name}-s{self.seed}"

    @property
    def run_id(self) -> str:
        """File-name-safe id of the run."""
        return f"{self.data_id}-{self.system}"


def select_settings(names: Sequence[str], settings: Sequence[Setting] = DEFAULT_SETTINGS) -> List[Setting]:
    """The settings with these names (all when none are given)."""
    known = {s.name: s for s in settings}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"Unknown benchmark setting(s) {unknown}; known: {sorted(known)}")
    return [known[n] for n in names] if names else list(settings)


def plan_runs(settings: Sequence[Setting], systems: Sequence[str], seeds: Optional[Sequence[int]] = None) -> List[Run]:
    """Every run of the settings, seed by seed, systems in the given order;
    `seeds` (if given) replaces each setting's own seeds."""
    unknown = [s for s in systems if s not in SYSTEMS]
    if unknown:
        raise ValueError(f"Unknown benchmark system(s) {unknown}; known: {list(SYSTEMS)}")
    return [
        Run(setting, seed, system)
        for setting in settings
        for seed in (seeds if seeds else setting.seeds)
        for system in systems
    ]
