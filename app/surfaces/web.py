"""The web app: ask with cited clauses, who does what, targets, browse, my obligations, and the plans.

``build_app(qa)`` builds the Gradio Blocks; ``serve()`` loads the index once and launches it. A plan
picker scopes the tabs to one plan; the Plans tab lists, adds and removes plans
(``policyqa.surfaces.plans``), and ``?doc=…&clause=…`` opens a provision in Browse.
Every piece of user or clause text is HTML-escaped before it reaches the page, and every
message is one HTML block, so Markdown never sees raw text either.
"""

from __future__ import annotations

import atexit
import functools
import html
import ipaddress
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr
import pandas as pd
from filelock import FileLock
from policyqa.engine.answer import Citation
from policyqa.engine.clauses import Clause, split_sentences
from policyqa.engine.grounding import MARKER
from policyqa.engine.text import valid_text
from policyqa.errors import PolicyQAError
from policyqa.settings import PROJECT_ROOT, Settings, get_settings
from policyqa.surfaces.obligations_view import Hooks, api_obligations, obligations_tab
from policyqa.surfaces.plans import (
    PlanJobs,
    discard_upload,
    plan_rows,
    report_lines,
    short_titles,
    stage_upload,
    sweep,
)

if TYPE_CHECKING:
    from policyqa.engine.core import PolicyQA

MAX_INPUT_CHARS = 100_000
STREAM_WORDS = 6  # words added per streamed chunk
DOWNLOAD_TTL = 86_400  # seconds a generated CSV / Markdown download is kept
RETRY_SECONDS = 3.0  # while the index cannot be loaded, try again this often
EXAMPLES = [
    ("Staff", "Which bureau leads VOC remediation?"),
    ("Enterprise", "We run a 40 t/h coal boiler in the city: what applies?"),
    ("Clause lookup", "What does 3.9.2 say?"),
    ("中文", "哪个部门牵头挥发性有机物综合治理？"),
]
ALL_CHAPTERS = "All chapters"
ALL_PLANS = "*"  # the plan picker's "All plans" (no doc id is "*": they are slugs)
PLAN_COLUMNS = ["plan", "title", "issuer", "date", "doc id", "provisions", "actors", "targets", "deadlines", "added"]
UPLOAD_LIMIT = "64mb"  # Gradio's own cap; the 50 MB limit is checked with the file named (plans.stage_upload)
AGENCY_COLUMNS = ["agency", "zh", "role", "clause", "clause title"]
TARGET_COLUMNS = ["clause", "measure", "value", "unit", "direction", "year", "sentence", "note"]
# column widths by number of columns (a last "plan" column when several plans are shown together)
AGENCY_WIDTHS = {5: ["30%", "12%", "10%", "8%", "40%"], 6: ["26%", "10%", "9%", "8%", "32%", "15%"]}
TARGET_WIDTHS = {
    8: ["6%", "20%", "9%", "6%", "7%", "5%", "35%", "12%"],
    9: ["6%", "17%", "8%", "5%", "7%", "5%", "30%", "10%", "12%"],
}
CSS = """
.pq-answer p { margin: 0 0 .35em 0; }
.pq-ref { font-weight: 600; color: #1d4ed8; white-space: nowrap; }
.pq-cite { border: 1px solid #d4d4d8; border-radius: 6px; padding: .3em .6em; margin: .4em 0; }
.pq-cite summary { cursor: pointer; font-weight: 600; font-size: .95em; }
#pq-browse-list .wrap { max-height: 640px; overflow-y: auto; }
.pq-meta { font-size: .9em; color: #52525b; margin: .3em 0; }
.pq-clause { border-left: 3px solid #a1a1aa; padding-left: .6em; margin: .4em 0; }
.pq-clause mark { background: #fde68a; padding: 0 .1em; }
.pq-abstain { font-weight: 600; }
.pq-note { font-size: .85em; color: #71717a; font-style: italic; }
.pq-plan { font-weight: 600; color: #52525b; }
.pq-ok { color: #166534; }
.pq-bad { color: #b91c1c; font-weight: 600; }
.pq-summary { font-family: ui-monospace, monospace; font-size: .85em; white-space: pre-wrap; }
"""

_REF = MARKER  # the answer's clause markers, "[3.9.2]", "[102(a)(i)]", "[7(1.1)]"
_REF_HTML = r'<span class="pq-ref">[\1]</span>'
_ITEM_PREFIX = re.compile(r"^\(?\d+[.)]\s*")


# -- HTML pieces (everything escaped) ------------------------------------------------------
def esc(text: object) -> str:
    """HTML-escape any text; newlines become ``<br>`` so no blank line ends an HTML block."""
    return html.escape(str(text)).replace("\r", "").replace("\n", "<br>")


def answer_html(text: str) -> str:
    """An answer's lines as paragraphs, with ``[3.9.2]`` markers styled."""
    lines = [_REF.sub(_REF_HTML, esc(ln)) for ln in text.splitlines() if ln.strip()]
    body = "".join(f"<p>{ln}</p>" for ln in lines)
    return f'<div class="pq-answer">{body}</div>'


def highlighted_text(clause: Clause, quote: str) -> str:
    """The clause text, escaped, with the sentences of ``quote`` in ``<mark>``."""
    pieces = [s for part in quote.split("…") for s in split_sentences(part)]
    wanted = [s.strip().rstrip(".") for s in pieces if len(s.strip()) > 8]
    parts = []
    for s in clause.sentences():
        core = s.strip().rstrip(".")
        hit = any(w in s or (len(core) > 8 and core in w) for w in wanted)
        parts.append(f"<mark>{esc(s)}</mark>" if hit else esc(s))
    return " ".join(parts)


def clause_block(clause: Clause | None, cite: Citation | None = None, open_: bool = False, plan: str = "") -> str:
    """A ``<details>`` block: clause id, heading, agencies, full text with the quote marked. With
    ``plan`` (a short title: several plans are indexed) the id reads "EO 14008 Sec. 205(a)"."""
    if clause is None and cite is None:
        return ""
    cid = cite.clause_id if cite else clause.clause_id
    if plan:
        cid = f"{plan} {(cite.label if cite else clause.label) or cid}"
    heading = cite.heading if cite else clause.heading_text
    lead = cite.lead if cite else clause.lead
    responsible = cite.responsible if cite else clause.responsible
    section = heading.split(" > ")[-1] if heading else "Opening"
    if clause is not None:
        text = highlighted_text(clause, cite.quote) if cite else esc(clause.text)
    else:
        text = f"<mark>{esc(cite.quote)}</mark>"
    meta = [f"<div><b>Heading:</b> {esc(heading or 'opening')}</div>"]
    if lead:
        meta.append(f"<div><b>Lead:</b> {esc(', '.join(lead))}</div>")
    if responsible:
        meta.append(f"<div><b>Responsible:</b> {esc(', '.join(responsible))}</div>")
    if not lead and not responsible:
        meta.append("<div>No responsible agency is named.</div>")
    return (
        f'<details class="pq-cite"{" open" if open_ else ""}>'
        f"<summary>[{esc(cid)}] {esc(section)}</summary>"
        f'<div class="pq-meta">{"".join(meta)}</div>'
        f'<blockquote class="pq-clause">{text}</blockquote></details>'
    )


def _find_clause(qa: PolicyQA, clause_id: str, doc_id: str | None = None) -> Clause | None:
    try:
        return qa.clause(clause_id, doc_id)
    except PolicyQAError:
        return None


def clause_title(clause: Clause) -> str:
    """The clause's own title: its first body sentence without the item number."""
    body = [s for s in clause.sentences() if not s.startswith(("(", "["))]
    return _ITEM_PREFIX.sub("", body[0]).rstrip(".") if body else clause.heading_text


def plan_labels(qa: PolicyQA) -> dict[str, str]:
    """doc id → short title when more than one plan is indexed (labels are then needed), else {}."""
    shorts = short_titles(qa)
    return shorts if len(shorts) > 1 else {}


def full_answer_html(qa: PolicyQA, ans: dict, note: str = "") -> str:
    """The answer, then one expandable block per citation (or per nearest clause if abstained),
    wrapped in ``<div class="pq-final">`` (the streamed text before it has no wrapper). With several
    plans indexed, each citation is labelled with its plan's short title and the plan is named."""
    labels = plan_labels(qa)
    if ans["abstained"]:
        parts = [f'<div class="pq-answer pq-abstain"><p>{esc(ans["answer"])}</p></div>']
        doc = ans.get("doc_id") or None
        blocks = "".join(
            clause_block(_find_clause(qa, cid, doc) or _find_clause(qa, cid), plan=labels.get(doc or "", ""))
            for cid in ans["related"]
        )
        if blocks:
            parts.append(f'<div class="pq-note">The nearest clauses, for reference:</div>{blocks}')
    else:
        parts = [answer_html(ans["answer"])]
        for c in (Citation(**c) for c in ans["citations"]):
            parts.append(clause_block(_find_clause(qa, c.clause_id, c.doc_id), c, plan=labels.get(c.doc_id, "")))
        if ans["related"]:
            parts.append(f'<div class="pq-note">Related clauses: {esc(", ".join(ans["related"]))}</div>')
    if labels and ans.get("document"):
        parts.append(f'<div class="pq-note">From: <span class="pq-plan">{esc(ans["document"])}</span></div>')
    if note:
        parts.append(f'<div class="pq-note">{esc(note)}</div>')
    return f'<div class="pq-final">{"".join(parts)}</div>'


# -- tables -------------------------------------------------------------------------------
def picked(doc: str | None) -> str | None:
    """The doc id the plan picker holds, or None for "All plans"."""
    return None if doc in (None, "", ALL_PLANS) else doc


def clauses_of(qa: PolicyQA, doc: str | None = None) -> list[Clause]:
    """The clauses of plan ``doc`` (every plan's for None or "All plans")."""
    doc = picked(doc)
    return [c for c in qa.clauses if doc is None or c.doc_id == doc]


def _plan_column(qa: PolicyQA, doc: str | None) -> dict[str, str]:
    """doc id → short title when the tables need a plan column (several plans, none picked), else {}."""
    return plan_labels(qa) if picked(doc) is None else {}


def agency_frame(qa: PolicyQA, query: str = "", doc: str | None = None) -> pd.DataFrame:
    """Agency × clause rows (lead or responsible) of plan ``doc`` (all plans by default), filtered by
    an agency alias or any text; a last "plan" column when several plans are shown together."""
    clauses = clauses_of(qa, doc)
    plans = _plan_column(qa, doc)
    rows = [
        [a.name, a.zh_name, role, c.clause_id, clause_title(c), *([plans.get(c.doc_id, c.doc_id)] if plans else [])]
        for a in qa.registry.agencies
        for role, key in (("lead", "lead"), ("responsible", "responsible"))
        for c in clauses
        if a.name in getattr(c, key)
    ]
    query = (query or "").strip()
    if query:
        agency = qa.registry.resolve(query)
        if agency is not None:
            rows = [r for r in rows if r[0] == agency.name]
        else:
            rows = [r for r in rows if any(query.lower() in str(v).lower() for v in r)]
    return pd.DataFrame(rows, columns=AGENCY_COLUMNS + (["plan"] if plans else []))


def target_frame(qa: PolicyQA, query: str = "", doc: str | None = None) -> pd.DataFrame:
    """Every target of plan ``doc`` (all plans by default) as a row, filtered by any text."""
    plans = _plan_column(qa, doc)
    rows = [
        [
            t.clause_id,
            t.measure,
            t.value_text,
            t.unit,
            t.direction,
            "" if t.year is None else str(t.year),
            t.sentence,
            t.reading,
            *([plans.get(c.doc_id, c.doc_id)] if plans else []),
        ]
        for c in clauses_of(qa, doc)
        for t in c.targets
    ]
    query = (query or "").strip().lower()
    if query:
        rows = [r for r in rows if any(query in str(v).lower() for v in r)]
    return pd.DataFrame(rows, columns=TARGET_COLUMNS + (["plan"] if plans else []))


def _targets_of(qa: PolicyQA, doc: str | None) -> list:
    return [t for c in clauses_of(qa, doc) for t in c.targets]


def target_year(qa: PolicyQA, doc: str | None = None) -> int | None:
    """The year most percent targets are set for (the plans' horizon, read from them)."""
    years = Counter(t.year for t in _targets_of(qa, doc) if t.year and t.unit == "%")
    return years.most_common(1)[0][0] if years else None


def percent_frame(qa: PolicyQA, doc: str | None = None) -> pd.DataFrame:
    """The percent targets of :func:`target_year`, one labelled bar each."""
    rows, seen = [], set()
    year = target_year(qa, doc)
    for t in _targets_of(qa, doc):
        if t.year == year and t.unit == "%":
            label = f"{t.clause_id} {t.measure.replace('…', '').strip()}"
            label = label if len(label) <= 40 else label[:39].rstrip() + "…"
            while label in seen:
                label += " "
            seen.add(label)
            rows.append({"target": label, "percent": t.value, "direction": t.direction})
    return pd.DataFrame(rows, columns=["target", "percent", "direction"])


def chart_title(qa: PolicyQA, doc: str | None = None) -> str:
    return f"{target_year(qa, doc) or ''} targets in percent".strip()


def plan_frame(qa: PolicyQA) -> pd.DataFrame:
    """The indexed plans: short title, title, issuer and date (blank where the plan does not state them),
    doc id, counts, when added."""
    rows = [
        [
            r["short"],
            r["title"],
            r["issuer"],
            f"{r['date']} ({r['date_kind']})" if r["date"] and r["date_kind"] else r["date"],
            r["doc_id"],
            r["provisions"],
            r["actors"],
            r["targets"],
            r["deadlines"],
            r["added"],
        ]
        for r in plan_rows(qa)
    ]
    return pd.DataFrame(rows, columns=PLAN_COLUMNS)


def plan_choices(qa: PolicyQA) -> list[tuple[str, str]]:
    """The plan picker's choices: "All plans", then each plan by its short title."""
    return [("All plans", ALL_PLANS)] + [(r["short"], r["doc_id"]) for r in plan_rows(qa)]


@lru_cache(maxsize=1)
def _download_dir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="policyqa-web-"))
    atexit.register(shutil.rmtree, path, True)
    return path


def write_temp(name: str, content: pd.DataFrame | str) -> str:
    """Write a download (CSV from a frame, else text) into a fresh temp folder; return its path."""
    root = _download_dir()
    for old in root.iterdir():  # Gradio serves its own copy; ours are kept a day at most
        if old.stat().st_mtime < time.time() - DOWNLOAD_TTL:
            shutil.rmtree(old, ignore_errors=True)
    folder = root / uuid.uuid4().hex
    folder.mkdir()
    path = folder / name
    if isinstance(content, pd.DataFrame):
        content.to_csv(path, index=False, encoding="utf-8-sig")
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


# -- browse -------------------------------------------------------------------------------
def chapter_of(clause: Clause) -> str:
    """The chapter heading a clause sits under ("Opening" for the preamble)."""
    return clause.heading[0] if clause.heading else "Opening"


def chapter_choices(qa: PolicyQA, doc: str | None = None) -> list[str]:
    """ "All chapters", then the chapters of plan ``doc`` (of every plan by default)."""
    return [ALL_CHAPTERS, *dict.fromkeys(chapter_of(c) for c in clauses_of(qa, doc))]


def clause_choices(qa: PolicyQA, query: str, chapter: str, doc: str | None = None) -> list[tuple[str, str]]:
    """(label, "doc:clause") of the clauses of plan ``doc`` in ``chapter`` whose id, heading or text
    match; each label starts with its plan's short title when several plans are listed together."""
    query = (query or "").strip().lower()
    plans = _plan_column(qa, doc)
    out = []
    for c in clauses_of(qa, doc):
        if chapter not in ("", None, ALL_CHAPTERS, chapter_of(c)):
            continue
        if query and query not in f"{c.clause_id} {c.heading_text} {c.text}".lower():
            continue
        section = c.heading[-1] if c.heading else "Opening"
        label = f"{c.clause_id} · {section} — {clause_title(c)}"
        if plans:
            label = f"{plans.get(c.doc_id, c.doc_id)} {label}"
        out.append((label if len(label) <= 120 else label[:119] + "…", f"{c.doc_id}:{c.clause_id}"))
    return out


def clause_link(doc_id: str, clause_id: str) -> str:
    """The app's address of one provision, relative to the page: ``?doc=…&clause=…``."""
    return "?" + urllib.parse.urlencode({"doc": doc_id, "clause": clause_id})


def clause_panel(qa: PolicyQA, key: str | None) -> str:
    """One clause with its plan, heading, agencies, scope, full text, targets and a link to it."""
    doc_id, _, clause_id = (key or "").rpartition(":")
    c = _find_clause(qa, clause_id, doc_id or None) if clause_id else None
    if c is None:
        if clause_id:
            where = f" in plan {doc_id!r}" if doc_id else ""
            return f'<div class="pq-note">No provision {esc(clause_id)}{esc(where)}.</div>'
        return '<div class="pq-note">No clause selected.</div>'
    labels = plan_labels(qa)
    meta = [
        f"<div><b>Heading:</b> {esc(c.heading_text or 'opening')}</div>",
        f"<div><b>Lead:</b> {esc(', '.join(c.lead) or 'none named')}</div>",
        f"<div><b>Responsible:</b> {esc(', '.join(c.responsible) or 'none named')}</div>",
    ]
    if labels:
        meta.insert(0, f"<div><b>Plan:</b> {esc(qa.index.titles.get(c.doc_id, c.doc_id))}</div>")
    if c.scope:
        meta.append(f"<div><b>Scope:</b> {esc('; '.join(c.scope))}</div>")
    name = f"{labels[c.doc_id]} {c.label or c.clause_id}" if c.doc_id in labels else f"Clause {c.clause_id}"
    html_ = f'<div class="pq-browse"><h3>{esc(name)}</h3>'
    html_ += f'<div class="pq-meta">{"".join(meta)}</div>'
    html_ += f'<blockquote class="pq-clause">{esc(c.text)}</blockquote>'
    if c.targets:
        rows = "".join(
            f"<tr><td>{esc(t.measure)}</td><td>{esc(t.value_text)}</td>"
            f"<td>{esc(t.direction)}</td><td>{esc(t.year or '')}</td></tr>"
            for t in c.targets
        )
        html_ += (
            "<h4>Targets</h4><table><tr><th>measure</th><th>value</th><th>direction</th>"
            f"<th>year</th></tr>{rows}</table>"
        )
    link = esc(clause_link(c.doc_id, c.clause_id))
    html_ += f'<div class="pq-note">Link to this provision: <a class="pq-link" href="{link}">{link}</a></div>'
    return html_ + "</div>"


# -- feedback -----------------------------------------------------------------------------
def append_feedback(path: Path, record: dict) -> None:
    """Append one JSON line to the feedback log (file lock, one write, flush, fsync).

    A writer killed mid-write can leave a partial last line; the next writer cuts it off
    before appending, so every line of the log stays one whole JSON record."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # A lone surrogate (from a comment) becomes its JSON escape instead of failing to encode.
    data = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8", "backslashreplace")
    with FileLock(f"{path}.lock", timeout=10):
        with path.open("a+b") as f:
            end = f.seek(0, os.SEEK_END)
            if end:
                f.seek(end - 1)
                if f.read(1) != b"\n":
                    f.truncate(_last_line_end(f, end))
            f.write(data)
            f.flush()
            os.fsync(f.fileno())


def _last_line_end(f, end: int, block: int = 65536) -> int:
    """Offset just after the last newline before ``end`` (0 if there is none)."""
    pos = end
    while pos > 0:
        start = max(0, pos - block)
        f.seek(start)
        chunk = f.read(pos - start)
        cut = chunk.rfind(b"\n")
        if cut >= 0:
            return start + cut + 1
        pos = start
    return 0


# -- the app ------------------------------------------------------------------------------
def check_length(question: str) -> str:
    """The question, or a :class:`PolicyQAError` if it is longer than ``MAX_INPUT_CHARS``."""
    if len(question) > MAX_INPUT_CHARS:
        raise PolicyQAError(
            f"The question is {len(question):,} characters long; at most {MAX_INPUT_CHARS:,} are accepted.",
            "ask a shorter question.",
        )
    return question


def _internal(err: Exception) -> str:
    traceback.print_exc()
    return f"Something went wrong ({type(err).__name__}); the details are in the server log."


def _shown(fn):
    """Let a :class:`PolicyQAError` (e.g. the index was deleted) reach the page as its message."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except PolicyQAError as err:
            raise gr.Error(str(err)) from err

    return wrapper


def _message(role: str, content: str) -> dict[str, str]:
    return {"role": role, "content": content}


def status_html(head: str, lines: list[str] | None = None, bad: bool = False) -> str:
    """A Plans tab message: one line, then (the ingest summary) lines as printed by the CLI."""
    body = f'<p class="{"pq-bad" if bad else "pq-ok"}">{esc(head)}</p>'
    if lines:
        body += f'<div class="pq-summary">{esc(chr(10).join(lines))}</div>'
    return f'<div class="pq-status">{body}</div>'


def build_app(qa: PolicyQA, manage: bool = True, why_not: str = "") -> gr.Blocks:
    """The PolicyQA web app for a loaded :class:`~policyqa.engine.core.PolicyQA`. With ``manage``
    False (served off loopback without a password), plans cannot be added or removed: ``why_not`` says why."""
    settings = qa.settings
    private: dict[str, Any] = {"api_visibility": "private"}
    jobs = PlanJobs(settings)
    if manage:
        sweep(settings)  # files a killed server was adding, which the index never took
    off = why_not or "Adding and removing plans is off in this app."

    def ask(question: str | dict) -> dict:
        """Answer a question about the plans; returns Answer.to_dict(), or {"error": ...}. Pass the
        question, or {"question": ..., "doc": DOC_ID} to answer from that plan only."""
        doc = None
        if isinstance(question, dict):
            question, doc = question.get("question"), question.get("doc")
            if doc is not None and not isinstance(doc, str):
                return {"error": "The plan (doc) must be a doc id, a string: policyqa docs lists them."}
        if not isinstance(question, str):
            return {"error": "The question must be a string."}
        try:
            return qa.answer(check_length(valid_text(question)), doc=picked(doc)).to_dict()
        except PolicyQAError as err:
            return {"error": str(err)}
        except Exception as err:  # the caller gets a message, the log the trace
            return {"error": _internal(err)}

    def respond(question: str, chat: dict, doc: str | None = None) -> Iterator[tuple[str, list, dict]]:
        """Chat turn: show the question, answer it, stream the text, then add the citations."""
        question = valid_text(question or "")
        if not question.strip():
            yield "", chat["messages"], chat
            return
        history = [t["answer"] for t in chat["turns"] if t["answer"]]
        messages = [*chat["messages"], _message("user", f'<div class="pq-q">{esc(question)}</div>')]
        messages.append(_message("assistant", '<div class="pq-note">Searching the plan…</div>'))
        turn = {"question": question, "answer": None, "msg_index": len(messages) - 1}
        chat = {"messages": messages, "turns": [*chat["turns"], turn]}
        yield "", messages, chat
        try:
            ans = qa.answer(check_length(question), history=history or None, doc=picked(doc)).to_dict()
        except Exception as err:  # the user sees a message, the log the trace
            text = str(err) if isinstance(err, PolicyQAError) else _internal(err)
            messages[-1] = _message("assistant", f'<div class="pq-final"><p>{esc(text)}</p></div>')
            yield "", messages, chat
            return
        turn["answer"] = ans
        words = ans["answer"].split(" ")
        for i in range(STREAM_WORDS, len(words), STREAM_WORDS):
            messages[-1] = _message("assistant", answer_html(" ".join(words[:i])))
            yield "", messages, chat
            time.sleep(0.015)
        limit = settings.max_question_chars
        note = f"Only the first {limit:,} characters of the question were read." if len(question) > limit else ""
        messages[-1] = _message("assistant", full_answer_html(qa, ans, note))
        yield "", messages, chat

    def like(chat: dict, comment: str, data: gr.LikeData) -> str:
        """Append the liked/disliked answer with the vote and comment to the feedback log."""
        index = data.index if isinstance(data.index, int) else data.index[0]
        turn = next((t for t in chat["turns"] if t["msg_index"] == index), None)
        if turn is None:
            return comment
        ans = turn["answer"] or {}
        vote = {True: "up", False: "down"}.get(data.liked, str(data.liked))
        append_feedback(
            settings.feedback_path,
            {
                "question": turn["question"],
                "answer": ans.get("answer", ""),
                "citations": [c["clause_id"] for c in ans.get("citations", [])],
                "vote": vote,
                "comment": (comment or "").strip(),
                "time": datetime.now(UTC).isoformat(timespec="seconds"),
            },
        )
        gr.Info("Thank you: your feedback was saved.")
        return ""

    @_shown
    def filter_agencies(query: str, doc: str | None = None) -> tuple[dict, str]:
        df = agency_frame(qa, query, doc)
        return gr.update(value=df, column_widths=AGENCY_WIDTHS[len(df.columns)]), write_temp("who-does-what.csv", df)

    @_shown
    def filter_targets(query: str, doc: str | None = None) -> tuple[dict, str]:
        df = target_frame(qa, query, doc)
        return gr.update(value=df, column_widths=TARGET_WIDTHS[len(df.columns)]), write_temp("targets.csv", df)

    @_shown
    def filter_clauses(query: str, chapter: str, doc: str | None = None) -> tuple[dict, str]:
        choices = clause_choices(qa, query, chapter, doc)
        first = choices[0][1] if choices else None
        return gr.update(choices=choices, value=first), clause_panel(qa, first)

    def chart(doc: str | None) -> dict:
        pct = percent_frame(qa, doc)
        return gr.update(value=pct, sort=list(pct["target"]), title=chart_title(qa, doc))

    @_shown
    def views(doc: str, a_query: str, t_query: str, b_query: str) -> tuple:
        """Who does what, Targets and Browse for the plan picked (its chapters; every filter kept)."""
        chapters_now = gr.update(choices=chapter_choices(qa, doc), value=ALL_CHAPTERS)
        return (
            *filter_agencies(a_query, doc),
            *filter_targets(t_query, doc),
            chart(doc),
            chapters_now,
            *filter_clauses(b_query, ALL_CHAPTERS, doc),
        )

    # -- plans --------------------------------------------------------------------------------
    def plans_now(doc: str | None) -> tuple:
        """The plans table, the picker (kept on its plan while that stays indexed) and the removal list."""
        choices = plan_choices(qa)
        value = doc if doc in {v for _, v in choices} else ALL_PLANS
        return plan_frame(qa), gr.update(choices=choices, value=value), gr.update(choices=choices[1:], value=None)

    def add_plan(path: str | None, doc: str, progress=gr.Progress()) -> tuple:  # noqa: B008 (Gradio's way)
        """Read an uploaded file, queue its ingest, follow it with the progress bar, say what was read."""
        if not path:
            return gr.skip(), None, *plans_now(doc)
        name = Path(path).name
        if not manage:
            discard_upload(Path(path))
            return status_html(off, bad=True), None, *plans_now(doc)
        try:
            source = stage_upload(settings, Path(path), name)
        except PolicyQAError as err:
            return status_html(f"Not added: {err}", bad=True), None, *plans_now(doc)
        replacing = source.doc_id in qa.index.titles
        job = jobs.add(source, name)
        for j in jobs.follow(job):
            progress(j.fraction, desc=f"{name}: {j.what}")
        if job.error:
            return status_html(f"{name} was not added: {job.error}", bad=True), None, *plans_now(doc)
        verb = "replaces the earlier version of" if replacing else "is indexed as"
        head = f"{name} {verb} {job.doc_id}; it answers questions now."
        lines = report_lines(job.report) + [f"warning: {w}" for w in job.warnings]
        return status_html(head, lines), None, *plans_now(doc)

    def confirm_remove(doc_id: str | None) -> tuple[dict, str]:
        """The confirmation step: which plan, and what removing it does."""
        if not manage:
            return gr.update(visible=False), status_html(off, bad=True)
        if not doc_id:
            return gr.update(visible=False), status_html("Pick the plan to remove first.", bad=True)
        title = qa.index.titles.get(doc_id, doc_id)
        return gr.update(visible=True), (
            f"<p>Remove <b>{esc(title)}</b> ({esc(doc_id)}) from the index? Questions are no longer "
            "answered from it; you can add it again later.</p>"
        )

    def remove_plan(doc_id: str | None, doc: str, progress=gr.Progress()) -> tuple:  # noqa: B008 (Gradio's way)
        if not manage:
            return status_html(off, bad=True), gr.update(visible=False), *plans_now(doc)
        if not doc_id:
            return status_html("Pick the plan to remove first.", bad=True), gr.update(visible=False), *plans_now(doc)
        title = qa.index.titles.get(doc_id, doc_id)
        job = jobs.remove(doc_id, title)
        for j in jobs.follow(job):
            progress(j.fraction, desc=f"Removing {doc_id}: {j.what}")
        if job.error:
            message = status_html(f"{title} was not removed: {job.error}", bad=True)
        else:
            message = status_html(f"Removed {title} ({doc_id}).", report_lines(job.report))
        return message, gr.update(visible=False), *plans_now(doc)

    def on_load(request: gr.Request) -> tuple:
        """Fresh tables for every page load (the index may have changed), and ``?doc=…&clause=…``:
        that provision opened in Browse, with its plan picked."""
        params = dict(request.query_params) if request is not None else {}
        doc, clause = (params.get("doc") or "").strip(), (params.get("clause") or "").strip()
        if doc and doc not in qa.index.titles:
            gr.Warning(f"No plan {doc!r} in the index: showing all plans.")
            doc = ""
        if clause and not doc:  # a link without its plan: the first plan that has the provision
            doc = next((c.doc_id for c in qa.clauses if c.clause_id == clause), "")
        doc = doc or ALL_PLANS
        table, picker_now, removal = plans_now(doc)
        shown = views(doc, "", "", "")
        if clause:
            choices = clause_choices(qa, "", ALL_CHAPTERS, doc)
            key = f"{doc}:{clause}"
            listed = gr.update(choices=choices, value=key if key in {v for _, v in choices} else None)
            shown = (*shown[:-2], listed, clause_panel(qa, key))
        return table, picker_now, removal, *shown

    chapters = chapter_choices(qa)
    first_choices = clause_choices(qa, "", ALL_CHAPTERS)
    first_key = first_choices[0][1] if first_choices else None

    cache_cleanup = (3600, DOWNLOAD_TTL)  # Gradio's copies of the downloads
    with gr.Blocks(title="PolicyQA", analytics_enabled=False, delete_cache=cache_cleanup) as demo:
        gr.Markdown("# PolicyQA\nAnswers come only from the plans' clauses, each with its source.")
        chat_state = gr.State({"messages": [], "turns": []})
        with gr.Row():
            plan_picker = gr.Dropdown(
                plan_choices(qa),
                value=ALL_PLANS,
                label="Plan: the tabs answer from this plan only",
                elem_id="pq-plan",
                interactive=True,
                scale=1,
            )
            gr.HTML(scale=2)
        with gr.Tab("Ask", id="ask"):
            chatbot = gr.Chatbot(
                label="Conversation",
                height=520,
                latex_delimiters=[],
                elem_id="pq-chat",
                buttons=[],
                placeholder="Ask about the plan: who leads what, targets, clauses.",
            )
            with gr.Row():
                box = gr.Textbox(
                    show_label=False,
                    scale=8,
                    elem_id="pq-question",
                    max_length=MAX_INPUT_CHARS,
                    placeholder="e.g. Which bureau leads VOC remediation?",
                )
                send = gr.Button("Ask", variant="primary", scale=1, elem_id="pq-send")
            gr.Examples(
                [q for _, q in EXAMPLES],
                inputs=[box],
                label="Examples",
                example_labels=[f"{who}: {q}" for who, q in EXAMPLES],
                api_visibility="private",
            )
            comment = gr.Textbox(
                label="Comment (optional): saved with your next thumbs up or down",
                elem_id="pq-comment",
                max_length=2000,
            )
            for trigger in (box.submit, send.click):
                trigger(respond, [box, chat_state, plan_picker], [box, chatbot, chat_state], **private)
            chatbot.like(like, [chat_state, comment], [comment], **private)
            chatbot.clear(lambda: {"messages": [], "turns": []}, None, [chat_state], **private)

        with gr.Tab("Who does what", id="who"):
            agencies0 = agency_frame(qa)
            a_filter = gr.Textbox(
                label="Filter by agency (any name, short form or Chinese name) or text",
                elem_id="pq-agency-filter",
                placeholder="e.g. EEB, 市发展改革委, coal",
            )
            a_table = gr.Dataframe(
                agencies0,
                interactive=False,
                wrap=True,
                elem_id="pq-agency-table",
                max_height=600,
                column_widths=AGENCY_WIDTHS[len(agencies0.columns)],
            )
            a_csv = gr.DownloadButton(
                "Download CSV", write_temp("who-does-what.csv", agencies0), elem_id="pq-agency-csv"
            )
            a_filter.change(
                filter_agencies, [a_filter, plan_picker], [a_table, a_csv], trigger_mode="always_last", **private
            )

        with gr.Tab("Targets", id="targets"):
            targets0 = target_frame(qa)
            t_filter = gr.Textbox(
                label="Filter targets",
                elem_id="pq-target-filter",
                placeholder="e.g. percent, 3.9.1, coal",
            )
            t_table = gr.Dataframe(
                targets0,
                interactive=False,
                wrap=True,
                elem_id="pq-target-table",
                max_height=600,
                column_widths=TARGET_WIDTHS[len(targets0.columns)],
            )
            t_csv = gr.DownloadButton("Download CSV", write_temp("targets.csv", targets0), elem_id="pq-target-csv")
            pct = percent_frame(qa)
            t_chart = gr.BarPlot(
                pct,
                x="target",
                y="percent",
                color="direction",
                sort=list(pct["target"]),
                title=chart_title(qa),
                x_label_angle=-35,
                height=420,
                elem_id="pq-target-chart",
            )
            t_filter.change(
                filter_targets, [t_filter, plan_picker], [t_table, t_csv], trigger_mode="always_last", **private
            )

        with gr.Tab("Browse", id="browse", elem_id="pq-tab-browse"):
            with gr.Row():
                search = gr.Textbox(label="Search clause text", elem_id="pq-browse-search", scale=2)
                chapter = gr.Dropdown(chapters, value=ALL_CHAPTERS, label="Chapter", scale=2)
            with gr.Row():
                picker = gr.Radio(
                    first_choices,
                    value=first_key,
                    label="Clauses",
                    elem_id="pq-browse-list",
                    scale=2,
                )
                panel = gr.HTML(clause_panel(qa, first_key), elem_id="pq-browse-panel", padding=True)
            search.change(
                filter_clauses,
                [search, chapter, plan_picker],
                [picker, panel],
                trigger_mode="always_last",
                **private,
            )
            # (.input: a chapter list refreshed for another plan must not reset the provision shown)
            chapter.input(filter_clauses, [search, chapter, plan_picker], [picker, panel], **private)
            picker.change(lambda key: clause_panel(qa, key), [picker], [panel], **private)

        with gr.Tab("My obligations", id="obligations"):
            obligations_tab(qa, plan_picker, Hooks(lambda: plan_labels(qa), clause_link, write_temp, picked), private)

        with gr.Tab("Plans", id="plans", elem_id="pq-tab-plans"):
            p_table = gr.Dataframe(
                plan_frame(qa),
                interactive=False,
                wrap=True,
                elem_id="pq-plans-table",
                column_widths=["14%", "36%", "20%", "6%", "6%", "6%", "6%", "6%"],
            )
            if not manage:
                gr.HTML(f'<p class="pq-bad">{esc(off)}</p>', elem_id="pq-plans-off")
            p_upload = gr.File(
                label="Add a plan, or a new version of one (same file name): .pdf .docx .html .txt .md, up to 50 MB",
                file_count="single",
                type="filepath",
                interactive=manage,
                elem_id="pq-plan-upload",
                height=120,
            )
            p_status = gr.HTML(elem_id="pq-plan-status", padding=True)
            with gr.Row():
                p_pick = gr.Dropdown(
                    plan_choices(qa)[1:],
                    value=None,
                    label="Remove a plan",
                    interactive=manage,
                    elem_id="pq-remove-pick",
                    scale=3,
                )
                p_remove = gr.Button(
                    "Remove…", variant="stop", interactive=manage, elem_id="pq-remove", scale=1, min_width=120
                )
            with gr.Row(visible=False, elem_id="pq-remove-confirm") as p_confirm:
                p_confirm_text = gr.HTML(elem_id="pq-remove-question")
                p_yes = gr.Button("Yes, remove it", variant="stop", elem_id="pq-remove-yes", scale=0, min_width=140)
                p_no = gr.Button("Cancel", elem_id="pq-remove-no", scale=0, min_width=100)

        scoped = [a_table, a_csv, t_table, t_csv, t_chart, chapter, picker, panel]
        plans_out = [p_table, plan_picker, p_pick]
        refresh = {"fn": views, "inputs": [plan_picker, a_filter, t_filter, search], "outputs": scoped, **private}
        plan_picker.input(**refresh)
        # (the progress bar shows in the status line only; the ingest queue, not Gradio's, orders the jobs)
        p_upload.upload(
            add_plan,
            [p_upload, plan_picker],
            [p_status, p_upload, *plans_out],
            show_progress_on=[p_status],
            concurrency_limit=None,
            **private,
        ).then(**refresh)
        p_remove.click(confirm_remove, [p_pick], [p_confirm, p_confirm_text], **private)
        p_no.click(lambda: gr.update(visible=False), None, [p_confirm], **private)
        p_yes.click(
            remove_plan,
            [p_pick, plan_picker],
            [p_status, p_confirm, *plans_out],
            show_progress_on=[p_status],
            concurrency_limit=None,
            **private,
        ).then(**refresh)

        # Fresh tables for every page load (the index may have changed); ?doc=…&clause=… opens Browse.
        demo.load(on_load, None, [*plans_out, *scoped], queue=False, **private).then(
            None,
            js="() => { if (new URLSearchParams(location.search).get('clause'))"
            " document.querySelector('#pq-tab-browse-button')?.click(); }",
            **private,
        )
        gr.api(ask, api_name="ask")

        def obligations(profile: str, doc: str | None = None, form: str | dict | None = None) -> dict:
            """What applies to an organisation describing itself: the JSON of ``policyqa obligations --json``,
            or {"error": ...}. ``doc`` scopes it to one plan; ``form`` is a JSON object of the form's fields
            (sector, products, equipment, location, energy_use, ownership, projects)."""
            return api_obligations(qa, profile, doc, form)

        gr.api(obligations, api_name="obligations")
    return demo


def error_app(err: PolicyQAError) -> gr.Blocks:
    """A page that says why PolicyQA cannot answer (e.g. no index yet), and how to fix it."""
    with gr.Blocks(title="PolicyQA: not ready", analytics_enabled=False) as demo:
        gr.HTML(
            f"<h2>PolicyQA cannot answer yet</h2><p>{esc(err.problem)}</p>"
            + (f"<p><b>Fix:</b> {esc(err.fix)}</p>" if err.fix else "")
            + "<p>This page is replaced by the app as soon as the index loads: reload it then.</p>",
            elem_id="pq-error",
        )

        def ask(question: str) -> dict:
            """Always the start-up error."""
            return {"error": str(err)}

        def obligations(profile: str, doc: str | None = None, form: str | dict | None = None) -> dict:
            """Always the start-up error."""
            return {"error": str(err)}

        gr.api(ask, api_name="ask")
        gr.api(obligations, api_name="obligations")
    return demo


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _auth(settings: Settings, host: str, no_auth: bool) -> tuple[str, str] | None:
    """The (user, password) to require, or None; refuses an open non-loopback bind."""
    if settings.auth is not None:
        user, sep, password = settings.auth.get_secret_value().partition(":")
        if not (sep and user and password):
            raise PolicyQAError(
                "POLICYQA_AUTH is not of the form user:password.",
                "set POLICYQA_AUTH=user:password (the password may contain ':').",
            )
        return user, password
    if not _is_loopback(host):
        if not no_auth:
            raise PolicyQAError(
                f"Refusing to serve on {host} without a password.",
                "set POLICYQA_AUTH=user:password, or pass --no-auth to serve openly.",
            )
        print(
            f"WARNING: serving on {host} without a password: anyone who can reach this port can use the app.",
            file=sys.stderr,
        )
    return None


def managing(settings: Settings, host: str) -> tuple[bool, str]:
    """Whether people may add and remove plans: on loopback, or behind a password (POLICYQA_AUTH);
    when not, the reason shown in the Plans tab."""
    if settings.auth is not None or _is_loopback(host):
        return True, ""
    return False, (
        f"Adding and removing plans is off: the app is served on {host} without a password. "
        "Set POLICYQA_AUTH=user:password (or serve on 127.0.0.1) to manage plans here; "
        "from the command line: policyqa ingest FILE, policyqa remove DOC_ID."
    )


def blocked_paths(settings: Settings) -> list[str]:
    """Paths the server must never hand out: the data dir and the project's own files."""
    names = ["app", "ingest", "eval", "tests", "corpus", ".git", ".venv", "pyproject.toml"]
    return [str(Path(settings.data_dir).resolve())] + [str(PROJECT_ROOT / n) for n in names]


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _load() -> tuple[PolicyQA | None, PolicyQAError | None]:
    """The loaded and warmed-up core, or the error that stops it loading."""
    from policyqa.engine.core import get_policyqa

    try:
        qa = get_policyqa()
        qa.answer(EXAMPLES[0][1])  # warm up, so the first user does not wait for it
    except PolicyQAError as err:
        return None, err
    return qa, None


def _launch(demo: gr.Blocks, settings: Settings, host: str, port: int, auth, block: bool) -> None:
    demo.queue(default_concurrency_limit=settings.concurrency, max_size=settings.queue_size)
    demo.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        share=False,
        ssr_mode=False,
        blocked_paths=blocked_paths(settings),
        max_file_size=UPLOAD_LIMIT,
        css=CSS,
        footer_links=["api"],
        inbrowser=False,
        prevent_thread_lock=not block,
    )


def serve(host: str = "127.0.0.1", port: int = 7860, no_auth: bool = False) -> None:
    """Load the index once and serve the app. While it cannot be loaded (no index, a damaged
    one, the Chroma server down) an error page says why and how to fix it, and loading is
    retried every ``RETRY_SECONDS``: once it succeeds the app replaces the error page."""
    settings = get_settings()
    auth = _auth(settings, host, no_auth)
    if threading.current_thread() is threading.main_thread():  # stop cleanly on SIGTERM too
        signal.signal(signal.SIGTERM, _interrupt)
    started = time.perf_counter()
    qa, err = _load()
    while qa is None:
        print(f"PolicyQA cannot answer: {err}", file=sys.stderr)
        page = error_app(err)
        _launch(page, settings, host, port, auth, block=False)
        try:
            while qa is None:
                time.sleep(RETRY_SECONDS)
                qa, again = _load()
                if qa is None and str(again) != str(err):
                    err = again  # show the new reason
                    break
        finally:
            page.close()
    print(f"PolicyQA loaded {len(qa.clauses)} clauses in {time.perf_counter() - started:.1f} s.")
    manage, why_not = managing(settings, host)
    _launch(build_app(qa, manage, why_not), settings, host, port, auth, block=True)
