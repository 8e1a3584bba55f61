"""Split a document's text into numbered clauses.

Two splitters, both positional (the printed numbering of translated plans is unreliable):

- ``split_plan``: Chinese government work plans as translated into English. Paragraphs are either
  headings (short, no responsibility note) or clause bodies. A heading followed directly by
  another heading opens a chapter; a heading followed by a body opens a section, except an
  ordinal chapter heading ("First, general requirements") whose body is the chapter's clause.
  Ids: ``0`` opening paragraph, ``C`` a chapter's single clause, ``C.S`` a section's single
  unnumbered clause, ``C.S.I`` the I-th numbered item of section S of chapter C.
- ``split_generic``: any other document, by numbered or Markdown headings; ids are the heading
  path plus the paragraph's position (``2.1.3``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policyqa.engine.clauses import split_trailing_parenthesis

_ORDINAL_CHAPTER = re.compile(
    r"^(First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth)\s*[,.、]", re.IGNORECASE
)
_ITEM_NUMBER = re.compile(r"^\(?\s*(\d+|[IVX]+)\s*[.)、]\s+")
_HEADING_LIKE = re.compile(
    r"^(#{1,6}\s+|\(?\s*(\d+|[IVXivx]+)\s*[.)、]\s+|Chapter\s+\w+|Section\s+\w+|Article\s+\w+|"
    r"第[一二三四五六七八九十百\d]+[章节条])"
)
_MAX_HEADING_CHARS = 160


@dataclass
class RawClause:
    """A clause as split from text, before agencies and targets are parsed."""

    clause_id: str
    heading: list[str]
    text: str


def normalise_space(text: str) -> str:
    """Collapse runs of whitespace to one space (the only change made to clause text)."""
    return re.sub(r"\s+", " ", text).strip()


def paragraphs(text: str) -> list[str]:
    """Non-empty paragraphs (blank-line separated), whitespace normalised."""
    return [normalise_space(p) for p in re.split(r"\n\s*\n", text) if p.strip()]


def strip_page_chrome(text: str, end_marker: str | None) -> str:
    """Cut everything from the first line equal to ``end_marker`` (publisher page chrome)."""
    if not end_marker:
        return text
    m = re.search(rf"^\s*{re.escape(end_marker)}\s*$", text, re.MULTILINE)
    return text[: m.start()] if m else text


def _is_body(par: str) -> bool:
    return len(par) > _MAX_HEADING_CHARS or bool(split_trailing_parenthesis(par)[1])


def split_plan(text: str) -> list[RawClause]:
    """Split a translated work plan into clauses with positional hierarchical ids."""
    pars = paragraphs(text)
    first_body = next((i for i, p in enumerate(pars) if _is_body(p)), None)
    if first_body is None:
        return []
    out = [RawClause("0", [], pars[first_body])]
    chapter = section = item = 0
    chapter_title = section_title = ""
    chapter_has_sections = False
    rest = pars[first_body + 1 :]
    for i, par in enumerate(rest):
        if not _is_body(par):
            nxt = rest[i + 1] if i + 1 < len(rest) else ""
            if _ORDINAL_CHAPTER.match(par) or (nxt and not _is_body(nxt)):
                chapter += 1
                section = item = 0
                chapter_title, section_title = par, ""
                chapter_has_sections = not _ORDINAL_CHAPTER.match(par) or bool(nxt and not _is_body(nxt))
            else:
                if chapter == 0:
                    chapter, chapter_title = 1, ""
                section += 1
                item = 0
                section_title = par
                chapter_has_sections = True
            continue
        heading = [h for h in (chapter_title, section_title) if h]
        if not chapter_has_sections or section == 0:
            out.append(RawClause(str(max(chapter, 1)) if item == 0 else f"{chapter}.{item + 1}", heading, par))
            item += 1
            continue
        if _ITEM_NUMBER.match(par) or item > 0:
            item += 1
            out.append(RawClause(f"{chapter}.{section}.{item}", heading, par))
        else:
            item += 1
            out.append(RawClause(f"{chapter}.{section}", heading, par))
    return out


def _heading_level(par: str) -> int | None:
    md = re.match(r"^(#{1,6})\s+", par)
    if md:
        return len(md.group(1))
    if len(par) > _MAX_HEADING_CHARS or par.endswith((".", "。")) and len(par) > 80:
        return None
    if re.match(r"^(Chapter|第[一二三四五六七八九十百\d]+章)", par):
        return 1
    if re.match(r"^(Section|第[一二三四五六七八九十百\d]+节)", par):
        return 2
    if re.match(r"^\d+\.\d+\.?\s", par):
        return 2
    if _HEADING_LIKE.match(par) and len(par) < 100:
        return 1 if re.match(r"^\d+\.\s", par) else 2
    return None


def split_generic(text: str) -> list[RawClause]:
    """Split any document into clauses under its numbered or Markdown headings.

    A heading with nothing under it (the next heading is not below it, or the document ends) is a
    clause of its own: a short numbered paragraph read as a heading ("1. Fleets The Bureau shall act.")
    is never dropped."""
    out: list[RawClause] = []
    titles: list[str] = []
    counters: list[int] = [0]
    item = 0
    empty: list[tuple[int, RawClause]] = []  # headings nothing was found under yet, with their level

    def close(level: int) -> None:
        closed = []
        while empty and empty[-1][0] >= level:
            closed.append(empty.pop()[1])
        out.extend(reversed(closed))  # in document order

    for par in paragraphs(text):
        level = _heading_level(par)
        if level is not None:
            level = min(level, len(titles) + 1)
            close(level)
            titles = titles[: level - 1] + [par.lstrip("# ").strip()]
            while len(counters) < level:
                counters.append(0)
            counters[level - 1] += 1
            counters = counters[:level]
            item = 0
            path = ".".join(str(c) for c in counters if c)
            empty.append((level, RawClause(path, titles[:-1], titles[-1])))
            continue
        empty.clear()
        item += 1
        path = ".".join(str(c) for c in counters if c) or "0"
        out.append(RawClause(f"{path}.{item}" if path != "0" else str(item), list(titles), par))
    close(1)
    return out
