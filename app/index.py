"""The live index in memory: clauses, chunk texts with their BM25 model, and the Chroma store."""

from __future__ import annotations

import threading
from pathlib import Path

import bm25s
import numpy as np
from langchain_chroma import Chroma

from app.clauses import Clause
from app.embeddings import get_embeddings
from app.errors import PolicyQAError
from app.settings import Settings
from app.store import STATE_FILE, chroma_client, load_chunks, load_live_clauses
from app.text import content_stems


def clause_key(doc_id: str, clause_id: str) -> str:
    """The key a clause is known by across documents."""
    return f"{doc_id}:{clause_id}"


class LiveIndex:
    """Loads the live generation and reloads it when an ingest switches to a new one."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._loaded_mtime: float | None = None
        self._vector_cache: dict[str, np.ndarray] = {}
        self.embeddings = get_embeddings(settings.embedding_model, settings.embedding_batch_size)
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
        self.vectorstore = Chroma(client=client, collection_name=state.collection, embedding_function=self.embeddings)
        corpus_tokens = [content_stems(c["text"]) or ["_"] for c in chunks]
        self.bm25 = bm25s.BM25()
        self.bm25.index(corpus_tokens, show_progress=False)
        self.vocabulary = {t for toks in corpus_tokens for t in toks}
        self.titles = {k: v.get("title", k) for k, v in state.docs.items()}

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
            hits = self.vectorstore.similarity_search_by_vector_with_relevance_scores(
                vector.tolist(), k=k, filter=where
            )
        except Exception as exc:
            raise PolicyQAError(
                f"Vector search failed ({type(exc).__name__}: {exc}).", "check the Chroma store: policyqa doctor"
            ) from exc
        out = []
        for doc, distance in hits:
            i = self.chunk_index.get(doc.id)
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
