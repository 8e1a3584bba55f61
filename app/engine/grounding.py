"""The grounding check: every sentence of an answer rests on a clause it cites.

Rules, applied to each sentence of the answer:
- it carries at least one citation marker ``[3.9.2]`` and every marker names a retrieved clause;
- every number in it (with its unit) appears in a cited clause, or in the question;
- every agency it names is named by a cited clause (any spelling of that agency);
- every quotation in it ("...") is verbatim text of a cited clause.
Sentences that fail are dropped (repair); an answer with nothing left is replaced by the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from policyqa.engine.agencies import AgencyRegistry
from policyqa.engine.clauses import Clause
from policyqa.engine.text import number_value, numbers

# A clause id as a marker: "[3.9.2]", "[102(a)(i)]", "[7(1.1)]", "[preamble.2]", "[annex-I(1)]".
# (ids are printed numbers, or a word the document's structure gives: "recital.12", "annex-I.part-A", "schedule-2(14)")
_ID_WORDS = (
    "preamble|closing|recital|chapter|part|annex|schedule|appendix|attachment|title|division|subpart|subchapter|"
    "book|section|subsection"
)
MARKER = re.compile(rf"\[((?:\d|(?:{_ID_WORDS})[.-])[\w.()\-]*?)(?:#\d+)?\]")
_QUOTE = re.compile(r"[\"“](.{12,})[\"”]")


@dataclass
class GroundingResult:
    """Outcome of the check: which sentences passed, and why the others failed."""

    grounded: bool
    kept: list[str] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def repaired_text(self) -> str:
        return " ".join(self.kept)


def answer_sentences(text: str) -> list[str]:
    """Claims of an answer: runs of text ending in citation markers, split further at any
    sentence end outside the quoted part (so an uncited sentence cannot hide in a cited one)."""
    out: list[str] = []
    for line in text.splitlines():
        masked = _mask_quotes(line)
        start = 0
        for m in _SEGMENT.finditer(masked):
            out.extend(_split_outside_quotes(line[start : m.start()].strip()))
            start = m.end()
        out.extend(_split_outside_quotes(line[start:].strip()))
    return [s for s in out if re.search(r"\w", s)]


def _mask_quotes(text: str) -> str:
    """The text with everything between its first and last quotation mark blanked out, so that
    brackets and full stops inside quoted clause text ("Guofa [2021] No. 33") are not read."""
    first, last = text.find('"'), text.rfind('"')
    if first == -1 or last <= first:
        return text
    return text[: first + 1] + " " * (last - first - 1) + text[last:]


_SEGMENT = re.compile(r"(?<=\])(?!\[)[.;,:]?\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+(?=[A-Z\u4e00-\u9fff])")


def _split_outside_quotes(segment: str) -> list[str]:
    first, last = segment.find('"'), segment.rfind('"')
    pieces, start = [], 0
    for m in _SENTENCE_END.finditer(segment):
        inside = first != -1 and first < m.start() < last
        if not inside and not re.search(
            r"(?:\b(?:No|e\.g|i\.e|etc|Dr|Mr|vs)|(?<![\d.])\d{1,2}|\([IVX\d]+\))\.$", segment[: m.start()]
        ):
            pieces.append(segment[start : m.start()])
            start = m.end()
    pieces.append(segment[start:])
    return [p.strip() for p in pieces if p.strip()]


@lru_cache(maxsize=4096)
def _names_cached(registry: AgencyRegistry, text: str) -> tuple[str, ...]:
    return tuple(registry.names_in(text))


def _names_in(registry: AgencyRegistry, text: str) -> tuple[str, ...]:
    """Agencies a clause text names (cached: clause texts repeat across answers)."""
    return _names_cached(registry, text)


def _unmark(sentence: str, masked: str) -> str:
    """The sentence with citation markers outside quotations removed."""
    out = list(sentence)
    for m in MARKER.finditer(masked):
        out[m.start() : m.end()] = " " * (m.end() - m.start())
    return "".join(out)


def _number_in(value: str, haystack_numbers: set[float], haystack_text: str) -> bool:
    if value in haystack_text:
        return True
    try:
        v = number_value(value)
    except ValueError:
        return False
    return v in haystack_numbers


def check(text: str, clauses: dict[str, Clause], registry: AgencyRegistry, question: str = "") -> GroundingResult:
    """Check ``text`` against ``clauses`` (the retrieved ones, keyed by clause id)."""
    result = GroundingResult(grounded=True)
    q_numbers = {number_value(n) for n in numbers(question)}
    for sentence in answer_sentences(text):
        problem = _sentence_problem(sentence, clauses, registry, q_numbers)
        if problem:
            result.dropped.append((sentence, problem))
            result.grounded = False
        else:
            result.kept.append(sentence)
    return result


def _sentence_problem(
    sentence: str, clauses: dict[str, Clause], registry: AgencyRegistry, q_numbers: set[float]
) -> str:
    cited = MARKER.findall(_mask_quotes(sentence))
    if not cited:
        return "no citation"
    unknown = [c for c in cited if c not in clauses]
    if unknown:
        return f"cites a clause that was not retrieved: {', '.join(unknown)}"
    sources = [clauses[c] for c in cited]
    # a clause's lead-in (the text of the provision it completes) is the document's own words too
    source_text = " ".join(f"{c.text} {c.heading_text} {c.context}" for c in sources)
    source_numbers = {number_value(n) for n in numbers(source_text)} | q_numbers
    masked = _mask_quotes(sentence)
    body = _unmark(sentence, masked)
    figures = body
    for cid in cited:  # "Clause 3.8.2: ..." names the clause; its id is no figure to check
        figures = re.sub(rf"(?<![\d.]){re.escape(cid)}(?![\d])", " ", figures)
    for c in sources:  # nor is its printed label ("Schedule 2(31)(1) names no ...")
        if c.label:
            figures = re.sub(rf"(?<![\w.]){re.escape(c.label)}(?![\d])", " ", figures, flags=re.IGNORECASE)
    for n in numbers(figures):
        if not _number_in(n, source_numbers, source_text):
            return f"number {n} is not in the cited clause"
    # (a provision's heading, shown with it, names what it is about: "... > Clean Energy Regulator)")
    named = {a for c in sources for a in [*c.agencies, *c.consulted]}
    named |= {
        a for c in sources for text in (c.text, c.context, c.heading_text) if text for a in _names_in(registry, text)
    }
    for agency in registry.names_in(body):
        if agency not in named:
            return f"agency {agency} is not named by the cited clause"
    norm_source = re.sub(r"\s+", " ", source_text)
    for quote in _QUOTE.findall(body):
        # Several quoted sentences may stand in one claim: "..." … "..."
        for part in re.split(r'"\s*…?\s*"', quote):
            if re.sub(r"\s+", " ", part).strip(" .") not in norm_source:
                return "quotation is not verbatim"
    return ""
