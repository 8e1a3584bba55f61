"""Build the index: parse documents, embed changed ones, write a new generation, switch."""

from __future__ import annotations

import copy
import hashlib
import inspect
import logging
import re
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import numpy as np
import orjson
from filelock import FileLock, Timeout
from policyqa.engine.agencies import registry_for
from policyqa.engine.clauses import Clause, load_clauses, save_clauses
from policyqa.engine.embeddings import count_tokens, export_onnx, get_embeddings, max_tokens, onnx_path
from policyqa.engine.index import bm25_dir_name, build_bm25, load_target_vectors, save_words, target_texts
from policyqa.engine.rules import document_facts
from policyqa.engine.store import IndexState, chroma_client, load_chunks, read_state, write_state
from policyqa.engine.text import surface_words
from policyqa.errors import PolicyQAError
from policyqa.ingest.chunking import clause_documents
from policyqa.ingest.documents import ParsedDocument, SourceDocument, corpus_documents, file_document, parse_document
from policyqa.ingest.provenance import read_provenance
from policyqa.settings import Settings
from tqdm import tqdm

log = logging.getLogger(__name__)
Progress = Callable[[float, str], None]  # fraction done (0 to 1), what is being done


@dataclass
class IngestReport:
    """What an ingest did."""

    documents: int = 0
    clauses: int = 0
    chunks: int = 0
    embedded: int = 0
    skipped_documents: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    encode_seconds: float = 0.0
    generation: int = 0
    unchanged: bool = False
    summaries: list[dict] = field(default_factory=list)  # per document read: what was found in it
    removed: list[str] = field(default_factory=list)  # doc ids taken out of the index

    def to_dict(self) -> dict:
        return dict(self.__dict__)


# A search as wide as a plan's whole collection (and one insertion thread, where Chroma honours it):
# Chroma rebuilds a collection's graph in each process that opens it, and with its defaults the
# nearest chunks of a question differed from one process to the next (measured on 900 vectors:
# 3 processes, 3 different answers; with ef_search 200 still 2 under load; with 1000, one).
# tests/test_ingest.py holds both.
HNSW_CONFIGURATION = {"hnsw": {"space": "cosine", "num_threads": 1, "ef_construction": 200, "ef_search": 1000}}


def ingest(
    settings: Settings,
    paths: list[Path] | None = None,
    rebuild: bool = False,
    progress: bool = True,
    sources: list[SourceDocument] | None = None,
    on_progress: Progress | None = None,
) -> IngestReport:
    """Ingest the corpus (or ``paths``/``sources``) into a new index generation.

    Documents whose content hash is unchanged are not re-embedded (their vectors are copied);
    documents already indexed and not named keep their place. Only one ingest runs at a time.
    ``on_progress(fraction, what)`` is told how far it is (the web app's progress bar).
    """
    started = time.perf_counter()
    with ingest_lock(settings):
        if sources is None:
            sources = [file_document(p) for p in paths] if paths else _indexed_documents(settings, rebuild)
        report = _build(settings, sources, rebuild, progress, on_progress=on_progress)
    report.seconds = round(time.perf_counter() - started, 2)
    return report


def remove(settings: Settings, doc_id: str, progress: bool = True) -> IngestReport:
    """A new index generation without document ``doc_id`` (the others' vectors are copied, nothing is
    embedded), switched atomically under the ingest lock like an ingest. An unknown doc id, or the last
    document indexed, is a :class:`PolicyQAError` and the index stays as it was."""
    started = time.perf_counter()
    with ingest_lock(settings):
        state = read_state(settings.data_dir)
        if state is None or not state.docs:
            raise PolicyQAError("Nothing is indexed yet.", "run: policyqa ingest (the corpus) or policyqa ingest FILE")
        if doc_id not in state.docs:
            raise PolicyQAError(
                f"No document {doc_id!r} in the index.",
                f"use one of: {', '.join(state.docs)} (policyqa docs lists them).",
            )
        if len(state.docs) == 1:
            raise PolicyQAError(
                f"{doc_id!r} is the only document indexed: without it nothing would be left to answer from.",
                "add another document first (policyqa ingest FILE), then remove this one.",
            )
        report = _build(settings, [], False, progress, drop={doc_id})
    report.removed = [doc_id]
    report.seconds = round(time.perf_counter() - started, 2)
    return report


@contextmanager
def ingest_lock(settings: Settings) -> Iterator[None]:
    """Hold the data dir's ingest lock for the block; a clear error if another ingest holds it."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(settings.data_dir / "ingest.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout as exc:
        raise PolicyQAError(
            "Another ingest is running on this data dir.", "wait for it to finish, then try again."
        ) from exc
    try:
        yield
    finally:
        lock.release()


def _indexed_documents(settings: Settings, rebuild: bool) -> list[SourceDocument]:
    """The corpus, and on a rebuild every document added since (read again from where it was added
    from): rebuilding never drops a plan a user added."""
    sources = corpus_documents(settings.corpus_dir)
    try:
        state = read_state(settings.data_dir) if rebuild else None
    except PolicyQAError as exc:  # a damaged state file is what --rebuild repairs: the corpus is rebuilt
        log.warning("%s Rebuilding the corpus; documents added earlier must be added again.", exc.problem)
        state = None
    if state is None:
        return sources
    known = {s.doc_id for s in sources}
    for doc_id, info in state.docs.items():
        if doc_id in known:
            continue
        path = Path(info.get("path", ""))
        if not path.is_file():
            raise PolicyQAError(
                f"Document {doc_id!r} was added from {path}, which is no longer there.",
                "put the file back, or rebuild with the files to keep: policyqa ingest --rebuild FILE ... "
                "(the index in force keeps answering until then).",
            )
        source = file_document(path)
        source.doc_id = doc_id
        sources.append(source)
    return sources


@cache
def reader_version() -> str:
    """A fingerprint of the code that reads a document into provisions (the ``ingest`` package and the
    clause model): an index read by other code is read again, so an upgrade reaches documents
    whose files did not change."""
    here = Path(__file__).resolve().parent
    files = sorted(here.glob("*.py")) + sorted(here.glob("*.yaml")) + [Path(inspect.getfile(Clause))]
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.name.encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()[:16]


def _up_to_date(info: dict, source: SourceDocument) -> bool:
    """Whether an indexed document's entry holds this file's text as this code reads it."""
    return info.get("hash") == source.content_hash and info.get("reader") == reader_version()


def _build(
    settings: Settings,
    sources: list[SourceDocument],
    rebuild: bool,
    progress: bool,
    drop: set[str] | frozenset[str] = frozenset(),
    on_progress: Progress | None = None,
) -> IngestReport:
    """Write the next generation: ``sources`` parsed and embedded where changed, every other indexed
    document kept as it is, except those in ``drop``."""
    tell = on_progress or (lambda fraction, what: None)
    tell(0.02, "Reading the document" if sources else "Removing the document")
    registry = registry_for(settings.corpus_dir)
    parsed = [parse_document(s, registry) for s in sources]
    report = IngestReport(documents=len(parsed))
    for p in parsed:
        report.summaries.append(summarise(p))
        report.warnings.extend(p.warnings)

    old = None if rebuild else read_state(settings.data_dir)
    old_clauses: list[Clause] = []
    old_chunks: list[dict] = []
    if old is not None:
        try:
            old_clauses = load_clauses(settings.data_dir / old.clauses_file)
            old_chunks = load_chunks(settings.data_dir / old.chunks_file)
        except OSError:
            old = None  # a damaged index: rebuild everything
    if old is not None and old.model != settings.embedding_model:
        old = None  # vectors from another model cannot be reused
    named = {p.source.doc_id for p in parsed}
    # who issued each document read, and when, where it says so (per document: no clause changes)
    provenance = {p.source.doc_id: read_provenance(p.source.text).to_dict() for p in parsed}

    if (
        old is not None
        and not drop
        and all(_up_to_date(old.docs.get(p.source.doc_id, {}), p.source) for p in parsed)
        # an index written before issuer and date were read gets them without re-embedding anything
        and all(old.docs[p.source.doc_id].get("provenance") == provenance[p.source.doc_id] for p in parsed)
    ):
        report.unchanged = True
        report.skipped_documents = sorted(named)
        report.clauses = len(old_clauses)
        report.chunks = len(old_chunks)
        report.generation = old.generation
        return report

    tell(0.1, "Loading the model" if parsed else "Copying the other documents")
    # The model is loaded only to embed something (removing a document embeds nothing).
    embeddings = get_embeddings(settings.embedding_model, settings.embedding_batch_size) if parsed else None
    client = chroma_client(settings)
    generation = (old.generation if old else _max_generation(client)) + 1
    new = IndexState(generation=generation, collection=f"policyqa_g{generation}", model=settings.embedding_model)
    # Leftovers of an ingest that was killed before it switched: not live, safe to drop.
    _drop_collection(client, new.collection)
    collection = client.create_collection(new.collection, configuration=copy.deepcopy(HNSW_CONFIGURATION))
    batch_limit = client.get_max_batch_size()

    # Documents kept as they are: the ones not named, and the named ones that did not change.
    keep = set()
    if old is not None:
        for doc_id, info in old.docs.items():
            changed = doc_id in named and not _up_to_date(
                info, next(p for p in parsed if p.source.doc_id == doc_id).source
            )
            if not changed and doc_id not in drop:
                keep.add(doc_id)
                new.docs[doc_id] = {**info, "provenance": provenance[doc_id]} if doc_id in provenance else info
    all_clauses = [c for c in old_clauses if c.doc_id in keep]
    all_chunks = [c for c in old_chunks if c["doc_id"] in keep]
    if keep:
        _copy_vectors(client.get_collection(old.collection), collection, keep, batch_limit)
        report.skipped_documents = sorted(keep & named)

    to_embed: list = []
    counter = TokenCounter(embeddings) if embeddings is not None else None
    window = max_tokens(embeddings) if embeddings is not None else 0
    added = datetime.now(UTC).isoformat(timespec="seconds")
    for p in parsed:
        if p.source.doc_id in keep:
            continue
        docs = [d for c in p.clauses for d in clause_documents(c, counter, window)]
        to_embed.extend(docs)
        all_clauses.extend(p.clauses)
        all_chunks.extend(
            {
                "id": d.id,
                "doc_id": d.metadata["doc_id"],
                "clause_id": d.metadata["clause_id"],
                "chunk": d.metadata["chunk"],
                "text": d.page_content,
            }
            for d in docs
        )
        new.docs[p.source.doc_id] = {
            "hash": p.source.content_hash,
            "reader": reader_version(),  # the code that read it: other code reads it again
            "title": p.source.title,
            "path": str(p.source.path),
            "clauses": len(p.clauses),
            "chunks": len(docs),
            "facts": document_facts(p.clauses).to_dict(),
            "actors": p.actors,
            "provenance": provenance[p.source.doc_id],  # issuer and date, "" where the document does not state them
            "added": added,  # when this version was indexed
        }
    tell(0.15, f"Embedding {len(to_embed)} chunks")
    report.encode_seconds = _embed_and_write(
        embeddings, collection, to_embed, settings.embedding_batch_size, batch_limit, progress, tell
    )
    report.embedded = len(to_embed)
    tell(0.9, "Writing the index")

    save_clauses(all_clauses, settings.data_dir / new.clauses_file)
    _save_target_vectors(
        embeddings or settings.embedding_model,
        all_clauses,
        settings.data_dir,
        old,
        old_clauses,
        new,
        settings.embedding_batch_size,
    )
    with (settings.data_dir / new.chunks_file).open("wb") as f:
        for row in all_chunks:
            f.write(orjson.dumps(row) + b"\n")
    save_words(surface_words([row["text"] for row in all_chunks]), settings.data_dir / new.words_file)
    bm25_dir = settings.data_dir / bm25_dir_name(generation)
    shutil.rmtree(bm25_dir, ignore_errors=True)  # a killed ingest's leftovers
    build_bm25(all_chunks).save(bm25_dir, show_progress=False)  # loaded at open instead of rebuilt
    write_state(settings.data_dir, new)  # the switch: from here on, the new generation answers

    _cleanup(settings.data_dir, client, new)
    if settings.query_encoder == "onnx" and embeddings is not None:  # while the model is loaded: the answering
        # process then needs no torch
        try:
            export_onnx(
                settings.embedding_model, onnx_path(settings.embedding_model, settings.data_dir), embeddings._client
            )
        except Exception as exc:  # the answering process falls back to torch and says so
            log.warning("Could not export the ONNX query encoder (%s); questions will use torch.", exc)
    report.clauses = len(all_clauses)
    report.chunks = len(all_chunks)
    report.generation = generation
    tell(1.0, "Done")
    return report


_ODD_SPACE = re.compile(r"[^\S \n\t\r]")  # whitespace the tokenizer may treat otherwise than str.split


class TokenCounter:
    """``count_tokens(embeddings, text)``, exactly, without tokenizing the same word twice.

    A BERT tokenizer (per-character normaliser, split at whitespace and punctuation, WordPiece per
    word, [CLS] ... [SEP]) counts a text as its special tokens plus the word pieces of each
    whitespace-separated word, so each distinct word is tokenized once and a count is a sum. Any
    other tokenizer, or a text with unusual whitespace, is counted by the tokenizer itself.
    """

    def __init__(self, embeddings) -> None:
        self.embeddings = embeddings
        self.tokenizer = embeddings._client.tokenizer
        backend = getattr(self.tokenizer, "_tokenizer", None)
        kinds = [type(getattr(backend, part, None)).__name__ for part in ("normalizer", "pre_tokenizer", "model")]
        self.additive = kinds == ["BertNormalizer", "BertPreTokenizer", "WordPiece"]
        self.special = count_tokens(embeddings, "")
        self.pieces: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        if not self.additive or _ODD_SPACE.search(text):
            return count_tokens(self.embeddings, text)
        words = text.split()
        new = [w for w in dict.fromkeys(words) if w not in self.pieces]
        if new:
            ids = self.tokenizer(new, add_special_tokens=False)["input_ids"]
            self.pieces.update(zip(new, map(len, ids), strict=True))
        return self.special + sum(self.pieces[w] for w in words)


def _embed_and_write(
    embeddings, collection, docs, batch_size: int, batch_limit: int, progress: bool, tell: Progress | None = None
) -> float:
    """Embed in batches and write to Chroma in its largest batches; returns encode seconds.

    Each block is written by one writer thread while the next block is encoded (Chroma's
    bindings release the GIL), in the same order as a plain loop would write them. With ``tell``
    (a progress bar to move), blocks are a few batches long so that it moves smoothly.
    """
    encode_seconds = 0.0
    step = max(batch_size, min(batch_limit, 4096 if tell is None else 2 * batch_size))
    done = 0
    bar = tqdm(total=len(docs), desc="Embedding", unit="chunk", disable=not progress)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="chroma-writer") as writer:
        pending: Future | None = None
        for start in range(0, len(docs), step):
            block = docs[start : start + step]
            t0 = time.perf_counter()
            vectors = embeddings._client.encode(
                [d.page_content for d in block],
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            encode_seconds += time.perf_counter() - t0
            if pending is not None:
                bar.update(pending.result())
            pending = writer.submit(_write_block, collection, block, vectors)
            done += len(block)
            if tell is not None:
                tell(0.15 + 0.75 * done / len(docs), f"Embedding: {done} of {len(docs)} chunks")
        if pending is not None:
            bar.update(pending.result())
    bar.close()
    return encode_seconds


def _write_block(collection, block: list, vectors) -> int:
    # No documents: the chunk table holds the texts, and Chroma's full-text index of them cost a
    # third of its CPU at ingest (taken from the encoder on two cores) and doubled the disk.
    collection.add(ids=[d.id for d in block], embeddings=vectors, metadatas=[d.metadata for d in block])
    return len(block)


def _copy_vectors(source, target, doc_ids: set[str], batch_limit: int) -> None:
    for doc_id in sorted(doc_ids):
        offset = 0
        while True:
            got = source.get(
                where={"doc_id": doc_id},
                include=["embeddings", "metadatas"],
                limit=batch_limit,
                offset=offset,
            )
            if not got["ids"]:
                break
            target.add(ids=got["ids"], embeddings=got["embeddings"], metadatas=got["metadatas"])
            offset += len(got["ids"])


def _max_generation(client) -> int:
    gens = [
        int(c.name.split("_g")[-1])
        for c in client.list_collections()
        if c.name.startswith("policyqa_g") and c.name.split("_g")[-1].isdigit()
    ]
    return max(gens, default=0)


def _drop_collection(client, name: str) -> None:
    try:
        client.delete_collection(name)
    except Exception:
        pass  # did not exist


def _cleanup(data_dir: Path, client, live: IndexState) -> None:
    """Remove collections and tables of generations that are no longer live."""
    for c in client.list_collections():
        if c.name.startswith("policyqa_g") and c.name != live.collection:
            _drop_collection(client, c.name)
    live_files = {live.clauses_file, live.chunks_file, live.target_vectors_file, live.words_file}
    for pattern in ("clauses_g*.jsonl", "chunks_g*.jsonl", "targets_g*.npy", "words_g*.txt"):
        for path in data_dir.glob(pattern):
            if path.name not in live_files:
                path.unlink(missing_ok=True)
    for path in data_dir.glob("bm25_g*"):
        if path.name != bm25_dir_name(live.generation):
            shutil.rmtree(path, ignore_errors=True)


def _save_target_vectors(
    embeddings,
    clauses: list[Clause],
    data_dir: Path,
    old: IndexState | None,
    old_clauses: list[Clause],
    new: IndexState,
    batch_size: int,
) -> None:
    """Embed every target's measure text once, at ingest, so that no question waits for it.

    Texts the previous generation had are copied from its file, not embedded again. ``embeddings`` is
    the loaded model, or its path when it was not loaded (it is then loaded only if a text is new).
    """
    texts = target_texts(clauses)
    known = load_target_vectors(data_dir / old.target_vectors_file, target_texts(old_clauses)) if old else {}
    missing = [t for t in texts if t not in known]
    if missing:
        if isinstance(embeddings, str):  # not loaded (a removal): load it now, as something is missing
            embeddings = get_embeddings(embeddings, batch_size)
        vectors = embeddings._client.encode(
            missing, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        known.update(zip(missing, vectors, strict=True))
    # a set of documents with no targets has an empty matrix (reshape cannot infer a width from nothing)
    matrix = (
        np.array([known[t] for t in texts], dtype=np.float32).reshape(len(texts), -1)
        if texts
        else np.zeros((0, 0), dtype=np.float32)
    )
    np.save(data_dir / new.target_vectors_file, matrix, allow_pickle=False)


def summarise(p: ParsedDocument) -> dict:
    """What was read from one document; the warnings name what is missing (it still ingests)."""
    row = {
        "doc_id": p.source.doc_id,
        "title": p.source.title,
        "provisions": len(p.clauses),
        "numbering": "printed" if any(c.label for c in p.clauses) else "positional",
        "actors": len(p.actors) or len({a for c in p.clauses for a in c.agencies}),
        "targets": sum(len(c.targets) for c in p.clauses),
        "deadlines": sum(len(c.deadlines) for c in p.clauses),
    }
    for what, label in (("actors", "no one named to act (no actors found)"), ("targets", "no targets found")):
        if not row[what]:
            p.warnings.append(f"{p.source.doc_id}: {label}; it still answers what its text says")
    return row


def describe(parsed: list[ParsedDocument]) -> str:
    """A one-line summary of parsed documents (for logs)."""
    return ", ".join(f"{p.source.doc_id}: {len(p.clauses)} clauses" for p in parsed)
