"""Can a document answer the question? Decided per document from what it sets (its own facts, read
at ingest) and the refusal tables of ``rules.yaml``, before anything is retrieved."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from policyqa.engine.places import Places
from policyqa.engine.question import Question
from policyqa.engine.rules import DOCUMENT_KINDS, DocumentFacts, rules, years_in
from policyqa.engine.text import stem


@dataclass
class DocumentView:
    """What the decision needs to know of one indexed document."""

    doc_id: str
    facts: DocumentFacts
    text: str  # its headings and clauses
    places: Places | None = None  # the optional places file, when it refines this document
    agencies: set[str] = field(default_factory=set)  # who it names: its clauses' agencies and its actors

    title: str = ""

    def __post_init__(self) -> None:
        # An off-topic cue it writes itself ("the Secretary of Energy shall") is not off-topic for it:
        # the words each cue matches in its text, lower-cased.
        self.cues_written = {_cue_key(m.group(0)) for p in rules().cues.values() for m in p.finditer(self.text)}
        self.words = frozenset(re.findall(r"[a-z]+", f"{self.title} {self.text}".lower()))
        self.stems = frozenset(stem(w) for w in self.words)

    def mentions(self, name: str) -> bool:
        """Whether the document writes ``name`` (any case; "Germany's" as "Germany")."""
        asked = re.findall(r"[a-z]+", re.sub(r"['’]s\b", "", name.lower()))
        # ... in another number ("Laboratory" where it writes "Laboratories"), or a word it shortens ("Labs")
        return all(
            w in self.words or stem(w) in self.stems or any(x.startswith(w.removesuffix("s")) for x in self.words)
            for w in asked
        )


@dataclass
class Decision:
    """The documents that can answer, and why each of the others cannot."""

    docs: list[str] = field(default_factory=list)
    refusals: dict[str, str] = field(default_factory=dict)


def _cue_key(words: str) -> str:
    """A cue's matched words by their stems ("subsidize" and "subsidizing" alike)."""
    return " ".join(stem(w) for w in re.findall(r"\w+", words.lower()))


def _join(items: list) -> str:
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def refusal(q: Question, doc: DocumentView) -> str | None:
    """Why ``doc`` cannot answer ``q`` (the end of a "The plan does not say ..." sentence), or None."""
    r = rules()
    for name, cue in r.cues.items():
        if getattr(doc.facts, r.cue_lifted_by.get(name, ""), None):
            continue
        for m in cue.finditer(q.text):
            if _cue_key(m.group(0)) not in doc.cues_written:
                return "that: it sets out tasks, targets and responsible agencies, not this."
    context_years = {int(y) for y in r.context_year.findall(q.text)}
    missing = [y for y in dict.fromkeys(years_in(q.text)) if y not in doc.facts.years and y not in context_years]
    if missing:
        if doc.facts.target_years:
            what = "targets and deadlines are" if doc.facts.deadlines else "targets are"
            return f"anything for {_join(missing)}: its {what} set for {_join(doc.facts.target_years)}."
        return f"anything for {_join(missing)}: it names no such year."
    if doc.places is not None and q.intent == "target":
        named = doc.places.named_in(q.text)
        if named:
            return f"any figure for {named[0].en}: {doc.places.why_not(named[0])}"
    # A name the document never writes ("Germany's 2030 target") is asked of another document; not when the
    # asker describes themselves ("my farm in Rongchang": the plan's provisions for everyone still apply).
    if q.language == "en" and q.intent != "obligation" and not _FIRST_PERSON.search(q.own_text or q.text):
        unknown = [n for n in proper_names(q.own_text or q.text) if not doc.mentions(n)]
        if unknown:
            return f"anything about {unknown[0]}: it never mentions {unknown[0]}."
    if q.language == "zh" and q.intent != "obligation":  # "中国" where the document never writes "China"
        for zh, names in q.names_zh:
            spelled = [w for n in names for w in re.findall(r"\b[A-Z][a-z]{2,}\w*", n)]
            if spelled and not any(doc.mentions(w) for w in spelled):
                return f"anything about {names[0]} ({zh}): it never mentions {names[0]}."
    if q.intent != "obligation":  # an enterprise's own size ("~8 MW IT load") is no figure asked for
        unset = [u for u, p in r.units.items() if p.search(q.text) and u not in doc.facts.units]
        if unset:
            return f"any figure in {unset[0]}: none of its clauses sets one."
    if q.intent == "target":
        unset = [m for m, p in r.measures.items() if p.search(q.text) and m not in doc.facts.measures]
        if unset:
            return f"any figure for {unset[0]}: none of its targets measures it."
    return None


_FIRST_PERSON = re.compile(r"\bI\b|\bI'm\b|\b(?:we|we're|my|our|ours|us|me)\b", re.IGNORECASE)
_AFTER_ARTICLE = re.compile(r"\b(?:the|a|an|this|that|its|their|your)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
_CAPITALISED = re.compile(r"\b[A-Z][a-z]{3,}\b")


def proper_names(text: str) -> list[str]:
    """Capitalised words inside a sentence of ``text`` ("What is Germany's target?" → "Germany"): the names
    a question uses. A word opening a sentence, a quote or a bracket is capitalised for that reason alone."""
    out = []
    for m in _CAPITALISED.finditer(text):
        before = text[: m.start()].rstrip()
        # ... and one after an article is a thing named with a capital ("the federal Crown"), not a name
        if before and before[-1] not in ".?!:;\"“‘'(（-–—" and not _AFTER_ARTICLE.search(text[: m.start()]):
            out.append(m.group(0))
    return list(dict.fromkeys(out))


def decide(q: Question, docs: list[DocumentView]) -> Decision:
    """Which of ``docs`` can answer ``q``."""
    decision = Decision()
    for doc in docs:
        why = refusal(q, doc)
        if why is None:
            decision.docs.append(doc.doc_id)
        else:
            decision.refusals[doc.doc_id] = why
    return decision


# "the Act", "the plan's", and "this implementation plan" (what "this" points at may be described first)
_KINDS_SAID = "|".join((*DOCUMENT_KINDS, "eo"))
_KIND_ASKED = re.compile(
    rf"\b(?:(?:the|that|its)\s+|this\s+(?:[a-z-]+\s+){{0,2}}?)({_KINDS_SAID})\b|\b({_KINDS_SAID})'s\b", re.I
)


# People call an Act "the law" or "this statute", and an executive order "the EO"
_SAME_KIND = {k: {"act", "law", "statute", "legislation"} for k in ("act", "law", "statute", "legislation")}
_SAME_KIND["eo"] = {"order"}


def documents_of_kind(text: str, views: list[DocumentView]) -> list[str]:
    """The documents of the kind a question names ("what does section 4 of the Act say"), when that
    tells some of the indexed documents apart."""
    kinds = {k for a, b in _KIND_ASKED.findall(text) for k in _SAME_KIND.get((a or b).lower(), {(a or b).lower()})}
    if not kinds:
        return []
    docs = [v.doc_id for v in views if v.facts.kind in kinds]
    return docs if 0 < len(docs) < len(views) else []


def named_documents(text: str, names: dict[str, list[str]]) -> list[str]:
    """The documents a question names ("in EO 14008", "the net-zero act"), by the phrases that name
    each one (its title's distinctive phrases, read at ingest)."""
    low = _plain(text)
    return [doc for doc, phrases in names.items() if any(re.search(rf"\b{re.escape(p)}\b", low) for p in phrases)]


_YEAR = re.compile(r"(?:19|20)\d\d")
_TITLE_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{3,}|\b(?![IVXLC]+\b)[A-Z]{2,5}\b")  # words; short forms ("EU")
_TITLE_LEAD = re.compile(
    r"^(?:an? |the )?(?:executive order|act|regulation|plan|order|notice|decision)\s+(?:on|of|for|respecting)\s+", re.I
)


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip().lower()


def document_names(titles: dict[str, str], texts: dict[str, str]) -> dict[str, list[str]]:
    """Phrases that name each document in a question: its title (with or without a leading
    "Executive Order on"), and the proper names and short forms of its title that no other indexed
    document uses ("Chongqing", "EU"): words its own text capitalises mid-sentence. Read from the titles and texts at
    load; nothing is written per plan. With one document indexed there is nothing to tell apart."""
    names: dict[str, list[str]] = {}
    for doc, title in titles.items():
        others = [_plain(t) for d, t in texts.items() if d != doc]
        if not others:
            names[doc] = []
            continue
        plain = _plain(title)
        phrases = [plain, _TITLE_LEAD.sub("", plain)]
        own = texts.get(doc, "")
        for word in dict.fromkeys(_TITLE_WORD.findall(title.replace("’", "'"))):
            w = word.lower()
            if any(re.search(rf"\b{re.escape(w)}\b", o) for o in others):
                continue
            if _proper(word, own):
                phrases.append(w)
        # the number the document's id holds ("us-eo14008-..."), which nothing else indexed writes: "EO 14008"
        for number in re.findall(r"\d{4,}", doc):
            if not _YEAR.fullmatch(number) and not any(
                number in d or number in t for d, t in texts.items() if d != doc
            ):
                phrases.append(number)
        names[doc] = list(dict.fromkeys(phrases))
    return names


# An Act's own short title: "This Act may be cited as the Canadian Net-Zero Emissions Accountability Act."
_CITED_AS = re.compile(
    r"\b(?:may be cited as|may be referred to as|shall be known as|is to be known as)\s+(?:the\s+)?"
    r"((?:[A-Z0-9][\w'’-]*\s+){0,10}?(?:Act|Order|Regulations?|Law|Code|Plan)(?:\s+(?:19|20)\d\d)?)\b"
)
# Words before a kind that say which one without naming it ("the Act", "this order", "under our law")
_NOT_A_NAME = frozenset("the this that these its their our a an under of in by to new old whole".split())


def short_title(text: str) -> str:
    """The short title a document gives itself ("This Act may be cited as the Clean Energy Regulator Act 2011"),
    or ""."""
    m = _CITED_AS.search(text)
    return m.group(1) if m else ""


def title_words(titles: dict[str, str], texts: dict[str, str]) -> dict[str, frozenset[str]]:
    """Each document's words of its title and short title, lowercase, hyphenated words also split ("net-zero",
    "net", "zero"): what a question may call it by ("the net-zero act")."""
    out = {}
    for doc, title in titles.items():
        said = f"{title} {short_title(texts.get(doc, ''))}".replace("’", "'").lower()
        out[doc] = frozenset(w for word in re.findall(r"[a-z0-9][\w'-]*", said) for w in [word, *word.split("-")])
    return out


def documents_called(text: str, words_of: dict[str, frozenset[str]], kinds: dict[str, str]) -> list[str]:
    """The documents a question calls by words of their title before their kind ("the net-zero act", "the Net-Zero
    Accountability Act", "the clean energy regulator act"): every word is the title's, and at least one is a word
    no other indexed document's title holds."""
    return list(dict.fromkeys(doc for doc, _said in names_called(text, words_of, kinds)))


def names_called(text: str, words_of: dict[str, frozenset[str]], kinds: dict[str, str]) -> list[tuple[str, str]]:
    """(document, the words calling it, as the question writes them) for :func:`documents_called`."""
    low = _plain(text)
    found: list[tuple[str, str]] = []
    for doc, kind in kinds.items():
        if not kind or len(words_of) < 2:
            continue
        others = [o for d, o in words_of.items() if d != doc]
        for m in re.finditer(rf"((?:[a-z0-9][\w'-]*\s+){{1,5}}){kind}s?\b", low):
            said = m.group(1).split()
            while said and (said[0] in _NOT_A_NAME or said[0] not in words_of[doc]):
                said = said[1:]  # "does this net zero act": the name starts at the first word of the title
            named = [w for w in said if w not in _NOT_A_NAME]
            # every word of the name is the title's, with nothing between them and the kind ("the target for 2050
            # under the Act" calls no Act "2050"), and one is a word, not a number
            if not named or named != said or any(w not in words_of[doc] for w in named):
                continue
            if not any(re.search(r"[a-z]", w) for w in named):
                continue
            if any(all(w not in o for o in others) for w in named):
                found.append((doc, f"{' '.join(said)} {low[m.end(1) : m.end()]}"))
    return found


def _proper(word: str, text: str) -> bool:
    """A name, not a topic word: capitalised in the title and, in its own document's text, written
    mostly capitalised ("Chongqing", not "Crisis"; a word only the title has is no name people use)."""
    if word.isupper():  # a short form ("EU") is a name when its document writes it
        return len(re.findall(rf"\b{re.escape(word)}\b", text)) >= 2
    upper = len(re.findall(rf"\b{re.escape(word[:1].upper() + word[1:].lower())}\b", text))
    lower = len(re.findall(rf"\b{re.escape(word.lower())}\b", text))
    return word[:1].isupper() and upper >= 2 and upper >= 2 * lower
