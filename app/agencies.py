"""The agency list: canonical names, variant spellings, short forms and Chinese names."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml


@dataclass
class Agency:
    """One agency row of ``corpus/agencies.yaml``."""

    name: str
    variants: list[str] = field(default_factory=list)
    short: list[str] = field(default_factory=list)
    zh: list[str] = field(default_factory=list)

    @property
    def zh_name(self) -> str:
        """The agency's Chinese name (first listed), or empty."""
        return self.zh[0] if self.zh else ""


def _norm(text: str) -> str:
    text = text.lower().replace("’", "'")
    text = re.sub(r"\bthe\b", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Mention:
    """An agency found in a text, with the character span of the matched spelling."""

    agency: Agency
    start: int
    end: int


class AgencyRegistry:
    """Looks agencies up by any spelling, in English or Chinese."""

    def __init__(self, agencies: list[Agency]) -> None:
        self.agencies = agencies
        self.by_name = {a.name: a for a in agencies}
        # Longest spelling first, so "Municipal Bureau of Ecology and Environment" wins over
        # "Bureau of Ecology and Environment".
        formal: list[tuple[str, Agency]] = []
        informal: list[tuple[str, Agency]] = []
        for a in agencies:
            for v in {a.name, *a.variants}:
                formal.append((v, a))
            for s in a.short:
                informal.append((s, a))
        self._formal = self._compile(formal, case_sensitive=False)
        self._informal = self._compile(informal, case_sensitive=True)
        zh = sorted(((z, a) for a in agencies for z in a.zh), key=lambda p: -len(p[0]))
        self._zh = zh

    @staticmethod
    def _compile(pairs: list[tuple[str, Agency]], case_sensitive: bool) -> list[tuple[re.Pattern, Agency]]:
        out = []
        for spelling, agency in sorted(pairs, key=lambda p: -len(p[0])):
            words = [re.escape(w) for w in spelling.replace("’", "'").split()]
            # "the" may stand between any words; whitespace may vary.
            body = r"\s+(?:the\s+)?".join(words)
            # Short forms in capitals (EEB, DRC) must match in capitals; words match any case.
            flags = 0 if (case_sensitive and spelling.isupper()) else re.IGNORECASE
            out.append((re.compile(rf"(?<![\w-]){body}s?(?![\w-])", flags), agency))
        return out

    def find(self, text: str, informal: bool = False) -> list[Mention]:
        """Agencies named in ``text``, in order of appearance, without overlaps.

        ``informal`` also matches short forms people type ("EEB", "ecology bureau") and Chinese
        names; ingest uses the formal spellings only.
        """
        patterns = self._formal + (self._informal if informal else [])
        taken: list[tuple[int, int]] = []
        found: list[Mention] = []
        for pattern, agency in patterns:
            for m in pattern.finditer(text):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                taken.append((m.start(), m.end()))
                found.append(Mention(agency, m.start(), m.end()))
        if informal:
            for z, agency in self._zh:
                start = text.find(z)
                while start != -1:
                    end = start + len(z)
                    if not any(start < e and s < end for s, e in taken):
                        taken.append((start, end))
                        found.append(Mention(agency, start, end))
                    start = text.find(z, end)
        found.sort(key=lambda m: m.start)
        return found

    def names_in(self, text: str, informal: bool = False) -> list[str]:
        """Canonical names of the agencies in ``text``, first appearance order, no repeats."""
        out: list[str] = []
        for m in self.find(text, informal=informal):
            if m.agency.name not in out:
                out.append(m.agency.name)
        return out

    def resolve(self, spelling: str) -> Agency | None:
        """The agency a single spelling (alias, short form, Chinese) stands for."""
        spelling = spelling.strip()
        for a in self.agencies:
            if _norm(spelling) in {_norm(x) for x in (a.name, *a.variants, *a.short)} or spelling in a.zh:
                return a
        names = self.names_in(spelling, informal=True)
        return self.by_name[names[0]] if len(names) == 1 else None

    def all_spellings(self, name: str) -> list[str]:
        """Every English spelling of a canonical agency (for grounding checks)."""
        a = self.by_name[name]
        return [a.name, *a.variants]


def load_agencies(path: Path) -> AgencyRegistry:
    """Read an agency list (YAML with a top-level ``agencies`` list)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rows = [Agency(**row) for row in data.get("agencies", [])]
    return AgencyRegistry(rows)


@lru_cache(maxsize=4)
def registry_for(corpus_dir: Path) -> AgencyRegistry:
    """The agency registry of a corpus folder, read once."""
    return load_agencies(corpus_dir / "agencies.yaml")
