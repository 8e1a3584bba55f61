"""Query normalisation: domain abbreviations and Chinese terms mapped to the plan's wording."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml


@dataclass
class Term:
    """A glossary row: the plan's English term, its aliases and Chinese forms."""

    en: str
    aliases: list[str]
    zh: list[str]


class Glossary:
    """Expands a question with the plan's own words for what it names."""

    def __init__(self, terms: list[Term]) -> None:
        self.terms = terms
        # Two alternations (abbreviations in capitals match case-sensitively: "COD", not "cod"),
        # longest spelling first; the matched text is looked up to find its term.
        self._lookup: dict[str, Term] = {}
        caps, other = [], []
        for t in terms:
            for alias in {t.en, *t.aliases}:
                self._lookup.setdefault(alias.lower(), t)
                (caps if alias.isupper() and len(alias) <= 4 else other).append(alias)
        self._patterns = [
            p
            for p in (self._compile(other, re.IGNORECASE, plural=True), self._compile(caps, 0, plural=False))
            if p is not None
        ]
        self._zh = sorted(((z, t) for t in terms for z in t.zh), key=lambda p: -len(p[0]))

    @staticmethod
    def _compile(aliases: list[str], flags: int, plural: bool) -> re.Pattern | None:
        if not aliases:
            return None
        body = "|".join(re.escape(a) for a in sorted(set(aliases), key=len, reverse=True))
        suffix = "(?:s|es)?" if plural else ""
        # An abbreviation in capitals may sit in a compound ("high-VOC paints"); a word may not
        # ("t" is no ton in "t-shirt").
        edge = r"\w" if flags & re.IGNORECASE == 0 else r"\w'’-"  # nor is it in "isn't"
        return re.compile(rf"(?<![{edge}])(?P<alias>{body}){suffix}(?![{edge}])", flags)

    def english_terms(self, text: str, ignore: frozenset[str] = frozenset()) -> list[str]:
        """The plan's English terms for everything the text names (English or Chinese); Chinese forms in
        ``ignore`` name nothing."""
        found: list[str] = []
        for pattern in self._patterns:
            for m in pattern.finditer(text):
                term = self._lookup.get(m.group("alias").lower())
                if term and term.en not in found:
                    found.append(term.en)
        for _, term in self._chinese_found(text, ignore):
            if term.en not in found:
                found.append(term.en)
        return found

    def chinese_forms_in(self, text: str) -> list[str]:
        """The Chinese forms of the glossary's terms that ``text`` writes, longest first, none inside another."""
        return [z for z, _ in self._chinese_found(text)]

    def _chinese_found(self, text: str, ignore: frozenset[str] = frozenset()) -> list[tuple[str, Term]]:
        """Each Chinese form ``text`` writes (not in ``ignore``) with its term, longest first; a form read is
        blanked out, so a shorter one inside it is not read again."""
        found, rest = [], text
        for z, term in self._zh:
            if z in rest and z not in ignore:
                found.append((z, term))
                rest = rest.replace(z, " ")
        return found

    def spellings(self, english_term: str) -> list[str]:
        """The plan term and its English aliases ("energy efficiency benchmark", "benchmark level")."""
        term = self._lookup.get(english_term.lower())
        return [term.en, *term.aliases] if term else [english_term]

    def alias_words(self, english_terms: list[str]) -> dict[str, set[str]]:
        """Each lower-cased word of every spelling of the given terms → the plan terms it spells."""
        out: dict[str, set[str]] = {}
        for t in self.terms:
            if t.en in english_terms:
                for spelling in (t.en, *t.aliases):
                    for w in re.findall(r"[\w.]+", spelling):
                        out.setdefault(w.lower(), set()).add(t.en)
        return out

    def expand(self, text: str) -> str:
        """The text followed by the plan's terms for what it names."""
        extra = [t for t in self.english_terms(text) if t.lower() not in text.lower()]
        return f"{text} {' '.join(extra)}".strip()


def load_glossary(path: Path) -> Glossary:
    """Read ``corpus/glossary.yaml``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return Glossary([Term(r["en"], r.get("aliases") or [], r.get("zh") or []) for r in data.get("terms", [])])


@lru_cache(maxsize=4)
def glossary_for(corpus_dir: Path) -> Glossary:
    """The glossary of a corpus folder, read once."""
    return load_glossary(corpus_dir / "glossary.yaml")
