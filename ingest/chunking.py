"""Clause-aware chunks: one LangChain ``Document`` per clause, split only to fit the model."""

from __future__ import annotations

from collections.abc import Callable

from langchain_core.documents import Document
from policyqa.engine.clauses import Clause, split_sentences


def chunk_id(doc_id: str, clause_id: str, part: int, parts: int) -> str:
    """Deterministic chunk id: ``doc:clause`` or ``doc:clause#part`` for split clauses."""
    return f"{doc_id}:{clause_id}" if parts == 1 else f"{doc_id}:{clause_id}#{part}"


def clause_documents(clause: Clause, count_tokens: Callable[[str], int], max_tokens: int) -> list[Document]:
    """The clause as chunks for embedding: heading chain + text, each within ``max_tokens``.

    A clause longer than the window is split at sentence boundaries into parts sharing the
    clause id (``3.4.3#2``); a single sentence longer than the window is split at words, so no
    text is ever cut off silently.
    """
    # the headings above it, and the lead-in of the provision it completes ("the Secretary shall:")
    prefix = "".join(f"{part}\n" for part in (clause.heading_text, clause.context) if part)
    whole = prefix + clause.text
    if count_tokens(whole) <= max_tokens:
        bodies = [clause.text]
    else:
        budget = max_tokens - count_tokens(prefix) - 2
        bodies = _pack(split_sentences(clause.text), count_tokens, budget)
    docs = []
    for i, body in enumerate(bodies, start=1):
        cid = clause.clause_id if len(bodies) == 1 else f"{clause.clause_id}#{i}"
        docs.append(
            Document(
                page_content=prefix + body,
                id=chunk_id(clause.doc_id, clause.clause_id, i, len(bodies)),
                metadata={
                    "doc_id": clause.doc_id,
                    "clause_id": clause.clause_id,
                    "chunk": cid,
                    "part": i,
                    "parts": len(bodies),
                    "chapter": clause.chapter,
                    "lead": "; ".join(clause.lead),
                    "responsible": "; ".join(clause.responsible),
                },
            )
        )
    return docs


def _pack(sentences: list[str], count_tokens: Callable[[str], int], budget: int) -> list[str]:
    parts: list[str] = []
    current = ""
    for sentence in sentences:
        for piece in _fit(sentence, count_tokens, budget):
            candidate = f"{current} {piece}".strip()
            if current and count_tokens(candidate) > budget:
                parts.append(current)
                current = piece
            else:
                current = candidate
    if current:
        parts.append(current)
    return parts


def _fit(sentence: str, count_tokens: Callable[[str], int], budget: int) -> list[str]:
    """A sentence as pieces within the budget (split at words only when it must be)."""
    if count_tokens(sentence) <= budget:
        return [sentence]
    pieces, current = [], ""
    for word in sentence.split():
        candidate = f"{current} {word}".strip()
        if current and count_tokens(candidate) > budget:
            pieces.append(current)
            current = word
        else:
            current = candidate
    return pieces + ([current] if current else [])
