"""``PolicyQA``: the one core object the CLI, the web app, the evaluation and the tests use."""

from __future__ import annotations

import difflib
import re
import threading
import time
from collections import Counter
from dataclasses import replace
from functools import lru_cache

from policyqa.engine.agencies import AgencyRegistry, registry_for, with_actors
from policyqa.engine.answer import Answer
from policyqa.engine.clauses import Clause, Target, parent_id, target_text
from policyqa.engine.compose import (
    Composed,
    Composer,
    asked_deadline_kind,
    asks_past,
    body_sentences,
    dated_sentences,
    kind_sentences,
)
from policyqa.engine.crosslingual import (
    CHINESE_STOPWORDS,
    GENERIC_BODY_WORDS,
    HEAD_TITLES_EN,
    ChineseReader,
    asked_units,
    document_vocabulary,
)
from policyqa.engine.decide import (
    DocumentView,
    decide,
    document_names,
    documents_called,
    documents_of_kind,
    named_documents,
    names_called,
    title_words,
)
from policyqa.engine.embeddings import model_words
from policyqa.engine.glossary import Glossary, glossary_for
from policyqa.engine.grounding import check
from policyqa.engine.index import LiveIndex, clause_key
from policyqa.engine.places import Places, places_for
from policyqa.engine.question import (
    CJK,
    DEFINES,
    PROVISION_WORD,
    Question,
    asks_quantity,
    asks_yes_no,
    classify,
    clean,
    defined_term,
    defining_pattern,
    quoted_chinese_term,
    read_question,
    two_questions,
    without_quantity_asked,
)
from policyqa.engine.retrieval import ClauseHit, HybridRetriever
from policyqa.engine.rules import DOCUMENT_KINDS, SELF_REFERENCE, document_text, years_in
from policyqa.engine.text import STOPWORDS, content_stems, numbers, stem, stem_pairs, words
from policyqa.errors import PolicyQAError
from policyqa.settings import Settings, get_settings

# Words that say what kind of answer is wanted, not what it is about: missing from the plan's
# vocabulary, they are no sign that the plan is silent.
_QUESTION_WORDS = frozenset(
    stem(w)
    for w in """who whose which what when how many much lead leads leading take takes
    responsible responsibility charge oversee oversees handle handles agency agencies bureau bureaus
    department departments body office commission target targets goal goals figure number value
    percent percentage share rate clause clauses say says said mean means document text section
    item article paragraph point question answer know find need want run runs operate operates
    company firm business enterprise factory plant mill we us our i my me apply applies obligation
    obligations requirement requirements comply rule rules duty duties role task tasks job work
    thing things else other also still there does do did done set sets setting reach year expected
    planned supposed main key major mention mentions mentioned about exactly anything kind type
    threshold minimum maximum level size amount limit among really actually get gets got change
    changed happen happens happened fast faster slow slower sit sits forget extra fall falls rise
    rises drop drops go goes going come comes like look looks think cut cuts slash lower raise boost
    aim aims aiming meant hoping turn turning plan plans city next hook end ends allowed per
    deadline deadlines due timeline timeframe soon soonest shortest earliest latest longest
    allow permitted ok okay call calls isn aren doesn don didn won wasn
    weren hasn haven shouldn couldn wouldn hundred hundreds thousand thousands million make makes daily
    yearly annually small large big medium curious wondering consultant here buy buying
    millions summarise summarize summary explain quote show tell give please pls dept depts gov govt info
    kinds sort sorts moment circumstances circumstance stage specific specifically exactly examples example""".split()
)
# "does that part say anything about insurance?": a follow-up asking what a clause says, whatever
# the previous turn asked.
_SPELLED_COUNT = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|fifty|hundred)\b", re.I
)
_ASKS_YEAR = re.compile(
    r"\b(?:what|which) year\b|\bin what year\b|\b(?:target|deadline|goal) year\b|哪一年|哪年|哪个年份", re.IGNORECASE
)
# a year, or one counted from an event ("in the year following the year in which the recommendations were issued")
_YEAR_IN = re.compile(
    r"\b(?:19|20)\d\d\b|\byear\s+(?:following|after|preceding|before|prior\s+to)\s+(?:the|its|their)\b"
)
# a post named by the body it heads: "Chair of the White House Artificial Intelligence Council"
_POST_OF = re.compile(r"^(?:co-?|vice[ -])?(?:chair(?:person|man)?|head|director|convener) of (?:the )?(.+)$", re.I)
# a reference with parts in brackets, as laws cite one another: "708(f)(1)(B)", "4558(f)(1)"
_REFERENCE_CITED = re.compile(r"(?<![\w(])\d+[A-Za-z]?(?:\([0-9A-Za-z]{1,4}\)){2,}")
_ASKS_DATE = re.compile(r"\b(?:what|which) (?:date|day)\b|什么日期|哪一?天|几月几[日号]", re.IGNORECASE)
_DATE_IN = re.compile(
    r"\b(?:19|20)\d\d\b|\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\b"
)
# a number of things or an amount, which a year is not
_ASKS_AMOUNT = re.compile(r"\bhow (?:many|much)\b|\bpercent|%|\bshare\b|\brate\b|\bamount\b", re.IGNORECASE)
_ASKS_COUNT = re.compile(r"\bhow many\b|\bnumber of\b|\bhow (?:big|large)\b|\bsize\b", re.IGNORECASE)
# "the shortest / earliest deadline", "the longest timeline": a question over every deadline of a document
_EXTREME_DEADLINE = re.compile(
    r"\b(shortest|earliest|soonest|tightest|longest|latest)\s+(?:\w+\s+)?(?:deadline|time ?limit|timeline|timeframe)",
    re.IGNORECASE,
)
_SHORTEST = {"shortest", "earliest", "soonest", "tightest"}
SPELLED_OUT_LEAD = 2  # times more often the phrase a short form is read as is written than any other that fits
_SHORT_FORM = re.compile(r"\b([A-Z]{3,6})s?\b")  # "ERP", "ERPs": a short form the asker uses
# "who has to approve it", "who must review the plan": the verb after the modal (the act asked)
_WHO_MUST = re.compile(
    r"\bwho\s+(?:(?:has|have|needs?|is\s+(?:supposed|meant|required))\s+to|must|should|shall|will|can|may)\s+([a-z]+)",
    re.IGNORECASE,
)
# "who appoints the members", "who actually reviews it"; "who's leading the framework" asks no act but leading
_WHO_DOES = re.compile(r"\bwho\s+(?:actually\s+|really\s+)?((?!is\b|was\b|has\b|does\b)[a-z]+s)\b", re.IGNORECASE)
# "who is in charge of evaluating ...", "who takes the lead in reviewing ...": the act, as a gerund after the charge
_WHO_ACT_IN_CHARGE = re.compile(
    r"\bwho\b.{0,30}?\b(?:in charge of|responsible for|the lead (?:in|on)|leads?|leading)\s+([a-z]+ing)\b",
    re.IGNORECASE,
)
_ASKS_WHAT_IT_SAYS = re.compile(r"\b(?:say|says|said|mention|mentions|anything about)\b", re.IGNORECASE)
ABSTAIN_PREFIX = "The plan does not say"
KIND_OF_TIME_NEAREST = 8  # hits searched for the kind of time asked ("how often", "how long it lasts")
LOOKUP_CHILDREN = 6  # provisions under a looked-up section shown with it
LOOKUP_DOCUMENTS = 5  # documents shown side by side for a provision number several use, none named
_THE_PLAN = re.compile(
    r"\b(?:this|the|our|your)\s+plan\b(?!\s+(?:to|for|of|that|under|on|by)\b)|方案",
    re.IGNORECASE,
)
_PLAN_TITLE = re.compile(r"\bplan\b|方案|规划", re.IGNORECASE)
# The word a question cites a provision by, and the printed labels of the documents that use it: a
# document printing "Sec. 5.2" is cited as a section, one numbered by position (no label) as a clause.
_UNIT_WORDS = (
    # ("sec 5(a)", "s. 11": a section however shortened; "Minister's." is no "s.")
    (
        re.compile(r"\b(?:sections?|secs?\b\.?)|(?<![\w'’])s\.\s*\d|§", re.IGNORECASE),
        re.compile(r"^(?:sec\.|section\b)", re.IGNORECASE),
    ),
    (re.compile(r"\b(?:articles?|art\.)", re.IGNORECASE), re.compile(r"^(?:art\.|article\b)", re.IGNORECASE)),
    # "第4条" is how Chinese numbers the articles of a law: a printed section or article, not a position
    (re.compile(r"第\s*\d+\s*条"), re.compile(r"^(?:sec\.|section\b|art\.|article\b)", re.IGNORECASE)),
    (re.compile(r"\bclauses?\b", re.IGNORECASE), re.compile(r"^$")),
)
_KIND_WORDS = re.compile(rf"\b(?:{'|'.join((*DOCUMENT_KINDS, 'plan'))})s?\b", re.IGNORECASE)
# Words naming what kind of body one is, not which ("the General Services Administration": general services)
_BODY_WORDS = GENERIC_BODY_WORDS | frozenset("administration authority service united states federal national".split())
# "... target for 2050 under the Act?": a question closing on the document in hand
_UNDER_THE_DOCUMENT = re.compile(
    rf"\s+(?:under|in|according to)\s+(?:the|this)\s+(?:executive\s+)?"
    rf"(?:{'|'.join((*DOCUMENT_KINDS, 'eo'))})\s*(?=[?.!]*\s*$)",
    re.IGNORECASE,
)
# the few words before a kind of document: "the nuclear (executive) order", "the clean energy act's"
_BEFORE_KIND = re.compile(
    rf"((?:[\w-]+\s+){{1,3}}?)(?:executive\s+)?(?:{'|'.join((*DOCUMENT_KINDS, 'plan'))}|eo)s?\b", re.IGNORECASE
)
# what a question calls the document itself ("in the order", "the EO"): no topic of it ("act" is also a verb, "act as
# Chair"; a "strategy" or a "regulation" a document calls for may be what is asked about)
_SELF_NAMING = frozenset(stem(k) for k in ("order", "statute", "legislation", "decree", "ordinance", "eo"))
_KIND_STEMS = frozenset(stem(k) for k in (*DOCUMENT_KINDS, "executive", "plan", "section", "article", "clause"))
_NAME_JOINS = frozenset("and of the for on in".split())  # the small words between a name's capitalised words
NAME_WEIGHT = 4  # writings of a lowercase phrase one capitalised writing of a name counts as, to spell a short form out
GLOSSARY_LEAVES = 0.7  # share of a Chinese question's characters a glossary reading may leave unread and still go alone
CHINESE_TERMS = 10  # dictionary words a Chinese question is searched with, rarest in the plans first
HEAD_OF_BODY = 0.01  # fused-score boost of a provision saying who heads the body a "who leads" question names
DOCUMENT_DEPTH = 2  # hits looked at (× top_k) for the document that speaks to a question most
ZH_DOCUMENT_DEPTH = 3  # ... of a Chinese one, read loosely word by word
DOCUMENT_MARGIN = 0.15  # ... by this much more of its words
DOCUMENT_CLEAR_MARGIN = 0.3  # ... by this much more, with no word only it writes
DOCUMENT_FIRST_HITS = 2  # ... each document weighed by the best of its first hits (this many per document on average)
DOCUMENT_COVERAGE = 0.5  # ... holding at least this much of an English question's words (by rarity)
ZH_OBLIGATION_COVERAGE = 0.3  # ... of an enterprise describing itself (as OBLIGATION_COVERAGE in English)
ZH_COVERAGE = 0.5  # share of a Chinese question's words the best clause holds for it to count as supported
TRANSLATED_HELD = 3  # of those words the best clause must hold (or half of them) for the question to count as supported
DATED_NEAR = 0.9  # a clause's deadline answers "by when" only when it is this close to the best clause
_OTHER_LAWS_PROVISION = re.compile(r"》\s*第\s*\d")  # "《国防生产法》第708条": the cited law's section 708
NOUN_COUNTED = 0.5  # share of a "how many" question's words a provision counting its noun in digits must hold
GOAL_IN_WORDS = 0.6  # share of a target question's words the best clause must hold to answer it in words
# "the targets for crop straw and for rural sewage": two figures asked in one question
_JOINS_TWO = re.compile(r"\band\b|以及|和|及|与", re.IGNORECASE)
# a provision below the nearest three answers "by when" when it sets a time and, read with the provision it cites,
# holds this share of the question's words (or cites one of the three)
DEADLINE_DEEP_COVERAGE = 0.7
_FIGURE = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|thirty|sixty|ninety)\b", re.I)
# how much more of a question's words a subsection must hold to answer before its section (weighted share)
SUBSECTION_MARGIN = 0.0
# Cosine similarity between a question and a target's measure above which the target answers it
# (calibrated on the dev split: questions about figures the plan sets score 0.63-0.94 with their
# target; questions about figures it never sets score at most 0.62 with any target).
TARGET_MATCH = 0.63
TARGET_MATCH_WITH_WORDS = 0.40
TARGET_MATCH_ZH = 0.30  # a Chinese question is embedded through its English plan terms only
# ... when the target's sentence spells one of them; else it must be this close ("多少座加氢站" is no
# question about the number of new energy vehicles made)
TARGET_MATCH_ZH_UNNAMED = 0.50
_UNIT_TERMS = frozenset({"tons", "tons/hour", "standard coal", "percent"})
TERM_NAMED = 0.05
# ... and a target whose sentence has more of the question's words beats one close in meaning only
# ("centralized treatment of urban domestic sewage": the urban figure, not the rural one)
TARGET_WORDS = 0.1
# A recital restates an article in "should" ("the Commission should propose ..."): who must act, what figure
# and by when are the operative provision's to say, when it holds (nearly) as much of the question.
PREAMBLE_MARGIN = 0.05
PREAMBLE_STEP_BACK = 0.004  # ... and a preamble paragraph steps back this much in the fused ranking
_ASKS_WHY = re.compile(
    r"\bwhy\b|\breasons?\b|\bpurpose\b|\brationale\b|\brecitals?\b|\bpreamble\b|\bwhereas\b|为什么|为何|目的|序言|前言",
    re.IGNORECASE,
)
# a term no provision defines is read from the provisions using it, when they are this few at most
DEFINING_USES = 3
# "Who are the two co-chairs of the Advisory Body?", "Who was named as the Chief AI Officer?": a person asked
_ASKS_HOLDER = re.compile(
    r"^\s*who\s+(?:is|are|was|were|has been|have been|will be)\s+"
    r"(?:(?:named|appointed|designated|selected|chosen)\s+(?:as\s+)?)?(?:the\s+)?"
    r"(?:(?:two|three|four|five|first|new|current)\s+)?(?:[\w'’.-]+\s+){0,6}?"
    r"(?P<post>co-?chairs?|vice[- ]chairs?|chairs?|chairpersons?|heads?|directors?|officers?|leaders?|"
    r"commissioners?|coordinators?|administrators?)\b",
    re.IGNORECASE,
)
_FILLED_BY_CHOICE = re.compile(r"\b(?:designat|appoint|select|nominat|choos|chose)\w*", re.IGNORECASE)
# "how soon after the guidance is issued", "协议达成后": a span counted from an event the question names
_ASKS_FROM_EVENT = re.compile(r"\b(?:after|following|once|since)\b|[^\d\s]后|之后|以后", re.IGNORECASE)
# someone acting in a provision: "The Chair may grant", not "shall be represented" or a name in a list
# (someone: a name, "The Chair may", not a thing, "The report must include")
_SOMEONE_ACTS = re.compile(r"\b(?:[A-Z][\w’'-]*|which|who)\s+(?:shall|must|may|will)\s+(?!(?:not\s+)?be\b)[a-z]+")
# a term a document defines: "milestone year means", "The term “AI model” means"
_DEFINED = re.compile(
    r"(?:^|(?<=[.;:]\s)|(?<=\bterm\s))[“\"‘]?([A-Za-z][A-Za-z -]{2,60}?)[”\"’]?\s*(?:\([^)]*\)\s*)?"
    rf"(?:{DEFINES})\b",
    re.MULTILINE,
)
_MANDATE = r"mandate|tasks?|functions?|role|purpose"  # what a body is for: "whose mandate is", "The tasks of X shall"
ACTION_ASKED = 0.004  # fused-score boost of a provision where someone does what a "who" question asks is done
LEAD_NEAR = 0.9  # a provision naming who acts answers "who" before a nearer one naming no one, this close to it
PHRASE_BOOST = 0.003  # per phrase of the question (two neighbouring content words) in at most two candidates
HEADING_NAMED = 0.005  # a provision under a heading whose every word the question places it under
NAME_BOOST = 0.008  # a provision writing a proper name the question uses ("Major Economies Forum"), one of at most two
# A proper name of two or more capitalised words, not the question's first word ("Major Economies Forum", "Leaders'
# Climate Summit", "Loan Programs Office"): what a person names, a provision writing it is about
_PROPER_NAME = re.compile(
    r"(?<=\S )(?:[A-Z][\w'’-]*[A-Za-z0-9]\s+(?:(?:of|on|for|and|the)\s+)*){1,6}[A-Z][\w'’-]*[A-Za-z0-9]"
)
_PLACED_UNDER = re.compile(r"\b(?:in|under|within)\s+(?:the|its|this|that)\s+((?:[\w'’-]+\s*){1,6})", re.IGNORECASE)
# A name written in capitals, of two words or more ("Defense Production Act", "Paris Agreement")
_CAPITALISED_NAME = re.compile(r"\b[A-Z][a-z]+(?:(?:-|\s+(?:(?:of|and|for|on|the)\s+)?)[A-Z][a-z]+)+\b")
# What numbers a heading rather than naming it: "Second, the", "(9)", "3.", "PART II —"
_HEADING_NUMBER = re.compile(
    r"^\s*(?:(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\b,?\s*(?:the\s+)?|"
    r"\(?[0-9IVXivx]{1,4}[.)]\s*|part\s+[IVX\d]+\s*[—–-]\s*)",
    re.IGNORECASE,
)
# An enterprise describes itself in words the plan need not use ("a cement clinker line on a greenfield
# site"): its question is weak only when even fewer of its words are in the best clause (dev split).
OBLIGATION_COVERAGE = 0.25
ZH_NOTE = "Answering from the English translation of the plan."


def _states_unit(sentence: str, units: list[str]) -> bool:
    """Whether ``sentence`` states a figure in one of ``units`` (English forms; "$" for dollars)."""
    low = sentence.lower()
    return any(u in low if not u[0].isalnum() else re.search(rf"\b{re.escape(u.lower())}\b", low) for u in units)


_GROUP_ID = re.compile(r"^(?:(?P<within>.+)\.)?(?P<word>part|division|chapter|title)-(?P<num>\w+)$")


def _under_group_heading(clauses: list[Clause], wanted: str) -> list[Clause]:
    """The provisions headed by a part a document prints as a heading, not as a provision of its own ("Part 5 of
    Schedule 2" is the items under the heading "Part 5--Annual reports ...")."""
    m = _GROUP_ID.match(wanted)
    if not m:
        return []
    within, heading = m.group("within"), re.compile(rf"^{m.group('word')}\s+{m.group('num')}\b", re.IGNORECASE)
    return [
        c
        for c in clauses
        if (within is None or c.clause_id.startswith((f"{within}(", f"{within}.")))
        and any(heading.match(h) for h in c.heading)
    ]


class PolicyQA:
    """Settings, agency list, glossary, the live index and the retriever, loaded once."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        # The corpus agency list (aliases, Chinese names; optional) and the actors each indexed document names.
        self.base_registry: AgencyRegistry = registry_for(self.settings.corpus_dir)
        self.registry: AgencyRegistry = self.base_registry
        self._registry_of: dict | None = None
        self.glossary: Glossary = glossary_for(self.settings.corpus_dir) if self.settings.glossary else Glossary([])
        self.places: Places = places_for(self.settings.corpus_dir)
        self.index = LiveIndex(self.settings)
        self.retriever = HybridRetriever(index=self.index, k=self.settings.top_k)
        self.composer = Composer(self.registry, children=self.children, naming_words=self._naming_words)
        self._sync_registry()
        self._lock = threading.Lock()
        self._views_of: list[Clause] | None = None
        self._capitalised: frozenset[str] = frozenset()
        self._views: list[DocumentView] = []
        self._names: dict[str, list[str]] = {}
        self._title_words: dict[str, frozenset[str]] = {}
        self._kinds: dict[str, str] = {}
        self._asking_stems: frozenset[str] = _QUESTION_WORDS
        self._naming: frozenset[str] = frozenset()
        self._stems_of: dict[str, frozenset[str]] = {}
        self._naming_pattern: re.Pattern | None = None
        self._chinese_of: list[Clause] | None = None
        self._reader: ChineseReader | None = None

    def _chinese(self) -> ChineseReader:
        """The dictionary lane for Chinese questions, over the words the indexed plans use (built on the
        first Chinese question after each index load: about a second and 130 MB)."""
        clauses = self.index.clauses
        if self._chinese_of is not clauses:
            self._reader = ChineseReader(document_vocabulary(f"{c.heading_text} {c.text}" for c in clauses))
            self._chinese_of = clauses
        return self._reader

    def _officials(self) -> list[str]:
        """The registry's names of officials (a head's title in the name: "Secretary of Energy")."""
        return [a.name for a in self.registry.agencies if HEAD_TITLES_EN & set(a.name.lower().split())]

    def _sync_registry(self) -> None:
        """Rebuild the registry when the live index changed: the corpus agency list plus the actors
        each document names (read at ingest), those the list already knows left to the list."""
        docs = self.index.state.docs
        if self._registry_of is docs:
            return
        self.registry = with_actors(self.base_registry, [a for info in docs.values() for a in info.get("actors", [])])
        self.composer.registry = self.registry
        self._registry_of = docs

    # -- lookups ----------------------------------------------------------------------------
    @property
    def clauses(self) -> list[Clause]:
        """All clauses of the live index, in document order."""
        self.index.refresh()
        return self.index.clauses

    def clause(self, clause_id: str, doc_id: str | None = None) -> Clause:
        """One clause by id (the first document that has it, unless ``doc_id`` is given)."""
        for c in self.clauses:
            if c.clause_id == clause_id and (doc_id is None or c.doc_id == doc_id):
                return c
        known = ", ".join(c.clause_id for c in self.clauses[:8])
        raise PolicyQAError(
            f"No clause {clause_id!r} in the index.", f"see policyqa clauses for the ids (they look like {known}, ...)."
        )

    def targets(self) -> list[Target]:
        """Every target of every clause."""
        return [t for c in self.clauses for t in c.targets]

    def agency_table(self) -> list[dict]:
        """Each agency with the clauses it leads and shares, in the agency list's order."""
        rows = []
        for a in self.registry.agencies:
            lead = [c.clause_id for c in self.clauses if a.name in c.lead]
            shared = [c.clause_id for c in self.clauses if a.name in c.responsible]
            if lead or shared:
                rows.append({"agency": a.name, "zh": a.zh_name, "short": a.short, "leads": lead, "shares": shared})
        return rows

    # -- obligations ------------------------------------------------------------------------
    def obligations(self, profile: str, doc: str | None = None, form: dict | None = None):
        """What applies to an enterprise (or agency) describing itself in ``profile`` (and ``form``
        fields), under document ``doc`` or every indexed one: an :class:`~policyqa.engine.obligations.Obligations`
        (``to_dict()`` is the JSON of ``policyqa obligations --json``). The one path for CLI, web and eval."""
        from policyqa.engine.obligations import ObligationFinder

        self.index.refresh()
        self._sync_registry()
        finder = self.__dict__.get("_obligation_finder")
        if finder is None:
            finder = self.__dict__.setdefault("_obligation_finder", ObligationFinder(self))
        return finder.find(profile, doc=doc, form=form)

    # -- answering --------------------------------------------------------------------------
    def answer(
        self, question: str, history: list | None = None, use_llm: bool | None = None, doc: str | None = None
    ) -> Answer:
        """Answer ``question``; ``history`` is a list of earlier turns (question strings, or dicts
        / :class:`Answer` objects with ``question`` and ``citations``); ``doc``, a doc id, answers from
        that document only."""
        return self._ask(question, history, use_llm, doc, whole=True)

    def _ask(self, question: str, history: list | None, use_llm: bool | None, doc: str | None, whole: bool) -> Answer:
        """:meth:`answer`; a part of a question asking two (``whole`` false) is not split again."""
        t0 = time.perf_counter()
        self.index.refresh()
        self._sync_registry()
        # -- comparing plans (engine/compare.py): "how do the two plans' targets differ?" is asked of
        # each plan through this method (doc=...) and answered side by side; no plan picked, a cue needed
        from policyqa.engine.compare import compare, is_comparison_wording

        if doc is None and isinstance(question, str) and is_comparison_wording(question):
            compared = compare(self, question, use_llm=use_llm)
            if compared is not None:
                return compared
        # -- end comparing plans
        q, boost = self.read(question, history)
        result = self._answer(q, boost, picked=doc)
        result.timings["total_ms"] = round((time.perf_counter() - t0) * 1000, 2)
        if result.by_document:  # each document's answer, put together already (notes, language, checks)
            return result
        if use_llm or (use_llm is None and self.settings.llm_base_url):
            from policyqa.engine.llm import llm_answer

            result = llm_answer(self, q, result)
        if q.language == "zh":
            result.notes.insert(0, ZH_NOTE)
            result.answer = f"{ZH_NOTE}\n{result.answer}"
        result.question = question if isinstance(question, str) else str(question)
        # (cleaned, and cut to the longest question kept; not merged with an earlier turn's)
        asked = clean(question, self.settings.max_question_chars)[0] if whole and isinstance(question, str) else ""
        parts = two_questions(asked) if asked else []
        if parts and self._own_content(self.read(parts[0], history)[0]):
            # two questions in one: asked whole, then each (the second as a follow-up of the first); what the
            # parts add to the whole's answer is added to it (and a whole refused is answered by its parts)
            same_doc = doc or (result.doc_id if not result.abstained else None) or None
            # (the parts are answered from the provisions' own sentences: an LLM writes the whole's answer only)
            first = self._ask(parts[0], history, False, same_doc, whole=False)
            second = self._ask(parts[1], [*(history or []), first], False, same_doc or first.doc_id or None, False)
            result = _joined(question, first, second, parts[1]) if result.abstained else _added(result, first, second)
            result.timings["total_ms"] = round((time.perf_counter() - t0) * 1000, 2)
        return result

    def _key(self, clause_id: str) -> str:
        for c in self.index.clauses:
            if c.clause_id == clause_id:
                return clause_key(c.doc_id, c.clause_id)
        return clause_id

    def _own_content(self, q: Question) -> bool:
        # (a year is no topic: "what rate are they aiming for by 2025" leans on its turn)
        stems = [s for s in content_stems(q.text) if s not in self._asking() and not s.isdigit()]
        return len(stems) >= 2 or bool(q.terms) or bool(q.clause_ids)

    def _fix_typos(self, q: Question) -> Question:
        """Replace words the plan does not know by the nearest word it does ("volatle")."""
        if q.language != "en":
            return q
        vocab = self.index.words
        english = model_words(self.settings.embedding_model)
        fixed = []
        for w in re.findall(r"\S+", q.text):
            core = re.sub(r"[^\w-]", "", w).lower()
            if (
                len(core) >= 4
                and core.isalpha()
                and core not in STOPWORDS
                and stem(core) not in self.index.vocabulary
                and stem(core) not in self._asking()
                and core not in english  # a real word the plans do not use is no typo ("counts", not "counties")
            ):
                near = [v for v in vocab if v[0] == core[0] and abs(len(v) - len(core)) <= 2]
                # a four-letter word has one letter to spare ("watr"), not two
                match = difflib.get_close_matches(core, near, n=1, cutoff=0.84 if len(core) >= 5 else 0.88)
                # "count" is no typo of "county": a word the plan's word merely extends is kept.
                if match and not (match[0].startswith(core) or core.startswith(match[0])):
                    w = w.lower().replace(core, match[0])
            fixed.append(w)
        text = " ".join(fixed)
        if text == q.text:
            return q
        # read again: what the fixed words name ("public securty bureau" is the Public Security Bureau)
        again = read_question(text, self.registry, self.glossary, self.settings.max_question_chars)
        return replace(again, raw=q.raw, truncated=q.truncated, terms=list(dict.fromkeys(q.terms + again.terms)))

    def _spell_out(self, q: Question) -> Question:
        """Spell out a short form the plans never write but whose words they do ("an ERP" → "an emissions
        reduction plan"): the phrase of the plans' text whose words' initials it is, when one phrase is. A
        Chinese question's short form ("专员（CESD）") is spelled out in the English it writes."""
        known = {m.start for m in self.registry.find(q.text, informal=True)}
        text, written = q.text, list(q.written_english)
        for m in list(_SHORT_FORM.finditer(q.text)):
            letters = m.group(1)
            if m.start() in known or stem(letters.lower()) in self.index.vocabulary:
                continue
            if self.glossary.english_terms(letters):  # the corpus glossary spells it out already
                continue
            # the initials of the content words, joined by a small word or none ("small and medium-sized enterprises")
            joint = r"[\s-]+(?:(?:and|of|the|for|on|in)\s+){0,2}"
            initials = joint.join(rf"{ch}[a-z]{{2,}}(?:-[a-z]+)*" for ch in letters.lower())
            pattern = re.compile(rf"\b{initials}\b", re.I)
            # (in the provisions and, once each, in the headings: "Commissioner of the Environment and Sustainable
            # Development" heads the section on the Commissioner's reports)
            headings = {h for c in self.index.clauses for h in c.heading}
            raw = [p for t in (*(c.text for c in self.index.clauses), *headings) for p in pattern.findall(t)]
            # a short form stands for a name: a phrase written with capitals ("Commissioner of the Environment and
            # Sustainable Development") counts as much as NAME_WEIGHT writings of one that is not ("the concept of
            # ecologically sustainable development"), however often that one is written
            named = [p for p in raw if all(w[:1].isupper() for w in p.split() if w.lower() not in _NAME_JOINS)]
            said = [" ".join(p.lower().split()) for p in raw + named * (NAME_WEIGHT - 1)]
            found = Counter(re.sub(r"s$", "", p) for p in said).most_common(2)
            # a term of art the documents keep writing, not one phrase among others that happen to fit: a guess
            # between "sufficient mitigation efforts" and "small and medium-sized enterprises" is no reading
            if found and (len(found) == 1 or found[0][1] >= SPELLED_OUT_LEAD * found[1][1]):
                phrase = min((p for p in said if re.sub(r"s$", "", p) == found[0][0]), key=len)
                plural = m.group(0).endswith("s") and not phrase.endswith("s")
                text = text.replace(m.group(0), phrase + ("s" if plural else ""), 1)
                written = [w.replace(m.group(0), phrase) for w in written]
        return replace(q, text=text, written_english=written) if text != q.text else q

    def _unsupported_terms(self, q: Question) -> list[str]:
        """Words of the question that the plan never uses (typo-fixed, glossary-expanded)."""
        if q.language != "en":
            return []
        glossary_words = {stem(w) for w in self.glossary.alias_words(q.terms)}
        agency_words = {stem(w) for a in q.agencies for w in words(a)}
        text = q.text
        for a in q.agencies:  # short forms ("EEB") are not plan words but are understood
            for m in self.registry.find(text, informal=True):
                text = text[: m.start] + " " * (m.end - m.start) + text[m.end :]
        missing = []
        for w in words(text):
            s = stem(w)
            if (
                w in STOPWORDS
                or s in self._asking()
                or s in self.index.vocabulary
                or s in glossary_words
                or s in agency_words
                or len(w) < 3
                or re.fullmatch(r"[\d.,/%]+", w)
            ):
                continue
            if w not in missing:
                missing.append(w)
        return missing

    def coverage(self, q: Question, text: str, weighted: bool = False) -> float:
        """Share of the question's content words that ``text`` contains (by stem, stem prefix,
        or a glossary alias whose plan term it contains); of a Chinese question read through the dictionary,
        the share of its Chinese words ``text`` holds a reading of. ``weighted`` counts each English word
        by its rarity in the index, so a rare word ("Kigali") outweighs a common one."""
        if q.language == "zh" and (not q.terms or q.translated):
            return self._chinese().coverage(q.text, text)
        stems = set(content_stems(text))
        prefixes = {s[:5] for s in stems}
        alias = self.glossary.alias_words(q.terms)
        agency_words = {w for a in q.agencies for w in words(a)}
        asked = [
            w
            for w in words(q.text)
            if w not in STOPWORDS
            and stem(w) not in self._asking()
            and len(w) > 2
            and not any(ch.isdigit() for ch in w)
            and w not in agency_words
        ]
        if not asked:
            return 1.0
        low = text.lower()
        weight = {w: max(self.index.idf[stem(w)], 0.1) if weighted else 1.0 for w in asked}
        # "nitrogen oxides" is written "nitrogen oxide" in one clause: a term counts in either number.
        hit = sum(
            weight[w]
            for w in asked
            if stem(w) in stems
            or stem(w)[:5] in prefixes
            or any(t.lower().removesuffix("s") in low for t in alias.get(w, ()))
        )
        return hit / sum(weight[w] for w in asked)

    def _naming_words(self) -> frozenset[str]:
        """The one-word names of the indexed documents' places or issuers ("chongqing", read from their
        titles): a question uses them to say which plan, not what it is about."""
        self.documents()
        return self._naming

    def _unnamed(self, text: str) -> str:
        """``text`` without the one-word names of the indexed documents ("Chongqing's" → "")."""
        self.documents()
        return self._naming_pattern.sub(" ", text) if self._naming_pattern else text

    def _searched(self, q: Question) -> str:
        """What both retrieval lanes search for: the question without the words naming a document ("Chongqing's
        work", "the EU's target": which plan, not words to match); a body's name keeps them ("European
        Commission")."""
        bodies = " ".join(q.agencies)
        text = q.search_text.removesuffix(bodies)
        # "the net-zero accountability act" says which document, as a name does: not words its provisions should hold
        # (else the short title's own section answers every question naming the Act)
        self.documents()
        unnamed = text
        for _doc, said in names_called(text, self._title_words, self._kinds):
            unnamed = re.sub(re.escape(said).replace(r"\ ", r"\s+"), " ", unnamed, flags=re.IGNORECASE)
            for word in re.findall(r"\w+(?:-\w+)+", said):  # and the joined form the reader adds ("netzero")
                unnamed = re.sub(rf"\b{word.replace('-', '')}\b", " ", unnamed, flags=re.IGNORECASE)
        # (a question about the document as a whole, "the longest deadline in the Net-Zero Act", keeps them)
        if set(content_stems(unnamed)) - self._asking():
            text = unnamed
        # ... and so does a closing "under the Act" / "in this order": which document, not a word of its provisions
        text = _UNDER_THE_DOCUMENT.sub(" ", text)
        return f"{self._unnamed(text)} {bodies}".strip()

    def _asking(self) -> frozenset[str]:
        """Stems of the words a question uses to say what it wants and from which plan."""
        self.documents()
        return self._asking_stems

    def documents(self) -> list[DocumentView]:
        """What the refusal stage knows of each indexed document (built once per index load)."""
        clauses = self.index.clauses
        if self._views_of is not clauses:
            by_doc: dict[str, list[Clause]] = {}
            for c in clauses:
                by_doc.setdefault(c.doc_id, []).append(c)
            self._views = [
                DocumentView(
                    doc_id,
                    self.index.facts[doc_id],
                    document_text(cs),
                    self.places if self.places.doc_id == doc_id else None,  # (the places file refines one document)
                    # who it names: its clauses' agencies and the actors read from it at ingest
                    {a["name"] for a in self.index.state.docs.get(doc_id, {}).get("actors", [])}
                    | {a for c in cs for a in [*c.agencies, *c.consulted]},
                    self.index.titles.get(doc_id, ""),
                )
                for doc_id, cs in by_doc.items()
            ]
            self._names = document_names(self.index.titles, {v.doc_id: v.text for v in self._views})
            self._title_words = title_words(self.index.titles, {v.doc_id: v.text for v in self._views})
            self._kinds = {v.doc_id: v.facts.kind for v in self._views}  # "act", "order", "" (a plan)
            self._stems_of = {v.doc_id: frozenset(content_stems(v.text)) for v in self._views}
            # read once per index load: the document names, the question words they join, their pattern
            self._naming = frozenset(p for phrases in self._names.values() for p in phrases if " " not in p)
            # ("in the order", "under this EO" say which document, as its name does)
            self._asking_stems = _QUESTION_WORDS | _SELF_NAMING | {stem(w) for w in self._naming}
            alternatives = "|".join(re.escape(n) for n in sorted(self._naming))
            self._naming_pattern = re.compile(rf"\b(?:{alternatives})(?:'s|’s)?\b", re.I) if self._naming else None
            self._capitalised = frozenset(n for c in clauses for n in _CAPITALISED_NAME.findall(c.text))
            self._views_of = clauses
        return self._views

    def scope(self, q: Question, doc: str | None = None) -> list[str]:
        """The documents a question is about: ``doc`` when one is picked, else those it names, else those
        having a provision it cites, else those naming an agency it names ("the Municipal Development and
        Reform Commission"), else every indexed one."""
        views = self.documents()
        if doc is not None:
            if doc not in self.index.titles:
                raise PolicyQAError(
                    f"No document {doc!r} in the index.",
                    f"use one of: {', '.join(self.index.titles)} (policyqa docs lists them).",
                )
            return [doc]
        # "the Act", or in Chinese "该法" / "这项行政令" read through the dictionary
        pointing = q.text if q.language == "en" else " ".join(self._chinese().self_references(q.text))
        named = (
            named_documents(q.text, self._names)
            or documents_called(q.text, self._title_words, self._kinds)
            or documents_of_kind(pointing, views)
            or self._plans_meant(q)
        )
        if named:
            return named
        if q.names_zh:
            # "欧盟委员会" (Commission of European Union): a proper name only some documents write, every word of it
            writing = [
                v
                for v in views
                if any(
                    all(_writes(v.text, w) for w in words(n) if w not in STOPWORDS)
                    for _, names in q.names_zh
                    for n in names
                )
            ]
            views = writing if 0 < len(writing) < len(views) else views
        if q.clause_ids:  # a provision only some documents have ("set up in 10.1(a)") says which, before a name does
            having = list(self._lookup(q.clause_ids[0], [v.doc_id for v in views], 0))
            if having:
                return having
        written = q.written_english
        if q.language == "zh":  # "AI", "EU": a two-letter short form is English written out too
            written = list(dict.fromkeys([*written, *re.findall(r"(?<![A-Za-z])[A-Z]{2}(?![A-Za-z])", q.text)]))
        if written:
            # "（emissions reduction plan）": English a Chinese question writes out, which only some documents write
            # (all of it, when some write all: "AI" and "interagency council" are one order's)
            every = [v.doc_id for v in views if all(_writes(v.text, w) for w in written)]
            holding = [v.doc_id for v in views if any(_writes(v.text, w) for w in written)]
            for found in (every, holding):
                if 0 < len(found) < len(views):
                    return found
        if q.language == "zh" and len(views) > 1:
            # a phrase the question reads as ("十四五": "14th Five-Year Plan period") that only one document writes
            holders = [
                found
                for t in q.terms
                if len(words(t)) >= 2 and len(found := [v.doc_id for v in views if _writes(v.text, t)]) == 1
            ]
            if holders and all(h == holders[0] for h in holders):
                return holders[0]
        if q.agencies:
            naming = [v.doc_id for v in views if set(q.agencies) & v.agencies]
            if naming:
                return naming
        return [v.doc_id for v in views]

    def _typed_as_words(self, q: Question) -> set[str]:
        """The bodies the question names only in lower case by a short form that a document not naming the body
        writes as ordinary words ("the interagency council that coordinates AI": one order's defined "Interagency
        Council", another order's own council): no body in particular."""
        out = set()
        for m in self.registry.find(q.text, informal=True):
            typed = q.text[m.start : m.end]
            # ("who chairs the interagency council?" says nothing else: the body a document defines is meant)
            rest = [w for w in content_stems(q.text.replace(typed, " ")) if w not in self._asking()]
            if (
                typed.islower()
                and len(rest) >= 2
                and any(m.agency.name not in v.agencies and typed in v.text.lower() for v in self.documents())
            ):
                out.add(m.agency.name)
        return out

    def _plans_meant(self, q: Question) -> list[str]:
        """ "The plan" ("这个方案") said of a set of documents where only some are plans by their titles (a work
        plan beside orders and Acts): those. Not "the plan to expand ..." (a plan the document calls for)."""
        if not _THE_PLAN.search(q.text):
            return []
        plans = [d for d, title in self.index.titles.items() if _PLAN_TITLE.search(title)]
        return plans if 0 < len(plans) < len(self.index.titles) else []

    def _abstain(self, q: Question, why: str, hits: list[ClauseHit] | None = None) -> Answer:
        related = [h.clause.clause_id for h in (hits or [])[:3]]
        text = f"{ABSTAIN_PREFIX} {why}"
        if related:
            text += f" Nearest clauses: {', '.join(related)}."
        doc_id = hits[0].clause.doc_id if hits else ""
        return self._name_document(
            Answer(q.text, text, True, q.intent, [], related, language=q.language, doc_id=doc_id)
        )

    def _name_document(self, ans: Answer) -> Answer:
        """With several documents indexed, say which one the answer and each citation come from."""
        titles = self.index.titles
        if len(titles) > 1:
            ans.document = titles.get(ans.doc_id, "")
            for c in ans.citations:
                c.document = titles.get(c.doc_id, c.doc_id)
        return ans

    def _lookup(self, wanted: str, scope: list[str], limit: int | None = LOOKUP_CHILDREN) -> dict[str, list[Clause]]:
        """Per document in scope that has it: the clause with id ``wanted`` followed by the provisions
        under it ("section 205" is 205 and its subsections; at most ``limit`` of them)."""
        found: dict[str, list[Clause]] = {}
        for doc in scope:
            clauses = [c for c in self.index.clauses if c.doc_id == doc]
            own = [c for c in clauses if c.clause_id == wanted]
            under = [c for c in clauses if c.clause_id.startswith((f"{wanted}(", f"{wanted}."))]
            if not own and not under:
                under = _under_group_heading(clauses, wanted)
            if own or under:
                found[doc] = own + under[:limit]
        return found

    def _likeliest(self, q: Question, found: dict[str, list[Clause]]) -> list[str]:
        """Of the documents that have a looked-up provision, the one whose title the question names, or whose
        provision holds most of the question's other words ("what policy does section 2 set out"); when
        nothing tells them apart ("sec 5(a)?"), each of them, nearest by retrieval first."""
        if len(found) == 1:
            return list(found)
        titled = self._titled(q, list(found))
        if titled:
            return [titled]
        for asked, printed in _UNIT_WORDS:  # "clause 5.2": the document numbered by position, not "Sec. 5.2"
            if asked.search(q.text):
                citing = {d: cs for d, cs in found.items() if printed.search(cs[0].label)}
                if citing and len(citing) < len(found):
                    found = citing
                    if len(found) == 1:
                        return list(found)
                break
        cover = {d: self.coverage(q, " ".join(f"{c.heading_text} {c.text}" for c in cs)) for d, cs in found.items()}
        best = max(cover.values())
        tied = [d for d, v in cover.items() if v == best]
        if len(tied) == 1:
            return tied
        near = self.retriever.search(q.search_text, k=self.settings.top_k * DOCUMENT_DEPTH, docs=set(tied))
        return list(dict.fromkeys([*(h.clause.doc_id for h in near), *tied]))

    def _each_documents(self, q: Question, wanted: str, docs: list[str]) -> Answer:
        """A provision looked up by a number several documents use, with no word saying which ("sec 5(a)?"):
        each document's, side by side, labelled with its document (no guess at which was meant)."""
        from policyqa.engine.compare import Comparison, side_by_side

        shown, rest = docs[:LOOKUP_DOCUMENTS], docs[LOOKUP_DOCUMENTS:]
        ans = side_by_side(self, q.raw, Comparison(shown, q.raw, wanted))
        ans.intent = "clause_lookup"
        also = f" It is also in: {'; '.join(self.index.titles.get(d, d) for d in rest)}." if rest else ""
        ans.notes.append(
            f"{wanted} is in {len(docs)} documents; each one's is shown.{also} Name the document to see only its own."
        )
        return ans

    def _titled(self, q: Question, docs: list[str]) -> str:
        """The one document of ``docs`` a word of whose title the question uses ("section 2 of the nuclear
        order"), or "" when no title word, or more than one title, says which. The title word is one of the
        few before a word naming a kind of document ("the nuclear order", "the AI executive order"): a word
        used on its own says what is asked about ("coordinate with Energy" is no "Clean Energy Regulator Act")."""
        before_kind = " ".join(m.group(1) for m in _BEFORE_KIND.finditer(q.text))
        # (a word of five letters or more counts by its first five: "the Canadian Act" is "Canada's")
        own = {w[:5] for w in content_stems(before_kind) if w not in _KIND_STEMS}
        titled = {d: len(own & {w[:5] for w in content_stems(self.index.titles.get(d, ""))}) for d in docs}
        most = max(titled.values(), default=0)
        return max(titled, key=titled.get) if most and list(titled.values()).count(most) == 1 else ""

    def children(self, clause: Clause) -> list[Clause]:
        """The provisions directly under ``clause`` in its document ("8(a)" ... "8(d)" under "8")."""
        clauses = self.index.clauses
        if getattr(self, "_children_of", (None, None))[0] is not clauses:  # read once per index load
            under: dict[tuple[str, str], list[Clause]] = {}
            for c in clauses:
                if parent := parent_id(c.clause_id):
                    under.setdefault((c.doc_id, parent), []).append(c)
            self._children_of = (clauses, under)
        return list(self._children_of[1].get((clause.doc_id, clause.clause_id), []))

    def _defining(self, term: str, docs: set[str]) -> set[str]:
        """Keys of the provisions of ``docs`` that define ``term`` ("“AI model” means", "milestone year
        means", "the term X has the meaning"); empty when none does."""
        if not term:
            return set()
        pattern = defining_pattern(term)
        found = {clause_key(c.doc_id, c.clause_id) for c in self._clauses_of(docs) if pattern.search(c.text)}
        if found or len(term.split()) < 2:
            return found
        # none defines it: the few provisions that use the phrase say what it is ("in frontline and
        # fenceline communities — places with the most significant exposure to such pollution")
        phrase = re.compile(rf"\b{re.escape(term)}\b", re.IGNORECASE)
        using = {clause_key(c.doc_id, c.clause_id) for c in self._clauses_of(docs) if phrase.search(c.text)}
        return using if len(using) <= DEFINING_USES else set()

    def _term_read_in_chinese(self, q: Question, docs: set[str]) -> str:
        """The term a Chinese question asks the meaning of, quoted in Chinese ("“里程碑年”具体指哪几年"): the
        term a document of ``docs`` defines ("milestone year means ...") whose every word is a reading of the
        quoted words, the longest such; "" when none is."""
        quoted = quoted_chinese_term(q)
        if not quoted:
            return ""
        read = {w.lower() for _, found in self._chinese().word_readings(quoted) for w, _ in found}

        def named(term: str) -> list[str]:  # (a hyphenated word is one word: "dual-use")
            return [w for w in re.findall(r"[a-z]+(?:-[a-z]+)*", term.lower()) if w not in STOPWORDS]

        fits = [
            t
            for c in self._clauses_of(docs)
            for t in _DEFINED.findall(c.text)
            if named(t) and all(w in read for w in named(t))
        ]
        return max(fits, key=lambda t: len(named(t)), default="")

    def _names_any(self, clause: Clause, agencies: list[str]) -> bool:
        """Whether a provision names one of ``agencies``, an official heading one, or every distinctive word of its
        name ("General Services" of the General Services Administration), in its text, lead-in or heading, or
        among its parties."""
        text = f"{clause.heading_text} {clause.context} {clause.text}"
        said = {*clause.lead, *clause.responsible, *clause.consulted, *clause.agencies}
        if self.registry is not None:
            said |= {m.agency.name for m in self.registry.find(text, informal=True)}
        low = text.lower()
        for body in agencies:
            if said & {body, *self.officials_of(body, {clause.doc_id})}:
                return True
            distinct = [w for w in words(body) if w.lower() not in _BODY_WORDS and w.lower() not in STOPWORDS]
            if distinct and all(re.search(rf"\b{re.escape(w.lower())}\b", low) for w in distinct):
                return True
        return False

    def officials_of(self, body: str, docs: set[str]) -> list[str]:
        """Officials of ``docs`` whose title names ``body`` ("Chair of the Council on Environmental Quality"), or
        who head it by the name of its field ("the Department of Labor" → "Secretary of Labor")."""
        field = re.match(r"(?:Department|Ministry|Office) of (?:the )?(.+)$", body)
        heads = "|".join(sorted(HEAD_TITLES_EN))
        pattern = re.compile(
            rf"\bof (?:the )?{re.escape(body)}$"
            + (rf"|^(?i:{heads}) of (?:the )?{re.escape(field.group(1))}$" if field else "")
        )
        names = {a for c in self._clauses_of(docs) for a in [*c.lead, *c.responsible]}
        return sorted(a for a in names if a != body and pattern.search(a))

    def _document_first(self, q: Question, hits: list[ClauseHit]) -> list[ClauseHit]:
        """Hits match loosely across documents: when another document's best hit speaks to more of the
        question than the best hit's document does (by the share of its words each holds; an English word
        weighted by its rarity, a Chinese one read through the dictionary), that document's hits go first.

        A word of the question only one document uses ("Kigali", or "offtake" written into a Chinese
        question) says which document that is: with none, words every document uses ("when was it
        issued") move an English question nowhere."""
        if len({h.clause.doc_id for h in hits}) < 2:
            return hits
        # (a Chinese question a glossary reads only a word of is weighed by the dictionary's reading of it all)
        if q.terms and not (q.language == "zh" and q.translated):
            # a term of the question written out in one document's best provision ("general requirements",
            # beside three orders' "General Provisions") says which document that is
            firsts = {}
            for h in hits:
                firsts.setdefault(h.clause.doc_id, f"{h.clause.heading_text} {h.clause.text}".lower())
            holding = [d for d, text in firsts.items() if any(t.lower() in text for t in q.terms)]
            if len(holding) == 1 and holding[0] != hits[0].clause.doc_id:
                return [h for h in hits if h.clause.doc_id == holding[0]] + [
                    h for h in hits if h.clause.doc_id != holding[0]
                ]
            return hits
        best: dict[str, float] = {}
        for h in hits:
            if h.clause.doc_id not in best:
                best[h.clause.doc_id] = self.coverage(q, f"{h.clause.heading_text} {h.clause.text}", weighted=True)
        first = hits[0].clause.doc_id
        if q.language == "en":
            # with no word of its own, a document one of whose first provisions holds clearly more of an English
            # question answers it: "the assessment report for a milestone year" is every word of one Act's provision
            clearest: dict[str, float] = {}
            for h in hits[: DOCUMENT_FIRST_HITS * len(best)]:
                held = self.coverage(q, f"{h.clause.heading_text} {h.clause.text}", weighted=True)
                clearest[h.clause.doc_id] = max(clearest.get(h.clause.doc_id, 0.0), held)
            doc = max(clearest, key=lambda d: clearest[d])
            # (a figure or reference of the question that only the first document's provisions write keeps it: "the
            # 708(f)(1)(B) finding")
            figures = re.findall(r"\d[\w().-]*\w|\d", q.text)
            written = {d: " ".join(h.clause.text for h in hits if h.clause.doc_id == d) for d in (first, doc)}
            kept = any(f in written[first] and f not in written[doc] for f in figures)
            if (
                doc != first
                and not kept
                and clearest[doc] >= max(DOCUMENT_COVERAGE, clearest[first] + DOCUMENT_CLEAR_MARGIN)
            ):
                return [h for h in hits if h.clause.doc_id == doc] + [h for h in hits if h.clause.doc_id != doc]
        floor = ZH_COVERAGE if q.language == "zh" else DOCUMENT_COVERAGE
        owning = [d for d in best if self._own_words(q, d)]
        if len(owning) == 1 and owning[0] != first and best[owning[0]] >= max(floor, best[first]):
            doc = owning[0]
        else:
            doc = max(best, key=lambda d: best[d])
            if doc == first or best[doc] < max(floor, best[first] + DOCUMENT_MARGIN):
                return hits
            if q.language == "en" and doc not in owning:
                return hits
        return [h for h in hits if h.clause.doc_id == doc] + [h for h in hits if h.clause.doc_id != doc]

    def _operative_first(self, q: Question, hits: list[ClauseHit]) -> list[ClauseHit]:
        """``hits`` with the operative provisions first when a recital leads and they hold
        (nearly) as much of the question: the article binds, the recital gives its reasons. Not when the
        question asks for the reasons or the recitals themselves."""
        if not hits or not hits[0].clause.preamble or _ASKS_WHY.search(q.text) or q.language != "en":
            return hits

        def held(h: ClauseHit) -> float:
            return self.coverage(q, f"{h.clause.heading_text} {h.clause.text}")

        top = held(hits[0])
        doc = hits[0].clause.doc_id
        ahead = [
            h for h in hits if not h.clause.preamble and h.clause.doc_id == doc and held(h) >= top - PREAMBLE_MARGIN
        ]
        return ahead + [h for h in hits if h not in ahead]

    def _citing_with_a_time(self, q: Question, nearest: list[ClauseHit]) -> list[ClauseHit]:
        """When none of the nearest provisions sets a time, the provision of their document that does (a figure:
        "not less than 2 months") and cites one of them or the provision they sit in, or holds most of the
        question's words once read with what it cites: "the period specified in each notice under subsection (1)
        must end not less than 2 months after ..." answers "how long do people have to send submissions?", which
        finds 18(1)(b) ("inviting submissions ... within a specified period")."""
        if not nearest:
            return []
        doc = nearest[0].clause.doc_id
        near_ids = {h.clause.clause_id for h in nearest}
        near_ids |= {cid.rsplit("(", 1)[0] for cid in near_ids if "(" in cid}  # 18(1)(b) sits in 18(1)
        past = asks_past(q.text)
        clauses = self._clauses_of({doc})
        found: list[tuple[float, Clause]] = []
        for c in clauses:
            if not c.cites or not any(_FIGURE.search(x) for x in dated_sentences(c, past)):
                continue
            # (what it cites is read with its items: "a notice: (a) stating how the draft ... (b) inviting submissions")
            words = " ".join(
                x.text
                for x in clauses
                if any(x.clause_id == cid or x.clause_id.startswith(f"{cid}(") for cid in c.cites)
            )
            held = self.coverage(q, f"{c.heading_text} {words} {c.text}")
            if set(c.cites) & near_ids or (
                held >= DEADLINE_DEEP_COVERAGE and held > self.coverage(q, f"{c.heading_text} {c.text}")
            ):
                found.append((held, c))
        if not found:
            return []
        best = max(found, key=lambda p: p[0])[1]
        return self.retriever.search(q.search_text, k=1, docs={doc}, restrict={clause_key(doc, best.clause_id)})

    def _subsection_first(self, q: Question, hits: list[ClauseHit]) -> list[ClauseHit]:
        """``hits`` with a subsection of the first before it, when one among the next two holds more of the
        question's words: a section establishing a body names it ("There is hereby established ... Advisory
        Council"), its subsections say how the body is paid, housed or run, and a question naming the body asks
        one of those ("do members of the Advisory Council get paid?"). Its headings count as its words."""
        if len(hits) < 2 or q.intent in ("lookup", "clause_lookup", "agency_duties"):
            return hits
        top = hits[0].clause
        if top.text.rstrip().endswith((":", "—", "-")):
            return hits  # a lead-in is answered with the list it introduces, not by one item of it
        under = [
            h
            for h in hits[1:3]
            if h.clause.doc_id == top.doc_id
            and h.clause.clause_id.startswith((f"{top.clause_id}(", f"{top.clause_id}."))
        ]
        if not under:
            return hits

        def held(c: Clause) -> float:
            return self.coverage(q, f"{c.heading_text} {c.context} {c.text}", weighted=True)

        best = max(under, key=lambda h: held(h.clause))
        if held(best.clause) <= held(top) + SUBSECTION_MARGIN:
            return hits
        return [best] + [h for h in hits if h is not best]

    def _own_words(self, q: Question, doc: str) -> list[str]:
        """The question's words (of a Chinese question, the English it writes) that ``doc`` alone of the
        indexed documents uses ("Kigali")."""
        self.documents()
        mine = self._stems_of.get(doc, frozenset())
        others = [s for d, s in self._stems_of.items() if d != doc]
        text = q.text if q.language == "en" else " ".join(q.written_english)
        return [
            w for w in content_stems(text) if w in mine and w not in self._asking() and not any(w in s for s in others)
        ]

    def _spellings(self, bodies: list[str], unknown_as_written: bool = False) -> str:
        """A regex alternation of every spelling of ``bodies`` longer than three letters (name, variants,
        short forms), longest first; a body the registry does not know is taken as written when
        ``unknown_as_written``, else left out. "" when none is left."""
        spellings: set[str] = set()
        for body in bodies:
            known = self.registry.resolve(body)
            found = (known.name, *known.variants, *known.short) if known else (body,) if unknown_as_written else ()
            spellings |= {re.escape(s) for s in found if len(s) > 3}
        return "|".join(sorted(spellings, key=len, reverse=True))

    def _heads_of(self, bodies: list[str], docs: set[str]) -> set[str]:
        """Keys of the provisions of ``docs`` that say who heads one of ``bodies`` ("X shall serve as Chair
        of the Council", "the Task Force shall be chaired by X"), in any of the bodies' spellings."""
        # (a post named for the question, "Chair of the White House AI Council", is asked of its body)
        posts = [m.group(1) for b in bodies if (m := _POST_OF.match(b))]
        names = self._spellings([*bodies, *posts])
        if not names:
            return set()
        pattern = re.compile(
            rf"\b(?:co-?|vice[ -])?(?:chair(?:person|man)?|head|director|convener)s? of (?:the )?(?:{names})\b"
            rf"|\b(?:{names})\b[^.;]{{0,40}}\b(?:co-?)?(?:chaired|headed|led|convened|directed|presided over) by\b",
            re.IGNORECASE,
        )
        return {clause_key(c.doc_id, c.clause_id) for c in self._clauses_of(docs) if pattern.search(c.text)}

    def _mandates(self, body: str, clauses: list[Clause]) -> list[Clause]:
        """The provisions of ``clauses`` saying what ``body``'s mandate or tasks are ("called the Net-Zero
        Advisory Body, whose mandate is to ...", "The tasks of the Advisory Board shall include:"), each with
        the items it lists."""
        names = self._spellings([body], unknown_as_written=True)
        if not names:
            return []
        pattern = re.compile(
            rf"\b(?:{names})\b,?\s+whose\s+(?:{_MANDATE})\b|\b(?:{_MANDATE})\s+of\s+(?:the\s+)?(?:{names})\b"
            rf"\s+(?:is|are|shall|include)",
            re.IGNORECASE,
        )
        stated = [c for c in clauses if pattern.search(c.text)]
        return [x for c in stated for x in (c, *self.children(c)[:LOOKUP_CHILDREN])]

    def _capitalised_names(self) -> frozenset[str]:
        """The names the documents write in capitals, of two words or more ("Defense Production Act",
        "Workforce Innovation and Opportunity Act"), read once per index load with the document views."""
        self.documents()
        return self._capitalised

    def _clauses_of(self, docs: set[str]) -> list[Clause]:
        return [c for c in self.index.clauses if c.doc_id in docs]

    def read(self, question: str, history: list | None = None) -> tuple[Question, dict[str, float]]:
        """The first stage: the question as read (language, typos fixed, short forms spelled out, intent,
        what it names, a Chinese question's English words) with the conversation's earlier turn folded
        in, and the boosts that keep that turn's clauses in view. Later stages get this value and do not
        change it."""
        q = read_question(question, self.registry, self.glossary, self.settings.max_question_chars)
        q = self._spell_out(self._fix_typos(q))
        if q.language == "zh" and q.terms:
            # a corpus glossary entry found only by a function word of the question ("依据" → its plan's
            # source document) names nothing the question asks about
            kept = self.glossary.english_terms(q.text, ignore=CHINESE_STOPWORDS)
            # ... and nor does one no indexed document writes (a plan's glossary, asked of another plan)
            q.terms = [t for t in q.terms if t in kept and any(v.mentions(t) for v in self.documents())]
        if q.language == "zh" and not q.agencies:
            # "农业部长", "环境部长": an official a document names (Secretary of Agriculture, Minister of
            # the Environment); a body read word by word ("能源部") is too loose to scope by
            q.agencies = self._chinese().actors_named(q.text, self._officials())
        if q.agencies and q.language == "en":
            q.agencies = [a for a in q.agencies if a not in self._typed_as_words(q)]
        q.intent = classify(q)  # after typo fixes: "responsble" reads as "responsible"
        if q.language == "zh":
            q.names_zh = self._chinese().proper_names(q.text)
            # an instrument cited in title marks ("《国防生产法》") is named as the documents write it
            cited = self._chinese().titles_named(q.text, self._capitalised_names())
            q.written_english = list(dict.fromkeys([*q.written_english, *cited]))
        if q.language == "zh" and q.intent != "clause_lookup":
            # the plans' own English words for the question's Chinese words (a corpus glossary, where it
            # has most of the question's terms, is the sharper reading and goes alone; a word or two of it in a
            # question about something else, "禁止" in one on generative AI, leaves the rest to be read)
            forms = self.glossary.chinese_forms_in(q.text) if q.terms else []
            rest = q.text
            for z in forms:
                rest = rest.replace(z, " ")
            if not q.terms or len(CJK.findall(rest)) > GLOSSARY_LEAVES * len(CJK.findall(q.text)):
                q.translated = self._chinese().english_terms(rest)[:CHINESE_TERMS]
        prev_q, prev_ids, prev_keys = _previous_turn(history)
        boost: dict[str, float] = {}
        if prev_q:
            # Earlier turns' clauses stay in view; a short or anaphoric question is read with them.
            strong = q.followup or not self._own_content(q)
            q.prev_ids = list(prev_ids)
            # A follow-up naming a topic of its own ("and the online monitoring of key energy users -
            # who handles that one?") is not pulled back to the turn's clause.
            own_topic = len([s for s in content_stems(q.text) if s not in self._asking()]) >= 4
            for key in prev_keys or [self._key(cid) for cid in prev_ids]:
                boost[key] = 0.05 if strong and not own_topic else 0.01
            if strong:
                q.leans_on_turn = not self._own_content(q)  # "and what are the targets there?"
                prev = read_question(prev_q, self.registry, self.glossary, self.settings.max_question_chars)
                q.own_terms = list(q.terms)  # what picks the sentence; the turn's terms only find the clause
                q.terms = list(dict.fromkeys(q.terms + prev.terms))
                if q.language == "zh" and prev.language == "zh" and not q.terms:
                    # read by the dictionary, the turn's words find the clause as its plan terms would
                    turn = self._chinese().english_terms(prev.text)[:CHINESE_TERMS]
                    q.translated = list(dict.fromkeys(q.translated + turn))
                if q.intent == "fact" and not _ASKS_WHAT_IT_SAYS.search(q.text):
                    q.intent = prev.intent
                if not q.agencies and q.intent in {"agency_duties"}:
                    q.agencies = prev.agencies
                if q.language == prev.language:
                    if self._own_content(q):  # its own words pick the sentence; else the turn's
                        q.own_text = q.text
                    q.text = f"{prev.text} {q.text}"
        return q, boost

    def _answer(self, q: Question, boost: dict[str, float], picked: str | None = None) -> Answer:
        t0 = time.perf_counter()
        scope = self.scope(q, picked)
        wanted = q.clause_ids[0] if q.clause_ids else ""
        found = self._lookup(wanted, scope) if wanted else {}
        if q.intent == "clause_lookup" and not found:
            # "the DPA section 708 authority": a reference to another law, not a provision asked for
            q = replace(q, clause_ids=[])
            q = replace(q, intent=classify(q))
            # "《国防生产法》第708条": a provision of the law named before it, the question read as any other
            cited_law = q.language == "zh" and bool(_OTHER_LAWS_PROVISION.search(q.text))
            if cited_law and not q.terms:
                q = replace(q, translated=self._chinese().english_terms(q.text)[:CHINESE_TERMS])
            if q.intent == "clause_lookup" or not (self._own_content(q) or cited_law):
                return self._abstain(q, f"anything as clause {wanted}: the plan has no clause with that id.")
        if found:
            scope = [d for d in scope if d in found]  # a provision the question cites says which document

        if q.injection and not self._own_content(_strip_injection(q)):
            return self._abstain(
                q, "that: the question asks to set the plan aside, and answers here come only from the plan's clauses."
            )
        if q.injection:
            q = replace(q, text=_strip_injection(q).text)
            if not re.search(
                r"\?|？|\b(what|which|who|how|when|where|is|are|does|do)\b|吗|什么|多少|哪|谁", q.text, re.IGNORECASE
            ):
                return self._abstain(
                    q,
                    "that: the question gives instructions instead of asking about the "
                    "plan, and answers here come only from the plan's clauses.",
                )
        decision = decide(q, [v for v in self.documents() if v.doc_id in scope])
        if not decision.docs:
            # no document in scope can answer: say why for the one nearest the question
            near = self.retriever.search(q.search_text, k=3, docs=set(scope))
            doc = near[0].clause.doc_id if near else scope[0]
            return self._abstain(q, decision.refusals.get(doc) or next(iter(decision.refusals.values())), near)
        docs = set(decision.docs)
        # a body of another document ("interagency council" is also the climate order's) is not the one asked about
        # (an office it names still says what it asks about: "部长" read as a Secretary is a minister of this Act's)
        asked_agencies = q.agencies
        here = [a for a in q.agencies if any(a in v.agencies for v in self.documents() if v.doc_id in docs)]
        if here != q.agencies:
            q = replace(q, agencies=here)
        found = {d: cs for d, cs in found.items() if d in docs}
        if q.intent == "clause_lookup" and found:
            likeliest = self._likeliest(q, found)
            if len(likeliest) > 1:
                return self._each_documents(q, wanted, likeliest)
            doc = likeliest[0]
            composed = self.composer.clause_lookup(q, found[doc][0], found[doc][1:])
            ans = self._finish(q, composed, found[doc], [], t0)
            others = [self.index.titles.get(d, d) for d in found if d != doc]
            if others:  # a person who did not name a document is told where else the provision is
                ans.notes.append(f"{wanted} is also in: {'; '.join(others)}. Name the document to see it.")
            return ans
        # "who must act under section 4.2?", "how many ... under Sec. 5": asked of that provision and those under it
        within = {
            clause_key(c.doc_id, c.clause_id) for cs in self._lookup(wanted, list(found), None).values() for c in cs
        }
        if within:
            # ... and of the provisions referring to it: "the sources for the assessments under Articles 6 and 7"
            # are in the article saying "For the assessments referred to in Articles 6 and 7, the Commission ..."
            citing = _cites(wanted)
            # (a row of a table may hold the reference as its title: "Sections 1 to 3 and anything in this Act")
            cited_by = [
                c
                for c in self._clauses_of(set(found))
                if citing.search(c.text) or (c.heading and citing.search(c.heading[-1]))
            ]
            within |= {clause_key(c.doc_id, c.clause_id) for c in cited_by}
            if _ASKS_COMMENCEMENT.search(q.text):
                # "when did section 23 come into force?": the provision saying when it does, not section 23
                starting = {
                    clause_key(c.doc_id, c.clause_id)
                    for c in cited_by
                    if _COMMENCES.search(f"{c.heading_text} {c.text}")
                }
                within = starting or within
        if not within and q.intent == "fact":
            # "how does the Act define X": the provisions that define X, where the documents have them
            within = self._defining(defined_term(q) or self._term_read_in_chinese(q, docs), docs)
        # a body acts through its officials: "what does CEQ do" is also what its Chair must do
        acting = (
            [q.agencies[0], *self.officials_of(q.agencies[0], docs)]
            if q.intent == "agency_duties" and q.agencies
            else []
        )
        # (a recital's "the Commission should ..." gives reasons: it is no duty of the Commission's)
        in_docs = [c for c in self._clauses_of(docs) if not c.preamble] if acting else []
        if any(a in c.lead or a in c.responsible for c in in_docs for a in acting):
            composed = self.composer.agency_duties(q, [], in_docs, acting, self._mandates(q.agencies[0], in_docs))
            cited = [self.index.by_key[clause_key(c.doc_id, c.clause_id)] for c in composed_clauses(self, composed)]
            return self._finish(q, composed, cited, [], t0)

        if q.intent == "lead" and q.agencies:
            # "who chairs the White House AI Council": the provision naming the body's head, however many
            # others name the body itself (its members' list)
            boost = dict(boost)
            for key in self._heads_of(q.agencies, docs):
                boost[key] = boost.get(key, 0.0) + HEAD_OF_BODY
        t_r = time.perf_counter()
        searched = self._searched(q)
        q_vec = self.index.embed_query(searched)
        hits = self.retriever.search(
            searched,
            k=self.settings.top_k * (ZH_DOCUMENT_DEPTH if q.language == "zh" else DOCUMENT_DEPTH),
            boost=boost,
            vector=q_vec,
            booster=lambda keys: self._structure_boosts(q, keys),
            docs=docs,
            restrict=within or None,
        )
        hits = self._document_first(q, hits)
        wider, hits = hits, hits[: self.settings.top_k]
        hits = self._operative_first(q, hits)
        if not within:
            hits = self._subsection_first(q, hits)
        if q.prev_ids:
            # "and what about 2045?" after a question on 2040: the provision naming the year the follow-up names
            years = set(years_in(q.raw))
            naming = [h for h in hits if years and years & set(years_in(h.clause.text))]
            if naming and not years & set(years_in(hits[0].clause.text)):
                hits = naming[:1] + [h for h in hits if h is not naming[0]]
        # An answer rests on one document: the one the best hit is in.
        hits = [h for h in hits if hits and h.clause.doc_id == hits[0].clause.doc_id]
        if hits and hits[0].dense_rank is None:  # how close in meaning it is decides whether it is weak
            self.retriever.fill_dense_sims(hits, q_vec)
        retrieve_ms = (time.perf_counter() - t_r) * 1000
        if not hits:
            return self._abstain(q, "anything that matches this question.")
        missing = self._unsupported_terms(q)
        top = hits[0]
        ans_hits = [h.clause.clause_id for h in hits]
        if q.language == "en":
            cov = self.coverage(q, f"{top.clause.heading_text} {top.clause.text}")
            # Weak support: few of the question's words in the best clause and nothing close in
            # meaning (thresholds calibrated on the dev split).
            weak = (
                (cov < (OBLIGATION_COVERAGE if q.intent == "obligation" else 0.34) and top.dense_sim < 0.5)
                # nothing in the plan is close in meaning ("../../etc/passwd"); a follow-up leans on its turn
                or (top.dense_sim < 0.2 and not q.prev_ids)
            ) and not _writes_reference(q.raw, top.clause.text)
        else:  # a Chinese question is understood through its glossary terms, agency names and dictionary words
            # (an item is read with its lead-in)
            low = f"{top.clause.heading_text} {top.clause.context} {top.clause.text}".lower()
            # dictionary words count when the best clause holds most of them: a word-by-word reading is loose
            held = sum(1 for w in q.translated if w.lower() in low)
            supported = held >= TRANSLATED_HELD or (q.translated and held / len(q.translated) >= 0.5)
            supported = supported or any(w.lower() in low for w in q.written_english)
            # ... or when it speaks to most of the question's Chinese words, each in any of its readings
            # (an enterprise describing itself uses words the plan need not: less is asked of its question)
            floor = ZH_OBLIGATION_COVERAGE if q.intent == "obligation" else ZH_COVERAGE
            supported = supported or self._chinese().coverage(q.text, low) >= floor
            weak = not (q.terms or asked_agencies or supported) and top.dense_sim < 0.5
        # In a conversation, a question whose best clause is the one in view leans on it ("which
        # districts are first in line" after a question on hydrogen vehicles).
        in_view = q.leans_on_turn and any(h.clause.clause_id in q.prev_ids for h in hits)
        # (a question naming its provision is about that provision, however few of its words it holds)
        if weak and top.clause.clause_id not in q.prev_ids and not in_view and not within:
            what = f"anything about {', '.join(repr(m) for m in missing[:3])}" if missing else "this"
            ans = self._abstain(q, f"{what}.", hits)
            ans.retrieved = ans_hits
            return ans
        if q.intent == "target":
            from policyqa.engine.compose import best_sentences

            asked_years = target_years_asked(q.own_text or q.text)
            chosen = self._target_clauses(q, hits, q_vec, asked_years)
            units = asked_units(q.own_text or q.text)
            if units:  # "多少吨", "how many tons": a figure in tons, not the gigawatts beside it
                chosen = [h for h in chosen if any(_states_unit(t.sentence, units) for t in h.clause.targets)]
                if not chosen:
                    unit = units[1] if len(units) > 1 else units[0]
                    why = f"what figure in {unit} is set for this: no target near it is in {unit}."
                    ans = self._abstain(q, why, hits)
                    ans.retrieved = ans_hits
                    return ans
            # a goal asked about in words ("what's the offshore wind goal?") is answered by what the clause
            # says, when the clause is about what is asked: "no number" is a reason only when one was asked
            # ... and a count the provision spells out ("eight guiding principles", "fifteen members") is
            # no target but answers "how many" all the same
            counted = [
                h
                for h in hits
                if q.language == "en"
                and _ASKS_COUNT.search(q.text)  # "what percentage" is not answered by "the first ten-year period"
                and _SPELLED_COUNT.search(" ".join(best_sentences(h.clause, q.focus_text, k=1)))
                and (
                    within
                    or self.coverage(q, f"{h.clause.heading_text} {h.clause.context} {h.clause.text}") >= GOAL_IN_WORDS
                )
            ]
            # ... or counts in digits the very thing asked ("how many consecutive meetings": "3 consecutive
            # meetings"; "how many members": "not more than 4, other members")
            # (a count of the very phrase asked, more than a bare noun, needs no more of the question's words)
            noun = _counted_noun(q.text) if q.language == "en" else []
            counted += [
                h
                for h in hits[:3]
                if noun
                and h not in counted
                and (how := max((_counts_noun(sent, noun) for sent in body_sentences(h.clause)), default=0))
                and (
                    within
                    or how == 2
                    # (an item is read with its lead-in: "The Minister may terminate ... if:" "... 3 consecutive")
                    or self.coverage(q, f"{h.clause.heading_text} {h.clause.context} {h.clause.text}") >= NOUN_COUNTED
                )
            ]
            # a count of the very phrase asked ("at least four new National AI Research Institutes") answers before
            # a target near it that counts something else ("training 500 new researchers")
            exact = [h for h in hits[:3] if noun and _counts_phrase(h.clause, noun)]
            if exact and chosen and not any(_counts_noun(x, noun) for x in body_sentences(chosen[0].clause)):
                chosen = []
                counted = exact[:1] + [h for h in counted if h is not exact[0]]
            # (an item is read with its lead-in: "When proposing the 2040 target, the Commission shall consider:")
            lead_in = self.coverage(q, f"{top.clause.heading_text} {top.clause.context} {top.clause.text}")
            in_words = q.language == "en" and (
                (not asks_quantity(q.text) and (max(cov, lead_in) >= GOAL_IN_WORDS or asks_yes_no(q.text)))
                or bool(counted)
            )
            # ... and so is a Chinese one read through the dictionary ("加拿大2050年的...排放目标是什么"), when the
            # provision holds most of its words (a glossary's terms are matched above, not by this share)
            in_words = in_words or (
                q.language == "zh" and not q.terms and not asks_quantity(q.text) and lead_in >= ZH_COVERAGE
            )
            if not in_words and not chosen and asked_years and q.language == "en":
                # a sentence saying what the target for the year asked is ("The ... target for 2030 is Canada's
                # nationally determined contribution") answers "what's the 2030 target? is there a number?" in its
                # words, when it holds the question's words but those asking for a number
                unasked = replace(q, text=_KIND_WORDS.sub(" ", without_quantity_asked(q.text)))  # "in the act"
                stated = [
                    h
                    for h in hits[:3]
                    if (said := best_sentences(h.clause, q.focus_text, k=2))
                    and any(_target_for_year(y).search(x) for x in said for y in asked_years)
                    # (a word of the document's title is what each of its provisions is about: "Canada's target")
                    and self.coverage(unasked, " ".join([self.index.titles.get(h.clause.doc_id, ""), *said]))
                    >= GOAL_IN_WORDS
                ]
                if stated:
                    in_words = True
                    hits = stated[:1] + [h for h in hits if h is not stated[0]]
            if not in_words and not chosen and q.language == "en" and not _ASKS_AMOUNT.search(q.text):
                # "is there a number for the carbon pollution-free electricity goal?": a goal set for a year
                # ("... sector no later than 2035") has its year for a number
                dated = [
                    h
                    for h in hits[:3]
                    if any(d.kind == "date" for d in h.clause.deadlines)
                    and self.coverage(q, f"{h.clause.heading_text} {h.clause.context} {h.clause.text}") >= GOAL_IN_WORDS
                ]
                if dated:
                    in_words = True
                    hits = dated[:1] + [h for h in hits if h is not dated[0]]
            if in_words and not chosen and asked_years:
                # "what is the 2040 target?" is not answered in words by the sentence on the 2030 one
                first = (counted or hits)[0].clause  # an item's lead-in is part of what it says
                said = " ".join([first.context, *best_sentences(first, q.focus_text, k=2)])
                in_words = any(str(y) in said for y in asked_years)
            if not chosen and counted:
                hits = counted[:1] + [h for h in hits if h is not counted[0]]
            if not chosen and not in_words:
                ans = self._abstain(q, "what figure is set for this: the nearest clauses set no number for it.", hits)
                ans.retrieved = ans_hits
                return ans
            if not chosen:
                q = replace(q, intent="fact")
            q = replace(q, figure_clauses=[h.clause.clause_id for h in chosen])
            hits = chosen + [h for h in hits if h not in chosen]

        extreme = _EXTREME_DEADLINE.search(q.text) if q.intent == "deadline" and q.language == "en" else None
        if extreme:
            # "the shortest deadline in the order": the provision whose span is shortest (longest), of one document
            if len(docs) > 1 and (titled := self._titled(q, sorted(docs))):
                docs = {titled}
            if len(docs) > 1:
                from policyqa.engine.titles import short_titles

                short = short_titles(self)
                names = "; ".join(short.get(d, d) for d in sorted(docs))
                why = f"which document's deadlines are meant: several are in view ({names}). Name one."
                return self._abstain(q, why)
            spans = [(d.days, c) for c in self._clauses_of(docs) for d in c.deadlines if d.days]
            if spans:
                pick = (min if extreme.group(1).lower() in _SHORTEST else max)(days for days, _ in spans)
                keys = {clause_key(c.doc_id, c.clause_id) for days, c in spans if days == pick}
                hits = self.retriever.search(q.search_text, k=len(keys), docs=docs, restrict=keys) or hits

        if q.intent == "deadline":
            # the deadline of the clause about what is asked (or one nearly as close): another clause's
            # deadline would be a confident wrong answer
            # (asked of a provision, those under it and those citing it are all about it, however near)
            near = 0.0 if within else DATED_NEAR
            # (measured against the best score without the lift an earlier turn gave it: "and when was the first one
            # due?" may be answered by the provision beside the turn's)
            best = hits[0].score - boost.get(hits[0].key, 0.0)
            past = asks_past(q.text)  # "how many years did it take": a span told as history answers it
            chosen = [h for h in hits[:3] if h.score >= near * best and dated_sentences(h.clause, past)]
            if not chosen and q.language == "en":
                chosen = self._citing_with_a_time(q, hits[:3])
            # of those nearly as close, the one holding more of the question's rarer words goes first: "when is the
            # assessment report due" is not answered by the progress report's date beside it
            # (a follow-up's own words: "and when was the first one due?" is not the turn's "how often")
            own = replace(q, text=q.own_text) if q.own_text else q
            held = {
                id(h): self.coverage(own, f"{h.clause.heading_text} {h.clause.context} {h.clause.text}", weighted=True)
                for h in chosen
            }
            chosen.sort(key=lambda h: -round(held[id(h)], 2))
            # a deadline counted from the event the question names ("after a voluntary agreement is reached",
            # "自愿协议达成后") answers before the nearer ones counted from something else
            named = [h for h in hits if self._counts_from_asked(q, h.clause)] if _ASKS_FROM_EVENT.search(q.text) else []
            if named and (not chosen or chosen[0] not in named):  # (the chosen are among the hits)
                chosen = named[:1] + [h for h in chosen if h is not named[0]]
            elif chosen and not named and (cited := _product_counted_from(q, chosen[0].clause)):
                # "when is the report on X due?" is not answered by "within 180 days of submitting the report
                # required under subsection 4.5(a)": that is the next step; 4.5(a) (or an item of it) sets the date
                source = [
                    h
                    for h in hits
                    if h.clause.doc_id == chosen[0].clause.doc_id
                    and (h.clause.clause_id == cited or h.clause.clause_id.startswith(f"{cited}("))
                    and dated_sentences(h.clause, past)
                ]
                chosen = source[:1] + [h for h in chosen if h not in source[:1]]
            # "by what year" / "on what date": "within 90 days of this order" names neither
            for asks, written, what in ((_ASKS_YEAR, _YEAR_IN, "year"), (_ASKS_DATE, _DATE_IN, "date")):
                if asks.search(q.text):
                    chosen = [h for h in chosen if any(written.search(x) for x in dated_sentences(h.clause, past))]
                    if not chosen:
                        ans = self._abstain(q, f"when: the nearest clauses give no {what} for it.", hits)
                        ans.retrieved = ans_hits
                        return ans
            kind = asked_deadline_kind(q.own_text or q.text)  # a follow-up asks its own kind of time
            # a deadline of the kind asked ("how far ahead": "five years before ...") among the nearest goes
            # first, however near the others are
            # (of the document answering: the kind is rarer than the topic's words, "a renewable term of up to
            # three years" may sit just below the provisions that name the body)
            same = [h for h in wider if hits and h.clause.doc_id == hits[0].clause.doc_id]
            pool = same[:KIND_OF_TIME_NEAREST] if kind else chosen
            fitting = [h for h in pool if kind_sentences(h.clause, kind)]
            chosen = fitting + [h for h in chosen if h not in fitting]
            if chosen and q.agencies and q.language == "en" and not within:
                # "the NRC's deadline to rule on applications" is not answered by a deadline that names no NRC
                # ("... supply fuel ... within 3 years from the date of such applications")
                whose = [h for h in chosen if self._names_any(h.clause, q.agencies)]
                if not whose:
                    whom = " or ".join(f"the {a}" for a in q.agencies)
                    why = f"when: the nearest clauses set no deadline for {whom}."
                    ans = self._abstain(q, why, hits)
                    ans.retrieved = ans_hits
                    return ans
                chosen = whose + [h for h in chosen if h not in whose]
            if not chosen:
                ans = self._abstain(q, "when: the nearest clauses give no date, deadline or year for it.", hits)
                ans.retrieved = ans_hits
                return ans
            composed = self.composer.deadline(q, chosen + [h for h in hits if h not in chosen])
            result = self._finish(q, composed, [h.clause for h in hits], hits, t0)
            result.timings["retrieve_ms"] = round(retrieve_ms, 2)
            return result

        if _ASKS_YEAR.search(q.text) or re.search(r"\bwhen will\b|\bby when\b|何时", q.text, re.IGNORECASE):
            from policyqa.engine.compose import best_sentences

            said = " ".join(best_sentences(hits[0].clause, q.focus_text, k=2))
            dated = q.intent == "target" and any(t.year for t in hits[0].clause.targets)
            if not dated and not re.search(r"\b(?:by|in|before|until|from|during) 20\d\d\b", said):
                ans = self._abstain(q, "when: the nearest clauses give no year for it.", hits)
                ans.retrieved = ans_hits
                return ans

        chosen_by = self._post_filled_by_choice(q, hits[0].clause) if q.language == "en" else ""
        if chosen_by:
            # "Who are the two co-chairs?" where the plan says only who designates them: it names no one
            ans = self._abstain(
                q, f"who holds this post: it names no person, only how the post is filled {chosen_by}.", hits
            )
            ans.retrieved = ans_hits
            return ans
        if q.intent == "lead":
            hits = self._naming_first(hits)
        composer = getattr(self.composer, q.intent if q.intent in {"lead", "target", "obligation"} else "fact")
        composed = composer(q, hits)
        result = self._finish(q, composed, [h.clause for h in hits], hits, t0)
        result.timings["retrieve_ms"] = round(retrieve_ms, 2)
        return result

    @staticmethod
    def _naming_first(hits: list[ClauseHit]) -> list[ClauseHit]:
        """``hits`` for a who question: when the best provision has no one act (a member in a list, "each port
        authority shall be represented on the council"), one of the next two naming who acts, nearly as close,
        answers first ("the Director shall convene and chair the council"). A provision where someone acts
        whom no list holds ("The Chair may grant leave") still answers."""
        top = hits[0].clause
        if not top.text.strip() or top.lead or top.responsible or top.consulted or _SOMEONE_ACTS.search(top.text):
            return hits
        naming = [
            h for h in hits[1:3] if h.score >= LEAD_NEAR * hits[0].score and (h.clause.lead or h.clause.responsible)
        ]
        return naming[:1] + [h for h in hits if h not in naming[:1]]

    def _counts_from_asked(self, q: Question, clause: Clause) -> bool:
        """Whether a deadline of ``clause`` counts from an event the question names: most of the anchor's own
        words are the question's ("within 30 days after any voluntary agreement is reached"). The document's
        own date ("of this order") is no event a question names."""
        asked = set(content_stems(q.search_text)) - self._asking()
        for d in clause.deadlines:
            if not d.anchor or SELF_REFERENCE.search(d.anchor):
                continue
            own = set(content_stems(d.anchor)) - self._asking()
            # (a stem begun by another is the same word: "issued" is the "issuance" of the guidance)
            held = [
                w for w in own if any(w.startswith(a) or a.startswith(w) for a in asked if min(len(a), len(w)) >= 4)
            ]
            if own and 2 * len(held) >= len(own):
                return True
        return False

    @staticmethod
    def _post_filled_by_choice(q: Question, clause: Clause) -> str:
        """For a question asking who holds a post ("Who are the two co-chairs of X?", "Who was named as
        the Chief AI Officer?"): the clause marker, when the clause's sentence on that post says only that
        someone designates, appoints or selects its holder; "" otherwise (an office that serves as the
        chair, "the Director of OMB shall chair", answers who it is)."""
        m = _ASKS_HOLDER.search(q.own_text or q.text)
        if not m:
            return ""
        post = stem(m.group("post").lower().replace("-", ""))
        for sentence in body_sentences(clause):
            said = {stem(w.lower().replace("-", "")) for w in re.findall(r"[A-Za-z][\w-]*", sentence)}
            if post in said and _FILLED_BY_CHOICE.search(sentence):
                return f"[{clause.clause_id}]"
        return ""

    def _target_clauses(self, q: Question, hits: list[ClauseHit], q_vec, asked_years: set[int]) -> list[ClauseHit]:
        """The hits whose targets measure what the question asks about, best first (none: no figure).

        A question joining two figures ("the targets for crop straw and for rural sewage") gets a
        second clause when its targets name a plan term of the question the first one's do not.

        A clause whose targets are all dated for other years than ``asked_years`` (the years the question asks a
        figure for) is passed over: "the 2040 target" is not the 2030 one.

        A figure is quoted only when one of the clause's targets measures the same thing: the
        question's embedding must be close to the target's measure (calibrated on the dev set),
        or fairly close with the target sentence using the question's own words.
        """
        import numpy as np
        from policyqa.engine.compose import best_sentences

        own = Question(**{**q.__dict__, "text": q.own_text or q.text})
        if q.leans_on_turn:
            # "and what are the targets there?": the figures of the clause in view, when it sets any
            in_view = [h for h in hits if h.clause.clause_id in q.prev_ids and h.clause.targets]
            if in_view:
                return in_view[:1]
        focus_vec = q_vec if not q.own_text else self.index.embed_query(q.focus_text)
        no_unknown_words = not self._unsupported_terms(own)
        passing: list[tuple[float, ClauseHit, set[str]]] = []
        read_whole: list[tuple[float, ClauseHit, set[str]]] = []
        for h in hits[:3]:
            if not h.clause.targets:
                continue
            dated = {t.year for t in h.clause.targets if t.year}
            if asked_years and dated and not dated & asked_years:
                continue  # "the 2040 target" is not the 2030 one, however alike the sentences
            sim = float(np.max(self.index.text_vectors([target_text(t) for t in h.clause.targets]) @ focus_vec))
            sentence = best_sentences(h.clause, q.focus_text, k=1, prefer_numbers=True)
            # the question's plan terms its targets name, in any of the glossary's spellings
            measured = " ".join(target_text(t) for t in h.clause.targets).lower()
            named = {term for term in q.terms if any(s.lower() in measured for s in self.glossary.spellings(term))}
            if q.language == "en":
                share = self.coverage(own, sentence[0]) if sentence else 0.0
                # words the plan never uses count against a figure ("kilometres of sewage pipes"),
                # unless the target names a plan term of the question ("my students asked me how many
                # new energy vehicles ...")
                names_a_term = bool((named & set(own.terms)) - _UNIT_TERMS)
                covered = (no_unknown_words or names_a_term) and share > 0.5
                # Close in meaning alone is not enough when the target's sentence shares no word with
                # the question ("EV charging piles" against the count of electric vehicles made).
                shares_a_word = share > 0
            else:
                # a Chinese question is matched through the plan terms it names, in the target's sentence ...
                said = (sentence[0] if sentence else "").lower()
                in_sentence = any(term.lower() in said for term in q.terms)
                # ... or, with no plan terms, by the share of its Chinese words the target's sentence holds
                share = self._chinese().coverage(own.text, said) if not q.terms and said else 0.0
                read = share >= ZH_COVERAGE
                covered = bool(named) or in_sentence or read or sim >= TARGET_MATCH_ZH_UNNAMED
                shares_a_word = True
                # ... or, when none passes, one that read with its headings and lead-in holds most of the question's
                # words and any name it writes in English ("...计算集群...网络速度和理论算力"): a word-by-word reading
                # embeds too loosely for closeness in meaning to decide
                whole = f"{h.clause.heading_text} {h.clause.context} {said}".lower()
                if (
                    not q.terms
                    and self._chinese().coverage(own.text, whole) >= ZH_COVERAGE
                    and all(w.lower() in whole for w in own.written_english)
                ):
                    read_whole.append((sim + TARGET_WORDS * share, h, named))
            floor = TARGET_MATCH_WITH_WORDS if q.language == "en" else TARGET_MATCH_ZH
            if not ((sim >= TARGET_MATCH and shares_a_word) or (sim >= floor and covered)):
                continue
            # A follow-up asks about the clause already in view, when that clause passes too; a target
            # naming a plan term of the question word for word beats a near neighbour in meaning.
            # (each term named counts: "centralized treatment rate of urban domestic sewage" and
            # "domestic sewage" pick the urban figure over the rural one naming the second only)
            rank = sim + (1.0 if h.clause.clause_id in q.prev_ids else 0.0) + TERM_NAMED * len(named)
            passing.append((rank + TARGET_WORDS * share, h, named))
        passing = passing or read_whole[:1]
        passing.sort(key=lambda p: -p[0])
        chosen = [p[1] for p in passing[:1]]
        if passing and len(q.terms) >= 2 and _JOINS_TWO.search(q.own_text or q.text):
            said = set(passing[0][2])
            for _, h, named in passing[1:]:
                if named - said:
                    chosen.append(h)
                    said |= named
        return chosen

    def _action_asked(self, q: Question) -> str:
        """The stem of what a "who" question asks someone does ("who appoints the members" → "appoint"), cut to
        five letters so its other forms count; "" when it asks no particular act ("who leads", "who is in charge")."""
        if q.intent != "lead" or q.language != "en":
            return ""
        text = q.own_text or q.text
        for pattern in (_WHO_MUST, _WHO_DOES, _WHO_ACT_IN_CHARGE):
            m = pattern.search(text)
            w = m.group(1).lower() if m else ""
            if len(w) >= 4 and w not in STOPWORDS and stem(w) not in self._asking():
                return stem(w)[:5]
        return ""

    def _structure_boosts(self, q: Question, keys: list[str]) -> dict[str, float]:
        """Agency, plan-term, target and number evidence for the candidate clauses, as boosts
        to their fused scores (only candidates are looked at, so the cost does not grow with the
        corpus)."""
        boost: dict[str, float] = {}
        q_stems = set(content_stems(q.search_text))
        q_numbers = set(numbers(q.text))
        # a term counts in either number ("industrial parks" in a clause on "the industrial park")
        terms = [t.lower().removesuffix("s") for t in q.terms if len(t) > 4]
        # A phrase of the question that only a few candidates contain points to them.
        q_pairs = stem_pairs(q.own_text or q.text) if q.language == "en" else frozenset()
        pairs = {key: q_pairs & stem_pairs(self.index.by_key[key].text) for key in keys} if q_pairs else {}
        seen = Counter(p for found in pairs.values() for p in found)
        # The English a Chinese question writes out ("（interagency council）") names what it asks about: a
        # candidate writing that name, however many do, is about it.
        names = [n for n in (stem_pairs(w) for w in q.written_english) if n] if q.language == "zh" else []
        # (a body the registry knows is weighed as an agency, by who acts, not by where its name is written)
        proper = (
            [
                m.group(0).lower()
                for m in _PROPER_NAME.finditer(q.own_text or q.text)
                if not self.registry.find(m.group(0), informal=True)
            ]
            if q.language == "en"
            else []
        )
        writing = (
            {key: {n for n in proper if n in _squashed(self.index.by_key[key].text)} for key in keys} if proper else {}
        )
        named_in = Counter(n for found in writing.values() for n in found)
        operative = not _ASKS_WHY.search(q.text)
        # the words a question places a provision under ("in the main objectives", "under General Requirements")
        named_stems = (
            {s for m in _PLACED_UNDER.finditer(q.text) for s in content_stems(m.group(1))}
            if q.language == "en"
            else set()
        )
        acting = self._action_asked(q)
        for key in keys:
            c = self.index.by_key[key]
            extra = -PREAMBLE_STEP_BACK if operative and c.preamble else 0.0
            if named_stems and any(
                2 <= len(level) <= 6 and level <= named_stems
                for level in (set(content_stems(_HEADING_NUMBER.sub("", h))) for h in c.heading_text.split(" > "))
            ):
                extra += HEADING_NAMED  # the question names the part of the plan it is under
            if (
                acting
                and (c.lead or c.responsible or _SOMEONE_ACTS.search(c.text))
                and any(w.startswith(acting) for w in content_stems(c.text))
            ):
                extra += ACTION_ASKED  # "who appoints the members": a provision where someone appoints
            if q.agencies and q.intent in {"lead", "agency_duties"}:
                if any(a in c.lead for a in q.agencies):
                    extra += 0.004
                elif any(a in c.responsible for a in q.agencies):
                    extra += 0.002
            if terms:
                # A term the clause spells counts fully; one only in its section heading, half: it
                # names all of that section's clauses ("comprehensive remediation" heads all of 3.9).
                low, heading = c.text.lower(), c.heading_text.lower()
                extra += sum(0.003 if t in low else 0.0015 if t in heading else 0.0 for t in terms)
            if q.capacity_tph is not None and any(t.unit == "tons/hour" for t in c.targets):
                extra += 0.02
            if c.targets and q.intent == "target":
                best = max(len(q_stems & set(content_stems(t.measure))) for t in c.targets)
                extra += 0.003 * min(best, 5)
                if any(stem(w) in q_stems for t in c.targets for w in words(t.unit)):
                    extra += 0.004
            # An enterprise's own figures ("replace 200 cars") are not the plan's.
            asked_figures = q_numbers if q.intent != "obligation" else set()
            if c.targets and asked_figures & {n for t in c.targets for n in numbers(t.value_text)}:
                extra += 0.01
            extra += PHRASE_BOOST * sum(1 for p in pairs.get(key, ()) if seen[p] <= 2)
            extra += NAME_BOOST * sum(1 for n in writing.get(key, ()) if named_in[n] <= 2)
            if names:  # (a section heading naming it names what each provision under it is about)
                written = stem_pairs(c.text) | stem_pairs(c.heading_text)
                extra += PHRASE_BOOST * sum(1 for n in names if n <= written)
            if extra:
                boost[key] = extra
        return boost

    def _finish(
        self, q: Question, composed: Composed, retrieved: list[Clause], hits: list[ClauseHit], t0: float
    ) -> Answer:
        by_id = {c.clause_id: c for c in [*retrieved, *composed_clauses(self, composed)]}
        grounding = check(composed.text, by_id, self.registry, q.text)
        text = composed.text if grounding.grounded else "\n".join(grounding.kept)
        if not text.strip():  # nothing said survives (or the nearest provisions are headings without text)
            return self._abstain(q, "this in words that could be quoted.", hits)
        cited = {c.clause_id for c in composed.citations}
        related = [h.clause.clause_id for h in hits if h.clause.clause_id not in cited][:4]
        ans = Answer(
            q.text, text, False, q.intent, composed.citations, related, language=q.language, grounded=grounding.grounded
        )
        ans.retrieved = [h.clause.clause_id for h in hits] or [c.clause_id for c in composed_clauses(self, composed)]
        ans.doc_id = composed.citations[0].doc_id if composed.citations else (hits[0].clause.doc_id if hits else "")
        self._name_document(ans)
        if not grounding.grounded:
            ans.notes.append(f"{len(grounding.dropped)} sentence(s) dropped by the grounding check")
            ans.debug["dropped"] = grounding.dropped
        ans.timings["compose_ms"] = round((time.perf_counter() - t0) * 1000, 2)
        return ans


_HOW_MANY = re.compile(
    r"\bhow many\s+((?:[a-z-]+\s+){0,4}?[a-z-]+?)(?=\s+(?:does|do|did|is|are|can|could|must|should|will|"
    r"would|may|of|in|on|for|at|under|has|have|make|sit|serve)\b|\s*[?,.]|$)",
    re.IGNORECASE,
)
_NUMBER = r"(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty)"


# A year the figure is measured against ("compared to 1990 levels", "below 2005", "from 2020") is no year
# the target is asked for.
_BASELINE_YEAR = re.compile(
    r"(?:\b(?:compared (?:with|to)|relative to|from|than|below|above|over|since|versus|vs\.?|baseline)\s+"
    r"(?:(?:the|that of|its|levels? (?:of|in))\s+)?((?:19|20)\d\d)\b"
    r"|\b((?:19|20)\d\d)(?:年)?\s*(?:levels?|baseline|基准|水平)"
    r"|(?:比|较|与|和|同)\s*((?:19|20)\d\d)年?)",
    re.IGNORECASE,
)


def target_years_asked(question: str) -> set[int]:
    """The years a question asks a figure for ("the 2040 target", "by 2030"), not those it measures from."""
    base = {int(y) for m in _BASELINE_YEAR.finditer(question) for y in m.groups() if y}
    return {y for y in years_in(question) if y not in base}


# What a provision produces, that a later one counts its deadline from ("within 180 days of submitting the report
# required under subsection 4.5(a)", "of the issuance of the guidance established in subsection 10.1(b)")
_PRODUCED_UNDER = re.compile(
    r"\b(?:the|its)\s+(report|plan|strategy|guidance|guidelines|recommendations|assessment|framework|study|"
    r"analysis|rules?|regulations?|list|standards?)\b[^;]*?\b(?:subsection|section|paragraph|article)\s+"
    r"(\d[\w.]*(?:\([\w.]+\))*)",
    re.IGNORECASE,
)


def _product_counted_from(q: Question, clause: Clause) -> str:
    """The provision whose product a question asks about, when ``clause``'s deadline counts from that product
    ("when is the report due?" against "within 180 days of submitting the report required under subsection
    4.5(a)" → "4.5(a)"): the question names the product, and the clause names it only in that anchor."""
    for d in clause.deadlines:
        m = _PRODUCED_UNDER.search(d.anchor) if d.kind == "relative" else None
        if not m:
            continue
        product = re.compile(rf"\b{m.group(1).rstrip('s')}s?\b", re.IGNORECASE)
        if product.search(q.text) and not product.search(d.sentence.replace(d.text, " ")):
            return m.group(2)
    return ""


def _counted_noun(question: str) -> list[str]:
    """The stems of what a "how many" question counts ("how many consecutive meetings can ..." →
    ["consecut", "meet"]); the last is the noun."""
    m = _HOW_MANY.search(question)
    return [stem(w) for w in m.group(1).split()] if m else []


def _counts_phrase(clause: Clause, counted: list[str]) -> bool:
    """Whether a sentence of ``clause`` gives a number of the whole phrase a "how many" question counts."""
    return len(counted) > 1 and any(_counts_noun(x, counted) == 2 for x in body_sentences(clause))


def _counts_noun(sentence: str, counted: list[str]) -> int:
    """How ``sentence`` gives a number of what is counted: 0 not at all; 1 a number of the noun ("3
    consecutive meetings", "4, other members"); 2 a number of the whole phrase asked, word for word, when
    it is more than the noun ("a sequence of six future years" for "how many future years")."""
    found = 0
    for m in re.finditer(rf"(?<![\w.,$§(/-]){_NUMBER},?((?:\s+[A-Za-z-]+){{1,6}})", sentence, re.IGNORECASE):
        after = [stem(w) for w in m.group(1).split()]
        if len(counted) > 1 and after[: len(counted)] == counted:
            return 2
        if counted and counted[-1] in after[:3]:
            found = 1
    return found


def composed_clauses(qa: PolicyQA, composed: Composed) -> list[Clause]:
    """The clauses a composed answer cites."""
    out = []
    for c in composed.citations:
        key = clause_key(c.doc_id, c.clause_id)
        if key in qa.index.by_key:
            out.append(qa.index.by_key[key])
    return out


def _squashed(text: str) -> str:
    """``text`` lower-cased with its runs of white space one space (a name wrapped over two lines is one name)."""
    return re.sub(r"\s+", " ", text).lower()


def _target_for_year(year: int) -> re.Pattern:
    """A sentence saying what the target for ``year`` is: "the ... target for 2030 is ..."."""
    return re.compile(rf"\btargets?\b[^.;]{{0,60}}\b{year}\b[^.;]{{0,20}}?\b(?:is|are|shall be|must be)\b", re.I)


_ASKS_COMMENCEMENT = re.compile(
    r"\b(?:commenc\w*|c[oa]me?s? into (?:force|effect)|took effect|takes? effect|in force)\b|生效|施行", re.IGNORECASE
)
_COMMENCES = re.compile(r"\bcommenc\w*|\bcom(?:es?|ing) into (?:force|effect)\b", re.IGNORECASE)


def _cites(wanted: str) -> re.Pattern:
    """A reference to provision ``wanted`` in another's text: "Article 6", "Articles 6 and 7", "section 6(1)",
    "Schedule 1, Part 2"."""
    attached = re.match(r"^(schedule|annex|appendix)-(\w+)(?:\.part-(\w+))?$", wanted)
    if attached:
        word, num, part = attached.groups()
        in_part = rf",?\s*Part\s+{re.escape(part)}\b" if part else r"(?!,?\s*Part\b)"
        return re.compile(rf"\b{word}s?\s+{re.escape(num)}\b{in_part}", re.IGNORECASE)
    return re.compile(
        rf"\b{PROVISION_WORD}\s+(?:[\w.()]+(?:,\s*|\s+(?:and|or|to)\s+))*"
        rf"{re.escape(wanted)}(?!\w|\.\d)",
        re.IGNORECASE,
    )


def _writes_reference(question: str, text: str) -> bool:
    """Whether ``text`` writes a reference the question cites ("the 708(f)(1)(B) finding"): the provision
    citing it is what the question is about, however few of its other words it holds."""
    return any(re.search(rf"(?<![\w(]){re.escape(r)}(?![\w(])", text) for r in _REFERENCE_CITED.findall(question))


def _writes(text: str, phrase: str) -> bool:
    """Whether ``text`` writes ``phrase`` (case and a plural -s aside, across line breaks)."""
    words = [re.escape(w.removesuffix("s")) for w in phrase.split()]
    return bool(words) and re.search(r"\b" + r"s?\s+".join(words) + r"s?\b", text, re.IGNORECASE) is not None


def _strip_injection(q: Question) -> Question:
    from policyqa.engine.question import _INJECTION

    parts = re.split(r"(?<=[.!?;。！？；])\s*|,\s*(?=(?:and |then )?(?:what|who|which|how))", q.text)
    kept = [p for p in parts if p and not _INJECTION.search(p)]
    clone = Question(**{**q.__dict__})
    clone.text = " ".join(kept).strip()
    return clone


def _added(whole: Answer, *parts: Answer) -> Answer:
    """``whole`` (a copy) with the lines of its parts' answers it does not give (the part it missed: another
    provision, or another sentence of the same one), their citations and notes; a line is said once, and a part
    refused or from another document adds nothing."""
    out = replace(whole, citations=list(whole.citations), notes=list(whole.notes))
    lines = out.answer.splitlines()
    for part in parts:
        more = [x for x in part.answer.replace(ZH_NOTE, "").strip().splitlines() if x not in lines]
        if part.abstained or not more or part.doc_id != out.doc_id:
            continue
        lines += more
        cited = {(c.doc_id, c.clause_id) for c in out.citations}
        out.citations += [c for c in part.citations if (c.doc_id, c.clause_id) not in cited]
        out.retrieved = list(dict.fromkeys([*out.retrieved, *part.retrieved]))
        out.notes += [n for n in part.notes if n not in out.notes and n != ZH_NOTE]
        out.grounded = out.grounded and part.grounded
    out.answer = "\n".join(lines)
    return out


def _joined(question: str, first: Answer, second: Answer, asked_second: str) -> Answer:
    """One answer to a question asking two, whose whole was refused: both parts' answers, one after the other;
    a part the plans do not answer is said in a note (a refusal cites nothing); both refused, the first refusal."""
    if first.abstained and second.abstained:
        return replace(first, question=question)
    if not first.abstained and not second.abstained:
        return _added(replace(first, question=question), second)
    refused, answered = (first, second) if first.abstained else (second, first)
    out = replace(answered, question=question, notes=list(answered.notes))
    part = asked_second if refused is second else first.question
    why = refused.answer.replace(ZH_NOTE, "").strip().split(" Nearest clauses:")[0]
    note = f"Not answered, “{part.removeprefix('and ').strip()}”: {why}"
    out.answer = f"{out.answer}\n{note}"
    out.notes.append(note)
    return out


def _previous_turn(history: list | None) -> tuple[str | None, list[str], list[str]]:
    """The last turn's question, the ids of the provisions it cited, and their keys ("doc:clause") where its
    answer says which document each is in (two Acts may both have a section 18(3))."""
    if not history:
        return None, [], []
    last = history[-1]
    if isinstance(last, str):
        return last, [], []
    if isinstance(last, Answer):
        return last.question, last.clause_ids, [clause_key(c.doc_id, c.clause_id) for c in last.citations if c.doc_id]
    if isinstance(last, dict):
        cited = last.get("citations", [])
        ids = [c["clause_id"] if isinstance(c, dict) else c for c in cited]
        keys = [clause_key(c["doc_id"], c["clause_id"]) for c in cited if isinstance(c, dict) and c.get("doc_id")]
        return last.get("question"), ids or list(last.get("clause_ids", [])), keys
    return None, [], []


@lru_cache(maxsize=1)
def _shared() -> PolicyQA:
    return PolicyQA()


_shared_lock = threading.Lock()


def get_policyqa() -> PolicyQA:
    """The process-wide :class:`PolicyQA` (built on first use)."""
    with _shared_lock:
        return _shared()


def reset_policyqa() -> None:
    """Forget the process-wide instance (tests, settings changes)."""
    _shared.cache_clear()


def answer(question: str, history: list | None = None, use_llm: bool | None = None, doc: str | None = None) -> Answer:
    """Answer a question about the plan (the process-wide :class:`PolicyQA`); ``doc`` scopes it to one document."""
    return get_policyqa().answer(question, history=history, use_llm=use_llm, doc=doc)
