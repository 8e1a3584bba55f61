"""What applies to us: an enterprise (or an office) describes itself and is told what binds it, and why."""

from __future__ import annotations

import json
import re

import pytest
from policyqa.engine.grounding import MARKER, check

from tests.conftest import run_cli

CQ = "chongqing-14fyp-energy-emissions"
NUCLEAR = "us-eo2025-nuclear-industrial-base"


def ids(items) -> list[str]:
    return [i.clause_id for i in items]


def shown(items) -> list[str]:
    """Each item's id and those of the items completing its lead-in, shown under it."""
    return [cid for i in items for cid in [i.clause_id, *(sub["clause_id"] for sub in i.subitems)]]


def assert_verbatim_and_grounded(qa, result) -> None:
    for item in result.items:
        clause = qa.clause(item.clause_id, item.doc_id)
        assert item.sentence in clause.text, item.clause_id
        for sub in item.subitems:
            assert sub["sentence"] in qa.clause(sub["clause_id"], item.doc_id).text, sub
            assert f'"{sub["sentence"]}" [{sub["clause_id"]}]' in result.text
    assert result.grounded
    by_id = {i.clause_id: qa.clause(i.clause_id, i.doc_id) for i in result.items}
    by_id |= {s["clause_id"]: qa.clause(s["clause_id"], i.doc_id) for i in result.items for s in i.subitems}
    by_id |= {c: qa.clause(c, i.doc_id) for i in result.items for c in MARKER.findall(i.condition)}  # cited in a why
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


def test_a_chinese_profile_s_sizes_are_read_as_an_english_one_s(qa):
    r = qa.obligations("我们在工业园区内有一台40吨/小时的燃煤锅炉。", doc=CQ)
    boiler = next(i for i in r.items if i.clause_id == "3.8.2")
    assert "not below 35 tons/hour" in boiler.condition and "not over 65 tons/hour" in boiler.condition
    assert r.grounded


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


# -- who a sentence for everyone governs; offices that are agencies --------------------------------------------

EO14008 = "us-eo14008-climate-crisis"
AI_EO = "us-eo14110-ai"
CA_ACT = "ca-netzero-accountability-act"


def test_everyone_kind_tells_every_agency_from_some_of_them_and_from_enterprises():
    from policyqa.ingest.applicability import everyone_kind

    # every agency, in the words of several orders
    assert everyone_kind("The heads of agencies shall identify any fossil fuel subsidies")[0] == "agencies"
    assert everyone_kind("Agencies shall use available policy and technical tools") == ("agencies", "Agencies")
    assert everyone_kind("All agencies shall cooperate with the Climate Policy Office")[0] == "agencies"
    # some agencies, picked by what they do: conditional, with the words that pick them
    kind, phrase = everyone_kind("all agencies that fund life-sciences research shall, as appropriate, establish")
    assert kind == "agencies if" and phrase == "all agencies that fund life-sciences research"
    kind, phrase = everyone_kind("Agency heads conducting infrastructure reviews shall, as appropriate, consider")
    assert (kind, phrase) == ("agencies if", "Agency heads conducting infrastructure reviews")
    # some agencies picked by a list or someone's choice, or agencies only consulted: none of these
    assert everyone_kind("the head of each agency listed in subsection (a) of this section shall assign")[0] == ""
    assert everyone_kind("heads of agencies that the Director of NSF deems appropriate, launch a pilot")[0] == ""
    assert everyone_kind("the Director of OMB, in consultation with agency heads, shall publish")[0] == ""
    assert everyone_kind("analysis and input from relevant executive departments and agencies (agencies)")[0] == ""
    # enterprises in general (a translated plan), and a definition that mentions the public
    assert everyone_kind("We will guide all enterprises to save energy")[0] == "enterprises"
    assert everyone_kind("The term “public data” means information available to the general public")[0] == ""


def test_offices_that_are_agencies():
    from policyqa.ingest.applicability import is_agency_office

    for office in (
        "Secretary of Labor",
        "Attorney General",
        "Director of National Intelligence",
        "Department of Energy",
    ):
        assert is_agency_office(office), office
    for office in ("White House Environmental Justice Advisory Council", "Net-Zero Advisory Body", "Minister"):
        assert not is_agency_office(office), office


def test_a_question_about_the_document_is_not_the_profile_in_chinese_either():
    from policyqa.engine.obligations import _own_text

    own = _own_text("我们是一家电力公司，旗下有一座核电站。这项行政令和我们有什么关系？")
    assert "电力公司" in own and "行政令" not in own
    own = _own_text("我们经营一个生猪养殖场。想问问重庆这个节能减排方案对我们有哪些要求？")
    assert "养殖场" in own and "节能减排" not in own
    assert (
        _own_text("We run a printing plant. What in the city's plan applies to us?").strip()
        == "We run a printing plant."
    )


def test_a_kind_named_in_a_sector_list_names_the_profile(qa):
    # "key coal industries such as steel, chemicals and cement": a steel group is named, however it says it
    steel = qa.obligations("We are a city-owned steel group running a blast furnace mill", doc=CQ)
    assert "3.8.1" in ids(steel.items)
    # clinker is cement (a concept, with its why), which the same list names
    cement = qa.obligations("We make clinker on a dry-process line", doc=CQ)
    assert "3.8.1" in ids(cement.items)
    assert_verbatim_and_grounded(qa, steel)
    assert_verbatim_and_grounded(qa, cement)


@pytest.mark.slow
def test_an_office_heading_an_agency_gets_what_binds_every_agency(plans):
    dni = plans.obligations("Office of the Director of National Intelligence. What are our obligations?", doc=EO14008)
    must = set(ids(dni.must))
    assert {"202", "209", "211(a)", "219"} <= must  # "All agencies shall", "The heads of agencies shall", ...
    assert "223(d)" not in ids(dni.items)  # agency heads there are consulted by OMB, not tasked
    assert "103(a)" in ids(dni.should_know)  # "Agencies that engage in extensive international work": asked back
    assert any("extensive international work" in q for q in dni.ask_back)
    assert_verbatim_and_grounded(plans, dni)
    labor = plans.obligations("Office of the Secretary of Labor. What do we owe under this order?", doc=NUCLEAR)
    assert "5(b)(i)" in ids(labor.must)  # an item that is an act of its own stays beside its lead-in
    assert "5(c)" in ids(labor.should_know) and any("educational grants" in q for q in labor.ask_back)
    # an advisory council is no agency: what binds every agency is not listed for it
    council = plans.obligations(
        "I chair the White House Environmental Justice Advisory Council. What does the order require of it?",
        doc=EO14008,
    )
    assert not {"202", "209", "219"} & set(ids(council.items))


@pytest.mark.slow
def test_items_completing_a_lead_in_are_listed_under_it(plans):
    minister = plans.obligations("I am the Minister. Please set out every duty this Act places on me.", doc=CA_ACT)
    listed = ids(minister.items)
    assert "7(4)" in listed and "8" in listed
    assert not {"7(4)(a)", "7(4)(b)", "8(a)", "8(c)"} & set(listed)  # dates and considerations, not duties
    assert {"7(4)(a)", "7(4)(b)"} <= set(shown(minister.must))  # shown under 7(4), as what it holds
    energy = plans.obligations("We are the Office of the Secretary of Energy.", doc=NUCLEAR)
    # "... shall ... submit ... a report that includes" (no colon): the report's contents are shown under it
    report = next(i for i in energy.must if i.clause_id == "3(a)")
    assert [s["clause_id"] for s in report.subitems][:2] == ["3(a)(i)", "3(a)(ii)"]
    assert "3(a)(i)" not in ids(energy.items)
    assert_verbatim_and_grounded(plans, energy)
    assert_verbatim_and_grounded(plans, minister)


@pytest.mark.slow
def test_a_bakery_under_an_order_is_given_no_agency_duties(plans):
    for doc in (EO14008, AI_EO, NUCLEAR):
        r = plans.obligations("a small family bakery with two ovens and a delivery van", doc=doc)
        assert r.nothing_binds and r.must == [], doc
        assert r.plan_wide == [], doc  # "All agencies shall ..." touches agencies, not a bakery


@pytest.mark.slow
def test_an_order_tasking_its_offices_concerns_an_enterprise_where_it_addresses_it(plans):
    cloud = plans.obligations("US-based IaaS cloud provider; foreign customers rent our GPUs", doc=AI_EO)
    assert "4.2(c)(i)" in ids(cloud.must)  # "require United States IaaS Providers to submit a report"
    lab = plans.obligations("We are a U.S. AI company training a general-purpose language model", doc=AI_EO)
    listed = ids(lab.items)
    assert "4.2(a)(i)" in listed  # companies developing dual-use foundation models
    assert not {"2(b)", "2(c)", "2(g)"} & set(listed)  # "AI-related education, training": the word in passing
    # the offices a profile deals with ("funded by NIH and NSF") are not what it does
    research = plans.obligations("Office of Research at a public university; labs funded by NIH and NSF", doc=AI_EO)
    assert not {"9(c)(ii)", "9(c)(iii)", "11(c)(ii)"} & set(ids(research.items))
    assert_verbatim_and_grounded(plans, cloud)


def test_a_category_counts_only_where_a_sentence_binds_or_invites(qa):
    # a boiler is a stationary pollution source, but "data on pollutant discharge permits" is the government's
    # own statistics work: a plain statement names the category without addressing anyone
    r = qa.obligations("A brewery in an industrial park with a 10 t/h coal-fired boiler", doc=CQ)
    assert "4.2.3" in ids(r.must)  # the pollutant discharge permit system binds a fixed source
    assert all("data on pollutant discharge permits" not in i.sentence for i in r.items)
    # nor does an invitation addressed to no one: "promote ... for the management of stationary pollution sources"
    assert all("management of stationary pollution sources" not in i.sentence for i in r.items)
    assert_verbatim_and_grounded(qa, r)


def test_a_named_site_is_a_place_of_its_kind_and_words_of_number_or_deed_are_no_facets():
    from policyqa.engine.obligations import read_profile

    p = read_profile(
        "We are a printing plant in the Tongliang industrial park with a 4 t/h natural gas boiler; "
        "two hundred staff, trained in safety."
    )
    assert p.inside == ["industrial park"]  # a named park is still an industrial park
    assert "natural gas boiler" in p.facets and "printing plant" in p.facets
    assert not {"two hundred staff", "trained", "hundred"} & set(p.facets)
    # a named area that is no kind of place a rule covers says nothing about where the site is
    assert read_profile("We run a sewage plant in Liangjiang New Area").inside == []
    # what one holds is had, like what one owns: "hold" alone says nothing ("We must hold polluters accountable")
    held = read_profile("We hold onshore leases and pay royalties.").facets
    assert "hold" not in held and "onshore leases" in held


def test_a_fuel_listed_for_vehicles_does_not_name_a_boiler_burning_it(qa):
    # 3.4.3 lists "pure electric, hydrogen energy, natural gas and other ... vehicles": the kind listed must hold
    # what the facet is (a boiler), not only what it burns
    r = qa.obligations("A brewery with a 4 t/h natural gas boiler", doc=CQ)
    assert "3.4.3" not in ids(r.items)
    assert "4.2.3" in ids(r.must)  # a boiler is a fixed pollution source: the permit system binds it
    steel = qa.obligations("We are a city-owned steel group running a blast furnace mill", doc=CQ)
    assert "3.8.1" in ids(steel.items)  # where the listed kind is what the profile is, it still names it


def test_a_definition_names_the_kind_a_profile_is():
    from policyqa.ingest.applicability import defined_kind

    assert (
        defined_kind("(k)  The term “dual-use foundation model” means an AI model that") == "dual-use foundation model"
    )
    assert defined_kind("“milestone year” means 2030, 2035, 2040 and 2045.") == "milestone year"
    assert defined_kind("The Secretary shall define the term for the purposes of this order.") == ""


@pytest.mark.slow
def test_a_profile_matching_a_defined_term_gets_what_binds_that_kind(plans):
    # the order never says "language model with billions of parameters": it defines "dual-use foundation model"
    # in those words (3(k)) and binds "companies developing ... dual-use foundation models" (4.2(a)(i))
    r = plans.obligations(
        "Our lab is building a model with tens of billions of parameters, trained by self-supervision on broad "
        "data scraped from the web.",
        doc=AI_EO,
    )
    assert "4.2(a)(i)" in ids(r.items)
    assert "3(k)" not in ids(r.items)  # the definition itself binds no one
    item = next(i for i in r.items if i.clause_id == "4.2(a)(i)")
    assert "dual-use foundation model" in item.condition and "self-supervision" in item.condition
    assert_verbatim_and_grounded(plans, r)
    # a profile that shares one word with a definition is not made that kind
    small = plans.obligations("We fine-tune a small open model for customer emails.", doc=AI_EO)
    assert not any("as the document defines it" in i.condition for i in small.items)


@pytest.mark.parametrize(
    "profile",
    [
        "We are a city-owned state-owned steel group running a long-process mill in Changshou, with a captive "
        "coal-fired power plant; we are a designated key energy-using unit.",
        "We operate a data centre in Liangjiang New Area (about 3,000 racks, roughly 60 GWh of electricity a year) "
        "and are listed as a key energy-using unit.",
        "Fine chemicals maker in a chemical park, one 20 t/h coal-fired steam boiler, total energy use 30,000 tce.",
    ],
)
def test_a_why_that_says_names_quotes_a_sentence_holding_the_words(qa, profile):
    # "it names 'X'" is a claim about the quoted sentence; a match by meaning alone is said to be one
    from policyqa.engine.text import content_stems

    result = qa.obligations(profile).to_dict()
    items = result["must"] + result["should_know"]
    assert items
    for item in items:
        claim = re.search(r"it names ((?:'[^']+'(?:, )?)+)", item["condition"])
        for named in re.findall(r"'([^']+)'", claim.group(1)) if claim else []:
            assert set(content_stems(named)) & set(content_stems(item["sentence"])), (item["clause_id"], item)


# -- what is not the profile's: negations, recitals, offices it deals with, words every provision uses ------------


def test_what_a_profile_says_it_has_not_is_no_facet():
    from policyqa.engine.obligations import read_profile

    p = read_profile(
        "15-person game studio. We rent half a floor in an office tower, no company cars, no servers on site. "
        "We don't fund life-sciences research, and we aren't a regulator."
    )
    words = " ".join(p.facets)
    assert "cars" not in words and "servers" not in words and "life-sciences" not in words
    assert "game studio" in words


def test_what_a_chinese_profile_says_it_has_not_is_not_matched():
    from policyqa.engine.obligations import _own_text

    own = _own_text("我们是一家AI初创公司，租用云GPU。我们自己没有数据中心或计算集群。")
    assert "数据中心" not in own and "计算集群" not in own and "AI初创公司" in own and "云GPU" in own
    # words that merely open on a negating character are what the profile is
    assert "不列颠哥伦比亚省" in _own_text("我们是不列颠哥伦比亚省的一个厅。")
    assert "非营利医院" in _own_text("我们是一家非营利医院系统。")


def test_a_unit_is_a_size_not_what_one_does():
    from policyqa.engine.obligations import _add_facet

    kept: list[str] = []
    for piece in ("tons/hour", "tons", "4 MW", "natural gas boiler"):
        _add_facet(piece, kept)
    assert kept == ["natural gas boiler"]


def test_a_recital_binds_no_one(tmp_path):
    from tests.test_any_plan import HARBOUR_REGULATION, _ingested

    data = _ingested(tmp_path, "harbour-regulation.md", HARBOUR_REGULATION)
    got = run_cli(
        "obligations",
        "--json",
        "We are a harbour authority; ships at berth use our shore-side electricity.",
        data_dir=data,
    )
    assert got.returncode == 0, got.stderr
    result = json.loads(got.stdout)
    listed = [i["clause_id"] for k in ("must", "should_know", "plan_wide") for i in result[k]]
    assert "3(2)" in listed  # "Harbour authorities shall report the use of shore-side electricity ..."
    assert not [c for c in listed if c.startswith(("recital", "preamble"))], listed  # "(3) Member States should ..."


@pytest.mark.slow
def test_a_body_acts_through_its_head(plans):
    # "the EPA" is also "the Administrator of the Environmental Protection Agency shall ..."
    epa = plans.obligations("Office of the Administrator, U.S. Environmental Protection Agency.", doc=EO14008)
    assert "222(b)(i)" in ids(epa.must)
    # "the Department of Labor" is headed by "the Secretary of Labor"
    labor = plans.obligations("Office of the Secretary, U.S. Department of Labor.", doc=AI_EO)
    assert {"5.1(e)", "7.3(a)"} <= set(ids(labor.must))
    assert_verbatim_and_grounded(plans, labor)


@pytest.mark.slow
def test_an_office_it_gets_grants_from_is_not_who_it_is(plans):
    from policyqa.engine.obligations import read_profile

    text = (
        "R1 public university. Research computing commissioned a GPU cluster in one datacenter: 1.5e20 FLOP/s for "
        "AI training, 400 Gb/s InfiniBand. Bio labs order synthetic DNA on NIH/NSF grants."
    )
    assert read_profile(text, None, plans.registry).actors == []
    r = plans.obligations(text, doc=AI_EO)
    assert "4.2(b)(ii)" in ids(r.items)  # the computing cluster it runs, not the consultations of NSF
    assert not any("consulted" in i.condition for i in r.items)


@pytest.mark.slow
def test_an_agency_describing_its_work_is_shown_the_office_duties_about_it_and_asked(plans):
    r = plans.obligations(
        "We're a big federal department: we manage public lands and offshore waters, and we run the oil and gas "
        "lease sales on them.",
        doc=EO14008,
    )
    assert "208" in ids(r.should_know)  # "the Secretary of the Interior shall pause new oil and natural gas leases"
    item = next(i for i in r.should_know if i.clause_id == "208")
    assert "binding if you are the Secretary of the Interior" in item.condition
    assert any(q.startswith("Are you the Secretary of the Interior?") for q in r.ask_back)
    assert {"202", "209"} <= set(ids(r.must))  # what binds every agency still binds it
    assert_verbatim_and_grounded(plans, r)


@pytest.mark.slow
def test_a_word_every_provision_uses_singles_none_out(plans):
    # "climate" is in a third of a climate Act's provisions: an advocacy group is not bound by all of them
    r = plans.obligations("We're the climate directorate of a national advocacy organization.", doc=CA_ACT)
    assert r.nothing_binds and r.must == []


@pytest.mark.slow
def test_one_chinese_word_read_through_the_dictionary_lists_nothing_alone(plans):
    # 关闭 reads "close", one sense of many: a provision needs a second word of the profile beside it
    r = plans.obligations("我们是一家电力公司，旗下有一座提前关闭的核电站。这项行政令和我们有什么关系？", doc=NUCLEAR)
    assert not [i for i in r.must if i.matched == ["close"]]
    assert not [f for f in r.profile["facets"] if f in {"tons/hour", "tons"}]


@pytest.mark.slow
def test_a_condition_the_profile_denies_is_not_asked_back(plans):
    said = "We're a mid-sized federal agency. We use a model to pre-screen benefit claims."
    r = plans.obligations(said, doc=AI_EO)
    assert "4.4(b)(iii)" in ids(r.should_know)  # "all agencies that fund life-sciences research": asked back
    denied = plans.obligations(said + " We don't fund life-sciences research.", doc=AI_EO)
    assert "4.4(b)(iii)" not in ids(denied.items)
    assert not any("life-sciences research" in q for q in denied.ask_back)


def test_a_statement_binding_and_inviting_no_one_needs_more_than_one_word_of_the_profile(qa):
    r = qa.obligations("We operate a data centre; our electricity use is high.", doc=CQ)
    assert all(i.strength != "stated" or len(i.matched) > 1 for i in r.items)


def test_a_kind_the_plan_addresses_by_name_binds_a_profile_saying_it_is_one(qa):
    # "key", "energy", "using" and "unit" are each too common in the plan to single anyone out; written as the
    # plan's name for a kind ("Key energy-using units shall set up energy management posts"), they do
    named = qa.obligations("We run a glass works and are a key energy-using unit.", doc=CQ)
    assert {"4.7.2", "4.8.1"} <= set(ids(named.must)), ids(named.items)
    assert "energy-using units" in next(i for i in named.must if i.clause_id == "4.8.1").condition
    assert_verbatim_and_grounded(qa, named)
    # the same words scattered over a sentence name no kind
    scattered = qa.obligations("We run a glass works and use a lot of energy units.", doc=CQ)
    assert "4.8.1" not in ids(scattered.items), ids(scattered.items)


def test_sizes_typed_in_scientific_notation_are_read_in_the_documents_units():
    from policyqa.engine.obligations import _quantities

    got = {
        (round(q.value / 1e20), q.unit) for q in _quantities("a 3x10^26 FLOP training run on 1.5e20 FLOP/s clusters")
    }
    assert got == {
        (3_000_000, "integer or floating-point operations"),
        (2, "integer or floating-point operations per second"),
    }
    # a spelling put in is not read again: "floating-point operations" stays the document's unit
    assert [q.unit for q in _quantities("about 2e26 floating-point operations")] == [
        "integer or floating-point operations"
    ]


RIVER_ACT = """River Water Quality Act

Definitions
1 The following definitions apply in this Act.
Minister means the Minister of the Environment or, if another minister is designated under section 5, that minister.

Water quality plan
2 (1) The Minister must establish a river water quality plan within one year after this Act comes into force.
(2) The Minister must table the plan in each House of Parliament.

Contents of plan
3 (1) A river water quality plan must contain a target for dissolved oxygen in each river basin.
(2) A river water quality plan must describe the measures that will be taken to reach each target.

Reports
4 (1) The Commissioner must publish an annual audit of the plan.
(2) Each annual audit must state whether the targets were reached.
"""


def test_a_duty_on_a_thing_binds_the_office_that_produces_it(tmp_path):
    from tests.test_any_plan import _ingested

    data = _ingested(tmp_path, "river-water-quality-act.txt", RIVER_ACT)
    got = run_cli("obligations", "--json", "I am the Minister of the Environment. What must I do?", data_dir=data)
    assert got.returncode == 0, got.stderr
    result = json.loads(got.stdout)
    must = {i["clause_id"]: i["condition"] for i in result["must"]}
    # "A river water quality plan must contain ..." binds the Minister, whom 2(1) makes establish the plan
    assert {"2(1)", "3(1)", "3(2)"} <= set(must), must
    assert "[2(1)]" in must["3(1)"] and "Minister" in must["3(1)"]
    # the audit is the Commissioner's to publish: its contents bind the Commissioner, not the Minister
    assert "4(2)" not in must and "4(1)" not in must
    assert result["grounded"]


def test_equipment_is_named_by_its_fuel_and_head_whatever_else_qualifies_it(qa):
    from policyqa.engine.obligations import _members
    from policyqa.engine.text import content_stems

    members = _members(["gas-fired boilers with low nitrogen", "oil-fired furnaces over 5 MW"])
    assert frozenset(content_stems("gas boiler")) in members  # "-fired" is the fuel it burns
    assert frozenset(content_stems("oil furnace")) in members
    # a printer's natural gas boiler is among the "gas-fired boilers" to be upgraded "with low nitrogen"
    r = qa.obligations("We run a printing plant with solvent inks and a 4 t/h natural gas boiler.", doc=CQ)
    assert "3.8.2" in ids(r.items), ids(r.items)


def test_a_size_s_subject_is_what_it_measures_not_where_it_is_used():
    from policyqa.engine.obligations import _quantities

    (run,) = _quantities("the training run will use about 3e26 floating-point operations on rented cloud GPUs")
    assert run.subject == ""  # "on rented cloud GPUs" says where, not what has the size
    (energy,) = _quantities("energy use of 8,000 tce a year")
    assert energy.subject == "energy use"


@pytest.mark.slow
def test_an_item_of_a_lead_in_requiring_compliance_binds_what_it_covers(plans):
    # "(b) ... the Secretary shall require compliance with these reporting requirements for: (i) any model that was
    # trained using a quantity of computing power greater than 10^26 ...": a lab over the line is bound by it
    r = plans.obligations(
        "We are an AI lab. Our next model is trained with 5x10^26 floating-point operations on rented GPUs.", doc=AI_EO
    )
    model = next(i for i in r.must if i.clause_id == "4.2(b)(i)")
    assert "it covers you" in model.condition and "10^26" in model.condition
    assert not r.nothing_binds
    assert_verbatim_and_grounded(plans, r)


def test_a_department_the_document_never_names_acts_through_the_head_it_does(plans):
    from policyqa.engine.obligations import read_profile

    # the climate order writes "the Secretary of the Interior", never "the Department of the Interior"
    text = "We are the Office of the Secretary of the U.S. Department of the Interior. What does the order require?"
    assert read_profile(text, None, plans.registry).actors == ["Secretary of the Interior"]
    r = plans.obligations(text, doc=EO14008)
    assert {"207", "208"} <= set(ids(r.must)), ids(r.must)
    assert_verbatim_and_grounded(plans, r)
    # ... but a department it deals with is not who it is
    assert read_profile("Our grants come from the Department of the Interior.", None, plans.registry).actors == []


def test_a_list_the_profile_says_it_has_none_of_is_no_facet():
    from policyqa.engine.obligations import _facets

    facets = _facets("We run a bakery in Ohio and hold no government contracts, grants or Federal leases.")
    assert not any(w in " ".join(facets) for w in ("hold", "grants", "contracts", "leases")), facets


def test_the_items_completing_a_binding_lead_in_bind_too(plans):
    r = plans.obligations(
        "US AI company. We train general-purpose language models; the next run is about 3x10^26 operations.",
        doc=AI_EO,
    )
    # 4.2(a)(i) binds developers to report "regarding the following:" (A) training, (B) weights, (C) red-teaming
    assert {"4.2(a)(i)", "4.2(a)(i)(A)", "4.2(a)(i)(B)", "4.2(a)(i)(C)"} <= set(shown(r.must)), shown(r.must)
    assert_verbatim_and_grounded(plans, r)


DATA_ACT = """Energy Data Act

Part 1 Preliminary

1 Definitions
In this Act:
Regulator means the Energy Data Regulator established by section 2.
protected information means information obtained by an official of the Regulator under this Act.

Part 2 The Regulator

2 Establishment
(1) The Energy Data Regulator (the Regulator) is established by this section.
(2) The Regulator must publish an annual report on the data it holds.

Part 3 Protected information

3 Disclosure to other agencies
(1) The Chair of the Regulator may authorise an official of the Regulator to disclose protected information to a \
Commonwealth agency if the information will assist the agency to perform its functions.
(2) The Chair of the Regulator may, by writing, impose conditions to be complied with in relation to protected \
information disclosed under subsection (1).
(3) A person commits an offence if:
(a) the person is subject to a condition under subsection (2); and
(b) the person engages in conduct; and
(c) the person's conduct breaches the condition.
Penalty: Imprisonment for 2 years.
"""


def test_a_body_that_acts_on_the_asker_is_not_who_it_is_and_an_offence_binds(tmp_path):
    from policyqa.engine.core import PolicyQA
    from policyqa.engine.obligations import read_profile
    from policyqa.settings import Settings

    from tests.test_any_plan import _ingested

    data = _ingested(tmp_path, "energy-data-act.txt", DATA_ACT)
    qa = PolicyQA(Settings(data_dir=data))
    text = (
        "We are the Consumer Commission. The Chair of the Regulator has authorised an official to share protected "
        "information with us, subject to written conditions. What applies to us?"
    )
    # the Regulator is the subject of a sentence about someone else: the asker deals with it, and is not it
    assert not any("Regulator" in a for a in read_profile(text, None, qa.registry).actors)
    # a body named in brackets after one the asker deals with is dealt with too; "funding" is what it holds
    funded = read_profile(
        "We signed a funding agreement with the Commonwealth (Energy Data Regulator) and receive payments.",
        None,
        qa.registry,
    )
    assert funded.actors == [] and "signed funding agreement" in funded.facets
    r = qa.obligations(text)
    assert "2(2)" not in ids(r.items)  # the Regulator's own annual report is not the Commission's duty
    # "A person commits an offence if: (a) the person is subject to a condition ..." binds whoever it describes
    offence = [a for a in qa.clause("3(3)(a)").applies]
    assert offence and all(a.strength == "binding" for a in offence)
    assert {"3(3)(a)", "3(3)(c)"} & set(ids(r.must)), ids(r.items)
    assert_verbatim_and_grounded(qa, r)


def test_a_named_park_is_a_park_and_a_line_for_another_fuel_is_not_yours(qa):
    from policyqa.ingest.applicability import places

    assert places("Ceramic tile maker, Rongchang ceramics industrial park. Two kilns.", named_kind=True)[0] == [
        "ceramics industrial park"
    ]
    assert places("We are in the Changshou Economic Development Zone chemical park.", named_kind=True)[0] == [
        "chemical park"
    ]
    r = qa.obligations("Ceramic tile maker, Rongchang ceramics industrial park, with a 6 t/h coal boiler.", doc=CQ)
    boiler = next(i for i in r.must if i.clause_id == "3.8.2")  # inside a park: the under-35 t/h line binds it
    assert "below 35 tons/hour" in boiler.condition and "your site is in" in boiler.condition
    # a list and its first member are one place, said once
    assert boiler.condition.count("Urban built-up areas") == 1, boiler.condition
    # the 65 t/h line is drawn for coal-fired boilers: a gas boiler is not measured against it
    gas = qa.obligations(
        "A printing plant in an industrial park with a 4 t/h natural gas boiler for its ovens.", doc=CQ
    )
    for item in gas.items:
        assert "65 tons/hour" not in item.condition.split('the line of "')[0], item.condition
        assert "not over 65 tons/hour" not in item.condition, item.condition


TASK_FORCE_ORDER = """Executive Order on a Climate Task Force

By the authority vested in me as President, it is hereby ordered as follows:

Sec. 1. Climate Task Force.
(a) There is hereby established a Climate Task Force. The Task Force shall consist of the following members:
(i) the Secretary of Energy;
(ii) the Secretary of Labor.
(b) Task Force members shall report to the President each year on their progress.
(c) The head of each agency listed in subsection (a) of this section shall designate an official to represent the \
agency on the Task Force.

Sec. 2. Guidance.
(a) The Secretary of Commerce shall publish guidance on climate risk within 90 days of the date of this order.
"""


def test_a_duty_on_those_a_list_names_binds_each_office_on_it(tmp_path):
    from policyqa.engine.core import PolicyQA
    from policyqa.settings import Settings

    from tests.test_any_plan import _ingested

    qa = PolicyQA(Settings(data_dir=_ingested(tmp_path, "task-force-order.txt", TASK_FORCE_ORDER)))
    energy = qa.obligations("Office of the Secretary of Energy")
    must = {i.clause_id: i.condition for i in energy.must}
    # "Task Force members shall" (the members 1(a) lists) and "each agency listed in subsection (a)"
    assert {"1(b)", "1(c)"} <= set(must), must
    assert "Secretary of Energy is listed [1(a)(i)]" in must["1(c)"]
    assert_verbatim_and_grounded(qa, energy)
    commerce = qa.obligations("Office of the Secretary of Commerce")
    assert ids(commerce.must) == ["2(a)"]  # not on the list: neither binds it


@pytest.mark.parametrize(
    "text",
    [
        "Property developer. Current project: a residential complex, ~300,000 m² GFA, groundworks starting.",
        "Data centre, 4,000 racks live. Phase 2 (+3,000 racks) in design.",
        "We're building a second warehouse next to our depot.",
    ],
)
def test_a_project_under_way_is_a_planned_project(text):
    from policyqa.engine.obligations import read_profile

    assert read_profile(text).planned
    assert not read_profile("We run an office building and two delivery vans.").planned


@pytest.mark.slow
def test_a_word_said_twice_in_a_profile_is_one_piece_of_evidence(plans):
    from policyqa.engine.obligations import read_profile

    text = (
        "Hey, I'm on the policy team at a state Department of Human Services. We run SNAP, Medicaid eligibility and "
        "TANF, and our eligibility system has some automated risk-scoring built in. Is there anything in Biden's AI "
        "executive order we actually have to comply with, or stuff coming our way from the feds?"
    )
    # "eligibility" and "eligibility system" are one thing it says: patent eligibility guidance is not about it
    listed = ids(plans.obligations(text, doc=AI_EO).items)
    assert not {"5.2(c)(ii)", "5.3(d)"} & set(listed), listed
    assert "S" not in read_profile("We are a U.S.-incorporated AI company.").facets


def test_the_profile_scorer_counts_a_provision_with_its_items_as_one_listing():
    from types import SimpleNamespace

    from policyqa.eval.obligations import score_profile

    clauses = [
        SimpleNamespace(clause_id=cid, text=text, heading_text="", context="")
        for cid, text in [
            ("3(a)", "The Secretary shall submit a report that includes"),
            ("3(a)(i)", "a policy on spent fuel;"),
            ("3(a)(ii)", "a review of statutory authorities."),
            ("4", "The Secretary shall publish guidance."),
        ]
    ]
    case = {"id": "x", "doc": "d", "profile": "p", "binding": [{"quote": "a policy on spent fuel"}]}
    item = {"clause_id": "3(a)", "subitems": [{"clause_id": "3(a)(i)"}, {"clause_id": "3(a)(ii)"}]}
    row = score_profile(case, {"must": [item, {"clause_id": "4"}]}, clauses)
    # the gold item shown under its lead-in is found, in must; the lead-in with it is one right listing of two
    assert (row["binding_found"], row["binding_in_must"], row["binding_n"]) == (1, 1, 1)
    assert (row["listed_right"], row["listed_n"]) == (1, 2)
    assert row["none_binding_ok"]  # something binds, and it did not say nothing does
    assert not score_profile(case, {"must": [], "nothing_binds": True}, clauses)["none_binding_ok"]
    empty = score_profile({**case, "binding": []}, {"must": [], "nothing_binds": True}, clauses)
    assert empty["none_binding_ok"]  # no binding gold and no none_binding field: nothing binds


def test_an_item_s_parent_is_read_one_way_for_folding_and_for_children():
    from policyqa.engine.clauses import parent_id

    assert [parent_id(c) for c in ("7(4)(a)", "3(a)(ii)", "4(a)-2", "4(b)-7-2", "12", "3.9.2")] == [
        "7(4)",
        "3(a)",
        "4",
        "4",
        "",
        "",
    ]
