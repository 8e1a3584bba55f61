"""The live index in memory: clauses, chunk texts with their BM25 model, and the Chroma store."""

from __future__ import annotations

import logging
import math
import threading
from pathlib import Path

import bm25s
import numpy as np
from policyqa.engine.clauses import Clause, target_text
from policyqa.engine.embeddings import query_embeddings
from policyqa.engine.rules import FACT_FIELDS, DocumentFacts, document_facts
from policyqa.engine.store import STATE_FILE, chroma_client, load_chunks, load_live_clauses
from policyqa.engine.text import content_stems, surface_words
from policyqa.errors import PolicyQAError
from policyqa.settings import Settings


def clause_key(doc_id: str, clause_id: str) -> str:
    """The key a clause is known by across documents."""
    return f"{doc_id}:{clause_id}"


class _IdfTable(dict):
    """Inverse document frequency of a stem, read off the BM25 index on first use."""

    def __init__(self, bm25: bm25s.BM25) -> None:
        super().__init__()
        self._bm25 = bm25
        self._n = int(bm25.scores.get("num_docs", 1))

    def __missing__(self, stem: str) -> float:
        tid = self._bm25.vocab_dict.get(stem)
        indptr = self._bm25.scores["indptr"]
        df = int(indptr[tid + 1] - indptr[tid]) if tid is not None and tid + 1 < len(indptr) else 0
        value = math.log((self._n + 1) / (df + 0.5))
        self[stem] = value
        return value

    def get(self, stem: str, default: float = 1.0) -> float:  # type: ignore[override]
        return self[stem]


def bm25_dir_name(generation: int) -> str:
    """Folder (in the data dir) of generation ``generation``'s saved BM25 model."""
    return f"bm25_g{generation}"


def build_bm25(chunks: list[dict]) -> bm25s.BM25:
    """The BM25 model over the chunk texts' content stems (an empty chunk counts as ``_``)."""
    bm25 = bm25s.BM25()
    bm25.index([content_stems(c["text"]) or ["_"] for c in chunks], show_progress=False)
    return bm25


def load_bm25(path: Path, chunks: int) -> bm25s.BM25 | None:
    """The BM25 model saved at ingest, or None when it is missing, damaged or of another size."""
    if not path.is_dir():
        return None
    logging.getLogger("bm25s").setLevel(logging.ERROR)
    try:
        bm25 = bm25s.BM25.load(path, show_progress=False)
    except Exception:
        return None
    if bm25.scores.get("num_docs") != chunks or not bm25.vocab_dict:
        return None
    return bm25


WARM_TARGETS = 2000  # without saved vectors, target measures embedded at load (~1 ms each), else on first use


def target_texts(clauses: list[Clause]) -> list[str]:
    """Every target's measure text, once each, in clause order (the rows of the saved vectors)."""
    return list(dict.fromkeys(target_text(t) for c in clauses for t in c.targets))


def load_target_vectors(path: Path, texts: list[str]) -> dict[str, np.ndarray]:
    """Target measure text → its embedding, as saved at ingest; empty when missing or not matching."""
    try:
        vectors = np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        return {}
    if vectors.ndim != 2 or len(vectors) != len(texts):
        return {}
    return dict(zip(texts, vectors, strict=True))


def save_words(words: list[str], path: Path) -> None:
    """Write ``surface_words`` of a generation, one per line."""
    path.write_text("\n".join(words) + "\n", encoding="utf-8")


def load_words(path: Path, chunks: list[dict]) -> list[str]:
    """The words saved at ingest; computed from the chunks for an index written before they were."""
    try:
        return [w for w in path.read_text(encoding="utf-8").splitlines() if w]
    except (OSError, UnicodeDecodeError):
        return surface_words([c["text"] for c in chunks])


def _unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` (or its cause) is a failed connection rather than a failed query."""
    import httpx

    for _ in range(10):  # the chain of causes, bounded
        if exc is None:
            return False
        if isinstance(exc, (httpx.TransportError, ConnectionError)):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


class LiveIndex:
    """Loads the live generation and reloads it when an ingest switches to a new one."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._loaded_mtime: float | None = None
        self._vector_cache: dict[str, np.ndarray] = {}
        self.embeddings = query_embeddings(settings)
        self.refresh()

    # -- loading -----------------------------------------------------------------------------
    def _state_mtime(self) -> float | None:
        path = Path(self.settings.data_dir) / STATE_FILE
        return path.stat().st_mtime if path.exists() else None

    def refresh(self) -> None:
        """Load the live generation if it changed since the last load (cheap when it did not)."""
        mtime = self._state_mtime()
        if mtime is not None and mtime == self._loaded_mtime:
            return
        with self._lock:
            if mtime is not None and mtime == self._loaded_mtime:
                return
            self._load()
            self._loaded_mtime = mtime

    def _load(self) -> None:
        data_dir = Path(self.settings.data_dir)
        state, clauses = load_live_clauses(data_dir)
        try:
            chunks = load_chunks(data_dir / state.chunks_file)
        except OSError as exc:
            raise PolicyQAError(
                f"The index in {data_dir} is incomplete ({exc}).", "run: policyqa ingest --rebuild"
            ) from exc
        client = chroma_client(self.settings)
        try:
            collection = client.get_collection(state.collection)
            count = collection.count()
        except Exception as exc:
            raise PolicyQAError(
                f"The vector store has no usable collection {state.collection!r} ({type(exc).__name__}).",
                "run: policyqa ingest --rebuild",
            ) from exc
        if count != len(chunks):
            raise PolicyQAError(
                f"The vector store holds {count} chunks but the index lists {len(chunks)}.",
                "run: policyqa ingest --rebuild",
            )
        self.state = state
        self.clauses: list[Clause] = clauses
        self.by_key = {clause_key(c.doc_id, c.clause_id): c for c in clauses}
        self.chunks = chunks
        self.chunk_keys = [clause_key(c["doc_id"], c["clause_id"]) for c in chunks]
        self.chunk_index = {c["id"]: i for i, c in enumerate(chunks)}
        self.collection = collection
        # Saved at ingest (stemming every chunk again would dominate the open); built here for an
        # index written before BM25 models were saved.
        self.bm25 = load_bm25(data_dir / bm25_dir_name(state.generation), len(chunks)) or build_bm25(chunks)
        self.vocabulary = set(self.bm25.vocab_dict) - {""}  # bm25s adds "" for empty queries
        self.idf = _IdfTable(self.bm25)
        self.titles = {k: v.get("title", k) for k, v in state.docs.items()}
        # What each document sets, saved at ingest (read here for an index written before that).
        self.facts = {
            doc: DocumentFacts(**info["facts"])
            if set(info.get("facts", {})) == FACT_FIELDS
            else document_facts([c for c in clauses if c.doc_id == doc])
            for doc, info in state.docs.items()
        }
        self.words = load_words(data_dir / state.words_file, chunks)
        texts = target_texts(clauses)
        saved = load_target_vectors(data_dir / state.target_vectors_file, texts)
        self._vector_cache.update(saved)
        if not saved and len(texts) <= WARM_TARGETS:  # an index from before they were saved: embed them now
            self.text_vectors(texts)

    # -- lanes -------------------------------------------------------------------------------
    def bm25_search(self, stems: list[str], k: int) -> list[tuple[int, float]]:
        """(chunk index, score) of the best BM25 matches; only stems the corpus knows count."""
        known = [s for s in stems if s in self.vocabulary]
        if not known:
            return []
        k = min(k, len(self.chunks))
        ids, scores = self.bm25.retrieve([known], k=k, show_progress=False, n_threads=1)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=False) if s > 0]

    def dense_search(self, query: str | np.ndarray, k: int, where: dict | None = None) -> list[tuple[int, float]]:
        """(chunk index, cosine similarity) of the nearest chunks in Chroma (query text or vector)."""
        k = min(k, len(self.chunks))
        vector = self.embed_query(query) if isinstance(query, str) else query
        try:
            # Ids and distances only: fetching each hit's text and metadata from Chroma's SQLite
            # took most of the query time, and the chunk table has them already.
            found = self.collection.query(
                query_embeddings=[vector.tolist()], n_results=k, where=where, include=["distances"]
            )
        except Exception as exc:
            host, port = self.settings.chroma_host, self.settings.chroma_port
            if host and _unreachable(exc):  # the client reconnects by itself once the server is back
                raise PolicyQAError(
                    f"The Chroma server at {host}:{port} is not reachable ({type(exc).__name__}).",
                    "start it again (chroma run --host 127.0.0.1 --port PORT --path DIR); answers resume by "
                    "themselves once it is back.",
                ) from exc
            raise PolicyQAError(
                f"Vector search failed ({type(exc).__name__}: {exc}).", "check the Chroma store: policyqa doctor"
            ) from exc
        out = []
        for chunk_id, distance in zip(found["ids"][0], found["distances"][0], strict=True):
            i = self.chunk_index.get(chunk_id)
            if i is not None:
                out.append((i, float(1.0 - distance)))
        return out

    def text_vectors(self, texts: list[str]) -> np.ndarray:
        """Embeddings of short texts (target measures), cached: each is computed once."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._vector_cache]
        if missing:
            vectors = self.embeddings.embed_documents(missing)
            for t, v in zip(missing, vectors, strict=True):
                self._vector_cache[t] = np.asarray(v)
        return np.array([self._vector_cache[t] for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        """The query's embedding (normalised)."""
        return np.asarray(self.embeddings.embed_query(text))
