"""What applies to us: an enterprise (or an office) describes itself and is told what binds it, and why."""

from __future__ import annotations

import json

import pytest
from policyqa.engine.grounding import check

from tests.conftest import run_cli

CQ = "chongqing-14fyp-energy-emissions"
NUCLEAR = "us-eo2025-nuclear-industrial-base"


def ids(items) -> list[str]:
    return [i.clause_id for i in items]


def assert_verbatim_and_grounded(qa, result) -> None:
    for item in result.items:
        clause = qa.clause(item.clause_id, item.doc_id)
        assert item.sentence in clause.text, item.clause_id
    assert result.grounded
    by_id = {i.clause_id: qa.clause(i.clause_id, i.doc_id) for i in result.items}
    marked = [ln for ln in result.text.splitlines() if ln.rstrip().endswith(("]", "]."))]
    assert check("\n".join(marked), by_id, qa.registry, result.profile["text"]).grounded


def test_applicability_is_read_at_ingest(qa):
    clause = qa.clause("3.8.2")
    lines = [(t.value_text, t.direction) for a in clause.applies for t in a.thresholds]
    assert ("35 tons/hour", "at most") in lines and ("65 tons/hour", "at least") in lines
    eliminated = next(a for a in clause.applies if "35 tons/hour" in a.sentence)
    assert eliminated.strength == "binding" and "coal-fired boilers below 35 tons/hour" in eliminated.addressees
    assert "Urban built-up areas" in eliminated.places
    promoted = next(a for a in qa.clause("3.9.1").applies if "printing and packaging" in a.sentence)
    assert promoted.strength == "promoted"


def test_printer_with_solvent_inks_and_gas_boiler(qa):
    r = qa.obligations(
        "We run a packaging printing plant in an industrial park: presses using solvent-based inks and a 4 t/h "
        "natural gas boiler.",
        doc=CQ,
    )
    listed = ids(r.items)
    assert "3.9.1" in listed  # printing and packaging named, inks
    assert {"3.9.2", "4.2.3"} & set(ids(r.must))  # the VOC standards / pollution-source permit bind it
    assert not r.nothing_binds
    assert "3.4.4" not in listed  # express packaging is not about a printer
    assert_verbatim_and_grounded(qa, r)


def test_40_tph_coal_boiler_is_told_which_lines_it_falls_on(qa):
    r = qa.obligations("We run a 40 t/h coal-fired boiler in an industrial park", doc=CQ)
    boiler = next(i for i in r.items if i.clause_id == "3.8.2")
    assert "not below 35 tons/hour" in boiler.condition and "not over 65 tons/hour" in boiler.condition
    assert "40 tons/hour" in boiler.condition
    assert "3.8.2" not in ids(r.must)  # neither line covers it: worth knowing, not binding
    small = qa.obligations("We run a 20 t/h coal-fired boiler in an industrial park", doc=CQ)
    assert "3.8.2" in ids(small.must)
    assert "is below 35 tons/hour" in next(i for i in small.must if i.clause_id == "3.8.2").condition
    assert_verbatim_and_grounded(qa, r)


def test_size_not_given_is_asked_back(qa):
    r = qa.obligations("We run a coal-fired boiler in an industrial park", doc=CQ)
    assert any("tons/hour" in q for q in r.ask_back)


def test_bakery_is_told_nothing_binds_it_specifically(qa):
    r = qa.obligations("a bakery with electric ovens", doc=CQ)
    assert r.nothing_binds and r.must == []
    assert r.message == "Nothing in this plan binds you specifically."
    assert r.text.startswith("Nothing in this plan binds you specifically.")
    assert r.plan_wide and all(i.sentence for i in r.plan_wide)  # what touches everyone, not a forced match


def test_form_fields_take_the_same_path(qa):
    text = qa.obligations("We run a 20 t/h coal-fired boiler in an industrial park", doc=CQ)
    form = qa.obligations(
        "",
        doc=CQ,
        form={
            "equipment": [{"kind": "boiler", "fuel": "coal-fired", "capacity": 20, "unit": "t/h"}],
            "location": "industrial park",
        },
    )
    assert "3.8.2" in ids(form.must) and ids(form.must)[:1] == ids(text.must)[:1]


def test_cli_json_shape(index_dir):
    r = run_cli(
        "obligations",
        "--json",
        "--doc",
        CQ,
        "a furniture workshop with spray booths using solvent paint",
        data_dir=index_dir,
    )
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert {
        "profile",
        "must",
        "should_know",
        "plan_wide",
        "ask_back",
        "nothing_binds",
        "message",
        "text",
        "grounded",
        "doc_ids",
        "timings",
    } <= set(d)
    item = (d["must"] + d["should_know"])[0]
    assert {"doc_id", "clause_id", "label", "sentence", "condition", "strength", "deadline", "enforced_by"} <= set(item)
    r = run_cli("obligations", "--doc", CQ, "a bakery with electric ovens", data_dir=index_dir)
    assert r.returncode == 0 and "Nothing in this plan binds you specifically." in r.stdout
    r = run_cli("obligations", "--doc", "nope", "a bakery", data_dir=index_dir)
    assert r.returncode == 1 and "No document 'nope'" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.slow
def test_an_office_under_an_order_gets_its_duties(plans):
    r = plans.obligations(
        "We are the Office of the Secretary of Energy. What does this order require of us?", doc=NUCLEAR
    )
    assert len(r.must) >= 5 and "3(c)" in ids(r.must)
    assert all("Secretary of Energy" in i.condition for i in r.must)
    assert_verbatim_and_grounded(plans, r)
    bakery = plans.obligations("Bakery, Pittsburgh. Anything for us here?", doc=NUCLEAR)
    assert bakery.nothing_binds and bakery.must == []
