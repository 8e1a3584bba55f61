"""Deadlines as the sentence states them: spans from an event, calendar dates, recurring duties."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from policyqa.ingest.deadlines import Deadline, extract_deadlines

CORPORA = Path("/work/shared/corpora")
ROOT = Path(__file__).resolve().parent.parent


def _read(name: str) -> str:
    path = CORPORA / name
    if not path.exists():
        pytest.skip(f"{path} is not here")
    return path.read_text(encoding="utf-8")


def _find(deadlines: list[Deadline], text: str) -> Deadline:
    hits = [d for d in deadlines if d.text.lower() == text.lower()]
    assert hits, f"{text!r} not among {[d.text for d in deadlines]}"
    return hits[0]


def test_nuclear_order_days_from_the_date_of_this_order():
    text = _read("us-eo2025-nuclear-industrial-base.txt")
    deadlines = extract_deadlines(text)
    ninety = _find(deadlines, "Within 90 days of the date of this order")
    assert (ninety.kind, ninety.days, ninety.anchor, ninety.date) == ("relative", 90, "the date of this order", "")
    assert "Secretary of Energy" in ninety.sentence
    from_order = [d for d in deadlines if d.anchor == "the date of this order"]
    assert {d.days for d in from_order} >= {30, 90, 120, 180, 240}
    assert _find(deadlines, "within 3 years from the date of such applications").days == 3 * 365
    agreement = _find(deadlines, "no later than 30 days after any voluntary agreement is reached")
    assert agreement.anchor == "any voluntary agreement is reached"
    # "facilitate 5 gigawatt ... under construction by 2030" closes a target, not a duty.
    assert not any(d.kind == "date" for d in deadlines)


def test_canadian_act_dates_and_spans_after_coming_into_force():
    text = _read("ca-netzero-accountability-act.txt")
    deadlines = extract_deadlines(text)
    december = _find(deadlines, "no later than December 1, 2024")
    assert (december.kind, december.date, december.days) == ("date", "2024-12-01", None)
    assert "2035 milestone year" in december.sentence
    plan = _find(deadlines, "within six months after the day on which this Act comes into force")
    assert (plan.kind, plan.days, plan.anchor) == ("relative", 180, "the day on which this Act comes into force")
    before = _find(deadlines, "at least five years before the beginning of the year")
    assert before.days == -5 * 365  # before its anchor
    assert _find(deadlines, "by no later than the end of 2023").date == "2023-12-31"
    assert _find(deadlines, "at least once every five years").kind == "recurring"
    texts = [d.text.lower() for d in deadlines]
    assert "by 90 days" not in texts  # an extension of a time limit, not a deadline
    assert "by 2050" not in texts  # net-zero by 2050 is the target's year


def test_ai_order_many_hundred_and_eighty_day_deadlines():
    text = _read("us-eo14110-ai.txt")
    deadlines = extract_deadlines(text)
    within_180 = [d for d in deadlines if d.text.lower().startswith("within 180 days") and d.days == 180]
    assert len(within_180) >= 20
    assert sum(d.anchor == "the date of this order" for d in within_180) >= 20
    assert _find(deadlines, "at least annually thereafter").kind == "recurring"
    assert _find(deadlines, "within 180 days of the date the plan is established").anchor == (
        "the date the plan is established"
    )
    # A line break before "(a)" in the middle of a sentence does not cut the anchor.
    cross_ref = [d for d in deadlines if d.anchor.startswith("the completion of the guidelines")]
    assert cross_ref and cross_ref[0].anchor.endswith("of this section")
    assert all(d.sentence in re.sub(r"\s+", " ", text) for d in deadlines)


def test_climate_order_month_dates_and_goal_years():
    text = _read("us-eo14008-climate-crisis.txt")
    deadlines = extract_deadlines(text)
    assert _find(deadlines, "By February 2022").date == "2022-02"
    assert _find(deadlines, "within 6 months of the date of this order").days == 180
    assert any(d.kind == "recurring" and d.text == "annually" for d in deadlines)
    assert not any(d.text == "by 2030" for d in deadlines)  # "the goal of conserving 30 percent ... by 2030"
    relative = [d for d in deadlines if d.kind == "relative"]
    assert len(relative) >= 15


def test_words_for_numbers_recurring_duties_and_what_is_no_deadline():
    text = (
        "Article 5\n\n"
        "1. The Secretary shall, within ninety days after the effective date of this Act, issue rules, and within "
        "one hundred eighty days thereafter publish them.\n\n"
        "2. The Commission shall review this Regulation every five years and report to Parliament biennially.\n\n"
        "3. Member States shall notify the Commission no later than 31 March 2026 and each year thereafter.\n\n"
        "4. The operator shall submit the plan by 2028. The Board may revise the list from time to time.\n\n"
        "5. Member States shall install 3 GW of offshore capacity by the end of 2025 and keep records for 5 years."
    )
    deadlines = extract_deadlines(text)
    assert [(d.kind, d.text) for d in deadlines] == [
        ("relative", "within ninety days after the effective date of this Act"),
        ("relative", "within one hundred eighty days thereafter"),
        ("recurring", "every five years"),
        ("recurring", "biennially"),
        ("date", "no later than 31 March 2026"),
        ("recurring", "each year"),
        ("date", "by 2028"),
    ]
    assert [d.days for d in deadlines[:2]] == [90, 180]
    assert deadlines[0].anchor == "the effective date of this Act" and deadlines[1].anchor == ""
    assert deadlines[4].date == "2026-03-31" and deadlines[6].date == "2028"


def test_a_duty_recurring_each_quarter_or_month_is_a_recurring_deadline():
    text = (
        "(a) The council shall meet at least once each quarter and publish a summary of each meeting.\n\n"
        "(b) The Board shall report twice a year to the Governor, and review its list every quarter.\n\n"
        "(c) Operators shall test the alarms once per month."
    )
    assert [(d.kind, d.text) for d in extract_deadlines(text)] == [
        ("recurring", "at least once each quarter"),
        ("recurring", "twice a year"),
        ("recurring", "every quarter"),
        ("recurring", "once per month"),
    ]


def test_markdown_plan_with_a_target_year_has_no_deadline():
    text = "## 2.1 Buildings\n\nWe will retrofit 10,000 households by 2030 and cut energy use by 30 percent by 2035."
    assert extract_deadlines(text) == []


def test_chongqing_plan_sets_years_for_targets_not_deadlines():
    text = (ROOT / "corpus" / "chongqing-14fyp-energy-emissions.txt").read_text(encoding="utf-8")
    deadlines = extract_deadlines(text)
    assert not any(d.kind == "date" and d.date == "2025" for d in deadlines)


def test_how_often_is_answered_by_the_recurring_duty_not_the_first_date():
    from policyqa.engine.agencies import AgencyRegistry
    from policyqa.engine.clauses import Clause
    from policyqa.engine.compose import Composer, asked_deadline_kind
    from policyqa.engine.question import Question
    from policyqa.engine.retrieval import ClauseHit
    from policyqa.ingest.deadlines import extract_deadlines

    text = (
        "The head of each agency shall submit a progress report on the action plan to the Task Force within 120 "
        "days. After that, progress reports are due annually."
    )
    clause = Clause("doc", "211(c)", ["Action plans"], text, deadlines=extract_deadlines(text))
    question = "how often must the head of each agency submit a progress report on the action plan?"
    assert asked_deadline_kind(question) == "recurring" and asked_deadline_kind("by when is it due?") == ""
    assert asked_deadline_kind("部长多久要审查并报告一次？") == "recurring"
    q = Question(raw=question, text=question, intent="deadline", language="en")
    answer = Composer(AgencyRegistry([])).deadline(q, [ClauseHit("doc:211(c)", clause, 1.0)]).text
    assert "annually" in answer and "120" not in answer, answer


def test_a_year_counted_from_an_event_is_a_relative_deadline():
    text = (
        "The Member State shall report, in the year following the year in which the recommendations were issued, "
        "how it took account of them. The Minister must publish the list during the calendar year preceding the "
        "election. The fee applied in the year following."
    )
    found = extract_deadlines(text)
    assert [(d.kind, d.days, d.anchor) for d in found] == [
        ("relative", 365, "the year in which the recommendations were issued"),
        ("relative", -365, "the election"),
    ]


def test_how_long_something_lasts_is_a_duration_asked_not_a_deadline():
    from policyqa.engine.compose import asked_deadline_kind
    from policyqa.ingest.deadlines import DURATION

    assert asked_deadline_kind("How long do members serve?") == "duration"
    assert asked_deadline_kind("For how long must the framework apply?") == "duration"
    assert asked_deadline_kind("How long does the Secretary have to submit the report?") == ""
    assert asked_deadline_kind("How often is progress reported?") == "recurring"
    for said in (
        "appointed for a renewable term of up to three years",
        "shall apply for no less than 2 years",
        "for a term of four years",
        "a five-year term",
    ):
        assert DURATION.search(said), said
    assert not DURATION.search("within 90 days of the date of this order")
    assert extract_deadlines("The framework shall apply for no less than 2 years.") == []


def test_a_span_told_as_history_is_no_deadline():
    from policyqa.engine.clauses import Clause
    from policyqa.engine.compose import asks_past, dated_sentences

    text = (
        "It took nearly 40 years for the United States to add the same amount of nuclear capacity as another "
        "developed nation added in 10 years. At the same time, the fuel cycle has atrophied."
    )
    clause = Clause("doc", "1", ["Purpose"], text)
    assert dated_sentences(clause) == []  # "by when must ..." is not answered by it
    assert not asks_past("What's the deadline to rule on license applications?")
    assert asks_past("How many years did it take the US to add that capacity?")
    assert dated_sentences(clause, past=True) == [text.split(". ")[0] + "."]
