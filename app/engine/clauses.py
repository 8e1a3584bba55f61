"""The clause model: a numbered clause of a plan with its agencies and targets."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import orjson

_ABBREVIATION_END = re.compile(r"(?:\b(?:[A-Z]\.){2,}|\b(?:Sec|Secs|Art|Arts|e\.g|i\.e|para|paras|Inc|Dr|Mr|Ms|v)\.)$")
_SENTENCE_END = re.compile(r"(?<!\bNo\.)(?<=[.!?;。！？；])\s+(?=[\"'(\[]?[A-Z0-9\u4e00-\u9fff])")


@dataclass
class Target:
    """One quantitative target or threshold, with the sentence it comes from."""

    clause_id: str
    measure: str
    value: float
    value_text: str
    unit: str
    direction: str
    year: int | None
    sentence: str
    reading: str = ""
    baseline: str = ""  # the level it is measured against, as printed: "compared with that of 2020"
    baseline_year: int | None = None
    kind: str = ""  # "target", "threshold" (a size that decides what a rule covers), "baseline" or "fact"


@dataclass
class Deadline:
    """A deadline or recurring duty as the sentence states it (see ``policyqa.ingest.deadlines``)."""

    text: str  # as printed: "Within 90 days of the date of this order", "no later than December 1, 2024", "annually"
    kind: str  # "relative", "date" or "recurring"
    days: int | None  # for relative ones, the span in days, else None
    anchor: str  # the event a relative deadline counts from ("the date of this order"), or ""
    date: str  # ISO date or year for kind "date", else ""
    sentence: str  # the sentence it is in


@dataclass
class Threshold:
    """A size that decides whether a sentence covers someone ("coal-fired boilers below 35 tons/hour")."""

    value: float
    value_text: str  # as printed: "35 tons/hour"
    unit: str
    direction: str  # "at most" (below the line), "at least" (over it) or "reach"
    subject: str  # what is measured, in the sentence's words: "coal-fired boilers"


@dataclass
class Applicability:
    """Whom one sentence of a provision addresses, under what conditions and how strongly
    (read at ingest by ``policyqa.ingest.applicability``)."""

    sentence: str  # verbatim, from the provision's text
    strength: str  # "binding" (shall, must, prohibit, phase out ...), "promoted" (encourage, support ...) or "stated"
    cue: str = ""  # the words that set the strength, as printed
    addressees: list[str] = field(default_factory=list)  # whom or what it names: "printing and packaging industries"
    places: list[str] = field(default_factory=list)  # where it applies: "urban built-up areas"
    outside: list[str] = field(default_factory=list)  # where it applies outside of: "the industrial park"
    projects: str = ""  # "new", "existing", "new and existing" or ""
    thresholds: list[Threshold] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)  # the document's actors it tells to act
    everyone: bool = False  # it addresses everyone the document governs (enterprises in general, every agency)

    @classmethod
    def from_dict(cls, data: dict) -> Applicability:
        """Inverse of ``asdict``."""
        data = dict(data)
        data["thresholds"] = [Threshold(**t) for t in data.get("thresholds", [])]
        return cls(**data)


def parent_id(clause_id: str) -> str:
    """The provision an item belongs to: "7(4)(a)" → "7(4)", "3(a)(ii)" → "3(a)", "4(a)-2" (a second "(a)"
    under 4) → "4"; "" when it has none."""
    own = re.sub(r"(?:-\d+)+$", "", clause_id)
    return own[: own.rindex("(")] if own.endswith(")") and "(" in own else ""


def target_text(t: Target) -> str:
    """A target as a short text for matching a question: what is measured, with its value."""
    return t.measure.replace("…", t.value_text) if "…" in t.measure else f"{t.measure}: {t.value_text}"


@dataclass
class Clause:
    """A clause of a plan, as ingested."""

    doc_id: str
    clause_id: str
    heading: list[str]
    text: str
    lead: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    scope: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    responsibility_text: str = ""
    label: str = ""  # the provision as the document prints it ("Sec. 102(a)(i)"); "" for positional ids
    context: str = ""  # the enclosing provision's lead-in ("the Secretary of Commerce shall:"), for retrieval
    consulted: list[str] = field(default_factory=list)  # named to be consulted / coordinated with, not to act
    deadlines: list[Deadline] = field(default_factory=list)
    applies: list[Applicability] = field(default_factory=list)  # per sentence: whom it addresses, how strongly
    # the provisions of its own section it cites ("the period specified in each notice under subsection (1)" is about
    # the notice 18(1) describes)
    cites: list[str] = field(default_factory=list)

    @property
    def display_id(self) -> str:
        """How to name the clause to a person: its printed label, else its id."""
        return self.label or self.clause_id

    @property
    def chapter(self) -> str:
        """The top-level number of the clause id (``3`` for ``3.9.2``)."""
        return self.clause_id.split(".")[0]

    @property
    def preamble(self) -> bool:
        """Whether the clause is a recital or preamble paragraph: the reasons for the rules, not the rules."""
        return self.clause_id.startswith(("recital.", "preamble."))

    @property
    def agencies(self) -> list[str]:
        """Lead agencies first, then those sharing responsibility."""
        return self.lead + [a for a in self.responsible if a not in self.lead]

    @property
    def heading_text(self) -> str:
        """The heading chain as one line."""
        return " > ".join(self.heading)

    def sentences(self) -> list[str]:
        """The clause text split into sentences (the responsibility parenthesis stays last)."""
        return split_sentences(self.text)

    def to_dict(self) -> dict:
        """A JSON-ready dict of every field."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Clause:
        """Inverse of :meth:`to_dict`."""
        # (a field another version of PolicyQA wrote is left out: the index it saved still loads)
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in data.items() if k in known}
        data["targets"] = [Target(**t) for t in data.get("targets", [])]
        data["deadlines"] = [Deadline(**d) for d in data.get("deadlines", [])]
        data["applies"] = [Applicability.from_dict(a) for a in data.get("applies", [])]
        return cls(**data)


def split_sentences(text: str) -> list[str]:
    """Split text at sentence ends; a trailing parenthesis or bracket is its own sentence."""
    body, paren = split_trailing_parenthesis(text)
    parts: list[str] = []
    # a line of its own ends a sentence: definitions and list entries often start in lower case
    for p in (part for line in body.split("\n") for part in _SENTENCE_END.split(line)):
        p = p.strip()
        if not p:
            continue
        # "2. We will ..." - a printed item number is not a sentence of its own; nor does a sentence
        # end at an abbreviation ("50 U.S.C. 4558", "Sec. 4", "e.g. the")
        if parts and (re.fullmatch(r"\(?\d{1,2}[.)]", parts[-1]) or _ABBREVIATION_END.search(parts[-1])):
            parts[-1] = f"{parts[-1]} {p}"
        else:
            parts.append(p)
    if paren:
        parts.append(paren)
    return parts


_CLOSE_TO_OPEN = {")": "(", "]": "["}


def split_trailing_parenthesis(text: str) -> tuple[str, str]:
    """Split off a final ``(...)`` or ``[...]`` (the responsibility note) from a clause.

    Nested brackets inside the note ("Districts and counties (autonomous counties)") are kept.
    """
    stripped = text.rstrip()
    if not stripped or stripped[-1] not in _CLOSE_TO_OPEN:
        return text, ""
    depth = 0
    for i in range(len(stripped) - 1, -1, -1):
        ch = stripped[i]
        if ch in ")]":
            depth += 1
        elif ch in "([":
            depth -= 1
            if depth == 0:
                inner = stripped[i:]
                # A short bracket closing a sentence ("(BOD)") is not a responsibility note.
                if len(inner) < 20 and not re.search(r"Bureau|Commission|Office|Department", inner):
                    return text, ""
                return stripped[:i].rstrip(), inner
    return text, ""


def save_clauses(clauses: list[Clause], path: Path) -> None:
    """Write clauses as JSON Lines."""
    with path.open("wb") as f:
        for c in clauses:
            f.write(orjson.dumps(c.to_dict()) + b"\n")


def load_clauses(path: Path) -> list[Clause]:
    """Read clauses written by :func:`save_clauses`."""
    with path.open("rb") as f:
        return [Clause.from_dict(orjson.loads(line)) for line in f if line.strip()]
