"""The evaluation gate: every `make test` runs the set and holds the answers to the bar."""

from __future__ import annotations

import json

import pytest
from policyqa.eval.harness import GATE, ZH_BAR, agency_spellings, gate_failures, load_cases, run_eval
from policyqa.eval.scoring import answer_correct, recall_at, reciprocal_rank


def test_the_set_is_large_and_covers_every_kind():
    cases = load_cases()
    assert len(cases) >= 150
    assert len({c["id"] for c in cases}) == len(cases)
    by_type = {t: sum(1 for c in cases if c["type"] == t) for t in {c["type"] for c in cases}}
    assert by_type["abstain"] >= 25
    assert {"lead", "agency_duties", "target", "obligation", "fact", "clause_lookup", "followup"} <= set(by_type)
    assert sum(1 for c in cases if c.get("lang") == "zh") >= 30
    # a quarter held out of each document that has a held-out split (dev documents have none)
    held_docs = {c["doc"] for c in cases if c["split"] == "heldout"}
    within = [c for c in cases if c["doc"] in held_docs]
    heldout = sum(1 for c in within if c["split"] == "heldout")
    assert heldout >= len(within) / 4 * 0.9


def test_scoring_rules_on_plain_data():
    case = {"must": [["14 percent", "14%"]], "must_not": ["50%"], "abstain": False, "gold": ["2"]}
    assert answer_correct(case, "drop by 14 percent [2]", False)
    assert not answer_correct(case, "drop by 14 percent, not 50% [2]", False)
    assert not answer_correct(case, "drop by 14 percent", True)
    assert answer_correct({"abstain": True, "must_not": [["400-6700-999"]]}, "The plan does not say", True)
    assert recall_at(case, ["3.1.1", "2"], 1) == 0 and recall_at(case, ["3.1.1", "2"], 5) == 1
    assert reciprocal_rank(case, ["3.1.1", "2"]) == 0.5


def test_an_agency_counts_in_any_of_the_plans_spellings(qa):
    # The plan spells one commission two ways; a case naming one is met by the other, and only by it.
    case = {"must": [["Economic Information Commission"]], "abstain": False}
    same_as = agency_spellings(qa.registry)
    answer = "Municipal Economic and Information Commission takes the lead [3.9.1]."
    assert not answer_correct(case, answer, False)
    assert answer_correct(case, answer, False, same_as=same_as)
    other = "Municipal Development and Reform Commission takes the lead [4.1.1]."
    assert not answer_correct(case, other, False, same_as=same_as)
    assert same_as("data center") == []


@pytest.fixture(scope="module")
def report(qa):
    return run_eval(qa=qa)


def test_gate_holds_on_the_dev_split(report):
    print(json.dumps({k: report[k] for k in ("policyqa", "baseline", "splits", "by_lang")}, indent=1))
    assert set(report["splits"]) == {"dev", "heldout"}
    assert gate_failures(report, {"dev": GATE, "heldout": {}}) == [], GATE


def test_gate_holds_on_the_heldout_split(report):
    # The held-out questions are never tuned on: the same bar, on questions no change was made for.
    assert gate_failures(report, {"dev": {}, "heldout": GATE}) == [], GATE


def test_chinese_line_meets_the_bar(report):
    zh = report["by_lang"]["zh"]
    print("Chinese:", {k: zh[k] for k in ZH_BAR}, "bar:", ZH_BAR)
    assert zh["n"] >= 30
    assert all(zh[k] >= v for k, v in ZH_BAR.items()), ZH_BAR


def test_beats_the_tutorial_rag(report):
    assert report["policyqa"]["recall@1"] > report["baseline"]["recall@1"]
    assert report["policyqa"]["answer_accuracy"] > report["baseline"]["answer_accuracy"]


def test_each_document_is_held_to_its_own_bar():
    from policyqa.eval.harness import NEW_DOCUMENT_BAR, document_bars

    bars = document_bars()
    assert bars["chongqing-14fyp-energy-emissions"] == GATE
    assert bars["us-eo14008-climate-crisis"] == NEW_DOCUMENT_BAR
    ok = {"answer_accuracy": 0.96, "cited_right": 0.95, "grounded": 1.0, "abstention_accuracy": 0.96}
    report = {
        "documents": {
            "chongqing-14fyp-energy-emissions": {"splits": {"heldout": {**ok, "answer_accuracy": 0.93}}},
            "us-eo14008-climate-crisis": {"splits": {"heldout": {**ok, "answer_accuracy": 0.93}}},
        }
    }
    # 0.93 misses the tuned plan's bar (0.95) and meets a new plan's (0.90)
    assert gate_failures(report) == ["chongqing-14fyp-energy-emissions heldout answer_accuracy = 0.93 (bar >= 0.95)"]
