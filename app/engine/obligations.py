"""What applies to us: a profile matched against every provision of the documents in scope.

A profile is what an enterprise (or an agency, a developer, a Minister) says about itself, in free text
or through a form: what it does and makes, its equipment with sizes and fuels, where it is (an industrial
park, an urban built-up area, a rural county), whether it plans a new project, who owns it, and - under an
order or an Act - which office it is. :func:`read_profile` reads that into plain facets.

Each provision was read at ingest into sentences with whom they address, where, at what size and how
strongly (``policyqa.ingest.applicability``). :class:`ObligationFinder` matches the profile against every
sentence of the documents in scope: the profile's words in the sentence (rarer words weigh more, words in
the sentence's addressee phrases most), the profile's facets close in meaning to the sentence (the
project's MiniLM embeddings), and the actors it is told are acting. Then it reads the conditions: a size
against the sentence's threshold ("your 40 tons/hour boiler is over the 35 tons/hour line"), the site
against the places the sentence names, a planned project against "new" projects. A condition the profile
does not decide is asked back, not guessed.

The result is plain data (:class:`Obligations`): *must* (binding on you as described), *should know*
(promoted for what you do, or binding if a condition changes - it says which), each with the sentence that
applies (verbatim), the condition that matched in words, the deadline and who enforces it; and the
provisions that touch everyone the document governs. Every line of its text carries its provision's
marker and passes the grounding check of ``engine/grounding.py``.
"""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass, field

import numpy as np
from policyqa.engine.clauses import Applicability, Clause, Threshold, parent_id
from policyqa.engine.compose import body_sentences
from policyqa.engine.crosslingual import UNITS, quantities_read
from policyqa.engine.grounding import MARKER, check
from policyqa.engine.text import STOPWORDS, content_stems, stem
from policyqa.ingest.applicability import (
    addressees,
    concepts_of,
    cue_reason,
    cues,
    defined_kind,
    everyone_kind,
    is_agency_office,
    normalise_units,
    places,
    read_applicability,
)

# Words that describe the asker, not what a plan is about ("we are a company that runs ...").
_PROFILE_WORDS = frozenset(
    stem(w)
    for w in """we us our ours i me my mine am company companies firm business enterprise enterprises
    run runs running operate operates operating own owns have has having hold holds holding
    located based situated site sites
    make makes making produce produces about around approximately roughly some employ employs employees
    staff people workers team small medium large big local private family what which apply applies
    applying obligation obligations requirement requirements rule rules need needs must should plan
    planning plans do does us also currently now today want know tell manager director head officer
    hi hello hey re ve ll im identify provision provisions applicable comply compliance worry worried
    considering consider preparing prepare next year years soon due lots lot act acts please list
    question questions anything something hit hits affect affects mostly mainly roughly around per
    one two three four five six seven eight nine ten eleven twelve dozen dozens hundred hundreds thousand
    thousands several few many couple comes come goes go went sent gets get got""".split()
)
# Heads that name an organisation of any kind: a match on them alone says nothing about what one does.
_GENERIC = frozenset(
    stem(w)
    for w in """enterprise enterprises company companies firm firms industry industries sector sectors field
    fields project projects unit units plant plants factory factories mill facility facilities business
    businesses organization organizations organisation entity entities operator operators owner owners user
    users producer producers manufacturer manufacturers workshop site sites work key major relevant
    other new existing products product production system systems level levels use used startup startups""".split()
)
# Heads naming an organisation ("units", "enterprises"): "key energy-using units" and "a key energy-using unit" are
# one kind whatever head each writes.
_ORG_HEADS = frozenset(
    stem(w)
    for w in """enterprise enterprises company companies firm firms unit units plant plants factory factories mill
    mills facility facilities business businesses organization organizations organisation organisations entity
    entities operator operators owner owners user users producer producers manufacturer manufacturers institution
    institutions polluter polluters emitter emitters""".split()
)
_PLANNED = re.compile(
    r"\b(?:plan(?:s|ning)?\s+(?:to|a|an|for)|planning|intend\w*|propos\w*|will\s+build|to\s+build|"
    r"(?:a\s+)?new\s+(?:line|plant|project|factory|site|facility|unit|kiln|boiler|building)|expan\w*|"
    r"second\s+(?:line|plant|kiln)|additional\s+(?:line|capacity)|under\s+construction|in\s+design|"
    r"(?:current|ongoing)\s+project|groundworks|(?:are|we're|now)\s+(?:building|constructing))\b",
    re.IGNORECASE,
)
# A provision that ends without ending its sentence ("... a report that includes", "... the following:") is a lead-in
_LEAD_IN_END = re.compile(r"(?:[:\u2014-]|[^.!?;:\"\u201d\u2019')\]\s])$")
_OUTSIDE = re.compile(r"\b(?:outside|not\s+(?:in|inside|within)|beyond)\b", re.IGNORECASE)
_AGENCY_SELF = re.compile(
    r"\b(?:(?:federal|executive|government|executive[- ]branch)\s+(?:agency|department)|an?\s+agency\b|agency\s+head|"
    r"head\s+of\s+(?:an?|the|our)\s+agency|executive\s+department)",
    re.IGNORECASE,
)
# the words that say an agency without saying which ("the head of each agency", "all agencies")
_AGENCY_WORDS = frozenset(stem(w) for w in "agency agencies head heads each all every executive department".split())
_DEALS_WITH = re.compile(
    r"\b(?:by|from|with|to|for|under|via|through|funded|grants?|customers?|clients?|suppliers?|contracts?)\s+"
    r"(?:the\s+|a\s+|an\s+|our\s+)?(?:[\w.-]+\s+){0,2}(?:[\w.-]+\s*\(\s*)?$",
    re.IGNORECASE,
)
# an office named before what it gives or buys ("on NIH/NSF grants", "DOE funding", "EPA contracts"): one dealt with
_ITS_MEANS = re.compile(
    r"(?:\s*/\s*[A-Z][\w.&-]*)*\s+(?:grants?|funding|funds|awards?|contracts?|loans?|programs?|customers?)\b",
    re.IGNORECASE,
)
_YEAR_PHRASE = re.compile(
    r"\b(?:by|before|no later than|not later than|until|in)\s+(?:the end of\s+)?(?:19|20)\d\d\b", re.IGNORECASE
)
_FACET_SPLIT = re.compile(
    r"[,;:.!?()]|(?<![\w\-])(?:and|or|with|in|at|on|for|from|that|which|who|using|uses|use|of|near|inside|"
    r"outside|within|we|our|are|is|have|has|run|runs|operate|operates|make|makes|produce|produces|plus|also|"
    r"but|to|by|into|about|after|before|than)(?![\w\-])",
    re.IGNORECASE,
)
# The English forms of the units sizes are given in ("tons/hour", "tons", "MW"): a size, not what one does.
_UNIT_WORDS = frozenset(f.lower() for u in UNITS.values() for f in (*u.singular, *u.plural) if f)
# A token that is a unit or a measure's abbreviation ("t/h", "m³/day", "GWh", "tce"), not a thing one has.
_UNIT_TOKEN = re.compile(r"^(?:\w*/\w+|\w*[²³]\w*|[kMGT]?Wh|tce|mg|kg|km|MW|GW|kW|pct|PUE)$", re.IGNORECASE)

# Calibrated on the dev profiles (eval/cases/<doc>/obligations/dev.jsonl).
LEXICAL_MIN = 0.8  # share of a facet's informative weight a sentence must hold to count as naming it
SEMANTIC_MIN = 0.7  # cosine between a facet and a phrase of the sentence that counts as naming it
DEFINITION_FACETS = 2  # facets of a profile a document's definition of a term must hold to make it that kind
CONCEPT_WEIGHT = 0.8  # a category the profile's words stand for is a little weaker evidence than its own words
TOPIC_IDF = 1.0  # stems in more than about a third of a document's sentences are its topic, not a facet
SELECT = 0.8  # a provision is listed when the evidence of the profile's facets in it adds up to this much
SECTION_IDF = 1.5  # a section heading's words the document uses less often than this say whom the section is for
OTHERS_SECTION = 0.5  # a provision in a section for another kind of addressee counts for half
IN_PASSING = 0.5  # a facet a sentence tasking the document's own offices names only in passing counts for half
STATED = 2 * SELECT  # a provision that only states (binds and invites no one) needs the evidence of two facets
UNASSIGNED = 0.5  # a provision that gives no one the work (objectives, preamble) counts for half
MAX_ITEMS = 10
SUBITEMS = 12  # items of a lead-in shown under it
# a facet named in more provisions than one answer lists cannot single any out: its evidence thins in proportion
BREADTH = MAX_ITEMS
CHINESE_TERMS = 10  # dictionary words a Chinese profile is matched with, rarest in the plans first
ACTOR_ITEMS = 60  # an office of the document may be given many duties: each is listed
CANDIDATES = 3000  # clauses scored one by one; a larger scope is narrowed by retrieval first


@dataclass
class Quantity:
    """A size the profile gives, in the document's unit spelling: 40 tons/hour of a coal boiler."""

    value: float
    unit: str
    text: str
    subject: str


@dataclass
class Profile:
    """A profile as read: its facets (phrases of what it does and has), sizes, place, stage and who it is."""

    text: str
    facets: list[str] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    inside: list[str] = field(default_factory=list)  # where it is: "industrial park", "rural county"
    outside: list[str] = field(default_factory=list)  # where it says it is not: "industrial park"
    planned: bool = False  # it plans a new or expanded project
    actors: list[str] = field(default_factory=list)  # the documents' actors it is
    agency: bool = False  # it is a government agency (or heads one): what binds "each agency" binds it
    form: dict = field(default_factory=dict)
    # a Chinese profile's dictionary readings: each English word → the Chinese word it reads
    read_from: dict[str, str] = field(default_factory=dict)

    @property
    def own_words(self) -> str:
        """What the profile says of itself, in English: its own text, and a Chinese profile's dictionary readings."""
        return " ".join([_own_text(self.text), *self.read_from])

    @property
    def place_known(self) -> bool:
        return bool(self.inside or self.outside)

    def to_dict(self) -> dict:
        """A JSON-ready dict."""
        d = asdict(self)
        d.pop("form", None)
        return d


@dataclass
class ObligationItem:
    """One provision that applies, with the sentence that applies and why."""

    doc_id: str
    clause_id: str
    label: str
    heading: str
    document: str
    sentence: str  # verbatim from the provision
    condition: str  # the matched condition in words
    strength: str  # "binding" or "promoted" (or "stated")
    cue: str  # the words that set the strength
    deadline: str  # verbatim deadline or year phrase, or ""
    enforced_by: list[str]
    matched: list[str]  # the profile's facets it matched
    why: str = ""  # why the cue binds or invites
    score: float = 0.0
    # the items that complete a lead-in ("... a report that includes: (i) ...; (ii) ..."), shown under it:
    # [{"clause_id", "label", "sentence"}], the sentence verbatim
    subitems: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        """A JSON-ready dict."""
        return asdict(self)


@dataclass
class Obligations:
    """What applies to a profile: the JSON contract of ``policyqa obligations --json``."""

    profile: dict
    must: list[ObligationItem] = field(default_factory=list)
    should_know: list[ObligationItem] = field(default_factory=list)
    plan_wide: list[ObligationItem] = field(default_factory=list)
    ask_back: list[str] = field(default_factory=list)
    nothing_binds: bool = False
    message: str = ""
    text: str = ""
    grounded: bool = True
    doc_ids: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    timings: dict = field(default_factory=dict)

    @property
    def items(self) -> list[ObligationItem]:
        """Every listed provision: must, should know, then plan-wide."""
        return [*self.must, *self.should_know, *self.plan_wide]

    def to_dict(self) -> dict:
        """A JSON-ready dict of every field."""
        return {
            "profile": self.profile,
            "must": [i.to_dict() for i in self.must],
            "should_know": [i.to_dict() for i in self.should_know],
            "plan_wide": [i.to_dict() for i in self.plan_wide],
            "ask_back": self.ask_back,
            "nothing_binds": self.nothing_binds,
            "message": self.message,
            "text": self.text,
            "grounded": self.grounded,
            "doc_ids": self.doc_ids,
            "documents": self.documents,
            "timings": self.timings,
        }


# -- reading a profile ---------------------------------------------------------------------------


def _specific(stems: list[str]) -> list[str]:
    return [s for s in stems if s not in _PROFILE_WORDS and s not in _GENERIC and not s[:1].isdigit()]


# what follows a negation, to the end of its phrase ("no company cars", "no servers on site")
_PHRASE_END = r"[,;:.!?()，。；：！？]"
_NEGATED = re.compile(
    rf"(?:\b(?:no|not|without|never|zero|free of)|\b\w+n['’]t)\s+[^,;:.!?()，。；：！？]*?"
    rf"(?={_PHRASE_END}|\s+(?:and|but|or|while|so)\b|$)",
    re.IGNORECASE,
)
# ... and a list it says it has none of, with the verb saying so ("hold no government contracts, grants or Federal
# leases"): items of a few words each, closed by "or" / "nor"
_ITEM = r"(?:[\w'’/-]+\s+){0,3}[\w'’/-]+"
_NEGATED_LIST = re.compile(
    rf"(?:\b(?:have|has|hold|holds|use|uses|own|owns|run|runs|operate|operates|receive|receives|get|gets)\s+)?"
    rf"\b(?:no|not|without|never)\s+{_ITEM}(?:,\s*(?!but\b){_ITEM})*,?\s+(?:or|nor)\s+{_ITEM}",
    re.IGNORECASE,
)
# the same in Chinese ("我们自己没有数据中心或计算集群"); a bare 不, 无 or 非 opens words too
# ("不列颠", "无人机", "非营利")
_NEGATED_ZH = re.compile(r"(?:没有|并无|不是|不再|不使用|不用|不含|不在|不属于)[^，。；：！？,;:.!?()（）]*")
# A sentence asking about the document itself ("What in the city's plan applies to us?"): its words are
# the document's topic, not the asker's.
_ABOUT_DOCUMENT = re.compile(
    r"\b(?:plan|order|act|regulation|strategy|document|programme|program|law|directive)\b"
    r"|方案|规划|计划|行政令|命令|法案|法律|条例|文件",
    re.IGNORECASE,
)


def _denied(condition: str, profile: Profile) -> bool:
    """Whether the profile says it is not what ``condition`` picks out ("all agencies that fund life-sciences
    research" for "we don't fund life-sciences research")."""
    wanted = {x for x in _specific(content_stems(condition)) if x not in _AGENCY_WORDS}
    if not wanted:
        return False
    for m in _NEGATED.finditer(profile.text):
        said = set(content_stems(m.group(0)))
        if len(wanted & said) >= LEXICAL_MIN * len(wanted):
            return True
    return False


def _own_text(text: str) -> str:
    """The profile without what it says it does not have ("no boilers") and without questions about the
    document ("What in the plan applies to us?")."""
    kept = []
    for sentence in re.split(r"(?<=[.!?;])\s+|(?<=[。！？；])", text):
        if ("?" in sentence or "？" in sentence) and _ABOUT_DOCUMENT.search(sentence):
            continue
        kept.append(_NEGATED_ZH.sub(" ", _NEGATED.sub(" ", _NEGATED_LIST.sub(" ", sentence))))
    return " ".join(kept)


def _facets(text: str) -> list[str]:
    """Phrases of what the profile does and has: the text cut at punctuation, joints and the asker's verbs."""
    out = []
    own = _own_text(text)
    for m in re.finditer(r"[^,;:.!?()]+", own):
        piece_text = m.group(0)
        # a capitalised word that does not open a sentence is a name (a district, a river), not what one does
        initial = not own[: m.start()].strip() or own[: m.start()].rstrip()[-1:] in ".!?"
        toks = re.findall(r"[A-Za-z][\w\-/'’]*", piece_text)
        named = {
            w
            for i, w in enumerate(toks)
            if w[:1].isupper() and not re.search(r"[A-Z]", w[1:]) and not (i == 0 and initial)
        }
        for w in named:
            piece_text = re.sub(rf"(?<![\w\-]){re.escape(w)}(?![\w\-])", " ", piece_text)
        for piece in _FACET_SPLIT.split(piece_text):
            _add_facet(piece, out)
            # an acronym is a term of art on its own ("IaaS" in "a US-based IaaS cloud provider", "HALEU", "CNG")
            for w in re.findall(r"(?<![\w.])[A-Za-z]*[A-Z][a-z]*[A-Z][A-Za-z]*(?![\w.])", piece):
                if len(re.findall(r"[A-Za-z]", w)) >= 2 and w != piece.strip():
                    _add_facet(w, out)
    return list(dict.fromkeys(out))


def _add_facet(piece: str, out: list[str]) -> None:
    """Keep a piece of a profile as a facet when it names something beyond the asker and units."""
    kept = []
    for w in re.findall(r"[A-Za-z][\w\-/'’]*", piece):
        if re.fullmatch(r"(?:i|we|you|they|it|that|there)['’]\w+", w, re.IGNORECASE):
            continue  # "I'm", "we're"
        if w.lower() in STOPWORDS or stem(w) in _PROFILE_WORDS or _UNIT_TOKEN.match(w) or w.lower() in _UNIT_WORDS:
            continue
        kept.append(w)
    if len(kept) == 1 and len(kept[0]) < 2:
        return  # "S" of "U.S.": a letter names nothing
    if len(kept) == 1 and re.fullmatch(r"[a-z]+ed", kept[0]):
        return  # a lone past form ("trained", "pretreated") says what was done, not what one is or has
    if kept and any(stem(w) not in _GENERIC for w in kept):
        out.append(" ".join(kept))


def _quantities(text: str) -> list[Quantity]:
    """Sizes in the profile ("a 40 t/h coal boiler", "energy use of 8,000 tce a year"), in document units."""
    from policyqa.ingest.targets import _quantities as read_quantities

    normal = normalise_units(text)
    out = []
    for q in read_quantities(normal):
        after = re.match(
            # (what follows a preposition is where or on what, not what it measures: "... operations on rented GPUs")
            r"\s*(?!(?:on|in|at|for|of|to|from|by|with|per|over|under|a|an|each|every)\b)((?:[\w\-]+\s+){0,3}?[\w\-]+)"
            r"(?=[,.;:)]|\s+(?:and|with|in|at|that|which|of|for|on|to|from|using|under)\b|$)",
            normal[q.end :],
        )
        before = re.search(r"([\w\-]+(?:\s+[\w\-]+){0,2})\s+(?:of|with|at|rated at|capacity of)\s+$", normal[: q.start])
        subject = (after.group(1) if after else "") or (before.group(1) if before else "")
        out.append(Quantity(q.value, q.unit, q.text, subject.strip()))
    return out


# A department or ministry named by what it is of ("Department of the Interior", "Ministry of Energy")
_DEPARTMENT = re.compile(
    r"\b(?:Department|Dept\.?|Ministry)\s+of\s+((?:the\s+)?[A-Z][\w-]*(?:\s+(?:and\s+)?[A-Z][\w-]*)*)"
)
# A sentence of a profile about someone else: its subject is not the asker ("The Chair of the Regulator has
# authorised an official to share ... with us"): everything before its first verb is that subject.
_FIRST_PERSON = re.compile(r"\s*(?:[\"'(\[-]\s*)?(?:we|i|our|my|us|me)\b", re.IGNORECASE)
_FINITE_VERB = re.compile(
    r"\b(?:has|have|had|is|are|was|were|will|would|may|might|can|could|did|does|shall|must|"
    r"(?!(?:limited|incorporated|registered|united|related|based|owned|funded)\b)[a-z]+ed)\b"
)


def _someone_else(text: str, start: int, end: int) -> bool:
    """Whether the name at ``text[start:end]`` is in the subject of a sentence about someone else than the asker:
    the sentence opens on no "we" or "I", and its first verb comes after the name."""
    begin = max(text.rfind(". ", 0, start), text.rfind("? ", 0, start), text.rfind("! ", 0, start)) + 1
    if _FIRST_PERSON.match(text[begin:]):
        return False
    stop = re.search(r"[.!?](?:\s|$)", text[end:])
    sentence_end = end + stop.start() if stop else len(text)
    verb = _FINITE_VERB.search(text, begin, sentence_end)
    return verb is not None and verb.start() >= end


def read_profile(text: str, form: dict | None = None, registry=None) -> Profile:
    """Read a profile from free text and (optionally) form fields: ``sector``, ``products``, ``equipment``
    (a string or a list of strings / dicts with ``kind``, ``fuel``, ``capacity``, ``unit``), ``location``,
    ``energy_use``, ``ownership``, ``projects``. The form's fields are read as sentences the person might
    have typed, so both take one path."""
    form = dict(form or {})
    parts = [text or ""]
    for key in ("sector", "products", "ownership", "projects", "energy_use"):
        if form.get(key):
            parts.append(f"{form[key]}")
    equipment = form.get("equipment") or []
    for e in [equipment] if isinstance(equipment, (str, dict)) else equipment:
        if isinstance(e, dict):
            size = f"{e.get('capacity', '')} {e.get('unit', '')}".strip()
            parts.append(" ".join(x for x in (size, e.get("fuel", ""), e.get("kind", "")) if x))
        elif e:
            parts.append(str(e))
    location = form.get("location") or ""
    if location:
        parts.append(
            location if re.match(r"(?i)\s*(in|inside|outside|within|at|not)\b", location) else f"in {location}"
        )
    full = ". ".join(p.strip().rstrip(".") for p in parts if p and p.strip())
    found, outside = places(full, named_kind=True)
    # "in a rural county", "outside any industrial park": the place phrase and its side
    inside = []
    for p in found:
        said_outside = _OUTSIDE.search(full[max(0, full.find(p) - 25) : full.find(p)])
        (outside if said_outside else inside).append(p)
    said_out = " ".join(outside).lower()  # "not in urban built-up areas": its "urban" is no place the site is in
    inside += [
        w
        for w in re.findall(r"\b(urban|rural|downtown|suburban)\b", full, re.IGNORECASE)
        if w not in inside and w.lower() not in said_out
    ]
    actors = []
    if registry is not None:
        # the offices it is ("We are the Office of the Secretary of Energy"), not those it deals with ("funded by NSF")
        actors = [
            m.agency.name
            for m in registry.find(full, informal=True)
            if not _DEALS_WITH.search(full[max(0, m.start - 40) : m.start])
            and not _ITS_MEANS.match(full[m.end :])
            and not _someone_else(full, m.start, m.end)
        ]
        # "the U.S. Department of the Interior": a department acts through its head, "the Secretary of the Interior"
        for m in _DEPARTMENT.finditer(full):
            if _DEALS_WITH.search(full[max(0, m.start() - 40) : m.start()]):
                continue
            heads = (registry.spelled(f"{title} of {m.group(1)}") for title in ("Secretary", "Minister"))
            actors += [a.name for a in heads if a is not None]
    # an agency (or an office heading one) is held by what a document asks of "each agency"; which provisions
    # those are is read per sentence (everyone_kind), so "the heads of other relevant agencies" the Secretary
    # consults, or "each agency listed in subsection (a)", are not read as naming it
    agency = bool(_AGENCY_SELF.search(full)) or any(is_agency_office(a) for a in actors)
    return Profile(
        text=full,
        facets=_facets(full),
        quantities=_quantities(full),
        inside=[p for p in inside if p not in outside],
        outside=outside,
        planned=bool(_PLANNED.search(full)),
        actors=list(dict.fromkeys(actors)),
        agency=agency,
        form=form,
    )


# -- matching ------------------------------------------------------------------------------------


def phrases(text: str) -> list[str]:
    """Short phrases of a sentence, cut at punctuation, joints and verbs of being and having: what a
    profile's facets are compared with ("solvent based ink", "non-road mobile diesel machinery")."""
    out = []
    for piece in _FACET_SPLIT.split(text):
        kept = [w for w in re.findall(r"[A-Za-z][\w\-/']*", piece) if w.lower() not in STOPWORDS]
        if kept and len(kept) <= 9 and any(stem(w) not in _GENERIC for w in kept):
            out.append(" ".join(kept))
    return list(dict.fromkeys(out))


def _members(named: list[str]) -> tuple[frozenset[str], ...]:
    """The kinds a sentence's addressee phrases list, each as its specific stems: "key coal industries such as
    steel, chemicals and cement" lists "steel", "chemicals", "cement". A profile holding all the words of one
    of them is named by the sentence, however long its own phrase ("a city-owned steel group")."""
    out = []
    heads = cues().heads
    for p in named:
        for part in re.split(r",|;|\s(?:and|or|such as|including|like)\s", p):
            # a head alone ("providers", "developers") names no kind: its modifiers do ("chemical industries")
            kept = " ".join(w for w in re.findall(r"[A-Za-z][\w\-]*", part) if not heads.match(w))
            stems = frozenset(_specific(content_stems(kept)))
            if stems and len(stems) <= 3:
                out.append(stems)
            # a kind of equipment with what it burns or is made for, up to what qualifies it ("gas-fired boilers
            # with low nitrogen"): its head with its modifiers, "-fired" read as the fuel it burns ("gas")
            core = re.findall(r"[A-Za-z][\w\-]*", _POST_MODIFIER.split(part)[0])
            if core and heads.match(core[-1]):
                mods = frozenset(x for x in _specific(content_stems(" ".join(core[:-1]))) if x != "fire")
                if 1 <= len(mods) <= 3:
                    out.append(mods | {stem(core[-1].lower())})
    return tuple(dict.fromkeys(out))


_POST_MODIFIER = re.compile(r"\s(?:with|that|which|whose|below|over|above|under|in|for|of)\b")


@dataclass
class _Sentence:
    clause: Clause
    a: Applicability
    stems: frozenset[str]
    addressee_stems: frozenset[str]
    chunks: list[str]
    acting: frozenset[str] = frozenset()  # the actors it tells to act (the provision's, when it names none)
    wide: str = ""  # "agencies" or "enterprises": it addresses every one of them (everyone_kind)
    wide_phrase: str = ""  # the words that say so ("heads of agencies"), verbatim
    members: tuple[frozenset[str], ...] = ()  # the specific stems of each kind it names ("steel", "cement")
    made_by: tuple[str, str] = ("", "")  # for a duty on a thing an office produces: the thing, the producing clause
    # for a duty on those a list picks ("the head of each agency listed in subsection (a)", "Task Force members"):
    # each office the list names, with the provision naming it
    listed: dict[str, str] = field(default_factory=dict)


@dataclass
class _Doc:
    sentences: list[_Sentence]
    df: dict[str, int]  # in how many sentences each stem is
    chunk_texts: list[str]
    chunk_of: np.ndarray  # sentence index of each chunk
    postings: dict[str, np.ndarray] = field(default_factory=dict)  # stem → the sentences holding it
    everyone: set[int] = field(default_factory=set)  # sentences addressing everyone the document governs
    vectors: np.ndarray | None = None
    title_stems: frozenset[str] = frozenset()  # the words of the document's title: its topic, not a facet
    office_rows: list[int] = field(default_factory=list)  # sentences of provisions tasking the document's offices
    definitions: dict[int, str] = field(default_factory=dict)  # sentences defining a term → the term
    recitals: set[int] = field(default_factory=set)  # sentences of a preamble ("Whereas ...", recitals)
    provision_of: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # each sentence's provision
    kinds: dict[frozenset[str], tuple[str, list[int]]] = field(default_factory=dict)  # designated kinds: see _kinds

    def idf(self, s: str) -> float:
        import math

        return math.log((len(self.sentences) + 1) / (self.df.get(s, 0) + 0.5))


@dataclass
class Facet:
    """A phrase of the profile matched against the plan: its text, informative stems and origin."""

    text: str
    stems: list[str]
    concept: bool = False  # a category the profile's words stand for ("volatile organic compounds")
    said: str = ""  # for a concept, the profile's own words
    defined_in: str = ""  # for a term the document defines, the provision defining it ("Sec. 3(k)")
    read_from: str = ""  # for a dictionary reading of a Chinese profile, the Chinese word it reads
    rows: tuple[int, ...] = ()  # for a kind the document addresses by name, the sentences addressing it


@dataclass
class _Match:
    s: _Sentence
    score: float
    matched: list[str]
    actor: list[str]
    semantic: float
    facet: Facet | None = None
    per_facet: dict[str, float] = field(default_factory=dict)  # each facet's score in this sentence


def _kinds(sentences: list[_Sentence]) -> dict[frozenset[str], tuple[str, list[int]]]:
    """The kinds of organisation a document addresses by a name of several words ("key energy-using units",
    "key pollutant discharge enterprises"), each as the stems before its head, with the sentences addressing it.
    A profile that says it is one ("we are a designated key energy-using unit") is bound by those sentences,
    though each of the name's words alone is too common to single it out."""
    out: dict[frozenset[str], tuple[str, list[int]]] = {}
    for i, s in enumerate(sentences):
        for phrase in s.a.addressees:
            stems = content_stems(phrase)
            if not stems or stems[-1] not in _ORG_HEADS:
                continue
            core = frozenset(x for x in stems if x not in _ORG_HEADS)
            if len(core) >= 2 and core - _GENERIC - _PROFILE_WORDS:
                out.setdefault(core, (phrase, []))[1].append(i)
    return out


# A sentence binding a thing rather than anyone: "An emissions reduction plan must contain ...", "Each target must
# represent ...". Its subject, up to what qualifies it ("for 2030", "relating to 2030", "used to report ...").
_THING_SUBJECT = re.compile(
    r"^(?:(?:subject|further)\s+to\s+[^,]*,\s*)?(?:each|every|any|an?|the|such)\s+(?P<thing>[^,;:]{3,120}?)\s+"
    r"(?:must|shall)\b",
    re.IGNORECASE,
)
_QUALIFIER = re.compile(r"\s+(?:for|of|relating|related|referred|under|that|which|used|made|set|prepared|in)\b.*$")
# What an office is made to produce: a document, a figure or a finding, not an organisation that acts itself.
_PRODUCED = frozenset(
    stem(w)
    for w in """plan plans report reports target targets objective objectives strategy strategies assessment
    assessments methodology methodologies statement statements update updates guidance guideline guidelines rule
    rules regulation regulations standard standards framework frameworks programme programmes program programs
    policy policies list lists review reviews summary summaries notice notices study studies recommendation
    recommendations budget budgets inventory inventories projection projections measure measures""".split()
)


_DETERMINERS = frozenset("a an the such each every any its their this that these those".split())


def _singular_words(text: str) -> list[str]:
    """Every word but articles and determiners, in the singular ("an emissions reduction plan" → emission reduction
    plan); other forms stay apart ("reporting requirements" names no report)."""
    out = []
    for w in re.findall(r"[a-z0-9]+", text.lower()):
        if w not in _DETERMINERS:
            out.append(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w)
    return out


def _produced_by(sentences: list[_Sentence]) -> None:
    """A duty laid on a thing an office is made to produce binds that office: "An emissions reduction plan must
    contain ..." binds the Minister, whom "The Minister must establish an emissions reduction plan" makes produce it.
    The producer is the nearest sentence (before it first) naming who must act with the thing right after its verb."""
    tasked = [
        (i, _singular_words(re.split(r"\b(?:must|shall)\b", s.a.sentence, maxsplit=1)[-1]))
        for i, s in enumerate(sentences)
        if s.acting and re.search(r"\b(?:must|shall)\b", s.a.sentence)
    ]
    for at, s in enumerate(sentences):
        if s.acting or s.a.strength != "binding":
            continue
        m = _THING_SUBJECT.match(s.a.sentence)
        if not m:
            continue
        thing = _singular_words(_QUALIFIER.sub("", m.group("thing")))
        if not 1 <= len(thing) <= 6 or stem(thing[-1]) not in _PRODUCED:
            continue
        section = s.clause.clause_id.split("(")[0]
        # the nearest mention before it first ("the plan" is the one just made), then after it
        for i, after in sorted(tasked, key=lambda t: (t[0] > at, abs(t[0] - at))):
            o = sentences[i]
            if o.clause is s.clause or (len(thing) == 1 and o.clause.clause_id.split("(")[0] != section):
                continue  # one word ("the plan", "such reports") names the thing of its own section only
            # the thing is what the verb makes, right after it and its modifiers ("must set a national ... target"),
            # not a word further on ("shall propose regulations that require providers to submit a report")
            if any(after[k : k + len(thing)] == thing for k in range(1, 4)):
                s.acting = o.acting
                s.made_by = (_QUALIFIER.sub("", m.group("thing")), o.clause.clause_id)
                break


# A duty on those a list picks: "each agency listed in subsection (a)" (the list the provision cites), or the
# members of a body ("Task Force members shall", "the members of the Council shall"), whose list is the
# provision saying what the body consists of.
_PICKED_BY_LIST = re.compile(r"\blisted\s+(?:in|under)\b", re.IGNORECASE)
_MEMBERS_OF = re.compile(
    r"\b(?:(?P<before>(?:[A-Z][\w-]*\s+){0,4}[A-Z][\w-]*)\s+members|members\s+of\s+the\s+"
    r"(?P<after>(?:[A-Z][\w-]*\s+){0,4}[A-Z][\w-]*))\s+(?:shall|must|will)\b"
)
_CONSISTS = re.compile(r"\b(?:shall\s+consist|consists?|is\s+composed|shall\s+be\s+composed|comprises?)\s+of\b")


def _picked_by_lists(sentences: list[_Sentence], registry, children) -> None:
    """Read, for each sentence binding those a list picks, the offices that list names (``_Sentence.listed``);
    ``children`` gives the items of a provision."""
    if registry is None:
        return
    by_id = {s.clause.clause_id: s.clause for s in sentences}

    def named(lists: list[Clause]) -> dict[str, str]:
        out: dict[str, str] = {}
        for c in lists:
            for part in [c, *children(c)]:
                for m in registry.find(part.text):
                    out.setdefault(m.agency.name, part.clause_id)
        return out

    for s in sentences:
        if s.a.strength != "binding":
            continue
        if _PICKED_BY_LIST.search(s.a.sentence) and s.clause.cites:
            s.listed = named([by_id[c] for c in s.clause.cites if c in by_id])
            continue
        m = _MEMBERS_OF.search(s.a.sentence)
        if m:
            body = re.sub(r"^(?:The|Each|All|Any)\s+", "", m.group("before") or m.group("after"))
            lists = [
                c
                for c in by_id.values()
                if body in c.text and _CONSISTS.search(c.text[c.text.find(body) :][:120]) and c is not s.clause
            ]
            s.listed = named(lists[:1])


def _named_to_act(who: list[str], s: _Sentence) -> str:
    """Why a sentence binds the offices ``who``: it names them, or it binds a thing another provision makes them
    produce (cited, so that the grounding check reads the office there)."""
    thing, producer = s.made_by
    if producer:
        return f"it binds the {thing}, which {_join(who)} is to produce [{producer}]"
    on_list = [a for a in who if a in s.listed and a not in s.acting]
    if on_list:
        return "; ".join(f"it binds those listed, and {a} is listed [{s.listed[a]}]" for a in on_list)
    return f"{_join(who)} is named to act"


def _kind(profile: Profile) -> str:
    """Whom the profile is among those a sentence for everyone addresses: "agencies" for an agency, "enterprises"
    for an enterprise (a profile that is another of the document's offices is neither)."""
    return "agencies" if profile.agency else ("" if profile.actors else "enterprises")


_NOT_VERBS = frozenset({"including", "during", "regarding", "concerning", "following", "according", "notwithstanding"})


def _is_action(sentence: str) -> bool:
    """Whether an item of a lead-in is an act of its own ("using contracts to ...", "establish a ...", "the Secretary
    shall ..."), not a part of its lead-in's act (a date, a report's contents, a consideration)."""
    first = re.match(r"\W*([A-Za-z]+)", sentence)
    word = first.group(1) if first else ""
    if word[:1].islower() and (word in cues().verbs or (word.endswith("ing") and word not in _NOT_VERBS)):
        return True  # an item that opens on its verb ("using ...", "establish ..."); "Doing so requires" is a sentence
    return bool(re.search(r"\b(?:shall|must)\b", sentence))


def _join(names: list[str]) -> str:
    names = list(dict.fromkeys(names))
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _threshold_side(th: Threshold, value: float, sentence: str) -> bool:
    """Whether a size falls on the covered side of a threshold ("below 35" covers 20; "over 65" covers 70)."""
    inclusive = bool(
        re.search(
            r"\b(?:and|or)\s+(?:above|over|more|below|under|less)\b|at least|not less|no less|at most|not more|"
            r"no more|not exceed",
            sentence,
            re.IGNORECASE,
        )
    )
    if th.direction == "at most":
        return value <= th.value if inclusive else value < th.value
    return value >= th.value if inclusive else value > th.value


def _shown(item: ObligationItem) -> str:
    """How a provision is named in the text: its printed label, unless the label has numbers its id has not
    ("Preamble, para. 11" for "preamble.11"), which the grounding check would read as figures."""
    return item.clause_id if re.search(r"\d", item.label.replace(item.clause_id, "")) else item.label


def _stems_meet(phrase: str, profile: Profile) -> bool:
    """Whether a phrase of the document shares a specific word with the profile ("coal-fired boilers", "a boiler")."""
    mine = {x for f in profile.facets for x in _specific(content_stems(f))}
    return bool(mine & set(_specific(content_stems(phrase))))


def _head(phrase: str) -> str:
    """The last word of a phrase before its qualifier ("coal-fired boilers below 35 tons/hour" → "boilers")."""
    core = re.split(r"\s+(?:below|over|above|under|with|whose|of|that|which)\b", phrase)[0]
    return (core.split() or ["equipment"])[-1]


def _facet_head(f: Facet) -> str:
    """The stem of what a facet is ("boiler" of "10 t/h coal-fired boiler for brewhouse steam"); "" when that word
    is a generic one ("plant", "group": the modifiers say what it is) or not among its stems."""
    core = re.split(r"\s+(?:for|below|over|above|under|with|whose|of|that|which|in|at|on)\b", f.text)[0]
    last = re.findall(r"[A-Za-z][\w\-]*", core)
    head = stem(last[-1].lower()) if last else ""
    return head if head in f.stems else ""


def _line_phrase(sentence: str, th: Threshold) -> str:
    """The words of a sentence that draw a line, verbatim ("coal-fired boilers over 65 tons/hour")."""
    at = sentence.find(th.value_text)
    if at < 0:
        return th.value_text
    before = re.split(r",|;|\band\b|\bby\b|\bthe\b|\bwith\b|\beliminated\b|\bupgrade\b", sentence[:at])[-1]
    words = before.split()[-5:]
    return (" ".join(words) + " " + th.value_text).strip()


def _nested_sum(evidence: dict[str, float]) -> float:
    """The evidence of a profile's facets in a provision, a facet whose words another holds counted once with it
    ("eligibility" within "eligibility system" is one thing the profile says, not two)."""
    groups: list[tuple[set[str], float]] = []
    for f in sorted(evidence, key=lambda f: -len(content_stems(f))):
        words = set(content_stems(f))
        at = next((k for k, (held, _) in enumerate(groups) if words and words <= held), None)
        if at is None:
            groups.append((words, evidence[f]))
        else:
            groups[at] = (groups[at][0], max(groups[at][1], evidence[f]))
    return sum(v for _, v in groups)


def _other_kind(mine: str, th: Threshold) -> bool:
    """Whether the thing a size is of and the thing a line is drawn for are different kinds of one head: each has a
    word the other lacks (a "natural gas boiler" is none of the "coal-fired boilers over 65 tons/hour"; a
    "coal-fired steam boiler" is one, and a plain "boiler" may be)."""
    sized = th.subject.split(th.value_text)[0] if th.value_text in th.subject else th.subject
    a = content_stems(mine)
    b = content_stems(re.split(r"\band\b|\bor\b|[,;]", sized)[-1])  # the last of a list is what the size is of
    if not a or not b or a[-1] != b[-1]:
        return False
    return bool(set(a[:-1]) - set(b[:-1])) and bool(set(b[:-1]) - set(a[:-1]))


def _line_word(th: Threshold) -> str:
    return "below" if th.direction == "at most" else "over"


class ObligationFinder:
    """Matches profiles against the provisions of a :class:`~policyqa.engine.core.PolicyQA`'s live index."""

    def __init__(self, qa) -> None:
        self.qa = qa
        self._of = None
        self._docs: dict[str, _Doc] = {}

    def _index(self) -> dict[str, _Doc]:
        """Every sentence of every provision with its stems and phrases, per document (once per index load)."""
        from collections import Counter

        clauses = self.qa.index.clauses
        if self._of is clauses:
            return self._docs
        by_doc: dict[str, list[_Sentence]] = {}
        for c in clauses:
            applies = c.applies or read_applicability(c)  # an index written before applicability was read
            for a in applies:
                wide, phrase = everyone_kind(a.sentence)
                if not wide and c.context and a.cue and a.cue in c.context:  # an item taking its duty from the lead-in
                    wide, phrase = everyone_kind(c.context)
                    phrase = phrase if phrase in a.sentence else ""
                    wide = "" if wide == "agencies if" and not phrase else wide
                by_doc.setdefault(c.doc_id, []).append(
                    _Sentence(
                        c,
                        a,
                        frozenset(content_stems(a.sentence)),
                        frozenset(s for p in a.addressees for s in content_stems(p)),
                        phrases(a.sentence),
                        frozenset(a.actors or [*c.lead, *c.responsible]),
                        wide,
                        phrase,
                        _members(a.addressees),
                    )
                )
        docs = {}
        for d, ss in by_doc.items():
            _produced_by(ss)
            _picked_by_lists(ss, self.qa.registry, self.qa.children)
            df = Counter(x for s in ss for x in s.stems)
            texts = [ch for s in ss for ch in s.chunks]
            of = np.array([i for i, s in enumerate(ss) for _ in s.chunks], dtype=np.int64)
            postings: dict[str, list[int]] = {}
            for i, s in enumerate(ss):
                for x in s.stems:
                    postings.setdefault(x, []).append(i)
            everyone = {i for i, s in enumerate(ss) if s.wide}
            title = frozenset(content_stems(self.qa.index.titles.get(d, "")))
            office = [
                i
                for i, s in enumerate(ss)
                if not s.clause.responsibility_text and (s.clause.lead or s.clause.responsible)
            ]
            docs[d] = _Doc(
                ss,
                dict(df),
                texts,
                of,
                {k: np.array(v) for k, v in postings.items()},
                everyone,
                title_stems=title,
                office_rows=office,
                definitions={i: t for i, s in enumerate(ss) if (t := defined_kind(s.a.sentence))},
                recitals={i for i, s in enumerate(ss) if s.clause.preamble},
                provision_of=np.unique([s.clause.clause_id for s in ss], return_inverse=True)[1],
                kinds=_kinds(ss),
            )
        self._docs, self._of = docs, clauses
        return docs

    def _doc_vectors(self, d: _Doc) -> np.ndarray:
        """The embeddings of a document's phrases (computed on first use, then kept)."""
        if d.vectors is None:
            d.vectors = self.qa.index.text_vectors(d.chunk_texts) if d.chunk_texts else np.zeros((0, 384))
        return d.vectors

    def warm(self) -> None:
        """Embed every document's phrases now (a server does this before its first profile)."""
        for d in self._index().values():
            self._doc_vectors(d)

    def find(self, text: str, doc: str | None = None, form: dict | None = None) -> Obligations:
        """What applies to the profile in ``text`` (and ``form``) under document ``doc`` (else every
        indexed document)."""
        from policyqa.errors import PolicyQAError

        t0 = time.perf_counter()
        qa = self.qa
        profile = read_profile(text, form, qa.registry)
        if re.search(r"[\u4e00-\u9fff]", profile.text):
            # a Chinese profile is matched through the plans' own English words for its words (glossary, dictionary)
            # (its question about the document, "这项行政令对我们有哪些要求？", is not about the asker)
            own = _own_text(profile.text)
            reader = qa._chinese()
            glossed = qa.glossary.english_terms(own)  # a term the corpus glossary gives is the plan's own wording
            read = [w for w in reader.english_terms(own)[:CHINESE_TERMS] if not re.fullmatch(r"[\d.,]+", w)]
            readings = reader.word_readings(own)
            source: dict[str, str] = {}
            for word, found in readings:
                # a word and the longer word holding it ("语言" in "大语言") are one word of the profile
                whole = max((w for w, _ in readings if word in w), key=len)
                for w, _score in found:
                    source.setdefault(w, whole)
            english = []
            for term in [*glossed, *read]:
                kept: list[str] = []
                _add_facet(term, kept)  # kept as an English profile's words are: no units, no asker's words
                if kept == [term]:
                    english.append(term)
            profile.read_from = {w: source.get(w, w) for w in english if w in read and w not in glossed}
            # its sizes ("一台4吨/小时的天然气锅炉"), read as an English profile's are
            profile.quantities += _quantities(". ".join(quantities_read(own)))
            profile.facets = list(dict.fromkeys([*profile.facets, *english]))
        if not re.search(r"\w", profile.text):
            raise PolicyQAError(
                "The profile is empty.", 'describe your enterprise, e.g. "a printing plant using solvent inks"'
            )
        docs_index = self._index()
        if doc is not None and doc not in docs_index:
            known = ", ".join(docs_index)
            raise PolicyQAError(
                f"No document {doc!r} in the index.", f"use one of: {known} (policyqa docs lists them)."
            )
        docs = [doc] if doc else list(docs_index)
        # a body acts through its head: "the EPA" is also its Administrator ("the Administrator of the EPA shall")
        heads = [o for a in profile.actors for o in qa.officials_of(a, set(docs))]
        # an office a defined term stands for is that term ("Minister means the Minister of the Environment or ...")
        defined = [
            actor["name"]
            for d in docs
            for actor in qa.index.state.docs.get(d, {}).get("actors", [])
            if actor.get("defined_as")
            and any(re.match(rf"(?:the\s+)?{re.escape(a)}\b", actor["defined_as"]) for a in profile.actors)
        ]
        profile.actors = list(dict.fromkeys([*profile.actors, *heads, *defined]))
        t_read = time.perf_counter()
        matches: list[_Match] = []
        for d in docs:
            matches += self._match(profile, docs_index[d])
        t_match = time.perf_counter()
        result = self._compose(profile, matches, docs)
        result.timings = {
            "read_ms": round((t_read - t0) * 1000, 2),
            "match_ms": round((t_match - t_read) * 1000, 2),
            "total_ms": round((time.perf_counter() - t0) * 1000, 2),
        }
        return result

    def facets(self, profile: Profile, d: _Doc) -> list[Facet]:
        """The profile's facets worth matching in a document: its own phrases without the words the document
        uses everywhere (its topic) and without places, plus the categories its words stand for."""
        out: list[Facet] = []
        place_stems = {x for p in [*profile.inside, *profile.outside] for x in content_stems(p)}
        for f in profile.facets:
            stems = [x for x in _specific(content_stems(f)) if d.idf(x) >= TOPIC_IDF]
            if not stems or set(stems) <= place_stems:
                continue
            if set(stems) <= d.title_stems:
                continue  # the document's own title words ("energy conservation" in an energy-conservation plan)
            if all(cues().places.match(w) for w in re.findall(r"[A-Za-z][\w\-]*", f) if w.lower() not in STOPWORDS):
                continue  # "area", "districts": where, said without saying which kind of place
            if self._is_office(f):
                continue  # an office it deals with ("funded by NIH and NSF"): who it deals with, not what it does
            if all(w[:1].isupper() for w in re.findall(r"[A-Za-z][\w\-]*", f)) and not re.search(r"[A-Z]{2}", f):
                continue  # a proper name (a district, a river) is where, not what
            out.append(Facet(f, stems, read_from=profile.read_from.get(f, "")))
        # a kind the document addresses by name that the profile says it is, in one of its sentences
        pieces = [content_stems(p) for p in re.split(r"[,;:.!?()]", _own_text(profile.text))]
        for core, (phrase, rows) in d.kinds.items():
            # its words right before a head, as a name is written ("a key energy-using unit")
            if any(
                set(p[k - len(core) : k]) == core
                for p in pieces
                for k in range(len(core), len(p))
                if p[k] in _ORG_HEADS
            ):
                out.append(Facet(phrase, sorted(core), rows=tuple(rows)))
        for said, means in concepts_of(profile.own_words):
            for m in means:
                # a category is matched by all its words ("new buildings", not "build" alone: "Build a team")
                out.append(Facet(m, content_stems(m), True, said))
        return out

    def _is_office(self, facet: str) -> bool:
        """Whether a facet is just the name of one of the documents' offices ("NSF", "the Department")."""
        registry = self.qa.registry
        if registry is None:
            return False
        rest = facet
        for m in registry.find(facet, informal=True):
            rest = rest.replace(facet[m.start : m.end], " ")
        return rest != facet and not re.search(r"[A-Za-z]{2}", rest)

    def _match(self, profile: Profile, d: _Doc) -> list[_Match]:
        facets = self.facets(profile, d)
        score, sem = self._scores(d, facets)
        defined = self._defined_kinds(d, facets, score)
        if defined:
            facets = facets + defined
            score, sem = self._scores(d, facets)
        candidates = set(np.nonzero(score.max(axis=1) > 0)[0].tolist()) if facets else set()
        candidates -= set(d.definitions)  # a definition says what a word means; it binds no one
        candidates -= d.recitals  # nor does a recital: it gives the reasons for the articles that do
        kinds = {"agencies", "agencies if"} if profile.agency else {_kind(profile)}
        candidates |= {i for i in d.everyone if d.sentences[i].wide in kinds}
        if profile.actors:
            candidates |= {i for i, s in enumerate(d.sentences) if set(profile.actors) & (s.acting | set(s.listed))}
        out: list[_Match] = []
        for i in sorted(candidates):
            s = d.sentences[i]
            per = {f.text: float(score[i, j]) for j, f in enumerate(facets) if score[i, j] > 0}
            matched = list(dict.fromkeys(f.said or f.text for j, f in enumerate(facets) if score[i, j] > 0))
            best_j = int(np.argmax(score[i])) if per else -1
            actor = [a for a in profile.actors if a in s.acting or a in s.listed]
            out.append(
                _Match(
                    s,
                    float(score[i, best_j]) if per else 0.0,
                    matched,
                    actor,
                    float(sem[i, best_j]) if per else 0.0,
                    facets[best_j] if per else None,
                    per,
                )
            )
        return out

    def _defined_kinds(self, d: _Doc, facets: list[Facet], score: np.ndarray) -> list[Facet]:
        """The terms a document defines whose definition holds several of the profile's own facets: a model
        "trained on broad data" with "billions of parameters" is what the order calls a "dual-use foundation
        model", and what binds those binds it."""
        out = []
        own = [j for j, f in enumerate(facets) if not f.concept]
        for i, term in d.definitions.items():
            held = [facets[j].text for j in own if score[i, j] > 0]
            if len(held) >= DEFINITION_FACETS and stem(term.lower()) not in {x for f in facets for x in f.stems}:
                out.append(Facet(term, content_stems(term), True, ", ".join(held), d.sentences[i].clause.display_id))
        return out

    def _scores(self, d: _Doc, facets: list[Facet]) -> tuple[np.ndarray, np.ndarray]:
        """How strongly each sentence of ``d`` names each facet (sentences × facets), and the cosine part of it."""
        n = len(d.sentences)
        sem = np.zeros((n, len(facets)))
        lex = np.zeros((n, len(facets)))
        if facets and d.chunk_texts:
            fv = self.qa.index.text_vectors([f.text for f in facets])  # (cached: categories recur across profiles)
            sims = self._doc_vectors(d) @ fv.T  # phrases × facets
            # each sentence's best phrase (a sentence's phrases are consecutive rows)
            starts = np.flatnonzero(np.r_[True, d.chunk_of[1:] != d.chunk_of[:-1]])
            sem[d.chunk_of[starts]] = np.maximum.reduceat(sims, starts, axis=0)
        for j, f in enumerate(facets):  # the share of a facet's weight each sentence holds, from the postings
            if f.rows:
                lex[list(f.rows), j] = 1.0  # a kind named: where the document addresses it, not where its words are
                continue
            total = sum(d.idf(x) for x in f.stems)
            rows_of = [d.postings[x] for x in f.stems if x in d.postings]
            for x in f.stems:
                rows = d.postings.get(x)
                if rows is not None and total:
                    lex[rows, j] += d.idf(x) / total
            # a kind the sentence lists whose every word the facet holds names the facet ("steel" in "such as steel"
            # names "a city-owned steel group") when it holds the facet's head: "natural gas" listed among fuels
            # does not name a "natural gas boiler"
            held, head = set(f.stems), _facet_head(f)
            for i in set(np.concatenate(rows_of).tolist()) if rows_of else ():
                if lex[i, j] < 1.0 and any(
                    m <= held and (not head or head in m) and all(d.idf(x) >= TOPIC_IDF for x in m)
                    for m in d.sentences[i].members
                ):
                    lex[i, j] = 1.0
        # a sentence setting a duty for one of the document's own offices ("the Secretary shall ...") concerns an
        # enterprise only where it addresses it ("require United States IaaS Providers to ..."): there, a facet is
        # read in whom the sentence addresses, not in any word it uses in passing ("AI-related education, training")
        passing = np.zeros((n, len(facets)), dtype=bool)
        for i in d.office_rows:
            s = d.sentences[i]
            held = s.addressee_stems
            for j, f in enumerate(facets):
                if lex[i, j] >= 1.0 and s.members and any(m <= set(f.stems) for m in s.members):
                    continue
                total = sum(d.idf(x) for x in f.stems)
                addressed = sum(d.idf(x) for x in f.stems if x in held) / total if total else 0.0
                if addressed < LEXICAL_MIN - 1e-9:  # named in passing: half the evidence, one such word lists nothing
                    passing[i, j] = True
        weight = np.array([CONCEPT_WEIGHT if f.concept else 1.0 for f in facets])
        score = np.maximum(np.where(lex >= LEXICAL_MIN - 1e-9, lex, 0.0), np.where(sem >= SEMANTIC_MIN, sem, 0.0))
        score = np.where(passing, score * IN_PASSING, score)
        # a category the profile's words stand for ("pollutant discharge" for a boiler) is evidence only in a sentence
        # that binds or invites; a plain statement of the government's own work ("data on pollutant discharge
        # permits") names the category without addressing anyone; nor does an invitation addressed to no one
        # ("promote ... for the management of stationary pollution sources": the government's management)
        stated = np.array(
            [s.a.strength == "stated" or (s.a.strength == "promoted" and not s.a.addressees) for s in d.sentences],
            dtype=bool,
        )
        concept = np.array([f.concept for f in facets], dtype=bool)
        if facets:
            score = np.where(stated[:, None] & concept[None, :], 0.0, score)
        score = score * weight if facets else score
        if facets:
            # a facet found in many provisions is what the document is about, not what singles you out: its evidence
            # is shared among them ("climate" in a climate Act, "buildings" in a plan with a buildings chapter)
            breadth = np.array([len(set(d.provision_of[score[:, j] > 0].tolist())) for j in range(len(facets))])
            score = score * np.minimum(1.0, BREADTH / np.maximum(breadth, 1))[None, :]
        # one word of a Chinese profile read through the dictionary is one sense among many ("收" → "receive"): it
        # counts where the sentence holds a second of the profile's words too, read from another Chinese word or
        # written out (a glossary term, an English name in the profile)
        read = [j for j, f in enumerate(facets) if f.read_from]
        if read:
            held = score > 0
            sources = {f.read_from for f in facets if f.read_from}
            per_source = np.stack([held[:, [j for j in read if facets[j].read_from == w]].any(axis=1) for w in sources])
            other = held[:, [j for j in range(len(facets)) if not facets[j].read_from]].any(axis=1)
            confirmed = (per_source.sum(axis=0) + other) >= 2
            score[:, read] = np.where(confirmed[:, None], score[:, read], 0.0)
        return score, sem

    # matches → the answer
    def _compose(self, profile: Profile, matches: list[_Match], docs: list[str]) -> Obligations:
        qa = self.qa
        titles = qa.index.titles
        result = Obligations(profile.to_dict(), doc_ids=docs, documents=[titles.get(d, d) for d in docs])
        by_clause: dict[tuple[str, str], list[_Match]] = {}
        for m in matches:
            by_clause.setdefault((m.s.clause.doc_id, m.s.clause.clause_id), []).append(m)
        acting = [a for a in profile.actors if any(a in m.actor for m in matches)]
        consulted = [a for a in profile.actors if any(a in m.s.clause.consulted for m in matches)]
        specific, wide, asked = self._by_facets(profile, by_clause)
        if acting or (profile.agency and any(m.s.wide.startswith("agencies") for m in matches)):
            # the profile is one of the document's actors: what it is told to do, and where it is consulted
            result = self._as_actor(result, profile, by_clause, acting, consulted)
            if not acting:
                self._described_duties(result, specific)
            result.text = self._render(result, profile)
            return result
        for _score, group, item in specific[:MAX_ITEMS]:
            (result.must if group == "must" else result.should_know).append(item)
        self._complete_lead_ins(result)
        if consulted:  # a body the document consults, told nothing to do: what concerns it, and where it is heard
            listed = {(i.doc_id, i.clause_id) for i in [*result.must, *result.should_know]}
            for key, ms in by_clause.items():
                who = [a for a in consulted if a in ms[0].s.clause.consulted]
                if who and key not in listed:
                    m = ms[0]
                    result.should_know.append(
                        self._item(m.s.clause, m, m.s.a.strength, f"{_join(who)} is to be consulted")
                    )
        result.ask_back = list(dict.fromkeys(asked))
        if not result.must:
            result.nothing_binds = True
            result.message = "Nothing in this plan binds you specifically."
            result.plan_wide = wide[:6]
        result.text = self._render(result, profile)
        return result

    def _complete_lead_ins(self, result: Obligations) -> None:
        """Show under each listed provision that ends in a lead-in ("... a report that includes:", "... regarding
        the following:") the items that complete it, unless listed on their own: the duty is the lead-in with its
        items, and a lead-in alone says nothing of what is owed."""
        listed = {(i.doc_id, i.clause_id) for i in result.items}
        for item in [*result.must, *result.should_know]:
            parent = self.qa.index.by_key[f"{item.doc_id}:{item.clause_id}"]
            children = self.qa.children(parent)
            if not children or not _LEAD_IN_END.search(parent.text.rstrip()):
                continue
            for child in children[:SUBITEMS]:
                said = body_sentences(child)
                if (child.doc_id, child.clause_id) in listed or not said:
                    continue
                item.subitems.append({"clause_id": child.clause_id, "label": child.display_id, "sentence": said[0]})

    def _described_duties(self, result: Obligations, specific: list[tuple[float, str, ObligationItem]]) -> None:
        """An agency that describes its work without naming itself ("we run the oil and gas lease sales on public
        lands"): the duties of the document's offices that speak of that work, binding if it is that office,
        which is asked back."""
        listed = {(i.doc_id, i.clause_id) for i in [*result.must, *result.should_know]}
        for _score, _group, item in specific[:MAX_ITEMS]:
            if (item.doc_id, item.clause_id) in listed or not item.enforced_by:
                continue
            who = _join(item.enforced_by[:2])
            item.condition = f"{item.condition}; binding if you are the {who}"
            result.should_know.append(item)
            result.ask_back.append(f"Are you the {who}? ({item.clause_id})")
        result.ask_back = list(dict.fromkeys(result.ask_back))

    def _by_facets(
        self, profile: Profile, by_clause: dict[tuple[str, str], list[_Match]]
    ) -> tuple[list[tuple[float, str, ObligationItem]], list[ObligationItem], list[str]]:
        """The provisions the profile's facets select, best first as (score, group, item); those addressing
        everyone the document governs; and the questions to ask back."""
        asked: list[str] = []
        specific: list[tuple[float, str, ObligationItem]] = []
        wide: list[ObligationItem] = []
        for _key, ms in by_clause.items():
            c = ms[0].s.clause
            # the evidence of each facet, once per provision: a provision naming several of what you do ranks first
            evidence: dict[str, float] = {}
            for m in ms:
                for f, v in m.per_facet.items():
                    evidence[f] = max(evidence.get(f, 0.0), v)
            # a provision that gives no one the work counts for half, unless the sentence naming you in your own
            # words binds ("require United States IaaS Providers to submit a report")
            assigned = bool(c.agencies) or any(
                m.score > 0 and m.s.a.strength == "binding" and m.facet is not None and not m.facet.concept for m in ms
            )
            total = _nested_sum(evidence) * (1.0 if assigned else UNASSIGNED)
            if not self._heading_meets(profile, c, ms[0].s):
                total *= OTHERS_SECTION
            actor = [m for m in ms if m.actor]
            if total < SELECT - 1e-6 and not actor:
                # only sentences that address everyone the document governs: they touch everyone
                wide_m = next((m for m in ms if m.s.wide and m.s.wide == _kind(profile)), None)
                if wide_m is not None:
                    wide.append(self._item(c, wide_m, wide_m.s.a.strength, "it addresses everyone the plan governs"))
                continue
            rank = {"binding": 0, "stated": 1, "promoted": 2}
            chosen = [m for m in ms if m.score > 0 or m.actor]
            chosen.sort(
                key=lambda m: (-(sum(m.per_facet.values()) + (1.0 if m.actor else 0.0)), rank.get(m.s.a.strength, 3))
            )
            binding = [m for m in chosen if m.s.a.strength == "binding"]
            top = binding[0] if binding else chosen[0]
            if top.s.a.strength == "stated" and not top.actor and total < STATED - 1e-6:
                continue  # a statement that binds and invites no one concerns you only where it is plainly about you
            group, condition, asks = self._conditions(profile, top, ms)
            asked += asks
            item = self._item(c, top, top.s.a.strength, condition)
            item.score = round(total, 3)
            specific.append((total + (1.0 if actor else 0.0), group, item))
        specific.sort(key=lambda x: -x[0])
        return specific, wide, asked

    def _as_actor(
        self, result: Obligations, profile: Profile, by_clause: dict, acting: list[str], consulted: list[str]
    ) -> Obligations:
        """Every provision telling the profile's office to act (must), or to be consulted (should know); for an
        agency (or an office heading one), every provision for each agency too ("the heads of agencies shall")."""
        rank = {"binding": 0, "stated": 1, "promoted": 2}
        inherited: set[str] = set()  # items listed only for the duty of their lead-in
        for _key, ms in by_clause.items():
            c = ms[0].s.clause
            own = [m for m in ms if set(m.actor) & set(acting)]
            every = [m for m in ms if profile.agency and m.s.wide == "agencies"]
            if own:
                own.sort(key=lambda m: (not m.s.a.actors, rank.get(m.s.a.strength, 3)))
                who = [a for a in acting if a in own[0].actor]
                item = self._item(c, own[0], own[0].s.a.strength, _named_to_act(who, own[0].s))
                (result.must if own[0].s.a.strength == "binding" else result.should_know).append(item)
                if c.context and not _is_action(own[0].s.a.sentence):
                    inherited.add(c.clause_id)
            elif every:
                # the sentence that says so itself ("Agencies shall use ...") before those taking it from the lead-in
                every.sort(key=lambda m: (not m.s.wide_phrase, rank.get(m.s.a.strength, 3)))
                m = every[0]
                said = f'it is for every agency: "{m.s.wide_phrase}"' if m.s.wide_phrase else "it is for every agency"
                item = self._item(c, m, m.s.a.strength, said)
                (result.must if m.s.a.strength == "binding" else result.should_know).append(item)
                if c.context and not m.s.wide_phrase and not _is_action(m.s.a.sentence):
                    inherited.add(c.clause_id)
            elif profile.agency and (
                m := next((m for m in ms if m.s.wide == "agencies if" and not _denied(m.s.wide_phrase, profile)), None)
            ):
                said = f'binding if yours is one of the "{m.s.wide_phrase}"'
                result.should_know.append(self._item(c, m, m.s.a.strength, said))
                result.ask_back.append(f'Is your agency one of the "{m.s.wide_phrase}"? ({c.clause_id})')
            elif set(c.consulted) & set(consulted):
                who = [a for a in consulted if a in c.consulted]
                m = ms[0]
                item = self._item(c, m, m.s.a.strength, f"{_join(who)} is to be consulted")
                result.should_know.append(item)
        # an item completing a lead-in with no act of its own ("(a) for the 2035 milestone year ...", "(iii) an
        # evaluation of ...") is part of its lead-in's duty: listed once, under the provision that holds the lead-in,
        # when that provision is listed. An item that is an act ("(i) using apprenticeship contracts to ...") stays.
        listed = {(i.doc_id, i.clause_id) for i in [*result.must, *result.should_know]}

        def folded(i: ObligationItem) -> bool:
            parent = parent_id(i.clause_id)
            return i.clause_id in inherited and bool(parent) and (i.doc_id, parent) in listed

        result.must = [i for i in result.must if not folded(i)][:ACTOR_ITEMS]
        result.should_know = [i for i in result.should_know if not folded(i)][:ACTOR_ITEMS]
        self._complete_lead_ins(result)
        if not result.must:
            result.nothing_binds = True
            result.message = "Nothing in this plan binds you specifically."
        result.text = self._render(result, profile)
        return result

    def _heading_meets(self, profile: Profile, c: Clause, s: _Sentence) -> bool:
        """Whether the section a provision sits in is for the profile's kind: a section for "public institutions"
        is not about a bus company's vehicles. A section naming no kind of addressee is for everyone."""
        d = self._docs.get(c.doc_id)
        section = c.heading[-1] if c.heading else ""
        named: set[str] = set()
        for p in addressees(section):
            head = _head(p)
            # a kind of addressee is a plural noun that is no mere organisation ("public institutions", not "projects")
            if head.endswith("s") and stem(head) not in _GENERIC:
                named |= {x for x in _specific(content_stems(p)) if d is None or d.idf(x) >= SECTION_IDF}
        if not named:
            return True
        mine = {x for f in profile.facets for x in content_stems(f)}
        mine |= {x for _said, means in concepts_of(profile.own_words) for m in means for x in content_stems(m)}
        return bool(named & mine)

    def _conditions(self, profile: Profile, m: _Match, others: list[_Match] = ()) -> tuple[str, str, list[str]]:
        """(group, condition in words, questions to ask back) for a matched sentence; the size lines of the
        provision's other matched sentences are read too ("below 35" and "over 65" in one provision)."""
        a = m.s.a
        c = m.s.clause
        cid = c.clause_id
        group = "must" if a.strength == "binding" else "should_know"
        if group == "must" and not c.responsibility_text and (c.lead or c.responsible) and not m.actor:
            # a duty the document gives one of its own actors ("the Secretary shall ..."): it binds them; it binds
            # you only where they are to require something of what you are ("shall require IaaS Providers to ...")
            held = {x for f in profile.facets for x in _specific(content_stems(f))}
            # (an item is read with its lead-in: "the Secretary shall require compliance ... for: (i) any model ...")
            said_so = f"{c.context} {a.sentence}" if c.context and a.cue and a.cue in c.context else a.sentence
            if not (re.search(r"\brequir\w*\b|\bprohibit\w*\b", said_so, re.IGNORECASE) and held & m.s.stems):
                group = "should_know"
        said: list[str] = []
        asks: list[str] = []
        if m.actor:
            said.append(_named_to_act(m.actor, m.s))
        elif m.facet is not None and m.facet.defined_in:
            said.append(
                f"it covers {m.facet.text}, as the document defines it in words your profile uses ({m.facet.said})"
            )
        elif m.facet is not None and m.facet.concept:
            said.append(f"it covers {m.facet.text}, as your {m.facet.said} is")
        elif m.matched:
            # a facet none of whose words the sentence holds was matched by meaning alone: said so, not "names"
            named = [f for f in m.matched if set(content_stems(f)) & m.s.stems]
            close = [f for f in m.matched if f not in named]
            if named:
                said.append(f"it names {', '.join(repr(f) for f in named[:2])}")
            else:
                said.append(f"it speaks of something close to your {', '.join(repr(f) for f in close[:2])}")
        lines = [(th, x.s.a) for x in [m, *[o for o in others if o is not m]] for th in x.s.a.thresholds]
        for th, where in lines:
            sized = [q for q in profile.quantities if q.unit.lower() == th.unit.lower()]
            q = next((q for q in sized if not _other_kind(q.subject, th)), None)
            what = th.subject or "the line"
            if q is None and sized:
                continue  # its line is for another kind of the thing ("coal-fired boilers", yours a gas boiler)
            if q is None:
                if where is a and _stems_meet(th.subject, profile):
                    size = f"What is the size of your {_head(th.subject)} in {th.unit}?"
                    asks.append(f"{size} ({cid} draws a line at {th.value_text})")
                    if group == "must":
                        group = "should_know"
                    said.append(f"it covers {what}: binding if yours is {_line_word(th)} {th.value_text}")
                continue
            covered = _threshold_side(th, q.value, where.sentence)
            side = _line_word(th) if covered else ("not " + _line_word(th))
            mine = f"{q.text} {_head(q.subject)}" if q.subject else q.text
            verdict = "it covers you" if covered else "it does not cover you"
            said.append(
                f'your {mine} is {side} {th.value_text}, the line of "{_line_phrase(where.sentence, th)}": {verdict}'
            )
            if not covered and where is a and group == "must":
                group = "should_know"
        if a.places and group == "must":
            # a list and its first member are read as two places ("urban built-up areas and industrial parks"):
            # said once
            named = _join([p for p in a.places if not any(p != o and p in o for o in a.places)][:2])
            if not profile.place_known:
                asks.append(f"Is the site in {named}? ({cid})")
                group = "should_know"
                said.append(f"binding if your site is in {named}")
            elif self._place_overlap(profile.inside, a.places):
                said.append(f"your site is in {named}")
            elif profile.inside or self._place_overlap(profile.outside, a.places):
                group = "should_know"
                said.append(f"binding in {named}, not where your site is")
        if a.outside and group == "must":
            if self._place_overlap(profile.outside, a.outside):
                said.append(f"your site is outside {_join(a.outside[:1])}")
            elif self._place_overlap(profile.inside, a.outside):
                group = "should_know"
                said.append(f"binding outside {_join(a.outside[:1])}; your site is inside")
            else:
                asks.append(f"Is the site inside {_join(a.outside[:1])}? ({cid})")
                group = "should_know"
                said.append(f"binding outside {_join(a.outside[:1])}")
        if "new" in a.projects and "existing" not in a.projects and group == "must" and not profile.planned:
            group = "should_know"
            said.append("binding for new projects, if you plan one")
        return group, "; ".join(said), asks

    @staticmethod
    def _place_overlap(mine: list[str], theirs: list[str]) -> bool:
        ours = {s for p in mine for s in content_stems(p)}
        return bool(ours & {s for p in theirs for s in content_stems(p)})

    def _item(self, c: Clause, m: _Match, strength: str, condition: str) -> ObligationItem:
        titles = self.qa.index.titles
        a = m.s.a
        deadline = next(
            (d.text for d in c.deadlines if d.sentence and (d.sentence in a.sentence or a.sentence in d.sentence)), ""
        )
        if not deadline:
            y = _YEAR_PHRASE.search(a.sentence)
            deadline = y.group(0) if y else ""
        return ObligationItem(
            doc_id=c.doc_id,
            clause_id=c.clause_id,
            label=c.display_id,
            heading=c.heading_text,
            document=titles.get(c.doc_id, c.doc_id),
            sentence=a.sentence,
            condition=condition,
            strength=strength,
            cue=a.cue,
            deadline=deadline,
            enforced_by=c.agencies,
            matched=m.matched,
            why=cue_reason(a.cue),
            score=round(m.score, 3),
        )

    def _render(self, result: Obligations, profile: Profile) -> str:
        """The answer as text, every line with its provision marker; lines failing grounding are dropped."""
        lines: list[str] = []
        by_id: dict[str, Clause] = {}
        for title, items in (("You must", result.must), ("You should know", result.should_know)):
            if items:
                lines.append(f"{title}:")
            for it in items:
                by_id[it.clause_id] = self.qa.index.by_key[f"{it.doc_id}:{it.clause_id}"]
                lines.append(f'- {_shown(it)}: "{it.sentence}" [{it.clause_id}]')
                for sub in it.subitems:
                    by_id[sub["clause_id"]] = self.qa.index.by_key[f"{it.doc_id}:{sub['clause_id']}"]
                    lines.append(f'  - {sub["label"]}: "{sub["sentence"]}" [{sub["clause_id"]}]')
                for part in [p for p in it.condition.split("; ") if p]:  # one claim a line: each is checked alone
                    # a part citing another provision ("the Minister is to produce the plan it binds [9(2)]") is
                    # checked against both
                    for cited in MARKER.findall(part):
                        by_id.setdefault(cited, self.qa.index.by_key[f"{it.doc_id}:{cited}"])
                    lines.append(f"  Why: {part}{'' if part.endswith(']') else ' '}[{it.clause_id}].")
                if it.deadline:
                    lines.append(f'  By when: "{it.deadline}" [{it.clause_id}].')
                if it.enforced_by:
                    lines.append(f"  Who enforces it: {_join(it.enforced_by)} [{it.clause_id}].")
        if result.nothing_binds:
            lines.insert(0, result.message)
        if result.plan_wide:
            lines.append("Provisions that touch everyone:")
            for it in result.plan_wide:
                by_id[it.clause_id] = self.qa.index.by_key[f"{it.doc_id}:{it.clause_id}"]
                lines.append(f'- {_shown(it)}: "{it.sentence}" [{it.clause_id}]')
        for q in result.ask_back:
            lines.append(f"To decide: {q}")
        text = "\n".join(lines)
        marked = [ln for ln in lines if "[" in ln and ln.rstrip().endswith(("]", "].", ']"'))]
        if marked:
            # the profile's sizes as read ("40吨/小时" → "40 tons/hour") are its own numbers
            said = " ".join([profile.text, *(q.text for q in profile.quantities)])
            g = check("\n".join(marked), by_id, self.qa.registry, said)
            result.grounded = g.grounded
            if not g.grounded:
                dropped = {s for s, _ in g.dropped}
                lines = [ln for ln in lines if not any(d in ln for d in dropped)]
                text = "\n".join(lines)
        return text
