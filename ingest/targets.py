"""Find quantitative targets and thresholds in clause text.

A target is a number with a unit (percent, tons, tons/hour, square meters, a counted noun, ...)
in a sentence, with the measure it applies to, its direction (fall/rise/reach/at least/at most)
and the year the sentence sets (``By 2025``). ``A, B and C ... by X, Y and Z respectively``
is paired up item by item. Glitches in the translation are read and the reading recorded.
"""

from __future__ import annotations

import re

from policyqa.engine.clauses import Target, split_sentences

_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_GLITCH = re.compile(r"\b0\.(\d{1,3}),(\d{3})\b")  # "0.1,800" where "1,800" is meant
_SCALE = r"(?:\s+(?:million|billion|thousand))?"
_UNIT = (
    r"(?:percent|per\s+cent|%|tons?(?:\s+per\s+day|/hour|\s+of\s+standard\s+coal)?|mg/L|"
    r"square\s+meters|households|people|yuan)"
)
_QUANT = re.compile(
    rf"(?<![\w.,]){_NUMBER}{_SCALE}\s*{_UNIT}|(?<![\w.,]){_NUMBER}{_SCALE}\s+(?:[a-z\-\"]+\s+){{0,4}}"
    rf"\"?(?:parks|factories|enterprises|units|leaders|vehicles|buildings|sites)\b\"?"
    rf"|(?<![\w.,]){_NUMBER}{_SCALE}(?=,\s*with\b)",
    re.IGNORECASE,
)
_NOT_A_TARGET = re.compile(r"(?:\bper|\bNational|\bNo\.)\s*$", re.IGNORECASE)
_BOUNDARY = re.compile(r"[;]|,(?!\d{3})")
_STANDARD_UNITS = {
    "%",
    "count",
    "tons",
    "ton",
    "tons/hour",
    "tons per day",
    "tons of standard coal",
    "mg/l",
    "square meters",
    "households",
    "people",
    "yuan",
}
_YEAR = re.compile(r"\b(?:by|in|until|before)\s+(20\d\d)\b", re.IGNORECASE)
_PERIOD = re.compile(r"14th Five-Year Plan period", re.IGNORECASE)
_DIRECTIONS = [
    ("at least", r"\bno less than\b|\bnot less than\b|\bat least\b"),
    ("at most", r"\bbelow\b|\bless than\b|\bat most\b|\bnot exceed|\bunder\b"),
    ("at least", r"\bmore than\b|\babove\b|\bexceed|\bno less than\b|\bover\b|\bat least\b"),
    ("fall", r"\bdrop|\bdecrease|\breduc|\bcut\b|\blower|\bdecline"),
    ("rise", r"\bincrease|\braise|\badditional\b|\bgrow"),
    ("reach", r"\breach|\bachieve|\bbuil[td]|\bcreat|\bselect|\bcomplete|\baccount"),
]


def _value(text: str) -> float:
    m = re.match(_NUMBER, text)
    v = float(m.group(0).replace(",", "")) if m else 0.0
    scale = re.search(r"\b(million|billion|thousand)\b", text, re.IGNORECASE)
    if scale:
        v *= {"million": 1e6, "billion": 1e9, "thousand": 1e3}[scale.group(1).lower()]
    return v


def _unit(text: str) -> str:
    rest = re.sub(rf"^{_NUMBER}{_SCALE}\s*", "", text, flags=re.IGNORECASE).strip()
    rest = rest.lower()
    if rest in {"%", "percent", "per cent"}:
        return "%"
    return rest or "count"


def _direction(fragment: str) -> str:
    for name, pattern in _DIRECTIONS:
        if re.search(pattern, fragment, re.IGNORECASE):
            return name
    return "reach"


def _measure(fragment: str, quantity: str) -> str:
    text = fragment.replace(quantity, "…", 1)
    text = re.sub(r"^\s*(?:and|by\s+20\d\d,?|we will|will)\s+", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\s+", " ", text).strip(" ,.;")
    return text[:160]


def _respectively(sentence: str, year: int | None, clause_id: str) -> list[Target] | None:
    """``A, B, C and D ... by w, x, y and z respectively`` → one target per item."""
    m = re.search(
        r"\bof\s+((?:(?!\bwill\b)[a-z ,])+?)\s+will\s+be\s+(reduced|increased)\s+by\s+(.+?)\s+"
        r"respectively",
        sentence,
        re.IGNORECASE,
    )
    if not m:
        return None
    items = [x.strip() for x in re.split(r",\s*|\s+and\s+", m.group(1)) if x.strip()]
    values_text = m.group(3)
    readings: list[str] = []
    glitch_fixed = _GLITCH.sub(lambda g: readings.append(g.group(0)) or f"{g.group(1)},{g.group(2)}", values_text)
    quantities = [q.group(0) for q in _QUANT.finditer(glitch_fixed)]
    raw_quantities = [x.strip() for x in re.split(r",\s(?=\d)|\s+and\s+", values_text)]
    if len(items) != len(quantities):
        return None
    direction = "fall" if m.group(2).lower() == "reduced" else "rise"
    out = []
    for item, q, raw in zip(items, quantities, raw_quantities, strict=False):
        reading = f'printed "{raw}", read as {q}' if raw != q else ""
        out.append(
            Target(clause_id, f"emissions of {item}", _value(q), raw, _unit(q), direction, year, sentence, reading)
        )
    return out


def extract_targets(clause_id: str, text: str) -> list[Target]:
    """Every quantitative target or threshold in a clause's text."""
    out: list[Target] = []
    year_in_force: int | None = None
    for sentence in split_sentences(text):
        if sentence.startswith(("(", "[")):
            continue  # the responsibility note
        year_m = _YEAR.search(sentence)
        year = int(year_m.group(1)) if year_m else (2025 if _PERIOD.search(sentence) else None)
        # "By 2025, ... . The utilization rate ... reached 43%": the year carries on in the clause.
        year = year or year_in_force
        year_in_force = year
        paired = _respectively(sentence, year, clause_id)
        covered: list[tuple[int, int]] = []
        if paired:
            out.extend(paired)
            rm = re.search(r"reduced\s+by\s+.+?respectively", sentence)
            if rm:
                covered.append(rm.span())
        # Fragments: the sentence cut at commas/semicolons/" and " so each number keeps its subject.
        for q in _QUANT.finditer(sentence):
            if any(s <= q.start() < e for s, e in covered):
                continue
            qt = q.group(0)
            if re.fullmatch(r"20\d\d", qt.strip()) or _NOT_A_TARGET.search(sentence[: q.start()]):
                continue
            bounds = [b.start() for b in _BOUNDARY.finditer(sentence)]
            start = max([b for b in bounds if b < q.start()], default=-1)
            left_and = sentence.rfind(" and ", 0, q.start())
            fragment_start = start + 1
            # "... drop by 5% and the per capita ... by 6%": the subject follows the " and ".
            if left_and > start and re.search(_NUMBER, sentence[fragment_start:left_and]):
                fragment_start = left_and + 5
            end = min([b for b in bounds if b >= q.end()], default=len(sentence))
            fragment = sentence[fragment_start:end]
            unit = _unit(qt)
            measure = _measure(fragment, qt)
            if unit not in _STANDARD_UNITS:  # a counted noun: "30 green parks"
                measure = f"{unit}: {measure}"
            out.append(Target(clause_id, measure, _value(qt), qt, unit, _direction(fragment), year, sentence))
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
