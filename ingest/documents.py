"""From a file to parsed clauses: read, strip page chrome, split, parse agencies and targets."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from policyqa.engine.agencies import AgencyRegistry
from policyqa.engine.clauses import Clause, split_trailing_parenthesis
from policyqa.ingest.loaders import read_text
from policyqa.ingest.responsibility import parse_responsibility
from policyqa.ingest.splitting import split_generic, split_plan, strip_page_chrome
from policyqa.ingest.targets import apply_readings, extract_targets

PARSER_VERSION = "1"


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
    """A document split into clauses, with the warnings parsing raised."""

    source: SourceDocument
    clauses: list[Clause]
    warnings: list[str]


def slug(name: str) -> str:
    """A doc id from a file name."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "document"


def corpus_documents(corpus_dir: Path) -> list[SourceDocument]:
    """The documents listed in ``corpus/manifest.yaml``, page chrome already removed."""
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


def file_document(path: Path) -> SourceDocument:
    """A document given on the command line (doc id from its file name)."""
    text = read_text(path)
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), path.stem)
    return SourceDocument(slug(path.stem), first_line.lstrip("# ")[:200], path, text)


def parse_document(source: SourceDocument, registry: AgencyRegistry) -> ParsedDocument:
    """Split a document into clauses and parse each clause's agencies and targets."""
    parser = source.parser
    raw = split_plan(source.text) if parser in {"plan", "auto"} else []
    if parser == "auto":
        noted = sum(1 for r in raw if split_trailing_parenthesis(r.text)[1])
        if noted < 3:
            raw = []
    if not raw:
        raw = split_generic(source.text)
    warnings: list[str] = []
    clauses: list[Clause] = []
    seen: set[str] = set()
    for r in raw:
        if r.clause_id in seen:  # a generic split can repeat a path; keep ids unique
            r.clause_id = f"{r.clause_id}.{len(seen)}"
        seen.add(r.clause_id)
        clause = Clause(source.doc_id, r.clause_id, r.heading, r.text)
        _, note = split_trailing_parenthesis(r.text)
        if note:
            resp = parse_responsibility(note, registry)
            clause.lead, clause.responsible, clause.scope = resp.lead, resp.responsible, resp.scope
            clause.responsibility_text = note
            for name in resp.unknown:
                warnings.append(f"{source.doc_id} {r.clause_id}: agency not in corpus/agencies.yaml: {name!r}")
        clause.targets = apply_readings(extract_targets(r.clause_id, r.text), source.readings)
        clauses.append(clause)
    if not clauses:
        warnings.append(f"{source.doc_id}: no clauses found")
    return ParsedDocument(source, clauses, warnings)
