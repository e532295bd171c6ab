"""The benchmark harness: KoGNER against its no-KG ablation, spaCy's CNN NER and
the KG dictionary component, on the same splits, seeds, KG table and step
budget. It lives outside the installed package and imports the library; run it
with `python benchmarks/benchmark.py` (or `spacy project run benchmark`)."""
