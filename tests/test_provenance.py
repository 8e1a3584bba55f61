"""Issuer and date of a plan, read at ingest where the document states them (ingest/provenance.py),
kept in index.json and shown by `policyqa docs` and the web Plans table. Blank where the document does
not state them. Checked on the five real documents and on the forms other documents use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from policyqa.engine.store import read_state, write_state
from policyqa.ingest.documents import corpus_documents
from policyqa.ingest.loaders import read_text
from policyqa.ingest.provenance import RULES_FILE, parse_date, read_provenance

from tests.conftest import ROOT, SHARED_CORPORA, run_cli

# What each real document states (and, by the blanks, what it does not).
REAL = {
    "chongqing-14fyp-energy-emissions": ("Chongqing Municipal People's Government", "", ""),  # no date line
    "us-eo14008-climate-crisis": ("Joseph R. Biden Jr., President", "2021-01-27", "signed"),
    "us-eo14110-ai": ("Joseph R. Biden Jr., President", "2023-10-30", "signed"),
    "us-eo2025-nuclear-industrial-base": ("Donald J. Trump, President", "2025-05-23", "signed"),
    # the enacting formula names who enacts; the consolidated text carries no assent date
    "ca-netzero-accountability-act": (
        "Her Majesty, by and with the advice and consent of the Senate and House of Commons of Canada",
        "",
        "",
    ),
}

PLAN_WITH_LABELS = """Provincial Plan for Cleaner Buses
Issued by: Provincial Department of Transport
Date of issue: 12 March 2026

1. Objectives
By 2030, the share of electric buses in the provincial fleet will reach 80 percent.
The Provincial Department of Transport shall report every year.
"""


def _real_text(doc_id: str) -> str:
    if doc_id.startswith("chongqing"):
        return next(d.text for d in corpus_documents(ROOT / "corpus") if d.doc_id == doc_id)
    path = SHARED_CORPORA / f"{doc_id}.txt"
    if not path.exists():
        pytest.skip("../shared/corpora is not beside this clone")
    return read_text(path)


@pytest.mark.parametrize("doc_id", list(REAL))
def test_issuer_and_date_of_the_real_documents(doc_id):
    got = read_provenance(_real_text(doc_id))
    assert (got.issuer, got.date, got.date_kind) == REAL[doc_id]
    # what was read is kept with the words it was read from
    if got.issuer:
        assert got.issuer_source
    if got.date:
        assert got.date_source and got.date_source.split()[-1].rstrip(".") in _real_text(doc_id)


def test_a_date_another_order_carries_is_not_this_ones():
    # EO 14110's text cites "Executive Order 14074 of May 25, 2022" in its body: the header form only
    # counts in the header, and the order's own date is its signature's
    text = _real_text("us-eo14110-ai")
    assert "Executive Order 14074 of May 25, 2022" in " ".join(text.split())
    assert read_provenance(text).date == "2023-10-30"


@pytest.mark.parametrize(
    ("text", "issuer", "date", "kind"),
    [
        (  # the Federal Register header, and the office the order is issued under (no signature in the text)
            "Executive Order 14057 of December 8, 2021\n\nCatalyzing Clean Energy Industries and Jobs\n\n"
            "By the authority vested in me as President by the Constitution and the laws of the United States "
            "of America, it is hereby ordered as follows:\n\nSection 101. Policy. Text.\n",
            "President",
            "2021-12-08",
            "signed",
        ),
        (PLAN_WITH_LABELS, "Provincial Department of Transport", "2026-03-12", "issued"),
        (  # a Chinese plan: the issuing body over the date line
            "关于印发节能减排综合工作方案的通知\n\n一、总体要求\n正文。\n\n某某市人民政府\n2022年3月24日\n",
            "某某市人民政府",
            "2022-03-24",
            "issued",
        ),
        (
            "方案\n\n正文。\n\n某某市人民政府办公厅\n二〇二二年一月二十四日\n",
            "某某市人民政府办公厅",
            "2022-01-24",
            "issued",
        ),
        (
            "An Act to do a thing\n[Assented to 29th June, 2021]\nHer Majesty, by and with the advice and consent "
            "of the Senate and House of Commons of Canada, enacts as follows:\n1 Short title\n",
            "Her Majesty, by and with the advice and consent of the Senate and House of Commons of Canada",
            "2021-06-29",
            "assented to",
        ),
        # nothing stated, nothing guessed: a "From 2021 to 2025" sentence is no issuer, a year no date
        ("A City Plan\n\nFrom 2021 to 2025, we will do things.\n\n1. Do it by 2025.\n", "", "", ""),
        ("Plan\n\nFrom the start we will act.\n\n1. Act.\n\nTel.\n400-6700-999\n", "", "", ""),
    ],
)
def test_the_forms_documents_state_them_in(text, issuer, date, kind):
    got = read_provenance(text)
    assert (got.issuer, got.date, got.date_kind) == (issuer, date, kind)


def test_dates_as_documents_write_them():
    assert parse_date("January 27, 2021.", whole=True)[0] == "2021-01-27"
    assert parse_date("8 December 2021", whole=True)[0] == "2021-12-08"
    assert parse_date("2021-12-08", whole=True)[0] == "2021-12-08"
    assert parse_date("二〇二二年一月二十四日", whole=True)[0] == "2022-01-24"
    assert parse_date("February 30, 2021", whole=True) is None  # no such day
    assert parse_date("by 2025, energy use will drop", whole=True) is None


def test_every_provenance_rule_says_why():
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    for table in ("header", "opening"):
        assert all(row.get("why") for row in data[table]), table
    assert data["closing"]["signer_why"] and data["closing"]["body_zh_why"]


def test_docs_lists_issuer_and_date_and_an_old_index_gets_them_without_re_embedding(tmp_path: Path):
    plan = tmp_path / "bus-plan.txt"
    plan.write_text(PLAN_WITH_LABELS, encoding="utf-8")
    plain = tmp_path / "notes-plan.txt"
    plain.write_text(
        PLAN_WITH_LABELS.replace("Issued by: Provincial Department of Transport\n", "").replace(
            "Date of issue: 12 March 2026\n", ""
        ),
        encoding="utf-8",
    )
    data = tmp_path / "data"
    got = run_cli("ingest", str(plan), str(plain), data_dir=data)
    assert got.returncode == 0, got.stderr
    rows = {r["doc_id"]: r for r in map(json.loads, run_cli("docs", "--json", data_dir=data).stdout.splitlines())}
    assert (rows["bus-plan"]["issuer"], rows["bus-plan"]["date"]) == (
        "Provincial Department of Transport",
        "2026-03-12",
    )
    assert (rows["notes-plan"]["issuer"], rows["notes-plan"]["date"]) == ("", ""), "blank when not stated"
    text = run_cli("docs", data_dir=data).stdout
    assert "issued by Provincial Department of Transport; issued 2026-03-12" in text

    # an index written before issuer and date were read: the next ingest adds them, embedding nothing
    state = read_state(data)
    for info in state.docs.values():
        info.pop("provenance")
    write_state(data, state)
    got = run_cli("ingest", str(plan), str(plain), data_dir=data)
    assert got.returncode == 0 and "0 embedded" in got.stdout, got.stdout + got.stderr
    assert read_state(data).docs["bus-plan"]["provenance"]["issuer"] == "Provincial Department of Transport"


def test_the_plans_table_shows_issuer_and_date(plans):
    from policyqa.surfaces.plans import plan_rows
    from policyqa.surfaces.web import PLAN_COLUMNS, plan_frame

    rows = {r["doc_id"]: r for r in plan_rows(plans)}
    for doc_id, (issuer, date, _) in REAL.items():
        assert (rows[doc_id]["issuer"], rows[doc_id]["date"]) == (issuer, date)
    frame = plan_frame(plans)
    assert list(frame.columns) == PLAN_COLUMNS and {"issuer", "date"} <= set(frame.columns)
    eo = frame[frame["doc id"] == "us-eo14008-climate-crisis"].iloc[0]
    assert eo["issuer"] == "Joseph R. Biden Jr., President" and eo["date"] == "2021-01-27 (signed)"
    cq = frame[frame["doc id"] == "chongqing-14fyp-energy-emissions"].iloc[0]
    assert cq["date"] == ""
