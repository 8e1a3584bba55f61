"""Deterministic synthetic plans for benchmarks, recombined from the real plan's own clauses.

Each synthetic document is written in the plan text format ``ingest.splitting.split_plan`` reads:
an opening paragraph, then chapters of sections of numbered items, every item ending with a
responsibility parenthesis naming agencies the real plan names as leads or responsible. Sentences are drawn
across the real clauses, a numbered district stands in for "the city" and scale numbers move by
up to ±30 %, so the vocabulary, lengths and structure stay those of the real plan. Nothing here names
the plan: its title, sentences, headings and agencies are all read from the corpus.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from policyqa.engine.agencies import registry_for
from policyqa.engine.clauses import split_sentences, split_trailing_parenthesis
from policyqa.ingest.documents import SourceDocument, corpus_documents, parse_document

SEED = 14
CLAUSES_PER_DOC = 50
REAL_CLAUSES = 49
_LEAD_TEMPLATES = (
    "({a} takes the lead, and {b} and {c} are responsible according to the division of duties)",
    "(The {a}, the {b} and the {c} shall be responsible according to their respective duties)",
    "(Under the leadership of {a} and {b}, {c} and {d} are responsible according to their respective duties)",
    "(The {a} and the {b} take the lead, and the {c} is responsible according to the division of duties)",
    "({a})",
)
_ITEM_PREFIX = re.compile(r"^\(?\s*(\d+|[IVX]+)\s*[.)、]\s*")
_CITY = re.compile(r"\b(?:the whole city|the city|our city)\b", re.IGNORECASE)
_SCALE_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\w,]|\.\d)")


@dataclass(frozen=True)
class _Material:
    """What the generator draws from: the real plan's title, sentences, headings and agency names."""

    title: str

    openings: tuple[str, ...]
    first_sentences: tuple[str, ...]
    sentences: tuple[str, ...]
    chapters: tuple[str, ...]
    sections: tuple[str, ...]
    agencies: tuple[str, ...]


def _strip_number(heading: str) -> str:
    return _ITEM_PREFIX.sub("", heading).rstrip(".").strip()


@lru_cache(maxsize=4)
def _material(corpus_dir: Path) -> _Material:
    registry = registry_for(corpus_dir)
    sources = corpus_documents(corpus_dir)
    clauses = [c for s in sources for c in parse_document(s, registry).clauses]
    items = [c for c in clauses if c.responsibility_text]
    firsts, rest = [], []
    for c in items:
        body = split_sentences(split_trailing_parenthesis(c.text)[0])
        firsts.append(_ITEM_PREFIX.sub("", body[0]))
        rest.extend(s for s in body[1:] if len(s) > 30)
    openings = tuple(c.text for c in clauses if not c.responsibility_text and len(c.text) > 200)
    chapters = tuple(dict.fromkeys(_strip_number(c.heading[0]) for c in items if len(c.heading) > 1))
    sections = tuple(dict.fromkeys(_strip_number(c.heading[-1]) for c in items if len(c.heading) > 1))
    # Only the agencies the plan's own parentheses name, by their registered names; a collective
    # ("Municipal departments", its last word not capitalised) is no agency to put in the lead.
    agencies = tuple(sorted({a for c in items for a in c.agencies if a.split()[-1][:1].isupper()}))
    return _Material(sources[0].title, openings, tuple(firsts), tuple(rest), chapters, sections, agencies)


def _vary_numbers(text: str, rng: random.Random) -> str:
    """Scale numbers by 0.7-1.3 in their written format; years stay as they are."""

    def repl(m: re.Match) -> str:
        whole, decimals = m.group(1), m.group(2)
        value = float(whole.replace(",", "") + (f".{decimals}" if decimals else ""))
        if decimals is None and 1990 <= value <= 2035:
            return m.group(0)
        value *= rng.uniform(0.7, 1.3)
        if decimals:
            return f"{value:.{len(decimals)}f}"
        return f"{max(1, round(value)):,}" if "," in whole else str(max(1, round(value)))

    return _SCALE_NUMBER.sub(repl, text)


def _localise(text: str, place: str, rng: random.Random) -> str:
    return _vary_numbers(_CITY.sub(place, text), rng)


def _note(rng: random.Random, agencies: tuple[str, ...]) -> str:
    a, b, c, d = rng.sample(agencies, 4)
    return rng.choice(_LEAD_TEMPLATES).format(a=a, b=b, c=c, d=d)


def _item(number: int, place: str, rng: random.Random, m: _Material) -> str:
    parts = [f"{number}. {_localise(rng.choice(m.first_sentences), place, rng)}"]
    length = rng.randint(450, 1100)
    while sum(len(p) for p in parts) < length:
        parts.append(_localise(rng.choice(m.sentences), place, rng))
    return f"{' '.join(parts)} {_note(rng, m.agencies)}"


def synthetic_plan(doc_no: int, clauses: int, corpus_dir: Path, seed: int = SEED) -> str:
    """The text of synthetic plan ``doc_no`` with exactly ``clauses`` clauses (opening included)."""
    rng = random.Random(f"{seed}:{doc_no}")
    m = _material(corpus_dir)
    place = f"District {doc_no + 1}"
    title = f"{m.title} for {place}, synthetic No. {doc_no}"  # a title ending in ")" would read as a body
    pars = [title, _localise(rng.choice(m.openings), place, rng)]
    left = clauses - 1
    chapter = 0
    while left > 0:
        chapter += 1
        pars.append(f"{chapter}. {rng.choice(m.chapters)} in {place}")
        for section in range(1, rng.randint(2, 5) + 1):
            if left <= 0:
                break
            pars.append(f"({section}) {rng.choice(m.sections)}.")
            for number in range(1, min(left, rng.randint(2, 4)) + 1):
                pars.append(_item(number, place, rng, m))
                left -= 1
    return "\n\n".join(pars) + "\n"


def synthetic_sources(clauses: int, corpus_dir: Path, seed: int = SEED) -> list[SourceDocument]:
    """The real plan plus synthetic plans of ~50 clauses each, ``clauses`` clauses in all.

    ``clauses`` = 49 is the real plan alone; the synthetic documents have ids ``synthetic-NNNNN``.
    """
    if clauses < REAL_CLAUSES:
        raise ValueError(f"at least {REAL_CLAUSES} clauses (the real plan) are needed, not {clauses}")
    sources = corpus_documents(corpus_dir)
    left, doc_no = clauses - REAL_CLAUSES, 0
    while left > 0:
        doc_no += 1
        n = min(CLAUSES_PER_DOC, left)
        doc_id = f"synthetic-{doc_no:05d}"
        text = synthetic_plan(doc_no, n, corpus_dir, seed)
        title = text.split("\n", 1)[0]
        sources.append(SourceDocument(doc_id, title, Path(f"synthetic/{doc_id}.txt"), text, "plan"))
        left -= n
    return sources


def numbered_act(notes: int) -> str:
    """A statute-like text of ``notes`` sections, each with numbered subsections and lettered
    paragraphs: about 205 characters a section, the deep nesting a reader of clause structure must
    keep linear in the length of the text."""
    return "\n".join(
        f"Note {n}\n{n} (1) The Minister must publish report {n} within 30 days after the end of each year.\n"
        f"(2) The report must contain\n(a) the emissions in the year;\n(b) the measures taken; and\n"
        f"(c) the measures planned."
        for n in range(1, notes + 1)
    )
