"""Actors and roles read from the document itself: the real executive orders, the Canadian Act, the Chongqing plan,
and small synthetic documents in other shapes (an EU-style regulation, a Markdown strategy, a Part/Chapter plan)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from policyqa.ingest.actors import Roles, provision_roles, read_actors, roles_by_provision

ROOT = Path(__file__).resolve().parent.parent
CORPORA = Path("/work/shared/corpora")
CHONGQING = ROOT / "corpus" / "chongqing-14fyp-energy-emissions.txt"

CEQ_CHAIR = "Chair of the Council on Environmental Quality"
OMB_DIRECTOR = "Director of the Office of Management and Budget"
NIST_DIRECTOR = "Director of the National Institute of Standards and Technology"


def _doc(name: str) -> str:
    path = CORPORA / name
    if not path.exists():
        pytest.skip(f"{path} not available")
    return path.read_text(encoding="utf-8")


def _between(text: str, start: str, end: str) -> str:
    """The text from ``start`` up to ``end``, hard-wrapped lines joined (as the structure splitter gives it)."""
    i = text.index(start)
    j = text.index(end, i + len(start))
    return " ".join(text[i:j].split())


@pytest.fixture(scope="module")
def eo14008():
    text = _doc("us-eo14008-climate-crisis.txt")
    return text, read_actors(text)


@pytest.fixture(scope="module")
def eo14110():
    text = _doc("us-eo14110-ai.txt")
    return text, read_actors(text)


@pytest.fixture(scope="module")
def nuclear():
    text = _doc("us-eo2025-nuclear-industrial-base.txt")
    return text, read_actors(text)


@pytest.fixture(scope="module")
def act():
    text = _doc("ca-netzero-accountability-act.txt")
    return text, read_actors(text)


def _names(registry) -> dict[str, object]:
    return {a.name: a for a in registry.actors}


# ------------------------------------------------------------------------------------------------ EO 14008


def test_eo14008_registry_is_clean_and_normalised(eo14008):
    _, reg = eo14008
    names = _names(reg)
    for expected, kind in [
        ("Secretary of the Interior", "official"),
        (CEQ_CHAIR, "official"),
        ("Council on Environmental Quality", "body"),
        (OMB_DIRECTOR, "official"),
        ("Administrator of the National Oceanic and Atmospheric Administration", "official"),
        ("Environmental Protection Agency", "body"),
        ("National Climate Task Force", "body"),
        ("Attorney General", "official"),
        ("head of each agency", "official"),
    ]:
        assert expected in names, expected
        assert names[expected].kind == kind, expected
    # No sentence fragments, no whole governments, no article left on a name, no duplicates.
    for bad in ("United States", "Federal Government", "I", "This order", "Administration", "Secretary", "Council"):
        assert bad not in names
    assert not [n for n in names if n.startswith(("The ", "the "))]
    assert len(names) == len(reg.actors)
    # "and Human Services" is part of the title, not a second actor.
    assert "Secretary of Health and Human Services" in names
    assert "Human Services" not in names


def test_eo14008_short_forms_and_ceq(eo14008):
    _, reg = eo14008
    names = _names(reg)
    assert "Task Force" in names["National Climate Task Force"].short
    assert "USAID" in names["United States Agency for International Development"].short
    assert "Climate Policy Office" in names["White House Office of Domestic Climate Policy"].short
    # The order never writes "CEQ", so it is no short form of the document; a user typing it is still understood
    # (initials of the body's name) and "Chair of CEQ" is the Chair.
    assert "CEQ" not in names["Council on Environmental Quality"].short
    assert reg.resolve("the CEQ") == "Council on Environmental Quality"
    assert reg.resolve("Chair of CEQ") == CEQ_CHAIR
    assert reg.resolve("OMB Director") == OMB_DIRECTOR
    assert reg.resolve("secretary of the interior") == "Secretary of the Interior"
    assert reg.resolve("the Task Force") == "National Climate Task Force"
    assert reg.resolve("the Secretary") is None  # several Secretaries: not guessed


def test_eo14008_sections_led_by_the_secretary_of_the_interior(eo14008):
    text, reg = eo14008
    sec207 = _between(text, "Sec. 207.", "Sec. 208.")
    roles = provision_roles(sec207, "", reg)
    assert roles.lead == ["Secretary of the Interior"]
    assert {"Secretary of Defense", "Secretary of Energy", CEQ_CHAIR} <= set(roles.consulted)
    sec216a = _between(text, "Sec. 216.", "(i)   The Secretary of the Interior, the Secretary")
    roles = provision_roles(sec216a, "", reg)
    assert roles.lead == ["Secretary of the Interior"]
    assert {"Secretary of Agriculture", "Secretary of Commerce", CEQ_CHAIR} <= set(roles.consulted)


def test_eo14008_through_and_compound_subjects(eo14008):
    text, reg = eo14008
    roles = provision_roles(_between(text, "(d)  To assist agencies", "EMPOWERING WORKERS THROUGH"), "", reg)
    assert roles.lead[:3] == [
        "Secretary of Commerce",
        "Secretary of Homeland Security",
        "Director of the Office of Science and Technology Policy",
    ]
    assert "Administrator of the Federal Emergency Management Agency" in roles.responsible
    assert "Administrator of the National Oceanic and Atmospheric Administration" in roles.responsible
    assert roles.consulted == ["head of each agency"]
    assert "agencies" not in roles.lead  # "To assist agencies ..." is no subject
    # "The Chair of ... and the Director of ... shall", with the order's own typo "Office and Management".
    roles = provision_roles(_between(text, "Sec. 205.", "(b)  The plan shall aim"), "", reg)
    assert roles.lead == [CEQ_CHAIR, "Administrator of General Services", OMB_DIRECTOR]


def test_eo14008_no_lead_where_nobody_must_act(eo14008):
    text, reg = eo14008
    created = _between(text, "(c)  I have created", "(d)  Recognizing")
    assert provision_roles(created, "", reg) == Roles()
    roles = provision_roles(_between(text, "Sec. 202.", "Sec.203."), "", reg)
    assert roles.established == ["White House Office of Domestic Climate Policy"]
    # "shall have a staff headed by X": X is named, beside the Office that has the staff
    assert roles.responsible == ["Assistant to the President and National Climate Advisor"]
    # "shall be chaired by X" makes X the lead, once
    roles = provision_roles(_between(text, "Sec.203.", "(a)  Membership."), "", reg)
    assert roles.lead == ["Assistant to the President and National Climate Advisor"] and roles.responsible == []
    # A membership list is no duty of the Task Force, and its items inherit nothing.
    lead_in = "(a)  Membership.  The Task Force shall consist of the following additional members:"
    assert provision_roles("the Secretary of the Treasury;", lead_in, reg) == Roles()


# ------------------------------------------------------------------------------------------------ EO 14110


def test_eo14110_acting_through_in_coordination_with(eo14110):
    text, reg = eo14110
    sentence = _between(text, "4.1.  Developing Guidelines", "(i)   Establish guidelines")
    roles = provision_roles(sentence, "", reg)
    assert roles.lead == ["Secretary of Commerce"]
    assert roles.responsible == [NIST_DIRECTOR]
    assert roles.consulted == ["Secretary of Energy", "Secretary of Homeland Security", "head of each agency"]
    assert roles.may == []  # "as the Secretary of Commerce may deem appropriate" grants nothing
    # An item inherits the actor of the sentence that introduces it.
    item = provision_roles(
        "Establish guidelines and best practices, for developing AI systems, including:", sentence, reg
    )
    assert item.lead == ["Secretary of Commerce"] and item.responsible == [NIST_DIRECTOR]


def test_eo14110_abbreviations(eo14110):
    _, reg = eo14110
    names = _names(reg)
    assert "NIST" in names["National Institute of Standards and Technology"].short
    assert "NIST" not in names[NIST_DIRECTOR].short  # the acronym belongs to the Institute, not its Director
    assert reg.resolve("Director of NIST") == NIST_DIRECTOR
    assert reg.resolve("Secretary of HHS") == "Secretary of Health and Human Services"
    assert reg.resolve("White House AI Council") == "White House Artificial Intelligence Council"
    usp = reg.resolve("USPTO Director")
    assert usp is not None and usp.endswith("Director of the United States Patent and Trademark Office")
    mentions = reg.find("the Director of OMB and the Director of OSTP shall")
    assert [m[2] for m in mentions] == [OMB_DIRECTOR, "Director of the Office of Science and Technology Policy"]


# ------------------------------------------------------------------------------------------------ nuclear EO


def test_nuclear_secretary_of_energy_shall(nuclear):
    text, reg = nuclear
    roles = provision_roles(_between(text, "(c)  The Secretary of Energy shall halt", "(d)  Within 90"), "", reg)
    assert roles.lead == ["Secretary of Energy"]
    roles = provision_roles(_between(text, "Nuclear Fuel Cycle.  (a)", "(i)     a recommended"), "", reg)
    assert roles.lead == ["Secretary of Energy"]
    assert roles.consulted == ["Secretary of Defense", "Secretary of Transportation", OMB_DIRECTOR]
    assert "Office of Management and Budget" not in roles.consulted  # "through the Chair ..." is a channel
    assert "OMB" in _names(reg)["Office of Management and Budget"].short
    roles = provision_roles(_between(text, "(g)  The Attorney General shall", "(h)  Such"), "", reg)
    assert roles.lead == ["Attorney General"] and roles.consulted == ["Chairman of the Federal Trade Commission"]
    roles = provision_roles(_between(text, "Such voluntary agreements shall further", "Sec.\n4."), "", reg)
    assert roles.lead == [] and roles.may == ["Secretary of Energy"]  # "is authorized to"
    roles = provision_roles(_between(text, "(c)  Within 120 days of the date of this order, all", "(d)"), "", reg)
    assert roles.lead == ["agencies"]


# ------------------------------------------------------------------------------------------------ Canadian Act


def test_act_minister_and_other_offices(act):
    text, reg = act
    names = _names(reg)
    minister = names["Minister"]
    assert minister.kind == "official" and "Minister of the Environment" in minister.defined_as
    assert {
        "Minister of Finance",
        "Governor in Council",
        "Commissioner of the Environment and Sustainable Development",
        "Net-Zero Advisory Body",
    } <= set(names)
    assert "advisory body" in names["Net-Zero Advisory Body"].short

    def roles_of(start: str, end: str) -> Roles:
        return provision_roles(_between(text, start, end), "", reg)

    assert roles_of("7 (1) The Minister must", "Progression").lead == ["Minister"]
    finance = roles_of("23 The Minister of Finance", "Commissioner of the Environment and Sustainable Development\n")
    assert finance.lead == ["Minister of Finance"] and finance.consulted == ["Minister"]
    assert roles_of("24 (1) The Commissioner", "Recommendations").lead == [
        "Commissioner of the Environment and Sustainable Development"
    ]
    assert roles_of("5 The Governor in Council may", "Targets and Plans").may == ["Governor in Council"]
    assert roles_of("21 (1) The Governor in Council appoints", "Minister’s recommendation").lead == [
        "Governor in Council"
    ]
    assert roles_of("(3) The Minister may, in a decision", "Subsequent plans").may == ["Minister"]
    assert roles_of("22 (1) The advisory body must", "Factors").lead == ["Net-Zero Advisory Body"]
    assert roles_of("20 (1) There is established", "(a) greenhouse").established == ["Net-Zero Advisory Body"]
    lead_in = _between(text, "26 (1) The Governor in Council may make", "(a) amending")
    assert provision_roles("(a) amending or specifying the methodology;", lead_in, reg).may == ["Governor in Council"]


# ------------------------------------------------------------------------------------------------ Chongqing


def test_chongqing_closing_parentheses():
    if not CHONGQING.exists():
        pytest.skip("Chongqing plan not available")
    text = CHONGQING.read_text(encoding="utf-8")
    reg = read_actors(text)
    paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    lead = next(p for p in paras if "(The Municipal Agriculture and Rural Affairs Commission takes the lead" in p)
    roles = provision_roles(lead, "", reg)
    assert roles.lead == ["Municipal Agriculture and Rural Affairs Commission"]
    assert roles.responsible == ["Municipal Development and Reform Commission", "Municipal Energy Bureau"]
    shared = next(
        p
        for p in paras
        if p.endswith("Municipal Water Resources Bureau shall be responsible according to their respective duties)")
    )
    roles = provision_roles(shared, "", reg)
    assert roles.lead == [] and len(roles.responsible) == 4
    led = next(p for p in paras if "(Under the leadership of" in p)
    roles = provision_roles(led, "", reg)
    assert len(roles.lead) == 2 and len(roles.responsible) >= 8
    # Spellings of one body are one actor; "the municipal Finance Bureau" is the Municipal Finance Bureau.
    names = _names(reg)
    assert "Finance Bureau" not in names and "Municipal Finance Bureau" in names
    assert reg.resolve("Municipal Bureau of Water Resources") == reg.resolve("Municipal Water Resources Bureau")


# ------------------------------------------------------------------------------------------------ synthetic

EU_REGULATION = """REGULATION (EU) 2031/77 OF THE EUROPEAN PARLIAMENT AND OF THE COUNCIL

Article 2
Definitions
(1) ‘Agency’ means the European Union Agency for the Cooperation of Energy Regulators;

Article 4
Competent authorities
1. Each Member State shall designate one or more competent authorities.
2. The European Commission (‘the Commission’) shall, in cooperation with the Agency, publish a list of them.
3. The Commission may adopt delegated acts in accordance with Article 12.

Article 12
1. The European Methane Observatory (EMO) shall be established within the European Environment Agency (EEA).
2. The Agency, after consulting the EMO, shall issue guidelines.
"""

MARKDOWN_STRATEGY = """# Greenfield City Climate Strategy 2030

## 1 Governance

The Climate Action Board (the Board) is hereby established. The Board shall meet quarterly.

## 2.1 Buildings

Led by the Department of Housing and Planning, the city will retrofit 4,000 homes by 2028.

Lead: Department of Housing and Planning
Partners: Sustainability Office, Greenfield Energy Agency (GEA)

## 2.2 Transport

The Transport Authority, in partnership with the GEA, must publish a bus plan. The Mayor may extend the deadline.

Responsible units: Transport Authority (lead), Sustainability Office
"""

PART_CHAPTER_PLAN = """NATIONAL WATER RESILIENCE PLAN

Part II
Institutions

Chapter 3
The Water Council

Section 14. The National Water Council, hereinafter referred to as the Council, is responsible for coordinating the
implementation of this Plan.

Section 15. The Minister of Water Affairs shall, after consulting the Council and the Minister of Finance, publish
annual targets. The Council is to report to Parliament every two years.

Section 16. Functions of the Council shall be performed by the Secretariat of the Council. The Council shall be housed
within the Ministry of Water Affairs.
"""


def _roles(doc: str, start: str, end: str | None = None) -> Roles:
    reg = read_actors(doc)
    i = doc.index(start)
    j = doc.index(end, i) if end else len(doc)
    return provision_roles(doc[i:j], "", reg)


def test_eu_regulation():
    reg = read_actors(EU_REGULATION)
    names = _names(reg)
    assert "Commission" in names["European Commission"].short
    assert "EMO" in names["European Methane Observatory"].short
    assert reg.resolve("the Agency") == "European Union Agency for the Cooperation of Energy Regulators"
    assert _roles(EU_REGULATION, "1. Each Member State", "2.").lead == ["Member States"]
    roles = _roles(EU_REGULATION, "2. The European Commission", "3.")
    assert roles.lead == ["European Commission"]
    assert roles.consulted == ["European Union Agency for the Cooperation of Energy Regulators"]
    assert _roles(EU_REGULATION, "3. The Commission may", "Article 12").may == ["European Commission"]
    roles = _roles(EU_REGULATION, "1. The European Methane", "2. The Agency")
    assert roles.lead == [] and roles.established == ["European Methane Observatory"]  # passive: no lead
    roles = _roles(EU_REGULATION, "2. The Agency")
    assert roles.lead == ["European Union Agency for the Cooperation of Energy Regulators"]
    assert roles.consulted == ["European Methane Observatory"]


def test_markdown_strategy():
    reg = read_actors(MARKDOWN_STRATEGY)
    assert "Board" in _names(reg)["Climate Action Board"].short
    assert _roles(MARKDOWN_STRATEGY, "The Climate Action Board").established == ["Climate Action Board"]
    assert _roles(MARKDOWN_STRATEGY, "Led by", "Lead:").lead == ["Department of Housing and Planning"]
    roles = _roles(MARKDOWN_STRATEGY, "Lead:", "## 2.2")
    assert roles.lead == ["Department of Housing and Planning"]
    assert roles.responsible == ["Sustainability Office", "Greenfield Energy Agency"]
    roles = _roles(MARKDOWN_STRATEGY, "The Transport Authority", "Responsible units")
    assert roles.lead == ["Transport Authority"] and roles.consulted == ["Greenfield Energy Agency"]
    assert roles.may == ["Mayor"]
    roles = _roles(MARKDOWN_STRATEGY, "Responsible units")
    assert roles.lead == ["Transport Authority"] and roles.responsible == ["Sustainability Office"]


def test_part_chapter_plan():
    reg = read_actors(PART_CHAPTER_PLAN)
    assert "Council" in _names(reg)["National Water Council"].short
    assert _roles(PART_CHAPTER_PLAN, "Section 14.", "Section 15.").lead == ["National Water Council"]
    roles = _roles(PART_CHAPTER_PLAN, "Section 15.", "Section 16.")
    assert roles.lead == ["Minister of Water Affairs", "National Water Council"]
    assert roles.consulted == ["Minister of Finance"]
    roles = _roles(PART_CHAPTER_PLAN, "Section 16.")
    assert roles.lead == ["Secretariat of the Council"]  # the agent of "shall be performed by"
    assert "National Water Council" not in roles.lead  # "shall be housed within" is no duty


def test_defined_title_resolves_and_undefined_title_is_not_guessed():
    defined = (
        "The Secretary of Commerce (the “Secretary”) and the Secretary of Energy shall meet.\n\n"
        "The Secretary shall publish a report."
    )
    reg = read_actors(defined)
    assert provision_roles("The Secretary shall publish a report.", "", reg).lead == ["Secretary of Commerce"]
    undefined = "The Secretary of Commerce and the Secretary of Energy shall meet.\n\nThe Secretary shall publish."
    reg = read_actors(undefined)
    assert provision_roles("The Secretary shall publish.", "", reg).lead == []


def test_roles_by_provision_inherits_through_levels():
    class P:
        def __init__(self, clause_id, text, parent=None, lead_in=""):
            self.clause_id, self.text, self.parent, self.lead_in = clause_id, text, parent, lead_in

    a = "(a) Within 90 days, the Secretary of Energy, in consultation with the Attorney General, shall:"
    i = "(i) develop a plan, including:"
    doc = "\n\n".join([a, i, "(A) a schedule;"])
    reg = read_actors(doc)
    out = roles_by_provision(
        [P("1(a)", a), P("1(a)(i)", i, "1(a)", a), P("1(a)(i)(A)", "(A) a schedule;", "1(a)(i)", i)], reg
    )
    assert out["1(a)(i)(A)"].lead == ["Secretary of Energy"]
    assert out["1(a)(i)(A)"].consulted == ["Attorney General"]


def test_a_plans_written_short_form_gives_way_to_another_documents_title():
    from policyqa.engine.agencies import Agency, AgencyRegistry, with_actors

    base = AgencyRegistry([Agency("Municipal Finance Bureau", short=["treasury", "finance department"])])
    # alone, the plan's alias names its bureau
    assert base.names_in("What does the treasury do?", informal=True) == ["Municipal Finance Bureau"]
    # an order's "Secretary of the Treasury" is its own actor, not the bureau spelled longer ...
    both = with_actors(base, [{"name": "Secretary of the Treasury", "short": []}])
    assert "Secretary of the Treasury" in both.by_name
    # ... and with both indexed "Treasury" names neither; an alias no title holds still names the bureau
    assert both.names_in("What is Treasury supposed to do?", informal=True) == []
    assert both.names_in("the finance department's tasks", informal=True) == ["Municipal Finance Bureau"]
    assert both.names_in("the Secretary of the Treasury shall", informal=True) == ["Secretary of the Treasury"]
    # a short form a document defines ("(Advisory Council)") stays that document's name
    read = with_actors(
        base,
        [
            {"name": "White House Environmental Justice Advisory Council", "short": ["Advisory Council"]},
            {"name": "Health Care System Readiness Advisory Council", "short": []},
        ],
    )
    assert read.names_in("Who sits on the Advisory Council?", informal=True) == [
        "White House Environmental Justice Advisory Council"
    ]


def test_an_acronym_defined_and_given_duties_is_a_body_and_the_governor_general_an_official():
    text = (
        "In this Schedule:\nARENA has the same meaning as in the ARENA Act.\nARENA Board means the Board of ARENA.\n"
        "(1) ARENA may pay the liabilities out of ARENA's money.\n(2) The Governor-General may make regulations.\n"
        "GST has the same meaning as in the GST Act.\n(3) The amount includes GST."  # defined, given no duty: no actor
    )
    reg = read_actors(text)
    kinds = {a.name: a.kind for a in reg.actors}
    assert kinds.get("ARENA") == "body" and kinds.get("Governor-General") == "official", kinds
    assert "GST" not in kinds
    assert "ARENA" in provision_roles("ARENA may pay the liabilities.", "", reg).may
