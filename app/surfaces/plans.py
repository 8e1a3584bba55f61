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
import re
import shutil
import threading
import time
import traceback
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from policyqa.errors import PolicyQAError
from policyqa.settings import Settings

if TYPE_CHECKING:
    from policyqa.engine.core import PolicyQA
    from policyqa.ingest.build import IngestReport
    from policyqa.ingest.documents import SourceDocument

log = logging.getLogger(__name__)

UPLOADS = "plans"  # uploaded plans live in <data dir>/plans/<doc id>/
LOCK_WAIT = 1800.0  # seconds a queued job waits for another process's ingest (the CLI's) to finish
SHORT_TITLE = 44  # a title up to this long is its own short title
_SHORT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # PolicyQA → (clauses read from, short titles)


# -- short titles ------------------------------------------------------------------------------
# "Executive Order 14008", "EO 14110", "us-eo14008-climate-crisis": an instrument number (not a year)
_NUMBERED = re.compile(r"(?:\bexecutive[\s-]+order|\beo)[\s-]*(?:no\.?\s*)?(\d{3,6})\b", re.IGNORECASE)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")  # "(English translation)"


def short_title(title: str, doc_id: str = "", proper: list[str] | tuple = (), kind: str = "") -> str:
    """A short name for a document, read from its title (and doc id), for labels such as "EO 14008
    Sec. 205(a)" or "Chongqing plan 3.9.2":

    - an executive order's number in the title or the doc id: "EO 14008";
    - else a proper name the title opens with or holds (``proper``: the words its own text writes
      capitalised, as :func:`policyqa.engine.decide.document_names` reads them) and what the document
      calls itself (``kind``, "plan", "order", "act"): "Chongqing plan";
    - else the title itself when it is short, or its first words.
    """
    plain = " ".join(title.split())
    for text in (plain, doc_id):
        for number in _NUMBERED.findall(text or ""):
            if not _YEAR.match(number):
                return f"EO {number}"
    if proper and kind:
        name = proper[0]
        return f"{name} {'Act' if kind == 'act' else kind}"
    plain = _TRAILING_NOTE.sub("", plain) or plain
    plain = re.sub(r"^Executive Order\b", "EO", plain)
    if len(plain) <= SHORT_TITLE:
        return plain or doc_id
    cut = plain[: SHORT_TITLE - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return f"{cut}…"


def short_titles(qa: PolicyQA) -> dict[str, str]:
    """doc id → its short title, for every indexed document (distinct: a clash falls back to the doc id)."""
    from policyqa.engine.decide import document_names

    qa.index.refresh()
    titles = dict(qa.index.titles)
    cached = _SHORT.get(qa)
    if cached is not None and cached[0] is qa.index.clauses:
        return cached[1]
    views = qa.documents()
    names = document_names(titles, {v.doc_id: v.text for v in views}) if len(titles) > 1 else {}
    out = {}
    for doc_id, title in titles.items():
        plain = title.replace("’", "'")
        # the single words of the title its own text treats as names, in the title's own spelling and order
        words = [w for w in names.get(doc_id, []) if " " not in w and re.search(rf"\b{re.escape(w)}\b", plain, re.I)]
        words.sort(key=lambda w: plain.lower().find(w))
        proper = [re.search(rf"\b{re.escape(w)}\b", plain, re.I).group(0).removesuffix("'s") for w in words]
        kind = (qa.index.facts[doc_id].kind if doc_id in qa.index.facts else "") or _kind_in(title)
        out[doc_id] = short_title(title, doc_id, proper or _names_in_sentence(title, kind), kind)
    counts: dict[str, int] = {}
    for short in out.values():
        counts[short] = counts.get(short, 0) + 1
    out = {d: (s if counts[s] == 1 else d) for d, s in out.items()}
    _SHORT[qa] = (qa.index.clauses, out)
    return out


def _names_in_sentence(title: str, kind: str) -> list[str]:
    """Capitalised words inside a title written in sentence case ("An Act respecting ... in Canada’s
    efforts": "Canada"), other than what the document is; none for a title in title case."""
    words = re.findall(r"[A-Za-z][\w’'-]*", title)[1:]
    if sum(1 for w in words if w[0].islower() and len(w) > 3) * 2 <= len(words):
        return []
    return [re.sub(r"[’']s$", "", w) for w in words if w[0].isupper() and w.lower() not in {kind, "executive", "order"}]


def _kind_in(title: str) -> str:
    found = re.search(r"\b(plan|order|act|regulation|strategy|programme|program|notice|law)\b", title, re.I)
    return found.group(1).lower() if found else ""


# -- the indexed plans -------------------------------------------------------------------------
def plan_rows(qa: PolicyQA) -> list[dict]:
    """Each indexed plan: doc id, title, short title, provisions, actors, targets, deadlines, when added."""
    qa.index.refresh()
    by_doc: dict[str, list] = {}
    for c in qa.index.clauses:
        by_doc.setdefault(c.doc_id, []).append(c)
    shorts = short_titles(qa)
    rows = []
    for doc_id, info in qa.index.state.docs.items():
        clauses = by_doc.get(doc_id, [])
        rows.append(
            {
                "doc_id": doc_id,
                "title": info.get("title", doc_id),
                "short": shorts.get(doc_id, doc_id),
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
