"""Managing the indexed plans: the list of them, short titles, uploads, and one ingest or removal at a
time in a background worker.

The web app's Plans tab and plan picker use this; ``policyqa ingest`` and ``policyqa remove`` share its
summary lines. An uploaded file is copied under the data dir (``plans/<doc id>/``, a name made of the doc
id alone, so no file name can reach outside it), Gradio's own copy is deleted at once, and the copy is
read before anything is queued: a file that is not a document is refused with its name, and the index
does not change. Ingests and removals go through ``policyqa.ingest.build`` (its lock and atomic switch),
one after the other in the order asked; the index in force answers until each one switches.
"""

from __future__ import annotations

import logging
import queue
import shutil
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from policyqa.engine.titles import short_title, short_titles  # noqa: F401 (the plan list's labels)
from policyqa.errors import PolicyQAError
from policyqa.settings import Settings

if TYPE_CHECKING:
    from policyqa.engine.core import PolicyQA
    from policyqa.ingest.build import IngestReport
    from policyqa.ingest.documents import SourceDocument

log = logging.getLogger(__name__)

UPLOADS = "plans"  # uploaded plans live in <data dir>/plans/<doc id>/
LOCK_WAIT = 1800.0  # seconds a queued job waits for another process's ingest (the CLI's) to finish


# -- the indexed plans -------------------------------------------------------------------------
def plan_rows(qa: PolicyQA) -> list[dict]:
    """Each indexed plan: doc id, title, short title, issuer and date where the document states them
    ("" where it does not, or where it was indexed before they were read), provisions, actors, targets,
    deadlines, when added."""
    qa.index.refresh()
    by_doc: dict[str, list] = {}
    for c in qa.index.clauses:
        by_doc.setdefault(c.doc_id, []).append(c)
    shorts = short_titles(qa)
    rows = []
    for doc_id, info in qa.index.state.docs.items():
        clauses = by_doc.get(doc_id, [])
        stated = info.get("provenance") or {}
        rows.append(
            {
                "doc_id": doc_id,
                "title": info.get("title", doc_id),
                "short": shorts.get(doc_id, doc_id),
                "issuer": stated.get("issuer", ""),
                "date": stated.get("date", ""),
                "date_kind": stated.get("date_kind", ""),
                "provisions": info.get("clauses", len(clauses)),
                "actors": len(info.get("actors", [])) or len({a for c in clauses for a in c.agencies}),
                "targets": sum(len(c.targets) for c in clauses),
                "deadlines": sum(len(c.deadlines) for c in clauses),
                "added": _when(info.get("added", "")),
                "path": info.get("path", ""),
            }
        )
    return rows


def _when(stamp: str) -> str:
    """An ISO time as the local "2025-06-01 14:03", or "" (indexed before the time was kept)."""
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return ""


def report_lines(report: IngestReport) -> list[str]:
    """What ``policyqa ingest`` prints about a finished ingest (warnings apart)."""
    if report.removed:
        return [
            f"Removed {', '.join(report.removed)}: {report.clauses} clauses, {report.chunks} chunks left, "
            f"generation {report.generation}, {report.seconds:.1f} s."
        ]
    if report.unchanged:
        return [
            f"Index is up to date: {report.documents} document(s), {report.clauses} clauses, "
            f"{report.chunks} chunks (nothing re-embedded). Use --rebuild to force."
        ]
    lines = [
        f"Ingested {report.documents} document(s): {report.clauses} clauses, {report.chunks} chunks, "
        f"{report.embedded} embedded, generation {report.generation}, {report.seconds:.1f} s."
    ]
    if report.skipped_documents:
        lines.append(f"Unchanged, not re-embedded: {', '.join(report.skipped_documents)}")
    for d in report.summaries:
        lines.append(
            f"  {d['doc_id']}: {d['provisions']} provisions ({d['numbering']} ids), {d['actors']} actors, "
            f"{d['targets']} targets, {d['deadlines']} deadlines"
        )
    return lines


# -- uploads -----------------------------------------------------------------------------------
def upload_dir(settings: Settings) -> Path:
    return Path(settings.data_dir).resolve() / UPLOADS


def stage_upload(settings: Settings, uploaded: Path, name: str | None = None) -> SourceDocument:
    """Move an uploaded file under the data dir and read it: the document to ingest (doc id from its
    file name, as ``policyqa ingest FILE`` gives it). ``uploaded`` (Gradio's copy) is deleted whatever
    happens. A file that is not a supported document raises :class:`PolicyQAError` naming ``name``,
    and nothing is kept."""
    from policyqa.ingest.documents import file_document, slug
    from policyqa.ingest.loaders import MAX_BYTES, SUPPORTED

    name = Path(name or uploaded.name).name or "upload"
    try:
        suffix = Path(name).suffix.lower()
        if suffix not in SUPPORTED:
            raise PolicyQAError(
                f"{name}: unsupported file type {suffix or '(none)'!r}; it is not a document PolicyQA reads.",
                f"upload one of {', '.join(sorted(SUPPORTED))}.",
            )
        size = uploaded.stat().st_size
        if size > MAX_BYTES:
            raise PolicyQAError(f"{name}: {size / 1e6:.0f} MB is over the 50 MB limit.", "split the file.")
        doc_id = slug(Path(name).stem)
        folder = upload_dir(settings) / doc_id
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{doc_id}-{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 10**9:09d}{suffix}"
        shutil.copyfile(uploaded, target)
    finally:
        discard_upload(uploaded)
    try:
        source = file_document(target)
    except PolicyQAError as err:
        target.unlink(missing_ok=True)
        _remove_empty(folder)
        _remove_empty(folder.parent)
        raise PolicyQAError(err.problem.replace(str(target), name), err.fix) from None
    source.doc_id = doc_id
    return source


def discard_upload(path: Path) -> None:
    """Delete Gradio's copy of an upload (and its folder, when that is left empty)."""
    try:
        path.unlink(missing_ok=True)
        _remove_empty(path.parent)
    except OSError:
        log.warning("could not delete the uploaded file %s", path)


def _remove_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass  # not empty, or gone


def sweep(settings: Settings, doc_id: str | None = None, keep: set[Path] | None = None) -> None:
    """Delete uploaded files the live index no longer reads (older versions of a replaced plan, a
    removed plan's file, a file an ingest failed on), except those in ``keep`` (queued jobs')."""
    from policyqa.engine.store import read_state

    root = upload_dir(settings)
    if not root.is_dir():
        return
    try:
        state = read_state(Path(settings.data_dir))
    except PolicyQAError:
        return  # a damaged state: delete nothing
    used = {Path(info.get("path", "")).resolve() for info in (state.docs.values() if state else [])}
    used |= {p.resolve() for p in keep or ()}
    folders = [root / doc_id] if doc_id else [p for p in root.iterdir() if p.is_dir()]
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.is_file() and path.resolve() not in used:
                path.unlink(missing_ok=True)
        _remove_empty(folder)
    _remove_empty(root)


# -- the worker --------------------------------------------------------------------------------
@dataclass
class Job:
    """One ingest (``source``) or removal (``doc_id``), as the page follows it."""

    kind: str  # "add" or "remove"
    name: str  # what the person sees: the file name, or the plan's title
    doc_id: str
    source: SourceDocument | None = None
    fraction: float = 0.0
    what: str = "Queued"
    report: IngestReport | None = None
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)

    def tell(self, fraction: float, what: str) -> None:
        self.fraction, self.what = max(0.0, min(1.0, fraction)), what


class PlanJobs:
    """Ingests and removals for one data dir, run one at a time in a background thread, in the order
    they were asked for (two uploads are queued, never interleaved). A job also waits for an ingest
    another process holds the data dir's lock for."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._queue: queue.Queue[Job] = queue.Queue()
        self._pending: list[Job] = []
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def add(self, source: SourceDocument, name: str) -> Job:
        """Queue the ingest of a staged upload."""
        return self._submit(Job("add", name, source.doc_id, source=source))

    def remove(self, doc_id: str, name: str = "") -> Job:
        """Queue the removal of ``doc_id``."""
        return self._submit(Job("remove", name or doc_id, doc_id))

    def ahead(self, job: Job) -> int:
        """How many jobs run before ``job``."""
        with self._lock:
            return self._pending.index(job) if job in self._pending else 0

    def follow(self, job: Job, every: float = 0.25) -> Iterator[Job]:
        """``job`` every ``every`` seconds until it is done (then once more)."""
        while not job.done.wait(every):
            ahead = self.ahead(job)
            if ahead:
                job.what = f"Waiting: {ahead} other plan{'s' if ahead > 1 else ''} ahead of this one"
            yield job
        yield job

    def _submit(self, job: Job) -> Job:
        with self._lock:
            self._pending.append(job)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="policyqa-plans", daemon=True)
                self._thread.start()
        self._queue.put(job)
        return job

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            try:
                self._run(job)
            except Exception as err:  # the page gets a message, the log the trace
                traceback.print_exc()
                job.error = f"Something went wrong ({type(err).__name__}); the details are in the server log."
            finally:
                with self._lock:
                    self._pending.remove(job)
                    keep = {j.source.path for j in self._pending if j.source is not None}
                try:
                    sweep(self.settings, job.doc_id, keep)
                except OSError:
                    log.warning("could not tidy %s", upload_dir(self.settings) / job.doc_id)
                job.done.set()

    def _run(self, job: Job) -> None:
        from policyqa.ingest.build import ingest, remove

        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                if job.kind == "add":
                    job.report = ingest(self.settings, sources=[job.source], progress=False, on_progress=job.tell)
                else:
                    job.report = remove(self.settings, job.doc_id, progress=False)
                job.warnings = list(job.report.warnings)
                job.tell(1.0, "Done")
                return
            except PolicyQAError as err:
                if err.problem.startswith("Another ingest is running") and time.monotonic() < deadline:
                    job.tell(0.0, "Waiting: another ingest is running on this data dir")
                    time.sleep(1.0)
                    continue
                job.error = str(err)
                return
