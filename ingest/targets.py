"""Find quantitative targets and thresholds in clause text.

A target is a number with a unit (percent, tons, tons/hour, GW, square meters, dollars, a counted noun
such as "10 new large reactors", ...) in a sentence, with the measure it applies to, its direction
(fall/rise/reach/at least/at most), its baseline ("compared with 2020", "below 2005 levels") and the year
it runs to ("by 2030", "by fiscal year 2025", "in 2035", "by the end of 2025"). A sentence with steps
("50 percent by 2032 and 100 percent by 2035") gives each quantity its own year. ``A, B and C ... x, y
and z respectively`` is paired item by item. A number printed in a broken form ("0.1,800") is read and
the reading recorded.

Not targets: years on their own, durations ("within 90 days" is a deadline, see ``deadlines.py``),
numbers of sections, laws and orders ("section 35", "Public Law 107-296"), calendar dates, and a
number used as an adjective ("the 30-percent goal" refers back to the goal stated elsewhere).

``kind`` says what the number is: "target" (what the plan sets out to reach), "threshold" (a size that
decides what a rule covers: "coal-fired boilers below 35 tons/hour", "trained using a quantity of computing
power greater than 10^26 operations"), "baseline" (the level a target starts from: the "4 GW" of "from 4 GW
in 2020 to 12 GW by 2030") or "fact" (a statement about the present or past with no goal, duty or year).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from policyqa.engine.clauses import Target, split_sentences

# --- numbers ----------------------------------------------------------------------------------------

_GLITCH = r"0\.\d{1,3},\d{3}"  # "0.1,800" where "1,800" is meant (a broken thousands separator)
# scientific notation as people type it: "3×10^26", "3 x 10^26", "1.5e20"
_SCIENTIFIC = r"\d+(?:\.\d+)?\s?[×xX*]\s?10\^\d+|\d+(?:\.\d+)?[eE]\+?\d{1,3}(?![\w.])"
_DIGITS = rf"(?:{_GLITCH}|{_SCIENTIFIC}|\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?(?:\^\d+)?)"
_WORD_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_WORD_NUMBER = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|"
    r"eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen)"
)
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "m": 1e6, "k": 1e3}
_SCALE = r"(?:\s*(?:million|billion|trillion|thousand)\b|(?<=\d)(?:bn|m|k)\b)?"
_CURRENCY_PREFIX = r"(?:US\$|C\$|A\$|\$|€|£|¥|(?:USD|EUR|GBP|CAD|AUD|CNY|RMB)\s?)"
_CURRENCY_NAMES = {
    "$": "dollars", "us$": "dollars", "c$": "dollars", "a$": "dollars", "usd": "dollars", "cad": "dollars",
    "aud": "dollars", "€": "euros", "eur": "euros", "£": "pounds", "gbp": "pounds", "¥": "yuan", "cny": "yuan",
    "rmb": "yuan",
}  # fmt: skip
# A number as it can open a quantity; the look-behind keeps "4.2", "10^26" and "U.S.C. 3502" parts whole.
_NUMBER_RE = re.compile(
    rf"(?<![\w.,/^])(?<![A-Za-z]-)(?P<cur>{_CURRENCY_PREFIX})?(?P<num>{_DIGITS}|\b{_WORD_NUMBER}\b)(?P<scale>{_SCALE})",
    re.IGNORECASE,
)

# --- units ------------------------------------------------------------------------------------------

# Units of measure, longest forms first; ``_canonical_unit`` gives each one spelling.
_UNITS = [
    r"percentage\s+points?",
    r"per\s*cent\b|percent\b|%",
    r"(?:metric\s+)?(?:tons?|tonnes?)\s+of\s+(?:standard\s+coal|coal\s+equivalent|[\w₂]+(?:\s+equivalent)?)",
    r"(?:metric\s+)?(?:tons?|tonnes?)(?![\w-])",
    r"(?:giga|mega|kilo|tera)watt[- ]?hours?|[kMGT]Wh\b",
    r"(?:giga|mega|kilo|tera)watts?\b|[kMGT]W[pe]?\b",
    r"[kMGT](?:bit|b)/s\b|[kMGT]bps\b",
    r"square\s+(?:meters?|metres?|kilometers?|kilometres?|feet|foot|miles?)\b|sq\.?\s?(?:m|ft|km)\b"
    r"|(?:k?m)(?:2|²)(?![\w])",
    r"cubic\s+(?:meters?|metres?|feet)\b|m(?:3|³)(?![\w])",
    r"hectares?\b|acres?\b|mu\b",
    r"kilomet(?:er|re)s?\b|km\b|miles?\b",
    r"mg/L\b|mg/m(?:3|³)|[µμ]g/m(?:3|³)|micrograms?\s+per\s+cubic\s+met(?:er|re)",
    r"kilograms?\b|kg\b",
    r"lit(?:er|re)s?\b|gallons?\b|barrels?\b",
    r"°\s?[CF]\b|degrees?\s+(?:Celsius|Fahrenheit|centigrade)",
    r"dollars?\b|euros?\b|pounds\s+sterling|yuan\b|renminbi\b",
]  # fmt: skip
_UNIT_RE = re.compile("|".join(f"(?:{p})" for p in _UNITS), re.IGNORECASE)
_RATE = re.compile(
    r"(?:\s?/\s?(?:hour|h|day|d|year|yr|a|second|s|capita)\b|\s+per\s+(?:hour|day|year|annum|second|capita|person|"
    r"household))(?![\w])",
    re.IGNORECASE,
)
_UNIT_NAMES = {
    "gigawatt": "GW", "gigawatts": "GW", "megawatt": "MW", "megawatts": "MW", "kilowatt": "kW", "kilowatts": "kW",
    "terawatt": "TW", "terawatts": "TW", "mw": "MW", "gw": "GW", "kw": "kW", "tw": "TW", "mwh": "MWh", "gwh": "GWh",
    "kwh": "kWh", "twh": "TWh",
}  # fmt: skip
# Nouns that count time or point into the text: a number before them is no target.
_NOT_COUNTED = {
    "days", "weeks", "months", "years", "hours", "minutes", "seconds", "decades", "centuries", "times", "sections",
    "subsections", "paragraphs", "articles", "chapters", "parts", "pages", "clauses", "items", "members", "terms",
    "provisions", "amendments", "orders", "acts", "laws", "regulations", "rules", "this", "was", "has", "is", "as",
    "its", "us", "thus", "less", "class", "gas", "access", "process", "basis", "status", "focus", "plus",
}  # fmt: skip
_IRREGULAR_PLURALS = {"people", "persons", "children", "staff", "personnel", "cattle", "livestock", "households"}
# Words that cannot sit between a number and its counted noun (the noun phrase has ended).
_FUNCTION_WORDS = {
    "a", "an", "the", "of", "and", "to", "in", "on", "at", "by", "for", "with", "from", "into", "as", "is", "are",
    "was", "were", "be", "been", "will", "shall", "must", "may", "should", "that", "which", "who", "this", "these",
    "those", "it", "its", "their", "per", "than", "more", "less", "not", "no", "within", "after", "before", "under",
    "over", "above", "below", "u.s.c.", "percent", "days", "years", "months",
}  # fmt: skip
_REFERENCE_BEFORE = re.compile(
    r"(?:\b(?:sections?|sec|subsections?|articles?|art|paragraphs?|chapters?|parts?|clauses?|items?|no|nos|number|"
    r"order|law|act|title|schedule|annex|appendix|page|pages|circular|resolution|decision|rule|national|"
    r"u\.s\.c|c\.f\.r|per|phase|level|grade|class|tier|stage|version|room|box|route|fy)\.?|[§#])\s*$",
    re.IGNORECASE,
)
_YEAR_NUMBER = re.compile(r"(?:19|20)\d\d")

# --- sentence context -------------------------------------------------------------------------------

_YEAR_PHRASE = re.compile(
    r"\b(?:by|in|until|till|before|through|no\s+later\s+than|not\s+later\s+than)\s+"
    r"(?:the\s+end\s+of\s+(?:the\s+)?)?(?:(?:fiscal|financial|calendar)\s+year\s+|FY\s?|the\s+year\s+)?"
    r"((?:19|20)\d\d)\b(?![-–/]\d)",
    re.IGNORECASE,
)
# A sentence naming the plan's own period ("During the 14th Five-Year Plan period", "over the plan period").
_PLAN_PERIOD = re.compile(
    r"\bplan(?:ning)?\s+period\b|\bperiod\s+of\s+(?:the|this)\s+(?:plan|strategy|programme|program)\b"
    r"|\b(?:during|over|within)\s+(?:the|this)\s+(?:plan|strategy|programme|program)\b",
    re.IGNORECASE,
)
_BASELINE = re.compile(
    r"\b(?:(?:compared\s+(?:with|to)|relative\s+to|against|versus|vs\.?)\s+(?:that\s+of\s+|those\s+of\s+|the\s+"
    r"(?:end\s+of\s+)?|a\s+|its\s+)?(?:(?:19|20)\d\d|pre-?industrial)(?:\s+(?:levels?|baseline|values?|figures?))?"
    r"|(?:from|below|above|over|on)\s+(?:the\s+|a\s+|its\s+)?(?:(?:19|20)\d\d|pre-?industrial)(?:\s+|-)"
    r"(?:levels?|baseline|values?|figures?))",
    re.IGNORECASE,
)
# Checked in order on the quantity's part of the sentence, the quantity written "…" and its baseline taken out
# ("50% below 2005 levels" is a fall, not an upper bound). "below"/"over" count only next to the number:
# "reactors under construction" is no upper bound.
_DIRECTIONS = [
    ("at least", r"\bno less than\b|\bnot less than\b|\bat least\b|\bminimum of\b"),
    ("at most", r"\b(?:below|under)\s+(?:\S+\s+){0,2}…|…\s+(?:\([^)]*\)\s+)?(?:and|or)\s+(?:below|under|less|lower)\b"
     r"|\bless than\b|\bat most\b|\bnot exceed|\bno more than\b|\bnot more than\b|\bup to\b|\bmaximum of\b"
     r"|\b(?:limit|keep|hold)\w*\s+(?:\S+\s+){0,8}?to\s+(?:\S+\s+){0,2}…"),
    ("at least", r"\bmore than\b|\b(?:above|over)\s+(?:\S+\s+){0,2}…"
     r"|…\s+(?:\([^)]*\)\s+)?(?:and|or)\s+(?:above|over|more|higher)\b|\bexceed|\bgreater than\b"),
    ("fall", r"\bdrop|\bdecrease|\breduc|\bcut\b|\blower|\bdecline|\bphase down|\bhalve|\bfall|\bfell|\bbelow\b"),
    ("rise", r"\bincrease|\braise|\badditional\b|\bgrow|\bdoubl|\bexpand|\bris(?:e|es|en)\b|\brose\b"),
    ("reach", r"\breach|\bachieve|\bbuil[td]|\bcreat|\bselect|\bcomplete|\baccount|\bconserv|\bfacilitate|\binstall"),
]  # fmt: skip
_COMPARATOR = (
    r"(?:(?:more|greater|less|fewer|larger|smaller|higher|lower)\s+than|over|above|below|under|exceeding|at\s+least"
    r"|not\s+less\s+than|no\s+less\s+than|not\s+more\s+than|no\s+more\s+than|up\s+to)"
)
# A comparator right before a number ("no more than fifteen", "at least four"): a bound set on a count
_BOUND_BEFORE = re.compile(rf"\b{_COMPARATOR}\s*$", re.IGNORECASE)
# A size in a qualifying phrase: "enterprises with an annual capacity of more than ...", "plants whose
# concentration is less than ...", "a model trained using computing power greater than ...", "boilers below ...".
_THRESHOLD_BEFORE = re.compile(
    rf"\b(?:with|whose|having|using|where|if|when)\s+(?!(?:no|not|at|more|less|over|under|up|fewer|greater)\b)"
    # ("with the goal of doubling ...", "with a target of 30 percent" set a goal, no size a rule covers)
    rf"(?!(?:the\s+|a\s+|an\s+)?(?:goals?|aims?|targets?|objectives?|ambitions?)\b)"
    rf"(?:\S+\s+){{1,8}}?(?:{_COMPARATOR}|of|exceeds?|is|are)\s*$"
    rf"|\b(?!(?:rises|falls|remains|stays|keeps|goes|drops|grows|is|was|has|as|this|its|thus)\b)[a-z]+s\s+"
    rf"(?:of\s+)?{_COMPARATOR}\s*$",
    re.IGNORECASE,
)
# A goal, a duty or a future: without one (and without a year) a figure is a fact about the present or past.
_GOAL = re.compile(
    r"\b(?:will|shall|must|should|goals?|targets?|aims?|strive|plans?\s+to|seeks?|commit\w*|ensure|objectives?|"
    r"no\s+less\s+than|not\s+less\s+than|no\s+more\s+than|not\s+more\s+than|not\s+exceed|at\s+least|at\s+most|"
    r"to\s+(?:achieve|reach|increase|reduce|cut|build|install|conserve|facilitate|deploy|create|expand|raise|lower|"
    r"double|have|bring|keep|limit))\b",
    re.IGNORECASE,
)
# A statement about the present or past ("87 percent of reactors installed since 2017 are ...").
_STATEMENT = re.compile(
    r"\bsince\s+(?:19|20)\d\d|\bas\s+of\b|\bin\s+(?:19|20)\d\d|\b(?:currently|today|at\s+present|to\s+date|so\s+far)\b"
    r"|\b(?:was|were|has\s+been|have\s+been|had|took)\b",
    re.IGNORECASE,
)
_BOUNDARY = re.compile(r";|,(?!\d{3})")


@dataclass
class _Quantity:
    start: int
    end: int
    text: str
    value: float
    unit: str
    counted: bool  # a counted noun ("30 green parks"), not a unit of measure
    reading: str = ""


def _number_value(num: str) -> tuple[float, str]:
    """The value of a printed number, with a note when a broken form had to be read."""
    low = num.lower().replace("-", " ")
    if low.split()[0] in _WORD_UNITS:
        return float(sum(_WORD_UNITS.get(w, 0) for w in low.split())), ""
    if re.fullmatch(_GLITCH, num):
        fixed = num.split(".", 1)[1]
        return float(fixed.replace(",", "")), fixed
    scientific = re.fullmatch(r"(\d+(?:\.\d+)?)\s?(?:[×xX*]\s?10\^|[eE]\+?)(\d+)", num)
    if scientific:
        return float(scientific.group(1)) * 10.0 ** int(scientific.group(2)), ""
    if "^" in num:
        base, exp = num.split("^")
        return float(int(base) ** int(exp)), ""
    return float(num.replace(",", "")), ""


def _canonical_unit(printed: str) -> str:
    """One spelling per unit: "per cent" → "%", "gigawatts" → "GW", "tonnes" → "tons", "metres" → "meters"."""
    unit = re.sub(r"\s+", " ", printed).strip()
    low = unit.lower()
    if low.replace(" ", "") in {"%", "percent"}:
        return "%"
    if low.startswith("percentage point"):
        return "percentage points"
    head = re.match(r"[a-z]+", low)
    if head and head.group(0) in _UNIT_NAMES:
        return _UNIT_NAMES[head.group(0)] + unit[head.end() :]
    if re.search(r"°|[kMGT](?:bit|b)/s|bps", unit):
        return unit.replace(" ", "")
    low = re.sub(r"\bmetric\s+", "", low)
    low = re.sub(r"\btonne", "ton", low)
    low = re.sub(r"\b(met|kilomet)re(s?)\b", r"\1er\2", low)
    low = re.sub(r"\s*/\s*", "/", low)
    return low


def _counted_noun(sentence: str, pos: int) -> tuple[int, str] | None:
    """``30 green parks`` → the end of "green parks" and the noun phrase, if the words after a number count things."""
    words = list(re.finditer(r"\"[^\"\s][^\"]{0,30}\"|[A-Za-z][\w'’\-]*(?:/[a-z]+)?", sentence[pos : pos + 120]))
    prev_end = 0
    for i, w in enumerate(words[:6]):
        gap = sentence[pos + prev_end : pos + w.start()]
        if gap.strip():  # punctuation ends the noun phrase
            return None
        prev_end = w.end()
        token = w.group(0).strip('"').lower()
        if token in _NOT_COUNTED:
            return None
        plural = token in _IRREGULAR_PLURALS or (
            len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is", "'s", "’s"))
        )
        if plural:
            end = pos + w.end()
            rate = _RATE.match(sentence, end)
            if rate and rate.group(0).strip().startswith("per"):
                end = rate.end()
            return end, sentence[pos:end].strip()
        if token in _FUNCTION_WORDS and not (token in {"or"} and i > 0):
            return None
    return None


# A multiple set as a goal in words: "the goal of doubling offshore wind by 2030", "emissions are to be halved"
_MULTIPLE = re.compile(
    r"\b(?:doubl|tripl|quadrupl|halv)ing\b|\b(?:to|will|shall|must|would|be|been|is|are)\s+(?:at\s+least\s+)?"
    r"(?:doubl|tripl|quadrupl|halv)ed?\b",
    re.IGNORECASE,
)
_MULTIPLES = {"doubl": 2.0, "tripl": 3.0, "quadrupl": 4.0, "halv": 0.5}


def _multiples(sentence: str) -> list[_Quantity]:
    """The multiples a sentence sets in words ("doubling", "to be halved"), as quantities in "times"."""
    out = []
    for m in _MULTIPLE.finditer(sentence):
        word = re.search(r"(?:doubl|tripl|quadrupl|halv)\w*", m.group(0), re.IGNORECASE)
        value = next(v for k, v in _MULTIPLES.items() if word.group(0).lower().startswith(k))  # type: ignore[union-attr]
        out.append(_Quantity(word.start() + m.start(), m.end(), word.group(0), value, "times", False))  # type: ignore[union-attr]
    return out


def _quantities(sentence: str) -> list[_Quantity]:
    """Every number with a unit or a counted noun in a sentence, and every multiple set in words, left to right."""
    out: list[_Quantity] = _multiples(sentence)
    for m in _NUMBER_RE.finditer(sentence):
        num, cur, scale = m.group("num"), m.group("cur"), m.group("scale")
        is_word = num[0].isalpha()
        before = sentence[max(0, m.start() - 12) : m.start()]
        if _REFERENCE_BEFORE.search(before):
            continue
        # "14th", "2nd", "5-year": an ordinal or a hyphenated adjective, not an amount.
        after = sentence[m.end() : m.end() + 1]
        if after in {"-", "–"} or re.match(r"(?:st|nd|rd|th)\b", sentence[m.end() : m.end() + 3]):
            continue
        if scale and scale.strip().lower() in {"m", "k", "bn"} and not cur:
            continue  # "100m" without a currency sign may be metres: too unsure to read
        value, fixed = _number_value(num)
        if scale:
            value *= _SCALES[scale.strip().lower()]
        is_year = bool(_YEAR_NUMBER.fullmatch(num)) and not scale and not cur
        end = m.end()
        if cur:
            unit = _CURRENCY_NAMES.get(cur.strip().lower(), "dollars")
            out.append(_Quantity(m.start(), end, sentence[m.start() : end], value, unit, False))
            continue
        gap = re.match(r"\s?", sentence[end:])
        u = _UNIT_RE.match(sentence, end + (gap.end() if gap else 0))
        if u and not (is_word and u.group(0).lower() in {"m", "km", "mu"}):
            end = u.end()
            rate = _RATE.match(sentence, end)
            if rate and not u.group(0).strip().startswith(("%", "per")) and "percent" not in u.group(0).lower():
                end = rate.end()
            unit = _canonical_unit(sentence[u.start() : end])
            if unit in {"dollars", "dollar", "euros", "euro"}:
                unit = unit if unit.endswith("s") else unit + "s"
            q = _Quantity(m.start(), end, sentence[m.start() : end], value, unit, False)
        elif is_year or (
            # (a count in words is a bound when a comparator says so: "no more than fifteen members"; "one
            # hundred" is not read)
            is_word
            and (
                not _BOUND_BEFORE.search(sentence[max(0, m.start() - 20) : m.start()])
                or re.match(r"\s*hundred\b", sentence[end:], re.IGNORECASE)
            )
        ):
            continue
        else:
            # "1B", "3(a)": a number run into letters or brackets is a code or a reference.
            noun = _counted_noun(sentence, end) if sentence[end : end + 1].isspace() else None
            if noun:
                end, phrase = noun
                q = _Quantity(m.start(), end, sentence[m.start() : end], value, phrase.lower(), True)
            elif scale.strip():  # "1 million" on its own: a count
                q = _Quantity(m.start(), end, sentence[m.start() : end], value, "count", False)
            else:
                continue
        if fixed:
            q.reading = f'printed "{q.text}", read as {q.text.replace(num, fixed, 1)}'
        out.append(q)
    return sorted(out, key=lambda q: q.start)


# --- the parts of a sentence around a quantity ---------------------------------------------------------


def _direction(fragment: str, quantity: str = "", baseline: str = "") -> str:
    text = fragment.replace(quantity, "…", 1) if quantity else fragment
    if baseline:
        # "40% below 2005 levels": the baseline says which way; "below" next to the number is a bound.
        text = text.replace(baseline, " below " if baseline.lower().startswith("below") else " ")
    for name, pattern in _DIRECTIONS:
        if re.search(pattern, text, re.IGNORECASE):
            return name
    return "reach"


def _measure(fragment: str, quantity: str) -> str:
    text = fragment.replace(quantity, "…", 1)
    text = re.sub(
        r"^\s*(?:and|or|we will|will|(?:by|in)\s+(?:the\s+end\s+of\s+)?(?:fiscal\s+year\s+)?(?:19|20)\d\d,?)\s+",
        "",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(r"^\(?(?:\d{1,3}|[a-z]{1,4}|[A-Z])[.)]\s+", "", text)  # the item's printed number
    text = re.sub(r"\s+", " ", text).strip(" ,.;:")
    return text[:160]


def _fragment(sentence: str, q: _Quantity, nxt: _Quantity | None) -> tuple[int, int]:
    """The part of the sentence that belongs to one quantity: cut at commas, semicolons and a joining " and "."""
    bounds = [b.start() for b in _BOUNDARY.finditer(sentence)]
    start = max([b for b in bounds if b < q.start], default=-1) + 1
    left_and = sentence.rfind(" and ", 0, q.start)
    # "... drop by 5% and the per capita ... by 6%": the subject follows the " and ".
    if left_and >= start and re.search(r"\d", sentence[start:left_and]):
        start = left_and + 5
    end = min([b for b in bounds if b >= q.end], default=len(sentence))
    if nxt is not None and nxt.start < end:
        # "... 5 gigawatt of uprates and have 10 new large reactors ...": stop before the next quantity's part.
        # "30 green parks and 300 green factories will be built" shares its verb: keep it whole.
        join = sentence.rfind(" and ", q.end, nxt.start)
        if join >= 0 and sentence[join + 5 : nxt.start].strip():
            end = join
    return start, end


def _year_for(sentence: str, q: _Quantity, quantities: list[_Quantity]) -> int | None:
    """The year a quantity runs to: the first year between it and the next quantity ("50 percent by 2032 and
    100 percent by 2035"), else the nearest one before it ("By 2030, A will ... and B ..."), else the first one
    after it ("5 gigawatt of uprates and 10 reactors ... by 2030")."""
    # "from 4 GW in 2020 to 12 GW": the year of a starting level is no target's year.
    starts = [m.span() for m in re.finditer(r"\bfrom\s+\S+(?:\s+\S+)?\s+in\s+(?:19|20)\d\d\s+to\b", sentence)]
    years = [
        (m.start(), int(m.group(1)))
        for m in _YEAR_PHRASE.finditer(sentence)
        if not any(s <= m.start() < e for s, e in starts)
    ]
    if not years:
        return None
    i = quantities.index(q)
    nxt = quantities[i + 1].start if i + 1 < len(quantities) else len(sentence)
    between = [y for p, y in years if q.end <= p < nxt]
    if between:
        return between[0]
    before = [y for p, y in years if p < q.start]
    if before:
        return before[-1]
    return years[0][1]


def _baseline(sentence: str, fragment: str, q: _Quantity, quantities: list[_Quantity]) -> str:
    m = _BASELINE.search(fragment)
    if m:
        return re.sub(r"\s+", " ", m.group(0))
    i = quantities.index(q)
    nxt = quantities[i + 1].start if i + 1 < len(quantities) else len(sentence)
    m = _BASELINE.search(sentence, q.end, nxt)
    return re.sub(r"\s+", " ", m.group(0)) if m else ""


def _starting_levels(sentence: str, quantities: list[_Quantity]) -> dict[int, tuple[str, int]]:
    """``rise from 4 GW in 2020 to 12 GW``: the target's offset → its baseline phrase ("from 4 GW in 2020")
    and the offset of the starting level ("4 GW")."""
    out: dict[int, tuple[str, int]] = {}
    for q, nxt in zip(quantities, quantities[1:], strict=False):
        frm = re.search(r"\bfrom\s+(?:about\s+|around\s+|approximately\s+)?$", sentence[: q.start])
        between = re.fullmatch(
            r"\s*((?:(?:in|at\s+the\s+end\s+of|as\s+of)\s+(?:19|20)\d\d\s*)?),?\s*to\s+(?:about\s+|around\s+)?",
            sentence[q.end : nxt.start],
        )
        if frm and between:
            out[nxt.start] = (sentence[frm.start() : q.end + len(between.group(1))].strip(), q.start)
    return out


def _baseline_year(phrase: str) -> int | None:
    m = _YEAR_NUMBER.search(phrase)
    return int(m.group(0)) if m else None


def _kind(sentence: str, fragment_before: str, year: int | None, prev_kind: str, counted: bool) -> str:
    if _THRESHOLD_BEFORE.search(fragment_before):
        return "threshold"
    # "... more than 200 households or 500 people": the second size belongs to the same condition.
    if prev_kind == "threshold" and re.search(r"\bor\s*$", fragment_before):
        return "threshold"
    # "the 17 National Laboratories": a definite count of what exists, not an amount to reach.
    if counted and re.search(r"\bthe\s*$", fragment_before):
        return "fact"
    aimed = _GOAL.search(sentence) or _PLAN_PERIOD.search(sentence)
    if year is None and not aimed and _STATEMENT.search(sentence):
        return "fact"
    return "target"


# The words between the items and their values: "will be reduced by", "reached", "will reach".
_VERB_WORD = re.compile(
    r"(?:will|shall|must|should|is|are|was|were|be|been|being|by|to|at|of|about|around|approximately|over|above|"
    r"below|reach\w*|reduc\w*|decreas\w*|increas\w*|rais\w*|drop\w*|fall|fell|cut|grow\w*|grew|achiev\w*|"
    r"account\w*|exceed\w*|respectively)",
    re.IGNORECASE,
)


def _respectively(sentence: str, quantities: list[_Quantity]) -> tuple[list[tuple[_Quantity, str, str]], int] | None:
    """``A, B and C will be reduced by x, y and z respectively`` → (quantity, item, verb phrase) per item,
    and where the values end; None when the counts do not pair up."""
    r = re.search(r",?\s*respectively\b", sentence)
    if not r:
        return None
    run: list[_Quantity] = []
    cursor = r.start()
    for q in reversed([q for q in quantities if q.end <= r.start()]):
        gap = sentence[q.end : cursor]
        if run and not re.fullmatch(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|,)\s*", gap):
            break
        if not run and gap.strip(" ,"):
            break
        run.insert(0, q)
        cursor = q.start
    if len(run) < 2:
        return None
    left = sentence[: run[0].start]
    tokens = list(re.finditer(r"\S+", left))
    k = len(tokens)
    while k > 0 and _VERB_WORD.fullmatch(tokens[k - 1].group(0).strip(",")):
        k -= 1
    if k == len(tokens) or k == 0:
        return None
    items_text = left[: tokens[k - 1].end()]
    verb = left[tokens[k].start() :]
    chunks = [c.strip() for c in re.split(r",\s*(?:and\s+)?|\s+and\s+", items_text) if c.strip()]
    if len(chunks) < len(run):
        return None
    items = chunks[-len(run) :]
    head = re.match(r"(.+?\bof\s+)\S", items[0])
    if head:
        items = [items[0]] + [x if " of " in x else head.group(1) + x for x in items[1:]]
    return [(q, item, verb) for q, item in zip(run, items, strict=True)], run[-1].end


# --- public API -------------------------------------------------------------------------------------


def _blocks(text: str) -> list[str]:
    """Paragraphs, whitespace normalised; in a text that is not hard-wrapped, also items printed on their own
    line ("(a) ...", "(2.1) ..."). In hard-wrapped text a line can start with "(a)" mid-sentence."""
    lines = [len(line) for line in text.splitlines() if line.strip()]
    wrapped = len(lines) > 5 and max(lines) <= 100
    item_line = r"|\n(?=[ \t]*\((?:[a-z]{1,4}(?:\.\d+)?|[A-Z]|\d{1,3}(?:\.\d+)?)\)\s)"
    parts = re.split(r"\n\s*\n" + ("" if wrapped else item_line), text)
    return [re.sub(r"\s+", " ", p).strip() for p in parts if p.strip()]


def _is_note(sentence: str) -> bool:
    """A sentence that is one bracketed note ("(The Municipal Bureau ... takes the lead)")."""
    if not sentence or sentence[0] not in "([":
        return False
    depth = 0
    for i, ch in enumerate(sentence):
        depth += ch in "(["
        depth -= ch in ")]"
        if depth == 0:
            return i >= len(sentence.rstrip(" .;")) - 1
    return True


def document_horizon(text: str) -> int | None:
    """The year the document's own targets most often run to, from "by YYYY" / "in YYYY" phrases.

    Ties go to the later year (a plan's horizon is its last milestone); None when no such phrase occurs.
    """
    counts = Counter(int(m.group(1)) for m in _YEAR_PHRASE.finditer(text))
    if not counts:
        return None
    best = max(counts.values())
    return max(y for y, n in counts.items() if n == best)


def extract_targets(clause_id: str, text: str, default_year: int | None = None) -> list[Target]:
    """Every quantitative target or threshold in a clause's text.

    ``default_year`` is the year for a sentence that names the plan's period but no year ("During the
    Five-Year Plan period, ..."); pass :func:`document_horizon` of the whole document. Without it such a
    sentence takes the first year phrase ("by 2025") of the same paragraph, if any. A year that opens a
    sentence carries on to the later sentences of the paragraph ("By 2025, ... . The utilization rate ...
    reached 43%").
    """
    out: list[Target] = []
    for block in _blocks(text):
        period_year = default_year
        if period_year is None:
            first = _YEAR_PHRASE.search(block)
            period_year = int(first.group(1)) if first else None
        year_in_force: int | None = None
        for sentence in split_sentences(block):
            sentence = re.sub(r"\s+", " ", sentence).strip()
            if _is_note(sentence):
                continue
            quantities = _quantities(sentence)
            sentence_year = None
            if not _YEAR_PHRASE.search(sentence):
                sentence_year = period_year if _PLAN_PERIOD.search(sentence) else None
                sentence_year = sentence_year or year_in_force
            covered: set[int] = set()
            paired = _respectively(sentence, quantities)
            if paired:
                pairs, values_end = paired
                for q, item, verb in pairs:
                    covered.add(q.start)
                    year = sentence_year or _year_for(sentence, q, quantities)
                    base = _baseline(sentence, verb + " " + sentence[values_end:], q, quantities)
                    out.append(
                        Target(
                            clause_id, item, q.value, q.text, q.unit, _direction(verb), year, sentence, q.reading,
                            baseline=base, baseline_year=_baseline_year(base), kind="target",
                        )
                    )  # fmt: skip
            starts = _starting_levels(sentence, quantities)
            prev_kind = ""
            for i, q in enumerate(quantities):
                if q.start in covered:
                    continue
                year = sentence_year or _year_for(sentence, q, quantities)
                nxt = quantities[i + 1] if i + 1 < len(quantities) else None
                frag_start, frag_end = _fragment(sentence, q, nxt)
                fragment = sentence[frag_start:frag_end]
                measure = _measure(fragment, q.text)
                if q.counted and q.unit not in _IRREGULAR_PLURALS:
                    measure = f"{q.unit}: {measure}"
                kind = _kind(sentence, sentence[frag_start : q.start], year, prev_kind, q.counted)
                prev_kind = kind
                base = _baseline(sentence, fragment, q, quantities)
                if any(q.start == level for _, level in starts.values()):
                    kind = "baseline"  # the level a target starts from, not a target
                if q.start in starts:
                    base = starts[q.start][0]
                out.append(
                    Target(
                        clause_id, measure, q.value, q.text, q.unit, _direction(fragment, q.text, base), year, sentence,
                        q.reading,
                        baseline=base, baseline_year=_baseline_year(base), kind=kind,
                    )
                )  # fmt: skip
            # Only a sentence that opens with its year ("By 2025, ...") frames the ones after it; a year in
            # passing ("which entered into force in 2016") does not.
            opening = _YEAR_PHRASE.match(re.sub(r"^(?:\(?\w{1,4}[.)]\s+)", "", sentence))
            if opening:
                year_in_force = int(opening.group(1))
            elif sentence_year and _PLAN_PERIOD.search(sentence[:60]):
                year_in_force = sentence_year
    return out


def apply_readings(targets: list[Target], readings: list[dict]) -> list[Target]:
    """Apply hand-recorded readings (``corpus/target_readings.yaml``) to extracted targets."""
    seen: dict[tuple[str, str], int] = {}
    for t in targets:
        key = (t.clause_id, t.value_text)
        seen[key] = seen.get(key, 0) + 1
        for r in readings:
            if (r["clause_id"], r["value_text"], r.get("nth", 1)) == (*key, seen[key]):
                t.measure = r.get("measure", t.measure)
                t.direction = r.get("direction", t.direction)
                t.reading = r.get("reading", t.reading)
    return targets
