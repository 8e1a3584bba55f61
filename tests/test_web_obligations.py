"""The My obligations tab and the ``obligations`` API: the engine's answer grouped on the page, exported as
Markdown and CSV holding the same list, "what changes if …" for the conditions it asked back, and the API
returning what ``policyqa obligations --json`` prints.

The page and API tests use the server and browser fixtures of ``tests/test_web.py`` (a real index of the
bundled plan, ``serve()`` in a subprocess, Debian's chromium driven by Playwright).
"""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest
from policyqa.engine.obligations import read_profile
from policyqa.surfaces import obligations_view as ov

from tests.conftest import run_cli
from tests.test_web import data_dir, download, open_tab, page, read_csv, server, shot  # noqa: F401

CQ = "chongqing-14fyp-energy-emissions"
PRINTER = "a printing plant using solvent-based inks in an industrial park with a 4 t/h gas boiler"
BAKERY = "a bakery with electric ovens"
WORKSHOP = "a furniture workshop with a 6 t/h coal boiler"


def _link(doc_id: str, clause_id: str) -> str:
    return f"?doc={doc_id}&clause={clause_id}"


def _views(qa, text: str, form: dict | None = None) -> tuple[dict, list[dict], str, str, pd.DataFrame]:
    result = ov.find(qa, text, CQ, form or {})
    rows = ov.obligation_rows(result, {})
    return result, rows, ov.rows_html(rows, result, _link), ov.rows_markdown(rows, result, text), ov.rows_frame(rows)


def _csv_rows(frame: pd.DataFrame) -> list[dict[str, str]]:
    """The CSV export as written and read back."""
    buf = io.StringIO()
    frame.to_csv(buf, index=False)
    return pd.read_csv(io.StringIO(buf.getvalue()), dtype=str, keep_default_na=False).to_dict("records")


def _assert_agree(rows: list[dict], page_html: str, markdown: str, csv_rows: list[dict]) -> None:
    """The page, the Markdown and the CSV hold the same list, in the same order."""
    assert csv_rows == rows
    items = [r for r in rows if r["doc id"]]
    assert re.findall(r'data-clause="([^"]+)"', page_html) == [r["clause id"] for r in items]
    assert re.findall(r"^### (.+)$", markdown, re.MULTILINE) == [ov._name(r) for r in items]
    for r in rows:
        sentence = ov._esc(r["sentence"])
        assert sentence in page_html and r["sentence"].replace("\n", " ") in markdown
        assert f"<h3>{r['group']}</h3>" in page_html and f"## {r['group']}" in markdown


# -- the rows, the page, the exports ------------------------------------------------------------------
def test_page_markdown_and_csv_hold_the_same_list(qa):
    result, rows, page_html, markdown, frame = _views(qa, PRINTER)
    assert [r["group"] for r in rows if r["group"] == "Must"] and not result["nothing_binds"]
    _assert_agree(rows, page_html, markdown, _csv_rows(frame))
    must = [r for r in rows if r["group"] == "Must"]
    voc = next(r for r in must if "volatile organic compounds" in r["sentence"])
    assert voc["why it applies"] and voc["who enforces or leads"] and voc["strength"] == "binding"
    assert f'href="{_link(CQ, voc["clause id"])}"' in page_html.replace("&amp;", "&")


def test_should_know_says_which_condition_would_bind(qa):
    _result, rows, page_html, markdown, frame = _views(qa, WORKSHOP)
    boiler = next(r for r in rows if r["clause id"] == "3.8.2")
    assert boiler["group"] == "Should know" and boiler["strength"] == "binding if a condition changes"
    assert "binding if your site is in" in boiler["why it applies"]
    asked = [r for r in rows if r["group"] == "We could not tell"]
    assert asked and asked[0]["clause id"] == "3.8.2" and asked[0]["sentence"].startswith("Is the site in")
    _assert_agree(rows, page_html, markdown, _csv_rows(frame))


def test_bakery_is_told_nothing_binds_and_what_touches_everyone(qa):
    result, rows, page_html, markdown, frame = _views(qa, BAKERY)
    assert result["nothing_binds"] and not [r for r in rows if r["group"] == "Must"]
    wide = [r for r in rows if r["group"] == "Touches everyone"]
    assert wide and all(r["sentence"] for r in wide)
    assert ov.NOTHING_BINDS in page_html and ov.NOTHING_BINDS in markdown
    assert '<section class="pq-ob-group" data-group="plan_wide">' in page_html
    _assert_agree(rows, page_html, markdown, _csv_rows(frame))


def test_several_plans_name_each_provision_with_its_plan(qa):
    result = ov.find(qa, PRINTER, CQ, {})
    rows = ov.obligation_rows(result, {CQ: "Chongqing plan"})
    assert {r["plan"] for r in rows if r["doc id"]} == {"Chongqing plan"}
    first = next(r for r in rows if r["doc id"])
    named = f"[Chongqing plan {first['provision']}]"
    assert named in ov.rows_html(rows, result, _link) and f"### {named[1:-1]}" in ov.rows_markdown(
        rows, result, PRINTER
    )


def test_user_text_is_escaped_on_the_page():
    result = {"documents": [], "nothing_binds": False, "must": [], "should_know": [], "plan_wide": []}
    rows = [dict.fromkeys(ov.COLUMNS, "") | {"group": "We could not tell", "sentence": "<script>x</script>"}]
    page_html = ov.rows_html(rows, result | {"ask_back": ["<script>x</script>"]}, _link)
    assert "<script>" not in page_html and "&lt;script&gt;" in page_html


# -- the form ----------------------------------------------------------------------------------------
def test_form_fields_are_the_keys_read_profile_reads():
    form = ov.form_fields(
        "packaging printing", "cartons", "boiler", "gas", 4, "t/h", "industrial park", "state-owned", "yes", 8000, "tce"
    )
    assert set(form) == {"sector", "products", "equipment", "location", "ownership", "projects", "energy_use"}
    profile = read_profile("", form)
    assert profile.inside == ["industrial park"] and profile.planned
    assert {(q.value, q.unit) for q in profile.quantities} == {(4.0, "tons/hour"), (8000.0, "tons of standard coal")}
    assert "state-owned enterprise" in profile.text and "8000" in profile.text
    assert ov.form_fields() == {}  # an empty form says nothing (unknown location, nothing owned, no project)
    assert ov.form_fields(equipment="", size=None, unit="t/h") == {}  # a unit alone is no equipment


def test_the_form_takes_the_same_path_as_the_text(qa):
    form = ov.form_fields(equipment="boiler", fuel="coal", size=20, unit="t/h", location="industrial park")
    by_form = ov.find(qa, "", CQ, form)
    by_text = qa.obligations("We run a 20 t/h coal boiler in an industrial park", doc=CQ).to_dict()
    assert "3.8.2" in [i["clause_id"] for i in by_form["must"]]
    assert [i["clause_id"] for i in by_form["must"]][:1] == [i["clause_id"] for i in by_text["must"]][:1]


# -- what changes if … --------------------------------------------------------------------------------
def test_a_place_asked_back_can_be_set_and_the_change_is_said(qa):
    result, rows, *_ = _views(qa, WORKSHOP)
    toggles = ov.toggles_of(result["ask_back"])
    assert [t.field for t in toggles] == ["location"] and toggles[0].choices == [ov.NOT_SET, "yes", "no"]
    inside = ov.find(qa, WORKSHOP, CQ, ov.with_answers({}, toggles, ["yes"]))
    assert ov.diff_line(rows, ov.obligation_rows(inside, {})) == "Adds: 3.8.2 (Must) / Drops: 3.8.2 (Should know)"
    outside = ov.find(qa, WORKSHOP, CQ, ov.with_answers({}, toggles, ["no"]))
    assert "3.8.2" not in [i["clause_id"] for i in outside["must"]] and not outside["ask_back"]
    assert ov.diff_line(rows, rows) == "No change to the list."


def test_a_size_asked_back_is_set_just_either_side_of_its_line(qa):
    text = "a coal boiler in an industrial park"
    result, rows, *_ = _views(qa, text)
    (toggle,) = ov.toggles_of(result["ask_back"])
    assert toggle.field == "equipment" and toggle.choices[1:] == ["below 35 tons/hour", "over 35 tons/hour"]
    below = ov.find(qa, text, CQ, ov.with_answers({}, [toggle], ["below 35 tons/hour"]))
    over = ov.find(qa, text, CQ, ov.with_answers({}, [toggle], ["over 35 tons/hour"]))
    assert "3.8.2" in [i["clause_id"] for i in below["must"]]
    assert "3.8.2" not in [i["clause_id"] for i in over["must"]]
    assert ov.diff_line(rows, ov.obligation_rows(over, {})) == "No change to the list."


def test_with_answers_keeps_the_form_and_says_places_together():
    toggles = ov.toggles_of(["Is the site in industrial parks? (1.2)", "Is the site inside city centres? (3)"])
    form = ov.with_answers({"location": "rural", "sector": "x"}, toggles, ["yes", "no"])
    assert form == {"location": "in rural, in industrial parks, not in city centres", "sector": "x"}
    assert ov.with_answers({"sector": "x"}, toggles, [ov.NOT_SET, None]) == {"sector": "x"}
    assert ov.toggles_of(["Something the form cannot set?"]) == []


# -- the API ------------------------------------------------------------------------------------------
def test_api_errors_are_messages(qa):
    assert "not JSON" in ov.api_obligations(qa, BAKERY, CQ, "{x")["error"]
    assert "JSON object" in ov.api_obligations(qa, BAKERY, CQ, "[1]")["error"]
    assert "No document 'nope'" in ov.api_obligations(qa, BAKERY, "nope")["error"]
    assert "No profile" in ov.api_obligations(qa, "  ", CQ)["error"]
    assert "at most" in ov.api_obligations(qa, "x" * (ov.MAX_PROFILE_CHARS + 1), CQ)["error"]
    assert ov.api_obligations(qa, BAKERY, CQ, {"location": "rural"})["nothing_binds"]


def test_api_returns_what_the_cli_prints(server: str, data_dir) -> None:  # noqa: F811
    from gradio_client import Client

    client = Client(server, verbose=False)
    assert "/obligations" in client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    form = json.dumps({"equipment": [{"kind": "boiler", "fuel": "coal", "capacity": 6, "unit": "t/h"}]})
    api = client.predict("a furniture workshop", CQ, form, api_name="/obligations")
    cli = run_cli("obligations", "--json", "--doc", CQ, "--form", form, "a furniture workshop", data_dir=data_dir)
    assert cli.returncode == 0, cli.stderr
    printed = json.loads(cli.stdout)
    api.pop("timings"), printed.pop("timings")
    assert api == printed and api["ask_back"]
    assert "No document 'nope'" in client.predict(BAKERY, "nope", "", api_name="/obligations")["error"]


# -- in the browser -------------------------------------------------------------------------------------
def _run(page) -> None:  # noqa: F811
    page.click("#pq-obligations-go")
    page.locator("#pq-obligations-result .pq-obligations").wait_for(timeout=90_000)


def _page_list(page) -> list[tuple[str, str]]:  # noqa: F811
    """(group, clause id) of every provision on the page, in order."""
    return page.evaluate(
        """() => [...document.querySelectorAll('#pq-obligations-result .pq-ob-item')].map(
            e => [e.closest('section').querySelector('h3').innerText, e.dataset.clause])"""
    )


@pytest.mark.browser
def test_printer_fills_the_form_sees_must_and_exports_the_same_list(page) -> None:  # noqa: F811
    open_tab(page, "My obligations")
    page.fill("#pq-o-sector textarea", "packaging printing")
    page.fill("#pq-o-equipment textarea", "boiler")
    page.fill("#pq-o-size input", "4")
    page.fill("#pq-o-fuel input", "gas")
    page.keyboard.press("Enter")
    page.locator("#pq-o-location").get_by_text("industrial park").click()
    page.fill("#pq-description textarea", PRINTER)
    _run(page)
    must = page.locator('#pq-obligations-result section[data-group="must"]')
    assert "volatile organic compounds" in must.inner_text()
    voc = must.locator(".pq-ob-item", has_text="volatile organic compounds").first
    assert "Why it applies:" in voc.inner_text() and "Who enforces or leads:" in voc.inner_text()
    listed = _page_list(page)
    shot(page, "obligations")
    rows = read_csv(download(page, "#pq-obligations-csv"))
    header, body = rows[0], rows[1:]
    assert header == ov.COLUMNS
    items = [(r[0], r[header.index("clause id")]) for r in body if r[header.index("doc id")]]
    assert items == [tuple(x) for x in listed] and ("Must", voc.get_attribute("data-clause")) in items
    markdown = download(page, "#pq-obligations-md").read_text(encoding="utf-8")
    assert re.findall(r"^### (.+)$", markdown, re.MULTILINE) == [c for _, c in listed]


@pytest.mark.browser
def test_bakery_is_told_nothing_binds_it_in_the_browser(page) -> None:  # noqa: F811
    open_tab(page, "My obligations")
    page.fill("#pq-description textarea", BAKERY)
    _run(page)
    result = page.locator("#pq-obligations-result")
    assert ov.NOTHING_BINDS in result.inner_text()
    assert result.locator('section[data-group="plan_wide"] .pq-ob-item').count() >= 1
    assert result.locator('section[data-group="must"] .pq-ob-item').count() == 0


@pytest.mark.browser
def test_what_changes_if_the_site_is_in_the_place_asked_about(page) -> None:  # noqa: F811
    open_tab(page, "My obligations")
    page.fill("#pq-description textarea", WORKSHOP)
    _run(page)
    control = page.locator("#pq-o-if-0")
    control.wait_for(timeout=30_000)
    assert "Is the site in" in control.inner_text()
    control.get_by_text("yes", exact=True).click()
    diff = page.locator("#pq-obligations-diff .pq-ob-diff")
    diff.wait_for(timeout=90_000)
    assert diff.inner_text() == "Adds: 3.8.2 (Must) / Drops: 3.8.2 (Should know)"


def test_a_question_asked_back_names_its_provision():
    result = {"must": [], "should_know": [], "plan_wide": []}
    asked = [
        "Is the site in areas (zones)? (102(a)(i))",
        "What is the size of your kilns in MW? (3.1 draws a line at 5 MW)",
    ]
    rows = ov.obligation_rows(result | {"ask_back": asked + ["Anything else?"]}, {})
    assert [r["clause id"] for r in rows] == ["102(a)(i)", "3.1", ""]
    assert {r["group"] for r in rows} == {"We could not tell"}


def test_the_items_completing_a_lead_in_are_rows_after_it_in_the_page_and_the_exports(qa):
    result = ov.find(qa, PRINTER, CQ, {})
    first = result["must"][0]
    first["subitems"] = [
        {"clause_id": "9(1)(a)", "label": "9(1)(a)", "sentence": "the contents of the report;"},
        {"clause_id": "9(1)(b)", "label": "9(1)(b)", "sentence": "the date by which it is made."},
    ]
    rows = ov.obligation_rows(result, {})
    at = [r["clause id"] for r in rows].index(first["clause_id"])
    assert [r["clause id"] for r in rows[at + 1 : at + 3]] == ["9(1)(a)", "9(1)(b)"]
    assert rows[at + 1]["why it applies"] == f"it completes {first['label']}"
    assert rows[at + 1]["group"] == rows[at]["group"] == "Must"
    page_html, markdown = ov.rows_html(rows, result, _link), ov.rows_markdown(rows, result, PRINTER)
    _assert_agree(rows, page_html, markdown, _csv_rows(ov.rows_frame(rows)))
