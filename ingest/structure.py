"""The document model: provisions under the ids the document itself prints.

``split_provisions`` reads any plain-text policy document (executive orders, Acts, regulations with articles,
Markdown strategies) and returns its provisions with compact printed ids ("102(a)(i)", "4.1(b)(ii)(A)", "7(1.1)",
"12(3)"), the headings above each one, its own text, its parent and the parent's lead-in sentence. When the
document has no consistent printed numbering it returns None, and the caller numbers paragraphs by position.

How the numbering is read (mechanisms only, nothing about any one document):

- Lines are joined into paragraphs. Hard-wrapped text (short lines) is joined up to blank lines, and also split
  where a line opens with a numbering label after a finished line ("...; and" / "(b) The ..."). Text with long
  lines is read one line per paragraph.
- Every paragraph opening with a label gets one or more readings ("(i)" is a letter after "(h)" or the first
  roman item). Levels are stacked in the order the document first uses them (the usual reading of legal
  numbering): a label of a style already open closes everything below it; a new style opens a level below the
  current provision. Decimal labels ("4.1.") go under the provision their prefix names.
- A section's printed title ("Purpose.") goes to its heading, as do marginal notes (a short unpunctuated line just
  above a numbered paragraph), group headings (lines above a marginal note, "PART II - ...", "Chapter 3",
  Markdown headings without a number).
- Paragraphs without a label continue the provision above them (joined to its text with a newline). Text before
  the first numbered provision becomes ``preamble.1``, ``preamble.2`` ...; text right after an unnumbered
  division heading becomes ``<division>.1`` ...; a trailing signature block becomes ``closing.1``.
- Regulations and directives: numbered recitals after "Whereas:" become ``recital.12`` ("Recital 12"); a label
  printed alone on its line ("(a)", "1.", as a table cell copies) takes the next paragraph as its text; words after
  the last point of a list go back to the paragraph that introduced the points, and a second list of points under
  the same paragraph gets ids "3(3)(a)-2"; paragraphs inside a quotation running over several paragraphs (an
  amending article's "‘Article 7a ... ’.") are text, not numbering; a closing block ("This Regulation shall be
  binding ...", "Done at ...", signatures, notes "(1) OJ C ...") becomes ``closing.N`` even before annexes;
  "PART A" inside an annex becomes its own provision ``annex-I.part-A`` ("Annex I, Part A(2)").
- The numbering is trusted only when ids are unique after qualification by their parent (a few duplicates are
  tolerated and suffixed "-2"), top-level numbers mostly increase, list items mostly run in sequence, and
  numbered provisions (with recitals and closing blocks) hold most of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from policyqa.ingest.deadlines import MONTH

__all__ = ["Provision", "split_provisions", "normalise_reference"]


@dataclass
class Provision:
    """One provision of a document, under the id the document prints."""

    clause_id: str
    label: str
    heading: list[str]
    text: str
    parent: str | None
    lead_in: str


# --------------------------------------------------------------------------------------------------------------
# Label grammar
# --------------------------------------------------------------------------------------------------------------

_SEC_WORDS = r"Section|SECTION|Sec\.|SEC\.|§"
_KW_SEC = re.compile(rf"^({_SEC_WORDS})\s*(\d+[A-Za-z]?(?:\.\d+)*)(?:\.(?=\s|$|\()|(?=\s|$|\(|:))\s*(.*)$", re.S)
_KW_ART = re.compile(r"^(Article|ARTICLE|Art\.|ART\.)\s*(\d+[a-z]?|[IVXLC]+)(?:\.(?=\s|$)|(?=\s|$|:))\s*(.*)$", re.S)
_NUM_WORDS = (
    "ONE|TWO|THREE|FOUR|FIVE|SIX|SEVEN|EIGHT|NINE|TEN|ELEVEN|TWELVE|THIRTEEN|FOURTEEN|FIFTEEN|SIXTEEN|SEVENTEEN|"
    "EIGHTEEN|NINETEEN|TWENTY"
)
_NUM_WORDS = _NUM_WORDS + "|" + _NUM_WORDS.title()  # "PART ONE", "Part Two"
_DIVISION = re.compile(
    r"^(PART|Part|CHAPTER|Chapter|TITLE|Title|DIVISION|Division|SUBPART|Subpart|SUBCHAPTER|Subchapter|BOOK|Book|"
    rf"SUBSECTION|Subsection)\s+([IVXLC]+|\d+|[A-Z]|{_NUM_WORDS})\b\.?\s*(.*)$",
    re.S,
)
_ATTACH = re.compile(
    r"^(ANNEX|Annex|SCHEDULE|Schedule|APPENDIX|Appendix|ATTACHMENT|Attachment)(?:\s+([IVXLC]+|\d+|[A-Z]))?\b\.?"
    r"\s*(.*)$",
    re.S,
)
# "SECTION A" in a regulation's annex (where articles are the unit, numbered sections group them)
_SECTION_LETTER = re.compile(r"^(SECTION|Section)\s+([A-Z])\b\.?\s*(.*)$", re.S)
_MD = re.compile(r"^(#{1,6})\s+(.*)$", re.S)
_DEC = re.compile(r"^(\d{1,4}(?:\.\d{1,3})+)(\.?)(?=\s|$)\s*(.*)$", re.S)
_NUMDOT = re.compile(r"^(\d{1,3})\.(?=\s)\s*(.*)$", re.S)
_NUMDOT_ALONE = re.compile(r"^(\d{1,3})\.$")
_BARE = re.compile(r"^\*?(\d{1,4}[A-Za-z]?)\s+(?=[A-Z(\[“\"‘'])(.*)$", re.S)
# (a roman numeral runs to seven letters, "(xxxviii)"; other letter labels stay short)
_MONTH = re.compile(rf"{MONTH}\b")
_PAREN = re.compile(
    r"^\(([A-Za-z]{1,5}|[ivxlIVXL]{6,7}|\d{1,3}(?:[A-Z]{1,2})?)(?:\.(\d{1,2}))?\)(?=\s|$|\()\s*(.*)$", re.S
)
_CLOSE = re.compile(r"^([a-z]|\d{1,2})\)\s+(.*)$", re.S)
_CONSOLIDATION_MARK = re.compile(r"^[▼►◄▲]+\s*[A-Z]?\d*$")
_BULLET = re.compile(r"^(?:[-*•▪◦]\s)")
# A line that may open a new paragraph in hard-wrapped text (checked further by the full grammar).
_LINE_LABEL = re.compile(
    rf"^(?:{_SEC_WORDS}|Article\b|ARTICLE\b|Art\.|PART\b|Part\b|CHAPTER\b|Chapter\b|ANNEX\b|Annex\b|SCHEDULE\b|"
    r"Schedule\b|APPENDIX\b|Appendix\b|\(?(?:[A-Za-z0-9]{1,5}|[ivxlIVXL]{6,7})(?:\.\d+)*[.)]|\*?\d{1,4}(?:\.\d+)*\s|#{1,6}\s)"
)
_BARE_KEYWORD_LINE = re.compile(rf"^(?:{_SEC_WORDS}|Article|ARTICLE|Art\.)\s*$")
# "Article 5", "CHAPTER II", "ANNEX I" alone on a line: the title (if any) follows on its own line.
_MARKER_LINE = re.compile(
    rf"^(?:{_SEC_WORDS}|Article|ARTICLE|Art\.|ART\.|PART|Part|CHAPTER|Chapter|TITLE|Title|DIVISION|Division|"
    rf"SUBSECTION|Subsection|ANNEX|Annex|SCHEDULE|Schedule|APPENDIX|Appendix)\s*(?:\d+[A-Za-z]?(?:\.\d+)*|[IVXLC]+|"
    rf"[A-Z]|{_NUM_WORDS})\.?$"
)

_ROMAN = re.compile(r"^(?=[ivxlcdm]+$)m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_STOP = {
    "a", "an", "the", "and", "or", "of", "for", "in", "on", "to", "with", "by", "at", "from", "into", "as", "under",
    "over", "upon", "via", "vs", "nor", "but", "its", "their", "about", "between", "through", "within", "against",
}  # fmt: skip
_SENTENCE_BREAK = re.compile(r"\w{3,}[.!?]\s+\S")
_TITLE_END = re.compile(r"\.(?=\s|$|\(|[A-Z][a-z])")


def _roman_value(token: str) -> int | None:
    t = token.lower()
    if not t or not _ROMAN.match(t):
        return None
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total = 0
    for i, ch in enumerate(t):
        v = values[ch]
        total += -v if i + 1 < len(t) and values[t[i + 1]] > v else v
    return total


def _to_roman(n: int) -> str:
    out = []
    for v, s in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
                 (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):  # fmt: skip
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


def _letter_value(token: str) -> int | None:
    """a=1 ... z=26, aa=27 ... zz=52 (doubled letters continue a long list)."""
    t = token.lower()
    if not t.isalpha() or len(set(t)) != 1:
        return None
    return (len(t) - 1) * 26 + ord(t[0]) - ord("a") + 1


def _letter_token(n: int, upper: bool) -> str:
    reps, idx = divmod(n - 1, 26)
    s = chr(ord("a") + idx) * (reps + 1)
    return s.upper() if upper else s


def _number_ord(token: str) -> tuple[int, ...]:
    parts = []
    for piece in token.split("."):
        m = re.match(r"(\d+)([A-Za-z]?)", piece)
        if not m:
            return (0,)
        parts.append(int(m.group(1)))
        if m.group(2):
            parts.append(ord(m.group(2).lower()) - ord("a") + 1)
    return tuple(parts)


@dataclass
class _Label:
    style: tuple
    token: str  # the printed number without decoration: "102", "4.1", "a", "1.1", "iv"
    ordinal: tuple[int, ...]
    kind: str  # "section" (numbers only need to increase) or "list" (items run 1, 2, 3 / a, b, c)
    word: str  # the document's word for the unit ("Sec.", "Section", "Article"), "" when it prints none
    rest: str
    decimal: bool = False  # token carries its parent's number ("4.1" under "4")
    heading: bool = False  # printed as a heading (Markdown), the whole rest is its title


def _paren_readings(token: str, sub: str | None, rest: str, closing: bool = False) -> list[_Label]:
    """Readings of "(x)" / "x)": digits, letters, roman numerals, in both cases."""
    out = []
    subn = int(sub) if sub else 0
    tok = f"{token}.{sub}" if sub else token
    shape = "close" if closing else "paren"
    if token.isdigit():
        out.append(_Label((shape, "digit"), tok, (int(token), subn), "list", "", rest))
        return out
    inserted = re.fullmatch(r"(\d{1,3})([A-Z]{1,2})", token)
    if inserted and not sub:  # "(1A)": inserted after (1) by an amendment
        out.append(
            _Label(
                (shape, "digit"),
                token,
                (int(inserted.group(1)), _letter_value(inserted.group(2)) or 1),
                "list",
                "",
                rest,
            )
        )
        return out
    if not token.isalpha() or not (token.islower() or token.isupper()):
        return out
    if not sub and len(token) == 2 and token[0] != token[1] and token.islower() and _roman_value(token) is None:
        # "(ca)": inserted after (c) by an amendment, before (d)
        out.append(
            _Label(
                (shape, "lower"), token, (_letter_value(token[0]) or 0, _letter_value(token[1]) or 0), "list", "", rest
            )
        )
        return out
    case = "lower" if token.islower() else "upper"
    letter = _letter_value(token)
    roman = _roman_value(token) if not sub else None
    if roman is not None:
        out.append(_Label((shape, case + "-roman"), tok, (roman, 0), "list", "", rest))
    if letter is not None:
        out.append(_Label((shape, case), tok, (letter, subn), "list", "", rest))
    return out


def _section_word(word: str) -> str:
    return {"SECTION": "Section", "SEC.": "Sec.", "ARTICLE": "Article", "ART.": "Art."}.get(word, word)


def _readings(par: str) -> list[_Label]:
    """Every way the start of a paragraph can be read as a numbering label (empty when it is not one)."""
    m = _MD.match(par)
    if m:
        inner = [r for r in _readings(m.group(2)) if r.kind == "section"]
        for r in inner:
            r.heading = True
        return inner
    m = _KW_SEC.match(par)
    if m:
        rest = m.group(3)
        if rest[:1].islower():
            return []  # "Section 4 of the Act ..." is a sentence
        token = m.group(2)
        depth = token.count(".")
        word = _section_word(m.group(1))
        return [_Label(("sec", depth), token, _number_ord(token), "section", word, rest, depth > 0)]
    m = _KW_ART.match(par)
    if m:
        rest = m.group(3)
        if rest[:1].islower():
            return []
        token = m.group(2)
        ordinal = (_roman_value(token) or 0,) if token.isupper() else _number_ord(token)
        word = _section_word(m.group(1))
        return [_Label(("art",), token, ordinal, "section", "Article" if word == "Art." else word, rest)]
    m = _DEC.match(par)
    if m:
        token, dot, rest = m.groups()
        if rest and not re.match(r"[A-Z(\[“\"‘'#]", rest):
            return []
        if not rest and not dot:
            return []
        depth = token.count(".")
        return [_Label(("dec", depth, bool(dot)), token, _number_ord(token), "section", "section", rest, True)]
    m = _NUMDOT_ALONE.match(par)
    if m:  # "1." alone, its text in the next paragraph (a table cell copied on its own)
        return [_Label(("numdot",), m.group(1), (int(m.group(1)), 0), "list", "section", "")]
    m = _NUMDOT.match(par)
    if m and m.group(2):
        return [_Label(("numdot",), m.group(1), (int(m.group(1)), 0), "list", "section", m.group(2))]
    m = _PAREN.match(par)
    if m:
        return _paren_readings(m.group(1), m.group(2), m.group(3))
    m = _CLOSE.match(par)
    if m:
        return _paren_readings(m.group(1), None, m.group(2), closing=True)
    m = _BARE.match(par)
    if m:
        token = m.group(1)
        if re.fullmatch(r"(19|20)\d\d", token) or _MONTH.match(m.group(2)):
            return []  # a year or a date ("4 December 2011") opening a line
        return [_Label(("bare",), token, _number_ord(token), "section", "section", m.group(2))]
    return []


_DATE_LINE = re.compile(rf"^\d{{1,2}} {MONTH} \d{{4}}$")


def _is_heading_like(par: str) -> bool:
    """A short unpunctuated line: a heading or marginal note, not a sentence (nor a date: "4 December 2011")."""
    if not par or len(par) > 200 or len(par.split()) > 25 or _DATE_LINE.match(par):
        return False
    if par[0].islower() or par[-1] in ".;:,":
        return False
    return not _SENTENCE_BREAK.search(par)


def _title_case(s: str) -> bool:
    words = re.findall(r"[A-Za-z][\w’'\-]*", s)
    content = [w for w in words if w.lower() not in _STOP]
    if not content or not re.match(r"[A-Z0-9“\"']", s):
        return False
    return all(w[0].isupper() or w[0].isdigit() for w in content)


def _split_title(rest: str, whole_ok: bool, need_more: bool) -> tuple[str, str]:
    """(title, remaining text) for a label's rest: "Purpose.  This order ..." -> ("Purpose", "This order ...")."""
    stripped = re.sub(r"^[—–:-]\s*", "", rest)
    for m in _TITLE_END.finditer(stripped):
        prefix = stripped[: m.start()]
        last = prefix.split()[-1] if prefix.split() else ""
        if len(last) <= 1 or re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", last):
            continue  # an initial or abbreviation ("U.S."), not the title's end
        if len(prefix.split()) > 20:
            break
        if _title_case(prefix):
            remainder = stripped[m.end() :].strip()
            if need_more and not remainder:
                return "", rest
            return prefix.strip(), remainder
        break
    if whole_ok and _is_heading_like(stripped):
        return stripped, ""
    return "", rest


# --------------------------------------------------------------------------------------------------------------
# Paragraphs
# --------------------------------------------------------------------------------------------------------------


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def _paragraphs(text: str) -> list[str]:
    """The document's paragraphs, lines joined and whitespace normalised."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\t", " ")
    # consolidated texts mark amended passages with lines like "▼M1" / "▼B": not part of the text
    lines = [ln for ln in text.split("\n") if not _CONSOLIDATION_MARK.match(ln.strip())]
    body = [ln.strip() for ln in lines if ln.strip()]
    if not body:
        return []
    wrapped = sum(len(ln) > 100 for ln in body) / len(body) < 0.05
    if not wrapped:
        return [_norm(ln) for ln in body]
    widths = sorted(len(ln) for ln in body)
    short = 0.6 * widths[int(0.9 * (len(widths) - 1))]
    out: list[str] = []
    cur: list[str] = []

    def flush() -> None:
        if cur:
            out.append(_norm(" ".join(cur)))
            cur.clear()

    title_line = False  # the line after a marker line: a title line is a paragraph of its own
    for raw in lines:
        line = raw.strip()
        if not line:
            flush()
            title_line = False
            continue
        if cur:
            prev = cur[-1]
            if _MD.match(prev) or _MD.match(line) or _BULLET.match(line) or _MARKER_LINE.match(prev):
                title_line = bool(_MARKER_LINE.match(prev))
                flush()
            elif title_line and len(cur) == 1 and _is_heading_like(prev):
                title_line = False
                flush()
            elif (
                _LINE_LABEL.match(line)
                and not _BARE_KEYWORD_LINE.match(prev)
                and (prev[-1] in ".:;" or len(prev) < short)
                and _readings(line)
            ):
                title_line = False
                flush()
        cur.append(line)
    flush()
    return out


_OPEN_QUOTES = "‘“"
_CLOSE_QUOTE = re.compile(r"’(?![A-Za-z])|”")  # not the apostrophe in "State’s"
_WHEREAS = re.compile(r"^(?:Whereas|WHEREAS|Considering|CONSIDERING)\b")
_CLOSING_FORMULA = re.compile(r"^(?:Done at|Signed by|Given under|Given at)\b")
_BINDING = re.compile(r"\bbinding in its entirety\b")
_CITATION_NOTE = re.compile(r"\bOJ [A-Z]\b|\bp\. ?\d")


def _closes_quote(par: str) -> bool:
    """Whether a paragraph closes more quotations than it opens (a leading opening quote aside)."""
    body = par[1:] if par[:1] in _OPEN_QUOTES else par
    return len(_CLOSE_QUOTE.findall(body)) > sum(body.count(q) for q in _OPEN_QUOTES)


def _quoted(paras: list[str]) -> set[int]:
    """Paragraphs inside a quotation that runs over several paragraphs ("‘Article 5 ... ’;", the text an amending
    provision inserts elsewhere): the numbering in them belongs to the quoted text, not to this document. Each
    quoted paragraph may open with a quote mark again; only the last one closes it."""
    out: set[int] = set()
    i = 0
    while i < len(paras):
        if paras[i][:1] in _OPEN_QUOTES and not _closes_quote(paras[i]):
            end = next((j for j in range(i + 1, min(len(paras), i + 80)) if _closes_quote(paras[j])), None)
            if end is not None:
                out.update(range(i, end + 1))
                i = end
        i += 1
    return out


# --------------------------------------------------------------------------------------------------------------
# Building the tree
# --------------------------------------------------------------------------------------------------------------


@dataclass
class _Node:
    clause_id: str
    label: str
    parent: _Node | None
    groups: list[str]
    titles: list[str] = field(default_factory=list)
    paras: list[str] = field(default_factory=list)
    numbered: bool = True
    decimal: bool = False
    heading_para: bool = False  # its paragraph was a heading (title, no text of its own)
    md_level: int = 0  # number of "#" when printed as a Markdown heading
    root: _Node | None = None
    ordinal: tuple[int, ...] = ()
    recital: bool = False  # a numbered recital of the preamble ("(12) ..." after "Whereas:")
    own: int = 0  # paragraphs that came with the label itself; later ones continue it
    lead: str | None = None  # the parent's lead-in when this provision opened
    restart: bool = False  # a second list under the same parent ("(a)" again after a lead-in)
    lists: int = 1  # lists of items opened under this provision
    attach: bool = False  # a schedule, annex or appendix: its items number on from its heading


@dataclass
class _Frame:
    style: tuple
    last: tuple[int, ...]
    node: _Node
    kind: str
    suffix: str = ""  # "-2" on the items of a second list under the same parent


def _continues(kind: str, last: tuple[int, ...], new: tuple[int, ...]) -> bool:
    if kind == "section":
        return new > last
    main, sub = (new + (0, 0))[:2]
    lmain, lsub = (last + (0, 0))[:2]
    return (main == lmain + 1 and sub == 0) or (main == lmain and sub == lsub + 1)


def _opens(label: _Label) -> bool:
    if label.kind == "section":
        return True
    return label.ordinal[:2] in ((1, 0), (1,))


class _Builder:
    def __init__(self, paras: list[str]) -> None:
        self.paras = paras
        self.nodes: list[_Node] = []
        self.stack: list[_Frame] = []
        self.current: _Node | None = None
        self.groups: list[tuple[int, str]] = []
        self.groups_used = True
        self.division_ranks: dict[str, int] = {}
        self.positional: dict[str, int] = {}
        self.anchor: tuple[str, str] | None = ("preamble", "Preamble")
        self.last_root: _Node | None = None
        self.last_bare: tuple[int, ...] = ()
        self.pending_note: str | None = None
        self.bad = 0
        self.labelled = 0
        self.readings_cache: dict[int, list[_Label]] = {}
        self.skip = -1
        styles = [r.style[0] for i in range(len(paras)) for r in self.raw(i)[:1] if r.kind == "section"]
        # Where articles are the unit, "Section 1" lines group articles (as chapters do).
        self.articles = styles.count("art") >= 2
        # Where sections (any printing) are the unit, a list item outside every section is not numbering of the
        # document ("(1) Whereas ..." recitals, a stray list in the preamble).
        self.has_sections = sum(st != "sec" or not self.articles for st in styles) >= 2
        self.quoted = _quoted(paras) if self.articles else set()
        self.recitals = self.find_recitals()
        self.awaiting: _Node | None = None  # opened from a bare label ("(a)" alone): its text is the next paragraph
        self.restarts: set[int] = set()

    def find_recitals(self) -> dict[int, tuple[int, int]]:
        """Numbered recitals of a preamble ("Whereas:" then "(1) ...", "(2) ..."): paragraph index of each label ->
        (number, index after its last paragraph). A label alone on its line has its text in the paragraphs after it."""
        paras = self.paras

        def digit(j: int) -> _Label | None:
            return next((r for r in self.raw(j) if r.style == ("paren", "digit")), None)

        start = next(
            (i for i, p in enumerate(paras) if _WHEREAS.match(p) or ((lab := digit(i)) and _WHEREAS.match(lab.rest))),
            None,
        )
        out: dict[int, tuple[int, int]] = {}
        if start is None:
            return out
        expected, cur = 1, None
        for j in range(start, len(paras)):
            lab = digit(j)
            rs = self.raw(j)
            if rs and rs[0].kind == "section" and cur is not None:
                # "Article 290 TFEU enables ..." opening a recital's text is a sentence, not an article
                sentence = len(rs[0].rest.split()) > 12 and rs[0].rest.rstrip()[-1:] in ".;,"
                if sentence or (j == cur + 1 and not digit(cur).rest):
                    continue
            stop = (rs and rs[0].kind == "section") or self.is_division(j) or (lab and lab.token != str(expected))
            stop = stop or (lab is None and cur is not None and not rs and _capitals(paras[j]))
            if cur is not None and (stop or lab):
                out[cur] = (expected - 1, j)
                cur = None
            if stop:
                break
            if lab:
                cur, expected = j, expected + 1
        if cur is not None:
            out[cur] = (expected - 1, len(paras))
        return out

    def add_recital(self, i: int, number: int, end: int) -> None:
        lab = next(r for r in self.raw(i) if r.style == ("paren", "digit"))
        node = _Node(f"recital.{number}", f"Recital {number}", None, self.group_texts(), numbered=False, recital=True)
        node.root = node
        node.paras = ([lab.rest] if lab.rest else []) + self.paras[i + 1 : end]
        self.nodes.append(node)
        self.current = node

    def notes_end(self, j: int) -> int:
        """End of a run of notes numbered from (1) starting at paragraph j ("(1)  OJ L 130, ...")."""
        expected = 1
        while j < len(self.paras):
            lab = next((r for r in self.raw(j) if r.style == ("paren", "digit")), None)
            if lab is None or lab.token != str(expected):
                break
            expected += 1
            j += 1
            if not lab.rest and j < len(self.paras) and not self.raw(j) and not self.is_division(j):
                j += 1
        return j

    def closing_end(self, i: int) -> int | None:
        """End of a closing block opening at paragraph i ("Done at ..., date", the signatures, the notes), or None."""
        paras = self.paras
        if self.last_root is None or self.raw(i):
            return None
        formula = _CLOSING_FORMULA.match(paras[i])
        nxt = paras[i + 1] if i + 1 < len(paras) else ""
        if not formula and not (_BINDING.search(paras[i]) and _CLOSING_FORMULA.match(nxt)):
            return None
        j = i + 1
        while j < len(paras) and not self.raw(j) and not self.is_division(j) and len(paras[j]) <= 100:
            j += 1
        return self.notes_end(j)

    def trailing_notes(self) -> int:
        """Start of a run of notes ending the document ("(1)  OJ C 105, ..."), or the document's length."""
        n = len(self.paras)
        for s in range(n):
            lab = next((r for r in self.raw(s) if r.style == ("paren", "digit")), None)
            if lab is None or lab.token != "1" or self.notes_end(s) != n:
                continue
            cites = sum(bool(_CITATION_NOTE.search(p)) for p in self.paras[s:])
            if cites * 2 >= n - s:
                return s
        return n

    def lead_in_after_list(self, k: int) -> bool:
        """Whether the list at stack frame k was closed by an unnumbered lead-in ("... the following:") that opens
        a second list under the same parent."""
        cur = self.current
        if cur is None or not any(f.node is cur for f in self.stack[max(k - 1, 0) :]):
            return False
        extra = cur.paras[cur.own :]
        return bool(extra) and extra[-1].rstrip()[-1:] in (":", "—", "–")

    # ---- readings -------------------------------------------------------------------------------------------

    def raw(self, i: int) -> list[_Label]:
        """Readings of paragraph i from its text alone (cached)."""
        if i not in self.readings_cache:
            self.readings_cache[i] = _readings(self.paras[i])
        return self.readings_cache[i]

    def readings(self, i: int) -> list[_Label]:
        """Readings of paragraph i, minus those the context rules out."""
        out = []
        for r in self.raw(i):
            if r.style[0] == "sec" and self.articles:
                continue
            if r.kind == "list" and self.has_sections and not any(f.kind == "section" for f in self.stack):
                continue
            if (
                r.style == ("bare",)
                and r.ordinal <= self.last_bare
                and (r.ordinal[0] < self.last_bare[0] or r.ordinal == self.last_bare)
            ):
                # Act-style bare numbers only ever increase; anything else is a number in a sentence (but "57" may
                # follow the inserted "57A" printed before it)
                continue
            if r.style == ("bare",) and self.last_bare and r.ordinal[0] > self.last_bare[0] + 1 and self.skips(i, r):
                continue  # "100 ..." between sections 22 and 23 is a number in a line, not section 100
            if (
                r.style[0] == "sec"
                and not r.rest
                and self.last_root is not None
                and self.last_root.ordinal
                and r.ordinal <= self.last_root.ordinal
            ):
                continue  # "Section 9" alone after section 12: a printed page's running header
            if (
                r.style[0] == "sec"
                and not r.rest
                and not r.heading
                and self.stack
                and self.stack[-1].style == ("attach",)
                and not self.stack[-1].node.paras
            ):
                continue  # "Section 6" under a schedule's heading: the section giving the schedule effect, cited
            if r.style[0] in ("sec", "art") and not r.rest and not r.heading and i + 1 < len(self.paras):
                nxt = _readings(self.paras[i + 1])
                if nxt and nxt[0].kind == "section" and not nxt[0].decimal:
                    continue  # "Section 23" standing alone above another section is a note about it
            out.append(r)
        return out

    def skips(self, i: int, label: _Label) -> bool:
        """Whether a bare number jumping ahead of the last one is followed by a bare number between the two: the
        sections go on from the last, so this one is no section."""
        for j in range(i + 1, len(self.paras)):
            nxt = next((r for r in self.raw(j) if r.style == ("bare",) and r.ordinal > self.last_bare), None)
            if nxt is not None:
                return nxt.ordinal < label.ordinal
        return False

    # ---- headings ------------------------------------------------------------------------------------------

    def add_group(self, rank: int, text: str) -> None:
        if not self.groups_used:
            self.groups.append((rank, text))  # headings stacked with nothing between them all apply
        else:
            self.groups = [g for g in self.groups if g[0] < rank] + [(rank, text)]
        self.groups_used = False

    def rank_of(self, heading: str) -> int:
        """Nesting rank of an unnumbered heading; a Part or Division printed as a Markdown heading ranks as one
        ("##### Division 1" under "##### Part 2", not beside it)."""
        m = _DIVISION.match(_strip_md(heading))
        if m:
            key = _section_word(m.group(1)).lower().rstrip(".")
            return self.division_ranks.setdefault(key, len(self.division_ranks))
        return _heading_rank(heading)

    def group_texts(self) -> list[str]:
        self.groups_used = True
        return [g[1] for g in self.groups]

    # ---- provisions ----------------------------------------------------------------------------------------

    def add_text(self, par: str) -> None:
        if self.current is None or self.anchor is not None:
            name, shown = self.anchor or ("preamble", "Preamble")
            n = self.positional.get(name, 0) + 1
            self.positional[name] = n
            node = _Node(f"{name}.{n}", f"{shown}, para. {n}", None, self.group_texts(), numbered=False)
            node.paras.append(par)
            node.root = node
            self.nodes.append(node)
            self.current = node
            return
        cur = self.current
        top = self.stack[-1] if self.stack else None
        if (
            self.articles
            and top is not None
            and top.node is cur
            and top.style[0] in ("paren", "close")
            and cur.parent is not None
            and len(cur.paras) == cur.own
            and cur.paras
            and cur.paras[-1].rstrip().endswith(".")
        ):
            # Words after the last point of a list ("(e) ... .", then "This Regulation does not ...") close the
            # provision that introduced the list.
            cur = cur.parent
            self.current = cur
        cur.paras.append(par)

    def choose(self, i: int, labels: list[_Label]) -> tuple[bool, int, _Label]:
        """Pick a reading and where it goes: (reading is good, stack index of its parent frame or -1, label)."""
        options = []
        for lab in labels:
            k = next((j for j in range(len(self.stack) - 1, -1, -1) if self.stack[j].style == lab.style), None)
            if k is not None:
                good = _continues(lab.kind, self.stack[k].last, lab.ordinal)
                if not good and _opens(lab) and (self.lead_in_after_list(k) or self.stack[0].style == ("attach",)):
                    self.restarts.add(id(lab))
                    good = True
                options.append((good, k - 1, lab))
                continue
            if lab.decimal:
                prefix = lab.token.rsplit(".", 1)[0]
                m = next((j for j, f in reversed(list(enumerate(self.stack))) if f.node.clause_id == prefix), None)
                if m is not None:
                    options.append((lab.ordinal[-1] == 1, m, lab))
                    continue
                # a numbered clause whose prefix is no provision ("2.5" under the heading "SECTION 2"): it closes
                # the lists and the numbered clauses open before it, and goes beside them ("(i)" after it is its
                # own item, not the next of a list in the recitals above)
                outer = [j for j, f in enumerate(self.stack) if f.kind != "list" and not f.node.decimal]
                if outer and any(f.kind == "list" or f.node.decimal for f in self.stack[outer[-1] + 1 :]):
                    options.append((_opens(lab), outer[-1], lab))
                    continue
            top = lab.kind == "section" and not lab.decimal and not any(f.style == ("attach",) for f in self.stack)
            options.append((_opens(lab), -1 if top else len(self.stack) - 1, lab))
        good = [o for o in options if o[0]]
        if len(good) > 1:
            pick = self.lookahead(i, [o[2] for o in good])
            if pick is not None:
                return next(o for o in good if o[2] is pick)
            good.sort(key=lambda o: o[1] == len(self.stack) - 1)  # continuing a level beats opening one
            return good[0]
        if good:
            return good[0]
        options.sort(key=lambda o: o[1] == len(self.stack) - 1)
        return options[0]

    def lookahead(self, i: int, labels: list[_Label]) -> _Label | None:
        """Between "(i)" as a letter and as a roman numeral: the next label of that case decides."""
        successors = {}
        for lab in labels:
            upper = lab.token.isupper()
            if lab.style[1].endswith("roman"):
                nxt = _to_roman(lab.ordinal[0] + 1)
                successors[id(lab)] = nxt.upper() if upper else nxt
            elif lab.style[1] in ("lower", "upper"):
                successors[id(lab)] = _letter_token(lab.ordinal[0] + 1, upper)
        for j in range(i + 1, min(len(self.paras), i + 200)):
            rs = self.raw(j)
            if not rs:
                continue
            if rs[0].kind == "section":
                return None
            tok = rs[0].token
            if tok.isupper() != labels[0].token.isupper() or tok.isdigit():
                continue
            for lab in labels:
                if successors.get(id(lab)) == tok:
                    return lab
            return None
        return None

    def open(self, i: int, labels: list[_Label], note: str | None) -> _Node:
        good, parent_idx, lab = self.choose(i, labels)
        self.labelled += 1
        if not good:
            self.bad += 1
        restart = id(lab) in self.restarts
        self.restarts.clear()
        self.awaiting = None
        old = self.stack[parent_idx + 1] if parent_idx + 1 < len(self.stack) else None
        suffix = old.suffix if old is not None and old.style == lab.style and not restart else ""
        if restart and parent_idx >= 0:
            # The lead-in of the second list is the parent's, not the last item's of the first list.
            target = self.stack[parent_idx].node
            cur = self.current
            if cur is not None and cur is not target:
                target.paras.extend(cur.paras[cur.own :])
                del cur.paras[cur.own :]
            target.lists += 1
            suffix = f"-{target.lists}"
        self.stack = self.stack[: parent_idx + 1]
        parent = self.stack[-1].node if self.stack else None
        if parent is None:
            cid = lab.token if lab.kind == "section" or lab.style == ("numdot",) else f"({lab.token})"
        elif lab.decimal:
            cid = lab.token
        else:
            cid = f"{parent.clause_id}({lab.token}){suffix}"
        if parent is None:
            label = f"{lab.word} {cid}".strip()
        else:
            root = parent.root or parent
            label = root.label + cid[len(root.clause_id) :] if cid.startswith(root.clause_id) else cid
        if self.last_root is None and self.groups_used:
            self.groups = []  # the preamble's headings (the document's title) are not the sections' headings
        node = _Node(cid, label, parent, self.group_texts(), decimal=lab.decimal, ordinal=lab.ordinal)
        node.root = parent.root if parent is not None and parent.root is not None else node
        node.restart = restart
        if parent is not None:
            node.lead = parent.paras[-1] if parent.paras and _ends_open(parent.paras[-1]) else ""
        if parent is None:
            self.last_root = node
        if lab.style == ("bare",):
            self.last_bare = lab.ordinal
        self.stack.append(_Frame(lab.style, lab.ordinal, node, lab.kind, suffix))
        self.nodes.append(node)
        if note:
            node.titles.append(note)
        rest = lab.rest
        if lab.heading:
            title, rest = re.sub(r"^[—–:-]\s*", "", rest).strip(), ""
            node.heading_para = True
            node.md_level = len(_MD.match(self.paras[i]).group(1))
        else:
            whole_ok = lab.style[0] in ("sec", "art", "dec", "numdot")
            # An item's title ("(a)  Membership.  The Task Force ...") needs text after it or items under it.
            items_follow = i + 1 < len(self.paras) and bool(_readings(self.paras[i + 1]))
            title, rest = _split_title(rest, whole_ok, need_more=not whole_ok and not items_follow)
            if title and not rest:
                node.heading_para = True
        if title:
            node.titles.append(title)
        if not title and not rest and lab.style[0] in ("sec", "art") and i + 1 < len(self.paras):
            nxt = self.paras[i + 1]
            if not self.raw(i + 1) and not self.is_division(i + 1):
                # "Article 5" with its title on the next line, or "Section 4." / "Purpose.  The ..."
                title, remainder = _split_title(nxt, True, False)
                if title:
                    node.titles.append(title)
                    node.heading_para = not remainder
                    rest = remainder
                    self.skip = i + 1
        self.current = node
        self.anchor = None
        inline = _readings(rest) if rest.startswith("(") else []
        if inline:
            return self.open(i, inline, None)
        if rest:
            node.paras.append(rest)
        node.own = len(node.paras)
        if not rest and not title and lab.kind == "list":
            self.awaiting = node
        return node

    # ---- main loop -----------------------------------------------------------------------------------------

    def run(self) -> list[_Node]:
        paras = self.paras
        closing_from = min(
            _signature_start(paras), self.trailing_notes(), _furniture_start(paras), _endnotes_start(paras)
        )
        i = 0
        while i < closing_from:
            if i == self.skip:
                i += 1
                continue
            par = paras[i]
            if i in self.quoted and self.current is not None and self.anchor is None:
                self.current.paras.append(par)
                i += 1
                continue
            if self.awaiting is not None:
                node, self.awaiting = self.awaiting, None
                if not self.readings(i) and not self.is_division(i) and i not in self.recitals:
                    node.paras.append(par)
                    node.own = len(node.paras)
                    i += 1
                    continue
            if i in self.recitals:
                number, end = self.recitals[i]
                self.add_recital(i, number, end)
                i = end
                continue
            end = self.closing_end(i)
            if end is not None:
                self.add_closing(paras[i:end])
                i = end
                continue
            if self.division(i):
                i += 1
                continue
            labels = self.readings(i)
            if labels:
                self.open(i, labels, self.pending_note)
                self.pending_note = None
                i += 1
                continue
            md = _MD.match(par)
            if md or _is_heading_like(par):
                j = i
                while (
                    j < closing_from
                    and not self.readings(j)
                    and not self.is_division(j)
                    and j not in self.recitals
                    and (_MD.match(paras[j]) or _is_heading_like(paras[j]))
                ):
                    j += 1
                run = paras[i:j]
                if j < closing_from and self.readings(j):
                    # Lines right above a numbered paragraph: the last is its marginal note, those above it
                    # group headings; a line in capitals is a group heading even there.
                    note = None if _capitals(run[-1]) or _is_division_line(_strip_md(run[-1])) else run[-1]
                    for h in run[:-1] if note else run:
                        self.add_group(self.rank_of(h), _strip_md(h))
                    self.pending_note = _strip_md(note) if note else None
                    i = j
                    continue
                for h in run:
                    m = _MD.match(h)
                    if self.anchor is not None or (m and self.md_group(len(m.group(1)))) or _capitals(h):
                        # A heading outside numbered text, or one at least as high as the numbered headings:
                        # the unnumbered text under it is numbered by position after the last section.
                        self.add_group(self.rank_of(h), _strip_md(h))
                        if self.anchor is None and self.last_root is not None:
                            root = self.last_root
                            self.anchor = (f"{root.clause_id}.p", f"after {root.label}")
                    else:
                        self.add_text(_strip_md(h))  # a sub-heading inside the provision stays in its text
                i = j
                continue
            self.add_text(par)
            i += 1
        if i < len(paras):
            self.add_closing(paras[i:])
        return self.nodes

    def add_closing(self, paras: list[str]) -> None:
        """A closing block (formula, date, signatures, notes): kept out of the numbered provisions."""
        n = self.positional.get("closing", 0) + 1
        self.positional["closing"] = n
        node = _Node(f"closing.{n}", "Closing" if n == 1 else f"Closing {n}", None, [], numbered=False)
        node.paras = list(paras)
        node.root = node
        self.nodes.append(node)
        self.stack = []
        self.current = node
        self.anchor = None

    def md_group(self, hashes: int) -> bool:
        """An unnumbered Markdown heading is a group heading unless it is deeper than the open numbered ones
        (then it is a sub-heading inside the provision and stays in its text)."""
        levels = [f.node.md_level for f in self.stack if f.node.md_level]
        return not levels or hashes <= min(levels)

    def is_division(self, i: int) -> bool:
        par = self.paras[i]
        if len(par) > 250:
            return False
        m = _DIVISION.match(par) or _ATTACH.match(_strip_md(par)) or (self.articles and self.article_group(par))
        return bool(m) and not m.group(3)[:1].islower()

    @staticmethod
    def article_group(par: str) -> re.Match[str] | None:
        """A group of articles ("SECTION 2", "Section A") where articles are the unit."""
        return _KW_SEC.match(par) or _SECTION_LETTER.match(par)

    def division(self, i: int) -> bool:
        """PART / Chapter headings (group headings) and Annex / Schedule (a new numbering of their own)."""
        if not self.is_division(i):
            return False
        par = self.paras[i]
        m = _DIVISION.match(par) or (self.article_group(par) if self.articles else None)
        attach = m is None
        if attach:
            par = _strip_md(par)  # "## Schedule 1--..." opens a schedule as "Schedule 1--..." does
            m = _ATTACH.match(par)
        word, num, rest = m.group(1), m.group(2) or "", m.group(3)
        heading = par
        if not rest and i + 1 < len(self.paras) and _is_heading_like(self.paras[i + 1]) and not self.readings(i + 1):
            heading = f"{par} — {self.paras[i + 1]}"
            self.skip = i + 1
        key = _section_word(word).lower().rstrip(".")
        slug = f"{key}-{num}" if num else key
        shown = f"{word.capitalize()} {num}".strip()
        if attach:
            self.groups = []
            self.groups_used = True
            node = _Node(slug, shown, None, [], numbered=True, attach=True)
            node.titles.append(heading)
            node.root = node
            node.heading_para = True
            self.nodes.append(node)
            self.stack = [_Frame(("attach",), (0,), node, "section")]
            self.current = node
            self.anchor = None
            self.last_root = node
            self.last_bare = ()  # a schedule numbers its items from 1 again
            return True
        if self.stack and self.stack[0].style == ("attach",):
            # "PART A" inside an annex: a part of the annex, numbered on its own ("Annex I, Part A(2)").
            annex = self.stack[0].node
            node = _Node(f"{annex.clause_id}.{slug}", f"{annex.label}, {shown}", annex, [], numbered=True)
            node.titles.append(heading)
            node.root = node
            node.heading_para = True
            self.nodes.append(node)
            self.stack = [self.stack[0], _Frame(("attach-part",), (0,), node, "section")]
            self.current = node
            self.anchor = None
            self.awaiting = None
            return True
        rank = self.division_ranks.setdefault(key, len(self.division_ranks))
        self.add_group(rank, heading)
        self.anchor = (slug, shown)
        return True


def _strip_md(par: str) -> str:
    m = _MD.match(par)
    return m.group(2).strip() if m else par


def _capitals(par: str) -> bool:
    letters = [c for c in _strip_md(par) if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _heading_rank(par: str) -> int:
    """Nesting rank of an unnumbered heading (divisions take 0, 1, ... in order of first use)."""
    m = _MD.match(par)
    if m:
        return 10 + len(m.group(1))
    return 50 if _capitals(par) else 100


def _is_division_line(par: str) -> bool:
    m = _DIVISION.match(par) or _ATTACH.match(par)
    return bool(m) and not m.group(3)[:1].islower()


_PAGE_FOOTER = re.compile(r"\bPAGE\s+(?:\d{1,4}|[ivxlc]{1,6})(?![A-Za-z0-9])|\bPage\s+\d{1,4}\s+of\s+\d{1,4}\b")


def _furniture_start(paras: list[str]) -> int:
    """Index where the page furniture a word processor left at the end starts (running headers and footers:
    "Carer Recognition Act 2010  No. 123, 2010  PAGE 7", "Section 9"), or the document's length. It is the
    first of two or more page footers in the run of short lines that ends the document."""
    i = len(paras)
    while i > 0 and len(paras[i - 1]) <= 120:
        i -= 1
    footers = [j for j in range(i, len(paras)) if _PAGE_FOOTER.search(paras[j])]
    return footers[0] if len(footers) >= 2 else len(paras)


_ENDNOTES = re.compile(r"^(?:#{1,6}\s*)?\**\s*Endnotes\s*\**\s*$", re.IGNORECASE)


def _endnotes_start(paras: list[str]) -> int:
    """Index of the heading "Endnotes" that opens a compilation's editorial notes (about the endnotes, the
    abbreviation key, the legislation and amendment history: none of them provisions), or the document's length.
    The contents list's line for it carries a page number and is no heading."""
    return next((i for i, p in enumerate(paras) if _ENDNOTES.match(p.strip())), len(paras))


def _signature_start(paras: list[str]) -> int:
    """Index where a trailing signature block (short lines, one of them a name in capitals) starts."""
    i = len(paras)
    while i > 0 and len(paras[i - 1]) <= 60 and not _readings(paras[i - 1]) and not _is_division_line(paras[i - 1]):
        i -= 1
    block = paras[i:]
    if block and len(block) <= 6 and any(_capitals(p) for p in block):
        return i
    return len(paras)


# --------------------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------------------


def _ends_open(text: str) -> bool:
    """Whether a paragraph introduces what follows ("... shall:", "... must take into account")."""
    t = text.rstrip()
    return bool(t) and (t[-1] in ":—–-," or t[-1].isalnum())


_CONTENTS_HEADING = re.compile(
    r"^[#*\s]*(?:table of contents|contents|arrangement of (?:sections|clauses|provisions|articles))[\s:]*$",
    re.IGNORECASE | re.MULTILINE,
)
_PAGE_NUMBER = re.compile(r"(?:[\s.…·]|\t)+\d{1,4}\s*$")


def _key(line: str) -> str:
    return re.sub(r"[^a-z0-9]", "", _PAGE_NUMBER.sub("", line).lower())


def without_contents(text: str) -> str:
    """``text`` without its table of contents: the lines from a "Contents" heading to the line that
    repeats one of its first entries as a heading ("Part 1 Preliminary" ... "Part 1--Preliminary"). Its entries
    would otherwise number every section twice; what it lists is all in the body. Unchanged when no
    entry comes back."""
    m = _CONTENTS_HEADING.search(text)
    if not m:
        return text
    lines = text[m.end() :].splitlines(keepends=True)
    entries = [(i, line) for i, line in enumerate(lines) if line.strip()]
    if len(entries) < 3:
        return text
    # (an entry may carry its page range before it, '"1-9" Part 1--Preliminary': the heading is the rest)
    firsts = [_key(line) for _, line in entries[:3]]  # (in place: a line of markup alone has no key)
    offset = m.end()
    for n, (i, line) in enumerate(entries):
        key = _key(line)
        earlier = firsts[:n] if n >= 2 else []
        if key and any(k and (k == key or (k.endswith(key) and k[: -len(key)].isdigit())) for k in earlier):
            start = offset + sum(len(x) for x in lines[:i])
            return text[: m.start()] + text[start:]
    return text


def split_provisions(text: str) -> list[Provision] | None:
    """Provisions under the document's printed numbering, or None when the document has no consistent
    printed numbering (the caller then numbers paragraphs by position). A table of contents is left
    out (:func:`without_contents`)."""
    paras = _paragraphs(without_contents(text))
    if not paras:
        return None
    builder = _Builder(paras)
    nodes = builder.run()
    numbered = [n for n in nodes if n.numbered]
    roots = [n for n in numbered if n.parent is None and n.ordinal]
    if not roots or builder.labelled < 2:
        return None
    # ("57" printed after the inserted "57A" goes back within one number: no disorder)
    decreasing = sum(
        1 for a, b in zip(roots, roots[1:], strict=False) if b.ordinal[:1] < a.ordinal[:1] or b.ordinal == a.ordinal
    )
    if decreasing > 0.1 * len(roots):
        return None
    if builder.bad > 0.1 * builder.labelled:
        return None
    seen: dict[str, int] = {}
    for n in numbered:
        if not n.restart:
            seen[n.clause_id] = seen.get(n.clause_id, 0) + 1
    duplicates = sum(c - 1 for c in seen.values())
    if duplicates > 0.01 * len(numbered):
        return None
    total = sum(len(p) for p in paras)
    covered = sum(
        sum(len(p) for p in n.paras) + sum(len(t) for t in n.titles)
        for n in nodes
        if n.numbered or n.recital or n.clause_id.startswith("closing.")
    )
    if covered < 0.5 * total:
        return None

    # A decimal section printed as a sentence after a section that has text of its own ("6 ..." then
    # "6.1 For greater certainty, ...") is an inserted sibling, not a subsection.
    for n in nodes:
        p = n.parent
        if n.decimal and p is not None and not n.heading_para and p.paras and not _ends_open(p.paras[-1]):
            n.parent = p.parent
            n.lead = None

    headings: dict[int, list[str]] = {}

    def heading_of(n: _Node) -> list[str]:
        if id(n) not in headings:
            base = list(n.groups)
            if n.parent is not None:
                above = heading_of(n.parent)
                # (a part of a schedule heads each item under it, not the first only)
                base = above + [g for g in n.groups if g not in above] if n.parent.attach else above
            headings[id(n)] = base + n.titles
        return headings[id(n)]

    out: list[Provision] = []
    used: dict[str, int] = {}
    for n in nodes:
        cid = n.clause_id
        if cid in used:
            used[cid] += 1
            cid = f"{cid}-{used[cid]}"
        used[cid] = used.get(cid, 1)
        lead = n.lead or ""
        if n.lead is None and n.parent is not None and n.parent.paras and _ends_open(n.parent.paras[-1]):
            lead = n.parent.paras[-1]
        out.append(
            Provision(
                clause_id=cid,
                label=n.label,
                heading=heading_of(n),
                text="\n".join(n.paras),
                parent=n.parent.clause_id if n.parent is not None else None,
                lead_in=lead,
            )
        )
    return out


_REF_WORD = (
    r"(?:sub)?sections?|secs?\.?|ss?\.|s(?=\s+\d)|§§?|(?:sub)?paragraphs?|paras?\.?|¶|articles?|arts?\.|clauses?|cl\.|"
    r"parts?|chapters?|annex(?:es)?|schedules?|appendix"
)
_REF_NUM = r"(\d+[A-Za-z]?(?:\.\d+)*|(?-i:[IVXLC]+)\b)"
_REF_TAIL = r"((?:\s*\((?:[A-Za-z]{1,5}|[ivxlIVXL]{6,7}|\d{1,3}(?:[A-Z]{1,2})?)(?:\.\d{1,2})?\))*)"
_REF = re.compile(rf"(?<![\w.'’])({_REF_WORD})\s*{_REF_NUM}\.?{_REF_TAIL}", re.IGNORECASE)
_REF_TAIL_RE = re.compile(_REF_TAIL)
_REF_OF = re.compile(
    rf"(?<![\w.])(?:(?:sub)?paragraphs?|paras?\.?|points?|items?)\s*(\d+|\([A-Za-z0-9.]+\))"
    rf"((?:\s*(?:,\s*)?of\s+(?:(?:sub)?paragraphs?|paras?\.?|points?)\s*(?:\d+|\([A-Za-z0-9.]+\)))*)"
    rf"\s*(?:,\s*)?of\s+(?:the\s+)?(?:articles?|arts?\.|(?:sub)?sections?|secs?\.?)\s*{_REF_NUM}",
    re.IGNORECASE,
)
_REF_AFTER = re.compile(
    r"\s*,?\s*(?:first|second|third)?\s*(?:sub)?(?:paragraphs?|paras?\.?|points?|items?)\s*((?:\d+|\([A-Za-z0-9.]+\))"
    r"(?:\s*\([A-Za-z0-9.]+\))*)",
    re.IGNORECASE,
)
_ATTACH_WORD = r"(schedule|annex|appendix)\s+(\d+|[IVXLC]+|[A-Z])\b"
# "item 14 of Schedule 2", "subitem 32(2) of Schedule 2", "Schedule 2, item 14", "clause 3 of Schedule 1": a
# numbered unit of a schedule, however the schedule calls it
_SCHEDULE_UNIT = r"(?:(?:sub)?items?|clauses?|cl\.|(?:sub)?paragraphs?|paras?\.|(?:sub)?sections?|s\.)"
_REF_ITEM = re.compile(
    rf"(?<![\w.]){_SCHEDULE_UNIT}\s*(\d+[A-Za-z]?){_REF_TAIL}\s*,?\s*(?:of|in|to)\s+(?:the\s+)?{_ATTACH_WORD}"
    rf"|(?<![\w.]){_ATTACH_WORD}\s*,?\s*{_SCHEDULE_UNIT}\s*(\d+[A-Za-z]?){_REF_TAIL}",
    re.IGNORECASE,
)
# "Part 5 of Schedule 2": a part of a schedule
_REF_PART_OF = re.compile(
    rf"(?<![\w.])(part|division)\s+(\d+|[IVXLC]+|[A-Z])\b\s*,?\s*(?:of|in)\s+(?:the\s+)?{_ATTACH_WORD}", re.IGNORECASE
)
_REF_RECITAL = re.compile(r"(?<![\w.])recitals?\s*\(?(\d{1,3})\)?", re.IGNORECASE)
_REF_PART = re.compile(r"\s*,?\s*(?:part|section)\s+([A-Z]|\d+|[IVXLC]+)\b", re.IGNORECASE)
_COMPACT = re.compile(rf"^\s*(\d+[A-Za-z]?(?:\.\d+)*){_REF_TAIL}\s*\.?\s*$")


def _tail(tail: str) -> str:
    return re.sub(r"\s+", "", tail or "")


def normalise_reference(ref: str) -> str | None:
    """A reference as a person types it -> the compact clause_id form:
    "Sec. 102(a)(i)" -> "102(a)(i)"; "section 205" -> "205"; "Section 4.2 (b)" -> "4.2(b)";
    "subsection 14(2)" -> "14(2)"; "paragraph 9(1)(a)" -> "9(1)(a)"; "Article 12" -> "12"; "art. 3(1)" -> "3(1)";
    "paragraph 3 of Article 12" -> "12(3)"; "Annex I" -> "annex-I"; "Annex I, Part A" -> "annex-I.part-A";
    "recital 12" -> "recital.12"; None when the string holds no such reference."""
    if not ref:
        return None
    m = _REF_RECITAL.search(ref)
    if m:
        return f"recital.{m.group(1)}"
    m = _REF_ITEM.search(ref)
    if m:
        item, tail, kind, num = m.group(1, 2, 3, 4) if m.group(1) else m.group(7, 8, 5, 6)
        return f"{kind.lower()}-{num}({item}){_tail(tail)}"
    m = _REF_PART_OF.search(ref)
    if m:
        return f"{m.group(3).lower()}-{m.group(4)}.{m.group(1).lower()}-{m.group(2)}"
    m = _REF_OF.search(ref)
    if m:
        chain = [m.group(1)] + re.findall(r"of\s+\S+\s*(\d+|\([A-Za-z0-9.]+\))", m.group(2) or "")
        parts = [c if c.startswith("(") else f"({c})" for c in reversed(chain)]
        return m.group(3) + "".join(parts)
    for m in _REF.finditer(ref):
        word, num, tail = m.group(1).lower(), m.group(2), _tail(m.group(3))
        if word.startswith(("part", "chapter", "annex", "schedule", "appendix")):
            key = re.sub(r"(es|s)$", "", word) if not word.startswith("annex") else "annex"
            part = _REF_PART.match(ref, m.end()) if key in ("annex", "schedule", "appendix") and not tail else None
            if part:
                kind = "section" if part.group(0).strip(" ,").lower().startswith("section") else "part"
                return f"{key}-{num}.{kind}-{part.group(1)}" + _tail(_REF_TAIL_RE.match(ref, part.end()).group(0))
            return f"{key}-{num}" + tail
        if re.fullmatch(r"[IVXLC]+", num) and not word.startswith(("art",)):
            continue  # roman numbers name articles, not sections
        pos = m.end()
        while sub := _REF_AFTER.match(ref, pos):  # "Article 5(1), point (a)" / "Article 12, paragraph 3"
            tail += "".join(f"({t})" for t in re.findall(r"\(?([A-Za-z0-9.]+)\)?", sub.group(1)))
            pos = sub.end()
        return num + tail
    m = _COMPACT.match(ref)
    if m:
        return m.group(1) + _tail(m.group(2))
    return None
