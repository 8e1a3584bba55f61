"""The optional LLM answer path: an OpenAI-compatible model rewrites the answer from the
retrieved clauses, and the grounding check decides what of it may be shown.

The LLM is asked only when the extractive answer did not abstain. Its output goes through
:func:`policyqa.engine.grounding.check`; sentences that fail are dropped, and when nothing is left (or the
endpoint is slow, down or broken) the extractive answer is returned with ``fallback`` saying why.
The raw output and the dropped sentences are kept on ``answer.debug`` for tests and evaluation.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import openai
from langchain_core.prompts import ChatPromptTemplate
from langchain_openai import ChatOpenAI
from policyqa.engine.answer import Answer, Citation
from policyqa.engine.clauses import Clause
from policyqa.engine.compose import Composer, best_sentences
from policyqa.engine.grounding import MARKER, GroundingResult, answer_sentences, check
from policyqa.settings import PROJECT_ROOT, Settings

if TYPE_CHECKING:
    from policyqa.engine.core import PolicyQA
    from policyqa.engine.question import Question

PROMPT_PATH = PROJECT_ROOT / "prompts" / "answer.txt"
HUMAN_SEPARATOR = "=== human ==="
DECLINE_PHRASE = "The plan does not say"
MAX_ANSWER_TOKENS = 400


@dataclass
class LLMRun:
    """One call of the model: its raw text, or why there is none."""

    text: str = ""
    failure: str | None = None
    ms: float = 0.0


@lru_cache(maxsize=4)
def load_prompt(path: Path = PROMPT_PATH) -> ChatPromptTemplate:
    """The answer prompt: the file's text before ``=== human ===`` is the system message,
    the rest (with ``{clauses}`` and ``{question}``) the user message."""
    raw = path.read_text(encoding="utf-8")
    system, sep, human = raw.partition(HUMAN_SEPARATOR)
    if not sep:
        raise ValueError(f"{path} has no '{HUMAN_SEPARATOR}' line")
    return ChatPromptTemplate.from_messages([("system", system.strip()), ("human", human.strip())])


def format_clauses(clauses: list[Clause]) -> str:
    """Clauses as ``[clause_id] heading`` then the clause text, separated by blank lines."""
    return "\n\n".join(f"[{c.clause_id}] {c.heading_text}\n{c.text}" for c in clauses)


def retrieved_clauses(qa: PolicyQA, extractive: Answer) -> list[Clause]:
    """The clauses behind ``extractive.retrieved`` (at most ``top_k``), preferring the
    documents the extractive answer cites when a clause id occurs in several documents."""
    cited_docs = {c.doc_id for c in extractive.citations}
    out: list[Clause] = []
    for cid in dict.fromkeys(extractive.retrieved):
        matches = [c for c in qa.index.clauses if c.clause_id == cid]
        if matches:
            out.append(next((c for c in matches if c.doc_id in cited_docs), matches[0]))
        if len(out) >= qa.settings.top_k:
            break
    return out


def make_chat_model(settings: Settings) -> ChatOpenAI:
    """The LangChain chat model for the configured endpoint (no retries, temperature 0,
    at most :data:`MAX_ANSWER_TOKENS` tokens written)."""
    return ChatOpenAI(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key.get_secret_value(),
        timeout=settings.llm_timeout,
        max_retries=0,
        temperature=0,
        # Sent as ``max_tokens``: LangChain renames its own ``max_tokens`` to
        # ``max_completion_tokens``, which llama.cpp's server ignores (it then writes until the
        # context is full). OpenAI itself still accepts ``max_tokens`` for chat models.
        extra_body={"max_tokens": MAX_ANSWER_TOKENS},
    )


def call_llm(settings: Settings, clauses: list[Clause], question: str) -> LLMRun:
    """Ask the model; every failure becomes a short ``llm-...`` reason, never an exception.

    Reasons name the exception type only, so no message that might echo the key is kept.
    """
    t0 = time.perf_counter()
    run = LLMRun()
    try:
        chain = load_prompt() | make_chat_model(settings)
        message = chain.invoke({"clauses": format_clauses(clauses), "question": question})
        run.text = _content_text(message.content).strip()
    except openai.APITimeoutError:  # before APIConnectionError: it is a subclass
        run.failure = "llm-timeout"
    except openai.APIConnectionError as exc:
        run.failure = f"llm-unreachable: {type(exc.__cause__ or exc).__name__}"
    except openai.APIStatusError as exc:
        run.failure = f"llm-error: HTTP {exc.status_code}"
    except Exception as exc:  # any failure falls back to the extractive answer
        run.failure = f"llm-error: {type(exc).__name__}"
    run.ms = round((time.perf_counter() - t0) * 1000, 2)
    return run


def _content_text(content: Any) -> str:
    """A chat message's content as plain text (providers may return a list of parts)."""
    if isinstance(content, str):
        return content
    parts = [p.get("text", "") if isinstance(p, dict) else str(p) for p in content or []]
    return "".join(parts)


def cited_ids(text: str) -> list[str]:
    """Clause ids of the markers in ``text``, in order of first appearance."""
    return list(dict.fromkeys(MARKER.findall(text)))


def llm_citations(text: str, by_id: dict[str, Clause], question: str) -> list[Citation]:
    """A citation for each clause the text cites; the quote is the clause sentence that best
    matches what the answer says with that marker."""
    sentences = answer_sentences(text)
    out = []
    for cid in cited_ids(text):
        clause = by_id[cid]
        said = " ".join(s for s in sentences if cid in MARKER.findall(s))
        out.append(Composer.cite(clause, best_sentences(clause, f"{question} {said}", k=1)))
    return out


def llm_answer(qa: PolicyQA, q: Question, extractive: Answer) -> Answer:
    """The LLM's answer to ``q`` if it passes the grounding check (whole or repaired);
    otherwise ``extractive`` with ``fallback`` set. Abstentions are returned unchanged."""
    if extractive.abstained:
        return extractive
    clauses = retrieved_clauses(qa, extractive)
    if not clauses:
        return _fall_back(extractive, "llm-skipped: no retrieved clauses", LLMRun(), None)
    run = call_llm(qa.settings, clauses, q.text)
    if run.failure:
        return _fall_back(extractive, run.failure, run, None)
    if run.text.startswith(DECLINE_PHRASE):
        return _fall_back(extractive, "llm-declined: the model found no answer in the clauses", run, None)
    by_id = {c.clause_id: c for c in clauses}
    grounding = check(run.text, by_id, qa.registry, q.text)
    if not grounding.kept:
        first = grounding.dropped[0][1] if grounding.dropped else "empty output"
        reason = f"llm-ungrounded: {len(grounding.dropped)} sentence(s) failed ({first})"
        return _fall_back(extractive, reason, run, grounding)

    text = run.text if grounding.grounded else "\n".join(_closed(s) for s in grounding.kept)
    citations = llm_citations(text, by_id, q.text)
    cited = {c.clause_id for c in citations}
    result = replace(
        extractive,
        answer=text,
        mode="llm",
        fallback=None,
        grounded=True,
        citations=citations,
        related=[c.clause_id for c in clauses if c.clause_id not in cited][:4],
        timings={**extractive.timings, "llm_ms": run.ms},
        notes=list(extractive.notes),
        retrieved=list(extractive.retrieved),
    )
    if not grounding.grounded:
        total = len(grounding.kept) + len(grounding.dropped)
        result.notes.append(
            f"LLM answer repaired: {len(grounding.dropped)} of {total} sentence(s) dropped by the grounding check"
        )
    _set_debug(result, run, grounding)
    return result


def _closed(sentence: str) -> str:
    """A kept sentence with its full stop (the check may split a claim off after its marker)."""
    return sentence if sentence.endswith((".", "!", "?", "。", "！", "？", ":")) else sentence + "."


def _fall_back(extractive: Answer, reason: str, run: LLMRun, grounding: GroundingResult | None) -> Answer:
    """``extractive`` with the reason the LLM answer was not used."""
    extractive.fallback = reason
    extractive.timings["llm_ms"] = run.ms
    _set_debug(extractive, run, grounding)
    return extractive


def _set_debug(ans: Answer, run: LLMRun, grounding: GroundingResult | None) -> None:
    """Keep the raw output and the dropped sentences on ``ans.debug["llm"]``.

    ``Answer`` has no ``debug`` field yet, so this is an instance attribute: it is not part of
    ``to_dict()`` (the JSON contract) until the field is added.
    """
    debug = dict(getattr(ans, "debug", None) or {})
    debug["llm"] = {
        "raw": run.text,
        "failure": run.failure,
        "grounded": grounding.grounded if grounding else None,
        "dropped": [list(d) for d in grounding.dropped] if grounding else [],
    }
    ans.debug = debug  # type: ignore[attr-defined]
