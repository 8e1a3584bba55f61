"""The answer object, and ``answer()``: the one code path used by the CLI, the app and eval."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Citation:
    """A cited clause with the sentence(s) of it that support the answer."""

    doc_id: str
    clause_id: str
    heading: str
    quote: str
    lead: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    label: str = ""  # the provision as its document prints it ("Sec. 205(a)"); "" where ids are positional
    document: str = ""  # the title of its document, when more than one document is indexed


@dataclass
class Answer:
    """What ``answer()`` returns; ``to_dict()`` is the JSON contract of ``policyqa ask --json``."""

    question: str
    answer: str
    abstained: bool
    intent: str
    citations: list[Citation] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    mode: str = "extractive"
    fallback: str | None = None
    language: str = "en"
    grounded: bool = True
    retrieved: list[str] = field(default_factory=list)
    # The document the answer rests on (its citations' and ``retrieved``'s), "" when it rests on none,
    # and its title when more than one document is indexed (so the reader knows which plan is quoted).
    doc_id: str = ""
    document: str = ""
    notes: list[str] = field(default_factory=list)
    # Lines labelled with their documents' short titles, each document's checked against its own provisions:
    # a comparison, or a provision number several documents use, looked up with none named.
    by_document: bool = False
    # Diagnostics (raw LLM output, what the grounding check dropped); not part of the JSON contract.
    debug: dict = field(default_factory=dict, repr=False)

    @property
    def clause_ids(self) -> list[str]:
        """Ids of the cited clauses, in order."""
        return [c.clause_id for c in self.citations]

    def to_dict(self) -> dict:
        """A JSON-ready dict (without ``debug``)."""
        d = asdict(self)
        d.pop("debug", None)
        return d
