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
    read: bool = False  # read from a document at ingest (not a row of the refinement file)

    @property
    def zh_name(self) -> str:
        """The agency's Chinese name (first listed), or empty."""
        return self.zh[0] if self.zh else ""


def _key(spelling: str) -> str:
    """A spelling reduced for lookup: lower case, no "the", single spaces, no final s."""
    key = _norm(spelling)
    return key[:-1] if key.endswith("s") else key


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


# A capitalised word or an acronym just before a short form, not a sentence's first word: the short form ends
# a longer name ("HHS AI Task Force", "Interagency Working Group")
_LONGER_NAME = re.compile(r"(?<=\S )(?!(?:The|A|An|This|That|Our|Its|Their|Which|What|Who)\b)[A-Z][\w-]*\s+$")


def _ends_other_name(before: str, agency: Agency) -> bool:
    """Whether the word before a short form of ``agency`` makes it part of another body's name: a capitalised
    word or acronym that is neither a word of the agency's names nor their initials ("HHS AI Task Force", but
    not "Environmental Justice Interagency Council" or "EJ Advisory Council")."""
    m = _LONGER_NAME.search(before)
    if not m:
        return False
    word = m.group(0).strip()
    for name in (agency.name, *agency.variants):
        own = name.split()
        if word.lower() in (w.lower() for w in own):
            return False
        if word.isupper() and word in "".join(w[0] for w in own if w[:1].isupper()):
            return False
    return True


# a title's own name going on after a one-word short form: "Secretary| of the U.S. Department of the Interior"
_OF_NAME = re.compile(r"\s+(?:of|for)\s+(?:the\s+)?[A-Z]")


class AgencyRegistry:
    """Looks agencies up by any spelling, in English or Chinese."""

    def __init__(self, agencies: list[Agency]) -> None:
        self.agencies = agencies
        self.by_name = {a.name: a for a in agencies}
        # One alternation per kind, longest spelling first, so "Municipal Bureau of Ecology and
        # Environment" wins over "Bureau of Ecology and Environment" in a single pass.
        self._lookup: dict[str, Agency] = {}
        formal = [v for a in agencies for v in {a.name, *a.variants}]
        # People drop "Municipal" and the place before it ("the human resources and social security bureau").
        unprefixed = re.compile(r"^(?:[A-Z][a-z]+\s+)?Municipal\s+")
        bare = {
            a.name: [b for v in (a.name, *a.variants) if len((b := unprefixed.sub("", v)).split()) >= 2]
            for a in agencies
        }
        words_short = [x for a in agencies for x in [*a.short, *bare[a.name]] if not x.isupper()]
        caps_short = [x for a in agencies for x in a.short if x.isupper()]
        for a in agencies:
            for spelling in (a.name, *a.variants, *a.short, *bare[a.name]):
                self._lookup.setdefault(_key(spelling), a)
        # A short form written for one plan inside another agency's formal name ("treasury" in "Secretary of
        # the Treasury") is the other document's word as much as the plan's: with both indexed, it names
        # neither. (A short form a document defines, "(Advisory Council)", is that document's own name.)
        formal_keys = [(f" {_norm(v)} ", a) for a in agencies for v in {a.name, *a.variants}]
        self._shared_short = {
            _key(x)
            for a in agencies
            if not a.read
            for x in a.short
            if any(f" {_norm(x).lower()} " in f and other is not a for f, other in formal_keys)
        }
        self._formal = self._compile(formal, re.IGNORECASE)
        self._informal = [self._compile(words_short, re.IGNORECASE), self._compile(caps_short, 0)]
        self._zh = sorted(((z, a) for a in agencies for z in a.zh), key=lambda p: -len(p[0]))

    @staticmethod
    def _compile(spellings: list[str], flags: int) -> re.Pattern | None:
        if not spellings:
            return None
        bodies = []
        for spelling in sorted(set(spellings), key=len, reverse=True):
            words = [re.escape(w) for w in spelling.replace("’", "'").split()]
            bodies.append(r"\s+(?:the\s+)?".join(words))  # "the" may stand between words
        return re.compile(rf"(?<![\w-])(?:{'|'.join(bodies)})s?(?![\w-])", flags)

    def find(self, text: str, informal: bool = False) -> list[Mention]:
        """Agencies named in ``text``, in order of appearance, without overlaps.

        ``informal`` also matches short forms people type ("EEB", "ecology bureau") and Chinese
        names; ingest uses the formal spellings only.
        """
        patterns = [self._formal] + (self._informal if informal else [])
        taken: list[tuple[int, int]] = []
        found: list[Mention] = []
        for pattern in patterns:
            if pattern is None:
                continue
            for m in pattern.finditer(text):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                agency = self._lookup.get(_key(m.group(0)))
                if agency is None or (pattern is not self._formal and _key(m.group(0)) in self._shared_short):
                    continue
                if (
                    (pattern is not self._formal or " " not in m.group(0).strip())
                    and m.group(0)[:1].isupper()
                    and _ends_other_name(text[: m.start()], agency)
                ):
                    # "the HHS AI Task Force" is another body than the one "the Task Force" stands for, and "the White
                    # House AI Council" another than the one a document calls "the Council"
                    continue
                if pattern is not self._formal and " " not in m.group(0).strip() and _OF_NAME.match(text, m.end()):
                    continue  # "the Secretary of the Interior" is not the one "the Secretary" stands for
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

    def spelled(self, spelling: str) -> Agency | None:
        """The agency ``spelling`` is one of the spellings of, whole (a short form inside a longer name,
        "treasury" in "Secretary of the Treasury", is not that name)."""
        key = _key(spelling)
        for m in self.find(spelling, informal=True):
            if m.start == 0 and m.end == len(spelling) or _key(spelling[m.start : m.end]) == key:
                return m.agency
        return self._lookup.get(key)

    def all_spellings(self, name: str) -> list[str]:
        """Every English spelling of a canonical agency (for grounding checks)."""
        a = self.by_name[name]
        return [a.name, *a.variants]


def load_agencies(path: Path) -> AgencyRegistry:
    """Read an agency list (YAML with a top-level ``agencies`` list)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rows = [Agency(**row) for row in data.get("agencies", [])]
    return AgencyRegistry(rows)


def with_actors(base: AgencyRegistry, actors: list[dict]) -> AgencyRegistry:
    """``base`` plus the actors documents name (``{"name", "short", "kind"}`` rows read at ingest);
    an actor ``base`` already resolves keeps ``base``'s row."""
    rows = list(base.agencies)
    seen = {a.name for a in rows}
    for actor in actors:
        name = actor["name"]
        # collectives ("agencies", "head of each agency") are roles, not names a question picks out
        if not name[:1].isupper() or name in seen or base.spelled(name) is not None:
            continue
        seen.add(name)
        rows.append(Agency(name, short=[s for s in actor.get("short", []) if s != name], read=True))
    return AgencyRegistry(rows) if len(rows) > len(base.agencies) else base


@lru_cache(maxsize=4)
def registry_for(corpus_dir: Path) -> AgencyRegistry:
    """The agency registry of a corpus folder, read once."""
    return load_agencies(corpus_dir / "agencies.yaml")
