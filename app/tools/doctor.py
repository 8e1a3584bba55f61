"""``policyqa doctor``: check each part a user depends on and say how to fix what is wrong."""

from __future__ import annotations

import os
import time
from pathlib import Path

from policyqa.errors import PolicyQAError
from policyqa.settings import Settings


def _check(name: str, fn) -> dict:
    t0 = time.perf_counter()
    try:
        detail = fn()
        return {"check": name, "ok": True, "detail": detail, "ms": round((time.perf_counter() - t0) * 1000)}
    except PolicyQAError as err:
        return {"check": name, "ok": False, "detail": err.problem, "fix": err.fix}
    except Exception as err:  # doctor reports every failure instead of stopping at the first
        return {"check": name, "ok": False, "detail": f"{type(err).__name__}: {err}", "fix": ""}


def run_checks(settings: Settings) -> list[dict]:
    """Model, data dir, index, Chroma and (if set) the LLM endpoint, each as a result row."""

    def model():
        from policyqa.engine.embeddings import get_embeddings

        emb = get_embeddings(settings.embedding_model, settings.embedding_batch_size)
        dim = len(emb.embed_query("energy conservation"))
        return f"{settings.embedding_model} loads, {dim}-dimensional vectors"

    def question_encoder():
        from policyqa.engine.embeddings import OnnxEmbeddings, query_embeddings

        emb = query_embeddings(settings)
        if isinstance(emb, OnnxEmbeddings):
            return "ONNX Runtime (exported from the embedding model into the data dir)"
        if settings.query_encoder == "onnx":
            raise PolicyQAError(
                "The ONNX question encoder could not be made; questions are embedded with torch (slower).",
                "reinstall with make install (onnxruntime, onnx), or set POLICYQA_QUERY_ENCODER=torch.",
            )
        return "torch (POLICYQA_QUERY_ENCODER=torch)"

    def data_dir():
        d = Path(settings.data_dir)
        d.mkdir(parents=True, exist_ok=True)
        if not os.access(d, os.W_OK):
            raise PolicyQAError(f"{d} is not writable.", f"chmod u+w {d} or set POLICYQA_DATA_DIR.")
        probe = d / ".doctor-probe"
        probe.write_text("ok")
        probe.unlink()
        return f"{d} is writable"

    def chroma():
        from policyqa.engine.store import chroma_client

        client = chroma_client(settings)
        where = f"server {settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else "embedded"
        return f"{where}, {len(client.list_collections())} collection(s)"

    def index():
        from policyqa.engine.index import LiveIndex

        live = LiveIndex(settings)
        return f"generation {live.state.generation}: {len(live.clauses)} clauses, {len(live.chunks)} chunks"

    def llm():
        if not settings.llm_base_url:
            return "not configured (extractive answers only)"
        import httpx

        key = settings.llm_api_key.get_secret_value()
        try:
            r = httpx.get(
                settings.llm_base_url.rstrip("/") + "/models", timeout=5, headers={"Authorization": f"Bearer {key}"}
            )
            r.raise_for_status()
        except Exception as exc:
            raise PolicyQAError(
                f"LLM endpoint {settings.llm_base_url} does not answer ({type(exc).__name__}).",
                "start the server or unset POLICYQA_LLM_BASE_URL.",
            ) from exc
        return f"{settings.llm_base_url} answers"

    return [
        _check("data dir", data_dir),
        _check("embedding model", model),
        _check("question encoder", question_encoder),
        _check("chroma", chroma),
        _check("index", index),
        _check("llm", llm),
    ]
