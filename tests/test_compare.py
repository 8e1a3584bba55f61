"""Comparing plans (engine/compare.py): a comparison question over the Chongqing plan and EO 14008 is
answered side by side, each line and citation labelled with its plan, a plan silent on the point saying
so; a question that is no comparison is answered as before. A real index of the two real documents."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from policyqa.engine.compare import compare_rules, read_comparison
from policyqa.engine.grounding import MARKER, check
from policyqa.engine.index import clause_key

from tests.conftest import ROOT, SHARED_CORPORA

pytestmark = pytest.mark.skipif(not SHARED_CORPORA.is_dir(), reason="../shared/corpora is not beside this clone")

CQ, EO = "chongqing-14fyp-energy-emissions", "us-eo14008-climate-crisis"
LABELS = {CQ: "Chongqing plan", EO: "EO 14008"}
SAY_COAL = "What does the plan say about coal?"


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    """The core object over the Chongqing plan and EO 14008, indexed together."""
    from policyqa.engine.core import PolicyQA
    from policyqa.ingest.build import ingest
    from policyqa.ingest.documents import corpus_documents, file_document
    from policyqa.settings import Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("two") / "data")
    eo = file_document(SHARED_CORPORA / f"{EO}.txt")
    eo.doc_id = EO
    ingest(settings, sources=[*corpus_documents(settings.corpus_dir), eo], progress=False)
    return PolicyQA(settings)


def _lines_of(ans, label: str) -> list[str]:
    return [ln for ln in ans.answer.splitlines() if ln.startswith(f"{label}: ") or ln.startswith(f"{label} says")]


def _grounded_per_plan(qa, ans) -> None:
    """Every cited line keeps its [clause] marker and passes the grounding check against its own plan's
    clauses (ids repeat across documents, so each plan is checked apart)."""
    for doc, label in LABELS.items():
        cited = [ln for ln in ans.answer.splitlines() if ln.startswith(f"{label}: ")]
        for line in cited:
            assert MARKER.search(line), line
        by_id = {c.clause_id: qa.index.by_key[clause_key(doc, c.clause_id)] for c in ans.citations if c.doc_id == doc}
        if cited:
            result = check("\n".join(cited), by_id, qa.registry, f"{ans.question} {label}")
            assert result.grounded, result.dropped


def test_the_two_plans_vehicle_targets_side_by_side(two):
    ans = two.answer("How do the two plans' vehicle targets differ?")
    assert ans.intent == "compare" and not ans.abstained and ans.grounded
    assert {c.doc_id for c in ans.citations} == {CQ, EO}, "each plan is cited"
    assert "1 million" in "\n".join(_lines_of(ans, "Chongqing plan"))  # its new energy vehicle target
    assert any("vehicle" in ln for ln in _lines_of(ans, "EO 14008"))
    # every line says which plan it is from, and every citation names its document
    assert all(ln.startswith(tuple(LABELS.values())) for ln in ans.answer.splitlines())
    titles = two.index.titles
    assert all(c.document == titles[c.doc_id] for c in ans.citations)
    assert titles[CQ] in ans.document and titles[EO] in ans.document and ans.doc_id == ""
    _grounded_per_plan(two, ans)


def test_compare_two_named_plans_on_coal(two):
    ans = two.answer("compare the Chongqing plan and EO 14008 on coal")
    assert ans.intent == "compare" and ans.grounded
    assert {c.doc_id for c in ans.citations} == {CQ, EO}
    assert any("coal" in ln.lower() for ln in _lines_of(ans, "Chongqing plan"))
    assert any("coal" in ln.lower() for ln in _lines_of(ans, "EO 14008"))
    assert ans.to_dict()["citations"][0]["document"], "the JSON names each citation's plan"
    _grounded_per_plan(two, ans)


def test_a_point_only_one_plan_covers_says_the_other_is_silent(two):
    ans = two.answer("What is the difference between the Chongqing plan and the climate order on offshore wind?")
    assert ans.intent == "compare" and not ans.abstained
    assert "Chongqing plan says nothing about offshore wind." in ans.answer
    assert [c.doc_id for c in ans.citations] == [EO] * len(ans.citations) and ans.citations
    assert any(c.clause_id == "207" for c in ans.citations)  # "doubling offshore wind by 2030"
    _grounded_per_plan(two, ans)
    # and the other way round: a figure only the Chongqing plan sets
    ans = two.answer("How do the plans differ on volatile organic compounds?")
    assert "EO 14008 says nothing about volatile organic compounds." in ans.answer
    assert {c.doc_id for c in ans.citations} == {CQ}


def test_when_neither_plan_says_anything_the_answer_abstains(two):
    ans = two.answer("Compare the two plans on fishing quotas for tuna")
    assert ans.abstained and ans.intent == "compare" and not ans.citations
    assert ans.answer.startswith("None of the plans compared says anything about fishing quotas for tuna")


@pytest.mark.parametrize(
    "question",
    [
        "Which bureau leads VOC remediation?",
        "How much is energy use per unit of GDP supposed to fall by 2025 compared to 2020?",  # a baseline year
        "What does the Chongqing plan say about coal?",  # one plan named
        "Differential, tiered and punitive electricity prices for energy-intensive industries – who leads?",
        "我们是一家VOCs排放量比较大的汽车零部件喷涂企业，需要安装在线监测设备吗",  # 比较大: "rather large"
    ],
)
def test_a_question_that_is_no_comparison_is_answered_as_before(two, question):
    assert read_comparison(two, question) is None
    assert two.answer(question).intent != "compare"


def test_a_picked_plan_is_not_compared(two):
    ans = two.answer("How do the two plans' vehicle targets differ?", doc=CQ)
    assert ans.intent != "compare" and {c.doc_id for c in ans.citations} <= {CQ}


@pytest.mark.parametrize(
    ("question", "docs", "ask", "topic"),
    [
        ("How do the two plans' vehicle targets differ?", [CQ, EO], "What are vehicle targets?", "vehicle targets"),
        ("compare the Chongqing plan and EO 14008 on coal", [CQ, EO], "What does the plan say about coal?", "coal"),
        ("EO 14008 vs the Chongqing plan on vehicles", [EO, CQ], "What does the plan say about vehicles?", "vehicles"),
        (
            "How does Executive Order 14008 differ from the Chongqing plan on methane?",
            [EO, CQ],
            "What does the plan say about methane?",
            "methane",
        ),
        ("Who leads coal reduction in each plan?", [CQ, EO], "Who leads coal reduction in the plan?", "coal reduction"),
        ("How does the Chongqing plan differ from the other plans on coal?", [CQ, EO], SAY_COAL, "coal"),
        ("compare the Chongqing plan and EO 14008: how do the two plans differ on coal?", [CQ, EO], SAY_COAL, "coal"),
        ("coal: the Chongqing plan vs EO 14008", [CQ, EO], SAY_COAL, "coal"),
        ("两个规划关于煤炭的规定有什么不同？", [CQ, EO], "关于煤炭有什么规定？", "煤炭"),
    ],
)
def test_what_each_plan_is_asked(two, question, docs, ask, topic):
    got = read_comparison(two, question)
    assert got is not None and got.docs == docs and got.ask == ask and got.topic == topic


def test_no_question_of_the_evaluation_set_is_read_as_a_comparison(two):
    # (the dev split only: a test over the held-out questions would be a way of tuning on them)
    questions = [
        q
        for path in (ROOT / "eval" / "cases").glob("*/dev/*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
        for row in [json.loads(line)]
        for q in [row.get("question", ""), *row.get("history", [])]
        if isinstance(q, str) and q
    ]
    assert len(questions) > 1000
    assert [q for q in questions if read_comparison(two, q)] == []


def test_every_comparison_rule_says_why():
    import yaml
    from policyqa.engine.compare import COMPARE_FILE

    data = yaml.safe_load(COMPARE_FILE.read_text(encoding="utf-8"))
    for table in ("cues", "together", "asks", "leftover"):
        assert data[table] and all(row.get("why") for row in data[table]), table
    rules = compare_rules()
    assert all("topic" in p.groupindex for p, _ in rules.asks)


def test_the_ask_tab_labels_each_citation_with_its_plan(two):
    from policyqa.surfaces.web import full_answer_html

    html = full_answer_html(two, two.answer("compare the Chongqing plan and EO 14008 on coal").to_dict())
    summaries = re.findall(r"<summary>\[(.*?)\]", html)
    assert any(s.startswith("Chongqing plan ") for s in summaries), summaries
    assert any(s.startswith("EO 14008 Sec. ") for s in summaries), summaries
    assert "Chongqing plan: " in html and "EO 14008: " in html


def test_the_cli_prints_the_comparison(two, tmp_path: Path):
    from tests.conftest import run_cli

    got = run_cli("ask", "--json", "compare the Chongqing plan and EO 14008 on coal", data_dir=two.settings.data_dir)
    assert got.returncode == 0, got.stderr
    out = json.loads(got.stdout)
    assert out["intent"] == "compare" and {c["doc_id"] for c in out["citations"]} == {CQ, EO}
