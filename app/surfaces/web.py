"""The web app: ask with cited clauses, who does what, targets, browse, and my obligations.

``build_app(qa)`` builds the Gradio Blocks; ``serve()`` loads the index once and launches it.
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
SECTORS = {
    "steel": "steel",
    "cement": "cement",
    "chemicals": "chemicals",
    "printing": "printing",
    "coating / furniture": "coating and furniture",
    "data centre": "data centre",
    "logistics / express delivery": "logistics and express delivery",
    "livestock farm": "livestock farming",
}
LOCATIONS = ["urban built-up area", "industrial park", "elsewhere"]
ALL_CHAPTERS = "All chapters"
AGENCY_COLUMNS = ["agency", "zh", "role", "clause", "clause title"]
TARGET_COLUMNS = ["clause", "measure", "value", "unit", "direction", "year", "sentence", "note"]
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


def clause_block(clause: Clause | None, cite: Citation | None = None, open_: bool = False) -> str:
    """A ``<details>`` block: clause id, heading, agencies, full text with the quote marked."""
    if clause is None and cite is None:
        return ""
    cid = cite.clause_id if cite else clause.clause_id
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


def full_answer_html(qa: PolicyQA, ans: dict, note: str = "") -> str:
    """The answer, then one expandable block per citation (or per nearest clause if abstained),
    wrapped in ``<div class="pq-final">`` (the streamed text before it has no wrapper)."""
    if ans["abstained"]:
        parts = [f'<div class="pq-answer pq-abstain"><p>{esc(ans["answer"])}</p></div>']
        blocks = "".join(clause_block(_find_clause(qa, cid)) for cid in ans["related"])
        if blocks:
            parts.append(f'<div class="pq-note">The nearest clauses, for reference:</div>{blocks}')
    else:
        parts = [answer_html(ans["answer"])]
        for c in (Citation(**c) for c in ans["citations"]):
            parts.append(clause_block(_find_clause(qa, c.clause_id, c.doc_id), c))
        if ans["related"]:
            parts.append(f'<div class="pq-note">Related clauses: {esc(", ".join(ans["related"]))}</div>')
    if note:
        parts.append(f'<div class="pq-note">{esc(note)}</div>')
    return f'<div class="pq-final">{"".join(parts)}</div>'


# -- tables -------------------------------------------------------------------------------
def agency_frame(qa: PolicyQA, query: str = "") -> pd.DataFrame:
    """Agency × clause rows (lead or responsible), filtered by an agency alias or any text."""
    titles = {c.clause_id: clause_title(c) for c in qa.clauses}
    rows = [
        [r["agency"], r["zh"], role, cid, titles.get(cid, "")]
        for r in qa.agency_table()
        for role, key in (("lead", "leads"), ("responsible", "shares"))
        for cid in r[key]
    ]
    query = (query or "").strip()
    if query:
        agency = qa.registry.resolve(query)
        if agency is not None:
            rows = [r for r in rows if r[0] == agency.name]
        else:
            rows = [r for r in rows if any(query.lower() in str(v).lower() for v in r)]
    return pd.DataFrame(rows, columns=AGENCY_COLUMNS)


def target_frame(qa: PolicyQA, query: str = "") -> pd.DataFrame:
    """Every target as a row, filtered by any text."""
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
        ]
        for t in qa.targets()
    ]
    query = (query or "").strip().lower()
    if query:
        rows = [r for r in rows if any(query in str(v).lower() for v in r)]
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)


def target_year(qa: PolicyQA) -> int | None:
    """The year most percent targets are set for (the plans' horizon, read from them)."""
    years = Counter(t.year for t in qa.targets() if t.year and t.unit == "%")
    return years.most_common(1)[0][0] if years else None


def percent_frame(qa: PolicyQA) -> pd.DataFrame:
    """The percent targets of :func:`target_year`, one labelled bar each."""
    rows, seen = [], set()
    year = target_year(qa)
    for t in qa.targets():
        if t.year == year and t.unit == "%":
            label = f"{t.clause_id} {t.measure.replace('…', '').strip()}"
            label = label if len(label) <= 40 else label[:39].rstrip() + "…"
            while label in seen:
                label += " "
            seen.add(label)
            rows.append({"target": label, "percent": t.value, "direction": t.direction})
    return pd.DataFrame(rows, columns=["target", "percent", "direction"])


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


def clause_choices(qa: PolicyQA, query: str, chapter: str) -> list[tuple[str, str]]:
    """(label, "doc:clause") of the clauses in ``chapter`` whose id, heading or text match."""
    query = (query or "").strip().lower()
    out = []
    for c in qa.clauses:
        if chapter not in ("", ALL_CHAPTERS, chapter_of(c)):
            continue
        if query and query not in f"{c.clause_id} {c.heading_text} {c.text}".lower():
            continue
        section = c.heading[-1] if c.heading else "Opening"
        label = f"{c.clause_id} · {section} — {clause_title(c)}"
        out.append((label if len(label) <= 120 else label[:119] + "…", f"{c.doc_id}:{c.clause_id}"))
    return out


def clause_panel(qa: PolicyQA, key: str | None) -> str:
    """One clause with its heading, agencies, scope, full text and targets."""
    doc_id, _, clause_id = (key or "").rpartition(":")
    c = _find_clause(qa, clause_id, doc_id or None) if clause_id else None
    if c is None:
        return '<div class="pq-note">No clause selected.</div>'
    meta = [
        f"<div><b>Heading:</b> {esc(c.heading_text or 'opening')}</div>",
        f"<div><b>Lead:</b> {esc(', '.join(c.lead) or 'none named')}</div>",
        f"<div><b>Responsible:</b> {esc(', '.join(c.responsible) or 'none named')}</div>",
    ]
    if c.scope:
        meta.append(f"<div><b>Scope:</b> {esc('; '.join(c.scope))}</div>")
    html_ = f'<div class="pq-browse"><h3>Clause {esc(c.clause_id)}</h3>'
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


# -- obligations --------------------------------------------------------------------------
def obligation_question(sector: str, location: str, boiler: bool, capacity: float | None, description: str = "") -> str:
    """The question the My obligations form asks (a typed description wins over the form)."""
    if description and description.strip():
        return description.strip()
    q = f"We are a {SECTORS.get(sector, sector or 'manufacturing')} enterprise"
    if location in LOCATIONS[:2]:
        q += f" in the {location}"
    if boiler and capacity:
        q += f" with a {capacity:g} t/h coal-fired boiler"
    return q + ": what applies to us?"


def obligations_markdown(ans: dict) -> str:
    """The My obligations result as a Markdown document (text escaped)."""

    def md(text: str) -> str:
        return html.escape(text, quote=False)

    out = ["# What the plan asks of us", "", f"Question: {md(ans['question'])}", ""]
    if ans["abstained"]:
        return "\n".join(out + [md(ans["answer"]), ""])
    out += [f"{md(line)}  " for line in ans["answer"].splitlines()] + [""]
    for c in ans["citations"]:
        out += [
            f"## Clause {md(c['clause_id'])}",
            "",
            f"*{md(c['heading'])}*",
            "",
            f"> {md(c['quote'])}",
            "",
        ]
        if c["lead"]:
            out.append(f"- Lead: {md(', '.join(c['lead']))}")
        if c["responsible"]:
            out.append(f"- Responsible: {md(', '.join(c['responsible']))}")
        out.append("")
    return "\n".join(out)


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


def build_app(qa: PolicyQA) -> gr.Blocks:
    """The PolicyQA web app for a loaded :class:`~policyqa.engine.core.PolicyQA`."""
    settings = qa.settings
    private: dict[str, Any] = {"api_visibility": "private"}

    def ask(question: str) -> dict:
        """Answer a question about the plan; returns Answer.to_dict(), or {"error": ...}."""
        if not isinstance(question, str):
            return {"error": "The question must be a string."}
        try:
            return qa.answer(check_length(valid_text(question))).to_dict()
        except PolicyQAError as err:
            return {"error": str(err)}
        except Exception as err:  # the caller gets a message, the log the trace
            return {"error": _internal(err)}

    def respond(question: str, chat: dict) -> Iterator[tuple[str, list, dict]]:
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
            ans = qa.answer(check_length(question), history=history or None).to_dict()
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
    def filter_agencies(query: str) -> tuple[pd.DataFrame, str]:
        df = agency_frame(qa, query)
        return df, write_temp("who-does-what.csv", df)

    @_shown
    def filter_targets(query: str) -> tuple[pd.DataFrame, str]:
        df = target_frame(qa, query)
        return df, write_temp("targets.csv", df)

    @_shown
    def filter_clauses(query: str, chapter: str) -> tuple[dict, str]:
        choices = clause_choices(qa, query, chapter)
        first = choices[0][1] if choices else None
        return gr.update(choices=choices, value=first), clause_panel(qa, first)

    def obligations(
        sector: str, location: str, boiler: bool, capacity: float | None, description: str
    ) -> tuple[str, str, dict]:
        question = valid_text(obligation_question(sector, location, boiler, capacity, description))
        try:
            ans = qa.answer(check_length(question)).to_dict()
        except Exception as err:  # the user sees a message, the log the trace
            text = str(err) if isinstance(err, PolicyQAError) else _internal(err)
            return f"<div>{esc(text)}</div>", "", gr.update(visible=False)
        head = f'<div class="pq-note">Question asked: {esc(question)}</div>'
        if ans["abstained"]:
            return head, full_answer_html(qa, ans), gr.update(visible=False)
        cards = []
        for c in (Citation(**c) for c in ans["citations"]):
            cards.append(clause_block(_find_clause(qa, c.clause_id, c.doc_id), c, open_=True))
        body = answer_html(ans["answer"]) + "<h3>Clauses that apply</h3>" + "".join(cards)
        path = write_temp("obligations.md", obligations_markdown(ans))
        return head, body, gr.update(value=path, visible=True)

    chapters = [ALL_CHAPTERS, *dict.fromkeys(chapter_of(c) for c in qa.clauses)]
    first_choices = clause_choices(qa, "", ALL_CHAPTERS)
    first_key = first_choices[0][1] if first_choices else None

    cache_cleanup = (3600, DOWNLOAD_TTL)  # Gradio's copies of the downloads
    with gr.Blocks(title="PolicyQA", analytics_enabled=False, delete_cache=cache_cleanup) as demo:
        gr.Markdown("# PolicyQA\nAnswers come only from the plan's clauses, each with its source.")
        chat_state = gr.State({"messages": [], "turns": []})
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
                trigger(respond, [box, chat_state], [box, chatbot, chat_state], **private)
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
                column_widths=["30%", "12%", "10%", "8%", "40%"],
            )
            a_csv = gr.DownloadButton(
                "Download CSV", write_temp("who-does-what.csv", agencies0), elem_id="pq-agency-csv"
            )
            a_filter.change(filter_agencies, [a_filter], [a_table, a_csv], trigger_mode="always_last", **private)

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
                column_widths=["6%", "20%", "9%", "6%", "7%", "5%", "35%", "12%"],
            )
            t_csv = gr.DownloadButton("Download CSV", write_temp("targets.csv", targets0), elem_id="pq-target-csv")
            pct = percent_frame(qa)
            gr.BarPlot(
                pct,
                x="target",
                y="percent",
                color="direction",
                sort=list(pct["target"]),
                title=f"{target_year(qa) or ''} targets in percent".strip(),
                x_label_angle=-35,
                height=420,
                elem_id="pq-target-chart",
            )
            t_filter.change(filter_targets, [t_filter], [t_table, t_csv], trigger_mode="always_last", **private)

        with gr.Tab("Browse", id="browse"):
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
                [search, chapter],
                [picker, panel],
                trigger_mode="always_last",
                **private,
            )
            chapter.change(filter_clauses, [search, chapter], [picker, panel], **private)
            picker.change(lambda key: clause_panel(qa, key), [picker], [panel], **private)

        with gr.Tab("My obligations", id="obligations"):
            with gr.Row():
                sector = gr.Dropdown(list(SECTORS), value="steel", label="Sector", elem_id="pq-sector")
                location = gr.Radio(LOCATIONS, value=LOCATIONS[0], label="Location", elem_id="pq-location")
            with gr.Row():
                boiler = gr.Checkbox(True, label="We run a coal-fired boiler", elem_id="pq-boiler")
                capacity = gr.Number(40, label="Boiler capacity (t/h)", minimum=0, elem_id="pq-capacity")
            description = gr.Textbox(
                label="Or describe your enterprise in your own words (used instead of the form)",
                elem_id="pq-description",
                max_length=MAX_INPUT_CHARS,
            )
            go = gr.Button("What applies to us?", variant="primary", elem_id="pq-obligations-go")
            o_question = gr.HTML(elem_id="pq-obligations-question")
            o_result = gr.HTML(elem_id="pq-obligations-result", padding=True)
            o_md = gr.DownloadButton("Export as Markdown", visible=False, elem_id="pq-obligations-md")
            go.click(
                obligations,
                [sector, location, boiler, capacity, description],
                [o_question, o_result, o_md],
                **private,
            )

        # Fresh tables and CSV files for every page load (the index may have been re-ingested).
        demo.load(
            lambda: (*filter_agencies(""), *filter_targets("")),
            None,
            [a_table, a_csv, t_table, t_csv],
            queue=False,
            **private,
        )
        gr.api(ask, api_name="ask")
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

        gr.api(ask, api_name="ask")
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
        max_file_size="1mb",
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
    _launch(build_app(qa), settings, host, port, auth, block=True)
