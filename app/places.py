"""Chongqing's districts and counties, for telling a city-wide figure from one asked of a district."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Place:
    """A district or county: English and Chinese name (without 区/县)."""

    en: str
    zh: str


class Places:
    """Finds the districts and counties a question names."""

    def __init__(self, places: list[Place]) -> None:
        self.places = places
        self._en = {
            p: re.compile(rf"\b{re.escape(p.en).replace(chr(39), chr(39) + '?')}\b", re.IGNORECASE) for p in places
        }
        # A Chinese name counts with its 区/县 (or the ethnic autonomous county's name) after it:
        # "长寿" alone is also an everyday word.
        self._zh = {p: re.compile(rf"{re.escape(p.zh)}(?:区|县|土家族|苗族)") for p in places}

    def named_in(self, text: str) -> list[str]:
        """English names of the districts and counties named in ``text``."""
        return [p.en for p in self.places if self._en[p].search(text) or self._zh[p].search(text)]


def load_places(path: Path) -> Places:
    """Read ``corpus/places.yaml`` (no file: no places)."""
    if not path.exists():
        return Places([])
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return Places([Place(r["en"], r["zh"]) for r in data.get("places", [])])


@lru_cache(maxsize=4)
def places_for(corpus_dir: Path) -> Places:
    """The places list of a corpus folder, read once."""
    return load_places(corpus_dir / "places.yaml")
