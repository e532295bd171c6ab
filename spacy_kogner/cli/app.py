"""The typer application behind `python -m spacy_kogner`. Each command parses
its arguments, calls one library function and reports; modules are imported
inside the commands, so a command loads only what it needs (no torch for
`inspect-kg`)."""
from pathlib import Path

import typer
from wasabi import msg

# markdown: the command list joins a docstring's wrapped lines, `code` renders as code, and
# brackets stay text (rich markup keeps the line breaks and reads "[ray]" as a style tag)
app = typer.Typer(name="spacy_kogner", help="KoGNER: KG-augmented biomedical NER for spaCy.", no_args_is_help=True,
                  rich_markup_mode="markdown")


@app.callback()
def main() -> None:
    """KoGNER: KG-augmented biomedical NER for spaCy."""


@app.command("inspect-kg")
def inspect_kg(path: Path = typer.Argument(..., help="KG table folder")) -> None:
    """Validate a KG table folder and print its sizes and provenance."""
    from ..kg import KGTable, KGTableError

    try:
        meta = KGTable.from_disk(path).meta
    except KGTableError as err:
        msg.fail(str(err), exits=1)
    msg.good("The KG table is valid")
    msg.text(str(path))
    msg.table(
        [
            ("entities", meta["n_entities"]),
            ("aliases", meta["n_aliases"]),
            ("relations", meta["n_relations"]),
            ("vector dim", f"{meta['vector_dim']} ({meta['vector_dtype']})"),
        ]
    )
    msg.table(meta["entities_per_type"], header=("type", "entities"))
    if meta["relation_labels"]:
        msg.text("relation types: " + ", ".join(meta["relation_labels"]))
    for key, value in meta["provenance"].items():
        msg.text(f"{key}: {value}")
