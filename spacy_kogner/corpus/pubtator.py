"""PubTator files (title and abstract lines, then tab-separated mention rows
and CID relation rows): gold Chemical/Disease mentions with their MeSH ids."""
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, NamedTuple, Tuple


class PubTatorMention(NamedTuple):
    """A gold mention of a PubTator file: where, what, and its MeSH ids."""

    pmid: str
    start: int
    end: int
    text: str
    label: str
    ids: List[str]


@dataclass
class PubTatorData:
    """Gold Chemical/Disease mentions, CID relations and the texts (title + " " +
    abstract, by PMID) of PubTator files."""

    mentions: List[PubTatorMention]
    cid: List[Tuple[str, str]]
    texts: Dict[str, str] = field(default_factory=dict)


class PubTatorFormatError(ValueError):
    """A PubTator line that cannot be read; the message names the file and line."""


def read_pubtator(paths: List[Path]) -> PubTatorData:
    """Read PubTator files (for the KG: BC5CDR train/devel only, never test)."""
    mentions, cid, texts = [], [], {}
    for path in paths:
        with Path(path).open(encoding="utf8") as file:
            for number, line in enumerate(file, 1):
                line = line.rstrip("\n")
                if "|t|" in line[:20] or "|a|" in line[:20]:
                    pmid, kind, text = line.split("|", 2)
                    texts[pmid] = text if kind == "t" else f"{texts.get(pmid, '')} {text}"
                    continue
                parts = line.split("\t")
                if len(parts) >= 5 and parts[4] in ("Chemical", "Disease"):
                    ids = [f"MESH:{i}" for i in parts[5].split("|") if i and i != "-1"] if len(parts) > 5 else []
                    if not (parts[1].isdigit() and parts[2].isdigit()):
                        raise PubTatorFormatError(f"{path}:{number}: mention offsets are not integers: {line!r}")
                    mentions.append(PubTatorMention(parts[0], int(parts[1]), int(parts[2]), parts[3], parts[4], ids))
                elif len(parts) == 4 and parts[1] == "CID":
                    cid.append((f"MESH:{parts[2]}", f"MESH:{parts[3]}"))
    return PubTatorData(mentions, cid, texts)
