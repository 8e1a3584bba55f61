"""Where the index lives: the state file, the clause and chunk tables, and Chroma.

Layout of the data dir::

    index.json            which generation is live, its collection, documents and hashes
    clauses_gN.jsonl      parsed clauses of generation N
    chunks_gN.jsonl       the chunk texts embedded in generation N (for BM25)
    chroma/               embedded Chroma (unless POLICYQA_CHROMA_HOST is set)
    ingest.lock           held while an ingest runs

An ingest builds generation N+1 beside N and switches ``index.json`` atomically when complete,
so a killed ingest leaves generation N answering.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import chromadb
from chromadb.config import Settings as ChromaSettings

from app.clauses import Clause, load_clauses
from app.errors import PolicyQAError
from app.settings import Settings

STATE_FILE = "index.json"


@dataclass
class IndexState:
    """The content of ``index.json``."""

    generation: int = 0
    collection: str = ""
    model: str = ""
    docs: dict[str, dict] = field(default_factory=dict)

    @property
    def clauses_file(self) -> str:
        return f"clauses_g{self.generation}.jsonl"

    @property
    def chunks_file(self) -> str:
        return f"chunks_g{self.generation}.jsonl"


def read_state(data_dir: Path) -> IndexState | None:
    """The live index state, or None if nothing was ingested yet."""
    path = data_dir / STATE_FILE
    if not path.exists():
        return None
    try:
        return IndexState(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as exc:
        raise PolicyQAError(
            f"The index state file {path} is damaged ({exc}).", "run: policyqa ingest --rebuild"
        ) from exc


def write_state(data_dir: Path, state: IndexState) -> None:
    """Switch to ``state`` atomically (write aside, fsync, rename)."""
    path = data_dir / STATE_FILE
    tmp = path.with_suffix(".json.tmp")
    with tmp.open("w", encoding="utf-8") as f:
        json.dump(state.__dict__, f, indent=2, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def chroma_client(settings: Settings) -> chromadb.api.ClientAPI:
    """Chroma: embedded under the data dir, or the server at POLICYQA_CHROMA_HOST."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        try:
            client = chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
            client.heartbeat()
            return client
        except Exception as exc:
            raise PolicyQAError(
                f"Chroma server at {settings.chroma_host}:{settings.chroma_port} is not reachable "
                f"({type(exc).__name__}).",
                "start it (chroma run --host 127.0.0.1 --port PORT --path DIR) or unset "
                "POLICYQA_CHROMA_HOST to use the embedded store.",
            ) from exc
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(settings.data_dir / "chroma"), settings=chroma_settings)
    except Exception as exc:
        raise PolicyQAError(
            f"The Chroma store under {settings.data_dir} cannot be opened ({exc}).", "run: policyqa ingest --rebuild"
        ) from exc


def load_chunks(path: Path) -> list[dict]:
    """Chunk rows (id, doc_id, clause_id, text) of a generation."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_live_clauses(data_dir: Path) -> tuple[IndexState, list[Clause]]:
    """The live state and its clauses; a clear error when there is no index yet."""
    state = read_state(data_dir)
    if state is None:
        raise PolicyQAError(f"No index yet in {data_dir}.", "run: policyqa ingest")
    path = data_dir / state.clauses_file
    if not path.exists():
        raise PolicyQAError(
            f"The index in {data_dir} is incomplete ({path.name} is missing).", "run: policyqa ingest --rebuild"
        )
    return state, load_clauses(path)
