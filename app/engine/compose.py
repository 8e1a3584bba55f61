"""Extractive answers composed from the parsed plan: nothing is written that a clause does not say.

Each composer returns the answer text (every sentence with its ``[clause]`` marker) and the
citations. Sentences are quoted verbatim from the clause; agency names are the canonical ones
the clause's responsibility note resolves to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policyqa.engine.agencies import AgencyRegistry
from policyqa.engine.answer import Citation
from policyqa.engine.clauses import Clause, split_sentences
from policyqa.engine.question import Question, defined_term, defining_pattern
from policyqa.engine.retrieval import ClauseHit
from policyqa.engine.text import content_stems, numbers, words
from policyqa.ingest.deadlines import DURATION

_ITEM_PREFIX = re.compile(r"^\(?\d+[.)]\s*")
# a span of time ("by 90 days", "five years before", "every two years"): answers how long / how far ahead
_SPAN = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|thirty|sixty|ninety)"
    r"(?:\s+sitting)?\s+(?:days?|weeks?|months?|years?)\b",
    re.IGNORECASE,
)
# a span told as history ("It took nearly 40 years ...", "over the past decade", "ten years ago") sets no time
_SPAN_PAST = re.compile(r"\b(?:took|taken|ago|(?:over|in|during|for) the (?:past|last))\b", re.IGNORECASE)
_ASKS_PAST = re.compile(r"\bdid\b.{0,40}\btake\b|\btook\b|\bago\b|花了|用了", re.IGNORECASE)
# "when" said in words: the moment a duty or an act takes effect ("on the day it is received", "at any time")
_WHEN_IN_WORDS = re.compile(
    r"\b(?:on the day (?:it|on which|that|of)|at any time|as soon as (?:practicable|possible|feasible)|without delay|"
    r"forthwith|at least once (?:a|in|every)|from time to time|"
    # a time the document names by an event: "at the first transition time", "immediately before the
    # commencement of this item", "after the end of the financial year"
    # ("at the same time" is "as well", no time)
    r"(?:at|from|before|after|until) the (?!same\b)(?:[\w-]+ ){0,3}(?:time|commencement|start|end|expiry)(?! limit))\b",
    re.IGNORECASE,
)
_YEAR = re.compile(
    r"\b(?:by|in|before|until|from|for|after|during|of) (?:(?:fiscal )?year )?(?:19|20)\d\d\b"
    # ... or a calendar date ("in force March 31, 2023", "on 1 January 2029")
    r"|\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{1,2},?\s+"
    r"(?:19|20)\d\d\b|\b\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\s+(?:19|20)\d\d\b",
    re.IGNORECASE,
)


@dataclass
class Composed:
    """Answer text and its citations."""

    text: str
    citations: list[Citation]


def join_names(names: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def body_sentences(clause: Clause) -> list[str]:
    """The clause's sentences without the responsibility note (an editor's "[Note: ...]" is kept: it says
    what the text does not, "Section 23 in force March 31, 2023")."""
    return [s for s in clause.sentences() if not s.startswith(("(", "[")) or _EDITORS_NOTE.match(s)]


_EDITORS_NOTE = re.compile(r"\[\s*Note\b", re.IGNORECASE)


def topic(clause: Clause) -> str:
    """The clause's own title: its first sentence without the printed item number."""
    first = body_sentences(clause)[:1]
    return _ITEM_PREFIX.sub("", first[0]).rstrip(".") if first else clause.heading_text


def best_sentences(
    clause: Clause,
    query: str,
    k: int = 2,
    prefer_numbers: bool = False,
    must_match: list[str] | None = None,
    longer: bool = False,
) -> list[str]:
    """The ``k`` sentences of a clause that best match the query, in the clause's order; with ``longer``, a word
    the sentence writes longer counts for half ("chair" in "chairperson").

    Shared words count alike: weighting them by rarity was measured and lost follow-ups whose words are
    the plan's commonest ("the 2025 numbers for that"), docs/evaluation.md."""
    q = set(content_stems(query))
    asked_prefixes = {w[:5] for w in words(query)}
    q_heads = {x for x in q if len(x) >= 5} if longer else set()
    sentences = body_sentences(clause)
    scored = []
    for i, s in enumerate(sentences):
        stems = set(content_stems(s))
        shared = q & stems
        longer_forms = {x for x in stems - shared if any(x.startswith(h) for h in q_heads)}
        score = (len(shared) + 0.5 * len(longer_forms)) / (1 + 0.02 * len(stems))
        if prefer_numbers and any(t.sentence == s for t in clause.targets):
            score += 3.0  # a figure question is answered by a sentence that sets a figure
            # ... in the unit it asks for ("what percentage": the sentence setting a percent)
            if any(
                t.sentence == s and {u[:5] for u in words(t.unit.replace("%", " percent"))} & asked_prefixes
                for t in clause.targets
            ):
                score += 1.0
        if must_match and any(m.lower() in s.lower() for m in must_match):
            score += 2.0
        scored.append((score, -i, s))
    top = [s for score, _, s in sorted(scored, reverse=True)[:k] if score > 0] or sentences[:1]
    return [s for s in sentences if s in top]


def asks_past(question: str) -> bool:
    """Whether a question asks how long something took ("how many years did it take ..."): a span told as
    history answers it, where it sets no deadline."""
    return bool(_ASKS_PAST.search(question))


def dated_sentences(clause: Clause, past: bool = False) -> list[str]:
    """The clause's sentences that set a deadline, a recurring duty, a year ("by 2030") or a span of
    time ("within 90 days", "five years before"), in the clause's order; for a list item with none of
    its own, the lead-in sentences that set its deadline. A span told as history ("it took 40 years")
    counts only when ``past`` (the question asks how long something took)."""
    phrases = [d.text for d in clause.deadlines] + [str(t.year) for t in clause.targets if t.year]
    own = [
        s
        for s in body_sentences(clause)
        if any(p in s for p in phrases)
        or _YEAR.search(s)
        or (_SPAN.search(s) and (past or not _SPAN_PAST.search(s)))
        or _WHEN_IN_WORDS.search(s)
    ]
    if own or not clause.context:
        return own
    # the deadline of a list item is in the lead-in it completes
    return [s for s in split_sentences(clause.context) if any(p in s for p in phrases)]


# What a "when" question asks for: how often (a recurring duty) or how far ahead ("five years before")
_ASKS_HOW_OFTEN = re.compile(
    r"\bhow (?:often|frequently)\b|\bhow many times\b|\bfrequency\b|\bevery how\b"
    r"|多久.{0,12}一次|多长时间.{0,12}一次|每隔多|频率|频次",
    re.IGNORECASE,
)
_ASKS_HOW_FAR_AHEAD = re.compile(r"\bhow (?:far|long) (?:ahead|in advance|before)\b|\bin advance\b|提前多", re.I)
# how long something lasts, not by when it is due ("how long does the Secretary have to report" is a deadline)
_ASKS_HOW_LONG_IT_LASTS = re.compile(
    r"\bfor how long\b|\bhow long\b.{0,80}?\b(?:serve[sd]?|last|lasts|apply|applies|remain|remains|stay|hold office|"
    r"be (?:kept|retained|valid|in (?:effect|force)|appointed))\b"
    r"|\b(?:term of office|length of (?:the |a |their |its )?(?:term|appointment|mandate))\b|任期|有效期多",
    re.I,
)


def asked_deadline_kind(question: str) -> str:
    """ "recurring" for "how often", "ahead" for "how far ahead", "duration" for how long something lasts, else ""
    (any deadline answers)."""
    if _ASKS_HOW_OFTEN.search(question):
        return "recurring"
    if _ASKS_HOW_FAR_AHEAD.search(question):
        return "ahead"
    return "duration" if _ASKS_HOW_LONG_IT_LASTS.search(question) else ""


_AHEAD = re.compile(r"\b(?:before|in advance|prior to)\b", re.I)  # a deadline running before its event


def kind_sentences(clause: Clause, kind: str) -> set[str]:
    """The clause's sentences stating a time of the ``kind`` :func:`asked_deadline_kind` reads."""
    if kind == "duration":  # no deadline: read from the sentences
        return {s for s in body_sentences(clause) if DURATION.search(s)}
    if kind == "recurring":
        return {d.sentence for d in clause.deadlines if d.kind == "recurring"}
    if kind == "ahead":
        return {d.sentence for d in clause.deadlines if _AHEAD.search(d.text)}
    return set()


LIST_ITEMS = 8  # items quoted under a sentence that introduces a list


def introduces_list(sentence: str) -> bool:
    """A sentence that ends by introducing a list ("... must take into account", "... shall:",
    "including:"): its items are provisions of their own."""
    return bool(_INTRODUCES_LIST.search(sentence))


# "... shall:", "including", "expertise in, or knowledge of,", "advice respecting": a lead-in that stops
# before what it is about (a sentence ending on a comma or on a word that needs its object)
_INTRODUCES_LIST = re.compile(
    r"(?::|—|-|\binclud(?:e|es|ing)|\binto account|\bfollowing|\bcontain|\b(?:of|respecting|regarding|"
    r"concerning|on|to|for|in|with|by|as|that|whether)|,)\s*,?\s*$"
)


DUTY_SENTENCES = 8
# Words of agency names that say what kind of body it is, not what it works on.
_AGENCY_KIND_WORDS = frozenset(
    "municipal bureau commission committee office department administration development "
    "affairs management people government of and the city group leading".split()
)


def _shares_root(a: str, b: str) -> bool:
    """ "tax" and "taxation", "data" and "database": one word begins the other (three letters at least)."""
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 3 and long_.startswith(short[: max(3, min(len(short), 5))])


def duty_sentences(clause: Clause, agency: str, k: int, place_words: frozenset[str] = frozenset()) -> list[str]:
    """The clause's title and up to ``k - 1`` more of its sentences, those naming the agency's own
    field first ("data" for the Big Data Development Bureau), in the clause's order. ``place_words``
    are the names of the documents' places ("chongqing"): no field of an agency."""
    sentences = body_sentences(clause)
    field_words = [w for w in words(agency) if w not in _AGENCY_KIND_WORDS and w not in place_words]
    rest = sentences[1:]
    on_field = [s for s in rest if any(_shares_root(f, w) for f in field_words for w in words(s))]
    picked = set(sentences[:1] + (on_field + [s for s in rest if s not in on_field])[: k - 1])
    return [s for s in sentences if s in picked]


class Composer:
    """Builds extractive answers for each intent."""

    def __init__(self, registry: AgencyRegistry, children=None, naming_words=None) -> None:
        self.registry = registry
        self._naming_words = naming_words or frozenset  # a callable: the words that name the indexed documents
        self._children = children or (lambda clause: [])  # the provisions a clause's list introduces

    def best(self, clause: Clause, query: str, **kwargs) -> list[str]:
        """:func:`best_sentences` of ``clause`` for ``query``."""
        return best_sentences(clause, query, **kwargs)

    def name(self, agency: str, q: Question) -> str:
        """An agency's canonical name, with its Chinese name for Chinese questions."""
        if q.language == "zh":
            row = self.registry.by_name.get(agency)
            if row and row.zh_name:
                return f"{agency} ({row.zh_name})"
        return agency

    def names(self, agencies: list[str], q: Question) -> str:
        return join_names([self.name(a, q) for a in agencies])

    @staticmethod
    def cite(clause: Clause, quotes: list[str]) -> Citation:
        return Citation(
            clause.doc_id,
            clause.clause_id,
            clause.heading_text,
            " ".join(quotes),
            list(clause.lead),
            list(clause.responsible),
            clause.label,
        )

    # -- intents ----------------------------------------------------------------------------
    def lead(self, q: Question, hits: list[ClauseHit]) -> Composed:
        top = hits[0].clause
        if not top.text.strip():
            # a section heading with nothing of its own ("18 Appointment of members") names no one: the
            # provision under it that names someone answers ("... appointed by the Minister")
            under = [
                h
                for h in hits[1:5]
                if h.clause.doc_id == top.doc_id
                and h.clause.clause_id.startswith((f"{top.clause_id}(", f"{top.clause_id}."))
                and (h.clause.lead or h.clause.responsible)
            ]
            hits = under[:1] + [h for h in hits if h not in under[:1]] if under else hits
        chosen = [hits[0]]
        for h in hits[1:3]:
            same_section = h.clause.clause_id.rsplit(".", 1)[0] == hits[0].clause.clause_id.rsplit(".", 1)[0]
            if same_section and h.score >= 0.9 * hits[0].score and len(h.clause.clause_id.split(".")) == 3:
                chosen.append(h)
        lines, cites = [], []
        for h in chosen:
            c = h.clause
            if c.responsibility_text or not (c.lead or c.responsible or c.consulted):
                lines += self._lead_note(q, c)
                quote = self.best(c, q.focus_text, k=1)
                if quote and _ITEM_PREFIX.sub("", quote[0]).rstrip(".") not in topic(c):
                    lines.append(f'The clause says: "{quote[0]}" [{c.clause_id}]')
                cites.append(self.cite(c, quote + ([c.responsibility_text] if c.responsibility_text else [])))
            else:
                said, quote = self._duty_in_sentence(q, c)
                lines += said
                cites.append(self.cite(c, quote))
        return Composed("\n".join(lines), cites)

    def _lead_note(self, q: Question, c: Clause) -> list[str]:
        """Who leads and who shares a clause, from its responsibility parenthesis."""
        cid, lines = c.clause_id, []
        if c.lead:
            verb = "takes" if len(c.lead) == 1 else "take"
            lines.append(f'{self.names(c.lead, q)} {verb} the lead on "{topic(c)}" [{cid}].')
            if c.responsible:
                verb = "is" if len(c.responsible) == 1 else "are"
                lines.append(
                    f"{self.names(c.responsible, q)} {verb} responsible according to the division of duties [{cid}]."
                )
        elif c.responsible:
            lines.append(
                f'No single bureau is named to lead "{topic(c)}"; {self.names(c.responsible, q)} '
                f"are responsible according to their respective duties [{cid}]."
            )
        elif named := self.registry.names_in(c.text):
            # no one is put in charge, but the provision names who else has a part ("without the Minister's
            # approval"): said as it stands, with the sentence quoted after it
            lines.append(
                f'{c.display_id} names no responsible agency for "{topic(c)}"; '
                f"it names: {self.names(named, q)} [{cid}]."
            )
        else:
            lines.append(f'{c.display_id} names no responsible agency for "{topic(c)}" [{cid}].')
        for scope in c.scope:
            lines.append(f"{scope.rstrip('.')} [{cid}].")
        return lines

    def _duty_in_sentence(self, q: Question, c: Clause) -> tuple[list[str], list[str]]:
        """Who a provision names to act, share or be consulted (duties written in its sentences:
        "The Secretary of Energy shall ..."), with the sentence that says so, quoted."""
        cid, lines = c.clause_id, []
        if c.lead:
            verb = "is" if len(c.lead) == 1 else "are"
            lines.append(f"{self.names(c.lead, q)} {verb} named to act in {c.display_id} [{cid}].")
        if c.responsible:
            lines.append(f"Also named: {self.names(c.responsible, q)} [{cid}].")
        if c.consulted:
            lines.append(f"In consultation or coordination with: {self.names(c.consulted, q)} [{cid}].")
        names = [*c.lead, *c.responsible, *c.consulted]
        # a sentence naming one by the short form the document defines ("the Advisory Board") names it too
        spelled = [*names, *(s for n in names if (row := self.registry.by_name.get(n)) for s in row.short)]
        # (the sentence is picked by what is asked: the names of the agencies asked about are matched above)
        asked = q.text if q.language == "en" and not q.own_text else q.focus_text
        for name in sorted(spelled, key=len, reverse=True):  # ... nor by the words of their names
            asked = re.sub(re.escape(name), " ", asked, flags=re.IGNORECASE)
        quote = self.best(c, asked, k=2, must_match=spelled, longer=True)
        if c.context and not any(n in " ".join(quote) for n in names):
            # an item of a list whose lead-in names who acts ("the Secretary shall: (i) ...")
            lines.append(f'Under: "{c.context}"')
        lines += [f'"{s}" [{cid}]' for s in quote]
        return lines, quote

    def agency_duties(
        self,
        q: Question,
        hits: list[ClauseHit],
        clauses: list[Clause],
        acting: list[str] | None = None,
        mandates: list[Clause] | None = None,
    ) -> Composed:
        """What an agency leads (else shares), quoting each clause; ``acting`` adds the officials it acts
        through ("Chair of the Council on Environmental Quality" for the Council); ``mandates`` (the provisions
        saying what the body is for) come first."""
        agency = q.agencies[0]
        acting = acting or [agency]
        mandates = mandates or []
        led = [c for c in clauses if any(a in c.lead for a in acting) and c not in mandates]
        shared = [c for c in clauses if any(a in c.responsible for a in acting) and c not in mandates]
        name = self.name(agency, q)
        duties = led or shared
        markers = "".join(f"[{c.clause_id}]" for c in duties)
        if led and len(acting) > 1:
            intro = f"{self.names(acting, q)} are named to act in these provisions {markers}:"
        elif led:
            intro = f"{name} takes the lead on these clauses {markers}:"
        else:
            intro = f"{name} leads no clause; it shares responsibility for these {markers}:"
        # A short list says more of each clause: about eight sentences in all, two to four each.
        per_clause = max(2, min(4, DUTY_SENTENCES // max(1, len(mandates) + len(duties))))
        lines, cites = [], []
        for head, listed in (
            (f"What it is for {''.join(f'[{c.clause_id}]' for c in mandates)}:", mandates),
            (intro, duties),
        ):
            if listed:
                lines.append(head)
            for c in listed:
                sentences = duty_sentences(c, agency, per_clause, self._naming_words())
                quoted = " … ".join(f'"{s}"' for s in sentences)
                lines.append(f"- {c.display_id}: {quoted} [{c.clause_id}]")
                cites.append(self.cite(c, sentences))
        return Composed("\n".join(lines), cites)

    def target(self, q: Question, hits: list[ClauseHit]) -> Composed:
        # the clause whose targets answer it (two, when two figures are asked in one question)
        clauses = [h.clause for h in hits if h.clause.clause_id in q.figure_clauses] or [hits[0].clause]
        lines, cites = [], []
        for c in clauses:
            sentences = self.best(c, q.focus_text, k=1, prefer_numbers=True)
            lines += [f'"{s}" [{c.clause_id}]' for s in sentences]
            for t in c.targets:
                if t.reading and t.sentence in sentences and "printed" in t.reading:
                    lines.append(f"Note: the translation {t.reading} [{c.clause_id}].")
            cites.append(self.cite(c, sentences))
        return Composed("\n".join(lines), cites)

    def deadline(self, q: Question, hits: list[ClauseHit]) -> Composed:
        """By when (or how often): the sentence of the best clause that sets a deadline, a recurring
        duty or a target year, quoted."""
        c = hits[0].clause
        dated = dated_sentences(c, asks_past(q.text))
        kind = asked_deadline_kind(q.text)
        if kind:  # "how often": the sentence that sets the recurring duty, before the clause's other dates
            fitting = kind_sentences(c, kind)
            dated = [s for s in dated if s in fitting] or [s for s in body_sentences(c) if s in fitting] or dated
        if dated and not any(d in c.text for d in dated):  # the deadline is in the lead-in: quote it, then the item
            item = self.best(c, q.focus_text, k=1)
            line = " … ".join(f'"{s}"' for s in [dated[0], *item])
            return Composed(f"{line} [{c.clause_id}]", [self.cite(c, [dated[0], *item])])
        sentences = self.best(c, q.focus_text, k=1, must_match=dated) if dated else []
        sentences = [s for s in sentences if any(d in s for d in dated)] or dated[:1]
        lines = [f'"{s}" [{c.clause_id}]' for s in sentences]
        return Composed("\n".join(lines), [self.cite(c, sentences)])

    def obligation(self, q: Question, hits: list[ClauseHit]) -> Composed:
        lines, cites = [], []
        chosen = [h for h in hits[:3] if h.score >= 0.6 * hits[0].score][:3]
        for h in chosen:
            c = h.clause
            if any(x.clause_id == c.clause_id for x in cites):  # quoted already as an item of a list above
                continue
            sentences = self.best(c, q.focus_text, k=2, must_match=q.terms)
            quoted = " … ".join(f'"{s}"' for s in sentences)
            lines.append(f"Clause {c.clause_id}: {quoted} [{c.clause_id}]")
            if c.lead or c.responsible:
                who = (f"{self.names(c.lead, q)} leads" if c.lead else "") + (
                    ("; " if c.lead and c.responsible else "")
                    + (f"{self.names(c.responsible, q)} share responsibility" if c.responsible else "")
                )
                lines.append(f"Who enforces it: {who} [{c.clause_id}].")
            if q.capacity_tph is not None:
                note = self._capacity_note(q, c)
                if note:
                    lines.append(note)
            cites.append(self.cite(c, sentences))
            self._add_items(c, sentences, lines, cites)
        return Composed("\n".join(lines), cites)

    @staticmethod
    def _capacity_note(q: Question, c: Clause) -> str:
        below = next((t for t in c.targets if t.unit == "tons/hour" and t.direction == "at most"), None)
        above = next((t for t in c.targets if t.unit == "tons/hour" and t.direction == "at least"), None)
        cap = q.capacity_tph
        if cap is None or not (below or above):
            return ""
        cap_text = f"{cap:g} tons/hour"
        parts = []
        if below:
            side = "below" if cap < below.value else "not below"
            parts.append(
                f"is {side} the {below.value_text} line for elimination in urban built-up areas and industrial parks"
            )
        if above:
            side = "over" if cap > above.value else "not over"
            parts.append(f"is {side} the {above.value_text} line for ultra-low emission upgrades")
        return f"Your {cap_text} boiler " + " and ".join(parts) + f" [{c.clause_id}]."

    def fact(self, q: Question, hits: list[ClauseHit]) -> Composed:
        # the best clause that has text of its own (a heading-only section has none)
        c = next((h.clause for h in hits if body_sentences(h.clause)), hits[0].clause)
        term = defined_term(q)
        defining = [s for s in body_sentences(c) if defining_pattern(term).search(s)] if term else []
        sentences = defining[:1] or self.best(c, q.focus_text, k=2)
        if not sentences:
            return Composed("", [])
        if not defining and body_sentences(c)[:1] == sentences[:1] and len(sentences[0].split()) < 15:
            # a clause's short title says little of its own: one more sentence beside it
            sentences = self.best(c, q.focus_text, k=3)
        # "Which areas count as districts and counties?": the clause's note on who implements it
        # (its scope) answers questions about itself.
        asked = set(content_stems(q.focus_text))
        sentences += [s for s in c.scope if len(asked & set(content_stems(s))) >= 2]
        lines = [f'"{s}" [{c.clause_id}]' for s in sentences]
        if c.context and sentences[0][:1].islower():
            # an item of a list says nothing alone ("is taken to be such a certificate; and"): its lead-in first
            lines[0] = f'"{c.context}" … {lines[0]}'

        cites = [self.cite(c, sentences)]
        self._add_items(c, sentences, lines, cites)
        return Composed("\n".join(lines), cites)

    def _add_items(self, c: Clause, sentences: list[str], lines: list[str], cites: list[Citation]) -> None:
        """After a quoted lead-in that stops before its list ("the Minister must take into account",
        "including information establishing:"), the items under the provision, each quoted: they say what."""
        if not sentences or not introduces_list(sentences[-1]):
            return
        quoted = {x.clause_id for x in cites}
        items = [x for x in self._children(c) if x.clause_id not in quoted]
        # of several lists under one provision (a definitions section), the one the quoted lead-in introduces
        introduced = [x for x in items if x.context and x.context.strip() == sentences[-1].strip()]
        for item in (introduced or items)[:LIST_ITEMS]:
            said = body_sentences(item)[:1] or [item.text]
            lines.append(f'{item.display_id}: "{said[0]}" [{item.clause_id}]')
            cites.append(self.cite(item, said))

    def clause_lookup(self, q: Question, c: Clause, under: list[Clause] | None = None) -> Composed:
        """The clause verbatim with who must act, then the provisions under it (a section's subsections)."""
        under = under or []
        body = _quoted(body_sentences(c) or [c.text], c.text)
        name = f"{'Clause' if not c.label else ''} {c.display_id}".strip()
        said = f": {body}" if body else ""  # a section may be a heading over its subsections
        lines = [f"{name} ({c.heading_text or 'opening'}){said} [{c.clause_id}]"]
        if c.lead:
            lines.append(f"Lead: {self.names(c.lead, q)} [{c.clause_id}].")
        if c.responsible:
            lines.append(f"Responsible according to their duties: {self.names(c.responsible, q)} [{c.clause_id}].")
        for sub in under:
            lines.append(f"{sub.display_id}: {_quoted(body_sentences(sub) or [sub.text], sub.text)} [{sub.clause_id}]")
        return Composed("\n".join(lines), [self.cite(x, body_sentences(x) or [x.text]) for x in [c, *under]])


def _quoted(sentences: list[str], text: str) -> str:
    """``sentences`` of ``text`` as one quotation when they run on in it, else each quoted, joined by "…" (a
    definition's French term, "(Convention)", left out between two of them is no part of the quote)."""
    sentences = [x for x in sentences if x.strip()]
    if not sentences:
        return ""
    joined = " ".join(sentences)
    if re.sub(r"\s+", " ", joined) in re.sub(r"\s+", " ", text):
        return f'"{joined}"'
    return " … ".join(f'"{x}"' for x in sentences)


def quoted_numbers(text: str) -> list[str]:
    """Numbers in an answer (used by tests and eval)."""
    return numbers(text)
