"""The document model: provisions under the ids each document prints, on real documents and on small ones in
other shapes (an EU-style regulation, a Markdown strategy, a plan in Parts and Chapters)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from policyqa.ingest.structure import Provision, normalise_reference, split_provisions
from policyqa.tools.synthetic import numbered_act

ROOT = Path(__file__).resolve().parent.parent
CORPORA = Path("/work/shared/corpora")
CHONGQING = ROOT / "corpus" / "chongqing-14fyp-energy-emissions.txt"
REAL = ["us-eo14008-climate-crisis.txt", "us-eo14110-ai.txt", "us-eo2025-nuclear-industrial-base.txt",
        "ca-netzero-accountability-act.txt"]  # fmt: skip


def _read(name: str) -> str:
    path = CORPORA / name
    if not path.exists():
        pytest.skip(f"{path} not available")
    return path.read_text(encoding="utf-8")


def _split(text: str) -> dict[str, Provision]:
    provisions = split_provisions(text)
    assert provisions is not None
    ids = [p.clause_id for p in provisions]
    assert len(ids) == len(set(ids)), "clause ids must be unique"
    return {p.clause_id: p for p in provisions}


@pytest.fixture(scope="module")
def eo14008() -> dict[str, Provision]:
    return _split(_read("us-eo14008-climate-crisis.txt"))


@pytest.fixture(scope="module")
def eo14110() -> dict[str, Provision]:
    return _split(_read("us-eo14110-ai.txt"))


@pytest.fixture(scope="module")
def nuclear() -> dict[str, Provision]:
    return _split(_read("us-eo2025-nuclear-industrial-base.txt"))


@pytest.fixture(scope="module")
def act() -> dict[str, Provision]:
    return _split(_read("ca-netzero-accountability-act.txt"))


# ---- executive orders ----------------------------------------------------------------------------------------


def test_eo14008_sections_subsections_and_items(eo14008):
    ids = ("101", "102", "102(a)", "102(g)(iii)", "104", "201", "203", "203(a)(xxi)", "205", "205(b)(ii)", "301(c)")
    for cid in ids:
        assert cid in eo14008, cid
    assert "203" in eo14008  # printed "Sec.203." without a space
    assert [p for p in eo14008 if re.fullmatch(r"\d+", p)] == [
        "101", "102", "103", "104", *[str(n) for n in range(201, 224)], "301"
    ]  # fmt: skip
    assert eo14008["101"].label == "Section 101"
    assert eo14008["102(a)"].label == "Sec. 102(a)"
    assert eo14008["102(a)"].text.startswith("I will host an early Leaders’ Climate Summit")
    assert eo14008["102(a)"].parent == "102"


def test_eo14008_headings_titles_and_lead_ins(eo14008):
    sec102 = eo14008["102"]
    assert sec102.heading[0].startswith("PART I — PUTTING THE CLIMATE CRISIS AT THE CENTER")
    assert sec102.heading[-1] == "Purpose"
    assert sec102.text.startswith("This order builds on and reaffirms")  # the title is not part of the text
    assert eo14008["102(g)(i)"].lead_in == "The Secretary of the Treasury shall:"
    assert eo14008["102(b)"].lead_in.endswith("In this regard:")
    assert eo14008["203"].heading[-1] == "National Climate Task Force"
    assert eo14008["203(a)"].heading[-1] == "Membership"  # "(a)  Membership.  The Task Force shall ..."
    assert eo14008["203(a)(i)"].text == "the Secretary of the Treasury;"
    # a heading split over two lines, and a group heading in capitals between sections
    assert eo14008["103"].heading[-1] == "Prioritizing Climate in Foreign Policy and National Security"
    assert eo14008["205"].heading[:2] == [
        "PART II — TAKING A GOVERNMENT-WIDE APPROACH TO THE CLIMATE CRISIS",
        "USE OF THE FEDERAL GOVERNMENT’S BUYING POWER AND REAL PROPERTY AND ASSET MANAGEMENT",
    ]
    assert eo14008["301"].heading[0] == "PART III — GENERAL PROVISIONS"


def test_eo14008_preamble_and_signature_kept_apart(eo14008):
    assert eo14008["preamble.1"].text.startswith("The United States and the world face a profound climate crisis.")
    assert eo14008["preamble.2"].text.startswith("By the authority vested in me")
    assert eo14008["preamble.1"].heading == ["Executive Order on Tackling the Climate Crisis at Home and Abroad"]
    assert "BIDEN" not in eo14008["301(c)"].text
    assert "JOSEPH R. BIDEN JR." in eo14008["closing.1"].text


def test_eo14110_decimal_subsections_and_deep_items(eo14110):
    for cid in ("4", "4.1", "4.1(a)", "4.1(a)(i)", "4.1(a)(i)(A)", "4.2(d)(i)(B)(4)", "10.2(h)", "13(c)"):
        assert cid in eo14110, cid
    p = eo14110["4.1(a)(i)(A)"]
    assert p.label == "Sec. 4.1(a)(i)(A)"
    assert p.parent == "4.1(a)(i)"
    assert p.lead_in.endswith("including:")
    assert eo14110["4.1"].parent == "4"
    assert eo14110["4.1(a)"].heading == [
        "Ensuring the Safety and Security of AI Technology",
        "Developing Guidelines, Standards, and Best Practices for AI Safety and Security",
    ]
    assert eo14110["4.1(a)"].text.startswith("Within 270 days of the date of this order")
    # "Training.To improve": a title glued to the text
    assert eo14110["4.7"].heading[-1].endswith("Federal Data for AI Training")
    assert eo14110["4.7"].text.startswith("To improve public data access")


def test_eo14110_letters_and_roman_numerals_told_apart(eo14110):
    # "(i)" after "(h)" is a letter when "(j)" follows, a roman numeral when "(ii)" follows
    assert eo14110["3(i)"].text.startswith("The term “critical infrastructure”")
    assert eo14110["3(k)(i)"].parent == "3(k)"
    assert eo14110["3(k)(ii)"].text.startswith("enabling powerful offensive cyber operations")
    assert "3(gg)" in eo14110 and "3(v)" in eo14110 and "3(x)" in eo14110
    assert eo14110["10.1(i)"].parent == "10.1"
    # "(I)" after "(H)" is the ninth capital letter
    assert eo14110["10.1(b)(viii)(I)"].parent == "10.1(b)(viii)"
    assert "10.1(b)(ix)" in eo14110


def test_nuclear_eo_heading_split_over_lines(nuclear):
    # "Section\n1.\nPurpose.  The United\nStates originally ..."
    assert nuclear["1"].heading == ["Purpose"]
    assert nuclear["1"].label == "Section 1"
    assert nuclear["1"].text.startswith("The United States originally pioneered nuclear energy technology")
    assert nuclear["3"].heading == ["Strengthening the Domestic Nuclear Fuel Cycle"]
    assert nuclear["3(a)"].text.startswith("Within 240 days of the date of this order")
    assert nuclear["3(a)(ix)"].lead_in.endswith("a report that includes:")
    assert nuclear["6"].heading == ["Other Provisions"]
    assert nuclear["6"].text.startswith("Nothing in this order shall be construed")
    assert nuclear["7(a)(ii)"].parent == "7(a)"
    assert nuclear["preamble.1"].text.startswith("By the authority vested in me")


# ---- an Act ---------------------------------------------------------------------------------------------------


def test_act_sections_subsections_paragraphs(act):
    for cid in ("1", "2", "6", "6.1", "7", "7(1)", "7(1.1)", "7(4)(a)", "10(1)(a.1)", "14(2)(b.2)", "27.1", "29"):
        assert cid in act, cid
    assert act["7(1.1)"].label == "section 7(1.1)"
    assert act["7(1.1)"].text == (
        "Each greenhouse gas emissions target must represent a progression beyond the previous one."
    )
    assert act["7(1)"].text.startswith("The Minister must set a national greenhouse gas emissions target")
    assert act["6.1"].parent is None  # an inserted section, not a subsection of 6
    assert act["7(4)(a)"].parent == "7(4)"
    assert act["7(4)(a)"].lead_in == "The Minister must set the national greenhouse gas emissions target"
    assert act["21(1.1)(b)"].lead_in.startswith("When making a recommendation, the Minister must consider")


def test_act_marginal_notes_and_group_headings(act):
    assert act["6"].heading == ["Targets and Plans", "Target — 2050"]
    assert act["6.1"].heading == ["Targets and Plans", "For greater certainty"]
    assert act["7(1.1)"].heading == ["Targets and Plans", "Targets — milestone years", "Progression"]
    assert act["7(4)(a)"].heading == ["Targets and Plans", "Targets — milestone years", "Subsequent targets"]
    assert act["20(1)"].heading == ["Advisory Body", "Establishment and mandate"]
    # "Coming into Force" / "Section 23" above "*29 Section 23 comes into force ...": notes, not a section 23
    assert act["29"].heading == ["Coming into Force", "Section 23"]
    assert act["29"].text.startswith("Section 23 comes into force")
    assert act["23"].text.startswith("The Minister of Finance must")


def test_act_preamble_and_definitions(act):
    preamble = [p for cid, p in act.items() if cid.startswith("preamble.")]
    assert len(preamble) == 13
    assert preamble[0].text.startswith("Whereas the science clearly shows")
    assert preamble[0].heading[-1] == "Preamble"
    assert preamble[-1].text.startswith("Now, therefore, Her Majesty")
    # unnumbered definition paragraphs continue section 2
    assert "milestone year means any of the years 2030, 2035, 2040 and 2045." in act["2"].text


# ---- documents without reliable numbering -------------------------------------------------------------------


def test_chongqing_mixed_numbering_is_not_trusted():
    if not CHONGQING.exists():
        pytest.skip("Chongqing plan not available")
    assert split_provisions(CHONGQING.read_text(encoding="utf-8")) is None


def test_no_numbering_gives_none():
    text = (
        "Our city is committed to clean energy.\n\n"
        "We will work with residents and businesses to cut emissions, and report every year.\n\n"
        "The council will lead by example in its own buildings.\n"
    )
    assert split_provisions(text) is None
    assert split_provisions("") is None


def test_numbering_restarting_in_each_chapter_is_not_trusted():
    text = "\n\n".join(
        f"Chapter {c} {name}\n\n1. First measure for {name.lower()}.\n\n2. Second measure for {name.lower()}."
        for c, name in enumerate(["Energy", "Transport", "Waste"], start=1)
    )
    assert split_provisions(text) is None


def test_sections_out_of_order_are_not_trusted():
    text = "\n\n".join(f"Sec. {n}.  Duty.  The Board shall act on matter {n}." for n in (5, 3, 9, 1, 7, 2))
    assert split_provisions(text) is None
    in_order = "\n\n".join(f"Sec. {n}.  Duty.  The Board shall act on matter {n}." for n in (1, 2, 3, 5, 7, 9))
    assert [p.clause_id for p in split_provisions(in_order) or []] == ["1", "2", "3", "5", "7", "9"]


def test_roman_i_after_h_decided_by_what_follows():
    letters = "\n\n".join(f"({c})  The Agency shall do task {c}." for c in "abcdefg")
    text = (
        f"Sec. 1.  Duties.\n\n{letters}\n\n(h)  The Board shall:\n\n(i)  publish a plan; and\n\n"
        "(ii)  report yearly.\n\n(i)  The Council shall advise.\n\n(j)  The Fund shall pay.\n"
    )
    doc = _split(text)
    assert ["1(h)", "1(h)(i)", "1(h)(ii)", "1(i)", "1(j)"] == list(doc)[-5:]
    assert doc["1(h)(ii)"].lead_in == "The Board shall:"
    assert doc["1(i)"].text == "The Council shall advise."


# ---- other shapes ---------------------------------------------------------------------------------------------

EU_REGULATION = """REGULATION (EU) 2031/77 OF THE EUROPEAN PARLIAMENT AND OF THE COUNCIL
on harmonised rules for heat networks

THE EUROPEAN PARLIAMENT AND THE COUNCIL OF THE EUROPEAN UNION,

Whereas:

(1) Heat networks can deliver low-carbon heat at scale.

(2) Member States should plan heat networks together with electricity grids.

HAVE ADOPTED THIS REGULATION:

CHAPTER I
GENERAL PROVISIONS

Article 1
Subject matter
1. This Regulation lays down rules for the planning of heat networks.
2. It applies to networks above 5 MW.

Article 2
Definitions
For the purposes of this Regulation, the following definitions apply:
(a) 'heat network' means a system distributing heat from a central source;
(b) 'operator' means any person operating a heat network.

CHAPTER II
OBLIGATIONS

SECTION 1
Planning

Article 3
Heat plans
1. Member States shall adopt a heat plan by 31 December 2033.
2. The heat plan shall include:
(a) an assessment of demand;
(b) a list of projects; and
(c) the financing needed.
3. The Commission shall publish guidance within 12 months.

Art. 4
Reporting
1. Operators shall report annually to the competent authority.
2. Paragraph 1 shall not apply to networks below 10 MW.

ANNEX I
Information to be reported
1. Annual heat delivered.
2. Share of renewable heat.
"""

MARKDOWN_STRATEGY = """# Riverton Net Zero Strategy

## Introduction

This strategy sets out how the city will reach net zero.

## 1 Vision

By 2040 the city will be carbon neutral.

## 2 Energy

### 2.1 Buildings

The council will retrofit 2,000 homes a year.

Key actions:

1. Install heat pumps in council housing.
2. Insulate schools by 2028.

### 2.2 Transport

The transport authority shall electrify all buses by 2030.

- Expand cycle lanes.
- Add charging points.

## 3 Delivery

The Climate Board will report each year.
"""

PARTS_PLAN = """National Adaptation Plan

Part I
Context

The country faces rising temperatures and floods.

Chapter 1 Objectives

1. The Government will reduce flood risk for 500,000 homes by 2035.

2. The Ministry of Water shall publish a national flood map that
covers every river basin and is updated every five years:

(a) The map shall cover all river basins.

(b) The map shall be updated every five years.

Chapter 2 Measures

3. Each region must prepare an adaptation plan.

Part II
Implementation

Chapter 3 Monitoring

4. The Adaptation Committee shall report to Parliament every two years.

5. Funding will be reviewed in 2030.
"""


def test_eu_regulation_articles_paragraphs_points_annex():
    doc = _split(EU_REGULATION)
    assert [cid for cid in doc if not cid.startswith(("preamble.", "recital."))] == [
        "1", "1(1)", "1(2)", "2", "2(a)", "2(b)", "3", "3(1)", "3(2)", "3(2)(a)", "3(2)(b)", "3(2)(c)", "3(3)",
        "4", "4(1)", "4(2)", "annex-I", "annex-I(1)", "annex-I(2)",
    ]  # fmt: skip
    assert doc["3(2)(c)"].label == "Article 3(2)(c)"
    assert doc["3(2)(c)"].lead_in == "The heat plan shall include:"
    assert doc["3(1)"].heading == ["CHAPTER II — OBLIGATIONS", "SECTION 1 — Planning", "Heat plans"]
    assert doc["2"].heading == ["CHAPTER I — GENERAL PROVISIONS", "Definitions"]
    assert doc["2"].text.startswith("For the purposes of this Regulation")
    assert doc["4(2)"].label == "Article 4(2)"
    assert doc["annex-I(2)"].label == "Annex I(2)"
    # recitals are not articles: they are provisions of their own, under their printed numbers
    assert doc["recital.1"].text == "Heat networks can deliver low-carbon heat at scale."
    assert doc["recital.2"].label == "Recital 2"
    assert doc["recital.2"].parent is None
    assert [p.text for cid, p in doc.items() if cid.startswith("preamble.")][-1] == "HAVE ADOPTED THIS REGULATION:"


def test_markdown_strategy_numbered_headings():
    doc = _split(MARKDOWN_STRATEGY)
    assert [cid for cid in doc] == ["preamble.1", "1", "2", "2.1", "2.1(1)", "2.1(2)", "2.2", "3"]
    assert doc["preamble.1"].heading == ["Riverton Net Zero Strategy", "Introduction"]
    assert doc["2.1"].parent == "2"
    assert doc["2.1"].heading == ["Energy", "Buildings"]
    assert doc["2.1"].text.startswith("The council will retrofit 2,000 homes a year.")
    assert doc["2.1(2)"].lead_in == "Key actions:"
    assert doc["2.2"].text.endswith("- Expand cycle lanes.\n- Add charging points.")
    assert doc["3"].label == "section 3"


def test_plan_in_parts_and_chapters():
    doc = _split(PARTS_PLAN)
    assert [cid for cid in doc] == ["part-I.1", "1", "2", "2(a)", "2(b)", "3", "4", "5"]
    assert doc["part-I.1"].text == "The country faces rising temperatures and floods."
    assert doc["1"].heading == ["Part I — Context", "Chapter 1 Objectives"]
    assert doc["4"].heading == ["Part II — Implementation", "Chapter 3 Monitoring"]
    assert doc["2"].text == (
        "The Ministry of Water shall publish a national flood map that covers every river basin and is updated "
        "every five years:"
    )
    assert doc["2(b)"].lead_in == doc["2"].text


def test_hard_wrapped_headings_and_glued_section_marks():
    text = (
        "Sec. 101.  Policy.  It is the policy of the Government to act.\n\n"
        "Sec. 102.  Government-wide\nGoals.  The Government shall set goals\nfor every agency.\n\n"
        "Sec.103.  Reporting.  Agencies shall report.\n\n"
        "Section\n104.\nReview.  The Council shall review the goals.\n"
    )
    doc = _split(text)
    assert list(doc) == ["101", "102", "103", "104"]
    assert doc["102"].heading == ["Government-wide Goals"]
    assert doc["102"].text == "The Government shall set goals for every agency."
    assert doc["103"].heading == ["Reporting"]
    assert doc["104"].heading == ["Review"]


# ---- every document -----------------------------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z][A-Za-z’'\-]*")
_LABEL_WORD = re.compile(r"(?i)(?:[a-z]{1,2}|[ivxlc]+|sec|section|article|art)")


@pytest.mark.parametrize("name", REAL)
def test_no_text_lost(name):
    text = _read(name)
    provisions = split_provisions(text)
    assert provisions is not None
    out: Counter[str] = Counter()
    headings = set()
    for p in provisions:
        out.update(_WORD.findall(p.text))
        headings.update((tuple(p.heading[:k]), h) for k, h in enumerate(p.heading))
    for _, h in headings:
        out.update(_WORD.findall(h))
    source = Counter(_WORD.findall(text))
    missing = source - out
    assert all(_LABEL_WORD.fullmatch(w) for w in missing), {w: n for w, n in missing.items()}
    assert sum(missing.values()) < 0.03 * sum(source.values())


@pytest.mark.parametrize("name", REAL)
def test_text_is_verbatim(name):
    text = _read(name)
    flat = re.sub(r"\s+", " ", text)
    for p in split_provisions(text) or []:
        for paragraph in p.text.split("\n"):
            assert paragraph in flat, (p.clause_id, paragraph[:80])


def test_a_long_deeply_numbered_act_is_read_whole():
    # How fast: ``policyqa bench`` (reading speed, act/structure), not a timed test.
    act = numbered_act(750)
    assert len(act) > 150_000
    doc = split_provisions(act)
    assert doc is not None and {p.clause_id for p in doc} >= {"750(2)(c)", "1(1)"}


# ---- references -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("Sec. 102(a)(i)", "102(a)(i)"),
        ("section 205", "205"),
        ("Section 4.2 (b)", "4.2(b)"),
        ("subsection 14(2)", "14(2)"),
        ("paragraph 9(1)(a)", "9(1)(a)"),
        ("Article 12", "12"),
        ("art. 3(1)", "3(1)"),
        ("Sec.203", "203"),
        ("what does section 7(1.1) require?", "7(1.1)"),
        ("paragraph 3 of Article 12", "12(3)"),
        ("Article 5(1), point (a)", "5(1)(a)"),
        ("4.1(b)(ii)(A)", "4.1(b)(ii)(A)"),
        ("Annex I", "annex-I"),
        ("Annex I, Part A", "annex-I.part-A"),
        ("point 2 of Annex II Part B", "annex-II.part-B"),
        ("what does recital 12 say?", "recital.12"),
        ("Recital (3)", "recital.3"),
        ("What is section 56A about?", "56A"),
        ("subsection 14(1A)", "14(1A)"),
        ("s 49(1)(ca)", "49(1)(ca)"),
        ("Summarise item 14 of Schedule 2.", "schedule-2(14)"),
        ("What does item 32(2) of Schedule 2 provide?", "schedule-2(32)(2)"),
        ("Schedule 2, item 14", "schedule-2(14)"),
        ("subitem 6(3) of Schedule 2", "schedule-2(6)(3)"),
        ("What is in Part 5 of Schedule 2?", "schedule-2.part-5"),
        ("How much money is there?", None),
        ("the section is long", None),
        ("subsection (a)(i) of this section", None),
        ("", None),
    ],
)
def test_normalise_reference(ref, expected):
    assert normalise_reference(ref) == expected


def test_references_find_the_printed_provisions(act, eo14008):
    assert act[normalise_reference("subsection 7(1.1)")].heading[-1] == "Progression"
    assert normalise_reference("paragraph 7(4)(a)") in act
    assert eo14008[normalise_reference("Sec. 203")].heading[-1] == "National Climate Task Force"


# ---- regulations as pasted from EUR-Lex ------------------------------------------------------------------------

# A browser copy of an EUR-Lex page: a blank line between paragraphs, table cells ("(1)", "(a)", "1.") on a line of
# their own with their text in the next paragraph, "1." followed by non-breaking spaces, a quoted amendment,
# closing formula, signatures and notes before the annexes.
NB = "\u00a0\u00a0\u00a0"
EUR_LEX_PASTE = f"""REGULATION (EU) 2031/512 OF THE EUROPEAN PARLIAMENT AND OF THE COUNCIL

of 3 March 2031

on the monitoring of district heating networks

(Text with EEA relevance)

THE EUROPEAN PARLIAMENT AND THE COUNCIL OF THE EUROPEAN UNION,

Having regard to the Treaty on the Functioning of the European Union, and in particular Article 194(2) thereof,

Having regard to the opinion of the European Economic and Social Committee (1),

Acting in accordance with the ordinary legislative procedure (2),

Whereas:

(1)

District heating can supply low-carbon heat to dense urban areas, and its losses are rarely measured today.

(2)

Operators should report losses in a comparable way. Reporting should cover:

(a)

losses in the network; and

(b)

the share of renewable heat.

(3)

Since the objectives of this Regulation cannot be achieved by the Member States alone, the Union may adopt measures,

HAVE ADOPTED THIS REGULATION:

CHAPTER I

GENERAL PROVISIONS

Article 1

Subject matter

This Regulation lays down rules on the monitoring of district heating networks and on the reporting of their losses.

Article 2

Definitions

For the purposes of this Regulation, the following definitions apply:

(1)

‘network’ means a system of pipes distributing heat;

(2)

‘operator’ means the operator of a network.

CHAPTER II

OBLIGATIONS

Article 3

Monitoring plans

1.{NB}Operators shall draw up a monitoring plan for each network they operate.

2.{NB}The monitoring plan shall include:

(a)

the location of meters;

(b)

the methods used to estimate losses, including:

(i)

the calculation method; and

(ii)

the uncertainty;

(c)

the reporting calendar.

The plan shall be kept up to date.

3.{NB}Member States shall ensure that:

(a)

plans are published;

(b)

plans are checked every year.

Where a plan is incomplete, the competent authority shall request:

(a)

the missing parts;

(b)

a corrected calendar.

Article 4 Reporting

Operators shall report by 30 April each year.

CHAPTER III

FINAL PROVISIONS

Article 5

Amendment to Regulation (EU) 2029/1

In Regulation (EU) 2029/1, the following Article is inserted:

‘Article 7a

Heat networks

1.{NB}This Article applies to heat networks.

2.{NB}Operators shall report under Regulation (EU) 2031/512.’.

Article 6

Entry into force

This Regulation shall enter into force on the twentieth day following that of its publication in the Official Journal.

This Regulation shall be binding in its entirety and directly applicable in all Member States.

Done at Brussels, 3 March 2031.

For the European Parliament

The President

A. MEYER

For the Council

The President

B. NOVAK

(1)  OJ C 12, 4.1.2031, p. 5.

(2)  Position of the European Parliament of 1 February 2031.

ANNEX I

Content of the monitoring plan

PART A

Meters

1.

Location of each meter.

2.

Type of each meter.

PART B

Losses

1.

Estimated annual losses.
"""

# An older layout: one paragraph a line (lines not wrapped), recitals inline, "PART ONE" / "TITLE I" / "Section 1"
# over untitled and titled articles, points after a tab, the notes at the very end.
OLD_REGULATION = """Council Regulation (EC) No 77/2031
of 2 May 2031
on the labelling of heat pumps
THE COUNCIL OF THE EUROPEAN UNION,
Having regard to the Treaty establishing the European Community, and in particular Article 95 thereof,
Having regard to the proposal from the Commission(1),
Whereas:
(1) Consumers need comparable information on the efficiency of heat pumps, which differs between models.
(2) Labels should be the same in all Member States.
HAS ADOPTED THIS REGULATION:
PART ONE
GENERAL PROVISIONS
TITLE I
SCOPE
Article 1
1.\tThis Regulation applies to heat pumps placed on the market.
2.\tIt does not apply to:
(a)\tprototypes;
(b)\tsecond-hand heat pumps.
Section 1
Labels
Article 2
Content of the label
The label shall state the seasonal efficiency.
PART TWO
FINAL PROVISIONS
Article 3
This Regulation shall enter into force on 1 January 2032.
This Regulation shall be binding in its entirety and directly applicable in all Member States.
Done at Luxembourg, 2 May 2031.
For the Council
The President
J. Schmidt
(1) OJ C 40, 1.2.2031, p. 3.
"""


def test_eur_lex_paste_recitals_articles_points():
    doc = _split(EUR_LEX_PASTE)
    assert [cid for cid in doc if cid.startswith("recital.")] == ["recital.1", "recital.2", "recital.3"]
    assert doc["recital.1"].text.startswith("District heating can supply low-carbon heat")
    assert doc["recital.2"].text.endswith("the share of renewable heat.")  # its points stay in the recital
    assert doc["recital.3"].label == "Recital 3"
    assert [cid for cid in doc if cid.startswith("preamble.")][-1] == "preamble.8"
    assert doc["preamble.8"].text == "HAVE ADOPTED THIS REGULATION:"
    for cid in ("1", "2", "2(1)", "2(2)", "3", "3(1)", "3(2)(b)(ii)", "3(3)(b)", "4", "5", "6"):
        assert cid in doc, cid
    p = doc["3(2)(a)"]
    assert p.label == "Article 3(2)(a)"
    assert p.text == "the location of meters;"
    assert p.lead_in == "The monitoring plan shall include:"
    assert p.heading == ["CHAPTER II — OBLIGATIONS", "Monitoring plans"]
    assert doc["3(1)"].text == "Operators shall draw up a monitoring plan for each network they operate."
    assert doc["3(2)(b)(i)"].lead_in == "the methods used to estimate losses, including:"
    assert doc["2(1)"].text == "‘network’ means a system of pipes distributing heat;"
    assert doc["2"].heading == ["CHAPTER I — GENERAL PROVISIONS", "Definitions"]
    assert doc["4"].heading[-1] == "Reporting"  # "Article 4 Reporting" on one line
    assert doc["4"].text == "Operators shall report by 30 April each year."


def test_eur_lex_paste_second_list_closing_words_and_quoted_amendment():
    doc = _split(EUR_LEX_PASTE)
    # words after the last point close the paragraph that introduced the points
    assert doc["3(2)(c)"].text == "the reporting calendar."
    assert doc["3(2)"].text.endswith("The plan shall be kept up to date.")
    # a second list of points under the same paragraph keeps its own lead-in and does not clash with the first
    assert doc["3(3)(a)"].text == "plans are published;"
    second = doc["3(3)(a)-2"]
    assert second.text == "the missing parts;"
    assert second.parent == "3(3)"
    assert second.lead_in == "Where a plan is incomplete, the competent authority shall request:"
    # an article quoted by an amending article is text of the amending article, not numbering of this one
    assert "‘Article 7a" in doc["5"].text and "1. This Article applies to heat networks." in doc["5"].text
    assert not any(cid.startswith("5(") for cid in doc)


def test_eur_lex_paste_closing_notes_and_annex_parts():
    doc = _split(EUR_LEX_PASTE)
    closing = doc["closing.1"]
    assert closing.text.startswith("This Regulation shall be binding in its entirety")
    assert "Done at Brussels, 3 March 2031." in closing.text and "OJ C 12, 4.1.2031" in closing.text
    assert "binding" not in doc["6"].text and "OJ C" not in doc["6"].text
    assert doc["annex-I"].heading == ["ANNEX I — Content of the monitoring plan"]
    part = doc["annex-I.part-A(2)"]
    assert part.label == "Annex I, Part A(2)"
    assert part.text == "Type of each meter."
    assert part.heading == ["ANNEX I — Content of the monitoring plan", "PART A — Meters"]
    assert doc["annex-I.part-B(1)"].parent == "annex-I.part-B"
    assert doc[normalise_reference("Annex I, Part B")].label == "Annex I, Part B"
    assert doc[normalise_reference("recital 2")].text.startswith("Operators should report losses")


def test_older_regulation_layout():
    doc = _split(OLD_REGULATION)
    assert doc["recital.1"].text.startswith("Consumers need comparable information on the efficiency of heat pumps")
    assert doc["recital.2"].text == "Labels should be the same in all Member States."
    assert [cid for cid in doc if not cid.startswith(("preamble.", "recital.", "closing."))] == [
        "1", "1(1)", "1(2)", "1(2)(a)", "1(2)(b)", "2", "3",
    ]  # fmt: skip
    assert doc["1(2)(b)"].label == "Article 1(2)(b)"
    assert doc["1(2)(b)"].lead_in == "It does not apply to:"
    assert doc["1"].heading == ["PART ONE — GENERAL PROVISIONS", "TITLE I — SCOPE"]
    assert doc["2"].heading == ["PART ONE — GENERAL PROVISIONS", "TITLE I — SCOPE", "Section 1 — Labels",
                                "Content of the label"]  # fmt: skip
    assert doc["3"].heading == ["PART TWO — FINAL PROVISIONS"]
    assert doc["3"].text == "This Regulation shall enter into force on 1 January 2032."
    assert "J. Schmidt" in doc["closing.1"].text and "OJ C 40" in doc["closing.1"].text


# ---- real regulations (held outside the repository, see /work/regs/SOURCE.md) --------------------------------

REGS = Path("/work/regs")


def _reg(name: str) -> dict[str, Provision]:
    path = REGS / name
    if not path.exists():
        pytest.skip(f"{path} not available")
    return _split(path.read_text(encoding="utf-8"))


def test_real_commission_decision():
    doc = _reg("eu-commission-decision-2004-761.txt")
    assert [cid for cid in doc if cid.startswith("recital.")] == [f"recital.{n}" for n in range(1, 9)]
    assert doc["recital.7"].text == "Decision 94/433/EC should therefore be repealed."
    assert [cid for cid in doc if re.fullmatch(r"\d+", cid)] == [str(n) for n in range(1, 9)]
    p = doc["1(2)"]
    assert p.label == "Article 1(2)"
    assert p.text.startswith("The survey referred to in Article 1(1) of Directive 93/24/EEC shall cover:")
    assert doc["1(2)(b)"].lead_in == p.text
    assert doc["1(2)(b)"].text.startswith("agricultural holdings with a utilised agricultural area of less than 1 ha")
    assert doc["6(3)"].text.startswith("The list of Member States authorised to use the regional breakdown")
    assert doc["closing.1"].text == "Done at Brussels, 26 October 2004."


def test_real_capital_requirements_regulation_excerpt():
    doc = _reg("eu-crr-575-2013-excerpt.txt")
    assert doc["recital.1"].text.startswith("The G-20 Declaration of 2 April 2009")
    p = doc["4(2)"]
    assert p.label == "Article 4(2)"
    assert p.heading == ["PART ONE — GENERAL PROVISIONS", "TITLE I — SUBJECT MATTER, SCOPE AND DEFINITIONS",
                         "Definitions"]  # fmt: skip
    assert p.text.startswith("Where reference in this Regulation is made to real estate")
    assert doc["4(1)(2)(c)"].lead_in.endswith("excluding the following:")
    assert doc["1(e)"].text == "public disclosure requirements."
    assert doc["1"].text.endswith("as set out in Directive 2013/36/EU.")
    assert doc["521(2)(c)"].heading[0] == "PART ELEVEN — FINAL PROVISIONS"
    assert "OJ C 105" in doc["closing.1"].text and "M. SCHULZ" in doc["closing.1"].text
    assert doc["annex-I(2)(b)(ii)"].label == "Annex I(2)(b)(ii)"
    assert doc["annex-II(2)"].text == "Foreign-exchange contracts and contracts concerning gold:"


def test_real_council_regulation_excerpt():
    doc = _reg("eu-council-reg-6-2002-excerpt.txt")
    assert doc["recital.5"].text.startswith("This calls for the creation of a Community design")
    p = doc["4(2)"]
    assert p.label == "Article 4(2)"
    assert p.heading == ["TITLE II — THE LAW RELATING TO DESIGNS", "Section 1 — Requirements for protection",
                         "Requirements for protection"]  # fmt: skip
    assert doc["4(2)(b)"].lead_in == p.text
    assert doc["3(c)"].text.startswith('"complex product" means')
    assert doc["111(3)"].text.endswith("shall be deemed to have been filed on that date.")
    assert "OJ L 11, 14.1.1994" in doc["closing.1"].text


def test_recital_opening_with_an_article_reference_and_consolidation_marks():
    text = (
        "REGULATION (EU) 2099/2 OF THE COUNCIL\n\nWhereas:\n\n(1)\n\nArticle 290 TFEU enables the legislator to "
        "delegate to the Commission the power to adopt acts of general application.\n\n(2)\n\nThe measures are "
        "needed to complete the internal market for heat.\n\nHAS ADOPTED THIS REGULATION:\n\n▼B\n\nArticle 1\n\n"
        "Scope\n\nThis Regulation applies to heat networks.\n\n▼M1\n\nArticle 2\n\nDelegation\n\n"
        "The Commission shall be empowered to adopt delegated acts.\n"
    )
    doc = _split(text)
    assert list(doc) == ["preamble.1", "recital.1", "recital.2", "preamble.2", "1", "2"]
    assert doc["recital.1"].text.startswith("Article 290 TFEU enables")
    assert doc["1"].text == "This Regulation applies to heat networks."  # "▼M1" is not text


def test_a_list_numbered_past_xxvii_keeps_every_item():
    # "(xxviii)" has six letters: read as a label, not lost between "(xxvii)" and "(xxix)"
    romans = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]
    romans += [f"x{r}" for r in romans] + [f"xx{r}" for r in romans[:9]]
    items = "\n\n".join(f"     ({r})  the Officer number {n};" for n, r in enumerate(romans, 1))
    text = (
        "Sec. 1.  Purpose.  The Council advises the President.\n\n"
        "Sec. 2.  The Council.  (a)  There is established a Council.\n\n"
        f"     (b)  The Council shall consist of the following members:\n\n{items}\n\n"
        "Sec. 3.  General Provisions.  Nothing in this order creates any right.\n"
    )
    provisions = _split(text)
    assert "the Officer number 28" in provisions["2(b)(xxviii)"].text, sorted(provisions)


def test_provisions_an_amendment_inserted_keep_their_printed_labels():
    # "(1A)" after (1), "(ba)" after (b), and section "57" printed after the inserted "57A"
    text = (
        "55  Short title\n\nThis Act may be cited as the Harbour Act.\n\n"
        "56  Delegation\n\n(1) The Minister may act.\n\n(1A) The Minister must report.\n\n(2) The Chair may meet.\n\n"
        "57A  Proceedings\n\n(a) first;\n\n(b) second;\n\n(ba) inserted;\n\n(c) third.\n\n"
        "57  Regulations\n\nThe Governor-General may make regulations.\n"
    )
    provisions = _split(text)
    assert {"56(1A)", "57A(ba)", "57A(c)", "57"} <= set(provisions), sorted(provisions)
    assert provisions["56(1A)"].text == "The Minister must report."
    assert "regulations" in provisions["57"].text


def test_an_agreement_in_a_schedule_keeps_its_clauses_items_and_leaves_the_endnotes_out():
    """An Act compiled with an agreement as its Schedule (the Australian compilations): the line naming the section
    that gives the Schedule effect ("Section 6") is no provision; the items after a numbered clause of the agreement
    are that clause's, not the next of a list in its recitals; the compilation's endnotes are no provisions."""
    from policyqa.ingest.loaders import markdown_text

    text = """# Environment Council Act

    ### Part 1--Preliminary

    ##### 1  Short title

          * This Act may be cited as the Environment Council Act.

    ##### 2  Functions of the Council

          * (1) The Council has the following functions:

            * (a) to make measures;

            * (b) to report on them.

    ##### 3  Heading 3

          * (1) The Council must do thing number 3 each year.

          * (2) The Minister may direct the Council about thing 3.

    ##### 4  Heading 4

          * (1) The Council must do thing number 4 each year.

          * (2) The Minister may direct the Council about thing 4.

    ##### 5  Heading 5

          * (1) The Council must do thing number 5 each year.

          * (2) The Minister may direct the Council about thing 5.

    ##### 6  Heading 6

          * (1) The Council must do thing number 6 each year.

          * (2) The Minister may direct the Council about thing 6.

    ##### 7  Heading 7

          * (1) The Council must do thing number 7 each year.

          * (2) The Minister may direct the Council about thing 7.

    ## Schedule--Intergovernmental Agreement

        * Section 6

          * **INTERGOVERNMENTAL AGREEMENT**

    AND WHEREAS the Parties ACKNOWLEDGE the following:

       * (i) the extent to which roles can be defined;

       * (ii) the extent to which duplication can be avoided.

    SECTION 2--RESPONSIBILITIES

        * 2.5  ACCOMMODATION OF INTERESTS

        * 2.5.1	Between the States and the Commonwealth

         * 2.5.1.1	Where there is a Commonwealth interest, that interest will be accommodated as follows:

           * (i) the parties will cooperatively set standards; or

           * (ii) the Commonwealth may accredit a State's processes.

         * 2.5.1.2	Where it has accredited processes the Commonwealth will give full faith and credit to them.

    #### Endnotes

    ##### Endnote 1--About the endnotes

    The endnotes provide information about this compilation and the compiled law.

    ##### Endnote 3--Legislation history

          * (2) Subject to this section, this Act commences at the commencing time.
    """
    provisions = _split(markdown_text(text))
    assert "schedule(6)" not in provisions
    assert provisions["2.5.1.1(i)"].text.startswith("the parties will cooperatively set standards")
    assert provisions["2.5.1.1(ii)"].text.startswith("the Commonwealth may accredit")
    assert not any(cid.startswith("schedule(i)-") for cid in provisions)
    # nothing of the endnotes is read as a provision of the Schedule or of the Act
    assert not any("commencing time" in p.text for cid, p in provisions.items() if not cid.startswith("closing"))


@pytest.mark.parametrize(
    ("ref", "wanted"),
    [
        ("clause 3 of Schedule 1", "schedule-1(3)"),
        ("Schedule 1 clause 3", "schedule-1(3)"),
        ("paragraph 5(2) of Schedule 4", "schedule-4(5)(2)"),
        ("item 14 of Schedule 2", "schedule-2(14)"),
    ],
)
def test_a_schedules_unit_is_cited_by_whatever_word_it_goes_by(ref, wanted):
    # an agreement set out as a schedule numbers clauses, a transitional Act's schedule numbers items
    assert normalise_reference(ref) == wanted
