"""Comparing plans: "how do the two plans' vehicle targets differ?", "compare the Chongqing plan and
EO 14008 on coal", "what does each plan say about coal?".

A question is a comparison when it has a cue of ``compare.yaml`` (compare, differ, versus, each plan,
比较, 区别 ...) and either names two or more indexed documents (the names :meth:`PolicyQA.documents`
reads from their titles, their kind, an instrument number in the title or doc id) or speaks of the plans
together ("the plans", "both documents": then every indexed plan). With one plan indexed, or a plan
picked, nothing is compared.

The plans named are replaced by "the plan", the comparison wording is turned into the question each
plan is asked (the ``asks`` table), and that question goes through :meth:`PolicyQA.answer` once per plan,
scoped to it. The answers are put side by side in one :class:`Answer`: every line labelled with its plan's
short title and keeping its ``[clause]`` marker, each citation naming its document. A plan that has
nothing on the point (its answer abstains, or quotes none of the words of what is compared) gets one line
saying so. :func:`check_comparison` is how a comparison answer is grounded, here as it is put together and in
the evaluation: each plan's lines, without their label, go through :func:`policyqa.engine.grounding.check`
against that plan's own clauses (clause ids repeat across documents: "[2]" of one plan is not "[2]" of
another, and "EO 14008" is a label, not a figure); a silent plan's line states an absence, so it is held to
its form and to nearest provisions its plan has.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from policyqa.engine.answer import Answer, Citation
from policyqa.engine.decide import documents_of_kind
from policyqa.engine.grounding import GroundingResult, check
from policyqa.engine.index import clause_key
from policyqa.engine.question import CJK
from policyqa.engine.text import STOPWORDS, stem, words
from policyqa.engine.titles import instrument_numbers, short_titles

if TYPE_CHECKING:
    from policyqa.engine.clauses import Clause
    from policyqa.engine.core import PolicyQA

COMPARE_FILE = Path(__file__).with_name("compare.yaml")
THE_PLAN = {"en": "the plan", "zh": "规划"}
# What people call a document after its name ("the Chongqing plan", "EO 14008's"), taken with the name
_KINDS = r"(?:plan|order|act|regulation|strategy|document|policy|law|directive|notice|programme|program)"
_KIND_AFTER = rf"(?:\s+{_KINDS})?"
_POSSESSIVE = r"(?:'s|’s|'|’)?"
# Plans named one after the other are one mention: "the plan and the plan", "the plan vs. the plan"
_JOINED = re.compile(
    r"the plan('s)?(?:\s*(?:,|and|&|or|vs\.?|versus|with|from|to|against)\s*the plan(?:'s)?)+", re.IGNORECASE
)
_JOINED_ZH = re.compile(r"规划(?:\s*(?:和|与|及|跟|同|、|以及|对比|比较|相比)\s*规划)+")


@dataclass(frozen=True)
class CompareRules:
    """The tables of ``compare.yaml``, compiled."""

    cues: tuple[re.Pattern, ...]
    together: tuple[re.Pattern, ...]
    asks: tuple[tuple[re.Pattern, str], ...]
    leftover: tuple[re.Pattern, ...]


@lru_cache(maxsize=1)
def compare_rules() -> CompareRules:
    data = yaml.safe_load(COMPARE_FILE.read_text(encoding="utf-8"))

    def patterns(name: str) -> tuple[re.Pattern, ...]:
        return tuple(re.compile(row["pattern"], re.IGNORECASE) for row in data[name])

    return CompareRules(
        patterns("cues"),
        patterns("together"),
        tuple((re.compile(row["pattern"], re.IGNORECASE), row["ask"]) for row in data["asks"]),
        patterns("leftover"),
    )


def is_comparison_wording(question: str) -> bool:
    """Whether the question uses a comparison cue at all (cheap: checked for every question)."""
    return any(p.search(question) for p in compare_rules().cues)


@dataclass
class Comparison:
    """A comparison question as read: the plans compared, what each is asked, what it is about."""

    docs: list[str]
    ask: str  # the question each plan is asked
    topic: str  # what is compared, for "X says nothing about {topic}"


def _name_patterns(qa: PolicyQA) -> dict[str, list[str]]:
    """doc id → regexes of the phrases that name it in a question: the names the core scopes by, and
    an instrument number its title or doc id carries ("EO 14008", "Executive Order 14008", "14008")."""
    qa.documents()
    out: dict[str, list[str]] = {}
    for doc, phrases in qa._names.items():
        pats = []
        for p in sorted(phrases, key=len, reverse=True):
            body = r"\s+".join(re.escape(w).replace("'", "['’]") for w in p.split())
            pats.append(rf"(?:\bthe\s+)?\b{body}\b{_KIND_AFTER}{_POSSESSIVE}")
        # a word of its title or doc id no other document's has, before what people call a document
        # ("the climate order", "the AI order")
        title = f"{qa.index.titles.get(doc, '')} {doc.replace('-', ' ')}".lower()
        others = " ".join(f"{t} {d.replace('-', ' ')}".lower() for d, t in qa.index.titles.items() if d != doc)
        for w in dict.fromkeys(re.findall(r"\b[a-z][a-z-]+", title)):
            if w not in STOPWORDS and not re.search(rf"\b{re.escape(w)}\b", others):
                pats.append(rf"(?:\bthe\s+)?\b{re.escape(w)}\s+{_KINDS}\b{_POSSESSIVE}")
        for number in instrument_numbers(qa.index.titles.get(doc, ""), doc):
            pats.append(rf"(?:\bthe\s+)?(?:\bexecutive\s+order|\be\.?o\.?)\s*(?:no\.?\s*)?{number}\b{_POSSESSIVE}")
            pats.append(rf"(?:\bthe\s+)?(?<![\d.,]){number}\b{_KIND_AFTER}{_POSSESSIVE}")
        out[doc] = list(dict.fromkeys(pats))
    return out


def read_comparison(qa: PolicyQA, question: str) -> Comparison | None:
    """The comparison ``question`` asks for, or None when it is no comparison of indexed plans."""
    rules = compare_rules()
    if not is_comparison_wording(question):
        return None
    views = qa.documents()
    if len(views) < 2:
        return None
    text = " ".join(question.split())
    lang = "zh" if CJK.search(text) else "en"
    spans: list[tuple[int, int, str]] = []  # (start, end, doc id or "" for the plans together)
    for doc, pats in _name_patterns(qa).items():
        for pat in pats:
            for m in re.finditer(pat, text, re.IGNORECASE):
                spans.append((m.start(), m.end(), doc))
    named = list(dict.fromkeys(d for _, _, d in sorted(spans)))
    if len(named) < 2:
        # "the Act" names a document when it is the only one of its kind ("this order", with three
        # orders indexed, names none of them)
        for m in re.finditer(r"\b(?:the|this|that|its)\s+(\w+)\b" + _POSSESSIVE, text, re.IGNORECASE):
            kind_docs = documents_of_kind(m.group(0), views)
            if len(kind_docs) == 1:
                spans.append((m.start(), m.end(), kind_docs[0]))
                named = list(dict.fromkeys([*named, *kind_docs]))
    for p in rules.together:
        for m in p.finditer(text):
            spans.append((m.start(), m.end(), ""))
    together = any(d == "" for _, _, d in spans)
    if len(named) >= 2:
        docs = named  # the plans it names, even where it also says "the two plans"
    elif together and not (named and all(re.match(r"(?:each|every)\b", text[a:b], re.I) for a, b, d in spans if not d)):
        # "the plans", "each plan": every indexed plan (with one document named, "each plan" is its own: "the
        # agencies' plans due under EO 14008, and how quickly must each plan be reviewed")
        docs = [v.doc_id for v in views]
    else:
        return None  # one plan named ("how much is it to fall compared with 2020"): no comparison
    ask, topic = _ask(_replace_spans(text, spans, lang), lang, qa)
    return Comparison(docs, ask, topic)


def _replace_spans(text: str, spans: list[tuple[int, int, str]], lang: str) -> str:
    """``text`` with each mention of a plan (longest first where they overlap) as "the plan"."""
    out, last = [], 0
    for start, end, _ in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if start < last:
            continue
        mention = text[start:end]
        possessive = lang == "en" and re.search(r"(?:'s|’s|'|’)$", mention)
        out.append(text[last:start])
        out.append(THE_PLAN[lang] + ("'s" if possessive else ""))
        last = end
    out.append(text[last:])
    joined = "".join(out)
    if lang == "zh":
        return _JOINED_ZH.sub(THE_PLAN["zh"], joined)
    return _JOINED.sub(lambda m: "the plan's" if m.group(0).endswith("'s") else "the plan", joined)


def _ask(text: str, lang: str, qa: PolicyQA) -> tuple[str, str]:
    """The question each plan is asked, and what is compared."""
    rules = compare_rules()
    plain = re.sub(r"\s+", " ", text).strip().rstrip("?？.。!！ ").strip()
    # "compare the two plans: how do they differ on coal?": the part after a colon asks, when it can
    parts = [plain.rsplit(":", 1)[1].strip(), plain] if ":" in plain else [plain]
    for part in parts:
        for pattern, template in rules.asks:
            m = pattern.match(part)
            if m:
                topic = _clean_topic(m.group("topic"), lang)
                if topic:
                    return template.format(topic=topic), topic
    rest = plain
    for p in rules.leftover:
        rest = p.sub("", rest)
    rest = re.sub(r"\s+", " ", rest).strip(" ,;:-")
    if lang == "zh":
        rest = rest.replace(THE_PLAN["zh"], "")  # (the dictionary lane reads 规划 as a topic word)
        return f"{rest}？", _clean_topic(rest, lang) or "这一点"
    # what is compared: the question's own words, less those that say what kind of answer is wanted
    asking = qa._asking()
    topic = " ".join(w for w in words(rest) if w not in STOPWORDS and stem(w) not in asking and w != "plan")
    return f"{rest}?", topic or "this"


def _clean_topic(topic: str, lang: str) -> str:
    if lang == "zh":
        return re.sub(r"^(?:规划)+|(?:规划)+$", "", topic).strip(" ，,的")
    topic = re.sub(r"\b(?:the plan(?:'s)?|of the plan|in the plan)\b", " ", topic, flags=re.IGNORECASE)
    topic = re.sub(r"\b(?:their|its|both|each)\b", " ", topic, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", topic).strip(" ,;:-")


def _says_something(ans: Answer, topic: str, lang: str) -> bool:
    """Whether a plan's answer is about the topic: it does not abstain and, for an English topic, what it
    cites holds at least one of the topic's words (else it quotes its nearest provision on something else)."""
    if ans.abstained or not ans.citations:
        return False
    if lang != "en":
        return True
    # (a provision's number is no word it writes: "5.2" is looked up, not quoted)
    wanted = {stem(w) for w in words(topic) if w not in STOPWORDS and len(w) > 2 and not re.search(r"\d", w)}
    if not wanted:
        return True
    cited = " ".join(f"{c.heading} {c.quote}" for c in ans.citations)
    have = {stem(w) for w in words(cited)}
    return bool(wanted & have) or any(w[:5] in {h[:5] for h in have} for w in wanted)


def silent_line(label: str, topic: str, near: list[str], lang: str) -> str:
    """The line of a plan that says nothing on the point, with its nearest provisions."""
    if lang == "en":
        return f"{label} says nothing about {topic}." + (f" Nearest provisions: {', '.join(near)}." if near else "")
    return f"{label}没有关于{topic}的规定。" + (f"最接近的条款：{'、'.join(near)}。" if near else "")


_NONE = ("None of the plans compared says anything about ", "所比较的规划都没有关于")


def none_line(labels: list[str], topic: str, lang: str) -> str:
    """The line an answer opens with when none of the plans compared says anything on the point."""
    if lang == "en":
        return f"{_NONE[0]}{topic}: {'; '.join(labels)}."
    return f"{_NONE[1]}{topic}的规定：{'；'.join(labels)}。"


def _silent_near(line: str, label: str) -> list[str] | None:
    """The nearest provisions of ``line`` when it is ``label``'s silent line (see :func:`silent_line`), else None."""
    for pattern, sep in (
        (rf"{re.escape(label)} says nothing about .+?\.(?: Nearest provisions: (?P<near>.+)\.)?", ", "),
        (rf"{re.escape(label)}没有关于.+?的规定。(?:最接近的条款：(?P<near>.+)。)?", "、"),
    ):
        m = re.fullmatch(pattern, line)
        if m:
            return m.group("near").split(sep) if m.group("near") else []
    return None


def cited_by_plan(qa: PolicyQA, ans: Answer) -> dict[str, dict[str, Clause]]:
    """doc id → the clauses ``ans`` cites from that document, by clause id (what the evaluation checks against)."""
    out: dict[str, dict[str, Clause]] = {}
    for c in ans.citations:
        clause = qa.index.by_key.get(clause_key(c.doc_id, c.clause_id))
        if clause is not None:
            out.setdefault(c.doc_id, {})[c.clause_id] = clause
    return out


def check_comparison(
    qa: PolicyQA,
    text: str,
    clauses: dict[str, dict[str, Clause]],
    question: str = "",
    notes: list[str] | tuple[str, ...] = (),
) -> GroundingResult:
    """The grounding check of a comparison answer, line by line; ``clauses`` holds each plan's own clauses
    (doc id → clause id → clause). A line that opens with a plan's short title ("EO 14008: ...") is checked
    by :func:`policyqa.engine.grounding.check` without its label, against that plan's clauses only; of a line
    that fails, what passes is kept under its label. A silent plan's line (:func:`silent_line`) claims an
    absence, which no clause can show: it passes when it names an indexed plan and its nearest
    provisions are that plan's. The line opening an answer where every plan is silent, and ``notes`` shown as lines
    ("Answering from the English translation"), claim nothing. Any other line has no plan, and fails."""
    labels = short_titles(qa)
    by_label = sorted(((labels.get(d, d), d) for d in qa.index.titles), key=lambda x: -len(x[0]))
    result = GroundingResult(grounded=True)
    for line in (ln.strip() for ln in text.splitlines()):
        if not line:
            continue
        if line in notes or line.startswith(_NONE):
            result.kept.append(line)
            continue
        plan = next(((label, d) for label, d in by_label if line.startswith(f"{label}: ")), None)
        if plan is not None:
            label, doc = plan
            own = check(line.removeprefix(f"{label}: "), clauses.get(doc, {}), qa.registry, question)
            result.dropped.extend(own.dropped)
            if own.grounded:
                result.kept.append(line)
            else:
                result.grounded = False
                if own.kept:
                    result.kept.append(f"{label}: {' '.join(own.kept)}")
            continue
        silent = next(((d, near) for label, d in by_label if (near := _silent_near(line, label)) is not None), None)
        if silent is not None:
            doc, near = silent
            unknown = [cid for cid in near if clause_key(doc, cid) not in qa.index.by_key]
            if not unknown:
                result.kept.append(line)
                continue
            problem = f"names provisions its plan does not have: {', '.join(unknown)}"
        else:
            problem = "names no plan compared"
        result.dropped.append((line, problem))
        result.grounded = False
    return result


def compare(qa: PolicyQA, question: str, use_llm: bool | None = None) -> Answer | None:
    """The side-by-side answer to a comparison ``question``, or None when it is no comparison."""
    t0 = time.perf_counter()
    if not isinstance(question, str):
        return None
    asked = read_comparison(qa, question)
    if asked is None:
        return None
    labels = short_titles(qa)
    result = side_by_side(qa, question, asked, use_llm, t0)
    result.notes.insert(0, f"Compared: {', '.join(labels.get(d, d) for d in asked.docs)}")
    result.debug["compare"] = {
        "ask": asked.ask,
        "topic": asked.topic,
        "docs": asked.docs,
        "silent": result.debug["silent"],
    }
    return result


def side_by_side(
    qa: PolicyQA, question: str, asked: Comparison, use_llm: bool | None = None, t0: float | None = None
) -> Answer:
    """``asked.ask`` put to each of ``asked.docs`` (scoped to it) and their answers in one :class:`Answer`, each
    line labelled with its plan's short title; a plan saying nothing on ``asked.topic`` gets one line saying so.
    Its intent is "compare"; ``debug["silent"]`` lists the silent plans."""
    t0 = time.perf_counter() if t0 is None else t0
    labels = short_titles(qa)
    titles = qa.index.titles
    lines: list[str] = []
    notes: list[str] = []
    opening: list[str] = []  # a note the plans' answers open with ("Answering from the English translation"), once
    citations: list[Citation] = []
    retrieved: list[str] = []
    own_clauses: dict[str, dict[str, Clause]] = {}  # each plan's clauses its lines are checked against
    silent, mode, fallback, language = [], "extractive", None, "en"
    for doc in asked.docs:
        label = labels.get(doc, doc)
        ans = qa.answer(asked.ask, use_llm=use_llm, doc=doc)
        language = ans.language
        own_notes = [n for n in ans.notes if n in ans.answer.splitlines()]  # a note the answer opens with
        opening.extend(n for n in own_notes if n not in opening)
        notes.extend(n for n in ans.notes if n not in notes)
        if ans.mode != "extractive":
            mode, fallback = ans.mode, ans.fallback or fallback
        if not _says_something(ans, asked.topic, language):
            silent.append(doc)
            lines.append(silent_line(label, asked.topic, [c for c in ans.related[:3] if c], language))
            continue
        body = [ln for ln in ans.answer.splitlines() if ln.strip() and ln not in own_notes]
        lines.extend(f"{label}: {ln}" for ln in body)
        # checked again as shown (below), against this plan's own clauses (ids repeat across documents)
        by_id = own_clauses.setdefault(doc, {})
        for cid in [*(c.clause_id for c in ans.citations), *ans.retrieved]:
            clause = qa.index.by_key.get(clause_key(doc, cid))
            if clause is not None:
                by_id.setdefault(cid, clause)
        for c in ans.citations:
            c.document = titles.get(doc, doc)
            citations.append(c)
        retrieved.extend(ans.retrieved)
    if len(silent) == len(asked.docs):
        lines = [none_line([labels.get(d, d) for d in asked.docs], asked.topic, language), *lines]
    grounding = check_comparison(qa, "\n".join([*opening, *lines]), own_clauses, question, opening)
    result = Answer(
        question,
        "\n".join(grounding.kept),
        len(silent) == len(asked.docs),
        "compare",
        citations,
        [],
        timings={"total_ms": round((time.perf_counter() - t0) * 1000, 2)},
        mode=mode,
        fallback=fallback,
        language=language,
        grounded=grounding.grounded,
        retrieved=retrieved,
        doc_id="",
        document="; ".join(titles.get(d, d) for d in asked.docs),
        notes=notes,
        by_document=True,
    )
    result.debug["silent"] = silent
    return result
