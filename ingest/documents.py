"""From a file to parsed clauses: read, strip page chrome, split, parse agencies and targets."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml
from policyqa.engine.agencies import AgencyRegistry
from policyqa.engine.clauses import Clause, Deadline, split_trailing_parenthesis
from policyqa.errors import PolicyQAError
from policyqa.ingest.actors import read_actors, roles_by_provision
from policyqa.ingest.applicability import read_applicability
from policyqa.ingest.deadlines import extract_deadlines
from policyqa.ingest.loaders import read_text
from policyqa.ingest.responsibility import parse_responsibility
from policyqa.ingest.splitting import split_generic, split_plan, strip_page_chrome
from policyqa.ingest.structure import Provision, split_provisions
from policyqa.ingest.targets import apply_readings, document_horizon, extract_targets

PARSER_VERSION = "8"


@dataclass
class SourceDocument:
    """A document to ingest: its id, title, text and how to split it."""

    doc_id: str
    title: str
    path: Path
    text: str
    parser: str = "auto"
    readings: list[dict] = field(default_factory=list)

    @property
    def content_hash(self) -> str:
        """Hash of everything that decides the document's clauses and chunks."""
        h = hashlib.sha256()
        for part in (PARSER_VERSION, self.parser, self.text, repr(self.readings)):
            h.update(part.encode("utf-8"))
        return h.hexdigest()[:16]


@dataclass
class ParsedDocument:
    """A document split into clauses, with the warnings parsing raised and the actors it names."""

    source: SourceDocument
    clauses: list[Clause]
    warnings: list[str]
    actors: list[dict] = field(default_factory=list)  # {"name", "short", "kind"[, "defined_as"]} from the document


def slug(name: str) -> str:
    """A doc id from a file name."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "document"


def corpus_documents(corpus_dir: Path) -> list[SourceDocument]:
    """The documents listed in ``corpus/manifest.yaml``, page chrome already removed."""
    if not (corpus_dir / "manifest.yaml").is_file():
        raise PolicyQAError(
            f"The corpus dir {corpus_dir} has no manifest.yaml.",
            "set POLICYQA_CORPUS_DIR to a corpus dir (the project's corpus/ is the default), "
            "or ingest files by name: policyqa ingest FILE",
        )
    manifest = yaml.safe_load((corpus_dir / "manifest.yaml").read_text(encoding="utf-8"))
    readings_path = corpus_dir / "target_readings.yaml"
    readings = yaml.safe_load(readings_path.read_text(encoding="utf-8")) if readings_path.exists() else {}
    docs = []
    for row in manifest.get("documents", []):
        path = corpus_dir / row["file"]
        text = strip_page_chrome(read_text(path), row.get("end_marker"))
        docs.append(
            SourceDocument(
                row["doc_id"],
                " ".join(row.get("title", row["doc_id"]).split()),
                path,
                text,
                row.get("parser", "auto"),
                (readings or {}).get(row["doc_id"], []),
            )
        )
    return docs


TITLE_LINES = 20  # the lines a document's title is looked for in
# A line about the copy rather than the document: a note, a source or a link, a date alone.
_NOTE_LINE = re.compile(
    r"^(?:\[?(?:note|notes|source|sources|retrieved|downloaded|accessed|copied|disclaimer|url|link|see|from)\b[^\n]*"
    r"|this (?:copy|version|file|text|document is)\b.*|(?:https?://|www\.)\S+.*|[\d./\-\s]{6,}"
    r"|\d{1,2} \w+ \d{4}|\w+ \d{1,2}, \d{4})$",
    re.IGNORECASE,
)


def file_document(path: Path) -> SourceDocument:
    """A document given on the command line (doc id from its file name)."""
    text = read_text(path)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # a Markdown title ("# Climate Change Authority Act 2011") under a note or a date line is the title
    h1 = next((line for line in lines[:TITLE_LINES] if re.match(r"#\s+\S", line)), None)
    # ... else the first line that is not a note about the copy ("Note: ...", "Source: https://...", a date)
    first = next((line for line in lines[:TITLE_LINES] if not _NOTE_LINE.match(line)), lines[0] if lines else "")
    title = (h1 or first or path.stem).lstrip("# ")
    return SourceDocument(slug(path.stem), title[:200], path, text)


def _provisions(source: SourceDocument) -> list[Provision]:
    """The document's provisions: under its printed numbering when that is consistent, else by
    position (a translated plan's clauses closing with a responsibility parenthesis, or paragraphs
    under headings)."""
    if source.parser in {"auto", "structure"}:
        printed = split_provisions(source.text)
        if printed:
            return printed
    raw = split_plan(source.text) if source.parser in {"plan", "auto"} else []
    if source.parser == "auto" and sum(1 for r in raw if split_trailing_parenthesis(r.text)[1]) < 3:
        raw = []
    raw = raw or split_generic(source.text)
    out: list[Provision] = []
    seen: set[str] = set()
    for r in raw:
        cid = r.clause_id if r.clause_id not in seen else f"{r.clause_id}.{len(seen)}"  # keep ids unique
        seen.add(cid)
        out.append(Provision(cid, "", r.heading, r.text, None, ""))
    return out


def _acronym(name: str) -> str:
    """The initials of a name's capitalised words ("CEQ" for "Council on Environmental Quality")."""
    return "".join(w[0] for w in re.findall(r"[A-Za-z][\w'-]*", name) if w[0].isupper())


def _actor_rows(actors) -> list[dict]:
    """The actors as saved in the index; a body the document only spells out also gets the acronym
    people type for it ("CEQ"), when that acronym stands for no other actor of the document."""
    counts = Counter(_acronym(a.name) for a in actors.actors)
    rows = []
    for a in actors.actors:
        acronym = _acronym(a.name)
        typed = a.kind == "body" and len(acronym) >= 3 and acronym not in a.short and counts[acronym] == 1
        row = {"name": a.name, "short": [*a.short, *([acronym] if typed else [])], "kind": a.kind}
        if a.defined_as:  # a defined term standing for an office ("Minister means the Minister of the Environment or")
            row["defined_as"] = a.defined_as
        rows.append(row)
    return rows


# "subsection (1)", "paragraph (2)(b)", "subsections (1) and (3)": a provision of the same section, cited by its
# number under the section
_SIBLING = re.compile(
    r"\b(?:sub)?(?:section|paragraph)s?\s+((?:\(\w{1,4}\))+)(?:\s*(?:,|and|or)\s*((?:\(\w{1,4}\))+))?"
)


def read_references(clauses: list[Clause]) -> None:
    """Set :attr:`Clause.cites` of each provision citing another of its own section by its number under the section
    ("The period specified in each notice under subsection (1) must end not less than 2 months after ..." cites
    18(1), whose words say what the period is for). A provision's own lead-in and items are read with it already:
    they are not counted as cited."""
    by_id = {c.clause_id: c for c in clauses}
    for c in clauses:
        if "(" not in c.text:
            continue
        # the provisions it sits in, nearest first: "18(3)" → "18"; "45(2)(b)" → "45(2)", "45"
        ancestors = [c.clause_id[:i] for i in range(len(c.clause_id) - 1, 0, -1) if c.clause_id[i - 1] == ")"]
        ancestors.append(c.clause_id.split("(", 1)[0])
        for m in _SIBLING.finditer(c.text):
            for suffix in filter(None, m.groups()):
                for up in ancestors:
                    target = by_id.get(f"{up}{suffix}")
                    if target is None or target is c or c.clause_id.startswith(f"{target.clause_id}("):
                        continue
                    if target.clause_id not in c.cites:
                        c.cites.append(target.clause_id)
                    break


def parse_document(source: SourceDocument, registry: AgencyRegistry) -> ParsedDocument:
    """Split a document into clauses and parse each clause's agencies and targets."""
    warnings: list[str] = []
    clauses: list[Clause] = []
    horizon = document_horizon(source.text)  # the year a plan-period phrase without a year means
    actors = read_actors(source.text)  # who the document names, with the abbreviations it defines
    provisions = _provisions(source)
    # duties written inside the sentences ("The Secretary of Energy shall ..."); an item inherits its list's actor
    in_sentence = roles_by_provision(provisions, actors)
    for r in provisions:
        clause = Clause(source.doc_id, r.clause_id, r.heading, r.text, label=r.label, context=r.lead_in)
        _, note = split_trailing_parenthesis(r.text)
        if note:
            resp = parse_responsibility(note, registry)
            clause.lead, clause.responsible, clause.scope = resp.lead, resp.responsible, resp.scope
            clause.responsibility_text = note
            for name in resp.unknown:
                warnings.append(f"{source.doc_id} {r.clause_id}: agency not in corpus/agencies.yaml: {name!r}")
        else:
            roles = in_sentence[r.clause_id]
            clause.lead = roles.lead
            clause.responsible = [a for a in roles.responsible + roles.may if a not in roles.lead]
            clause.consulted = [a for a in roles.consulted if a not in roles.lead + clause.responsible]
        clause.targets = apply_readings(extract_targets(r.clause_id, r.text, default_year=horizon), source.readings)
        # an item's deadline is often in the lead-in it completes ("Within 120 days ..., the Secretary shall: (i) ...")
        own = extract_deadlines(r.text)
        clause.deadlines = [Deadline(**asdict(d)) for d in own or extract_deadlines(r.lead_in)]
        clause.applies = read_applicability(clause)  # whom each sentence addresses, and how strongly
        clauses.append(clause)
    read_references(clauses)
    if not clauses:
        warnings.append(f"{source.doc_id}: no clauses found")
    return ParsedDocument(source, clauses, warnings, _actor_rows(actors))
