"""The refusal tables of ``rules.yaml`` (units, measures, off-topic cues), and what each document
sets, read from its own clauses: years, target years, units written, measures targeted."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

import yaml
from policyqa.engine.clauses import Clause

RULES_FILE = Path(__file__).with_name("rules.yaml")
_YEAR = re.compile(r"(?<![\d.,$])((?:19|20)\d\d)(?![\d])")
# What a document calls itself ("this order", "this Act"): a question saying "the Act" is about it.
# "plan" is left out: people call any policy document "the plan".
DOCUMENT_KINDS = (
    "order",
    "act",
    "regulation",
    "directive",
    "law",
    "decree",
    "ordinance",
    "statute",
    "legislation",
    "strategy",
)
# "this order", "this Act": a document speaking of itself
SELF_REFERENCE = re.compile(rf"\bthis ({'|'.join(DOCUMENT_KINDS)})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Rules:
    """Compiled tables: canonical name -> pattern."""

    units: dict[str, re.Pattern]
    measures: dict[str, re.Pattern]
    cues: dict[str, re.Pattern]
    context_year: re.Pattern
    cue_lifted_by: dict[str, str]  # cue -> the document fact that makes it a fair question (e.g. "deadlines")


@lru_cache(maxsize=1)
def rules() -> Rules:
    """The tables of ``rules.yaml``, compiled once."""
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))

    def table(name: str) -> dict[str, re.Pattern]:
        return {k: re.compile(v["pattern"], re.IGNORECASE) for k, v in data[name].items()}

    return Rules(
        table("units"),
        table("measures"),
        table("cues"),
        re.compile(data["context_year"], re.IGNORECASE),
        {k: v["lifted_by"] for k, v in data["cues"].items() if v.get("lifted_by")},
    )


MONEY_UNITS = frozenset({"dollars", "euros", "pounds", "yuan"})  # the currencies ``ingest.targets`` reads


@dataclass
class DocumentFacts:
    """What one document sets, read from its clauses at ingest (nothing written by hand)."""

    years: list[int] = field(default_factory=list)  # every year its text writes
    target_years: list[int] = field(default_factory=list)  # the years its targets and deadlines are set for
    units: list[str] = field(default_factory=list)  # units of the table its text writes
    measures: list[str] = field(default_factory=list)  # measures of the table its targets measure
    kind: str = ""  # what it calls itself most ("order" for "this order"), of DOCUMENT_KINDS
    deadlines: int = 0  # how many dated or relative deadlines it sets ("within 90 days", "by December 1, 2024")
    amounts: int = 0  # how many of its figures are sums of money ("$2 million", "€1 billion")

    def to_dict(self) -> dict:
        """JSON-ready (saved in ``index.json``)."""
        return dict(self.__dict__)


FACT_FIELDS = frozenset(f.name for f in fields(DocumentFacts))  # an index saved with others reads them again


def years_in(text: str) -> list[int]:
    """Years (1900-2099) written in ``text``, not parts of longer numbers or amounts."""
    return [int(y) for y in _YEAR.findall(text)]


def document_text(clauses: list[Clause]) -> str:
    """One document's headings and clause texts, as the facts and the refusal stage read them."""
    return "\n".join(f"{c.heading_text}\n{c.text}" for c in clauses)


def document_facts(clauses: list[Clause]) -> DocumentFacts:
    """The facts of one document's clauses."""
    text = document_text(clauses)
    targets = "\n".join(t.sentence for c in clauses for t in c.targets)
    target_years = {t.year for c in clauses for t in c.targets if t.year}
    target_years |= {int(d.date[:4]) for c in clauses for d in c.deadlines if d.date[:4].isdigit()}
    r = rules()
    kinds = Counter(k.lower() for k in SELF_REFERENCE.findall(text))
    return DocumentFacts(
        years=sorted(set(years_in(text))),
        target_years=sorted(target_years),
        units=sorted(u for u, p in r.units.items() if p.search(text)),
        measures=sorted(m for m, p in r.measures.items() if p.search(targets)),
        kind=kinds.most_common(1)[0][0] if kinds else "",
        deadlines=sum(1 for c in clauses for d in c.deadlines if d.kind in {"date", "relative"}),
        amounts=sum(1 for c in clauses for t in c.targets if t.unit in MONEY_UNITS),
    )
