"""Find deadlines in a document's text, as each sentence states them.

Three kinds:

- ``relative``: a span counted from an event: "Within 90 days of the date of this order", "within six months
  after the day on which this Act comes into force", "no later than 30 days after any voluntary agreement is
  reached", "at least five years before the beginning of the year to which it relates", "in the year following
  the year in which the recommendations were issued" (``days`` is negative when the span runs *before* its
  anchor). Months count 30 days and years 365.
- ``date``: a calendar date or year: "no later than December 1, 2024", "By February 2022", "by fiscal year 2025",
  "by no later than the end of 2023".
- ``recurring``: "annually", "at least annually thereafter", "every five years", "at least once every two
  years", "each year", "at least once each quarter", "biennially", "an annual update".

What is not a deadline: "from time to time", "periodically", a duration on its own ("for 2 years"), an
extension ("extend the time limit ... by 90 days"), a start ("Starting in January 2022"), a period ("until
2030"). A year alone after "by" ("by 2030", "by the end of 2025", "by fiscal year 2025") is a date deadline
only when it closes a duty: the sentence has "shall", "must" or "is required to" before it and no figure or
goal wording in between ("The Secretary shall submit the plan by 2028"). When it closes a target ("shall
facilitate 5 gigawatt ... by 2030", "the goal of conserving 30 percent ... by 2030") it is the target's year
(see ``targets.py``) and no deadline. Written as a deadline ("no later than 2035", "on or before 2030") it
always is one; a day or month ("By February 2022") always is one too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass
class Deadline:
    """A deadline or a recurring duty, as printed, with the sentence it is in."""

    text: str  # the phrase as printed: "Within 90 days of the date of this order", "annually"
    kind: str  # "relative", "date" or "recurring"
    days: int | None  # for relative ones, the span in days (months*30, years*365; negative = before), else None
    anchor: str  # the event a relative deadline counts from ("the date of this order"), or ""
    date: str  # ISO date, year-month or year for kind "date" ("2024-12-01", "2022-02", "2025"), else ""
    sentence: str  # the sentence it is in (verbatim but for whitespace: line breaks become single spaces)


_SMALL = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_WORD = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
)
_NUM = rf"(?:\d{{1,3}}(?:,\d{{3}})*|{_WORD}(?:(?:[\s-]+(?:and\s+)?)(?:hundred|{_WORD}))*|an?)"
_SPAN_UNIT = r"(?:(?:business|calendar|working)\s+)?(?:days?|weeks?|months?|years?)"
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_MONTHS = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december",
]  # fmt: skip
MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_YEAR = r"(?:19|20)\d\d"

_RELATIVE = re.compile(
    rf"(?P<lead>\b(?:(?:by\s+)?(?:no|not)\s+later\s+than|within(?:\s+the\s+(?:first|next))?|(?:in|during)\s+the\s+"
    rf"(?:first|next)|(?:no|not)\s+(?:more|less)\s+than|at\s+least)\s+)?"
    rf"\b(?P<num>{_NUM})\s+(?P<unit>{_SPAN_UNIT})\b"
    rf"(?P<rel>\s+(?:of|after|from|following|before|prior\s+to|thereafter|hereafter))?",
    re.IGNORECASE,
)
# "in the year following the year in which the recommendations were issued", "during the calendar year
# preceding the election": a year counted from an event
_RELATIVE_YEAR = re.compile(
    r"\b(?:in|during|by\s+the\s+end\s+of|no\s+later\s+than\s+the\s+end\s+of)\s+the\s+(?:calendar\s+|financial\s+|"
    r"fiscal\s+)?year\s+(?P<rel>following|after|preceding|before|prior\s+to)\b",
    re.IGNORECASE,
)
# How long something lasts, which is no deadline: "for at least 2 years", "for a term of up to three years",
# "terms not exceeding five years", "a five-year term", "remain in effect for"
DURATION = re.compile(
    rf"\bfor\s+(?:a\s+(?:period|term)\s+of\s+)?(?:at\s+least\s+|up\s+to\s+|(?:not|no)\s+(?:more|less)\s+than\s+|"
    rf"a\s+(?:minimum|maximum)\s+of\s+)?{_NUM}\s+(?:consecutive\s+)?{_SPAN_UNIT}\b"
    rf"|\bterms?\s+(?:of\s+office\s+)?(?:of\s+)?(?:up\s+to\s+|not\s+exceeding\s+|(?:not|no)\s+more\s+than\s+)?{_NUM}\s+"
    rf"{_SPAN_UNIT}\b|\b{_NUM}[-\s]year\s+(?:term|mandate|period)\b|\b(?:remain|continue|be)\s+in\s+(?:effect|force)\b",
    re.IGNORECASE,
)
_DATE = (
    rf"(?:{MONTH}\s+\d{{1,2}},?\s+{_YEAR}|\d{{1,2}}\s+{MONTH},?\s+{_YEAR}|{MONTH},?\s+{_YEAR}"
    rf"|(?:the\s+)?end\s+of\s+(?:(?:the\s+)?(?:fiscal|financial|calendar)\s+year\s+|FY\s?)?{_YEAR}"
    rf"|(?:(?:the\s+)?(?:fiscal|financial)\s+year|FY)\s?{_YEAR}|{_YEAR}-\d\d-\d\d|{_YEAR})(?![-–/]?\d)"
)
_DATED = re.compile(
    rf"(?P<lead>\b(?:(?:by\s+)?(?:no|not)\s+later\s+than|on\s+or\s+before|by|before)\s+)(?P<date>{_DATE})",
    re.IGNORECASE,
)
_RECURRING = re.compile(
    rf"\b(?:at\s+least\s+)?(?:once\s+|twice\s+)?every\s+(?:(?:{_NUM})\s+)?(?:calendar\s+|fiscal\s+)?"
    rf"(?:days?|weeks?|months?|quarters?|years?)\b"
    r"|\b(?:at\s+least\s+)?(?:annually|biennially|triennially|semi-?annually|quarterly|yearly)(?:\s+thereafter)?\b"
    r"|\b(?:at\s+least\s+)?(?:once|twice)\s+(?:a|per|each|in\s+each)\s+(?:year|quarter|month|week)\b"
    r"|\b(?:each|every)\s+(?:calendar\s+|fiscal\s+)?(?:year|quarter)\b"
    r"|\ban?\s+(?:annual|biennial|triennial|quarterly|yearly|semi-?annual)\s+(?:[\w-]+\s+){0,4}?"
    r"(?:report|update|review|assessment|plan|statement|summary|survey|meeting|conference|evaluation|audit|"
    r"inventory|budget|basis|submission|certification|notice)s?\b",
    re.IGNORECASE,
)
_DUTY = re.compile(r"\b(?:shall|must|(?:is|are)\s+(?:required\s+)?to|will\s+be\s+required\s+to)\b", re.IGNORECASE)
# Between a duty and its "by YYYY", these make the year a target's year (a figure, or goal wording).
_TARGET_WORDING = re.compile(
    r"\d|\b(?:percent|goals?|targets?|objectives?|achiev\w*|net-zero|reduc\w*|increas\w*|doubl\w*)\b", re.IGNORECASE
)
# Where an anchor's noun phrase ends: punctuation (not the comma inside "December 1, 2024"), a clause
# opening ("that describes", "pursuant to", "to submit"), or (below) a second phrase after "this order".
_ANCHOR_END = re.compile(
    r"[;:.](?:\s|$)|,(?!\s*(?:19|20)\d\d)|\s\((?!\w{1,4}\))|\s(?:that|who|pursuant|in\s+accordance|to|for|and\s+shall|"
    r"shall|must|will|unless|except|so\s+as)\b"
)
# "the date of this order a report ...", "the issuance of the guidance a Chief ... Officer", "this order recommending",
# "... and in consultation with": after a complete noun phrase, these start the sentence's next part ("the date the
# plan is established" stays whole).
_NEXT_PART = re.compile(
    r"\bthis\s+[\w’']+(?=\s+(?:(?:a|an|the)\s|\w+ing\b))|\b(?:the|its|their)\s+[\w’']+(?=\s+(?:(?:a|an)\s|\w+ing\b))"
    r"|\s(?:and|or)\s(?!(?:the|a|an|its|their)\s)"
)
_ABBREVIATION = re.compile(
    r"(?:\b(?:[A-Z]|U\.S|U\.S\.C|C\.F\.R|Sec|Secs|No|Nos|Art|Arts|para|paras|e\.g|i\.e|et\s+seq|etc|Inc|Ltd|Co|"
    r"Corp|Mr|Ms|Mrs|Dr|St|vs|cf|approx|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Pub|L|Stat|Fed|Reg)\.)$"
)


def _number(text: str) -> int | None:
    """``90`` / ``ninety`` / ``one hundred eighty`` / ``forty-five`` / ``a`` as an integer."""
    text = text.lower().replace(",", "")
    if text.isdigit():
        return int(text)
    total = 0
    for word in re.split(r"[\s-]+", text):
        if word == "and":
            continue
        if word == "hundred":
            total = max(total, 1) * 100
        elif word in _SMALL:
            total += _SMALL[word]
        else:
            return None
    return total or None


def _iso(date: str) -> str:
    """A date as ISO: "December 1, 2024" → "2024-12-01"; "February 2022" → "2022-02"; "the end of 2023" →
    "2023-12-31";
    "fiscal year 2025" / "2025" → "2025"."""
    year = re.search(_YEAR, date).group(0)  # type: ignore[union-attr]
    if re.fullmatch(rf"{_YEAR}-\d\d-\d\d", date):
        return date
    month = re.search(MONTH, date, re.IGNORECASE)
    day = re.search(r"(?<!\d)(\d{1,2})(?!\d)", date)
    if month:
        mm = _MONTHS.index(month.group(0).lower()) + 1
        return f"{year}-{mm:02d}-{int(day.group(1)):02d}" if day else f"{year}-{mm:02d}"
    if re.search(r"\bend\s+of\b", date, re.IGNORECASE) and not re.search(r"fiscal|financial|FY", date, re.IGNORECASE):
        return f"{year}-12-31"
    return year


def _anchor(sentence: str, start: int) -> tuple[str, int]:
    """The event a span counts from: the noun phrase starting at ``start``, and where it ends."""
    rest = sentence[start:]
    lead = len(rest) - len(rest.lstrip())
    m = _ANCHOR_END.search(rest, lead + 1)
    end = m.start() if m else len(rest)
    second = _NEXT_PART.search(rest, lead, end)
    if second:
        end = second.end() if second.group(0).strip() not in {"and", "or"} else second.start()
    words = list(re.finditer(r"\S+", rest[:end]))
    if len(words) > 25:  # no natural end: keep a readable head
        end = words[24].end()
    return rest[lead:end].rstrip(" ,"), start + end


def _blocks(text: str) -> list[str]:
    """Paragraphs; in a text that is not hard-wrapped, also items printed on their own line ("(b) ...").

    In hard-wrapped text a line can start with "(a)" in the middle of a sentence ("... subsection\n(a) of").
    """
    lines = [len(line) for line in text.splitlines() if line.strip()]
    wrapped = len(lines) > 5 and max(lines) <= 100
    item_line = r"|\n(?=[ \t]*\((?:[a-z]{1,4}(?:\.\d+)?|[A-Z]|\d{1,3}(?:\.\d+)?)\)\s)"
    parts = re.split(r"\n\s*\n" + ("" if wrapped else item_line), text)
    return [re.sub(r"\s+", " ", p).strip() for p in parts if p.strip()]


def sentences(text: str) -> list[str]:
    """Sentences (and semicolon-separated items) of a text, whitespace normalised.

    Blank lines and items printed on their own line ("(b) for the 2040 milestone year ...") also end one;
    a full stop after an abbreviation ("U.S.C.", "Sec.", "No.") does not.
    """
    out: list[str] = []
    for block in _blocks(text):
        start = 0
        for m in re.finditer(r"(?<=[.!?;])\s+(?=[\"'“(\[]?[A-Z0-9(])", block):
            head = block[start : m.start()]
            if head.endswith(".") and _ABBREVIATION.search(head[-12:]):
                continue
            if head.strip():
                out.append(head.strip())
            start = m.end()
        if block[start:].strip():
            out.append(block[start:].strip())
    return out


def _relative(sentence: str) -> list[tuple[int, Deadline]]:
    found: list[tuple[int, Deadline]] = []
    for m in _RELATIVE.finditer(sentence):
        lead, rel = (m.group("lead") or "").strip().lower(), (m.group("rel") or "").strip().lower()
        if not lead and rel not in {"after", "following", "before", "prior to"}:
            continue  # "for 2 years", "by 90 days", "a period of 5 years from": no deadline
        if re.search(r"\bevery\s+$|\bonce\s+$", sentence[: m.start()]):
            continue
        if lead in {"at least", "no more than", "not more than", "no less than", "not less than"} and not rel:
            continue  # "at least 30 days" on its own is a duration
        n = _number(m.group("num"))
        if n is None:
            continue
        unit = re.sub(r"^(?:business|calendar|working)\s+", "", m.group("unit").lower()).rstrip("s")
        days = n * _UNIT_DAYS[unit]
        end = m.end()
        anchor = ""
        if rel in {"of", "after", "from", "following", "before", "prior to"}:
            anchor, end = _anchor(sentence, m.end())
            if rel in {"before", "prior to"}:
                days = -days
        phrase = sentence[m.start() : end].strip(" ,")
        found.append((m.start(), Deadline(phrase, "relative", days, anchor, "", sentence)))
    return found


def _relative_year(sentence: str) -> list[tuple[int, Deadline]]:
    found: list[tuple[int, Deadline]] = []
    for m in _RELATIVE_YEAR.finditer(sentence):
        anchor, end = _anchor(sentence, m.end())
        if not re.search(r"\w", anchor):
            continue  # "in the year following." names no event
        days = (
            -365
            if m.group("rel").lower() in {"preceding", "before"} or m.group("rel").lower().startswith("prior")
            else 365
        )
        found.append(
            (m.start(), Deadline(sentence[m.start() : end].strip(" ,"), "relative", days, anchor, "", sentence))
        )
    return found


def _dated(sentence: str) -> list[tuple[int, Deadline]]:
    found: list[tuple[int, Deadline]] = []
    for m in _DATED.finditer(sentence):
        lead, date = m.group("lead").strip().lower(), m.group("date")
        strong = "later than" in lead or "on or before" in lead
        year_only = not re.search(MONTH, date, re.IGNORECASE) and not re.search(r"-\d\d-", date)
        if year_only and not strong and not _duty_by(sentence[: m.start()]):
            continue  # "by 2030" / "by the end of 2025" closing a goal: the target's year, not a deadline
        found.append((m.start(), Deadline(m.group(0).strip(), "date", None, "", _iso(date), sentence)))
    return found


def _duty_by(before: str) -> bool:
    """Whether a "by YYYY" closes a duty ("The Secretary shall submit a report by 2025") rather than a target
    ("shall facilitate 5 gigawatt ... by 2030", "the goal of conserving 30 percent ... by 2030")."""
    duties = list(_DUTY.finditer(before))
    return bool(duties) and not _TARGET_WORDING.search(before, duties[-1].end())


def _recurring(sentence: str) -> list[tuple[int, Deadline]]:
    found = []
    for m in _RECURRING.finditer(sentence):
        if re.search(r"\bfrom\s+time\s+to\s+time\b", m.group(0), re.IGNORECASE):
            continue
        found.append((m.start(), Deadline(m.group(0).strip(), "recurring", None, "", "", sentence)))
    return found


def extract_deadlines(text: str) -> list[Deadline]:
    """Every deadline and recurring duty in a text, in reading order.

    Works on a whole document or on one clause; hard-wrapped lines are joined. A phrase that sits inside a
    longer one already found (the "2024" of "no later than December 1, 2024") is not repeated.
    """
    out: list[Deadline] = []
    for sentence in sentences(text):
        found = sorted(
            _relative(sentence) + _relative_year(sentence) + _dated(sentence) + _recurring(sentence),
            key=lambda x: x[0],
        )
        spans: list[tuple[int, int]] = []
        for start, d in found:
            end = start + len(d.text)
            if any(s <= start < e or s < end <= e for s, e in spans):
                continue
            spans.append((start, end))
            out.append(d)
    return out
