"""Parse the responsibility parenthesis that ends most clauses of a plan.

Phrasings handled (the closing notes of plans translated from Chinese):
- "X takes the lead, and Y, Z are responsible according to the division of duties"
- "X and Y take the lead; Y, Z are responsible ..."
- "Under the leadership of X and Y, Z, W ... are responsible ..."
- "In charge of X"
- a parenthesis naming one agency alone (that agency leads)
- a list that is only "... shall be responsible according to their respective duties" (no lead)
- "etc." and a bracketed scope note ("Districts and counties ... are responsible for the
  implementation ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from policyqa.engine.agencies import AgencyRegistry

_LEAD_VERB = re.compile(r"\btakes?\s+the\s+lead\b", re.IGNORECASE)
_UNDER_LEADERSHIP = re.compile(r"^\s*under\s+the\s+leadership\s+of\b", re.IGNORECASE)
_IN_CHARGE = re.compile(r"^\s*in\s+charge\s+of\b", re.IGNORECASE)
# Words that may remain once the agencies are cut out of a responsibility note.
_FILLER = re.compile(
    r"\b(the|and|etc|are|is|shall|be|should|responsible|according|to|their|its|respective|"
    r"duties|duty|responsibilities|division|of|takes?|lead|under|leadership|in|charge)\b",
    re.IGNORECASE,
)


@dataclass
class Responsibility:
    """Who leads, who shares, scope notes, and the spellings the registry did not know."""

    lead: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    scope: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def parse_responsibility(note: str, registry: AgencyRegistry) -> Responsibility:
    """Parse a responsibility note (the text inside the final parenthesis or bracket)."""
    inner = note.strip().strip("()[]").strip()
    result = Responsibility()
    segments = [s.strip() for s in inner.split(";") if s.strip()]
    agency_segments: list[str] = []
    for seg in segments:
        if registry.find(seg):
            agency_segments.append(seg)
        else:
            result.scope.append(seg)
    text = "; ".join(agency_segments)
    if not text:
        return result

    mentions = registry.find(text)
    names = _unique(m.agency.name for m in mentions)

    lead_span: tuple[int, int] | None = None
    if _UNDER_LEADERSHIP.search(text):
        # The leaders run up to the first comma: "Under the leadership of X and Y, Z, W are ..."
        end = text.find(",")
        lead_span = (0, end if end != -1 else len(text))
    elif _IN_CHARGE.search(text):
        lead_span = (0, len(text))
    else:
        m = _LEAD_VERB.search(text)
        if m:
            lead_span = (0, m.start())
        elif len(names) == 1 and not re.search(r"responsible", text, re.IGNORECASE):
            lead_span = (0, len(text))

    if lead_span:
        result.lead = _unique(m.agency.name for m in mentions if lead_span[0] <= m.start < lead_span[1])
    result.responsible = [n for n in names if n not in result.lead]
    result.unknown = _leftover_names(text, mentions)
    return result


def _leftover_names(text: str, mentions) -> list[str]:
    """Capitalised phrases that are neither a known agency nor filler: unknown agencies."""
    chars = list(text)
    for m in mentions:
        for i in range(m.start, m.end):
            chars[i] = " "
    rest = "".join(chars)
    out = []
    for piece in re.split(r"[,;]", rest):
        words = _FILLER.sub(" ", piece).strip(" .")
        if re.search(r"[A-Z][a-z]+", words):
            out.append(re.sub(r"\s+", " ", words))
    return out


def _unique(items) -> list[str]:
    out: list[str] = []
    for x in items:
        if x not in out:
            out.append(x)
    return out
