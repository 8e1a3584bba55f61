"""Word-level text helpers shared by retrieval, answering and grounding."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

_STEMMER = Stemmer.Stemmer("english")
_WORD = re.compile(r"[a-z0-9]+(?:[.,/][0-9]+)*|[a-z]+", re.IGNORECASE)

STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be been being both but by can
    could did do does doing during each few for from further had has have having he her here hers
    him his how i if in into is it its itself just me more most my no nor not now of off on once
    only or other our ours out over own same she should so some such than that the their theirs
    them then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your yours shall may might must
    please tell say says said show give list explain describe according plan city
    municipal regarding related concerning kind sort thing things anything something whether either
    neither although though because since unless however therefore whose every each already ever
    never always often yet etc""".split()
)


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The Snowball stem of a lower-cased word."""
    return _STEMMER.stemWord(word.lower())


def words(text: str) -> list[str]:
    """Lower-cased word tokens (numbers keep their commas and decimals: ``43,200``)."""
    return [w.lower() for w in _WORD.findall(text)]


def surface_words(texts: list[str]) -> list[str]:
    """The plan's spelled words of four letters or more, sorted (what a typo is repaired to).

    Each distinct whitespace-separated token is read once: a large corpus repeats its words, and
    running the word pattern over all of its text took seconds at 50,000 clauses.
    """
    tokens: set[str] = set()
    for text in texts:
        tokens.update(text.split())
    return sorted({w for token in tokens for w in words(token) if w.isalpha() and len(w) >= 4})


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning (stopwords dropped)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1]


NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.,])\d+(?:\.\d+)?")


def numbers(text: str) -> list[str]:
    """Numbers written in the text, as written (``43,200``, ``14.5``, ``2025``)."""
    return NUMBER.findall(text)


def number_value(text: str) -> float:
    """The value of a number as written (``"43,200"`` → 43200.0)."""
    return float(text.replace(",", ""))


@lru_cache(maxsize=4096)
def stem_pairs(text: str) -> frozenset[tuple[str, str]]:
    """Neighbouring content stems of ``text`` ("outside the industrial park" → (outsid, industri),
    (industri, park)): a phrase of the question found in a clause."""
    stems = content_stems(text)
    return frozenset(zip(stems, stems[1:], strict=False))


def valid_text(text: str) -> str:
    """``text`` as valid Unicode: bytes the terminal could not decode (lone surrogates from
    argv or stdin) become U+FFFD instead of failing when the answer is printed."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogateescape" if _only_escapes(text) else "surrogatepass")
        return raw.decode("utf-8", "replace")


def _only_escapes(text: str) -> bool:
    return all(not 0xD800 <= ord(ch) <= 0xDFFF or 0xDC80 <= ord(ch) <= 0xDCFF for ch in text)
