"""Targets as the sentence states them: value, unit, direction, baseline and year, on real and made-up plans."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from policyqa.ingest.targets import apply_readings, document_horizon, extract_targets

ROOT = Path(__file__).resolve().parent.parent
CORPORA = Path("/work/shared/corpora")
CHONGQING = ROOT / "corpus" / "chongqing-14fyp-energy-emissions.txt"


def _read(name: str) -> str:
    path = CORPORA / name
    if not path.exists():
        pytest.skip(f"{path} is not here")
    return path.read_text(encoding="utf-8")


def _by_text(targets):
    return {t.value_text: t for t in targets}


# --- made-up documents in other shapes ----------------------------------------------------------------

EU_REGULATION = """Article 12
Union targets

1. Member States shall collectively ensure that greenhouse gas emissions are reduced by at least 55% compared
with 1990 levels by 2030.

2. The share of renewable energy shall reach 42.5 percent by 2030, in accordance with Regulation (EU) 2018/1999
and Article 4 of Directive 2012/27/EU.

3. Within 90 days of the entry into force of this Regulation, the Commission shall adopt delegated acts.

4. Member States shall install 3 GW of offshore capacity and 500 MW of storage by the end of 2025, and build
40,000 square feet of public housing by fiscal year 2027.
"""

MARKDOWN_STRATEGY = """# City Climate Strategy

## 2.1 Buildings

We will retrofit 10,000 households and cut energy use in council buildings by 30 per cent from 2008 levels by 2030.
Zero-emission buses will make up 50 percent of the fleet by 2032 and 100 percent by 2035.

## 2.2 Nature

The city will plant 20,000 trees and restore 5,000 acres of wetland in 2035. We will invest $2 million in tree
nurseries. Renewable capacity will rise from 4 GW in 2020 to 12 GW by 2030.
"""

PARTS_AND_CHAPTERS = """Part II
Chapter 3 Energy

Section 7. By 2030, coal use will fall to 10 per cent of primary energy, and emissions will be 40% below 2005 levels.

During the plan period, 1,200 megawatts of solar and 300,000 kWh of storage will be added.
The shares of wind, solar and hydro power in electricity generation will reach 10%, 20% and 30% respectively.
"""


def test_eu_regulation_numbering_is_never_a_value():
    targets = extract_targets("12", EU_REGULATION, document_horizon(EU_REGULATION))
    values = [t.value_text for t in targets]
    assert values == ["55%", "42.5 percent", "3 GW", "500 MW", "40,000 square feet"]
    cut = targets[0]
    assert (cut.value, cut.unit, cut.direction, cut.year) == (55, "%", "at least", 2030)
    assert cut.baseline == "compared with 1990 levels" and cut.baseline_year == 1990
    assert "greenhouse gas emissions" in cut.measure and not cut.measure.startswith("1.")
    by = _by_text(targets)
    assert by["3 GW"].unit == "GW" and by["3 GW"].year == 2025  # "by the end of 2025"
    assert by["40,000 square feet"].year == 2027  # "by fiscal year 2027"


def test_markdown_strategy_steps_baselines_and_money():
    by = _by_text(extract_targets("2.1", MARKDOWN_STRATEGY))
    assert by["50 percent"].year == 2032 and by["100 percent"].year == 2035  # a step per year
    assert by["30 per cent"].unit == "%" and by["30 per cent"].direction == "fall"
    assert by["30 per cent"].baseline == "from 2008 levels" and by["30 per cent"].baseline_year == 2008
    assert by["10,000 households"].year == 2030
    assert by["5,000 acres"].year == 2035  # "in 2035"
    assert by["$2 million"].value == 2_000_000 and by["$2 million"].unit == "dollars"
    assert by["12 GW"].kind == "target" and by["12 GW"].baseline == "from 4 GW in 2020"
    assert by["12 GW"].year == 2030 and by["12 GW"].baseline_year == 2020
    assert by["4 GW"].kind == "baseline"
    # The year of a starting level is not the target's year.
    assert extract_targets("x", "Storage will grow from 1 GW in 2020 to 3 GW.")[1].year is None


def test_parts_and_chapters_plan_period_and_respectively():
    text = PARTS_AND_CHAPTERS
    targets = extract_targets("3.7", text, default_year=2030)
    assert not any(t.value_text.startswith(("3 ", "7", "II")) for t in targets)
    by = _by_text(targets)
    assert by["40%"].direction == "fall" and by["40%"].baseline_year == 2005
    assert by["10 per cent"].direction == "fall"
    assert by["1,200 megawatts"].unit == "MW" and by["1,200 megawatts"].year == 2030  # the plan period
    assert by["300,000 kWh"].unit == "kWh"
    shares = [t for t in targets if t.value_text in {"10%", "20%", "30%"}]
    assert [t.measure for t in shares] == [
        "The shares of wind",
        "The shares of solar",
        "The shares of hydro power in electricity generation",
    ]
    # Without the document's horizon a plan-period sentence has no year of its own.
    assert _by_text(extract_targets("3.7", text.split("\n\n")[-1]))["1,200 megawatts"].year is None


def test_durations_dates_and_references_are_not_targets():
    text = (
        "Within 90 days of the date of this order, and pursuant to section 35 of the Act of 2019 and Public Law "
        "107-296, the Secretary shall report on the 2030 plan adopted on May 9, 1992; it took 40 years."
    )
    assert extract_targets("1", text) == []


# --- the real documents -------------------------------------------------------------------------------


def test_nuclear_order_capacity_and_reactor_targets():
    text = _read("us-eo2025-nuclear-industrial-base.txt")
    by = _by_text(extract_targets("4", text, document_horizon(text)))
    uprates = by["5 gigawatt"]
    assert (uprates.value, uprates.unit, uprates.year, uprates.kind) == (5, "GW", 2030, "target")
    reactors = by["10 new large reactors"]
    assert (reactors.value, reactors.year, reactors.kind) == (10, 2030, "target")
    assert reactors.direction != "at most"  # "under construction" is no upper bound
    assert by["87 percent"].kind == "fact"  # "... since 2017 are based on designs ..."
    assert not any("days" in t.value_text for t in by.values())  # "within 90 days" is a deadline


def test_climate_order_thirty_by_thirty():
    text = _read("us-eo14008-climate-crisis.txt")
    targets = extract_targets("216", text, document_horizon(text))
    thirty = [t for t in targets if t.value_text == "30 percent"]
    assert thirty and all(t.year == 2030 for t in thirty)
    assert thirty[0].direction == "at least" and "lands and waters" in thirty[0].measure
    assert any(t.value_text == "40 percent" for t in targets)
    assert document_horizon(text) == 2030


def test_ai_order_compute_thresholds_and_money():
    text = _read("us-eo14110-ai.txt")
    targets = extract_targets("4.2", text)
    compute = [t for t in targets if t.value == 1e26]
    assert compute and compute[0].unit == "integer or floating-point operations" and compute[0].kind == "threshold"
    assert compute[0].direction == "at least"
    money = _by_text(targets)["$2 million"]
    assert money.value == 2e6 and money.direction == "at most"  # "up to $2 million"
    assert _by_text(targets)["500 new researchers"].year == 2025
    # "H-1B", "EB-2", "GS-0810" are codes, not counts.
    assert not any(re.match(r"(?:1|2|0810) ", t.value_text) for t in targets)


def test_canadian_act_has_no_numbers_of_sections_or_dates_as_targets():
    text = _read("ca-netzero-accountability-act.txt")
    targets = extract_targets("6", text)
    assert {t.unit for t in targets} == {"°C"}
    assert {t.direction for t in targets} == {"at most"}  # "well below 2°C", "limit that increase to 1.5°C"
    assert document_horizon(text) == 2050


def test_chongqing_targets_keep_their_year_measure_and_reading():
    text = CHONGQING.read_text(encoding="utf-8")
    horizon = document_horizon(text)
    assert horizon == 2025
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    targets = [t for i, p in enumerate(paragraphs) for t in extract_targets(str(i), p, horizon)]
    by = _by_text(targets)
    energy = by["14 percent"]
    assert (energy.direction, energy.year, energy.baseline_year) == ("fall", 2025, 2020)
    assert by["43,200 tons"].measure == "emissions of chemical oxygen demand"
    assert by["10,600 tons"].measure == "emissions of volatile organic compounds"
    glitch = by["0.1,800 tons"]
    assert glitch.value == 1800 and "read as 1,800 tons" in glitch.reading
    assert by["35 tons/hour"].direction == "at most" and by["65 tons/hour"].direction == "at least"
    assert by["35 tons/hour"].kind == by["65 tons/hour"].kind == "threshold"
    # "During the 14th Five-Year Plan period, ... 50 ... units were created": the document's horizon.
    units = by["50 energy-saving public institution demonstration units"]
    assert units.year == 2025
    dated = [t for t in targets if t.year is not None]
    assert len(dated) >= 35 and {t.year for t in dated} == {2025}
    assert all(re.sub(r"\s+", " ", t.sentence) in re.sub(r"\s+", " ", text) for t in targets)


def test_readings_replace_the_measure_of_the_nth_occurrence():
    targets = extract_targets("3.9.1", "Coatings and inks use is reduced by 20%, 15% and adhesives by 20%.")
    readings = [{"clause_id": "3.9.1", "value_text": "20%", "nth": 2, "measure": "adhesives", "reading": "r"}]
    out = apply_readings(targets, readings)
    twenty = [t for t in out if t.value_text == "20%"]
    assert twenty[0].measure != "adhesives" and twenty[1].measure == "adhesives" and twenty[1].reading == "r"


def test_a_multiple_set_in_words_is_a_target():
    said = (
        "The Secretary shall review permitting processes, with the goal of doubling offshore wind by 2030. "
        "Emissions are to be halved by 2040 compared with 2005. Forests have a triple role."
    )
    got = [(t.kind, t.value, t.unit, t.year) for t in extract_targets("1", said)]
    assert got == [("target", 2.0, "times", 2030), ("target", 0.5, "times", 2040)]
    # "with the goal of" sets a goal; "with a capacity of" sets a size a rule covers
    assert extract_targets("2", "boilers with a capacity of 35 tons/hour or less")[0].kind == "threshold"


def test_a_count_in_words_is_a_target_when_a_comparator_bounds_it():
    found = extract_targets("5.2", "Establish at least four new National AI Research Institutes, beside the 25.")
    assert [t.value_text for t in found] == ["four new National AI Research Institutes"]
    assert found[0].value == 4
    # a count in words nothing bounds is a fact of the sentence, and "one hundred" is not read as one
    assert extract_targets("1", "One of the two agencies shall act.") == []
    assert extract_targets("1", "There are more than one hundred agencies.") == []
