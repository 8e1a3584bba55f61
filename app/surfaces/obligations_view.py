"""The web app's My obligations tab and its ``obligations`` API: what applies to an organisation, and why.

An organisation describes itself (free text and a form of generic fields); the tab calls
``PolicyQA.obligations(text, doc, form)``, the one code path the CLI and the evaluation use, and shows the
result grouped: *Must*, *Should know*, *Touches everyone* and *We could not tell*. One function,
:func:`obligation_rows`, turns a result into rows; the page, the Markdown export and the CSV export are
each made from those rows, so all three hold the same list. For each condition the engine asked back
("Is the site in industrial parks?") a "What changes if …" control re-runs the profile with that condition
set and says which provisions it adds and drops.

Nothing here knows a plan: the form's fields are the keys of
:func:`policyqa.engine.obligations.read_profile`, and the web app passes in its own helpers (plan labels,
provision links, temp files) so this module does not import it.
"""

from __future__ import annotations

import html
import json
import re
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import gradio as gr
import pandas as pd
from policyqa.engine.text import valid_text
from policyqa.errors import PolicyQAError

if TYPE_CHECKING:
    from policyqa.engine.core import PolicyQA

MAX_PROFILE_CHARS = 100_000
MAX_TOGGLES = 4  # "What changes if …" controls shown at most
NOT_SET = "not set"
LOCATION_KINDS = {  # the form's choice → the words read_profile is given
    "industrial park": "industrial park",
    "urban built-up area": "urban built-up area",
    "rural": "rural",
    "unknown": "",
}
OWNERSHIP = {
    "not given": "",
    "state-owned": "state-owned enterprise",
    "private": "privately owned",
    "public body": "a public body",
}
FUELS = ["", "coal", "gas", "oil", "diesel", "biomass", "electric"]
SIZE_UNITS = ["t/h", "MW", "kW"]
ENERGY_UNITS = ["tce", "MWh", "GJ"]
PLANNED = "we plan a new or expanded project"
GROUPS = {  # key of Obligations.to_dict() → (group shown, what it means)
    "must": ("Must", "binding on you as described"),
    "should_know": ("Should know", "promoted for what you do, or binding if a condition changes (it says which)"),
    "plan_wide": ("Touches everyone", "provisions addressed to everyone the plan governs"),
    "ask_back": ("We could not tell", "answer these to be sure; see What changes if … below"),
}
COLUMNS = [
    "group",
    "plan",
    "provision",
    "section",
    "sentence",
    "why it applies",
    "strength",
    "why this strength",
    "by when",
    "who enforces or leads",
    "document",
    "doc id",
    "clause id",
]
NOTHING_BINDS = "Nothing in this plan binds you specifically."
_CLAUSE_IN_QUESTION = re.compile(r"\((\S+?)(?:\s[^()]*)?\)$")  # "… (3.8.2)", "… (3.8.2 draws a line at …)"
_PLACE_Q = re.compile(r"^Is the site (?:in|inside) (?P<place>.+?)\? \((?P<clause>[^)]+)\)$")
_SIZE_Q = re.compile(
    r"^What is the size of your (?P<what>.+?) in (?P<unit>.+?)\? "
    r"\((?P<clause>\S+) draws a line at (?P<value>[\d.,]+) (?P<line_unit>.+)\)$"
)


@dataclass
class Hooks:
    """What the tab takes from the web app: plan labels, provision links, temp files, the picked plan."""

    labels: Callable[[], dict[str, str]]  # doc id → short title when several plans are indexed, else {}
    link: Callable[[str, str], str]  # (doc id, clause id) → the app's address of that provision
    write: Callable[[str, Any], str]  # (file name, CSV frame or text) → path of a download
    picked: Callable[[str | None], str | None]  # the plan picker's value → doc id or None (all plans)


@dataclass
class Toggle:
    """An asked-back condition the person can set: the question, its choices and the form field each sets."""

    question: str
    choices: list[str]
    field: str  # "location" or "equipment"
    values: dict[str, Any]  # choice → what it adds to that field


# -- the form -----------------------------------------------------------------------------------------
def form_fields(
    sector: str = "",
    products: str = "",
    equipment: str = "",
    fuel: str = "",
    size: float | None = None,
    unit: str = "",
    location: str = "unknown",
    ownership: str = "not given",
    planned: str = "no",
    energy_use: float | None = None,
    energy_unit: str = "",
) -> dict:
    """The form's inputs as the profile form that ``read_profile`` reads (empty fields left out)."""
    form: dict[str, Any] = {
        "sector": (sector or "").strip(),
        "products": (products or "").strip(),
        "location": LOCATION_KINDS.get(location, location or ""),
        "ownership": OWNERSHIP.get(ownership, ownership or ""),
        "projects": PLANNED if planned == "yes" else "",
    }
    if energy_use:
        form["energy_use"] = f"annual energy use of {_number(energy_use)} {energy_unit or ''}".strip()
    item = _equipment(equipment, fuel, size, unit)
    if item:
        form["equipment"] = [item]
    return {k: v for k, v in form.items() if v}


def _number(value: float) -> int | float:
    """40.0 → 40, 34.65 → 34.65: a size as a person writes it."""
    return int(value) if float(value).is_integer() else round(float(value), 4)


def _equipment(kind: str, fuel: str, size: float | None, unit: str) -> dict:
    """One piece of equipment for the form ({} when the row is empty); a unit only goes with a size."""
    item: dict[str, Any] = {"kind": (kind or "").strip(), "fuel": (fuel or "").strip()}
    if size:
        item |= {"capacity": _number(size), "unit": (unit or "").strip()}
    item = {k: v for k, v in item.items() if v != ""}
    return item if item.get("kind") or item.get("capacity") else {}


def parse_form(form: str | dict | None) -> dict:
    """The API's form argument (a JSON object, as text or already decoded) as a dict."""
    if form in (None, ""):
        return {}
    if isinstance(form, str):
        try:
            form = json.loads(form)
        except json.JSONDecodeError as exc:
            raise PolicyQAError(
                f"The form is not JSON ({exc.msg}).", 'pass an object, e.g. {"location": "industrial park"}'
            ) from exc
    if not isinstance(form, dict):
        raise PolicyQAError("The form must be a JSON object.", 'pass an object, e.g. {"location": "industrial park"}')
    return form


def find(qa: PolicyQA, text: str, doc: str | None, form: dict) -> dict:
    """``qa.obligations(...).to_dict()`` for a profile checked for length and cleaned like any input."""
    text = valid_text(text or "")
    if len(text) > MAX_PROFILE_CHARS:
        raise PolicyQAError(
            f"The description is {len(text):,} characters long; at most {MAX_PROFILE_CHARS:,} are accepted.",
            "describe your organisation more briefly.",
        )
    if not text.strip() and not form:
        raise PolicyQAError(
            "No profile given.", 'describe your organisation, e.g. "a printing plant using solvent-based inks"'
        )
    return qa.obligations(text, doc=doc, form=form or None).to_dict()


def api_obligations(qa: PolicyQA, profile: str, doc: str | None = None, form: str | dict | None = None) -> dict:
    """The ``obligations`` endpoint: the JSON of ``policyqa obligations --json``, or {"error": ...}."""
    if not isinstance(profile, str):
        return {"error": "The profile must be a string."}
    if doc is not None and not isinstance(doc, str):
        return {"error": "The plan (doc) must be a doc id, a string: policyqa docs lists them."}
    try:
        return find(qa, profile, doc or None, parse_form(form))
    except PolicyQAError as err:
        return {"error": str(err)}
    except Exception as err:  # the caller gets a message, the log the trace
        return {"error": _internal(err)}


def _internal(err: Exception) -> str:
    traceback.print_exc()
    return f"Something went wrong ({type(err).__name__}); the details are in the server log."


# -- one list of rows: the page, the Markdown and the CSV are made from it ------------------------------
def obligation_rows(result: dict, labels: dict[str, str]) -> list[dict[str, str]]:
    """Every listed provision (and every asked-back question) as one row of :data:`COLUMNS`, in the order
    shown: Must, Should know, Touches everyone, We could not tell."""
    rows = []
    for key in ("must", "should_know", "plan_wide"):
        for item in result[key]:
            rows.append(_item_row(key, item, result, labels))
            for sub in item.get("subitems", []):  # the items completing its lead-in, each a row after it
                row = _item_row(key, item, result, labels)
                row |= {
                    "provision": sub["label"] or sub["clause_id"],
                    "sentence": sub["sentence"],
                    "why it applies": f"it completes {item['label'] or item['clause_id']}",
                    "clause id": sub["clause_id"],
                }
                rows.append(row)
    for question in result["ask_back"]:
        clause = _CLAUSE_IN_QUESTION.search(question)
        row = dict.fromkeys(COLUMNS, "")
        row |= {"group": GROUPS["ask_back"][0], "sentence": question, "clause id": clause.group(1) if clause else ""}
        rows.append(row)
    return rows


def _item_row(key: str, item: dict, result: dict, labels: dict[str, str]) -> dict[str, str]:
    cid = item["clause_id"]
    return {
        "group": GROUPS[key][0],
        "plan": labels.get(item["doc_id"], ""),
        "provision": item["label"] or cid,
        "section": item["heading"].split(" > ")[-1] if item["heading"] else "",
        "sentence": item["sentence"],
        "why it applies": "; ".join(_grounded_parts(item, result)),
        "strength": _strength(key, item["strength"]),
        "why this strength": item.get("why", ""),
        "by when": item["deadline"],
        "who enforces or leads": ", ".join(_grounded_agencies(item, result)),
        "document": item["document"],
        "doc id": item["doc_id"],
        "clause id": cid,
    }


def _grounded_parts(item: dict, result: dict) -> list[str]:
    """The parts of an item's condition its answer text kept (a part failing the grounding check is dropped
    there, and so here)."""
    parts = [p for p in item["condition"].split("; ") if p]
    if result["grounded"] or not result["text"]:
        return parts
    return [p for p in parts if f"Why: {p} [{item['clause_id']}]." in result["text"]]


def _grounded_agencies(item: dict, result: dict) -> list[str]:
    """Who enforces an item, unless its answer text dropped that line in the grounding check."""
    if result["grounded"] or not result["text"] or not item["enforced_by"]:
        return list(item["enforced_by"])
    kept = any(
        ln.strip().startswith("Who enforces it:") and ln.rstrip().endswith(f"[{item['clause_id']}].")
        for ln in result["text"].splitlines()
    )
    return list(item["enforced_by"]) if kept else []


def _strength(key: str, strength: str) -> str:
    """How strongly a provision reaches you, as shown: a binding provision under *Should know* binds only
    if a condition changes."""
    if key == "should_know" and strength == "binding":
        return "binding if a condition changes"
    return strength


def rows_frame(rows: list[dict[str, str]]) -> pd.DataFrame:
    """The rows as the CSV export's table."""
    return pd.DataFrame(rows, columns=COLUMNS)


def rows_markdown(rows: list[dict[str, str]], result: dict, profile: str) -> str:
    """The rows as a Markdown document (text escaped), grouped as on the page."""

    def md(text: str) -> str:
        return html.escape(text, quote=False).replace("\n", " ")

    out = ["# What applies to us", "", f"Profile: {md(profile)}", ""]
    if result["documents"]:
        out += [f"Plan: {md('; '.join(result['documents']))}", ""]
    for key, (title, _means) in GROUPS.items():
        group = [r for r in rows if r["group"] == title]
        nothing = key == "must" and result["nothing_binds"]
        if not group and not nothing:
            continue
        out += [f"## {title}", ""] + ([NOTHING_BINDS, ""] if nothing else [])
        if key == "ask_back":
            out += [f"- {md(r['sentence'])}" for r in group] + [""]
            continue
        for r in group:
            out += [f"### {md(_name(r))}", "", f"> {md(r['sentence'])}", ""]
            out += [f"- {_LABELS[field]}: {md(r[field])}" for field in _DETAILS if r[field]] + [""]
    return "\n".join(out)


_DETAILS = ["why it applies", "strength", "why this strength", "by when", "who enforces or leads"]
_LABELS = {
    "why it applies": "Why it applies",
    "strength": "How strongly",
    "why this strength": "Why so strongly",
    "by when": "By when",
    "who enforces or leads": "Who enforces or leads",
}


def _name(row: dict[str, str]) -> str:
    """A provision as named on the page: its plan's short title (several plans indexed) and its label."""
    return f"{row['plan']} {row['provision']}".strip()


def rows_html(rows: list[dict[str, str]], result: dict, link: Callable[[str, str], str], profile: str = "") -> str:
    """The rows as the page shows them, grouped, under the profile as read; every piece of text escaped."""
    parts = [f'<div class="pq-note pq-ob-profile">Profile: {_esc(profile)}</div>'] if profile else []
    if result["documents"]:
        parts.append(
            f'<div class="pq-note">From: <span class="pq-plan">{_esc("; ".join(result["documents"]))}</span></div>'
        )
    for key, (title, means) in GROUPS.items():
        group = [r for r in rows if r["group"] == title]
        nothing = key == "must" and result["nothing_binds"]
        if not group and not nothing:
            continue
        body = f'<p class="pq-abstain pq-nothing-binds">{_esc(NOTHING_BINDS)}</p>' if nothing else ""
        if key == "ask_back":
            body += "<ul>" + "".join(f'<li class="pq-ob-question">{_esc(r["sentence"])}</li>' for r in group) + "</ul>"
        else:
            body += "".join(_item_html(r, link) for r in group)
        parts.append(
            f'<section class="pq-ob-group" data-group="{key}"><h3>{_esc(title)}</h3>'
            f'<div class="pq-note">{_esc(means)}</div>{body}</section>'
        )
    return f'<div class="pq-obligations">{"".join(parts)}</div>'


def _item_html(row: dict[str, str], link: Callable[[str, str], str]) -> str:
    href = _esc(link(row["doc id"], row["clause id"]))
    head = (
        f'<a class="pq-ref pq-link" href="{href}" target="_blank">[{_esc(_name(row))}]</a> '
        f'<span class="pq-meta">{_esc(row["section"])}</span>'
    )
    details = "".join(
        f'<div class="pq-ob-{field.split()[0]}"><b>{_esc(_LABELS[field])}:</b> '
        f"{'<br>'.join(_esc(part) for part in row[field].split('; '))}</div>"
        for field in _DETAILS
        if row[field]
    )
    return (
        f'<div class="pq-ob-item pq-cite" data-clause="{_esc(row["clause id"])}">{head}'
        f'<blockquote class="pq-clause">{_esc(row["sentence"])}</blockquote><div class="pq-meta">{details}</div></div>'
    )


def _esc(text: object) -> str:
    return html.escape(str(text)).replace("\r", "").replace("\n", "<br>")


# -- what changes if … -----------------------------------------------------------------------------------
def toggles_of(ask_back: list[str]) -> list[Toggle]:
    """A control for each asked-back condition the form can set: a place (yes / no → the location field) or
    a size against a line (just below / just over → a piece of equipment of that size)."""
    out = []
    for question in ask_back:
        place = _PLACE_Q.match(question)
        size = _SIZE_Q.match(question)
        if place:
            where = re.split(r"\s+and\s+", place["place"])[0].lower()
            out.append(
                Toggle(question, [NOT_SET, "yes", "no"], "location", {"yes": f"in {where}", "no": f"not in {where}"})
            )
        elif size:
            line = float(size["value"].replace(",", ""))
            shown = f"{size['value']} {size['line_unit']}"
            kind = {"kind": size["what"], "unit": size["unit"]}
            below, over = f"below {shown}", f"over {shown}"
            # just either side of the line (1 %), so the line itself decides, whichever way it is drawn
            values = {
                below: {**kind, "capacity": _number(line * 0.99)},
                over: {**kind, "capacity": _number(line * 1.01)},
            }
            out.append(Toggle(question, [NOT_SET, below, over], "equipment", values))
    return list({t.question: t for t in out}.values())[:MAX_TOGGLES]


def with_answers(form: dict, toggles: list[Toggle], answers: list[str | None]) -> dict:
    """The form with each set condition added to its field (several places are said together)."""
    form = {**form}
    places, equipment = [], list(form.get("equipment") or [])
    if isinstance(form.get("equipment"), (str, dict)):
        equipment = [form["equipment"]]
    for toggle, answer in zip(toggles, answers, strict=False):
        if answer in (None, "", NOT_SET) or answer not in toggle.values:
            continue
        if toggle.field == "location":
            places.append(toggle.values[answer])
        else:
            equipment.append(toggle.values[answer])
    if places:
        said = form.get("location", "")
        said = said if not said or re.match(r"(?i)\s*(in|inside|outside|within|at|not)\b", said) else f"in {said}"
        form["location"] = ", ".join([*([said] if said else []), *places])
    if equipment:
        form["equipment"] = equipment
    return form


def diff_line(before: list[dict[str, str]], after: list[dict[str, str]]) -> str:
    """ "Adds: … / Drops: …": the provisions a changed condition adds to or drops from a group (a provision
    that moves from *Should know* to *Must* is added to one and dropped from the other)."""

    def keyed(rows: list[dict[str, str]]) -> dict[tuple[str, str, str], str]:
        return {(r["group"], r["doc id"], r["clause id"]): f"{_name(r)} ({r['group']})" for r in rows if r["doc id"]}

    old, new = keyed(before), keyed(after)
    adds = [new[k] for k in new if k not in old]
    drops = [old[k] for k in old if k not in new]
    if not adds and not drops:
        return "No change to the list."
    return f"Adds: {', '.join(adds) or 'nothing'} / Drops: {', '.join(drops) or 'nothing'}"


# -- the tab ---------------------------------------------------------------------------------------------
def obligations_tab(qa: PolicyQA, plan_picker: gr.Dropdown, hooks: Hooks, private: dict) -> None:
    """Build the My obligations tab's components and events inside the current ``gr.Tab``."""
    gr.Markdown(
        "Describe your organisation: the form, your own words, or both. Every provision of the plan is "
        "checked against it."
    )
    with gr.Row():
        sector = gr.Textbox(label="Sector or activity", placeholder="e.g. packaging printing", elem_id="pq-o-sector")
        products = gr.Textbox(label="Products", placeholder="e.g. printed cartons", elem_id="pq-o-products")
    with gr.Row():
        equipment = gr.Textbox(label="Equipment", placeholder="e.g. boiler, kiln, vehicles", elem_id="pq-o-equipment")
        fuel = gr.Dropdown(FUELS, value="", label="Fuel", allow_custom_value=True, elem_id="pq-o-fuel")
        size = gr.Number(None, label="Size", minimum=0, elem_id="pq-o-size")
        unit = gr.Dropdown(SIZE_UNITS, value=SIZE_UNITS[0], label="Unit", allow_custom_value=True, elem_id="pq-o-unit")
    with gr.Row():
        location = gr.Radio(list(LOCATION_KINDS), value="unknown", label="Location", elem_id="pq-o-location")
        ownership = gr.Radio(list(OWNERSHIP), value="not given", label="Ownership", elem_id="pq-o-ownership")
        planned = gr.Radio(
            ["no", "yes"], value="no", label="Planning a new or expanded project?", elem_id="pq-o-planned"
        )
    with gr.Row():
        energy = gr.Number(None, label="Annual energy use", minimum=0, elem_id="pq-o-energy")
        energy_unit = gr.Dropdown(ENERGY_UNITS, value=ENERGY_UNITS[0], label="Unit", allow_custom_value=True)
    description = gr.Textbox(
        label="Describe your organisation in your own words",
        lines=2,
        max_length=MAX_PROFILE_CHARS,
        placeholder="e.g. a printing plant using solvent-based inks in an industrial park with a 4 t/h gas boiler",
        elem_id="pq-description",
    )
    go = gr.Button("What applies to us?", variant="primary", elem_id="pq-obligations-go")
    result = gr.HTML(elem_id="pq-obligations-result", padding=True)
    with gr.Row():
        md = gr.DownloadButton("Export as Markdown", visible=False, elem_id="pq-obligations-md")
        csv = gr.DownloadButton("Export as CSV", visible=False, elem_id="pq-obligations-csv")
    with gr.Group(visible=False, elem_id="pq-obligations-if") as if_box:
        gr.Markdown("### What changes if …")
        toggles = [gr.Radio(visible=False, elem_id=f"pq-o-if-{i}") for i in range(MAX_TOGGLES)]
        diff = gr.HTML(elem_id="pq-obligations-diff", padding=True)
    state = gr.State({})
    form_inputs = [sector, products, equipment, fuel, size, unit, location, ownership, planned, energy, energy_unit]
    shown = [result, md, csv, if_box, *toggles, diff, state]

    def run(doc: str | None, text: str, *fields) -> tuple:
        """Find what applies, show it grouped, offer both exports and a control per asked-back condition."""
        return _shown_result(qa, hooks, text, hooks.picked(doc), form_fields(*fields))

    def rerun(doc: str | None, last: dict) -> tuple:
        """The plan picker moved: the same profile under the plan now picked."""
        if not last:
            return tuple(gr.skip() for _ in shown)
        return _shown_result(qa, hooks, last["text"], hooks.picked(doc), last["form"])

    def what_if(last: dict, *answers) -> str:
        """Re-run with the conditions set and say what that adds and drops."""
        return _what_if_html(qa, hooks, last, list(answers))

    for trigger in (go.click, description.submit):
        trigger(run, [plan_picker, description, *form_inputs], shown, **private)
    plan_picker.input(rerun, [plan_picker, state], shown, **private)
    for toggle in toggles:
        toggle.input(what_if, [state, *toggles], [diff], **private)


def _shown_result(qa: PolicyQA, hooks: Hooks, text: str, doc: str | None, form: dict) -> tuple:
    """The tab's outputs for one profile: result HTML, the two downloads, the what-if controls, the state."""
    hidden = gr.update(visible=False)
    try:
        result = find(qa, text, doc, form)
    except Exception as err:  # the user sees a message, the log the trace
        message = str(err) if isinstance(err, PolicyQAError) else _internal(err)
        return (f'<div class="pq-bad">{_esc(message)}</div>', hidden, hidden, hidden, *[hidden] * MAX_TOGGLES, "", {})
    rows = obligation_rows(result, hooks.labels())
    profile = result["profile"]["text"]
    md_path = hooks.write("obligations.md", rows_markdown(rows, result, profile))
    csv_path = hooks.write("obligations.csv", rows_frame(rows))
    toggles = toggles_of(result["ask_back"])
    controls = [
        gr.update(visible=True, label=t.question, choices=t.choices, value=NOT_SET) if i < len(toggles) else hidden
        for i, t in enumerate(toggles + [None] * (MAX_TOGGLES - len(toggles)))
    ]
    state = {"text": text, "doc": doc, "form": form, "rows": rows, "toggles": [asdict(t) for t in toggles]}
    return (
        rows_html(rows, result, hooks.link, profile),
        gr.update(value=md_path, visible=True),
        gr.update(value=csv_path, visible=True),
        gr.update(visible=bool(toggles)),
        *controls,
        "",
        state,
    )


def _what_if_html(qa: PolicyQA, hooks: Hooks, last: dict, answers: list[str | None]) -> str:
    if not last or not last.get("toggles"):
        return ""
    toggles = [Toggle(**t) for t in last["toggles"]]
    set_ = [(t.question, a) for t, a in zip(toggles, answers, strict=False) if a not in (None, "", NOT_SET)]
    if not set_:
        return '<div class="pq-note">Set a condition to see what changes.</div>'
    try:
        result = find(qa, last["text"], last["doc"], with_answers(last["form"], toggles, answers))
    except Exception as err:  # the user sees a message, the log the trace
        return f'<div class="pq-bad">{_esc(str(err) if isinstance(err, PolicyQAError) else _internal(err))}</div>'
    after = obligation_rows(result, hooks.labels())
    said = "; ".join(f"{q} → {a}" for q, a in set_)
    return (
        f'<div class="pq-note">If: {_esc(said)}</div><p class="pq-ob-diff">{_esc(diff_line(last["rows"], after))}</p>'
    )
