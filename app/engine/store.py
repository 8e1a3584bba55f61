"""Where the index lives: the state file, the clause and chunk tables, and Chroma.

Layout of the data dir::

    index.json            which generation is live, its collection, documents and hashes
    clauses_gN.jsonl      parsed clauses of generation N
    chunks_gN.jsonl       the chunk texts embedded in generation N (for BM25)
    bm25_gN/              the BM25 model over those chunks
    targets_gN.npy        embeddings of every target's measure text
    words_gN.txt          the plan's spelled words, for typo repair
    chroma/               embedded Chroma (unless POLICYQA_CHROMA_HOST is set)
    ingest.lock           held while an ingest runs

An ingest builds generation N+1 beside N and switches ``index.json`` atomically when complete,
so a killed ingest leaves generation N answering.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import chromadb
import orjson
from chromadb.config import Settings as ChromaSettings
from filelock import FileLock, Timeout
from policyqa.engine.clauses import Clause, load_clauses
from policyqa.errors import PolicyQAError
from policyqa.settings import Settings

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

    @property
    def target_vectors_file(self) -> str:
        """Embeddings of every target's measure text, one row per text of ``target_texts``."""
        return f"targets_g{self.generation}.npy"

    @property
    def words_file(self) -> str:
        """The plan's spelled words (``surface_words``), one per line: what typos are repaired to."""
        return f"words_g{self.generation}.txt"


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
    path = str(settings.data_dir / "chroma")
    opened = _store_file_identity(path)
    if path in _OPENED and _OPENED[path] != opened:
        _forget_system(path)  # the store was deleted and made again on disk since it was opened
    try:
        client = chromadb.PersistentClient(path=path, settings=chroma_settings)
        _OPENED[path] = _store_file_identity(path)
        return client
    except Exception as exc:
        _forget_unused_system(path)
        raise PolicyQAError(
            f"The Chroma store under {settings.data_dir} cannot be opened ({exc}).", "run: policyqa ingest --rebuild"
        ) from exc


# Chroma keeps one system per path for the whole process, holding the files it opened. When the
# store is deleted and rebuilt under a running server (by another process), that system still
# reads the deleted files: answers come from the old collection until its segments fail
# ("Missing metadata segment"). The identity of the SQLite file it opened tells the two apart.
_OPENED: dict[str, tuple[int, int] | None] = {}


def _store_file_identity(path: str) -> tuple[int, int] | None:
    """(device, inode) of the store's SQLite file, or None when there is none yet."""
    try:
        st = os.stat(os.path.join(path, "chroma.sqlite3"))
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _forget_system(path: str) -> None:
    """Drop Chroma's cached system for ``path``: the next client opens the store afresh."""
    from chromadb.api.shared_system_client import SharedSystemClient

    getattr(SharedSystemClient, "_identifier_to_system", {}).pop(path, None)
    getattr(SharedSystemClient, "_identifier_to_refcount", {}).pop(path, None)
    _OPENED.pop(path, None)


def _forget_unused_system(path: str) -> None:
    """Drop Chroma's cached system for ``path`` when no client holds it: one that failed to start
    stays cached, and every later client of the path would get it instead of opening it again."""
    from chromadb.api.shared_system_client import SharedSystemClient

    if not getattr(SharedSystemClient, "_identifier_to_refcount", {}).get(path):
        _forget_system(path)


def set_aside_damaged_store(settings: Settings) -> Path | None:
    """Before ``ingest --rebuild``: move an embedded Chroma store that cannot be opened to
    ``chroma.damaged-<time>`` (kept for inspection) so the rebuild starts a fresh one.
    Returns where it went, or None when the store opens (or is a server, or is absent)."""
    store = settings.data_dir / "chroma"
    if settings.chroma_host or not store.exists():
        return None
    try:
        chroma_client(settings)
        return None
    except PolicyQAError:
        pass
    lock = FileLock(str(settings.data_dir / "ingest.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return None  # an ingest is running: the rebuild itself will say so
    try:
        aside = store.with_name(f"chroma.damaged-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
        os.replace(store, aside)
    finally:
        lock.release()
    return aside


def load_chunks(path: Path) -> list[dict]:
    """Chunk rows (id, doc_id, clause_id, text) of a generation; a clear error if damaged."""
    with path.open("rb") as f:
        try:
            rows = [orjson.loads(line) for line in f if line.strip()]
        except ValueError as exc:  # a truncated or overwritten table, or one not in UTF-8
            raise _damaged(path, exc) from exc
    if not all(isinstance(r, dict) and {"id", "doc_id", "clause_id", "text"} <= r.keys() for r in rows):
        raise _damaged(path, "rows without id, doc_id, clause_id and text")
    return rows


def _damaged(path: Path, why: object) -> PolicyQAError:
    return PolicyQAError(f"The index file {path} is damaged ({why}).", "run: policyqa ingest --rebuild")


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
    try:
        clauses = load_clauses(path)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:  # truncated, overwritten, another layout
        raise _damaged(path, exc) from exc
    listed = [d.get("clauses") for d in state.docs.values() if isinstance(d, dict)]
    if listed and all(isinstance(n, int) for n in listed) and sum(listed) != len(clauses):
        raise _damaged(path, f"{len(clauses)} clauses, the index lists {sum(n or 0 for n in listed)}")
    return state, clauses
