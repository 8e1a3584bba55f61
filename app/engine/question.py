"""Reading a question: cleaning, language, intent, and what it names (agencies, clauses, numbers)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from policyqa.engine.agencies import AgencyRegistry
from policyqa.engine.glossary import Glossary
from policyqa.errors import PolicyQAError
from policyqa.ingest.structure import normalise_reference

INTENTS = ("clause_lookup", "lead", "agency_duties", "deadline", "target", "obligation", "fact")

_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CLAUSE_REF = re.compile(
    r"(?:\b(?:clause|article|item|section|paragraph|point)\s*(?:no\.?\s*)?|第\s*)(\d+(?:\.\d+){0,3})"
    r"|(?<![\d.])(\d{1,2}\.\d{1,2}\.\d{1,2})(?![\d.])",
    re.IGNORECASE,
)
_INJECTION = re.compile(
    r"system notice|system message|new instructions?|from now on|override|"
    r"ignore (?:all |any |the |your |previous |prior |above |earlier )*(?:instructions?|plan|rules|context|"
    r"prompt|above|everything)|disregard (?:the |all |your |previous )*(?:plan|instructions?|rules|context)|"
    r"system prompt|you are now|pretend (?:to be|you)|act as (?:a|an)\b|jailbreak|developer mode|"
    r"forget (?:the|your|all) (?:plan|instructions?|rules)|reveal your|print your (?:instructions|prompt)|"
    r"忽略|无视|不要管|系统提示|你现在是",
    re.IGNORECASE,
)
_LEAD = re.compile(
    r"\b(who|which (?:\w+ )?(?:bureau|department|dept|agenc|commission|office|bod(?:y|ies)|authorit|unit|"
    r"organi[sz]ation|"
    r"government|regulator)\w*|what (?:bureau|department|agenc|commission|office|body|authorit)\w*)\b.*?"
    r"\b(lead|leads|leading|in charge|responsib|responsab|charge|oversee|oversees|handle|handles|manag|"
    r"implement|coordinat|take the lead|takes the lead|do|does|run|runs|supervis|enforc|own|owns|deals? with|"
    r"looks? after|takes? care|works? on|covers?|tasked|assigned|accountable|charged|heads? up|on the hook|"
    r"driv(?:e|es|ing)|named|listed|involved|"
    r"driv(?:ing|er'?s) seat|spearhead\w*|steer\w*|in the lead)|"
    r"\bwhich (?:\w+ )?(?:agenc(?:y|ies)|bureaus?|departments?|depts?|bodies|units|commission or bureau)\s*[?？]?\s*$|"
    r"\b(lead (?:agenc(?:y|ies)|bureaus?|departments?|depts?|units?)|leading agency|who leads|who is responsible|"
    r"whose (?:job|responsibility|task|remit)|"
    r"(?:responsible|lead|leading|competent) (?:units?|agenc(?:y|ies)|bureaus?|departments?|bod(?:y|ies)|"
    r"authorit(?:y|ies)|organi[sz]ations?)|takes? the lead)\b|^\s*whos?\b|\bwho(?:'s|s| is| are)\b|"
    r"牵头|负责|主管|谁|哪个部门|哪些部门|责任单位|哪个单位|哪些单位|责任部门|哪个局|哪个委|归.{0,6}管",
    re.IGNORECASE,
)
_DUTIES = re.compile(
    r"\b(what|which)\b.*\b(is|are|does|do)\b.*\b(responsible for|in charge of|lead|leads|do|handle|"
    r"tasks?|duties|dut(?:y|ies)|role|work|clauses|on the hook for|accountable for|tasked with)\b|"
    r"\b(duties|tasks|role|responsibilities) of\b|\b(?:does|do|has|have)\b.*\b(?:have|has|got)\b.*\b(?:any )?"
    r"(?:tasks?|duties|role|job|work|responsibilit\w*)\b|\bgot to do with\b|"
    r"干什么|做什么|负责什么|牵头什么|承担什么|什么任务|什么工作|分工|干啥|做啥|"
    r"\blist (?:the |all )?(?:tasks|duties|clauses|work)\b|\b(?:has|have) a role\b|\banything to do\b|"
    r"\bwhich (?:tasks|duties|clauses|work)\b|\bwhat (?:are|is) (?:its|their|the) responsibilit|"
    r"负责哪些|牵头哪些|职责|哪些工作|哪些任务|\b(involve|involves|mention|mentions|name|names)\b",
    re.IGNORECASE,
)
_TARGET = re.compile(
    r"\b(how (?:many|much|far)|what (?:\w+ ){0,3}(?:percent|percentage|share|proportion|rate|ratio|level|number|"
    r"amount|target|goal|figure|threshold|capacity)|(?:target|goal)s? (?:for|of|is|are|set)|"
    r"(?:target|goal|threshold|percent|percentage|rate|proportion|ratio|capacity|figure)s?\b(?!\s+\w+ing)|"
    r"shares?\b(?!\s+\w+ing|\s+in\b|\s+responsibilit)|"
    r"%|(?:by|in) 20\d\d|tons?|reach|number of|by how much)|"
    r"多少|多大|几(?:座|个|家|辆|台|处|项|成|吨)|比例|目标|到20\d\d|达到|下降|提高|比重|(?<!效)率(?!先)",
    re.IGNORECASE,
)
_OBLIGATION = re.compile(
    r"\b(?:we|i)(?:'re|'m| are| am) (?:planning|going|about|looking|thinking)\b|"
    r"\b(?:we|our|i|my)\b.*\b(?:of|for|to|from|on) us\b|\b(?:do|should|must|can|are|will|would) (?:we|i)\b|"
    r"^\s*(?:do|should|must|can|may|are|will|would) (?:we|i)\b.*\b(?:our|my)\b|"
    r"\b(?:shop|store|company|plant|factory|mill|firm|business|farm|fleet|workshop|restaurant|hotel)\b.*"
    r"\b(?:we|our|us)\b|"
    r"\b(we|our|i|my|us)\b.*\b(run|runs|operate|operates|own|owns|make|makes|produce|produces|plan to|intend|"
    r"manufactur\w*|company|plant|factory|mill|enterprise|firm|business|farm|use|uses|using|"
    r"spray|print|build|building|have|has|are|am|applies|apply)\b|"
    r"\bwhat (?:applies|rules apply|obligations?|requirements?)\b|\b(obligations?|requirements?|"
    r"comply|compliance|must (?:we|i))\b|"
    r"我们企业|我厂|我们厂|我们公司|我公司|我们是|我们有|我们的|我们在|我司|企业需要|我单位|本单位|我们单位|本企业|我企业",
    re.IGNORECASE,
)
_FOLLOWUP = re.compile(
    r"^\s*(and|also|what about|how about|and what|who else|what else|any other|same for|then|"
    r"those|that one|it|they)\b|^\s*(?:这个|那么|那|还有|另外|其他)|\b(who else|what else|else|that clause|this clause|"
    r"those|them|it|its|same clause|the same|there|that|this one|these)\b|还有|其他部门|那么|这条|该条",
    re.IGNORECASE,
)
_PRINTED_ID = re.compile(
    r"(?<![\w.])(?:第\s*)?(\d{1,4}(?:\.\d{1,3})*)\s*(?:条|款)?\s*((?:\((?:[a-zA-Z]{1,5}|\d{1,3}(?:\.\d{1,2})?)\))+)"
)
# A Chinese citation of a provision: 第N条 (or 节/章) and its parts, each 第(1)款 / 第1款 / (g)项 / (i)目
_CN_REFERENCE = re.compile(
    r"第\s*(\d{1,4}(?:\.\d{1,3})*)\s*[条节章]((?:\s*第?\s*(?:\(\s*\w{1,5}\s*\)|\d{1,3}|[a-zA-Z]{1,5})\s*[款项目]?)*)"
)
_CN_PART = re.compile(r"\(\s*(\w{1,5})\s*\)|(\d{1,3})|([a-zA-Z]{1,5})")


def chinese_reference(text: str) -> str | None:
    """The printed id a Chinese citation stands for: 第10条第(1)款(g)项 → "10(1)(g)", 第14条第2款 → "14(2)",
    第3节 → "3"; None without one."""
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
_ROLE = re.compile(
    r"(?:^|\s[-–—:]\s)\s*(?:\w+ )?(?:is|are|does|do|will)\b.*\b(involved|(?:a|any) (?:role|part|say|hand)|on the hook|"
    r"responsib|responsab|in charge)",
    re.IGNORECASE,
)
# A question asking who ("which bureau besides the DRC leads X?") is no duties question, agency or not.
_ASKS_WHO = re.compile(
    r"\b(who|which (?:\w+ )?(?:bureau|agenc|department|minister|secretary|official|officer|office|body|council|"
    r"commission|authority|director|administrator))|哪些部门|哪个部门|哪些单位|哪个单位|由谁|谁",
    re.I,
)
# "方案鼓励哪些区县多承担减排任务？" names a target but asks which districts (or how results are used),
# not a figure.
_ASKS_WHICH_ZH = re.compile(
    r"^(?!.*(?:多少|几|比例|百分|比重|率|达到|下降|提高)).*(?:哪些|哪个|哪家|怎么|如何|会不会|是否)"
)
# A number is asked for: how many, how much, what share or percentage, by how much, what figure.
_QUANTITY = re.compile(
    r"\bhow (?:many|much|far|high|large|big)\b|\b(?:what|which) (?:\w+ ){0,3}(?:percent|percentage|share|proportion|"
    r"rate|ratio|number|amount|figure|level|capacity|value|quota)s?\b|\bnumber of\b|\bby how much\b|%|\bpercent|"
    r"\bis there a (?:number|figure)\b|多少|几(?:座|个|家|辆|台|处|项|成|吨|名)|比例|百分|比重|(?<!效)率",
    re.IGNORECASE,
)


# "How does the Act define X?", "what is meant by X", "what does 'X' mean", "X是如何定义的": a definition asked for
_DEFINE_EN = re.compile(
    r"\bdefine[sd]?\s+(?:the term\s+)?(?P<a>.+?)\s*(?:\?|$|\bas\b)|"
    r"\b(?:definition|meaning) of\s+(?:the term\s+)?(?P<b>.+?)\s*(?:\?|$|\b(?:in|under) (?:the|this)\b)|"
    r"\bwhat (?:is|are) meant by\s+(?P<c>.+?)\s*(?:\?|$)|"
    r"\bwhat (?:does|do|is)\s+(?:the term\s+)?(?P<d>.+?)\s+mean\b|"
    r"\bhow (?:is|are)\s+(?:the term\s+)?(?P<e>.+?)\s+defined\b|"
    # "what are the milestone years?": a question that is only a term asks what it is (if the plan defines it)
    r"^\s*what(?: is|'s| are)\s+(?:an?\s+|the\s+)?(?P<f>[\w'’ -]{3,60}?)\s*\??\s*$",
    re.IGNORECASE,
)
_DEFINE_ZH = re.compile(r"定义|是指|指什么|指的是|什么意思|含义|界定|是什么|是哪几|是哪些|有哪几")
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


def defining_pattern(term: str) -> re.Pattern:
    """What a sentence defining ``term`` looks like: "The term “AI model” means", "milestone year means",
    "X has the meaning assigned by"."""
    return re.compile(
        # in either number: "milestone years" is defined as "milestone year means"
        rf"(?:^|[\s“\"'‘(]){re.escape(term.removesuffix('s'))}s?[”\"'’]?\s*(?:\([^)]*\)\s*)?"
        r"(?:means|has the meaning|refers to|is defined as|shall mean|includes|,? as defined (?:in|by|under))\b",
        re.IGNORECASE,
    )


# "Does the law stop Canada from reaching net zero earlier than 2050?": answered yes or no by what a
# provision says; "is there a target for X?" asks for a figure all the same.
_YES_NO = re.compile(
    r"^\s*(?:if\b[^,?]*,\s*|(?:and|so|but)\s+)?(?:does|do|did|is|are|can|could|will|would|must|should|may|has|have)\b"
    r"(?!.*\b(?:(?:a|any)\s+(?:\w+\s+){0,3}(?:targets?|goals?|figures?|numbers?|percent\w*|quotas?))\b)",
    re.IGNORECASE,
)


def asks_yes_no(text: str) -> bool:
    """Whether an English question asks yes or no about what a provision says (not for a figure)."""
    return bool(_YES_NO.search(text))


def asks_quantity(text: str) -> bool:
    """Whether a question asks for a number (not only for a goal in words or a year)."""
    return bool(_QUANTITY.search(text))


# By when, how long, how often: a deadline or a recurring duty is asked for.
_DEADLINE = re.compile(
    r"\bby when\b|\bhow (?:long|soon|quickly|often|frequently|far ahead|many (?:days|months|years|weeks))\b|"
    r"\bdeadlines?\b|\bdue\b|\bwithin what\b|"
    r"\b(?:within|in) how many\b|\btime ?(?:limit|frame|line)s?\b|\bby what (?:date|time)\b|\bwhat date\b|"
    r"\bwhen (?:must|should|does|do|is|are|will|has|have|did)\b(?!.*\b(?:how many|how much|percent|what share)\b)|"
    r"\bno later than\b|\bnot later than\b|\bevery (?:year|how many)\b|\b(?:what|which) year\b|"
    r"什么时候|何时|多少天|几天|多久|期限|截止|之前完成|多长时间|每年|多久一次|哪一年",
    re.IGNORECASE,
)
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
        base = self.text if self.language == "en" else _CJK.sub(" ", self.text)
        extra = [t for t in self.terms if t.lower() not in base.lower()]
        return " ".join([base, *extra, *self.translated, *self.agencies]).strip()


_LATIN_SPAN = re.compile(r"[A-Za-z][A-Za-z0-9'’&/-]*(?:[ .-]+[A-Za-z0-9][A-Za-z0-9'’&/-]*)*")


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
    language = "zh" if _CJK.search(text) else "en"
    injection = bool(_INJECTION.search(text))
    # "which minister prepares ...": a title after "which" asks who, it names no one
    agencies = list(
        dict.fromkeys(
            m.agency.name
            for m in registry.find(text, informal=True)
            if not re.search(_ASKS_WHICH_TITLE, text[: m.start], re.IGNORECASE)
        )
    )
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
    )
    q.intent = classify(q)
    return q


def classify(q: Question) -> str:
    """The question's intent (one of :data:`INTENTS`)."""
    text = q.text
    if q.clause_ids and not re.search(r"\d+(?:\.\d+)?\s*(?:%|percent|tons?)", text):
        # "how many ... under Sec. 5?", "by when must ... under section 9?": asked of that provision, not a lookup
        if not (asks_quantity(text) or _DEADLINE.search(text) or re.search(r"\bwho\b|谁", text, re.I)):
            return "clause_lookup"
    if q.capacity_tph is not None or _OBLIGATION.search(text) and not _LEAD.search(text.split(",")[-1]):
        if _OBLIGATION.search(text):
            return "obligation"
    if q.agencies and _DUTIES.search(text) and not _ASKS_WHO.search(text):
        return "agency_duties"
    if _LEAD.search(text) and not re.search(r"\bhow (many|much)\b|多少", text, re.I) and not _DEADLINE.search(text):
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
            r"(?!.*\b(?:how (?:many|much)|percent|percentage|figure|target)))",
            text,
            re.I,
        )
        and not _ASKS_WHICH_ZH.search(text)
    ):
        return "target"
    if q.agencies and re.search(r"\b(what|which)\b|哪些|什么", text, re.I):
        return "agency_duties"
    return "fact"
