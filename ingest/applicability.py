"""Applicability, read at ingest: for each sentence of a provision, whom it addresses and how strongly.

A plan says who it is talking to in its own words: the sectors, activities and equipment it names
("the iron and steel, non-ferrous metals, building materials and chemical industries", "coal-fired boilers
below 35 tons/hour", "companies developing potential dual-use foundation models"), the places it covers
("urban built-up areas and industrial parks", "outside the industrial park"), the stage of a project ("new",
"existing"), the sizes that decide whether a rule covers someone (the thresholds ``ingest/targets.py`` reads),
and how strongly it speaks ("shall", "prohibit", "phase out", "strictly control" bind; "encourage", "promote",
"support" invite). Every phrase kept here is a span of the sentence, so an answer can quote it.

The cue words are generic and live in ``applicability.yaml``, each with a line saying why; nothing here
names a plan, a sector or a number. A sentence is read on its own; an item completing a lead-in ("the
Secretary shall: (i) ...") takes its strength from the lead-in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from policyqa.engine.clauses import Applicability, Clause, Threshold, split_sentences, split_trailing_parenthesis

CUES_FILE = Path(__file__).with_name("applicability.yaml")

# Words that end a noun phrase read backwards from its head: determiners, prepositions, pronouns, modals
# and the verbs of obligation. What is left before a head is its modifiers ("urban built-up", "iron and steel").
_BOUNDARY = frozenset(
    """a an the this that these those their its our his her all each every any some such another
    of on in at to for by with from into onto over under above below within without between among through across
    as than via per about against during before after upon whose which who whom that where when while if
    we they it he she i you will shall must should may might can could would is are was were be been being
    has have had do does did not no nor but so also only both either neither including include includes
    focus focusing focused based according key major relevant certain various""".split()
)
_MAX_MODIFIERS = 7
_QUALIFIER_START = re.compile(
    r"^\s*(?:with|whose|that|which|who|where|producing|using|having|owned|operating|engaged|"
    r"(?:that|which) (?:are|is|have|has)|over|above|below|under|exceeding|of (?:more|less) than|"
    r"(?:more|less|greater|fewer) than)\b",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[A-Za-z][\w'’\-/]*|\d[\d,.^]*|[,;:.()\[\]“”\"]")


@dataclass
class _Cues:
    binding: list[tuple[re.Pattern, str]]
    promoted: list[tuple[re.Pattern, str]]
    binding_should: re.Pattern
    heads: re.Pattern
    places: re.Pattern
    outside: re.Pattern
    new: re.Pattern
    existing: re.Pattern
    everyone: re.Pattern
    everyone_agencies: re.Pattern
    everyone_enterprises: re.Pattern
    agencies_restricted: re.Pattern
    agencies_listed: re.Pattern
    agencies_consulted: re.Pattern
    agency_offices: re.Pattern
    agency_not: re.Pattern
    unit_alias: re.Pattern  # every unit spelling of the file, one named group each (u0, u1, ...), in file order
    unit_names: list[str]  # the documents' spelling of each group's unit
    verbs: frozenset[str]
    concepts: list[tuple[re.Pattern, list[str]]]


@lru_cache(maxsize=1)
def cues() -> _Cues:
    """The cue tables of ``applicability.yaml``, compiled once."""
    data = yaml.safe_load(CUES_FILE.read_text(encoding="utf-8"))

    def word(p: str) -> re.Pattern:
        return re.compile(rf"\b(?:{p})\b", re.IGNORECASE)

    def alternatives(items: list[str]) -> re.Pattern:
        return re.compile(rf"^(?:{'|'.join(items)})$", re.IGNORECASE)

    return _Cues(
        binding=[(word(c["cue"]), c["why"]) for c in data["strength"]["binding"]],
        promoted=[(word(c["cue"]), c["why"]) for c in data["strength"]["promoted"]],
        binding_should=re.compile(data["strength"]["binding_should"], re.IGNORECASE),
        heads=alternatives(data["addressee_heads"]),
        places=alternatives(data["place_heads"]),
        outside=word(data["outside"]),
        new=word(data["projects"]["new"]),
        existing=word(data["projects"]["existing"]),
        everyone=word("|".join([*data["everyone"]["enterprises"], *data["everyone"]["agencies"]])),
        everyone_agencies=word("|".join(data["everyone"]["agencies"])),
        everyone_enterprises=word("|".join(data["everyone"]["enterprises"])),
        agencies_restricted=re.compile(data["agencies_restricted"], re.IGNORECASE),
        agencies_listed=re.compile(data["agencies_listed"]),
        agencies_consulted=re.compile(data["agencies_consulted"], re.IGNORECASE),
        agency_offices=re.compile(data["agency_offices"]),
        agency_not=re.compile(data["agency_not"]),
        unit_alias=re.compile(
            "|".join(rf"(?P<u{k}>\b(?:{p})\b)" for k, p in enumerate(data["unit_aliases"])), re.IGNORECASE
        ),
        unit_names=list(data["unit_aliases"].values()),
        verbs=frozenset(data["verbs"].split()),
        concepts=[(word(c["when"]), [m.strip() for m in c["means"].split(",")]) for c in data.get("concepts", [])],
    )


def strength_of(sentence: str) -> tuple[str, str]:
    """How strongly a sentence speaks: ("binding", cue), ("promoted", cue) or ("stated", "")."""
    c = cues()
    should = c.binding_should.search(sentence)
    if should:
        return "binding", should.group(0)
    for pattern, _why in c.binding:
        m = pattern.search(sentence)
        if m:
            return "binding", m.group(0)
    for pattern, _why in c.promoted:
        m = pattern.search(sentence)
        if m:
            return "promoted", m.group(0)
    return "stated", ""


def cue_reason(cue: str) -> str:
    """Why a cue word sets the strength it does (the table's line), or ""."""
    c = cues()
    for pattern, why in [*c.binding, *c.promoted]:
        if cue and pattern.fullmatch(cue):
            return why
    return ""


def _tokens(sentence: str) -> list[re.Match]:
    return list(_TOKEN.finditer(sentence))


def _phrase_before(sentence: str, toks: list[re.Match], i: int) -> int:
    """Index of the first token of the modifiers before the head at ``i`` ("iron and steel, non-ferrous
    metals, building materials and chemical" before "industries")."""
    start = i
    j = i - 1
    taken = 0
    while j >= 0 and taken < _MAX_MODIFIERS:
        t = toks[j].group(0)
        low = t.lower()
        if low in {"and", "or", ","}:
            # a list continues only when a modifier stands before the joint
            if (
                j - 1 >= 0
                and re.match(r"[A-Za-z]", toks[j - 1].group(0))
                and toks[j - 1].group(0).lower() not in _BOUNDARY
            ):
                j -= 1
                continue
            break
        if not re.match(r"[A-Za-z\d]", t) or low in _BOUNDARY or _is_cue(t):
            break
        start = j
        taken += 1
        j -= 1
    # a phrase never starts on a joint
    while start < i and toks[start].group(0).lower() in {"and", "or", ","}:
        start += 1
    return start


@lru_cache(maxsize=4096)
def _is_cue(word: str) -> bool:
    """A word of the strength tables ("promote", "strictly"): a verb or adverb, never a modifier."""
    c = cues()
    return word.lower() in c.verbs or any(p.fullmatch(word) for p, _ in [*c.binding, *c.promoted])


def _qualifier_end(sentence: str, pos: int) -> int:
    """End of a qualifying phrase after a head ("with an annual capacity of more than 10,000 tons")."""
    m = _QUALIFIER_START.match(sentence[pos:])
    if not m:
        return pos
    stop = re.search(r"[,;:.(](?!\d)|\band\s+(?:the|we|will|to)\b", sentence[pos + m.end() :])
    end = pos + m.end() + (stop.start() if stop else len(sentence) - pos - m.end())
    return min(end, pos + 160)


def _such_as(sentence: str, pos: int) -> list[str]:
    """The members of a "such as A, B and C" (or "including ...") list right after a head."""
    m = re.match(r"\s*,?\s*(?:such as|including|like|e\.g\.,?)\s+", sentence[pos:], re.IGNORECASE)
    if not m:
        return []
    rest = sentence[pos + m.end() :]
    stop = re.search(r"[;:.()]|\s(?:from|to|into|with)\s", rest)
    span = rest[: stop.start()] if stop else rest
    parts = re.split(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", span)
    return [p.strip() for p in parts if 2 <= len(p.strip()) <= 60][:12]


def addressees(sentence: str) -> list[str]:
    """Whom or what a sentence names, as phrases of the sentence: each head noun of the cue table with
    the modifiers before it and a qualifier after it, plus the members of a "such as" list."""
    c = cues()
    toks = _tokens(sentence)
    out: list[str] = []
    for i, t in enumerate(toks):
        if not c.heads.match(t.group(0)):
            continue
        nxt = toks[i + 1].group(0) if i + 1 < len(toks) else ""
        if (
            nxt
            and toks[i + 1].start() - t.end() <= 1
            and re.fullmatch(r"[a-z][\w\-]*", nxt)
            and nxt not in _BOUNDARY
            and nxt not in {"and", "or"}
            and not _is_cue(nxt)
            and not nxt.endswith(("ing", "ed"))
        ):
            continue  # a head used as a modifier ("building materials", "project environmental impact") is no head
        start = _phrase_before(sentence, toks, i)
        end = _qualifier_end(sentence, t.end())
        phrase = sentence[toks[start].start() : end].strip(" ,")
        if start == i and end == t.end() and len(phrase) < 6:
            phrase = phrase  # a bare head ("units") still says who, weakly
        out.append(phrase)
        out.extend(_such_as(sentence, t.end()))
    return list(dict.fromkeys(p for p in out if p))


def places(sentence: str, named_kind: bool = False) -> tuple[list[str], list[str]]:
    """Place phrases of a sentence: (where it applies, where it applies outside of).

    ``named_kind``: a named place of a kind ("the Tongliang industrial park") counts as that kind ("industrial
    park"), as where a site is; a rule about one named place covers no other, so a document's is left out."""
    c = cues()
    toks = _tokens(sentence)
    inside: list[str] = []
    outside: list[str] = []
    for i, t in enumerate(toks):
        if not c.places.match(t.group(0)):
            continue
        start = _phrase_before(sentence, toks, i)
        if start == i:
            continue  # a bare "areas" names no place
        phrase = sentence[toks[start].start() : t.end()].strip(" ,")
        # the lowercase words that end on the head: "Rongchang ceramics industrial park" is a ceramics industrial
        # park, "the ... Development Zone chemical park" a chemical park
        tail = re.search(r"(?:(?<![\w\-'])[a-z][\w\-']*\s+)*[\w\-']+$", phrase) if named_kind else None
        kind = tail.group(0) if tail else ""
        if kind and kind != phrase and len(kind.split()) >= 2:
            phrase = kind  # "Tongliang industrial park": an industrial park
        elif any(w[:1].isupper() for w in phrase.split()[1:]) or (toks[start].start() > 0 and phrase[:1].isupper()):
            continue  # a named place ("Liangjiang New Area") is no kind of place a rule covers
        before = sentence[max(0, toks[start].start() - 20) : toks[start].start()]
        (outside if c.outside.search(before) else inside).append(phrase)
    return list(dict.fromkeys(inside)), list(dict.fromkeys(outside))


def project_stage(sentence: str, named: list[str]) -> str:
    """ "new", "existing", "new and existing" or "": the stage of the projects or equipment a sentence
    names, when the stage word is part of what it names (or a build/expand verb governs it)."""
    c = cues()
    text = " ".join(named)
    new = bool(c.new.search(text)) or bool(
        re.search(r"\b(?:build|construct|expand|add)\w*\s+(?:\w+\s+){0,6}projects?\b", sentence, re.IGNORECASE)
    )
    existing = bool(c.existing.search(text))
    return " and ".join(s for s, on in (("new", new), ("existing", existing)) if on)


def _thresholds(sentence: str, clause: Clause, named: list[str]) -> list[Threshold]:
    out = []
    for t in clause.targets:
        if t.kind != "threshold" or t.value_text not in sentence:
            continue
        before = sentence[: sentence.find(t.value_text)]
        # what the size qualifies: the nearest addressee phrase that ends before it or holds it
        subject = next((p for p in named if t.value_text in p), "")
        if not subject:
            near = [p for p in named if p in before]
            subject = max(near, key=before.rfind) if near else ""
        out.append(Threshold(t.value, t.value_text, t.unit, t.direction, subject))
    return out


def _actors(sentence: str, clause: Clause, inherited: bool) -> list[str]:
    """The clause's acting agencies this sentence speaks to: those it names (by their last words), or all of
    them when the sentence is an item that takes its duty from the lead-in."""
    acting = [*clause.lead, *[a for a in clause.responsible if a not in clause.lead]]
    if inherited:
        return acting
    low = sentence.lower()
    out = []
    for a in acting:
        words = re.findall(r"[a-z]+", a.lower())
        tail = " ".join(words[-2:]) if len(words) >= 2 else (words[0] if words else "")
        if tail and tail in low:
            out.append(a)
    return out


def read_applicability(clause: Clause) -> list[Applicability]:
    """Per sentence of the provision (the closing responsibility note left out): strength, addressees,
    places, project stage, thresholds and the actors it tells to act."""
    body, _note = split_trailing_parenthesis(clause.text)
    lead_strength, lead_cue = strength_of(clause.context) if clause.context else ("stated", "")
    c = cues()
    out: list[Applicability] = []
    for sentence in split_sentences(body):
        if not re.search(r"[A-Za-z]{3}", sentence):
            continue
        strength, cue = strength_of(sentence)
        inherited = False
        if strength != "binding" and lead_strength == "binding":
            strength, cue, inherited = lead_strength, lead_cue, True
        named = addressees(sentence)
        inside, outside = places(sentence)
        out.append(
            Applicability(
                sentence=sentence,
                strength=strength,
                cue=cue,
                addressees=named,
                places=inside,
                outside=outside,
                projects=project_stage(sentence, named),
                thresholds=_thresholds(sentence, clause, named),
                actors=_actors(sentence, clause, inherited),
                everyone=bool(c.everyone.search(sentence) or (inherited and c.everyone.search(clause.context))),
            )
        )
    return out


_DEFINITION = re.compile(
    r"\W*(?:\(\w+\)\s*)?(?:the\s+term\b|[“\"‘][^”\"’]{1,80}[”\"’]\s+(?:means|has the meaning|includes|refers))|"
    r"\W*[A-Z][\w\s\-]{0,60}\s+means\b",
    re.IGNORECASE,
)


_DEFINED = re.compile(r"^\W*(?:\(\w+\)\s*)?(?:the\s+terms?\s+)?[“\"‘](?P<term>[^”\"’]{1,80})[”\"’]", re.IGNORECASE)


def defined_kind(sentence: str) -> str:
    """The term a definition sentence defines ("The term “dual-use foundation model” means ..." → "dual-use
    foundation model"); "" for any other sentence."""
    if not _DEFINITION.match(sentence):
        return ""
    m = _DEFINED.match(sentence)
    return m.group("term").strip() if m else ""


def everyone_kind(sentence: str) -> tuple[str, str]:
    """Whom a sentence for everyone governs: ("agencies", phrase) for every agency ("the head of each agency
    shall"), ("agencies if", phrase) for the agencies that do something ("all agencies that fund life-sciences
    research", the phrase running to its verb), ("enterprises", phrase) for enterprises in general, else ("", "").
    A phrase for every agency that goes on to pick some of them by a list ("each agency listed in subsection (a)")
    is none of these."""
    c = cues()
    if _DEFINITION.match(sentence):
        return "", ""  # a definition ("The term X means ... the general public") addresses no one
    conditional = ""
    for m in c.everyone_agencies.finditer(sentence):
        after = sentence[m.end() : m.end() + 60]
        if c.agencies_listed.search(after) or c.agencies_consulted.search(sentence[max(0, m.start() - 40) : m.start()]):
            continue
        if c.agencies_restricted.search(after):
            if not conditional:
                verb = re.search(r"\s(?:shall|must|should|will|may)\b|[,;:]", sentence[m.end() :])
                end = m.end() + (verb.start() if verb else 0)
                conditional = sentence[m.start() : end].strip() if verb and verb.start() <= 120 else ""
            continue
        return "agencies", m.group(0)
    if conditional:
        return "agencies if", conditional
    m = c.everyone_enterprises.search(sentence)
    if m:
        return "enterprises", m.group(0)
    return "", ""


def is_agency_office(name: str) -> bool:
    """Whether an office of a document is a department or agency of government or heads one (a Secretary, the
    Attorney General, a Director), so what binds "each agency" binds it; a council or board is not."""
    c = cues()
    return bool(c.agency_offices.search(name)) and not c.agency_not.search(name)


def concepts_of(text: str) -> list[tuple[str, list[str]]]:
    """The categories a profile's everyday words stand for: (the words as typed, the category phrases)."""
    out = []
    for pattern, means in cues().concepts:
        m = pattern.search(text)
        if m:
            out.append((m.group(0), means))
    return out


def normalise_units(text: str) -> str:
    """A profile's unit spellings as documents print them ("40 t/h" → "40 tons/hour"), in one pass: a spelling
    put in is not read again ("FLOP" → "integer or floating-point operations" stays that)."""
    c = cues()
    # at each place the first spelling of the file that matches there wins
    return c.unit_alias.sub(lambda m: c.unit_names[int(next(k for k, v in m.groupdict().items() if v)[1:])], text)
