"""The document model: provisions under the ids each document prints, on real documents and on small ones in
other shapes (an EU-style regulation, a Markdown strategy, a plan in Parts and Chapters)."""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

import pytest
from policyqa.ingest.structure import Provision, normalise_reference, split_provisions

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
    assert [cid for cid in doc if not cid.startswith("preamble.")] == [
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
    # recitals are not articles: they stay in the preamble with their own numbers in the text
    recitals = [p.text for cid, p in doc.items() if cid.startswith("preamble.")]
    assert "(1) Heat networks can deliver low-carbon heat at scale." in recitals


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


def test_speed_on_a_long_document():
    text = _read("us-eo14110-ai.txt")
    start = time.perf_counter()
    assert split_provisions(text) is not None
    assert time.perf_counter() - start < 0.5
    act = "\n".join(
        f"Note {n}\n{n} (1) The Minister must publish report {n} within 30 days after the end of each year.\n"
        f"(2) The report must contain\n(a) the emissions in the year;\n(b) the measures taken; and\n"
        f"(c) the measures planned."
        for n in range(1, 751)
    )
    assert len(act) > 150_000
    start = time.perf_counter()
    doc = split_provisions(act)
    assert time.perf_counter() - start < 1.0
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
