"""Hybrid retrieval over clauses: BM25 and dense MiniLM, fused, plus structure boosts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from policyqa.engine.clauses import Clause
from policyqa.engine.index import LiveIndex
from policyqa.engine.text import content_stems
from pydantic import ConfigDict

RRF_K = 60


@dataclass
class ClauseHit:
    """A retrieved clause with its fused score and the evidence of each lane."""

    key: str
    clause: Clause
    score: float
    bm25_rank: int | None = None
    dense_rank: int | None = None
    dense_sim: float = 0.0
    boosts: list[str] = field(default_factory=list)


class HybridRetriever(BaseRetriever):
    """LangChain retriever: BM25 + Chroma dense search, reciprocal-rank fused per clause."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    index: Any
    k: int = 5
    depth: int = 50

    def search(
        self,
        query: str,
        k: int | None = None,
        boost: dict[str, float] | None = None,
        restrict: set[str] | None = None,
        vector=None,
        booster: Callable[[list[str]], dict[str, float]] | None = None,
        docs: set[str] | None = None,
    ) -> list[ClauseHit]:
        """Clauses for ``query``, best first.

        ``boost`` adds to the fused score of the given clause keys (agency, target and
        follow-up evidence); ``restrict`` keeps only the given clause keys; ``vector`` is the
        query's embedding when the caller has it already; ``booster`` computes more boosts from
        the candidate clause keys the lanes found; ``docs`` keeps only clauses of those documents.
        """
        index: LiveIndex = self.index
        k = k or self.k
        depth = max(self.depth, k * 4)
        every_doc = docs is None or set(index.titles) <= docs
        where = None if every_doc else {"doc_id": {"$in": sorted(docs)}}
        bm25 = index.bm25_search(content_stems(query), depth if every_doc else depth * 4)
        if not every_doc:
            bm25 = [(i, s) for i, s in bm25 if index.chunks[i]["doc_id"] in docs][:depth]
        dense = index.dense_search(query if vector is None else vector, depth, where=where)
        hits: dict[str, ClauseHit] = {}

        def hit(key: str) -> ClauseHit:
            if key not in hits:
                hits[key] = ClauseHit(key, index.by_key[key], 0.0)
            return hits[key]

        for rank, (i, _score) in enumerate(bm25):
            h = hit(index.chunk_keys[i])
            if h.bm25_rank is None:
                h.bm25_rank = rank
                h.score += 1.0 / (RRF_K + rank)
        for rank, (i, sim) in enumerate(dense):
            h = hit(index.chunk_keys[i])
            if h.dense_rank is None:
                h.dense_rank = rank
                h.dense_sim = sim
                h.score += 1.0 / (RRF_K + rank)
        extra = dict(boost or {})
        if booster is not None:
            for key, amount in booster(list(hits)).items():
                extra[key] = extra.get(key, 0.0) + amount
        for key, amount in extra.items():
            if key in index.by_key and (every_doc or index.by_key[key].doc_id in docs):
                h = hit(key)
                h.score += amount
                h.boosts.append(f"+{amount:.3f}")
        if restrict is not None:
            # a provision kept that neither lane reached (a long list of definitions, far in meaning from its one
            # term asked) is still a candidate, after those they reached
            for key in restrict:
                if key in index.by_key and (every_doc or index.by_key[key].doc_id in docs):
                    hit(key)
        ranked = sorted(hits.values(), key=lambda h: (-h.score, h.key))
        if restrict is not None:
            ranked = [h for h in ranked if h.key in restrict]
        return ranked[:k]

    def fill_dense_sims(self, hits: list[ClauseHit], vector) -> None:
        """Give hits that only the word lane found (``dense_sim`` unknown, 0.0) their closeness in meaning,
        from a dense search within their documents: a document's best provision moved first by
        :meth:`PolicyQA._document_first` may lie below the dense lane's depth over all documents."""
        unknown = [h for h in hits if h.dense_rank is None]
        if not unknown:
            return
        index: LiveIndex = self.index
        sims: dict[str, float] = {}
        for doc in sorted({h.clause.doc_id for h in unknown}):
            ids = sorted({h.clause.clause_id for h in unknown if h.clause.doc_id == doc})
            where = {"$and": [{"doc_id": doc}, {"clause_id": {"$in": ids}}]}
            wanted = {h.key for h in unknown if h.clause.doc_id == doc}
            n = sum(1 for k in index.chunk_keys if k in wanted)  # every chunk of those provisions
            for i, sim in index.dense_search(vector, max(n, 1), where=where):
                sims[index.chunk_keys[i]] = max(sims.get(index.chunk_keys[i], 0.0), sim)
        for h in unknown:
            h.dense_sim = sims.get(h.key, 0.0)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [
            Document(
                page_content=h.clause.text,
                id=h.key,
                metadata={
                    "doc_id": h.clause.doc_id,
                    "clause_id": h.clause.clause_id,
                    "heading": h.clause.heading_text,
                    "score": h.score,
                    "lead": h.clause.lead,
                    "responsible": h.clause.responsible,
                },
            )
            for h in self.search(query)
        ]
