"""Who issued a document and when, where the document itself states it: a label line at the top
("Issued by: ...", "发文机关：..."), a republished plan's "From <body>" line, a Federal Register header
("Executive Order 14057 of December 8, 2021"), an executive order's "By the authority vested in me as
President" with the signature in capitals and the dated closing line, an Act's enacting formula and
"assented to" date, a Chinese plan's issuing body over its date line.

The patterns are generic and live in ``provenance.yaml``, each with a line saying why. Nothing is
guessed: a field the document does not state stays blank. What was read is kept with the words it was
read from, so the Plans list can be checked against the document.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

RULES_FILE = Path(__file__).with_name("provenance.yaml")
HEADER_LINES = 12  # non-empty lines at the top read as the header
HEADER_LINE_CHARS = 200  # a longer line is body text, not a header line
OPENING_CHARS = 8000  # the opening part (preamble, enacting formula) searched for the opening patterns

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_MONTH = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"  # longest first: "june" before "jun"
_ORD = r"(?:st|nd|rd|th)?"
_ZH_DIGITS = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_NUM = r"[0-9〇零○一二三四五六七八九十]"
# The date forms read, each as a whole: "December 8, 2021", "8 December 2021", "29th June, 2021",
# "2021-12-08", "2021年12月8日" (also in Chinese numerals, "二〇二二年一月二十四日").
DATE_FORMS = (
    re.compile(rf"(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}}){_ORD},?\s+(?P<y>\d{{4}})", re.IGNORECASE),
    re.compile(rf"(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<m>{_MONTH}),?\s+(?P<y>\d{{4}})", re.IGNORECASE),
    re.compile(r"(?P<y>\d{4})-(?P<mn>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(rf"(?P<y>{_ZH_NUM}{{4}})\s*年\s*(?P<mn>{_ZH_NUM}{{1,3}})\s*月\s*(?P<d>{_ZH_NUM}{{1,3}})\s*日"),
)
_PLACE_LINE = re.compile(r"^[A-Z][^,\d]{2,60},$")  # "THE WHITE HOUSE,": where it was signed, not who


@dataclass
class Provenance:
    """Issuer and date of a document as it states them ("" where it does not), and the words read."""

    issuer: str = ""
    issuer_source: str = ""
    date: str = ""  # ISO, "2021-12-08"
    date_kind: str = ""  # "signed", "issued", "assented to", "enacted", or "" when the document does not say
    date_source: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern
    kind: str


@dataclass(frozen=True)
class _Rules:
    header: tuple[_Rule, ...]
    opening: tuple[_Rule, ...]
    closing_lines: int
    signer: re.Pattern
    body_zh: re.Pattern


@lru_cache(maxsize=1)
def rules() -> _Rules:
    """The tables of ``provenance.yaml``, compiled once."""
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))

    def table(name: str) -> tuple[_Rule, ...]:
        return tuple(
            _Rule(re.compile(r["pattern"], 0 if r.get("case") == "sensitive" else re.IGNORECASE), r.get("kind", ""))
            for r in data[name]
        )

    closing = data["closing"]
    return _Rules(
        table("header"),
        table("opening"),
        int(closing["lines"]),
        re.compile(closing["signer"]),
        re.compile(closing["body_zh"]),
    )


def _zh_number(text: str) -> int:
    """A number written in Arabic or Chinese digits ("2022", "二〇二二", "二十四")."""
    if text.isdigit():
        return int(text)
    if "十" in text:  # "十二", "二十四", "三十"
        tens, _, units = text.partition("十")
        return (_ZH_DIGITS.get(tens, 1) if tens else 1) * 10 + (_ZH_DIGITS.get(units, 0) if units else 0)
    return int("".join(str(_ZH_DIGITS[ch]) for ch in text))


def parse_date(text: str, whole: bool = False) -> tuple[str, str] | None:
    """The first date written in ``text`` as (ISO date, the words as written); None when there is none
    (or, with ``whole``, when ``text`` is more than a date). A date that does not exist is no date."""
    for form in DATE_FORMS:
        m = form.fullmatch(text.strip().rstrip(".")) if whole else form.search(text)
        if not m:
            continue
        try:
            parts = m.groupdict()
            year = _zh_number(parts["y"])
            month = _MONTHS[parts["m"].lower().rstrip(".")] if parts.get("m") else _zh_number(parts["mn"])
            day = _zh_number(parts["d"])
            return date(year, month, day).isoformat(), m.group(0)
        except (KeyError, ValueError):
            continue
    return None


def _title_case(name: str) -> str:
    """A signature in capitals as a name is written ("JOSEPH R. BIDEN JR." → "Joseph R. Biden Jr.")."""
    return " ".join(w.capitalize() if w.isupper() else w for w in name.split())


def _clean_who(who: str) -> str:
    return re.sub(r"\s+", " ", who).strip(" ,.;:")


def read_provenance(text: str) -> Provenance:
    """Issuer and date of the document ``text``, where it states them."""
    r = rules()
    out = Provenance()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    header = [ln for ln in lines[:HEADER_LINES] if len(ln) <= HEADER_LINE_CHARS]

    def take_date(found: tuple[str, str] | None, kind: str, source: str) -> None:
        if found and not out.date:
            out.date, out.date_kind, out.date_source = found[0], kind, " ".join(source.split())

    def take_issuer(who: str, source: str) -> None:
        who = _clean_who(who)
        if who and not out.issuer:
            out.issuer, out.issuer_source = who, " ".join(source.split())

    # 1. the header lines
    for line in header:
        for rule in r.header:
            m = rule.pattern.search(line)
            if not m:
                continue
            if "who" in m.groupdict() and m.group("who"):
                take_issuer(m.group("who"), line)
            if "date" in m.groupdict() and m.group("date"):
                take_date(parse_date(m.group("date"), whole=True), rule.kind, line)
    # 2. the opening part: an order's authority, an Act's enacting formula and assent
    opening = text[:OPENING_CHARS]
    role = ""
    for rule in r.opening:
        m = rule.pattern.search(opening)
        if not m:
            continue
        source = m.group(0).strip(" .;:\n")
        if "who" in m.groupdict() and m.group("who"):
            if "vested in me" in m.group(0).lower():
                role = _clean_who(m.group("who"))  # "President": who signs says who they are
                role_source = source
            else:
                take_issuer(m.group("who"), source)
        if "date" in m.groupdict() and m.group("date"):
            take_date(parse_date(m.group("date"), whole=True), rule.kind, source)
    # 3. the closing lines: a date alone (after a place), the signature or the issuing body above it
    tail = lines[-r.closing_lines :]
    for i in range(len(tail) - 1, -1, -1):
        line = tail[i]
        place, _, rest = line.rpartition(",") if _PLACE_LINE.match(line.split(",")[0] + ",") else ("", "", line)
        found = parse_date(rest, whole=True) or parse_date(line, whole=True)
        if not found:
            continue
        above = [ln for ln in tail[max(0, i - 3) : i] if not _PLACE_LINE.match(ln)]
        signer = above[-1] if above and r.signer.match(above[-1]) else ""
        body = above[-1] if above and r.body_zh.match(above[-1]) else ""
        places = [ln for ln in tail[max(0, i - 2) : i] if _PLACE_LINE.match(ln)]
        take_date(found, "signed" if signer or place or places else "issued", " ".join([*places, line]))
        if signer and role:
            take_issuer(f"{_title_case(signer)}, {role}", f"{role_source} … {signer}")
        elif signer:
            take_issuer(_title_case(signer), signer)
        elif body:
            take_issuer(body, body)
        break
    if role and not out.issuer:
        take_issuer(role, role_source)  # the office, where no signature names the person
    return out
