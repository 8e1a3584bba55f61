"""Reading a question: cleaning, language, intent, and what it names (agencies, clauses, numbers)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from policyqa.engine.agencies import AgencyRegistry
from policyqa.engine.glossary import Glossary
from policyqa.engine.text import content_stems, stem
from policyqa.errors import PolicyQAError
from policyqa.ingest.structure import normalise_reference

INTENTS = ("clause_lookup", "lead", "agency_duties", "deadline", "target", "obligation", "fact")

CUES_FILE = Path(__file__).with_name("intents.yaml")


def load_cues(path: Path = CUES_FILE) -> dict[str, re.Pattern]:
    """The cues of ``intents.yaml``, each compiled as the alternatives of all its groups (case-insensitive)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        name: re.compile("|".join(p for group in cue["groups"] for p in group["patterns"]), re.IGNORECASE)
        for name, cue in data.items()
    }


CUES = load_cues()
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
CJK = re.compile(r"[\u4e00-\u9fff]")  # a Chinese character
_CLAUSE_REF = re.compile(
    r"(?:\b(?:clause|article|item|section|paragraph|point)\s*(?:no\.?\s*)?|第\s*)(\d+(?:\.\d+){0,3})"
    r"|(?<![\d.])(\d{1,2}\.\d{1,2}\.\d{1,2})(?![\d.])",
    re.IGNORECASE,
)
_INJECTION = CUES["injection"]
_LEAD = CUES["lead"]
_DUTIES = CUES["duties"]
_TARGET = CUES["target"]
_OBLIGATION = CUES["obligation"]
_FOLLOWUP = CUES["followup"]
_PRINTED_ID = re.compile(
    r"(?<![\w.])(?:第\s*)?(\d{1,4}(?:\.\d{1,3})*)\s*(?:条|款)?\s*((?:\((?:[a-zA-Z]{1,5}|[ivxlIVXL]{6,7}|\d{1,3}(?:\.\d{1,2})?)\))+)"
)
# A Chinese citation of a provision: 第N条 (or 节/章) and its parts, each 第(1)款 / 第1款 / (g)项 / (i)目
_CN_REFERENCE = re.compile(
    r"第\s*(\d{1,4}(?:\.\d{1,3})*)\s*[条节章]((?:\s*第?\s*(?:\(\s*\w{1,5}\s*\)|\d{1,3}|[a-zA-Z]{1,5})\s*[款项目]?)*)"
)
_CN_PART = re.compile(r"\(\s*(\w{1,5})\s*\)|(\d{1,3})|([a-zA-Z]{1,5})")
# 附表2第31项 (item 31 of Schedule 2), 附表2第5部分 (Part 5 of Schedule 2); 附件2 and 附录2 are read as schedules
# too (an annex or appendix numbered in Chinese numerals, 附件一, is not read)
_CN_SCHEDULE = re.compile(r"附\s*[表件录]\s*(\d{1,2})\s*(?:[的之]\s*)?(?:第\s*(\d{1,3})\s*(项|部分|节))?")


def chinese_reference(text: str) -> str | None:
    """The printed id a Chinese citation stands for: 第10条第(1)款(g)项 → "10(1)(g)", 第14条第2款 → "14(2)",
    第3节 → "3", 附表2第31项 → "schedule-2(31)"; None without one."""
    m = _CN_SCHEDULE.search(text)
    if m:
        item, kind = m.group(2), m.group(3)
        if not item:
            return f"schedule-{m.group(1)}"
        return f"schedule-{m.group(1)}" + (f"({item})" if kind == "项" else f".part-{item}")
    m = _CN_REFERENCE.search(text)
    if not m:
        return None
    parts = [a or b or c for a, b, c in _CN_PART.findall(m.group(2))]
    return m.group(1) + "".join(f"({p})" for p in parts)


_BARE_REF = re.compile(
    r"^\s*(?:(?:show|give|read|open|see)(?: me)?\s+)?(\d{1,2}(?:\.\d{1,2}){1,3})\s*"
    r"(?:pls|please|plz|thanks|thx)?\s*[?.!？。]*\s*$",
    re.IGNORECASE,
)
_ROLE = CUES["role"]
# A question asking who ("which bureau besides the DRC leads X?") is no duties question, agency or not.
_ASKS_WHO = CUES["asks_who"]
# "方案鼓励哪些区县多承担减排任务？" names a target but asks which districts (or how results are used),
# not a figure.
_ASKS_WHICH_ZH = CUES["asks_which_zh"]
# A number is asked for: how many, how much, what share or percentage, by how much, what figure.
_QUANTITY = CUES["quantity"]


# "How does the Act define X?", "what is meant by X", "what does 'X' mean", "X是如何定义的": a definition asked for
_DEFINE_EN = re.compile(
    r"\bdefine[sd]?\s+(?:the term\s+)?(?P<a>.+?)\s*(?:\?|$|\bas\b)|"
    r"\b(?:definition|meaning) of\s+(?:the term\s+)?(?P<b>.+?)\s*(?:\?|$|\b(?:in|under) (?:the|this)\b)|"
    r"\bwhat (?:is|are) meant by\s+(?P<c>.+?)\s*(?:\?|$)|"
    # "what does the order mean by X?": X, not the order
    r"\bwhat (?:does|do)\s+(?:the|this|that)\s+\w+\s+mean\s+by\s+(?P<g>.+?)\s*(?:\?|$)|"
    r"\bwhat (?:does|do|is)\s+(?:the term\s+)?(?P<d>.+?)\s+(?:mean|refers? to|stands? for)\b|"
    r"\bhow (?:is|are)\s+(?:the term\s+)?(?P<e>.+?)\s+defined\b|"
    # "which years count as milestone years?", "what qualifies as a covered agency?"
    r"\b(?:counts?|qualif(?:y|ies)|(?:is|are) (?:considered|treated|classed|regarded))\s+as\s+(?:an?\s+|the\s+)?"
    r"(?P<h>.+?)\s*(?:\?|$|\b(?:in|under|for the purposes of)\b)|"
    # "when exactly is the 'second transition time'?": a time the document names by a term it defines
    r"\b(?:when|what (?:point in time|time|date|day))\s+(?:exactly\s+)?(?:is|was)\s+(?:the\s+)?"
    r"[\"“'‘](?P<i>[^\"”'’]{3,60})[\"”'’]|"
    # "what are the milestone years?": a question that is only a term asks what it is (if the plan defines it)
    r"^\s*what(?: is|'s| are)\s+(?:an?\s+|the\s+)?(?P<f>[\w'’ -]{3,60}?)\s*\??\s*$",
    re.IGNORECASE,
)
_DEFINE_ZH = CUES["define_zh"]
# "what does CEQ stand for?", "what does 'ACRE Board' refer to?": what a name means, not what the body does
_ASKS_MEANING = re.compile(r"\b(?:mean|means|refers? to|stands? for)\s*\??\s*$", re.IGNORECASE)
_QUOTED = re.compile(r"[\"“'‘]([^\"”'’]{3,80})[\"”'’]")


def defined_term(q: Question) -> str:
    """The term whose definition the question asks for ("" when it asks none)."""
    if q.language == "zh":
        return q.written_english[0] if _DEFINE_ZH.search(q.text) and q.written_english else ""
    m = _DEFINE_EN.search(q.text)
    if not m:
        return ""
    quoted = _QUOTED.search(q.text)
    term = quoted.group(1) if quoted else next(g for g in m.groups() if g)
    term = re.sub(
        r"^(?:the|a|an)\s+|\s+(?:in|under|by) (?:the|this|that) \w+$", "", term.strip(" \"“”'‘’?.,"), flags=re.I
    )
    return term if len(term) >= 3 else ""


_QUOTED_ZH = re.compile(r"[“\"‘「]([^”\"’」]{2,20})[”\"’」]")


def quoted_chinese_term(q: Question) -> str:
    """The Chinese term a Chinese question quotes and asks the meaning of ("本法中“里程碑年”具体指哪几年？"),
    or ""."""
    if q.language != "zh" or not _DEFINE_ZH.search(q.text):
        return ""
    quoted = _QUOTED_ZH.search(q.text)
    return quoted.group(1) if quoted else ""


# The words a definition is written with: "X means", "X has the meaning assigned by", "X shall mean"
DEFINES = r"means|has the meaning|refers to|is defined as|shall mean"


def defining_pattern(term: str) -> re.Pattern:
    """What a sentence defining ``term`` looks like: "The term “AI model” means", "milestone year means",
    "X has the meaning assigned by"."""
    return re.compile(
        # in either number: "milestone years" is defined as "milestone year means"
        rf"(?:^|[\s“\"'‘(]){re.escape(term.removesuffix('s'))}s?[”\"'’]?\s*(?:\([^)]*\)\s*)?"
        rf"(?:{DEFINES}|includes|,? as defined (?:in|by|under))\b",
        re.IGNORECASE,
    )


# "Does the law stop Canada from reaching net zero earlier than 2050?": answered yes or no by what a
# provision says; "is there a target for X?" asks for a figure all the same.
_YES_NO = CUES["yes_no"]


def asks_yes_no(text: str) -> bool:
    """Whether an English question asks yes or no about what a provision says (not for a figure)."""
    return bool(_YES_NO.search(text))


def asks_quantity(text: str) -> bool:
    """Whether a question asks for a number (not only for a goal in words or a year)."""
    return bool(_QUANTITY.search(text))


def without_quantity_asked(text: str) -> str:
    """The question without the words asking for a number ("is there a number", "what percentage")."""
    return _QUANTITY.sub(" ", text)


# By when, how long, how often: a deadline or a recurring duty is asked for.
_DEADLINE = CUES["deadline"]
_CAPACITY = re.compile(
    r"(\d+(?:\.\d+)?)\s*(?:-\s*)?(t/h|tph|t/hr|tons?\s*/\s*h(?:our)?|tonnes?\s*/\s*h(?:our)?|"
    r"tons?\s+per\s+hour|tonnes?\s+per\s+hour|steam\s+tons?|蒸吨(?:/小时|每小时)?|吨/小时)",
    re.IGNORECASE,
)


@dataclass
class Question:
    """A question as read: cleaned text, language, intent and what it names."""

    raw: str
    text: str
    language: str
    intent: str
    agencies: list[str] = field(default_factory=list)
    clause_ids: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    capacity_tph: float | None = None
    injection: bool = False
    followup: bool = False
    truncated: bool = False
    own_text: str = ""
    own_terms: list[str] = field(default_factory=list)
    prev_ids: list[str] = field(default_factory=list)
    leans_on_turn: bool = False  # a follow-up naming nothing of its own
    figure_clauses: list[str] = field(default_factory=list)  # clauses whose targets answer it
    translated: list[str] = field(default_factory=list)  # English words the plans use for a Chinese question's words
    written_english: list[str] = field(default_factory=list)  # English a Chinese question writes out: "(IaaS)"
    names_zh: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # 中国 → ("China",)
    asker: str = ""  # the actor the asker says they are or work for ("We're in the office of the Commissioner ...")

    @property
    def focus_text(self) -> str:
        """What sentence selection matches: a follow-up's own words (with the plan's terms)."""
        if not self.own_text:
            return self.search_text
        # A follow-up naming nothing ("and coal?", "占总量的比例是多少？") is read with the turn's terms,
        # unless it asks what the clause says about something else ("anything about insurance?").
        terms = self.own_terms if self.own_terms or self.intent == "fact" else self.terms
        return " ".join([self.own_text, *[t for t in terms if t.lower() not in self.own_text.lower()]])

    @property
    def search_text(self) -> str:
        """What retrieval searches for: English text plus the plan's terms for what it names."""
        base = self.text if self.language == "en" else CJK.sub(" ", self.text)
        extra = [t for t in self.terms if t.lower() not in base.lower()]
        # "part-time" is also found where a document prints it closed up ("parttime", "GovernorGeneral")
        closed = [m.group(0).replace("-", "") for m in _HYPHENATED.finditer(base)] if self.language == "en" else []
        # (the English a Chinese question writes is in its text; a name read from its title marks is not)
        named = [w for w in self.written_english if w.lower() not in base.lower()]
        return " ".join([base, *extra, *closed, *named, *self.translated, *self.agencies]).strip()


_HYPHENATED = re.compile(r"\b[A-Za-z]{3,}(?:-[A-Za-z]{3,})+\b")
_LATIN_SPAN = re.compile(r"[A-Za-z][A-Za-z0-9'’&/-]*(?:[ .-]+[A-Za-z0-9][A-Za-z0-9'’&/-]*)*")


# A second question joined to the first ("..., and when was the first one due?", "..., and for how long?"): "and"
# followed by a question word or an auxiliary opening a question of its own
_AND_ASKS = re.compile(
    r",?\s+and\s+(?=(?:for|by|in|within|on)?\s*(?:who|whom|whose|what|which|when|where|why|how|can|could|does|do|"
    r"did|is|are|was|were|must|should|will|would|may|has|have)\b)",
    re.IGNORECASE,
)


def two_questions(text: str) -> list[str]:
    """The two questions ``text`` asks in one ("Which minister is responsible, and can cabinet hand the file to
    someone else?", "多久内制定？可以延期吗？"): the first, and the second as a follow-up of it ("and can ...");
    [] for one question. Each half must be a question of some length: "who leads and who is responsible for X"
    is split by the caller only when its first half has a topic of its own."""
    text = text.strip()
    if CJK.search(text):
        m = re.search(r"[？?；;]", text)
        if m and len(CJK.findall(text[m.end() :])) >= 4 and len(CJK.findall(text[: m.start()])) >= 4:
            return [text[: m.end()], text[m.end() :].strip()]
        return []
    m = re.search(r"\?\s+(?=[A-Z])", text)  # "Who chairs X? How often does it meet?"
    if m and len(text[: m.start()].split()) >= 3 and len(text[m.end() :].split()) >= 3:
        return [text[: m.start() + 1], text[m.end() :]]
    for m in _AND_ASKS.finditer(text):
        first, second = text[: m.start()], text[m.end() :]
        # "in which report and in which year does it ...": two asked things of one question, not two questions
        coordinated = re.search(r"\b(?:who|what|which|when|where|how)\b", " ".join(first.split()[-3:]), re.I)
        if len(first.split()) >= 4 and len(second.split()) >= 2 and not coordinated:
            return [f"{first.rstrip(' ,')}?", f"and {second}"]
    return []


def embedded_english(text: str) -> list[str]:
    """English words a Chinese question writes out ("两用基础模型(dual-use foundation model)", "IaaS"):
    spans of Latin script of three letters or more, as written (units such as "t/h" are not terms)."""
    spans = (m.group(0).strip(" .-") for m in _LATIN_SPAN.finditer(text))
    return list(dict.fromkeys(s for s in spans if len(re.sub(r"[^A-Za-z]", "", s)) >= 3 and "/" not in s))


# "which minister prepares ..." asks for a title; "what does CEQ do" names one
_ASKS_WHICH_TITLE = (
    r"\b(?:which|what)\s+(?!(?:does|do|did|is|are|was|were|will|would|can|could|should|must|has|have)\s)(?:\w+\s+)?$"
)


def clean(text: str, max_chars: int) -> tuple[str, bool]:
    """Normalise a raw question: drop control, zero-width and direction-override characters,
    lone surrogates, and cap its length. Returns (text, truncated)."""
    if not isinstance(text, str):
        text = str(text or "")
    text = text.encode("utf-8", "ignore").decode("utf-8", "ignore") if _has_surrogates(text) else text
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip()
    truncated = len(text) > max_chars
    return text[:max_chars], truncated


def _has_surrogates(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def read_question(raw: str, registry: AgencyRegistry, glossary: Glossary, max_chars: int) -> Question:
    """Read a question; raises :class:`PolicyQAError` when nothing is left to ask."""
    text, truncated = clean(raw, max_chars)
    if not re.search(r"[\w\u4e00-\u9fff]", text):
        raise PolicyQAError("The question is empty.", 'ask about the plan, e.g. "Which bureau leads VOC remediation?"')
    language = "zh" if CJK.search(text) else "en"
    injection = bool(_INJECTION.search(text))
    # "which minister prepares ...": a title after "which" asks who, it names no one
    agencies = list(
        dict.fromkeys(
            m.agency.name
            for m in registry.find(text, informal=True)
            if not re.search(_ASKS_WHICH_TITLE, text[: m.start], re.IGNORECASE)
        )
    )
    asker = next((m.agency.name for m in registry.find(text, informal=True) if _says_is(text[: m.start])), "")
    if asker:
        agencies = [asker, *(a for a in agencies if a != asker)]
    terms = glossary.english_terms(text)
    # "“净零排放”（net-zero emissions）": a Chinese question's own English wording is the sharpest term it has
    written = (
        [t for t in embedded_english(text) if t.lower() not in {x.lower() for x in terms}] if language == "zh" else []
    )
    printed = normalise_reference(text)  # "Sec. 102(a)(i)", "subsection 14(2)", "Article 12"
    if not printed and language == "zh":  # "第10条第(1)款(g)项", "第14条第2款": the document's 10(1)(g), 14(2)
        printed = chinese_reference(text)
    if not printed:  # a printed id without a keyword: "what does 301(c) say", "第218条(c)款"
        bare_ref = _PRINTED_ID.search(text)
        printed = "".join(bare_ref.groups()) if bare_ref else None
    clause_ids = list(dict.fromkeys([*([printed] if printed else []), *(a or b for a, b in _CLAUSE_REF.findall(text))]))
    bare = _BARE_REF.match(text)
    if bare and not clause_ids:  # "5.2 pls": a number alone is a clause asked for
        clause_ids = [bare.group(1)]
    cap = _CAPACITY.search(text)
    q = Question(
        raw,
        text,
        language,
        "fact",
        agencies,
        clause_ids,
        terms,
        float(cap.group(1)) if cap else None,
        injection,
        bool(_FOLLOWUP.search(text)) and len(text) < 80,
        truncated,
        written_english=written,
        asker=asker,
    )
    q.intent = classify(q)
    return q


# The words a document's provision is cited by ("Article 6", "Sections 2 and 3", "Sec. 4.2", "subsection (1)")
PROVISION_WORD = r"(?:Articles?|Sections?|Secs?\.|subsections?)"
# A provision cited to say which thing is meant ("the assessments under Articles 6 and 7", "第6条规定的评估"): the
# question asks about that thing, not what the provision says
_QUALIFYING_REFERENCE = re.compile(
    r"\b(?:under|referred to in|pursuant to|in accordance with|provided for in|set out in|for the purposes of)\s+"
    rf"(?:the\s+)?{PROVISION_WORD}\s"
    r"|第[\d一二三四五六七八九十]+条(?:[和及、]第[\d一二三四五六七八九十]+条)*(?:规定|所述|所指)的",
    re.IGNORECASE,
)


# A whole schedule or part named to say where ("the Minister's Schedule 2 powers", "the commencement date for
# Schedule 2") is no lookup unless its contents are asked for ("what does Part 6 of Schedule 2 cover?")
_CONTAINER = re.compile(r"^(?:schedule|annex|appendix)-[^(.]+$|(?:^|\.)(?:part|division|chapter)-\w+$")
_ASKS_CONTENT = re.compile(
    r"\b(?:says?|said|covers?|contains?|provides?|do|does|deals? with|sets? out|about|summari[sz]e|explain|"
    r"(?:is|are) in|text of|quote|show)\b|规定|内容|讲",
    re.IGNORECASE,
)


_OPENS_WHO = re.compile(r"^\s*(?:and\s+|so\s+)?who\b(?!\s+(?:is|are)\s+(?:the\s+)?(?:current|present))", re.IGNORECASE)


def classify(q: Question) -> str:
    """The question's intent (one of :data:`INTENTS`)."""
    text = q.text
    if q.clause_ids and not re.search(r"\d+(?:\.\d+)?\s*(?:%|percent|tons?)", text):
        # "how many ... under Sec. 5?", "by when must ... under section 9?": asked of that provision, not a lookup
        if not (
            asks_quantity(text)
            or _DEADLINE.search(text)
            or re.search(r"\bwho\b|谁", text, re.I)
            or _QUALIFYING_REFERENCE.search(text)
            or (all(_CONTAINER.search(c) for c in q.clause_ids) and not _ASKS_CONTENT.search(text))
        ):
            return "clause_lookup"
    if q.asker and (_OBLIGATION.search(text) or _DUTIES.search(text)) and not _ASKS_WHO.search(text):
        # "I was just appointed to the Advisory Body. What do we have to produce?": that body's duties
        return "agency_duties"
    if q.capacity_tph is not None or _OBLIGATION.search(text) and not _LEAD.search(text.split(",")[-1]):
        if _OBLIGATION.search(text):
            return "obligation"
    if q.agencies and _DUTIES.search(text) and not _ASKS_WHO.search(text) and not _ASKS_MEANING.search(text):
        return "agency_duties"
    # ("who sets how much the members are paid?" asks who, however much the rest of it counts)
    if (
        _LEAD.search(text)
        and (_OPENS_WHO.match(text) or not re.search(r"\bhow (many|much)\b|多少", text, re.I))
        and not _DEADLINE.search(text)
    ):
        return "lead"
    if _ROLE.search(text):  # "is the water bureau involved in ...?": who is, for that task
        return "lead"
    if q.agencies and re.search(r"\b(leads?|in charge|responsible)\b", text, re.I):
        return "lead"
    if _DEADLINE.search(text):
        return "deadline"
    if (
        _TARGET.search(text)
        and not re.match(
            r"^\s*(?:(how|why)\b(?! (many|much|far|high|large))|what (?:happens|will happen|if)\b|"
            r"what(?:'s|s| does| do)? (?:the |this )?(?:plan|document|it) (?:say|mention|state)s? about\b"
            r"(?!.*\b(?:how (?:many|much)|percent|percentage|figure|target))|"
            # "What does the Commission have to weigh up when proposing the 2040 target?": a duty, not a figure
            r"what (?:does|do|did|must|should|will) (?:[\w'’-]+ ){1,5}?(?:have|has|need|needs) to\b"
            r"(?!.*\b(?:how (?:many|much)|percent|percentage|figure|number)))",
            text,
            re.I,
        )
        and not _ASKS_WHICH_ZH.search(text)
    ):
        return "target"
    if (
        q.agencies
        and re.search(r"\b(what|which)\b|哪些|什么", text, re.I)
        and not _has_own_topic(q)
        and not _ASKS_MEANING.search(text)
    ):
        return "agency_duties"
    return "fact"


# The asker saying, in the sentence naming an actor, that they are it or work in it ("We're in the office of the",
# "I was just appointed to the", "We're one of the agencies on the"): what binds that actor binds them.
_SELF_AS = re.compile(
    r"\b(?:we(?:'re|’re|\s+are)|I(?:'m|’m|\s+am)|I\s+(?:work|serve|sit)|(?:appointed|named|elected|seconded)\s+to|"
    r"(?:staff|members?|agencies|secretariat|office|chair)\s+(?:of|on|at))(?:\s+[\w’'-]+){0,3}?\s*$",
    re.IGNORECASE,
)
# ... but not one they write to or deal with ("We're sending comments to the Advisory Body")
_TOWARDS = re.compile(r"\b(?:to|with|from|for|by)\s+(?:the\s+)?$", re.IGNORECASE)
_JOINED = re.compile(r"\b(?:appointed|named|elected|seconded)\s+to\s+(?:the\s+)?$", re.IGNORECASE)


def _says_is(before: str) -> bool:
    """Whether the words before an actor's name say the asker is (or works in) that actor."""
    return bool(_SELF_AS.search(before)) and (bool(_JOINED.search(before)) or not _TOWARDS.search(before))


# Words a question asking what an agency does uses around its name ("what does X have to do under the Act?").
_DUTY_WORDS = frozenset(
    stem(w)
    for w in "what which does do did have has must should shall need required require under act law plan order "
    "regulation document say says work task tasks duty duties role job responsible responsibility mention mentioned "
    "play part involved hook here even".split()
)
OWN_TOPIC_WORDS = 4  # content words besides the agency's name that make a question about something it does


def _has_own_topic(q: Question) -> bool:
    """Whether an English question naming an agency asks about something in particular ("what benchmark does
    the Commission use to judge progress?"): then it is a question of fact, not a list of the agency's duties."""
    if q.language != "en":
        return False
    named = {stem(w) for a in q.agencies for w in re.findall(r"[A-Za-z]+", a)}
    own = [w for w in content_stems(q.text) if w not in named and w not in _DUTY_WORDS]
    return len(own) >= OWN_TOPIC_WORDS
