"""Places a figure may be asked for that the plan sets none for: Chongqing's districts and counties
(the plan's figures are the city's; each district sets its own) and other cities."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Place:
    """A district, county or other city: English and Chinese name (without 区/县/市)."""

    en: str
    zh: str
    district: bool = True  # a district or county of Chongqing (else another city)


class Places:
    """Finds the places a question names."""

    def __init__(self, places: list[Place]) -> None:
        self.places = places
        # "Nan'an" is also typed "Nanan"; "Chengdu-Chongqing" names the region, not the city.
        self._en = {
            p: re.compile(rf"\b{re.escape(p.en).replace(chr(39), chr(39) + '?')}\b(?!-Chongqing)", re.IGNORECASE)
            for p in places
        }
        # A district's Chinese name counts with its 区/县 (or the ethnic autonomous county's name)
        # after it: "长寿" alone is also an everyday word.
        self._zh = {
            p: re.compile(re.escape(p.zh) + ("(?:区|县|土家族|苗族)" if p.district else "(?!-?重庆)")) for p in places
        }

    def named_in(self, text: str) -> list[Place]:
        """The places named in ``text``."""
        return [p for p in self.places if self._en[p].search(text) or self._zh[p].search(text)]


def load_places(path: Path) -> Places:
    """Read ``corpus/places.yaml`` (no file: no places)."""
    if not path.exists():
        return Places([])
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return Places(
        [Place(r["en"], r["zh"]) for r in data.get("places", [])]
        + [Place(r["en"], r["zh"], district=False) for r in data.get("others", [])]
    )


@lru_cache(maxsize=4)
def places_for(corpus_dir: Path) -> Places:
    """The places list of a corpus folder, read once."""
    return load_places(corpus_dir / "places.yaml")
