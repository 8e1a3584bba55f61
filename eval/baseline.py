"""The RAG that tutorials build: RecursiveCharacterTextSplitter(1000, 200) over the raw plan, the
same MiniLM embeddings, Chroma, top-k by similarity. Its "answer" is its top chunk."""

from __future__ import annotations

import time
import uuid

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_text_splitters import RecursiveCharacterTextSplitter
from policyqa.engine.clauses import Clause
from policyqa.engine.index import clause_key


class TutorialRAG:
    """Chunk, embed, store, retrieve: nothing specific to policy plans."""

    def __init__(self, raw_text: str, clauses: list[Clause], embeddings, k: int = 5) -> None:
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200, add_start_index=True)
        docs = splitter.create_documents([raw_text])
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        self.store = Chroma(
            client=client,
            collection_name=f"baseline_{uuid.uuid4().hex[:8]}",
            embedding_function=embeddings,
            collection_metadata={"hnsw:space": "cosine"},
        )
        self.store.add_documents(docs, ids=[f"c{i}" for i in range(len(docs))])
        self.k = k
        # Where each clause sits in the raw text, to map a chunk to the clauses it overlaps. Clause
        # texts have their line breaks joined, so positions are compared in a whitespace-squashed copy.
        squashed, self._pos = _squash_with_positions(raw_text)
        self.spans: list[tuple[int, int, str]] = []
        for c in clauses:
            body = " ".join(c.text.split())
            start = squashed.find(body[:80])
            if start != -1:
                self.spans.append((start, start + len(body), clause_key(c.doc_id, c.clause_id)))

    def clauses_of(self, start: int, length: int) -> list[str]:
        """``doc:clause`` keys of the clauses a chunk overlaps, most overlap first."""
        overlaps = []
        start, end = self._pos[start], self._pos[min(start + length, len(self._pos) - 1)]
        for s, e, cid in self.spans:
            o = min(e, end) - max(s, start)
            if o > 0:
                overlaps.append((o, cid))
        return [cid for _, cid in sorted(overlaps, reverse=True)]

    def ask(self, question: str) -> dict:
        """Top-k chunks; returns the answer text, the clause ranking and the time taken."""
        t0 = time.perf_counter()
        docs = self.store.similarity_search(question, k=self.k)
        ms = (time.perf_counter() - t0) * 1000
        ranking: list[str] = []
        for d in docs:
            for cid in self.clauses_of(d.metadata["start_index"], len(d.page_content)):
                if cid not in ranking:
                    ranking.append(cid)
        return {"answer": docs[0].page_content if docs else "", "ranking": ranking, "ms": ms}


def _squash_with_positions(raw: str) -> tuple[str, list[int]]:
    """``raw`` with runs of whitespace as one space, and for each raw position its squashed position."""
    out: list[str] = []
    pos: list[int] = []
    space = True  # drop leading whitespace
    for ch in raw:
        pos.append(len(out))
        if ch.isspace():
            if not space:
                out.append(" ")
            space = True
        else:
            out.append(ch)
            space = False
    pos.append(len(out))
    return "".join(out), pos
