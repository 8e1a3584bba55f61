"""Short titles of the indexed documents, read from their titles: the labels shown beside provision ids
("EO 14008 Sec. 205(a)", "Chongqing plan 3.9.2") in answers, comparisons and the app."""

from __future__ import annotations

import re
import weakref
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from policyqa.engine.core import PolicyQA

SHORT_TITLE = 44  # a title up to this long is its own short title
_SHORT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # PolicyQA → (clauses read from, short titles)

# -- short titles ------------------------------------------------------------------------------
# "Executive Order 14008", "EO 14110", "us-eo14008-climate-crisis": an instrument number (not a year)
_NUMBERED = re.compile(r"(?:\bexecutive[\s-]+order|\beo)[\s-]*(?:no\.?\s*)?(\d{3,6})\b", re.IGNORECASE)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")  # "(English translation)"


def instrument_numbers(*texts: str) -> list[str]:
    """The instrument numbers the texts carry ("Executive Order 14008", "us-eo14008-climate-crisis" →
    "14008"), years left out."""
    found = [n for text in texts for n in _NUMBERED.findall(text or "") if not _YEAR.match(n)]
    return list(dict.fromkeys(found))


def short_title(title: str, doc_id: str = "", proper: list[str] | tuple = (), kind: str = "") -> str:
    """A short name for a document, read from its title (and doc id), for labels such as "EO 14008
    Sec. 205(a)" or "Chongqing plan 3.9.2":

    - an executive order's number in the title or the doc id: "EO 14008";
    - else a proper name the title opens with or holds (``proper``: the words its own text writes
      capitalised, as :func:`policyqa.engine.decide.document_names` reads them) and what the document
      calls itself (``kind``, "plan", "order", "act"): "Chongqing plan";
    - else the title itself when it is short, or its first words.
    """
    plain = " ".join(title.split())
    for number in instrument_numbers(plain, doc_id):
        return f"EO {number}"
    if proper and kind:
        name = proper[0]
        return f"{name} {'Act' if kind == 'act' else kind}"
    plain = _TRAILING_NOTE.sub("", plain) or plain
    plain = re.sub(r"^Executive Order\b", "EO", plain)
    if len(plain) <= SHORT_TITLE:
        return plain or doc_id
    cut = plain[: SHORT_TITLE - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return f"{cut}…"


def short_titles(qa: PolicyQA) -> dict[str, str]:
    """doc id → its short title, for every indexed document (distinct: a clash falls back to the doc id)."""
    from policyqa.engine.decide import document_names

    qa.index.refresh()
    titles = dict(qa.index.titles)
    cached = _SHORT.get(qa)
    if cached is not None and cached[0] is qa.index.clauses:
        return cached[1]
    views = qa.documents()
    names = document_names(titles, {v.doc_id: v.text for v in views}) if len(titles) > 1 else {}
    out = {}
    for doc_id, title in titles.items():
        plain = title.replace("’", "'")
        # the single words of the title its own text treats as names, in the title's own spelling and order
        words = [w for w in names.get(doc_id, []) if " " not in w and re.search(rf"\b{re.escape(w)}\b", plain, re.I)]
        words.sort(key=lambda w: plain.lower().find(w))
        proper = [re.search(rf"\b{re.escape(w)}\b", plain, re.I).group(0).removesuffix("'s") for w in words]
        kind = (qa.index.facts[doc_id].kind if doc_id in qa.index.facts else "") or _kind_in(title)
        out[doc_id] = short_title(title, doc_id, proper or _names_in_sentence(title, kind), kind)
    counts: dict[str, int] = {}
    for short in out.values():
        counts[short] = counts.get(short, 0) + 1
    out = {d: (s if counts[s] == 1 else d) for d, s in out.items()}
    _SHORT[qa] = (qa.index.clauses, out)
    return out


def _names_in_sentence(title: str, kind: str) -> list[str]:
    """Capitalised words inside a title written in sentence case ("An Act respecting ... in Canada’s
    efforts": "Canada"), other than what the document is; none for a title in title case."""
    words = re.findall(r"[A-Za-z][\w’'-]*", title)[1:]
    if sum(1 for w in words if w[0].islower() and len(w) > 3) * 2 <= len(words):
        return []
    return [re.sub(r"[’']s$", "", w) for w in words if w[0].isupper() and w.lower() not in {kind, "executive", "order"}]


def _kind_in(title: str) -> str:
    found = re.search(r"\b(plan|order|act|regulation|strategy|programme|program|notice|law)\b", title, re.I)
    return found.group(1).lower() if found else ""
