"""Distillation of the KG into one compact vector per entity.

Teachers:
  (a) names: the transformer's mean-pooled embedding of an entity's preferred
      name, computed for a seeded sample of entities; a student (hashed character
      n-grams of name and aliases -> ridge regression) carries it to every entity;
  (b) structure: TransE embeddings (torch-geometric `TransE`) learned over the
      typed KG edges; entities without edges get zeros.
The compact vector is the PCA projection of both (each standardised) to `dim`.
"""
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from rich.progress import track

Progress = Callable[..., object]


def name_teacher(names: Sequence[str], model_name: str, batch_size: int = 128, max_length: int = 32) -> np.ndarray:
    """Mean-pooled last hidden states of the transformer for each name."""
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_name)
    model = AutoModel.from_pretrained(model_name).eval()
    order = np.argsort([len(n) for n in names], kind="stable")
    out = np.zeros((len(names), model.config.hidden_size), dtype="float32")
    with torch.inference_mode():
        for start in track(range(0, len(names), batch_size), description="name teacher (transformer)"):
            idx = order[start:start + batch_size]
            batch = tokenizer([names[i] for i in idx], padding=True, truncation=True,
                              max_length=max_length, return_tensors="pt")
            hidden = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            out[idx] = ((hidden * mask).sum(1) / mask.sum(1).clamp(min=1)).numpy()
    return out


def name_student(texts: Sequence[str], sample: np.ndarray, targets: np.ndarray, seed: int) -> Tuple[np.ndarray, float]:
    """Fit hashed char n-grams -> teacher targets on `sample` and predict for all
    texts; returns the predictions and the held-out R^2 of the student."""
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.linear_model import Ridge

    vectorizer = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 4), n_features=1 << 18,
                                   alternate_sign=False, norm="l2", lowercase=True)
    features = vectorizer.transform(texts)
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(sample))
    n_dev = max(1, len(sample) // 10) if len(sample) >= 20 else 0
    dev, train = perm[:n_dev], perm[n_dev:]
    ridge = Ridge(alpha=1.0, solver="lsqr", tol=1e-3, random_state=seed)
    ridge.fit(features[sample[train]], targets[train])
    r2 = float(ridge.score(features[sample[dev]], targets[dev])) if n_dev else float("nan")
    return ridge.predict(features).astype("float32"), r2


def structural_teacher(
    n_nodes: int, triples: np.ndarray, n_relations: int, dim: int, epochs: int, seed: int, batch_size: int = 4096
) -> np.ndarray:
    """TransE node embeddings over (head, relation, tail) rows; zeros for nodes
    with no edge."""
    from torch_geometric.nn.kge import TransE

    out = np.zeros((n_nodes, dim), dtype="float32")
    if len(triples) == 0 or epochs == 0:
        return out
    torch.manual_seed(seed)
    model = TransE(n_nodes, n_relations, dim, sparse=True)
    optimizer = torch.optim.SparseAdam(list(model.parameters()), lr=0.01)
    heads, rels, tails = (torch.as_tensor(triples[:, i], dtype=torch.long) for i in range(3))
    generator = torch.Generator().manual_seed(seed)
    for _ in track(range(epochs), description="structure teacher (TransE)"):
        perm = torch.randperm(len(heads), generator=generator)
        for start in range(0, len(perm), batch_size):
            idx = perm[start:start + batch_size]
            optimizer.zero_grad()
            model.loss(heads[idx], rels[idx], tails[idx]).backward()
            optimizer.step()
    weights = model.node_emb.weight.detach().numpy()
    linked = np.zeros(n_nodes, dtype=bool)
    linked[triples[:, 0]] = True
    linked[triples[:, 2]] = True
    out[linked] = weights[linked]
    return out


def _standardise(x: np.ndarray) -> np.ndarray:
    x = x - x.mean(axis=0, keepdims=True)
    scale = np.sqrt((x ** 2).sum(axis=1).mean())
    return x / scale if scale > 0 else x


def compress(parts: List[np.ndarray], dim: int) -> Tuple[np.ndarray, float]:
    """PCA of the standardised, concatenated teacher vectors to `dim` dimensions;
    returns the vectors (unit RMS norm) and the share of variance kept."""
    x = np.concatenate([_standardise(p.astype("float64")) for p in parts], axis=1)
    cov = x.T @ x / max(1, len(x))
    eigval, eigvec = np.linalg.eigh(cov)
    order = np.argsort(eigval)[::-1][:dim]
    basis = eigvec[:, order]
    basis *= np.sign(basis[np.abs(basis).argmax(axis=0), np.arange(basis.shape[1])])  # fixed signs
    y = x @ basis
    kept = float(eigval[order].sum() / max(eigval.sum(), 1e-12))
    if y.shape[1] < dim:
        y = np.pad(y, ((0, 0), (0, dim - y.shape[1])))
    norm = np.sqrt((y ** 2).sum(axis=1).mean())
    return (y / norm if norm > 0 else y).astype("float32"), kept


def distill(
    names: Sequence[str],
    texts: Sequence[str],
    triples: np.ndarray,
    n_relations: int,
    transformer: Optional[str],
    dim: int,
    name_sample: int,
    struct_dim: int,
    epochs: int,
    seed: int,
) -> Tuple[np.ndarray, Dict]:
    """Compact vector per entity from the name and structure teachers."""
    n = len(names)
    stats: Dict = {"dim": dim, "seed": seed}
    parts = []
    if transformer:
        rng = np.random.default_rng(seed)
        sample = np.sort(rng.choice(n, size=min(n, name_sample), replace=False))
        teacher = name_teacher([names[i] for i in sample], transformer)
        # the student predicts the teacher's top principal directions
        proj, _ = compress([teacher], min(dim, teacher.shape[1]))
        predicted, r2 = name_student(texts, sample, proj, seed)
        predicted[sample] = proj
        parts.append(predicted)
        stats.update(name_teacher=transformer, name_sample=int(len(sample)), name_student_r2=round(r2, 4))
    structure = structural_teacher(n, triples, n_relations, struct_dim, epochs, seed)
    parts.append(structure)
    stats.update(structure_teacher="TransE", structure_dim=struct_dim, epochs=epochs,
                 entities_with_edges=int((np.abs(structure).sum(axis=1) > 0).sum()))
    vectors, kept = compress(parts, dim)
    stats["pca_variance_kept"] = round(kept, 4)
    return vectors, stats
