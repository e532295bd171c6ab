"""Design exploration: train only the KoGNER head (KG lookup, graph, R-GCN,
output) on frozen transformer features and report the best dev F1. A full
fine-tuning run takes ~40 min on the 2-core CPU; this takes ~3, so KG and model
variants can be compared on the dev split before the real benchmark.

    python benchmarks/frozen_head.py --corpus corpus --transformer assets/transformer \\
        --kg assets/kg_table --mention-dropout 0.2 --tag my-variant

Frozen mean-pooled features are cached in --cache; each run appends one record
(variant, options, dev F1 per epoch) to benchmarks/frozen_head.jsonl.
"""
import argparse
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np
import spacy
import srsly
import torch
from spacy.tokens import Doc, DocBin
from spacy.training import offsets_to_biluo_tags
from spacy.ml.models import build_hash_embed_cnn_tok2vec
from thinc.api import Adam, Model, SequenceCategoricalCrossentropy, concatenate, fix_random_seed

from spacy_kogner.evaluation.scores import counts_prf
from spacy_kogner.kg.table import KGTable
from spacy_kogner.ml.kogner import KoGNERInput, build_kogner_model, check_kg_fits
from spacy_kogner.pipeline.decoding import biluo_spans, biluo_tag_names, transition_constraints, viterbi_biluo_batch


def frozen_features(docs: List[Doc], transformer: str, cache: Path) -> List[np.ndarray]:
    """Mean-pooled last hidden states per token (cached as .npz)."""
    if cache.exists():
        data = np.load(cache)
        return [data[f"arr_{i}"] for i in range(len(docs))]
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(transformer)
    model = AutoModel.from_pretrained(transformer).eval()
    out: List[np.ndarray] = [np.zeros((0, 0), dtype="float32")] * len(docs)
    order = np.argsort([len(doc) for doc in docs])
    with torch.inference_mode():
        for start in range(0, len(docs), 64):
            idx = order[start:start + 64]
            words = [[t.text for t in docs[i]] for i in idx]
            enc = tokenizer(words, is_split_into_words=True, truncation=True, max_length=512,
                            padding=True, return_tensors="pt")
            hidden = model(**enc).last_hidden_state.numpy()
            for b, i in enumerate(idx):
                vecs = np.zeros((len(words[b]), hidden.shape[-1]), dtype="float32")
                counts = np.zeros(len(words[b]))
                for pos, word in enumerate(enc.word_ids(b)):
                    if word is not None:
                        vecs[word] += hidden[b, pos]
                        counts[word] += 1
                out[i] = vecs / np.maximum(counts, 1)[:, None]
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez(cache, *out)
    return out


def cached_tok2vec(width: int) -> Model:
    """A tok2vec layer that returns the features stored in doc.user_data (no gradient)."""
    def forward(model, docs, is_train):
        return [model.ops.asarray2f(doc.user_data["frozen"]) for doc in docs], lambda dY: []

    return Model("frozen_features", forward, dims={"nO": width})


def affix_tok2vec(width: int) -> Model:
    """spaCy's CNN token vectors (hashed NORM, PREFIX, SUFFIX and SHAPE
    embeddings, one window layer), trained from scratch: word-form features the
    transformer's general-domain WordPiece vocabulary may cut apart."""
    return build_hash_embed_cnn_tok2vec(width=width, depth=1, embed_size=2000, window_size=1,
                                        maxout_pieces=3, subword_features=True, pretrained_vectors=None)


def dev_f1(model: Model, docs: List[Doc], kg: Optional[KGTable], tags: List[str]) -> Tuple[float, Dict[str, float]]:
    """Entity-level micro F1 overall and per label, Viterbi-decoded."""
    constraints = transition_constraints(tags)
    labels = sorted({tag.split("-", 1)[1] for tag in tags if tag != "O"})
    counts = {label: [0, 0, 0] for label in labels}  # correct, predicted, gold
    for s in range(0, len(docs), 256):
        batch = docs[s:s + 256]
        log_probs = [np.log(np.clip(probs, 1e-12, 1.0)) for probs in model.predict(KoGNERInput(batch, kg))]
        for doc, path in zip(batch, viterbi_biluo_batch(log_probs, *constraints)):
            pred = set(biluo_spans([tags[i] for i in path]))
            gold = {(e.start, e.end, e.label_) for e in doc.ents}
            for label in labels:
                p = {x for x in pred if x[2] == label}
                g = {x for x in gold if x[2] == label}
                counts[label][0] += len(p & g)
                counts[label][1] += len(p)
                counts[label][2] += len(g)
    total = [sum(c[i] for c in counts.values()) for i in range(3)]
    return counts_prf(*total)["f"], {label: counts_prf(*c)["f"] for label, c in counts.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=Path("corpus"), help="folder with train.spacy, dev.spacy")
    parser.add_argument("--transformer", default="assets/transformer")
    parser.add_argument("--kg", type=Path, default=None, help="KG table folder (none: the no-KG head)")
    parser.add_argument("--cache", type=Path, default=Path("training/frozen_features"))
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--mention-dropout", type=float, default=0.0)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--width", type=int, default=128, help="graph node width (KoGNER.v1's width)")
    parser.add_argument("--depth", type=int, default=2, help="R-GCN layers (KoGNER.v1's depth)")
    parser.add_argument("--affix-width", type=int, default=0,
                        help="concatenate trainable CNN word-form vectors of this width (0: none)")
    parser.add_argument("--tag", required=True, help="name of the variant")
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "frozen_head.jsonl")
    args = parser.parse_args()
    torch.set_num_threads(2)
    nlp = spacy.blank("en")
    splits = {}
    for split in ("train", "dev"):
        docs = list(DocBin().from_disk(args.corpus / f"{split}.spacy").get_docs(nlp.vocab))
        for doc, vecs in zip(docs, frozen_features(docs, args.transformer, args.cache / f"{split}.npz")):
            doc.user_data["frozen"] = vecs
        splits[split] = docs
    train, dev = splits["train"], splits["dev"]
    labels = sorted({e.label_ for doc in train for e in doc.ents})
    tags = biluo_tag_names(labels)
    fix_random_seed(args.seed)
    kg = KGTable.from_disk(args.kg) if args.kg else None
    tok2vec = cached_tok2vec(train[0].user_data["frozen"].shape[1])
    if args.affix_width:
        tok2vec = concatenate(tok2vec, affix_tok2vec(args.affix_width))
    model = build_kogner_model(tok2vec, width=args.width, depth=args.depth, use_kg=kg is not None,
                               mention_dropout=args.mention_dropout, nO=len(tags))
    if kg is not None:
        check_kg_fits(model, kg)
    model.initialize(X=KoGNERInput(train[:5], kg))
    optimizer = Adam(args.lr)
    loss = SequenceCategoricalCrossentropy(names=tags, normalize=False)
    gold = [offsets_to_biluo_tags(d, [(e.start_char, e.end_char, e.label_) for e in d.ents]) for d in train]
    rng = np.random.default_rng(args.seed)
    history = []
    started = time.time()
    for epoch in range(args.epochs):
        order = rng.permutation(len(train))
        for s in range(0, len(order), 64):
            idx = order[s:s + 64]
            probs, backprop = model.begin_update(KoGNERInput([train[i] for i in idx], kg))
            d_probs, _ = loss(probs, [gold[i] for i in idx])
            backprop(d_probs)
            model.finish_update(optimizer)
        overall, per_label = dev_f1(model, dev, kg, tags)
        history.append({"epoch": epoch, "dev_f": overall, "per_label": per_label})
        print(f"{args.tag} epoch {epoch}: dev F1 {overall} {per_label}", flush=True)
    best = max(history, key=lambda h: h["dev_f"])
    record = {"tag": args.tag, "kg": str(args.kg) if args.kg else None,
              "kg_provenance": kg.meta["provenance"] if kg else None, "mention_dropout": args.mention_dropout,
              "width": args.width, "depth": args.depth, "affix_width": args.affix_width, "epochs": args.epochs,
              "lr": args.lr, "seed": args.seed, "best": best, "history": history,
              "seconds": round(time.time() - started, 1)}
    with args.output.open("a", encoding="utf8") as file:
        file.write(srsly.json_dumps(record) + "\n")
    print(f"{args.tag}: best dev F1 {best['dev_f']} at epoch {best['epoch']}")


if __name__ == "__main__":
    main()
