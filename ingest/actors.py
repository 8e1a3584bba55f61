"""Who must act: the actors a policy document names, and the role each plays in a provision.

Everything is read from the document itself; nothing is written down per document.

Registry (``read_actors``)
    An actor is a capitalised name whose *head* is an office or a body. The head is the word before the
    name's first preposition ("Secretary" in "Secretary of the Interior", "Council" in "Council on
    Environmental Quality") or its last word when there is none ("Net-Zero Advisory Body", "Federal Chief
    Sustainability Officer"). Heads that are titles make an ``official``, the others a ``body``. A bare head
    ("the Secretary", "the Council", "the Minister") is an actor only when the document defines it
    ("the Secretary of Commerce (the “Secretary”)", "Minister means ..."); otherwise it is left alone rather
    than guessed, unless the document gives it duties ("the Commission shall ...") and names exactly one actor
    with that head ("the European Commission"): then it is that actor. A few offices that are unique by
    themselves are kept bare (President, Senate, Parliament, Mayor ...).

    Short forms come from the document: "Office of Management and Budget (OMB)" (an acronym is matched
    against the initials of the words before it, so "Director of the National Institute of Standards and
    Technology (NIST)" gives NIST to the Institute, not to the Director); "(Task Force)", "(the “Secretary”)",
    "(White House AI Council)" (every word of the short form is in the long one); "an advisory body, called
    the Net-Zero Advisory Body"; "hereinafter referred to as ..."; and acronyms of a body's initials that
    the document uses without defining. Spellings are merged when they have the same content words in any
    order ("Director of OMB", "Director of the Office of Management and Budget", "OMB Director";
    "Municipal Bureau of Water Resources" / "Municipal Water Resources Bureau").

    Decisions: governments as a whole ("the Federal Government", "the Government of Canada", "the United
    States") are not actors: they are the issuer, not a unit that can be given the work. Collective addressees
    are actors of their own: ``agencies`` (body: "agencies", "each agency", "executive departments and
    agencies"; only in a document that gives its agencies duties), ``head of each agency`` (official: "the
    heads of agencies", "agency heads", "the heads of other relevant agencies") and ``Member States``.
    Pronouns ("they", "I", "we") are never resolved. Generic names ("the Advisory Committee", "the Task
    Force") count only through a definition. Where most bodies share a prefix naming the plan's own level of
    government ("Municipal ..."), a spelling without it joins the prefixed name.

Roles (``provision_roles``, ``roles_by_provision`` for a whole document)
    lead         subjects of shall / must / will / should / is to / is required to / is responsible for /
                 takes the lead; "Led by X", "under the leadership of X"; the agent of a passive duty
                 ("shall be performed by X"); "Lead: X", "X (lead)"; the subject of a statute's present tense
                 ("The Governor in Council appoints ..."). Every subject of a compound subject ("X and Y shall")
                 is lead: the document gives them one duty.
    responsible  who shares the duty: "acting through Y" / "through Y" after a lead; "X, jointly with Y",
                 "with support from Y"; "Y ... are responsible according to their respective duties"; the
                 non-lead entries of "Responsible units: X (lead), Y", "Partners: Y".
    consulted    "in consultation / coordination / cooperation / collaboration / partnership with",
                 "with the advice / participation of", "after consultation with", "on the recommendation
                 of", and the verbs "consult / coordinate / cooperate / collaborate / work with".
    may          empowered, not obliged: "may", "is authorized / encouraged / empowered to".
    established  bodies the provision creates ("There is hereby established X", "shall establish an X").
    Not duties: a verb in a subordinate clause ("as the Secretary may deem appropriate"), a passive with no
    agent ("shall be housed within ..."), membership ("shall consist of the following members:"), a subject
    that is no actor ("The United States will", "I have created", "This order shall"). An actor is listed
    once, in its strongest role (lead, responsible, may, consulted). A list item with no actor of its own
    inherits the roles of the sentence that introduces it (``lead_in``), unless that sentence lists members.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Actor", "ActorRegistry", "Roles", "provision_roles", "read_actors", "roles_by_provision"]

# --------------------------------------------------------------------------------------------- vocabulary

_TITLE_HEADS = frozenset(
    """secretary director administrator chair chairman chairwoman chairperson co-chair vice-chair minister
    commissioner governor president vice-president advisor adviser envoy officer assistant counsel counselor
    coordinator representative ambassador mayor premier registrar ombudsman ombudsperson chief head deputy
    superintendent commander chancellor treasurer comptroller controller speaker clerk auditor inspector
    manager prosecutor rapporteur delegate liaison trustee warden marshal executive-director governor-general""".split()
)
_BODY_HEADS = frozenset(
    """council department agency office commission bureau board committee administration corporation
    foundation institute service authority body group division ministry secretariat directorate parliament
    senate congress legislature assembly cabinet court tribunal centre center laboratory panel unit team
    consortium bank inspectorate regulator command municipality observatory academy house""".split()
)
_GENERAL_PREFIX = frozenset(
    "attorney auditor solicitor inspector comptroller surgeon governor postmaster receiver secretary "
    "director accountant registrar advocate".split()
)
# Offices and bodies that name one actor without any qualifier.
_BARE_OK = frozenset(
    {
        "president",
        "vice-president",
        "vice president",
        "prime minister",
        "minister",  # a statute's "the Minister" is the minister administering it
        "premier",
        "mayor",
        "governor",
        "governor-general",
        "senate",
        "parliament",
        "congress",
        "cabinet",
        "legislature",
    }
)
# Two-word heads that are generic by themselves ("the Task Force" needs a definition to mean something).
_GENERIC_PAIRS = frozenset(
    {
        ("task", "force"),
        ("working", "group"),
        ("vice", "chair"),
        ("vice", "chairman"),
        ("assistant", "secretary"),
        ("under", "secretary"),
        ("deputy", "secretary"),
        ("deputy", "director"),
        ("executive", "director"),
        ("deputy", "minister"),
    }
)
# Modifiers that make a generic name ("the Advisory Committee" refers back to a body named earlier).
_GENERIC_MODIFIERS = frozenset(
    "advisory interagency steering executive expert joint special standing technical coordinating".split()
)
_PLURAL_BODIES = frozenset(
    "council department office commission bureau board committee group institute panel team unit tribunal court "
    "house administration".split()
)
_FUNCTION = frozenset("of the and for on to in & de du des la le a an".split())
_PREPS = frozenset("of for to in on".split())
_DETERMINERS = frozenset(
    "the a an each every all any other relevant such both its their his her my our your this these that those "
    "appropriate respective said".split()
)
# Titles that take "to": "Assistant to the President", "Envoy to ...".
_TAKES_TO = frozenset(
    "assistant representative envoy ambassador adviser advisor counsel secretary delegate liaison".split()
)
_PLURALS = {
    "agencies": "agency",
    "laboratories": "laboratory",
    "secretaries": "secretary",
    "authorities": "authority",
    "bodies": "body",
    "ministries": "ministry",
    "deputies": "deputy",
}

_CAP = r"(?:U\.S\.|[A-Z][A-Za-z0-9]*(?:['’][sS]\b)?(?:[-–/][A-Za-z0-9]+)*(?:['’][sS]\b)?)"
_CONNECT = r"(?:of|the|and|for|on|to|in|&|de|du|des|la|le)"
_SP = r"[^\S\n]+"  # runs never cross a hard line break (see _soften)
# A line that starts a list item, a heading or a labelled line is never the continuation of the line before.
_LINE_START = re.compile(r"^\s*(?:[-*•#>]|\d+[.)]\s|[A-Z][A-Za-z ]{0,30}:\s)")
_RUN = re.compile(rf"{_CAP}(?:(?:{_SP}\([A-Z][A-Za-z0-9\-]*\))?{_SP}(?:{_CONNECT}{_SP})*{_CAP})*")
_TOKEN = re.compile(r"\([A-Z][A-Za-z0-9\-]*\)|\S+")
_ACRONYM = re.compile(r"^[A-Z][A-Za-z0-9\-]*[A-Z0-9][A-Za-z0-9\-]*$")  # two capitals at least: OMB, USAID, ARPA-I
_LOWER_TITLE = re.compile(r"\b(secretary|director|administrator|chair|chairman|minister|commissioner)\s+of\s+")

_HEADS_COLLECTIVE = re.compile(
    r"\b(?:heads?\s+of\s+(?:(?:each|every|all|the|any|other|relevant|such|executive|federal|appropriate)\s+)*"
    r"(?:agenc(?:y|ies)|executive\s+departments?(?:\s+and\s+agencies)?|departments\s+and\s+agencies)"
    r"|agency\s+heads)\b",
    re.IGNORECASE,
)
_AGENCIES_COLLECTIVE = re.compile(
    r"\b(?:(?:each|every)\s+agency\b(?!['’])"
    r"|(?:(?:federal|relevant|other|executive|client|appropriate)\s+)*"
    r"(?:departments\s+and\s+agencies|agencies)\b(?!['’]))",
    re.IGNORECASE,
)
_AGENCIES_SUBJECT = re.compile(
    r"(?:^|[.;:,)]\s+)(?:(?:all|each|every|relevant|other|federal)\s+)*(?:executive\s+departments\s+and\s+)?"
    r"agenc(?:ies|y)\s+(?:that\s+[^,.;]{0,80}?\s+)?(?:shall|must|should|will|may|are\s+(?:to|required|directed))\b",
    re.IGNORECASE | re.MULTILINE,
)
_MEMBER_STATES_COLLECTIVE = re.compile(r"\bMember\s+States?\b(?!['’])")
MEMBER_STATES = "Member States"
HEADS_OF_AGENCIES = "head of each agency"
AGENCIES = "agencies"


# --------------------------------------------------------------------------------------------- data model


@dataclass
class Actor:
    """One actor the document names.

    ``name`` is the fullest form the document uses, ``short`` the abbreviations and short forms it defines or
    uses, ``kind`` is "official" or "body"; ``defined_as`` holds the definition when the actor is a defined
    term that stands for more than one office ("Minister means the Minister of the Environment or, ...").
    """

    name: str
    short: list[str]
    kind: str
    defined_as: str = ""


@dataclass
class Roles:
    """Who acts in one provision, by role (canonical actor names, first mention first)."""

    lead: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    consulted: list[str] = field(default_factory=list)
    may: list[str] = field(default_factory=list)
    established: list[str] = field(default_factory=list)


@dataclass
class _Seg:
    start: int
    end: int
    words: list[str]  # display tokens, inline "(ABBR)" dropped
    kind: str | None
    bare: bool


class ActorRegistry:
    """The actors of one document and the spellings that lead to each of them."""

    def __init__(
        self,
        actors: list[Actor],
        keys: dict[tuple[str, ...], str],
        lexicon: _Lexicon,
        derived: dict[str, list[str]],
        phrases: dict[str, str],
        collectives: set[str],
    ) -> None:
        self.actors = actors
        self._keys = keys
        self._lex = lexicon  # defined (and used) acronyms and multi-word short forms
        # Acronyms built from a body's initials, for resolve() only ("CEQ" when the document never writes it).
        self._lex_derived = _Lexicon({**derived, **lexicon.abbr}, [])
        self._lex_derived.phrases = lexicon.phrases
        self._phrases = phrases  # lowercase short forms matched case-insensitively ("advisory body")
        self._collectives = collectives
        self._by_name = {a.name: a for a in actors}
        self._phrase_re = (
            re.compile(
                r"\b(?:" + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)) + r")\b",
                re.IGNORECASE,
            )
            if phrases
            else None
        )

    def actor(self, name: str) -> Actor | None:
        """The actor with this canonical name."""
        return self._by_name.get(name)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Mentions of known actors in ``text`` as (start, end, canonical name), longest match first wins,
        sorted by position. A mention's span excludes a leading article."""
        text = _soften(text)
        found: list[tuple[int, int, str]] = []
        for seg in _segments(text):
            found.extend(self._match_segment(text, seg))
        for m in _LOWER_TITLE.finditer(text):
            run = _RUN.match(text, m.end())
            if run and not text[m.start()].isupper():
                words = [m.group(1).capitalize(), "of", *(_TOKEN.findall(run.group(0)))]
                name = self._lookup(words)
                if name:
                    found.append((m.start(), run.end(), name))
        if self._phrase_re:
            for m in self._phrase_re.finditer(text):
                found.append((m.start(), m.end(), self._phrases[m.group(0).lower()]))
        if HEADS_OF_AGENCIES in self._collectives:
            found.extend((m.start(), m.end(), HEADS_OF_AGENCIES) for m in _HEADS_COLLECTIVE.finditer(text))
        if AGENCIES in self._collectives:
            found.extend((m.start(), m.end(), AGENCIES) for m in _AGENCIES_COLLECTIVE.finditer(text))
        if MEMBER_STATES in self._collectives:
            found.extend((m.start(), m.end(), MEMBER_STATES) for m in _MEMBER_STATES_COLLECTIVE.finditer(text))
        return _non_overlapping(found)

    def resolve(self, mention: str) -> str | None:
        """Canonical name for a mention as a person types it ("the CEQ", "Chair of CEQ", "OMB Director"),
        or None. Acronyms the document never defines are tried against the initials of its bodies."""
        words = _TOKEN.findall(mention.strip().strip(".,;:"))
        while words and words[0].lower() in _DETERMINERS:
            words = words[1:]
        if not words:
            return None
        if words[-1].endswith(("'s", "’s")):
            words[-1] = words[-1][:-2]
        name = self._lookup(words, derived=True)
        if name:
            return name
        low = " ".join(words).lower()
        if low in self._phrases:
            return self._phrases[low]
        hits = self.find(" ".join(words))
        if hits:
            return max(hits, key=lambda h: h[1] - h[0])[2]
        # Case-insensitive try ("secretary of the interior").
        titled = [w if w.lower() in _FUNCTION else w[:1].upper() + w[1:] for w in words]
        if titled != words:
            name = self._lookup(titled, derived=True)
            if name:
                return name
        # An acronym of a department the document only names through its head ("HHS" when the document has
        # only "the Secretary of Health and Human Services (HHS)"): that head, when there is exactly one.
        if len(words) == 1 and words[0] in self._lex_derived.abbr:
            exp = self._lex_derived.abbr[words[0]]
            tail = _Lexicon({}).key(exp)
            heads = [
                a.name
                for a in self.actors
                if a.kind == "official"
                and " of " in a.name
                and _Lexicon({}).key(a.name.split(" of ", 1)[1].split()) == tail
            ]
            if len(heads) == 1:
                return heads[0]
        return None

    # ---------------------------------------------------------------------------------------- internals

    def _lookup(self, words: list[str], derived: bool = False) -> str | None:
        key = self._lex.key(words)
        if key in self._keys:
            return self._keys[key]
        if derived:
            key = self._lex_derived.key(words)
            if key in self._keys:
                return self._keys[key]
        return None

    def _match_segment(self, text: str, seg: _Seg) -> list[tuple[int, int, str]]:
        name = self._lookup(seg.words) if seg.kind or seg.bare or len(seg.words) == 1 else None
        if name:
            return [(seg.start, seg.end, name)]
        # A lowercase word before the run may belong to the name ("the municipal Finance Bureau").
        before = re.search(r"([a-z][a-z\-]+)\s+$", text[max(0, seg.start - 30) : seg.start])
        if before and before.group(1) not in _FUNCTION:
            name = self._lookup([before.group(1).capitalize(), *seg.words])
            if name:
                return [(seg.start - len(before.group(0)), seg.end, name)]
        # Otherwise the longest known sub-span ("Department of Energy National Laboratories", "OMB Circular").
        offsets = _word_offsets(text, seg)
        n = len(offsets)
        if n > 24:
            return []
        out: list[tuple[int, int, str]] = []
        taken = [False] * n
        for length in range(n - 1, 0, -1):
            for i in range(0, n - length + 1):
                j = i + length
                if any(taken[i:j]) or offsets[i][0].lower() in _FUNCTION or offsets[j - 1][0].lower() in _FUNCTION:
                    continue
                words = [w for w, _, _ in offsets[i:j]]
                if words[-1].endswith(("'s", "’s")):
                    words[-1] = words[-1][:-2]
                name = self._lookup(words)
                if name and (j - i > 1 or _ACRONYM.match(words[0]) or self._bare_ok(words[0])):
                    out.append((offsets[i][1], offsets[j - 1][2] - (2 if offsets[j - 1][0] != words[-1] else 0), name))
                    for k in range(i, j):
                        taken[k] = True
        return out

    def _bare_ok(self, word: str) -> bool:
        return self._lex.key([word]) in self._keys


# --------------------------------------------------------------------------------------------- scanning


def _word_offsets(text: str, seg: _Seg) -> list[tuple[str, int, int]]:
    out = []
    for m in _TOKEN.finditer(text, seg.start, seg.end):
        if m.group(0).startswith("("):
            continue
        out.append((m.group(0), m.start(), m.end()))
    return out


def _is_head(word: str, prev: str | None) -> str | None:
    """'official' or 'body' when ``word`` can head an actor's name."""
    w = word.lower().replace("–", "-")
    if w.endswith(("'s", "’s")):
        w = w[:-2]
    w = _singular(w)
    if w == "general" and prev and prev.lower() in _GENERAL_PREFIX:
        return "official"
    if w == "force" and prev and prev.lower() == "task":
        return "body"
    if w in _TITLE_HEADS:
        return "official"
    if w in _BODY_HEADS:
        return "body"
    return None


def _singular(w: str) -> str:
    if w in _PLURALS:
        return _PLURALS[w]
    if w.endswith("s") and (w[:-1] in _TITLE_HEADS or w[:-1] in _PLURAL_BODIES):
        return w[:-1]
    return w


def _has_head(words: list[str]) -> bool:
    return any(_is_head(w, words[i - 1] if i else None) for i, w in enumerate(words) if w.lower() not in _FUNCTION)


def _analyse(words: list[str]) -> tuple[int, str | None, bool]:
    """Where the actor's name starts in ``words``, its kind (None: no actor) and whether it is a bare head."""
    start = 0
    while True:
        rest = words[start:]
        if not rest:
            return 0, None, False
        p = next((i for i, w in enumerate(rest) if i > 0 and w in _PREPS), len(rest))
        pre = rest[:p]
        kind = _is_head(pre[-1], pre[-2] if len(pre) > 1 else None)
        if kind:
            content = [w for w in rest if w.lower() not in _FUNCTION]
            low = " ".join(w.lower() for w in content)
            generic = len(content) == 2 and (
                (content[0].lower(), content[1].lower()) in _GENERIC_PAIRS or content[0].lower() in _GENERIC_MODIFIERS
            )
            bare = (len(content) == 1 or generic) and low not in _BARE_OK
            return start, kind, bare
        # "Members of the Advisory Council", "Designation of Minister": look after the first "of".
        of = next((i for i, w in enumerate(rest) if w == "of"), None)
        if of is None:
            return 0, None, False
        start += of + 1
        while start < len(words) and words[start].lower() in _FUNCTION:
            start += 1


def _soften(text: str) -> str:
    """The text with the line breaks of hard-wrapped lines made spaces (same length, same offsets). In a text that
    is not hard-wrapped (long paragraph lines) every line break is kept; in a wrapped one, a break after a short
    line (a heading, a marginal note, the last line of a paragraph) is kept."""
    if "\n" not in text:
        return text
    lines = text.split("\n")
    lengths = sorted(len(x.rstrip()) for x in lines if x.strip())
    if not lengths or sum(1 for n in lengths if n > 120) > 0.1 * len(lengths):
        return text
    width = lengths[int(0.9 * (len(lengths) - 1))]
    chars = list(text)
    pos = 0
    for i, line in enumerate(lines[:-1]):
        pos += len(line)
        if len(line.rstrip()) >= 0.6 * width and lines[i + 1].strip() and not _LINE_START.match(lines[i + 1]):
            chars[pos] = " "
        pos += 1
    return "".join(chars)


def _segments(text: str) -> list[_Seg]:
    """Candidate actor names: capitalised runs, split where they join two names, trimmed to the name. An office
    also yields the body it belongs to ("Council on Environmental Quality" in "Chair of the Council on ...")."""
    out: list[_Seg] = []
    for run in _RUN.finditer(text):
        toks = [(m.group(0), run.start() + m.start(), run.start() + m.end()) for m in _TOKEN.finditer(run.group(0))]
        for piece in _split_run(toks):
            seg = _trim(piece)
            if not seg:
                continue
            out.append(seg)
            if seg.kind != "official":
                continue
            offs = [t for t in _TOKEN.finditer(text, seg.start, seg.end) if not t.group(0).startswith("(")]
            for j, w in enumerate(seg.words):
                if w != "of" or len(offs) != len(seg.words):
                    continue
                i = j + 1
                while i < len(seg.words) and seg.words[i].lower() in _FUNCTION:
                    i += 1
                inner = seg.words[i:]
                if inner:
                    start, kind, bare = _analyse(inner)
                    if kind == "body" and not bare and start == 0:
                        out.append(_Seg(offs[i].start(), seg.end, inner, kind, bare))
                        break
    return out


def _head_word(words: list[str]) -> str:
    """The head of a name ("secretary" in "Secretary of State"), lowercase and singular, or ""."""
    start, kind, _ = _analyse(words)
    if not kind:
        return ""
    rest = words[start:]
    p = next((i for i, w in enumerate(rest) if i > 0 and w in _PREPS), len(rest))
    return _singular(rest[p - 1].lower())


def _split_and(left: list[str], right: list[str]) -> bool:
    """Whether "LEFT and RIGHT" (no article after "and") names two actors."""
    if not right:
        return False
    left_kind = _is_head(left[-1], left[-2] if len(left) > 1 else None)
    right_start, right_kind, _ = _analyse(right)
    if (
        _analyse(left)[1] == "official"
        and right_kind == "official"
        and right_start == 0
        and (left_kind == "official" or _is_head(right[0], None))
    ):
        # One person with two titles ("Assistant to the President and National Climate Advisor", "Under Secretary
        # of Commerce for ... and Director of ...") unless the titles repeat ("Secretary of Labor and Secretary of
        # Education").
        return _head_word(left) == _head_word(right)
    if left_kind:
        # "Director of the Office and Management and Budget" (sic) stays one name: "the Office" alone would be
        # a bare head.
        return not (len(left) > 1 and left[-2].lower() in ("the", "of") and left[-1].lower() not in _BARE_OK)
    # "Secretary of State and Secretary of Defense", "X Bureau of Y and Z Bureau of W" are two names;
    # "Secretary of Health and Human Services", "Trade and Development Agency" are one.
    return _has_head(left) and (
        bool(_is_head(right[0], None))
        or any(_is_head(x, None) and k + 1 < len(right) and right[k + 1] in _PREPS for k, x in enumerate(right))
    )


def _split_run(toks: list[tuple[str, int, int]]) -> list[list[tuple[str, int, int]]]:
    """Cut a capitalised run where it joins two names or runs on past one."""
    pieces: list[list[tuple[str, int, int]]] = []
    cur: list[tuple[str, int, int]] = []
    words = [t[0] for t in toks]
    i = 0
    while i < len(toks):
        w = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else ""
        prev = words[i - 1] if i else ""
        left = [t[0] for t in cur if not t[0].startswith("(")]
        split = False
        if not cur:
            pass
        elif w in ("and", "&"):
            right: list[str] = []
            for x in words[i + 1 :]:
                if x in ("and", "&"):
                    break
                right.append(x)
            split = nxt.lower() in _DETERMINERS or bool(left) and _split_and(left, right)
        elif w == "the":
            split = prev.lower() not in _PREPS  # "If the Minister", "renaming the X Division the Y Division"
        elif w.startswith("("):
            split = not _has_head(words[i + 1 :])  # "Office of Management and Budget (OMB) Circular"
        elif w == "to":
            # "Assistant to the President", "Working Group to Decrease Risk ..." but not "report to the Minister".
            split = prev.lower() not in _TAKES_TO and not (nxt[:1].isupper() and nxt.lower() not in _DETERMINERS)
        elif w == "in":
            split = _is_head(prev, None) != "official"  # "Governor in Council"
        elif w == "on":
            split = not _is_head(prev, None)  # "Council on Environmental Quality"
        elif re.search(r"['’][sS]$", prev) and _has_head(left) and "of" in left and not _has_head(words[i:]):
            # "Department of Energy’s AI testbeds": a possessive ends a name ("People's Bank of China" does not).
            pieces.append(cur)
            cur = []
        if split:
            pieces.append(cur)
            cur = []
            i += 1
            while i < len(toks) and words[i].lower() in _FUNCTION:
                i += 1
            continue
        cur.append(toks[i])
        i += 1
    if cur:
        pieces.append(cur)
    return pieces


def _trim(piece: list[tuple[str, int, int]]) -> _Seg | None:
    while piece and (piece[0][0].lower() in _DETERMINERS or piece[0][0].lower() in _FUNCTION):
        piece = piece[1:]
    while piece and (piece[-1][0].lower() in _FUNCTION or piece[-1][0].startswith("(")):
        piece = piece[:-1]
    if not piece:
        return None
    # "Department of Energy-approved": a compound adjective is not part of the name.
    last = re.match(r"^(.+?)[-–](?:[a-z]+ed|based|led|wide|related|specific|level|owned|run)$", piece[-1][0])
    if last and len(piece) > 1:
        piece = [*piece[:-1], (last.group(1), piece[-1][1], piece[-1][1] + len(last.group(1)))]
    words = [t[0] for t in piece if not t[0].startswith("(")]
    if re.search(r"['’][sS]$", words[-1]):
        words[-1] = words[-1][:-2]
    if (
        sum(1 for w in words if len(w) >= 4 and w.isupper()) >= 2
        or all(w.isupper() and len(w) > 1 for w in words[:3])
        and len(words) >= 3
    ):
        return None  # an all-capitals heading, not a name
    start_idx, kind, bare = _analyse(words)
    if start_idx:
        # Drop the leading words (and the "(ABBR)" tokens among them) that are not part of the name.
        kept = 0
        for j, t in enumerate(piece):
            if not t[0].startswith("("):
                if kept == start_idx:
                    piece = piece[j:]
                    break
                kept += 1
        words = words[start_idx:]
    end = piece[-1][2]
    if re.search(r"['’][sS]$", piece[-1][0]):
        end -= 2
    return _Seg(piece[0][1], end, words, kind, bare)


class _Lexicon:
    """Acronyms (one token -> words) and multi-word short forms ("Interagency Council" -> its full name) used to
    give every spelling of a name the same key."""

    def __init__(self, abbr: dict[str, list[str]], phrases: list[tuple[list[str], list[str]]] | None = None) -> None:
        self.abbr = abbr
        self.phrases = [([w.lower() for w in short], long) for short, long in (phrases or [])]

    def expand(self, words: list[str]) -> list[str]:
        """``words`` with a multi-word short form replaced by the full name ("Chair of the Interagency Council")."""
        if not self.phrases or len(words) < 2:
            return words
        low = [w.lower() for w in words]
        for short, long in self.phrases:
            n = len(short)
            # Only the whole name or its end ("Chair of the Interagency Council"): "Interagency Working Group to
            # Decrease Risk ..." is another body.
            if low[-n:] == short and (len(low) == n or low[-n - 1] in ("of", "the")):
                if {x.lower() for x in long} <= set(low):
                    continue
                return [*words[:-n], *long]
        return words

    def key(self, words: list[str]) -> tuple[str, ...]:
        """Order-free identity of a name: its content words, singular, acronyms and short forms expanded."""
        out: list[str] = []
        for w in self.expand(words):
            w = w.strip("()")
            if w.endswith(("'s", "’s")) and len(w) > 3:
                w = w[:-2]
            if w in self.abbr:
                out.extend(_singular(x.lower()) for x in self.abbr[w] if x.lower() not in _FUNCTION)
                continue
            lw = w.lower().replace("–", "-").replace("‑", "-")
            if lw in _FUNCTION:
                continue
            out.append(_singular(lw))
        return tuple(sorted(out))


def _non_overlapping(found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    kept: list[tuple[int, int, str]] = []
    for f in found:
        if all(f[1] <= k[0] or f[0] >= k[1] for k in kept):
            kept.append(f)
    return sorted(kept)


# --------------------------------------------------------------------------------------------- definitions

_PAREN_DEF = re.compile(
    r"\(\s*(?:[“\"‘']?the\s+|hereinafter\s+(?:the\s+)?|hereafter\s+(?:the\s+)?)?[“\"‘']?"
    r"([^()“”\"‘’']{1,60}?)[”\"’']?\s*\)"
)
_HEREINAFTER = re.compile(
    r",?\s*\(?\s*(?:hereinafter|hereafter)\s+(?:referred\s+to\s+as|called)\s+(?:the\s+)?[“\"']?([^()“”\"'.;]{1,60}?)[”\"']?"
    r"\s*[),.;]",
    re.IGNORECASE,
)
_CALLED = re.compile(
    r"\b(?:a|an)\s+([a-z][a-z\-]*(?:\s+[a-z][a-z\-]*){0,3}),?\s+"
    r"(?:called|named|known\s+as)\s+(?:the\s+)?"
    rf"({_CAP}(?:\s+(?:{_CONNECT}\s+)*{_CAP})*)"
)
_DEFINED_ACRONYM = re.compile(r"(?:^|\n|[.;:]\s+)([A-Z][A-Z0-9]+[A-Z0-9])\s+(?:means|has the (?:same )?meaning)\b")
_DUTY_VERB = r"(?:must|shall|may|is required to|is to)\b"
_MEANS = re.compile(
    r"(?:^|\n|[.;]\s+|\(\w{1,4}\)\s+)(?:the\s+term\s+)?[“\"‘']?"
    r"([A-Z][A-Za-z\-]*(?:\s+[A-Z][A-Za-z\-]*){0,3})"
    r"[”\"’']?\s+means\s+([^\n.;]+)"
)


def _acronym_start(words: list[str], abbr: str) -> int | None:
    """Index of the first word of the shortest tail of ``words`` whose initials spell ``abbr``."""
    target = abbr.rstrip("s") if re.search(r"[A-Z]s$", abbr) else abbr
    target = target.replace("-", "").upper()

    def fits(i: int, j: int) -> bool:  # words[i:] spell target[j:]
        if j == len(target):
            return i == len(words)
        if i == len(words):
            return False
        w = words[i]
        low = w.lower()
        if low in _FUNCTION and fits(i + 1, j):
            return True
        parts = [p for p in re.split(r"[-–]", w) if p]
        options = [w[0].upper()]
        if w.isupper() and len(w) > 1:
            options.append(w.upper())
        if len(parts) > 1:
            options.append("".join(p[0].upper() for p in parts))
        for opt in options:
            if target.startswith(opt, j) and fits(i + 1, j + len(opt)):
                return True
        return False

    for i in range(len(words) - 1, -1, -1):
        if words[i].lower() in _FUNCTION:
            continue
        if words[i][0].upper() == target[0] and fits(i, 0):
            return i
    return None


def _short_fits(short: list[str], long: list[str], abbr: dict[str, list[str]]) -> bool:
    """Every word of a short form ("White House AI Council") appears in the long form."""
    low = [w.lower() for w in long]
    for w in short:
        if w.lower() in _FUNCTION:
            continue
        if w.lower() in low:
            continue
        if _ACRONYM.match(w):
            exp = abbr.get(w)
            if exp and all(x.lower() in low for x in exp):
                continue
            found = False
            for i in range(len(long)):
                for j in range(i + 1, min(len(long), i + len(w) * 2) + 1):
                    if _acronym_start(long[i:j], w) == 0:
                        found = True
                        break
                if found:
                    break
            if found:
                continue
        return False
    return True


@dataclass
class _Definitions:
    abbr: dict[str, list[str]] = field(default_factory=dict)  # ABBR -> expansion words
    shorts: list[tuple[list[str], str, int]] = field(default_factory=list)  # (long words, short, position)
    terms: list[tuple[str, str, int]] = field(default_factory=list)  # (term, definition, position)


def _read_definitions(text: str) -> _Definitions:
    d = _Definitions()
    for m in _PAREN_DEF.finditer(text):
        short = m.group(1).strip()
        if not short or not short[0].isupper() or re.fullmatch(r"[A-Z]|[ivxlcdm]+|\d+(\.\d+)?", short):
            continue
        before = text[max(0, m.start() - 300) : m.start()].rstrip()
        runs = list(re.finditer(_RUN.pattern + r"$", before))
        if not runs:
            # "artificial intelligence (AI)", "request for information (RFI)": a lowercase expansion is kept for
            # keying names that contain the acronym ("Chief AI Officer"), never as an actor.
            if _ACRONYM.match(short) and " " not in short and short not in d.abbr:
                words = re.findall(r"[A-Za-z][\w\-]*", before[-120:])
                i = _acronym_start(words[-(len(short) + 3) :], short.upper()) if words else None
                if i is not None:
                    d.abbr[short] = words[-(len(short) + 3) :][i:]
            continue
        toks = [(t.group(0), 0, 0) for t in _TOKEN.finditer(runs[-1].group(0))]
        pieces = _split_run(toks)
        if not pieces:
            continue
        long = [t[0] for t in pieces[-1] if not t[0].startswith("(")]
        while long and long[0].lower() in _DETERMINERS:
            long = long[1:]
        if long and long[-1].endswith(("'s", "’s")):
            long[-1] = long[-1][:-2]
        if not long:
            continue
        if _ACRONYM.match(short) and " " not in short:
            i = _acronym_start(long, short)
            if i is None:
                continue
            # Extend to the whole name the acronym belongs to: "United States International Development
            # Finance Corporation (DFC)" although the initials only cover its tail.
            while i > 0 and long[i - 1].lower() not in _FUNCTION and not _is_head(long[i - 1], None):
                i -= 1
            d.abbr.setdefault(short, long[i:])
            d.shorts.append((long[i:], short, m.start()))
        elif _short_fits(short.split(), long, d.abbr):
            d.shorts.append((long, short, m.start()))
    for m in _HEREINAFTER.finditer(text):
        before = text[max(0, m.start() - 300) : m.start()].rstrip(" ,")
        runs = list(re.finditer(_RUN.pattern + r"$", before))
        if runs:
            toks = [(t.group(0), 0, 0) for t in _TOKEN.finditer(runs[-1].group(0))]
            pieces = _split_run(toks)
            if pieces:
                long = [t[0] for t in pieces[-1] if not t[0].startswith("(")]
                d.shorts.append((long, m.group(1).strip(), m.start()))
    for m in _CALLED.finditer(text):
        phrase, name = m.group(1), m.group(2).split()
        if name and phrase.split()[-1].lower() == name[-1].lower():
            d.shorts.append((name, phrase, m.start()))
    for m in _MEANS.finditer(text):
        d.terms.append((m.group(1).strip(), m.group(2).strip(), m.start(1)))
    return d


# --------------------------------------------------------------------------------------------- registry


@dataclass
class _Group:
    kind: str
    first: int
    forms: Counter = field(default_factory=Counter)
    short: list[str] = field(default_factory=list)
    defined_as: str = ""


def read_actors(text: str) -> ActorRegistry:
    """Every actor the document names, with the abbreviations it defines ("the Council on Environmental Quality
    (CEQ)", '("EPA")', "(the “Secretary”)"), built from the whole document at ingest."""
    text = _soften(text)
    defs = _read_definitions(text)
    abbr = dict(defs.abbr)
    lex = _Lexicon(abbr)
    groups: dict[tuple[str, ...], _Group] = {}
    alias: dict[tuple[str, ...], tuple[str, ...]] = {}  # key of a one-word defined term -> actor key
    phrases: dict[str, tuple[str, ...]] = {}  # lowercase short forms ("advisory body") -> actor key

    def add(words: list[str], kind: str, pos: int, count: int = 1) -> tuple[str, ...]:
        k = lex.key(words)
        g = groups.setdefault(k, _Group(kind, pos))
        g.first = min(g.first, pos)
        g.forms[" ".join(words)] += count
        return k

    # Short forms the document defines, attached to the name they stand for.
    defined = [
        (long[a:], kind, short, pos)
        for long, short, pos in defs.shorts
        for a, kind, bare in [_analyse(long)]
        if kind and not bare
    ]
    lex = _Lexicon(
        abbr, [(short.split(), long) for long, _, short, _ in defined if short[:1].isupper() and " " in short]
    )
    short_of: list[tuple[tuple[str, ...], str]] = []
    for long, kind, short, pos in defined:
        lk = add(long, kind, pos, 0)
        short_of.append((lk, short))
        if short[:1].islower():
            phrases[short.lower()] = lk

    segs = _segments(text)
    late: list[_Seg] = []
    for seg in segs:
        if seg.kind and not seg.bare:
            if re.search(r"\b[a-z][a-z\-]+ $", text[max(0, seg.start - 30) : seg.start]):
                late.append(seg)
                continue
            add(seg.words, seg.kind, seg.start)
    for seg in late:
        # A lowercase word before a name may be part of it when the document also writes it capitalised
        # ("the municipal Finance Bureau" / "the Municipal Finance Bureau").
        word = re.search(r"([a-z][a-z\-]+) $", text[max(0, seg.start - 30) : seg.start]).group(1)
        longer = lex.key([word.capitalize(), *seg.words])
        if word not in _FUNCTION and longer in groups:
            groups[longer].forms[" ".join([word.capitalize(), *seg.words])] += 0
            groups[longer].first = min(groups[longer].first, seg.start)
        else:
            add(seg.words, seg.kind, seg.start)
    # Defined terms: "Minister means the Minister of the Environment or ..." / "“Secretary” means the Secretary
    # of Commerce".
    for term, definition, pos in defs.terms:
        words = term.split()
        _, kind, _bare = _analyse(words)
        if not kind:
            continue
        tk = lex.key(words)
        inner = re.sub(r"^(?:the|a|an)\s+", "", definition.strip())
        run = _RUN.match(inner)
        target = None
        if run and run.end() >= len(inner.rstrip(" ,")):
            target = lex.key(_TOKEN.findall(run.group(0)))
        if target and target in groups and target != tk:
            alias[tk] = target
            short_of.append((target, term))
        else:
            g = groups.setdefault(tk, _Group(kind, pos))
            g.forms[term] += 1
            g.defined_as = g.defined_as or definition.strip()
    # An acronym the document defines ("ARENA has the same meaning as in the ARENA Act") and gives duties ("ARENA
    # may ...") is a body, even when its long form is in another Act.
    for m in _DEFINED_ACRONYM.finditer(text):
        acronym = m.group(1)
        k = lex.key([acronym])
        if k not in groups and k not in alias and re.search(rf"\b{acronym}\s+{_DUTY_VERB}", text):
            groups.setdefault(k, _Group("body", m.start())).forms[acronym] += 1
    for lk, short in short_of:
        g = groups.get(lk)
        if g and short not in g.short:
            g.short.append(short)
        if g and " " not in short and short[:1].isupper() and not _ACRONYM.match(short):
            alias.setdefault(lex.key([short]), lk)  # a one-word defined short form: "(the “Secretary”)"
    # A spelling that is a defined short form ("Advisory Body" heading vs "an advisory body, called ...") joins it.
    for p, lk in phrases.items():
        pk = lex.key(p.split())
        if pk in groups and pk != lk and lk in groups:
            g = groups.pop(pk)
            groups[lk].first = min(groups[lk].first, g.first)
        alias.setdefault(pk, lk)
    for bare, lk in _bare_subjects(segs, groups, alias, lex, text).items():
        alias[bare] = lk
        short = bare[0].capitalize()  # "the Commission": how the document and its readers say it
        if short not in groups[lk].short:
            groups[lk].short.append(short)
    for seg in segs:
        if seg.bare:
            k = lex.key(seg.words)
            target = alias.get(k, k if k in groups else None)
            if target in groups:
                groups[target].first = min(groups[target].first, seg.start)

    # Collectives.
    collectives: set[str] = set()
    for pattern, name, kind in (
        (_HEADS_COLLECTIVE, HEADS_OF_AGENCIES, "official"),
        (_AGENCIES_COLLECTIVE, AGENCIES, "body"),
        (_MEMBER_STATES_COLLECTIVE, MEMBER_STATES, "body"),
    ):
        m = pattern.search(text)
        if name == AGENCIES and not _AGENCIES_SUBJECT.search(text):
            m = None  # "law enforcement agencies" in passing: only a document that tasks its agencies has the actor
        if m:
            collectives.add(name)
            groups[("\x00" + name,)] = _Group(kind, m.start(), Counter({name: 1}))

    alias.update(_merge_local_prefix(groups, lex))
    names = {k: _best_form(g, lex, text) for k, g in groups.items()}
    for k, g in groups.items():
        g.short = [x for x in g.short if x.lower() != names[k].lower()]

    # Acronyms of bodies' initials: used by resolve(); a short form when the document uses them undefined.
    derived: dict[str, list[str]] = {}
    clash: set[str] = set()
    for k, g in groups.items():
        if g.kind != "body" or k[0].startswith("\x00"):
            continue
        words = names[k].split()
        for acr in _initials(words):
            if acr in derived and derived[acr] != words:
                clash.add(acr)
            derived[acr] = words
    for acr in clash:
        derived.pop(acr, None)
    used = set(re.findall(r"\b[A-Z][A-Z0-9]+\b", text))
    for acr, words in derived.items():
        if acr in abbr:
            continue
        k = lex.key(words)
        if k in groups and acr not in groups[k].short and acr in used:
            groups[k].short.append(acr)
            abbr[acr] = words

    keys: dict[tuple[str, ...], str] = {k: names[k] for k in groups if not k[0].startswith("\x00")}
    for sk, lk in alias.items():
        if lk in names:
            keys.setdefault(sk, names[lk])
    actors = [
        Actor(names[k], list(g.short), g.kind, g.defined_as)
        for k, g in sorted(groups.items(), key=lambda kv: kv[1].first)
    ]
    phrase_names = {p: names[lk] for p, lk in phrases.items() if lk in names}
    return ActorRegistry(actors, keys, lex, derived, phrase_names, collectives)


_DUTY_AFTER = re.compile(r"\s+(?:shall|must|may|should|will|is to|is required to)\b")
BARE_SUBJECT_USES = 2  # times a bare head must be the subject of a duty to stand for the one actor with that head


def _bare_subjects(
    segs: list[_Seg], groups: dict[tuple[str, ...], _Group], alias: dict, lex: _Lexicon, text: str
) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Bare heads the document gives duties to ("the Commission shall ...") that stand for the one actor it names
    with that head ("the European Commission"): an EU act never defines "the Commission". A head two named
    actors share ("the Secretary" beside the Secretaries of State and of Energy) stays unresolved."""
    uses: Counter = Counter()
    for seg in segs:
        if seg.bare and len(seg.words) == 1 and _DUTY_AFTER.match(text, seg.end):
            k = lex.key(seg.words)
            if k not in alias and k not in groups:
                uses[k] += 1
    if not uses:
        return {}
    by_head: dict[str, list[tuple[str, ...]]] = {}
    for k, g in groups.items():
        if not k[0].startswith("\x00") and g.forms:
            by_head.setdefault(_head_word(g.forms.most_common(1)[0][0].split()), []).append(k)
    out = {}
    for k, n in uses.items():
        named = by_head.get(k[0], [])
        if n >= BARE_SUBJECT_USES and len(named) == 1:
            out[k] = named[0]
    return out


def _merge_local_prefix(groups: dict[tuple[str, ...], _Group], lex: _Lexicon) -> dict[tuple[str, ...], tuple[str, ...]]:
    """A plan whose bodies mostly share a prefix naming its own level of government ("Municipal X Bureau") also
    writes some of them without it ("the Bureau of X"): those spellings join the prefixed name."""
    merged: dict[tuple[str, ...], tuple[str, ...]] = {}
    firsts = Counter(next(iter(g.forms)).split()[0] for g in groups.values() if g.kind == "body" and g.forms)
    bodies = sum(firsts.values())
    if not firsts or bodies < 3:
        return merged
    prefix, n = firsts.most_common(1)[0]
    if n < 0.4 * bodies or _is_head(prefix, None) or prefix.lower() in _FUNCTION:
        return merged
    for k in list(groups):
        g = groups[k]
        if not g.forms or g.kind != "body":
            continue
        words = next(iter(g.forms)).split()
        if words[0] == prefix:
            continue
        longer = lex.key([prefix, *words])
        if longer in groups and longer != k:
            target = groups[longer]
            for f in g.forms:
                target.forms[f] += 0
            target.first = min(target.first, g.first)
            target.short.extend(x for x in g.short if x not in target.short)
            del groups[k]
            merged[k] = longer
    return merged


def _best_form(g: _Group, lex: _Lexicon, text: str) -> str:
    """The name to show: a spelling without acronyms or short forms, then the most frequent, then the longest."""

    def rank(form: str) -> tuple[int, int, int, int]:
        words = form.split()
        short = sum(1 for w in words if w in lex.abbr and lex.abbr[w][0][:1].isupper()) + (lex.expand(words) != words)
        upper = sum(1 for w in words if w[:1].isupper())
        return (-short, g.forms[form], upper, len(form))

    best = max(g.forms, key=rank)
    words = best.split()
    if lex.expand(words) != words:
        words = lex.expand(words)
    # Only acronyms of proper names are written out ("Director of OMB"); "Chief AI Officer" stays as written.
    proper = {a: e for a, e in lex.abbr.items() if all(x[:1].isupper() or x.lower() in _FUNCTION for x in e)}
    if any(w in proper for w in words):
        return _expand_display(words, proper, text)
    return " ".join(words)


def _initials(words: list[str]) -> list[str]:
    content = [w for w in words if w.lower() not in _FUNCTION]
    out = []
    a = "".join(w[0].upper() for w in content if w[0].isalpha())
    b = "".join(
        w[0].upper() for w in words if w.lower() not in ("the", "and", "&", "for", "on", "to", "in") and w[0].isalpha()
    )
    for x in (a, b):
        if len(x) >= 3 and x not in out:
            out.append(x)
    return out


def _expand_display(words: list[str], abbr: dict[str, list[str]], text: str) -> str:
    """ "Director of OMB" -> "Director of the Office of Management and Budget" (with "the" when the document
    writes the full name with it)."""
    out: list[str] = []
    for w in words:
        if w in abbr:
            exp = " ".join(abbr[w])
            with_the = len(re.findall(r"\bthe\s+" + re.escape(exp).replace(r"\ ", r"\s+"), text))
            total = len(re.findall(re.escape(exp).replace(r"\ ", r"\s+"), text))
            if out and out[-1] == "of" and with_the * 2 >= max(total, 1) and total:
                out.append("the")
            out.append(exp)
        else:
            out.append(w)
    return " ".join(out)


# --------------------------------------------------------------------------------------------- roles

_VERB = re.compile(
    r"\b(?:(?P<resp>(?:is|are|shall\s+be|will\s+be|must\s+be|should\s+be)\s+(?:jointly\s+|primarily\s+|also\s+)?"
    r"responsible\b(?:\s+(?P<respfor>for)\b)?)"
    r"|(?P<leadv>takes?\s+the\s+lead|taking\s+the\s+lead|leads\s+(?:the\s+)?implementation)"
    r"|(?P<may>may(?!\s+not\b)(?!\s+\d)|(?:is|are)\s+(?:hereby\s+)?(?:authori[sz]ed|empowered|encouraged|permitted|invited)"
    r"\s+to)"
    r"|(?P<must>shall|must|will|should|(?:is|are)\s+to(?=\s+[a-z])|(?:is|are)\s+(?:hereby\s+)?(?:directed|required|"
    r"requested|expected|obliged|tasked)\s+to|has\s+the\s+duty\s+to|may\s+not))\b",
    re.IGNORECASE,
)
_NO_SUBJECT = re.compile(r"\b(?:which|that|who|whom|it|they|he|she|we|I|this|these|there|case)\s+$", re.IGNORECASE)
_PASSIVE = re.compile(
    r"^\s+(?:not\s+)?(?:also\s+|further\s+|jointly\s+|then\s+)?be\s+(?:\w+ly\s+)?"
    r"(?P<part>\w+(?:ed|en|wn)|made|held|set|led|done|built|paid|sent|kept|taught|sought|brought|run|met|put)\b"
    r"(?P<by>\s+(?:\w+ly\s+)?by\s+)?",
    re.IGNORECASE,
)
_MARKERS = [
    (
        "consulted",
        r"in\s+(?:close\s+)?(?:consultation|coordination|cooperation|collaboration|partnership|conjunction|"
        r"liaison)\s+with",
    ),
    ("consulted", r"with\s+the\s+(?:advice|participation|input|concurrence|agreement|involvement)\s+of"),
    (
        "consulted",
        r"after\s+(?:consultation|consulting)\s+with|after\s+consulting|(?:up)?on\s+the\s+(?:advice|"
        r"recommendation)\s+of",
    ),
    (
        "responsible",
        r"jointly\s+with|together\s+with|with\s+(?:the\s+)?(?:support|assistance)\s+(?:of|from)|"
        r"supported\s+by|assisted\s+by",
    ),
    ("lead", r"under\s+the\s+(?:leadership|direction|guidance)\s+of|led\s+by|headed\s+by"),
    ("through", r"acting\s+through|through|by\s+way\s+of"),
]
_MARKER_RE = re.compile("|".join(f"(?P<m{i}>\\b(?:{p})\\b)" for i, (_, p) in enumerate(_MARKERS)), re.IGNORECASE)
_POST_CONSULT = re.compile(
    r"\b(?:in\s+(?:close\s+)?(?:consultation|coordination|cooperation|collaboration|partnership|conjunction)\s+with"
    r"|with\s+the\s+(?:advice|participation|input|concurrence|involvement)\s+of"
    r"|after\s+(?:consultation|consulting)\s+with|after\s+consulting|(?:up)?on\s+the\s+(?:advice|recommendation)\s+of"
    r"|(?:consult|coordinate|cooperate|collaborate|work|engage|partner)(?:s|ing)?(?:\s*,[^,]{0,40},)?"
    r"(?:\s+(?:closely|together|also|jointly))?(?:\s+and)?\s+with)\b",
    re.IGNORECASE,
)
_POST_SHARED = re.compile(
    r"\b(?:jointly\s+with|together\s+with|with\s+(?:the\s+)?(?:support|assistance)\s+"
    r"(?:of|from)"
    # "shall have a staff headed by X": X heads what the duty sets up
    r"|(?:headed|chaired|co-chaired|led|directed|convened)\s+by)\b",
    re.IGNORECASE,
)
_CLAUSE_JOIN = re.compile(r"(?:[,;]\s*(?:and|but|or|while|whereas)\b|;|\band\s+then\b)", re.IGNORECASE)
_PIECE_LEAD = re.compile(
    r"^(?:\s|\(|\[|—|–|-)*(?:(?:and/or|and|or|as\s+well\s+as|including|plus|but|also|then|jointly)\s+)*",
    re.IGNORECASE,
)
_DET_RE = re.compile(r"^(?:(?:" + "|".join(sorted(_DETERMINERS, key=len, reverse=True)) + r")\s+)*", re.IGNORECASE)
_CONTINUE = re.compile(r"^\s*,?\s*(?:and/or|and|or|as\s+well\s+as)\s+", re.IGNORECASE)
_MEMBERSHIP = re.compile(
    r"\b(?:consists?\s+of|consisting\s+of|composed\s+of|comprises?|comprising|"
    r"(?:following|additional)\s+members)\b",
    re.IGNORECASE,
)
_MEMBERSHIP_VERB = re.compile(
    r"^\s*(?:also\s+)?(?:consist|be\s+composed|comprise|include\s+the\s+following|"
    r"have\s+the\s+following\s+members)",
    re.IGNORECASE,
)
_ESTABLISHED = re.compile(
    r"\b(?:is|are|shall\s+be|will\s+be)\s+(?:hereby\s+)?"
    r"(?:established|created|constituted|set\s+up)\b|"
    r"\bthere\s+(?:is|are)\s+(?:hereby\s+)?(?:established|created)\b",
    re.IGNORECASE,
)
_ESTABLISH_VERB = re.compile(
    r"\b(?:establish|create|set\s+up|form|constitute)(?:es|s)?\s+(?:an?|the)\s+", re.IGNORECASE
)
_PRESENT_VERB = re.compile(r"^\s*(?:,[^,]{1,80},)?\s*(?:also\s+)?([a-z]+s)\b")
_NOT_VERBS = frozenset(
    "is was has does means includes contains consists comprises applies remains seems as its this thus".split()
)
_LABEL = re.compile(
    r"^\s*(?P<label>lead(?:s|\s+(?:agency|agencies|department|departments|unit|units|body|bodies|organi[sz]ations?|"
    r"ministry|ministries))?|led\s+by|responsible(?:\s+(?:units?|departments?|agenc(?:y|ies)|bod(?:y|ies)|parties|"
    r"organi[sz]ations?|ministr(?:y|ies)|officials?))?|partners?|supporting(?:\s+\w+)?|support|consulted|"
    r"in\s+consultation\s+with|implementing\s+(?:agenc(?:y|ies)|bodies|units))\s*[:：]\s*",
    re.IGNORECASE,
)
_ENUM = re.compile(
    r"^\s*(?:(?:Sec(?:tion)?\.?\s*)?\d+(?:\.\d+)*\.?\s+)?(?:\((?:[a-z]{1,3}|[ivxlc]+|\d+(?:\.\d+)?|"
    r"[A-Z]{1,2})\)\s*)*"
)
_ABBREV_END = re.compile(
    r"(?:\b(?:[A-Z]|U\.S|Sec|No|Nos|e\.g|i\.e|etc|Mr|Ms|Mrs|Dr|St|Inc|Co|Ltd|Jr|Sr|v|vs|Art|para|"
    r"paras|cf|al|approx|Fig|Ch|Pt|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Stat|C\.F\.R|"
    r"U\.S\.C)\.)$"
)


def _sentences(text: str) -> list[tuple[int, str]]:
    """Sentences with their offsets; a trailing parenthesis or bracket is a sentence of its own."""
    out: list[tuple[int, str]] = []
    start = 0
    for m in re.finditer(r"[.!?][”\"’)\]]?\s+(?=[A-Z“\"(\[])|(?<=[.;])\s*(?=[(\[][A-Z])", text):
        if _ABBREV_END.search(text[max(0, m.start() - 12) : m.start() + 1]):
            continue
        out.append((start, text[start : m.end()]))
        start = m.end()
    if start < len(text):
        out.append((start, text[start:]))
    return [(s, t) for s, t in out if t.strip()]


class _Parse:
    """Roles found in one piece of text."""

    def __init__(self) -> None:
        self.roles: dict[str, list[str]] = {r: [] for r in ("lead", "responsible", "consulted", "may", "established")}

    def add(self, role: str, names: list[str]) -> None:
        for n in names:
            if n not in self.roles[role]:
                self.roles[role].append(n)

    def has_actor(self) -> bool:
        return bool(self.roles["lead"] or self.roles["responsible"] or self.roles["may"])


def _leading(piece: str, offset: int, mentions: list[tuple[int, int, str]]) -> list[str]:
    """Actors named at the start of a piece of a clause ("the X and the Y" in "the X and the Y shall")."""
    pos = 0
    m = _PIECE_LEAD.match(piece)
    pos = m.end() if m else 0
    pos += _DET_RE.match(piece[pos:]).end()
    names: list[str] = []
    while True:
        hit = next((h for h in mentions if h[0] == offset + pos), None)
        if hit is None:
            # A mention can also start a few characters in ("Federal agencies" starts at "Federal").
            hit = next((h for h in mentions if offset + pos <= h[0] <= offset + pos + 1), None)
        if hit is None:
            break
        after = piece[hit[1] - offset :]
        if re.match(r"['’]s?\b", after):
            break  # a possessor, not a subject ("the Minister’s recommendation")
        names.append(hit[2])
        c = _CONTINUE.match(after)
        if not c:
            break
        pos = hit[1] - offset + c.end()
        pos += _DET_RE.match(piece[pos:]).end()
    return names


def _pieces(region: str, offset: int) -> list[tuple[str | None, str, int]]:
    """Split a subject region at commas, semicolons, dashes and role markers: (marker role or None, the text
    after the marker, its offset)."""
    cuts = {0}
    cuts.update(m.end() for m in re.finditer(r"[,;:]|\s[—–]\s", region))
    cuts.update(m.start() for m in _MARKER_RE.finditer(region))
    bounds = [*sorted(cuts), len(region)]
    out: list[tuple[str | None, str, int]] = []
    for a, b in zip(bounds, bounds[1:]):
        text = region[a:b]
        lead = re.match(r"[\s(\[]*(?:(?:and|or)\s+)?", text).end()
        mk = _MARKER_RE.match(text, lead)
        if mk:
            role = next(_MARKERS[i][0] for i in range(len(_MARKERS)) if mk.group(f"m{i}"))
            out.append((role, text[mk.end() :].rstrip(",;: "), offset + a + mk.end()))
        elif text.strip(",;: "):
            out.append((None, text.rstrip(",;: "), offset + a))
    return out


def _subject_roles(region: str, offset: int, mentions: list[tuple[int, int, str]], base: str, parse: _Parse) -> bool:
    """Assign the actors of a subject region to roles; True when a subject of the verb was found."""
    pieces = _pieces(region, offset)
    found = False
    ctx = base
    # The piece next to the verb holds the subject unless it is set off by commas: in "... the Envoy, to elevate
    # ... the commitment my Administration will make" the subject of "will" is not the Envoy.
    real = [p for p in pieces if p[1].strip()]
    subject_ok = not (
        real
        and not re.search(r"[,;:—–]\s*$", region)
        and not real[-1][0]
        and not _leading(real[-1][1], real[-1][2], mentions)
        and re.match(r"^\W*(?:(?:and|or|the)\s+)*[a-z]", real[-1][1])
    )
    i = 0
    while i < len(pieces):
        role, text, off = pieces[i]
        names = _leading(text, off, mentions)
        if role in ("consulted", "responsible") and role != base:
            if not found:
                # A fronted phrase: "In consultation with A, B, and C, the Minister must ...". The list ends at
                # its "and"/"or" item, or after the first item when there is none.
                k = i
                for j in range(i + 1, len(pieces)):
                    if (
                        pieces[j][0] is None
                        and re.match(r"^\s*(?:and|or)\b", pieces[j][1])
                        and _leading(pieces[j][1], pieces[j][2], mentions)
                    ):
                        k = j
                for j in range(i, k + 1):
                    parse.add(role, _leading(pieces[j][1], pieces[j][2], mentions))
                i = k + 1
                continue
            ctx = role
            parse.add(role, names)
        elif role == "through" and (found or ctx != base):
            parse.add("responsible" if ctx == base and base in ("lead", "may") else ctx, names)
        elif role == "lead":
            parse.add("lead", names)
            found = found or bool(names)
        elif subject_ok or ctx != base:
            parse.add(ctx, names)
            if ctx == base and names:
                found = True
        i += 1
    return found


def _post_roles(pred: str, offset: int, mentions: list[tuple[int, int, str]], parse: _Parse) -> None:
    """Consulted and sharing parties named after the verb ("shall, in consultation with X, ...", "shall have a
    staff headed by X")."""
    for pattern, role in ((_POST_CONSULT, "consulted"), (_POST_SHARED, "responsible")):
        for m in pattern.finditer(pred):
            rest = pred[m.end() :]
            pieces = [(None, rest, offset + m.end())]
            cut = re.search(r"[,;]", rest)
            if cut:
                pieces = []
                pos = 0
                for c in re.finditer(r"[,;]|$", rest):
                    pieces.append((None, rest[pos : c.start()], offset + m.end() + pos))
                    pos = c.end()
            for _, text, off in pieces:
                t = re.sub(r"^\s*(?:through|acting\s+through|including)\s+", "", text, flags=re.IGNORECASE)
                off += len(text) - len(t)
                names = _leading(t, off, mentions)
                if not names:
                    if text.strip() and not re.match(r"^\s*as\s+(?:appropriate|needed|necessary)", text):
                        break
                    continue
                # "shall be chaired by X" made X the lead already
                parse.add(role, [n for n in names if n not in parse.roles["lead"]])


def _parse_sentence(sent: str, offset: int, registry: ActorRegistry, parse: _Parse) -> None:
    body = sent
    mentions = registry.find(body)
    mentions = [(s + offset, e + offset, n) for s, e, n in mentions]
    label = _LABEL.match(_ENUM.sub("", body, count=1))
    if label:
        _parse_label(label.group("label").lower(), body, offset, mentions, parse)
        return
    for verb in _ESTABLISHED.finditer(body):
        if verb.group(0).lower().startswith("there"):
            # "There is hereby established, within the Executive Office of the President, the X": the first name
            # after the verb that is not a place ("within the ...").
            for s, e, n in mentions:
                if s - offset < verb.end():
                    continue
                if re.search(
                    r"\b(?:within|in|under|of|by|to)\s+(?:the\s+)?$", body[max(0, s - offset - 12) : s - offset]
                ):
                    continue
                parse.add("established", [n])
                break
        else:
            # "The X is hereby established"
            hit = next(
                (
                    h
                    for h in mentions
                    if h[1] - offset <= verb.start()
                    and re.fullmatch(r"\s*(?:\([^()]{0,60}\))?\s*", body[h[1] - offset : verb.start()])
                ),
                None,
            )
            if hit:
                parse.add("established", [hit[2]])
    for m in _ESTABLISH_VERB.finditer(body):
        hit = next((h for h in mentions if h[0] == offset + m.end()), None)
        if hit:
            parse.add("established", [hit[2]])

    # "as the Secretary of Commerce may deem appropriate": a verb inside a subordinate clause is not a duty.
    verbs = [v for v in _VERB.finditer(body) if not _subordinate(body, v.start(), offset, mentions)]
    prev_end = 0
    prev_subject: tuple[str, list[str]] | None = None
    any_verb = False
    for idx, v in enumerate(verbs):
        if v.group("resp"):
            base = "lead" if v.group("respfor") else "responsible"
        elif v.group("leadv"):
            base = "lead"
        elif v.group("may"):
            base = "may"
        else:
            base = "lead"
        before = body[prev_end : v.start()]
        region_start = prev_end
        if prev_subject is not None:
            joins = list(_CLAUSE_JOIN.finditer(before))
            if joins:
                # "X takes the lead, and A, B, and C are responsible": the new subject starts at the first join.
                region_start = prev_end + joins[0].end()
            else:
                region_start = v.start()  # "X shall A and shall B": same subject
        region = body[region_start : v.start()]
        if _NO_SUBJECT.search(body[: v.start()]) and not region.strip(" ,"):
            region = ""
        if idx == 0 and region_start == 0:
            region = _ENUM.sub("", region, count=1)
            region_start = len(body[: v.start()]) - len(region)
        sub = _Parse()
        found = False
        if region.strip() and not _NO_SUBJECT.search(body[: v.start()]):
            found = _subject_roles(region, offset + region_start, mentions, base, sub)
        next_start = verbs[idx + 1].start() if idx + 1 < len(verbs) else len(body)
        pred = body[v.end() : next_start]
        passive = _PASSIVE.match(pred) if base == "lead" and not v.group("resp") and not v.group("leadv") else None
        if _MEMBERSHIP_VERB.match(pred):
            sub = _Parse()  # "The Task Force shall consist of the following members": no duty
        elif passive:
            # "shall be performed by X": X acts; the subject of a passive duty does not.
            sub.roles["lead"] = []
            found = False
            if passive.group("by"):
                names = _leading(pred[passive.end() :], offset + v.end() + passive.end(), mentions)
                sub.add("lead", names)
        elif not found and prev_subject is not None and region_start == v.start() and prev_subject[0] == base:
            sub.add(base, prev_subject[1])
        _post_roles(pred, offset + v.end(), mentions, sub)
        for role, names in sub.roles.items():
            parse.add(role, names)
        subj = sub.roles[base] if base in sub.roles else []
        prev_subject = (base, subj) if subj else None
        prev_end = v.end()
        any_verb = True
    if not any_verb:
        # Statutes state powers in the present tense: "The Governor in Council appoints the members ...".
        start = len(_ENUM.match(body).group(0))
        names = _leading(body[start:], offset + start, mentions)
        if names:
            last = max(h[1] for h in mentions if h[2] in names) - offset
            pv = _PRESENT_VERB.match(body[last:])
            if pv and pv.group(1) not in _NOT_VERBS:
                parse.add("lead", names)


def _subordinate(body: str, pos: int, offset: int, mentions: list[tuple[int, int, str]]) -> bool:
    before = next((h for h in mentions if h[1] - offset <= pos and not body[h[1] - offset : pos].strip()), None)
    if before is None:
        return bool(re.search(r"\b(?:as|that|which|who|whom)\s+(?:it|they|he|she|we|I|the\s+case)\s+$", body[:pos]))
    return bool(
        re.search(
            r"\b(?:as|that|whom|which|who|if|unless|when|where|whether)\s+(?:the\s+)?$",
            body[: before[0] - offset],
            re.IGNORECASE,
        )
    )


def _parse_label(label: str, body: str, offset: int, mentions: list[tuple[int, int, str]], parse: _Parse) -> None:
    """'Lead: X', 'Responsible units: X (lead), Y', 'Partners: Y' lines."""
    role = "responsible"
    if label.startswith("lead") or label.startswith("led"):
        role = "lead"
    elif label in ("consulted", "in consultation with"):
        role = "consulted"
    for s, e, n in mentions:
        tail = body[e - offset : e - offset + 16]
        if re.match(r"\s*\((?:lead|leading|lead\s+unit|lead\s+agency|牵头)\)", tail, re.IGNORECASE):
            parse.add("lead", [n])
        else:
            parse.add(role, [n])


def _parse_text(text: str, registry: ActorRegistry) -> _Parse:
    parse = _Parse()
    # "Lead: X" / "Partners: Y" lines are read one by one; the rest sentence by sentence.
    units: list[tuple[int, str]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        if _LABEL.match(_ENUM.sub("", line, count=1)):
            units.append((pos, line))
        elif units and not _LABEL.match(_ENUM.sub("", units[-1][1], count=1)):
            units[-1] = (units[-1][0], units[-1][1] + line)
        else:
            units.append((pos, line))
        pos += len(line)
    sentences = [
        (u + o, s)
        for u, chunk in units
        for o, s in ([(0, chunk)] if _LABEL.match(_ENUM.sub("", chunk, count=1)) else _sentences(chunk))
    ]
    for off, sent in sentences:
        s = sent.strip()
        lead = len(sent) - len(sent.lstrip())
        if s[:1] in "([" and s.rstrip(".")[-1:] in ")]" and not re.match(r"^\((?:[a-z]{1,3}|[ivxlc]+|\d+|[A-Z])\)", s):
            s = s[1:]
            lead += 1
        _parse_sentence(s, off + lead, registry, parse)
    return parse


def provision_roles(text: str, lead_in: str, registry: ActorRegistry) -> Roles:
    """Who must act in one provision. `lead_in` is the text of the enclosing provision when it introduces a list
    ("the Secretary of Commerce shall: (i) ..."), so an item inherits its actor.

    An item with no actor of its own takes the roles of the nearest sentence of `lead_in` that names one (the
    lead-ins of several levels may be passed joined, outermost first), unless the introducing sentence lists
    members ("shall consist of the following members:"). ``roles_by_provision`` does this through any depth."""
    own = _parse_text(text, registry)
    roles = own.roles
    if lead_in.strip() and not own.has_actor():
        inherited = _inherit(lead_in, registry)
        if inherited:
            roles = _merge(inherited, roles)
    return _finish(roles)


def _inherit(lead_in: str, registry: ActorRegistry) -> dict[str, list[str]] | None:
    """Roles of the nearest sentence of a lead-in that names an actor; {} when it introduces a membership list;
    None when it names nobody."""
    for _off, sent in reversed(_sentences(lead_in)):
        if _MEMBERSHIP.search(sent):
            return {}
        parsed = _parse_text(sent, registry)
        if parsed.has_actor():
            return parsed.roles
    return None


def roles_by_provision(provisions: Iterable[Any], registry: ActorRegistry) -> dict[str, Roles]:
    """Roles of every provision of a document, keyed by clause id. ``provisions`` are objects with ``clause_id``,
    ``text``, ``parent`` and ``lead_in`` (as the structure splitter gives them), parents before children. An item
    its parent introduces inherits the parent's roles at any depth ("(A)" under "(i)" under "(a) ... shall:")."""
    out: dict[str, Roles] = {}
    for p in provisions:
        lead_in = getattr(p, "lead_in", "") or ""
        own = _parse_text(p.text, registry)
        roles = own.roles
        parent = out.get(getattr(p, "parent", None) or "")
        if lead_in.strip() and not own.has_actor():
            inherited = _inherit(lead_in, registry)
            if inherited is None and parent is not None:
                inherited = {
                    "lead": parent.lead,
                    "responsible": parent.responsible,
                    "consulted": parent.consulted,
                    "may": parent.may,
                    "established": [],
                }
            if inherited:
                roles = _merge(inherited, roles)
        out[p.clause_id] = _finish(roles)
    return out


def _merge(inherited: dict[str, list[str]], own: dict[str, list[str]]) -> dict[str, list[str]]:
    merged = _Parse()
    for role in ("lead", "responsible", "consulted", "may", "established"):
        if role != "established":
            merged.add(role, inherited[role])
        merged.add(role, own[role])
    return merged.roles


def _finish(roles: dict[str, list[str]]) -> Roles:
    """Each actor once, in its strongest role: lead, responsible, may, consulted."""
    seen: set[str] = set()
    out: dict[str, list[str]] = {}
    for role in ("lead", "responsible", "may", "consulted"):
        out[role] = [n for n in roles[role] if n not in seen]
        seen.update(out[role])
    return Roles(out["lead"], out["responsible"], out["consulted"], out["may"], list(roles["established"]))
