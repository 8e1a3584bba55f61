"""Places a figure may be asked for that a document sets none for (an optional corpus file,
``corpus/places.yaml``): the districts of the jurisdiction a plan covers, whose own figures are set
by each of them, and other cities."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Place:
    """A district, county or other city: English and Chinese name (without 区/县/市)."""

    en: str
    zh: str
    district: bool = True  # a district or county of the jurisdiction (else another city)


@dataclass
class Places:
    """Finds the places a question names, for the one document the file refines."""

    places: list[Place]
    doc_id: str = ""
    jurisdiction: dict = field(default_factory=dict)  # {"en": ..., "zh": ...}
    district_note: str = ""

    def __post_init__(self) -> None:
        en = re.escape(self.jurisdiction.get("en", "")) or "(?!)"
        zh = re.escape(self.jurisdiction.get("zh", "")) or "(?!)"
        # "Nan'an" is also typed "Nanan"; "Chengdu-<jurisdiction>" names a region, not the city.
        self._en = {
            p: re.compile(rf"\b{re.escape(p.en).replace(chr(39), chr(39) + '?')}\b(?!-{en})", re.IGNORECASE)
            for p in self.places
        }
        # A district's Chinese name counts with its 区/县 (or the ethnic autonomous county's name)
        # after it: "长寿" alone is also an everyday word.
        self._zh = {
            p: re.compile(re.escape(p.zh) + ("(?:区|县|土家族|苗族)" if p.district else f"(?!-?{zh})"))
            for p in self.places
        }

    def named_in(self, text: str) -> list[Place]:
        """The places named in ``text``."""
        return [p for p in self.places if self._en[p].search(text) or self._zh[p].search(text)]

    def why_not(self, place: Place) -> str:
        """Why a figure for ``place`` is not the document's."""
        if place.district and self.district_note:
            return self.district_note
        return f"its figures are {self.jurisdiction.get('en', 'its own jurisdiction')}'s."


def load_places(path: Path) -> Places:
    """Read ``corpus/places.yaml`` (no file: no places)."""
    if not path.exists():
        return Places([])
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return Places(
        [Place(r["en"], r["zh"]) for r in data.get("places", [])]
        + [Place(r["en"], r["zh"], district=False) for r in data.get("others", [])],
        data.get("doc_id", ""),
        data.get("jurisdiction", {}),
        data.get("district_note", ""),
    )


@lru_cache(maxsize=4)
def places_for(corpus_dir: Path) -> Places:
    """The places list of a corpus folder, read once."""
    return load_places(corpus_dir / "places.yaml")
